"""A compare lesson inside a lesson pack (version 2): read, check against the pack's
articles, write. ``app.core.packs`` hands compare lessons here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from app.core.compare.parse import (
    check_passages,
    comparison_to_json,
    key_to_json,
    parse_compare_key,
    parse_comparison,
)
from app.core.errors import FormatError
from app.core.jsonfile import Fields
from app.core.lessons import Lesson


def parse_compare_lesson(raw: dict[str, Any], f: Fields, lid: str, kind: str) -> Lesson:
    if kind != "compare":
        raise f.fail("comparison", "belongs to a lesson of kind 'compare' only")
    if raw.get("categories") is not None:
        raise f.fail("categories", "is not for a compare lesson (students do not highlight "
                                   "in it)")
    if "comparison" not in raw:
        raise f.fail("comparison", "is missing (a compare lesson needs its claims)")
    from app.core.packs import parse_lesson  # the fields every lesson has, same checks

    common = {k: v for k, v in raw.items() if k not in ("kind", "comparison", "key")}
    base = parse_lesson(common, 0, ())
    cmp = parse_comparison(raw["comparison"], lid)
    key = None
    if raw.get("key") is not None:
        if not isinstance(raw["key"], dict):
            raise f.fail("key", "of a compare lesson must be an object with 'cells' and "
                                "'verdicts'")
        key = parse_compare_key(raw["key"], cmp, lid)
    return replace(base, kind="compare", categories=(), key=() if key is not None else None,
                   comparison=replace(cmp, key=key))


def check_pack_comparisons(lessons: Sequence[Lesson], version: int) -> None:
    """Passages quote the articles that travel in the same pack; articles are reading
    lessons. (Articles not in the pack are checked on import, against the database.)"""
    by_id = {le.id: le for le in lessons}
    for le in lessons:
        if not le.is_compare or le.comparison is None:
            continue
        if version < 3:
            raise FormatError(f"lesson '{le.id}': a compare lesson needs a version-3 pack")
        for a in le.comparison.articles:
            art = by_id.get(a)
            if art is not None and art.is_compare:
                raise FormatError(f"lesson '{le.id}': comparison.articles: '{a}' is a "
                                  "compare lesson, not an article")
        check_passages(le.comparison, {a: by_id[a].text for a in le.comparison.articles
                                       if a in by_id}, le.id)


def compare_lesson_to_json(lesson: Lesson, include_key: bool = True,
                           include_notes: bool = False) -> dict[str, Any]:
    """As ``app.core.packs.lesson_to_json``: teacher notes only with ``include_notes``."""
    out: dict[str, Any] = {"id": lesson.id, "kind": "compare", "title": lesson.title}
    for name in ("level", "unit", "instructions"):
        if getattr(lesson, name):
            out[name] = getattr(lesson, name)
    if include_notes and lesson.teacher_notes:
        out["teacher_notes"] = lesson.teacher_notes
    out["text"] = lesson.text
    if lesson.mode != "practice":
        out["mode"] = lesson.mode
    assert lesson.comparison is not None
    out["comparison"] = comparison_to_json(lesson.comparison)
    if include_key and lesson.key is not None and lesson.comparison.key is not None:
        out["key"] = key_to_json(lesson.comparison.key)
    return out
