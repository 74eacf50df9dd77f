"""The ``Highlights`` list: every highlight as a row (category, quoted words, note), the
screen-reader and keyboard mirror of the marks painted on the article."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QListView, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.core.lessons import Category, Highlight
from app.ui.plain import tip

Index = QModelIndex | QPersistentModelIndex


class HlRole(IntEnum):
    HIGHLIGHT = Qt.ItemDataRole.UserRole + 1


def quote(text: str, h: Highlight, limit: int = 90) -> str:
    q = " ".join(text[h.start:h.end].split())
    return q if len(q) <= limit else q[: limit - 1].rstrip() + "…"


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
        if hs == self._rows:
            return
        self.beginResetModel()
        self._rows = hs
        self.endResetModel()

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
            return tip(text) if role == Qt.ItemDataRole.ToolTipRole else text
        if role == Qt.ItemDataRole.DecorationRole and h.label in self._colours:
            return QColor(self._colours[h.label])
        if role == Qt.ItemDataRole.BackgroundRole:
            return None
        if role == HlRole.HIGHLIGHT:
            return h
        return None

    def row_of(self, h: Highlight) -> int:
        try:
            return self._rows.index(h)
        except ValueError:
            return -1


class RowSizeCache(QStyledItemDelegate):
    """Remembers each row's size by its text, the width and the font.

    Every change of the draft lays the whole list out again, and measuring 200 word-
    wrapped rows cost ~16 ms, a whole frame (bench/run.py: add or remove a highlight).
    A row's size depends only on its text, the width and the font, so most rows are
    measured once.
    """

    MAX = 5000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sizes: dict[tuple[str, int, str], QSize] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        key = (str(index.data(Qt.ItemDataRole.DisplayRole)), option.rect.width(),
               option.font.key())
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) >= self.MAX:
                self._sizes.clear()
            size = self._sizes[key] = super().sizeHint(option, index)
        return QSize(size)


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
        self.setItemDelegate(RowSizeCache(self))
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSpacing(1)
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self.activated.connect(lambda i: self.highlight_chosen.emit(i.data(HlRole.HIGHLIGHT)))

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
