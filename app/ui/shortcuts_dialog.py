"""Help › Keyboard shortcuts (F1): every shortcut of the student's screens, as a table."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# (where, [(keys, what they do)]) — kept beside the code that binds them: a test checks
# that every shortcut of the main window's menus is listed here
SHORTCUTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Everywhere", (
        ("F1", "This list of shortcuts"),
        ("Ctrl+L", "Back to the lesson library"),
        ("Ctrl++, Ctrl+=", "Larger text"),
        ("Ctrl+-", "Smaller text"),
        ("Ctrl+0", "Normal text size (100 %)"),
        ("Alt+letter", "The menu, button or field whose name has that letter underlined"),
        ("Ctrl+Shift+I", "Instructor mode (asks for the instructor's password)"),
        ("Ctrl+Q", "Quit (your work is already saved)"),
    )),
    ("The lesson library", (
        ("Up, Down", "Choose a lesson"),
        ("Return", "Open the chosen lesson (or double-click it)"),
    )),
    ("Reading and highlighting", (
        ("Arrows", "Move the cursor by letter; with Ctrl, by word"),
        ("Shift+arrows", "Select letters; with Ctrl, select words"),
        ("1, 2, …", "Highlight the selection as that category (the number on its button); "
                    "on a highlight, change its category"),
        ("Delete", "Remove the highlight at the cursor"),
        ("Ctrl+Z", "Undo"),
        ("Ctrl+Shift+Z, Ctrl+Y", "Redo"),
        ("Tab, Shift+Tab", "Move between the article, the Highlights list, the highlight's "
                           "category and note, and the buttons"),
        ("Return", "In the Highlights list: go to that highlight in the article"),
        ("Delete", "In the Highlights list: remove that highlight"),
        ("Alt+C, Alt+O", "The selected highlight's category, its note"),
        ("Ctrl+Return, Ctrl+Enter", "Submit your answers (asks first)"),
    )),
    ("Feedback", (
        ("Alt+M, Alt+K, Alt+B", "Show your highlights (Mine), the key, or both"),
        ("Alt+W", "The key's explanations, one per passage"),
        ("Alt+L", "Which explanations to list: all, missed only, or yours only"),
        ("Up, Down", "In the explanations: from passage to passage; the article follows"),
        ("Alt+A", "Your attempts; Return opens an attempt's feedback"),
        ("Up, Down, Page Up, Page Down", "In the summary: scroll a long summary"),
        ("Alt+T", "Try again (practice; your grade stays your first attempt)"),
    )),
)


class ShortcutsDialog(QDialog):
    """A two-column table: the keys, and what they do, by screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        intro = QLabel("Everything in Close Reader works with the keyboard alone.")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What they do"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.Bold)
        for where, rows in SHORTCUTS:
            r = self.table.rowCount()
            self.table.insertRow(r)
            head = QTableWidgetItem(where)
            head.setFont(bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(r, 0, head)
            self.table.setSpan(r, 0, 1, 2)
            for keys, what in rows:
                r = self.table.rowCount()
                self.table.insertRow(r)
                k, w = QTableWidgetItem(keys), QTableWidgetItem(what)
                k.setData(Qt.ItemDataRole.AccessibleTextRole, f"{keys}: {what}")
                self.table.setItem(r, 0, k)
                self.table.setItem(r, 1, w)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setCurrentCell(1, 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        fm = self.fontMetrics()
        screen = (parent.screen() if parent is not None else self.screen()).availableSize()
        self.resize(min(fm.averageCharWidth() * 110, screen.width() - 40),
                    min(fm.height() * 34, screen.height() - 60))

    def resizeEvent(self, e) -> None:  # noqa: N802, ANN001
        """The keys' column as wide as its longest keys (at most two fifths of the
        table), the rest for the words; rows as tall as their wrapped words."""
        super().resizeEvent(e)
        t = self.table
        fm = t.fontMetrics()
        widest = max(fm.horizontalAdvance(keys) for _, rows in SHORTCUTS for keys, _ in rows)
        t.setColumnWidth(0, min(widest + 24, t.viewport().width() * 2 // 5))
        t.resizeRowsToContents()
        QTimer.singleShot(0, t, t.resizeRowsToContents)  # once the stretched column is set


def listed_keys() -> str:
    """Every key combination of the table, as one string (for the completeness test)."""
    return "  ".join(keys for _, rows in SHORTCUTS for keys, _ in rows)
