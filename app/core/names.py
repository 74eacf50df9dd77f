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


MAX_NAME = 100  # characters, as shown (formats.md, "Text from outside")

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt) beyond the format
# characters: drawn as nothing. The Hangul fillers are letters (Lo), so a name of
# U+3164 alone passed every "is it empty" test and showed as a blank.
_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_BLANK = {0x2800, 0x3000}  # Braille pattern blank, ideographic space: drawn empty


def is_invisible(ch: str) -> bool:
    """A character drawn as nothing: white space, a control or format character, a
    default-ignorable code point (Hangul fillers, variation selectors), a lone mark."""
    cp = ord(ch)
    if ch.isspace() or cp in _BLANK or any(a <= cp <= b for a, b in _IGNORABLE):
        return True
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Zs", "Zl",
                                        "Zp")


def shown_name(name: str, limit: int = 40) -> str:
    """A name for a message, quoted: characters drawn as nothing written as ``\\uXXXX``
    (a name of U+3164 must not read as blank quotes), cut at ``limit``."""
    body = "".join(f"\\u{ord(ch):04x}" if (is_invisible(ch) and ch != " ") or not ch.isprintable()
                   else ch for ch in name[:limit])
    return f"'{body}'" + ("…" if len(name) > limit else "")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a student's name, or None: a line break, tab or other
    control character (a newline made a second student), nothing visible (only spaces,
    U+3164 HANGUL FILLER and the like), or more than ``MAX_NAME`` characters."""
    bad = next((ch for ch in name if unicodedata.category(ch) == "Cc"), None)
    if bad is not None:
        what = {"\n": "a line break", "\r": "a line break", "\t": "a tab"}.get(bad)
        return f"holds {what or f'the control character U+{ord(bad):04X}'}; a name is one line"
    shown = clean_name(name)
    if not name.strip():
        return "is empty"
    if all(is_invisible(ch) for ch in shown):  # (also when nothing is left of it)
        return "has no visible letters (only spaces or invisible characters)"
    if len(shown) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    return None


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
    """What a name looks like: its key with look-alike letters drawn as Latin and
    characters drawn as nothing left out ("Ana P." and "Ana P.\u3164" look the same)."""
    key = name_key(name).translate(_LOOKALIKES).casefold()
    drawn = (" " if ch.isspace() else "" if is_invisible(ch) else ch for ch in key)
    return " ".join("".join(drawn).split())


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


def likely_same(first: str, last: str, name: str) -> bool:
    """Could the student who typed ``name`` be the roster's ``first`` ``last``? The same
    first name, and the last name given by its initial ("Sam K." or "Sam K" for Sam
    Kowalski) or left out ("Sam"). A suggestion for the instructor to confirm, never a
    match made on its own."""
    words = name_key(name).replace(".", " ").split()
    first_k, last_k = name_key(first).split(), name_key(last)
    if not words or not first_k or words[: len(first_k)] != first_k:
        return False
    rest = words[len(first_k):]
    if not rest:
        return True
    return len(rest) == 1 and len(rest[0]) == 1 and bool(last_k) and last_k[0] == rest[0]
