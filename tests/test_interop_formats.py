"""Interchange formats without the database: W3C Web Annotation, PTC folders and doccano
JSONL round trips (emoji and other characters outside the BMP: offsets are code points),
W3C validity, what a research corpus becomes, LMS roster parsing of a fixture per LMS,
the LMS layouts with formula-injection cases, and bad input refused in one line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import FormatError
from app.core.packs import Pack, parse_pack, read_pack
from app.interop import doccano, ptc, w3c
from app.interop.lms import IDENTITY_COLUMNS, LMS_CHOICES, lms_rows, lms_score
from app.interop.roster import Identity, parse_roster, read_roster

DATA = Path(__file__).parent / "data"
LMS = DATA / "lms"
TEXT = ("🙂 Officials said the reckless plan 𝔘 would fail, according to insiders.\n\n"
        "Critics call it a disastrous power grab. 🇺🇦 End.")


def at(part: str, label: str, **extra) -> dict:
    i = TEXT.index(part)
    return {"start": i, "end": i + len(part), "label": label, "quote": part, **extra}


EMOJI_PACK = parse_pack({
    "format": "close-reader/lesson-pack", "version": 1,
    "categories": [{"id": "appeal_to_fear", "name": "Appeal to fear",
                    "description": "Builds anxiety.", "color": "#ffccaa"}],
    "lessons": [{
        "id": "emoji-lesson", "title": "Emoji 🙂 lesson", "text": TEXT, "level": "advanced",
        "unit": "Fuzz", "source": {"outlet": "Gazette", "author": "A. B."},
        "instructions": "Read it.", "teacher_notes": "Notes.", "mode": "practice",
        "categories": ["unsupported_claim", "loaded_language", "appeal_to_fear"],
        "key": [at("according to insiders", "unsupported_claim", explanation="Who? 🙂"),
                at("reckless", "loaded_language"),
                at("reckless plan 𝔘 would fail", "appeal_to_fear", required=False),
                at("disastrous power grab", "loaded_language", explanation="Alarm words.")],
    }],
})


def packs() -> list[Pack]:
    sample = read_pack(DATA / "sample-pack.json")
    return [EMOJI_PACK, sample]


def same(a: Pack, b: Pack) -> None:
    """Same lessons (every field) and the same key spans."""
    def norm(p: Pack):
        return {le.id: (le.title, le.text, le.source, le.level, le.unit, le.instructions,
                        le.teacher_notes, le.categories, le.mode,
                        sorted((k.start, k.end, k.label, k.quote, k.explanation, k.required)
                               for k in le.key or ()))
                for le in p.lessons}
    assert norm(a) == norm(b)
    names = {c.id: (c.name, c.description) for c in b.categories}
    for c in a.categories:
        if any(c.id in le.categories for le in a.lessons):
            assert names[c.id] == (c.name, c.description)


# -- W3C -------------------------------------------------------------------------
@pytest.mark.parametrize("pack", packs(), ids=["emoji", "sample"])
def test_w3c_keys_round_trip(pack):
    coll = json.loads(json.dumps(w3c.keys_collection(pack.lessons)))
    without = {le.id: le for le in Pack(pack.categories, tuple(
        type(le)(**{**vars(le), "key": None}) for le in pack.lessons)).lessons}
    keys = w3c.parse_keys(coll, without)
    for le in pack.lessons:
        assert sorted(keys[le.id], key=lambda k: (k.start, k.label)) == \
            sorted(le.key, key=lambda k: (k.start, k.label))


def validate_w3c(coll: dict, texts: dict[str, str]) -> int:
    """The Web Annotation model's required fields, and exact == text at the positions."""
    assert coll["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert coll["type"] == "AnnotationCollection" and coll["id"]
    page = coll["first"]
    assert page["type"] == "AnnotationPage"
    assert coll["total"] == len(page["items"])
    for a in page["items"]:
        assert a["type"] == "Annotation" and a["id"] and "target" in a
        t = a["target"]
        lid = t["source"].removeprefix("urn:close-reader:lesson:")
        text = texts[lid]
        sel = {s["type"]: s for s in t["selector"]}
        pos, quote = sel["TextPositionSelector"], sel["TextQuoteSelector"]
        assert quote["exact"] == text[pos["start"]:pos["end"]]
        assert quote.get("prefix", "") == text[max(0, pos["start"] - 32):pos["start"]]
        assert quote.get("suffix", "") == text[pos["end"]:pos["end"] + 32]
        assert len(quote.get("prefix", "")) <= 32 and len(quote.get("suffix", "")) <= 32
        purposes = {b["purpose"]: b["value"] for b in a["body"]}
        assert all(b["type"] == "TextualBody" for b in a["body"])
        assert purposes["tagging"]
    return len(page["items"])


def test_w3c_output_validates_and_exact_matches_positions():
    pack = packs()
    lessons = [le for p in pack for le in p.lessons]
    coll = w3c.keys_collection(lessons)
    n = validate_w3c(coll, {le.id: le.text for le in lessons})
    assert n == sum(len(le.key) for le in lessons)
    item = next(a for a in coll["first"]["items"] if a["id"].endswith("emoji-lesson:key:0"))
    bodies = {b["purpose"]: b["value"] for b in item["body"]}
    assert bodies == {"tagging": "unsupported_claim", "commenting": "Who? 🙂"}
    pos = next(s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector")
    assert pos["start"] == TEXT.index("according")  # code points: 🙂 and 𝔘 count one each
    assert len(TEXT[:pos["start"]].encode("utf-16-le")) // 2 == pos["start"] + 2


def test_w3c_highlights_have_the_student_as_creator_and_the_note_as_comment():
    from app.core.lessons import Highlight

    work = w3c.StudentWork("00000000-0000-4000-8000-000000000001", "emoji-lesson", "Zoë 🙂",
                           "2026-11-21T10:00:00Z",
                           (Highlight(TEXT.index("reckless"), TEXT.index("reckless") + 8,
                                      "loaded_language", "a judging word"),
                            Highlight(5, 9999, "loaded_language")))  # no longer fits
    coll, skipped = w3c.highlights_collection([work], {"emoji-lesson": TEXT})
    assert skipped == 1
    assert validate_w3c(coll, {"emoji-lesson": TEXT}) == 1
    a = coll["first"]["items"][0]
    assert a["creator"] == {"type": "Person", "name": "Zoë 🙂"}
    assert {b["purpose"]: b["value"] for b in a["body"]} == {
        "tagging": "loaded_language", "commenting": "a judging word"}


@pytest.mark.parametrize("break_it, message", [
    (lambda c: c.update({"@context": "http://example.org/x"}), "'@context' must be"),
    (lambda c: c["first"]["items"][0].pop("target"), "target: expected an object"),
    (lambda c: c["first"]["items"][0]["target"]["selector"][0].update({"exact": "nope"}),
     "is not the text at"),
    (lambda c: c["first"]["items"][0]["target"]["selector"][1].update({"end": 10**6}),
     "is outside lesson"),
])
def test_w3c_bad_collections_are_refused_in_one_line(break_it, message):
    coll = w3c.keys_collection(EMOJI_PACK.lessons)
    break_it(coll)
    with pytest.raises(FormatError) as e:
        w3c.parse_keys(coll, {le.id: le for le in EMOJI_PACK.lessons})
    assert message in str(e.value) and "\n" not in str(e.value)


# -- PTC -------------------------------------------------------------------------
@pytest.mark.parametrize("pack", packs(), ids=["emoji", "sample"])
def test_ptc_round_trip(pack, tmp_path):
    out = tmp_path / "ptc"
    ptc.write_folder(out, pack, include_notes=True)
    back, merged = ptc.read_folder(out)
    assert merged == 0
    same(pack, back)
    mapping = json.loads((out / "lessons.json").read_text(encoding="utf-8"))
    assert mapping == {str(n): le.id for n, le in enumerate(pack.lessons, 1)}
    for n, le in enumerate(pack.lessons, 1):
        assert (out / f"article{n}.txt").read_bytes() == le.text.encode("utf-8")
        for line in (out / f"article{n}.labels").read_text(encoding="utf-8").splitlines():
            art, label, start, end = line.split("\t")
            assert art == str(n) and label in le.categories
            # what the task's tools do: slice the text read as UTF-8 by character offsets
            text = (out / f"article{n}.txt").read_text(encoding="utf-8")
            assert (int(start), int(end), label) in {(k.start, k.end, k.label) for k in le.key}
            assert text[int(start):int(end)] in {k.quote for k in le.key}


def test_an_edited_labels_file_wins_and_keeps_unchanged_explanations(tmp_path):
    out = tmp_path / "ptc"
    ptc.write_folder(out, EMOJI_PACK)
    labels = out / "article1.labels"
    i = TEXT.index("Critics call it")
    labels.write_text(labels.read_text(encoding="utf-8")
                      + f"1\tunsupported_claim\t{i}\t{i + 15}\n", encoding="utf-8")
    back, _ = ptc.read_folder(out)
    key = {(k.start, k.label): k for k in back.lessons[0].key}
    assert key[(i, "unsupported_claim")].quote == "Critics call it"
    assert key[(TEXT.index("according"), "unsupported_claim")].explanation == "Who? 🙂"


def test_a_research_corpus_folder_becomes_a_unit_of_lessons(tmp_path):
    """The PTC corpus as distributed: no lessons.json, title on the first line, CRLF
    line ends in one file, a BOM in another, technique names as labels, duplicates."""
    root = tmp_path / "train-articles"
    root.mkdir()
    a = "Shock 🙂 headline\n\nThe corrupt elites will destroy everything we love.\n"
    (root / "article111111111.txt").write_bytes(a.replace("\n", "\r\n").encode("utf-8"))
    s = a.index("corrupt elites")
    (root / "article111111111.task-flc-tc.labels").write_text(
        f"111111111\tName_Calling,Labeling\t{s}\t{s + 14}\n"
        f"111111111\tName_Calling,Labeling\t{s}\t{s + 7}\n"  # the same technique again
        f"111111111\tLoaded_Language\t{s}\t{s + 7}\n", encoding="utf-8")
    b = "Second story\n\nEveryone knows it: destroy them all."
    (root / "article222.txt").write_bytes(b"\xef\xbb\xbf" + b.encode("utf-8"))
    t = b.index("destroy")
    (root / "article222.labels").write_text(f"222\tAppeal_to_fear-prejudice\t{t + 1}\t{t + 8}\n",
                                            encoding="utf-8")  # offsets count the BOM
    pack, merged = ptc.read_folder(root)
    assert merged == 1
    one, two = sorted(pack.lessons, key=lambda le: le.id)
    assert (one.id, one.title, one.unit) == ("article111111111", "Shock 🙂 headline",
                                            "PTC: train-articles")
    assert one.text == a  # CRLF read as Python reads it
    assert {(k.label, k.quote) for k in one.key} == {("name_calling_labeling", "corrupt elites"),
                                                     ("loaded_language", "corrupt")}
    assert two.key[0].quote == "destroy" and two.text == b
    cats = {c.id: c.name for c in pack.categories}
    assert cats["name_calling_labeling"] == "Name Calling, Labeling"
    assert cats["loaded_language"] == "Loaded language"  # the built-in keeps its name
    assert set(one.categories) == set(two.categories) == {
        "name_calling_labeling", "loaded_language", "appeal_to_fear-prejudice"}


def test_the_corpus_layout_with_labels_in_a_sibling_folder(tmp_path):
    arts, labs = tmp_path / "dev-articles", tmp_path / "dev-labels-task-flc-tc"
    arts.mkdir()
    labs.mkdir()
    (arts / "article7.txt").write_text("Title\n\nThey are traitors.", encoding="utf-8")
    i = "Title\n\nThey are traitors.".index("traitors")
    (labs / "article7.task-flc-tc.labels").write_text(
        f"7\tName_Calling,Labeling\t{i}\t{i + 8}\n", encoding="utf-8")
    pack, _ = ptc.read_folder(arts)
    assert [(k.quote, k.label) for k in pack.lessons[0].key] == [("traitors",
                                                                 "name_calling_labeling")]


@pytest.mark.parametrize("line, message", [
    ("1\tloaded_language\t5", "expected 4 tab-separated fields"),
    ("1 loaded_language 5 9", "expected 4 tab-separated fields"),
    ("2\tloaded_language\t5\t9", "article id '2' is not 1"),
    ("1\tloaded_language\tfive\t9", "must be whole numbers"),
    ("1\tloaded_language\t9\t5", "reversed or empty"),
    ("1\tloaded_language\t5\t99999", "outside the text of article1.txt"),
    ("1\t!!!\t5\t9", "has no letters or digits"),
])
def test_wrong_label_lines_are_refused_naming_file_and_line(tmp_path, line, message):
    out = tmp_path / "ptc"
    ptc.write_folder(out, EMOJI_PACK)
    (out / "article1.labels").write_text(f"1\tloaded_language\t2\t9\n{line}\n", encoding="utf-8")
    with pytest.raises(FormatError) as e:
        ptc.read_folder(out)
    assert str(e.value).startswith("article1.labels: line 2: ") and message in str(e.value)
    assert "\n" not in str(e.value)


def test_ptc_folder_problems(tmp_path):
    with pytest.raises(FormatError, match="no article<n>.txt"):
        ptc.read_folder(tmp_path)
    out = tmp_path / "ptc"
    ptc.write_folder(out, EMOJI_PACK)
    with pytest.raises(FormatError, match="already holds a PTC folder"):
        ptc.write_folder(out, EMOJI_PACK)
    (out / "article1.txt").write_bytes(b"\xff\xfebad")
    with pytest.raises(FormatError, match="UTF-16"):
        ptc.read_folder(out)
    (out / "article1.txt").write_bytes(b"caf\xe9")
    with pytest.raises(FormatError, match="not UTF-8"):
        ptc.read_folder(out)


# -- doccano ---------------------------------------------------------------------
@pytest.mark.parametrize("pack", packs(), ids=["emoji", "sample"])
def test_doccano_round_trip(pack, tmp_path):
    path = tmp_path / "lessons.jsonl"
    doccano.write_jsonl(path, pack, include_notes=True)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(pack.lessons)
    for line, le in zip(lines, pack.lessons, strict=True):
        d = json.loads(line)
        assert d["text"] == le.text and d["id"] == le.id and d["title"] == le.title
        assert sorted(map(tuple, d["label"])) == sorted((k.start, k.end, k.label) for k in le.key)
        assert all(d["text"][s:e] in {k.quote for k in le.key} for s, e, _ in d["label"])
    back, merged = doccano.read_jsonl(path)
    assert merged == 0
    same(pack, back)


def test_a_doccano_file_from_elsewhere():
    body = (json.dumps({"id": 17, "text": "Doom 🙂 is near, the experts say.",
                        "label": [[7, 15, "Loaded Language"], [7, 11, "Loaded Language"]]})
            + "\n\n" + json.dumps({"text": "Plain.", "labels": []}) + "\n")
    pack, merged = doccano.parse_jsonl(body, "x.jsonl")
    assert merged == 1
    one, two = pack.lessons
    assert (one.id, one.title, one.categories) == ("doccano-1", "Doom 🙂 is near, the experts say.",
                                                   ("loaded_language",))
    assert [(k.quote, k.label) for k in one.key] == [("is near,", "loaded_language")]
    assert two.id == "doccano-3" and two.key == ()


@pytest.mark.parametrize("body, message", [
    ('{"text": "abc", "label": []}\n{"text": "tru', "line 2 is not valid JSON"),
    ('{"text": "abc", "label": [[0, 9, "x"]]}', "line 1: label[0]: offsets [0, 9) are outside"),
    ('{"text": "abc", "label": [[2, 1, "x"]]}', "reversed or empty"),
    ('{"text": "abc", "label": [[0, 1]]}', "expected [start, end, \"label\"]"),
    ('{"text": "abc", "label": [[0, true, "x"]]}', "expected [start, end, \"label\"]"),
    ('{"text": "abc", "label": "x"}', "must be a list"),
    ('{"label": []}', "field 'text' is missing"),
    ('[1, 2]', "expected an object"),
    ("", "holds no lessons"),
    ('{"id": "a", "text": "abc"}\n{"id": "a", "text": "abd"}', "is a duplicate"),
    ('{"text": "a\\u0000b"}', "NUL"),
    ("[" * 100_000, "line 1"),
])
def test_bad_jsonl_is_refused_in_one_line(body, message):
    with pytest.raises(FormatError) as e:
        doccano.parse_jsonl(body, "x.jsonl")
    assert message in str(e.value) and "\n" not in str(e.value)


# -- rosters ---------------------------------------------------------------------
def test_canvas_gradebook_export_is_read_as_it_comes():
    r = read_roster(LMS / "canvas.csv")
    assert r.lms == "canvas" and r.skipped == 3  # posting row, Points Possible, test student
    ana = r.entries[0]
    assert ana == Identity("canvas", "Ana Pérez", "Pérez, Ana", "5501", "S1001", "aperez", "",
                           "Period 2")
    assert [e.sis_id for e in r.entries] == ["S1001", "S1002", "S1003", "S1004", "S1005"]
    assert "Ana Pérez" in ana.names() and "Pérez, Ana" in ana.names()


@pytest.mark.parametrize("name, lms, first", [
    ("moodle.csv", "moodle", Identity("moodle", "Ana Pérez", "Pérez, Ana", sis_id="S1001",
                                      email="ana.perez@school.example")),
    ("classroom.csv", "classroom", Identity("classroom", "Ana Pérez", "Pérez, Ana",
                                            email="ana.perez@school.example")),
    ("schoology.csv", "schoology", Identity("schoology", "Ana Pérez", "Pérez, Ana",
                                            sis_id="S1001")),
])
def test_each_lms_export_is_recognised_by_its_header(name, lms, first):
    r = read_roster(LMS / name)
    assert r.lms == lms and r.entries[0] == first
    assert all(e.name for e in r.entries)


def test_moodle_with_another_separator_and_the_old_surname_column():
    data = ('First name;Surname;ID number;Email address;Quiz (Real)\n'
            'Łucja;Nowak;77;l@x.example;5,00\n').encode()
    r = parse_roster(data, "m.csv")
    assert r.lms == "moodle" and r.entries[0].name == "Łucja Nowak"


@pytest.mark.parametrize("data, message", [
    (b"Name,Score\nAna,3\n", "not a roster or gradebook export"),
    (b"", "is empty"),
    (b"\xff\xfeS\x00", "UTF-16"),
    (b"Student,ID,SIS User ID\n\xe9", "not UTF-8"),
    (b"Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n", "no students"),
])
def test_bad_rosters_are_refused_in_one_line(data, message):
    with pytest.raises(FormatError) as e:
        parse_roster(data, "r.csv")
    assert message in str(e.value) and "\n" not in str(e.value)


# -- LMS layouts -----------------------------------------------------------------
HOSTILE = ("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR")


def parsed(rows):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return list(csv.reader(io.StringIO(buf.getvalue())))


@pytest.mark.parametrize("lms", LMS_CHOICES)
def test_lms_layouts_and_formula_injection(lms):
    who = [Identity(lms, h, f"{h}, {h}", h, h, h, f"{h}@x", h) for h in HOSTILE]
    good = Identity(lms, "Ana Pérez", "Pérez, Ana", "5501", "S1001", "aperez",
                    "ana@x.example", "P2")
    students = [(w, {"l-1": 70}) for w in who] + [(good, {"l-1": 88, "l-2": None})]
    rows = parsed(lms_rows(lms, [("l-1", "=cmd|' /C calc'!A0"), ("l-2", "Plain")], students))
    head = rows[0]
    n = len(IDENTITY_COLUMNS[lms])
    assert head[:n] == list(IDENTITY_COLUMNS[lms])
    assert head[n:] == ["'=cmd|' /C calc'!A0 (l-1)", "Plain (l-2)"]
    body = rows[2:] if lms == "canvas" else rows[1:]
    if lms == "canvas":
        assert rows[1] == ["Points Possible", "", "", "", "", "100", "100"]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (lms, row)
    ana = next(r for r in body if "88" in r)
    assert ana[n:] == ["88", ""]
    assert "Pérez, Ana" in ana or "ana@x.example" in ana or "S1001" in ana


def test_lms_score_reads_the_graded_score_when_the_gradebook_has_it():
    class Old:
        best, latest = 80, 60

    class New:
        best, latest, grade = 80, 60, 60

    class Ungraded:
        best, grade = None, None

    assert lms_score(Old()) == 80 and lms_score(New()) == 60
    assert lms_score(Ungraded()) is None and lms_score(None) is None


def test_interop_modules_stay_light(tmp_path):
    """No Qt and no spaCy in the format modules and the commands that use them."""
    from test_layering import assert_light, loaded_after

    mods = loaded_after("import app.interop.w3c, app.interop.ptc, app.interop.doccano, "
                        "app.interop.roster, app.interop.lms, app.interop.sources, "
                        "app.services.roster, app.services.interchange, app.store.roster_repo, "
                        "app.commands.roster", tmp_path)
    assert_light(mods)


# -- anything at all: parsed or refused with a FormatError, nothing else --------------
HEADERS = ["Student,ID,SIS User ID,SIS Login ID,Section,Quiz (1)\n",
           "First name,Last name,ID number,Email address\n",
           "Last Name,First Name,Email Address,A\n", "First Name,Last Name,Unique User ID\n", ""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HEADERS), st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_roster_text_is_read_or_refused(head, body):
    try:
        r = parse_roster((head + body).encode("utf-8", "surrogatepass"), "r.csv")
    except FormatError as e:
        assert "\n" not in str(e)
    else:
        assert r.entries and all(e.name for e in r.entries)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=60),
    st.builds(lambda t, spans: json.dumps({"text": t, "label": spans}),
              st.text(min_size=1, max_size=40),
              st.lists(st.tuples(st.integers(-3, 50), st.integers(-3, 50),
                                 st.text(max_size=8)).map(list), max_size=4))), max_size=4))
def test_any_jsonl_is_read_or_refused(lines):
    try:
        pack, _ = doccano.parse_jsonl("\n".join(lines), "x.jsonl")
    except FormatError as e:
        assert "\n" not in str(e)
    else:
        for le in pack.lessons:
            assert all(le.text[k.start:k.end] == k.quote for k in le.key or ())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet="1\t0523 abc_,x", max_size=20), max_size=5))
def test_any_labels_file_is_read_or_refused(tmp_path, lines):
    out = tmp_path / f"ptc{abs(hash(tuple(lines)))}"
    ptc.write_folder(out, EMOJI_PACK)
    (out / "article1.labels").write_text("\n".join(lines), encoding="utf-8")
    try:
        pack, _ = ptc.read_folder(out)
    except FormatError as e:
        assert "\n" not in str(e)
    else:
        le = pack.lessons[0]
        assert all(le.text[k.start:k.end] == k.quote for k in le.key or ())
