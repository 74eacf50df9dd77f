"""Table models of the results window: the gradebook and one student's progress."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import IntEnum
from functools import lru_cache

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.core.lessons import Category
from app.services.results.classview import ProgressPoint
from app.services.results.gradebook import Cell, Gradebook
from app.ui.plain import tip
from app.ui.roles import ACCESSIBLE_TEXT, ALIGN_CENTER, DISPLAY, TEXT_ALIGNMENT, TOOLTIP, USER

EMPTY = "—"
TITLE_CHARS = 26

Index = QModelIndex | QPersistentModelIndex


class GradebookRole(IntEnum):
    SORT = USER + 1  # number (score; -1 when none) or folded name
    STUDENT_ID = USER + 2
    LESSON_ID = USER + 3  # None in the student column


_SORT, _STUDENT_ID, _LESSON_ID = (int(r) for r in GradebookRole)
# what the gradebook answers; every other role (font, colours, decoration, check
# state, size…) is turned away at once
_GRADEBOOK_ROLES = frozenset({DISPLAY, ACCESSIBLE_TEXT, TOOLTIP, TEXT_ALIGNMENT,
                              _SORT, _STUDENT_ID, _LESSON_ID})
_HEADER_ROLES = frozenset({DISPLAY, ACCESSIBLE_TEXT, TOOLTIP})


def cell_text(c: Cell | None) -> str:
    """The grade (``*`` when the instructor overrode it), best practice after the key in
    brackets; "—" when not attempted."""
    if c is None:
        return EMPTY
    if c.grade is None:
        return "ungraded"
    text = f"{c.grade}{'*' if c.override is not None else ''}"
    if c.practice_best is not None:
        text += f" (practice {c.practice_best})"
    return text


def cell_words(c: Cell) -> str:
    """The same cell in words, for the tooltip and screen readers."""
    if c.grade is None:
        graded = "not graded yet"
    elif c.override is not None:
        graded = f"grade {c.grade}, set by the instructor (the key gave {c.score})"
    else:
        graded = f"grade {c.grade} (first attempt)"
    practice = (f"; best practice after the key {c.practice_best}, not a grade"
                if c.practice_best is not None else "")
    return (f"{graded}{practice}; {c.attempts} attempt{'s' * (c.attempts != 1)}, "
            f"last on {c.last_submitted[:10]}")


def short(text: str, limit: int = TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class GradebookModel(QAbstractTableModel):
    """Rows: students; column 0 the name, then one column per lesson."""

    def __init__(self, gradebook: Gradebook | None = None, parent=None) -> None:
        super().__init__(parent)
        self._gb: Gradebook | None = None
        self._roster: Mapping[int, str] = {}
        # row -> index into the gradebook's students: sorted and filtered here, in
        # Python passes over the list (a proxy model asked Python once per comparison
        # and once per row: 0.5 s to sort a school's 3,000 students, 20 ms to filter)
        self._order: list[int] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._filter = ""
        self._ids: set[int] | None = None  # the students the filter keeps (None: all)
        self.set_gradebook(gradebook)

    @property
    def gradebook(self) -> Gradebook | None:
        return self._gb

    def set_roster(self, notes: Mapping[int, str]) -> None:
        """Each student's LMS name and ids (the name column's tooltip)."""
        self._roster = dict(notes)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0),
                                  [Qt.ItemDataRole.ToolTipRole])

    def set_gradebook(self, gradebook: Gradebook | None,
                      roster: Mapping[int, str] | None = None) -> None:
        """Show ``gradebook``; ``roster`` (when given) as ``set_roster``, in the same
        reset (not a second pass over every row)."""
        self.beginResetModel()
        self._gb = gradebook
        if roster is not None:
            self._roster = dict(roster)
        self._ids = self._matching(self._filter)
        self._order = self._rows()
        self.endResetModel()

    # -- filtering by name, the way ``Gradebook.matching`` does ------------------------
    def set_filter_text(self, text: str) -> None:
        """Show only the students whose names match ``text`` (all when it is blank); the
        chosen cell stays chosen while its student is shown."""
        self._filter = text
        ids = self._matching(text)
        if ids != self._ids:
            self._ids = ids
            self._relayout(self._rows())

    def _matching(self, text: str) -> set[int] | None:
        if self._gb is None or not text.strip():
            return None
        return {s.id for s in self._gb.matching(text)}

    def _rows(self) -> list[int]:
        """The students shown, in order: sorted, then filtered."""
        gb = self._gb
        if gb is None:
            return []
        rows = self._sorted(*self._sort) if self._sort is not None \
            else list(range(len(gb.students)))
        if self._ids is not None:
            ids, students = self._ids, gb.students
            rows = [i for i in rows if students[i].id in ids]
        return rows

    def _relayout(self, order: list[int]) -> None:
        """Rows reordered (and some hidden or shown) in one layout change: the views keep
        their chosen cell when its student is still shown."""
        self.layoutAboutToBeChanged.emit()  # (with explicit arguments PySide6 6.11 crashes)
        old = self._order
        self._order = order
        where = {s: r for r, s in enumerate(order)}
        before = self.persistentIndexList()
        after = []
        for i in before:
            r = where.get(old[i.row()]) if 0 <= i.row() < len(old) else None
            after.append(self.index(r, i.column()) if r is not None else QModelIndex())
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # -- sorting: here, in one Python sort, not by the proxy's comparisons (each a call
    # back into Python: 0.5 s for a school's 3,000 students)
    def sort_key(self, student_index: int, column: int) -> float | str:
        """What ``column`` sorts by for that student: the folded name, or the grade
        (-1 when none)."""
        assert self._gb is not None
        student = self._gb.students[student_index]
        if column == 0:
            return student.name.casefold()
        c = self._gb.cell(student.id, self._gb.lessons[column - 1].id)
        return -1 if c is None or c.grade is None else c.grade

    def _sorted(self, column: int, order: Qt.SortOrder) -> list[int]:
        gb = self._gb
        if gb is None or not 0 <= column < self.columnCount():
            return list(range(len(gb.students))) if gb else []
        names = [s.name.casefold() for s in gb.students]
        keys = names if column == 0 else [self.sort_key(i, column) for i in range(len(names))]
        rows = sorted(range(len(names)), key=names.__getitem__)  # ties: by name
        rows.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return rows

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        if self._gb is not None:
            self._relayout(self._rows())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self._gb is None else 1 + len(self._gb.lessons)

    def student_id(self, row: int) -> int:
        """The student on ``row``."""
        assert self._gb is not None
        return self._gb.students[self._order[row]].id

    def lesson_id(self, column: int) -> str | None:
        return self._gb.lessons[column - 1].id if self._gb and 1 <= column <= len(self._gb.lessons) else None

    def data(self, index: Index, role: int = DISPLAY):
        if role not in _GRADEBOOK_ROLES or not index.isValid() or self._gb is None:
            return None
        student = self._gb.students[self._order[index.row()]]
        col = index.column()
        if col == 0:
            flag = self._gb.flags.get(student.id)
            if role == DISPLAY:
                return f"{student.name} ⚠" if flag else student.name
            if role == ACCESSIBLE_TEXT:
                return f"{student.name}, warning: {flag}" if flag else student.name
            if role == TOOLTIP:
                if flag:
                    return f"Check this name: it {flag}."
                return tip(self._roster.get(student.id, f"{student.name}: not on an LMS "
                                                        "roster yet (File › Import roster…)"))
            if role == _SORT:
                return student.name.casefold()
            if role == _STUDENT_ID:
                return student.id
            return None
        if role == TEXT_ALIGNMENT:
            return ALIGN_CENTER
        if role == _STUDENT_ID:
            return student.id
        lesson = self._gb.lessons[col - 1]
        if role == _LESSON_ID:
            return lesson.id
        c = self._gb.cell(student.id, lesson.id)
        if role == DISPLAY:
            return cell_text(c)
        if role == ACCESSIBLE_TEXT:
            if c is None:
                return f"{student.name}, {lesson.title}: not attempted"
            return f"{student.name}, {lesson.title}: {cell_words(c)}"
        if role == TOOLTIP:
            return cell_words(c) if c is not None else None
        if role == _SORT:
            return -1 if c is None or c.grade is None else c.grade
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY):
        if role not in _HEADER_ROLES or orientation != Qt.Orientation.Horizontal \
                or self._gb is None or not 0 <= section < self.columnCount():
            return None
        if section == 0:
            return "Student" if role == DISPLAY else None
        le = self._gb.lessons[section - 1]
        if role == DISPLAY:
            return wrap_title(le.title)
        if role == ACCESSIBLE_TEXT:
            return le.title
        if role == TOOLTIP:
            where = "" if le.here else " (not on this machine: attempts wait ungraded)"
            return tip(f"{le.title} [{le.id}]{where}: the graded score (first attempt; * = set "
                       "by you), best practice after the key in brackets")
        return None


class ProgressRole(IntEnum):
    LESSON_ID = USER + 1
    RECALL = USER + 2  # of the column's category (None elsewhere)


_PROGRESS_LESSON_ID, _RECALL = (int(r) for r in ProgressRole)
_PROGRESS_ROLES = frozenset({DISPLAY, TOOLTIP, TEXT_ALIGNMENT, _PROGRESS_LESSON_ID, _RECALL})


class ProgressModel(QAbstractTableModel):
    """One row per counted attempt, in submission order; a column per category."""

    FIXED = ("Lesson", "Attempt", "Submitted", "Score")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._points: list[ProgressPoint] = []
        self._cats: list[Category] = []

    def set_points(self, points: Sequence[ProgressPoint], categories: Mapping[str, Category]) -> None:
        self.beginResetModel()
        self._points = list(points)
        used = {lab for p in points for lab in p.by_label}
        self._cats = [c for c in categories.values() if c.id in used]
        self._cats += [Category(lab, lab) for lab in sorted(used - set(categories))]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._points)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.FIXED) + len(self._cats)

    def data(self, index: Index, role: int = DISPLAY):
        if role not in _PROGRESS_ROLES or not index.isValid():
            return None
        p = self._points[index.row()]
        col = index.column()
        if role == _PROGRESS_LESSON_ID:
            return p.lesson_id
        if role == TEXT_ALIGNMENT:
            return ALIGN_CENTER if col > 0 else None
        if role == TOOLTIP:  # the cell's text, shown literally
            text = self.data(index, DISPLAY)
            return tip(text) if isinstance(text, str) else None
        cat = self._cats[col - len(self.FIXED)] if col >= len(self.FIXED) else None
        fig = p.by_label.get(cat.id) if cat else None
        if role == _RECALL:  # the share shown: found / required
            return found_share(fig) if fig and fig.required else None
        if col == 0:
            return p.title
        if col == 1:
            return str(p.attempt)
        if col == 2:
            return p.submitted_at[:16].replace("T", " ")
        if col == 3:
            return str(p.score)
        return progress_text(fig)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY):
        if role != DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < self.columnCount():
            return None
        if section < len(self.FIXED):
            return self.FIXED[section]
        return self._cats[section - len(self.FIXED)].name


def progress_text(fig) -> str:  # fig: Figures | None
    """Found passages and their share, from the same two numbers: "4 of 10 found (40 %)"."""
    if fig is None or not fig.required:
        return EMPTY
    return f"{fig.found} of {fig.required} found ({found_share(fig):.0%})"


def found_share(fig) -> float:  # fig: Figures
    return fig.found / fig.required if fig.required else 0.0


@lru_cache(maxsize=1024)  # the header asks on every paint
def wrap_title(text: str, width: int = TITLE_CHARS) -> str:
    """A column heading on up to three lines, in full (never cut with "…")."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_long_words=True)) or text
