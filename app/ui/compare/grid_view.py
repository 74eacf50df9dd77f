"""The grid as a table: arrows move between cells, a digit sets a cell's answer (1
named, 2 unnamed, 3 no source, 4 contradicts, 5 not in it; in the Verdict column 1–4
the verdicts), Delete clears it, Return or F2 opens a list of the choices, and Return on
the Evidence column goes to the dossier checklist. Headers are real row and column
headers, so screen readers speak the claim and the article with each cell."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.core.compare.model import CHOICE_WORDS, VERDICT_WORDS
from app.ui import announce as a11y
from app.ui.compare.grid_model import GridModel

Index = QModelIndex | QPersistentModelIndex
# the order of the digits and of the editor's list
CELL_KEYS = ("named", "unnamed", "none", "against", "absent")
VERDICT_KEYS = ("confirmed", "contested", "unsupported", "contradicted")
HELP = ("Arrows move between cells. In an article's column: 1 named source, 2 unnamed "
        "source, 3 no source, 4 contradicts it, 5 does not mention it. In the Verdict "
        "column: 1 confirmed, 2 contested, 3 unsupported, 4 contradicted. Delete clears a "
        "cell; Return opens the list of choices; Return in the Evidence column goes to "
        "the dossier checklist.")


def cell_choices(model: GridModel, col: int) -> list[tuple[str, str]]:
    """(value, words) offered in a column, in digit order ("" clears)."""
    if col == model.verdict_column():
        return [("", "— no verdict yet")] + [
            (v, f"{i}  {VERDICT_WORDS[v]}") for i, v in enumerate(VERDICT_KEYS, 1)]
    extra = [("makes", CHOICE_WORDS["makes"])]  # the prefill's value, if it is there
    return [("", "— not answered")] + [
        (c, f"{i}  {CHOICE_WORDS[c]}") for i, c in enumerate(CELL_KEYS, 1)] + extra


def fit_rows(view: QTableView) -> None:
    """Each row of a claims × articles table as tall as its claim wrapped in the row
    header or its tallest cell wrapped in its column, at least two lines."""
    model = view.model()
    if model is None:
        return
    fm = view.fontMetrics()
    v = view.verticalHeader()
    flags = int(Qt.TextFlag.TextWordWrap)
    for row in range(model.rowCount()):
        text = str(model.headerData(row, Qt.Orientation.Vertical) or "")
        need = fm.boundingRect(QRect(0, 0, v.width() - 16, 10_000), flags, text).height()
        v.resizeSection(row, max(need + 14, fm.lineSpacing() * 2 + 14, view.sizeHintForRow(row)))


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box of the column's choices as the cell's editor."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        model = index.model()
        assert isinstance(model, GridModel)
        box = QComboBox(parent)
        box.setAccessibleName(f"Answer for {model.headerData(index.row(), Qt.Orientation.Vertical)}"
                              f", {model.headerData(index.column(), Qt.Orientation.Horizontal)}")
        for value, words in cell_choices(model, index.column()):
            box.addItem(words, value)
        # a choice made in the list is the answer at once (no second Return needed)
        box.activated.connect(lambda _i: (self.commitData.emit(box), self.closeEditor.emit(box)))
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, box, box.showPopup)  # (never after the editor is gone)
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        model = index.model()
        assert isinstance(model, GridModel) and isinstance(editor, QComboBox)
        claim = model.claim_at(index.row())
        art = model.article_at(index.column())
        value = (model.grid.choice(claim, art) if art is not None
                 else model.grid.verdict(claim).verdict)
        editor.setCurrentIndex(max(0, editor.findData(value)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: Index) -> None:
        assert isinstance(model, GridModel) and isinstance(editor, QComboBox)
        value = editor.currentData() or ""
        if index.column() == model.verdict_column():
            model.set_verdict(index.row(), value)
        else:
            model.set_choice(index.row(), index.column(), value)


class GridView(QTableView):
    evidence_requested = Signal(int)  # row: go to the dossier checklist for that claim
    claim_changed = Signal(int)  # the current row changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Claims grid")
        self.setAccessibleDescription(HELP)
        self.setItemDelegate(ChoiceDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setWordWrap(True)
        self.setTabKeyNavigation(False)  # Tab leaves the grid; arrows move inside it
        self.setCornerButtonEnabled(False)
        h = self.horizontalHeader()
        h.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                              | Qt.TextFlag.TextWordWrap)
        h.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        h.setMinimumSectionSize(90)
        v = self.verticalHeader()
        v.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                              | Qt.TextFlag.TextWordWrap)
        v.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

    def grid_model(self) -> GridModel:
        m = self.model()
        assert isinstance(m, GridModel)
        return m

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802
        super().setModel(model)
        if model is not None:
            self.selectionModel().currentChanged.connect(self._on_current_changed)
            model.dataChanged.connect(lambda *_: self.fit_rows())

    def fit_headers(self) -> None:
        """The claims' column about a third of the width; each row as tall as its claim
        wrapped there (at least two lines: a target easy to hit); both grow with the font."""
        fm = self.fontMetrics()
        em = fm.horizontalAdvance("m")
        v = self.verticalHeader()
        width = max(14 * em, min(24 * em, self.width() // 4))
        v.setFixedWidth(width)
        self.horizontalHeader().setFixedHeight(fm.lineSpacing() * 3 + 12)
        model = self.model()
        if model is None:
            return
        h = self.horizontalHeader()
        for col in range(model.columnCount()):  # the verdict's words are never cut short
            last_two = col >= model.columnCount() - 2
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents if last_two
                                   else QHeaderView.ResizeMode.Stretch)
        self.fit_rows()

    def fit_rows(self) -> None:
        fit_rows(self)

    def resizeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().resizeEvent(e)
        self.fit_headers()

    def changeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().changeEvent(e)
        from PySide6.QtCore import QEvent

        if e.type() == QEvent.Type.FontChange:
            self.fit_headers()

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        idx = self.currentIndex()
        model = self.model()
        if not idx.isValid() or not isinstance(model, GridModel):
            super().keyPressEvent(e)
            return
        col, row = idx.column(), idx.row()
        key, text = e.key(), e.text()
        if col == model.evidence_column() and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter,
                                                      Qt.Key.Key_Space):
            self.evidence_requested.emit(row)
            return
        if not model.editable or e.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                  | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(e)
            return
        choices = VERDICT_KEYS if col == model.verdict_column() else CELL_KEYS
        if text.isdigit() and 1 <= int(text) <= len(choices) and col < model.evidence_column():
            self._set(row, col, choices[int(text) - 1])
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and col < model.evidence_column():
            self._set(row, col, "")
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and col < model.evidence_column():
            self.edit(idx)
            return
        super().keyPressEvent(e)

    def _set(self, row: int, col: int, value: str) -> None:
        model = self.grid_model()
        if col == model.verdict_column():
            model.set_verdict(row, value)
        else:
            model.set_choice(row, col, value)
        a11y.announce(self, str(model.data(model.index(row, col),
                                           Qt.ItemDataRole.AccessibleTextRole)))

    def _on_current_changed(self, cur: QModelIndex, prev: QModelIndex) -> None:
        if cur.isValid() and (not prev.isValid() or cur.row() != prev.row()):
            self.claim_changed.emit(cur.row())
