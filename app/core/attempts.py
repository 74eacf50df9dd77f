"""Which attempt is the grade, and what a student may see of a key.

formats.md, "Practice and assessment": the graded attempt of a student on a lesson is
their first submitted attempt; an attempt submitted after that student had seen the key
(any earlier feedback on the lesson) is ``after_key`` and never the graded one. Every
screen, export and report asks these functions; none decides on its own.

"First" is by submission time, then attempt number, machine and id, so it does not
depend on the order in which bundles from several machines were imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Protocol

from app.core.record import record


class AttemptLike(Protocol):
    submission_id: str
    attempt: int
    submitted_at: str
    machine: str
    after_key: bool


@record
class Grade:
    """The grade of one student on one lesson."""

    submission_id: str | None  # the graded attempt (None: nothing graded yet)
    score: int | None  # the formula's score of the graded attempt (None: not graded)
    override: int | None  # the instructor's override, if any
    reason: str = ""
    comment: str = ""

    @property
    def value(self) -> int | None:
        """The number every screen shows: the override when there is one, else the score."""
        return self.override if self.override is not None else self.score


def time_key(stamp: str) -> tuple[int, float, str]:
    """Sort key for an ISO time; times that do not parse sort after those that do."""
    try:
        t = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return (1, 0.0, stamp)
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return (0, t.timestamp(), stamp)


def order_key(a: AttemptLike) -> tuple:
    return (time_key(a.submitted_at), a.attempt, a.machine, a.submission_id)


def in_order(attempts: Iterable[AttemptLike]) -> list[AttemptLike]:
    items = list(attempts)
    if len(items) < 2:  # most students make one attempt: no times to parse
        return items
    return sorted(items, key=order_key)


def graded_attempt(attempts: Iterable[AttemptLike]) -> AttemptLike | None:
    """One student's graded attempt on one lesson: the first, unless it was made after
    seeing the key (then none is: a grade is never taken from practice)."""
    ordered = in_order(attempts)
    if not ordered or ordered[0].after_key:
        return None
    return ordered[0]


def after_key_flags(attempts: Sequence[AttemptLike]) -> dict[str, bool]:
    """``after_key`` for each of one student's attempts on one lesson: every attempt
    after the first was submitted once feedback existed; a flag already set stays set."""
    ordered = in_order(attempts)
    return {a.submission_id: a.after_key or i > 0 for i, a in enumerate(ordered)}


def may_see_key(mode: str, submitted: bool, released: bool) -> bool:
    """May a student see the key of a lesson? Practice: once they have submitted it.
    Assessment: only once the instructor has released their feedback."""
    if mode == "assessment":
        return submitted and released
    return submitted


def attempt_label(attempt: int, after_key: bool, graded: bool) -> str:
    """How an attempt is named to students and teachers alike."""
    if graded:
        return f"Attempt {attempt} — graded"
    if after_key:
        return f"Attempt {attempt} — practice after seeing the key"
    return f"Attempt {attempt}"
