"""The feedback article's second layer and its legend.

``FeedbackArticle`` is the article view with outlines: the key's spans are painted as
``Mark`` backgrounds (``app.ui.article``), and the student's own highlights are boxes
drawn over them in their category's colour and line style, so both show at once. When
the caret enters a mark, the article says what it is ("Loaded language: your highlight,
found in the key") through an accessibility announcement and its accessible
description. ``Legend`` shows every status and category with a sample of how it looks.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QToolTip,
    QWidget,
    QWidgetItem,
)

from app.core.record import record
from app.ui.article import ArticleView
from app.ui.theme import contrast

# a category's underline style as the line style of its outline box
PEN_FOR_UNDERLINE = {
    "solid": Qt.PenStyle.SolidLine, "wave": Qt.PenStyle.SolidLine,
    "dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine,
    "dashdot": Qt.PenStyle.DashDotLine, "double": Qt.PenStyle.DashDotDotLine,
}
PEN_WIDTH = {"wave": 2.4}  # a wavy underline becomes a heavier solid box


@record
class Outline:
    """A box around code points ``[start, end)``: one of the student's highlights."""

    start: int
    end: int
    colour: QColor
    pen: Qt.PenStyle
    tip: str
    width: float = 1.6


@record
class Spoken:
    """What the caret says inside ``[start, end)``."""

    start: int
    end: int
    words: str


def edge_colour(colour: str, against: Sequence[str], toward: str, ratio: float = 3.0) -> str:
    """``colour`` mixed step by step with ``toward`` until it has a contrast of at least
    ``ratio`` with every colour in ``against`` (WCAG 1.4.11, non-text contrast)."""
    return _edge_colour(colour, tuple(against), toward, ratio)


@functools.lru_cache(maxsize=512)  # a pure function of a few palette colours
def _edge_colour(colour: str, against: tuple[str, ...], toward: str, ratio: float) -> str:
    c, t = QColor(colour), QColor(toward)
    for k in range(41):
        f = k / 40
        mixed = QColor(round(c.red() + (t.red() - c.red()) * f),
                       round(c.green() + (t.green() - c.green()) * f),
                       round(c.blue() + (t.blue() - c.blue()) * f)).name()
        if all(contrast(mixed, a) >= ratio for a in against):
            return mixed
    return toward


class FeedbackArticle(ArticleView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._outlines: list[Outline] = []
        self._spoken: list[Spoken] = []
        self._said = ""
        self.base_description = ""
        self.last_announcement = ""
        self.cursor_moved.connect(self._on_caret)

    def set_article(self, text: str) -> None:
        self._outlines, self._spoken, self._said = [], [], ""
        super().set_article(text)

    def set_outlines(self, outlines: Sequence[Outline]) -> None:
        self._outlines = list(outlines)
        self.viewport().update()

    def outlines(self) -> list[Outline]:
        return list(self._outlines)

    def set_spoken(self, spoken: Sequence[Spoken]) -> None:
        self._spoken = sorted(spoken, key=lambda s: (s.start, s.end))
        self._said = ""
        self._on_caret(self.cursor_offset())

    def spoken_at(self, pos: int) -> list[str]:
        return list(dict.fromkeys(s.words for s in self._spoken if s.start <= pos < s.end))

    # -- painting -------------------------------------------------------------
    def line_rects(self, start: int, end: int) -> list[QRectF]:
        """The rectangles of ``[start, end)``, one per line, in viewport coordinates."""
        doc, pm = self.document(), self.posmap
        qs, qe = pm.to_qt(start), pm.to_qt(end)
        dx, dy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        out: list[QRectF] = []
        block = doc.findBlock(qs)
        while block.isValid() and block.position() < qe:
            layout, bpos = block.layout(), block.position()
            origin = doc.documentLayout().blockBoundingRect(block).topLeft()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                ls = bpos + line.textStart()
                a, b = max(qs, ls), min(qe, ls + line.textLength())
                if a >= b:
                    continue
                x1, x2 = _x(line.cursorToX(a - bpos)), _x(line.cursorToX(b - bpos))
                out.append(QRectF(origin.x() + x1 - dx, origin.y() + line.y() - dy,
                                  x2 - x1, line.height()))
            block = block.next()
        return out

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(e)
        if not self._outlines:
            return
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        clip = QRectF(e.rect()).adjusted(-4, -4, 4, 4)
        # only the outlines on screen: laying out the lines of 200 others costs a frame
        vp = self.viewport().rect()
        first = self.posmap.from_qt(self.cursorForPosition(vp.topLeft()).position())
        last = self.posmap.from_qt(self.cursorForPosition(vp.bottomRight()).position())
        for o in self._outlines:
            if o.end < first or o.start > last + 1:
                continue
            pen = QPen(o.colour, o.width, o.pen)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            for r in self.line_rects(o.start, o.end):
                if r.intersects(clip):
                    p.drawRoundedRect(r.adjusted(-1.5, 0.5, 1.5, -0.5), 3, 3)
        p.end()

    # -- tooltips and the caret -----------------------------------------------
    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            pos = self.posmap.from_qt(self.cursorForPosition(e.pos()).position())
            tips = [m.tip for m in self.highlighter.marks_at(pos)]
            tips += [o.tip for o in self._outlines if o.start <= pos < o.end]
            if tips:
                QToolTip.showText(e.globalPos(), "\n".join(dict.fromkeys(tips)), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    def _on_caret(self, pos: int) -> None:
        words = "; ".join(self.spoken_at(pos))
        if words == self._said:
            if self.transient and not words:
                self.rest()  # an action's result is old news once the caret moves on
            return
        self._said = words
        if words and self.hasFocus():
            self.announce(words)  # the focused article's description: Orca reads it
        self.rest(words or None)  # kept while the caret is on the mark; leaving is silent

    def announce(self, text: str) -> None:
        """Say ``text`` (an announcement, and the description while the article has the
        focus: ``app.ui.announce``)."""
        from app.ui import announce as a11y

        self.last_announcement = text
        a11y.announce(self, text)

    def caret_to(self, pos: int) -> None:
        c = self.textCursor()
        c.setPosition(self.posmap.to_qt(pos))
        self.setTextCursor(c)


def _x(v: object) -> float:
    """``QTextLine.cursorToX`` returns a number, or (number, position) in some bindings."""
    return float(v[0] if isinstance(v, tuple) else v)  # type: ignore[index,arg-type]


# -- legend ---------------------------------------------------------------------
class Swatch(QWidget):
    """A sample of one mark: its background, and an underline pattern or a box."""

    def __init__(self, background: QColor | None, underline: Qt.PenStyle | None = None,
                 wave: bool = False, box: QColor | None = None,
                 box_pen: Qt.PenStyle = Qt.PenStyle.SolidLine, box_width: float = 1.6) -> None:
        super().__init__()
        self.background, self.underline, self.wave = background, underline, wave
        self.box, self.box_pen, self.box_width = box, box_pen, box_width
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:  # noqa: N802
        h = self.fontMetrics().height()
        return QSize(round(h * 2.2), h + 4)

    def paintEvent(self, _e: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        if self.background is not None:
            p.fillRect(r, self.background)
        else:
            p.fillRect(r, self.palette().color(QPalette.ColorRole.Base))
        if self.underline is not None:
            y = r.bottom() - 3
            p.setPen(QPen(text, 1.3, self.underline))
            if self.wave:
                pts = [QPointF(r.left() + 2 + i * 3, y - (1.5 if i % 2 else -0.5))
                       for i in range(int((r.width() - 4) / 3) + 1)]
                p.drawPolyline(pts)
            else:
                p.drawLine(QPointF(r.left() + 2, y), QPointF(r.right() - 2, y))
        if self.box is not None:
            p.setPen(QPen(self.box, self.box_width, self.box_pen))
            p.drawRoundedRect(r.adjusted(1, 1, -1, -1), 3, 3)
        p.end()


class FlowLayout(QLayout):
    """Lays its items left to right, wrapping to the next line (Qt's flow example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 10) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def add(self, w: QWidget) -> None:
        self.addItem(QWidgetItem(w))
        self.addChildWidget(w)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, i: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[i] if 0 <= i < len(self._items) else None

    def takeAt(self, i: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(i) if 0 <= i < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._do(QRect(0, 0, width, 0), True)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._do(rect, False)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        s = QSize()
        for it in self._items:
            s = s.expandedTo(it.minimumSize())
        return s

    def _do(self, rect: QRect, test: bool) -> int:
        x, y, line_h = rect.x(), rect.y(), 0
        for it in self._items:
            hint = it.sizeHint()
            if x + hint.width() > rect.right() + 1 and line_h > 0:
                x, y = rect.x(), y + line_h + self._spacing // 2
                line_h = 0
            if not test:
                it.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_h = max(line_h, hint.height())
        return y + line_h - rect.y()


def legend_entry(swatch: Swatch, words: str) -> QWidget:
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(5)
    lay.addWidget(swatch)
    label = QLabel(words)
    label.setTextFormat(Qt.TextFormat.PlainText)
    lay.addWidget(label)
    return w


class Legend(QWidget):
    """Every mark the article can show, with a sample and its words."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Legend")
        self.flow = FlowLayout(self)
        self.entries: list[str] = []
        sp = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)

    def set_entries(self, entries: Sequence[tuple[Swatch, str]]) -> None:
        while self.flow.count():
            it = self.flow.takeAt(0)
            if it is not None and it.widget() is not None:
                it.widget().deleteLater()
        self.entries = [words for _, words in entries]
        for sw, words in entries:
            entry = legend_entry(sw, words)
            self.flow.add(entry)
            # shown now, not at the next turn of the event loop: a hidden entry has no
            # size, and the legend measured with none was sized to 0 px for good (issue 23)
            entry.setVisible(True)
        self.setAccessibleDescription("; ".join(self.entries))
        self.updateGeometry()
