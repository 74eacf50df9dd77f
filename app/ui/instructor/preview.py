"""Preview as a student: the student's own window (same reader, same feedback view, same
fonts and text size) on a throw-away copy of the lesson — a database in a temporary
folder that holds only this lesson, its key and the categories. Highlighting, submitting
and the feedback all work; nothing reaches the real database, and the copy is deleted
when the preview closes."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.lessons import Category, Lesson
from app.store.repo import Repo, open_repo

PREVIEW_STUDENT = "Preview student"


def throwaway_copy(lesson: Lesson, categories: dict[str, Category],
                   tokens: list[tuple[int, int]], folder: Path, zoom: str | None,
                   articles: tuple[Lesson, ...] = (),
                   article_tokens: dict[str, list[tuple[int, int]]] | None = None) -> Repo:
    """A new database in ``folder`` with just this lesson (and its key) — and, for a
    comparison, its articles (without their keys)."""
    repo = open_repo(folder / "preview.db")
    repo.save_categories(categories.values())
    repo.save_lessons([*articles, lesson], {lesson.id: tokens, **(article_tokens or {})})
    if zoom:
        repo.set_setting("zoom", zoom)
    return repo


class PreviewDialog(QDialog):
    def __init__(self, parent: QWidget | None, lesson: Lesson,
                 categories: dict[str, Category], tokens: list[tuple[int, int]],
                 repo: Repo | None = None) -> None:
        """``repo``: the real database, read only for the lesson's stored key (when the
        lesson comes without one) and the text size; the preview never writes to it."""
        super().__init__(parent)
        from app.ui.main_window import MainWindow

        self.setWindowTitle(f"Student preview — {lesson.title}")
        self.resize(1180, 800)
        if lesson.key is None and repo is not None and lesson.id in repo.lesson_ids():
            stored = repo.get_lesson(lesson.id, with_key=True)
            if stored.text == lesson.text:
                lesson = replace(lesson, key=stored.key,  # (a comparison's key with it)
                                 comparison=stored.comparison or lesson.comparison)
        self._folder = Path(tempfile.mkdtemp(prefix="close-reader-preview-"))
        zoom = repo.setting("zoom") if repo is not None else None
        articles: tuple[Lesson, ...] = ()
        if lesson.is_compare and lesson.comparison is not None and repo is not None:
            here = set(repo.lesson_ids())
            articles = tuple(repo.get_lesson(a) for a in lesson.comparison.articles
                             if a in here)
        self.copy = throwaway_copy(lesson, categories, tokens, self._folder, zoom, articles,
                                   {a.id: repo.tokens(a.id) for a in articles} if repo else None)
        self.lesson = lesson
        note = QLabel("Student preview: exactly what a student sees. Highlight, submit and read "
                      "the feedback; nothing here is saved or graded.")
        note.setObjectName("instructions")
        note.setWordWrap(True)
        self.release_button = QPushButton("Release the feedback (preview)")
        self.release_button.setToolTip("An assessment waits for your release; in the preview "
                                       "you can release it at once to see the feedback.")
        self.release_button.clicked.connect(self.release)
        self.release_button.setVisible(False)
        self.window = MainWindow(self.copy, student=PREVIEW_STUDENT)
        self.window.setWindowFlags(Qt.WindowType.Widget)
        for a in (self.window.instructor_action, self.window.switch_action,
                  self.window.export_all_action, self.window.export_mine_action):
            a.setEnabled(False)
        self.reader = self.window.reader
        self.feedback = self.window.feedback
        self.reader.back_button.setText("Close preview")
        self.reader.back_button.setAccessibleName("Close preview")
        self.reader.back_requested.disconnect()
        self.reader.back_requested.connect(self.accept)
        self.feedback.back_button.setText("Close preview")
        self.feedback.back_button.setAccessibleName("Close preview")
        self.feedback.back_requested.disconnect()
        self.feedback.back_requested.connect(self.accept)
        if lesson.is_compare:  # the Compare page closes the preview too
            cp = self.window.compare
            cp.back_button.setText("Close preview")
            cp.back_button.setAccessibleName("Close preview")
            cp.back_requested.disconnect()
            cp.back_requested.connect(self.accept)
        self.window.stack.currentChanged.connect(self._on_page_changed)
        self.window.open_lesson(lesson.id)
        top = QHBoxLayout()
        top.addWidget(note, 1)
        top.addWidget(self.release_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.window, 1)
        self._zoom = float(zoom or 1.0)
        self.window.apply_zoom(self._zoom)  # once inside the dialog: the student's fonts
        self.finished.connect(self._cleanup)

    def showEvent(self, e) -> None:  # noqa: N802, ANN001
        super().showEvent(e)
        self.window.apply_zoom(self._zoom)

    def release(self) -> None:
        ids = [s.submission_id for s in self.copy.submissions(lesson_id=self.lesson.id,
                                                              with_reports=False)]
        self.copy.release(ids)
        if self.lesson.is_compare:
            self.window.compare_controller.show_feedback(self.lesson.id)
        else:
            self.window.show_feedback(self.lesson.id)
        self._on_page_changed()

    def _on_page_changed(self, *_a) -> None:
        page = self.window.stack.currentWidget()
        waiting = ((page is self.feedback and self.feedback.report is None
                    or page is self.window._compare and page.model.locked)
                   and self.lesson.is_assessment)
        self.release_button.setVisible(waiting)

    def _cleanup(self, *_a) -> None:
        self.reader.flush()
        if self.window._compare is not None:
            self.window._compare.flush()
        with contextlib.suppress(Exception):  # the copy is thrown away either way
            self.copy.database.close()
        shutil.rmtree(self._folder, ignore_errors=True)
