"""Instructor mode: the lessons, their keys, packs, categories and results."""

from __future__ import annotations

from concurrent.futures import Executor

from PySide6.QtCore import Qt, QTimer
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
from app.services import lesson_edit
from app.services.lesson_edit import EditResult, save_lesson, unplaced_key
from app.store.repo import Repo
from app.ui import announce as a11y
from app.ui.instructor.gate import change_password
from app.ui.instructor.key_editor import KeyEditor
from app.ui.instructor.suggest_worker import SuggestionWorker
from app.ui.operations import RepoOp
from app.ui.plain import message_box

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class InstructorWindow(QMainWindow):
    def __init__(self, repo: Repo, worker: SuggestionWorker | None = None,
                 parent: QWidget | None = None, executor: Executor | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.executor = executor  # where operations run (None: the shared background thread)
        self.busy: RepoOp | None = None  # the save or import running now
        self.write_controls: list[QWidget | QAction] = []  # disabled while one runs
        self.notice: QMessageBox | None = None  # the last result shown (not modal)
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
        self.editor.save_requested.connect(self._on_editor_save_requested)
        self.editor.draft_changed.connect(self._on_editor_draft_changed)
        self.editor.back_requested.connect(self._on_editor_back)
        self.editor.preview_requested.connect(self.preview)
        self.editor.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.editor.forget_learning_requested.connect(self.forget_learning)
        from app.ui.compare.link_row import ClaimLinkRow  # key span → a comparison's claim

        self.claim_link = ClaimLinkRow(repo)
        self.editor.claim_slot.addWidget(self.claim_link)
        self.editor.span_selected.connect(self.claim_link.set_span)
        self.claim_link.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.stack.addWidget(self._build_list_page())
        self.stack.addWidget(self.editor)
        self.write_controls.append(self.editor.save_button)
        self._comparisons = None  # app.ui.compare.authoring, built on first use
        self._build_menu()
        self.refresh()
        self.worker.preload()  # the model loads in the background, after the window
        self.worker.learn(str(self.repo.database.path))  # and learns from this instructor

    def _build_list_page(self) -> QWidget:
        page = QWidget()
        title = QLabel("Lessons")
        title.setObjectName("lessonTitle")
        hint = QLabel("Select a lesson, then edit its details or its answer key. "
                      "Return opens the key editor.")
        buttons = QVBoxLayout()
        for text, slot in (("New lesson…", self.new_lesson),
                           ("New comparison…", lambda: self.comparisons.new()),
                           ("Edit details and text…", self.edit_details),
                           ("Edit answer key", lambda: self.edit_key(self.current_id())),
                           ("Preview as a student", self._on_preview_clicked),
                           ("Delete lesson…", self.delete_lesson),
                           ("Import lesson pack…", self.import_pack),
                           ("Export lessons…", self.export_pack),
                           ("Export for students…", self.export_for_students),
                           ("Categories…", self.edit_categories),
                           ("Class results…", self.show_results)):
            b = QPushButton(text)
            # clicked(bool) must not reach a slot's first parameter (import_pack(path)
            # was called with False: issue 23)
            b.clicked.connect(lambda _=False, s=slot: s())
            buttons.addWidget(b)
            if text.startswith(("New", "Edit details", "Delete", "Import")):
                self.write_controls.append(b)
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
                                ("Export for students…", self.export_for_students,
                                 "Ctrl+Shift+E"),
                                ("Categories…", self.edit_categories, None),
                                ("Class results…", self.show_results, None),
                                ("Change password…", lambda: change_password(self, self.repo),
                                 None),
                                ("Leave instructor mode", self.close, "Ctrl+W")):
            a = QAction(text, self)
            if key:
                a.setShortcut(QKeySequence(key))
            a.triggered.connect(lambda _=False, s=slot: s())
            m.addAction(a)
            if text.startswith(("New", "Import")):
                self.write_controls.append(a)

    # -- list -----------------------------------------------------------------
    def refresh(self) -> None:
        current = self.current_id()
        self.lessons.clear()
        for s in self.repo.list_lessons():
            lesson = self.repo.get_lesson(s.id, with_key=True)
            key = lesson.key or ()
            req = sum(k.required for k in key)
            lost = len(unplaced_key(self.repo, s.id))
            extra = f" — ⚠ {lost} set-aside key span{'s' * (lost != 1)} to place" if lost else ""
            kind = "Assessment" if s.mode == "assessment" else "Practice"
            it = QListWidgetItem(f"{s.title}\n{kind} · {s.unit or 'No unit'} · {s.words} words · "
                                 f"key: {req} required, {len(key) - req} optional{extra}")
            if lesson.is_compare:  # formats.md, "Comparisons"
                from app.ui.compare.authoring import list_line

                it.setText(f"{s.title}\n{list_line(lesson)}")
            it.setData(ID_ROLE, s.id)
            self.lessons.addItem(it)
            if s.id == current:
                self.lessons.setCurrentItem(it)
        if self.lessons.currentRow() < 0 and self.lessons.count():
            self.lessons.setCurrentRow(0)

    def select_lesson(self, lesson_id: str) -> None:
        for i in range(self.lessons.count()):
            if self.lessons.item(i).data(ID_ROLE) == lesson_id:
                self.lessons.setCurrentRow(i)
                self.lessons.scrollToItem(self.lessons.item(i))
                return

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
        if self.repo.get_lesson(lid).is_compare:
            self.comparisons.open(lid)
            return lid
        d = self._lesson_dialog(self.repo.get_lesson(lid, with_key=True))
        if d.exec() != QDialog.DialogCode.Accepted or d.result_lesson is None:
            return None
        return self._save(d.result_lesson, is_new=False)

    # -- operations -----------------------------------------------------------
    def run_op(self, op, label: str, on_success, on_failure=None,  # noqa: ANN001
               steps: bool = False) -> RepoOp | None:
        """Run ``op(repo)`` in the background on its own connection; one at a time. With
        ``steps``, ``op(repo, step)`` reports ``step(done, total)`` to the progress bar."""
        if self.busy is not None:
            self.statusBarMessage("Wait for the current save or import to finish.")
            return None
        def done(result) -> None:  # noqa: ANN001
            self.busy = None
            on_success(result)

        def failed(e: BaseException) -> None:
            self.busy = None
            if on_failure is not None:
                on_failure(e)
            if not isinstance(e, UserError):
                raise e
            self.notice = message_box(self, QMessageBox.Icon.Warning, label.rstrip("…"),
                                      str(e))

        work = (lambda repo: op(repo, busy.progress.step)) if steps else op
        busy = self.busy = RepoOp(self, self.repo.database.path, work, self.executor)
        self.busy.success(done).failure(failed).disabling(self.write_controls) \
            .with_progress(label)
        return self.busy.run_in_background()

    def statusBarMessage(self, text: str, ms: int = 6000) -> None:  # noqa: N802
        self.statusBar().showMessage(text, ms)

    def _save(self, lesson: Lesson, is_new: bool) -> str | None:
        used = {k.label for k in (lesson.key or ())}
        dropped = used - set(lesson.categories)
        if dropped:
            QMessageBox.warning(self, "Category still in use",
                                "The answer key uses a category you removed. Remove those "
                                "key spans first, or keep the category.")
            return None
        compute = self.worker.token_bounds  # blocks in the op's thread, never the GUI's
        op = self.run_op(lambda repo: save_lesson(repo, lesson, is_new, compute=compute),
                         "Saving the lesson…", self._on_lesson_saved)
        return lesson.id if op is not None else None

    def _on_lesson_saved(self, res: EditResult) -> None:
        self.refresh()
        self.select_lesson(res.lesson.id)  # a new lesson is the one selected
        msgs = []
        if res.unplaced_key:
            names = {c.id: c.name for c in self.repo.categories().values()}
            spans = "\n".join(f"• {names.get(k.label, k.label)}: “{k.quote[:60]}”"
                              for k in res.unplaced_key)
            msgs.append(f"{len(res.unplaced_key)} key span(s) could not be placed on the new "
                        f"text (their words changed):\n{spans}\n\nThey are kept aside: in the "
                        "key editor, place each on new words or discard it.")
        if res.unplaced_student:
            msgs.append(f"{res.unplaced_student} student highlight(s) no longer match the "
                        "text: they were taken out of drafts and attempts and kept aside.")
        if msgs:
            self.notice = message_box(self, QMessageBox.Icon.Information, "Lesson saved",
                                      "\n\n".join(msgs))
        self.statusBarMessage(f"Saved “{res.lesson.title}”.")

    def delete_lesson(self) -> None:
        lid = self.current_id()
        if lid is None or self.busy is not None:
            return
        ok = QMessageBox.question(self, "Delete lesson",
                                  "Delete this lesson, its key and students' drafts? "
                                  "Submitted attempts stay in the gradebook.")
        if ok == QMessageBox.StandardButton.Yes:
            lesson_edit.delete_lesson(self.repo, lid)
            self.refresh()

    # -- key ------------------------------------------------------------------
    @property
    def comparisons(self):  # -> app.ui.compare.authoring.CompareAuthoring  # noqa: ANN201
        """The comparison editor and its actions, built the first time one is used."""
        if self._comparisons is None:
            from app.ui.compare.authoring import CompareAuthoring

            self._comparisons = CompareAuthoring(self)
        return self._comparisons

    def edit_key(self, lid: str | None) -> None:
        if lid is None:
            return
        lesson = self.repo.get_lesson(lid, with_key=True)
        if lesson.is_compare:  # its "key" is the grid's: the comparison editor
            self.comparisons.open(lid)
            return
        self.editor.set_lesson(lesson, self.repo.categories(), self.repo.tokens(lid))
        self.claim_link.set_article(lid)
        self.editor.set_unplaced(unplaced_key(self.repo, lid))
        draft = lesson_edit.key_draft(self.repo, lesson)
        if draft is not None:
            self.editor.restore_draft(draft.spans, draft.unplaced)
            self.statusBarMessage("Your unsaved changes to this key are back (from "
                                  f"{draft.saved_at}). Save the key to keep them, or Undo.",
                                  12000)
        # focus first, then the page (else the stack hands the focus to the editor's
        # first button, read out on the way); then what opened, as a change of the focused
        # article's description (what Orca 43 reads: app.ui.announce)
        self.editor.article.setFocus(Qt.FocusReason.OtherFocusReason)
        self.stack.setCurrentWidget(self.editor)
        message = self.editor.opening_message()
        a11y.notify(self.editor, message)
        self.editor.article.present_result(message)

    def _on_editor_draft_changed(self, lesson_id: str, state: object) -> None:
        if state is None:
            lesson_edit.clear_key_draft(self.repo, lesson_id)
            return
        spans, unplaced = state  # type: ignore[misc]
        lesson_edit.save_key_draft(self.repo, lesson_id, self.editor.key.text, spans, unplaced)

    def _on_editor_save_requested(self, lesson: Lesson) -> None:
        self._save_key(lesson)

    def _save_key(self, lesson: Lesson, then=None) -> RepoOp | None:  # noqa: ANN001
        from app.services import learning

        unplaced = list(self.editor.unplaced)
        accepted, rejected = self.editor.review()

        def work(repo: Repo, step) -> Lesson:  # noqa: ANN001
            stored = lesson_edit.save_key(repo, lesson, unplaced, step)
            learning.record_key_save(repo, stored, accepted, rejected)  # what it teaches
            return stored

        def saved(stored: Lesson) -> None:
            self.editor.mark_saved(stored)
            self.worker.learn(str(self.repo.database.path))  # suggestions learn from it
            if then is not None:
                then()

        return self.run_op(work, "Saving the key and grading its attempts again…", saved,
                           steps=True)

    def forget_learning(self) -> None:
        """Delete what the suggestions learned from this instructor's keys (asked first)."""
        from app.services import learning

        if self.busy is not None:
            return
        ok = QMessageBox.question(
            self, "Forget what suggestions learned",
            "Delete everything the suggestions learned from your keys on this computer "
            "(the spans you accepted, rejected and marked)? Your lessons and keys are not "
            "touched; suggestions start again from the word lists and patterns.")
        if ok != QMessageBox.StandardButton.Yes:
            return

        def forgotten(n: int) -> None:
            self.worker.learn(str(self.repo.database.path))
            self.statusBarMessage(f"Forgot what suggestions learned ({n} key spans).")

        self.run_op(learning.forget, "Forgetting what suggestions learned…", forgotten)

    def _ask_unsaved(self) -> QMessageBox.StandardButton:
        return QMessageBox.question(
            self, "Unsaved key", "Save the changes to this key?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)

    def _on_editor_back(self) -> None:
        if self.busy is not None:
            self.statusBarMessage("Wait for the key to be saved.")
            return
        self.editor.commit_form()
        if self.editor.is_dirty():
            ans = self._ask_unsaved()
            if ans == QMessageBox.StandardButton.Cancel:
                return
            if ans == QMessageBox.StandardButton.Save:
                lesson = self.editor.prepare_save()
                if lesson is not None:
                    self._save_key(lesson, then=self._show_list)
                return
            self.editor.discard_changes()
        self._show_list()

    def _show_list(self) -> None:
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
    def import_pack(self, path: str | None = None) -> None:
        from app.ui.instructor.pack_dialogs import import_pack_interactive

        if self.busy is None:
            import_pack_interactive(self, path, self._on_pack_imported)

    def _on_pack_imported(self, report) -> None:  # noqa: ANN001 — library.ImportReport
        self.refresh()
        self.statusBarMessage(f"Imported {len(report.ids)} lesson(s).")
        if report.replaced:
            self.notice = message_box(self, QMessageBox.Icon.Information, "Lessons replaced",
                                      "\n".join(report.lines()))

    def export_pack(self) -> None:
        from app.ui.instructor.pack_dialogs import export_interactive

        path = export_interactive(self, self.repo, self.selected_ids())
        if path:
            self.statusBar().showMessage(f"Saved {path}", 8000)

    def export_for_students(self, path: str | None = None) -> str | None:
        """One pack for students' machines: practice keys in, assessment keys and teacher
        notes out (app.ui.instructor.student_export)."""
        from app.ui.instructor.student_export import export_for_students

        done = export_for_students(self, self.repo, self.selected_ids(), path)
        if done is None:
            return None
        where, what = done
        self.statusBar().showMessage(f"Saved {where}: {what}", 12000)
        return where

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
        if self.busy is not None:  # a save or import is running
            self.statusBarMessage("Wait for the save or import to finish, then close.")
            e.ignore()
            return
        if self._comparisons is not None and self.stack.currentWidget() is \
                self._comparisons.editor and not self._comparisons.leave():
            e.ignore()
            return
        if self.stack.currentWidget() is self.editor:
            self.editor.commit_form()  # the explanation being typed counts
            if self.editor.is_dirty():
                ans = self._ask_unsaved()
                if ans == QMessageBox.StandardButton.Cancel:
                    e.ignore()
                    return
                if ans == QMessageBox.StandardButton.Save:
                    e.ignore()
                    lesson = self.editor.prepare_save()
                    if lesson is not None:  # close once it is stored
                        self._save_key(lesson, then=lambda: QTimer.singleShot(0, self.close))
                    return
                self.editor.discard_changes()
        self.worker.shutdown()
        super().closeEvent(e)
