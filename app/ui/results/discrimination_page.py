"""The *Discrimination* view of the class results: for a unit, a lesson or every lesson,
each student's hit rate against false-alarm rate (a plot, and the same figures in a
table beside it for the keyboard and screen readers), with d′ and the criterion and the
class mean (formats.md, "Discrimination: sentences as trials")."""

from __future__ import annotations

import os
from concurrent.futures import Executor
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.discrimination import ALL
from app.core.errors import UserError
from app.services.results.discrimination import (
    ClassDiscrimination,
    class_discrimination,
    keyed_lessons,
)
from app.services.results.learning_csv import discrimination_rows, write_rows
from app.services.results.learning_text import category_name, shown
from app.store.repo import Repo
from app.ui.filedialogs import save_file
from app.ui.plain import label, warn
from app.ui.results.discrimination_plot import DiscriminationPlot, Point
from app.ui.results.learning_models import TextTable, scrolled

HEADERS = ("Student", "Hits", "False alarms", "H", "F", "d′", "c")
HEADER_TIPS = (
    "",
    "Sentences holding a required key passage that the student marked on that passage, "
    "of all such sentences",
    "Sentences the key leaves alone that the student marked, of all such sentences",
    "Hit rate: (hits + ½) / (key sentences + 1)",
    "False-alarm rate: (false alarms + ½) / (sentences left alone + 1)",
    "d′ = z(H) − z(F): about 0, cannot tell the two kinds apart; 1, somewhat; 2 or "
    "more, clearly",
    "Criterion c = −(z(H) + z(F)) / 2: below 0, marks readily; above 0, sparingly",
)
EXPLAIN = (
    "Each sentence is one trial. Up: the student marked more of the sentences that hold a "
    "key passage (hits); right: more of the sentences the key leaves alone (false "
    "alarms). Above the diagonal a student tells the two apart, and d′ says how far "
    "(0: not at all; 1: somewhat; 2 or more: clearly); c below 0 means they mark "
    "readily — marking everything finds every passage and teaches nothing. "
    "H = (hits + ½) / (key sentences + 1), F = (false alarms + ½) / (sentences left "
    "alone + 1), d′ = z(H) − z(F), c = −(z(H) + z(F)) / 2. Each student's graded attempt "
    "counts (the first, before the key).")


class DiscriminationPage(QWidget):
    def __init__(self, repo: Repo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.background = False  # a school's database: worked out off the GUI thread
        self.executor: Executor | None = None
        self.result: ClassDiscrimination | None = None
        self.stale = True  # filled when next shown
        self._loading: object | None = None

        self.scope = QComboBox()
        self.scope.setAccessibleName("Lessons counted")
        self.scope.setMinimumContentsLength(16)
        self.scope.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scope.currentIndexChanged.connect(self._on_scope_changed)
        self.category = QComboBox()
        self.category.setAccessibleName("Category")
        self.category.currentIndexChanged.connect(self._on_category_changed)
        self.export = QPushButton("Export CSV…")
        self.export.setAccessibleName("Export discrimination CSV")
        self.export.clicked.connect(lambda: self.export_csv())
        top = QHBoxLayout()
        top.addWidget(self._buddy("&Lessons:", self.scope))
        top.addWidget(self.scope, 1)
        second = QHBoxLayout()
        second.addWidget(self._buddy("Ca&tegory:", self.category))
        second.addWidget(self.category)
        second.addStretch(1)
        second.addWidget(self.export)

        self.summary = label()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Discrimination summary")
        self.plot = DiscriminationPlot()
        self.model = TextTable(HEADERS, 1, self, HEADER_TIPS)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Discrimination per student")
        self.table.setAccessibleDescription(
            "One row per student, then the class mean: hits and false alarms as counts, "
            "the hit rate H, the false-alarm rate F, d′ and the criterion c.")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setMinimumHeight(8 * self.fontMetrics().height())
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.plot)
        self.split.addWidget(self.table)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 0)
        self.explain = label(EXPLAIN)
        self.explain.setWordWrap(True)
        self.explain.setAccessibleName("How to read the discrimination view")

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.summary)
        inner.addWidget(self.split, 1)
        inner.addWidget(self.explain)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(second)
        lay.addWidget(scrolled(content, "Discrimination figures"), 1)

    @staticmethod
    def _buddy(text: str, w: QWidget) -> QLabel:
        lb = QLabel(text)
        lb.setBuddy(w)
        return lb

    def resizeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().resizeEvent(e)
        self._arrange()

    def _arrange(self) -> None:
        """The table as wide as its columns; the plot beside it where the rest leaves
        room for the plot, above it where not (a narrow window, large text)."""
        header = self.table.horizontalHeader()
        need = (header.length() + self.table.verticalScrollBar().sizeHint().width()
                + 2 * self.table.frameWidth() + 4)
        total = self.split.width() or self.width()
        plot_min = self.plot.minimumSizeHint().width()
        narrow = plot_min + need + self.split.handleWidth() > total
        want = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.split.orientation() != want:
            self.split.setOrientation(want)
        if not narrow:
            self.split.setSizes([total - need - self.split.handleWidth(), need])

    # -- what to count --------------------------------------------------------------
    def reload(self) -> None:
        """The lessons may have changed (an import, a key): fill again when shown."""
        self.stale = True
        if self.isVisible():
            self._fill_scopes()

    def showEvent(self, e) -> None:  # noqa: N802, ANN001
        super().showEvent(e)
        if self.stale:
            self._fill_scopes()

    def _fill_scopes(self) -> None:
        self.stale = False
        current = self.scope.currentData()
        lessons = [s for s in self.repo.list_lessons() if s.has_key]
        units = list(dict.fromkeys(s.unit for s in lessons if s.unit))
        self.scope.blockSignals(True)
        self.scope.clear()
        for u in units:
            self.scope.addItem(f"Unit: {u}", f"unit:{u}")
        self.scope.addItem("Every lesson with a key", "all:")
        for s in lessons:
            self.scope.addItem(f"Lesson: {s.title}", f"lesson:{s.id}")
        i = self.scope.findData(current) if current else -1
        self.scope.setCurrentIndex(max(i, 0) if lessons else -1)
        self.scope.blockSignals(False)
        self.compute()

    def choose_scope(self, kind: str, value: str = "") -> None:
        """Count a unit (``"unit"``, its name), a lesson (``"lesson"``, its id) or every
        lesson (``"all"``)."""
        if self.stale:
            self._fill_scopes()
        i = self.scope.findData(f"{kind}:{value}")
        if i < 0:
            raise ValueError(f"no such choice: {kind} {value}")
        self.scope.setCurrentIndex(i)

    def choose_category(self, category: str) -> None:
        i = self.category.findData(category)
        if i >= 0:
            self.category.setCurrentIndex(i)

    def _on_scope_changed(self, _i: int) -> None:
        self.compute()

    def _on_category_changed(self, _i: int) -> None:
        self.show_category()

    def compute(self) -> None:
        scope = self.scope.currentData()
        self.result = None
        self.model.set_rows([])
        self.plot.set_points([], None)
        if scope is None:
            self.summary.setText("No lesson has a key here yet.")
            return
        kind, _, value = scope.partition(":")

        def work(repo: Repo) -> ClassDiscrimination:
            lessons = keyed_lessons(repo, value if kind == "unit" else None,
                                    [value] if kind == "lesson" else [])
            return class_discrimination(repo, lessons)

        if not self.background:
            try:
                self._show(work(self.repo))
            except UserError as e:
                self.summary.setText(str(e))
            return
        from app.ui.operations import RepoOp

        token = self._loading = object()
        self.summary.setText(f"Counting the class's sentences in {self.scope.currentText()}…")

        def done(cd: ClassDiscrimination) -> None:
            if self._loading is token:
                self._loading = None
                self._show(cd)

        def failed(e: BaseException) -> None:
            if self._loading is not token:
                return
            self._loading = None
            if not isinstance(e, UserError):
                raise e
            self.summary.setText(str(e))

        RepoOp(self, self.repo.database.path, work, self.executor) \
            .success(done).failure(failed) \
            .with_progress("Counting the class's sentences…").run_in_background()

    def _show(self, cd: ClassDiscrimination) -> None:
        self.result = cd
        cats = self.repo.categories()
        current = self.category.currentData() or ALL
        self.category.blockSignals(True)
        self.category.clear()
        for c in cd.categories:
            self.category.addItem(category_name(c, cats), c)
        i = self.category.findData(current)
        self.category.setCurrentIndex(i if i >= 0 else self.category.count() - 1)
        self.category.blockSignals(False)
        self.show_category()

    # -- the figures ----------------------------------------------------------------
    def show_category(self) -> None:
        cd, cat = self.result, self.category.currentData()
        if cd is None or cat is None:
            return
        rows, keys, points = [], [], []
        for s in cd.students:
            c = s.counts.get(cat)
            if c is None:
                continue
            r = c.rates
            rows.append([s.name, f"{c.hits} of {c.signal}", f"{c.false_alarms} of {c.noise}",
                         shown(r.hit_rate, 3), shown(r.false_alarm_rate, 3),
                         shown(r.d_prime, 2), shown(r.criterion, 2)])
            keys.append(s.student_id)
            if r.hit_rate is not None and r.false_alarm_rate is not None:
                points.append(Point(s.student_id, s.name, r.hit_rate, r.false_alarm_rate))
        m = cd.class_rates(cat)
        n = len(rows)
        if n:
            rows.append(["Class mean", "", "",
                         shown(m.hit_rate, 3), shown(m.false_alarm_rate, 3),
                         shown(m.d_prime, 2), shown(m.criterion, 2)])
            keys.append(None)
        mean = (Point(-1, "class mean", m.hit_rate, m.false_alarm_rate)
                if n and m.hit_rate is not None and m.false_alarm_rate is not None else None)
        self.model.set_rows(rows, keys)
        self.table.resizeColumnsToContents()
        self._arrange()
        self.plot.set_points(points, mean)
        lessons = len(cd.lesson_ids)
        name = category_name(cat, self.repo.categories())
        text = (f"{n} student{'s' * (n != 1)} with a graded attempt, over {lessons} "
                f"lesson{'s' * (lessons != 1)} · {name}")
        if m.d_prime is not None:
            text += f" · class mean d′ {shown(m.d_prime, 2)}, criterion {shown(m.criterion, 2)}"
        if not n:
            text = "No graded attempts on these lessons yet: import submission files first."
        if cd.not_graded:
            text += ("\nLeft out (their highlights do not fit the lesson's text): "
                     + ", ".join(cd.not_graded))
        self.summary.setText(text)

    def _on_table_row_changed(self, current, _previous) -> None:  # noqa: ANN001
        self.plot.select(self.model.key(current.row()) if current.isValid() else None)

    def export_csv(self, path: str | os.PathLike[str] | None = None) -> Path | None:
        """Write the CSV of formats.md (every category of the chosen lessons)."""
        if self.result is None:
            return None
        if path is None:
            path = save_file(self, "Export discrimination CSV", "discrimination.csv",
                             "CSV files (*.csv)")
            if not path:
                return None
        try:
            write_rows(discrimination_rows(self.result), path, self.repo.database.path)
        except (UserError, OSError) as e:
            warn(self, "The CSV was not saved", str(e))
            return None
        return Path(path)
