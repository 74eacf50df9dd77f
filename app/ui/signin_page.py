"""Sign-in: pick your name from this machine's list, or add a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # QEvent's Python enums are built when the first key press arrives
    from PySide6.QtGui import QKeyEvent


class _NameList(QListWidget):
    chosen = Signal(str)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self.chosen.emit(self.currentItem().text())
            return
        super().keyPressEvent(e)


class SignInPage(QWidget):
    student_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Welcome to Close Reader")
        title.setObjectName("lessonTitle")
        intro = QLabel("Choose your name, or type it to add yourself on this computer.")
        intro.setWordWrap(True)
        self.names = _NameList()
        self.names.setAccessibleName("Students on this computer")
        self.names.chosen.connect(self.student_chosen)
        self.names.itemDoubleClicked.connect(lambda it: self.student_chosen.emit(it.text()))
        self.new_name = QLineEdit()
        self.new_name.setAccessibleName("Your name")
        self.new_name.setPlaceholderText("First name and initial, e.g. Ana P.")
        self.new_name.setMaxLength(100)
        self.new_name.returnPressed.connect(self._on_add)
        self.add_button = QPushButton("Start")
        self.add_button.setObjectName("primary")
        self.add_button.setAccessibleName("Start as this student")
        self.add_button.clicked.connect(self._on_add)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # it may quote the name typed
        self.error.setWordWrap(True)
        self.error.setObjectName("error")
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.new_name, 1)
        row.addWidget(self.add_button)
        form.addRow("New here?", row)
        box = QVBoxLayout()
        box.addWidget(title)
        box.addWidget(intro)
        box.addWidget(QLabel("Students on this computer:"))
        box.addWidget(self.names, 1)
        box.addLayout(form)
        box.addWidget(self.error)
        inner = QWidget()
        inner.setLayout(box)
        inner.setMaximumWidth(560)
        lay = QHBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(inner, 2)
        lay.addStretch(1)

    def set_students(self, names: list[str]) -> None:
        self.names.clear()
        self.names.addItems(names)
        if names:
            self.names.setCurrentRow(0)
            self.names.setFocus()
        else:
            self.new_name.setFocus()

    def _on_add(self) -> None:
        name = " ".join(self.new_name.text().split())
        if not name:
            self.error.setText("Type your name first.")
            return
        self.error.clear()
        self.student_chosen.emit(name)
