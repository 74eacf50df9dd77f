"""A new database starts as a copy of ``lessons/prepared.db``: the bundled lessons
already imported, made by ``app.services.library.write_prepared_database``.

Importing the bundled packs into an empty database (schema, packs read and checked,
lessons and tokens written) took 15 ms of a first start; copying the prepared file takes
well under one. The copy is used only when it is exactly what importing would make now:
the same schema version (read from the SQLite header) and the same pack files (their
names, sizes and CRC-32s, kept in the prepared database's settings). Otherwise, or when
anything goes wrong, nothing is written and the packs are imported as before.
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from pathlib import Path

PREPARED = "prepared.db"
DIGEST = "prepared_from_packs"  # the setting: what ``packs_digest`` said when it was made
_HEADER = b"SQLite format 3\x00"


def packs_digest(folder: Path) -> str:
    """Names, sizes and CRC-32s of the pack files (and token cache) in ``folder``."""
    parts = []
    for f in sorted(folder.glob("*.json")):
        data = f.read_bytes()
        parts.append(f"{f.name}:{len(data)}:{zlib.crc32(data):08x}")
    return " ".join(parts)


def prepared_current(src: Path, folder: Path, schema: int) -> bool:
    """True when ``src`` is a database of schema ``schema`` made from ``folder``'s packs."""
    try:
        with open(src, "rb") as f:
            head = f.read(100)
        if len(head) < 100 or not head.startswith(_HEADER) \
                or int.from_bytes(head[60:64], "big") != schema:  # PRAGMA user_version
            return False
        conn = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [DIGEST]).fetchone()
        finally:
            conn.close()
    except (OSError, sqlite3.Error, ValueError):
        return False
    return row is not None and row[0] == packs_digest(folder)


def place_prepared(path: Path, folder: Path | None = None, schema: int | None = None) -> bool:
    """Start the database at ``path``, which does not exist yet, as a copy of the
    prepared one when that is current. False when it was not copied (nothing written).

    The copy is written beside ``path``, flushed to disk, then linked into place: another
    copy of the app starting at the same moment sees no file or a whole one, and a file
    that appeared meanwhile is never overwritten."""
    if folder is None:
        from app.paths import lessons_dir

        folder = lessons_dir()
    if schema is None:
        from app.store.db import SCHEMA_VERSION as schema
    src = folder / PREPARED
    path = Path(path)
    if path.exists() or not prepared_current(src, folder, schema):
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        data = src.read_bytes()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, path)  # fails if ``path`` exists (or where links are not supported)
    except OSError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True
