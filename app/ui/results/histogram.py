"""The score distribution of a lesson: ten bars drawn with QPainter."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.services.results.classview import BINS


def describe(counts: Sequence[int]) -> str:
    """The histogram in words, every bin: what a screen reader reads."""
    n = sum(counts)
    parts = [f"{label}: {c}" for label, c in zip(BINS, counts, strict=True)]
    return f"Scores of {n} student{'s' * (n != 1)}, by score range. " + "; ".join(parts) + "."


class ScoreHistogram(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: tuple[int, ...] = (0,) * len(BINS)
        self.setAccessibleName("Score histogram")
        self.setAccessibleDescription(describe(self._counts))
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def counts(self) -> tuple[int, ...]:
        return self._counts

    def set_counts(self, counts: Sequence[int]) -> None:
        self._counts = tuple(counts)
        self.setAccessibleDescription(describe(self._counts))
        self.setToolTip(describe(self._counts))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, 180)

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        bar = pal.color(QPalette.ColorRole.Highlight)
        fm = p.fontMetrics()
        lh = fm.height()
        left, right, top, bottom = 6, 6, lh + 4, 2 * lh + 10
        w = self.width() - left - right
        h = self.height() - top - bottom
        n = len(self._counts)
        peak = max(max(self._counts), 1)
        slot = w / n
        base_y = top + h
        p.setPen(QColor(text))
        p.drawLine(left, base_y, left + w, base_y)
        # every bin labelled in full ("0–9" … "90–100"): the labels' font shrinks to fit
        small = QFont(p.font())
        widest = max(fm.horizontalAdvance(b) for b in BINS)
        if widest > slot - 2:
            small.setPointSizeF(max(5.0, small.pointSizeF() * (slot - 2) / widest))
        for i, c in enumerate(self._counts):
            x = left + i * slot
            bh = h * c / peak
            if c:
                p.fillRect(QRectF(x + slot * 0.15, base_y - bh, slot * 0.7, bh), bar)
            p.setPen(text)
            p.drawText(QRectF(x, base_y - bh - lh - 2, slot, lh),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, str(c))
            p.save()
            p.setFont(small)
            p.drawText(QRectF(x, base_y + 3, slot, lh), Qt.AlignmentFlag.AlignHCenter, BINS[i])
            p.restore()
        p.drawText(QRectF(left, base_y + lh + 6, w, lh), Qt.AlignmentFlag.AlignHCenter,
                   "score (out of 100); bars: students in each range")
        p.end()
