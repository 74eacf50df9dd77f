"""The ``Highlights`` list: every highlight as a row (category, quoted words, note), the
screen-reader and keyboard mirror of the marks painted on the article."""

from __future__ import annotations

import bisect
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListView, QStyledItemDelegate

from app.core.lessons import Category, Highlight
from app.ui.plain import tip

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex


class HlRole(IntEnum):
    HIGHLIGHT = Qt.ItemDataRole.UserRole + 1


def quote(text: str, h: Highlight, limit: int = 90) -> str:
    q = " ".join(text[h.start:h.end].split())
    return q if len(q) <= limit else q[: limit - 1].rstrip() + "…"


def _common_ends(a: tuple[Highlight, ...], b: tuple[Highlight, ...]) -> tuple[int, int]:
    """Lengths of the common prefix and (not overlapping it) common suffix of a and b
    (a Draft's states share their unchanged Highlight objects: identity is checked first)."""
    n = min(len(a), len(b))
    p = 0
    while p < n and (a[p] is b[p] or a[p] == b[p]):
        p += 1
    s = 0
    while s < n - p and (a[-1 - s] is b[-1 - s] or a[-1 - s] == b[-1 - s]):
        s += 1
    return p, s


def diff(old: tuple[Highlight, ...], new: tuple[Highlight, ...]
         ) -> tuple[int, tuple[Highlight, ...], tuple[Highlight, ...]]:
    """``(first, gone, came)``: ``new`` is ``old`` with ``gone`` (from row ``first`` on)
    replaced by ``came``; both sorted, so this is cheap for a change to one highlight."""
    p, s = _common_ends(old, new)
    return p, old[p:len(old) - s], new[p:len(new) - s]


_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class HighlightsModel(QStandardItemModel):
    """One row per highlight. The rows live in C++ (a ``QStandardItemModel``): laying out
    or painting 2,000 rows never calls back into Python for each row."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[Highlight, ...] = ()
        self._text = ""
        self._cats: dict[str, Category] = {}
        self._colours: dict[str, QColor] = {}

    def set_context(self, text: str, cats: dict[str, Category], colours: dict[str, str]) -> None:
        self._text, self._cats = text, cats
        self._colours = {k: QColor(v) for k, v in colours.items()}
        if self._rows:  # rows made in another context (lesson, palette) go
            self.removeRows(0, len(self._rows))
            self._rows = ()

    def set_highlights(self, hs: tuple[Highlight, ...]) -> None:
        """Show ``hs`` (sorted), changing only the rows that differ from the shown ones:
        one highlight added, removed or changed is one row inserted, removed or changed,
        never a reset (architecture.md, "Views update incrementally")."""
        old = self._rows
        if hs is old:
            return
        p, gone, come = diff(old, hs)
        same = min(len(gone), len(come))
        self._rows = hs
        for k in range(same):  # rows replaced in place (a relabel, a note): data changed
            self.setItemData(self.index(p + k, 0), self._roles(come[k]))
        if len(gone) > same:
            self.removeRows(p + same, len(gone) - same)
        elif len(come) > same:
            self.invisibleRootItem().insertRows(p + same, [self._item(h) for h in come[same:]])

    def _roles(self, h: Highlight) -> dict[int, object]:
        text = self.row_text(h)
        roles: dict[int, object] = {Qt.ItemDataRole.DisplayRole: text,
                                    Qt.ItemDataRole.AccessibleTextRole: text,
                                    Qt.ItemDataRole.ToolTipRole: tip(text), HlRole.HIGHLIGHT: h}
        if h.label in self._colours:
            roles[Qt.ItemDataRole.DecorationRole] = self._colours[h.label]
        return roles

    def _item(self, h: Highlight) -> QStandardItem:
        item = QStandardItem()
        item.setFlags(_ROW_FLAGS)
        for role, value in self._roles(h).items():
            item.setData(value, role)
        return item

    def row_text(self, h: Highlight) -> str:
        name = self._cats[h.label].name if h.label in self._cats else h.label
        note = f" — note: {h.note}" if h.note else ""
        return f"{name}: “{quote(self._text, h)}”{note}"

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

    highlight_chosen = Signal(object)  # Highlight: the current row, moved to
    highlight_activated = Signal(object)  # Highlight: Return or a double-click on it
    delete_pressed = Signal(object)

    def __init__(self, name: str = "Highlights") -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setAccessibleDescription(
            "Your highlights, one per row. Delete removes the selected one; Return takes "
            "you to it in the article.")
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
        self.activated.connect(lambda i: self.highlight_activated.emit(i.data(HlRole.HIGHLIGHT)))

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
