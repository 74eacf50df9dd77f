"""Files from outside that are not files, JSON that says two things, error lines that
would echo kilobytes, terminal escapes in names, and spreadsheet formulas in CSV headers
(quality.md, "Bad input" and "Security"; issue 13).

The command line runs in a subprocess, as a user would run it, with a timeout: a FIFO
that made the reader block would fail the test instead of hanging the run.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import FormatError
from app.core.jsonfile import load_json_bytes, read_json_file, read_outside_file
from app.core.terminal import clean, clean_json

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
COMMANDS = [["lessons", "import"], ["grade", "--answers"], ["submissions", "import"]]
ESC = "\x1b"
HOSTILE_NAME = (f"Ana{ESC}[2J{ESC}]0;owned{ESC}\\{ESC}]8;;http://evil{ESC}\\click{ESC}]8;;"
                f"{ESC}\\ \x9b31m\u202eevil\u2066 B\x07\x08\x00ob")
STORED_NAME = HOSTILE_NAME.replace("\x00", "")  # NUL is refused by every reader


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    env.pop("CLOSE_READER_DB", None)
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8",
                          errors="surrogateescape", timeout=timeout, stdin=subprocess.DEVNULL)


def refused(p: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 1, one line on stderr, no traceback; returns the line."""
    assert p.returncode == 1, (p.returncode, p.stderr[-2000:])
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr[-3000:]
    assert "Traceback" not in p.stderr
    line = lines[0]
    assert line.startswith("close-reader: ") and len(line) < 600, line[:2000]
    for w in words:
        assert w in line, line
    return line


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hardening") / "class.db"
    p = run("--db", str(path), "lessons", "import", str(DATA / "sample-pack.json"))
    assert p.returncode == 0, p.stderr
    return path


# -- not regular files -------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_fifo_is_refused_at_once_by_every_reader(db, tmp_path, command):
    fifo = tmp_path / "answers.json"
    os.mkfifo(fifo)  # nobody ever writes: opening it for reading would block forever
    refused(run("--db", str(db), *command, str(fifo)), "answers.json", "not a regular file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_dev_zero_is_refused_and_never_read(db, command):
    refused(run("--db", str(db), *command, "/dev/zero"), "not a regular file", "a device")


@pytest.mark.parametrize("command", COMMANDS[:2], ids=" ".join)
def test_a_folder_is_refused(db, tmp_path, command):
    (tmp_path / "pack.json").mkdir()
    p = run("--db", str(db), *command, str(tmp_path / "pack.json"))
    if command[0] == "lessons":  # a folder is read as a PTC corpus (formats.md): this one is empty
        refused(p, "the folder holds no article<n>.txt files")
    else:
        refused(p, "a folder")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_a_folder_of_bundles_is_not_read(db, tmp_path):
    os.mkfifo(tmp_path / "a.json")
    refused(run("--db", str(db), "submissions", "import", str(tmp_path)), "no submission files")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_suggest_refuses_a_fifo_too(tmp_path):
    os.mkfifo(tmp_path / "article.txt")
    refused(run("suggest", "--text", str(tmp_path / "article.txt")), "not a regular file")


def test_the_reader_never_reads_past_its_limit(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(FormatError, match="larger than 4,096 bytes"):
        read_outside_file(big, limit=4096)
    assert read_outside_file(big, limit=5000) == b"x" * 5000


# -- duplicate keys ----------------------------------------------------------------
def pack_text(**span_extra: str) -> str:
    """The sample pack as JSON text, with raw text appended to the first key span."""
    text = json.dumps(json.loads((DATA / "sample-pack.json").read_text(encoding="utf-8")))
    i = text.index('"start"')
    return text[:i] + "".join(f'"{k}": {v}, ' for k, v in span_extra.items()) + text[i:]


def test_a_duplicate_key_deep_in_a_pack_is_refused_naming_it(tmp_path, db):
    path = tmp_path / "pack.json"
    path.write_text(pack_text(label='"loaded_language"'), encoding="utf-8")  # label twice
    line = refused(run("--db", str(db), "lessons", "import", "--replace", str(path)),
                   "pack.json", "'label'", "twice")
    assert "lessons" not in line.split("twice")[1]  # nothing else tacked on


@pytest.mark.parametrize("doc", [
    '{"format": "close-reader/answers", "format": "close-reader/answers", "version": 1}',
    '{"format": "close-reader/submissions", "version": 1, "submissions": [{"attempt": 1,'
    ' "student": "A", "student": "B"}]}',
    '{"a": {"b": {"c": [{"d": 1, "d": 2}]}}}',
])
def test_duplicate_keys_are_refused_at_any_depth(tmp_path, doc):
    path = tmp_path / "f.json"
    path.write_text(doc, encoding="utf-8")
    with pytest.raises(FormatError, match="twice"):
        read_json_file(path)


@pytest.mark.parametrize("command", COMMANDS[1:], ids=" ".join)
def test_answers_and_bundles_with_a_duplicate_key_are_refused(db, tmp_path, command):
    path = tmp_path / "f.json"
    path.write_text('{"format": "close-reader/answers", "version": 1, "lesson": "x", '
                    '"lesson": "sample-budget", "highlights": []}', encoding="utf-8")
    refused(run("--db", str(db), *command, str(path)), "'lesson'", "twice")


def test_a_huge_duplicate_key_is_named_briefly():
    key = "k" * 100_000
    with pytest.raises(FormatError) as e:
        load_json_bytes(json.dumps({key: 1}).replace("}", f', "{key}": 2}}').encode())
    assert len(str(e.value)) < 200 and "twice" in str(e.value)


# -- huge values never echoed ------------------------------------------------------
HUGE = "Z" * 20_000
HUGE_CASES = {
    "lesson id": ("lessons import", {"format": "close-reader/lesson-pack", "version": 1,
                                     "lessons": [{"id": HUGE, "title": "t", "text": "x"}]}),
    "label": ("lessons import", {"format": "close-reader/lesson-pack", "version": 1,
                                 "lessons": [{"id": "a", "title": "t", "text": "some text",
                                              "key": [{"start": 0, "end": 4, "label": HUGE,
                                                       "quote": "some"}]}]}),
    "format": ("grade --answers", {"format": HUGE, "version": 1}),
    "lesson of answers": ("grade --answers", {"format": "close-reader/answers", "version": 1,
                                              "lesson": HUGE, "student": "A",
                                              "highlights": []}),
    "submission id": ("submissions import", {
        "format": "close-reader/submissions", "version": 1,
        "submissions": [{"submission_id": HUGE, "student": "A", "lesson": "a"}]}),
    "student": ("submissions import", {
        "format": "close-reader/submissions", "version": 1,
        "submissions": [{"submission_id": "0b8f6a5e-1b1c-4d8e-9a43-2f9e3c6b7a10",
                         "student": HUGE, "lesson": "a"}]}),
    "bundle lesson with escapes": ("submissions import", {
        "format": "close-reader/submissions", "version": 1,
        "submissions": [{"submission_id": "0b8f6a5e-1b1c-4d8e-9a43-2f9e3c6b7a10",
                         "student": "A", "lesson": HOSTILE_NAME * 200}]}),
}


@pytest.mark.parametrize("case", list(HUGE_CASES))
def test_error_lines_never_echo_kilobytes(db, tmp_path, case):
    command, doc = HUGE_CASES[case]
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    line = refused(run("--db", str(db), *command.split(), str(path)))
    assert "Z" * 100 not in line and ESC not in line and "\x9b" not in line


def test_a_number_with_thousands_of_digits_is_not_echoed(db, tmp_path):
    path = tmp_path / "f.json"
    path.write_text('{"format": "close-reader/answers", "version": 1, "lesson": "sample-budget",'
                    ' "highlights": [{"start": ' + "9" * 4000 + ', "end": 5, "label": "x"}]}',
                    encoding="utf-8")
    line = refused(run("--db", str(db), "grade", "--answers", str(path)))
    assert "9" * 50 not in line


# -- terminal output -----------------------------------------------------------------
def test_clean_removes_every_terminal_control_and_keeps_the_words():
    out = clean(HOSTILE_NAME)
    assert out == "Anaclick evil Bob"
    assert all(ch.isprintable() for ch in out)
    assert clean("Zoë Łukasz 王芳 नेहा 🙂") == "Zoë Łukasz 王芳 नेहा 🙂"
    assert clean("two\nlines\tand tab") == "two lines and tab"


def test_clean_json_is_the_same_json_and_prints_nothing_raw():
    doc = {"name": HOSTILE_NAME, "list": [1, "\u2028"]}
    text = clean_json(json.dumps(doc, ensure_ascii=False, indent=2))
    assert json.loads(text) == doc
    assert all(ch.isprintable() or ch in "\n" for ch in text)


def hostile_db(tmp_path: Path) -> Path:
    """A database with a lesson titled, a student named and a category named with
    terminal escapes, and one graded attempt. Since issue 22 every import refuses such
    names and titles, so the clean ones are imported through the real import paths and
    then edited with sqlite3, as a student with a text editor would: the outputs must
    still print them plainly."""
    db = tmp_path / "hostile.db"
    pack = json.loads((DATA / "sample-pack.json").read_text(encoding="utf-8"))
    pack["categories"].append({"id": "spin", "name": "Spin", "description": "d"})
    pack["lessons"][0]["categories"] = [*pack["lessons"][0].get(
        "categories", ["unsupported_claim", "loaded_language"]), "spin"]
    (tmp_path / "pack.json").write_text(json.dumps(pack), encoding="utf-8")
    p = run("--db", str(db), "lessons", "import", str(tmp_path / "pack.json"))
    assert p.returncode == 0, p.stderr
    lesson = pack["lessons"][0]
    k = lesson["key"][0]
    bundle = {"format": "close-reader/submissions", "version": 1, "machine": "m",
              "submissions": [{"submission_id": "0b8f6a5e-1b1c-4d8e-9a43-2f9e3c6b7a10",
                               "attempt": 1, "lesson": lesson["id"], "student": "Hostile",
                               "submitted_at": "2026-11-21T10:15:00Z",
                               "highlights": [{"start": k["start"], "end": k["end"],
                                               "label": k["label"]}]},
                              {"submission_id": "0b8f6a5e-1b1c-4d8e-9a43-2f9e3c6b7a11",
                               "attempt": 1, "lesson": lesson["id"], "student": "＠SUM(A1)",
                               "submitted_at": "2026-11-21T10:15:00Z", "highlights": []}]}
    (tmp_path / "b.json").write_text(json.dumps(bundle), encoding="utf-8")
    p = run("--db", str(db), "submissions", "import", str(tmp_path / "b.json"))
    assert p.returncode == 0, p.stderr
    assert ESC not in p.stdout
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE lessons SET title = ? WHERE id = ?",
                    ["Budget " + STORED_NAME, lesson["id"]])
        con.execute("UPDATE categories SET name = ? WHERE id = 'spin'",
                    ["＝1+1 " + STORED_NAME])
        con.execute("UPDATE students SET name = ? WHERE name = 'Hostile'", [STORED_NAME])
    con.close()
    return db


def no_controls(text: str) -> None:
    bad = [f"U+{ord(c):04X}" for c in text if c not in "\n" and not c.isprintable()]
    assert not bad, bad[:10]


@pytest.mark.parametrize("command", [
    ["gradebook"], ["gradebook", "--long"], ["gradebook", "--csv", "-"],
    ["gradebook", "--csv", "-", "--long"], ["lessons", "list"], ["lessons", "list", "--json"],
])
def test_commands_print_outside_text_without_terminal_controls(tmp_path, command):
    db = hostile_db(tmp_path)
    p = run("--db", str(db), *command)
    assert p.returncode == 0, p.stderr
    no_controls(p.stdout)
    no_controls(p.stderr)
    assert "evil" in p.stdout  # the words are kept, only the controls go
    if "--json" in command:
        assert any(STORED_NAME in r["title"] for r in json.loads(p.stdout))


def test_grade_prints_a_hostile_student_and_title_plainly(tmp_path):
    db = hostile_db(tmp_path)
    pack = json.loads((DATA / "sample-pack.json").read_text(encoding="utf-8"))
    k = pack["lessons"][0]["key"][0]
    answers = {"format": "close-reader/answers", "version": 1,
               "lesson": pack["lessons"][0]["id"], "student": STORED_NAME,
               "highlights": [{"start": k["start"], "end": k["end"], "label": k["label"]}]}
    (tmp_path / "a.json").write_text(json.dumps(answers), encoding="utf-8")
    # a name with controls is refused since issue 22, in one line without them
    refused(run("--db", str(db), "grade", "--answers", str(tmp_path / "a.json")),
            "field 'student'", "control character")
    answers["student"] = "Ana ‮evil"  # a bidi override is dropped from a name
    (tmp_path / "a.json").write_text(json.dumps(answers), encoding="utf-8")
    for extra in ([], ["--json"]):
        p = run("--db", str(db), "grade", "--answers", str(tmp_path / "a.json"), *extra)
        assert p.returncode == 0, p.stderr
        no_controls(p.stdout)
        assert "Score" in p.stdout or "score" in p.stdout


# -- CSV formulas ------------------------------------------------------------------------
def csv_cells(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("long", [False, True], ids=["wide", "long"])
def test_every_csv_cell_and_header_is_formula_safe(tmp_path, long):
    db = hostile_db(tmp_path)
    out = tmp_path / "g.csv"
    p = run("--db", str(db), "gradebook", "--csv", str(out), *(["--long"] if long else []))
    assert p.returncode == 0, p.stderr
    rows = csv_cells(out)
    starts = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
    for row in rows:
        for cell in row:
            assert not cell.lstrip(" ").startswith(starts), cell
    names = [r[0] for r in rows[1:]]
    assert "'＠SUM(A1)" in names
    if long:
        assert any(h.startswith("'＝1+1") and h.endswith("precision") for h in rows[0])


@pytest.mark.parametrize("value, safe", [
    ("＝1+1", "'＝1+1"), ("＋1", "'＋1"), ("－1", "'－1"), ("＠A1", "'＠A1"),
    # since issue 22 tabs and line breaks become spaces and other controls go first
    ("\tx", " x"), ("\rx", " x"), ("\t=1", "' =1"), ("\x1b[2J=1", "'=1"),
    ("\u202e=1", "'=1"), ("  =1", "'  =1"), ("Zoë", "Zoë"), ("85", "85"),
    ("", ""),
])
def test_safe_cell_guards_full_width_and_hidden_formula_starts(value, safe):
    from app.services.results.gradebook import safe_cell

    assert safe_cell(value) == safe


def _depth_by_walking(text: str, limit: int) -> bool:
    """The nesting check written out character by character (the reference)."""
    depth, in_str, esc = 0, False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ a,:é\n\u2028'),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(alphabet='[{"\\a'), inner, max_size=3),
    max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(_json_values, st.integers(0, 90), st.booleans(), st.integers(0, 10**6))
def test_the_fast_nesting_check_agrees_with_walking_each_character(value, extra, ascii_, cut):
    from app.core import jsonfile

    text = "[" * extra + json.dumps(value, ensure_ascii=ascii_) + "]" * extra
    chunk = jsonfile._CHUNK
    try:
        for size in (chunk, 1, 3, 7):  # the file is read in chunks: cut anywhere
            jsonfile._CHUNK = size
            for t in (text, text[: cut % (len(text) + 1)]):  # whole, and cut in a string
                assert jsonfile._too_deep(t) == _depth_by_walking(t, jsonfile.MAX_DEPTH)
    finally:
        jsonfile._CHUNK = chunk
