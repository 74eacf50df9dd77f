"""Beside the grid: the chosen claim's verdict, the dossier as a checklist (tick the
entries your verdict rests on), and the chosen entry in full. The dossier is browsable
here at any time; nothing in it is ever fetched."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.compare.model import ENTRY_KIND_WORDS, VERDICT_WORDS, Comparison, DossierEntry
from app.ui.compare.grid_view import VERDICT_KEYS

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def entry_row(e: DossierEntry) -> str:
    """An entry's row: what it is, its title, and where it comes from."""
    where = " · ".join(x for x in (e.outlet, e.date) if x) if e.kind == "fact" else e.name
    return f"{ENTRY_KIND_WORDS[e.kind]}: {e.title}" + (f"\n{where}" if where else "")


class EvidencePanel(QWidget):
    claim_chosen = Signal(int)  # row: the claim picked here (the grid follows)
    verdict_chosen = Signal(int, str)  # row, verdict ("" = none)
    backing_changed = Signal(int, object)  # row, tuple of entry ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cmp: Comparison | None = None
        self.row = -1
        self.editable = True
        self.heading = QComboBox()  # the claim judged here (the panel works on its own)
        self.heading.setAccessibleName("Claim to judge")
        self.heading.activated.connect(lambda i: self.claim_chosen.emit(i))
        self.verdict = QComboBox()
        self.verdict.setAccessibleName("Verdict on the claim")
        self.verdict.addItem("— no verdict yet", "")
        for i, v in enumerate(VERDICT_KEYS, 1):
            self.verdict.addItem(f"{i}  {VERDICT_WORDS[v]}", v)
        self.verdict.activated.connect(self._on_verdict)
        self.dossier = QListWidget()
        self.dossier.setAccessibleName("Dossier: tick the entries your verdict rests on")
        self.dossier.setWordWrap(True)
        self.dossier.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.dossier.itemChanged.connect(self._on_item_changed)
        self.dossier.currentItemChanged.connect(self._on_current_entry)
        self.entry = QPlainTextEdit()
        self.entry.setReadOnly(True)
        self.entry.setAccessibleName("Dossier entry")
        self.entry.setTabChangesFocus(True)
        self.explain = QPlainTextEdit()  # feedback mode: the key's reasons for this claim
        self.explain.setReadOnly(True)
        self.explain.setAccessibleName("Feedback on this claim")
        self.explain.setTabChangesFocus(True)
        self.explain.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        self.explain.setVisible(False)
        lab_c = QLabel("C&laim:")
        lab_c.setBuddy(self.heading)
        lab_v = QLabel("&Verdict:")
        lab_v.setBuddy(self.verdict)
        lab_d = QLabel("&Dossier — which entries back your verdict?")
        lab_d.setWordWrap(True)
        lab_d.setBuddy(self.dossier)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 0, 0, 0)
        lay.addWidget(lab_c)
        lay.addWidget(self.heading)
        lay.addWidget(self.explain, 2)
        lay.addWidget(lab_v)
        lay.addWidget(self.verdict)
        lay.addWidget(lab_d)
        lay.addWidget(self.dossier, 2)
        lay.addWidget(self.entry, 1)

    def set_comparison(self, cmp: Comparison, editable: bool) -> None:
        self.cmp = cmp
        self.editable = editable
        self.verdict.setEnabled(editable)
        self.heading.clear()
        for i, c in enumerate(cmp.claims, 1):
            self.heading.addItem(f"{i}. {c.statement}")
        self.dossier.blockSignals(True)
        self.dossier.clear()
        for e in cmp.dossier:
            it = QListWidgetItem(entry_row(e))
            it.setData(ID_ROLE, e.id)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if editable:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            it.setFlags(flags)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.dossier.addItem(it)
        self.dossier.blockSignals(False)
        if self.dossier.count():
            self.dossier.setCurrentRow(0)

    def show_claim(self, row: int, verdict: str, backing: Sequence[str],
                   explanation: str = "", key_backing: Sequence[str] = ()) -> None:
        """The panel for claim ``row``: the student's verdict and the entries cited."""
        if self.cmp is None or not 0 <= row < len(self.cmp.claims):
            return
        self.row = row
        claim = self.cmp.claims[row]
        self.heading.setCurrentIndex(row)
        self.heading.setToolTip(claim.statement)
        self.verdict.setAccessibleName(f"Verdict on claim {row + 1}")
        self.verdict.setCurrentIndex(max(0, self.verdict.findData(verdict)))
        self.dossier.blockSignals(True)
        for i in range(self.dossier.count()):
            it = self.dossier.item(i)
            eid = it.data(ID_ROLE)
            on = eid in backing
            it.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            e = self.cmp.entry(eid)
            if e is not None:  # feedback: which entries the key's verdict rests on
                it.setText(entry_row(e) + ("\n🔑 the key's verdict rests on it"
                                           if eid in key_backing else ""))
        self.dossier.blockSignals(False)
        self.explain.setPlainText(explanation)
        self.explain.setVisible(bool(explanation))

    def cited(self) -> tuple[str, ...]:
        return tuple(self.dossier.item(i).data(ID_ROLE) for i in range(self.dossier.count())
                     if self.dossier.item(i).checkState() == Qt.CheckState.Checked)

    def _on_verdict(self, _i: int) -> None:
        if self.row >= 0 and self.editable:
            self.verdict_chosen.emit(self.row, self.verdict.currentData() or "")

    def _on_item_changed(self, _it: QListWidgetItem) -> None:
        if self.row >= 0 and self.editable:
            self.backing_changed.emit(self.row, self.cited())

    def _on_current_entry(self, it: QListWidgetItem | None, _prev: object = None) -> None:
        e = self.cmp.entry(it.data(ID_ROLE)) if (it is not None and self.cmp) else None
        self.entry.setPlainText(e.text() if e else "")
