"""Moving what depends on a lesson's text — its key, students' drafts and attempts — onto
a new text (a text edit, or a pack replacing the lesson), by quote and context.

Nothing is dropped: a span that cannot be placed is kept aside in ``unplaced_spans``
(kind ``key``, ``draft`` with the student's id as owner, or ``attempt`` with the
submission id) and listed. Attempts whose highlights changed are marked for regrading.
Call inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from app.core.anchoring import reanchor
from app.core.lessons import Highlight, KeySpan, Lesson
from app.store.repo import Repo


@dataclass
class Tally:
    """What happened to one kind of span: kept where it was, moved, set aside."""

    kept: int = 0
    moved: int = 0
    set_aside: int = 0

    def count(self, before: Sequence, placed: Sequence, unplaced: Sequence) -> None:
        same = set(before)
        kept = sum(1 for p in placed if p in same)
        self.kept += kept
        self.moved += len(placed) - kept
        self.set_aside += len(unplaced)

    @property
    def total(self) -> int:
        return self.kept + self.moved + self.set_aside

    def line(self) -> str:
        return f"{self.kept} kept, {self.moved} moved, {self.set_aside} set aside"


@dataclass
class Relocation:
    """The outcome for one lesson."""

    lesson_id: str
    key: tuple[KeySpan, ...] | None  # the key to store (None: no key)
    key_tally: Tally = field(default_factory=Tally)
    drafts: Tally = field(default_factory=Tally)
    attempts: Tally = field(default_factory=Tally)
    key_note: str = ""  # how the key was decided, when not re-anchored ("from the pack", …)
    unplaced_key: tuple[KeySpan, ...] = ()
    aside: list[str] = field(default_factory=list)  # one line per span set aside

    @property
    def unplaced_student(self) -> int:
        return self.drafts.set_aside + self.attempts.set_aside

    def lines(self) -> list[str]:
        key = self.key_note or self.key_tally.line()
        return [f"{self.lesson_id}: key {key}; drafts {self.drafts.line()}; "
                f"attempts {self.attempts.line()}"]


def _quote(text: str, start: int, end: int, limit: int = 60) -> str:
    q = " ".join(text[start:end].split())
    return q if len(q) <= limit else q[:limit - 1] + "…"


def relocate(repo: Repo, old: Lesson, new_text: str,
             key: tuple[KeySpan, ...] | None) -> Relocation:
    """Re-anchor ``key`` (spans on ``old.text``; None: no key to move) and every draft and
    attempt of the lesson onto ``new_text``; store drafts, attempts and what is set aside.
    The lesson row itself is the caller's to write, with ``Relocation.key``."""
    out = Relocation(old.id, key)
    old_text, lid = old.text, old.id
    if key:
        moved = reanchor(old_text, new_text, key)
        placed = tuple(replace(k, quote=new_text[k.start:k.end]) for k in moved.placed)
        out.key_tally.count(key, moved.placed, moved.unplaced)
        out.unplaced_key = tuple(moved.unplaced)
        # a key none of whose spans fit the new text is no key: never grade against it
        out.key = placed if placed or not moved.unplaced else None
        if moved.unplaced:
            repo.set_unplaced_spans(lid, "key", [
                *repo.unplaced_spans(lid, "key"), *(vars(k) for k in moved.unplaced)])
            out.aside += [f"{lid}: key span ({k.label}) “{_quote(old_text, k.start, k.end)}”"
                          for k in moved.unplaced]
    if old_text == new_text:
        for _sid, hs in repo.drafts_for_lesson(lid):
            out.drafts.kept += len(hs)
        for sub in repo.submissions(lesson_id=lid, with_reports=False):
            out.attempts.kept += len(sub.highlights)
        return out
    names = {s.id: s.name for s in repo.students()}
    for student_id, hs in repo.drafts_for_lesson(lid):
        moved = reanchor(old_text, new_text, hs)
        out.drafts.count(hs, moved.placed, moved.unplaced)
        if tuple(moved.placed) != tuple(hs):
            repo.save_draft(student_id, lid, moved.placed)
        if moved.unplaced:
            owner = str(student_id)
            repo.set_unplaced_spans(lid, "draft", [
                *repo.unplaced_spans(lid, "draft", owner),
                *(_aside(old_text, h) for h in moved.unplaced)], owner=owner)
            who = names.get(student_id, f"student {student_id}")
            out.aside += [f"{lid}: {who}'s draft ({h.label}) “{_quote(old_text, h.start, h.end)}”"
                          for h in moved.unplaced]
    for sub in repo.submissions(lesson_id=lid):
        moved = reanchor(old_text, new_text, sub.highlights)
        out.attempts.count(sub.highlights, moved.placed, moved.unplaced)
        if tuple(moved.placed) == tuple(sub.highlights):
            continue
        repo.replace_submission_highlights(sub.submission_id, moved.placed)
        # graded again (regrade_stale) on the words it was made on, where they went
        repo.update_grade(sub.submission_id, sub.score, sub.report, None)
        if moved.unplaced:
            owner = sub.submission_id
            repo.set_unplaced_spans(lid, "attempt", [
                *repo.unplaced_spans(lid, "attempt", owner),
                *(_aside(old_text, h) for h in moved.unplaced)], owner=owner)
            out.aside += [f"{lid}: {sub.student}'s attempt {sub.attempt} ({h.label}) "
                          f"“{_quote(old_text, h.start, h.end)}”" for h in moved.unplaced]
    return out


def _aside(text: str, h: Highlight) -> dict:
    return {**vars(h), "quote": text[h.start:h.end]}
