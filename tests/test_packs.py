"""Lesson packs, answers and submission bundles: every validation rule of formats.md.

Every error must name the lesson, the field and, for a span, its index and offsets
(formats.md), and be one clear line (a CLI user error is one line on stderr).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import jsonfile
from app.core.answers import (
    Answers,
    Bundle,
    BundledSubmission,
    answers_to_json,
    check_highlights,
    normalize_student,
    parse_answers,
    parse_bundle,
    read_answers,
    read_bundle,
    write_bundle,
)
from app.core.errors import FormatError, UserError
from app.core.lessons import BUILTIN_IDS, Highlight, KeySpan, Lesson, Source
from app.core.packs import Pack, pack_to_json, parse_pack, read_pack, write_pack

TEXT = ("Experts warn that the reckless plan will fail.\n\n"
        "Critics call it a disastrous 🙂 power grab.")


def at(part: str) -> tuple[int, int]:
    i = TEXT.index(part)
    return i, i + len(part)


def kspan(part: str, label: str, **extra) -> dict:
    s, e = at(part)
    return {"start": s, "end": e, "label": label, "quote": part, **extra}


BASE = {
    "format": "close-reader/lesson-pack",
    "version": 1,
    "categories": [{"id": "appeal_to_fear", "name": "Appeal to fear",
                    "description": "Builds anxiety."}],
    "lessons": [
        {"id": "first-lesson", "title": "First", "text": "A short text.",
         "categories": ["loaded_language"]},
        {"id": "lesson-two", "title": "Two", "text": TEXT,
         "source": {"outlet": "Gazette", "author": "T. T.", "published": "2026-01-05"},
         "level": "beginner", "unit": "Samples", "instructions": "Read.",
         "teacher_notes": "Notes.",
         "categories": ["unsupported_claim", "loaded_language"],
         "key": [
             kspan("Experts warn that the reckless plan will fail", "unsupported_claim"),
             kspan("reckless", "loaded_language", explanation="feeling word"),
             kspan("disastrous 🙂 power grab", "loaded_language", required=False),
         ]},
    ],
}


def pack(**changes) -> dict:
    return copy.deepcopy(BASE) | changes


def lesson2(d: dict) -> dict:
    return d["lessons"][1]


def refused(data, *parts: str) -> str:
    """Parse must fail with one line naming every one of ``parts``."""
    with pytest.raises(FormatError) as ei:
        parse_pack(data)
    msg = str(ei.value)
    for p in parts:
        assert p in msg, f"{p!r} not in {msg!r}"
    assert "\n" not in msg and len(msg) < 400, msg
    return msg


# --------------------------------------------------------------------------- valid


def test_valid_pack_parses_with_defaults():
    p = parse_pack(pack())
    assert [le.id for le in p.lessons] == ["first-lesson", "lesson-two"]
    one, two = p.lessons
    assert one.key is None  # key may be absent
    assert one.categories == ("loaded_language",)
    assert two.source == Source("Gazette", "T. T.", "2026-01-05", "")
    assert two.level == "beginner" and two.unit == "Samples"
    assert [k.required for k in two.key] == [True, True, False]  # required defaults to true
    assert two.key[1].explanation == "feeling word"
    assert {c.id for c in p.categories} == {*BUILTIN_IDS, "appeal_to_fear"}


def test_lesson_categories_default_to_the_builtins():
    d = pack()
    del d["lessons"][0]["categories"]
    assert parse_pack(d).lessons[0].categories == BUILTIN_IDS


def test_builtins_always_exist_and_can_be_renamed():
    d = pack(categories=[{"id": "loaded_language", "name": "Emotive words"}])
    cats = {c.id: c for c in parse_pack(d).categories}
    assert cats["loaded_language"].name == "Emotive words"
    assert cats["loaded_language"].description  # kept from the built-in
    assert "unsupported_claim" in cats
    d = pack()
    del d["categories"]
    d["lessons"] = d["lessons"][1:]
    assert {c.id for c in parse_pack(d).categories} == set(BUILTIN_IDS)


def test_custom_category_usable_by_a_lesson_and_its_key():
    d = pack()
    lesson2(d)["categories"].append("appeal_to_fear")
    lesson2(d)["key"].append(kspan("Critics call it", "appeal_to_fear"))
    assert parse_pack(d).lessons[1].key[-1].label == "appeal_to_fear"


def test_different_label_overlap_is_allowed_and_touching_same_label_too():
    d = pack()
    key = lesson2(d)["key"]
    # "reckless" (loaded) lies inside the unsupported claim: different labels
    s, e = at("plan")
    key.append({"start": s, "end": e, "label": "loaded_language", "quote": "plan"})
    s2, e2 = at(" will")
    key.append({"start": e, "end": e2, "label": "loaded_language", "quote": " will"})  # touches
    assert len(parse_pack(d).lessons[1].key) == 5


def test_key_may_be_empty_list_and_offsets_may_reach_the_end():
    d = pack()
    lesson2(d)["key"] = [{"start": 0, "end": len(TEXT), "label": "unsupported_claim",
                          "quote": TEXT}]
    assert parse_pack(d).lessons[1].key[0].end == len(TEXT)
    lesson2(d)["key"] = []
    assert parse_pack(d).lessons[1].key == ()


def test_text_of_exactly_200000_characters_is_accepted():
    d = pack()
    d["lessons"][0]["text"] = "x" * 200_000
    assert len(parse_pack(d).lessons[0].text) == 200_000


@pytest.mark.parametrize("lid", ["a", "0", "a-b-c", "x" * 64, "9lives", "a--"])
def test_good_ids(lid):
    d = pack()
    d["lessons"][0]["id"] = lid
    assert parse_pack(d).lessons[0].id == lid


def test_offsets_are_code_points_beyond_the_bmp():
    d = pack()
    s, e = at("🙂 power")
    assert e - s == 7  # one code point for the emoji (two UTF-16 units)
    lesson2(d)["key"] = [{"start": s, "end": e, "label": "loaded_language", "quote": "🙂 power"}]
    assert parse_pack(d).lessons[1].key[0].quote == "🙂 power"


# --------------------------------------------------------------------------- header


@pytest.mark.parametrize("fmt", [None, "close-reader/answers", "close-reader/lesson-pack ", 1])
def test_wrong_format(fmt):
    d = pack(format=fmt)
    if fmt is None:
        del d["format"]
    refused(d, "pack", "'format'")


@pytest.mark.parametrize("version, why", [(3, "not supported"), (0, "not supported"),
                                          ("1", "whole number"), (True, "whole number"),
                                          (1.0, "whole number"), (None, "whole number")])
def test_wrong_version(version, why):
    refused(pack(version=version), "pack", "'version'", why)


def test_missing_version():
    d = pack()
    del d["version"]
    refused(d, "'version'", "missing")


@pytest.mark.parametrize("top", [[], "pack", 3, None, True])
def test_top_level_not_an_object(top):
    refused(top, "pack", "expected an object")


@pytest.mark.parametrize("lessons, why", [(None, "missing"), ({}, "must be a list"),
                                          ("x", "must be a list"), ([], "empty")])
def test_lessons_field(lessons, why):
    d = pack(lessons=lessons)
    if lessons is None:
        del d["lessons"]
    refused(d, "'lessons'", why)


# --------------------------------------------------------------------------- lesson fields


@pytest.mark.parametrize("field", ["id", "title", "text"])
def test_missing_required_lesson_field(field):
    d = pack()
    del lesson2(d)[field]
    where = "lessons[1]" if field == "id" else "lesson 'lesson-two'"
    refused(d, where, f"'{field}'", "missing")


@pytest.mark.parametrize("field", ["title", "text"])
def test_empty_required_lesson_field(field):
    d = pack()
    lesson2(d)[field] = "  "
    refused(d, "lesson 'lesson-two'", f"'{field}'", "empty")


@pytest.mark.parametrize("lid", ["", "Upper", "-lead", "has space", "under_score", "x" * 65,
                                 "é", "a/b", "a.b", "a\nb", "abc\n"])
def test_bad_ids(lid):
    d = pack()
    lesson2(d)["id"] = lid
    refused(d, "lessons[1]", "'id'")


def test_duplicate_lesson_ids():
    d = pack()
    lesson2(d)["id"] = "first-lesson"
    refused(d, "first-lesson", "lessons[1]", "'id'", "duplicate")


@pytest.mark.parametrize("field, value, why", [
    ("id", 7, "must be a string"),
    ("title", ["t"], "must be a string"),
    ("text", {"t": 1}, "must be a string"),
    ("text", True, "must be a string"),
    ("level", 1, "must be a string"),
    ("level", "expert", "must be one of"),
    ("unit", 3, "must be a string"),
    ("instructions", False, "must be a string"),
    ("teacher_notes", [], "must be a string"),
    ("categories", "loaded_language", "must be a list"),
    ("categories", [], "empty"),
    ("key", {"start": 0}, "must be a list"),
    ("source", "Gazette", "expected an object"),
])
def test_wrong_types_of_lesson_fields(field, value, why):
    d = pack()
    lesson2(d)[field] = value
    where = "lessons[1]" if field == "id" else "lesson 'lesson-two'"
    refused(d, where, field, why)


def test_wrong_type_inside_source():
    d = pack()
    lesson2(d)["source"]["url"] = 5
    refused(d, "lesson 'lesson-two'", "source", "'url'", "must be a string")


@pytest.mark.parametrize("cats, why", [
    (["loaded_language", "nope"], "categories[1]"),
    (["loaded_language", 3], "categories[1]"),
    (["loaded_language", "loaded_language"], "twice"),
])
def test_bad_lesson_categories(cats, why):
    d = pack()
    d["lessons"][0]["categories"] = cats
    refused(d, "lesson 'first-lesson'", "categories", why)


def test_text_over_200000_characters_is_refused():
    d = pack()
    d["lessons"][0]["text"] = "é" * 200_001
    refused(d, "lesson 'first-lesson'", "'text'", "200,001", "200,000")


def test_nul_character_in_a_string_is_refused():
    d = pack()
    lesson2(d)["title"] = "Bad\x00title"
    refused(d, "lesson 'lesson-two'", "'title'", "NUL")


def test_lone_surrogate_is_refused():
    # "\ud800" is valid JSON escaping but not a character: it cannot be stored or shown
    d = json.loads('{"t": "Bad \\ud800 title"}')
    bad = pack()
    lesson2(bad)["title"] = d["t"]
    refused(bad, "lesson 'lesson-two'", "'title'")


# --------------------------------------------------------------------------- pack categories


@pytest.mark.parametrize("cat, field", [
    ({"name": "No id"}, "'id'"),
    ({"id": "Bad Id", "name": "x"}, "'id'"),
    ({"id": "brand_new"}, "'name'"),
    ({"id": "c1", "name": "x", "color": "red"}, "'color'"),
    ({"id": "c1", "name": "x", "underline": "zigzag"}, "'underline'"),
    ("appeal_to_fear", "expected an object"),
])
def test_bad_pack_categories(cat, field):
    d = pack(categories=[cat])
    d["lessons"][0]["categories"] = ["loaded_language"]
    del lesson2(d)["key"]
    refused(d, "categories[0]", field)


def test_duplicate_pack_category():
    d = pack(categories=[{"id": "c1", "name": "x"}, {"id": "c1", "name": "y"}])
    refused(d, "categories[1]", "'id'", "duplicate")


def test_categories_field_not_a_list():
    refused(pack(categories={"id": "x"}), "pack", "'categories'", "must be a list")


# --------------------------------------------------------------------------- key spans


def with_key_span(**span) -> dict:
    d = pack()
    lesson2(d)["key"].insert(1, span)
    return d


def test_key_offsets_out_of_range():
    n = len(TEXT)
    refused(with_key_span(start=40, end=n + 1, label="loaded_language", quote="x"),
            "lesson 'lesson-two'", "key[1]", f"[40, {n + 1})", "outside")
    refused(with_key_span(start=-1, end=3, label="loaded_language", quote="x"),
            "lesson 'lesson-two'", "key[1]", "[-1, 3)")


def test_huge_numbers(tmp_path):
    refused(with_key_span(start=0, end=10**30, label="loaded_language", quote="x"),
            "key[1]", "outside")
    raw = json.dumps(pack()).replace('"version": 1', '"version": 1' + "0" * 5000)
    file_refused(write(tmp_path, raw))  # beyond Python's int parsing limit: still clear


@pytest.mark.parametrize("s, e", [(10, 5), (7, 7)])
def test_key_offsets_reversed_or_empty(s, e):
    refused(with_key_span(start=s, end=e, label="loaded_language", quote=""),
            "lesson 'lesson-two'", "key[1]", f"[{s}, {e})", "reversed")


@pytest.mark.parametrize("field, value", [
    ("start", True), ("end", False), ("start", 1.0), ("end", "9"), ("start", None),
])
def test_key_offsets_of_the_wrong_type(field, value):
    span = kspan("plan", "loaded_language")
    span[field] = value
    refused(with_key_span(**span), "lesson 'lesson-two'", "key[1]", f"'{field}'",
            "whole number")


@pytest.mark.parametrize("field", ["start", "end", "label", "quote"])
def test_key_missing_field(field):
    span = kspan("plan", "loaded_language")
    del span[field]
    refused(with_key_span(**span), "lesson 'lesson-two'", "key[1]", f"'{field}'", "missing")


@pytest.mark.parametrize("item", [5, "plan", None, [0, 4]])
def test_key_span_not_an_object(item):
    d = pack()
    lesson2(d)["key"].insert(1, item)
    refused(d, "lesson 'lesson-two'", "key[1]", "expected an object")


def test_quote_mismatch_names_span_and_stays_one_line():
    s, e = at("plan")
    refused(with_key_span(start=s, end=e, label="loaded_language", quote="plans"),
            "lesson 'lesson-two'", "key[1]", f"[{s}, {e})", "'quote'", "plan")
    # a span crossing the paragraph break: the text shown holds "\n\n"
    s, e = at("fail.\n\nCritics")
    refused(with_key_span(start=s, end=e, label="loaded_language", quote="fail. Critics"),
            "key[1]", f"[{s}, {e})", "'quote'")


def test_quote_is_compared_exactly():
    s, e = at("reckless")
    for q in ["Reckless", "reckless ", " reckless", "reck\u00adless"]:
        refused(with_key_span(start=s, end=e, label="loaded_language", quote=q), "'quote'")


@pytest.mark.parametrize("label", ["appeal_to_fear", "nonexistent", ""])
def test_key_label_not_a_category_of_the_lesson(label):
    s, e = at("plan")
    refused(with_key_span(start=s, end=e, label=label, quote="plan"),
            "lesson 'lesson-two'", "key[1]", f"[{s}, {e})", "'label'")


def test_key_label_of_wrong_type():
    s, e = at("plan")
    refused(with_key_span(start=s, end=e, label=["loaded_language"], quote="plan"),
            "key[1]", "'label'", "must be a string")


@pytest.mark.parametrize("value", [1, 0, "yes", "true", []])
def test_required_must_be_a_boolean(value):
    refused(with_key_span(**kspan("plan", "loaded_language", required=value)),
            "lesson 'lesson-two'", "key[1]", "'required'", "true or false")


def test_required_null_means_default_true():
    d = with_key_span(**kspan("plan", "loaded_language", required=None))
    assert parse_pack(d).lessons[1].key[1].required is True


def test_overlapping_same_label_key_spans_are_refused():
    # key[1] "reckless" (loaded) and a new loaded span "the reckless plan" overlap
    d = pack()
    lesson2(d)["key"].append(kspan("the reckless plan", "loaded_language"))
    s, e = at("the reckless plan")
    msg = refused(d, "lesson 'lesson-two'", "key[3]", f"[{s}, {e})", "key[1]",
                  "[22, 30)", "loaded_language")
    assert "overlap" in msg


def test_overlap_detected_whatever_the_order():
    d = pack()
    big = kspan("Experts warn that the reckless plan", "loaded_language")
    lesson2(d)["key"] = [kspan("will fail", "loaded_language"), kspan("plan", "loaded_language"),
                         big]
    refused(d, "lesson 'lesson-two'", "overlaps")


# --------------------------------------------------------------------------- files


def write(tmp_path: Path, data, name="pack.json") -> Path:
    p = tmp_path / name
    if isinstance(data, bytes):
        p.write_bytes(data)
    elif isinstance(data, str):
        p.write_text(data, encoding="utf-8")
    else:
        p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def file_refused(path: Path, *parts: str) -> str:
    with pytest.raises(FormatError) as ei:
        read_pack(path)
    msg = str(ei.value)
    assert msg.startswith(path.name), msg
    for p in parts:
        assert p in msg, f"{p!r} not in {msg!r}"
    assert "\n" not in msg and len(msg) < 400, msg
    return msg


def test_read_pack_from_file_and_errors_start_with_the_file_name(tmp_path):
    assert len(read_pack(write(tmp_path, pack())).lessons) == 2
    d = pack()
    lesson2(d)["key"][0]["quote"] = "nope"
    file_refused(write(tmp_path, d, "x.crpack"), "lesson 'lesson-two'", "key[0]", "'quote'")


def test_utf8_bom_is_accepted(tmp_path):
    raw = b"\xef\xbb\xbf" + json.dumps(pack(), ensure_ascii=False).encode("utf-8")
    assert read_pack(write(tmp_path, raw)).lessons[1].text == TEXT


def test_utf16_is_refused_clearly(tmp_path):
    raw = json.dumps(pack()).encode("utf-16")
    file_refused(write(tmp_path, raw), "UTF-16")


def test_non_utf8_bytes(tmp_path):
    raw = json.dumps(pack()).encode("utf-8").replace(b"A short text", b"A sh\xf6rt text")
    file_refused(write(tmp_path, raw), "UTF-8")
    file_refused(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\xff"), "UTF-8")


def test_nul_bytes(tmp_path):
    good = json.dumps(pack()).encode("utf-8")
    file_refused(write(tmp_path, good.replace(b"A short text", b"A short\x00text")), "JSON")
    file_refused(write(tmp_path, good + b"\x00"), "JSON")
    file_refused(write(tmp_path, b"\x00" * 100), "JSON")
    escaped = json.dumps(pack()).replace("A short text", "A short\\u0000text")
    file_refused(write(tmp_path, escaped), "lesson 'first-lesson'", "'text'", "NUL")


@pytest.mark.parametrize("raw", ["", "   \n", "{", '{"format": ', "[1, 2", "null", "{'a': 1}",
                                 '{"format": "close-reader/lesson-pack", "version": 1,}'])
def test_truncated_or_invalid_json(tmp_path, raw):
    with pytest.raises(FormatError) as ei:
        read_pack(write(tmp_path, raw))
    assert "\n" not in str(ei.value)


def test_deeply_nested_json(tmp_path):
    file_refused(write(tmp_path, "[" * 100_000 + "]" * 100_000), "nested")
    d = json.dumps(pack())
    nested = d[:-1] + ', "extra": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"
    file_refused(write(tmp_path, nested), "nested")


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    d = pack()
    d["lessons"][0]["text"] = "[{" * 5000
    assert read_pack(write(tmp_path, d)).lessons[0].text == "[{" * 5000


def test_ten_megabytes_of_text_in_one_line(tmp_path):
    d = pack()
    d["lessons"][0]["text"] = "word " * 2_000_000  # 10 MB, no newline
    file_refused(write(tmp_path, d), "lesson 'first-lesson'", "'text'", "200,000")
    file_refused(write(tmp_path, "x" * 10_000_000), "JSON")
    file_refused(write(tmp_path, '"' + "x" * 10_000_000), "JSON")


def test_file_over_50_megabytes_is_refused_without_reading_it(tmp_path):
    p = tmp_path / "huge.json"
    with open(p, "wb") as f:
        f.write(json.dumps(pack()).encode())
        f.truncate(50 * 1024 * 1024 + 1)  # sparse: costs nothing on disk
    file_refused(p, "50 MB")


def test_size_limit_also_applies_to_bytes(monkeypatch):
    monkeypatch.setattr(jsonfile, "MAX_FILE_BYTES", 100)
    with pytest.raises(FormatError, match="50 MB"):
        jsonfile.load_json_bytes(b" " * 101 + b"{}")


def test_missing_file_and_a_folder(tmp_path):
    file_refused(tmp_path / "nope.json", "cannot read")
    d = tmp_path / "folder.json"
    d.mkdir()
    file_refused(d)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_give_a_pack_or_a_format_error(raw):
    try:
        jsonfile.load_json_bytes(raw)
    except FormatError as e:
        assert "\n" not in str(e)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 300) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=4),
    max_leaves=12,
)
LESSON_FIELDS = ["id", "title", "text", "source", "level", "unit", "instructions",
                 "teacher_notes", "categories", "key"]
SPAN_FIELDS = ["start", "end", "label", "quote", "explanation", "required"]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_hostile_values_anywhere_give_one_line_format_errors(data):
    """Replace a field of the lesson, a key span or the header with any JSON value."""
    d = pack()
    where = data.draw(st.sampled_from(["top", "lesson", "span"]))
    value = data.draw(json_values)
    if where == "top":
        target, fields = d, ["format", "version", "categories", "lessons"]
    elif where == "lesson":
        target, fields = lesson2(d), LESSON_FIELDS
    else:
        target, fields = lesson2(d)["key"][1], SPAN_FIELDS
    target[data.draw(st.sampled_from(fields))] = value
    try:
        p = parse_pack(d)
    except FormatError as e:
        assert "\n" not in str(e) and len(str(e)) < 400
        return
    # whatever was accepted obeys the rules
    for le in p.lessons:
        for k in le.key or ():
            assert 0 <= k.start < k.end <= len(le.text)
            assert k.quote == le.text[k.start:k.end]
            assert k.label in le.categories
            assert isinstance(k.required, bool)


# --------------------------------------------------------------------------- round trip


def test_write_pack_read_pack_round_trip(tmp_path):
    p = parse_pack(pack())
    out = tmp_path / "out.crpack"
    write_pack(out, p, include_notes=True)
    again = read_pack(out)
    assert again.lessons == p.lessons
    used = {c for le in p.lessons for c in le.categories}
    assert {c.id: c for c in again.categories if c.id in used} == {
        c.id: c for c in p.categories if c.id in used}
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file is gone


def test_round_trip_keeps_custom_categories_and_non_bmp_text(tmp_path):
    lesson = Lesson(
        id="emoji", title="Émoji 🙂", text="Act now 🙂 or lose 𝒳 everything.",
        source=Source("Out", "Au", "2026-01-01", "https://example.org/a"),
        level="advanced", unit="U", instructions="I", teacher_notes="T",
        categories=("appeal_to_fear", "loaded_language"),
        key=(KeySpan(0, 7, "appeal_to_fear", "Act now", "why", True),
             KeySpan(8, 9, "loaded_language", "🙂", "", False)),
    )
    cats = parse_pack(pack()).categories
    p = Pack(cats, (lesson,))
    out = tmp_path / "p.json"
    write_pack(out, p, include_notes=True)
    back = read_pack(out)
    assert back.lessons == (lesson,)
    assert "appeal_to_fear" in {c.id for c in back.categories}
    raw = out.read_text(encoding="utf-8")
    assert "🙂" in raw  # written as UTF-8, not escaped


def test_writing_without_keys_leaves_keys_and_teacher_notes_out(tmp_path):
    p = parse_pack(pack())
    out = tmp_path / "student.crpack"
    write_pack(out, p, include_keys=False)
    raw = json.loads(out.read_text(encoding="utf-8"))
    for le in raw["lessons"]:
        assert "key" not in le and "teacher_notes" not in le
    back = read_pack(out)
    assert all(le.key is None for le in back.lessons)
    assert back.lessons[1].text == TEXT


def test_pack_to_json_is_a_valid_pack():
    p = parse_pack(pack())
    assert parse_pack(json.loads(json.dumps(pack_to_json(p, include_notes=True)))).lessons \
        == p.lessons


def test_teacher_notes_never_leave_unless_asked():
    p = parse_pack(pack())
    assert any(le.teacher_notes for le in p.lessons)
    for keys in (True, False):
        raw = pack_to_json(p, include_keys=keys)
        assert all("teacher_notes" not in le for le in raw["lessons"])


# --------------------------------------------------------------------------- answers


ANSWERS = {
    "format": "close-reader/answers", "version": 1, "lesson": "lesson-two",
    "student": "  Ana   P. ", "submitted_at": "2026-11-21T10:15:00Z",
    "highlights": [{"start": 0, "end": 7, "label": "unsupported_claim", "note": "no names"},
                   {"start": 3, "end": 12, "label": "unsupported_claim"}],
}


def answers(**changes) -> dict:
    return copy.deepcopy(ANSWERS) | changes


def answers_refused(data, *parts) -> str:
    with pytest.raises(FormatError) as ei:
        parse_answers(data)
    msg = str(ei.value)
    for p in parts:
        assert p in msg, f"{p!r} not in {msg!r}"
    assert "\n" not in msg
    return msg


def test_answers_parse():
    a = parse_answers(answers())
    assert a.lesson == "lesson-two" and a.student == "Ana P."
    assert a.highlights == (Highlight(0, 7, "unsupported_claim", "no names"),
                            Highlight(3, 12, "unsupported_claim"))  # overlaps are fine


def test_answers_highlights_may_be_empty_or_absent():
    assert parse_answers(answers(highlights=[])).highlights == ()
    d = answers()
    del d["highlights"]
    assert parse_answers(d).highlights == ()


def test_answers_round_trip(tmp_path):
    a = parse_answers(answers())
    p = tmp_path / "a.json"
    p.write_text(json.dumps(answers_to_json(a)), encoding="utf-8")
    assert read_answers(p) == a


@pytest.mark.parametrize("changes, parts", [
    ({"format": "close-reader/lesson-pack"}, ["'format'"]),
    ({"version": 3}, ["'version'"]),
    ({"version": True}, ["'version'"]),
    ({"lesson": 5}, ["'lesson'"]),
    ({"lesson": ""}, ["'lesson'"]),
    ({"student": ["Ana"]}, ["'student'"]),
    ({"student": "x" * 101}, ["'student'"]),
    ({"highlights": {"start": 0}}, ["'highlights'"]),
    ({"highlights": [3]}, ["highlights[0]"]),
])
def test_bad_answers(changes, parts):
    answers_refused(answers(**changes), *parts)


@pytest.mark.parametrize("h, parts", [
    ({"start": 9, "end": 4, "label": "loaded_language"}, ["highlights[1]", "[9, 4)"]),
    ({"start": 4, "end": 4, "label": "loaded_language"}, ["highlights[1]", "[4, 4)"]),
    ({"start": -2, "end": 4, "label": "loaded_language"}, ["highlights[1]", "[-2, 4)"]),
    ({"start": True, "end": 4, "label": "loaded_language"}, ["highlights[1]", "'start'"]),
    ({"start": 0, "end": 4.5, "label": "loaded_language"}, ["highlights[1]", "'end'"]),
    ({"start": 0, "end": 4}, ["highlights[1]", "[0, 4)", "'label'"]),
    ({"start": 0, "end": 4, "label": 1}, ["highlights[1]", "'label'"]),
    ({"start": 0, "end": 4, "label": "x", "note": 5}, ["highlights[1]", "'note'"]),
])
def test_bad_highlights(h, parts):
    d = answers()
    d["highlights"].insert(1, h)
    answers_refused(d, *parts)


def test_check_highlights_against_the_lesson():
    lesson = parse_pack(pack()).lessons[1]
    n = len(lesson.text)
    check_highlights(lesson, [Highlight(0, n, "loaded_language")])
    with pytest.raises(FormatError) as ei:
        check_highlights(lesson, [Highlight(0, 3, "loaded_language"),
                                  Highlight(40, n + 1, "loaded_language")])
    assert "highlights[1]" in str(ei.value) and f"[40, {n + 1})" in str(ei.value)
    with pytest.raises(FormatError) as ei:
        check_highlights(lesson, [Highlight(0, 3, "appeal_to_fear")])
    msg = str(ei.value)
    assert "highlights[0]" in msg and "appeal_to_fear" in msg and "lesson-two" in msg


def test_answers_files(tmp_path):
    p = tmp_path / "ans.json"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(answers()).encode())
    assert read_answers(p).student == "Ana P."
    p.write_bytes(b"\xff\xfe{}")
    with pytest.raises(FormatError, match=r"^ans\.json"):
        read_answers(p)
    p.write_text("[" * 1000 + "]" * 1000)
    with pytest.raises(FormatError, match="nested"):
        read_answers(p)


def test_student_identity_ignores_case_and_spaces():
    assert normalize_student("  Ana   P. ") == normalize_student("ana p.")
    assert normalize_student("Ana") != normalize_student("Anna")


# --------------------------------------------------------------------------- bundles


SUB = {"submission_id": "0b8f6a5e-1b1c-4d8e-9a43-2f9e3c6b7a10", "attempt": 2,
       "lesson": "lesson-two", "student": "Ana P.", "submitted_at": "2026-11-21T10:15:00Z",
       "highlights": [{"start": 0, "end": 7, "label": "unsupported_claim"}]}
BUNDLE = {"format": "close-reader/submissions", "version": 1, "machine": "m-1",
          "exported_at": "2026-11-21T11:00:00Z", "submissions": [SUB]}


def bundle(*subs) -> dict:
    d = copy.deepcopy(BUNDLE)
    if subs:
        d["submissions"] = [copy.deepcopy(SUB) | s for s in subs]
    return d


def test_bundle_parse_and_round_trip(tmp_path):
    b = parse_bundle(bundle())
    assert b.machine == "m-1"
    assert b.submissions[0].attempt == 2
    assert b.submissions[0].highlights == (Highlight(0, 7, "unsupported_claim"),)
    p = tmp_path / "b.json"
    write_bundle(p, b)
    assert read_bundle(p).submissions == b.submissions  # written as version 2
    assert json.loads(p.read_text(encoding="utf-8"))["version"] == 2


def test_bundle_attempt_defaults_to_one_and_may_be_empty():
    d = bundle()
    del d["submissions"][0]["attempt"]
    assert parse_bundle(d).submissions[0].attempt == 1
    assert parse_bundle(bundle() | {"submissions": []}).submissions == ()


@pytest.mark.parametrize("changes, parts", [
    ({"submission_id": "not a uuid!"}, ["submissions[0]", "'submission_id'"]),
    ({"submission_id": 5}, ["submissions[0]", "'submission_id'"]),
    ({"attempt": 0}, ["submissions[0]", "'attempt'"]),
    ({"attempt": True}, ["submissions[0]", "'attempt'"]),
    ({"lesson": None}, ["submissions[0]", "'lesson'"]),
    ({"student": ""}, ["submissions[0]", "'student'"]),
    ({"highlights": [{"start": 5, "end": 2, "label": "x"}]}, ["submissions[0]",
                                                              "highlights[0]", "[5, 2)"]),
])
def test_bad_bundles(changes, parts):
    with pytest.raises(FormatError) as ei:
        parse_bundle(bundle(changes))
    for p in parts:
        assert p in str(ei.value)


def test_bundle_duplicate_submission_id():
    with pytest.raises(FormatError, match=r"submissions\[1\].*twice"):
        parse_bundle(bundle({}, {}))


def test_bundle_header_and_missing_submissions():
    with pytest.raises(FormatError, match="'format'"):
        parse_bundle(bundle() | {"format": "close-reader/answers"})
    d = bundle()
    del d["submissions"]
    with pytest.raises(FormatError, match="'submissions'"):
        parse_bundle(d)


def test_format_error_is_a_user_error():
    assert issubclass(FormatError, UserError)
    assert Answers and Bundle and BundledSubmission  # exported names exist
