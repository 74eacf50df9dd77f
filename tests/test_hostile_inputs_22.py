"""Every traceback, injection and accepted-but-wrong case of issue 22 (item 7), played
as a student or a careless file would: files written by hand, databases edited with
sqlite3, the real ``close-reader`` run as a subprocess, and the app where it has a
route. Each case ends in one clear line (or plain text), and a refused command leaves
the database byte for byte as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import FormatError, UserError
from app.core.textrules import LIMITS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LESSON = "sample-budget"
ESC = "\x1b"
OSC_TITLE = f"{ESC}]0;owned{ESC}\\"
HOSTILE_TITLE = f"Budget {OSC_TITLE}{ESC}[2J \u202eevil\u202c \x9b31m end"


# -- running it ------------------------------------------------------------------------------
def run(*args: str, env: dict | None = None, stdin: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    e: dict = {k: v for k, v in os.environ.items()
               if k not in ("CLOSE_READER_DB", "CLOSE_READER_PASSWORD",
                            "CLOSE_READER_PASSWORD_NEW")}
    e.update(QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    if env and any(isinstance(k, bytes) for k in env):  # bytes that are not UTF-8
        e = {os.fsencode(k): os.fsencode(v) for k, v in e.items()}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=e,
                          capture_output=True, text=True, encoding="utf-8",
                          errors="surrogateescape", timeout=120,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)


def refused(p: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 1, one line on stderr, no traceback, no terminal controls; returns it."""
    assert p.returncode == 1, (p.returncode, p.stdout[-500:], p.stderr[-3000:])
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in p.stderr, p.stderr[-3000:]
    line = lines[0]
    assert line.startswith("close-reader: ") and len(line) < 600, line
    assert all(ch.isprintable() for ch in line), line
    for w in words:
        assert w in line, line
    return line


def no_controls(text: str) -> None:
    bad = [f"U+{ord(c):04X}" for c in text if c not in "\n" and not c.isprintable()]
    assert not bad, bad[:10]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sql(db: Path, statement: str, params: tuple = ()) -> None:
    """Edit the database as a student with sqlite3 would."""
    con = sqlite3.connect(db)
    with con:
        con.execute(statement, params)
    con.close()


def write(path: Path, obj: object) -> Path:
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path


def sample_pack() -> dict:
    return json.loads((DATA / "sample-pack.json").read_text(encoding="utf-8"))


def bundle(*subs: dict, machine: str = "m-1") -> dict:
    return {"format": "close-reader/submissions", "version": 1, "machine": machine,
            "exported_at": "2026-11-21T11:00:00Z", "submissions": list(subs)}


def attempt(n: int, student: str, at: str = "2026-11-21T10:15:00Z") -> dict:
    return {"submission_id": f"00000000-0000-4000-8000-{n:012d}", "attempt": 1,
            "lesson": LESSON, "student": student, "submitted_at": at,
            "highlights": [{"start": 22, "end": 30, "label": "loaded_language"}]}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A classroom database made once through the real commands: the sample lesson,
    Ana's and Ben's graded attempts, a Canvas roster binding both."""
    folder = tmp_path_factory.mktemp("made22")
    db = folder / "class.db"
    assert run("--db", str(db), "lessons", "import", str(DATA / "sample-pack.json")
               ).returncode == 0
    write(folder / "b.json", bundle(attempt(1, "Ana P."), attempt(2, "Ben K.")))
    assert run("--db", str(db), "submissions", "import", str(folder / "b.json")).returncode == 0
    (folder / "r.csv").write_text("Student,ID,SIS User ID,SIS Login ID,Section\n"
                                  "\"P., Ana\",5501,S1,ap,P1\n\"K., Ben\",5502,S2,bk,P1\n",
                                  encoding="utf-8")
    assert run("--db", str(db), "roster", "import", str(folder / "r.csv")).returncode == 0
    return db


@pytest.fixture
def world(made, tmp_path) -> Path:
    db = tmp_path / "t.db"
    shutil.copyfile(made, db)
    return db


def same_after(db: Path, p: subprocess.CompletedProcess[str], *words: str) -> str:
    """Refused, and the database not touched at all."""
    line = refused(p, *words)
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    return line


# == passwords ==================================================================================
@pytest.mark.parametrize("new, words", [
    (b"\xff\xfepassword", "not text that can be typed"),
    (b"      ", "only spaces"),
    (b"\t\t\t\t\t\t\t\t", "only spaces"),
    (b"abc1234", "at least 8 characters"),
    (b"abcdefgh\x1b", "control characters"),
])
def test_a_bad_new_password_is_one_line_and_writes_nothing(world, new, words):
    before = digest(world)
    same_after(world, run("--db", str(world), "instructor", "set-password",
                          env={b"CLOSE_READER_PASSWORD_NEW": new}), words)
    assert digest(world) == before


def test_a_good_password_then_a_non_utf8_guess(world):
    p = run("--db", str(world), "instructor", "set-password",
            env={"CLOSE_READER_PASSWORD_NEW": "correct horse"})
    assert p.returncode == 0, p.stderr
    before = digest(world)
    refused(run("--db", str(world), "gradebook", env={b"CLOSE_READER_PASSWORD": b"\xff\xfe"}),
            "not the instructor password")
    assert digest(world) == before
    p = run("--db", str(world), "gradebook", env={"CLOSE_READER_PASSWORD": "correct horse"})
    assert p.returncode == 0, p.stderr


def test_the_apps_password_dialog_refuses_spaces_and_short_ones(qtbot, world):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit
    from uihelpers import on_next_dialog

    from app.store.repo import open_repo
    from app.ui.instructor.gate import SETTING, unlock

    repo = open_repo(world)
    seen: list[str] = []

    def fill(d) -> None:  # noqa: ANN001
        a, b = d.findChildren(QLineEdit)[:2]
        for attempt_text in ("      ", "        ", "short"):
            a.setText(attempt_text)
            b.setText(attempt_text)
            QTest.keyClick(a, Qt.Key.Key_Return)
            assert d.isVisible()
            seen.append(d.error.text())
        a.setText("correct horse")
        b.setText("correct horse")
        QTest.keyClick(a, Qt.Key.Key_Return)

    on_next_dialog(fill)
    assert unlock(None, repo)
    assert seen == ["A password cannot be only spaces."] * 2 + ["Use at least 8 characters."]
    assert repo.setting(SETTING)
    repo.database.close()


# == PTC and doccano numbers ======================================================================
def ptc_folder(tmp_path: Path, labels: str, mapping: dict | None = None) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "article1.txt").write_text("A title line\n\nSome words for a span.\n",
                                         encoding="utf-8")
    (folder / "article1.labels").write_text(labels, encoding="utf-8")
    if mapping is not None:
        write(folder / "lessons.json", mapping)
    return folder


@pytest.mark.parametrize("start", ["²", "١", "1" * 5000, "1e3", "-1", "0x1"])
def test_a_ptc_offset_that_is_not_plain_digits_is_one_line(world, tmp_path, start):
    folder = ptc_folder(tmp_path, f"1\tLoaded_Language\t{start}\t5\n")
    before = digest(world)
    line = refused(run("--db", str(world), "lessons", "import", str(folder)),
                   "article1.labels: line 1", "whole numbers")
    assert "1" * 100 not in line  # 5,000 digits are not echoed
    assert digest(world) == before


def test_a_ptc_article_number_in_other_digits_is_one_line(world, tmp_path):
    folder = ptc_folder(tmp_path, "1\tLoaded_Language\t0\t4\n", {"²": "x"})
    refused(run("--db", str(world), "lessons", "import", str(folder)), "lessons.json")


DOCCANO_TEXT = "Some words here for a span to cover."


@pytest.mark.parametrize("where", ["label", "key_notes"])
@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400", "-1e400"])
def test_doccano_numbers_that_are_not_numbers_are_one_line(world, tmp_path, where, number):
    label = f'[[{number}, 4, "Loaded_Language"]]' if where == "label" else '[[0, 4, "X"]]'
    notes = (f', "key_notes": [{{"start": {number}, "end": 4, "label": "x"}}]'
             if where == "key_notes" else "")
    path = tmp_path / "d.jsonl"
    path.write_text(f'{{"text": "{DOCCANO_TEXT}", "label": {label}{notes}}}\n',
                    encoding="utf-8")
    before = digest(world)
    refused(run("--db", str(world), "lessons", "import", str(path)), "d.jsonl: line 1")
    assert digest(world) == before


def test_nan_and_infinity_are_refused_in_every_json_file(world, tmp_path):
    pack = sample_pack()
    text = json.dumps(pack).replace('"start": 0,', '"start": NaN,', 1)
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    refused(run("--db", str(world), "lessons", "import", str(tmp_path / "p.json")),
            "NaN is not a JSON number")
    b = json.dumps(bundle(attempt(9, "Cleo"))).replace('"start": 22', '"start": Infinity')
    (tmp_path / "b.json").write_text(b, encoding="utf-8")
    refused(run("--db", str(world), "submissions", "import", str(tmp_path / "b.json")),
            "Infinity is not a JSON number")


# == damaged rows ===============================================================================
@pytest.mark.parametrize("value", ["[broken", '{"a": 1}', "[1, 2]", "null"])
@pytest.mark.parametrize("command", [["gradebook"], ["gradebook", "--csv", "-"],
                                     ["lessons", "export", LESSON, "-o", "OUT"]])
def test_damaged_lesson_categories_are_one_line(world, tmp_path, value, command):
    sql(world, "UPDATE lessons SET categories = ? WHERE id = ?", (value, LESSON))
    before = digest(world)
    args = [str(tmp_path / "out.json") if a == "OUT" else a for a in command]
    refused(run("--db", str(world), *args), "damaged", "a lesson's categories")
    assert digest(world) == before


@pytest.mark.parametrize("command", [
    ["feedback", "export", "-o", "OUT"],
    ["lessons", "export", LESSON, "-o", "OUT"],
    ["lessons", "export", LESSON, "--as", "doccano", "-o", "OUT"],
    ["lessons", "export", LESSON, "--as", "w3c", "-o", "OUT"],
    ["lessons", "import", "--replace", "PACK"],
])
def test_a_lesson_text_stored_as_a_blob_is_one_line(world, tmp_path, command):
    write(tmp_path / "pack.json", sample_pack())
    env = None
    if command[0] == "feedback":  # feedback files are signed: the instructor has a password
        assert run("--db", str(world), "instructor", "set-password",
                   env={"CLOSE_READER_PASSWORD_NEW": "correct horse"}).returncode == 0
        env = {"CLOSE_READER_PASSWORD": "correct horse"}
    sql(world, "UPDATE lessons SET text = CAST(text AS BLOB) WHERE id = ?", (LESSON,))
    before = digest(world)
    args = [str(tmp_path / "out.json") if a == "OUT" else
            str(tmp_path / "pack.json") if a == "PACK" else a for a in command]
    refused(run("--db", str(world), *args, env=env), "damaged", "a lesson's text")
    assert digest(world) == before
    assert not (tmp_path / "out.json").exists()


def test_a_blob_title_and_a_damaged_key_span_are_one_line(world):
    sql(world, "UPDATE key_spans SET quote = CAST(quote AS BLOB) WHERE lesson_id = ?", (LESSON,))
    refused(run("--db", str(world), "lessons", "export", LESSON, "-o",
                str(world.parent / "o.json")), "a key span")
    sql(world, "UPDATE lessons SET title = x'00ff' WHERE id = ?", (LESSON,))
    refused(run("--db", str(world), "lessons", "list"), "a lesson's title")


# == times past the calendar ========================================================================
FAR = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"]


@pytest.mark.parametrize("stamp", FAR)
def test_the_student_pdf_prints_a_time_past_the_calendar_as_text(world, tmp_path, stamp):
    from app.services.results.report_pdf import student_report_pdf
    from app.store.repo import open_repo

    sql(world, "UPDATE submissions SET submitted_at = ?", (stamp,))
    repo = open_repo(world)
    ana = next(s for s in repo.students() if s.name == "Ana P.")
    out = student_report_pdf(repo, ana.id, LESSON, tmp_path / "ana.pdf")
    repo.database.close()
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    if text is not None:
        assert f"submitted {stamp}" in " ".join(text.split())


def pdf_text(path: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_pdfs_print_hostile_titles_and_names_without_controls(world, tmp_path):
    from app.services.results.report_pdf import class_summary_pdf, student_report_pdf
    from app.store.repo import open_repo

    hostile_titles(world)
    repo = open_repo(world)
    ben = next(s for s in repo.students() if s.name.startswith("Ben"))
    outs = [student_report_pdf(repo, ben.id, LESSON, tmp_path / "ben.pdf"),
            class_summary_pdf(repo, LESSON, tmp_path / "class.pdf")]
    repo.database.close()
    for out in outs:
        text = pdf_text(out)
        if text is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        no_controls(text.replace("\f", ""))
        for code in ("U+001B", "U+009B", "U+202E", "U+202C"):  # dropped quietly, never
            assert code not in text                          # noted as "no font has it"
        assert "Budget" in text and "evil" in text


def test_the_app_saves_that_pdf_too(qtbot, world, tmp_path):
    from app.store.repo import open_repo
    from app.ui.results.window import ResultsWindow

    sql(world, "UPDATE submissions SET submitted_at = ?", (FAR[0],))
    w = ResultsWindow(open_repo(world))
    qtbot.addWidget(w)
    w.student_id = next(s.id for s in w.repo.students() if s.name == "Ana P.")
    w.lesson_id = LESSON
    out = w.save_student_report(tmp_path / "ana.pdf")
    assert out is not None and out.read_bytes().startswith(b"%PDF")


# == terminal and CSV output ========================================================================
def hostile_titles(db: Path) -> None:
    sql(db, "UPDATE lessons SET title = ? WHERE id = ?", (HOSTILE_TITLE, LESSON))
    sql(db, "UPDATE students SET name = ? WHERE name = 'Ben K.'", (f"Ben{ESC}[31m K.\u202e",))


@pytest.mark.parametrize("lms", [[], ["--lms", "canvas"], ["--long"]])
def test_the_gradebook_on_stdout_prints_titles_without_controls(world, lms):
    hostile_titles(world)
    p = run("--db", str(world), "gradebook", "--csv", "-", *lms)
    assert p.returncode == 0, p.stderr
    no_controls(p.stdout)
    no_controls(p.stderr)
    if lms[:1] == ["--lms"]:
        assert "Budget" in p.stdout and "evil" in p.stdout and "end" in p.stdout


@pytest.mark.parametrize("extra", [[], ["--long"], ["--lms", "canvas"]])
def test_csv_files_hold_no_control_characters(world, tmp_path, extra):
    hostile_titles(world)
    out = tmp_path / "g.csv"
    p = run("--db", str(world), "gradebook", "--csv", str(out), *extra)
    assert p.returncode == 0, p.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    cells = [c for row in rows for c in row]
    for c in cells:
        assert all(ch.isprintable() for ch in c), repr(c)
    assert any("Ben K." in c for c in cells) or extra[:1] == ["--lms"]


def test_submissions_export_never_echoes_an_escape(world, tmp_path):
    before = digest(world)
    p = run("--db", str(world), "submissions", "export", "-o", str(tmp_path / "b.json"),
            "--student", f"Ana{ESC}[2J{ESC}]0;x{ESC}\\")
    refused(p, "student name")
    assert ESC not in p.stdout + p.stderr
    assert digest(world) == before
    p = run("--db", str(world), "submissions", "export", "-o", str(tmp_path / "b.json"),
            "--student", "ana p.", "--as", "w3c")
    assert p.returncode == 0 and ESC not in p.stdout, p.stderr


# == titles, names of things: refused at every door, cleaned where we make them ================
@pytest.mark.parametrize("bad", [f"T{ESC}[2J", "T\x9b31m", "T\u202eevil", "T\u2066x",
                                 "T\u200f", "T\nsecond line", "T\tx", "T\x85"])
@pytest.mark.parametrize("field", ["title", "unit", "source.outlet", "source.author",
                                   "category name"])
def test_a_pack_with_controls_in_a_one_line_field_is_refused_naming_it(world, tmp_path, bad,
                                                                         field):
    pack = sample_pack()
    le = pack["lessons"][0]
    if field == "category name":
        pack["categories"][0]["name"] = bad
        words = ["categories[0]", "field 'name'"]
    elif field.startswith("source."):
        le["source"][field[7:]] = bad
        words = [f"lesson '{LESSON}'", f"field '{field[7:]}'"]
    else:
        le[field] = bad
        words = [f"lesson '{LESSON}'", f"field '{field}'"]
    before = digest(world)
    line = refused(run("--db", str(world), "lessons", "import", "--replace",
                       str(write(tmp_path / "p.json", pack))), *words)
    assert "position" in line
    assert digest(world) == before


@pytest.mark.parametrize("bad", [f"x{ESC}[2Jy", "x\x9by", "x\u202ey", "x\x00y"])
def test_blocks_refuse_controls_but_keep_line_breaks(world, tmp_path, bad):
    pack = sample_pack()
    pack["lessons"][0]["key"][0]["explanation"] = bad
    refused(run("--db", str(world), "lessons", "import", "--replace",
                str(write(tmp_path / "p.json", pack))), "key[0]", "explanation")
    pack["lessons"][0]["key"][0]["explanation"] = "Line one.\n\n\tLine two \u200f(RTL mark)."
    p = run("--db", str(world), "lessons", "import", "--replace",
            str(write(tmp_path / "p.json", pack)))
    assert p.returncode == 0, p.stderr


def test_ptc_and_doccano_titles_are_made_plain(world, tmp_path):
    folder = tmp_path / "ptc"
    folder.mkdir()
    (folder / "article1.txt").write_text("Evil \x9b31m title \u202e reversed\u202c\n\nWords.\n",
                                         encoding="utf-8")
    (folder / "article1.labels").write_text(f"1\tSpin_{ESC}[31mIt\t0\t4\n", encoding="utf-8")
    p = run("--db", str(world), "lessons", "import", str(folder))
    assert p.returncode == 0, p.stderr
    (tmp_path / "d.jsonl").write_text(json.dumps(
        {"text": "Bidi \u202eevil\u202c title \x80here\n\nWords.", "label": [[0, 4, "X\x1b"]]})
        + "\n", encoding="utf-8")
    p = run("--db", str(world), "lessons", "import", str(tmp_path / "d.jsonl"))
    assert p.returncode == 0, p.stderr
    con = sqlite3.connect(world)
    titles = dict(con.execute("SELECT id, title FROM lessons WHERE id IN "
                              "('article1', 'doccano-1')").fetchall())
    names = [r[0] for r in con.execute("SELECT name FROM categories")]
    con.close()
    assert titles == {"article1": "Evil title reversed", "doccano-1": "Bidi evil title here"}
    assert all(n.isprintable() for n in names) and "Spin It" in names


def test_doccano_and_ptc_sidecar_titles_given_with_controls_are_refused(world, tmp_path):
    (tmp_path / "d.jsonl").write_text(json.dumps(
        {"text": "Words here.", "title": f"Given {ESC}]0;x\x07", "label": []}) + "\n",
        encoding="utf-8")
    refused(run("--db", str(world), "lessons", "import", str(tmp_path / "d.jsonl")),
            "field 'title'", "escape")
    out = tmp_path / "ptc"
    assert run("--db", str(world), "lessons", "export", LESSON, "--as", "ptc", "-o", str(out)
               ).returncode == 0
    side = json.loads((out / "close-reader-pack.json").read_text(encoding="utf-8"))
    side["lessons"][0]["title"] = "Side \u202eevil"
    write(out / "close-reader-pack.json", side)
    refused(run("--db", str(world), "lessons", "import", "--replace", str(out)),
            "close-reader-pack.json", "field 'title'", "U+202E")


# == lengths ========================================================================================
def test_a_one_megabyte_title_is_refused_naming_lesson_and_field(world, tmp_path):
    pack = sample_pack()
    pack["lessons"][0]["title"] = "T" * (1 << 20)
    before = digest(world)
    line = refused(run("--db", str(world), "lessons", "import", "--replace",
                       str(write(tmp_path / "p.json", pack))),
                   f"lesson '{LESSON}'", "field 'title'", "1,048,576 characters", "limit is 200")
    assert "TTTTTTTTTT" not in line
    assert digest(world) == before


LIMIT_CASES = [("title", "title"), ("unit", "unit"), ("source.outlet", "outlet"),
               ("source.author", "author"), ("source.published", "published"),
               ("source.url", "url"), ("instructions", "instructions"),
               ("teacher_notes", "teacher_notes"), ("explanation", "explanation"),
               ("category name", "category name"),
               ("category description", "category description")]


def pack_with_length(field: str, n: int) -> dict:
    pack = sample_pack()
    le = pack["lessons"][0]
    value = "x" * n
    if field == "explanation":
        le["key"][0]["explanation"] = value
    elif field == "category name":
        pack["categories"][0]["name"] = value
    elif field == "category description":
        pack["categories"][0]["description"] = value
    elif field.startswith("source."):
        le["source"][field[7:]] = value
    else:
        le[field] = value
    return pack


@pytest.mark.parametrize("field, limit", LIMIT_CASES)
def test_each_length_limit_is_the_documented_one(world, tmp_path, field, limit):
    n = LIMITS[limit]
    p = run("--db", str(world), "lessons", "import", "--replace",
            str(write(tmp_path / "ok.json", pack_with_length(field, n))))
    assert p.returncode == 0, p.stderr
    refused(run("--db", str(world), "lessons", "import", "--replace",
                str(write(tmp_path / "long.json", pack_with_length(field, n + 1)))),
            f"{n + 1:,} characters", f"the limit is {n:,}")
    docs = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    assert f"{n:,}" in docs  # the limit is written down where the pack rules are


def test_the_lesson_dialog_says_which_field_is_too_long(qtbot):
    from app.core.lessons import BUILTIN_CATEGORIES
    from app.ui.instructor.lesson_dialog import LessonDialog

    d = LessonDialog(None, {c.id: c for c in BUILTIN_CATEGORIES}, set(), [])
    qtbot.addWidget(d)
    d.title.setText("T" * 201)
    d.text.setPlainText("Some words of an article.")
    d.lesson_id.setText("long-title")
    d._on_save()
    assert d.result_lesson is None
    assert d.error.text() == "The title is 201 characters long; the limit is 200."
    d.title.setText(f"A title {ESC}[2J pasted\twith a tab \u202e")
    d.notes.setPlainText("N" * 20_001)
    d._on_save()
    assert d.error.text() == "The teacher notes are 20,001 characters long; the limit is 20,000."
    d.notes.setPlainText("Notes\nkept.")
    d._on_save()
    assert d.result_lesson is not None
    assert d.result_lesson.title == "A title pasted with a tab"
    assert d.result_lesson.teacher_notes == "Notes\nkept."


def test_a_key_saved_with_a_too_long_explanation_is_refused_naming_it(world):
    from dataclasses import replace

    from app.services.lesson_edit import save_key
    from app.store.repo import open_repo

    repo = open_repo(world)
    le = repo.get_lesson(LESSON, with_key=True)
    assert le.key is not None
    key = (replace(le.key[0], explanation="E" * 5001), *le.key[1:])
    with pytest.raises(FormatError) as e:
        save_key(repo, replace(le, key=key), [])
    assert "explanation" in str(e.value) and "limit is 5,000" in str(e.value)
    assert repo.get_lesson(LESSON, with_key=True).key == le.key  # nothing saved
    repo.database.close()


def test_the_categories_dialog_refuses_a_long_name(qtbot):
    from app.core.lessons import BUILTIN_CATEGORIES
    from app.ui.instructor.categories_dialog import CategoriesDialog

    d = CategoriesDialog(None, {c.id: c for c in BUILTIN_CATEGORIES})
    qtbot.addWidget(d)
    d.name.setText("N" * 101)
    d._on_ok()
    assert d.result() == 0 and "limit is 100" in d.error.text()
    d.name.setText(f"Spin{ESC}[31m \u202eit")
    d._on_ok()
    assert d.changed["unsupported_claim"].name == "Spin it"


# == names =========================================================================================
INVISIBLE = ["\u3164", "\u115f\u1160", "\uffa0", "\u2800", "\u200b\u200b", "\u3164 \u3164",
             " \u00ad ", "\u034f", "\ufe0f"]


@pytest.mark.parametrize("name", INVISIBLE)
def test_an_invisible_name_is_refused_in_a_bundle(world, tmp_path, name):
    before = digest(world)
    refused(run("--db", str(world), "submissions", "import",
                str(write(tmp_path / "b.json", bundle(attempt(9, name))))),
            "field 'student'", "no visible letters")
    assert digest(world) == before


@pytest.mark.parametrize("name", ["Ana P.\nBen K.", "Ana\rP.", "Ana\tP.", "Ana\x85P.",
                                  f"Ana{ESC}[2J"])
def test_a_name_with_a_line_break_or_control_is_refused(world, tmp_path, name):
    before = digest(world)
    refused(run("--db", str(world), "submissions", "import",
                str(write(tmp_path / "b.json", bundle(attempt(9, name))))), "field 'student'")
    answers = {"format": "close-reader/answers", "version": 1, "lesson": LESSON,
               "student": name, "highlights": []}
    refused(run("--db", str(world), "grade", "--answers",
                str(write(tmp_path / "a.json", answers))), "field 'student'")
    assert digest(world) == before


def test_a_name_over_100_characters_is_refused(world, tmp_path):
    refused(run("--db", str(world), "submissions", "import",
                str(write(tmp_path / "b.json", bundle(attempt(9, "N" * 101))))),
            "longer than 100")


def test_a_name_drawn_like_another_is_flagged():
    from app.core.names import lookalikes

    assert "Ana P.\u3164" in lookalikes(["Ana P.", "Ana P.\u3164"])


def test_the_app_refuses_an_invisible_name_at_sign_in(qtbot, world):
    from app.ui import create_main_window

    w = create_main_window(world)
    qtbot.addWidget(w)
    w.show()
    w.signin.new_name.setText("\u3164")
    w.signin.add_button.click()
    assert w.student is None
    assert "no visible letters" in w.signin.error.text()
    assert w.signin.error.textFormat().name == "PlainText"
    assert [s.name for s in w.repo.students()] == ["Ana P.", "Ben K."]


# == rosters ======================================================================================
CANVAS = "Student,ID,SIS User ID,SIS Login ID,Section\n"


@pytest.mark.parametrize("rows, words", [
    ('"P., Ana",5501,S1,ap,P1\n"K., Ben",5501,S2,bk,P1\n', ["Canvas ID '5501'"]),
    ('"P., Ana",5501,S1,ap,P1\n"K., Ben",5502,s1,bk,P1\n', ["SIS User ID 's1'"]),
    ('"P., Ana",5501,S1,ap,P1\n"K., Ben",5502,S2,AP,P1\n', ["SIS Login ID 'AP'"]),
])
def test_a_canvas_id_given_to_two_students_is_refused_naming_both(world, tmp_path, rows,
                                                                  words):
    (tmp_path / "r.csv").write_text(CANVAS + rows, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    shutil.copyfile(world, fresh)
    sql(fresh, "DELETE FROM roster")
    before = digest(fresh)
    refused(run("--db", str(fresh), "roster", "import", str(tmp_path / "r.csv")),
            *words, "two students", "'Ana P.'", "'Ben K.'")
    assert digest(fresh) == before


def test_a_moodle_email_given_to_two_students_is_refused(world, tmp_path):
    (tmp_path / "m.csv").write_text("First name,Last name,ID number,Email address\n"
                                    "Ana,P.,1,ana@school.example\nBen,K.,2,ANA@school.example\n",
                                    encoding="utf-8")
    refused(run("--db", str(world), "roster", "import", str(tmp_path / "m.csv")),
            "Moodle E-mail", "'Ana P.'", "'Ben K.'")


def test_an_id_already_imported_for_another_student_is_refused(world, tmp_path):
    """The stored Canvas roster binds 5501 to Ana; a later file gives it to Cleo."""
    (tmp_path / "r.csv").write_text(CANVAS + '"Z., Cleo",5501,S9,cz,P1\n', encoding="utf-8")
    before = digest(world)
    refused(run("--db", str(world), "roster", "import", str(tmp_path / "r.csv")),
            "Canvas ID '5501'", "(already imported here)", "'Cleo Z.'")
    assert digest(world) == before


def test_a_clash_stored_before_is_not_written_to_the_lms(world, tmp_path):
    sql(world, "UPDATE roster SET lms_id = '5501'")
    refused(run("--db", str(world), "gradebook", "--lms", "canvas", "--csv",
                str(tmp_path / "c.csv")), "two students", "no CSV was written")
    assert not (tmp_path / "c.csv").exists()


@pytest.mark.parametrize("cell, words", [('"P.,\nAna"', "line break"), ('"\u3164"', "visible")])
def test_roster_names_with_a_newline_or_nothing_visible_are_refused(world, tmp_path, cell,
                                                                    words):
    (tmp_path / "r.csv").write_text(CANVAS + f"{cell},5509,S9,x,P1\n", encoding="utf-8")
    refused(run("--db", str(world), "roster", "import", str(tmp_path / "r.csv")), words)


def test_the_app_refuses_the_roster_and_names_both(qtbot, world, tmp_path, monkeypatch):
    from app.store.repo import open_repo
    from app.ui.results import window as rw
    from app.ui.results.window import ResultsWindow

    shown: list[str] = []
    monkeypatch.setattr(rw, "warn", lambda parent, title, text: shown.append(text))
    (tmp_path / "r.csv").write_text(CANVAS + '"Z., Cleo",5501,S9,cz,P1\n', encoding="utf-8")
    w = ResultsWindow(open_repo(world))
    qtbot.addWidget(w)
    assert w.import_roster(tmp_path / "r.csv") is None
    assert len(shown) == 1 and "'Ana P.'" in shown[0] and "'Cleo Z.'" in shown[0]


# == the student's window: plain text ============================================================
MARKUP = "<b>bold</b>"  # short enough to stay whole in the tooltip's 16 characters


def test_the_import_feedback_error_box_is_plain_text(qtbot, world, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from uihelpers import on_next_dialog

    from app.ui import create_main_window

    w = create_main_window(world, student="Ana P.")
    qtbot.addWidget(w)
    w.show()
    bad = tmp_path / "<b>bold"
    bad.mkdir()
    path = bad / "<img src=x>.json"
    path.write_text("{not json", encoding="utf-8")
    seen: list[tuple] = []

    def look(box: QMessageBox) -> None:
        seen.append((box.textFormat(), box.text()))
        box.accept()

    on_next_dialog(look)
    assert w.import_feedback(str(path)) is None
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    fmt, text = seen[0]
    assert fmt.name == "PlainText" and text  # "<img src=x>.json: …" shown as it is


def test_the_attempts_tooltip_is_plain_text(qtbot, world):
    from PySide6.QtGui import Qt as GuiQt
    from PySide6.QtGui import QTextDocument

    from app.ui import create_main_window

    sql(world, "UPDATE submissions SET submitted_at = ?", (MARKUP,))
    w = create_main_window(world, student="Ana P.")
    qtbot.addWidget(w)
    w.show()
    w.show_feedback(LESSON)
    items = [w.feedback.attempts.item(i) for i in range(w.feedback.attempts.count())]
    assert items
    for it in items:
        tip = it.toolTip()
        shown = tip
        if GuiQt.mightBeRichText(tip):  # as Qt would show it
            doc = QTextDocument()
            doc.setHtml(tip)
            shown = doc.toPlainText()
        assert "<b>bold</b>" in shown, tip  # the markup is shown as it is, not rendered


# == refused commands write nothing ===============================================================
REFUSED = [
    ["submissions", "export", "-o", "NOWHERE/b.json"],
    ["submissions", "export", "-o", "OUT", "--student", "Nobody"],
    ["submissions", "export", "-o", "OUT", "--as", "w3c", "--student", "Nobody"],
    ["gradebook", "--csv", "NOWHERE/g.csv"],
    ["gradebook", "--lms", "moodle", "--csv", "OUT"],
    ["lessons", "export", "nope", "-o", "OUT"],
    ["feedback", "export", "-o", "NOWHERE/f.json"],
    ["feedback", "export", "-o", "OUT", "--lesson", "nope"],
    ["grade", "--answers", "MISSING"],
    ["roster", "import", "MISSING"],
    ["instructor", "reset-password"],
]


@pytest.mark.parametrize("command", REFUSED, ids=" ".join)
def test_a_refused_command_leaves_the_database_byte_identical(made, tmp_path, command):
    db = tmp_path / "t.db"
    shutil.copyfile(made, db)
    sql(db, "DELETE FROM settings WHERE key = 'machine_id'")  # as a fresh machine
    before = digest(db)
    subs = {"OUT": str(tmp_path / "out.json"), "MISSING": str(tmp_path / "missing.json")}
    args = [subs.get(a, a.replace("NOWHERE", str(tmp_path / "nowhere"))) for a in command]
    refused(run("--db", str(db), *args))
    assert digest(db) == before
    assert not Path(f"{db}-wal").exists()
    assert not (tmp_path / "out.json").exists()


def test_the_same_commands_work_and_write_when_asked_rightly(made, tmp_path):
    """The control for the test above: the export that was refused makes the machine id
    (the one write it needs) when it is allowed."""
    db = tmp_path / "t.db"
    shutil.copyfile(made, db)
    sql(db, "DELETE FROM settings WHERE key = 'machine_id'")
    before = digest(db)
    p = run("--db", str(db), "submissions", "export", "-o", str(tmp_path / "b.json"))
    assert p.returncode == 0, p.stderr
    assert digest(db) != before


def test_errors_are_user_errors_not_crashes():
    """The store's damaged-row error is what the commands print (a UserError)."""
    from app.store.db import damaged_row

    assert isinstance(damaged_row("a lesson's text"), UserError)


# == the instructor's Import lesson pack… ============================================================
@pytest.mark.parametrize("kind", ["1 MB title", "ESC in a title", "NaN offset"])
def test_the_instructors_import_says_what_is_wrong_in_one_message(qtbot, world, tmp_path,
                                                                  kind):
    from app.store.repo import open_repo
    from app.ui.instructor.pack_dialogs import import_pack_interactive
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    pack = sample_pack()
    if kind == "1 MB title":
        pack["lessons"][0]["title"] = "T" * (1 << 20)
        path, words = write(tmp_path / "p.json", pack), ["field 'title'", "limit is 200"]
    elif kind == "ESC in a title":
        pack["lessons"][0]["title"] = f"Evil {OSC_TITLE}"
        path, words = write(tmp_path / "p.json", pack), ["field 'title'", "escape"]
    else:  # (the app imports packs; PTC folders and doccano files come by command)
        path = tmp_path / "p.json"
        path.write_text(json.dumps(pack).replace('"start": 0,', '"start": NaN,', 1),
                        encoding="utf-8")
        words = ["NaN is not a JSON number"]
    repo = open_repo(world)
    before = [(s.id, s.title) for s in repo.list_lessons()]
    w = InstructorWindow(repo, worker=SuggestionWorker(executor=SyncExecutor()),
                         executor=SyncExecutor())
    qtbot.addWidget(w)
    w.show()
    got: list = []
    import_pack_interactive(w, str(path), got.append)
    qtbot.waitUntil(lambda: getattr(w, "notice", None) is not None, timeout=20_000)
    box = w.notice
    assert box.textFormat().name == "PlainText"
    text = box.text()
    assert "\n" not in text and len(text) < 600 and "TTTTTTTTTT" not in text, text[:300]
    for word in words:
        assert word in text, text
    assert got == [] and [(s.id, s.title) for s in repo.list_lessons()] == before
    box.close()
    w.close()


# == the rules themselves, for any text =========================================================
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.text(
    alphabet="\x1b\x9b\x85\u202e\u2066\u200f\n\t\r[]0;m=+@- a\u3164\u200b", max_size=60)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_what_we_make_plain_passes_the_rule_and_stays_as_it_is(text):
    from app.core.textrules import line_problem, plain_line

    out = plain_line(text, 200)
    assert line_problem(out, 200) is None
    assert plain_line(out, 200) == out


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_no_csv_cell_holds_a_control_or_starts_a_formula(text):
    from app.services.results.gradebook import FORMULA_START, safe_cell

    cell = safe_cell(text)
    assert not any(0 <= ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E
                   or 0x2066 <= ord(c) <= 0x2069 for c in cell), repr(cell)
    assert cell.startswith("'") or not cell.lstrip(" \u3000").startswith(FORMULA_START)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_an_accepted_name_is_one_visible_line(name):
    import unicodedata

    from app.core.names import clean_name, is_invisible, name_problem

    if name_problem(name) is None:
        shown = clean_name(name)
        assert shown and len(shown) <= 100
        assert not any(unicodedata.category(c) == "Cc" for c in name)
        assert not all(is_invisible(c) for c in shown)
