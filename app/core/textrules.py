"""What text from outside may hold (formats.md, "Text from outside: characters and
lengths"): every entry point (packs, PTC, doccano, W3C, bundles, rosters, what is typed
in the app) asks here, so one rule holds everywhere.

- **One-line fields** (a lesson's title, unit, source; a category's name): plain text
  on one line. No control characters (C0, DEL, C1: an escape sequence, a line break, a
  tab), no bidirectional controls (embeddings, overrides, isolates, marks: they reorder
  what is shown), no line or paragraph separators.
- **Blocks** (instructions, teacher notes, explanations, a category's description):
  line breaks and tabs are fine; other control characters, bidi embeddings, overrides
  and isolates are not (the marks LRM, RLM and ALM stay: right-to-left prose needs them).
- **Lengths** in characters (code points), ``LIMITS``.

Refused with a message naming the field; ``plain_line`` is the sanitiser for text
Close Reader makes up itself from outside text (a title taken from an article's first
line).
"""

from __future__ import annotations

import re

from app.core.errors import FormatError
from app.core.lessons import Lesson
from app.core.terminal import clean

LIMITS: dict[str, int] = {
    "title": 200,
    "unit": 200,
    "outlet": 200,
    "author": 200,
    "published": 100,
    "url": 2_000,
    "category name": 100,
    "category description": 2_000,
    "instructions": 10_000,
    "teacher_notes": 20_000,
    "explanation": 5_000,
}

_LINE_BAD = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_BLOCK_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMES = {"\n": "a line break", "\r": "a line break", "\t": "a tab", "\x1b": "an escape (ESC)",
          "\u2028": "a line separator", "\u2029": "a paragraph separator"}


def _what(ch: str) -> str:
    if ch in _NAMES:
        return _NAMES[ch]
    cp = ord(ch)
    if 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069 or cp in (0x061C, 0x200E, 0x200F):
        return f"the bidirectional control U+{cp:04X}"
    return f"the control character U+{cp:04X}"


def line_problem(value: str, limit: int) -> str | None:
    """Why ``value`` cannot be a one-line field, or None (not text: not asked here)."""
    if not isinstance(value, str):
        return None
    if len(value) > limit:
        return f"is {len(value):,} characters long; the limit is {limit:,}"
    bad = _LINE_BAD.search(value)
    if bad:
        return (f"holds {_what(bad.group())} at position {bad.start()}; it must be plain "
                "text on one line")
    return None


def block_problem(value: str, limit: int) -> str | None:
    """Why ``value`` cannot be a block of text (line breaks allowed), or None."""
    if not isinstance(value, str):
        return None
    if len(value) > limit:
        return f"is {len(value):,} characters long; the limit is {limit:,}"
    bad = _BLOCK_BAD.search(value)
    if bad:
        return f"holds {_what(bad.group())} at position {bad.start()}; it must be plain text"
    return None


def plain_line(value: str, limit: int) -> str:
    """``value`` made a one-line field: escape sequences, controls and bidi characters
    removed, white space folded, cut to ``limit`` characters (with "…")."""
    text = " ".join(_LINE_BAD.sub(" ", clean(value)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain_block(value: str) -> str:
    """``value`` with the characters a block may not hold removed (line breaks and
    tabs kept; a lone carriage return becomes a line break)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return _BLOCK_BAD.sub("", text)


def strip_line(value: str) -> str:
    """Typed one-line text (a pasted title) without what a one-line field may not hold:
    controls and bidi characters removed, white space folded; never cut."""
    return " ".join(_LINE_BAD.sub(" ", clean(value)).split())


# (field as formats.md names it, what the app calls it, one line?)
_LESSON_FIELDS = (("title", "title", True), ("unit", "unit", True),
                  ("instructions", "instructions", False),
                  ("teacher_notes", "teacher notes", False))
_SOURCE_FIELDS = ("outlet", "author", "published", "url")


def lesson_problems(lesson: Lesson) -> list[tuple[str, str]]:
    """What in ``lesson`` breaks these rules, as (field, problem): the same checks as a
    lesson pack's (``app.core.packs``), for lessons made in the app."""
    out: list[tuple[str, str]] = []
    for name, _, one_line in _LESSON_FIELDS:
        value = getattr(lesson, name)
        check = line_problem if one_line else block_problem
        problem = check(value, LIMITS[name])
        if problem:
            out.append((name, problem))
    for name in _SOURCE_FIELDS:
        problem = line_problem(getattr(lesson.source, name), LIMITS[name])
        if problem:
            out.append((f"source: {name}", problem))
    for i, k in enumerate(lesson.key or ()):
        problem = block_problem(k.explanation, LIMITS["explanation"])
        if problem:
            out.append((f"key[{i}] “{k.quote[:40]}”: explanation", problem))
    return out


def check_lesson(lesson: Lesson) -> None:
    """Raise ``FormatError`` naming the lesson and the first field that breaks a rule."""
    problems = lesson_problems(lesson)
    if problems:
        field, problem = problems[0]
        raise FormatError(f"lesson '{lesson.id}': {field} {problem}")


def category_problem(name: str, description: str) -> str | None:
    """Why a category's name or description cannot be used, or None."""
    problem = line_problem(name, LIMITS["category name"])
    if problem:
        return f"The name {problem}."
    problem = block_problem(description, LIMITS["category description"])
    return f"The description {problem}." if problem else None
