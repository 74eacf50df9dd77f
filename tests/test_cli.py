"""The ``close-reader`` command line through a real subprocess (formats.md, "Command
line"): exit 0 done, 1 a user error (one clear line on stderr, no traceback), 2 wrong
usage; imports all or nothing."""

from __future__ import annotations

import copy
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from app.core.packs import read_pack

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample-pack.json"
SAMPLE_IDS = ["sample-budget", "sample-fear"]
UC, LL = "unsupported_claim", "loaded_language"


def run(*args: str | os.PathLike, db: Path | None = None, env_db: Path | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CLOSE_READER_DB"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT)
    if env_db is not None:
        env["CLOSE_READER_DB"] = str(env_db)
    cmd = [sys.executable, "-m", "app"]
    if db is not None:
        cmd += ["--db", str(db)]
    cmd += [str(a) for a in args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, encoding="utf-8")


def user_error(p: subprocess.CompletedProcess[str], *parts: str) -> str:
    """Exit 1, exactly one line on stderr, no traceback; returns that line."""
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip("\n").split("\n")
    assert len(lines) == 1, p.stderr
    line = lines[0]
    assert line.startswith("close-reader: ") and len(line) < 500, line
    for part in parts:
        assert part in line, (part, line)
    return line


def listing(db: Path) -> list[dict]:
    p = run("lessons", "list", "--json", db=db)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def dump(db: Path) -> list[str]:
    c = sqlite3.connect(db)
    try:
        return list(c.iterdump())
    finally:
        c.close()


def settle(db: Path) -> None:
    """Fold the WAL into the main file, so one file is the whole database."""
    c = sqlite3.connect(db)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A database holding the sample pack, imported through the CLI, and its listing."""
    db = tmp_path_factory.mktemp("base") / "base.db"
    p = run("lessons", "import", SAMPLE, db=db)
    assert p.returncode == 0, p.stderr
    assert "Imported 2 lessons" in p.stdout and "sample-budget" in p.stdout
    settle(db)
    return db, listing(db)


@pytest.fixture
def db(base, tmp_path) -> Path:
    """A private copy of the base database."""
    target = tmp_path / "cr.db"
    shutil.copy(base[0], target)
    return target


# --------------------------------------------------------------------------- lessons


def test_first_use_creates_the_database(tmp_path):
    new = tmp_path / "sub" / "new.db"
    p = run("lessons", "list", "--json", db=new)
    assert p.returncode == 0, p.stderr
    assert isinstance(json.loads(p.stdout), list)  # the bundled lessons, if any
    assert new.exists()
    p = run("lessons", "list", db=new)
    assert p.returncode == 0 and p.stderr == ""


def test_lessons_list(base, db):
    rows = base[1]
    by_id = {r["id"]: r for r in rows}
    assert set(SAMPLE_IDS) <= set(by_id)
    b = by_id["sample-budget"]
    assert b["title"] == "A sample budget story" and b["has_key"] is True
    assert b["level"] == "beginner" and b["unit"] == "Samples"
    assert b["source"]["outlet"] == "Sample Gazette" and b["words"] > 10
    p = run("lessons", "list", db=db)
    assert p.returncode == 0
    assert "sample-budget" in p.stdout and "A sample budget story" in p.stdout


def test_env_variable_names_the_database(base, db, tmp_path):
    assert json.loads(run("lessons", "list", "--json", env_db=db).stdout) == base[1]
    # --db wins over the environment
    other = tmp_path / "other.db"
    p = run("lessons", "list", "--json", db=db, env_db=other)
    assert {r["id"] for r in json.loads(p.stdout)} >= set(SAMPLE_IDS)


def test_import_again_is_refused_and_changes_nothing(base, db):
    before = dump(db)
    line = user_error(run("lessons", "import", SAMPLE, db=db), "sample-budget", "already exists")
    assert "--replace" in line
    assert dump(db) == before


def test_import_replace(base, db, tmp_path):
    d = json.loads(SAMPLE.read_text(encoding="utf-8"))
    d["lessons"][1]["title"] = "Renamed by the instructor"
    d["lessons"][1]["key"][0]["required"] = False
    p = tmp_path / "changed.crpack"
    p.write_text(json.dumps(d), encoding="utf-8")
    r = run("lessons", "import", p, "--replace", db=db)
    assert r.returncode == 0, r.stderr
    rows = {x["id"]: x for x in listing(db)}
    assert rows["sample-fear"]["title"] == "Renamed by the instructor"
    assert len(rows) == len(base[1])
    # the key was replaced too
    out = tmp_path / "out.json"
    assert run("lessons", "export", "sample-fear", "-o", out, db=db).returncode == 0
    assert read_pack(out).lessons[0].key[0].required is False


def test_import_is_all_or_nothing_when_the_second_lesson_clashes(base, db, tmp_path):
    d = json.loads(SAMPLE.read_text(encoding="utf-8"))
    first = copy.deepcopy(d["lessons"][1])
    first["id"] = "brand-new-lesson"
    d["lessons"] = [first, d["lessons"][1]]  # the 2nd is already in the database
    p = tmp_path / "clash.json"
    p.write_text(json.dumps(d), encoding="utf-8")
    before = dump(db)
    user_error(run("lessons", "import", p, db=db), "sample-fear", "already exists")
    assert listing(db) == base[1]
    assert dump(db) == before


def test_export_with_and_without_keys(db, tmp_path):
    full = tmp_path / "full.crpack"
    p = run("lessons", "export", *SAMPLE_IDS, "-o", full, "--with-notes", db=db)
    assert p.returncode == 0, p.stderr
    orig = read_pack(SAMPLE)
    got = read_pack(full)
    assert [le.id for le in got.lessons] == SAMPLE_IDS
    for a, b in zip(got.lessons, orig.lessons, strict=True):
        assert a.text == b.text and a.title == b.title and a.source == b.source
        assert a.categories == b.categories and a.teacher_notes == b.teacher_notes
        assert set(a.key) == set(b.key)
    assert {c.id for c in got.categories} >= {UC, LL, "appeal_to_fear"}

    bare = tmp_path / "students.crpack"
    p = run("lessons", "export", *SAMPLE_IDS, "-o", bare, "--no-keys", db=db)
    assert p.returncode == 0, p.stderr
    raw = bare.read_text(encoding="utf-8")
    assert '"key"' not in raw
    assert "teacher_notes" not in raw and "For tests." not in raw
    assert "Which experts?" not in raw  # no explanations either
    students = read_pack(bare)
    assert all(le.key is None for le in students.lessons)
    assert [le.text for le in students.lessons] == [le.text for le in orig.lessons]


def test_export_unknown_lesson(db, tmp_path):
    out = tmp_path / "x.json"
    user_error(run("lessons", "export", "sample-budget", "no-such-lesson", "-o", out, db=db),
               "no-such-lesson")
    assert not out.exists()


# --------------------------------------------------------------------------- grade


def answers_file(tmp_path: Path, highlights, lesson="sample-budget", name="ans.json",
                 student="Ana P.") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps({
        "format": "close-reader/answers", "version": 1, "lesson": lesson,
        "student": student, "submitted_at": "2026-11-21T10:15:00Z",
        "highlights": highlights}, ensure_ascii=False), encoding="utf-8")
    return p


def f(x: Fraction) -> float:
    return float(x)


def test_grade_sample_answers_json(db):
    p = run("grade", "--answers", DATA / "sample-answers.json", "--json", db=db)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    # key: K1 [0,45) UC req, K2 [22,30) LL req, K3 [124,145) LL req, K4 [106,121) UC opt
    # answers: H1 [0,13) UC, H2 [25,33) LL
    # UC: P = 13/13 = 1, R = 13/45, F1 = 2·(13/45)/(1 + 13/45) = 13/29
    # LL: P = |[25,30)|/8 = 5/8, R = (5/8 + 0)/2 = 5/16, F1 = 5/12
    # all: P = (1 + 5/8)/2 = 13/16, R = (13/45 + 5/8 + 0)/3 = 329/1080,
    #      F1 = 2PR/(P+R) = 4277/9652 ≈ 0.4431 → score ⌊44.31 + 0.5⌋ = 44
    assert r["lesson"] == "sample-budget" and r["student"] == "Ana P."
    assert r["score"] == 44
    ov = r["overall"]
    assert (ov["precision"], ov["recall"], ov["f1"]) == pytest.approx(
        (f(Fraction(13, 16)), f(Fraction(329, 1080)), f(Fraction(4277, 9652))), abs=1e-9)
    assert set(r["by_label"]) == {UC, LL}  # every category of the lesson
    uc, ll = r["by_label"][UC], r["by_label"][LL]
    assert (uc["precision"], uc["recall"], uc["f1"]) == pytest.approx(
        (1.0, 13 / 45, 13 / 29), abs=1e-9)
    assert (ll["precision"], ll["recall"], ll["f1"]) == pytest.approx(
        (5 / 8, 5 / 16, 5 / 12), abs=1e-9)
    key = {(k["start"], k["end"], k["label"]): k for k in r["key"]}
    assert key[(0, 45, UC)]["status"] == "partial"
    assert key[(0, 45, UC)]["coverage"] == pytest.approx(13 / 45, abs=1e-9)
    assert key[(22, 30, LL)]["status"] == "found"
    assert key[(22, 30, LL)]["coverage"] == pytest.approx(5 / 8, abs=1e-9)
    assert key[(124, 145, LL)]["status"] == "missed"
    assert key[(106, 121, UC)]["status"] == "missed"
    assert key[(106, 121, UC)]["required"] is False
    assert key[(0, 45, UC)]["explanation"].startswith("Which experts?")
    assert [(h["start"], h["end"], h["label"], h["status"]) for h in r["highlights"]] == [
        (0, 13, UC, "match"), (25, 33, LL, "match")]
    for fig in [ov, uc, ll]:
        assert all(isinstance(v, float) for v in fig.values())


def test_grade_merges_optional_and_wrong_label(db, tmp_path):
    ans = answers_file(tmp_path, [
        {"start": 0, "end": 45, "label": UC},
        {"start": 106, "end": 121, "label": UC},   # the optional key span
        {"start": 22, "end": 30, "label": LL},
        {"start": 120, "end": 140, "label": LL},   # these two merge into [120, 146)
        {"start": 130, "end": 146, "label": LL},
        {"start": 0, "end": 5, "label": LL},       # only over a UC key span
    ], student="  Ben  ")
    p = run("grade", "--answers", ans, "--json", db=db)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    # UC: S = {[0,45), [106,121)}: P = (45/45 + 15/15)/2 = 1; T = {K1}: R = 1; F1 = 1
    # LL: S = {[0,5), [22,30), [120,146)}: P = (0 + 8/8 + 21/26)/3 = 47/78
    #     T = {K2, K3}: R = (1 + 1)/2 = 1; F1 = 2·(47/78)/(47/78 + 1) = 94/125
    # all: P = (2 + 47/26)/5 = 99/130, R = 3/3 = 1, F1 = 198/229 ≈ 0.8646 → 86
    assert r["score"] == 86 and r["student"] == "Ben"
    ov = r["overall"]
    assert (ov["precision"], ov["recall"], ov["f1"]) == pytest.approx(
        (99 / 130, 1.0, 198 / 229), abs=1e-9)
    assert r["by_label"][UC]["f1"] == pytest.approx(1.0, abs=1e-9)
    assert (r["by_label"][LL]["precision"], r["by_label"][LL]["f1"]) == pytest.approx(
        (47 / 78, 94 / 125), abs=1e-9)
    assert all(k["status"] == "found" and k["coverage"] == 1.0 for k in r["key"])
    assert [(h["start"], h["end"], h["label"], h["status"]) for h in r["highlights"]] == [
        (0, 5, LL, "wrong_label"), (0, 45, UC, "match"), (22, 30, LL, "match"),
        (106, 121, UC, "match"), (120, 146, LL, "match")]


def test_grade_text_summary(db):
    p = run("grade", "--answers", DATA / "sample-answers.json", db=db)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("Score: 44")
    assert "A sample budget story" in p.stdout and "Ana P." in p.stdout
    assert "Unsupported claim" in p.stdout and "Loaded language" in p.stdout


def test_grade_empty_answers_and_custom_category(db, tmp_path):
    r = json.loads(run("grade", "--answers", answers_file(tmp_path, []), "--json",
                       db=db).stdout)
    assert r["score"] == 0 and r["overall"]["f1"] == 0.0
    # sample-fear: key [0, 35) appeal_to_fear; highlight [0, 10) of it
    # P = 1, R = 10/35 = 2/7, F1 = 2·(2/7)/(9/7) = 4/9 → ⌊44.4 + 0.5⌋ = 44
    ans = answers_file(tmp_path, [{"start": 0, "end": 10, "label": "appeal_to_fear"}],
                       lesson="sample-fear", name="fear.json")
    r = json.loads(run("grade", "--answers", ans, "--json", db=db).stdout)
    assert r["score"] == 44
    assert set(r["by_label"]) == {LL, "appeal_to_fear"}
    assert r["by_label"][LL]["f1"] == 1.0  # no key spans, no highlights
    assert r["by_label"]["appeal_to_fear"]["f1"] == pytest.approx(4 / 9, abs=1e-9)


def test_grade_unknown_lesson(db, tmp_path):
    user_error(run("grade", "--answers", answers_file(tmp_path, [], lesson="nope"), db=db),
               "nope")
    # a hostile lesson id is still one line
    user_error(run("grade", "--answers", answers_file(tmp_path, [], lesson="a\nb\rc"), db=db))


@pytest.mark.parametrize("h, parts", [
    ({"start": 140, "end": 147, "label": LL}, ["highlights[0]", "[140, 147)"]),
    ({"start": 500, "end": 600, "label": LL}, ["highlights[0]", "[500, 600)"]),
    ({"start": 10, "end": 5, "label": LL}, ["highlights[0]", "[10, 5)"]),
    ({"start": 0, "end": 5, "label": "appeal_to_fear"}, ["highlights[0]", "appeal_to_fear"]),
    ({"start": 0, "end": 5, "label": "made_up"}, ["highlights[0]", "made_up"]),
    ({"start": 0, "end": 5, "label": "bad\nlabel"}, ["highlights[0]"]),
    ({"start": "0", "end": 5, "label": LL}, ["highlights[0]", "'start'"]),
])
def test_grade_refuses_bad_highlights(db, tmp_path, h, parts):
    ans = answers_file(tmp_path, [{"start": 0, "end": 5, "label": LL}, h])
    parts = [p.replace("highlights[0]", "highlights[1]") for p in parts]
    p = run("grade", "--answers", ans, "--json", db=db)
    user_error(p, *parts)
    assert p.stdout == ""  # no partial report


@pytest.mark.parametrize("content", [b"{", b"\xff\xfe{}",
                                     b'{"format": "close-reader/answers", "version": 9}'])
def test_grade_refuses_malformed_answers(db, tmp_path, content):
    p = tmp_path / "bad.json"
    p.write_bytes(content)
    user_error(run("grade", "--answers", p, db=db), "bad.json")


def test_grade_missing_answers_file(db, tmp_path):
    user_error(run("grade", "--answers", tmp_path / "missing.json", db=db), "missing.json")


# --------------------------------------------------------------------------- malformed packs


def _sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def _pack(edit, ascii_only: bool = False) -> bytes:
    d = _sample()
    edit(d)
    return json.dumps(d, ensure_ascii=ascii_only).encode("utf-8")


def _set(path: str, value):
    """An edit that sets d[...][...] = value along a /-separated path."""
    def edit(d):
        *head, last = [int(p) if p.isdigit() else p for p in path.split("/")]
        for p in head:
            d = d[p]
        if value is KeyError:
            del d[last]
        else:
            d[last] = value
    return edit


def _rename_all(d):
    for le in d["lessons"]:
        le["id"] = "new-" + le["id"]


def _fresh(edit):
    """Edits applied to a pack whose ids are new, so only the edit can make it fail."""
    def both(d):
        _rename_all(d)
        edit(d)
    return both


def _dup(d):
    _rename_all(d)
    d["lessons"][1]["id"] = d["lessons"][0]["id"]


def _overlap(d):
    _rename_all(d)
    d["lessons"][0]["key"].append({"start": 120, "end": 130, "label": LL,
                                   "quote": d["lessons"][0]["text"][120:130]})


def _quote_across_paragraphs(d):
    _rename_all(d)
    d["lessons"][0]["key"][0].update(start=40, end=52, quote="fail. The ma")


GOOD = json.dumps(_sample()).encode()
MALFORMED: dict[str, bytes] = {
    "not json": b"{ nope",
    "empty file": b"",
    "truncated": GOOD[: len(GOOD) // 2],
    "non-utf8 bytes": _pack(_fresh(lambda d: None)).replace(b"Samples", b"Sampl\xe9s"),
    "utf-16": json.dumps(_sample()).encode("utf-16"),
    "nul byte": _pack(_fresh(lambda d: None)).replace(b"Samples", b"Sam\x00ples"),
    "deeply nested": b"[" * 50_000 + b"]" * 50_000,
    "wrong format": _pack(_fresh(_set("format", "close-reader/answers"))),
    "version 3": _pack(_fresh(_set("version", 3))),
    "no lessons": _pack(_fresh(_set("lessons", KeyError))),
    "lesson without text": _pack(_fresh(_set("lessons/1/text", KeyError))),
    "bad id": _pack(_fresh(_set("lessons/1/id", "Bad Id!"))),
    "id with a newline": _pack(_fresh(_set("lessons/1/id", "bad\nid"))),
    "duplicate ids": _pack(_dup),
    "key out of range": _pack(_fresh(_set("lessons/0/key/2/end", 999))),
    "key reversed": _pack(_fresh(_set("lessons/0/key/1/start", 40))),
    "start as bool": _pack(_fresh(_set("lessons/0/key/1/start", True))),
    "required as int": _pack(_fresh(_set("lessons/0/key/1/required", 1))),
    "quote mismatch": _pack(_fresh(_set("lessons/0/key/1/quote", "careless"))),
    "quote across paragraphs": _pack(_quote_across_paragraphs),
    "unknown label": _pack(_fresh(_set("lessons/0/key/1/label", "appeal_to_fear"))),
    "same-label overlap": _pack(_overlap),
    "10 MB on one line": _pack(_fresh(_set("lessons/1/text", "word " * 2_000_000))),
    "lone surrogate": _pack(_fresh(_set("lessons/1/title", "bad \ud800")), ascii_only=True),
}
# what the one line must name (lesson, field, span index and offsets)
NAMES = {
    "key out of range": ["new-sample-budget", "key[2]", "[124, 999)"],
    "key reversed": ["new-sample-budget", "key[1]", "[40, 30)"],
    "start as bool": ["new-sample-budget", "key[1]", "'start'"],
    "required as int": ["new-sample-budget", "key[1]", "'required'"],
    "quote mismatch": ["new-sample-budget", "key[1]", "[22, 30)", "'quote'"],
    "quote across paragraphs": ["new-sample-budget", "key[0]", "[40, 52)", "'quote'"],
    "unknown label": ["new-sample-budget", "key[1]", "'label'"],
    "same-label overlap": ["new-sample-budget", "key[4]", "[120, 130)", "key[2]"],
    "duplicate ids": ["new-sample-budget", "lessons[1]", "'id'"],
    "lesson without text": ["new-sample-fear", "'text'"],
    "10 MB on one line": ["new-sample-fear", "'text'"],
    "lone surrogate": ["new-sample-fear", "'title'"],
    "bad id": ["lessons[1]", "'id'"],
    "version 3": ["'version'"],
    "wrong format": ["'format'"],
}


def test_the_malformed_packs_differ_from_a_good_one_only_by_their_fault(tmp_path, db):
    """Sanity check of the cases: the renamed pack without a fault imports."""
    p = tmp_path / "ok.json"
    p.write_bytes(_pack(_fresh(lambda d: None)))
    assert read_pack(p).lessons[0].id == "new-sample-budget"


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_pack_is_refused_and_changes_nothing(base, db, tmp_path, case):
    p = tmp_path / "bad.crpack"
    p.write_bytes(MALFORMED[case])
    before = dump(db)
    user_error(run("lessons", "import", p, db=db), "bad.crpack", *NAMES.get(case, []))
    assert dump(db) == before  # not a row changed (stronger than the listing)


def test_malformed_packs_leave_the_lesson_list_unchanged(base, db, tmp_path):
    before = listing(db)
    assert before == base[1]
    for i, case in enumerate(["duplicate ids", "same-label overlap", "quote mismatch",
                              "truncated", "lone surrogate"]):
        p = tmp_path / f"bad{i}.json"
        p.write_bytes(MALFORMED[case])
        user_error(run("lessons", "import", p, db=db))
    assert listing(db) == before


def test_pack_over_50_megabytes(base, db, tmp_path):
    p = tmp_path / "huge.crpack"
    with open(p, "wb") as fh:
        fh.write(GOOD)
        fh.truncate(50 * 1024 * 1024 + 10)
    user_error(run("lessons", "import", p, db=db), "50 MB")
    assert listing(db) == base[1]


def test_pack_that_is_missing_or_a_folder(db, tmp_path):
    user_error(run("lessons", "import", tmp_path / "nope.json", db=db), "nope.json")
    user_error(run("lessons", "import", tmp_path, db=db))


# --------------------------------------------------------------------------- usage


@pytest.mark.parametrize("args", [
    ["lessons"],
    ["lessons", "import"],
    ["lessons", "export", "sample-budget"],
    ["grade"],
    ["--no-such-option", "lessons", "list"],
    ["no-such-command"],
])
def test_wrong_usage_exits_2(db, args):
    p = run(*args, db=db)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr
    assert "usage" in p.stderr.lower()


# --------------------------------------------------------------------------- databases


def test_database_from_a_newer_version(db):
    c = sqlite3.connect(db)
    c.execute("PRAGMA user_version = 999")
    c.close()
    user_error(run("lessons", "list", db=db), "newer")
    user_error(run("grade", "--answers", DATA / "sample-answers.json", db=db), "newer")


def test_corrupt_database(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(os.urandom(50_000))
    user_error(run("lessons", "list", db=bad), "damaged")
    user_error(run("lessons", "import", SAMPLE, env_db=bad), "damaged")


def test_database_path_is_a_folder(tmp_path):
    user_error(run("lessons", "list", db=tmp_path), "folder")


def test_selftest_opens_the_library_and_a_lesson_and_times_it(qapp, tmp_path, monkeypatch,
                                                                capsys):
    from app.cli import main
    from app.commands import selftest

    # a process far older than the program in it (exec'd by a long-running shell):
    # the start-up is counted from the program's first line, not from the shell's start
    monkeypatch.setattr(selftest, "process_age_s", lambda: 3600.0)
    assert main(["--db", str(tmp_path / "s.db"), "selftest"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["text_matches"] and out["lessons"] >= 11
    assert 0 < out["startup_s"] < selftest.STALE_AGE_S


def test_selftest_counts_from_the_launchers_clock_when_it_is_given(monkeypatch):
    import time

    from app.commands import selftest

    now = time.perf_counter()
    monkeypatch.setenv(selftest.LAUNCHED_AT, repr(time.monotonic() - 0.25))
    took, clock = selftest.startup_s(0.9, now, now)
    assert clock == "launcher" and 0.24 < took < 0.3  # not /proc's 0.9
    for bad in ("", "soon", repr(time.monotonic() + 5), repr(time.monotonic() - 3600)):
        monkeypatch.setenv(selftest.LAUNCHED_AT, bad)  # unreadable, in the future, stale
        assert selftest.startup_s(0.9, now, now) == (0.9, "proc")
    monkeypatch.delenv(selftest.LAUNCHED_AT)
    assert selftest.startup_s(None, now - 0.5, now) == (0.5, "entry")
