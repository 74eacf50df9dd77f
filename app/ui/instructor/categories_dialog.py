"""Categories: rename the built-ins or add new ones (name, description, colour,
underline style). A colour must keep text readable (contrast ≥ 4.5:1)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.lessons import UNDERLINE_STYLES, Category
from app.core.textrules import category_problem, plain_block, strip_line
from app.ui.theme import TEXT_LIGHT, contrast


class CategoriesDialog(QDialog):
    def __init__(self, parent: QWidget | None, categories: dict[str, Category]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Categories")
        self.resize(620, 480)
        self.cats = dict(categories)
        self.changed: dict[str, Category] = {}
        self.list = QListWidget()
        self.list.setAccessibleName("Categories")
        self.list.currentRowChanged.connect(self._on_list_row_changed)
        self.name = QLineEdit()
        self.name.setAccessibleName("Category name")
        self.desc = QLineEdit()
        self.desc.setAccessibleName("Category description")
        self.colour = QPushButton("Choose colour…")
        self.colour.setAccessibleName("Category colour")
        self.colour.clicked.connect(self._on_colour_clicked)
        self.underline = QComboBox()
        self.underline.setAccessibleName("Underline style")
        self.underline.addItem("automatic", "")
        for u in UNDERLINE_STYLES:
            self.underline.addItem(u, u)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setObjectName("error")
        add = QPushButton("Add a category")
        add.clicked.connect(self._on_add_clicked)
        apply_button = QPushButton("Apply changes to this category")
        apply_button.clicked.connect(self._on_apply_clicked)
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Description:", self.desc)
        form.addRow("Colour:", self.colour)
        form.addRow("Underline:", self.underline)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addWidget(add)
        lay.addLayout(form)
        lay.addWidget(apply_button)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self._colour: str | None = None
        self._reload()

    def _reload(self) -> None:
        self.list.clear()
        for c in self.cats.values():
            self.list.addItem(f"{c.name}  [{c.id}]")
        self.list.setCurrentRow(0)

    def _current(self) -> Category | None:
        i = self.list.currentRow()
        return list(self.cats.values())[i] if 0 <= i < len(self.cats) else None

    def _on_list_row_changed(self, _i: int) -> None:
        c = self._current()
        if c is None:
            return
        self.name.setText(c.name)
        self.desc.setText(c.description)
        self._colour = c.color
        self.colour.setText(c.color or "Choose colour…")
        self.underline.setCurrentIndex(max(0, self.underline.findData(c.underline or "")))

    def _on_colour_clicked(self) -> None:
        col = QColorDialog.getColor(QColor(self._colour or "#ffffff"), self, "Category colour")
        if col.isValid():
            if contrast(col.name(), TEXT_LIGHT) < 4.5:
                self.error.setText("That colour is too dark for text to stay readable on it; "
                                   "choose a lighter one.")
                return
            self._colour = col.name()
            self.colour.setText(self._colour)
            self.error.clear()

    def _on_apply_clicked(self) -> None:
        c = self._current()
        if c is None:
            return
        name, desc = strip_line(self.name.text()), plain_block(self.desc.text()).strip()
        if not name:
            self.error.setText("A category needs a name.")
            return
        problem = category_problem(name, desc)  # the pack rules (app.core.textrules)
        if problem:
            self.error.setText(problem)
            return
        self.error.clear()
        new = Category(c.id, name, desc, self._colour, self.underline.currentData() or None)
        self.cats[c.id] = new
        self.changed[c.id] = new
        row = self.list.currentRow()
        self._reload()
        self.list.setCurrentRow(row)

    def _on_add_clicked(self) -> None:
        n = len(self.cats) + 1
        cid = f"category_{n}"
        while cid in self.cats:
            n += 1
            cid = f"category_{n}"
        self.cats[cid] = Category(cid, f"New category {n}", "")
        self.changed[cid] = self.cats[cid]
        self._reload()
        self.list.setCurrentRow(len(self.cats) - 1)
        self.name.setFocus()
        self.name.selectAll()

    def _on_ok(self) -> None:
        self._on_apply_clicked()
        if self.error.text():  # the category shown could not be applied
            return
        for c in self.changed.values():
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", c.id):
                self.error.setText(f"Bad category id {c.id}")
                return
        self.accept()
