"""Reading outside files safely: regular files only (a FIFO, a device or a folder is
refused before anything is read), at most 50 MB, UTF-8 text (a leading BOM is dropped)."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.errors import FormatError
from app.core.jsonfile import MAX_FILE_BYTES, decode_utf8, read_outside_file


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, through the one reader of outside files (``app.core.jsonfile``)."""
    return read_outside_file(path, limit)


def decode_text(data: bytes, name: str) -> tuple[str, bool]:
    """UTF-8 text and whether a byte-order mark was dropped from its start (no NUL)."""
    text, bom = decode_utf8(data, f"{name}:")
    if "\x00" in text:
        raise FormatError(f"{name}: contains a NUL character at position {text.index(chr(0))}")
    return text, bom


def read_text(path: str | os.PathLike[str]) -> str:
    return decode_text(read_bytes(path), Path(path).name)[0]
