"""Reading untrusted JSON files safely, and small typed field readers that raise
``FormatError`` naming exactly what is wrong."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app.core.errors import FormatError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64
T = TypeVar("T")


def load_json_bytes(data: bytes, what: str = "file") -> Any:
    """Decode UTF-8 JSON (a leading BOM is accepted) with a clear error for anything else."""
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(f"{what} is larger than 50 MB ({len(data) // (1024 * 1024)} MB)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FormatError(f"{what} is UTF-16 encoded; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FormatError(f"{what} is not UTF-8 text (bad byte at position {e.start})") from None
    if not text.strip():
        raise FormatError(f"{what} is empty")
    if _too_deep(text):
        raise FormatError(f"{what} is nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise FormatError(
            f"{what} is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        ) from None
    except (RecursionError, ValueError) as e:
        raise FormatError(f"{what} could not be read as JSON ({e})") from None


def _too_deep(text: str) -> bool:
    """Cheap nesting check before parsing (ignores brackets inside strings)."""
    depth = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def read_json_file(path: str | os.PathLike[str]) -> Any:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise FormatError(f"{p.name}: cannot read ({e.strerror or e})") from None
    if size > MAX_FILE_BYTES:
        raise FormatError(f"{p.name}: file is larger than 50 MB")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise FormatError(f"{p.name}: cannot read ({e.strerror or e})") from None
    return load_json_bytes(data, p.name)


def read_validated(path: str | os.PathLike[str], parse: Callable[[Any], T]) -> T:
    """Read a JSON file and validate it with ``parse``; errors start with the file name."""
    name = os.path.basename(os.fspath(path))
    try:
        return parse(read_json_file(path))
    except FormatError as e:
        msg = str(e)
        raise FormatError(msg if msg.startswith(name) else f"{name}: {msg}") from None


def write_json_atomic(path: str | os.PathLike[str], obj: Any) -> None:
    """Write JSON to a temporary file beside ``path`` and rename it into place."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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

    def int(self, name: str, required: bool = True, default: int = 0) -> int:
        if name not in self.obj:
            if required:
                raise self.fail(name, "is missing")
            return default
        v = self.obj[name]
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(name, f"must be a whole number, got {_kind(v)}")
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
