"""PDF reports (generated, non-empty, the expected text) and the command line
through a real subprocess: a teacher collects bundles from three machines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from results_helpers import CLASS, LESSON, LL, PACK, UC, attempt, bundle, hl, write

from app.core.errors import UserError
from app.services.results.bundles import import_bundles
from app.services.results.report_pdf import class_summary_pdf, student_report_pdf

ROOT = Path(__file__).resolve().parent.parent
PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(path: Path) -> str | None:
    if not PDFTOTEXT:
        return None
    out = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True,
                         check=True, text=True)
    return " ".join(out.stdout.split())


@pytest.fixture
def classroom(sample_repo, tmp_path):
    extra = bundle("m2", attempt(7, "Zoë Łukasz", [hl(22, 30, LL, "sounds angry"),
                                                   hl(78, 92, UC)]))
    import_bundles(sample_repo, [write(tmp_path / "c.json", CLASS),
                                 write(tmp_path / "z.json", extra)])
    return sample_repo


def test_student_report_pdf(classroom, tmp_path):
    zoe = classroom.student("zoë łukasz")
    out = student_report_pdf(classroom, zoe.id, LESSON, tmp_path / "zoe.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 5000
    text = pdf_text(out)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    for expected in ("Feedback report", "A sample budget story", "Zoë Łukasz",
                     "Score: 40",  # P = (1 + 0)/2, R = (0 + 1 + 0)/3
                     "You found 1 of 3 required passages, and 0 of 1 optional one. You missed 2.",
                     "Loaded language: found 1 of 2 required passages, missed 1. Your "
                     "highlight here is in the key.",
                     "Unsupported claim: found 0 of 1 required passage, missed 1; 0 of 1 "
                     "optional one marked. Your highlight here is not in the key.",
                     "Which experts? A careful report names them.",  # every explanation
                     "A feeling word: it judges instead of describing.",
                     "Who are the critics?", "Strong words meant to alarm you.",
                     "2 ✓ found", "4 ✗ missed", "3 ○ optional, not marked", "not in the key",
                     "3. Unsupported claim — ○ optional, not marked — no penalty",
                     "Your note: sounds angry", "Page 1 of"):
        assert expected in text, expected
    # the emoji in the article has no font here: not a box, and not silently dropped
    assert "□" not in text and "could not be printed" in text
    # no jargon; the optional passage is never "missed"; the legend comes before the tags
    assert "precision" not in text.lower() and "recall" not in text.lower()
    assert "3 ✗ missed" not in text and "3 missed" not in text
    assert text.index("How to read this") < text.index("2 ✓ found")


def test_student_report_picks_attempt(classroom, tmp_path):
    cleo = classroom.student("cleo")
    t1 = pdf_text(student_report_pdf(classroom, cleo.id, LESSON, tmp_path / "1.pdf"))
    t2 = pdf_text(student_report_pdf(classroom, cleo.id, LESSON, tmp_path / "2.pdf", attempt=2))
    if t1 is None or t2 is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    # by default the graded attempt: the first
    assert "Score: 57" in t1 and "Attempt 1 — graded (of 2)" in t1
    assert "Score: 100" in t2 and "Attempt 2 — practice after seeing the key (of 2)" in t2
    with pytest.raises(UserError):
        student_report_pdf(classroom, cleo.id, LESSON, tmp_path / "x.pdf", attempt=5)
    with pytest.raises(UserError):
        student_report_pdf(classroom, cleo.id, "sample-fear", tmp_path / "x.pdf")


def test_class_summary_pdf(classroom, tmp_path):
    out = class_summary_pdf(classroom, LESSON, tmp_path / "class.pdf")
    assert out.stat().st_size > 5000
    text = pdf_text(out)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    for expected in ("Class summary", "A sample budget story", "Students 4",
                     "graded attempt: the first, before seeing the key", "Scores", "90–100",
                     "By category", "Key passages", "“disastrous power grab”",
                     "Marked by students, not in the key", "2 students", "Ana Ruiz",
                     "1 · 25% found"):
        assert expected in text, expected


# -- command line -------------------------------------------------------------------
def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CLOSE_READER_DB", None)
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_cli_three_machines_to_gradebook(tmp_path):
    bundles = []
    for i, (name, hs) in enumerate([("Ana P.", [hl(0, 45, UC)]), (" ana p. ", [hl(22, 30, LL)]),
                                    ("Ben", [])], 1):
        # each student machine: its own database; a pack; the student's attempt
        db = tmp_path / f"m{i}.db"
        _submit_on(db, name, hs)
        out = tmp_path / f"m{i}.json"
        r = cli("submissions", "export", "-o", str(out), db=db)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == f"Exported 1 attempt to {out}"
        bundles.append(str(out))
    teacher = tmp_path / "teacher.db"
    _new_db(teacher).database.close()
    r = cli("submissions", "import", *bundles, db=teacher)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "Imported 3 new attempts from 3 files (3 unsigned: no class code)"
    r = cli("submissions", "import", *bundles, db=teacher)
    assert r.stdout.strip() == "Imported 0 new attempts from 3 files (3 already here)"

    r = cli("gradebook", db=teacher)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Gradebook: 2 students × 1 lessons")
    assert any(line.startswith("Ana P.") and "×2" in line for line in lines)
    assert any(line.startswith("L1") and "A sample budget story" in line for line in lines)

    csv_path = tmp_path / "grades.csv"
    r = cli("gradebook", "--csv", str(csv_path), db=teacher)
    assert r.stdout.strip() == f"Wrote 2 students to {csv_path}"
    rows = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "Student,sample-budget" and rows[1].startswith("Ana P.,")
    r = cli("gradebook", "--csv", str(csv_path), "--long", db=teacher)
    assert r.stdout.strip() == f"Wrote 3 attempts to {csv_path}"
    r = cli("gradebook", "--long", "--csv", "-", db=teacher)
    assert r.stdout.splitlines()[0].startswith("Student,Lesson,Lesson title,Attempt")


def _new_db(db: Path):
    """A machine's database holding the sample pack (imported in this process, where
    spaCy is loaded once, rather than by ``lessons import`` in every subprocess)."""
    from app.core.packs import read_pack
    from app.services.library import SEEDED, import_pack
    from app.store.repo import open_repo

    repo = open_repo(db)
    import_pack(repo, read_pack(PACK))
    repo.set_setting(SEEDED, "1")  # keep the bundled lessons out of these databases
    return repo


def _submit_on(db: Path, name: str, hs: list[dict]) -> str:
    """Submit as a student would in the app (there is no CLI for that)."""
    from app.core.lessons import Highlight
    from app.services.grading import submit

    repo = _new_db(db)
    try:
        st = repo.student(name)
        sid, _ = submit(repo, st.id, st.name, LESSON, [Highlight(**h) for h in hs])
        return sid
    finally:
        repo.database.close()


def test_cli_errors_are_one_line_and_write_nothing(tmp_path):
    db = tmp_path / "t.db"
    good = write(tmp_path / "good.json", bundle("m", attempt(1, "Ana", [])))
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "close-reader/submissions", "version": 1, "subm')
    r = cli("submissions", "import", str(good), str(bad), db=db)
    assert r.returncode == 1
    assert r.stderr.startswith("close-reader: bad.json ") and r.stderr.count("\n") == 1
    assert "Traceback" not in r.stderr
    assert not db.exists()  # every file is checked before the database is opened
    assert cli("gradebook", db=db).stdout.startswith("No attempts yet")
    r = cli("submissions", "export", "-o", str(tmp_path / "x.json"), "--student", "Nobody",
            db=db)
    assert (r.returncode, r.stderr.strip()) == (1, "close-reader: no student named 'Nobody'")
    r = cli("submissions", "import", str(tmp_path / "missing.json"), db=db)
    assert r.returncode == 1 and "missing.json" in r.stderr
    assert cli("submissions", db=db).returncode == 2
