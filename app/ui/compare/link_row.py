"""In the key editor, under the chosen key span: link it to a claim of a comparison that
lists this article (it becomes one of the claim's passages), or unlink it. Stored at once;
the comparison editor sets what the article's support for the claim is."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.core.errors import UserError
from app.core.lessons import KeySpan
from app.services.compare.editing import ClaimChoice, claims_for_span, link_passage
from app.store.repo import Repo


class ClaimLinkRow(QWidget):
    message = Signal(str)

    def __init__(self, repo: Repo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.article_id = ""
        self.span: KeySpan | None = None
        self.choices: list[ClaimChoice] = []
        self.claim = QComboBox()
        self.claim.setAccessibleName("Claim of a comparison to link this span to")
        self.claim.setMinimumContentsLength(24)
        self.claim.currentIndexChanged.connect(lambda _i: self._sync())
        self.button = QPushButton("Link to claim")
        self.button.clicked.connect(self._on_click)
        label = QLabel("Cla&im:")
        label.setBuddy(self.claim)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(label)
        lay.addWidget(self.claim, 1)
        lay.addWidget(self.button)
        self.setVisible(False)

    def set_article(self, article_id: str) -> None:
        self.article_id = article_id
        self.set_span(None)

    def set_span(self, span: KeySpan | None) -> None:
        """Show the claims this span can be linked to (hidden when there are none)."""
        self.span = span
        self.choices = [] if span is None or not self.article_id else \
            claims_for_span(self.repo, self.article_id, span.start, span.end)
        keep = self.claim.currentData()
        self.claim.blockSignals(True)
        self.claim.clear()
        for i, c in enumerate(self.choices):
            mark = "✓ " if c.linked else ""
            self.claim.addItem(f"{mark}{c.compare_title}: {c.statement}", i)
            self.claim.setItemData(i, f"{c.compare_title}: {c.statement}",
                                   Qt.ItemDataRole.ToolTipRole)
        if keep is not None and 0 <= keep < self.claim.count():
            self.claim.setCurrentIndex(keep)
        self.claim.blockSignals(False)
        self.setVisible(bool(self.choices))
        self._sync()

    def _current(self) -> ClaimChoice | None:
        i = self.claim.currentData()
        return self.choices[i] if i is not None and 0 <= i < len(self.choices) else None

    def _sync(self) -> None:
        c = self._current()
        self.button.setText("Unlink from claim" if c and c.linked else "Link to claim")

    def _on_click(self) -> None:
        c, span = self._current(), self.span
        if c is None or span is None:
            return
        try:
            link_passage(self.repo, c.compare_id, c.claim_id, self.article_id, span.start,
                         span.end, link=not c.linked)
        except UserError as e:
            self.message.emit(str(e))
            return
        self.message.emit(("Unlinked from" if c.linked else "Linked to") +
                          f" “{c.statement}” ({c.compare_title}). Set the article's support "
                          "for the claim in the comparison editor.")
        self.set_span(span)
