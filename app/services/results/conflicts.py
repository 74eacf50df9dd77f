"""Attempts kept aside by an import, and the instructor's decision on each
(formats.md, "Which attempts an import admits", rule 3)."""

from __future__ import annotations

from app.core.answers import BundledSubmission
from app.core.attempts import CONFLICT_REASONS, Grade, admit
from app.core.errors import UserError
from app.core.names import name_key
from app.services.grading import grade_lesson, refresh_grades
from app.store.repo import Conflict, Repo

# what the instructor may do with each kind of conflict (the first is the safe default)
ACTIONS: dict[str, tuple[str, ...]] = {
    "id": ("both", "graded", "discard"),
    "earlier": ("practice", "graded", "discard"),
    "assessment": ("practice", "graded", "discard"),
    "signature": ("accept", "discard"),
}
ACTION_NAMES = {
    "practice": "Keep as practice",
    "graded": "Use as graded",
    "accept": "Accept",
    "both": "Keep both",
    "discard": "Discard",
}


def describe(repo: Repo, c: Conflict) -> str:
    """Why it was kept aside and what accepting it would change, in one sentence."""
    why = c.detail or CONFLICT_REASONS.get(c.kind, c.kind)
    score = _score(repo, c)
    scored = "ungraded" if score is None else str(score)
    g = _grade_now(repo, c)
    if g is None or g.submission_id is None:
        effect = f"the student has no grade on it yet; as graded it would give {scored}"
    elif g.override is not None:
        effect = (f"your override of {g.override} stays with the grade whatever you decide "
                  f"(this attempt would score {scored}; the graded one {g.score})")
    else:
        effect = f"as graded it would change the grade from {g.value} to {scored}"
    return f"{why}; {effect}"


def _score(repo: Repo, c: Conflict) -> int | None:
    try:
        le = repo.get_lesson(c.lesson, with_key=True)
        return grade_lesson(le, c.highlights).score
    except UserError:
        return None


def _grade_now(repo: Repo, c: Conflict) -> Grade | None:
    try:
        st = repo.student(c.student, create=False)
    except UserError:
        return None
    return repo.grades(student_id=st.id, lesson_id=c.lesson).get((st.id, c.lesson))


def resolve(repo: Repo, conflict_id: int, action: str) -> str:
    """Carry out the instructor's decision; returns a line saying what happened."""
    c = repo.conflict(conflict_id)
    if c is None:
        raise UserError("that conflict is already resolved")
    allowed = ACTIONS.get(c.kind, ("discard",))
    if action not in allowed:
        raise UserError("a conflict of this kind can be resolved with: " + ", ".join(allowed))
    with repo.database.transaction():
        if action == "discard":
            repo.delete_conflict(conflict_id)
            return f"Discarded the attempt of {c.student} on {c.lesson}"
        st = repo.student(c.student)
        if action in ("both", "accept"):
            recorded = repo.submissions(student_id=st.id, lesson_id=c.lesson, with_reports=False)
            try:
                mode = repo.get_lesson(c.lesson).is_assessment
            except UserError:
                mode = False
            verdict = admit(recorded, [_as_bundled(c)], assessment=mode)
        if action == "both":  # under an id of its own; graded if it is the student's first
            sid = _store(repo, c, st.id, new_id=True, graded=verdict.graded is not None)
        elif action == "accept":
            if verdict.conflicts:  # accepted as signed, it is still late or a second one
                kind = verdict.conflicts[0][1]
                repo.db.execute("UPDATE submission_conflicts SET kind = ?, detail = '' "
                                "WHERE id = ?", [kind, conflict_id])
                return (f"Accepted the signature; the attempt is still kept aside: "
                        f"{CONFLICT_REASONS[kind]}")
            sid = _store(repo, c, st.id, graded=verdict.graded is not None)
        else:  # practice / graded (an id conflict: under an id of its own)
            sid = _store(repo, c, st.id, graded=False, new_id=c.kind == "id")
            if action == "graded":
                repo.set_graded(st.id, c.lesson, sid)
        repo.delete_conflict(conflict_id)
        refresh_grades(repo)
    what = {"both": "stored as another attempt", "accept": "accepted",
            "practice": "kept as practice after the key", "graded": "made the graded attempt"}
    return f"The attempt of {c.student} on {c.lesson} was {what[action]} ({sid[:8]})"


def _as_bundled(c: Conflict) -> BundledSubmission:
    return BundledSubmission(c.submission_id, c.attempt, c.lesson, c.student, c.submitted_at,
                             c.highlights, c.after_key, grid=c.grid)


def _store(repo: Repo, c: Conflict, student_id: int, graded: bool, new_id: bool = False) -> str:
    return repo.add_submission(
        student_id, c.lesson, c.highlights, score=None, report=None, key_version=None,
        submission_id=None if new_id or repo.has_submission(c.submission_id)
        else c.submission_id, submitted_at=c.submitted_at, machine=c.machine,
        imported=True, after_key=not graded, graded=graded, signature=c.signature,
        grid=c.grid)


def conflicts_for(repo: Repo, student: str | None = None) -> list[Conflict]:
    key = name_key(student) if student else None
    return [c for c in repo.conflicts() if key is None or name_key(c.student) == key]
