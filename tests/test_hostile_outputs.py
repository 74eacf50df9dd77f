"""Writing files never destroys (issue 22, item 6; formats.md, "Output paths").

Every writer of a user-chosen path refuses, in one line and with nothing changed, the
database in use, its -wal/-shm/-journal, any other SQLite file, a device, a pipe, a
socket, a folder, and a link to any of those. The command line runs as a subprocess
against real databases, as a teacher would run it; the app's writers and Save
dialogs are driven in the window. Targets are made by hand: hard and symbolic links,
a FIFO, a socket, /dev/full.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.outpaths import OutputRefused, check_output, write_text_atomic

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LESSON = "sample-budget"
HAS_FULL = Path("/dev/full").exists()


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8",
         **(env or {})}
    for k in ("CLOSE_READER_DB", "CLOSE_READER_PASSWORD", "CLOSE_READER_PASSWORD_NEW"):
        if k not in (env or {}):
            e.pop(k, None)
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=e,
                          capture_output=True, text=True, encoding="utf-8",
                          errors="surrogateescape", timeout=120, stdin=subprocess.DEVNULL)


def refused(p: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 1, one line on stderr naming what the path is, no traceback."""
    assert p.returncode == 1, (p.returncode, p.stdout[-500:], p.stderr[-2000:])
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in p.stderr, p.stderr[-3000:]
    for w in words:
        assert w in lines[0], lines[0]
    assert "nothing was written" in lines[0], lines[0]
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    """Every entry of a folder: links as their target, files by content, others by kind."""
    out = {}
    for p in sorted(folder.iterdir()):
        st = os.lstat(p)
        if stat.S_ISLNK(st.st_mode):
            out[p.name] = "link->" + os.readlink(p)
        elif stat.S_ISREG(st.st_mode):
            out[p.name] = digest(p)
        else:
            out[p.name] = oct(stat.S_IFMT(st.st_mode))
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A classroom database, made once: the sample lesson and two graded attempts from a
    bundle written by hand."""
    folder = tmp_path_factory.mktemp("made")
    db = folder / "class.db"
    assert run("--db", str(db), "lessons", "import", str(DATA / "sample-pack.json")
               ).returncode == 0
    bundle = {"format": "close-reader/submissions", "version": 1, "machine": "m-1",
              "exported_at": "2026-11-21T11:00:00Z", "submissions": [
                  {"submission_id": f"00000000-0000-4000-8000-00000000000{i}", "attempt": 1,
                   "lesson": LESSON, "student": name, "submitted_at": "2026-11-21T10:15:00Z",
                   "highlights": [{"start": 22, "end": 30, "label": "loaded_language"}]}
                  for i, name in enumerate(["Ana P.", "Ben K."], 1)]}
    (folder / "b.json").write_text(json.dumps(bundle), encoding="utf-8")
    p = run("--db", str(db), "submissions", "import", str(folder / "b.json"))
    assert p.returncode == 0, p.stderr
    roster = ("Student,ID,SIS User ID,SIS Login ID,Section\n"
              "\"P., Ana\",5501,S1,ap,P1\n\"K., Ben\",5502,S2,bk,P1\n")
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    p = run("--db", str(db), "roster", "import", str(folder / "roster.csv"))
    assert p.returncode == 0, p.stderr
    assert not Path(f"{db}-wal").exists()  # closed: everything is in the main file
    return db


@pytest.fixture
def world(made, tmp_path) -> Path:
    """A fresh copy of the classroom database in a folder of its own."""
    db = tmp_path / "t.db"
    shutil.copyfile(made, db)
    return db


# every command that writes a path the user chose
WRITERS = {
    "submissions export": ["submissions", "export", "-o"],
    "submissions export --as w3c": ["submissions", "export", "--as", "w3c", "-o"],
    "gradebook --csv": ["gradebook", "--csv"],
    "gradebook --csv --long": ["gradebook", "--long", "--csv"],
    "gradebook --csv --lms canvas": ["gradebook", "--lms", "canvas", "--csv"],
    "feedback export": ["feedback", "export", "-o"],
    "lessons export": ["lessons", "export", LESSON, "-o"],
    "lessons export --as w3c": ["lessons", "export", LESSON, "--as", "w3c", "-o"],
    "lessons export --as doccano": ["lessons", "export", LESSON, "--as", "doccano", "-o"],
    "lessons export --as ptc": ["lessons", "export", LESSON, "--as", "ptc", "-o"],
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_no_command_writes_over_the_open_database(world, writer):
    before = digest(world)
    line = refused(run("--db", str(world), *WRITERS[writer], str(world)),
                   "t.db is the database Close Reader is using")
    assert digest(world) == before
    assert sorted(p.name for p in world.parent.iterdir()) == ["t.db"], line  # no temp left


def _targets(db: Path) -> dict[str, tuple[Path, str]]:
    """Hostile output paths beside ``db``, each with the words its refusal must say."""
    folder = db.parent
    other = folder / "other.db"
    shutil.copyfile(db, other)
    os.link(db, folder / "hard.csv")
    os.symlink(db, folder / "link.csv")
    os.symlink("link.csv", folder / "link2.csv")  # a link to a link to the database
    os.mkfifo(folder / "pipe.csv")
    (folder / "dir.csv").mkdir()
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.csv"))
    sock.close()
    (folder / "t.db-wal").write_bytes(b"")  # a -wal that is there, one that is not
    out = {
        "the -wal": (folder / "t.db-wal", "write-ahead log of the database Close Reader"),
        "the -shm": (folder / "t.db-shm", "shared-memory index of the database Close Reader"),
        "the -journal": (folder / "t.db-journal", "rollback journal of the database"),
        "a hard link to it": (folder / "hard.csv", "the database Close Reader is using"),
        "a symlink to it": (folder / "link.csv", "is a link to"),
        "a link to a link to it": (folder / "link2.csv", "the database Close Reader is using"),
        "another SQLite database": (other, "an SQLite database"),
        "the -wal of another database": (folder / "other.db-wal", "of the SQLite database"),
        "a FIFO": (folder / "pipe.csv", "a pipe"),
        "a folder": (folder / "dir.csv", "a folder"),
        "a socket": (folder / "sock.csv", "a socket"),
    }
    full = full_device(folder)
    if full is not None:
        os.symlink(full, folder / "full.csv")
        out["/dev/full"] = (full, "a device")
        out["a symlink to /dev/full"] = (folder / "full.csv", "a device")
    return out


def full_device(folder: Path) -> Path | None:
    """/dev/full, the device that is always full. Run as root (CI containers), a
    regression of the guard would replace the machine's own /dev/full with a file (the
    rename is allowed there): the test then makes its own node of the same device
    (major 1, minor 7) and writes at that one."""
    if not HAS_FULL:
        return None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        node = folder / "full"
        real = os.stat("/dev/full")
        os.mknod(node, stat.S_IFCHR | 0o666, real.st_rdev)
        return node
    return Path("/dev/full")


TARGET_NAMES = ["the -wal", "the -shm", "the -journal", "a hard link to it", "a symlink to it",
                "a link to a link to it", "another SQLite database",
                "the -wal of another database", "a FIFO", "a folder", "a socket",
                "/dev/full", "a symlink to /dev/full"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX links, FIFOs and sockets")
@pytest.mark.parametrize("target", TARGET_NAMES)
@pytest.mark.parametrize("writer", ["gradebook --csv", "submissions export",
                                    "lessons export --as doccano"])
def test_every_dangerous_target_is_refused_and_left_as_it_was(world, target, writer):
    targets = _targets(world)
    if target not in targets:
        pytest.skip("no /dev/full here")
    path, words = targets[target]
    before, db_before = folder_state(world.parent), digest(world)
    full = targets.get("/dev/full", (None, ""))[0]
    dev = os.stat(full) if full is not None else None
    refused(run("--db", str(world), *WRITERS[writer], str(path)), words)
    assert folder_state(world.parent) == before  # the link still a link, the FIFO a FIFO…
    assert digest(world) == db_before
    if dev is not None:  # the device is still the device (before, it was replaced by a file)
        now = os.stat(full)
        assert stat.S_ISCHR(now.st_mode) and now.st_rdev == dev.st_rdev


def test_a_ptc_folder_may_not_be_the_database_or_a_link_to_it(world, tmp_path):
    os.symlink(world, tmp_path / "out")
    refused(run("--db", str(world), *WRITERS["lessons export --as ptc"], str(tmp_path / "out")),
            "is a link to", "the database Close Reader is using")
    assert (tmp_path / "out").is_symlink()


def test_a_symlink_to_a_plain_file_is_followed_and_kept(world, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    os.symlink(real, tmp_path / "link.csv")
    p = run("--db", str(world), "gradebook", "--csv", str(tmp_path / "link.csv"))
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "link.csv").is_symlink() and os.readlink(tmp_path / "link.csv") == str(real)
    assert real.read_text(encoding="utf-8-sig").startswith("Student,")


def test_an_ordinary_file_is_still_replaced(world, tmp_path):
    out = tmp_path / "grades.csv"
    out.write_text("an older export\n", encoding="utf-8")
    p = run("--db", str(world), "gradebook", "--csv", str(out))
    assert p.returncode == 0, p.stderr
    assert "Ana P." in out.read_text(encoding="utf-8-sig")


def test_a_folder_that_does_not_exist_is_one_line(world, tmp_path):
    refused(run("--db", str(world), "submissions", "export", "-o",
                str(tmp_path / "nowhere" / "b.json")), "does not exist")


def test_a_new_database_path_is_protected_before_it_exists(tmp_path):
    """``--db new.db … -o new.db``: the database the command is about to make."""
    db = tmp_path / "new.db"
    refused(run("--db", str(db), "submissions", "export", "-o", str(db)),
            "the database Close Reader is using")
    assert not db.exists()


def test_the_database_of_another_copy_of_the_app_is_refused(world, tmp_path):
    """A database another program holds open (its -wal is there): refused by its first
    bytes, whatever its name."""
    other = tmp_path / "student-machine.sqlite"
    shutil.copyfile(world, other)
    con = sqlite3.connect(other)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE IF NOT EXISTS x(a)")
    con.execute("INSERT INTO x VALUES (1)")  # open, with a write in its -wal
    try:
        before = digest(other)
        refused(run("--db", str(world), "gradebook", "--csv", str(other)), "an SQLite database")
        refused(run("--db", str(world), "gradebook", "--csv", f"{other}-wal"),
                "write-ahead log")
        assert digest(other) == before
    finally:
        con.close()


# -- the writers themselves, as the app calls them ---------------------------------------
@pytest.fixture
def open_repo_copy(world):
    from app.store.repo import open_repo

    r = open_repo(world)
    yield r
    r.database.close()


def test_every_writer_refuses_the_open_database(open_repo_copy):
    """Inside the app nothing checks first: each writer asks the guard itself."""
    from app.core.jsonfile import write_json_atomic
    from app.interop import doccano, lms, ptc
    from app.services.interchange import export_lessons_as, lessons_pack
    from app.services.library import export_pack
    from app.services.results.bundles import export_bundle
    from app.services.results.gradebook import build_gradebook, write_csv
    from app.services.results.report_pdf import class_summary_pdf, student_report_pdf
    from app.services.roster import write_lms_gradebook

    repo = open_repo_copy
    db = repo.database.path
    before = digest(db)
    pack = lessons_pack(repo, [LESSON])
    ana = next(s for s in repo.students() if s.name == "Ana P.")
    writers = [
        lambda p: export_bundle(repo, p),
        lambda p: write_csv(build_gradebook(repo), p),
        lambda p: write_lms_gradebook(repo, "canvas", p),
        lambda p: export_pack(repo, [LESSON], p),
        lambda p: export_lessons_as(repo, [LESSON], "w3c", p),
        lambda p: doccano.write_jsonl(p, pack),
        lambda p: lms.write_rows(p, [["a"]]),
        lambda p: write_json_atomic(p, {}),
        lambda p: ptc.write_folder(p, pack),
        lambda p: student_report_pdf(repo, ana.id, LESSON, p),
        lambda p: class_summary_pdf(repo, LESSON, p),
    ]
    for write in writers:
        for target in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
            with pytest.raises(OutputRefused) as e:
                write(target)
            assert "nothing was written" in str(e.value) and "\n" not in str(e.value)
    repo.database.close()
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["t.db"]


def test_the_guard_compares_files_not_names(tmp_path):
    db = tmp_path / "a.db"
    sqlite3.connect(db).execute("CREATE TABLE t(x)").connection.close()
    (tmp_path / "sub").mkdir()
    os.link(db, tmp_path / "sub" / "renamed.txt")
    for spelling in (db, tmp_path / "sub" / ".." / "a.db", tmp_path / "sub" / "renamed.txt"):
        with pytest.raises(OutputRefused):
            check_output(spelling, protected=[db])
    assert check_output(tmp_path / "fine.csv", protected=[db]) == tmp_path / "fine.csv"


def test_a_path_swapped_for_a_link_while_writing_is_refused(tmp_path):
    """The check runs again just before the rename: a link put in the file's place
    meanwhile is not written through."""
    db = tmp_path / "a.db"
    sqlite3.connect(db).execute("CREATE TABLE t(x)").connection.close()
    out = tmp_path / "out.csv"
    from app.core import outpaths

    def swap(f) -> None:  # noqa: ANN001
        f.write(b"x")
        os.symlink(db, out)

    with pytest.raises(OutputRefused):
        outpaths.write_atomic(out, swap)
    assert out.is_symlink() and db.read_bytes().startswith(b"SQLite format 3")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_full_disk_leaves_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "g.csv"
    out.write_text("kept\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        write_text_atomic(out, "new")
    assert out.read_text(encoding="utf-8") == "kept\n"
    assert [p.name for p in tmp_path.iterdir()] == ["g.csv"]


# -- the app's Save dialogs -----------------------------------------------------------------
@pytest.fixture
def results_window(qtbot, world):
    from app.store.repo import open_repo
    from app.ui.results.window import ResultsWindow

    w = ResultsWindow(open_repo(world))
    qtbot.addWidget(w)
    w.show()
    return w


def _answer_save_dialog(monkeypatch, path: Path) -> None:
    """Every file dialog answers ``path``, as if the teacher typed it and said Replace
    (all of the app's dialogs are run by ``app.ui.filedialogs._run``)."""
    from app.ui import filedialogs

    monkeypatch.setattr(filedialogs, "_run", lambda dialog: [str(path)])


def _shown_problems(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    import app.ui.results.window as rw

    monkeypatch.setattr(rw, "warn", lambda parent, title, text: shown.append((title, text)))
    return shown


@pytest.mark.parametrize("side", ["", "-wal", "-shm"])
def test_the_apps_save_dialogs_refuse_the_database(results_window, monkeypatch, side, qtbot):
    w = results_window
    db = Path(w.repo.database.path)
    target = Path(f"{db}{side}")
    before = digest(db)
    shown = _shown_problems(monkeypatch)
    _answer_save_dialog(monkeypatch, target)
    assert w.export_csv(long=True) is None  # the gradebook CSV
    from app.ui.results import lms_actions

    monkeypatch.setattr(lms_actions.QMessageBox, "open", lambda self: None)
    assert lms_actions.export_lms_csv(w, "canvas", None) is None
    w.student_id = next(s.id for s in w.repo.students() if s.name == "Ana P.")
    w.lesson_id = LESSON
    assert w.save_student_report() is None
    qtbot.waitUntil(lambda: len(shown) >= 3, timeout=20_000)
    assert len(shown) == 3, shown
    for title, text in shown:
        assert "nothing was written" in text and "\n" not in text, (title, text)
    assert digest(db) == before


def test_the_students_export_refuses_the_database(qtbot, world, monkeypatch):
    from app.ui import create_main_window

    w = create_main_window(world, student="Ana P.")
    qtbot.addWidget(w)
    shown: list[str] = []
    import app.ui.main_window as mw

    monkeypatch.setattr(mw, "warn", lambda parent, title, text: shown.append(text))
    before = digest(world)
    _answer_save_dialog(monkeypatch, world)
    assert w.export_submissions(mine=True) is None
    assert shown and "the database Close Reader is using" in shown[0]
    assert w.repo.setting("machine_id") is None  # the refused export made no machine id
    w.repo.database.close()
    assert digest(world) == before


def test_the_instructors_pack_export_refuses_the_database(qtbot, world, monkeypatch):
    from app.store.repo import open_repo
    from app.ui.instructor import pack_dialogs

    repo = open_repo(world)
    shown: list[str] = []
    monkeypatch.setattr(pack_dialogs, "warn", lambda parent, title, text: shown.append(text))
    _answer_save_dialog(monkeypatch, Path(f"{world}-journal"))

    class Chosen:
        def __init__(self, *a) -> None:  # noqa: ANN002
            from PySide6.QtWidgets import QCheckBox

            self.keys = QCheckBox()

        def exec(self) -> int:
            return 1

        def chosen(self) -> list[str]:
            return [LESSON]

    monkeypatch.setattr(pack_dialogs, "ExportDialog", Chosen)
    assert pack_dialogs.export_interactive(None, repo, {LESSON}) is None
    assert shown and "rollback journal" in shown[0]
    assert not Path(f"{world}-journal").exists()
    repo.database.close()
