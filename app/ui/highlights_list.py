"""The ``Highlights`` list: every highlight as a row (category, quoted words, note), the
screen-reader and keyboard mirror of the marks painted on the article."""

from __future__ import annotations

import bisect
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QListView, QStyledItemDelegate

from app.core.lessons import Category, Highlight

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex


class HlRole(IntEnum):
    HIGHLIGHT = Qt.ItemDataRole.UserRole + 1


def quote(text: str, h: Highlight, limit: int = 90) -> str:
    q = " ".join(text[h.start:h.end].split())
    return q if len(q) <= limit else q[: limit - 1].rstrip() + "…"


ROW_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
             Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole, HlRole.HIGHLIGHT]


def _common_ends(a: tuple[Highlight, ...], b: tuple[Highlight, ...]) -> tuple[int, int]:
    """Lengths of the common prefix and (not overlapping it) common suffix of a and b."""
    n = min(len(a), len(b))
    p = 0
    while p < n and a[p] == b[p]:
        p += 1
    s = 0
    while s < n - p and a[-1 - s] == b[-1 - s]:
        s += 1
    return p, s


class HighlightsModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[Highlight, ...] = ()
        self._text = ""
        self._cats: dict[str, Category] = {}
        self._colours: dict[str, str] = {}
        self._texts: dict[Highlight, str] = {}  # row texts, asked for many times a layout

    def set_context(self, text: str, cats: dict[str, Category], colours: dict[str, str]) -> None:
        self._text, self._cats, self._colours = text, cats, colours
        self._texts = {}

    def set_highlights(self, hs: tuple[Highlight, ...]) -> None:
        """Show ``hs`` (sorted), changing only the rows that differ from the shown ones:
        one highlight added, removed or changed is one row inserted, removed or changed,
        never a reset (architecture.md, "Views update incrementally")."""
        old = self._rows
        if hs is old or hs == old:
            return
        p, s = _common_ends(old, hs)
        gone, come = len(old) - p - s, len(hs) - p - s
        same = min(gone, come)
        if same:  # rows replaced in place (a relabel or a note): their data changed
            self._rows = old[:p] + hs[p:p + same] + old[p + same:]
            self.dataChanged.emit(self.index(p, 0), self.index(p + same - 1, 0), ROW_ROLES)
        if gone > same:
            first = p + same
            self.beginRemoveRows(QModelIndex(), first, first + gone - same - 1)
            self._rows = hs[:first] + old[first + gone - same:]
            self.endRemoveRows()
        elif come > same:
            first = p + same
            self.beginInsertRows(QModelIndex(), first, first + come - same - 1)
            self._rows = hs
            self.endInsertRows()
        self._rows = hs

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def row_text(self, h: Highlight) -> str:
        name = self._cats[h.label].name if h.label in self._cats else h.label
        note = f" — note: {h.note}" if h.note else ""
        return f"{name}: “{quote(self._text, h)}”{note}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        h = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            text = self._texts.get(h)
            if text is None:
                if len(self._texts) > 5000:
                    self._texts = {}
                text = self._texts[h] = self.row_text(h)
            return text
        if role == Qt.ItemDataRole.DecorationRole and h.label in self._colours:
            return QColor(self._colours[h.label])
        if role == Qt.ItemDataRole.BackgroundRole:
            return None
        if role == HlRole.HIGHLIGHT:
            return h
        return None

    def row_of(self, h: Highlight) -> int:
        i = bisect.bisect_left(self._rows, _key(h), key=_key)
        if i < len(self._rows) and self._rows[i] == h:
            return i
        try:  # rows set in another order
            return self._rows.index(h)
        except ValueError:
            return -1


def _key(h: Highlight) -> tuple[int, int, str, str]:
    return (h.start, h.end, h.label, h.note)  # the Draft's order


class TwoLineRows(QStyledItemDelegate):
    """Every row is two lines high (longer text is elided), so the list can use uniform
    item sizes: an added or removed row never makes the view measure the others again
    (measuring 200 word-wrapped rows on every change cost a whole frame)."""

    LINES = 2

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        fm = option.fontMetrics
        return QSize(1, fm.lineSpacing() * self.LINES + fm.height() // 2 + 4)


class HighlightsView(QListView):
    """Keyboard: Up/Down to move, Delete to remove, Return to show it in the article."""

    highlight_chosen = Signal(object)  # Highlight
    delete_pressed = Signal(object)

    def __init__(self, name: str = "Highlights") -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setAccessibleDescription(
            "Your highlights, one per row. Delete removes the selected one; Return shows it.")
        self.model_ = HighlightsModel()
        self.setModel(self.model_)
        self.setItemDelegate(TwoLineRows(self))
        self.setUniformItemSizes(True)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlternatingRowColors(True)
        self.setSpacing(1)
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self.activated.connect(lambda i: self.highlight_chosen.emit(i.data(HlRole.HIGHLIGHT)))

    MIN_ROWS = 3

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Room for three rows whatever the text size (at 200 % it shrank to one)."""
        fm = self.fontMetrics()
        row = fm.lineSpacing() * TwoLineRows.LINES + fm.height() // 2 + 4 + 2 * self.spacing()
        return QSize(super().minimumSizeHint().width(), row * self.MIN_ROWS + 2 * self.frameWidth())

    def current_highlight(self) -> Highlight | None:
        idx = self.currentIndex()
        return idx.data(HlRole.HIGHLIGHT) if idx.isValid() else None

    def select_highlight(self, h: Highlight | None) -> None:
        row = self.model_.row_of(h) if h is not None else -1
        if row >= 0:
            self.setCurrentIndex(self.model_.index(row, 0))
        else:
            self.clearSelection()

    def _on_current_changed(self, cur: QModelIndex, _prev: QModelIndex) -> None:
        if cur.isValid() and self.hasFocus():
            self.highlight_chosen.emit(cur.data(HlRole.HIGHLIGHT))

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.current_highlight():
            self.delete_pressed.emit(self.current_highlight())
            e.accept()
            return
        super().keyPressEvent(e)


def swatch(colour: str) -> QBrush:
    return QBrush(QColor(colour))
