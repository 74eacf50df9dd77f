"""Opening the SQLite database: pragmas, schema migrations, backups, transactions.

The only module (with ``migrations`` and ``repo``) that speaks SQL.

**The rule that keeps two programs on one database safe: while this process has the
database open, nothing in it but SQLite opens the database file or its ``-wal``,
``-shm`` or ``-journal`` files** — not to read a header, not to check a size by opening,
not to copy it (use ``backup``, which goes through SQLite), not a file dialog sniffing
MIME types or icons. SQLite locks with POSIX advisory locks, and closing *any*
descriptor of a file drops all of the process's locks on it ("How To Corrupt An SQLite
Database File", §2.2). Then a second program (another copy of the app, or
``close-reader lessons list``) believes it is alone, checkpoints and deletes the ``-wal``
and ``-shm`` files, and every later save here fails with a disk I/O error (issue 23:
the file dialogs' icon provider read the first bytes of ``x.db-wal`` and ``x.db-shm``).
How the rule is kept: ``Database`` registers the file it opens
(``app.core.outpaths.protect``); every reader of outside files refuses it and its side
files before opening anything (``app.core.held_files.refuse_held``, called by
``app.core.jsonfile`` and ``app.core.cleaning``); every writer goes through
``app.core.outpaths.check_output``, which refuses them before it reads any file's first
bytes; every file dialog is made by ``app.ui.filedialogs``, whose icon provider never
opens a file. ``os.stat`` opens nothing and is safe.
``tests/test_two_processes.py`` checks it from the outside.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.core.outpaths import protect, unprotect
from app.core.record import record
from app.store import lite as sqlite_utils  # sqlite-utils itself loads on first use
from app.store.migrations import MIGRATIONS
from app.store.netfs import network_fs_type

SCHEMA_VERSION = len(MIGRATIONS)
BUSY_TIMEOUT_MS = 10_000


class StoreError(UserError):
    """The database cannot be used; the message says why and what to do.

    ``kind``: corrupt | readonly | newer | network (cannot be opened); locked | full |
    damaged (a fault met while using it: nothing of that change was written).
    """

    def __init__(self, message: str, path: Path | None = None, kind: str = "error") -> None:
        super().__init__(message)
        self.path = path
        self.kind = kind


@record
class StoreWarning:
    """Something the user should know about the open database (shown once)."""

    message: str
    kind: str = "network"


_last_path: Path | None = None  # the database most recently opened, for store_fault


class Database:
    """One connection to the app's database (sqlite-utils binds it to its thread)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        global _last_path
        self.path = Path(path)
        self.thread = threading.get_ident()
        self.warnings: list[StoreWarning] = []
        self.db = _connect(self.path, self.warnings)
        self._depth = 0
        _last_path = self.path
        protect(self.path)  # no export may write over it (app.core.outpaths)
        self._protected = True

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.db.conn.close()
        if getattr(self, "_protected", False):
            self._protected = False
            unprotect(self.path)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One logical change: ``BEGIN IMMEDIATE`` … ``COMMIT`` (rollback on error).

        Nested use joins the outer transaction. A database fault (locked past the busy
        timeout, disk full, a damaged page) leaves nothing of the change written and
        comes out as a ``StoreError`` saying what to do.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.db
            finally:
                self._depth -= 1
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise _fault_or(e, self.path) from e
        self._depth = 1
        try:
            yield self.db
            self.conn.execute("COMMIT")
        except BaseException as e:
            _rollback(self.conn)
            if isinstance(e, sqlite3.Error):
                raise _fault_or(e, self.path) from e
            raise
        finally:
            self._depth = 0


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back what is open. SQLite has already rolled back by itself after some
    errors (a full disk, an I/O error): a second ROLLBACK would fail with "cannot
    rollback - no transaction is active" and hide the first error."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


_COLUMN = re.compile(r"column '([^']{1,60})'")


def store_fault(e: BaseException, path: Path | None = None) -> StoreError | None:
    """The clear message for a fault met while using an open database (``e`` raised by
    sqlite3, or a stored value that does not decode), or None when ``e`` is not one.

    ``path`` defaults to the database most recently opened. The message never quotes
    stored data.
    """
    if isinstance(e, StoreError):
        return e
    path = Path(path) if path is not None else _last_path
    where = str(path) if path else "the database"
    msg = str(e).lower()
    if isinstance(e, UnicodeDecodeError) or (
            isinstance(e, sqlite3.OperationalError) and "could not decode" in msg):
        m = _COLUMN.search(str(e))
        return _damaged(path, "a stored text is not valid UTF-8"
                              + (f" (column {m.group(1)})" if m else ""))
    if not isinstance(e, sqlite3.DatabaseError):
        return None
    if "locked" in msg or "busy" in msg:
        return StoreError(
            f"{where} is busy: another copy of Close Reader or another program has been "
            f"using it for over {BUSY_TIMEOUT_MS / 1000:g} seconds. Nothing was changed; "
            "wait a moment and try again.", path, "locked")
    if "full" in msg:
        return StoreError(
            f"the disk holding {where} is full. Nothing was changed; free some disk space "
            "and try again.", path, "full")
    if "readonly" in msg or "read-only" in msg:
        return StoreError(f"{where} has become read-only: nothing was changed. Check the "
                          "folder's permissions, or open a database in a folder you can "
                          "write to.", path, "readonly")
    if "disk i/o" in msg:
        return StoreError(f"the disk holding {where} reported an error: nothing was "
                          "changed. Check the disk (or network drive) and try again.",
                          path, "io")
    if "malformed" in msg or "not a database" in msg or "corrupt" in msg:
        return _damaged(path, "the file's structure is broken")
    return None


def _damaged(path: Path | None, detail: str) -> StoreError:
    if path is None:
        return StoreError(f"part of the database is damaged ({detail}). Restore a backup.",
                          None, "damaged")
    return StoreError(
        f"part of {path} is damaged and cannot be read ({detail}). Nothing was changed. "
        f"Restore a backup: quit Close Reader and copy the latest file from "
        f"{backup_dir(path)} over {path.name}.", path, "damaged")


def _fault_or(e: sqlite3.Error, path: Path) -> BaseException:
    fault = store_fault(e, path)
    return fault if fault is not None else e


def load_column(text: Any, what: str, path: Path | None = None) -> Any:
    """A JSON column's value; a ``StoreError`` (damaged) when it does not decode."""
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        raise _damaged(path or _last_path, f"{what} is not valid data") from None


def damaged_row(what: str, path: Path | None = None) -> StoreError:
    """The error for a row whose stored value has the wrong shape."""
    return _damaged(path or _last_path, f"{what} is not valid data")


def _connect(path: Path, warnings: list[StoreWarning] | None = None) -> Any:
    if path.exists() and path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file", path)
    if path.exists() and not path.is_file():
        raise StoreError(f"{path} is not a database file (a device or a pipe)", path)
    if _readonly(path):  # SQLite would open it and fail at the first save
        raise _readonly_error(path)
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the folder for {path}: {e.strerror}", path) from None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as e:
        raise StoreError(f"cannot open the database {path}: {e}", path) from None
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path} was made by a newer version of Close Reader (schema {version}; "
                f"this version understands up to {SCHEMA_VERSION}). Update the app, or "
                "open another database.", path, "newer")
        _journal_mode(conn, path, warnings if warnings is not None else [])
        conn.execute("PRAGMA synchronous=NORMAL")
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            detail = " ".join(str(check).replace("*** in database main ***", "").split())
            raise StoreError(f"{path} is damaged and cannot be opened ({detail[:120]}). "
                             "Restore a backup or open another database.", path, "corrupt")
        if version < SCHEMA_VERSION:
            if version > 0:
                backup(conn, path, f"before-v{SCHEMA_VERSION}")
            _migrate(conn, version)
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as e:
        conn.close()
        raise _explain(e, path) from None
    except UnicodeDecodeError:  # SQLite quoted damaged bytes of the schema in its message
        conn.close()
        raise StoreError(f"{path} is damaged and cannot be opened. Restore a backup or open "
                         "another database.", path, "corrupt") from None
    return db


def _journal_mode(conn: sqlite3.Connection, path: Path, warnings: list[StoreWarning]) -> None:
    """WAL on a local disk; the rollback journal on a network file system, where WAL's
    shared memory does not work and would corrupt the database."""
    fstype = network_fs_type(path.parent)
    if fstype is None:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal" and not _readonly(path):
            raise StoreError(f"cannot switch {path} to WAL mode", path)
        return
    try:  # leaving WAL needs every other connection closed
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        mode = "wal"
    if mode.lower() != "delete":
        raise StoreError(
            f"{path} is on a network drive ({fstype}) and another program still has it open "
            "in a mode that is unsafe there. Close the other copies of Close Reader and try "
            "again, or copy the database to this computer's disk.", path, "network")
    warnings.append(StoreWarning(
        f"{path} is on a network drive ({fstype}). Close Reader uses it in the slower "
        "safe mode there; let only one computer at a time use it, or keep the database on "
        "this computer's disk and exchange submission files instead.", "network"))


def _readonly(path: Path) -> bool:
    return path.exists() and not os.access(path, os.W_OK)


def _readonly_error(path: Path) -> StoreError:
    return StoreError(f"{path} is read-only: Close Reader cannot save work there. "
                      "Open a database in a folder you can write to.", path, "readonly")


def _explain(e: sqlite3.DatabaseError, path: Path) -> StoreError:
    msg = str(e).lower()
    if "readonly" in msg or "read-only" in msg or _readonly(path):
        return _readonly_error(path)
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return StoreError(f"{path} is damaged and cannot be opened ({str(e)[:120]}). Restore "
                          "a backup or open another database.", path, "corrupt")
    fault = store_fault(e, path)
    if fault is not None:
        return fault
    return StoreError(f"cannot use the database {path}: {str(e)[:200]}", path)


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Step by step, one transaction each; a new database (version 0) is made in one
    transaction (all there or nothing, and one commit instead of one per step)."""
    step = version
    while step < SCHEMA_VERSION:
        upto = SCHEMA_VERSION if step == 0 else step + 1
        conn.execute("BEGIN IMMEDIATE")
        now = conn.execute("PRAGMA user_version").fetchone()[0]
        if now > step:  # another copy of the app migrated while we waited for the lock
            conn.execute("COMMIT")
            step = now
            continue
        try:
            for i in range(step, upto):
                MIGRATIONS[i](conn)
                conn.execute(f"PRAGMA user_version={i + 1}")
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        step = upto


def backup_dir(path: Path) -> Path:
    return path.parent / "backups"


def backup(conn: sqlite3.Connection, path: Path, reason: str) -> Path:
    """Copy the database (consistently, via SQLite's backup API) into ``backups/``."""
    folder = backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{stamp}-{reason}{path.suffix or '.db'}"
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def list_backups(path: Path) -> list[Path]:
    folder = backup_dir(Path(path))
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{Path(path).stem}-*"), key=lambda p: p.stat().st_mtime,
                  reverse=True)


def restore_backup(backup_path: Path, path: Path) -> None:
    """Replace the database at ``path`` with a backup (the damaged file is kept aside)."""
    path = Path(path)
    if path.exists():
        aside = path.with_name(f"{path.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(str(path) + suffix)
    src = sqlite3.connect(Path(backup_path).resolve().as_uri() + "?mode=ro", uri=True)
    dest = sqlite3.connect(str(path))
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
