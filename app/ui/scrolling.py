"""A frameless area that scrolls its widget up and down only: the shape every page uses
when large text makes a column taller than the window (never sideways, never focused)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def vertical_scroller(w: QWidget) -> QScrollArea:
    sc = QScrollArea()
    sc.setWidget(w)
    sc.setWidgetResizable(True)
    sc.setFrameShape(QFrame.Shape.NoFrame)
    sc.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    sc.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return sc
