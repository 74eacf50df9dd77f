"""The main window: the composition root that connects the pages to the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.lessons import Highlight, Lesson
from app.store.repo import KeyLocked, Repo, Student
from app.ui.library_view import LibraryRow, LibraryView
from app.ui.plain import warn

if TYPE_CHECKING:  # (QEvent's Python enums, 179 members, are built on the first event)
    from PySide6.QtGui import QCloseEvent

    from app.core.scoring import Report
    from app.ui.compare.controller import CompareController
    from app.ui.compare.page import ComparePage
    from app.ui.feedback_page import FeedbackPage
    from app.ui.read_tracker import ReadTracker
    from app.ui.reader_page import ReaderPage
    from app.ui.signin_page import SignInPage


# grading and the feedback view load on first use, not before the library shows
def grade_lesson(*args: Any, **kwargs: Any) -> Any:
    from app.services.grading import grade_lesson as impl

    return impl(*args, **kwargs)


def submit(*args: Any, **kwargs: Any) -> Any:
    from app.services.grading import submit as impl

    return impl(*args, **kwargs)


def has_seen_key(*args: Any, **kwargs: Any) -> Any:
    from app.services.grading import has_seen_key as impl

    return impl(*args, **kwargs)

ZOOM_STEPS = (85, 100, 115, 130, 150, 175, 200)  # % of the normal text size


class MainWindow(QMainWindow):
    def __init__(self, repo: Repo, student: str | None = None) -> None:
        super().__init__()
        self.repo = repo
        self.student: Student | None = None
        self._after_key = False  # the reader holds practice after seeing the key
        self.setWindowTitle("Close Reader")
        self.resize(1180, 800)
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        # each page is made inside the stack, not moved into it once built: under the
        # app's style sheet, moving a built subtree restyles all of it
        self.library_page, self.library, self.greeting = self._build_library_page()
        # the sign-in page, the reader and the feedback view are built on first use
        # (self.signin, self.reader, self.feedback): opened for a student
        # (``--student``), the library shows without them
        self._signin: SignInPage | None = None
        self._reader: ReaderPage | None = None
        self._feedback: FeedbackPage | None = None
        self._compare: ComparePage | None = None  # a unit's comparison (formats.md)
        self.stack.addWidget(self.library_page)
        self.stack.currentChanged.connect(self._on_stack_current_changed)
        self.library.lesson_activated.connect(self.open_lesson)
        self._zoom = float(repo.setting("zoom", "1.0") or 1.0)
        self._build_menus()
        self.apply_zoom(self._zoom)
        self.statusBar().showMessage("Ready")
        if student:
            self.sign_in(student)
        else:
            self.signin.set_students([s.name for s in repo.students()])
            self.stack.setCurrentWidget(self.signin)

    # -- building -------------------------------------------------------------
    @property
    def signin(self) -> SignInPage:
        """The sign-in page, built the first time it is used."""
        if self._signin is None:
            from app.ui.signin_page import SignInPage

            page = self._signin = SignInPage(self.stack)
            page.setAccessibleName("Sign in")
            self.stack.insertWidget(0, page)
            page.student_chosen.connect(self._on_signin_student_chosen)
        return self._signin

    @property
    def reader(self) -> ReaderPage:
        """The reader, built (and its modules imported) the first time it is used."""
        if self._reader is None:
            from app.ui.fonts import reading_font
            from app.ui.read_tracker import ReadTracker
            from app.ui.reader_page import ReaderPage

            page = self._reader = ReaderPage(self.stack)
            self.stack.addWidget(page)
            page.draft_changed.connect(self._on_reader_draft_changed)
            page.submit_requested.connect(self._on_reader_submit_requested)
            page.back_requested.connect(self.show_library)
            page.message.connect(lambda m: self.statusBar().showMessage(m, 6000))
            self.read_tracker: ReadTracker = ReadTracker(page.article)
            page.article.set_reading_font(reading_font(self._zoom))
            page.set_active(self.stack.currentWidget() is page)
            first = self.edit_menu.actions()[0] if self.edit_menu.actions() else None
            for a in (page.undo_action, page.redo_action, page.remove_action):
                self.edit_menu.insertAction(first, a)
            self.edit_menu.insertSeparator(first)
            self.edit_menu.insertAction(first, page.submit_action)
        return self._reader

    def _flush_reader(self) -> None:
        """Save the reader's unsaved highlights (and a comparison's grid), if open."""
        if self._reader is not None:
            self._reader.flush()
        if self._compare is not None:
            self._compare.flush()

    @property
    def compare(self) -> ComparePage:
        """The Compare page and its controller, built the first time a comparison opens."""
        if self._compare is None:
            from app.ui.compare.controller import CompareController
            from app.ui.compare.page import ComparePage
            from app.ui.fonts import reading_font

            page = self._compare = ComparePage(self.stack)
            self.stack.addWidget(page)
            page.set_reading_font(reading_font(self._zoom))
            self.compare_controller: CompareController = CompareController(self, page)
        return self._compare

    @property
    def feedback(self) -> FeedbackPage:
        """The feedback view, built (and its module imported) the first time it is used."""
        if self._feedback is None:
            from app.ui.feedback_page import FeedbackPage
            from app.ui.fonts import reading_font

            page = self._feedback = FeedbackPage(self.stack)
            self.stack.addWidget(page)
            page.back_requested.connect(self.show_library)
            page.try_again_requested.connect(self._on_feedback_try_again)
            page.attempt_chosen.connect(self._on_feedback_attempt_chosen)
            page.article.set_reading_font(reading_font(self._zoom))
            page.try_again_action.setEnabled(False)
            self.edit_menu.addAction(page.try_again_action)
        return self._feedback

    def _build_library_page(self) -> tuple[QWidget, LibraryView, QLabel]:
        page = QWidget(self.stack)
        page.setAccessibleName("Library")
        greeting = QLabel()
        greeting.setTextFormat(Qt.TextFormat.PlainText)  # a name from a bundle is not markup
        greeting.setObjectName("lessonTitle")
        greeting.setTextFormat(Qt.TextFormat.PlainText)
        hint = QLabel("Choose a lesson and press Return (or double-click) to open it.")
        view = LibraryView()
        lay = QVBoxLayout(page)
        lay.addWidget(greeting)
        lay.addWidget(hint)
        lay.addWidget(view, 1)
        return page, view, greeting

    def _action(self, text: str, slot: Callable[[], object],
                *keys: QKeySequence | QKeySequence.StandardKey) -> QAction:
        """A menu command. Made as ``QAction(parent)`` and then named: ``QAction(text,
        parent)`` is matched against the overload taking an icon first, which builds
        QIcon's Python enums (2 ms of start-up) for a menu that has no icons."""
        a = QAction(self)
        a.setText(text)
        if keys:
            a.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
        a.triggered.connect(slot)
        return a

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        self.switch_action = self._action("Switch student…", self.show_signin)
        self.library_action = self._action("Lesson library", self.show_library,
                                           QKeySequence("Ctrl+L"))
        self.export_mine_action = self._action(
            "Export my submissions…", lambda: self.export_submissions(mine=True))
        self.export_all_action = self._action(
            "Export all submissions on this computer…",
            lambda: self.export_submissions(mine=False))
        self.import_feedback_action = self._action(
            "Import feedback from your teacher…", lambda: self.import_feedback())
        self.class_code_action = self._action("Enter my class code…", self.enter_class_code)
        quit_action = self._action("Quit", self.close, QKeySequence.StandardKey.Quit)
        for a in (self.switch_action, self.library_action, None, self.export_mine_action,
                  self.export_all_action, self.import_feedback_action, self.class_code_action,
                  None, quit_action):
            if a is None:
                m.addSeparator()
            else:
                m.addAction(a)
        e = mb.addMenu("&Edit")
        # the reader's Undo, Redo, Remove and Submit (and the feedback's Try again) join
        # when those pages are built; opening the menu builds the reader, so it is whole
        e.aboutToShow.connect(lambda: self.reader)
        self.edit_menu = e
        v = mb.addMenu("&View")
        for a in (self._action("Larger text", lambda: self.step_zoom(+1),
                               QKeySequence.StandardKey.ZoomIn, QKeySequence("Ctrl+=")),
                  self._action("Smaller text", lambda: self.step_zoom(-1),
                               QKeySequence.StandardKey.ZoomOut),
                  self._action("Normal text size", lambda: self.apply_zoom(1.0, save=True),
                               QKeySequence("Ctrl+0"))):
            v.addAction(a)
        self.view_menu = v
        ins = mb.addMenu("&Instructor")
        self.instructor_action = self._action("Instructor mode…", self.open_instructor,
                                              QKeySequence("Ctrl+Shift+I"))
        ins.addAction(self.instructor_action)
        h = mb.addMenu("&Help")
        h.addAction(self._action("Keyboard shortcuts", self.show_shortcuts,
                                 QKeySequence.StandardKey.HelpContents))
        h.addAction(self._action("About Close Reader", self.show_about))

    # -- zoom -----------------------------------------------------------------
    def step_zoom(self, d: int) -> None:
        """One step larger or smaller; steps are whole percentages, so they come back to
        exactly 100 % (and say "115 %", not "114 %": issue 23)."""
        now = round(self._zoom * 100)
        if d > 0:
            step = next((s for s in ZOOM_STEPS if s > now), ZOOM_STEPS[-1])
        else:
            step = next((s for s in reversed(ZOOM_STEPS) if s < now), ZOOM_STEPS[0])
        self.apply_zoom(step / 100, save=True)

    def apply_zoom(self, zoom: float, save: bool = False) -> None:
        from app.ui.fonts import reading_font, set_app_font, ui_font

        self._zoom = zoom
        f = ui_font(zoom)
        set_app_font(f)  # every widget, dialogs included
        if self.font() != f:  # (at start it already is: setting it again re-resolves
            self.setFont(f)   # every child's font)
        for page in (p for p in (self._reader, self._feedback) if p is not None):
            page.article.set_reading_font(reading_font(zoom))
        if self._compare is not None:
            self._compare.set_reading_font(reading_font(zoom))
        self.library.keep_current_in_view()
        if save:
            self.repo.set_setting("zoom", str(zoom))
            self.statusBar().showMessage(f"Text size {round(zoom * 100)} %", 3000)

    # -- navigation -----------------------------------------------------------
    def show_page(self, page: QWidget, focus: QWidget) -> None:
        """Show ``page`` with the keyboard focus on ``focus``, in one move: one focus
        change for a screen reader to read. The focus goes to ``focus`` first, then its
        page shows; the other way round, the stack first hands the focus to the new
        page's first button (read out before ``focus``), and clearing the focus first
        makes Qt report the old widget as focused again."""
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.stack.setCurrentWidget(page)

    def show_signin(self) -> None:
        self._flush_reader()
        self.signin.set_students([s.name for s in self.repo.students()])
        self.stack.setCurrentWidget(self.signin)

    def sign_in(self, name: str) -> None:
        try:
            self.student = self.repo.student(name)
        except UserError as e:
            text = str(e)
            self.signin.error.setText(text[:1].upper() + text[1:] + ("" if text.endswith(".")
                                                                      else "."))
            return
        self.setWindowTitle(f"Close Reader — {self.student.name}")
        self.show_library()

    def show_library(self) -> None:
        self._flush_reader()
        if self.student is None:
            self.show_signin()
            return
        statuses = self.repo.statuses(self.student.id)
        rows = [LibraryRow(s, statuses[s.id]) for s in self.repo.list_lessons() if s.id in statuses]
        self.library.set_rows(rows)
        self.greeting.setText(f"Hello, {self.student.name} — your lessons")
        self.show_page(self.library_page, self.library)

    def open_lesson(self, lesson_id: str) -> None:
        assert self.student is not None
        if self.repo.get_lesson(lesson_id).is_compare:
            self.compare  # noqa: B018 — builds the page and its controller
            self.compare_controller.open(lesson_id)
            return
        draft = self.repo.draft(self.student.id, lesson_id)
        if not draft and self.repo.has_submitted(self.student.id, lesson_id):
            self.show_feedback(lesson_id)
            return
        self.open_reader(lesson_id, draft)

    def open_reader(self, lesson_id: str, draft: tuple[Highlight, ...]) -> None:
        lesson = self.repo.get_lesson(lesson_id)  # never the key on the student path
        self.reader.set_lesson(lesson, self.repo.categories(), self.repo.tokens(lesson_id), draft)
        self.read_tracker.reset()
        note = self._attempt_note(lesson)
        if note:
            self.reader.instructions.setText(f"{note}\n{lesson.instructions}".strip())
            self.reader.instructions.setVisible(True)
        # what the lesson is: the focused article's description changes once the focus
        # is there (Orca 43 reads that; a description set before the focus change went
        # unread when the caret's own event reached Orca first: app.ui.announce)
        self.show_page(self.reader, self.reader.article)
        self.reader.announce_opened(note or (
            "Practice: submitting shows you the answer key and your score. This first "
            "attempt is your grade."))
        self.statusBar().showMessage(
            "Select words (Shift+arrows or the mouse), then press 1 or 2 to highlight.", 8000)

    def _attempt_note(self, lesson: Lesson) -> str:
        """What this attempt is: the graded one, or practice after seeing the key."""
        assert self.student is not None
        done = self.repo.submissions(self.student.id, lesson.id, with_reports=False)
        self._after_key = bool(done) and has_seen_key(
            self.repo, self.student.id, self.repo.get_lesson(lesson.id, with_key=True))
        if self._after_key:
            return (f"Attempt {len(done) + 1} — practice after seeing the key. "
                    "Your grade stays your first attempt.")
        if lesson.is_assessment:
            return ("Assessment: you submit once, and your teacher releases the feedback. "
                    "Your highlights are saved as you go until then.")
        return ""

    def show_feedback(self, lesson_id: str, report: Report | None = None,
                      submission_id: str | None = None) -> None:
        """The feedback on an attempt (default: the latest) — or, for an assessment whose
        feedback is not released, "Submitted — your teacher will release the feedback"."""
        assert self.student is not None
        attempts = self.repo.submissions(self.student.id, lesson_id, with_reports=False)
        try:
            lesson = self.repo.key_for_student(self.student.id, lesson_id)
        except KeyLocked:
            self.feedback.show_waiting(self.repo.get_lesson(lesson_id), attempts,
                                       self.repo.categories())
            self.show_page(self.feedback, self.feedback.summary)
            return
        shown = next((s for s in attempts if s.submission_id == submission_id), None)
        if shown is None and attempts:
            shown = max(attempts, key=lambda s: s.attempt)
        if shown is not None and (report is None or submission_id is not None) \
                and lesson.key is not None:
            report = grade_lesson(lesson, shown.highlights)
        grade = self.repo.grades(self.student.id, lesson_id).get((self.student.id, lesson_id))
        self.feedback.show_result(lesson, self.repo.categories(), report, attempts,
                                  shown=shown, grade=grade)
        self.show_page(self.feedback, self.feedback.summary)

    # -- slots ----------------------------------------------------------------
    def _on_stack_current_changed(self, _index: int) -> None:
        page = self.stack.currentWidget()
        if self._reader is not None:
            self._reader.set_active(page is self._reader)
        if self._feedback is not None:
            self._feedback.try_again_action.setEnabled(page is self._feedback)

    def _on_signin_student_chosen(self, name: str) -> None:
        self.sign_in(name)

    def _on_reader_draft_changed(self, lesson_id: str, highlights: tuple[Highlight, ...]) -> None:
        if self.student is not None:
            self.repo.save_draft(self.student.id, lesson_id, highlights)

    def _on_reader_submit_requested(self, lesson_id: str) -> None:
        assert self.student is not None
        hs = self.reader.draft.highlights
        lesson = self.reader.lesson
        if not self._confirm_submit(len(hs), lesson is not None and lesson.is_assessment,
                                    after_key=self._after_key):
            return
        try:
            _, report = submit(self.repo, self.student.id, self.student.name, lesson_id, hs)
        except UserError as e:
            warn(self, "Could not submit", str(e))
            return
        self.reader.lesson = None  # the draft is cleared; nothing more to autosave
        self.show_feedback(lesson_id, report)

    def _confirm_submit(self, n: int, assessment: bool, after_key: bool = False) -> bool:
        """Ask before submitting. With no highlights, or before the end of the article
        was on screen, the default button is *Keep reading* (formats.md)."""
        from PySide6.QtWidgets import QMessageBox  # (loads when first asked, not at start)

        unread = not self.read_tracker.reached_end
        if after_key:
            what = ("This attempt is practice: you have seen the key, so it is scored but "
                    "does not change your grade, which stays your first attempt.")
        elif assessment:
            what = ("Submitting ends this assessment: you cannot change your highlights "
                    "afterwards, and your teacher will release the feedback.")
        else:
            what = ("Submitting shows you the answer key and your score. This first attempt "
                    "is your grade; trying again afterwards is practice.")
        if n == 0 or unread:
            why = ("You have not highlighted anything yet." if n == 0 else
                   "You have not read to the end of the article yet.")
            box = QMessageBox(QMessageBox.Icon.Warning, "Submit answers", why, parent=self)
            box.setInformativeText(what)
            ok = box.addButton("Submit anyway", QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton("Keep reading", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
        else:
            box = QMessageBox(QMessageBox.Icon.Question, "Submit answers",
                              f"Submit your {n} highlight{'s' * (n != 1)}?", parent=self)
            box.setInformativeText(what)
            ok = box.addButton("Submit", QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton("Keep reading", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(ok)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is ok

    def _on_feedback_attempt_chosen(self, submission_id: str) -> None:
        if self.feedback.lesson is not None:
            self.show_feedback(self.feedback.lesson.id, submission_id=submission_id)

    def _on_feedback_try_again(self, lesson_id: str) -> None:
        self.open_reader(lesson_id, ())
        self.statusBar().showMessage("A fresh copy: your earlier attempts are kept.", 6000)

    def export_submissions(self, mine: bool, path: str | None = None) -> int | None:
        """Write a submission bundle for the teacher (this student's, or everyone's)."""
        from app.services.results.bundles import export_bundle
        from app.ui.filedialogs import save_file

        self._flush_reader()
        student = self.student.name if mine and self.student else None
        if path is None:
            who = (student or "all").replace(" ", "-").replace(".", "")
            path = save_file(self, "Save submissions for your teacher",
                             f"submissions-{who}.json", "Submission bundles (*.json)")
            if not path:
                return None
        try:
            n = export_bundle(self.repo, path, student=student)
        except (UserError, OSError) as e:
            warn(self, "Could not export", str(e))
            return None
        self.statusBar().showMessage(
            f"Saved {n} submitted attempt{'s' * (n != 1)} to {path}. Hand this file to "
            "your teacher (USB stick, shared folder or LMS).", 10000)
        return n

    def import_feedback(self, path: str | None = None) -> str | None:
        """Store a feedback file from the teacher: keys, scores and comments."""
        from app.services.feedback import import_feedback
        from app.ui.filedialogs import open_file

        self._flush_reader()
        if path is None:
            path = open_file(self, "Import feedback from your teacher",
                             "Feedback files (*.json)")
            if not path:
                return None
        try:
            line = import_feedback(self.repo, path).line()
        except (UserError, OSError) as e:
            warn(self, "Could not import the feedback", str(e))  # plain text, never markup
            return None
        self.statusBar().showMessage(line, 10000)
        if self._feedback is not None and self.stack.currentWidget() is self._feedback \
                and self._feedback.lesson is not None:
            self.show_feedback(self.feedback.lesson.id)
        elif self.student is not None:
            self.show_library()
        return line

    def enter_class_code(self) -> bool:
        """File › Enter my class code… (for the student signed in)."""
        from app.ui.trust_dialogs import ClassCodeDialog

        if self.student is None:
            return False
        d = ClassCodeDialog(self, self.repo, self.student.id, self.student.name)
        if d.exec() != d.DialogCode.Accepted:
            return False
        self.statusBar().showMessage(
            f"Class code saved for {self.student.name}: your answers from now on carry your "
            "signature.", 10000)
        return True

    def show_about(self) -> None:
        from app.ui.trust_dialogs import show_about

        show_about(self, self.repo)

    def open_instructor(self) -> None:
        """Instructor mode, behind the password (chosen on first use)."""
        from app.ui.instructor.gate import unlock
        from app.ui.instructor.window import InstructorWindow

        self._flush_reader()
        if not unlock(self, self.repo):
            return
        self.instructor = InstructorWindow(self.repo, parent=self)
        self.instructor.setWindowFlag(Qt.WindowType.Window)
        self.instructor.destroyed.connect(lambda *_: self.show_library())
        self.instructor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.instructor.show()

    def show_shortcuts(self) -> None:
        """F1: every shortcut, as a table (a dialog of its own, closed with Escape)."""
        from app.ui.shortcuts_dialog import ShortcutsDialog

        d = ShortcutsDialog(self)
        d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        d.open()
        self._shortcuts_dialog = d

    def closeEvent(self, e: QCloseEvent) -> None:
        self._flush_reader()
        super().closeEvent(e)


