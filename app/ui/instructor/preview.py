"""The lesson exactly as a student sees it (nothing is saved)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from app.core.lessons import Category, Lesson
from app.ui.reader_page import ReaderPage


class PreviewDialog(QDialog):
    def __init__(self, parent: QWidget | None, lesson: Lesson,
                 categories: dict[str, Category], tokens: list[tuple[int, int]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Student preview — {lesson.title}")
        self.resize(1100, 780)
        note = QLabel("Student preview: try highlighting; nothing here is saved or graded.")
        note.setObjectName("instructions")
        self.reader = ReaderPage()
        self.reader.back_button.setText("Close preview")
        self.reader.back_requested.connect(self.accept)
        self.reader.submit_button.hide()
        self.reader.submit_action.setEnabled(False)
        self.reader.set_lesson(lesson, categories, tokens, ())
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.reader, 1)
