"""The student's side of files a teacher can trust: entering a class code once on this
computer, and *About*, which shows this computer's id and the instructor key it trusts
(formats.md, "Class codes", "Signatures")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.core.errors import UserError
from app.store.repo import Repo


class ClassCodeDialog(QDialog):
    """Enter my class code: typed once, kept as its key, signs this student's attempts."""

    def __init__(self, parent: QWidget | None, repo: Repo, student_id: int, name: str) -> None:
        super().__init__(parent)
        from app.services.classcodes import has_code

        self.repo, self.student_id, self.name = repo, student_id, name
        self.setWindowTitle("Enter my class code")
        intro = QLabel(
            f"{name}: type the class code from your teacher's slip (ten letters and digits). "
            "You enter it once on this computer; from then on your submitted answers carry "
            "your signature, so your teacher knows they are yours."
            + ("\n\nA code is already saved for you here; a new one replaces it."
               if has_code(repo, student_id) else ""))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setAccessibleName("Class code")
        self.code.setPlaceholderText("XXXXX-XXXXX")
        self.code.setMaxLength(40)
        self.code.textEdited.connect(lambda _t: self.error.clear())
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Code:", self.code)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def _on_save(self) -> None:
        from app.services.classcodes import enter_code

        try:
            enter_code(self.repo, self.student_id, self.name, self.code.text())
        except UserError as e:
            self.error.setText(str(e))
            self.error.setAccessibleDescription(str(e))
            self.code.setFocus()
            self.code.selectAll()
            return
        self.accept()


def about_text(repo: Repo) -> str:
    from app.services.trust import describe

    return "\n".join([f"Close Reader {__version__}",
                      "Offline lessons in reading the news closely.", "", *describe(repo)])


def show_about(parent: QWidget | None, repo: Repo) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.ui.plain import message_box

    message_box(parent, QMessageBox.Icon.Information, "About Close Reader", about_text(repo))
