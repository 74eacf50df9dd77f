"""Grading against the stored key: answers files, in-app submissions, regrading."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.core.answers import Answers, check_highlights
from app.core.attempts import admit, may_see_key
from app.core.errors import UserError
from app.core.lessons import Highlight, Lesson
from app.core.record import record
from app.core.scoring import Report, grade
from app.store.repo import Repo, Submission, now_iso


@record
class _Local:
    submission_id: str
    attempt: int
    submitted_at: str
    after_key: bool


def grade_lesson(lesson: Lesson, highlights: Sequence[Highlight], ctx: str = "answers") -> Report:
    """Grade highlights against the lesson's key (the lesson must carry its key)."""
    if lesson.key is None:
        raise UserError(f"lesson '{lesson.id}' has no answer key on this machine yet")
    check_highlights(lesson, highlights, ctx)
    return grade(lesson.key, highlights, lesson.categories)


def grade_answers(repo: Repo, answers: Answers) -> tuple[Lesson, Report]:
    lesson = repo.get_lesson(answers.lesson, with_key=True)
    return lesson, grade_lesson(lesson, answers.highlights)


def has_seen_key(repo: Repo, student_id: int, lesson: Lesson) -> bool:
    """Has this student seen the key of this lesson (any earlier feedback on it)?"""
    return any(feedback_visible(lesson, s) for s in
               repo.submissions(student_id=student_id, lesson_id=lesson.id, with_reports=False))


def feedback_visible(lesson: Lesson, sub: Submission) -> bool:
    """May the student see the feedback (and so the key) of this attempt?"""
    if sub.score is None and lesson.mode != "assessment":
        return False  # graded once the key arrives
    return may_see_key(lesson.mode, True, sub.released_at is not None)


def submit(repo: Repo, student_id: int, student_name: str, lesson_id: str,
           highlights: Sequence[Highlight]) -> tuple[str, Report | None]:
    """Store a new attempt (graded when the key is here) and clear the draft.

    An assessment is submitted once: a second attempt waits until its feedback is
    released (then it is practice after seeing the key)."""
    lesson = repo.get_lesson(lesson_id, with_key=True)
    check_highlights(lesson, highlights, "your highlights")
    seen = has_seen_key(repo, student_id, lesson)
    if lesson.is_assessment and not seen and repo.has_submitted(student_id, lesson_id):
        raise UserError("this assessment is already submitted; your teacher will release "
                        "the feedback")
    report = grade(lesson.key, highlights, lesson.categories) if lesson.key is not None else None
    recorded = repo.submissions(student_id=student_id, lesson_id=lesson_id, with_reports=False)
    import uuid  # here, not at start-up (uuid imports platform)

    new_id = str(uuid.uuid4())
    verdict = admit(recorded, [_Local(new_id, len(recorded) + 1, "", seen)],
                    lesson.is_assessment, local=True)
    graded = verdict.graded == new_id
    when = now_iso()
    signature = ""
    from app.store.trust_repo import code_key  # not at start-up: hashlib loads OpenSSL

    key = code_key(repo, student_id)
    if key is not None:  # the student entered their class code on this machine
        import json

        from app.core.classcodes import attempt_message, sign

        msg = attempt_message(new_id, lesson_id, student_name, len(recorded) + 1, when,
                              not graded, repo.machine_id(), highlights)
        signature = json.dumps(sign(key, msg))
    sid = repo.add_submission(
        student_id, lesson_id, highlights,
        score=report.score if report else None,
        report=report.as_json(lesson_id, student_name) if report else None,
        key_version=repo.key_version(lesson_id) if report else None, clear_draft=True,
        after_key=not graded, graded=graded, submission_id=new_id, submitted_at=when,
        attempt=len(recorded) + 1, signature=signature, signed=key is not None)
    return sid, report


def regrade_stale(repo: Repo, lesson_id: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Regrade submissions graded against an older key (or never graded). Returns count.
    ``progress(done, total)`` is told every 200 attempts (it may raise to cancel)."""
    lessons: dict[str, Lesson | None] = {}
    changed = 0
    with repo.database.transaction():
        subs = repo.submissions(lesson_id=lesson_id, with_reports=False)
        for i, sub in enumerate(subs):
            if progress is not None and i % 200 == 0:
                progress(i, len(subs))
            if sub.lesson_id not in lessons:
                try:
                    le = repo.get_lesson(sub.lesson_id, with_key=True)
                except UserError:
                    le = None
                lessons[sub.lesson_id] = le if le is not None and le.key is not None else None
            le = lessons[sub.lesson_id]
            if le is None:
                continue
            version = repo.key_version(le.id)
            if sub.key_version == version and sub.score is not None:
                continue
            try:
                check_highlights(le, sub.highlights)
            except UserError:
                continue  # text changed under it: leave for the instructor to review
            report = grade(le.key or (), sub.highlights, le.categories)
            repo.update_grade(sub.submission_id, report.score,
                              report.as_json(le.id, sub.student), version)
            changed += 1
    return changed


def refresh_grades(repo: Repo) -> int:
    """Regrade whatever is stale (a key arrived or changed); cheap when nothing is."""
    return sum(regrade_stale(repo, lid) for lid in repo.stale_lessons())
