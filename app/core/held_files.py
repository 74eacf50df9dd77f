"""Files this process must never open itself: the database it holds, and its side files.

SQLite locks a database with POSIX advisory locks, and POSIX drops *every* lock a
process holds on a file when the process closes *any* descriptor of that file — even one
opened only to read a header ("How To Corrupt An SQLite Database File", §2.2,
https://www.sqlite.org/howtocorrupt.html#_posix_advisory_locks_canceled_by_a_separate_thread_doing_close_).
With its locks gone, another copy of Close Reader (or ``close-reader lessons list``)
believes it is the last user of the database, checkpoints the WAL and deletes the
``-wal`` and ``-shm`` files under the running app, and every later save of the app fails.

So only SQLite opens these files. The store registers the databases it opens (one
registry: ``app.core.outpaths.protect``, which also keeps exports from writing over
them); every reader of outside files calls ``refuse_held`` before it opens a path the
user chose, and every writer goes through ``app.core.outpaths.check_output``, which
refuses them before it looks inside any file. ``os.stat`` is safe (it opens nothing).
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.errors import FormatError
from app.core.outpaths import SIDE_SUFFIXES, open_databases


def _key(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def is_held(path: str | os.PathLike[str]) -> bool:
    """True for a database this process holds, or one of its side files (the same file
    by device and inode, whatever the path's spelling or links; a side file also by
    name, as it may not exist yet)."""
    held = open_databases()
    if not held:
        return False
    keys = {k for k in map(_key, held) if k is not None}
    name = os.fspath(path)
    if _key(path) in keys:
        return True
    real = os.path.realpath(name)
    for suffix in SIDE_SUFFIXES:
        if name.endswith(suffix):
            if _key(name[: -len(suffix)]) in keys:
                return True
            if any(os.path.realpath(db) + suffix == real for db in held):
                return True
    return False


def refuse_held(path: str | os.PathLike[str]) -> None:
    """A ``FormatError`` when ``path`` is the open database or one of its side files:
    opening it, even to read, would drop the database's locks (see above)."""
    if is_held(path):
        name = Path(path).name or os.fspath(path)
        raise FormatError(f"{name}: this is Close Reader's own database, which is open; "
                          "choose another file")
