"""Instructor mode: the lessons, their keys, packs, categories and results."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.lessons import Lesson
from app.services.grading import regrade_stale
from app.services.lesson_edit import save_lesson, unplaced_key
from app.store.repo import Repo
from app.ui.instructor.gate import change_password
from app.ui.instructor.key_editor import KeyEditor
from app.ui.instructor.suggest_worker import SuggestionWorker

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class InstructorWindow(QMainWindow):
    def __init__(self, repo: Repo, worker: SuggestionWorker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle("Close Reader — Instructor")
        self.resize(1200, 820)
        self.worker = worker or SuggestionWorker(parent=self)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.lessons = QListWidget()
        self.lessons.setAccessibleName("Lessons (instructor)")
        self.lessons.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.lessons.itemActivated.connect(lambda it: self.edit_key(it.data(ID_ROLE)))
        self.editor = KeyEditor(self.worker)
        self.editor.saved.connect(self._on_editor_saved)
        self.editor.back_requested.connect(self._on_editor_back)
        self.editor.preview_requested.connect(self.preview)
        self.editor.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.stack.addWidget(self._build_list_page())
        self.stack.addWidget(self.editor)
        self._build_menu()
        self.refresh()
        self.worker.preload()  # the model loads in the background, after the window

    def _build_list_page(self) -> QWidget:
        page = QWidget()
        title = QLabel("Lessons")
        title.setObjectName("lessonTitle")
        hint = QLabel("Select a lesson, then edit its details or its answer key. "
                      "Return opens the key editor.")
        buttons = QVBoxLayout()
        for text, slot in (("New lesson…", self.new_lesson),
                           ("Edit details and text…", self.edit_details),
                           ("Edit answer key", lambda: self.edit_key(self.current_id())),
                           ("Preview as a student", self._on_preview_clicked),
                           ("Delete lesson…", self.delete_lesson),
                           ("Import lesson pack…", self.import_pack),
                           ("Export lessons…", self.export_pack),
                           ("Categories…", self.edit_categories),
                           ("Class results…", self.show_results)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.lessons, 1)
        row.addLayout(buttons)
        lay = QVBoxLayout(page)
        lay.addWidget(title)
        lay.addWidget(hint)
        lay.addLayout(row, 1)
        return page

    def _build_menu(self) -> None:
        m = self.menuBar().addMenu("&Instructor")
        for text, slot, key in (("New lesson…", self.new_lesson, "Ctrl+N"),
                                ("Import lesson pack…", self.import_pack, "Ctrl+O"),
                                ("Export lessons…", self.export_pack, "Ctrl+E"),
                                ("Categories…", self.edit_categories, None),
                                ("Class results…", self.show_results, None),
                                ("Change password…", lambda: change_password(self, self.repo),
                                 None),
                                ("Leave instructor mode", self.close, "Ctrl+W")):
            a = QAction(text, self)
            if key:
                a.setShortcut(QKeySequence(key))
            a.triggered.connect(slot)
            m.addAction(a)

    # -- list -----------------------------------------------------------------
    def refresh(self) -> None:
        current = self.current_id()
        self.lessons.clear()
        for s in self.repo.list_lessons():
            lesson = self.repo.get_lesson(s.id, with_key=True)
            key = lesson.key or ()
            req = sum(k.required for k in key)
            lost = len(unplaced_key(self.repo, s.id))
            extra = f" — ⚠ {lost} key span(s) to place" if lost else ""
            it = QListWidgetItem(f"{s.title}\n{s.unit or 'No unit'} · {s.words} words · "
                                 f"key: {req} required, {len(key) - req} optional{extra}")
            it.setData(ID_ROLE, s.id)
            self.lessons.addItem(it)
            if s.id == current:
                self.lessons.setCurrentItem(it)
        if self.lessons.currentRow() < 0 and self.lessons.count():
            self.lessons.setCurrentRow(0)

    def current_id(self) -> str | None:
        it = self.lessons.currentItem()
        return it.data(ID_ROLE) if it else None

    def selected_ids(self) -> set[str]:
        return {it.data(ID_ROLE) for it in self.lessons.selectedItems()}

    # -- lessons --------------------------------------------------------------
    def _lesson_dialog(self, lesson: Lesson | None):  # -> LessonDialog
        from app.ui.instructor.lesson_dialog import LessonDialog

        units = sorted({s.unit for s in self.repo.list_lessons() if s.unit})
        return LessonDialog(self, self.repo.categories(), set(self.repo.lesson_ids()), units,
                            lesson)

    def new_lesson(self) -> str | None:
        d = self._lesson_dialog(None)
        if d.exec() != QDialog.DialogCode.Accepted or d.result_lesson is None:
            return None
        return self._save(d.result_lesson, is_new=True)

    def edit_details(self) -> str | None:
        lid = self.current_id()
        if lid is None:
            return None
        d = self._lesson_dialog(self.repo.get_lesson(lid, with_key=True))
        if d.exec() != QDialog.DialogCode.Accepted or d.result_lesson is None:
            return None
        return self._save(d.result_lesson, is_new=False)

    def _save(self, lesson: Lesson, is_new: bool) -> str | None:
        used = {k.label for k in (lesson.key or ())}
        dropped = used - set(lesson.categories)
        if dropped:
            QMessageBox.warning(self, "Category still in use",
                                "The answer key uses a category you removed. Remove those "
                                "key spans first, or keep the category.")
            return None
        try:
            res = save_lesson(self.repo, lesson, is_new, compute=self.worker.token_bounds)
        except UserError as e:
            QMessageBox.warning(self, "Could not save the lesson", str(e))
            return None
        regrade_stale(self.repo, lesson.id)
        self.refresh()
        msgs = []
        if res.unplaced_key:
            spans = "\n".join(f"• {k.label}: “{k.quote[:60]}”" for k in res.unplaced_key)
            msgs.append(f"{len(res.unplaced_key)} key span(s) could not be placed on the new "
                        f"text (their words changed):\n{spans}\n\nThey are kept aside: open "
                        "the key editor to place them again.")
        if res.unplaced_student:
            msgs.append(f"{res.unplaced_student} student highlight(s) no longer match the "
                        "text and were taken out of drafts and attempts.")
        if msgs:
            QMessageBox.information(self, "Lesson saved", "\n\n".join(msgs))
        self.statusBar().showMessage(f"Saved “{lesson.title}”.", 6000)
        return lesson.id

    def delete_lesson(self) -> None:
        lid = self.current_id()
        if lid is None:
            return
        ok = QMessageBox.question(self, "Delete lesson",
                                  "Delete this lesson, its key and students' drafts? "
                                  "Submitted attempts stay in the gradebook.")
        if ok == QMessageBox.StandardButton.Yes:
            self.repo.delete_lesson(lid)
            self.refresh()

    # -- key ------------------------------------------------------------------
    def edit_key(self, lid: str | None) -> None:
        if lid is None:
            return
        lesson = self.repo.get_lesson(lid, with_key=True)
        self.editor.set_lesson(lesson, self.repo.categories(), self.repo.tokens(lid))
        self.editor.set_unplaced(unplaced_key(self.repo, lid))
        self.stack.setCurrentWidget(self.editor)
        self.editor.article.setFocus()

    def _on_editor_saved(self, lesson: Lesson) -> None:
        from app.services.lesson_edit import set_unplaced_key

        self.repo.save_lessons([lesson], {lesson.id: self.repo.tokens(lesson.id)}, replace=True)
        set_unplaced_key(self.repo, lesson.id, self.editor.unplaced)
        regrade_stale(self.repo, lesson.id)

    def _on_editor_back(self) -> None:
        if self.editor.is_dirty():
            ans = QMessageBox.question(
                self, "Unsaved key", "Save the changes to this key?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel)
            if ans == QMessageBox.StandardButton.Cancel:
                return
            if ans == QMessageBox.StandardButton.Save:
                self.editor.save()
        self.refresh()
        self.stack.setCurrentIndex(0)

    def preview(self, lesson: Lesson) -> None:
        from app.ui.instructor.preview import PreviewDialog

        PreviewDialog(self, lesson, self.repo.categories(), self.repo.tokens(lesson.id), self.repo).exec()

    def _on_preview_clicked(self) -> None:
        lid = self.current_id()
        if lid:
            self.preview(self.repo.get_lesson(lid))

    # -- packs, categories, results ------------------------------------------
    def import_pack(self) -> None:
        from app.ui.instructor.pack_dialogs import import_pack_interactive

        ids = import_pack_interactive(self, self.repo, compute=self.worker.token_bounds)
        if ids:
            self.refresh()
            self.statusBar().showMessage(f"Imported {len(ids)} lesson(s).", 6000)

    def export_pack(self) -> None:
        from app.ui.instructor.pack_dialogs import export_interactive

        path = export_interactive(self, self.repo, self.selected_ids())
        if path:
            self.statusBar().showMessage(f"Saved {path}", 8000)

    def edit_categories(self) -> None:
        from app.ui.instructor.categories_dialog import CategoriesDialog

        d = CategoriesDialog(self, self.repo.categories())
        if d.exec() == QDialog.DialogCode.Accepted and d.changed:
            self.repo.save_categories(d.changed.values())
            self.statusBar().showMessage("Categories saved.", 6000)

    def show_results(self) -> None:
        try:
            from app.ui.results.window import ResultsWindow
        except ImportError:
            QMessageBox.information(self, "Class results", "Results are not available yet.")
            return
        ResultsWindow(self.repo, self).show()

    def closeEvent(self, e: QCloseEvent) -> None:
        if self.stack.currentWidget() is self.editor and self.editor.is_dirty():
            self._on_editor_back()
            if self.stack.currentWidget() is self.editor:
                e.ignore()
                return
        self.worker.shutdown()
        super().closeEvent(e)
