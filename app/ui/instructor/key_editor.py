"""The key editor: the same article view as the reader, marking key spans with a
category, an explanation and required/optional; spaCy suggestions beside it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.keydraft import KeyDraft
from app.core.lessons import Category, KeySpan, Lesson
from app.core.spans import snap
from app.ui import announce as a11y
from app.ui.article import ArticleView, Mark
from app.ui.fonts import reading_font
from app.ui.highlights_list import quote
from app.ui.instructor.suggest_worker import SuggestionWorker
from app.ui.instructor.suggestions_panel import SuggestionsPanel
from app.ui.plain import tip
from app.ui.theme import is_dark, styles_for

ROLE = Qt.ItemDataRole.UserRole + 1
AUTOSAVE_MS = 300


class KeyEditor(QWidget):
    save_requested = Signal(object)  # Lesson with its new key (the window stores it)
    draft_changed = Signal(str, object)  # lesson id, (spans, unplaced) or None when clean
    preview_requested = Signal(object)  # Lesson
    back_requested = Signal()
    message = Signal(str)
    forget_learning_requested = Signal()  # the instructor asks to forget what was learned
    span_selected = Signal(object)  # KeySpan or None: a comparison's claim may link it

    def __init__(self, worker: SuggestionWorker) -> None:
        super().__init__()
        self.worker = worker
        self.lesson: Lesson | None = None
        self.tokens: list[tuple[int, int]] = []
        self.cats: list[Category] = []
        self.key = KeyDraft("")
        self._selected: KeySpan | None = None
        self._caret_in: KeySpan | None = None  # the key span last said at the caret
        self._saved_state: tuple[KeySpan, ...] = ()
        self._saved_unplaced: tuple[KeySpan, ...] = ()
        self._request = 0
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.flush_draft)
        self._build()

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a pack's title is not markup
        self.title.setObjectName("lessonTitle")
        self.title.setWordWrap(True)
        self.guide = QLabel()
        self.guide.setTextFormat(Qt.TextFormat.PlainText)
        self.guide.setWordWrap(True)
        back = QPushButton("← Lessons")
        back.setAccessibleName("Back to the lessons")
        back.clicked.connect(self._on_back)
        self.save_button = QPushButton("Save key")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.save_button.setToolTip("Save the key (Ctrl+S)")
        save_action = QAction("Save key", self)
        save_action.setShortcut(QKeySequence.StandardKey.Save)
        save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_action.triggered.connect(lambda: self.save_button.isEnabled() and self.save())
        self.addAction(save_action)
        preview = QPushButton("Preview as a student")
        preview.clicked.connect(self._on_preview)
        top = QHBoxLayout()
        top.addWidget(back)
        top.addStretch(1)
        top.addWidget(preview)
        top.addWidget(self.save_button)

        self.article = ArticleView()
        self.article.setAccessibleName("Article (key editor)")
        self.article.set_reading_font(reading_font())
        self.article.category_key_pressed.connect(self._on_article_category_key)
        self.article.cursor_moved.connect(self._on_article_cursor_moved)
        self.toolbar = QToolBar("Key tools")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.mark_actions: list[QAction] = []
        self.remove_action = QAction("Remove key span", self)
        self.remove_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self._on_remove_triggered)
        self.article.addAction(self.remove_action)
        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_action.triggered.connect(lambda: self._history(self.key.undo))
        self.redo_action = QAction("Redo", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.redo_action.triggered.connect(lambda: self._history(self.key.redo))
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.suggest_action = QAction("Suggest spans", self)
        self.suggest_action.triggered.connect(self.request_suggestions)

        # key spans tab
        self.spans = QListWidget()
        self.spans.setAccessibleName("Key spans")
        self.spans.setWordWrap(True)
        self.spans.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.spans.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.spans.currentItemChanged.connect(self._on_spans_current)
        self.spans.itemClicked.connect(self._on_spans_current)  # the row Qt made current
        self.category_box = QComboBox()
        self.category_box.setAccessibleName("Category of the key span")
        self.category_box.activated.connect(self._on_category_box_activated)
        self.explanation = QPlainTextEdit()
        self.explanation.setAccessibleName("Explanation for students")
        self.explanation.setPlaceholderText(
            "One or two sentences for a student: what is wrong here, and what a careful "
            "writer would have done.")
        self.explanation.setMaximumHeight(110)
        self.explanation.setTabChangesFocus(True)
        self.explanation.textChanged.connect(self._on_explanation_changed)
        self.required = QCheckBox("Required (untick: optional — defensible either way)")
        self.required.toggled.connect(self._on_required_toggled)
        self.apply_button = QPushButton("Save explanation")
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.bounds_button = QPushButton("Set to the article selection")
        self.bounds_button.setAccessibleName("Move this span to the selected words")
        self.bounds_button.clicked.connect(self._on_bounds_clicked)
        self.unplaced: list[KeySpan] = []
        self.unplaced_list = QListWidget()
        self.unplaced_list.setAccessibleName("Key spans to place again")
        self.unplaced_list.setMaximumHeight(90)
        self.place_button = QPushButton("Place on the article selection")
        self.place_button.setAccessibleName("Place the chosen span on the selected words")
        self.place_button.clicked.connect(self._on_place_clicked)
        self.discard_button = QPushButton("Discard this span…")
        self.discard_button.setAccessibleName("Discard the chosen set-aside span")
        self.discard_button.clicked.connect(lambda: self.discard_unplaced())
        discard_key = QAction("Discard set-aside span", self.unplaced_list)
        discard_key.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        discard_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        discard_key.triggered.connect(lambda: self.discard_unplaced())
        self.unplaced_list.addAction(discard_key)
        self.unplaced_label = QLabel("These key spans lost their words when the text was "
                                     "edited. Select the words in the article, choose a span "
                                     "here, and place it:")
        self.unplaced_label.setWordWrap(True)
        tab1 = QWidget()
        l1 = QVBoxLayout(tab1)
        l1.addWidget(self.unplaced_label)
        l1.addWidget(self.unplaced_list)
        prow = QHBoxLayout()
        prow.addWidget(self.place_button)
        prow.addWidget(self.discard_button)
        l1.addLayout(prow)
        l1.addWidget(self.spans, 1)
        l1.addWidget(self.category_box)
        l1.addWidget(self.explanation)
        l1.addWidget(self.required)
        row = QHBoxLayout()
        row.addWidget(self.apply_button)
        row.addWidget(self.bounds_button)
        l1.addLayout(row)
        self.claim_slot = QVBoxLayout()  # app.ui.compare.link_row goes here
        l1.addLayout(self.claim_slot)

        # suggestions tab
        self.panel = SuggestionsPanel(self.worker, self._add_suggestion)
        self.panel.run_requested.connect(self.request_suggestions)
        self.panel.suggestion_chosen.connect(
            lambda s: self.article.select_range(s.start, s.end))
        self.panel.forget_learning_requested.connect(self.forget_learning_requested.emit)
        self.suggestions = self.panel.list  # the list, for tests and screen readers

        self.tabs = QTabWidget()
        self.tabs.addTab(tab1, "Key spans")
        self.tabs.addTab(self.panel, "Suggestions")
        split = QSplitter()
        split.setChildrenCollapsible(False)
        split.addWidget(self.article)
        split.addWidget(self.tabs)
        split.setSizes([720, 400])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.title)
        lay.addWidget(self.guide)
        lay.addWidget(self.toolbar)
        lay.addWidget(split, 1)

    # -- loading --------------------------------------------------------------
    def set_lesson(self, lesson: Lesson, categories: dict[str, Category],
                   tokens: list[tuple[int, int]]) -> None:
        self.lesson = lesson
        self.tokens = tokens
        self.cats = [categories.get(c) or Category(c, c) for c in lesson.categories]
        self.styles = styles_for(self.cats)
        self._autosave.stop()
        self._selected = None
        self.key = KeyDraft(lesson.text, lesson.key or ())
        self._caret_in = None
        self._saved_state = self.key.spans
        self._saved_unplaced = ()
        self.title.setText(f"Answer key: {lesson.title}")
        self.category_box.clear()
        for c in self.cats:
            self.category_box.addItem(c.name, c.id)
        for a in self.mark_actions:
            self.article.removeAction(a)
        self.toolbar.clear()
        self.mark_actions = []
        for i, c in enumerate(self.cats):
            a = QAction(f"Mark as {c.name}", self)
            a.setIconText(f"{i + 1}  {c.name}" if i < 9 else c.name)
            a.setToolTip(tip(f"Mark as {c.name} ({i + 1}): {c.description}"))
            if i < 9:
                a.setShortcut(QKeySequence(str(i + 1)))
                a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            a.triggered.connect(lambda _=False, cid=c.id: self.mark_selection(cid))
            self.article.addAction(a)
            self.toolbar.addAction(a)
            self.mark_actions.append(a)
        self.toolbar.addSeparator()
        for a in (self.remove_action, self.undo_action, self.redo_action, self.suggest_action):
            self.toolbar.addAction(a)
        self.article.set_article(lesson.text)
        self.panel.reset({c.id: c.name for c in self.cats})
        self._refresh()

    def set_unplaced(self, spans: list[KeySpan]) -> None:
        self.unplaced = list(spans)
        self._saved_unplaced = tuple(spans)
        self._show_unplaced()

    def restore_draft(self, spans: tuple[KeySpan, ...], unplaced: tuple[KeySpan, ...]) -> None:
        """Unsaved work left by a crash: back in the editor, unsaved (Undo returns to the
        saved key)."""
        self.key.replace_all(spans)
        self.unplaced = list(unplaced)
        self._show_unplaced()
        self._refresh()

    def _show_unplaced(self) -> None:
        self.unplaced_list.clear()
        for k in self.unplaced:
            names = {c.id: c.name for c in self.cats}
            self.unplaced_list.addItem(f"{names.get(k.label, k.label)}: “{k.quote[:80]}”")
        for w in (self.unplaced_label, self.unplaced_list, self.place_button,
                  self.discard_button):
            w.setVisible(bool(self.unplaced))
        if self.unplaced:
            self.unplaced_list.setCurrentRow(0)

    def _on_place_clicked(self) -> None:
        self.commit_form()
        i = self.unplaced_list.currentRow()
        sel = self.article.selection()
        if not 0 <= i < len(self.unplaced) or sel is None or self.lesson is None:
            self._say("Select the words in the article and a span in the list.")
            return
        span = snap(self.lesson.text, sel[0], sel[1], self.tokens)
        if span is None:
            return
        old = self.unplaced[i]
        if self._try(lambda: self.key.add(span[0], span[1], old.label, old.explanation,
                                          old.required)) is not None:
            del self.unplaced[i]
            self._show_unplaced()
            self._changed()

    def discard_unplaced(self, ask: bool = True) -> KeySpan | None:
        """Drop the chosen set-aside span from the key for good (once the key is saved;
        leaving without saving keeps it)."""
        from PySide6.QtWidgets import QMessageBox

        i = self.unplaced_list.currentRow()
        if not 0 <= i < len(self.unplaced):
            self._say("Choose a set-aside span in the list first.")
            return None
        k = self.unplaced[i]
        what = self.unplaced_list.item(i).text()
        if ask and QMessageBox.question(
                self, "Discard a set-aside span",
                f"Discard {what}?\n\nIt leaves the key when you save the key.",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Discard:
            return None
        del self.unplaced[i]
        self._show_unplaced()
        self._changed()
        n = len(self.unplaced)
        self._say(f"Discarded {what}. Save the key to keep this"
                          + (f"; {n} set-aside span{'s' * (n != 1)} left." if n else "."))
        return k

    # -- edits ----------------------------------------------------------------
    def mark_selection(self, label: str) -> KeySpan | None:
        if self.lesson is None:
            return None
        self.commit_form()
        sel = self.article.selection()
        if sel is None:
            here = self._span_here()
            if here is not None:
                return self._try(lambda: self.key.update(here, label=label), "Now")
            self._say("Select the words to mark first.")
            return None
        span = snap(self.lesson.text, sel[0], sel[1], self.tokens)
        if span is None:
            self._say("That selection has no words in it.")
            return None
        return self._try(lambda: self.key.add(span[0], span[1], label), "Marked as")

    def _try(self, edit, done: str = "") -> KeySpan | None:  # noqa: ANN001
        """Make one edit of the key; ``done`` names it for the screen reader ("Marked
        as", "Now"): said where the focus is, or, when the new span still needs its
        explanation, as the explanation box takes the focus."""
        before = set(self.key.spans)
        try:
            k = edit()
        except UserError as e:
            self._say(str(e))
            return None
        self._refresh(k)
        if not k.explanation:
            self.tabs.setCurrentIndex(0)
            self.explanation.setFocus()
        if done and k not in before:
            said = f"{done} {self._span_words(k)}"
            if not k.explanation:  # said in the box that just took the focus
                said += ". Write the explanation for students here; Tab leaves the box."
            self._say(said)
        return k

    def _say(self, text: str) -> None:
        """The status bar, and the screen reader (``app.ui.announce``)."""
        self.message.emit(text)
        a11y.announce(self, text)

    def _span_words(self, k: KeySpan) -> str:
        names = {c.id: c.name for c in self.cats}
        kind = "" if k.required else ", optional"
        return f"{names.get(k.label, k.label)}{kind}: “{quote(self.key.text, k, 80)}”"

    def opening_message(self) -> str:
        """What a screen reader hears as the key editor's article takes the focus."""
        if self.lesson is None:
            return ""
        n = len(self.key.spans)
        keys = " or ".join(str(i + 1) for i in range(min(len(self.cats), 9)))
        return (f"Answer key opened: {self.lesson.title}. {n} key span{'s' * (n != 1)}. "
                f"Select words and press {keys} to mark a key span; the caret on a span "
                "says what it is; Delete removes it.")

    def remove(self, k: KeySpan | None) -> None:
        if k is None:
            self._say("There is no key span here.")
            return
        self.key.remove(k)
        self._refresh()
        self._say(f"Removed the key span {self._span_words(k)}. Undo with Ctrl+Z.")

    def _on_remove_triggered(self) -> None:
        self.commit_form()
        self.remove(self._span_here())

    def _history(self, step) -> None:  # noqa: ANN001
        self.commit_form()
        before = set(self.key.spans)
        if step():
            self._refresh()
            came, gone = set(self.key.spans) - before, before - set(self.key.spans)
            what = "Undone" if step == self.key.undo else "Redone"
            if came and not gone:
                self._say(f"{what}: key span {self._span_words(min(came))} is back.")
            elif gone and not came:
                self._say(f"{what}: key span {self._span_words(min(gone))} removed.")
            elif came:
                self._say(f"{what}: now {self._span_words(min(came))}.")
            else:
                self._say(f"{what}.")
        else:
            self._say("Nothing to undo." if step == self.key.undo else "Nothing to redo.")

    def _span_here(self) -> KeySpan | None:
        if self.spans.hasFocus() and self.spans.currentItem():
            return self.spans.currentItem().data(ROLE)
        here = self.key.at(self.article.cursor_offset())
        return here[0] if here else self._selected

    # -- the span form: committed whenever the current span changes -------------
    def _form_explanation(self) -> str:
        return " ".join(self.explanation.toPlainText().split())

    def _pending(self) -> bool:
        """An explanation typed into the form and not yet in the key."""
        k = self._selected
        return (k is not None and k in self.key.spans
                and self._form_explanation() != k.explanation)

    def commit_form(self) -> bool:
        """Put what the span form holds into the key (one undo step). True if it changed."""
        if not self._pending():
            return False
        k = self._selected
        assert k is not None
        new = self._selected = self.key.update(k, explanation=self._form_explanation())
        for i in range(self.spans.count()):  # that row only: never rebuild the list here
            it = self.spans.item(i)
            if it.data(ROLE) == k:
                it.setText(self._row_text(new))
                it.setData(ROLE, new)
        self.undo_action.setEnabled(self.key.can_undo())
        self.redo_action.setEnabled(self.key.can_redo())
        self._changed()
        return True

    def current_spans(self) -> tuple[KeySpan, ...]:
        """The key as the instructor sees it, the explanation being typed included."""
        k = self._selected
        if not self._pending() or k is None:
            return self.key.spans
        text = self._form_explanation()
        return tuple(replace(x, explanation=text) if x == k else x for x in self.key.spans)

    def is_dirty(self) -> bool:
        return (self.key.spans != self._saved_state or self._pending()
                or tuple(self.unplaced) != self._saved_unplaced)

    def prepare_save(self) -> Lesson | None:
        """Commit the form; the lesson with the key to store."""
        if self.lesson is None:
            return None
        self.commit_form()
        return replace(self.lesson, key=self.key.spans)

    def save(self) -> Lesson | None:
        """Ask for the key to be stored (``save_requested``); the window calls
        ``mark_saved`` once it is. A span without an explanation is asked about first."""
        lesson = self.prepare_save()
        if lesson is None or not self.confirm_unexplained(lesson):
            return None
        self.save_requested.emit(lesson)
        return lesson

    def confirm_unexplained(self, lesson: Lesson) -> bool:
        """True to go on saving: every span is explained, or the instructor says so."""
        missing = [k for k in lesson.key or () if not k.explanation.strip()]
        if not missing:
            return True
        names = {c.id: c.name for c in self.cats}
        shown = "\n".join(f"• {names.get(k.label, k.label)}: “{quote(self.key.text, k, 60)}”"
                          for k in missing[:6])
        more = f"\n… and {len(missing) - 6} more" if len(missing) > 6 else ""
        return self.ask_unexplained(
            f"{len(missing)} key span{'s have' if len(missing) != 1 else ' has'} no "
            f"explanation for students:\n\n{shown}{more}\n\nStudents will see no reason "
            "for these in their feedback. Save the key anyway?")

    def ask_unexplained(self, text: str) -> bool:
        """The question (tests answer it); Cancel is the default."""
        box = QMessageBox(QMessageBox.Icon.Question, "Spans without an explanation", text,
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                          self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # quotes from the article
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Save).setText("Save anyway")
        return box.exec() == QMessageBox.StandardButton.Save

    def mark_saved(self, lesson: Lesson) -> None:
        self._autosave.stop()
        self.panel.saved()  # stored with the key: learned from now on
        self.lesson = replace(lesson, key=lesson.key)
        self._saved_state = tuple(lesson.key or ())
        self._saved_unplaced = tuple(self.unplaced)
        missing = sum(1 for k in self.key.spans if not k.explanation.strip())
        self._say("Key saved." + (f" {missing} span{'s' * (missing != 1)} still need "
                                  "an explanation." if missing else ""))

    def discard_changes(self) -> None:
        """Forget unsaved work (the instructor chose Discard)."""
        self._autosave.stop()
        self._saved_state = self.key.spans
        self._saved_unplaced = tuple(self.unplaced)
        self._selected = None
        self.explanation.setPlainText("")
        if self.lesson is not None:
            self.draft_changed.emit(self.lesson.id, None)

    # -- autosave (a crash loses nothing) --------------------------------------
    def _changed(self) -> None:
        if not self._autosave.isActive():  # saved at most AUTOSAVE_MS after a change
            self._autosave.start()

    def flush_draft(self) -> None:
        """Store the unsaved work now (the window writes it to the database)."""
        self._autosave.stop()
        if self.lesson is not None:
            state = (self.current_spans(), tuple(self.unplaced)) if self.is_dirty() else None
            self.draft_changed.emit(self.lesson.id, state)

    def has_pending_draft(self) -> bool:
        return self._autosave.isActive()

    def _on_explanation_changed(self) -> None:
        if self._pending():
            self._changed()

    # -- suggestions (the tab: app.ui.instructor.suggestions_panel) --------------
    def request_suggestions(self) -> None:
        if self.lesson is None:
            return
        self.panel.looking()
        self.tabs.setCurrentIndex(1)
        self._request = self.worker.request(self.lesson.text)

    def _add_suggestion(self, s, required: bool) -> KeySpan | None:  # noqa: ANN001
        self.commit_form()
        return self._try(lambda: self.key.add(s.start, s.end, s.label, _draft_explanation(s),
                                              required))

    def accept_current_suggestion(self, required: bool = True) -> KeySpan | None:
        return self.panel.accept_current(required)

    def reject_current_suggestion(self) -> None:
        self.panel.reject_current()

    def review(self) -> tuple[list, list]:
        """The suggestions accepted and rejected since the key was last saved."""
        return self.panel.review()

    # -- view -----------------------------------------------------------------
    def _refresh(self, selected: KeySpan | None = None) -> None:
        self._redraw()
        self._select(selected if selected in self.key.spans else None)
        self._changed()

    def _redraw(self) -> None:
        """Marks, the list of spans, undo state and the guide (not the span form)."""
        dark = is_dark(self.palette())
        marks = []
        names = {c.id: c.name for c in self.cats}
        for k in self.key.spans:
            st = self.styles.get(k.label)
            if st is None:
                continue
            bg = st.background(dark)
            if not k.required:
                bg = QColor(bg).lighter(108) if not dark else QColor(bg).darker(130)
            marks.append(Mark(k.start, k.end, bg, st.underline_qt(),
                              f"{names[k.label]}{'' if k.required else ' (optional)'}"))
        self.article.set_marks(marks)
        self.spans.blockSignals(True)
        self.spans.clear()
        for k in self.key.spans:
            it = QListWidgetItem(self._row_text(k))
            it.setData(ROLE, k)
            self.spans.addItem(it)
        self.spans.blockSignals(False)
        self.undo_action.setEnabled(self.key.can_undo())
        self.redo_action.setEnabled(self.key.can_redo())
        self._update_guide()
        self.spans.blockSignals(True)
        self.spans.setCurrentRow(-1)  # no row looks current while the form is empty
        self.spans.blockSignals(False)
        if self._selected is not None:
            self._mark_current(self._selected)

    def _row_text(self, k: KeySpan) -> str:
        names = {c.id: c.name for c in self.cats}
        flag = "" if k.required else " (optional)"
        warn = "" if k.explanation.strip() else "\n⚠ needs an explanation"
        return f"{names.get(k.label, k.label)}{flag}: “{quote(self.key.text, k, 90)}”{warn}"

    def _update_guide(self) -> None:
        if self.lesson is None:
            return
        words = max(1, self.lesson.word_count)
        req = sum(k.required for k in self.key.spans)
        parts = []
        for c in self.cats:
            n = sum(1 for k in self.key.spans if k.label == c.id and k.required)
            o = sum(1 for k in self.key.spans if k.label == c.id and not k.required)
            parts.append(f"{c.name}: {n} required, {o} optional")
        per_k = req * 1000 / words
        self.guide.setText(
            " · ".join(parts) + f" — {per_k:.1f} required per 1,000 words "
            "(aim for about 6–15). Select words and press a number key to mark them.")

    def _mark_current(self, k: KeySpan) -> None:
        for i in range(self.spans.count()):
            if self.spans.item(i).data(ROLE) == k:
                self.spans.blockSignals(True)
                self.spans.setCurrentRow(i)
                self.spans.blockSignals(False)

    def _select(self, k: KeySpan | None) -> None:
        old = self._selected
        if self.commit_form() and k == old:  # the explanation typed for it is kept
            k = self._selected
        self._selected = k
        self.span_selected.emit(k)
        on = k is not None
        for w in (self.category_box, self.explanation, self.required, self.apply_button,
                  self.bounds_button):
            w.setEnabled(on)
        if k is None:
            self.explanation.setPlainText("")
            self.article.set_focus_mark(0, 0)
            return
        self._mark_current(k)
        self.category_box.setCurrentIndex(max(0, self.category_box.findData(k.label)))
        self.explanation.setPlainText(k.explanation)
        self.explanation.moveCursor(QTextCursor.MoveOperation.End)  # typing adds to it
        self.required.blockSignals(True)
        self.required.setChecked(k.required)
        self.required.blockSignals(False)
        self.article.set_focus_mark(k.start, k.end)

    # -- slots ----------------------------------------------------------------
    def _on_article_category_key(self, i: int) -> None:
        if 0 <= i < len(self.mark_actions):
            self.mark_actions[i].trigger()

    def _on_article_cursor_moved(self, pos: int) -> None:
        if not self.article.textCursor().hasSelection():
            here = self.key.at(pos)
            if here:
                self._select(here[0])
            k = here[0] if here else None
            if k != self._caret_in:
                # key spans are layout formats, unseen by a screen reader: said as the
                # caret enters one, kept as the article's description while it is inside
                if k is not None:
                    said = f"Key span, {self._span_words(k)}" + (
                        "" if k.explanation.strip() else " — needs an explanation")
                    if self.article.hasFocus():
                        a11y.announce(self.article, said)
                    self.article.rest(said)
                else:
                    self.article.rest("")
            elif self.article.transient and k is None:
                self.article.rest("")
            self._caret_in = k

    def _on_spans_current(self, it: QListWidgetItem | None, _prev=None) -> None:
        if it is not None and it.data(ROLE) != self._selected:
            self._select(it.data(ROLE))

    def _on_category_box_activated(self, i: int) -> None:
        self.commit_form()
        if self._selected is not None:
            sel = self._selected
            self._try(lambda: self.key.update(sel, label=self.category_box.itemData(i)))

    def _on_required_toggled(self, on: bool) -> None:
        self.commit_form()
        if self._selected is not None and self._selected.required != on:
            sel = self._selected
            self._try(lambda: self.key.update(sel, required=on))

    def _on_apply_clicked(self) -> None:
        if self.commit_form() and self._selected is not None:
            self._select(self._selected)

    def _on_bounds_clicked(self) -> None:
        self.commit_form()
        k, sel = self._selected, self.article.selection()
        if k is None or sel is None or self.lesson is None:
            self._say("Select the words in the article first.")
            return
        span = snap(self.lesson.text, sel[0], sel[1], self.tokens)
        if span:
            self._try(lambda: self.key.update(k, start=span[0], end=span[1]))

    def _on_preview(self) -> None:
        if self.lesson is not None:
            self.preview_requested.emit(replace(self.lesson, key=None))

    def _on_back(self) -> None:
        self.back_requested.emit()


def _draft_explanation(s) -> str:  # noqa: ANN001
    """A starting explanation from the suggestion's reason; the instructor edits it."""
    return s.reason
