"""Interchange through the command line, in real subprocesses (``python -m app --db X``):
a Canvas roster import then ``gradebook --csv F --lms canvas``; rosters with an
unmatched and a look-alike name, imported twice; every LMS layout; lessons out and back
in as W3C, PTC and doccano; students' highlights as W3C; bad input exits 1 with one line."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from results_helpers import CLASS, LL, attempt, bundle, hl, write

from app.core.packs import read_pack
from app.services.library import import_pack
from app.services.results.bundles import import_bundles
from app.store.repo import open_repo

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
LMS = DATA / "lms"

# the hand-computed classroom of results_helpers (Ana 100, Ben 14, Cleo 57), with the
# full names a school's LMS has; Dan Lee is on the roster only as "Dаn" (Cyrillic а)
NAMES = {"Ana": "Ana Pérez", "Ben": "Ben Ortiz", "Cleo": "Cleo Zhang"}
CLASSROOM = bundle("machine-1", *[{**s, "student": NAMES[s["student"]]}
                                  for s in CLASS["submissions"] if s["attempt"] == 1],
                   attempt(9, "Dan Lee", [hl(22, 30, LL)]))


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOSE_READER")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=240, input=stdin)


@pytest.fixture
def class_db(tmp_path) -> Path:
    db = tmp_path / "class.db"
    repo = open_repo(db)
    import_pack(repo, read_pack(DATA / "sample-pack.json"))
    repo.set_setting("seeded_bundled_lessons", "1")
    import_bundles(repo, [write(tmp_path / "class.json", CLASSROOM)])
    repo.database.close()
    return db


def rows_of(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def roster_table(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM roster ORDER BY id").fetchall()


def test_canvas_roster_then_canvas_gradebook(class_db, tmp_path):
    p = run(class_db, "roster", "import", str(LMS / "canvas.csv"))
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "Read a Canvas roster of 5 students" in out
    for name in ("Ana Pérez", "Ben Ortiz", "Cleo Zhang"):
        assert f"{name}  ←  Canvas:" in out
    unmatched = out.split("Not matched")[1]
    assert "Novak, Eve" in unmatched and "Lee, Dаn" in unmatched
    assert "looks like the student “Dan Lee”" in unmatched
    assert "Close Reader students not on this roster (1): Dan Lee" in out

    f = tmp_path / "canvas.csv"
    p = run(class_db, "gradebook", "--csv", str(f), "--lms", "canvas")
    assert p.returncode == 0, p.stderr
    assert "Dan Lee" in p.stderr and "not written" in p.stderr.lower()
    rows = rows_of(f)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "A sample budget story (sample-budget)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "100"]
    by_sis = {r[2]: r for r in rows[2:]}
    assert set(by_sis) == {"S1001", "S1002", "S1003"}  # Dan (unbound) is not written
    assert by_sis["S1001"] == ["Pérez, Ana", "5501", "S1001", "aperez", "Period 2", "100"]
    assert by_sis["S1002"][-1] == "14" and by_sis["S1003"][-1] == "57"
    assert by_sis["S1003"][:2] == ["Zhang, Cleo", "5503"]


def test_a_roster_imported_twice_changes_nothing(class_db):
    assert run(class_db, "roster", "import", str(LMS / "canvas.csv")).returncode == 0
    before = roster_table(class_db)
    p = run(class_db, "roster", "import", str(LMS / "canvas.csv"))
    assert p.returncode == 0 and "(0 new here" in p.stdout
    assert roster_table(class_db) == before
    assert len(before) == 5 and sum(r[-1] is not None for r in before) == 3


@pytest.mark.parametrize("lms, fixture, head", [
    ("moodle", "moodle.csv", ["Email address", "First name", "Last name", "ID number"]),
    ("classroom", "classroom.csv", ["Email Address", "First Name", "Last Name"]),
    ("schoology", "schoology.csv", ["First Name", "Last Name", "Unique User ID"]),
])
def test_every_lms_layout(class_db, tmp_path, lms, fixture, head):
    assert run(class_db, "roster", "import", str(LMS / fixture)).returncode == 0
    f = tmp_path / f"{lms}.csv"
    p = run(class_db, "gradebook", "--csv", str(f), "--lms", lms)
    assert p.returncode == 0, p.stderr
    rows = rows_of(f)
    assert rows[0] == head + ["A sample budget story (sample-budget)"]
    ana = next(r for r in rows if "Ana" in r)
    assert ana[-1] == "100"
    if "Email address" in head or "Email Address" in head:
        assert ana[0] == "ana.perez@school.example"  # e-mail first
    assert len(rows) == 4 and not any("Dan" in c for r in rows for c in r)


def test_lms_layout_without_a_roster_or_without_csv(class_db):
    p = run(class_db, "gradebook", "--csv", "-", "--lms", "moodle")
    assert p.returncode == 1 and "no Moodle roster" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    p = run(class_db, "gradebook", "--lms", "canvas")
    assert p.returncode == 2 and "--lms needs --csv" in p.stderr


def test_formula_injection_through_the_canvas_writer(class_db, tmp_path):
    evil = tmp_path / "evil.csv"
    evil.write_text('Student,ID,SIS User ID,SIS Login ID,Section\n'
                    '"Pérez, Ana",=1+1,@SUM(A1),-2+3,"=HYPERLINK(""http://x"")"\n',
                    encoding="utf-8")
    assert run(class_db, "roster", "import", str(evil)).returncode == 0
    f = tmp_path / "out.csv"
    assert run(class_db, "gradebook", "--csv", str(f), "--lms", "canvas").returncode == 0
    row = rows_of(f)[2]
    assert row == ["Pérez, Ana", "'=1+1", "'@SUM(A1)", "'-2+3", "'=HYPERLINK(\"http://x\")",
                   "100"]


@pytest.mark.parametrize("fmt, out", [("w3c", "keys.jsonld"), ("ptc", "ptc"),
                                      ("doccano", "lessons.jsonl")])
def test_lessons_out_and_back_in(class_db, tmp_path, fmt, out):
    target = tmp_path / out
    p = run(class_db, "lessons", "export", "sample-budget", "sample-fear", "-o", str(target),
            "--as", fmt, "--with-notes")
    assert p.returncode == 0, p.stderr
    assert "with 5 key spans" in p.stdout
    if fmt == "w3c":
        coll = json.loads(target.read_text(encoding="utf-8"))
        assert coll["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert coll["total"] == 5
        return
    fresh = tmp_path / "fresh.db"
    p = run(fresh, "lessons", "import", str(target))
    assert p.returncode == 0, p.stderr
    assert "Imported 2 lessons: sample-budget, sample-fear" in p.stdout
    a, b = open_repo(class_db), open_repo(fresh)
    try:
        for lid in ("sample-budget", "sample-fear"):
            x, y = a.get_lesson(lid, with_key=True), b.get_lesson(lid, with_key=True)
            assert replace(x, key=sorted(x.key, key=repr)) == replace(y, key=sorted(y.key,
                                                                                  key=repr))
        assert b.categories()["appeal_to_fear"].name == "Appeal to fear"
    finally:
        a.database.close()
        b.database.close()


def test_students_highlights_as_w3c(class_db, tmp_path):
    f = tmp_path / "highlights.jsonld"
    p = run(class_db, "submissions", "export", "-o", str(f), "--as", "w3c")
    assert p.returncode == 0, p.stderr
    coll = json.loads(f.read_text(encoding="utf-8"))
    items = coll["first"]["items"]
    assert len(items) == 3 + 3 + 3 + 1
    text = read_pack(DATA / "sample-pack.json").lessons[0].text
    for a in items:
        pos, quote = a["target"]["selector"][1], a["target"]["selector"][0]
        assert quote["exact"] == text[pos["start"]:pos["end"]]
    assert {a["creator"]["name"] for a in items} == {"Ana Pérez", "Ben Ortiz", "Cleo Zhang",
                                                     "Dan Lee"}
    p = run(class_db, "submissions", "export", "-o", str(f), "--as", "w3c",
            "--student", "ana pérez")
    assert p.returncode == 0 and "Exported 3 highlights" in p.stdout


@pytest.mark.parametrize("name, body, message", [
    ("cut.jsonl", '{"text": "abc", "label": [[0, 1, "x"]]}\n{"text": "ab', "line 2 is not valid JSON"),
    ("range.jsonl", '{"text": "abc", "label": [[0, 4, "x"]]}\n', "offsets [0, 4) are outside"),
    ("roster.csv", "Name,Score\nAna,1\n", "not a roster or gradebook export"),
])
def test_bad_files_exit_1_with_one_line_and_write_nothing(class_db, tmp_path, name, body,
                                                          message):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    before = roster_table(class_db)
    cmd = ("roster", "import", str(f)) if name.endswith(".csv") else ("lessons", "import", str(f))
    p = run(class_db, *cmd)
    assert p.returncode == 1
    assert message in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "Traceback" not in p.stderr
    assert roster_table(class_db) == before
    repo = open_repo(class_db)
    try:
        assert repo.lesson_ids() == ["sample-budget", "sample-fear"]
    finally:
        repo.database.close()


def test_bad_ptc_folder_exits_1_and_writes_nothing(class_db, tmp_path):
    out = tmp_path / "ptc"
    assert run(class_db, "lessons", "export", "sample-budget", "-o", str(out), "--as",
               "ptc").returncode == 0
    (out / "article1.labels").write_text("1\tloaded_language\t22\t30\n1\tloaded_language\t9\n",
                                         encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    p = run(fresh, "lessons", "import", str(out))
    assert p.returncode == 1 and len(p.stderr.strip().splitlines()) == 1
    assert "article1.labels: line 2: expected 4 tab-separated fields" in p.stderr
    repo = open_repo(fresh)
    try:
        assert "sample-budget" not in repo.lesson_ids()
    finally:
        repo.database.close()

