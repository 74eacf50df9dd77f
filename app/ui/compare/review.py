"""A comparison attempt as the instructor reviews it: the student's graded grid, with
the key, exactly as the student will see it (the Compare page in feedback mode)."""

from __future__ import annotations

from app.core.attempts import Grade
from app.core.compare.scoring import CompareReport
from app.core.lessons import Lesson
from app.services.compare.student import articles_of, with_placed_passages
from app.services.grading import grade_attempt
from app.store.repo import Repo, Submission
from app.ui.compare.page import ComparePage


def review_view(repo: Repo, lesson: Lesson, sub: Submission,
                grade: Grade | None) -> tuple[ComparePage, CompareReport | None]:
    page = ComparePage()
    page.back_button.hide()
    page.try_again_button.hide()
    assert lesson.comparison is not None
    articles, _ = articles_of(repo, lesson.comparison)
    placed, _ = with_placed_passages(lesson, articles)
    report = None
    if lesson.key is not None:
        report = grade_attempt(placed, sub, "this attempt")
        page.show_result(placed, articles, report, sub, [sub], grade)  # type: ignore[arg-type]
        page.try_again_button.hide()
    else:
        page.show_waiting(placed, articles, [sub])
    return page, report  # type: ignore[return-value]
