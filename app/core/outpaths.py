"""Where Close Reader writes a file the user chose, and how: never over a database.

Every writer of a user-chosen path (packs, bundles, feedback files, CSVs, PDFs, W3C,
PTC and doccano exports; the command line and the app's Save dialogs) goes through
``write_atomic``, which first asks ``check_output`` (formats.md, "Output paths"). It
refuses, with one line and nothing written:

- the database Close Reader has open, or its ``-wal``, ``-shm`` and ``-journal`` files,
  compared by device and inode (a hard link or another spelling of the same file is
  the same file), and by name for side files that do not exist yet;
- any SQLite database, write-ahead log or rollback journal (recognised by the first
  bytes of the file), and a ``-wal``/``-shm``/``-journal`` file beside a database;
- anything that is not a regular file: a device (``/dev/full``), a pipe, a socket, a
  folder;
- a symbolic link to any of those (a link to a regular file is followed: the file it
  points to is the one replaced, and the link stays).

The file is written to a temporary file beside its target and renamed over it, so a
failure (a full disk) leaves the old file as it was. Pure Python: the store registers
the databases it opens (``protect``); nothing here speaks SQL.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from app.core.errors import UserError

SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_MAGICS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")  # sqlite.org/fileformat2.html#walformat
JOURNAL_MAGIC = b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"  # fileformat2.html#rollbackjournal
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
SIDE_NAMES = {"-wal": "write-ahead log", "-shm": "shared-memory index",
              "-journal": "rollback journal"}
NOTHING = "nothing was written"

_lock = threading.Lock()
_open: dict[str, int] = {}  # absolute path of each database open in this process -> count


class OutputRefused(UserError):
    """An output path that would destroy something; the message says what it is."""


def protect(path: str | os.PathLike[str]) -> None:
    """Note a database this process has open (the store calls it on opening)."""
    key = os.path.abspath(os.fspath(path))
    with _lock:
        _open[key] = _open.get(key, 0) + 1


def unprotect(path: str | os.PathLike[str]) -> None:
    key = os.path.abspath(os.fspath(path))
    with _lock:
        left = _open.get(key, 0) - 1
        if left > 0:
            _open[key] = left
        else:
            _open.pop(key, None)


def open_databases() -> list[str]:
    with _lock:
        return list(_open)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def _head(path: str, n: int = 16) -> bytes:
    """The first bytes of a regular file (b"" when it cannot be read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return os.read(fd, n)
    except OSError:
        return b""
    finally:
        os.close(fd)


def _is_database(path: str) -> bool:
    return _head(path).startswith(SQLITE_MAGIC)


def _sqlite_kind(path: str) -> str | None:
    """What SQLite file ``path`` is, by its first bytes, or None."""
    head = _head(path)
    if head.startswith(SQLITE_MAGIC):
        return "an SQLite database"
    if head[:4] in WAL_MAGICS:
        return "an SQLite write-ahead log"
    if head.startswith(JOURNAL_MAGIC):
        return "an SQLite rollback journal"
    return None


def _protected_files(protected: Iterable[str | os.PathLike[str]]) -> list[tuple[str, str]]:
    """(real path, what it is) for each protected database and its side files."""
    out = []
    for db in [*map(os.fspath, protected), *open_databases()]:
        real = os.path.realpath(db)
        out.append((real, "the database Close Reader is using"))
        for suffix in SIDE_SUFFIXES:
            out.append((real + suffix, f"the {SIDE_NAMES[suffix]} of the database Close Reader "
                                       f"is using ({Path(real).name})"))
    return out


def _same_file(a: os.stat_result, b: str) -> bool:
    try:
        s = os.stat(b)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (s.st_dev, s.st_ino)


def check_output(path: str | os.PathLike[str], protected: Iterable[str | os.PathLike[str]] = (),
                 folder: bool = False) -> Path:
    """The path to write ``path`` to (links resolved), or ``OutputRefused`` saying why.

    ``protected``: databases to keep besides the ones open in this process (the
    command line checks before it opens its database). ``folder``: the output is a
    folder (a PTC export): an existing folder is fine, anything else is refused the same.
    """
    given = os.fspath(path)
    shown = given or "''"
    if not given:
        raise OutputRefused("no output file was given")
    real = os.path.realpath(given)
    via = ""
    with contextlib.suppress(OSError):
        if stat.S_ISLNK(os.lstat(given).st_mode):
            via = f"{shown} is a link to {real}, which is "
    lead = via or f"{shown} is "
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise OutputRefused(f"{shown}: cannot be written ({e.strerror or e})") from None
    guard = _protected_files(protected)
    if info is not None:
        if folder and stat.S_ISDIR(info.st_mode):
            return Path(real)
        if not stat.S_ISREG(info.st_mode):
            what = _kind(info.st_mode)
            hint = ("give a file name inside it" if what == "a folder"
                    else "choose a file name in a folder")
            raise OutputRefused(f"{lead}{what}, not a file: {NOTHING}; {hint}")
        for other, what in guard:
            if _same_file(info, other):
                raise OutputRefused(f"{lead}{what}: {NOTHING}. Choose another file name.")
        kind = _sqlite_kind(real)
        if kind:
            raise OutputRefused(f"{lead}{kind}: {NOTHING}. Choose another file name.")
    else:
        for other, what in guard:
            if os.path.normcase(real) == os.path.normcase(other):
                raise OutputRefused(f"{lead}{what}: {NOTHING}. Choose another file name.")
        parent = os.path.dirname(real)
        if not folder and not os.path.isdir(parent):  # (a folder is made with its parents)
            raise OutputRefused(f"{shown}: the folder {parent} does not exist: {NOTHING}")
    for suffix in SIDE_SUFFIXES:
        if real.endswith(suffix) and _is_database(real[: -len(suffix)]):
            base = Path(real[: -len(suffix)]).name
            raise OutputRefused(f"{lead}the {SIDE_NAMES[suffix]} of the SQLite database "
                                f"{base}: {NOTHING}. Choose another file name.")
    return Path(real)


def write_atomic(path: str | os.PathLike[str], fill: Callable[[IO[bytes]], None],
                 protected: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Write a file through ``fill(binary file)``: checked (``check_output``), written
    beside the target, synced, checked again and renamed into place. Returns the path
    written (links resolved)."""
    import tempfile  # (not on the start path: the store imports this module to register)

    protected = list(protected)
    target = check_output(path, protected)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        if check_output(path, protected) != target:  # the path changed meanwhile
            raise OutputRefused(f"{os.fspath(path)} changed while it was being written: "
                                f"{NOTHING}")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8",
                      protected: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """``text`` encoded (``utf-8-sig`` writes a byte-order mark), line ends as given."""
    data = text.encode(encoding)
    return write_atomic(path, lambda f: f.write(data), protected)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes,
                       protected: Iterable[str | os.PathLike[str]] = ()) -> Path:
    return write_atomic(path, lambda f: f.write(data), protected)
