"""Comparisons in the instructor window: *New comparison…*, the editor in the window's
page stack, saving (off the GUI thread, attempts regraded), leaving with unsaved work,
and the lesson list's line for a comparison. ``InstructorWindow`` calls these."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FormatError, UserError
from app.core.lessons import LESSON_ID_RE, Lesson
from app.services.compare import editing
from app.ui.compare.editor import ID_ROLE, CompareEditor

if TYPE_CHECKING:
    from app.ui.instructor.window import InstructorWindow

from PySide6.QtCore import Qt


def list_line(lesson: Lesson) -> str:
    """The instructor list's second line for a comparison."""
    cmp = lesson.comparison
    if cmp is None:
        return "Comparison"
    open_ = sum(1 for e in cmp.dossier if e.unconfirmed)
    key = "key written" if lesson.key is not None else "no key here"
    return (f"{lesson.unit or 'No unit'} · comparison of {len(cmp.articles)} articles · "
            f"{len(cmp.claims)} claims · dossier of {len(cmp.dossier)}"
            + (f" ({open_} not all confirmed)" if open_ else "") + f" · {key}")


class NewComparisonDialog(QDialog):
    """Title, id and the articles (2 to 8) of a new comparison."""

    def __init__(self, parent: QWidget, window: InstructorWindow) -> None:
        super().__init__(parent)
        self.setWindowTitle("New comparison")
        self.taken = set(window.repo.lesson_ids())
        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.lesson_id = QLineEdit()
        self.lesson_id.setAccessibleName("Lesson id")
        self.title.textEdited.connect(self._suggest_id)
        self.unit = QLineEdit()
        self.unit.setAccessibleName("Unit")
        self.articles = QListWidget()
        self.articles.setAccessibleName("Articles to compare (tick 2 to 8)")
        chosen = window.selected_ids()
        for s in window.repo.list_lessons():
            if s.kind == "compare":
                continue
            it = QListWidgetItem(f"{s.title}  ({s.unit or 'no unit'})")
            it.setData(ID_ROLE, s.id)
            it.setData(ID_ROLE + 1, s.unit)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                        | Qt.ItemFlag.ItemIsSelectable)
            it.setCheckState(Qt.CheckState.Checked if s.id in chosen else Qt.CheckState.Unchecked)
            self.articles.addItem(it)
        units = {self.articles.item(i).data(ID_ROLE + 1) for i in range(self.articles.count())
                 if self.articles.item(i).checkState() == Qt.CheckState.Checked}
        if len(units) == 1:
            self.unit.setText(units.pop() or "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Title:", self.title)
        form.addRow("&Id:", self.lesson_id)
        form.addRow("&Unit:", self.unit)
        form.addRow("&Articles:", self.articles)
        self.error = QLineEdit()
        self.error.setReadOnly(True)
        self.error.setAccessibleName("Problem")
        self.error.setVisible(False)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.doc: dict | None = None

    def _suggest_id(self, text: str) -> None:
        base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:56] or "comparison"
        lid, n = base, 2
        while lid in self.taken:
            lid, n = f"{base}-{n}", n + 1
        self.lesson_id.setText(lid)

    def chosen(self) -> list[str]:
        return [self.articles.item(i).data(ID_ROLE) for i in range(self.articles.count())
                if self.articles.item(i).checkState() == Qt.CheckState.Checked]

    def _on_ok(self) -> None:
        lid, title, arts = self.lesson_id.text().strip(), self.title.text().strip(), self.chosen()
        problem = ("Give the comparison a title." if not title else
                   "The id must be lower-case letters, digits and '-'."
                   if not LESSON_ID_RE.fullmatch(lid) else
                   f"A lesson with the id '{lid}' already exists." if lid in self.taken else
                   "Tick 2 to 8 articles." if not 2 <= len(arts) <= 8 else "")
        if problem:
            self.error.setText(problem)
            self.error.setVisible(True)
            return
        self.doc = editing.new_doc(lid, title, self.unit.text().strip(), arts)
        self.accept()


class CompareAuthoring:
    """The window's comparison editor and what it does with it."""

    def __init__(self, window: InstructorWindow) -> None:
        self.window = window
        self.editor = CompareEditor(window.repo)
        window.stack.addWidget(self.editor)
        self.editor.save_requested.connect(self._on_save_requested)
        self.editor.back_requested.connect(self.leave)
        self.editor.preview_requested.connect(window.preview)
        self.editor.message.connect(lambda m: window.statusBar().showMessage(m, 8000))
        window.write_controls.append(self.editor.save_button)

    def new(self) -> str | None:
        d = NewComparisonDialog(self.window, self.window)
        if d.exec() != QDialog.DialogCode.Accepted or d.doc is None:
            return None
        try:
            lesson = editing.lesson_from_doc(self.window.repo, d.doc)
            editing.save_comparison(self.window.repo, lesson, is_new=True,
                                    compute=self.window.worker.token_bounds)
        except (FormatError, UserError) as e:
            QMessageBox.warning(self.window, "New comparison", str(e))
            return None
        self.window.refresh()
        self.open(lesson.id)
        self.editor.tabs.setCurrentIndex(1)  # straight to the claims
        return lesson.id

    def open(self, lesson_id: str) -> None:
        repo = self.window.repo
        lesson = repo.get_lesson(lesson_id, with_key=True)
        saved = editing.doc_of(lesson)
        found = editing.draft(repo, lesson_id)
        self.editor.open_doc(found[0] if found else saved, is_new=False, saved=saved)
        if found:
            self.window.statusBarMessage(
                f"Your unsaved changes to this comparison are back (from {found[1]}). Save "
                "to keep them.", 12000)
        self.window.stack.setCurrentWidget(self.editor)
        self.editor.title.setFocus()

    def _on_save_requested(self, lesson: Lesson, is_new: bool) -> None:
        compute = self.window.worker.token_bounds
        self.window.run_op(
            lambda repo, step: editing.save_comparison(repo, lesson, is_new, compute, step),
            "Saving the comparison and grading its attempts again…",
            lambda _le: (self.editor.mark_saved(), self.window.refresh()), steps=True)

    def leave(self) -> bool:
        """Back to the lesson list, asking about unsaved work. False: stay."""
        if self.window.busy is not None:
            self.window.statusBarMessage("Wait for the comparison to be saved.")
            return False
        if self.editor.is_dirty():
            ans = QMessageBox.question(
                self.window, "Unsaved comparison", "Save the changes to this comparison?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel)
            if ans == QMessageBox.StandardButton.Cancel:
                return False
            if ans == QMessageBox.StandardButton.Save:
                if self.editor.save() is None:
                    return False
            else:
                self.editor.discard_changes()
        self.window.refresh()
        self.window.stack.setCurrentIndex(0)
        return True
