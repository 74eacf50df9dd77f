"""Under a student's progress: how well they tell the key's sentences from careful ones,
per unit, in words a 14-year-old understands (``app.core.discrimination_words``; the
counts are the Discrimination view's). A scroll area that takes at most a quarter of
the page, so the table above is never squeezed; on a school's database the counting
runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from app.core.lessons import Category, Lesson
from app.services.results.discrimination import TrialsCache, student_units
from app.services.results.learning_text import progress_words
from app.store.repo import Repo
from app.ui.plain import label

NAME = "Telling the key's sentences from careful ones"


class ProgressWords(QScrollArea):
    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self.background = False  # a school's database: counted on the worker
        self.executor: Executor | None = None
        self.text = label()
        self.text.setWordWrap(True)
        self.text.setAccessibleName(NAME)
        self.setAccessibleName(NAME)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(self.text)
        self.viewport().setAutoFillBackground(False)
        self.text.setAutoFillBackground(False)
        self._trials: TrialsCache = {}  # each lesson's trials, once per refresh
        self._for: int | None = None  # the student being counted in the background
        self._page = page
        page.installEventFilter(self)

    def eventFilter(self, watched: QObject, e: QEvent) -> bool:  # noqa: N802
        if e.type() == QEvent.Type.Resize and watched is self._page:
            self._fit()
        return False

    def _set(self, text: str) -> None:
        self.text.setText(text)
        self._fit()

    def _fit(self) -> None:
        """As tall as the words, but at most a quarter of the page (then it scrolls)."""
        if not self.text.text():
            self.setFixedHeight(0)
            return
        width = max(self._page.width() - 40, 100)
        need = self.text.heightForWidth(width) + 2 * self.frameWidth()
        cap = max(self._page.height() // 4, 3 * self.fontMetrics().height())
        self.setFixedHeight(min(need, cap))

    def reset(self) -> None:
        """The lessons or keys may have changed: count afresh."""
        self._trials = {}

    def show_student(self, repo: Repo, student_id: int | None,
                     lessons: Mapping[str, Lesson | None], cats: Mapping[str, Category],
                     any_graded: bool) -> None:
        self._for = None
        if student_id is None or not any_graded:
            self._set("")
            return
        if not self.background:
            self._set(progress_words(
                student_units(repo, student_id, lessons, self._trials), cats))
            return
        from app.ui.operations import RepoOp

        self._for = student_id
        self._set("Counting this student's sentences…")
        known, have = dict(lessons), dict(self._trials)

        def work(r: Repo):  # noqa: ANN202
            return student_units(r, student_id, known, have), have

        def done(result) -> None:  # noqa: ANN001
            if self._for != student_id:
                return  # another student was chosen meanwhile
            self._for = None
            self._trials.update(result[1])
            self._set(progress_words(result[0], cats))

        RepoOp(self, repo.database.path, work, self.executor).success(done) \
            .run_in_background()
