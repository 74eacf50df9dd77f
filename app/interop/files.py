"""Reading outside files safely: regular files only (a FIFO, a device or a folder is
refused before anything is read), at most 50 MB, UTF-8 text (a leading BOM is dropped)."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.errors import FormatError
from app.core.jsonfile import MAX_FILE_BYTES, read_outside_file


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, through the one reader of outside files (``app.core.jsonfile``)."""
    return read_outside_file(path, limit)


def decode_text(data: bytes, name: str) -> tuple[str, bool]:
    """UTF-8 text and whether a byte-order mark was dropped from its start."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FormatError(f"{name}: is UTF-16 encoded; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FormatError(f"{name}: is not UTF-8 text (bad byte at position {e.start}); "
                          "save it as UTF-8") from None
    if "\x00" in text:
        raise FormatError(f"{name}: contains a NUL character at position {text.index(chr(0))}")
    return text, bom


def read_text(path: str | os.PathLike[str]) -> str:
    return decode_text(read_bytes(path), Path(path).name)[0]
