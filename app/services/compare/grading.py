"""Grading a comparison grid against the stored key, and submitting one."""

from __future__ import annotations

from app.core.compare.model import GridAnswer
from app.core.compare.parse import check_grid
from app.core.compare.scoring import CompareReport, grade_grid
from app.core.errors import UserError
from app.core.lessons import Lesson
from app.store.repo import Repo


def grade_grid_lesson(lesson: Lesson, grid: GridAnswer | None,
                      ctx: str = "answers") -> CompareReport:
    """Grade a grid against the lesson's key (the lesson must carry its key)."""
    cmp = lesson.comparison
    if cmp is None or lesson.key is None or cmp.key is None:
        raise UserError(f"lesson '{lesson.id}' has no answer key on this machine yet")
    if grid is None:
        raise UserError(f"{ctx}: lesson '{lesson.id}' is a comparison: the answer is a grid, "
                        "not highlights")
    check_grid(cmp, grid, ctx)
    return grade_grid(cmp, cmp.key, grid)


def submit_grid(repo: Repo, student_id: int, student_name: str, lesson_id: str,
                grid: GridAnswer) -> tuple[str, CompareReport | None]:
    """Store a new attempt at a comparison (graded when the key is here) and clear the
    draft; the graded-attempt rule and assessments as for any lesson
    (``app.services.grading.submit``)."""
    from app.services.grading import has_seen_key

    lesson = repo.get_lesson(lesson_id, with_key=True)
    if not lesson.is_compare or lesson.comparison is None:
        raise UserError(f"lesson '{lesson_id}' is not a comparison")
    check_grid(lesson.comparison, grid, "your grid")
    seen = has_seen_key(repo, student_id, lesson)
    if lesson.is_assessment and not seen and repo.has_submitted(student_id, lesson_id):
        raise UserError("this assessment is already submitted; your teacher will release "
                        "the feedback")
    report = grade_grid_lesson(lesson, grid) if lesson.key is not None else None
    sid = repo.add_submission(
        student_id, lesson_id, (), score=report.score if report else None,
        report=report.as_json(lesson_id, student_name) if report else None,
        key_version=repo.key_version(lesson_id) if report else None, clear_draft=True,
        after_key=seen, grid=grid)
    return sid, report
