"""Which layout a gradebook CSV takes: Close Reader's spreadsheet, or the layout an
LMS's grade import reads back, with a line on what to pick on that import screen."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.interop.lms import HINTS
from app.interop.roster import LMS_NAMES

LAYOUTS = {"spreadsheet": "Spreadsheet (names and scores)", **LMS_NAMES}


class ExportLayoutDialog(QDialog):
    def __init__(self, rosters: Collection[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rosters = set(rosters)
        self.setWindowTitle("Export CSV")
        self.layout_box = QComboBox()
        self.layout_box.setAccessibleName("Layout")
        for key, name in LAYOUTS.items():
            self.layout_box.addItem(name, key)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("What to pick on the import screen")
        self.hint.setMinimumHeight(self.hint.fontMetrics().lineSpacing() * 3)
        form = QFormLayout()
        label = QLabel("&Layout:")
        label.setBuddy(self.layout_box)
        form.addRow(label, self.layout_box)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName("Export")
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.hint)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        self.layout_box.currentIndexChanged.connect(self._show_hint)
        self._show_hint()
        self.resize(520, 200)

    def choice(self) -> str:
        return self.layout_box.currentData()

    def choose(self, key: str) -> None:
        self.layout_box.setCurrentIndex(self.layout_box.findData(key))

    def _show_hint(self) -> None:
        key = self.choice()
        text = HINTS[key]
        missing = key != "spreadsheet" and key not in self.rosters
        if missing:
            text = (f"There is no {LMS_NAMES[key]} roster here yet: choose File › Import "
                    f"roster… and pick the gradebook you exported from {LMS_NAMES[key]} "
                    "first.\n\n" + text)
        self.hint.setText(text)
        self.ok.setEnabled(not missing)
