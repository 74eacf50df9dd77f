"""The reader: the article, the category toolbar, the Highlights list and the editor
for the selected highlight. Emits ``draft_changed`` (debounced) for autosave."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.draft import Draft
from app.core.lessons import Category, Highlight, Lesson
from app.core.spans import snap
from app.ui.article import ArticleView, Mark
from app.ui.highlights_list import HighlightsView, quote
from app.ui.plain import tip
from app.ui.theme import CategoryStyle, is_dark, styles_for

AUTOSAVE_MS = 300


def changed_ranges(old: Sequence[Highlight], new: Sequence[Highlight]) -> list[tuple[int, int]]:
    diff = set(old) ^ set(new)
    return [(h.start, h.end) for h in diff]


class ReaderPage(QWidget):
    draft_changed = Signal(str, object)  # lesson id, tuple[Highlight, ...]
    submit_requested = Signal(str)
    back_requested = Signal()
    message = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.lesson: Lesson | None = None
        self.draft = Draft()
        self.tokens: list[tuple[int, int]] = []
        self.cats: list[Category] = []
        self.styles: dict[str, CategoryStyle] = {}
        self._selected: Highlight | None = None
        self._save_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._save_timer.timeout.connect(self.flush)
        self._build()

    # -- layout ---------------------------------------------------------------
    def _build(self) -> None:
        self.back_button = QPushButton("← Library")
        self.back_button.setAccessibleName("Back to the lesson library")
        self.back_button.clicked.connect(self._on_back_clicked)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setObjectName("lessonTitle")
        self.title.setWordWrap(True)
        self.source = QLabel()
        self.source.setTextFormat(Qt.TextFormat.PlainText)
        self.source.setObjectName("sourceLine")
        self.instructions = QLabel()
        self.instructions.setTextFormat(Qt.TextFormat.PlainText)
        self.instructions.setObjectName("instructions")
        self.instructions.setWordWrap(True)
        head = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addStretch(1)
        head.addLayout(row)
        head.addWidget(self.title)
        head.addWidget(self.source)
        head.addWidget(self.instructions)

        self.toolbar = QToolBar("Categories")
        self.toolbar.setAccessibleName("Highlight tools")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.article = ArticleView()
        self.article.category_key_pressed.connect(self._on_article_category_key)
        self.article.cursor_moved.connect(self._on_article_cursor_moved)
        self.article.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.article.customContextMenuRequested.connect(self._on_article_context_menu)

        self.remove_action = QAction("Remove highlight", self)
        self.remove_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self._on_remove_triggered)
        self.article.addAction(self.remove_action)
        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("Redo", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.redo_action.triggered.connect(self.redo)
        self.submit_action = QAction("Submit answers", self)
        self.submit_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.submit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.submit_action.triggered.connect(self._on_submit_triggered)
        for a in (self.undo_action, self.redo_action, self.submit_action):
            self.addAction(a)
        self.highlight_actions: list[QAction] = []

        self.list = HighlightsView("Highlights")
        self.list.highlight_chosen.connect(self._on_list_highlight_chosen)
        self.list.delete_pressed.connect(self.remove)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.detail_label = QLabel("Select a highlight to change its category or add a note.")
        self.detail_label.setWordWrap(True)
        self.category_box = QComboBox()
        self.category_box.setAccessibleName("Category of the selected highlight")
        self.category_box.activated.connect(self._on_category_box_activated)
        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName("Note for the selected highlight")
        self.note_edit.setPlaceholderText("Why I think so (optional)")
        self.note_edit.setMaxLength(500)
        self.note_edit.editingFinished.connect(self._on_note_edit_finished)
        self.note_edit.textEdited.connect(self._on_note_edit_edited)
        self.remove_button = QPushButton("Remove highlight")
        self.remove_button.setAccessibleName("Remove the selected highlight")
        self.remove_button.clicked.connect(lambda: self.remove(self._selected))
        self.submit_button = QPushButton("Submit answers…")
        self.submit_button.setObjectName("primary")
        self.submit_button.setAccessibleName("Submit answers")
        self.submit_button.clicked.connect(self.submit_action.trigger)

        side = QVBoxLayout()
        side.addWidget(self.count_label)
        side.addWidget(self.list, 3)
        side.addWidget(self.detail_label)
        side.addWidget(self.category_box)
        side.addWidget(self.note_edit)
        side.addWidget(self.remove_button)
        side.addSpacing(12)
        side.addWidget(self.submit_button)
        side_w = QWidget()
        side_w.setLayout(side)
        side_w.setMinimumWidth(260)

        split = QSplitter()
        split.setChildrenCollapsible(False)
        split.addWidget(self.article)
        split.addWidget(side_w)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([760, 320])

        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(self.toolbar)
        lay.addWidget(split, 1)
        self._show_detail(None)

    # -- loading --------------------------------------------------------------
    def set_lesson(self, lesson: Lesson, categories: dict[str, Category],
                   tokens: list[tuple[int, int]], highlights: Sequence[Highlight]) -> None:
        self.flush()
        self.lesson = lesson
        self.tokens = tokens
        self.cats = [categories.get(c) or Category(c, c) for c in lesson.categories]
        self.styles = styles_for(self.cats)
        self.draft = Draft(highlights)
        self._selected = None
        self.title.setText(lesson.title)
        self.source.setText(lesson.source.line())
        self.source.setVisible(bool(lesson.source.line()))
        self.instructions.setText(lesson.instructions)
        self.instructions.setVisible(bool(lesson.instructions))
        self._build_category_actions()
        dark = is_dark(self.palette())
        self.list.model_.set_context(lesson.text, {c.id: c for c in self.cats},
                                     {k: s.dark if dark else s.light for k, s in self.styles.items()})
        self.category_box.clear()
        for c in self.cats:
            self.category_box.addItem(c.name, c.id)
        self.article.set_article(lesson.text)
        self._refresh(None)
        self.article.setFocus()

    def _build_category_actions(self) -> None:
        for a in self.highlight_actions:
            self.toolbar.removeAction(a)
            self.article.removeAction(a)
            a.deleteLater()
        self.toolbar.clear()
        self.highlight_actions = []
        for i, c in enumerate(self.cats):
            a = QAction(f"Highlight as {c.name}", self)
            a.setToolTip(tip(f"{c.name} ({i + 1}): {c.description}"))
            a.setIconText(f"{i + 1}  {c.name}" if i < 9 else c.name)
            if i < 9:
                a.setShortcut(QKeySequence(str(i + 1)))
                a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            a.setData(c.id)
            a.triggered.connect(lambda _=False, cid=c.id: self.highlight_selection(cid))
            self.article.addAction(a)
            self.toolbar.addAction(a)
            self.highlight_actions.append(a)
            btn = self.toolbar.widgetForAction(a)
            if btn is not None:
                btn.setAccessibleName(f"Highlight as {c.name}")
                st = self.styles[c.id]
                btn.setStyleSheet(
                    f"QToolButton {{ border-bottom: 3px {_css_line(st.underline)} palette(text);"
                    f" background: {st.dark if is_dark(self.palette()) else st.light};"
                    " border-radius: 4px; padding: 4px 10px; margin-right: 6px; color: palette(text); }")
        self.toolbar.addSeparator()
        for a in (self.remove_action, self.undo_action, self.redo_action):
            self.toolbar.addAction(a)

    # -- operations -----------------------------------------------------------
    def highlight_selection(self, label: str) -> Highlight | None:
        if self.lesson is None:
            return None
        sel = self.article.selection()
        if sel is None:
            here = self.draft.at(self.article.cursor_offset())
            if here:
                return self.relabel(here[0], label)
            self.message.emit("Select some words first, then choose a category.")
            return None
        span = snap(self.lesson.text, sel[0], sel[1], self.tokens)
        if span is None:
            self.message.emit("That selection has no words in it.")
            return None
        old = self.draft.highlights
        h = self.draft.add(span[0], span[1], label)
        self._after_change(old, h)
        name = next((c.name for c in self.cats if c.id == label), label)
        self.message.emit(f"Highlighted as {name}: “{quote(self.lesson.text, h, 60)}”")
        return h

    def relabel(self, h: Highlight, label: str) -> Highlight:
        old = self.draft.highlights
        new = self.draft.relabel(h, label)
        self._after_change(old, new)
        return new

    def remove(self, h: Highlight | None) -> None:
        if h is None:
            self.message.emit("There is no highlight here to remove.")
            return
        old = self.draft.highlights
        self.draft.remove(h)
        self._after_change(old, None)
        self.message.emit("Highlight removed. Undo with Ctrl+Z.")

    def set_note(self, h: Highlight, note: str) -> Highlight:
        old = self.draft.highlights
        new = self.draft.set_note(h, note)
        self._after_change(old, new)
        return new

    def undo(self) -> None:
        old = self.draft.highlights
        if self.draft.undo():
            self._after_change(old, None)

    def redo(self) -> None:
        old = self.draft.highlights
        if self.draft.redo():
            self._after_change(old, None)

    def _after_change(self, old: tuple[Highlight, ...], selected: Highlight | None) -> None:
        self._refresh(changed_ranges(old, self.draft.highlights), selected)
        if not self._save_timer.isActive():  # saved at most AUTOSAVE_MS after any change
            self._save_timer.start()

    def flush(self) -> None:
        """Save now (autosave normally waits ``AUTOSAVE_MS`` after the last change)."""
        self._save_timer.stop()
        if self.lesson is not None:
            self.draft_changed.emit(self.lesson.id, self._with_typed_note())

    def _with_typed_note(self) -> tuple[Highlight, ...]:
        """The highlights with the note being typed (not yet confirmed) in place."""
        h, hs = self._selected, self.draft.highlights
        note = self.note_edit.text().strip()
        if h is None or h not in hs or note == h.note:
            return hs
        return tuple(dataclasses.replace(x, note=note) if x == h else x for x in hs)

    def has_pending_save(self) -> bool:
        return self._save_timer.isActive()

    # -- view -----------------------------------------------------------------
    def marks(self) -> list[Mark]:
        dark = is_dark(self.palette())
        out = []
        for h in self.draft.highlights:
            st = self.styles.get(h.label)
            if st is None:
                continue
            tip = st.category.name + (f" — {h.note}" if h.note else "")
            out.append(Mark(h.start, h.end, st.background(dark), st.underline_qt(), tip))
        return out

    def _refresh(self, changed: list[tuple[int, int]] | None,
                 selected: Highlight | None = None) -> None:
        self.article.set_marks(self.marks(), changed)
        self.list.model_.set_highlights(self.draft.highlights)
        n = len(self.draft.highlights)
        self.count_label.setText(f"Your highlights ({n})" if n else
                                 "Your highlights — none yet. Select words and press 1 or 2.")
        self.undo_action.setEnabled(self.draft.can_undo())
        self.redo_action.setEnabled(self.draft.can_redo())
        self._show_detail(selected if selected in self.draft.highlights else None)

    def _show_detail(self, h: Highlight | None) -> None:
        self._selected = h
        on = h is not None
        for w in (self.category_box, self.note_edit, self.remove_button):
            w.setEnabled(on)
        if h is None:
            self.detail_label.setText("Select a highlight to change its category or add a note.")
            self.note_edit.clear()
            self.article.set_focus_mark(0, 0)
            self.list.clearSelection()
            return
        name = next((c.name for c in self.cats if c.id == h.label), h.label)
        assert self.lesson is not None
        self.detail_label.setText(
            f"<b>{html.escape(name)}</b>: “{html.escape(quote(self.lesson.text, h, 80))}”")
        self.category_box.setCurrentIndex(max(0, self.category_box.findData(h.label)))
        if not self.note_edit.hasFocus():
            self.note_edit.setText(h.note)
        self.list.select_highlight(h)
        self.article.set_focus_mark(h.start, h.end)

    # -- slots ----------------------------------------------------------------
    def _on_article_category_key(self, index: int) -> None:
        if 0 <= index < len(self.highlight_actions):
            self.highlight_actions[index].trigger()

    def _on_article_cursor_moved(self, pos: int) -> None:
        if self.article.textCursor().hasSelection():
            return
        here = self.draft.at(pos)
        self._show_detail(here[0] if here else None)

    def _on_list_highlight_chosen(self, h: Highlight) -> None:
        if h is not None:
            self._show_detail(h)

    def _on_category_box_activated(self, i: int) -> None:
        if self._selected is not None:
            self.relabel(self._selected, self.category_box.itemData(i))

    def _on_note_edit_edited(self, _text: str) -> None:
        if not self._save_timer.isActive():  # autosaved like highlights
            self._save_timer.start()

    def _on_note_edit_finished(self) -> None:
        if self._selected is not None and self.note_edit.text() != self._selected.note:
            self.set_note(self._selected, self.note_edit.text().strip())

    def _on_remove_triggered(self) -> None:
        if self.list.hasFocus() and self.list.current_highlight() is not None:
            self.remove(self.list.current_highlight())
            return
        sel = self.article.selection()
        pos = self.article.cursor_offset() if sel is None else sel[0]
        here = self.draft.at(pos)
        if not here and sel is not None:
            here = [h for h in self.draft.highlights if h.start < sel[1] and sel[0] < h.end]
        self.remove(here[0] if here else self._selected)

    def _on_submit_triggered(self) -> None:
        if self.lesson is not None:
            self.flush()
            self.submit_requested.emit(self.lesson.id)

    def _on_back_clicked(self) -> None:
        self.flush()
        self.back_requested.emit()

    def _on_article_context_menu(self, pos) -> None:
        menu = QMenu(self)
        for a in self.highlight_actions:
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.remove_action)
        menu.exec(self.article.viewport().mapToGlobal(pos))


def _css_line(style: str) -> str:
    return {"solid": "solid", "double": "double", "dot": "dotted"}.get(style, "dashed")
