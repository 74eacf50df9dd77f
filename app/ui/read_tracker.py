"""Has the student scrolled to the end of the article? The submit guard asks it."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractScrollArea


class ReadTracker(QObject):
    """Watches a scroll area's vertical bar: ``reached_end`` once its end was shown
    (or at once when the whole text fits)."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self._bar = area.verticalScrollBar()
        self._reached = False
        self._bar.valueChanged.connect(self._on_bar_value_changed)

    def reset(self) -> None:
        """A new text: not read yet (the bar's range is checked when asked, after layout)."""
        self._reached = False

    def _at_end(self) -> bool:
        return self._bar.maximum() <= 0 or self._bar.value() >= self._bar.maximum() - 2

    def _on_bar_value_changed(self, _value: int) -> None:
        if self._at_end():
            self._reached = True

    @property
    def reached_end(self) -> bool:
        return self._reached or self._at_end()
