"""The gradebook tab: import and export buttons, a name filter and the sortable table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.results.gradebook import Cell, Gradebook
from app.ui.results.models import GradebookModel, GradebookRole, cell_text


def sample_text(override: bool, practice: bool, ungraded: bool) -> str:
    """The widest text a lesson's cells read, given what occurs in them."""
    text = cell_text(Cell(100, 100, 2, "", override=100 if override else None,
                          practice_best=100 if practice else None))
    return max(text, "ungraded", key=len) if ungraded else text


class GradebookPage(QWidget):
    import_requested = Signal()
    export_requested = Signal(bool)  # long format
    cell_chosen = Signal(int, object)  # student id, lesson id (None: the name column)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = GradebookModel(parent=self)  # sorts and filters itself

        bar = QHBoxLayout()
        for text, slot in (("Import submissions…", self.import_requested.emit),
                           ("Export CSV…", lambda: self.export_requested.emit(False)),
                           ("Export long CSV…", lambda: self.export_requested.emit(True))):
            b = QPushButton(text)
            b.setAccessibleName(text.rstrip("…"))
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addStretch(1)
        self.filter = QLineEdit()
        self.filter.setAccessibleName("Filter students")
        self.filter.setPlaceholderText("Filter students by name")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(240)
        self.filter.textChanged.connect(self.model.set_filter_text)
        label = QLabel("&Filter:")
        label.setBuddy(self.filter)
        bar.addWidget(label)
        bar.addWidget(self.filter)

        self.table = QTableView()
        self.table.setAccessibleName("Gradebook")
        self.table.setAccessibleDescription(
            "One row per student, one column per lesson: the graded score (the first "
            "attempt; a star when you set it), the best practice after the key in "
            "brackets; a dash where the student has no attempt.")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setDefaultSectionSize(150)
        head.setMinimumSectionSize(90)
        # lesson titles are wrapped onto up to three lines (models.wrap_title), in full;
        # the header grows to fit them
        head.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
        head.setTextElideMode(Qt.TextElideMode.ElideNone)
        # size columns from the rows on screen and a few more, never from every row: a
        # school's gradebook has thousands
        head.setResizeContentsPrecision(60)
        # (a column's width is measured over rows: the vertical header's precision)
        self.table.verticalHeader().setResizeContentsPrecision(60)
        self.table.selectionModel().currentChanged.connect(self._on_table_current_changed)
        self.note = QLabel("Click a column heading to sort; hover it for the lesson's full "
                           "title. The graded score (the first attempt; * = set by you), the "
                           "best practice after the key in brackets; — no attempt.")
        self.note.setWordWrap(True)

        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.note)

    def set_gradebook(self, gb: Gradebook, roster: Mapping[int, str] | None = None,
                      kinds: Mapping[str, Sequence[bool]] | None = None) -> None:
        """Show ``gb`` (and, with ``roster``, each student's LMS name and ids);
        ``kinds`` is ``cell_kinds(gb)`` when the caller has it (worked out off the GUI
        thread: one pass over a school's 60,000 cells)."""
        self.model.set_gradebook(gb, roster)  # (the filter's text applies in the same pass)
        # widths from the texts themselves, not by asking the model for rows (60 rows
        # of 21 columns took 80 ms on the GUI thread): every name, and for a lesson the
        # widest its cells can read, beside its heading
        fm = self.table.fontMetrics()
        head = self.table.horizontalHeader()
        names = max((fm.horizontalAdvance(f"{s.name} ⚠") for s in gb.students), default=0)
        seen = kinds if kinds is not None else cell_kinds(gb)
        for c in range(self.model.columnCount()):
            need = names if c == 0 else fm.horizontalAdvance(
                sample_text(*seen[gb.lessons[c - 1].id]))
            title = head.sectionSizeFromContents(c).width()
            # never narrower than the heading's own wrapped lines (at 200 % text the
            # 280 px cap cut "Framing 1: a report built" at both ends: issue 23)
            self.table.setColumnWidth(c, max(title + 8, min(max(need, title) + 16, 280), 120))
        head.resizeSections(QHeaderView.ResizeMode.Interactive)
        head.updateGeometry()

    def _on_table_current_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        if not current.isValid():
            return
        sid = current.data(GradebookRole.STUDENT_ID)
        if sid is not None:
            self.cell_chosen.emit(sid, current.data(GradebookRole.LESSON_ID))


def cell_kinds(gb: Gradebook) -> dict[str, tuple[bool, bool, bool]]:
    """Per lesson: whether any of its cells has an override, a best practice score, no
    grade (what decides the widest text its column can show: ``sample_text``)."""
    seen = {le.id: [False, False, False] for le in gb.lessons}
    for (_, lid), cell in gb.cells.items():
        flags = seen.get(lid)
        if flags is not None:
            flags[0] |= cell.override is not None
            flags[1] |= cell.practice_best is not None
            flags[2] |= cell.grade is None
    return {k: (a, b, c) for k, (a, b, c) in seen.items()}
