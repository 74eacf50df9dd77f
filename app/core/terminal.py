"""Text from outside (names, titles, categories, quotes) made safe to print on a
terminal: escape sequences (CSI, OSC, DCS…), other C0 and C1 control characters and
bidirectional overrides are removed, so a name cannot recolour the screen, retitle the
window, hide text, plant a link or reorder what is shown.

Line breaks and tabs inside outside text become spaces: only the command itself lays
out lines and columns.
"""

from __future__ import annotations

import re

# An escape sequence is removed whole, so no "[31m" residue is left behind.
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"          # CSI … final byte
    r"|\x9b[0-?]*[ -/]*[@-~]?"           # 8-bit CSI
    r"|[\x1b][\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # their 8-bit forms
    r"|\x1b[ -/]*[0-~]?"                 # other ESC sequences (ESC c, ESC ( B, …)
)
_SPACE_LIKE = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]")
# C0 and C1 controls, DEL, and the bidi embeddings, overrides, isolates and marks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# the same but the layout characters json.dumps emits itself (it escapes them in strings)
_JSON_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def clean(text: str) -> str:
    """``text`` with terminal controls removed and line breaks and tabs made spaces."""
    if text.isprintable() and not _CONTROL.search(text):
        return text
    text = _SEQUENCE.sub("", text)
    text = _SPACE_LIKE.sub(" ", text)
    return _CONTROL.sub("", text)


def clean_json(dumped: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every character a
    terminal would act on written as a ``\\uXXXX`` escape: the same JSON value, safe to
    print. (``json.dumps`` escapes C0 controls itself, but not C1 or bidi controls.)"""
    return _JSON_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
