"""Lessons, key spans and categories: the domain objects, frozen."""

from __future__ import annotations

import re
from dataclasses import field, replace
from typing import TYPE_CHECKING

from app.core.record import record

if TYPE_CHECKING:
    from app.core.compare.model import Comparison

LESSON_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
LEVELS = ("beginner", "intermediate", "advanced")
MODES = ("practice", "assessment")
MAX_TEXT_CHARS = 200_000

UNDERLINE_STYLES = ("solid", "wave", "dash", "dot", "dashdot", "double")


@record
class Category:
    id: str
    name: str
    description: str = ""
    color: str | None = None  # "#rrggbb"; None picks from the palette
    underline: str | None = None  # one of UNDERLINE_STYLES; None picks by order


BUILTIN_CATEGORIES: tuple[Category, ...] = (
    Category(
        "unsupported_claim",
        "Unsupported claim",
        "A statement presented as fact that the article gives you no way to check.",
    ),
    Category(
        "loaded_language",
        "Loaded language",
        "Words chosen to make you feel something rather than to inform you.",
    ),
)
BUILTIN_IDS = tuple(c.id for c in BUILTIN_CATEGORIES)


@record
class Source:
    outlet: str = ""
    author: str = ""
    published: str = ""
    url: str = ""

    def line(self) -> str:
        """A one-line source credit for the reader: outlet · author · date."""
        return " · ".join(p for p in (self.outlet, self.author, self.published) if p)

    def credit(self) -> str:
        """``line()``, saying so when the outlet is not known (a student should see
        that the source is missing, not nothing at all)."""
        return " · ".join(p for p in (self.outlet or "Outlet not stated", self.author,
                                      self.published) if p)


@record
class KeySpan:
    start: int
    end: int
    label: str
    quote: str
    explanation: str = ""
    required: bool = True


@record
class Highlight:
    start: int
    end: int
    label: str
    note: str = ""


@record
class Lesson:
    id: str
    title: str
    text: str
    source: Source = field(default_factory=Source)
    level: str = ""
    unit: str = ""
    instructions: str = ""
    teacher_notes: str = ""
    categories: tuple[str, ...] = BUILTIN_IDS
    key: tuple[KeySpan, ...] | None = None
    mode: str = "practice"  # formats.md, "Practice and assessment"
    # formats.md, "Comparisons": a ``compare`` lesson's answer is a grid, its ``key``
    # () when ``comparison.key`` is here and None when it is not
    kind: str = "read"
    comparison: Comparison | None = None

    @property
    def is_assessment(self) -> bool:
        return self.mode == "assessment"

    @property
    def is_compare(self) -> bool:
        return self.kind == "compare"

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def reading_minutes(self) -> int:
        """Estimated reading time at 200 words a minute, at least one minute."""
        return max(1, round(self.word_count / 200))

    def without_key(self) -> Lesson:
        cmp = self.comparison.without_key() if self.comparison is not None else None
        return replace(self, key=None, comparison=cmp)
