"""The instructor builds a comparison: a new compare lesson, its claims, cells, verdicts
and dossier saved (and its attempts regraded), passages linked from the key editor, and
the editor's unsaved work kept across a crash."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from app.core.compare.model import Passage
from app.core.compare.packs import compare_lesson_to_json, parse_compare_lesson
from app.core.compare.parse import check_passages
from app.core.errors import FormatError, UserError
from app.core.jsonfile import Fields
from app.core.lessons import LESSON_ID_RE, Lesson
from app.core.record import record
from app.services.library import Tokenizer, tokens_for
from app.store.repo import Repo, now_iso

DRAFT_TAG = "compare-editor"


def lesson_from_doc(repo: Repo, doc: dict[str, Any]) -> Lesson:
    """A compare lesson from the editor's working copy (the pack's JSON), checked exactly
    as a pack's: one ``FormatError`` naming the part and field."""
    lid = doc.get("id", "")
    if not isinstance(lid, str) or not LESSON_ID_RE.fullmatch(lid):
        raise FormatError("the comparison's id must be lower-case letters, digits and '-'")
    lesson = parse_compare_lesson(dict(doc, kind="compare"), Fields(doc, f"lesson '{lid}'"),
                                  lid, "compare")
    assert lesson.comparison is not None
    texts = {}
    for a in lesson.comparison.articles:
        try:
            art = repo.get_lesson(a)
        except UserError:
            raise FormatError(f"lesson '{lid}': article '{a}' is not on this computer") from None
        if art.is_compare:
            raise FormatError(f"lesson '{lid}': '{a}' is a comparison, not an article")
        texts[a] = art.text
    check_passages(lesson.comparison, texts, lid)
    return lesson


def save_comparison(repo: Repo, lesson: Lesson, is_new: bool,
                    compute: Tokenizer | None = None,
                    progress: Callable[[int, int], None] | None = None) -> Lesson:
    """Store a compare lesson (new or replacing), regrade its attempts, forget the
    editor's draft: one transaction."""
    from app.services.grading import regrade_stale

    if is_new and lesson.id in repo.lesson_ids():
        raise UserError(f"a lesson with the id '{lesson.id}' already exists")
    toks = tokens_for([lesson], compute=compute)
    with repo.database.transaction():
        repo.save_lessons([lesson], toks, replace=not is_new)
        repo.set_key_draft(lesson.id, None)
        regrade_stale(repo, lesson.id, progress)
    return lesson


def new_doc(lesson_id: str, title: str, unit: str, articles: Sequence[str]) -> dict[str, Any]:
    """The working copy of a new comparison: one empty claim to start from."""
    return {"id": lesson_id, "kind": "compare", "title": title, "unit": unit,
            "text": "Compare how these articles tell the same event.",
            "comparison": {"articles": list(articles),
                           "claims": [{"id": "claim-1", "statement": "Write the claim here."}],
                           "dossier": []},
            "key": {"cells": [], "verdicts": [{"claim": "claim-1",
                                               "verdict": "unsupported", "backing": []}]}}


def doc_of(lesson: Lesson) -> dict[str, Any]:
    return compare_lesson_to_json(lesson, include_key=True)


# -- the editor's unsaved work ------------------------------------------------------
def save_draft(repo: Repo, lesson_id: str, doc: dict[str, Any]) -> None:
    repo.set_key_draft(lesson_id, json.dumps({DRAFT_TAG: doc, "saved_at": now_iso()},
                                             ensure_ascii=False))


def draft(repo: Repo, lesson_id: str) -> tuple[dict[str, Any], str] | None:
    raw = repo.key_draft(lesson_id)
    if raw is None:
        return None
    try:
        d = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(d, dict) or not isinstance(d.get(DRAFT_TAG), dict):
        return None
    return d[DRAFT_TAG], str(d.get("saved_at", ""))


def clear_draft(repo: Repo, lesson_id: str) -> None:
    repo.set_key_draft(lesson_id, None)


# -- linking passages from the key editor -----------------------------------------------
@record
class ClaimChoice:
    compare_id: str
    compare_title: str
    claim_id: str
    statement: str
    linked: bool  # the span is already a passage of this claim


def claims_for_span(repo: Repo, article_id: str, start: int, end: int) -> list[ClaimChoice]:
    """Every claim of every comparison listing this article, and whether the span is
    already linked to it."""
    from app.store import compare_repo

    out = []
    for cid in compare_repo.compare_ids_for_article(repo.db, article_id):
        le = repo.get_lesson(cid, with_key=True)
        if le.comparison is None:
            continue
        for c in le.comparison.claims:
            linked = any(p.article == article_id and (p.start, p.end) == (start, end)
                         for p in c.passages)
            out.append(ClaimChoice(cid, le.title, c.id, c.statement, linked))
    return out


def link_passage(repo: Repo, compare_id: str, claim_id: str, article_id: str, start: int,
                 end: int, link: bool = True) -> Lesson:
    """Add (or with ``link`` False remove) a passage of ``article_id`` to a claim; the
    passage's quote is the article's text there."""
    article = repo.get_lesson(article_id)
    le = repo.get_lesson(compare_id, with_key=True)
    if le.comparison is None or le.comparison.claim(claim_id) is None:
        raise UserError(f"no claim '{claim_id}' in '{compare_id}'")
    if not 0 <= start < end <= len(article.text):
        raise UserError("the span is outside the article")
    p = Passage(article_id, start, end, article.text[start:end])
    claims = []
    for c in le.comparison.claims:
        if c.id == claim_id:
            rest = tuple(x for x in c.passages if (x.article, x.start, x.end) !=
                         (article_id, start, end))
            c = replace(c, passages=rest + ((p,) if link else ()))
        claims.append(c)
    new = replace(le, comparison=replace(le.comparison, claims=tuple(claims)))
    with repo.database.transaction():
        repo.save_lessons([new], {new.id: repo.tokens(new.id)}, replace=True,
                          keep_key_when_absent=True)
    return new
