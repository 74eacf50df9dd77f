"""Two articles side by side, any pair: a claim chosen shades its passages in both, and
a list under each article names those passages in words (screen readers, keyboard)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.compare.model import Comparison
from app.core.lessons import Lesson
from app.ui.article import ArticleView, Mark
from app.ui.theme import CATEGORY_COLOURS, is_dark, qt_underline

PASSAGE_TINT = CATEGORY_COLOURS[5]  # teal: text on it keeps ≥ 4.5:1 (theme.py)
RANGE_ROLE = Qt.ItemDataRole.UserRole + 1


class ArticlePane(QWidget):
    """One side: which article, the article, and the chosen claim's passages in it."""

    article_changed = Signal()

    def __init__(self, side: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = side
        self.articles: list[Lesson] = []
        self.choose = QComboBox()
        self.choose.setAccessibleName(f"{side} article")
        self.choose.currentIndexChanged.connect(lambda _i: self._on_choose())
        self.source = QLabel()
        self.source.setTextFormat(Qt.TextFormat.PlainText)
        self.source.setObjectName("sourceLine")
        self.source.setWordWrap(True)
        self.article = ArticleView()
        self.article.setAccessibleName(f"{side} article text")
        self.passages = QListWidget()
        self.passages.setAccessibleName(f"Passages of the chosen claim in the {side.lower()} "
                                        "article")
        self.passages.setWordWrap(True)
        self.passages.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.passages.setMaximumHeight(110)
        self.passages.currentItemChanged.connect(self._on_passage)
        self.passages.itemActivated.connect(self._on_passage)
        head = QHBoxLayout()
        label = QLabel(f"&{side}:")
        label.setBuddy(self.choose)
        head.addWidget(label)
        head.addWidget(self.choose, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(self.source)
        lay.addWidget(self.article, 1)
        lay.addWidget(self.passages)

    def set_articles(self, articles: Sequence[Lesson], first: int) -> None:
        self.articles = list(articles)
        self.choose.blockSignals(True)
        self.choose.clear()
        for i, a in enumerate(self.articles):
            self.choose.addItem(f"{chr(65 + i)}. {a.title}", a.id)
        self.choose.setCurrentIndex(min(first, len(self.articles) - 1))
        self.choose.blockSignals(False)
        self._on_choose()

    def current(self) -> Lesson | None:
        i = self.choose.currentIndex()
        return self.articles[i] if 0 <= i < len(self.articles) else None

    def _on_choose(self) -> None:
        a = self.current()
        self.article.set_article(a.text if a else "")
        line = a.source.line() if a else ""
        self.source.setText(line or "No outlet or author in the copy we have")
        self.article_changed.emit()

    def show_passages(self, cmp: Comparison | None, claim_id: str | None, dark: bool) -> int:
        """Shade the claim's passages in this article; returns how many there are."""
        a = self.current()
        self.passages.clear()
        if a is None or cmp is None or claim_id is None:
            self.article.set_marks([])
            return 0
        claim = cmp.claim(claim_id)
        found = claim.passages_in(a.id) if claim else ()
        bg = QColor(PASSAGE_TINT[1 if dark else 0])
        self.article.set_marks([Mark(p.start, p.end, bg, qt_underline("solid"),
                                     "A passage of the chosen claim") for p in found])
        for p in found:
            quote = " ".join(p.quote.split())
            it = QListWidgetItem(f"“{quote}”")
            it.setData(RANGE_ROLE, (p.start, p.end))
            self.passages.addItem(it)
        if not found:
            self.passages.addItem("No passage of this article is linked to the claim. "
                                  "Does it mention it anywhere?")
        return len(found)

    def _on_passage(self, it: QListWidgetItem | None, _prev: object = None) -> None:
        rng = it.data(RANGE_ROLE) if it is not None else None
        if rng:
            self.article.select_range(*rng)


class SideBySide(QWidget):
    claim_chosen = Signal(str)  # claim id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cmp: Comparison | None = None
        self.claim = QComboBox()
        self.claim.setAccessibleName("Claim to show")
        self.claim.currentIndexChanged.connect(self._on_claim)
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.left, self.right = ArticlePane("Left"), ArticlePane("Right")
        for pane in (self.left, self.right):
            pane.article_changed.connect(self.refresh)
        head = QHBoxLayout()
        label = QLabel("&Claim:")
        label.setBuddy(self.claim)
        head.addWidget(label)
        head.addWidget(self.claim, 1)
        split = QSplitter()
        split.setChildrenCollapsible(False)
        split.addWidget(self.left)
        split.addWidget(self.right)
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(self.note)
        lay.addWidget(split, 1)

    def set_content(self, cmp: Comparison, articles: Sequence[Lesson]) -> None:
        self.cmp = cmp
        self.claim.blockSignals(True)
        self.claim.clear()
        for i, c in enumerate(cmp.claims, 1):
            self.claim.addItem(f"{i}. {c.statement}", c.id)
        self.claim.blockSignals(False)
        self.left.set_articles(articles, 0)
        self.right.set_articles(articles, 1)
        self.refresh()

    def set_reading_font(self, font: QFont) -> None:
        for pane in (self.left, self.right):
            pane.article.set_reading_font(font)

    def current_claim(self) -> str | None:
        return self.claim.currentData()

    def choose_claim(self, claim_id: str) -> None:
        i = self.claim.findData(claim_id)
        if i >= 0 and i != self.claim.currentIndex():
            self.claim.setCurrentIndex(i)

    def _on_claim(self, _i: int) -> None:
        self.refresh()
        cid = self.current_claim()
        if cid:
            self.claim_chosen.emit(cid)

    def refresh(self) -> None:
        dark = is_dark(self.palette())
        cid = self.current_claim()
        n = [pane.show_passages(self.cmp, cid, dark) for pane in (self.left, self.right)]
        left, right = self.left.current(), self.right.current()
        if cid is None or left is None or right is None:
            self.note.setText("")
            return
        self.note.setText(
            f"The chosen claim's passages are shaded: {n[0]} in “{left.title}”, {n[1]} in "
            f"“{right.title}”. Choose any two articles above each side.")
