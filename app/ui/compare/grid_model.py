"""The grid of claims × articles as a table model: one row per claim (its statement is
the row header), one column per article (its title is the column header), then the
verdict and the evidence. Every cell says its choice in words to screen readers; in
feedback mode each also says how it went (symbol, words and colour)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.core.compare.model import (
    CHOICE_SHORT,
    CHOICE_WORDS,
    VERDICT_SHORT,
    VERDICT_WORDS,
    Comparison,
    GridAnswer,
)
from app.core.compare.scoring import CompareReport
from app.core.compare.words import STATUS_TAGS
from app.ui.roles import ACCESSIBLE_TEXT, DISPLAY, TOOLTIP, USER

Index = QModelIndex | QPersistentModelIndex
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
STATUS_ROLE = USER + 1
ANSWERED = {DISPLAY, TOOLTIP, ACCESSIBLE_TEXT, BACKGROUND, FOREGROUND, STATUS_ROLE}
SYMBOL = {"right": "✓", "partly": "◐", "wrong": "✗", "unanswered": "—"}
# feedback statuses drawn with the feedback view's tints (theme.STATUS_STYLE), whose
# contrast rules tests/test_feedback_colours.py checks
STATUS_TINT = {"right": "found", "partly": "partial", "wrong": "missed",
               "unanswered": "optional"}


def short_title(title: str, limit: int = 22) -> str:
    """A column's heading on screen: up to the title's colon ("A. Framing 1"), else its
    first words; the whole title is the header's tooltip and what screen readers say."""
    head = title.split(":", 1)[0]
    if len(head) <= limit:
        return head
    return head[:limit].rsplit(" ", 1)[0] + "…"


class GridModel(QAbstractTableModel):
    grid_changed = Signal(object)  # GridAnswer, after an edit

    def __init__(self) -> None:
        super().__init__()
        self.cmp: Comparison | None = None
        self.titles: list[str] = []
        self.grid = GridAnswer()
        self.report: CompareReport | None = None  # feedback mode when set
        self.locked = False  # submitted, waiting for the teacher: read only
        self.dark = False
        self.tints: dict[str, tuple[str, str]] = {}

    # -- content --------------------------------------------------------------
    def set_content(self, cmp: Comparison, titles: Sequence[str], grid: GridAnswer,
                    report: CompareReport | None = None) -> None:
        self.beginResetModel()
        self.cmp, self.titles, self.grid, self.report = cmp, list(titles), grid, report
        self.locked = False
        self.endResetModel()

    def set_tints(self, tints: dict[str, tuple[str, str]], dark: bool) -> None:
        self.tints, self.dark = tints, dark

    @property
    def editable(self) -> bool:
        return self.report is None and not self.locked

    def n_articles(self) -> int:
        return len(self.cmp.articles) if self.cmp else 0

    def verdict_column(self) -> int:
        return self.n_articles()

    def evidence_column(self) -> int:
        return self.n_articles() + 1

    def claim_at(self, row: int) -> str:
        assert self.cmp is not None
        return self.cmp.claims[row].id

    def article_at(self, col: int) -> str | None:
        if self.cmp is None or not 0 <= col < len(self.cmp.articles):
            return None
        return self.cmp.articles[col]

    # -- edits ----------------------------------------------------------------
    def set_choice(self, row: int, col: int, choice: str) -> None:
        art = self.article_at(col)
        if not self.editable or art is None:
            return
        self.grid = self.grid.with_choice(self.claim_at(row), art, choice)
        self._changed(row, col)

    def set_verdict(self, row: int, verdict: str) -> None:
        if not self.editable:
            return
        self.grid = self.grid.with_verdict(self.claim_at(row), verdict=verdict)
        self._changed(row, self.verdict_column())

    def set_backing(self, row: int, backing: Sequence[str]) -> None:
        if not self.editable:
            return
        self.grid = self.grid.with_verdict(self.claim_at(row), backing=tuple(backing))
        self._changed(row, self.evidence_column())

    def _changed(self, row: int, col: int) -> None:
        i = self.index(row, col)
        self.dataChanged.emit(i, i, [DISPLAY, ACCESSIBLE_TEXT, TOOLTIP])
        self.grid_changed.emit(self.grid)

    # -- Qt -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.cmp is None else len(self.cmp.claims)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.cmp is None else len(self.cmp.articles) + 2

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and index.isValid() and index.column() < self.evidence_column():
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY) -> object:
        role = int(role)
        if role not in (DISPLAY, TOOLTIP, ACCESSIBLE_TEXT) or self.cmp is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self.cmp.claims):
                return None
            return f"{section + 1}. {self.cmp.claims[section].statement}"
        if section < len(self.titles):
            title = self.titles[section]
            if role != DISPLAY:  # spoken and in the tooltip: the whole title
                return title
            return short_title(title)
        if section == self.verdict_column():
            return "Verdict"
        if section == self.evidence_column():
            return "Evidence"
        return None

    def status(self, row: int, col: int) -> str:
        """right / partly / wrong / unanswered in feedback mode, else ""."""
        if self.report is None or self.cmp is None:
            return ""
        claim = self.claim_at(row)
        art = self.article_at(col)
        if art is not None:
            c = self.report.cell(claim, art)
            return c.status if c else ""
        r = self.report.claim(claim)
        if r is None:
            return ""
        if col == self.verdict_column():
            return r.status
        if not r.expected_backing and not r.backing:
            return "right" if r.verdict else "unanswered"
        return ("right" if r.backing_f1 == 1 else "partly" if r.backing_f1 > 0 else
                "unanswered" if not r.backing else "wrong")

    def data(self, index: Index, role: int = DISPLAY) -> object:
        if role not in ANSWERED or not index.isValid() or self.cmp is None:
            return None
        row, col = index.row(), index.column()
        st = self.status(row, col)
        if role == STATUS_ROLE:
            return st
        if role == BACKGROUND:
            tint = self.tints.get(STATUS_TINT.get(st, ""))
            return QColor(tint[1 if self.dark else 0]) if tint else None
        if role == FOREGROUND:
            return None
        short, full = self._texts(row, col)
        mark = f"{SYMBOL[st]} " if st and st != "unanswered" else ""
        if role == DISPLAY:
            return mark + (short if short != "—" or not st else "— blank")
        column = self.headerData(col, Qt.Orientation.Horizontal, ACCESSIBLE_TEXT)
        where = f"{self.cmp.claims[row].statement} — {column}"
        said = full + (f". {STATUS_TAGS[st]}" if st else "")
        if role == ACCESSIBLE_TEXT:
            return said
        return f"{where}:\n{said}"  # tooltip

    def _texts(self, row: int, col: int) -> tuple[str, str]:
        """(short, in words) for one cell: a choice, a verdict, or the evidence cited."""
        claim = self.claim_at(row)
        art = self.article_at(col)
        if art is not None:
            choice = self.grid.choice(claim, art)
            if not choice:
                return "—", "not answered"
            pre = (claim, art) in self.grid.prefilled
            return (CHOICE_SHORT[choice] + (" ★" if pre else ""),
                    CHOICE_WORDS[choice] + (" (prefilled from your highlight)" if pre else ""))
        v = self.grid.verdict(claim)
        if col == self.verdict_column():
            if not v.verdict:
                return "—", "no verdict yet"
            return VERDICT_SHORT[v.verdict], VERDICT_WORDS[v.verdict]
        n = len(v.backing)
        if not n:
            return "—", "no dossier entry cited"
        return (f"{n} entr{'y' if n == 1 else 'ies'}",
                f"{n} dossier entr{'y' if n == 1 else 'ies'} cited")
