"""The key editor's Suggestions tab: candidate key spans with their reasons in full,
*Accept*, *Accept as optional* and *Reject*, a count that always says what the list
holds, and what the suggestions learned from this instructor's keys (with the way to
forget it). The key editor puts accepted suggestions in the key (``add_to_key``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.core.lessons import KeySpan
from app.core.training import Reviewed
from app.ui.instructor.suggest_worker import SuggestionWorker

ROLE = Qt.ItemDataRole.UserRole + 1
IDLE = ("Suggestions come from spaCy, the lexicons and what they learned from your keys: "
        "accept, adjust or reject each one.")


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their text wrapped to the width Qt paints it in, so no reason is
    ever cut short with "…" (Qt measured the rows without the style sheet's padding
    and elided what did not fit)."""

    # the app's style sheet: QListWidget::item { padding: 6px 4px; border-bottom: 1px }
    PAD_X, PAD_Y, BORDER = 4, 6, 1

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 — Qt's name
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        view = self.parent()
        width = view.viewport().width() if view is not None else 300
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = view.style() if view is not None else None
        margin = (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, opt, view) + 1
                  if style is not None else 3)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        inner = max(60, width - 2 * (self.PAD_X + margin) - 6)  # a little narrower: safe
        rect = opt.fontMetrics.boundingRect(QRect(0, 0, inner, 1_000_000),
                                            int(Qt.TextFlag.TextWordWrap), text)
        return QSize(max(60, width - 2), rect.height() + 2 * self.PAD_Y + self.BORDER + 2)


class SuggestionsPanel(QWidget):
    run_requested = Signal()  # "Suggest spans"
    suggestion_chosen = Signal(object)  # the Suggestion now current (select its words)
    forget_learning_requested = Signal()  # the instructor asks to forget what was learned

    def __init__(self, worker: SuggestionWorker,
                 add_to_key: Callable[[Any, bool], KeySpan | None]) -> None:
        super().__init__()
        self.worker = worker
        self.add_to_key = add_to_key  # (suggestion, required) -> the key span, or None
        self.names: dict[str, str] = {}
        self.accepted: list[Reviewed] = []  # since the key was last saved
        self.rejected: list[Reviewed] = []
        worker.suggestions_ready.connect(self._on_worker_suggestions_ready)
        worker.failed.connect(self._on_worker_failed)
        worker.model_ready.connect(self._on_worker_model_ready)
        worker.learned.connect(self.show_learned)
        self._build()

    def _build(self) -> None:
        self.list = QListWidget()
        self.list.setAccessibleName("Suggestions")
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)  # reasons in full, never "…"
        self.list.setUniformItemSizes(False)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the width never changes under the rows when a scroll bar comes and goes
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setItemDelegate(WrappingDelegate(self.list))
        self.list.setSpacing(1)
        self.list.currentItemChanged.connect(self._on_list_current)
        self.status = QLabel(IDLE)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.detail = QLabel()
        self.detail.setAccessibleName("The chosen suggestion")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # words of the article
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.detail.setObjectName("suggestionDetail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.learned_label = QLabel()
        self.learned_label.setTextFormat(Qt.TextFormat.PlainText)
        self.learned_label.setWordWrap(True)
        self.forget_button = QPushButton("Forget what suggestions learned…")
        self.forget_button.setAccessibleName(
            "Forget what the suggestions learned from your keys")
        self.forget_button.clicked.connect(self.forget_learning_requested.emit)
        run = QPushButton("Suggest spans")
        run.clicked.connect(self.run_requested.emit)
        accept = QPushButton("Accept")
        accept.setAccessibleName("Accept the suggestion")
        accept.clicked.connect(lambda: self.accept_current())
        optional = QPushButton("Accept as optional")
        optional.setAccessibleName("Accept the suggestion as an optional key span")
        optional.clicked.connect(lambda: self.accept_current(required=False))
        reject = QPushButton("Reject")
        reject.setAccessibleName("Reject the suggestion")
        reject.clicked.connect(self.reject_current)
        self.buttons = (accept, optional, reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.status)
        lay.addWidget(run)
        detail = QScrollArea()  # the chosen suggestion in full, scrolled when long
        detail.setWidget(self.detail)
        detail.setWidgetResizable(True)
        detail.setFrameShape(QFrame.Shape.NoFrame)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.list)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        row = QHBoxLayout()
        for b in self.buttons:
            row.addWidget(b)
        lay.addLayout(row)
        lay.addWidget(self.learned_label)
        lay.addWidget(self.forget_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.show_learned({"lessons": 0, "spans": 0})
        self._update_status(None)

    # -- a lesson, a request ------------------------------------------------------------
    def reset(self, names: dict[str, str]) -> None:
        """A new lesson: category names by id; nothing suggested, nothing reviewed."""
        self.names = dict(names)
        self.list.clear()
        self.accepted, self.rejected = [], []
        self._update_status(None)

    def looking(self) -> None:
        self.status.setText("Looking for suggestions…")

    def review(self) -> tuple[list[Reviewed], list[Reviewed]]:
        """The suggestions accepted and rejected since the key was last saved."""
        return list(self.accepted), list(self.rejected)

    def saved(self) -> None:
        """The key is stored, and with it what was accepted and rejected."""
        self.accepted, self.rejected = [], []

    def _on_worker_suggestions_ready(self, rid: int, items: list) -> None:
        if rid != self.worker.latest or not self.names:
            return
        self.fill(items)

    def fill(self, items: list, key: tuple[KeySpan, ...] = ()) -> None:
        self.list.clear()
        for s in items:
            if s.label not in self.names or any(  # already in the key (or overlapping it)
                    k.label == s.label and k.start < s.end and s.start < k.end for k in key):
                continue
            it = QListWidgetItem(self.text_of(s))
            it.setData(ROLE, s)
            self.list.addItem(it)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update_status(len(items))

    def drop_overlapping(self, key: tuple[KeySpan, ...]) -> None:
        """Take out the suggestions the key now covers (a span marked by hand)."""
        for row in reversed(range(self.list.count())):
            s = self.list.item(row).data(ROLE)
            if any(k.label == s.label and k.start < s.end and s.start < k.end for k in key):
                self.list.takeItem(row)
        self._update_status(-1)

    def text_of(self, s: Any) -> str:
        """A suggestion as its row and the detail show it: category, tags, the words,
        the reason in full."""
        tags = [t for t, on in (("optional", not getattr(s, "required", True)),
                                ("learned from your keys", getattr(s, "source", "") == "learned"))
                if on]
        tag = f" ({', '.join(tags)})" if tags else ""
        return f"{self.names.get(s.label, s.label)}{tag}: “{s.quote}”\n{s.reason}"

    def _update_status(self, found: int | None) -> None:
        """The count says what the list holds now, after every accept and reject."""
        n = self.list.count()
        for b in self.buttons:
            b.setEnabled(n > 0)
        if n == 0:
            self.detail.setText("")
        if found is None and n == 0:
            self.status.setText(IDLE)
            return
        notice = self.worker.notice or ""
        if n == 0:
            text = "No suggestions left to review." if found else "No suggestions for this text."
        else:
            text = (f"{n} suggestion{'s' * (n != 1)} to review. Nothing enters the key until "
                    "you accept it.")
        self.status.setText(f"{text} {notice}".strip())

    def show_learned(self, counts: dict) -> None:
        lessons, spans = int(counts.get("lessons", 0)), int(counts.get("spans", 0))
        if spans or lessons:
            self.learned_label.setText(
                f"Suggestions also learn from your keys: {spans} key span"
                f"{'s' * (spans != 1)} and verdicts in {lessons} lesson"
                f"{'s' * (lessons != 1)}, kept on this computer only.")
        else:
            self.learned_label.setText("Suggestions learn from your keys each time you save "
                                       "one (kept on this computer only).")
        self.forget_button.setEnabled(bool(spans or lessons))

    def _on_worker_failed(self, rid: int, msg: str) -> None:
        if rid == self.worker.latest:
            self.status.setText(f"Suggestions failed: {msg}")

    def _on_worker_model_ready(self, notice: str) -> None:
        if notice:
            self.status.setText(notice)

    # -- verdicts -----------------------------------------------------------------------
    def accept_current(self, required: bool = True) -> KeySpan | None:
        """Put the chosen suggestion in the key (``required`` False: as optional; a
        suggestion offered as optional stays optional)."""
        it = self.list.currentItem()
        if it is None:
            return None
        s = it.data(ROLE)
        k = self.add_to_key(s, required and getattr(s, "required", True))
        if k is not None:
            self.accepted.append(Reviewed(k.start, k.end, k.label, getattr(s, "cue", "")))
            self.list.takeItem(self.list.row(it))
            self._update_status(-1)
        return k

    def reject_current(self) -> None:
        it = self.list.currentItem()
        if it is not None:
            s = it.data(ROLE)
            self.rejected.append(Reviewed(s.start, s.end, s.label, getattr(s, "cue", "")))
            self.list.takeItem(self.list.row(it))
            self._update_status(-1)

    def _on_list_current(self, it: QListWidgetItem | None, _prev: Any = None) -> None:
        if it is None:
            self.detail.setText("")
            return
        s = it.data(ROLE)
        self.detail.setText(self.text_of(s))
        self.suggestion_chosen.emit(s)
