"""Attempts an import kept aside (formats.md, "Which attempts an import admits"): each
with why, and what accepting it would change; the instructor decides with the actions its
kind allows (*Keep as practice*, *Use as graded*, *Accept*, *Keep both*, *Discard*)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.timestamps import shown as shown_time
from app.services.results.conflicts import ACTION_NAMES, ACTIONS, describe
from app.store.repo import Conflict, Repo
from app.ui.plain import ask, warn
from app.ui.roles import USER

ID_ROLE = USER + 1
KIND_ROLE = USER + 2
KIND_NAMES = {"id": "Known id, other content", "earlier": "Claims to be earlier",
              "assessment": "Second assessment submission",
              "signature": "Not signed by its student"}


class ConflictsPanel(QWidget):
    decided = Signal(str)  # what happened, in one line

    def __init__(self, repo: Repo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.setAccessibleName("Attempts kept aside")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Attempts kept aside")
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(lambda *_: self._sync())
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for action, text in ACTION_NAMES.items():
            b = QPushButton(text)
            b.setAccessibleName(f"{text} (attempt kept aside)")
            b.clicked.connect(lambda _=False, a=action: self.decide(a))
            self.buttons[action] = b
            row.addWidget(b)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.list)
        lay.addLayout(row)

    def show_conflicts(self, conflicts: list[Conflict]) -> None:
        self.list.clear()
        titles = {le.id: le.title for le in self.repo.list_lessons()} if conflicts else {}
        for c in conflicts:
            text = (f"{KIND_NAMES.get(c.kind, c.kind)}: {c.student} · "
                    f"{titles.get(c.lesson, c.lesson)} · "
                    f"{shown_time(c.submitted_at)} · from {c.source or c.machine[:8]} — "
                    f"{describe(self.repo, c)}")
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, c.id)
            item.setData(KIND_ROLE, c.kind)
            item.setToolTip("")  # the whole text is in the row; no rich-text tooltip
            self.list.addItem(item)
        n = len(conflicts)
        self.label.setText(
            f"{n} attempt{'s' * (n != 1)} kept aside: an import never changes a grade "
            "already recorded, so what would is listed here for you to decide."
            if n else "No attempts are kept aside.")
        self.list.setVisible(bool(n))
        if n:
            self.list.setCurrentRow(0)
            # each row wraps to about two lines; up to three rows show without scrolling
            row = 2 * self.list.fontMetrics().lineSpacing() + 10
            self.list.setFixedHeight(min(n, 3) * row + 2 * self.list.frameWidth())
        self._sync()

    def _sync(self) -> None:
        item = self.list.currentItem()
        allowed = ACTIONS.get(item.data(KIND_ROLE), ()) if item is not None else ()
        for action, b in self.buttons.items():
            b.setVisible(action in allowed)

    def decide(self, action: str, confirm: bool = True) -> str | None:
        from app.services.results.conflicts import resolve

        item = self.list.currentItem()
        if item is None:
            return None
        if confirm and action == "graded":
            answer = ask(
                self, "Use as the graded attempt?",
                "This attempt becomes the student's grade, and the attempt graded now "
                "becomes practice. Your override and comment stay with the grade.")
            if not answer:
                return None
        try:
            line = resolve(self.repo, item.data(ID_ROLE), action)
        except UserError as e:
            warn(self, "Not done", str(e))
            return None
        self.decided.emit(line)
        return line
