"""Matching roster entries to Close Reader students, once: one row per LMS roster entry
no student's name matched, with a combo box of the students not yet matched in that
LMS. Everything shown from the file is plain text."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.names import likely_same
from app.interop.roster import LMS_NAMES
from app.services.roster import Entry
from app.store.repo import Student

NOBODY = "— not in Close Reader —"


def _plain(text: str, wrap: bool = False) -> QLabel:
    lb = QLabel(text)
    lb.setTextFormat(Qt.TextFormat.PlainText)
    lb.setWordWrap(wrap)
    return lb


class RosterMatchDialog(QDialog):
    """``choices()`` after ``exec()``: roster entry id -> the chosen student's id."""

    def __init__(self, unmatched: Sequence[Entry], students: Sequence[Student],
                 taken: dict[str, set[int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Match roster entries")
        self.setAccessibleName("Match roster entries")
        self.combos: dict[int, QComboBox] = {}
        intro = _plain(
            "These students on the LMS roster match no Close Reader student by name. "
            "Pick who each one is; you only do this once. Leave “not in Close Reader” for "
            "students who never used Close Reader.", wrap=True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        head = [_plain("On the roster"), _plain("Close Reader student")]
        for i, h in enumerate(head):
            f = h.font()
            f.setBold(True)
            h.setFont(f)
            grid.addWidget(h, 0, i)
        for row, e in enumerate(unmatched, 1):
            who = e.identity
            cell = QVBoxLayout()
            cell.setSpacing(0)
            top = _plain(f"{who.sortable_name or who.name}  ({LMS_NAMES[who.lms]})")
            ids = " · ".join(v for v in (who.sis_id, who.email, who.login, who.section) if v)
            cell.addWidget(top)
            if ids:
                sub = _plain(ids)
                cell.addWidget(sub)
            if e.flag:
                warn = _plain(f"⚠ {e.flag}", wrap=True)
                warn.setAccessibleName(f"Warning for {who.name}")
                cell.addWidget(warn)
            holder = QWidget()
            holder.setLayout(cell)
            grid.addWidget(holder, row, 0)
            combo = QComboBox()
            combo.setAccessibleName(f"Close Reader student for {who.name}")
            combo.addItem(NOBODY, None)
            free = [s for s in students if s.id not in taken.get(who.lms, set())]
            # "Sam K." for "Kowalski, Sam": offered first, and chosen when it is the only
            # such student (a suggestion, shown as one; the instructor confirms)
            first, last = who.first_last
            likely = [s for s in free if likely_same(first, last, s.name)]
            for s in likely + [s for s in free if s not in likely]:
                combo.addItem(f"{s.name} — likely" if s in likely else s.name, s.id)
            if len(likely) == 1:
                combo.setCurrentIndex(1)
                note = _plain(f"Suggested: {likely[0].name} (same first name"
                              f"{' and initial' if ' ' in likely[0].name.strip() else ''}). "
                              "Check before you match.", wrap=True)
                note.setObjectName("sourceLine")
                cell.addWidget(note)
            combo.setMinimumContentsLength(18)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            grid.addWidget(combo, row, 1, Qt.AlignmentFlag.AlignTop)
            self.combos[e.roster_id] = combo
        grid.setColumnStretch(0, 1)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("Match", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setAccessibleName("Match")
        later = buttons.addButton("Later", QDialogButtonBox.ButtonRole.RejectRole)
        later.setAccessibleName("Later")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(scroll, 1)
        lay.addWidget(buttons)
        self.resize(640, min(520, 150 + 64 * len(unmatched)))

    def choose(self, roster_id: int, student_id: int | None) -> None:
        combo = self.combos[roster_id]
        combo.setCurrentIndex(max(0, combo.findData(student_id)))

    def choices(self) -> dict[int, int]:
        """Roster entry -> student, for the entries given a student (two entries of one
        LMS given the same student: the last one keeps them)."""
        return {rid: c.currentData() for rid, c in self.combos.items()
                if c.currentData() is not None}
