"""The *Pre and post* view of the class results: the instructor marks a unit or lessons
as the pre and post forms of a skill (and optionally a delayed post); per student and
category the change in score, hit rate, false-alarm rate and d′, and for the class the
mean paired change with its 95 % interval; students missing a form listed (formats.md,
"Pre and post")."""

from __future__ import annotations

import os
from concurrent.futures import Executor
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.prepost import MEASURES, Pairing
from app.services.results.learning_csv import prepost_rows, write_rows
from app.services.results.learning_text import (
    COMPARISON_NAMES,
    MEASURE_NAMES,
    category_name,
    forms_line,
    missing_lines,
    places_of,
    shown,
    signed,
)
from app.services.results.prepost import PrePost, prepost
from app.store import prepost_repo
from app.store.repo import Repo
from app.ui.filedialogs import save_file
from app.ui.plain import label, warn
from app.ui.results.learning_models import TextTable, fit_height, scrolled
from app.ui.results.prepost_dialog import PairingDialog

CLASS_HEADERS = ("Measure", "n", "Before", "After", "Mean change", "95 % CI")
CLASS_TIPS = ("", "Students with both forms", "The class mean on the first form",
              "The class mean on the second form",
              "The mean of the students' changes (after − before)",
              "The 95 % confidence interval of the mean change (t distribution)")
STUDENT_HEADERS = ("Student", "Score", "Hit rate H", "False-alarm rate F", "d′")
METHOD = (
    "Each cell reads before → after (change). A student counts when they have a graded "
    "attempt on every lesson of both forms. The class line is the mean of the students' "
    "paired changes (after − before) with its 95 % confidence interval from the t "
    "distribution (n − 1 degrees of freedom): an interval that does not include 0 is a "
    "change unlikely to be chance alone. With fewer than 2 students who took both forms "
    "there is no interval. Scores come from different articles: compare the change in d′ "
    "and the false-alarm rate as well as the score.")


def cell(before: float | None, after: float | None, measure: str) -> str:
    """"42.0 → 55.5 (+13.5)"; "–" where a side is missing."""
    p = places_of(measure)
    if before is None or after is None:
        return f"{shown(before, p)} → {shown(after, p)}"
    return f"{shown(before, p)} → {shown(after, p)} ({signed(after - before, p)})"


class PrePostPage(QWidget):
    def __init__(self, repo: Repo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.background = False
        self.executor: Executor | None = None
        self.result: PrePost | None = None
        self.dialog: PairingDialog | None = None
        self.stale = True
        self._loading: object | None = None
        self._pairings: list[Pairing] = []

        self.pairing = QComboBox()
        self.pairing.setAccessibleName("Pairing")
        self.pairing.setMinimumContentsLength(16)
        self.pairing.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.pairing.currentIndexChanged.connect(self._on_pairing_changed)
        self.new = self._button("New pairing…", lambda: self.edit_pairing(new=True))
        self.edit = self._button("Edit…", lambda: self.edit_pairing(new=False))
        self.edit.setAccessibleName("Edit pairing")
        self.remove = self._button("Remove", self.remove_pairing)
        self.remove.setAccessibleName("Remove pairing")
        row1 = QHBoxLayout()
        row1.addWidget(self._buddy("P&airing:", self.pairing))
        row1.addWidget(self.pairing, 1)
        for b in (self.new, self.edit, self.remove):
            row1.addWidget(b)
        self.forms = label()
        self.forms.setWordWrap(True)
        self.forms.setAccessibleName("Forms")

        self.comparison = QComboBox()
        self.comparison.setAccessibleName("Comparison")
        self.comparison.currentIndexChanged.connect(lambda _i: self.show_figures())
        self.category = QComboBox()
        self.category.setAccessibleName("Category")
        self.category.currentIndexChanged.connect(lambda _i: self.show_figures())
        self.export = self._button("Export CSV…", lambda: self.export_csv())
        self.export.setAccessibleName("Export pre and post CSV")
        self.pdf = self._button("Save PDF…", lambda: self.save_pdf())
        self.pdf.setAccessibleName("Save pre and post PDF")
        row2 = QHBoxLayout()
        row2.addWidget(self._buddy("Co&mpare:", self.comparison))
        row2.addWidget(self.comparison)
        row2.addWidget(self._buddy("Ca&tegory:", self.category))
        row2.addWidget(self.category)
        row2.addStretch(1)

        self.class_model = TextTable(CLASS_HEADERS, 1, self, CLASS_TIPS)
        self.class_table = self._table(self.class_model, "Class: mean paired change",
                                       "Per measure: the students with both forms, the "
                                       "means before and after, the mean change and its "
                                       "95 % confidence interval.")
        self.student_model = TextTable(STUDENT_HEADERS, 1, self)
        self.student_table = self._table(self.student_model, "Change per student",
                                         "One row per student with both forms: each "
                                         "measure before, after and the change.")
        self.student_table.setMinimumHeight(9 * self.fontMetrics().height())
        self.missing = label()
        self.missing.setWordWrap(True)
        self.missing.setAccessibleName("Students missing a form")
        self.method = label(METHOD)
        self.method.setWordWrap(True)
        self.method.setAccessibleName("How the change is worked out")

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.forms)
        inner.addWidget(self._caption("The class", self.class_table))
        inner.addWidget(self.class_table)
        inner.addWidget(self._caption("Each student", self.student_table))
        inner.addWidget(self.student_table, 1)
        inner.addWidget(self.missing)
        inner.addWidget(self.method)
        files = QHBoxLayout()
        files.addStretch(1)
        files.addWidget(self.export)
        files.addWidget(self.pdf)
        lay = QVBoxLayout(self)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(scrolled(content, "Pre and post figures"), 1)
        lay.addLayout(files)

    # -- building ---------------------------------------------------------------------
    def _button(self, text: str, slot) -> QPushButton:  # noqa: ANN001
        b = QPushButton(text)
        b.setAccessibleName(text.rstrip("…"))
        b.clicked.connect(slot)
        return b

    @staticmethod
    def _buddy(text: str, w: QWidget) -> QLabel:
        lb = QLabel(text)
        lb.setBuddy(w)
        return lb

    @staticmethod
    def _caption(text: str, w: QWidget) -> QLabel:
        lb = label(text)
        f = lb.font()
        f.setBold(True)
        lb.setFont(f)
        lb.setBuddy(w)
        return lb

    def _table(self, model: TextTable, name: str, description: str) -> QTableView:
        t = QTableView()
        t.setModel(model)
        t.setAccessibleName(name)
        t.setAccessibleDescription(description)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setAlternatingRowColors(True)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return t

    def resizeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().resizeEvent(e)
        fit_height(self.class_table, len(MEASURES))

    # -- the pairings -------------------------------------------------------------------
    def reload(self) -> None:
        self.stale = True
        if self.isVisible():
            self._fill_pairings()

    def showEvent(self, e) -> None:  # noqa: N802, ANN001
        super().showEvent(e)
        if self.stale:
            self._fill_pairings()

    def _fill_pairings(self, choose: str | None = None) -> None:
        self.stale = False
        current = choose or self.pairing.currentText()
        try:
            self._pairings = prepost_repo.pairings(self.repo)
        except UserError as e:
            self._pairings = []
            self.forms.setText(str(e))
        self.pairing.blockSignals(True)
        self.pairing.clear()
        self.pairing.addItems([p.name for p in self._pairings])
        i = self.pairing.findText(current) if current else -1
        self.pairing.setCurrentIndex(max(i, 0) if self._pairings else -1)
        self.pairing.blockSignals(False)
        for b in (self.edit, self.remove, self.export, self.pdf):
            b.setEnabled(bool(self._pairings))
        self.compute()

    def current_pairing(self) -> Pairing | None:
        i = self.pairing.currentIndex()
        return self._pairings[i] if 0 <= i < len(self._pairings) else None

    def _on_pairing_changed(self, _i: int) -> None:
        self.compute()

    def edit_pairing(self, new: bool) -> PairingDialog:
        """Open the pairing dialog (not blocking); saved when it is accepted."""
        d = PairingDialog(self.repo.list_lessons(), None if new else self.current_pairing(),
                          self)
        d.accepted.connect(lambda: self._save(d))
        self.dialog = d
        d.open()
        return d

    def _save(self, d: PairingDialog) -> None:
        if d.result_pairing is None:
            return
        try:
            saved = prepost_repo.save_pairing(self.repo, d.result_pairing)
        except UserError as e:
            warn(self, "The pairing was not saved", str(e))
            return
        self._fill_pairings(choose=saved.name)

    def remove_pairing(self) -> None:
        p = self.current_pairing()
        if p is None or p.id is None:
            return
        prepost_repo.delete_pairing(self.repo, p.id)
        self._fill_pairings()

    # -- the figures ----------------------------------------------------------------
    def compute(self) -> None:
        p = self.current_pairing()
        self.result = None
        self.class_model.set_rows([])
        self.student_model.set_rows([])
        self.missing.clear()
        if p is None:
            self.forms.setText("No pairing yet. Mark the pre and post forms of a skill — a "
                               "unit or lessons each — with New pairing….")
            return
        if not self.background:
            try:
                self._show(prepost(self.repo, p))
            except UserError as e:
                self.forms.setText(str(e))
            return
        from app.ui.operations import RepoOp

        token = self._loading = object()
        self.forms.setText(f"Comparing the forms of {p.name}…")

        def done(pp: PrePost) -> None:
            if self._loading is token:
                self._loading = None
                self._show(pp)

        def failed(e: BaseException) -> None:
            if self._loading is not token:
                return
            self._loading = None
            if not isinstance(e, UserError):
                raise e
            self.forms.setText(str(e))

        RepoOp(self, self.repo.database.path, lambda repo: prepost(repo, p), self.executor) \
            .success(done).failure(failed) \
            .with_progress(f"Comparing the forms of {p.name}…").run_in_background()

    def _show(self, pp: PrePost) -> None:
        self.result = pp
        cats = self.repo.categories()
        self.forms.setText(forms_line(pp, "\n"))
        for box, items in ((self.comparison, [(COMPARISON_NAMES[c], c) for c in pp.comparisons]),
                           (self.category, [(category_name(c, cats), c) for c in pp.categories])):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            for text, data in items:
                box.addItem(text, data)
            i = box.findData(current)
            box.setCurrentIndex(i if i >= 0 else (box.count() - 1 if box is self.category else 0))
            box.blockSignals(False)
        self.show_figures()

    def show_figures(self) -> None:
        pp, comp, cat = self.result, self.comparison.currentData(), self.category.currentData()
        if pp is None or comp is None or cat is None:
            return
        rows = []
        for m in MEASURES:
            ch = pp.summary[(cat, comp, m)]
            p = places_of(m)
            ci = (f"{signed(ch.ci_low, p)} to {signed(ch.ci_high, p)}"
                  if ch.ci_low is not None else ch.note or "–")
            rows.append([MEASURE_NAMES[m], str(ch.n), shown(ch.before, p),
                         shown(ch.after, p), signed(ch.change, p), ci])
        self.class_model.set_rows(rows)
        by_student: dict[int, dict[str, tuple[float | None, float | None]]] = {}
        names: dict[int, str] = {}
        for r in pp.rows:
            if r.comparison == comp and r.category == cat:
                by_student.setdefault(r.student_id, {})[r.measure] = (r.before, r.after)
                names[r.student_id] = r.name
        srows = [[names[sid], *(cell(*v[m], m) for m in MEASURES)]
                 for sid, v in by_student.items()]
        self.student_model.set_rows(srows, list(by_student))
        for t in (self.class_table, self.student_table):
            t.resizeColumnsToContents()
        fit_height(self.class_table, len(MEASURES))
        miss = missing_lines(pp, comp)
        self.missing.setText(
            "Missing a form, so not counted above: " + "; ".join(miss) + "." if miss else
            "Every student who took one of these forms took the other.")

    # -- files ----------------------------------------------------------------------
    def export_csv(self, path: str | os.PathLike[str] | None = None) -> Path | None:
        if self.result is None:
            return None
        if path is None:
            path = save_file(self, "Export pre and post CSV", "prepost.csv",
                             "CSV files (*.csv)")
            if not path:
                return None
        try:
            write_rows(prepost_rows(self.result), path, self.repo.database.path)
        except (UserError, OSError) as e:
            warn(self, "The CSV was not saved", str(e))
            return None
        return Path(path)

    def save_pdf(self, path: str | os.PathLike[str] | None = None) -> Path | None:
        from app.services.results.learning_pdf import prepost_pdf

        if self.result is None:
            return None
        if path is None:
            path = save_file(self, "Save pre and post report", "prepost.pdf",
                             "PDF files (*.pdf)")
            if not path:
                return None
        try:
            return prepost_pdf(self.repo, self.result, path)
        except (UserError, OSError) as e:
            warn(self, "The PDF was not saved", str(e))
            return None
