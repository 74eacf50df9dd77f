"""Opening the SQLite database: pragmas, schema migrations, backups, transactions.

The only module (with ``migrations`` and ``repo``) that speaks SQL.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.store import lite as sqlite_utils  # sqlite-utils itself loads on first use
from app.store.migrations import MIGRATIONS

SCHEMA_VERSION = len(MIGRATIONS)
BUSY_TIMEOUT_MS = 10_000


class StoreError(UserError):
    """The database cannot be used; the message says why and what to do."""

    def __init__(self, message: str, path: Path | None = None, kind: str = "error") -> None:
        super().__init__(message)
        self.path = path
        self.kind = kind  # corrupt | readonly | newer | locked | error


class Database:
    """One connection to the app's database (sqlite-utils binds it to its thread)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.thread = threading.get_ident()
        self.db = _connect(self.path)
        self._depth = 0

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.db.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One logical change: ``BEGIN IMMEDIATE`` … ``COMMIT`` (rollback on error).

        Nested use joins the outer transaction.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.db
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.db
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0


def _connect(path: Path) -> Any:
    if path.exists() and path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file", path)
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
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal" and not _readonly(path):
            raise StoreError(f"cannot switch {path} to WAL mode", path)
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


def _readonly(path: Path) -> bool:
    return path.exists() and not os.access(path, os.W_OK)


def _readonly_error(path: Path) -> StoreError:
    return StoreError(f"{path} is read-only: Close Reader cannot save work there. "
                      "Open a database in a folder you can write to.", path, "readonly")


def _explain(e: sqlite3.DatabaseError, path: Path) -> StoreError:
    msg = str(e).lower()
    if "readonly" in msg or "read-only" in msg or _readonly(path):
        return _readonly_error(path)
    if "locked" in msg or "busy" in msg:
        return StoreError(f"{path} is busy (another program is writing to it); try again.",
                          path, "locked")
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return StoreError(f"{path} is damaged and cannot be opened ({e}). Restore a backup "
                          "or open another database.", path, "corrupt")
    return StoreError(f"cannot use the database {path}: {e}", path)


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    for step in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        # another copy of the app may have migrated while we waited for the write lock
        if conn.execute("PRAGMA user_version").fetchone()[0] > step:
            conn.execute("COMMIT")
            continue
        try:
            MIGRATIONS[step](conn)
            conn.execute(f"PRAGMA user_version={step + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


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
