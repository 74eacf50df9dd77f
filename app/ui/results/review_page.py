"""Review and release: every graded attempt with its score, override, comment and
whether its feedback is released; the review dialog (the attempt with the key, an
override with a reason, a comment); bundle conflicts to keep or discard."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.attempts import Grade
from app.core.errors import UserError
from app.services.grading import grade_lesson
from app.store.repo import Repo, Submission
from app.ui.plain import ask, tip, warn
from app.ui.results.conflicts_panel import ConflictsPanel
from app.ui.roles import ACCESSIBLE_TEXT, DISPLAY, TOOLTIP, USER
from app.ui.scrolling import vertical_scroller

ID_ROLE = USER + 1
_ROLES = frozenset({DISPLAY, ACCESSIBLE_TEXT, TOOLTIP, ID_ROLE})  # the rest go at once
# capped columns (share of the table's width), so Feedback stays on screen: Lesson,
# Override, Comment; the capped text is elided, and whole in the cell's tooltip
WIDE_COLUMNS = {1: 0.34, 3: 0.25, 4: 0.25}
COLUMNS = ("Student", "Lesson", "Score", "Override", "Comment", "Feedback")


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def review_rows(repo: Repo, grades: Mapping[tuple[int, str], Grade] | None = None
                ) -> list[tuple[str, tuple[str, ...]]]:
    """The list's rows, by student then lesson: (submission id, the columns' texts)."""
    names = {s.id: s.name for s in repo.students()}
    titles = {le.id: le.title for le in repo.list_lessons()}
    if grades is None:
        grades = repo.grades()
    # by name, then lesson: grouped by name and each group sorted on its own. One sort
    # of a school's 60,000 attempts is one C call that holds the GIL for ~20 ms, which
    # the GUI thread waits out while this runs in the background; the same order
    # (the sorts are stable, so equal names keep the grades' order)
    by_name: dict[str, list[tuple[tuple[int, str], Grade]]] = {}
    for k, g in grades.items():
        if g.submission_id:
            by_name.setdefault(names.get(k[0], "").casefold(), []).append((k, g))
    ordered = [kv for name in sorted(by_name)
               for kv in sorted(by_name[name], key=lambda kv: kv[0][1])]
    released = {r[0] for r in repo.db.execute(
        "SELECT submission_id FROM submissions WHERE released_at IS NOT NULL")}
    practice = {le.id for le in repo.list_lessons() if le.mode != "assessment"}

    def status(g: Grade, lesson_id: str) -> str:
        if g.submission_id in released:
            return "released"
        if lesson_id not in practice:
            return "not released"
        # a practice lesson shows the key at once: the student has seen it; only your
        # override or comment still waits for a release
        reviewed = g.override is not None or bool(g.comment)
        return "key seen (practice); review not released" if reviewed else \
            "key seen (practice)"

    return [(g.submission_id, (names.get(student_id, ""), titles.get(lesson_id, lesson_id),
                               "not graded" if g.score is None else str(g.score),
                               "" if g.override is None else f"{g.override} — {g.reason}",
                               g.comment, status(g, lesson_id)))
            for (student_id, lesson_id), g in ordered]


class ReviewModel(QAbstractTableModel):
    """One row a graded attempt: (submission id, the six cells). Cells are made when a
    view asks for them, so a school's 60,000 graded attempts cost one list."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, tuple[str, ...]]] = []

    def set_rows(self, rows: list[tuple[str, tuple[str, ...]]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role: int = DISPLAY):  # noqa: ANN201
        if role not in _ROLES or not index.isValid():
            return None
        sid, cells = self.rows[index.row()]
        if role == ID_ROLE:
            return sid
        if role == TOOLTIP:  # a capped column's whole text, shown literally
            return tip(cells[index.column()]) if cells[index.column()] else None
        return cells[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY):  # noqa: ANN201
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def text(self, row: int, col: int) -> str:
        return self.rows[row][1][col]


class ReviewDialog(QDialog):
    """One graded attempt, seen with the key; override (0–100, reason) and comment."""

    def __init__(self, repo: Repo, sub: Submission, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.ui.feedback_page import FeedbackPage  # the student's view, with the key

        self.repo, self.sub = repo, sub
        lesson = repo.get_lesson(sub.lesson_id, with_key=True)
        self.setWindowTitle(f"Review: {sub.student} · {lesson.title}")
        self.resize(1100, 760)
        grade = repo.grades(sub.student_id, sub.lesson_id).get((sub.student_id, sub.lesson_id))
        if lesson.is_compare:  # a graded grid (formats.md, "Comparisons")
            from app.ui.compare.review import review_view

            view, report = review_view(repo, lesson, sub, grade)
        else:
            view = FeedbackPage()
            view.try_button.hide()
            view.back_button.hide()
            report = grade_lesson(lesson, sub.highlights) if lesson.key is not None else None
            view.show_result(lesson, repo.categories(), report, [sub], shown=sub, grade=grade)
            view.try_button.hide()  # the instructor reviews; trying again is the student's
        self.formula = report.score if report else None
        self.use_override = QPushButton("Override the score")
        self.use_override.setCheckable(True)
        self.use_override.setChecked(sub.override_score is not None)
        self.score = QSpinBox()
        self.score.setRange(0, 100)
        self.score.setValue(sub.override_score if sub.override_score is not None
                            else (self.formula or 0))
        self.score.setAccessibleName("Override score")
        self.reason = QLineEdit(sub.override_reason)
        self.reason.setAccessibleName("Reason for the override")
        self.reason.setPlaceholderText("Required with an override: why this score")
        self.comment = QPlainTextEdit(sub.comment)
        self.comment.setAccessibleName("Comment to the student")
        self.comment.setPlaceholderText("Shown to the student with the feedback")
        # four lines of the comment at any text size (a fixed 90 px showed one at 200 %)
        self.comment.setMaximumHeight(self.comment.fontMetrics().lineSpacing() * 4 + 24)
        self.error = _plain(QLabel())
        self.error.setObjectName("error")
        form = QFormLayout()
        lab = QLabel("The key's score:")
        form.addRow(lab, _plain(QLabel("not graded" if self.formula is None
                                       else str(self.formula))))
        row = QHBoxLayout()
        row.addWidget(self.use_override)
        row.addWidget(self.score)
        form.addRow("Override:", row)
        for text, field in (("&Reason:", self.reason), ("&Comment:", self.comment)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.use_override.toggled.connect(self._sync)
        # a message about the reason goes once the teacher types one
        self.reason.textEdited.connect(lambda _t: self.error.clear())
        self._sync(self.use_override.isChecked())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        # the attempt and the form scroll together when they need more height than the
        # screen has (at 200 % text, or on 1366×768); Save and Cancel stay in view. Without
        # the scroll area Qt squeezed them below their minimum and painted the summary,
        # the Show buttons and the legend over one another.
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        # the attempt keeps the height the student's own page gives it (about 36 lines),
        # the dialog scrolling instead of squeezing its lists and legend
        view.setMinimumHeight(max(view.minimumSizeHint().height(),
                                  view.fontMetrics().lineSpacing() * 36))
        inner.addWidget(view, 1)
        inner.addLayout(form)
        inner.addWidget(self.error)
        lay = QVBoxLayout(self)
        lay.addWidget(vertical_scroller(body), 1)
        lay.addWidget(buttons)

    def _sync(self, on: bool) -> None:
        self.score.setEnabled(on)
        self.reason.setEnabled(on)

    def _on_save(self) -> None:
        override = self.score.value() if self.use_override.isChecked() else None
        try:
            with self.repo.database.transaction():
                self.repo.set_review(self.sub.submission_id, override, self.reason.text(),
                                     self.comment.toPlainText())
        except UserError as e:
            self.error.setText(str(e))
            return
        self.accept()


class ReviewPage(QWidget):
    """The "Review & release" tab."""

    changed = Signal()  # a review, a release or a conflict decision was stored
    export_requested = Signal()

    def __init__(self, repo: Repo, fill: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        # a school's thousands of graded attempts are read in the background (~1 s);
        # the results window turns this on for a big database
        self.background = False
        self.executor: Executor | None = None  # None: the operations' thread
        self.loading = False
        self.setAccessibleName("Review and release")
        intro = _plain(QLabel(
            "Each student's graded attempt (the first one). Open one to see it with the key, "
            "override its score with a reason, or write a comment. Releasing sends the key, "
            "the score and your comment to the students: Export feedback files… for their "
            "computers, or Release here (the selected rows) when they use this computer."))
        self.model = ReviewModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setResizeContentsPrecision(60)
        # a column's width is measured over rows: the vertical header's precision counts
        self.table.verticalHeader().setResizeContentsPrecision(60)
        self.table.setAccessibleName("Graded attempts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Feedback shown right after the score (the columns' order in the model stays):
        # the override and comment, of any length, come last and never push it off screen
        self.table.horizontalHeader().moveSection(5, 3)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # the chosen row stays visibly chosen when the table is not focused (after a
        # review dialog closes, or while a button has the focus)
        pal = self.table.palette()
        for role in (pal.ColorRole.Highlight, pal.ColorRole.HighlightedText):
            pal.setColor(pal.ColorGroup.Inactive, role, pal.color(pal.ColorGroup.Active, role))
        self.table.setPalette(pal)
        self.table.doubleClicked.connect(lambda *_: self.review_current())
        self.notice = _plain(QLabel())  # what the last action did
        self.notice.setObjectName("reviewNotice")
        self.review_button = QPushButton("&Review…")
        self.review_button.clicked.connect(self.review_current)
        self.release_button = QPushButton("Re&lease here")
        self.release_button.setToolTip("Students on this computer see their feedback now")
        self.release_button.clicked.connect(lambda: self.release_here())
        self.export_button = QPushButton("&Export feedback files…")
        self.export_button.clicked.connect(self.export_requested)
        buttons = QHBoxLayout()
        for b in (self.review_button, self.release_button, self.export_button):
            b.setAccessibleName(b.text().replace("&", "").rstrip("…"))
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.conflicts = ConflictsPanel(repo)
        self.conflicts.decided.connect(self._on_conflicts_decided)
        self.conflict_label = self.conflicts.label
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.notice)
        lay.addLayout(buttons)
        lay.addWidget(self.conflicts)
        if fill:
            self.refresh()

    def refresh(self, grades: Mapping[tuple[int, str], Grade] | None = None) -> None:
        """Fill the list (``grades``: the repository's, when the caller has them); in the
        background when ``background`` is on and no grades are given."""
        if self.background and grades is None:
            self._refresh_in_background()
            return
        self._show(review_rows(self.repo, grades), self.repo.conflicts())

    def _refresh_in_background(self) -> None:
        from app.ui.operations import RepoOp

        if self.loading:
            return
        self.loading = True
        self.conflict_label.setText("Reading the graded attempts…")

        def done(result: tuple[list, list]) -> None:
            self.loading = False
            self._show(*result)

        def failed(e: BaseException) -> None:
            self.loading = False
            raise e  # a bug or a database fault: the app's handler reports it

        RepoOp(self, self.repo.database.path,
               lambda repo: (review_rows(repo), repo.conflicts()), self.executor) \
            .success(done).failure(failed) \
            .disabling(self.review_button, self.release_button, self.export_button) \
            .run_in_background()

    def _show(self, rows: list[tuple[str, tuple[str, ...]]], conflicts: list) -> None:
        keep = self.current_submission()
        self.model.set_rows(rows)
        self._fit_columns()
        if keep is not None:
            self.select_submission(keep)
        self.conflicts.show_conflicts(conflicts)

    def _fit_columns(self) -> None:
        """Columns as wide as their contents, but a long lesson title, override or
        comment never pushes Feedback off screen (elided; whole in the tooltip)."""
        self.table.resizeColumnsToContents()
        width = self.table.viewport().width()
        for col, share in WIDE_COLUMNS.items():
            cap = max(120, int(width * share))
            if self.table.columnWidth(col) > cap:
                self.table.setColumnWidth(col, cap)

    def resizeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().resizeEvent(e)
        if self.model.rows and e.oldSize().width() != e.size().width():
            # once the layout has given the table its new width
            QTimer.singleShot(0, self, self._fit_columns)

    def current_submission(self) -> str | None:
        i = self.table.currentIndex()
        return i.data(ID_ROLE) if i.isValid() else None

    def select_submission(self, sid: str) -> bool:
        """Make the row of ``sid`` current, selected and in view."""
        for r, (row_sid, _cells) in enumerate(self.model.rows):
            if row_sid == sid:
                idx = self.model.index(r, 0)
                self.table.selectRow(r)
                self.table.setCurrentIndex(idx)
                self.table.scrollTo(idx)
                return True
        return False

    def say(self, text: str) -> None:
        """The notice under the table, and the screen reader."""
        from app.ui import announce as a11y

        self.notice.setText(text)
        a11y.announce(self, text)

    def review_current(self) -> bool:
        sid = self.current_submission()
        sub = self.repo.submission(sid) if sid else None
        if sub is None:
            return False
        d = ReviewDialog(self.repo, sub, self)
        if d.exec() != QDialog.DialogCode.Accepted:
            return False
        self.refresh()
        self.select_submission(sid)
        self.table.setFocus()
        g = self.repo.grades(sub.student_id, sub.lesson_id).get((sub.student_id, sub.lesson_id))
        what = []
        if g is not None and g.override is not None:
            what.append(f"score set to {g.override}")
        if g is not None and g.comment:
            what.append("comment saved")
        self.say(f"Review saved for {sub.student}: {', '.join(what) or 'no override, no comment'}."
                 " Release it (Export feedback file… or Release here) for the student to see it.")
        self.changed.emit()
        return True

    def selected_submissions(self) -> list[str]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.rows[r][0] for r in sorted(rows)]

    def release_here(self, submission_ids: list[str] | None = None,
                     lesson_id: str | None = None, confirm: bool = True) -> int:
        """Release in place the selected attempts (or ``submission_ids``), or those on one
        lesson, after a question naming how many students and lessons."""
        from app.services.feedback import release, unsubmitted

        ids = submission_ids if submission_ids is not None else self.selected_submissions()
        if not ids and lesson_id is None:
            lesson_id = self._choose_lesson() if confirm else None
            if lesson_id is None:
                return 0
        if lesson_id is not None:
            ids = [sid for sid, _ in self.model.rows if self._lesson_of(sid) == lesson_id]
        subs = [s for s in (self.repo.submission(i) for i in ids) if s is not None]
        todo = [s for s in subs if s.released_at is None]
        if not todo:
            if confirm:
                warn(self, "Release here",
                     "The feedback of the chosen attempts is already released.")
            return 0
        lessons = sorted({s.lesson_id for s in todo})
        students = {s.student_id for s in todo}
        if confirm:
            waiting = {lid: n for lid, n in unsubmitted(self.repo, lessons).items() if n}
            more = "".join(
                f"\n{len(n)} student{'s' * (len(n) != 1)} on {lid} ha{'ve' if len(n) != 1 else 's'}"
                f" not submitted it yet ({', '.join(n[:4])}{' …' if len(n) > 4 else ''}): "
                "the key is on this computer from now on." for lid, n in waiting.items())
            answer = ask(
                self, "Release feedback here?",
                f"Release the feedback of {len(students)} student{'s' * (len(students) != 1)}"
                f" on {len(lessons)} lesson{'s' * (len(lessons) != 1)} "
                f"({', '.join(lessons[:3])}{' …' if len(lessons) > 3 else ''})? On this "
                "computer they then see their score, your comment and the key." + more)
            if not answer:
                return 0
        n = release(self.repo, submission_ids=[s.submission_id for s in todo])
        self.refresh()
        self.say(f"Released {n} attempt{'s' * (n != 1)} on this computer: those students see "
                 "their feedback now.")
        self.changed.emit()
        return n

    def _lesson_of(self, sid: str) -> str | None:
        row = self.repo.db.execute("SELECT lesson_id FROM submissions WHERE submission_id = ?",
                                   [sid]).fetchone()
        return row[0] if row else None

    def _choose_lesson(self) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        ids = sorted({lid for lid in (self._lesson_of(sid) for sid, _ in self.model.rows)
                      if lid})
        if not ids:
            return None
        titles = {le.id: le.title for le in self.repo.list_lessons()}
        items = [f"{titles.get(i, i)} ({i})" for i in ids]
        choice, ok = QInputDialog.getItem(
            self, "Release here", "No rows are selected. Release the feedback of every "
            "graded attempt on this lesson:", items, 0, False)
        return ids[items.index(choice)] if ok and choice in items else None

    def _on_conflicts_decided(self, line: str) -> None:
        self.refresh()
        self.changed.emit()
