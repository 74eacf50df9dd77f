"""Compare lessons in and out of packs: their articles must be here (or travel with
them), and an exported comparison takes its articles along."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.compare.parse import check_passages
from app.core.errors import FormatError, UserError
from app.core.lessons import Lesson
from app.store.repo import Repo


def check_comparisons(repo: Repo, lessons: Sequence[Lesson]) -> None:
    """Every article of every compare lesson is in ``lessons`` or in the database, is a
    reading lesson, and its passages quote its text (formats.md, "Comparisons")."""
    by_id = {le.id: le for le in lessons}
    here = set(repo.lesson_ids())
    for le in lessons:
        if not le.is_compare or le.comparison is None:
            continue
        texts = {}
        for a in le.comparison.articles:
            art = by_id.get(a)
            if art is None and a in here:
                art = repo.get_lesson(a)
            if art is None:
                raise FormatError(f"lesson '{le.id}': comparison.articles: '{a}' is neither in "
                                  "the pack nor on this computer (import its pack first)")
            if art.is_compare:
                raise FormatError(f"lesson '{le.id}': comparison.articles: '{a}' is a "
                                  "compare lesson, not an article")
            texts[a] = art.text
        check_passages(le.comparison, texts, le.id)


def with_articles(repo: Repo, ids: Sequence[str]) -> tuple[list[str], list[str]]:
    """``ids`` and the articles of any compare lesson among them that are not already
    there (before it, so a pack reads in order). Returns (ids, added)."""
    out: list[str] = []
    added: list[str] = []
    for lid in ids:
        try:
            le = repo.get_lesson(lid)
        except UserError:
            out.append(lid)
            continue
        if le.is_compare and le.comparison is not None:
            for a in le.comparison.articles:
                if a not in ids and a not in out and a in repo.lesson_ids():
                    out.append(a)
                    added.append(a)
        if lid not in out:
            out.append(lid)
    return out, added
