"""The SQLite store on real database files: pragmas, migrations, refusals with a clear
StoreError, backups, lessons and keys, drafts, submissions, two connections at once,
seeding and regrading (quality.md, Reliability)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from app import paths
from app.core.errors import UserError
from app.core.lessons import Highlight, KeySpan
from app.core.packs import Pack, read_pack
from app.services import library
from app.services.grading import regrade_stale, submit
from app.store import db as dbmod
from app.store.db import (
    BUSY_TIMEOUT_MS,
    SCHEMA_VERSION,
    Database,
    StoreError,
    backup,
    list_backups,
    restore_backup,
)
from app.store.migrations import MIGRATIONS
from app.store.repo import KeyLocked, Repo, open_repo

DATA = Path(__file__).parent / "data"
TABLES = {"settings", "categories", "lessons", "key_spans", "students", "drafts", "submissions"}


def pragma(conn: sqlite3.Connection, name: str):
    return conn.execute(f"PRAGMA {name}").fetchone()[0]


def tables(path: Path) -> set[str]:
    c = sqlite3.connect(path)
    try:
        return {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        c.close()


def user_version(path: Path) -> int:
    c = sqlite3.connect(path)
    try:
        return pragma(c, "user_version")
    finally:
        c.close()


@pytest.fixture
def pack():
    return read_pack(DATA / "sample-pack.json")


# --------------------------------------------------------------------------- opening


def test_pragmas_on_a_new_database(db_path):
    d = Database(db_path)
    try:
        c = d.conn
        assert pragma(c, "user_version") == SCHEMA_VERSION == len(MIGRATIONS)
        assert pragma(c, "journal_mode").lower() == "wal"
        assert pragma(c, "foreign_keys") == 1
        assert pragma(c, "busy_timeout") == BUSY_TIMEOUT_MS > 0
    finally:
        d.close()
    assert tables(db_path) >= TABLES
    # WAL is a property of the file: a plain connection sees it too
    c = sqlite3.connect(db_path)
    assert pragma(c, "journal_mode").lower() == "wal"
    c.close()


def test_foreign_keys_are_enforced(repo):
    with pytest.raises(sqlite3.IntegrityError):
        repo.save_draft(9999, "no-such-lesson", [])


def test_migration_from_an_empty_file(db_path):
    db_path.write_bytes(b"")
    r = open_repo(db_path)
    r.database.close()
    assert user_version(db_path) == SCHEMA_VERSION
    assert tables(db_path) >= TABLES
    assert list_backups(db_path) == []  # nothing to back up in an empty file


def test_new_database_in_a_new_folder(tmp_path):
    p = tmp_path / "a" / "b" / "cr.db"
    open_repo(p).database.close()
    assert user_version(p) == SCHEMA_VERSION


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migration_from_every_earlier_version(tmp_path, version):
    p = tmp_path / "old.db"
    c = sqlite3.connect(p, isolation_level=None)
    for step in MIGRATIONS[:version]:
        step(c)
    c.execute(f"PRAGMA user_version={version}")
    c.close()
    open_repo(p).database.close()
    assert user_version(p) == SCHEMA_VERSION
    assert tables(p) >= TABLES
    if version > 0:
        assert list_backups(p), "a backup is taken before every migration"


def _v1_database_with_a_lesson(path: Path, pack: Pack) -> None:
    r = open_repo(path)
    library.import_pack(r, pack)
    r.database.close()


def test_a_future_migration_takes_a_backup_first_and_runs_forward(tmp_path, pack,
                                                                  monkeypatch):
    p = tmp_path / "cr.db"
    _v1_database_with_a_lesson(p, pack)

    def v2(conn):
        conn.execute("CREATE TABLE added_in_v2 (x INTEGER)")
        conn.execute("UPDATE lessons SET title = title || ' (v2)'")

    monkeypatch.setattr(dbmod, "MIGRATIONS", [*MIGRATIONS, v2])
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    r = open_repo(p)
    try:
        assert pragma(r.database.conn, "user_version") == SCHEMA_VERSION + 1
        assert r.get_lesson("sample-fear").title.endswith("(v2)")
    finally:
        r.database.close()
    backups = list_backups(p)
    assert len(backups) == 1 and f"before-v{SCHEMA_VERSION + 1}" in backups[0].name
    assert user_version(backups[0]) == SCHEMA_VERSION
    assert "added_in_v2" not in tables(backups[0])


def test_a_failing_migration_changes_nothing(tmp_path, pack, monkeypatch):
    p = tmp_path / "cr.db"
    _v1_database_with_a_lesson(p, pack)

    def v2(conn):
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        conn.execute("UPDATE lessons SET title = 'changed'")
        conn.execute("THIS IS NOT SQL")

    monkeypatch.setattr(dbmod, "MIGRATIONS", [*MIGRATIONS, v2])
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError):
        open_repo(p)
    monkeypatch.undo()
    assert user_version(p) == SCHEMA_VERSION
    assert "half_done" not in tables(p)
    r = open_repo(p)
    assert r.get_lesson("sample-fear").title == "Sample with a custom category"
    r.database.close()


def test_database_from_a_newer_version_is_refused(db_path):
    open_repo(db_path).database.close()
    c = sqlite3.connect(db_path)
    c.execute(f"PRAGMA user_version={SCHEMA_VERSION + 7}")
    c.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError) as ei:
        open_repo(db_path)
    e = ei.value
    assert e.kind == "newer" and "newer version" in str(e) and str(db_path) in str(e)
    assert "\n" not in str(e)
    assert isinstance(e, UserError)  # the CLI shows it as one line, exit 1
    assert user_version(db_path) == SCHEMA_VERSION + 7
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("content", [os.urandom(70_000), os.urandom(10), b"hello, world\n",
                                     b"SQLite format 3\x00" + os.urandom(5000)])
def test_corrupt_file_is_refused(db_path, content):
    db_path.write_bytes(content)
    with pytest.raises(StoreError) as ei:
        open_repo(db_path)
    assert ei.value.kind == "corrupt"
    assert "damaged" in str(ei.value) and "\n" not in str(ei.value)


def test_database_with_damaged_pages_is_refused(tmp_path, pack):
    """A good header and schema but damaged table pages: quick_check finds it."""
    good = tmp_path / "good.db"
    r = open_repo(good)
    library.import_pack(r, pack)
    r.database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    r.database.close()
    data = good.read_bytes()
    page = 4096
    damaged_any = False
    for n in range(2, len(data) // page):
        bad = bytearray(data)
        bad[n * page + 8:(n + 1) * page] = bytes(page - 8)
        p = tmp_path / f"bad{n}.db"
        p.write_bytes(bad)
        c = sqlite3.connect(p)
        try:
            ok = c.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:
            ok = False
        finally:
            c.close()
        p.write_bytes(bad)  # as damaged as before the look
        if ok:
            continue  # a free or spare page: nothing to notice
        damaged_any = True
        with pytest.raises(StoreError) as ei:
            open_repo(p)
        assert ei.value.kind == "corrupt", n
    assert damaged_any


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match="folder"):
        open_repo(tmp_path)


# ---- read-only: run as an ordinary user (root may write anywhere) ----------


def _open_as_unprivileged(path: Path) -> tuple[str, str]:
    """Try open_repo(path) and one write, as a user without write permission.

    Returns (outcome, message): outcome is 'ok' or the StoreError kind, or 'crash'
    for any other exception (a traceback in the app).
    """
    def attempt() -> tuple[str, str]:
        try:
            r = open_repo(path)
            r.set_setting("probe", "1")
            r.database.close()
            return "ok", ""
        except StoreError as e:
            return e.kind, str(e)
        except Exception as e:  # noqa: BLE001 - reported as a failure below
            return "crash", f"{type(e).__name__}: {e}"

    if os.geteuid() != 0:
        return attempt()
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop to 'nobody', try, report, leave without cleanup
        try:
            os.close(rfd)
            os.setgid(65534)
            os.setuid(65534)
            out = json.dumps(attempt())
        except BaseException as e:  # noqa: BLE001
            out = json.dumps(["crash", repr(e)])
        os.write(wfd, out.encode())
        os._exit(0)
    os.close(wfd)
    chunks = []
    while chunk := os.read(rfd, 65536):
        chunks.append(chunk)
    os.close(rfd)
    os.waitpid(pid, 0)
    kind, msg = json.loads(b"".join(chunks))
    return kind, msg


@pytest.fixture
def shared_dir():
    """A folder outside root's private tmp, reachable by an unprivileged user."""
    d = Path(tempfile.mkdtemp(prefix="cr-ro-"))
    os.chmod(d, 0o777)
    yield d
    for p in d.rglob("*"):
        with contextlib.suppress(OSError):
            os.chmod(p, 0o777)
    shutil.rmtree(d, ignore_errors=True)


def test_read_only_database_file_is_refused_clearly(shared_dir, pack):
    p = shared_dir / "cr.db"
    _v1_database_with_a_lesson(p, pack)
    os.chmod(p, 0o444)
    kind, msg = _open_as_unprivileged(p)
    assert kind == "readonly", msg
    assert "read-only" in msg and "\n" not in msg


def test_read_only_empty_file_is_refused_clearly(shared_dir):
    p = shared_dir / "cr.db"
    p.write_bytes(b"")
    os.chmod(p, 0o444)
    kind, msg = _open_as_unprivileged(p)
    assert kind == "readonly", msg


def test_database_in_a_read_only_folder_is_refused_clearly(shared_dir, pack):
    p = shared_dir / "cr.db"
    _v1_database_with_a_lesson(p, pack)
    os.chmod(p, 0o666)
    os.chmod(shared_dir, 0o555)
    kind, msg = _open_as_unprivileged(p)
    assert kind == "readonly", msg


# --------------------------------------------------------------------------- backups


def test_backup_list_and_restore(sample_repo, db_path):
    conn = sample_repo.database.conn
    b = backup(conn, db_path, "manual")
    assert b.exists() and b.parent == db_path.parent / "backups"
    assert list_backups(db_path) == [b]
    sample_repo.delete_lesson("sample-budget")
    assert sample_repo.lesson_ids() == ["sample-fear"]
    sample_repo.database.close()

    restore_backup(b, db_path)
    r = open_repo(db_path)
    try:
        assert r.lesson_ids() == ["sample-budget", "sample-fear"]
        assert r.get_lesson("sample-budget", with_key=True).key
        c = r.database.conn
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        r.database.close()
    # the replaced file is kept aside, not deleted
    assert list(db_path.parent.glob(f"{db_path.name}.replaced-*"))


def test_restore_over_a_corrupt_file(sample_repo, db_path):
    b = backup(sample_repo.database.conn, db_path, "manual")
    sample_repo.database.close()
    db_path.write_bytes(os.urandom(9000))
    with pytest.raises(StoreError):
        open_repo(db_path)
    restore_backup(b, db_path)
    r = open_repo(db_path)
    assert "sample-fear" in r.lesson_ids()
    r.database.close()


def test_list_backups_of_a_database_without_any(db_path):
    assert list_backups(db_path) == []


# --------------------------------------------------------------------------- lessons


def test_save_and_load_lessons_and_keys(sample_repo, pack):
    r = sample_repo
    assert r.lesson_ids() == ["sample-budget", "sample-fear"]
    orig = {le.id: le for le in pack.lessons}
    for lid in r.lesson_ids():
        got = r.get_lesson(lid, with_key=True)
        want = orig[lid]
        assert got.key is not None
        assert sorted(got.key, key=lambda k: (k.start, k.end, k.label)) == sorted(
            want.key, key=lambda k: (k.start, k.end, k.label))
        assert replace(got, key=None) == replace(want, key=None)
    # without a key (the student path): no key and no teacher notes
    plain = r.get_lesson("sample-budget")
    assert plain.key is None and plain.teacher_notes == ""
    summaries = {s.id: s for s in r.list_lessons()}
    assert summaries["sample-budget"].has_key and summaries["sample-budget"].words > 10
    assert r.categories()["appeal_to_fear"].name == "Appeal to fear"
    with pytest.raises(UserError, match="no lesson"):
        r.get_lesson("nope")


def test_token_bounds_are_stored_with_the_lesson(sample_repo):
    text = sample_repo.get_lesson("sample-budget").text
    toks = sample_repo.tokens("sample-budget")
    assert toks and all(text[s:e].strip() == text[s:e] != "" for s, e in toks)
    assert "🙂" in [text[s:e] for s, e in toks]  # code-point offsets past the emoji
    assert "disastrous" in [text[s:e] for s, e in toks]


def test_import_clash_without_replace_writes_nothing(repo, pack):
    """All or nothing: the 2nd lesson of the pack already exists."""
    library.import_pack(repo, Pack(pack.categories, pack.lessons[1:]))
    renamed = tuple(replace(c, name="Renamed") if c.id == "loaded_language" else c
                    for c in pack.categories)
    cats_before = repo.categories()
    with pytest.raises(UserError, match="sample-fear.*already exists"):
        library.import_pack(repo, Pack(renamed, pack.lessons))
    assert repo.lesson_ids() == ["sample-fear"]
    assert repo.categories() == cats_before


def test_import_failing_midway_writes_nothing(repo, pack, monkeypatch):
    calls = []
    real = Repo._write_lesson

    def flaky(self, le, *a, **kw):
        calls.append(le.id)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return real(self, le, *a, **kw)

    monkeypatch.setattr(Repo, "_write_lesson", flaky)
    with pytest.raises(StoreError) as caught:  # one clear message (test_hardening_db.py)
        library.import_pack(repo, pack)
    assert caught.value.kind == "io"
    assert calls == ["sample-budget", "sample-fear"]
    assert repo.lesson_ids() == []
    n = repo.db.execute("SELECT COUNT(*) FROM key_spans").fetchone()[0]
    assert n == 0
    assert "appeal_to_fear" not in repo.categories()


def test_replace_and_keys(sample_repo, pack):
    r = sample_repo
    budget = pack.lessons[0]
    v0 = r.key_version("sample-budget")
    new_key = budget.key[:1]
    library.import_pack(r, Pack(pack.categories, (replace(budget, key=new_key),)),
                        replace_existing=True)
    assert r.get_lesson("sample-budget", with_key=True).key == new_key
    assert r.key_version("sample-budget") == v0 + 1
    # a student pack (no key) does not erase the stored key
    library.import_pack(r, Pack(pack.categories, (budget.without_key(),)),
                        replace_existing=True)
    assert r.get_lesson("sample-budget", with_key=True).key == new_key
    # a new text without a key drops the key: it no longer fits
    library.import_pack(r, Pack(pack.categories, (replace(budget, key=None, text="New."),)),
                        replace_existing=True)
    assert r.get_lesson("sample-budget", with_key=True).key is None


def test_reimporting_the_same_pack_keeps_the_key_version(sample_repo, pack):
    v = {lid: sample_repo.key_version(lid) for lid in sample_repo.lesson_ids()}
    library.import_pack(sample_repo, pack, replace_existing=True)
    assert {lid: sample_repo.key_version(lid) for lid in sample_repo.lesson_ids()} == v


def test_delete_lesson_cascades_to_key_spans(sample_repo):
    sample_repo.delete_lesson("sample-budget")
    n = sample_repo.db.execute("SELECT COUNT(*) FROM key_spans WHERE lesson_id = ?",
                               ["sample-budget"]).fetchone()[0]
    assert n == 0


# --------------------------------------------------------------------------- students


def test_students_are_identified_by_name(repo):
    a = repo.student("  Ana   P. ")
    assert a.name == "Ana P."
    assert repo.student("ana p.") == a
    assert repo.student("ANA P.", create=False) == a
    assert repo.student("Ben") != a
    with pytest.raises(UserError):
        repo.student("   ")
    with pytest.raises(UserError):
        repo.student("x" * 101)
    with pytest.raises(UserError):
        repo.student("Nobody", create=False)
    assert [s.name for s in repo.students()] == ["Ana P.", "Ben"]


def test_drafts_save_and_load(sample_repo):
    r = sample_repo
    s = r.student("Ana")
    assert r.draft(s.id, "sample-budget") == ()
    hs = (Highlight(0, 7, "unsupported_claim", "who? 🙂"), Highlight(3, 9, "loaded_language"))
    r.save_draft(s.id, "sample-budget", hs)
    assert r.draft(s.id, "sample-budget") == hs
    r.save_draft(s.id, "sample-budget", hs[:1])
    assert r.draft(s.id, "sample-budget") == hs[:1]
    other = r.student("Ben")
    assert r.draft(other.id, "sample-budget") == ()
    r.clear_draft(s.id, "sample-budget")
    assert r.draft(s.id, "sample-budget") == ()


def test_submissions_number_attempts(sample_repo):
    r = sample_repo
    ana, ben = r.student("Ana"), r.student("Ben")
    hs = (Highlight(0, 7, "unsupported_claim"),)
    r.save_draft(ana.id, "sample-budget", hs)
    ids = [r.add_submission(ana.id, "sample-budget", hs, 50, {"score": 50}, 1,
                            clear_draft=True) for _ in range(3)]
    r.add_submission(ben.id, "sample-budget", hs, 10, None, 1)
    r.add_submission(ana.id, "sample-fear", hs, None, None, None)
    assert r.draft(ana.id, "sample-budget") == ()  # cleared by the submission
    subs = r.submissions(student_id=ana.id, lesson_id="sample-budget")
    assert [s.attempt for s in subs] == [1, 2, 3]
    assert [s.submission_id for s in subs] == ids
    assert subs[0].highlights == hs and subs[0].report == {"score": 50}
    assert subs[0].student == "Ana" and subs[0].machine == r.machine_id()
    assert [s.attempt for s in r.submissions(student_id=ben.id)] == [1]
    assert r.submissions(lesson_id="sample-fear")[0].attempt == 1
    assert len(r.submissions()) == 5
    assert all(s.report is None for s in r.submissions(with_reports=False))
    assert r.has_submission(ids[0]) and not r.has_submission("nope")
    with pytest.raises(sqlite3.IntegrityError):  # submission_id is the identity
        r.add_submission(ana.id, "sample-budget", hs, 1, None, 1, submission_id=ids[0])


def test_key_is_locked_until_the_student_submits(sample_repo):
    r = sample_repo
    ana, ben = r.student("Ana"), r.student("Ben")
    with pytest.raises(KeyLocked):
        r.key_for_student(ana.id, "sample-budget")
    r.save_draft(ana.id, "sample-budget", [Highlight(0, 7, "unsupported_claim")])
    with pytest.raises(KeyLocked):  # a draft is not a submission
        r.key_for_student(ana.id, "sample-budget")
    submit(r, ana.id, "Ana", "sample-budget", [Highlight(0, 7, "unsupported_claim")])
    assert r.key_for_student(ana.id, "sample-budget").key
    with pytest.raises(KeyLocked):  # another student, another lesson: still locked
        r.key_for_student(ben.id, "sample-budget")
    with pytest.raises(KeyLocked):
        r.key_for_student(ana.id, "sample-fear")
    assert issubclass(KeyLocked, UserError)


def test_statuses(sample_repo):
    r = sample_repo
    ana = r.student("Ana")
    st = r.statuses(ana.id)
    assert {k: (v.status, v.best, v.attempts) for k, v in st.items()} == {
        "sample-budget": ("new", None, 0), "sample-fear": ("new", None, 0)}
    r.save_draft(ana.id, "sample-budget", [])
    assert r.statuses(ana.id)["sample-budget"].status == "new"  # an empty draft
    r.save_draft(ana.id, "sample-budget", [Highlight(0, 7, "unsupported_claim")])
    assert r.statuses(ana.id)["sample-budget"].status == "in progress"
    _, rep1 = submit(r, ana.id, "Ana", "sample-budget", [Highlight(0, 7, "unsupported_claim")])
    _, rep2 = submit(r, ana.id, "Ana", "sample-budget", [Highlight(0, 45, "unsupported_claim")])
    s = r.statuses(ana.id)["sample-budget"]
    # the grade is the first attempt's score, never the better retry after the key
    assert (s.status, s.grade, s.attempts) == ("submitted", rep1.score, 2)
    assert rep2.score > rep1.score
    assert r.statuses(r.student("Ben").id)["sample-budget"].status == "new"


def test_submit_stores_a_graded_attempt(sample_repo):
    r = sample_repo
    ana = r.student("Ana")
    hs = [Highlight(0, 45, "unsupported_claim")]
    sid, rep = submit(r, ana.id, "Ana", "sample-budget", hs)
    sub = r.submissions(student_id=ana.id)[0]
    assert sub.submission_id == sid and sub.score == rep.score
    assert sub.report["score"] == rep.score and sub.report["student"] == "Ana"
    assert sub.key_version == r.key_version("sample-budget")
    with pytest.raises(UserError):  # out of the text: refused, nothing stored
        submit(r, ana.id, "Ana", "sample-budget", [Highlight(0, 10_000, "loaded_language")])
    assert len(r.submissions()) == 1


# --------------------------------------------------------------------------- settings


def test_settings_and_machine_id(repo):
    assert repo.setting("x") is None and repo.setting("x", "d") == "d"
    repo.set_setting("x", "1")
    repo.set_setting("x", "2")
    assert repo.setting("x") == "2"
    assert repo.machine_id() == repo.machine_id()


# --------------------------------------------------------------------------- two copies


def test_two_connections_writing_alternately(sample_repo, db_path):
    a = sample_repo
    b = open_repo(db_path)
    try:
        sa, sb = a.student("Ana"), b.student("Ben")
        for i in range(30):
            hs = [Highlight(0, 1 + i, "unsupported_claim")]
            a.save_draft(sa.id, "sample-budget", hs)
            b.save_draft(sb.id, "sample-budget", hs)
            if i % 5 == 0:
                a.add_submission(sa.id, "sample-budget", hs, i, None, 1)
                b.add_submission(sb.id, "sample-budget", hs, i, None, 1)
                with a.database.transaction():
                    a.set_setting("k", str(i))
                with b.database.transaction():
                    b.set_setting("k", str(i + 1))
        # each sees the other's writes
        assert b.draft(sa.id, "sample-budget") == (Highlight(0, 30, "unsupported_claim"),)
        assert a.draft(sb.id, "sample-budget") == (Highlight(0, 30, "unsupported_claim"),)
        assert [s.attempt for s in a.submissions(student_id=sb.id)] == list(range(1, 7))
        assert a.setting("k") == "26"
    finally:
        b.database.close()


def test_two_connections_writing_at_once(sample_repo, db_path):
    errors: list[BaseException] = []
    names = ["Ana", "Ben"]

    def work(name):
        try:
            r = open_repo(db_path)
            s = r.student(name)
            for i in range(40):
                hs = [Highlight(0, 1 + i % 40, "unsupported_claim")]
                r.save_draft(s.id, "sample-budget", hs)
                if i % 4 == 0:
                    r.add_submission(s.id, "sample-budget", hs, i, {"i": i}, 1)
            r.database.close()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    r = sample_repo
    for n in names:
        subs = r.submissions(student_id=r.student(n).id)
        assert [s.attempt for s in subs] == list(range(1, 11))
    assert r.database.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_transaction_rolls_back_on_error(repo):
    with pytest.raises(RuntimeError), repo.database.transaction():
        repo.set_setting("a", "1")
        with repo.database.transaction():  # nested: joins the outer one
            repo.set_setting("b", "1")
        raise RuntimeError("boom")
    assert repo.setting("a") is None and repo.setting("b") is None
    with repo.database.transaction():
        repo.set_setting("a", "2")
    assert repo.setting("a") == "2"


# --------------------------------------------------------------------------- seeding


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(DATA / "sample-pack.json", folder / "sample-pack.json")
    (folder / "broken.json").write_text("{ not json", encoding="utf-8")
    monkeypatch.setattr(paths, "lessons_dir", lambda: folder)
    return folder


def test_seed_if_new_fills_once(repo, bundled):
    added = library.seed_if_new(repo)
    assert sorted(added) == ["sample-budget", "sample-fear"]
    assert repo.get_lesson("sample-budget", with_key=True).key
    assert repo.tokens("sample-budget")
    repo.delete_lesson("sample-fear")
    assert library.seed_if_new(repo) == []  # once per database: deletions stay deleted
    assert repo.lesson_ids() == ["sample-budget"]


def test_seed_uses_the_token_cache(repo, bundled):
    pack = read_pack(bundled / "sample-pack.json")
    fake = {library.text_digest(le.text): [0, 1, 2, 3] for le in pack.lessons}
    (bundled / library.TOKEN_CACHE).write_text(json.dumps(fake), encoding="utf-8")
    library.seed_if_new(repo)
    assert repo.tokens("sample-fear") == [(0, 1), (2, 3)]


def test_seed_skips_lessons_already_there(repo, bundled, pack):
    library.import_pack(repo, Pack(pack.categories, pack.lessons[1:]))
    assert library.seed_if_new(repo) == ["sample-budget"]


def test_seed_with_no_lessons_folder(repo, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "lessons_dir", lambda: tmp_path / "missing")
    assert library.seed_if_new(repo) == []
    assert repo.setting(library.SEEDED) == "1"


# --------------------------------------------------------------------------- regrading


def test_regrade_stale_after_a_key_change(sample_repo, pack):
    r = sample_repo
    ana = r.student("Ana")
    hs = [Highlight(0, 13, "unsupported_claim"), Highlight(25, 33, "loaded_language")]
    _, before = submit(r, ana.id, "Ana", "sample-budget", hs)
    assert regrade_stale(r) == 0  # graded against the current key
    budget = pack.lessons[0]
    # the instructor keeps only the first key span: the answer now scores differently
    new = replace(budget, key=(budget.key[0],))
    library.import_pack(r, Pack(pack.categories, (new,)), replace_existing=True)
    assert regrade_stale(r) == 1
    sub = r.submissions(student_id=ana.id)[0]
    from app.core.scoring import grade

    expect = grade(new.key, hs, new.categories)
    assert sub.score == expect.score != before.score
    assert sub.report["score"] == expect.score
    assert sub.key_version == r.key_version("sample-budget")
    assert regrade_stale(r) == 0


def test_regrade_grades_submissions_that_arrived_before_the_key(sample_repo, pack):
    r = sample_repo
    budget = pack.lessons[0]
    ana = r.student("Ana")
    # as on a student's machine: a submission without a grade
    r.add_submission(ana.id, "sample-budget", [Highlight(0, 45, "unsupported_claim")],
                     None, None, None)
    assert regrade_stale(r, "sample-budget") == 1
    sub = r.submissions(student_id=ana.id)[0]
    assert sub.score is not None
    assert sub.score == grade_score(budget.key, [Highlight(0, 45, "unsupported_claim")],
                                    budget.categories)


def grade_score(key: tuple[KeySpan, ...], hs, labels) -> int:
    from app.core.scoring import grade

    return grade(key, hs, labels).score


def test_grading_needs_a_key_and_a_known_lesson(sample_repo, pack):
    from app.core.answers import Answers
    from app.services.grading import grade_answers

    r = sample_repo
    fear = pack.lessons[1]
    library.import_pack(r, Pack(pack.categories, (replace(fear, key=None, text="Other."),)),
                        replace_existing=True)
    with pytest.raises(UserError, match="no answer key"):
        grade_answers(r, Answers("sample-fear", "Ana", "", ()))
    with pytest.raises(UserError, match="no lesson"):
        grade_answers(r, Answers("missing", "Ana", "", ()))
    lesson, rep = grade_answers(r, Answers("sample-budget", "Ana", "", ()))
    assert lesson.id == "sample-budget" and rep.score == 0


def test_reimporting_the_same_key_does_not_regrade(sample_repo, pack):
    r = sample_repo
    ana = r.student("Ana")
    submit(r, ana.id, "Ana", "sample-budget", [Highlight(0, 45, "unsupported_claim")])
    library.import_pack(r, pack, replace_existing=True)
    assert regrade_stale(r) == 0
