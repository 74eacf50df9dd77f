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

from app.core.errors import UserError
from app.core.password import (
    RESET_SETTING,
    SETTING,
    hash_password,
    password_problem,
    verify_password,
)
from app.store.repo import Repo


def _fit_title(d: QDialog) -> None:
    """Wide enough for the window title ("Choose th… password" was cut: issue 23); the
    title bar's font is about the app's, plus room for the window's buttons."""
    need = d.fontMetrics().horizontalAdvance(d.windowTitle()) * 13 // 10 + 160
    d.setMinimumWidth(max(d.minimumWidth(), need, 28 * d.fontMetrics().averageCharWidth()))


def _show_error(label: QLabel, field: QLineEdit, text: str) -> None:
    """The error under the fields, and said where the focus is (a screen reader does not
    see a label change)."""
    from app.ui import announce as a11y

    label.setText(text)
    a11y.announce(field, text)


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
        self.error.setWordWrap(True)
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
        self.password = ""
        _fit_title(self)

    def _on_ok(self) -> None:
        problem = password_problem(self.pw1.text(), self.pw2.text())
        if problem:
            _show_error(self.error, self.pw1 if self.pw1.hasFocus() else self.pw2, problem)
            return
        self.hashed = hash_password(self.pw1.text())
        self.password = self.pw1.text()
        self.accept()


class PasswordDialog(QDialog):
    def __init__(self, parent: QWidget | None, repo: Repo) -> None:
        super().__init__(parent)
        self.repo = repo
        self.password = ""
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
        _fit_title(self)

    def _on_ok(self) -> None:
        if verify_password(self.pw.text(), self.repo.setting(SETTING) or ""):
            self.password = self.pw.text()
            self.accept()
        else:
            self.pw.clear()
            _show_error(self.error, self.pw, "That is not the instructor password.")


def has_password(repo: Repo) -> bool:
    return bool(repo.setting(SETTING))


def unlock(parent: QWidget | None, repo: Repo) -> bool:
    """Ask for the password (or have one chosen on first use). True when unlocked; the
    instructor key is then unlocked for this session (exports are signed with it)."""
    from app.services import trust

    if not has_password(repo):
        d = SetPasswordDialog(parent, first=True, reset_at=repo.setting(RESET_SETTING) or "")
        if d.exec() != QDialog.DialogCode.Accepted:
            return False
        with repo.database.transaction():
            repo.set_setting(SETTING, d.hashed)
            repo.db.execute("DELETE FROM settings WHERE key = ?", [RESET_SETTING])
            trust.password_changed(repo, None, d.password)
        return True
    d = PasswordDialog(parent, repo)
    if d.exec() != QDialog.DialogCode.Accepted:
        return False
    try:
        trust.unlock(repo, d.password)
    except (UserError, ValueError):  # a damaged key row must not lock the teacher out
        trust.forget(repo)  # exports then say the files cannot be signed
    return True


def change_password(parent: QWidget | None, repo: Repo) -> bool:
    from app.services import trust

    d = SetPasswordDialog(parent, first=False)
    if d.exec() != QDialog.DialogCode.Accepted:
        return False
    with repo.database.transaction():
        repo.set_setting(SETTING, d.hashed)
        trust.password_changed(repo, None, d.password)
    return True
