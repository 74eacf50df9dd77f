"""One student's progress: per lesson, per category, the key's required passages found
("4 of 10 found (40 %)": the share is computed from the same two numbers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.lessons import Lesson
from app.services.results.classview import ProgressPoint, student_progress
from app.store.repo import Repo, Student
from app.ui.results.models import ProgressModel, found_share
from app.ui.results.progress_words import ProgressWords


class ProgressPage(QWidget):
    student_chosen = Signal(int)

    def __init__(self, repo: Repo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self._ids: list[int] = []  # the student of each entry, in order
        self._row: dict[int, int] = {}  # student id -> entry
        self._lessons: dict[str, Lesson | None] = {}  # read once per refresh (set_students)
        self._ready: dict[int, list[ProgressPoint]] = {}  # worked out by the caller
        self.student = QComboBox()
        self.student.setAccessibleName("Student")
        self.student.setMinimumContentsLength(24)
        # sized from that length, not by measuring every name on first show (a school's
        # 3,000 names took 20 ms of the GUI thread)
        self.student.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.student.currentIndexChanged.connect(self._on_student_changed)
        self.model = ProgressModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Student progress")
        self.table.setAccessibleDescription(
            "Per lesson in submission order: the score and, per category, how many of the "
            "key's required passages the student found, and that as a share. Each "
            "student's first attempt counts (before they saw the key).")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # sized to the rows once per student (set in show_student), not re-measured on
        # every layout
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.trend = QLabel()
        self.trend.setWordWrap(True)
        self.words = ProgressWords(self)  # issue 26: discrimination per unit, in words

        top = QHBoxLayout()
        label = QLabel("&Student:")
        label.setBuddy(self.student)
        top.addWidget(label)
        top.addWidget(self.student)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.trend)
        lay.addWidget(self.words)

    def set_students(self, students: Sequence[Student],
                     lessons: dict[str, Lesson | None] | None = None,
                     ready: Mapping[int, list[ProgressPoint]] | None = None) -> None:
        """The students to choose from. What the caller worked out already (the results
        window, on its worker): ``lessons``, the lessons with their keys (as
        ``read_lessons`` reads them); ``ready``, the progress of the students it expects
        to be shown (each used once: the next time, it is read again)."""
        current = self.current_student()
        # read again after each refresh (a key may have changed)
        self._lessons = dict(lessons) if lessons else {}
        self.words.reset()
        self._ready = dict(ready) if ready else {}
        self.student.blockSignals(True)
        self.student.clear()
        # the names in one call, the ids kept here: a school's 3,000 addItem() calls,
        # each with its data, took 16 ms of the GUI thread
        self._ids = [s.id for s in students]
        self._row = {sid: i for i, sid in enumerate(self._ids)}
        self.student.addItems([s.name for s in students])
        i = self._row.get(current, -1) if current is not None else -1
        self.student.setCurrentIndex(max(i, 0) if students else -1)
        self.student.blockSignals(False)
        self.show_student(self.current_student())

    def current_student(self) -> int | None:
        i = self.student.currentIndex()
        return self._ids[i] if 0 <= i < len(self._ids) else None

    def choose_student(self, student_id: int) -> None:
        i = self._row.get(student_id, -1)
        if i >= 0 and i != self.student.currentIndex():
            self.student.setCurrentIndex(i)

    def _on_student_changed(self, _i: int) -> None:
        sid = self.current_student()
        self.show_student(sid)
        if sid is not None:
            self.student_chosen.emit(sid)

    def show_student(self, student_id: int | None) -> None:
        cats = self.repo.categories()
        points = self._ready.pop(student_id, None) if student_id is not None else []
        if points is None:
            points = student_progress(self.repo, student_id, lessons=self._lessons)
        self.model.set_points(points, cats)
        self.table.resizeColumnsToContents()
        self.trend.setText(trend_words(points, cats) if points else
                           "No graded attempts for this student yet.")
        self.words.show_student(self.repo, student_id, self._lessons, cats, bool(points))


def trend_words(points, cats) -> str:  # noqa: ANN001
    """First against latest lesson per category, in the same counts as the table. Two
    lessons are two different articles, so the change is named neutrally ("a higher
    share"), never "better" or "worse"."""
    lines = []
    for cid, cat in cats.items():
        ps = [p for p in points if cid in p.by_label and p.by_label[cid].required]
        if len(ps) < 2:
            continue
        a, b = ps[0], ps[-1]
        fa, fb = a.by_label[cid], b.by_label[cid]
        ra, rb = found_share(fa), found_share(fb)
        how = ("a higher share" if rb - ra > 0.05 else "a lower share" if ra - rb > 0.05
               else "about the same share")
        lines.append(f"{cat.name}: found {fa.found} of {fa.required} ({ra:.0%}) in “{a.title}”, "
                     f"the first lesson, and {fb.found} of {fb.required} ({rb:.0%}) in "
                     f"“{b.title}”, the latest — {how}.")
    if not lines:
        return "No comparison yet: no category appears in two of this student's lessons."
    return (" ".join(lines) + " These are different articles, some harder than others: "
            "read a change as a hint, not a verdict.")
