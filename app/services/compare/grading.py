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
    draft: ``app.services.grading.submit`` with the grid, under the same rules (the graded
    attempt, assessments, class-code signatures)."""
    from app.services.grading import submit

    lesson = repo.get_lesson(lesson_id)
    if not lesson.is_compare:
        raise UserError(f"lesson '{lesson_id}' is not a comparison")
    sid, report = submit(repo, student_id, student_name, lesson_id, (), grid)
    return sid, report  # type: ignore[return-value]
