"""Text from outside (names, titles, categories, explanations, notes) shown as what it
is: plain text. Qt guesses rich text (``Qt.mightBeRichText``) for labels, message boxes
and tooltips, so "<b>x</b>" in a student's name would render bold and an
``<img src=file:…>`` would load; these helpers never let it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:  # (message boxes load when one is shown, not at start-up)
    from PySide6.QtWidgets import QMessageBox


def tip(text: str) -> str:
    """A tooltip showing ``text`` literally (tooltips have no plain-text switch): text
    Qt would take for markup is escaped; any other text is returned as it is."""
    if not text or not GuiQt.mightBeRichText(text):
        return text
    import html

    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def label(text: str = "", parent: QWidget | None = None) -> QLabel:
    lb = QLabel(parent)
    lb.setTextFormat(Qt.TextFormat.PlainText)
    lb.setText(text)
    return lb


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str,
                text: str) -> QMessageBox:
    """A message shown without blocking (window-modal, ``open()``), as plain text."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """``QMessageBox.warning`` with the text shown literally (it may quote a file)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                      parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A Yes/No question shown as plain text (it may name students), No by default."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
