"""What the student's Compare page needs: the comparison (never its key before the
student may see it), the articles, and a first grid prefilled from their highlights."""

from __future__ import annotations

from dataclasses import replace

from app.core.compare.model import Comparison, GridAnswer, Passage
from app.core.compare.passages import place_passages, prefill
from app.core.errors import UserError
from app.core.lessons import Highlight, Lesson
from app.core.record import record
from app.store import compare_repo
from app.store.repo import Repo, now_iso


@record
class CompareWork:
    lesson: Lesson  # without its key
    articles: tuple[Lesson, ...]  # the articles on this machine, in grid order
    missing: tuple[str, ...]  # article ids not on this machine
    lost: tuple[tuple[str, Passage], ...]  # passages that no longer fit their article
    grid: GridAnswer  # the draft, or a fresh grid prefilled from the highlights

    @property
    def comparison(self) -> Comparison:
        assert self.lesson.comparison is not None
        return self.lesson.comparison

    def title_of(self, article: str) -> str:
        return next((a.title for a in self.articles if a.id == article), article)


def articles_of(repo: Repo, cmp: Comparison) -> tuple[list[Lesson], list[str]]:
    here, missing = [], []
    for a in cmp.articles:
        try:
            here.append(repo.get_lesson(a))
        except UserError:
            missing.append(a)
    return here, missing


def with_placed_passages(lesson: Lesson, articles: list[Lesson]
                         ) -> tuple[Lesson, tuple[tuple[str, Passage], ...]]:
    assert lesson.comparison is not None
    cmp, lost = place_passages(lesson.comparison, {a.id: a.text for a in articles})
    return replace(lesson, comparison=cmp), lost


def student_highlights(repo: Repo, student_id: int, article: str) -> tuple[Highlight, ...]:
    """The student's latest highlights on an article: the latest attempt, else the draft."""
    subs = repo.submissions(student_id=student_id, lesson_id=article, with_reports=False)
    if subs:
        return max(subs, key=lambda s: s.attempt).highlights
    return repo.draft(student_id, article)


def open_comparison(repo: Repo, student_id: int, lesson_id: str,
                    fresh: bool = False) -> CompareWork:
    """The comparison as this student works on it. ``fresh``: ignore the draft (a new
    attempt after *Try again* starts from the highlights again)."""
    lesson = repo.get_lesson(lesson_id)  # never the key on the student path
    if not lesson.is_compare or lesson.comparison is None:
        raise UserError(f"lesson '{lesson_id}' is not a comparison")
    articles, missing = articles_of(repo, lesson.comparison)
    lesson, lost = with_placed_passages(lesson, articles)
    assert lesson.comparison is not None
    grid = None if fresh else compare_repo.grid_draft(repo.db, student_id, lesson_id)
    if grid is None:
        grid = prefill(lesson.comparison, {a.id: student_highlights(repo, student_id, a.id)
                                           for a in articles})
    return CompareWork(lesson, tuple(articles), tuple(missing), lost, grid)


def save_grid_draft(repo: Repo, student_id: int, lesson_id: str, grid: GridAnswer) -> None:
    compare_repo.save_grid_draft(repo.db, student_id, lesson_id, grid, now_iso())


def has_grid_draft(repo: Repo, student_id: int, lesson_id: str) -> bool:
    return compare_repo.grid_draft(repo.db, student_id, lesson_id) is not None
