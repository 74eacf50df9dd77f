"""The comparison editor's Dossier tab: source entries (what a source says, with outlet,
date, title and address) and "who is behind this?" entries for the outlets and authors
of the unit's articles — the same three questions for every one of them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
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

from app.core.compare.model import ENTRY_KIND_WORDS, ENTRY_KINDS
from app.core.lessons import Lesson

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SOURCE_FIELDS = ("outlet", "date", "title", "url")


def sources_text(sources: list[dict[str, str]]) -> str:
    """Citations as lines ``outlet | date | title | address`` (what the form edits)."""
    return "\n".join(" | ".join(s.get(k, "") for k in SOURCE_FIELDS) for s in sources)


def parse_sources(text: str) -> list[dict[str, str]]:
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|", 3)]  # an address may hold "|"
        if not any(parts):
            continue
        parts += [""] * (4 - len(parts))
        out.append({k: v for k, v in zip(SOURCE_FIELDS, parts, strict=True) if v})
    return out


def _text(name: str, lines: int = 3) -> QPlainTextEdit:
    t = QPlainTextEdit()
    t.setAccessibleName(name)
    t.setTabChangesFocus(True)
    t.setMaximumHeight(t.fontMetrics().lineSpacing() * lines + 14)
    return t


class DossierTab(QWidget):
    changed = Signal()
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: dict[str, Any] = {}
        self.articles: dict[str, Lesson] = {}
        self.row = -1
        self._loading = False
        self.entries = QListWidget()
        self.entries.setAccessibleName("Dossier entries")
        self.entries.setWordWrap(True)
        self.entries.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entries.currentRowChanged.connect(self._on_row)
        buttons = QHBoxLayout()
        for text, slot in (("Add source", lambda: self.add("fact")),
                           ("Add outlet", lambda: self.add("outlet")),
                           ("Add author", lambda: self.add("author")),
                           ("Remove", self.remove)):
            b = QPushButton(text)
            b.setAccessibleName("Remove entry" if text == "Remove" else text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        left = QWidget()
        lcol = QVBoxLayout(left)
        lcol.setContentsMargins(0, 0, 0, 0)
        lcol.addWidget(self.entries, 1)
        lcol.addLayout(buttons)

        self.eid = QLineEdit()
        self.eid.setAccessibleName("Entry id")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of entry")
        for k in ENTRY_KINDS:
            self.kind.addItem(ENTRY_KIND_WORDS[k], k)
        self.title = QLineEdit()
        self.title.setAccessibleName("Entry title")
        self.outlet = QLineEdit()
        self.outlet.setAccessibleName("Outlet or institution")
        self.date = QLineEdit()
        self.date.setAccessibleName("Date (YYYY-MM-DD)")
        self.date.setPlaceholderText("YYYY-MM-DD, YYYY-MM or YYYY")
        self.url = QLineEdit()
        self.url.setAccessibleName("Address (shown as text, never opened)")
        self.says = _text("What it says", 4)
        self.name = QLineEdit()
        self.name.setAccessibleName("Name of the outlet or author")
        self.covers = QListWidget()
        self.covers.setAccessibleName("Articles this entry is about")
        self.covers.setMaximumHeight(110)
        self.owner = _text("Who owns or publishes it")
        self.funding = _text("Funding")
        self.track = _text("Track record")
        self.sources = _text("Sources, one a line: outlet | date | title | address", 4)
        self.unconfirmed = _text("What could not be confirmed", 2)
        for w in (self.eid, self.title, self.outlet, self.date, self.url, self.name):
            w.textEdited.connect(self._on_edit)
        for w in (self.says, self.owner, self.funding, self.track, self.sources,
                  self.unconfirmed):
            w.textChanged.connect(self._on_edit)
        self.kind.activated.connect(self._on_kind)
        self.covers.itemChanged.connect(self._on_edit)
        form = self.form = QFormLayout()
        for label, w in (("&Id:", self.eid), ("&Kind:", self.kind), ("&Title:", self.title),
                         ("&Outlet or institution:", self.outlet), ("&Date:", self.date),
                         ("&Address:", self.url), ("What it &says:", self.says),
                         ("&Name:", self.name), ("About the articles:", self.covers),
                         ("Who owns or &publishes it:", self.owner),
                         ("&Funding:", self.funding), ("Track &record:", self.track),
                         ("Sour&ces:", self.sources),
                         ("Not &confirmed:", self.unconfirmed)):
            form.addRow(label, w)
        right = QWidget()
        right.setLayout(form)
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

    def _entries(self) -> list[dict[str, Any]]:
        return self.doc.setdefault("comparison", {}).setdefault("dossier", [])

    def set_doc(self, doc: dict[str, Any], articles: dict[str, Lesson]) -> None:
        self.doc, self.articles = doc, articles
        self.refresh()

    def refresh(self, row: int | None = None) -> None:
        keep = self.row if row is None else row
        self.entries.blockSignals(True)
        self.entries.clear()
        for e in self._entries():
            self.entries.addItem(self._row_text(e))
        self.entries.blockSignals(False)
        self.row = -1
        if self.entries.count():
            self.entries.setCurrentRow(min(max(keep, 0), self.entries.count() - 1))
            self._load(self.entries.currentRow())
        else:
            self._show_kind("fact")

    @staticmethod
    def _row_text(e: dict[str, Any]) -> str:
        flag = "  ⚠ not all confirmed" if e.get("unconfirmed") else ""
        return f"{ENTRY_KIND_WORDS.get(e.get('kind', ''), '?')}: {e.get('title', '')}{flag}"

    def _load(self, row: int) -> None:
        entries = self._entries()
        if not 0 <= row < len(entries):
            return
        self._loading = True
        self.row = row
        e = entries[row]
        self.eid.setText(e.get("id", ""))
        self.kind.setCurrentIndex(max(0, self.kind.findData(e.get("kind"))))
        self.title.setText(e.get("title", ""))
        self.outlet.setText(e.get("outlet", ""))
        self.date.setText(e.get("date", ""))
        self.url.setText(e.get("url", ""))
        self.says.setPlainText(e.get("says", ""))
        self.name.setText(e.get("name", ""))
        self.owner.setPlainText(e.get("owner", ""))
        self.funding.setPlainText(e.get("funding", ""))
        self.track.setPlainText(e.get("track_record", ""))
        self.sources.setPlainText(sources_text(e.get("sources", [])))
        self.unconfirmed.setPlainText(e.get("unconfirmed", ""))
        self.covers.blockSignals(True)
        self.covers.clear()
        for a in self.doc.get("comparison", {}).get("articles", []):
            it = QListWidgetItem(self.articles[a].title if a in self.articles else a)
            it.setData(ID_ROLE, a)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if a in e.get("articles", [])
                             else Qt.CheckState.Unchecked)
            self.covers.addItem(it)
        self.covers.blockSignals(False)
        self._show_kind(e.get("kind", "fact"))
        self._loading = False

    def _show_kind(self, kind: str) -> None:
        fact = kind == "fact"
        for w in (self.outlet, self.date, self.url, self.says):
            self.form.setRowVisible(w, fact)
        for w in (self.name, self.covers, self.owner, self.funding, self.track, self.sources):
            self.form.setRowVisible(w, not fact)

    def commit(self) -> None:
        entries = self._entries()
        if self._loading or not 0 <= self.row < len(entries):
            return
        e = entries[self.row]
        kind = self.kind.currentData()
        new: dict[str, Any] = {"id": self.eid.text().strip(), "kind": kind,
                               "title": " ".join(self.title.text().split())}
        if kind == "fact":
            for k, w in (("outlet", self.outlet), ("date", self.date), ("url", self.url)):
                if w.text().strip():
                    new[k] = w.text().strip()
            new["says"] = self.says.toPlainText().strip()
        else:
            if self.name.text().strip():
                new["name"] = self.name.text().strip()
            arts = [self.covers.item(i).data(ID_ROLE) for i in range(self.covers.count())
                    if self.covers.item(i).checkState() == Qt.CheckState.Checked]
            if arts:
                new["articles"] = arts
            new["owner"] = self.owner.toPlainText().strip()
            new["funding"] = self.funding.toPlainText().strip()
            new["track_record"] = self.track.toPlainText().strip()
            src = parse_sources(self.sources.toPlainText())
            if src:
                new["sources"] = src
        if self.unconfirmed.toPlainText().strip():
            new["unconfirmed"] = self.unconfirmed.toPlainText().strip()
        if new["id"] != e.get("id"):  # verdicts citing it follow the new id
            for v in self.doc.get("key", {}).get("verdicts", []):
                for part in ("backing", "relevant"):
                    v[part] = [new["id"] if x == e.get("id") else x for x in v.get(part, [])]
        entries[self.row] = new
        item = self.entries.item(self.row)
        if item is not None:
            item.setText(self._row_text(new))

    def _on_edit(self, *_a: object) -> None:
        if not self._loading:
            self.commit()
            self.changed.emit()

    def _on_kind(self, _i: int) -> None:
        self._show_kind(self.kind.currentData())
        self._on_edit()

    def _on_row(self, row: int) -> None:
        self.commit()
        self._load(row)

    def add(self, kind: str) -> None:
        self.commit()
        ids = {e.get("id") for e in self._entries()}
        n = len(ids) + 1
        while f"entry-{n}" in ids:
            n += 1
        e: dict[str, Any] = {"id": f"entry-{n}", "kind": kind,
                             "title": "New source" if kind == "fact" else "Who is behind …?"}
        if kind == "fact":
            e["says"] = "What the source says."
        else:
            e.update(owner="", funding="", track_record="")
        self._entries().append(e)
        self.refresh(len(self._entries()) - 1)
        self.title.setFocus()
        self.title.selectAll()
        self.changed.emit()

    def remove(self) -> None:
        entries = self._entries()
        if not 0 <= self.row < len(entries):
            return
        gone = entries.pop(self.row).get("id")
        for v in self.doc.get("key", {}).get("verdicts", []):
            for part in ("backing", "relevant"):
                if part in v:
                    v[part] = [x for x in v[part] if x != gone]
        self.refresh(self.row - 1)
        self.changed.emit()
