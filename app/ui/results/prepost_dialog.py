"""Marking a pre/post pairing: a name for the skill, and which unit or lesson is the
pre form, the post form and (optionally) the delayed post form."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.prepost import MAX_NAME, Form, Pairing, check_pairing
from app.store.repo import LessonSummary
from app.ui.plain import label

NO_DELAYED = "None (no delayed post)"


def choices(lessons: Sequence[LessonSummary]) -> list[tuple[str, Form]]:
    """Every unit, then every lesson, with a key here."""
    keyed = [s for s in lessons if s.has_key]
    units = list(dict.fromkeys(s.unit for s in keyed if s.unit))
    return ([(f"Unit: {u}", Form(unit=u)) for u in units]
            + [(f"Lesson: {s.title}", Form(lessons=(s.id,))) for s in keyed])


class PairingDialog(QDialog):
    def __init__(self, lessons: Sequence[LessonSummary], pairing: Pairing | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit pre/post pairing" if pairing else "New pre/post pairing")
        self.pairing_id = pairing.id if pairing else None
        self.result_pairing: Pairing | None = None
        options = choices(lessons)
        self.name = QLineEdit(pairing.name if pairing else "")
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText("the skill, e.g. Loaded or careful? (autumn)")
        self.name.setAccessibleName("Pairing name")
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.addRow(self._buddy("&Name:", self.name), self.name)
        for key, text in (("pre", "&Pre form:"), ("post", "P&ost form:"),
                          ("delayed", "&Delayed post (optional):")):
            box = QComboBox()
            box.setAccessibleName(text.replace("&", "").rstrip(":"))
            box.setMinimumContentsLength(34)
            if key == "delayed":
                box.addItem(NO_DELAYED, None)
            for shown, f in options:
                box.addItem(shown, f)
            current = pairing.forms().get(key) if pairing else None
            if current is not None and box.findData(current) < 0:
                box.addItem(f"{current.describe()} (as stored)", current)
            i = box.findData(current) if current is not None else -1
            box.setCurrentIndex(max(i, 0))
            if pairing is None and key == "post" and box.count() > 1:
                box.setCurrentIndex(1)  # a new pairing does not start with pre = post
            self.boxes[key] = box
            form.addRow(self._buddy(text, box), box)
        self.problem = label()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        hint = label("A form counts for a student when they have a graded attempt on every "
                     "lesson of it. Two halves of a unit make good parallel forms; a unit "
                     "is also a form.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        for b in buttons.buttons():
            b.setAccessibleName(b.text().replace("&", ""))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.problem)
        lay.addWidget(buttons)
        self.resize(560, 260)

    @staticmethod
    def _buddy(text: str, w: QWidget) -> QLabel:
        lb = QLabel(text)
        lb.setBuddy(w)
        return lb

    def pairing(self) -> Pairing:
        return Pairing(self.pairing_id, self.name.text().strip(),
                       self.boxes["pre"].currentData(), self.boxes["post"].currentData(),
                       self.boxes["delayed"].currentData())

    def accept(self) -> None:
        p = self.pairing()
        try:
            if p.pre is None or p.post is None:
                raise UserError("choose a pre form and a post form (a lesson with a key "
                                "or a unit)")
            check_pairing(p)
        except UserError as e:
            self.problem.setText(str(e))
            return
        self.result_pairing = p
        super().accept()
