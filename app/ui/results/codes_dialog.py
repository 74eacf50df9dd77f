"""*Students › Class codes…* in the results window: every student with their class code;
make codes, add a student by name, renew one code, save the class sheet as a PDF
(formats.md, "Class codes")."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.classcodes import shown
from app.core.errors import UserError
from app.services import classcodes
from app.store.repo import Repo
from app.ui.filedialogs import save_file
from app.ui.plain import ask, warn

if TYPE_CHECKING:
    from app.ui.results.window import ResultsWindow


def install(w: ResultsWindow) -> None:
    menu = w.menuBar().addMenu("&Students")
    act = QAction("Class codes…", w)
    act.triggered.connect(lambda: ClassCodesDialog(w.repo, w).exec())
    menu.addAction(act)


class ClassCodesDialog(QDialog):
    def __init__(self, repo: Repo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle("Class codes")
        self.resize(640, 520)
        intro = QLabel(
            "Give each student a class code and hand out the slips of the class sheet. A "
            "student types their code once (File › Enter my class code…); their answers then "
            "carry a signature, and a submission file written in another student's name is "
            "kept aside for you. Without codes, submissions are marked unsigned.")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Student", "Class code"])
        self.table.setAccessibleName("Students and their class codes")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.name = QLineEdit()
        self.name.setAccessibleName("New student's name")
        self.name.setPlaceholderText("A student's name, as they sign in")
        self.name.setMaxLength(100)
        add = QPushButton("&Add student")
        add.clicked.connect(self.add_student)
        self.name.returnPressed.connect(self.add_student)
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        row.addWidget(add)
        self.make_button = QPushButton("&Make codes for students without one")
        self.make_button.clicked.connect(lambda: self.make_missing())
        self.renew_button = QPushButton("&New code for the selected student")
        self.renew_button.clicked.connect(lambda: self.renew_selected())
        self.sheet_button = QPushButton("&Save class sheet (PDF)…")
        self.sheet_button.clicked.connect(lambda: self.save_sheet())
        actions = QHBoxLayout()
        for b in (self.make_button, self.renew_button, self.sheet_button):
            b.setAccessibleName(b.text().replace("&", "").rstrip("…"))
            actions.addWidget(b)
        actions.addStretch(1)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addLayout(actions)
        lay.addWidget(self.status)
        lay.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        rows = classcodes.rows(self.repo)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            name = QTableWidgetItem(r.name)
            name.setData(Qt.ItemDataRole.UserRole, r.name)
            code = QTableWidgetItem(shown(r.code) if r.code else "no code yet")
            self.table.setItem(i, 0, name)
            self.table.setItem(i, 1, code)
        missing = sum(1 for r in rows if not r.code)
        self.make_button.setEnabled(missing > 0)
        self.sheet_button.setEnabled(any(r.code for r in rows))
        self.status.setText(f"{len(rows)} student{'s' * (len(rows) != 1)}, "
                            f"{len(rows) - missing} with a code.")

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)

    def add_student(self) -> None:
        name = self.name.text()
        try:
            made = classcodes.make_codes(self.repo, [name])
        except UserError as e:
            warn(self, "Not added", str(e))
            return
        self.name.clear()
        self.refresh()
        self._say(f"Added {made[0][0]} with the code {shown(made[0][1])}." if made
                  else "That student already has a code.")

    def make_missing(self) -> int:
        made = classcodes.make_codes(self.repo, everyone=True)
        self.refresh()
        self._say(f"Made {len(made)} code{'s' * (len(made) != 1)}. Save the class sheet to "
                  "print the slips.")
        return len(made)

    def renew_selected(self, confirm: bool = True) -> bool:
        item = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 \
            else None
        if item is None:
            return False
        name = item.data(Qt.ItemDataRole.UserRole)
        if confirm and not ask(self, "New class code?",
                               f"{name}'s current code stops signing: their answers are kept "
                               "aside until they enter the new one. Make a new code?"):
            return False
        made = classcodes.make_codes(self.repo, [name], renew=True)
        self.refresh()
        self._say(f"New code for {name}: {shown(made[0][1])}.")
        return True

    def save_sheet(self, path: str | os.PathLike[str] | None = None) -> str | None:
        if path is None:
            path = save_file(self, "Save the class sheet", "class-codes.pdf", "PDF (*.pdf)")
            if not path:
                return None
        try:
            n = classcodes.sheet_pdf(self.repo, path)
        except (UserError, OSError) as e:
            warn(self, "Class sheet not saved", str(e))
            return None
        self._say(f"Saved the class sheet ({n} slips) to {path}.")
        return str(path)
