"""The comparison editor's Claims tab: the claims in order; for the chosen one its
statement, the verdict with its explanation, the dossier entries that back it (and those
fair to cite too), each article's support with its reason, and its passages — linked
from a selection in the article."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.compare.model import CHOICE_WORDS, SUPPORTS, VERDICT_WORDS, VERDICTS
from app.core.lessons import Lesson
from app.core.spans import snap
from app.ui.article import ArticleView, Mark
from app.ui.compare.side_by_side import PASSAGE_TINT
from app.ui.fonts import reading_font
from app.ui.theme import is_dark, qt_underline

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _checklist(name: str) -> QListWidget:
    lw = QListWidget()
    lw.setAccessibleName(name)
    lw.setMaximumHeight(120)
    return lw


class ClaimsTab(QWidget):
    changed = Signal()
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: dict[str, Any] = {}
        self.articles: dict[str, Lesson] = {}
        self.tokens: dict[str, list[tuple[int, int]]] = {}
        self.row = -1
        self._loading = False
        self.claims = QListWidget()
        self.claims.setAccessibleName("Claims")
        self.claims.setWordWrap(True)
        self.claims.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.claims.currentRowChanged.connect(self._on_claim_row)
        buttons = QHBoxLayout()
        for text, slot in (("Add claim", self.add_claim), ("Remove", self.remove_claim),
                           ("Up", lambda: self.move_claim(-1)),
                           ("Down", lambda: self.move_claim(+1))):
            b = QPushButton(text)
            b.setAccessibleName(f"{text} claim" if text in ("Remove", "Up", "Down") else text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        left = QWidget()
        lcol = QVBoxLayout(left)
        lcol.setContentsMargins(0, 0, 0, 0)
        lcol.addWidget(self.claims, 1)
        lcol.addLayout(buttons)

        self.claim_id = QLineEdit()
        self.claim_id.setAccessibleName("Claim id")
        self.statement = QLineEdit()
        self.statement.setAccessibleName("Statement of the claim")
        self.verdict = QComboBox()
        self.verdict.setAccessibleName("Verdict (the key)")
        for v in VERDICTS:
            self.verdict.addItem(VERDICT_WORDS[v], v)
        self.verdict_why = QPlainTextEdit()
        self.verdict_why.setAccessibleName("Why this verdict (shown to students)")
        self.verdict_why.setTabChangesFocus(True)
        self.verdict_why.setMaximumHeight(80)
        self.backing = _checklist("Dossier entries that back the verdict")
        self.relevant = _checklist("Dossier entries also fair to cite")
        for w in (self.claim_id, self.statement):
            w.textEdited.connect(self._on_edit)
        self.verdict.activated.connect(self._on_edit)
        self.verdict_why.textChanged.connect(self._on_edit)
        self.backing.itemChanged.connect(self._on_edit)
        self.relevant.itemChanged.connect(self._on_edit)
        self.cells = QGridLayout()
        self.cell_widgets: list[tuple[str, QComboBox, QLineEdit, QLineEdit]] = []
        form = QFormLayout()
        form.addRow("Claim &id:", self.claim_id)
        form.addRow("&Statement:", self.statement)
        form.addRow("&Verdict:", self.verdict)
        form.addRow("Why (for students):", self.verdict_why)
        form.addRow("&Backed by:", self.backing)
        form.addRow("Also fair to cite:", self.relevant)

        self.passage_article = QComboBox()
        self.passage_article.setAccessibleName("Article to link passages in")
        self.passage_article.currentIndexChanged.connect(lambda _i: self._show_article())
        self.article = ArticleView()
        self.article.setAccessibleName("Article (linking passages)")
        self.article.set_reading_font(reading_font(0.9))
        self.article.setMinimumHeight(220)
        self.passages = QListWidget()
        self.passages.setAccessibleName("Passages of the claim in this article")
        self.passages.setMaximumHeight(90)
        self.passages.currentItemChanged.connect(self._on_passage_current)
        link = QPushButton("Link the selected words as a passage")
        link.clicked.connect(self.link_selection)
        unlink = QPushButton("Remove the passage")
        unlink.setAccessibleName("Remove the chosen passage")
        unlink.clicked.connect(self.remove_passage)
        prow = QHBoxLayout()
        prow.addWidget(link)
        prow.addWidget(unlink)
        right = QWidget()
        rcol = QVBoxLayout(right)
        rcol.addLayout(form)
        head = QLabel("<b>Each article: does it make the claim, and on what?</b>")
        rcol.addWidget(head)
        rcol.addLayout(self.cells)
        plab = QLabel("<b>Passages</b> — choose an article, select words, link them:")
        rcol.addWidget(plab)
        rcol.addWidget(self.passage_article)
        rcol.addWidget(self.article, 1)
        rcol.addWidget(self.passages)
        rcol.addLayout(prow)
        scroll = QScrollArea()
        scroll.setWidget(right)
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (its fields take the focus)
        split = QSplitter()
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(1, 3)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

    # -- loading --------------------------------------------------------------
    def set_doc(self, doc: dict[str, Any], articles: dict[str, Lesson],
                tokens: dict[str, list[tuple[int, int]]]) -> None:
        self.doc, self.articles, self.tokens = doc, articles, tokens
        self.refresh()

    def _cmp(self) -> dict[str, Any]:
        return self.doc.setdefault("comparison", {})

    def _key(self) -> dict[str, Any]:
        return self.doc.setdefault("key", {"cells": [], "verdicts": []})

    def _claims(self) -> list[dict[str, Any]]:
        return self._cmp().setdefault("claims", [])

    def refresh(self, row: int | None = None) -> None:
        """Rebuild the lists from the working copy (articles or dossier may have changed)."""
        keep = self.row if row is None else row
        self.claims.blockSignals(True)
        self.claims.clear()
        for i, c in enumerate(self._claims(), 1):
            self.claims.addItem(f"{i}. {c.get('statement', '')}")
        self.claims.blockSignals(False)
        self._build_cells()
        self.passage_article.blockSignals(True)
        self.passage_article.clear()
        for a in self._cmp().get("articles", []):
            le = self.articles.get(a)
            self.passage_article.addItem(le.title if le else a, a)
        self.passage_article.blockSignals(False)
        self.row = -1
        n = self.claims.count()
        if n:
            self.claims.setCurrentRow(min(max(keep, 0), n - 1))
            self._load(self.claims.currentRow())

    def _build_cells(self) -> None:
        while self.cells.count():
            w = self.cells.takeAt(0).widget()
            if w is not None:  # out of sight at once (deleted once the event is handled)
                w.hide()
                w.deleteLater()
        self.cell_widgets = []
        for col, text in enumerate(("Article", "Support", "Also accept", "Why (for students)")):
            lab = QLabel(f"<i>{text}</i>")
            self.cells.addWidget(lab, 0, col)
        for r, a in enumerate(self._cmp().get("articles", []), 1):
            title = self.articles[a].title if a in self.articles else a
            name = QLabel(title)
            name.setTextFormat(Qt.TextFormat.PlainText)
            name.setWordWrap(True)
            support = QComboBox()
            support.setAccessibleName(f"Support in {title}")
            for s in SUPPORTS:
                support.addItem(CHOICE_WORDS[s], s)
            accept = QLineEdit()
            accept.setAccessibleName(f"Also accepted in {title}")
            accept.setPlaceholderText("e.g. none")
            why = QLineEdit()
            why.setAccessibleName(f"Why, for {title}")
            support.activated.connect(self._on_edit)
            accept.textEdited.connect(self._on_edit)
            why.textEdited.connect(self._on_edit)
            for c, w in enumerate((name, support, accept, why)):
                self.cells.addWidget(w, r, c)
            self.cell_widgets.append((a, support, accept, why))
        self.cells.setColumnStretch(3, 1)

    def _fill_checklist(self, lw: QListWidget, chosen: list[str]) -> None:
        lw.blockSignals(True)
        lw.clear()
        entries = self._cmp().get("dossier", [])
        for e in sorted(entries, key=lambda e: e.get("id") not in chosen):  # chosen first
            it = QListWidgetItem(e.get("title", e.get("id", "")))
            it.setData(ID_ROLE, e.get("id"))
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                        | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if e.get("id") in chosen
                             else Qt.CheckState.Unchecked)
            lw.addItem(it)
        lw.blockSignals(False)

    def _verdict(self, cid: str) -> dict[str, Any]:
        vs = self._key().setdefault("verdicts", [])
        v = next((x for x in vs if x.get("claim") == cid), None)
        if v is None:
            v = {"claim": cid, "verdict": "unsupported", "backing": []}
            vs.append(v)
        return v

    def _cell(self, cid: str, article: str) -> dict[str, Any] | None:
        return next((x for x in self._key().setdefault("cells", [])
                     if x.get("claim") == cid and x.get("article") == article), None)

    def _load(self, row: int) -> None:
        claims = self._claims()
        if not 0 <= row < len(claims):
            return
        self._loading = True
        self.row = row
        c = claims[row]
        self.claim_id.setText(c.get("id", ""))
        self.statement.setText(c.get("statement", ""))
        v = self._verdict(c.get("id", ""))
        self.verdict.setCurrentIndex(max(0, self.verdict.findData(v.get("verdict"))))
        self.verdict_why.setPlainText(v.get("explanation", ""))
        self._fill_checklist(self.backing, v.get("backing", []))
        self._fill_checklist(self.relevant, v.get("relevant", []))
        for a, support, accept, why in self.cell_widgets:
            cell = self._cell(c.get("id", ""), a) or {}
            support.setCurrentIndex(max(0, support.findData(cell.get("support", "absent"))))
            accept.setText(", ".join(cell.get("accept", [])))
            why.setText(cell.get("explanation", ""))
        self._loading = False
        self._show_article()

    # -- committing the form into the working copy --------------------------------
    def commit(self) -> None:
        claims = self._claims()
        if self._loading or not 0 <= self.row < len(claims):
            return
        c = claims[self.row]
        old_id = c.get("id", "")
        new_id = self.claim_id.text().strip()
        c["statement"] = " ".join(self.statement.text().split())
        if new_id != old_id:  # the cells and verdict follow the claim's new id
            for x in self._key().get("cells", []) + self._key().get("verdicts", []):
                if x.get("claim") == old_id:
                    x["claim"] = new_id
            c["id"] = new_id
        v = self._verdict(new_id)
        v["verdict"] = self.verdict.currentData()
        v["explanation"] = self.verdict_why.toPlainText().strip()
        v["backing"] = self._checked(self.backing)
        rel = [x for x in self._checked(self.relevant) if x not in v["backing"]]
        if rel:
            v["relevant"] = rel
        else:
            v.pop("relevant", None)
        cells = [x for x in self._key().get("cells", []) if x.get("claim") != new_id]
        for a, support, accept, why in self.cell_widgets:
            s = support.currentData()
            acc = [x.strip() for x in accept.text().replace(";", ",").split(",") if x.strip()]
            if s == "absent" and not acc and not why.text().strip():
                continue
            d: dict[str, Any] = {"claim": new_id, "article": a, "support": s,
                                 "explanation": why.text().strip()}
            if acc:
                d["accept"] = acc
            cells.append(d)
        self._key()["cells"] = cells
        item = self.claims.item(self.row)
        if item is not None:
            item.setText(f"{self.row + 1}. {c['statement']}")

    @staticmethod
    def _checked(lw: QListWidget) -> list[str]:
        return [lw.item(i).data(ID_ROLE) for i in range(lw.count())
                if lw.item(i).checkState() == Qt.CheckState.Checked]

    def _on_edit(self, *_a: object) -> None:
        if not self._loading:
            self.commit()
            self.changed.emit()

    def _on_claim_row(self, row: int) -> None:
        self.commit()
        self._load(row)

    # -- claims ---------------------------------------------------------------
    def add_claim(self) -> None:
        self.commit()
        ids = {c.get("id") for c in self._claims()}
        n = len(ids) + 1
        while f"claim-{n}" in ids:
            n += 1
        cid = f"claim-{n}"
        self._claims().append({"id": cid, "statement": "Write the claim here."})
        self._verdict(cid)
        self.refresh(len(self._claims()) - 1)
        self.statement.setFocus()
        self.statement.selectAll()
        self.changed.emit()

    def remove_claim(self) -> None:
        claims = self._claims()
        if not 0 <= self.row < len(claims) or len(claims) == 1:
            self.message.emit("A comparison needs at least one claim.")
            return
        cid = claims.pop(self.row).get("id")
        key = self._key()
        key["cells"] = [x for x in key.get("cells", []) if x.get("claim") != cid]
        key["verdicts"] = [x for x in key.get("verdicts", []) if x.get("claim") != cid]
        self.refresh(self.row - 1)
        self.changed.emit()

    def move_claim(self, d: int) -> None:
        self.commit()
        claims = self._claims()
        j = self.row + d
        if 0 <= self.row < len(claims) and 0 <= j < len(claims):
            claims[self.row], claims[j] = claims[j], claims[self.row]
            self.refresh(j)
            self.changed.emit()

    # -- passages -------------------------------------------------------------
    def _current_article(self) -> Lesson | None:
        return self.articles.get(self.passage_article.currentData() or "")

    def _claim_passages(self) -> list[dict[str, Any]]:
        claims = self._claims()
        if not 0 <= self.row < len(claims):
            return []
        return claims[self.row].setdefault("passages", [])

    def _show_article(self) -> None:
        a = self._current_article()
        if a is None:
            self.article.set_article("")
            self.passages.clear()
            return
        if self.article.toPlainText() != a.text:
            self.article.set_article(a.text)
        here = [p for p in self._claim_passages() if p.get("article") == a.id]
        bg = QColor(PASSAGE_TINT[1 if is_dark(self.palette()) else 0])
        self.article.set_marks([Mark(p["start"], p["end"], bg, qt_underline("solid"),
                                     "Passage of this claim") for p in here])
        self.passages.clear()
        for p in here:
            it = QListWidgetItem(f"“{' '.join(p['quote'].split())}”")
            it.setData(ID_ROLE, (p["start"], p["end"]))
            self.passages.addItem(it)

    def link_selection(self) -> None:
        a = self._current_article()
        sel = self.article.selection()
        if a is None or sel is None:
            self.message.emit("Select the words of the passage in the article first.")
            return
        span = snap(a.text, sel[0], sel[1], self.tokens.get(a.id, []))
        if span is None:
            self.message.emit("That selection has no words in it.")
            return
        ps = self._claim_passages()
        if any(p.get("article") == a.id and (p["start"], p["end"]) == span for p in ps):
            return
        ps.append({"article": a.id, "start": span[0], "end": span[1],
                   "quote": a.text[span[0]:span[1]]})
        self._show_article()
        self.changed.emit()

    def remove_passage(self) -> None:
        a = self._current_article()
        it = self.passages.currentItem()
        if a is None or it is None:
            return
        start, end = it.data(ID_ROLE)
        claims = self._claims()
        claims[self.row]["passages"] = [p for p in self._claim_passages()
                                        if (p.get("article"), p["start"], p["end"])
                                        != (a.id, start, end)]
        self._show_article()
        self.changed.emit()

    def _on_passage_current(self, it: QListWidgetItem | None, _prev: object = None) -> None:
        if it is not None and it.data(ID_ROLE):
            self.article.select_range(*it.data(ID_ROLE))
