"""A read-only table of plain-text cells, for the discrimination and pre/post views:
every cell's text is also its accessible text and its tooltip (shown literally), and a
row may carry a key (a student id) for selection."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QTableView, QWidget

from app.ui.plain import tip
from app.ui.roles import ACCESSIBLE_TEXT, DISPLAY, TEXT_ALIGNMENT, TOOLTIP, USER

KEY_ROLE = USER + 40
_ROLES = frozenset({DISPLAY, ACCESSIBLE_TEXT, TOOLTIP, TEXT_ALIGNMENT, KEY_ROLE})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
Index = QModelIndex | QPersistentModelIndex


class TextTable(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], numeric_from: int = 1, parent=None,  # noqa: ANN001
                 header_tips: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._header_tips = list(header_tips)  # what each column means
        self._numeric_from = numeric_from  # columns from here on are right-aligned
        self._rows: list[list[str]] = []
        self._keys: list[int | None] = []
        self._tips: list[str | None] = []

    def set_rows(self, rows: Sequence[Sequence[str]], keys: Sequence[int | None] = (),
                 tips: Sequence[str | None] = ()) -> None:
        """``rows`` of cell texts; ``keys`` a student id per row (None: no student);
        ``tips`` a longer text per row, shown as every cell's tooltip."""
        self.beginResetModel()
        self._rows = [list(r) for r in rows]
        self._keys = list(keys) or [None] * len(self._rows)
        self._tips = list(tips) or [None] * len(self._rows)
        self.endResetModel()

    def set_headers(self, headers: Sequence[str]) -> None:
        self.beginResetModel()
        self._headers = list(headers)
        self.endResetModel()

    def rows(self) -> list[list[str]]:
        return [list(r) for r in self._rows]

    def key(self, row: int) -> int | None:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def row_of(self, key: int) -> int:
        try:
            return self._keys.index(key)
        except ValueError:
            return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = DISPLAY):  # noqa: ANN201
        if role not in _ROLES or not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == KEY_ROLE:
            return self._keys[r]
        if role == TEXT_ALIGNMENT:
            return _RIGHT if c >= self._numeric_from else _LEFT
        text = self._rows[r][c]
        if role == TOOLTIP:
            more = self._tips[r]
            return tip(f"{self._headers[c]}: {text}" + (f"\n{more}" if more else ""))
        if role == ACCESSIBLE_TEXT:
            return f"{self._headers[c]}: {text}"
        return text

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY):  # noqa: ANN201
        if role not in (DISPLAY, ACCESSIBLE_TEXT, TOOLTIP) \
                or orientation != Qt.Orientation.Horizontal \
                or not 0 <= section < len(self._headers):
            return None
        if role == TOOLTIP:
            return self._header_tips[section] if section < len(self._header_tips) else None
        if role == ACCESSIBLE_TEXT and section < len(self._header_tips):
            return f"{self._headers[section]}: {self._header_tips[section]}"
        return self._headers[section]


def fit_height(table: QTableView, rows: int | None = None) -> None:
    """A table exactly as tall as its header and ``rows`` rows (default: all of them)."""
    n = table.model().rowCount() if rows is None else rows
    h = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    h += sum(table.rowHeight(i) for i in range(min(n, table.model().rowCount())))
    if rows is not None and n > table.model().rowCount():
        h += (n - table.model().rowCount()) * table.verticalHeader().defaultSectionSize()
    wide = table.horizontalHeader().length() + 2 * table.frameWidth() > table.width()
    h += table.horizontalScrollBar().sizeHint().height() if wide else 0
    table.setFixedHeight(h)


def scrolled(content: QWidget, name: str) -> QScrollArea:
    """``content`` in a frameless scroll area named ``name``: at 200 % text nothing is
    squeezed below its size; the page scrolls instead."""
    area = QScrollArea()
    area.setAccessibleName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    # the page's own background shows through, as without the scroll area
    area.viewport().setAutoFillBackground(False)
    content.setAutoFillBackground(False)
    return area
