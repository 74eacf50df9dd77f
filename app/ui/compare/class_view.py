"""The class view of a comparison, inside the results window's class page: per claim
and article how many students judged the cell right (shaded like the class view's key
passages, and said in words), per claim how many gave the key's verdict and how well
they cited the dossier, what they answered instead, and the score histogram."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.compare.model import CHOICE_SHORT, VERDICT_SHORT
from app.services.compare.classview import ClaimStat, CompareClassView
from app.ui.compare.grid_model import short_title
from app.ui.compare.grid_view import fit_rows
from app.ui.results.histogram import ScoreHistogram
from app.ui.roles import ACCESSIBLE_TEXT, DISPLAY, TOOLTIP
from app.ui.theme import STATUS_STYLE, is_dark

Index = QModelIndex | QPersistentModelIndex
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
SHADES = ((2 / 3, "found"), (1 / 3, "partial"), (0.0, "missed"))  # as the class page's


def shade(share: float) -> str:
    return next(name for low, name in SHADES if share >= low)


def answers_words(counts: dict[str, int], words: dict[str, str]) -> str:
    if not counts:
        return "nobody answered"
    return ", ".join(f"{words.get(k, k)} {n}" for k, n in
                     sorted(counts.items(), key=lambda x: -x[1]))


class ClassGridModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.view: CompareClassView | None = None
        self.dark = False

    def set_view(self, view: CompareClassView, dark: bool) -> None:
        self.beginResetModel()
        self.view, self.dark = view, dark
        self.endResetModel()

    def articles(self) -> list[str]:
        return list(self.view.lesson.comparison.articles) if self.view and \
            self.view.lesson.comparison else []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.view is None else len(self.view.claims)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.view is None else len(self.articles()) + 2

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY) -> object:
        if int(role) not in (DISPLAY, TOOLTIP, ACCESSIBLE_TEXT) or self.view is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            c = self.view.claims[section] if section < len(self.view.claims) else None
            return f"{section + 1}. {c.statement}" if c else None
        arts = self.articles()
        if section < len(arts):
            title = f"{chr(65 + section)}. {self.view.titles.get(arts[section], arts[section])}"
            return short_title(title) if int(role) == DISPLAY else title
        return ("Verdict", "Evidence")[section - len(arts)] \
            if section - len(arts) < 2 else None

    def _cell(self, c: ClaimStat, col: int) -> tuple[str, str, float]:
        """(short, in words, share right) for one cell."""
        n = c.students
        arts = self.articles()
        if col < len(arts):
            s = c.cells[col]
            short = f"{s.right} of {n}" + (f" (+{s.partly} ◐)" if s.partly else "")
            said = (f"{s.right} of {n} right" + (f", {s.partly} partly" if s.partly else "")
                    + f". Key: {CHOICE_SHORT[s.support]}. Answers: "
                    f"{answers_words(dict(s.choices), CHOICE_SHORT)}.")
            return short, said, s.right / n if n else 0.0
        if col == len(arts):
            short = f"{c.verdict_right} of {n}"
            said = (f"{short} right. Key: {VERDICT_SHORT.get(c.verdict, c.verdict)}. Answers: "
                    f"{answers_words(dict(c.verdicts), VERDICT_SHORT)}.")
            return short, said, c.verdict_right / n if n else 0.0
        short = f"{c.backing_f1:.0%}"
        said = (f"On average the students who gave a verdict cited {c.backing_f1:.0%} of the "
                "evidence (F1 of the entries cited against the key's).")
        return short, said, c.backing_f1

    def data(self, index: Index, role: int = DISPLAY) -> object:
        role = int(role)
        if self.view is None or not index.isValid() or role not in (
                DISPLAY, TOOLTIP, ACCESSIBLE_TEXT, BACKGROUND):
            return None
        short, said, share = self._cell(self.view.claims[index.row()], index.column())
        if role == DISPLAY:
            return short
        if role == BACKGROUND:
            return QColor(STATUS_STYLE[shade(share)][1 if self.dark else 0])
        return said


class ClassTable(QTableView):
    """The class's table: claims column about a quarter wide, rows as tall as their
    claim, refitted when the size or the text size changes."""

    def fit(self) -> None:
        fm = self.fontMetrics()
        self.verticalHeader().setFixedWidth(max(12 * fm.horizontalAdvance("m"),
                                                self.width() // 4))
        self.horizontalHeader().setFixedHeight(fm.lineSpacing() * 3 + 12)
        model = self.model()
        n = model.columnCount() if model is not None else 0
        for col in range(n):  # "Verdict" and "Evidence" never cut short
            self.horizontalHeader().setSectionResizeMode(
                col, QHeaderView.ResizeMode.ResizeToContents if col >= n - 2
                else QHeaderView.ResizeMode.Stretch)
        fit_rows(self)

    def resizeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().resizeEvent(e)
        QTimer.singleShot(0, self, self.fit)

    def changeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().changeEvent(e)
        if e.type() == QEvent.Type.FontChange:
            QTimer.singleShot(0, self, self.fit)


class CompareClassWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ClassGridModel()
        self.table = ClassTable()
        self.table.setAccessibleName("Class results per claim")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap)
        self.table.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap)
        self.table.selectionModel().currentChanged.connect(self._on_current)
        self.detail = QLabel()
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName("About the chosen cell")
        self.detail.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.legend = QLabel("Each cell: students who gave the key's answer (◐: half right — "
                             "the article makes the claim, not on that). Evidence: how well "
                             "they cited the dossier. Shading: two thirds or more right "
                             "(green), a third or more (yellow), fewer (orange).")
        self.legend.setWordWrap(True)
        self.histogram = ScoreHistogram()
        side = QWidget()
        col = QVBoxLayout(side)
        col.addWidget(QLabel("<b>Score distribution</b>"))
        col.addWidget(self.histogram)
        col.addWidget(self.detail)
        col.addStretch(1)
        split = QSplitter()
        split.setChildrenCollapsible(False)
        left = QWidget()
        lcol = QVBoxLayout(left)
        lcol.setContentsMargins(0, 0, 0, 0)
        lcol.addWidget(self.legend)
        lcol.addWidget(self.table, 1)
        split.addWidget(left)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

    def set_view(self, view: CompareClassView) -> None:
        self.model.set_view(view, is_dark(self.palette()))
        self.table.fit()
        self.histogram.set_counts(view.histogram)
        self.detail.setText("Choose a cell for what the class answered.")

    def _on_current(self, cur: QModelIndex, _prev: QModelIndex) -> None:
        if cur.isValid():
            where = (f"{self.model.headerData(cur.row(), Qt.Orientation.Vertical)} — "
                     f"{self.model.headerData(cur.column(), Qt.Orientation.Horizontal)}: ")
            self.detail.setText(where + str(self.model.data(cur, TOOLTIP)))
