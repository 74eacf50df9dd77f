"""The unit's Compare page: the articles side by side, the grid of claims × articles
with the verdicts and the dossier beside it, and — once submitted — the graded grid with
every cell and verdict explained. Emits ``grid_changed`` (debounced) for autosave; the
composition root (``app.ui.compare.controller``) stores, submits and grades."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.attempts import Grade, attempt_label
from app.core.compare import words
from app.core.compare.model import Comparison, GridAnswer
from app.core.compare.scoring import CompareReport
from app.core.lessons import Lesson
from app.store.repo import Submission
from app.ui import announce as a11y
from app.ui.compare.evidence import EvidencePanel
from app.ui.compare.grid_model import GridModel
from app.ui.compare.grid_view import GridView
from app.ui.compare.side_by_side import SideBySide
from app.ui.theme import STATUS_STYLE, is_dark

AUTOSAVE_MS = 300
GRID_TAB = 2
EVIDENCE_TAB = "&4  Verdict and dossier"
# the widths (in "m"s) the grid needs beside the evidence: the claims' column, each
# answer column, and the evidence panel; narrower, the evidence gets a tab of its own
CLAIMS_EMS, COLUMN_EMS, EVIDENCE_EMS = 20, 9, 36
SUB_ROLE = Qt.ItemDataRole.UserRole + 1


def plain_label(name: str = "", obj: str = "") -> QLabel:
    lb = QLabel()
    lb.setTextFormat(Qt.TextFormat.PlainText)
    lb.setWordWrap(True)
    if obj:
        lb.setObjectName(obj)
    if name:
        lb.setAccessibleName(name)
    return lb


class ComparePage(QWidget):
    grid_changed = Signal(str, object)  # lesson id, GridAnswer
    submit_requested = Signal(str)
    try_again_requested = Signal(str)
    attempt_chosen = Signal(str)  # submission id
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Compare")
        self.lesson: Lesson | None = None
        self.titles: list[str] = []
        self.report: CompareReport | None = None
        self._save = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._save.timeout.connect(self.flush)
        self._fit_pending = False
        self._build()

    # -- layout ---------------------------------------------------------------
    def _build(self) -> None:
        self.back_button = QPushButton("← Library")
        self.back_button.setAccessibleName("Back to the lesson library")
        self.back_button.clicked.connect(self._on_back)
        self.title = plain_label(obj="lessonTitle")
        self.submit_button = QPushButton("Submit grid")
        self.submit_button.setObjectName("primary")
        self.submit_button.clicked.connect(self._on_submit)
        self.try_again_button = QPushButton("Try again")
        self.try_again_button.clicked.connect(self._on_try_again)
        self.submit_action = QAction(self)
        self.submit_action.setText("Submit grid")
        self.submit_action.setShortcut(QKeySequence("Ctrl+Return"))
        self.submit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.submit_action.triggered.connect(self._on_submit)
        self.addAction(self.submit_action)
        top = QHBoxLayout()
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.title, 1)
        top.addWidget(self.try_again_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignTop)
        self.intro = plain_label("Introduction", "instructions")
        self.intro.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.how = plain_label("How the comparison works")
        self.how.setText(
            "1. Read the introduction. 2. Lay any two articles side by side and choose a "
            "claim: its passages are shaded in both. 3. In the claims grid, say for each "
            "claim (a row) and each article (a column) whether the article makes the claim "
            "and on what — a named source, an unnamed one, no source — or whether it "
            "contradicts the claim or does not mention it. Then give each claim a verdict "
            "and tick the dossier entries it rests on: is it confirmed by independent named "
            "sources, contested, unsupported, or contradicted?\n\n"
            "Keyboard: in the grid, arrows move; 1 named, 2 unnamed, 3 no source, "
            "4 contradicts, 5 not in the article; in the Verdict column 1 confirmed, "
            "2 contested, 3 unsupported, 4 contradicted; Delete clears; Return opens the "
            "list of choices; Return in the Evidence column goes to the dossier. "
            "Ctrl+Return submits. Cells marked ★ start from your own highlights.")
        self.score = plain_label("Feedback", "scoreLabel")
        self.score.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.summary = plain_label("Summary of your grid")
        self.summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.side = SideBySide()
        self.side.claim_chosen.connect(self._on_side_claim)
        self.model = GridModel()
        self.model.grid_changed.connect(self._on_model_grid_changed)
        self.grid = GridView()
        self.grid.setModel(self.model)
        self.grid.claim_changed.connect(self._on_grid_claim)
        self.grid.evidence_requested.connect(self._on_evidence_requested)
        self.grid.selectionModel().currentChanged.connect(lambda *_: self._show_detail())
        self.evidence = EvidencePanel()
        self.evidence.claim_chosen.connect(self._on_evidence_claim)
        self.evidence.verdict_chosen.connect(self._on_verdict_chosen)
        self.evidence.backing_changed.connect(self._on_backing_changed)
        self.grid_help = plain_label("Keys in the grid")
        self.grid_help.setText("Keys: 1–5 answer a cell, 1–4 a verdict, Return opens the "
                               "choices. ★ = from your own highlight.")
        self.detail = plain_label("About this cell")
        self.detail.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        gridside = QWidget()
        gcol = QVBoxLayout(gridside)
        gcol.setContentsMargins(0, 0, 0, 0)
        gcol.addWidget(self.grid_help)
        gcol.addWidget(self.grid, 1)
        gcol.addWidget(self.detail)
        split = self.grid_split = QSplitter()
        split.setChildrenCollapsible(False)
        split.addWidget(gridside)
        split.addWidget(self.evidence)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        about = QWidget()
        acol = QVBoxLayout(about)
        acol.addWidget(self.intro)
        acol.addWidget(self.how)
        acol.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(about)
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (its fields take the focus)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Compare views")
        self.tabs.addTab(scroll, "&1  Introduction")
        self.tabs.addTab(self.side, "&2  Side by side")
        self.tabs.addTab(split, "&3  Claims grid")

        self.attempts = QListWidget()
        self.attempts.setAccessibleName("Your attempts")
        self.attempts.setMaximumHeight(self.fontMetrics().lineSpacing() * 3 + 8)
        self.attempts.itemActivated.connect(self._on_attempt)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.score)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.attempts)

    def set_reading_font(self, font: QFont) -> None:
        self.side.set_reading_font(font)

    def resizeEvent(self, e) -> None:  # noqa: N802, ANN001
        """At large text (or a small window) the evidence goes under the grid."""
        super().resizeEvent(e)
        self._fit_later()

    def _fit_later(self) -> None:
        """Move the panel once the event is handled: moving a widget while Qt hands a
        font change down the widget tree would pull the tree from under it."""
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self, self._fit_orientation)  # (never after self is gone)

    def _fit_orientation(self) -> None:
        """Wide: the verdict and the dossier beside the grid. Narrow (large text, a
        small window): they get a tab of their own, so the grid keeps its height."""
        self._fit_pending = False
        columns = self.model.columnCount()
        need = CLAIMS_EMS + COLUMN_EMS * columns + EVIDENCE_EMS
        narrow = self.width() < need * self.fontMetrics().horizontalAdvance("m")
        in_tab = self.tabs.indexOf(self.evidence) >= 0
        if narrow and not in_tab:
            self.tabs.addTab(self.evidence, EVIDENCE_TAB)
        elif not narrow and in_tab:
            self.tabs.removeTab(self.tabs.indexOf(self.evidence))
            self.grid_split.addWidget(self.evidence)
            self.evidence.show()

    def show_evidence(self) -> None:
        """Bring the verdict and dossier into view (their tab, when they have one)."""
        i = self.tabs.indexOf(self.evidence)
        if i >= 0:
            self.tabs.setCurrentIndex(i)
        self.evidence.dossier.setFocus()

    def changeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().changeEvent(e)
        from PySide6.QtCore import QEvent

        if e.type() == QEvent.Type.FontChange:
            self._fit_later()

    # -- modes ----------------------------------------------------------------
    def _common(self, lesson: Lesson, articles: Sequence[Lesson], grid: GridAnswer,
                report: CompareReport | None) -> Comparison:
        assert lesson.comparison is not None
        self._save.stop()
        self.lesson, self.report = lesson, report
        cmp = lesson.comparison
        by_id = {a.id: a for a in articles}
        self.titles = [f"{chr(65 + i)}. {by_id[a].title}" if a in by_id
                       else f"{chr(65 + i)}. {a} (not on this computer)"
                       for i, a in enumerate(cmp.articles)]
        self.title.setText(lesson.title)
        dark = is_dark(self.palette())
        self.model.set_tints({k: (v[0], v[1]) for k, v in STATUS_STYLE.items()}, dark)
        self.model.set_content(cmp, self.titles, grid, report)
        self.grid.fit_headers()
        self._fit_later()  # how many columns decides where the evidence goes
        self.side.set_content(cmp, [by_id[a] for a in cmp.articles if a in by_id])
        self.evidence.set_comparison(cmp, editable=report is None)
        if cmp.claims:
            self.grid.setCurrentIndex(self.model.index(0, 0))
            self._on_grid_claim(0)
        return cmp

    def show_work(self, lesson: Lesson, articles: Sequence[Lesson], grid: GridAnswer,
                  note: str = "", missing: Sequence[str] = ()) -> None:
        """The grid to fill in (a draft, or a fresh one prefilled from highlights)."""
        self._common(lesson, articles, grid, None)
        intro = [note, lesson.instructions, lesson.text]
        if missing:
            intro.append("Not on this computer (ask your teacher for the unit's pack): "
                         + ", ".join(missing))
        self.intro.setText("\n\n".join(x for x in intro if x))
        self.score.setVisible(False)
        self.summary.setVisible(False)
        self.attempts.setVisible(False)
        self.submit_button.setVisible(True)
        self.submit_action.setEnabled(True)
        self.try_again_button.setVisible(False)
        self.grid_help.setVisible(True)
        started = any(c.claim for c in grid.cells if (c.claim, c.article) not in grid.prefilled)
        self.tabs.setCurrentIndex(GRID_TAB if started or grid.verdicts else 0)

    def show_result(self, lesson: Lesson, articles: Sequence[Lesson], report: CompareReport,
                    shown: Submission, attempts: Sequence[Submission],
                    grade: Grade | None) -> None:
        """The graded grid: every cell and verdict with the key's answer and reason."""
        self._common(lesson, articles, shown.grid or GridAnswer(), report)
        value = report.score
        graded = grade is not None and grade.submission_id == shown.submission_id
        if graded and grade is not None and grade.override is not None:
            value = grade.override
        self.score.setText(f"Score: {value}")
        label = attempt_label(shown.attempt, shown.after_key, graded)
        extra = []
        if graded and grade is not None and grade.override is not None:
            extra.append(f"Your teacher set this score (the grid gave {report.score}): "
                         f"{grade.reason}")
        if graded and grade is not None and grade.comment:
            extra.append(f"Your teacher's comment: {grade.comment}")
        self.summary.setText("\n".join([f"{label}. {words.summary(report)}", *extra,
                                        "Choose a cell or a verdict to read why."]))
        self._fill_attempts(attempts, shown, grade)
        for w in (self.score, self.summary):
            w.setVisible(True)
        self.attempts.setVisible(len(attempts) > 1)  # one attempt: the summary names it
        self.intro.setText("\n\n".join(x for x in (lesson.instructions, lesson.text) if x))
        self.submit_button.setVisible(False)
        self.submit_action.setEnabled(False)
        self.try_again_button.setVisible(True)
        self.grid_help.setVisible(False)
        self.tabs.setCurrentIndex(GRID_TAB)
        self._show_detail()
        a11y.announce(self, f"Score: {value}. {words.summary(report)}")

    def show_waiting(self, lesson: Lesson, articles: Sequence[Lesson],
                     attempts: Sequence[Submission]) -> None:
        """An assessment submitted and not released: no score, no key."""
        last = max(attempts, key=lambda s: s.attempt) if attempts else None
        self._common(lesson, articles, (last.grid if last else None) or GridAnswer(), None)
        self.evidence.set_comparison(lesson.comparison, editable=False)  # type: ignore[arg-type]
        self.model.report = None
        self.score.setText("Submitted — your teacher will release the feedback")
        self.summary.setText("You can read the articles and your answers; they can no "
                             "longer be changed.")
        for w in (self.score, self.summary):
            w.setVisible(True)
        for w in (self.attempts, self.submit_button, self.try_again_button, self.grid_help):
            w.setVisible(False)
        self.intro.setText("\n\n".join(x for x in (lesson.instructions, lesson.text) if x))
        self.tabs.setCurrentIndex(GRID_TAB)
        self.submit_action.setEnabled(False)
        self.model.locked = True

    def _fill_attempts(self, attempts: Sequence[Submission], shown: Submission,
                       grade: Grade | None) -> None:
        self.attempts.clear()
        for s in sorted(attempts, key=lambda s: s.attempt):
            graded = grade is not None and grade.submission_id == s.submission_id
            it = QListWidgetItem(attempt_label(s.attempt, s.after_key, graded)
                                 + (f" — score {s.score}" if s.score is not None else "")
                                 + ("  (shown)" if s.submission_id == shown.submission_id
                                    else ""))
            it.setData(SUB_ROLE, s.submission_id)
            self.attempts.addItem(it)

    # -- the grid and its detail ---------------------------------------------
    def current_grid(self) -> GridAnswer:
        return self.model.grid

    def _on_model_grid_changed(self, _grid: GridAnswer) -> None:
        self._show_detail()
        row = self.grid.currentIndex().row()
        if row >= 0:
            v = self.model.grid.verdict(self.model.claim_at(row))
            self.evidence.show_claim(row, v.verdict, v.backing)
        if not self._save.isActive():
            self._save.start()

    def flush(self) -> None:
        """Store the grid now (the controller writes it to the database)."""
        self._save.stop()
        if self.lesson is not None and self.report is None and self.submit_button.isVisible():
            self.grid_changed.emit(self.lesson.id, self.model.grid)

    def _on_grid_claim(self, row: int) -> None:
        if self.model.cmp is None or not 0 <= row < self.model.rowCount():
            return
        claim = self.model.claim_at(row)
        v = self.model.grid.verdict(claim)
        expl, key_backing = "", ()
        if self.report is not None:
            r = self.report.claim(claim)
            if r is not None:
                expl = words.claim_line(r, self.model.cmp.claims[row].statement,
                                        words.entry_titles(self.model.cmp))
                key_backing = r.expected_backing
        self.evidence.show_claim(row, v.verdict, v.backing, expl, key_backing)
        self.side.choose_claim(claim)

    def _show_detail(self) -> None:
        idx = self.grid.currentIndex()
        cmp = self.model.cmp
        if not idx.isValid() or cmp is None:
            self.detail.setText("")
            return
        if self.report is None:
            self.detail.setText(str(self.model.data(idx, Qt.ItemDataRole.ToolTipRole) or ""))
            return
        claim = cmp.claims[idx.row()]
        art = self.model.article_at(idx.column())
        if art is not None:
            c = self.report.cell(claim.id, art)
            self.detail.setText(words.cell_line(c, claim.statement, self.titles[idx.column()])
                                if c else "")
        else:
            where = ("under “Verdict and dossier”" if self.tabs.indexOf(self.evidence) >= 0
                     else "beside the grid")
            r = self.report.claim(claim.id)
            self.detail.setText(f"{words.STATUS_TAGS[r.status]}: the verdict and its "
                                f"evidence are explained {where}." if r else "")

    def _on_side_claim(self, claim_id: str) -> None:
        cmp = self.model.cmp
        if cmp is None:
            return
        row = next((i for i, c in enumerate(cmp.claims) if c.id == claim_id), -1)
        cur = self.grid.currentIndex()
        if row >= 0 and cur.row() != row:
            self.grid.setCurrentIndex(self.model.index(row, max(0, cur.column())))

    def _on_evidence_requested(self, row: int) -> None:
        self._on_grid_claim(row)
        self.show_evidence()

    def _on_evidence_claim(self, row: int) -> None:
        cur = self.grid.currentIndex()
        if cur.row() != row and 0 <= row < self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(row, max(0, cur.column())))

    def _on_verdict_chosen(self, row: int, verdict: str) -> None:
        self.model.set_verdict(row, verdict)

    def _on_backing_changed(self, row: int, backing: tuple[str, ...]) -> None:
        self.model.set_backing(row, backing)

    # -- buttons --------------------------------------------------------------
    def _on_submit(self) -> None:
        if self.lesson is not None and self.report is None and self.submit_button.isVisible():
            self.flush()
            self.submit_requested.emit(self.lesson.id)

    def _on_try_again(self) -> None:
        if self.lesson is not None:
            self.try_again_requested.emit(self.lesson.id)

    def _on_attempt(self, it: QListWidgetItem) -> None:
        sid = it.data(SUB_ROLE)
        if sid:
            self.attempt_chosen.emit(sid)

    def _on_back(self) -> None:
        self.flush()
        self.back_requested.emit()
