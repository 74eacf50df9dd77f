"""Two programs on one database, from the outside (issue 23).

The app holds a real database file. Every file dialog the app has is opened in that
database's folder (so the dialog lists ``x.db``, ``x.db-wal`` and ``x.db-shm``) and
cancelled; then ``close-reader lessons list`` runs on the same database in another
process; then the app saves. The save must succeed, and the app must still hold its
POSIX locks (``/proc/locks``): before the fix, the dialogs' icon provider read the first
bytes of ``x.db-wal`` and ``x.db-shm`` to guess their types, closing those descriptors
dropped every lock the app held, the second program then deleted the WAL under it, and
every later save failed ("the disk … reported an error").

The rule is documented in ``app/store/db.py``; ``app.core.held_files`` and
``app.ui.filedialogs`` keep it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import traceback
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QMessageBox

from tests.uihelpers import on_next_dialog

pytestmark = [pytest.mark.usefixtures("qapp"),
              pytest.mark.skipif(not Path("/proc/locks").exists(),
                                 reason="needs Linux's /proc/locks")]
REPO = Path(__file__).resolve().parent.parent
LESSON = "kursk-anonymous-sources"


def held_locks(db: Path) -> set[tuple[str, int, str, str, str]]:
    """This process's POSIX locks on the database and its side files:
    (file, inode, type, start, end)."""
    inodes = {}
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{db}{suffix}")
        if p.exists():
            inodes[p.stat().st_ino] = suffix or "db"
    out = set()
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if len(parts) < 8 or parts[1] == "->" or parts[1] != "POSIX":
            continue
        pid, ident = int(parts[4]), parts[5]
        ino = int(ident.rsplit(":", 1)[1])
        if pid == os.getpid() and ino in inodes:
            out.add((inodes[ino], ino, parts[3], parts[6], parts[7]))
    return out


def deleted_side_files(db: Path) -> list[str]:
    """Descriptors of this process on the database's files that now point at nothing."""
    out = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(db)) and target.endswith("(deleted)"):
            out.append(target)
    return out


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CLOSE_READER_DB"}
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *args],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def dialog_call_sites() -> set[tuple[str, int]]:
    """Every line of the app that opens a file dialog (through ``app.ui.filedialogs``)."""
    sites = set()
    call = re.compile(r"\b(open_file|open_files|save_file|choose_folder)\(")
    for f in (REPO / "app").rglob("*.py"):
        rel = f.relative_to(REPO).as_posix()
        if rel == "app/ui/filedialogs.py":
            continue
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if call.search(line) and not line.lstrip().startswith(("def ", "from ", "import ")):
                sites.add((rel, i))
    return sites


def test_no_file_dialog_is_made_outside_filedialogs():
    """The class of mistake: a file dialog made anywhere else would use Qt's icon
    provider, which opens files to sniff their type."""
    for f in (REPO / "app").rglob("*.py"):
        if f.name != "filedialogs.py":
            assert "QFileDialog" not in f.read_text(encoding="utf-8"), f


@pytest.fixture
def app_on_db(qtbot, tmp_path):
    """The student window, the instructor window and the results window, all on
    ``tmp_path/x.db``, with one submitted attempt for the reports."""
    from app.services import trust
    from app.services.grading import submit
    from app.ui import create_main_window
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow
    from app.ui.results.window import ResultsWindow

    db = tmp_path / "x.db"
    w = create_main_window(db, student="Ana P.")
    qtbot.addWidget(w)
    w.show()
    repo = w.repo
    submit(repo, w.student.id, w.student.name, "kursk-wire-report", ())
    trust.remember(repo, trust.create_key_pair(repo, "teacher-pass"))  # instructor mode
    iw = InstructorWindow(repo, worker=SuggestionWorker(executor=SyncExecutor()),
                          executor=SyncExecutor())
    iw.show()
    rw = ResultsWindow(repo, iw, executor=SyncExecutor())
    rw.show()
    rw.student_id, rw.lesson_id = w.student.id, "kursk-wire-report"
    yield db, w, iw, rw
    iw.editor.discard_changes()
    rw.close()
    iw.close()


def _every_dialog(qtbot, db: Path, w, iw, rw) -> list[str]:  # noqa: ANN001
    """Open each of the app's file dialogs in the database's folder, look, cancel."""
    from app.ui import filedialogs
    from app.ui.results import codes_dialog, lms_actions

    seen: list[str] = []
    sites: set[tuple[str, int]] = set()
    real_make = filedialogs.make_dialog

    def recording_make(*a, **k):  # noqa: ANN002, ANN003, ANN202
        for frame in reversed(traceback.extract_stack()[:-1]):
            rel = Path(frame.filename).resolve()
            if rel.is_relative_to(REPO / "app") and rel.name != "filedialogs.py":
                sites.add((rel.relative_to(REPO).as_posix(), frame.lineno))
                break
        return real_make(*a, **k)

    def browse(d) -> None:  # noqa: ANN001
        if not isinstance(d, QFileDialog):  # a chooser or a question comes first: go on
            on_next_dialog(browse, after=d)
            if isinstance(d, QMessageBox):
                d.button(QMessageBox.StandardButton.Yes).click()
            else:
                d.accept()
            return
        seen.append(d.windowTitle())
        d.setViewMode(QFileDialog.ViewMode.Detail)  # icons, and the Type column
        model = d.findChild(QFileSystemModel)
        loaded: list[str] = []
        model.directoryLoaded.connect(loaded.append)
        d.setDirectory(str(db.parent))
        for _ in range(100):  # the folder is read in the background, then shown
            QTest.qWait(30)
            if str(db.parent) in loaded:
                break
        assert str(db.parent) in loaded, "the dialog never read the database's folder"
        QTest.qWait(300)
        d.reject()

    def lesson_dialog_import() -> None:
        from PySide6.QtWidgets import QPushButton

        from app.ui.instructor.lesson_dialog import LessonDialog

        d = LessonDialog(iw, repo.categories(), set(), [])
        d.show()
        button = next(b for b in d.findChildren(QPushButton) if b.text() == "Import file…")
        on_next_dialog(browse, after=d)
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        d.reject()

    repo = w.repo
    openers = [
        lambda: w.export_submissions(mine=True),
        lambda: w.export_submissions(mine=False),
        lambda: w.import_feedback(),
        lesson_dialog_import,
        lambda: iw.import_pack(),
        lambda: iw.export_pack(),
        lambda: iw.export_for_students(),
        rw._on_grades_import_requested,
        lambda: rw.export_feedback(),
        lambda: rw.export_csv(layout="spreadsheet"),
        lambda: rw.export_csv(long=True),
        lambda: lms_actions.export_lms_csv(rw, "canvas", None),
        lambda: rw.import_roster(),
        lambda: rw.save_student_report(),
        lambda: rw.save_class_summary(),
        # the learning pages ask for a file only once they have a result to write: any
        # result will do here, the dialog is cancelled before it is used
        lambda: (setattr(rw.discrimination, "result", rw.discrimination.result or object()),
                 rw.discrimination.export_csv()),
        lambda: (setattr(rw.prepost, "result", rw.prepost.result or object()),
                 rw.prepost.export_csv()),
        lambda: (setattr(rw.prepost, "result", rw.prepost.result or object()),
                 rw.prepost.save_pdf()),
        lambda: codes_dialog.ClassCodesDialog(repo, rw).save_sheet(),
    ]
    filedialogs.make_dialog = recording_make
    try:
        for opener in openers:
            if opener is not lesson_dialog_import:
                on_next_dialog(browse)
            opener()
    finally:
        filedialogs.make_dialog = real_make
    # every place in the app that opens a file dialog was opened here, but the one
    # shown before any database is open (choosing another database at start)
    missing = dialog_call_sites() - sites - {("app/ui/application.py", n) for n in range(1, 400)}
    assert not missing, f"file dialogs this test does not open: {sorted(missing)}"
    return seen


def test_every_file_dialog_then_a_second_program_then_saving(qtbot, app_on_db):
    db, w, iw, rw = app_on_db
    locks = held_locks(db)
    assert locks, "the app holds no lock on its database"
    assert cli(db, "lessons", "list").returncode == 0

    seen = _every_dialog(qtbot, db, w, iw, rw)
    assert len(seen) == 19
    assert held_locks(db) == locks, "a file dialog dropped the database's locks"

    # another program on the same database, while the app has it open
    second = cli(db, "lessons", "list")
    assert second.returncode == 0 and "Framing 1" in second.stdout
    assert Path(f"{db}-wal").exists() and not deleted_side_files(db)
    assert held_locks(db) == locks

    # the app saves: a student's highlight (autosave) and an instructor's key
    w.open_lesson(LESSON)
    art = w.reader.article
    i = art.toPlainText().index("exclusive")
    art.select_range(i, i + len("exclusive"))
    QTest.keyClick(art, Qt.Key.Key_2)
    w.reader.flush()
    iw.edit_key(LESSON)
    ed = iw.editor
    j = ed.lesson.text.index("Pyongyang")
    ed.article.select_range(j, j + len("Pyongyang"))
    spans_before = len(ed.key.spans)
    QTest.keyClick(ed.article, Qt.Key.Key_1)
    assert len(ed.key.spans) == spans_before + 1
    ed.ask_unexplained = lambda _text: True  # "Save anyway": the span has no explanation yet
    ed.save()
    assert not ed.is_dirty()

    # the data is there, read by a third program, and the app still holds its locks
    check = subprocess.run(
        [sys.executable, "-c",
         "import sys; from app.store.repo import open_repo; r = open_repo(sys.argv[1]); "
         "s = [x for x in r.students() if x.name == 'Ana P.'][0]; "
         "print(len(r.draft(s.id, sys.argv[2])), len(r.get_lesson(sys.argv[2], True).key))",
         str(db), LESSON], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    assert check.stdout.split() == ["1", str(spans_before + 1)]
    assert held_locks(db) == locks and not deleted_side_files(db)
    assert cli(db, "lessons", "list").returncode == 0
    w.reader.flush()
    assert held_locks(db) == locks


def test_the_database_and_its_side_files_are_refused_as_input_and_output(qtbot, app_on_db):
    """Picking ``x.db`` (or its ``-wal``) in a dialog must not open it either."""
    from app.core.cleaning import ArticleImportError, import_file
    from app.core.errors import FormatError, UserError
    from app.core.jsonfile import read_outside_file, write_json_atomic
    from app.services.results.gradebook import build_gradebook, write_csv

    db, w, iw, rw = app_on_db
    locks = held_locks(db)
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), db.parent / ".." / db.parent.name / "x.db"):
        with pytest.raises(FormatError, match="Close Reader's own database"):
            read_outside_file(p)
        # (writers: app.core.outpaths says the same in its own words)
        with pytest.raises(UserError, match="database Close Reader is using"):
            write_json_atomic(p, {})
        with pytest.raises(UserError, match="database Close Reader is using"):
            write_csv(build_gradebook(w.repo), p)
    renamed = db.with_suffix(".txt")
    os.link(db, renamed)  # the same file under an article's name
    with pytest.raises(ArticleImportError, match="Close Reader's own database"):
        import_file(renamed)
    said: list[str] = []
    on_next_dialog(lambda box: (said.append(box.text()), box.accept()))
    assert w.import_feedback(str(db)) is None  # one clear message, nothing opened
    assert said and "x.db: this is Close Reader's own database" in said[0]
    assert held_locks(db) == locks and not deleted_side_files(db)
    w.open_lesson(LESSON)
    w.reader.flush()
