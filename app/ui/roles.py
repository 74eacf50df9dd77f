"""Qt's item data roles as plain ints, for the models' ``data()``.

A view asks ``data()`` for about eight roles per cell on every paint and every size
hint. ``role == Qt.ItemDataRole.DisplayRole`` costs ~260 ns (an attribute lookup through
shiboken's type, another through the enum); comparing with an int ~50. A model first
turns away the roles it never answers (one set lookup), then compares ints.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ACCESSIBLE_TEXT = int(Qt.ItemDataRole.AccessibleTextRole)
TEXT_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
USER = int(Qt.ItemDataRole.UserRole)
ALIGN_CENTER = int(Qt.AlignmentFlag.AlignCenter)
