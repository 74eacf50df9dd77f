"""Database faults after opening (quality.md, "Reliability"; issue 13): a database
locked past the busy timeout, a full disk during a write, a damaged row that
``quick_check`` does not see. Each is one clear message with the way out — on the
command line one line on stderr and exit 1, in the app a dialog — and leaves nothing
half-written: ``PRAGMA integrity_check`` is ok and the rows are as before.

Faults are real: a second connection holding ``BEGIN EXCLUSIVE``, ``PRAGMA
max_page_count`` for a disk that fills up, bytes written with raw SQL. Also here: a
database on a network file system opens with the rollback journal and a warning.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from app.cli import main as cli
from app.core.lessons import Highlight
from app.store import db as dbmod
from app.store import netfs
from app.store.db import Database, StoreError, store_fault
from app.store.repo import open_repo

DATA = Path(__file__).parent / "data"
SEED = 1313


# -- helpers ---------------------------------------------------------------------------
def run_cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli(args)
    return code, out.getvalue(), err.getvalue()


def one_line(code: int, err: str, *words: str) -> str:
    assert code == 1, (code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("close-reader: "), err
    assert "Traceback" not in err and "cannot rollback" not in err
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def integrity_ok(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def rows_digest(path: Path) -> str:
    con = sqlite3.connect(path)
    con.text_factory = bytes  # damaged text must not stop the snapshot
    try:
        h = hashlib.sha256()
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                "ORDER BY name"):
            for row in con.execute(f'SELECT * FROM "{t.decode()}" ORDER BY rowid'):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        con.close()


@pytest.fixture
def class_db(tmp_path) -> Path:
    """The sample pack (seeded, so opening writes nothing) and two attempts."""
    path = tmp_path / "class.db"
    assert run_cli(["--db", str(path), "lessons", "import", str(DATA / "sample-pack.json")])[0] == 0
    repo = open_repo(path)
    try:
        for name in ("Ana", "Ben"):
            st = repo.student(name)
            repo.add_submission(st.id, "sample-budget", [Highlight(0, 5, "loaded_language")],
                                None, None, None)
            repo.save_draft(st.id, "sample-budget", [Highlight(0, 5, "loaded_language", "n")])
    finally:
        repo.database.close()
    gc.collect()  # the command line leaves its connection to the end of the process
    return path


@contextlib.contextmanager
def locked(path: Path):
    """Another program holding the write lock."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 150)


def pack_file(tmp_path: Path, n_words: int = 20_000) -> Path:
    """A new lesson big enough to need many pages (text from a seeded generator)."""
    rng = random.Random(SEED)
    words = ["claim", "budget", "reckless", "said", "officials", "plan", "the", "a"]
    text = " ".join(rng.choice(words) for _ in range(n_words)) + "."
    pack = {"format": "close-reader/lesson-pack", "version": 1,
            "lessons": [{"id": "big-lesson", "title": "Big", "text": text}]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(pack), encoding="utf-8")
    return path


# -- locked past the busy timeout ----------------------------------------------------
def test_a_locked_database_is_one_line_on_the_command_line(class_db, tmp_path, short_timeout):
    before = rows_digest(class_db)
    with locked(class_db):
        line = one_line(*run_cli(["--db", str(class_db), "lessons", "import",
                                  str(pack_file(tmp_path, 50))])[::2], "busy", "try again")
    assert "Nothing was changed" in line
    assert rows_digest(class_db) == before
    integrity_ok(class_db)
    # the way out works: once the other program lets go, the same command succeeds
    assert run_cli(["--db", str(class_db), "lessons", "import",
                    str(pack_file(tmp_path, 50))])[0] == 0


def test_a_locked_transaction_and_a_locked_single_write_are_store_errors(class_db,
                                                                          short_timeout):
    repo = open_repo(class_db)
    try:
        st = repo.student("Ana")
        with locked(class_db):
            with pytest.raises(StoreError) as e:
                repo.delete_student("Ana")  # a transaction: BEGIN IMMEDIATE waits, then fails
            assert e.value.kind == "locked"
            with pytest.raises(sqlite3.OperationalError) as raw:  # autocommit write
                repo.save_draft(st.id, "sample-budget", [])
            assert store_fault(raw.value).kind == "locked"
            assert not repo.database.conn.in_transaction
        assert [s.name for s in repo.students()] == ["Ana", "Ben"]
    finally:
        repo.database.close()
    integrity_ok(class_db)


# -- a full disk ------------------------------------------------------------------------
def fill_disk_at_open(monkeypatch, extra_pages: int = 2) -> None:
    """Every connection the app opens sees a disk with room for ``extra_pages`` more."""
    real = dbmod._connect

    def connect(path, warnings=None):  # noqa: ANN001, ANN202
        db = real(path, warnings)
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages + extra_pages}")
        return db

    monkeypatch.setattr(dbmod, "_connect", connect)


def test_a_full_disk_during_an_import_is_one_line_and_writes_nothing(class_db, tmp_path,
                                                                      monkeypatch):
    before = rows_digest(class_db)
    fill_disk_at_open(monkeypatch)
    code, _, err = run_cli(["--db", str(class_db), "lessons", "import", str(pack_file(tmp_path))])
    one_line(code, err, "full", "free some disk space")
    monkeypatch.undo()
    assert rows_digest(class_db) == before
    integrity_ok(class_db)
    assert run_cli(["--db", str(class_db), "lessons", "import", str(pack_file(tmp_path))])[0] == 0


def test_a_full_disk_in_a_transaction_rolls_back_once_and_the_connection_goes_on(class_db,
                                                                                   tmp_path):
    from app.core.packs import read_pack
    from app.services.library import import_pack

    repo = open_repo(class_db)
    try:
        pages = repo.db.execute("PRAGMA page_count").fetchone()[0]
        repo.db.execute(f"PRAGMA max_page_count = {pages + 1}")
        with pytest.raises(StoreError) as e:
            import_pack(repo, read_pack(pack_file(tmp_path)))
        assert e.value.kind == "full" and "cannot rollback" not in str(e.value)
        assert isinstance(e.value.__cause__, sqlite3.OperationalError)
        assert not repo.database.conn.in_transaction
        assert "big-lesson" not in repo.lesson_ids()
        repo.db.execute("PRAGMA max_page_count = 1073741823")
        import_pack(repo, read_pack(pack_file(tmp_path)))  # space freed: it works
        assert "big-lesson" in repo.lesson_ids()
    finally:
        repo.database.close()
    integrity_ok(class_db)


def test_rollback_is_safe_when_sqlite_already_rolled_back(tmp_path):
    """SQLite rolls back by itself after some errors (a full disk, an I/O error); the
    second ROLLBACK used to replace the real error with "cannot rollback"."""
    database = Database(tmp_path / "x.db")
    try:
        with pytest.raises(RuntimeError, match="the real error"), \
                database.transaction() as db:
            db.execute("INSERT INTO settings(key, value) VALUES ('a', 'b')")
            database.conn.execute("ROLLBACK")  # what SQLite does on SQLITE_FULL
            raise RuntimeError("the real error")
        assert not database.conn.in_transaction
        assert database.conn.execute("SELECT COUNT(*) FROM settings WHERE key = 'a'"
                                     ).fetchone()[0] == 0
    finally:
        database.close()


def test_a_failing_commit_is_rolled_back_not_left_open(tmp_path):
    database = Database(tmp_path / "x.db")
    try:
        # a deferred foreign-key violation is only detected at COMMIT
        with pytest.raises(sqlite3.IntegrityError), database.transaction() as db:
            database.conn.execute("PRAGMA defer_foreign_keys = ON")
            db.execute("INSERT INTO drafts(student_id, lesson_id, highlights, updated_at) "
                       "VALUES (99, 'nope', '[]', 'now')")
        assert not database.conn.in_transaction
    finally:
        database.close()


# -- damaged rows that quick_check does not see ------------------------------------------
DAMAGE = {
    "highlights not UTF-8": "UPDATE submissions SET highlights = CAST(x'5b5bff' AS TEXT)",
    "highlights not JSON": "UPDATE submissions SET highlights = '[[0, 5, \"loaded_lang'",
    "highlights the wrong shape": "UPDATE submissions SET highlights = '[{\"a\": 1}]'",
}


def damage(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute(sql)
    assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    con.close()


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_row_is_one_line_naming_the_backups(class_db, tmp_path, case):
    damage(class_db, DAMAGE[case])
    before = rows_digest(class_db)
    out = tmp_path / "out.json"
    code, _, err = run_cli(["--db", str(class_db), "submissions", "export", "-o", str(out)])
    line = one_line(code, err, "damaged", "Restore a backup", str(class_db.parent / "backups"))
    assert "\ufffd" not in line and "\\xff" not in line  # never the damaged bytes
    assert not out.exists()  # nothing half-written
    assert rows_digest(class_db) == before
    integrity_ok(class_db)


def test_a_damaged_lesson_row_on_the_gradebook_and_lessons_export(class_db, tmp_path):
    damage(class_db, "UPDATE lessons SET categories = CAST(x'ff' AS TEXT) "
                     "WHERE id = 'sample-budget'")
    one_line(*run_cli(["--db", str(class_db), "lessons", "export", "sample-budget", "-o",
                       str(tmp_path / "p.json")])[::2], "damaged")
    assert not (tmp_path / "p.json").exists()
    damage(class_db, "UPDATE submissions SET report = '{\"by_label\": ' ")
    one_line(*run_cli(["--db", str(class_db), "gradebook"])[::2], "damaged")
    integrity_ok(class_db)


def test_a_damaged_draft_is_a_store_error_in_the_library_functions(class_db):
    damage(class_db, "UPDATE drafts SET highlights = CAST(x'ff' AS TEXT)")
    repo = open_repo(class_db)
    try:
        st = repo.student("Ana")
        with pytest.raises(sqlite3.OperationalError) as e:
            repo.draft(st.id, "sample-budget")
        fault = store_fault(e.value)
        assert fault is not None and fault.kind == "damaged"
        assert "column highlights" in str(fault)
    finally:
        repo.database.close()


# -- in the app: a dialog, not a traceback ------------------------------------------------
@pytest.fixture
def crash_hook(qapp, monkeypatch, tmp_path):
    """The app's excepthook, installed as run_app installs it (restored afterwards)."""
    from app import paths
    from app.ui import application

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(paths, "log_dir", lambda: tmp_path / "logs")
    application._install_crash_handler()
    yield sys.excepthook
    for box in list(application._open_boxes):
        box.done(0)


def shown_boxes():
    from PySide6.QtWidgets import QApplication, QMessageBox

    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def test_the_app_shows_a_database_fault_as_one_dialog(qtbot, class_db, short_timeout,
                                                      crash_hook, tmp_path):
    from app.ui.application import create_main_window

    win = create_main_window(class_db, student="Ana")
    qtbot.addWidget(win)
    win.show()
    with locked(class_db):
        try:
            win._on_reader_draft_changed("sample-budget", (Highlight(0, 5, "loaded_language"),))
        except sqlite3.OperationalError as e:  # a slot's exception reaches the excepthook
            crash_hook(type(e), e, e.__traceback__)
            crash_hook(type(e), e, e.__traceback__)  # the autosave timer, a second later
        else:
            pytest.fail("the write should have met the lock")
    boxes = shown_boxes()
    assert len(boxes) == 1  # not one per retry
    text = boxes[0].text()
    assert "busy" in text and "try again" in text and "Traceback" not in text
    assert not (tmp_path / "logs" / "crash.log").exists()  # not treated as a crash
    boxes[0].grab().save(str(tmp_path / "fault.png"))
    win.repo.database.close()
    integrity_ok(class_db)


def test_the_app_shows_a_damaged_row_with_the_backups_folder(qtbot, class_db, crash_hook):
    from app.ui.application import create_main_window

    damage(class_db, "UPDATE submissions SET highlights = CAST(x'ff' AS TEXT)")
    win = create_main_window(class_db, student="Ana")
    qtbot.addWidget(win)
    try:
        win.repo.submissions()
    except sqlite3.OperationalError as e:
        crash_hook(type(e), e, e.__traceback__)
    [box] = shown_boxes()
    assert "damaged" in box.text() and str(class_db.parent / "backups") in box.text()
    win.repo.database.close()


# -- network file systems ------------------------------------------------------------------
MOUNTINFO = r"""22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
35 22 0:31 / /home rw,relatime shared:2 - ext4 /dev/sda2 rw
40 35 0:45 / /home/teacher/School\040Share rw,relatime shared:3 - cifs //srv/class rw,vers=3.0
41 22 0:46 / /mnt/nfs rw,relatime - nfs4 srv:/export rw
42 41 0:47 / /mnt/nfs/local rw - tmpfs tmpfs rw
43 22 0:48 / /mnt/wsl rw - 9p drvfs rw
44 22 0:49 / /media/ssh rw,nosuid shared:9 master:2 - fuse.sshfs me@host:/ rw
"""


@pytest.mark.parametrize("path, fstype", [
    ("/home/teacher/School Share/close-reader.db", "cifs"),
    ("/home/teacher/School Share", "cifs"),
    ("/home/teacher/School Shared/x.db", "ext4"),  # a prefix of the name is not a mount
    ("/home/teacher/x.db", "ext4"),
    ("/mnt/nfs/class/x.db", "nfs4"),
    ("/mnt/nfs/local/x.db", "tmpfs"),  # the longest mount point wins
    ("/mnt/wsl/x.db", "9p"),
    ("/media/ssh/x.db", "fuse.sshfs"),
    ("/var/x.db", "ext4"),
])
def test_the_file_system_is_found_by_the_longest_mount_point(path, fstype):
    assert netfs.fs_type_in_mountinfo(path, MOUNTINFO) == fstype


def test_network_types_and_unc_paths():
    assert all(netfs.is_network_type(t) for t in ("cifs", "smb3", "nfs", "NFS4", "fuse.sshfs"))
    assert not any(netfs.is_network_type(t) for t in ("ext4", "tmpfs", "btrfs", "apfs", "ntfs"))
    assert netfs.is_unc_path(r"\\server\share\class.db")
    assert netfs.is_unc_path("//server/share/class.db")
    assert netfs.is_unc_path("\\\\?\\UNC\\server\\share\\x.db")
    assert not netfs.is_unc_path("\\\\?\\C:\\Users\\x.db")
    assert not netfs.is_unc_path("C:\\Users\\x.db") and not netfs.is_unc_path("/home/x.db")
    assert netfs.network_fs_type(r"\\server\share\folder") == "smb"


def test_this_machines_temporary_folder_is_local(tmp_path):
    assert netfs.network_fs_type(tmp_path) is None


@pytest.fixture
def on_network(monkeypatch):
    monkeypatch.setattr(dbmod, "network_fs_type", lambda folder: "cifs")


def test_a_database_on_a_network_drive_uses_the_rollback_journal(class_db, on_network):
    database = Database(class_db)  # was WAL: switched, the WAL file checkpointed away
    try:
        assert database.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        [w] = database.warnings
        assert w.kind == "network" and "network drive (cifs)" in w.message
        assert "one computer at a time" in w.message
    finally:
        database.close()
    assert not Path(str(class_db) + "-wal").exists()
    integrity_ok(class_db)


def test_a_network_database_another_copy_holds_in_wal_mode_is_refused_with_why(class_db,
                                                                              on_network):
    other = sqlite3.connect(class_db)  # another copy of the app, still in WAL mode
    other.execute("SELECT COUNT(*) FROM lessons").fetchone()
    try:
        with pytest.raises(StoreError) as e:
            Database(class_db)
        assert e.value.kind == "network"
        assert "network drive" in str(e.value) and "Close the other copies" in str(e.value)
    finally:
        other.close()
    integrity_ok(class_db)


def test_the_command_line_warns_on_stderr_and_works(class_db, on_network):
    code, out, err = run_cli(["--db", str(class_db), "lessons", "list"])
    assert code == 0 and "sample-budget" in out
    assert err.startswith("close-reader: warning: ") and "network drive" in err


def test_a_local_database_stays_in_wal_mode(class_db):
    database = Database(class_db)
    try:
        assert database.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.warnings == []
    finally:
        database.close()


def test_the_app_shows_the_network_warning_once(qtbot, class_db, on_network, tmp_path):
    from app.ui.application import create_main_window, show_store_warnings

    win = create_main_window(class_db, student="Ana")
    qtbot.addWidget(win)
    win.show()
    box = show_store_warnings(win, win.repo)
    assert box is not None and box.isVisible() and "network drive" in box.text()
    box.grab().save(str(tmp_path / "network.png"))
    box.done(0)
    win.repo.database.close()
