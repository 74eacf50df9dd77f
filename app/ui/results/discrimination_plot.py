"""Hit rate against false-alarm rate: each student a dot, the class mean a diamond, the
diagonal where a student marks both kinds of sentence alike (drawn with QPainter). The
same figures are in the table beside it, which is what the keyboard and a screen reader
use; the plot's accessible description lists every point in words too."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.core.record import record

TITLE = "Hit rate against false-alarm rate"
TICKS = ("0", "0.25", "0.5", "0.75", "1")  # as the table writes the rates
# the axes' and the diagonal's labels, longest first: the longest that fits is drawn
X_LABELS = ("F: careful sentences marked →", "F: careful marked →", "F →")
Y_LABELS = ("H: the key's sentences marked →", "H: key sentences marked →", "H →")
DIAGONAL_LABELS = ("chance: both kinds marked alike", "chance", "")


def fitting(fm: QFontMetrics, width: float, labels: Sequence[str]) -> str:
    return next((t for t in labels if fm.horizontalAdvance(t) <= width), labels[-1])


@record
class Point:
    key: int  # a student id (-1: the class mean)
    label: str
    hit_rate: float
    false_alarm_rate: float


def pct(x: float) -> str:
    return f"{x:.0%}"


def describe(points: Sequence[Point], mean: Point | None) -> str:
    """The plot in words: what a screen reader reads."""
    if not points:
        return f"{TITLE}: no students yet."
    parts = [f"{p.label}: hit rate {pct(p.hit_rate)}, false-alarm rate "
             f"{pct(p.false_alarm_rate)}" for p in points]
    if mean is not None:
        parts.append(f"class mean: hit rate {pct(mean.hit_rate)}, false-alarm rate "
                     f"{pct(mean.false_alarm_rate)}")
    return f"{TITLE}, one point per student. " + "; ".join(parts) + "."


class DiscriminationPlot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[Point] = []
        self._mean: Point | None = None
        self._selected: int | None = None
        self.setAccessibleName(TITLE)
        self.setAccessibleDescription(describe([], None))
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_points(self, points: Sequence[Point], mean: Point | None) -> None:
        self._points, self._mean = list(points), mean
        self.setAccessibleDescription(describe(self._points, mean))
        self.update()

    def points(self) -> list[Point]:
        return list(self._points)

    def select(self, key: int | None) -> None:
        self._selected = key
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        side = 22 * self.fontMetrics().height()
        return QSize(side, side)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        side = 13 * self.fontMetrics().height()
        return QSize(side, side)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, w: int) -> int:  # noqa: N802
        return w

    def plot_rect(self) -> QRectF:
        """The unit square's place on the widget (axes' labels around it)."""
        fm = self.fontMetrics()
        lh = fm.height()
        left = lh + fm.horizontalAdvance(TICKS[-2]) + 12
        bottom, top, right = 2 * lh + 10, lh // 2 + 2, lh
        side = max(min(self.width() - left - right, self.height() - top - bottom), 50)
        return QRectF(left, top, side, side)

    def position(self, p: Point) -> QPointF:
        r = self.plot_rect()
        return QPointF(r.left() + p.false_alarm_rate * r.width(),
                       r.bottom() - p.hit_rate * r.height())

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        faint = QColor(text)
        faint.setAlpha(60)
        r = self.plot_rect()
        fm = p.fontMetrics()
        lh = fm.height()
        p.fillRect(r, pal.color(QPalette.ColorRole.Base))
        tick_w = fm.horizontalAdvance(TICKS[-2]) + 4
        for i in range(5):  # grid and ticks every 0.25
            x = r.left() + r.width() * i / 4
            y = r.bottom() - r.height() * i / 4
            p.setPen(QPen(faint, 1))
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            p.setPen(text)
            p.drawText(QRectF(x - tick_w / 2 - 4, r.bottom() + 3, tick_w + 8, lh),
                       Qt.AlignmentFlag.AlignHCenter, TICKS[i])
            p.drawText(QRectF(r.left() - tick_w - 4, y - lh / 2, tick_w, lh),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, TICKS[i])
        p.setPen(QPen(text, 1))
        p.drawRect(r)
        p.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
        p.drawLine(r.bottomLeft(), r.topRight())
        p.save()  # the diagonal's meaning, along it, in the corner students rarely reach
        p.translate(QPointF(r.left() + r.width() * 0.7, r.bottom() - r.height() * 0.7))
        p.rotate(-45)
        p.drawText(QRectF(-r.width() * 0.98, 3, r.width() * 0.98, lh),
                   Qt.AlignmentFlag.AlignRight,
                   fitting(fm, r.width() * 0.95, DIAGONAL_LABELS))
        p.restore()
        p.drawText(QRectF(r.left() - tick_w, r.bottom() + lh + 6, r.width() + tick_w, lh),
                   Qt.AlignmentFlag.AlignHCenter, fitting(fm, r.width() + tick_w, X_LABELS))
        p.save()
        p.translate(r.left() - tick_w - 8, r.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-r.height() / 2, -lh, r.height(), lh), Qt.AlignmentFlag.AlignHCenter,
                   fitting(fm, r.height(), Y_LABELS))
        p.restore()
        self._paint_points(p, pal, text)
        p.end()

    def _paint_points(self, p: QPainter, pal: QPalette, text: QColor) -> None:
        dot = QColor(pal.color(QPalette.ColorRole.Highlight))
        radius = max(4.0, p.fontMetrics().height() / 3.2)
        fill = QColor(dot)
        fill.setAlpha(150)
        chosen = None
        for pt in self._points:
            c = self.position(pt)
            if pt.key == self._selected:
                chosen = (pt, c)
                continue
            p.setPen(QPen(dot.darker(130), 1))
            p.setBrush(fill)
            p.drawEllipse(c, radius, radius)
        if self._mean is not None:  # a diamond, outlined in the text colour
            c = self.position(self._mean)
            s = radius * 1.9
            p.setPen(QPen(text, 2))
            p.setBrush(pal.color(QPalette.ColorRole.Base))
            p.drawPolygon(QPolygonF([c + QPointF(0, -s), c + QPointF(s, 0),
                                     c + QPointF(0, s), c + QPointF(-s, 0)]))
            taken = self._label(p, c, "class mean", s, text)
        else:
            taken = None
        if chosen is not None:  # the student chosen in the table: a ring and the name
            pt, c = chosen
            p.setPen(QPen(text, 2))
            p.setBrush(dot)
            p.drawEllipse(c, radius * 1.5, radius * 1.5)
            self._label(p, c, pt.label, radius * 1.5, text, avoid=taken)

    def _label(self, p: QPainter, c: QPointF, label: str, gap: float, color: QColor,
               avoid: QRectF | None = None) -> QRectF:
        """A label beside a point, kept inside the plot, on a halo of the base colour
        (moved above or below the point when it would cover ``avoid``)."""
        fm = p.fontMetrics()
        r = self.plot_rect()
        w, h = fm.horizontalAdvance(label) + 6, fm.height()
        x = c.x() + gap + 2 if c.x() + gap + w < r.right() else c.x() - gap - 2 - w
        y = min(max(c.y() - h / 2, r.top()), r.bottom() - h)
        box = QRectF(x, y, w, h)
        if avoid is not None and box.intersects(avoid):
            x = min(max(c.x() - w / 2, r.left()), r.right() - w)
            below = QRectF(x, c.y() + gap + 1, w, h)
            above = QRectF(x, c.y() - gap - 1 - h, w, h)
            box = below if not below.intersects(avoid) and below.bottom() < r.bottom() \
                else above
        path = QPainterPath()
        path.addRoundedRect(box, 3, 3)
        halo = QColor(self.palette().color(QPalette.ColorRole.Base))
        halo.setAlpha(225)
        p.fillPath(path, halo)
        p.setPen(color)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
        return box
