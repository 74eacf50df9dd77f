"""The Compare page's composition root for a student: it opens a comparison from the
database, autosaves the grid, submits it (asking first), and shows the feedback or the
"waiting for your teacher" state — the same rules as the reader and feedback view
(``app.ui.main_window``), through the same services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.core.errors import UserError
from app.store.repo import KeyLocked, Repo
from app.ui.plain import warn

if TYPE_CHECKING:
    from app.core.compare.model import GridAnswer
    from app.ui.compare.page import ComparePage
    from app.ui.main_window import MainWindow


class CompareController(QObject):
    def __init__(self, window: MainWindow, page: ComparePage) -> None:
        super().__init__(window)
        self.window = window
        self.page = page
        page.grid_changed.connect(self._on_page_grid_changed)
        page.submit_requested.connect(self._on_page_submit_requested)
        page.try_again_requested.connect(self._on_page_try_again)
        page.attempt_chosen.connect(self._on_page_attempt_chosen)
        page.back_requested.connect(window.show_library)

    @property
    def repo(self) -> Repo:
        return self.window.repo

    def _student(self) -> tuple[int, str]:
        st = self.window.student
        assert st is not None
        return st.id, st.name

    def open(self, lesson_id: str, fresh: bool = False) -> None:
        """The comparison: its feedback when submitted (and nothing is drafted), else
        the grid to fill in."""
        from app.services.compare.student import has_grid_draft

        sid, _ = self._student()
        if not fresh and not has_grid_draft(self.repo, sid, lesson_id) \
                and self.repo.has_submitted(sid, lesson_id):
            self.show_feedback(lesson_id)
            return
        self.open_work(lesson_id, fresh)

    def open_work(self, lesson_id: str, fresh: bool = False) -> None:
        from app.services.compare.student import open_comparison

        sid, _ = self._student()
        work = open_comparison(self.repo, sid, lesson_id, fresh=fresh)
        note = self.window._attempt_note(work.lesson)
        if work.grid.prefilled and not fresh:
            n = len(work.grid.prefilled)
            note = (note + "\n" if note else "") + (
                f"{n} cell{'s' * (n != 1)} (★) start{'s' * (n == 1)} from your own "
                "highlights: you marked the passage as an unsupported claim. Say on what the "
                "article rests it.")
        elif work.grid.prefilled:
            note = (note + "\n" if note else "") + "Cells marked ★ start from your highlights."
        self.page.show_work(work.lesson, work.articles, work.grid, note, work.missing)
        self.window.stack.setCurrentWidget(self.page)
        self.page.grid.setFocus()
        self.window.statusBar().showMessage(
            "Arrows move in the grid; 1–5 answer a cell; Ctrl+Return submits.", 8000)

    def show_feedback(self, lesson_id: str, submission_id: str | None = None) -> None:
        from app.services.compare.student import articles_of, with_placed_passages
        from app.services.grading import grade_attempt

        sid, _ = self._student()
        attempts = self.repo.submissions(sid, lesson_id, with_reports=False)
        plain = self.repo.get_lesson(lesson_id)
        assert plain.comparison is not None
        articles, _ = articles_of(self.repo, plain.comparison)
        try:
            lesson = self.repo.key_for_student(sid, lesson_id)
        except KeyLocked:
            lesson, _ = with_placed_passages(plain, articles)
            self.page.show_waiting(lesson, articles, attempts)
            self.window.stack.setCurrentWidget(self.page)
            self.page.score.setFocus()
            return
        lesson, _ = with_placed_passages(lesson, articles)
        shown = next((s for s in attempts if s.submission_id == submission_id), None)
        if shown is None and attempts:
            shown = max(attempts, key=lambda s: s.attempt)
        if shown is None or lesson.key is None:
            self.open_work(lesson_id)
            return
        try:
            report = grade_attempt(lesson, shown, "this attempt")
        except UserError as e:
            warn(self.window, "Could not show the feedback", str(e))
            return
        grade = self.repo.grades(sid, lesson_id).get((sid, lesson_id))
        self.page.show_result(lesson, articles, report, shown, attempts, grade)  # type: ignore[arg-type]
        self.window.stack.setCurrentWidget(self.page)
        self.page.score.setFocus()

    # -- slots ----------------------------------------------------------------
    def _on_page_grid_changed(self, lesson_id: str, grid: GridAnswer) -> None:
        from app.services.compare.student import save_grid_draft

        if self.window.student is not None:
            save_grid_draft(self.repo, self._student()[0], lesson_id, grid)

    def _on_page_submit_requested(self, lesson_id: str) -> None:
        from app.services.compare.grading import submit_grid

        grid = self.page.current_grid()
        lesson = self.page.lesson
        if lesson is None or not self._confirm(grid, lesson.is_assessment):
            return
        sid, name = self._student()
        try:
            submit_grid(self.repo, sid, name, lesson_id, grid)
        except UserError as e:
            warn(self.window, "Could not submit", str(e))
            return
        self.show_feedback(lesson_id)

    def _confirm(self, grid: GridAnswer, assessment: bool) -> bool:
        """Ask before submitting; with blank answers the default is *Keep working*."""
        from PySide6.QtWidgets import QMessageBox

        cmp = self.page.model.cmp
        assert cmp is not None
        cells = len(cmp.claims) * len(cmp.articles)
        blank = cells - len(grid.cells)
        open_source = sum(1 for c in grid.cells if c.choice == "makes")
        no_verdict = sum(1 for c in cmp.claims if not grid.verdict(c.id).verdict)
        what = ("Submitting ends this assessment: your teacher will release the feedback."
                if assessment else
                "Submitting shows you the key and your score. This first attempt is your "
                "grade; trying again afterwards is practice.")
        gaps = []
        if blank:
            gaps.append(f"{blank} of {cells} cells are not answered")
        if open_source:
            gaps.append(f"{open_source} cell{'s' * (open_source != 1)} still need"
                        f"{'s' * (open_source == 1)} a source (★ makes it)")
        if no_verdict:
            gaps.append(f"{no_verdict} claim{'s' * (no_verdict != 1)} "
                        f"ha{'ve' if no_verdict != 1 else 's'} no verdict")
        if gaps:
            box = QMessageBox(QMessageBox.Icon.Warning, "Submit grid",
                              "; ".join(gaps).capitalize() + ".", parent=self.window)
            ok = box.addButton("Submit anyway", QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
        else:
            box = QMessageBox(QMessageBox.Icon.Question, "Submit grid",
                              "Submit your grid?", parent=self.window)
            ok = box.addButton("Submit", QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(ok)
        box.setInformativeText(what)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is ok

    def _on_page_try_again(self, lesson_id: str) -> None:
        self.open_work(lesson_id, fresh=True)
        self.window.statusBar().showMessage("A fresh grid: your earlier attempts are kept.",
                                            6000)

    def _on_page_attempt_chosen(self, submission_id: str) -> None:
        if self.page.lesson is not None:
            self.show_feedback(self.page.lesson.id, submission_id)
