"""Reading untrusted JSON files safely, and small typed field readers that raise
``FormatError`` naming exactly what is wrong."""

from __future__ import annotations

import io
import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app.core.errors import FormatError
from app.core.held_files import refuse_held

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64
MAX_INT = 10**40 - 1  # larger whole numbers are refused rather than echoed in messages
T = TypeVar("T")


def decode_utf8(data: bytes, what: str = "file") -> tuple[str, bool]:
    """UTF-8 text, and whether a leading byte-order mark was dropped; a clear error for
    UTF-16 or bytes that are not UTF-8 (every outside file is read through this)."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FormatError(f"{what} is UTF-16 encoded; save it as UTF-8")
    try:
        return data.decode("utf-8"), bom
    except UnicodeDecodeError as e:
        raise FormatError(f"{what} is not UTF-8 text (bad byte at position {e.start}); "
                          "save it as UTF-8") from None


def load_json_bytes(data: bytes, what: str = "file") -> Any:
    """Decode UTF-8 JSON (a leading BOM is accepted) with a clear error for anything else."""
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(f"{what} is larger than 50 MB ({len(data) // (1024 * 1024)} MB)")
    text, _ = decode_utf8(data, what)
    if not text.strip():
        raise FormatError(f"{what} is empty")
    if _too_deep(text):
        raise FormatError(f"{what} is nested more than {MAX_DEPTH} levels deep")
    try:
        return loads_strict(text)
    except FormatError as e:  # from _no_duplicates or _no_constant
        raise FormatError(f"{what} is not valid: {e}") from None
    except json.JSONDecodeError as e:
        raise FormatError(
            f"{what} is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        ) from None
    except (RecursionError, ValueError) as e:
        raise FormatError(f"{what} could not be read as JSON ({str(e)[:120]})") from None


def loads_strict(text: str) -> Any:
    """``json.loads`` for outside text: an object naming a key twice, and ``NaN`` or
    ``Infinity`` (not JSON, though Python reads them), raise ``FormatError``; a number
    too large for a float (``1e400``) too. Syntax errors stay ``json.JSONDecodeError``."""
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant,
                      parse_float=_finite)


def _no_constant(name: str) -> Any:
    raise FormatError(f"{name} is not a JSON number")


def _finite(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise FormatError(f"the number {literal[:20]}{'…' * (len(literal) > 20)} is too large")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` refusing an object that names the same key twice (JSON
    parsers disagree on which value wins, so the file means two things)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise FormatError(f"an object has the key {show(key)} twice")
        out[key] = value
    return out


# the nesting check, in C-speed passes: escapes dropped, then every byte but quotes and
# brackets, then what lies between quotes (an unterminated string runs to the end);
# only the brackets left are walked
_ESCAPE = re.compile(rb"\\.", re.S)
_KEEP = bytes(b for b in range(256) if b not in b'"[]{}')


_CHUNK = 1 << 18  # characters per pass: each C call is short, so a reader thread lets
# the GUI thread run (one pass over 12 MB held the GIL for 80-130 ms)


def _reduced(text: str) -> bytes:
    """``text`` without escapes and with only its quotes and brackets, in chunks. A
    chunk never ends just after a backslash, so an escape is never cut in two."""
    parts = []
    start = 0
    while start < len(text):
        end = min(start + _CHUNK, len(text))
        while end < len(text) and text[end - 1] == "\\":
            end += 1
        data = text[start:end].encode("utf-8", "surrogatepass")
        if b"\\" in data:
            data = _ESCAPE.sub(b"", data)
        parts.append(data.translate(None, _KEEP))
        start = end
    return b"".join(parts)


def _outside_strings(reduced: bytes) -> bytes:
    """The brackets of ``reduced`` (quotes and brackets only) outside strings: between
    the quotes, chunk by chunk, keeping track of whether a string is open."""
    out = []
    inside = False
    for start in range(0, len(reduced), _CHUNK):
        parts = reduced[start:start + _CHUNK].split(b'"')
        out.append(b"".join(parts[1::2] if inside else parts[0::2]))
        inside ^= (len(parts) - 1) % 2 == 1
    return b"".join(out)


def _too_deep(text: str) -> bool:
    """Cheap nesting check before parsing (ignores brackets inside strings). A loop
    over every character took 0.5 s on a 12 MB bundle; this takes ~80 ms."""
    brackets = _outside_strings(_reduced(text))
    if len(brackets) <= MAX_DEPTH:
        return False
    depth = 0
    for ch in brackets:
        if ch in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        else:
            depth -= 1
    return False


def read_outside_file(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES,
                      what: str = "file") -> bytes:
    """The bytes of a file from outside the app, at most ``limit`` of them.

    Anything that is not a regular file (a FIFO, a device such as ``/dev/zero``, a
    folder, a socket) is refused at once, before it is opened for reading, and the read
    never goes past the limit: neither can block or fill memory. Errors start with the
    file's name.
    """
    p = Path(path)
    name = p.name or str(p)
    refuse_held(p)  # opening it would drop the open database's locks (app.store.db)
    try:
        info = os.stat(p)
        if not stat.S_ISREG(info.st_mode):
            raise FormatError(f"{name}: not a regular file ({_file_kind(info.st_mode)}); "
                              f"choose a {what} saved on disk")
        if info.st_size > limit:
            raise FormatError(f"{name}: {what} is larger than {_mb(limit)}")
        # O_NONBLOCK: a path swapped for a FIFO after the check must not block the open
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise FormatError(f"{name}: not a regular file; choose a {what} saved on disk")
            data = f.read(limit + 1)
    except OSError as e:
        raise FormatError(f"{name}: cannot read ({e.strerror or e})") from None
    if len(data) > limit:
        raise FormatError(f"{name}: {what} is larger than {_mb(limit)}")
    return data


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def read_json_file(path: str | os.PathLike[str]) -> Any:
    p = Path(path)
    return load_json_bytes(read_outside_file(p, MAX_FILE_BYTES), p.name)


def read_validated(path: str | os.PathLike[str], parse: Callable[[Any], T]) -> T:
    """Read a JSON file and validate it with ``parse``; errors start with the file name."""
    name = os.path.basename(os.fspath(path))
    try:
        return parse(read_json_file(path))
    except FormatError as e:
        msg = str(e)
        raise FormatError(msg if msg.startswith(name) else f"{name}: {msg}") from None


def write_json_atomic(path: str | os.PathLike[str], obj: Any) -> None:
    """Write JSON to a temporary file beside ``path`` and rename it into place, never
    over a database, a device or through a link to one (``app.core.outpaths``)."""
    from app.core.outpaths import write_atomic

    def fill(raw: Any) -> None:
        f = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")
        f.flush()
        f.detach()

    write_atomic(path, fill)


class Fields:
    """Typed access to one JSON object's fields; errors say where (``ctx``) and which."""

    def __init__(self, obj: Any, ctx: str) -> None:
        if not isinstance(obj, dict):
            raise FormatError(f"{ctx}: expected an object, got {_kind(obj)}")
        self.obj = obj
        self.ctx = ctx

    def fail(self, field: str, msg: str) -> FormatError:
        return FormatError(f"{self.ctx}: field '{field}' {msg}")

    def str(self, name: str, required: bool = False, default: str = "") -> str:
        if name not in self.obj or self.obj[name] is None:
            if required:
                raise self.fail(name, "is missing")
            return default
        v = self.obj[name]
        if not isinstance(v, str):
            raise self.fail(name, f"must be a string, got {_kind(v)}")
        if required and not v.strip():
            raise self.fail(name, "is empty")
        if "\x00" in v:
            raise self.fail(name, "contains a NUL character")
        try:
            v.encode("utf-8")
        except UnicodeEncodeError as e:
            raise self.fail(name, f"is not valid text (a lone surrogate at position {e.start})"
                            ) from None
        return v

    def line(self, name: str, limit: int, required: bool = False) -> str:
        """A one-line plain-text field (a title, a name of something) within ``limit``
        characters: ``app.core.textrules``."""
        from app.core.textrules import line_problem

        v = self.str(name, required=required)
        problem = line_problem(v, limit)
        if problem:
            raise self.fail(name, problem)
        return v

    def block(self, name: str, limit: int) -> str:
        """A plain-text field that may hold line breaks (instructions, explanations)."""
        from app.core.textrules import block_problem

        v = self.str(name)
        problem = block_problem(v, limit)
        if problem:
            raise self.fail(name, problem)
        return v

    def student(self, name: str = "student") -> str:
        """A student's name as shown (``app.core.names``): one line, something visible,
        at most 100 characters; invisible format characters dropped."""
        from app.core.names import clean_name, name_problem, shown_name

        v = self.str(name, required=True)
        problem = name_problem(v)
        if problem:
            raise self.fail(name, f"{shown_name(v)} {problem}")
        return clean_name(v)

    def int(self, name: str, required: bool = True, default: int = 0) -> int:
        if name not in self.obj:
            if required:
                raise self.fail(name, "is missing")
            return default
        v = self.obj[name]
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(name, f"must be a whole number, got {_kind(v)}")
        if not -MAX_INT <= v <= MAX_INT:
            raise self.fail(name, "is a number with more than 40 digits")
        return v

    def bool(self, name: str, default: bool) -> bool:
        if name not in self.obj or self.obj[name] is None:
            return default
        v = self.obj[name]
        if not isinstance(v, bool):
            raise self.fail(name, f"must be true or false, got {_kind(v)}")
        return v

    def list(self, name: str, required: bool = False) -> list[Any] | None:
        if name not in self.obj or self.obj[name] is None:
            if required:
                raise self.fail(name, "is missing")
            return None
        v = self.obj[name]
        if not isinstance(v, list):
            raise self.fail(name, f"must be a list, got {_kind(v)}")
        return v

    def header(self, fmt: str, versions: tuple[int, ...] = (1,)) -> int:
        got = self.obj.get("format")
        if got != fmt:
            raise self.fail("format", f"must be \"{fmt}\", got {json.dumps(got)[:60]}")
        version = self.int("version")
        if version not in versions:
            raise self.fail("version", f"{version} is not supported (this app reads {versions})")
        return version


def show(value: str, limit: int = 40) -> str:
    """A piece of untrusted text for an error message: quoted, cut short, on one line
    (newlines and other invisible characters escaped)."""
    body = "".join(
        ch if ch.isprintable() else _ESCAPES.get(ch) or (
            f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        for ch in value[:limit]
    )
    return f"'{body}'" + ("…" if len(value) > limit else "")


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _kind(v: Any) -> str:
    return {
        dict: "an object", list: "a list", str: "a string", bool: "true/false",
        int: "a number", float: "a number", type(None): "null",
    }.get(type(v), type(v).__name__)
