"""Which attempt is the grade, and what a student may see of a key.

formats.md, "Practice and assessment" and "Which attempts an import admits": the
graded attempt of a student on a lesson is decided when attempts *arrive* in a
database — the first blind attempt among the first to arrive — and recorded (the
``graded`` flag); no later arrival changes it. Times, attempt numbers and machine ids
written in a file are information, used only to withhold a grade (``after_key``) or to
keep a late attempt aside (it claims to be earlier than one already here), never to
grant one. Every screen, export and report asks these functions; none decides on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from app.core.record import record


class AttemptLike(Protocol):
    submission_id: str
    attempt: int
    submitted_at: str
    machine: str
    after_key: bool
    graded: bool


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


def time_key(stamp: str) -> tuple[int, int, int]:
    """Sort key for an RFC 3339 time; times that do not parse sort after those that do."""
    from app.core.timestamps import sort_key  # not at start-up: only imports need it

    return sort_key(stamp)


def claim_key(submitted_at: str, attempt: int) -> tuple:
    """What an attempt claims about its place: its time, then its attempt number."""
    return (time_key(submitted_at), attempt)


def in_order(attempts: Iterable[AttemptLike]) -> list[AttemptLike]:
    """One student's attempts on one lesson in the order they arrived (attempt number)."""
    items = list(attempts)
    if len(items) < 2:
        return items
    return sorted(items, key=lambda a: (a.attempt, a.submission_id))


def graded_attempt(attempts: Iterable[AttemptLike]) -> AttemptLike | None:
    """One student's graded attempt on one lesson: the one recorded as graded when it
    arrived (None: nothing graded — no blind attempt has arrived)."""
    for a in attempts:
        if a.graded:
            return a
    return None


class Arriving(Protocol):
    submission_id: str
    attempt: int
    submitted_at: str
    after_key: bool  # claimed by the file (a version 1 bundle: attempt > 1)


@record
class Admission:
    """What arrives with one student's attempts on one lesson, and where each goes."""

    graded: str | None  # the arriving attempt that becomes the graded one
    practice: tuple[str, ...]  # stored as practice after the key (never graded)
    conflicts: tuple[tuple[str, str], ...]  # (submission_id, kind): kept aside


def admit(recorded: Sequence[AttemptLike], arriving: Sequence[Arriving], assessment: bool,
          local: bool = False) -> Admission:
    """Decide, for attempts of one student on one lesson arriving in this order, which
    becomes graded, which are practice and which are kept aside (formats.md).

    ``recorded``: the attempts already in the database. ``local``: the attempt is made on
    this database now (its order is known, it cannot claim to be earlier)."""
    graded: str | None = None
    practice: list[str] = []
    conflicts: list[tuple[str, str]] = []
    if not recorded:
        for a in arriving:
            if graded is None and not a.after_key:
                graded = a.submission_id
            elif assessment and not a.after_key:
                conflicts.append((a.submission_id, "assessment"))
            else:
                practice.append(a.submission_id)
        return Admission(graded, tuple(practice), tuple(conflicts))
    latest = max(claim_key(r.submitted_at, r.attempt) for r in recorded)
    for a in arriving:
        if local:
            practice.append(a.submission_id)
        elif assessment and not a.after_key:
            conflicts.append((a.submission_id, "assessment"))
        elif claim_key(a.submitted_at, a.attempt) <= latest:
            conflicts.append((a.submission_id, "earlier"))
        else:
            practice.append(a.submission_id)
    return Admission(None, tuple(practice), tuple(conflicts))


CONFLICT_REASONS = {
    "id": "its submission id is already here with another student, lesson or highlights",
    "earlier": "it arrived after the graded attempt but claims to be earlier",
    "assessment": "a second submission of an assessment",
    "signature": "its signature does not show it is the named student's",
}


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
