"""A new lesson (no key yet) from an imported article: its id, title and source.

Pure Python. Used by ``close-reader lessons new`` and the app's *New lesson* dialog, so
both name and fill a lesson the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.core.cleaning import ImportedArticle
from app.core.lessons import LESSON_ID_RE, Lesson, Source


def slug(title: str) -> str:
    """A lesson id made from a title: lower-case words joined by "-", at most 60."""
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return (s or "lesson")[:60].rstrip("-") or "lesson"


def free_id(title: str, taken: Iterable[str]) -> str:
    """``slug(title)``, or with "-2", "-3"… when that id is taken."""
    used = set(taken)
    base = slug(title)
    cand, n = base, 2
    while cand in used or not LESSON_ID_RE.fullmatch(cand):
        cand, n = f"{base[:58]}-{n}", n + 1
    return cand


def lesson_from_article(article: ImportedArticle, *, fallback_title: str,
                        taken: Iterable[str] = (), unit: str = "",
                        level: str = "") -> Lesson:
    """The lesson an imported article makes: the page's title (or ``fallback_title``,
    the file's name), an id free among ``taken``, the source the article declared."""
    title = article.title or fallback_title
    return Lesson(
        id=free_id(title, taken), title=title, text=article.text,
        source=Source(article.outlet or "", article.author or "", article.published or "",
                      article.url or ""),
        unit=unit, level=level)
