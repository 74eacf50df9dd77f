"""The lesson library: lessons grouped by unit, with source, level, reading time and
this student's status and best score. ``Return`` or a double-click opens a lesson."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyledItemDelegate

from app.core.record import record
from app.store.repo import LessonStatus, LessonSummary
from app.ui.plain import tip
from app.ui.roles import ACCESSIBLE_TEXT, DISPLAY, TOOLTIP, USER

if TYPE_CHECKING:  # QStyle's Python enums alone cost ~15 ms of start-up: not imported
    # (nor QEvent's: its 179-member enum is built when the first key press arrives)
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex
_LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter



def credit_text(s: LessonSummary) -> str:
    """The card's source line: an article's outlet (or that it is not stated); a
    comparison has no outlet of its own, it sets the unit's articles side by side."""
    if s.kind == "compare":
        return "Compare the unit's articles side by side"
    return s.source.credit()

class Role(IntEnum):
    LESSON_ID = USER + 1
    SUMMARY = USER + 2
    STATUS = USER + 3
    UNIT_HEADER = USER + 4  # the unit's name on its first lesson, else ""


_LESSON_ID, _SUMMARY, _STATUS, _UNIT_HEADER = (int(r) for r in Role)
# what the model answers; the view's other roles (font, colours, size…) go at once
_ROLES = frozenset({DISPLAY, TOOLTIP, ACCESSIBLE_TEXT, _LESSON_ID, _SUMMARY, _STATUS,
                    _UNIT_HEADER})


@record
class LibraryRow:
    summary: LessonSummary
    status: LessonStatus


def mode_text(mode: str) -> str:
    return "Assessment" if mode == "assessment" else "Practice"


def reading_text(s: LessonSummary) -> str:
    """How long it takes; a comparison says what it is instead (formats.md)."""
    if s.kind == "compare":
        return "Comparison: the unit's articles side by side"
    return f"{s.reading_minutes} min read"


def status_text(st: LessonStatus) -> str:
    if st.waiting:
        return "Submitted — your teacher will release the feedback"
    if st.status == "submitted" or (st.attempts and st.status == "in progress"):
        best = f"grade {st.grade}" if st.grade is not None else "waiting for the key"
        tries = f"{st.attempts} attempt{'s' * (st.attempts != 1)}"
        return f"{st.status.capitalize()} · {best} · {tries}"
    if st.status == "in progress":
        return "In progress · your highlights are saved"
    return "Not started yet"


class LibraryModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[LibraryRow] = []

    def set_rows(self, rows: list[LibraryRow]) -> None:
        self.beginResetModel()
        # units in the order of their first lesson (the bundled packs: Kursk, twins,
        # unit 3), lessons without a unit last
        first: dict[str, int] = {}
        for i, r in enumerate(rows):
            first.setdefault(r.summary.unit, i)
        self._rows = sorted(rows, key=lambda r: (r.summary.unit == "", first[r.summary.unit]))
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = DISPLAY) -> object:
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        s = row.summary
        if role == DISPLAY:
            return s.title
        if role == _SUMMARY:
            return s
        if role == _STATUS:
            return row.status
        if role == _UNIT_HEADER:
            return self.unit_header(index.row())
        if role == _LESSON_ID:
            return s.id
        # the tooltip and the accessible text
        parts = [s.title, credit_text(s), s.level.capitalize(), mode_text(s.mode),
                 reading_text(s), status_text(row.status)]
        said = ". ".join(p for p in parts if p)
        unit = self.unit_header(index.row())
        # the unit's heading is painted above its first lesson: say it there too
        if unit and role == ACCESSIBLE_TEXT:
            said = (f"Unit: {unit}. " if s.unit else f"{unit}. ") + said
        return tip(said) if role == TOOLTIP else said

    def unit_header(self, row: int) -> str:
        """The unit's name on its first lesson's row, else ""."""
        s = self._rows[row].summary
        prev = self._rows[row - 1].summary.unit if row else None
        return (s.unit or "Other lessons") if s.unit != prev else ""

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class LessonCardDelegate(QStyledItemDelegate):
    """Paints a lesson as a card; the first lesson of a unit carries the unit heading."""

    PAD = 12

    def __init__(self, parent: QListView | None = None) -> None:
        super().__init__(parent)
        self._fonts: tuple[str, tuple[QFont, QFont, QFont, int]] | None = None

    def _metrics(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont, int]:
        """The card's fonts and line height for the view's font (made once per font:
        every paint and size hint asks)."""
        key = option.font.key()
        if self._fonts is None or self._fonts[0] != key:
            base = QFont(option.font)
            title = QFont(base)
            title.setPointSizeF(base.pointSizeF() * 1.15)
            title.setWeight(QFont.Weight.DemiBold)
            header = QFont(base)
            header.setPointSizeF(base.pointSizeF() * 1.3)
            header.setWeight(QFont.Weight.Bold)
            self._fonts = (key, (base, title, header, option.fontMetrics.height()))
        return self._fonts[1]

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        _, _, _, line = self._metrics(option)
        h = int(line * 1.25) + 2 * line + 3 * self.PAD
        if index.data(_UNIT_HEADER):
            h += int(line * 2.4)
        # no width of its own: the card spans the viewport (a width taken from an earlier
        # layout overflowed it when a scroll bar appeared, and at 200 % text cut the
        # cards' right edge off behind a horizontal scroll bar)
        return QSize(1, h)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        base, title_font, header_font, line = self._metrics(option)
        s: LessonSummary = index.data(_SUMMARY)
        st: LessonStatus = index.data(_STATUS)
        pal = option.palette
        r = QRect(option.rect)
        p.save()
        header = index.data(_UNIT_HEADER)
        if header:
            p.setFont(header_font)
            p.setPen(pal.color(QPalette.ColorRole.WindowText))
            hr = QRect(r.left() + 4, r.top() + int(line * 0.6), r.width() - 8, int(line * 1.6))
            p.drawText(hr, _LEFT_MIDDLE, header)
            r.setTop(r.top() + int(line * 2.4))
        card = r.adjusted(4, 4, -4, -4)
        view = option.widget
        selected = view is not None and view.selectionModel().isSelected(index)
        focus = selected and view.hasFocus() and view.currentIndex() == index
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        # the border as a filled ring (the border colour, then the card inside it): an
        # antialiased stroke costs 72 µs a card, two fills 24 µs, and the line is crisp
        ring = 3 if selected and focus else 1
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pal.color(QPalette.ColorRole.Highlight) if selected
                   else pal.color(QPalette.ColorRole.Mid))
        p.drawRoundedRect(card, 8, 8)
        p.setBrush(pal.color(QPalette.ColorRole.AlternateBase) if selected
                   else pal.color(QPalette.ColorRole.Base))
        p.drawRoundedRect(card.adjusted(ring, ring, -ring, -ring), 8 - ring, 8 - ring)
        inner = card.adjusted(self.PAD + 4, self.PAD, -self.PAD - 4, -self.PAD)
        badge = self._badge(st)
        p.setFont(base)
        bw = option.fontMetrics.horizontalAdvance(badge) + 20
        p.setPen(pal.color(QPalette.ColorRole.Text))
        p.setFont(title_font)
        p.drawText(QRect(inner.left(), inner.top(), inner.width() - bw - 8, int(line * 1.3)),
                   _LEFT_MIDDLE,
                   p.fontMetrics().elidedText(s.title, Qt.TextElideMode.ElideRight,
                                              inner.width() - bw - 8))
        p.setFont(base)
        sub = " · ".join(x for x in (credit_text(s), s.level.capitalize(), mode_text(s.mode),
                                      reading_text(s)) if x)
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        top2 = inner.top() + int(line * 1.45)
        p.drawText(QRect(inner.left(), top2, inner.width(), line),
                   Qt.AlignmentFlag.AlignLeft, p.fontMetrics().elidedText(
                       sub, Qt.TextElideMode.ElideRight, inner.width()))
        p.setPen(pal.color(QPalette.ColorRole.Text))
        p.drawText(QRect(inner.left(), top2 + line + 2, inner.width(), line),
                   Qt.AlignmentFlag.AlignLeft, status_text(st))
        # status badge, top right: words, not colour alone
        br = QRect(inner.right() - bw, inner.top(), bw, int(line * 1.3))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pal.color(QPalette.ColorRole.Window))
        p.drawRoundedRect(br, 6, 6)
        p.setPen(pal.color(QPalette.ColorRole.Text))
        p.drawText(br, Qt.AlignmentFlag.AlignCenter, badge)
        p.restore()

    @staticmethod
    def _badge(st: LessonStatus) -> str:
        if st.waiting:
            return "Submitted"
        if st.grade is not None:
            return f"Grade {st.grade}"
        return {"new": "New", "in progress": "In progress"}.get(st.status, "Submitted")


class LibraryView(QListView):
    lesson_activated = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Lesson library")
        self.setAccessibleDescription("Lessons by unit. Press Return to open the selected lesson.")
        self.model_ = LibraryModel()
        self.setModel(self.model_)
        self.setItemDelegate(LessonCardDelegate(self))
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(2)
        self.doubleClicked.connect(self._on_double_clicked)

    def set_rows(self, rows: list[LibraryRow]) -> None:
        current = self.current_lesson()
        self.model_.set_rows(rows)
        for r in range(self.model_.rowCount()):
            idx = self.model_.index(r, 0)
            if current is None or idx.data(_LESSON_ID) == current:
                self.setCurrentIndex(idx)
                break
        self.keep_current_in_view()

    def keep_current_in_view(self) -> None:
        """Scroll the chosen lesson into view once the cards have their new sizes (at
        200 % text it was left below the bottom edge: issue 23)."""
        from PySide6.QtCore import QTimer

        def go() -> None:
            if self.currentIndex().isValid():
                self.scrollTo(self.currentIndex())

        QTimer.singleShot(0, self, go)  # (not after the view is gone)

    def current_lesson(self) -> str | None:
        sel = self.selectionModel().selectedIndexes()
        idx = sel[0] if sel else self.currentIndex()
        return idx.data(_LESSON_ID) if idx.isValid() else None

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current_lesson():
            self.lesson_activated.emit(self.current_lesson())
            e.accept()
            return
        super().keyPressEvent(e)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.lesson_activated.emit(index.data(_LESSON_ID))
