"""The reader: the article, the category toolbar, the Highlights list and the editor
for the selected highlight. Emits ``draft_changed`` (debounced) for autosave."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.draft import Draft
from app.core.lessons import Category, Highlight, Lesson
from app.core.spans import snap
from app.ui import announce as a11y
from app.ui.article import ArticleView, Mark
from app.ui.highlights_list import HighlightsView, diff, quote
from app.ui.plain import tip
from app.ui.scrolling import vertical_scroller
from app.ui.theme import CategoryStyle, is_dark, pen_style, styles_for

AUTOSAVE_MS = 300


def changed_ranges(old: Sequence[Highlight], new: Sequence[Highlight]) -> list[tuple[int, int]]:
    diff = set(old) ^ set(new)
    return [(h.start, h.end) for h in diff]


class CategoryButton(QToolButton):
    """A category's toolbar button, underlined in that category's own style (dashed,
    wavy, dotted, …) exactly as its highlights are in the article."""

    def __init__(self, action: QAction, style: CategoryStyle, dark: bool) -> None:
        super().__init__()
        self.underline = style.underline
        self.setDefaultAction(action)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setAccessibleName(action.text())
        self.setStyleSheet(
            f"QToolButton {{ background: {style.dark if dark else style.light};"
            " border: 1px solid palette(mid); border-radius: 4px;"
            " padding: 4px 10px 9px 10px; margin-right: 6px; color: palette(text); }")

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(e)
        fm = self.fontMetrics()
        width = fm.horizontalAdvance(self.text())
        x0 = (self.width() - width) / 2
        y = self.height() - 6.5
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().color(self.foregroundRole()), 1.6)
        if self.underline == "wave":
            path, step = QPainterPath(QPointF(x0, y)), 3.0
            k, x = 0, x0
            while x < x0 + width:
                x += step
                k += 1
                path.lineTo(QPointF(x, y + (1.6 if k % 2 else -1.6)))
            p.setPen(pen)
            p.drawPath(path)
        else:
            pen.setStyle(pen_style(self.underline))
            p.setPen(pen)
            p.drawLine(QPointF(x0, y), QPointF(x0 + width, y))
        p.end()


class ReaderPage(QWidget):
    draft_changed = Signal(str, object)  # lesson id, tuple[Highlight, ...]
    submit_requested = Signal(str)
    back_requested = Signal()
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson: Lesson | None = None
        self.draft = Draft()
        self._saved_typed: tuple[Highlight, ...] | None = None  # a typed note, saved
        self.tokens: list[tuple[int, int]] = []
        self.cats: list[Category] = []
        self.styles: dict[str, CategoryStyle] = {}
        self._selected: Highlight | None = None
        self._marks: dict[Highlight, Mark] = {}
        self._active = True  # the reader is the page on screen (Edit menu actions)
        self._caret_in: Highlight | None = None  # the highlight last announced at the caret
        self._save_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._save_timer.timeout.connect(self.flush)
        self._build()

    # -- layout ---------------------------------------------------------------
    def _build(self) -> None:
        self.setAccessibleName("Reader")
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
        row = QHBoxLayout()  # one row: at 200 % text the height goes to the article
        row.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.title, 1)
        head.addLayout(row)
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
        self.list.highlight_activated.connect(self._on_list_highlight_activated)
        self.list.delete_pressed.connect(self.remove)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.count_label.setWordWrap(True)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label = QLabel("Select a highlight to change its category or add a note.")
        self.detail_label.setWordWrap(True)
        self.category_box = QComboBox()
        self.category_box.setAccessibleName("Category of the selected highlight")
        self.category_box.activated.connect(self._on_category_box_activated)
        self.category_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.category_box.setMinimumContentsLength(8)  # (the longest name's, once known)
        # visible labels, buddies of their fields: a screen reader names the combo box by
        # its label (on Linux its accessible name is its current text)
        self.category_label = QLabel("&Category:")
        self.category_label.setBuddy(self.category_box)
        self.note_label = QLabel("N&ote:")
        self.note_edit = QLineEdit()
        self.note_label.setBuddy(self.note_edit)
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
        # each label above its field: the field gets the panel's whole width (at 200 %
        # text the category box beside its label showed "Loaded langua")
        side.addWidget(self.category_label)
        side.addWidget(self.category_box)
        side.addWidget(self.note_label)
        side.addWidget(self.note_edit)
        side.addWidget(self.remove_button)
        side.setContentsMargins(0, 0, 4, 0)
        side_w = QWidget()
        side_w.setLayout(side)
        # the side panel scrolls when the text is large (200 %) rather than squeezing
        # the Highlights list below a few rows (its minimum size keeps three)
        side_scroll = vertical_scroller(side_w)
        side_scroll.setMinimumWidth(260)
        self.side_panel = side_scroll
        # Submit stays in view below the panel, whatever the text size and the screen
        # (at 200 % text on 1366×768 the panel had to be scrolled to reach it)
        side_col = QWidget()
        col = QVBoxLayout(side_col)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(side_scroll, 1)
        col.addWidget(self.submit_button)

        split = QSplitter()
        split.setChildrenCollapsible(False)
        split.addWidget(self.article)
        split.addWidget(side_col)
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
        self._caret_in = None
        self.title.setText(lesson.title)
        self.source.setText(lesson.source.credit())
        self.instructions.setText(lesson.instructions)
        self.instructions.setVisible(bool(lesson.instructions))
        self.setAccessibleName(f"Reader: {lesson.title}")
        self._build_category_actions()
        dark = is_dark(self.palette())
        self.list.model_.set_context(lesson.text, {c.id: c for c in self.cats},
                                     {k: s.dark if dark else s.light for k, s in self.styles.items()})
        self.category_box.clear()
        for c in self.cats:
            self.category_box.addItem(c.name, c.id)
        self.category_box.setMinimumContentsLength(
            min(30, max((len(c.name) for c in self.cats), default=8)))
        self.article.set_article(lesson.text)
        self._marks = {}
        self.article.set_marks(self._marks_for(self.draft.highlights))
        self.list.model_.set_highlights(self.draft.highlights)
        self._refresh_state(None)
        if self.isVisible():  # (a hidden widget given the focus takes it, unseen)
            self.article.setFocus()

    def opening_message(self, note: str = "") -> str:
        """What a screen reader says as the article takes the focus: which lesson, what
        kind of attempt (``note``: "Assessment: …", "Attempt 2 — practice …"), what to do."""
        if self.lesson is None:
            return ""
        n = len(self.draft.highlights)
        keys = " or ".join(str(i + 1) for i in range(min(len(self.cats), 9))) or "a number"
        parts = [f"Lesson opened: {self.lesson.title}.", note, self.lesson.instructions,
                 f"You have {n} highlight{'s' * (n != 1)}." if n else "",
                 f"Select words with Shift and the arrow keys, then press {keys}."]
        return " ".join(p.strip() for p in parts if p.strip())

    def announce_opened(self, note: str = "") -> None:
        """Say which lesson is open and what to do: as a change of the article's
        description (call once it has the focus), and as an announcement."""
        message = self.opening_message(note)
        a11y.notify(self.article, message)
        self.article.present_result(message)

    def _build_category_actions(self) -> None:
        for a in self.highlight_actions:
            self.article.removeAction(a)
            a.deleteLater()
        self.toolbar.clear()
        self.highlight_actions = []
        self.category_buttons: list[CategoryButton] = []
        dark = is_dark(self.palette())
        for i, c in enumerate(self.cats):
            a = QAction(f"Highlight as {c.name}", self)
            a.setToolTip(tip(f"{c.name} ({i + 1}): {c.description}"))
            a.setIconText(f"{i + 1}  {c.name}" if i < 9 else c.name)
            if i < 9:
                a.setShortcut(QKeySequence(str(i + 1)))
                a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            a.setData(c.id)
            a.setEnabled(self._active)
            a.triggered.connect(lambda _=False, cid=c.id: self.highlight_selection(cid))
            self.article.addAction(a)
            btn = CategoryButton(a, self.styles[c.id], dark)
            self.toolbar.addWidget(btn)
            self.highlight_actions.append(a)
            self.category_buttons.append(btn)
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
            self._say("Select some words first, then choose a category.")
            return None
        span = snap(self.lesson.text, sel[0], sel[1], self.tokens)
        if span is None:
            self._say("That selection has no words in it.")
            return None
        old = self.draft.highlights
        h = self.draft.add(span[0], span[1], label)
        # the student's raw selection would cover the new highlight: what shows from
        # now on is the highlight, snapped to whole words
        self.article.clear_selection()
        self._caret_in = h
        self._after_change(old, h)
        self._say(f"Highlighted as {self._name(label)}: “{quote(self.lesson.text, h, 60)}”")
        return h

    def relabel(self, h: Highlight, label: str) -> Highlight:
        old = self.draft.highlights
        new = self.draft.relabel(h, label)
        self._after_change(old, new)
        if new != h and self.lesson is not None:
            self._say(f"Now {self._name(label)}: “{quote(self.lesson.text, new, 60)}”")
        return new

    def remove(self, h: Highlight | None) -> None:
        if h is None:
            self._say("There is no highlight here to remove.")
            return
        old = self.draft.highlights
        self.draft.remove(h)
        self._after_change(old, None)
        assert self.lesson is not None
        self._say(f"Removed the {self._name(h.label)} highlight “{quote(self.lesson.text, h, 60)}”."
                  " Undo with Ctrl+Z.")

    def set_note(self, h: Highlight, note: str) -> Highlight:
        old = self.draft.highlights
        new = self.draft.set_note(h, note)
        self._after_change(old, new)
        return new

    def undo(self) -> None:
        old = self.draft.highlights
        if self.draft.undo():
            self._after_change(old, self._changed_to(old))
            self._say("Undone: " + self._describe_change(old, self.draft.highlights))
        else:
            self._say("Nothing to undo.")

    def redo(self) -> None:
        old = self.draft.highlights
        if self.draft.redo():
            self._after_change(old, self._changed_to(old))
            self._say("Redone: " + self._describe_change(old, self.draft.highlights))
        else:
            self._say("Nothing to redo.")

    def _changed_to(self, old: tuple[Highlight, ...]) -> Highlight | None:
        """After undo or redo: the highlight that came back, else the one at the caret."""
        came = set(self.draft.highlights) - set(old)
        if came:
            return min(came, key=lambda h: (h.start, h.end))
        here = self.draft.at(self.article.cursor_offset())
        return here[0] if here else None

    def _describe_change(self, old: tuple[Highlight, ...], new: tuple[Highlight, ...]) -> str:
        assert self.lesson is not None
        gone, came = set(old) - set(new), set(new) - set(old)
        if len(gone) == 1 and len(came) == 1:
            (a,), (b,) = gone, came
            if a.label != b.label:
                return f"{self._name(b.label)} again: “{quote(self.lesson.text, b, 60)}”."
            if a.note != b.note:
                return f"note of “{quote(self.lesson.text, b, 60)}”."
        if came and not gone:
            return "; ".join(f"{self._name(h.label)} highlight “{quote(self.lesson.text, h, 60)}” "
                             "is back" for h in sorted(came, key=lambda h: h.start)[:3]) + "."
        if gone and not came:
            return "; ".join(f"{self._name(h.label)} highlight “{quote(self.lesson.text, h, 60)}” "
                             "removed" for h in sorted(gone, key=lambda h: h.start)[:3]) + "."
        n = len(new)
        return f"{n} highlight{'s' * (n != 1)} now."

    def _after_change(self, old: tuple[Highlight, ...], selected: Highlight | None) -> None:
        new = self.draft.highlights
        if self._caret_in not in new:  # gone: coming back (Undo) is news again
            self._caret_in = None
        _, gone, came = diff(old, new)  # sorted states: only the changed stretch
        removed = [self._marks.pop(h) for h in gone if h in self._marks]
        added = self._marks_for(came)
        self.article.update_marks(removed, added)
        self.list.model_.set_highlights(new)
        self._refresh_state(selected)
        if not self._save_timer.isActive():  # saved at most AUTOSAVE_MS after any change
            self._save_timer.start()

    def flush(self) -> None:
        """Save now, if anything is unsaved (autosave normally waits ``AUTOSAVE_MS``)."""
        self._save_timer.stop()
        if self.lesson is None:
            return
        hs = self._with_typed_note()
        typed = hs is not self.draft.highlights
        if self.draft.unsaved or (typed and hs != self._saved_typed):
            self.draft.mark_saved()
            self._saved_typed = hs if typed else None
            self.draft_changed.emit(self.lesson.id, hs)

    def _with_typed_note(self) -> tuple[Highlight, ...]:
        """The highlights with the note being typed (not yet confirmed) in place."""
        h, hs = self._selected, self.draft.highlights
        note = self.note_edit.text().strip()
        if h is None or h not in hs or note == h.note:
            return hs
        return tuple(dataclasses.replace(x, note=note) if x == h else x for x in hs)

    def has_pending_save(self) -> bool:
        return self._save_timer.isActive()

    def set_active(self, active: bool) -> None:
        """Whether the reader is the page on screen: its Edit menu actions are enabled
        only then (they look and are disabled on the library and the feedback)."""
        self._active = active
        self._update_actions()

    # -- view -----------------------------------------------------------------
    def marks(self) -> list[Mark]:
        return self._marks_for(self.draft.highlights)

    def _marks_for(self, hs: Sequence[Highlight]) -> list[Mark]:
        dark = is_dark(self.palette())
        out = []
        for h in hs:
            m = self._marks.get(h)
            if m is None:
                st = self.styles.get(h.label)
                if st is None:
                    continue
                tip = st.category.name + (f" — {h.note}" if h.note else "")
                m = self._marks[h] = Mark(h.start, h.end, st.background(dark), st.underline_qt(),
                                          tip)
            out.append(m)
        return out

    def _refresh(self, changed: list[tuple[int, int]] | None,
                 selected: Highlight | None = None) -> None:
        """Paint everything again (a new palette); changes go through ``_after_change``."""
        self._marks = {}
        self.article.set_marks(self.marks(), changed)
        self.list.model_.set_highlights(self.draft.highlights)
        self._refresh_state(selected)

    def _refresh_state(self, selected: Highlight | None) -> None:
        n = len(self.draft.highlights)
        keys = " or ".join(str(i + 1) for i in range(min(len(self.cats), 9))) or "a number"
        self.count_label.setText(f"Your highlights ({n})" if n else
                                 f"Your highlights — none yet. Select words and press {keys}.")
        self._update_actions()
        self._show_detail(selected if selected in self.draft.highlights else None)
        if not self.article.hasFocus():  # (with the focus, the action's result follows)
            self._rest_description()

    def _rest_description(self) -> None:
        """The article's description: the highlight at the caret, else nothing."""
        here = self.draft.at(self.article.cursor_offset()) if self.lesson else []
        self.article.rest(self._caret_words(here[0]) if here else "")

    def _caret_words(self, h: Highlight) -> str:
        assert self.lesson is not None
        return (f"{self._name(h.label)}: “{quote(self.lesson.text, h, 80)}”"
                + (f" — note: {h.note}" if h.note else ""))

    def _update_actions(self) -> None:
        on = self._active and self.lesson is not None
        self.undo_action.setEnabled(on and self.draft.can_undo())
        self.redo_action.setEnabled(on and self.draft.can_redo())
        self.remove_action.setEnabled(on and bool(self.draft.highlights))
        self.submit_action.setEnabled(on)
        for a in self.highlight_actions:
            a.setEnabled(on)

    def _show_detail(self, h: Highlight | None) -> None:
        self._selected = h
        on = h is not None
        for w in (self.category_box, self.note_edit, self.remove_button, self.category_label,
                  self.note_label):
            w.setEnabled(on)
        if h is None:
            self.detail_label.setText("Select a highlight to change its category or add a note.")
            self.note_edit.clear()
            self.note_edit.setPlaceholderText("")  # nothing to type into
            self.article.set_focus_mark(0, 0)
            self.list.clearSelection()
            return
        self.note_edit.setPlaceholderText("Why I think so (optional)")
        assert self.lesson is not None
        self.detail_label.setText(
            f"<b>{html.escape(self._name(h.label))}</b>: "
            f"“{html.escape(quote(self.lesson.text, h, 80))}”")
        self.category_box.setCurrentIndex(max(0, self.category_box.findData(h.label)))
        if not self.note_edit.hasFocus():
            self.note_edit.setText(h.note)
        self.list.select_highlight(h)
        self.article.set_focus_mark(h.start, h.end)

    def _name(self, label: str) -> str:
        return next((c.name for c in self.cats if c.id == label), label)

    def _say(self, text: str) -> None:
        """The status bar, and the screen reader."""
        self.message.emit(text)
        a11y.announce(self.article, text)

    # -- slots ----------------------------------------------------------------
    def _on_article_category_key(self, index: int) -> None:
        if 0 <= index < len(self.highlight_actions):
            self.highlight_actions[index].trigger()

    def _on_article_cursor_moved(self, pos: int) -> None:
        if self.article.textCursor().hasSelection():
            return
        here = self.draft.at(pos)
        h = here[0] if here else None
        self._show_detail(h)
        if h != self._caret_in and self.lesson is not None:
            # highlights are layout formats, invisible in the text's attributes: say them
            # when the caret enters one (the focused article's description changes: Orca
            # reads it), keep them there while the caret is inside; leaving is silent
            if h is not None:
                said = self._caret_words(h)
                if self.article.hasFocus():
                    a11y.announce(self.article, said)
                self.article.rest(said)
            else:
                self.article.rest("")
        elif self.article.transient and h is None:
            self.article.rest("")  # an action's result is old news once the caret moves on
        self._caret_in = h

    def _on_list_highlight_chosen(self, h: Highlight) -> None:
        if h is not None:
            self._show_detail(h)

    def _on_list_highlight_activated(self, h: Highlight) -> None:
        """Return (or a double-click) in the Highlights list: the caret goes into the
        highlight and the article takes the focus, saying what the highlight is."""
        if h is None or h not in self.draft.highlights:
            return
        words = self._caret_words(h)
        self._caret_in = h
        self.article.rest("")
        self.article.select_range(h.start, h.start)
        self._show_detail(h)
        self.article.setFocus(Qt.FocusReason.ShortcutFocusReason)
        # once the focus is there: a change of the focused article's description
        a11y.notify(self.article, words)
        self.article.present_result(words)
        self.article.transient = False  # it is what is at the caret, not old news

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
