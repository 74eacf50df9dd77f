"""The "Class results" window: the composition root of the gradebook, class view and
student progress tabs, with import, CSV export and PDF reports."""

from __future__ import annotations

import dataclasses
import html
import os
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.services.grading import refresh_grades
from app.services.results.bundles import BUNDLE_SUFFIXES, ImportSummary, import_bundles
from app.services.results.classview import read_lessons, student_progress
from app.services.results.gradebook import Gradebook, build_gradebook, figures_loader, write_csv
from app.services.results.report_pdf import class_summary_pdf, student_report_pdf
from app.store.repo import Repo
from app.ui.filedialogs import choose_folder, open_files, save_file
from app.ui.operations import Cancelled, Operation, RepoOp
from app.ui.plain import ask, warn
from app.ui.results import codes_dialog, lms_actions
from app.ui.results.class_page import ClassPage
from app.ui.results.discrimination_page import DiscriminationPage
from app.ui.results.gradebook_page import GradebookPage, cell_kinds
from app.ui.results.prepost_page import PrePostPage
from app.ui.results.progress_page import ProgressPage
from app.ui.results.review_page import ReviewPage

BUNDLE_FILTER = "Submission files (*.json *.crsub);;All files (*)"


LAZY_ABOVE = 2_000  # attempts: above this, tabs other than the one shown fill when opened


class ResultsWindow(QMainWindow):
    def __init__(self, repo: Repo, parent: QWidget | None = None,
                 executor: Executor | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.repo = repo
        self.executor = executor  # None: the operations' background thread
        self.import_op: Operation | None = None
        self.refresh_op: Operation | None = None
        self.pdf_op: Operation | None = None
        self.big = False  # a school's database: read, filled and written in the background
        self.gradebook: Gradebook | None = None
        self.student_id: int | None = None
        self.lesson_id: str | None = None
        self.open_url = QDesktopServices.openUrl  # replaced in tests
        self.setWindowTitle("Close Reader — Class results")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAcceptDrops(True)
        self.resize(1200, 800)
        self._placed = False
        # built from the window down: under the app's style sheet every reparenting
        # restyles the whole subtree moved (a central widget set last, over the built
        # tabs: 7 ms), so the frame is placed first and each page moves in once
        central = QWidget(self)
        self.setCentralWidget(central)
        lay = QVBoxLayout(central)
        self.tabs = QTabWidget(central)
        lay.addWidget(self.tabs, 1)

        # the pages are made inside the tab widget's page stack (where addTab puts
        # them) for the same reason: 5 ms; without it (a Qt that names it otherwise)
        # they move in as before
        stack = self.tabs.findChild(QStackedWidget, "qt_tabwidget_stackedwidget")
        self.grades = GradebookPage(stack)
        self.classes = ClassPage(repo, stack)
        self.progress = ProgressPage(repo, stack)
        self.tabs.setAccessibleName("Results views")
        self.tabs.tabBar().setAccessibleName("Results views")
        self.tabs.addTab(self.grades, "&Gradebook")
        self.tabs.addTab(self.classes, "&Class view")
        self.tabs.addTab(self.progress, "Student &progress")
        self.review = ReviewPage(repo, fill=False, parent=stack)  # refresh() fills it
        self.tabs.addTab(self.review, "&Review && release")
        self.review.changed.connect(self.refresh)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.review.export_requested.connect(lambda: self.export_feedback())
        # issue 26: telling the key's sentences from the rest, and pre/post change; both
        # fill when first shown (``reload`` after each refresh)
        self.discrimination = DiscriminationPage(repo, stack)
        self.tabs.addTab(self.discrimination, "&Discrimination")
        self.prepost = PrePostPage(repo, stack)
        self.tabs.addTab(self.prepost, "Pre and p&ost")

        self.grades.import_requested.connect(self._on_grades_import_requested)
        self.grades.export_requested.connect(self._on_grades_export_requested)
        self.grades.cell_chosen.connect(self._on_grades_cell_chosen)
        self.classes.lesson_chosen.connect(self._on_classes_lesson_chosen)
        self.progress.student_chosen.connect(self._on_progress_student_chosen)

        self.report_for = QLabel()
        self.report_for.setWordWrap(True)  # a long title must not widen the window off-screen
        bottom = QHBoxLayout()
        bottom.addWidget(self.report_for, 1)
        for text, slot in (("Save student report (PDF)…", lambda: self.save_student_report()),
                           ("Save class summary (PDF)…", lambda: self.save_class_summary()),
                           ("Print…", self.print_report)):
            b = QPushButton(text)
            b.setAccessibleName(text.rstrip("…"))
            b.clicked.connect(slot)
            bottom.addWidget(b)
        lay.addLayout(bottom)
        self.statusBar().showMessage("Drop submission files (.json) here to import them.")
        lms_actions.install(self)
        codes_dialog.install(self)
        self.refresh()

    # -- placement ----------------------------------------------------------------
    def showEvent(self, e) -> None:  # noqa: N802, ANN001
        if not self._placed:
            self._placed = True
            self.place_on_screen()
        super().showEvent(e)

    def place_on_screen(self) -> None:
        """Fully on the screen of the parent (else the primary): at most its available
        size, centred on it."""
        parent = self.parentWidget()
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        frame_w = max(self.frameGeometry().width() - self.width(), 0)
        frame_h = max(self.frameGeometry().height() - self.height(), 0)
        w = min(self.width(), avail.width() - frame_w)
        h = min(self.height(), avail.height() - frame_h)
        self.resize(max(w, 200), max(h, 200))
        x = avail.x() + (avail.width() - self.width() - frame_w) // 2
        y = avail.y() + (avail.height() - self.height() - frame_h) // 2
        self.move(max(avail.x(), x), max(avail.y(), y))

    # -- data -------------------------------------------------------------------
    def refresh(self) -> None:
        """Everything again from the database. A big database (a school's) is read in the
        background, and the tabs other than the one shown fill when first opened."""
        big = self.repo.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] > LAZY_ABOVE
        self.big = big
        # on a big database the class view and the review list read in the background too
        for page in (self.classes, self.review, self.discrimination, self.prepost,
                     self.progress.words):
            page.background = big
            page.executor = self.executor
        if not big:
            refresh_grades(self.repo)
            self._apply(build_gradebook(self.repo), lms_actions.roster_notes(self.repo), False)
            return
        if self.refresh_op is not None and not self.refresh_op.done:
            return

        shown = self.progress.current_student()

        def work(repo: Repo) -> tuple[Gradebook, dict, dict, dict, dict]:
            refresh_grades(repo)
            gb = build_gradebook(repo)
            # what the progress tab shows first, too: the lessons with their keys, and
            # the progress of the student it will show (still there, else the first);
            # on the GUI thread these were 20 lesson reads and 20 gradings (~13 ms)
            lessons = read_lessons(repo, [le.id for le in gb.lessons])
            ids = {s.id for s in gb.students}
            first = shown if shown in ids else (gb.students[0].id if gb.students else None)
            ready = {} if first is None else {
                first: student_progress(repo, first, lessons=lessons)}
            return gb, lms_actions.roster_notes(repo), cell_kinds(gb), lessons, ready

        self.statusBar().showMessage("Loading the class results…")
        self.refresh_op = RepoOp(self, self.repo.database.path, work, self.executor)
        self.refresh_op.success(lambda r: self._apply(r[0], r[1], True, *r[2:])).with_progress(
            "Loading the class results…")
        # started once the window is up: built and first painted beside a busy worker,
        # each call into Python waited its turn for the GIL (250 ms instead of 90)
        QTimer.singleShot(0, self, self.refresh_op.run_in_background)

    def _apply(self, gb: Gradebook, roster: dict, lazy: bool, kinds: dict | None = None,
               lessons: dict | None = None, ready: dict | None = None) -> None:
        if lazy:  # built on the worker's connection, which is closed now
            gb = dataclasses.replace(gb, load_figures=figures_loader(self.repo))
        self.gradebook = gb
        self.grades.set_gradebook(gb, roster, kinds)
        if lazy:
            self.statusBar().showMessage(
                f"{len(gb.students)} students, {len(gb.attempts)} attempts.", 8000)
        fills = {
            self.classes: lambda: self.classes.set_lessons(
                [(le.id, le.title) for le in gb.lessons if le.here]),
            self.progress: lambda: self.progress.set_students(gb.students, lessons, ready),
        }
        if hasattr(self, "review"):
            fills[self.review] = lambda: self.review.refresh()
        self._pending = {}
        for page, fill in fills.items():
            if lazy and self.tabs.currentWidget() is not page:
                self._pending[page] = fill
            else:
                fill()
        for learning in (self.discrimination, self.prepost):
            learning.reload()
        self.lesson_id = self.classes.current_lesson()
        self.student_id = self.progress.current_student()
        self._show_report_target()

    def _on_tabs_current_changed(self, _i: int) -> None:
        fill = getattr(self, "_pending", {}).pop(self.tabs.currentWidget(), None)
        if fill is not None:
            fill()
            self.lesson_id = self.classes.current_lesson()
            self.student_id = self.progress.current_student()
            self._show_report_target()

    def import_files(self, paths: Iterable[str | os.PathLike[str]]) -> ImportSummary | None:
        """Import submission bundles as one operation off the GUI thread, with progress
        that can be cancelled (nothing is written then); the summary goes to the status
        bar. Returns the summary when the import has finished by the time this returns
        (a synchronous executor, as in tests), else None."""
        paths = [str(p) for p in paths]
        if not paths or (self.import_op is not None and not self.import_op.done):
            return None
        result: list[ImportSummary] = []

        def done(summary: ImportSummary) -> None:
            result.append(summary)
            self.refresh()
            self.statusBar().showMessage(summary.line())

        def failed(e: BaseException) -> None:
            if isinstance(e, Cancelled):
                self.statusBar().showMessage("Import cancelled: nothing was imported.", 8000)
            elif isinstance(e, (UserError, OSError)):
                self._problem("Nothing was imported", str(e))
            else:
                raise e

        op = RepoOp(self, self.repo.database.path,
                    lambda repo: import_bundles(repo, paths, progress=op.progress.step),
                    self.executor)
        self.import_op = op.success(done).failure(failed).with_progress(
            f"Importing {len(paths)} submission file{'s' * (len(paths) != 1)}…",
            cancellable=True)
        op.run_in_background()
        return result[0] if result else None

    def export_feedback(self, path: str | os.PathLike[str] | None = None,
                        confirm: bool = True) -> Path | None:
        """Release the graded attempts and write one signed feedback file per student
        computer into a folder (formats.md, "Feedback file")."""
        from app.services.feedback import export_feedback, graded_results, unsubmitted
        from app.services.trust import session_signer

        signer = session_signer(self.repo)
        if signer is None:
            self._problem("No feedback files written",
                          "Feedback files are signed with your instructor key, which opens "
                          "with the instructor password. Close this window and open Class "
                          "results from instructor mode again.")
            return None
        results = graded_results(self.repo)
        if confirm:
            lessons = sorted({r.lesson for r in results})
            waiting = {lid: n for lid, n in unsubmitted(self.repo, lessons).items() if n}
            more = "".join(
                f"\n\n{len(n)} student{'s' * (len(n) != 1)} have not submitted {lid} "
                f"({', '.join(n[:4])}{' …' if len(n) > 4 else ''}); the computers that "
                "receive its feedback will hold its key." for lid, n in waiting.items())
            students = {r.student for r in results}
            answer = ask(
                self, "Release and export feedback?",
                f"Release the feedback of {len(students)} student"
                f"{'s' * (len(students) != 1)} on {len(lessons)} lesson"
                f"{'s' * (len(lessons) != 1)}? One file is written for each student computer, "
                "holding only the results of the students who worked on it." + more)
            if not answer:
                return None
        if path is None:
            path = choose_folder(self, "Folder for the feedback files (one per student computer)")
            if not path:
                return None
        try:
            done = export_feedback(self.repo, path, signer=signer)
        except (UserError, OSError) as e:
            self._problem("No feedback files written", str(e))
            return None
        self.refresh()
        self.statusBar().showMessage(
            done.line() + f" in {path}. On each student computer: File › Import feedback "
            "from your teacher… (choose the folder or its own file).", 15000)
        return Path(path)

    def export_csv(self, path: str | os.PathLike[str] | None = None, long: bool = False,
                   layout: str | None = None) -> Path | None:
        """Write the gradebook CSV; without ``layout`` (and not ``long``) ask which
        layout first: the spreadsheet, or one an LMS's grade import reads."""
        if not long and layout is None and path is None:
            layout = self.ask_layout()
            if layout is None:
                return None
        if layout not in (None, "spreadsheet"):
            return lms_actions.export_lms_csv(self, layout, path)
        if path is None:
            path = save_file(self, "Export long CSV" if long else "Export CSV",
                             "gradebook-long.csv" if long else "gradebook.csv",
                             "CSV files (*.csv)")
            if not path:
                return None
        try:
            n = write_csv(self.gradebook or build_gradebook(self.repo), path, long=long)
        except (UserError, OSError) as e:  # a refused path (app.core.outpaths), a full disk
            self._problem("The CSV was not saved", str(e))
            return None
        self.statusBar().showMessage(f"Wrote {n} row{'s' * (n != 1)} to {path}")
        return Path(path)

    def import_roster(self, path: str | os.PathLike[str] | None = None):  # -> RosterImport | None
        """Read an LMS roster, bind its students, then ask about the ones left over."""
        return lms_actions.import_roster(self, path)

    def save_student_report(self, path: str | os.PathLike[str] | None = None,
                            then: Callable[[Path], object] | None = None) -> Path | None:
        """Write the chosen student's report on the chosen lesson (as the class summary:
        in the background on a big database)."""
        sid, lid = self.student_id, self.lesson_id
        if sid is None or lid is None:
            self._problem("No report", "Choose a student and a lesson first.")
            return None
        if path is None:
            name = self._student_name(sid).replace(" ", "-")
            path = self._ask_pdf("Save student report", f"{name}-{lid}.pdf")
            if path is None:
                return None
        return self._write_pdf(lambda repo, p: student_report_pdf(repo, sid, lid, p), path,
                               then)

    def save_class_summary(self, path: str | os.PathLike[str] | None = None,
                           then: Callable[[Path], object] | None = None) -> Path | None:
        """Write the class summary of the chosen lesson. On a big database it is written
        in the background with progress: None is returned and ``then(path)`` runs when
        it is saved."""
        lid = self.lesson_id
        if lid is None:
            self._problem("No summary", "Choose a lesson first.")
            return None
        if path is None:
            path = self._ask_pdf("Save class summary", f"class-{lid}.pdf")
            if path is None:
                return None
        return self._write_pdf(lambda repo, p: class_summary_pdf(repo, lid, p), path, then)

    def print_report(self) -> None:
        """Save the report for the chosen student (else the class summary) and open it
        in the system's PDF viewer, which prints."""
        folder = Path(tempfile.mkdtemp(prefix="close-reader-print-"))

        def show(out: Path) -> None:
            self.open_url(QUrl.fromLocalFile(str(out)))

        if self.student_id is not None and self.lesson_id is not None:
            self.save_student_report(folder / "report.pdf", then=show)
        else:
            self.save_class_summary(folder / "class-summary.pdf", then=show)

    # -- helpers ----------------------------------------------------------------
    def _ask_pdf(self, title: str, name: str) -> str | None:
        return save_file(self, title, name, "PDF files (*.pdf)") or None

    def _write_pdf(self, make: Callable[[Repo, str | os.PathLike[str]], object],
                   path: str | os.PathLike[str],
                   then: Callable[[Path], object] | None = None) -> Path | None:
        """``make(repo, path)``; on a big database (a school's lesson: 1.5 s) off the GUI
        thread with progress, returning None (``then(path)`` follows), else at once."""
        def saved(out: Path) -> Path:
            self.statusBar().showMessage(f"Saved {out}")
            if then is not None:
                then(out)
            return out

        def failed(e: BaseException) -> None:
            if not isinstance(e, (UserError, OSError)):
                raise e
            self._problem("The PDF was not saved", str(e))

        if not self.big:
            try:
                out = Path(make(self.repo, path))  # type: ignore[arg-type]
            except (UserError, OSError) as e:
                failed(e)
                return None
            return saved(out)
        if self.pdf_op is not None and not self.pdf_op.done:
            self.statusBar().showMessage("A PDF is being written: wait for it to finish.")
            return None
        self.pdf_op = RepoOp(self, self.repo.database.path,
                             lambda repo: Path(make(repo, path)), self.executor)  # type: ignore[arg-type]
        self.pdf_op.success(saved).failure(failed).with_progress(
            f"Writing {Path(path).name}…").run_in_background()
        return None

    def _student_name(self, sid: int) -> str:
        gb = self.gradebook
        return next((s.name for s in gb.students if s.id == sid), "student") if gb else "student"

    def _lesson_title(self, lid: str) -> str:
        gb = self.gradebook
        return next((le.title for le in gb.lessons if le.id == lid), lid) if gb else lid

    def _show_report_target(self) -> None:
        who = self._student_name(self.student_id) if self.student_id is not None else "—"
        what = self._lesson_title(self.lesson_id) if self.lesson_id else "—"
        self.report_for.setText(f"Reports for: <b>{html.escape(who)}</b> · "
                                f"<b>{html.escape(what)}</b>")  # names are not markup

    def _problem(self, title: str, text: str) -> None:
        self.statusBar().showMessage(f"{title}: {text}")
        warn(self, title, text)

    # -- slots ------------------------------------------------------------------
    def _on_grades_import_requested(self) -> None:
        paths = open_files(self, "Import submissions", BUNDLE_FILTER)
        self.import_files(paths)

    def _on_grades_export_requested(self, long: bool) -> None:
        self.export_csv(long=long)

    def _on_grades_cell_chosen(self, student_id: int, lesson_id: str | None) -> None:
        self.student_id = student_id
        self.progress.choose_student(student_id)
        if lesson_id is not None and self.classes.lesson.findData(lesson_id) >= 0:
            self.lesson_id = lesson_id
            self.classes.choose_lesson(lesson_id)
        self._show_report_target()

    def _on_classes_lesson_chosen(self, lesson_id: str) -> None:
        self.lesson_id = lesson_id
        self._show_report_target()

    def _on_progress_student_chosen(self, student_id: int) -> None:
        self.student_id = student_id
        self._show_report_target()

    # -- drag and drop ----------------------------------------------------------
    @staticmethod
    def _bundle_paths(e: QDragEnterEvent | QDropEvent) -> list[str]:
        md = e.mimeData()
        if not md.hasUrls():
            return []
        return [u.toLocalFile() for u in md.urls()
                if u.isLocalFile() and u.toLocalFile().lower().endswith(BUNDLE_SUFFIXES)]

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802
        if self._bundle_paths(e):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802
        paths = self._bundle_paths(e)
        if paths:
            e.acceptProposedAction()
            self.import_files(paths)
