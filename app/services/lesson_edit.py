"""Saving an edited lesson or its key: new tokens, and every key span, draft and attempt
re-anchored to the same words in the new text. What cannot be placed is reported, never
dropped silently: it is kept aside (``unplaced_spans``) for the instructor to place.

Each save is one transaction: the lesson, what moved, what was set aside and the
regrading of the attempts it touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from app.core.anchoring import reanchor
from app.core.lessons import KeySpan, Lesson
from app.core.record import record
from app.core.textrules import check_lesson
from app.services.grading import regrade_stale
from app.services.library import Tokenizer, tokens_for
from app.services.relocate import relocate
from app.store.repo import Repo, now_iso

KEY_DRAFT = "key_draft"


@record
class EditResult:
    lesson: Lesson
    unplaced_key: tuple[KeySpan, ...]
    unplaced_student: int  # students' highlights that could not be placed (kept aside)


def unplaced_key(repo: Repo, lesson_id: str) -> list[KeySpan]:
    """Key spans of this lesson kept aside because their words are gone."""
    return [KeySpan(**d) for d in repo.unplaced_spans(lesson_id, "key")]


def set_unplaced_key(repo: Repo, lesson_id: str, spans: list[KeySpan]) -> None:
    repo.set_unplaced_spans(lesson_id, "key", [vars(k) for k in spans])


def save_lesson(repo: Repo, lesson: Lesson, is_new: bool,
                compute: Tokenizer | None = None) -> EditResult:
    """Store ``lesson`` (its text possibly edited); re-anchor what depends on the text.
    Titles, sources and notes follow the pack rules (``app.core.textrules``)."""
    check_lesson(lesson)
    toks = tokens_for([lesson], compute=compute)
    if is_new:
        repo.save_lessons([lesson], toks)
        return EditResult(lesson, (), 0)
    with repo.database.transaction():
        old = repo.get_lesson(lesson.id, with_key=True)
        key = lesson.key if lesson.key is not None else old.key
        moved = relocate(repo, old, lesson.text, key)
        saved = replace(lesson, key=moved.key)
        repo.save_lessons([saved], toks, replace=True)
        regrade_stale(repo, lesson.id)
    return EditResult(saved, moved.unplaced_key, moved.unplaced_student)


def save_key(repo: Repo, lesson: Lesson, unplaced: list[KeySpan],
             progress: Callable[[int, int], None] | None = None) -> Lesson:
    """Store the key written in the key editor (and the spans still to place), regrade
    (telling ``progress`` how far), and forget the editor's autosaved draft: one
    transaction."""
    check_lesson(lesson)  # an explanation past its length limit is refused, named
    with repo.database.transaction():
        repo.save_lessons([lesson], {lesson.id: repo.tokens(lesson.id)}, replace=True)
        set_unplaced_key(repo, lesson.id, unplaced)
        repo.set_key_draft(lesson.id, None)
        regrade_stale(repo, lesson.id, progress)
    return lesson


# -- the key editor's autosaved draft (survives a crash) ------------------------------
@record
class KeyDraftState:
    spans: tuple[KeySpan, ...]
    unplaced: tuple[KeySpan, ...]
    saved_at: str


def save_key_draft(repo: Repo, lesson_id: str, text: str, spans: tuple[KeySpan, ...],
                   unplaced: tuple[KeySpan, ...]) -> None:
    repo.set_key_draft(lesson_id, json.dumps({
        "text": text, "spans": [vars(k) for k in spans],
        "unplaced": [vars(k) for k in unplaced], "saved_at": now_iso()}, ensure_ascii=False))


def clear_key_draft(repo: Repo, lesson_id: str) -> None:
    repo.set_key_draft(lesson_id, None)


def key_draft(repo: Repo, lesson: Lesson) -> KeyDraftState | None:
    """The key editor's unsaved work on ``lesson`` left by a crash, re-anchored if the
    text changed since (spans that no longer fit join the ones to place)."""
    raw = repo.key_draft(lesson.id)
    if raw is None:
        return None
    try:
        d = json.loads(raw)
        spans = tuple(KeySpan(**k) for k in d["spans"])
        unplaced = tuple(KeySpan(**k) for k in d["unplaced"])
        text = str(d["text"])
    except (ValueError, TypeError, KeyError):
        return None
    if text != lesson.text:
        moved = reanchor(text, lesson.text, spans)
        spans = tuple(replace(k, quote=lesson.text[k.start:k.end]) for k in moved.placed)
        unplaced = (*unplaced, *moved.unplaced)
    return KeyDraftState(spans, unplaced, str(d.get("saved_at", "")))


def delete_lesson(repo: Repo, lesson_id: str) -> None:
    """The lesson, its key, drafts, spans kept aside and key draft go together."""
    repo.delete_lesson(lesson_id)
