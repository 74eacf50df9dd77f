"""Has the student scrolled to the end of the article? The submit guard asks it."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractScrollArea, QTextEdit


class ReadTracker(QObject):
    """Watches a scroll area's vertical bar: ``reached_end`` once the end of the text was
    on screen (or at once when the whole text fits).

    The end is the last line of text, not the bottom of the scroll range: moving the
    caret with the keyboard (Ctrl+End, Page Down) scrolls only until the caret's line
    shows, leaving the document's bottom margin below (the bar stopped at 1657 of 1691,
    and only the mouse wheel counted as reading to the end: issue 23)."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self._area = area
        self._bar = area.verticalScrollBar()
        self._reached = False
        self._bar.valueChanged.connect(self._on_bar_value_changed)

    def reset(self) -> None:
        """A new text: not read yet (the bar's range is checked when asked, after layout)."""
        self._reached = False

    def _at_end(self) -> bool:
        bar = self._bar
        if bar.maximum() <= 0 or bar.value() >= bar.maximum() - 2:
            return True
        bottom = self._last_line_bottom()
        return bottom is not None and bottom <= bar.value() + self._area.viewport().height()

    def _last_line_bottom(self) -> float | None:
        """Where the text's last line ends, in document coordinates."""
        if not isinstance(self._area, QTextEdit):
            return None
        doc = self._area.document()
        block = doc.lastBlock()
        while block.isValid() and block.length() <= 1:  # blank lines at the end
            block = block.previous()
        if not block.isValid():
            return None
        top = doc.documentLayout().blockBoundingRect(block).top()  # (lays it out first)
        if block.layout().lineCount() == 0:
            return None
        line = block.layout().lineAt(block.layout().lineCount() - 1)
        return top + line.y() + line.height()

    def _on_bar_value_changed(self, _value: int) -> None:
        if self._at_end():
            self._reached = True

    @property
    def reached_end(self) -> bool:
        return self._reached or self._at_end()
