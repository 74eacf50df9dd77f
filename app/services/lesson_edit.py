"""Saving an edited lesson: new tokens, and every key span, draft and attempt re-anchored
to the same words in the new text. What cannot be placed is reported, never dropped
silently: unplaced key spans are kept aside for the instructor to place by hand."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core.anchoring import reanchor
from app.core.lessons import KeySpan, Lesson
from app.services.library import Tokenizer, tokens_for
from app.store.repo import Repo


@dataclass(frozen=True)
class EditResult:
    lesson: Lesson
    unplaced_key: tuple[KeySpan, ...]
    unplaced_student: int  # students' highlights that could not be placed


def unplaced_key(repo: Repo, lesson_id: str) -> list[KeySpan]:
    """Key spans of this lesson kept aside because their words are gone."""
    return [KeySpan(**d) for d in repo.unplaced_spans(lesson_id, "key")]


def set_unplaced_key(repo: Repo, lesson_id: str, spans: list[KeySpan]) -> None:
    repo.set_unplaced_spans(lesson_id, "key", [vars(k) for k in spans])


def save_lesson(repo: Repo, lesson: Lesson, is_new: bool,
                compute: Tokenizer | None = None) -> EditResult:
    """Store ``lesson`` (its text possibly edited); re-anchor what depends on the text."""
    toks = tokens_for([lesson], compute=compute)
    if is_new:
        repo.save_lessons([lesson], toks)
        return EditResult(lesson, (), 0)
    old = repo.get_lesson(lesson.id, with_key=True)
    key = lesson.key if lesson.key is not None else old.key
    lost: tuple[KeySpan, ...] = ()
    lost_students = 0
    with repo.database.transaction():
        if old.text != lesson.text:
            if key:
                moved = reanchor(old.text, lesson.text, key)
                key = tuple(replace(k, quote=lesson.text[k.start:k.end]) for k in moved.placed)
                lost = moved.unplaced
            for student_id, hs in repo.drafts_for_lesson(lesson.id):
                moved = reanchor(old.text, lesson.text, hs)
                lost_students += len(moved.unplaced)
                repo.save_draft(student_id, lesson.id, moved.placed)
            for sub in repo.submissions(lesson_id=lesson.id, with_reports=False):
                moved = reanchor(old.text, lesson.text, sub.highlights)
                lost_students += len(moved.unplaced)
                repo.replace_submission_highlights(sub.submission_id, moved.placed)
        saved = replace(lesson, key=key)
        repo.save_lessons([saved], toks, replace=True)
        if lost:
            set_unplaced_key(repo, lesson.id, [*unplaced_key(repo, lesson.id), *lost])
    return EditResult(saved, tuple(lost), lost_students)
