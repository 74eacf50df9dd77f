"""The instructor password: chosen on first use, asked for every time after."""

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

from app.core.password import (
    RESET_SETTING,
    SETTING,
    hash_password,
    password_problem,
    verify_password,
)
from app.store.repo import Repo


def _password_field(name: str) -> QLineEdit:
    e = QLineEdit()
    e.setEchoMode(QLineEdit.EchoMode.Password)
    e.setAccessibleName(name)
    e.setMaxLength(200)
    return e


class SetPasswordDialog(QDialog):
    """Choose (or change) the instructor password."""

    def __init__(self, parent: QWidget | None, first: bool, reset_at: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose the instructor password" if first else "Change password")
        intro = QLabel(
            (f"The instructor password was reset on {reset_at.replace('T', ' ')[:16]} UTC "
             "(close-reader instructor reset-password). Lessons, keys and results are kept. "
             if reset_at else "")
            + ("Instructor mode lets you write lessons and answer keys and see results. "
               "Choose a password students will not guess." if first else
               "Choose a new instructor password."))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.pw1 = _password_field("New password")
        self.pw2 = _password_field("New password again")
        self.error = QLabel()
        self.error.setObjectName("error")
        form = QFormLayout()
        form.addRow("New password:", self.pw1)
        form.addRow("Again:", self.pw2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.hashed = ""

    def _on_ok(self) -> None:
        problem = password_problem(self.pw1.text(), self.pw2.text())
        if problem:
            self.error.setText(problem)
            return
        self.hashed = hash_password(self.pw1.text())
        self.accept()


class PasswordDialog(QDialog):
    def __init__(self, parent: QWidget | None, repo: Repo) -> None:
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle("Instructor mode")
        self.pw = _password_field("Instructor password")
        self.error = QLabel()
        self.error.setObjectName("error")
        form = QFormLayout()
        form.addRow("Password:", self.pw)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Enter the instructor password."))
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _on_ok(self) -> None:
        if verify_password(self.pw.text(), self.repo.setting(SETTING) or ""):
            self.accept()
        else:
            self.pw.clear()
            self.error.setText("That is not the instructor password.")


def has_password(repo: Repo) -> bool:
    return bool(repo.setting(SETTING))


def unlock(parent: QWidget | None, repo: Repo) -> bool:
    """Ask for the password (or have one chosen on first use). True when unlocked."""
    if not has_password(repo):
        d = SetPasswordDialog(parent, first=True, reset_at=repo.setting(RESET_SETTING) or "")
        if d.exec() != QDialog.DialogCode.Accepted:
            return False
        repo.set_setting(SETTING, d.hashed)
        repo.db.execute("DELETE FROM settings WHERE key = ?", [RESET_SETTING])
        return True
    return PasswordDialog(parent, repo).exec() == QDialog.DialogCode.Accepted


def change_password(parent: QWidget | None, repo: Repo) -> bool:
    d = SetPasswordDialog(parent, first=False)
    if d.exec() != QDialog.DialogCode.Accepted:
        return False
    repo.set_setting(SETTING, d.hashed)
    return True
