"""How a student's name is compared and shown (formats.md, "Submission bundle").

Two names are the same student when they are equal after Unicode NFKC normalisation,
removal of invisible format characters (zero-width spaces and joiners, bidi marks:
category ``Cf``), collapsing of white space and case folding. A name that mixes scripts
(a Cyrillic "А" in a Latin name), or that looks like another name without being equal
to it, is flagged for the instructor.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Letters of other scripts that are drawn like Latin ones (Unicode's confusables for the
# common Cyrillic and Greek look-alikes; enough to catch a forged classroom name).
_LOOKALIKES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "d",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v",
    "α": "a", "ι": "i", "κ": "k", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "0": "O", "1": "l", "|": "l",
})


def _visible(name: str) -> str:
    return "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cc"))


def clean_name(name: str) -> str:
    """The name as shown: invisible and control characters removed, white space folded."""
    return " ".join(_visible(name).split())


def name_key(name: str) -> str:
    """A student's identity: NFKC, format characters removed, spaces collapsed, casefold."""
    return " ".join(_visible(unicodedata.normalize("NFKC", name)).split()).casefold()


def _script(ch: str) -> str:
    if not ch.isalpha():
        return ""
    word = unicodedata.name(ch, "").split(" ")[0]
    return word  # LATIN, CYRILLIC, GREEK, CJK, HIRAGANA, …


def scripts(name: str) -> set[str]:
    return {s for s in (_script(ch) for ch in unicodedata.normalize("NFKC", name)) if s}


def is_mixed_script(name: str) -> bool:
    """Latin letters together with Cyrillic or Greek ones in one name (a look-alike)."""
    found = scripts(name)
    return "LATIN" in found and bool(found & {"CYRILLIC", "GREEK"})


def skeleton(name: str) -> str:
    """What a name looks like: its key with look-alike letters drawn as Latin."""
    return name_key(name).translate(_LOOKALIKES).casefold()


def lookalikes(names: Iterable[str]) -> dict[str, str]:
    """Names to flag, each with the reason: mixed scripts, or drawn like another name."""
    names = list(names)
    by_skeleton: dict[str, set[str]] = {}
    for n in names:
        by_skeleton.setdefault(skeleton(n), set()).add(name_key(n))
    out: dict[str, str] = {}
    for n in names:
        others = by_skeleton[skeleton(n)] - {name_key(n)}
        if others:
            out[n] = "looks like another student's name but is spelled with other letters"
        elif is_mixed_script(n):
            out[n] = "mixes letters of different alphabets"
    return out
