"""The feedback view: ``Score: N``, the comparison in words, the article with the key and
the student's own highlights laid over each other, every key span's explanation in
full, and past attempts (each one's feedback reopens with Return or a double-click).

The words come from ``app.core.feedback_text`` (the PDF report uses the same).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core import feedback_text as words
from app.core.attempts import Grade, attempt_label
from app.core.lessons import Category, Lesson
from app.core.scoring import Report
from app.store.repo import Submission
from app.ui.article import Mark
from app.ui.feedback_marks import (
    PEN_FOR_UNDERLINE,
    PEN_WIDTH,
    FeedbackArticle,
    Legend,
    Outline,
    Spoken,
    Swatch,
    edge_colour,
)
from app.ui.plain import tip
from app.ui.scrolling import vertical_scroller
from app.ui.theme import (
    BASE_DARK,
    BASE_LIGHT,
    STATUS_STYLE,
    STATUS_UNDERLINE,
    TEXT_DARK,
    TEXT_LIGHT,
    CategoryStyle,
    is_dark,
    qt_underline,
    styles_for,
)

SPAN_ROLE = Qt.ItemDataRole.UserRole + 1
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2  # which filters show a row: {"missed", "mine"}
FILTERS = (("all", "All passages"), ("missed", "Missed only"), ("mine", "Mine only"))
MODES = ("mine", "key", "both")
MODE_TEXT = {"mine": "&Mine", "key": "The &key", "both": "&Both"}
MODE_HELP = {"mine": "Only your own highlights, in their categories' colours",
             "key": "Only the answer key, coloured by how you did on each passage",
             "both": "The key's colours with your own highlights boxed over them"}
MAX_ATTEMPT_ROWS = 4


def flat(text: str) -> str:
    """A passage on one line (paragraph breaks folded), in full."""
    return " ".join(text.split())


class FeedbackPage(QWidget):
    try_again_requested = Signal(str)
    back_requested = Signal()
    attempt_chosen = Signal(str)  # submission_id of an earlier attempt to show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Feedback")
        self.lesson: Lesson | None = None
        self.report: Report | None = None
        self.cats: list[Category] = []
        self.status_line = ""
        self.comment_line = ""
        self.mode = "both"
        self._graded_id: str | None = None
        self._grade: Grade | None = None
        self._shown_id: str | None = None
        # the explanations' rows (span, text, filter groups); the filter lists some of them
        self._explanation_rows: list[tuple[tuple[int, int], str, frozenset[str]]] | None = None

        self.back_button = QPushButton("← Library")
        self.back_button.setAccessibleName("Back to the lesson library")
        self.back_button.clicked.connect(self.back_requested)
        self.try_again_action = QAction("Try again", self)
        self.try_again_action.triggered.connect(self._on_try_again)
        self.addAction(self.try_again_action)
        self.try_button = QPushButton("&Try again")
        self.try_button.setObjectName("primary")
        self.try_button.setAccessibleName("Try again")
        self.try_button.clicked.connect(self.try_again_action.trigger)
        self.title = QLabel()
        self.title.setObjectName("lessonTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a pack's title is not markup
        # the visible text is the accessible text: no setAccessibleName on these labels
        self.score_label = QLabel()
        self.score_label.setObjectName("scoreLabel")
        self.score_label.setTextFormat(Qt.TextFormat.PlainText)
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setWordWrap(True)  # at 200 % text it would widen the window past the screen
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label = QLabel()
        self.status_label.setObjectName("attemptStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.comment = QLabel()
        self.comment.setObjectName("teacherComment")
        self.comment.setTextFormat(Qt.TextFormat.PlainText)
        self.comment.setWordWrap(True)
        self.comment.setVisible(False)
        # focusable so a keyboard or screen-reader user lands on it, but no text caret:
        # a read-only label whose accessible name is exactly what it shows
        self.summary = SummaryLabel()
        self.summary.setObjectName("feedbackSummary")
        self.summary.setWordWrap(True)
        # at the top of its box: a label centres its text vertically, and whenever the box
        # was taller than the text (its height measured at another width) the focused
        # summary showed an empty band above it (issue 23)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.summary.setStyleSheet(
            "QLabel#feedbackSummary { padding: 4px; border: 2px solid transparent; "
            "border-radius: 4px; }"
            "QLabel#feedbackSummary:focus { border: 2px solid palette(highlight); }")

        # the layer switch: Mine / The key / Both
        self.layer_box = QFrame()
        self.layer_box.setAccessibleName("Show")
        self.layer_group = QButtonGroup(self)
        self.layer_buttons: dict[str, QRadioButton] = {}
        lrow = QHBoxLayout(self.layer_box)
        lrow.setContentsMargins(0, 0, 0, 0)
        show = QLabel("Show:")
        lrow.addWidget(show)
        for m in MODES:
            b = QRadioButton(MODE_TEXT[m])
            b.setAccessibleDescription(MODE_HELP[m])
            b.setToolTip(MODE_HELP[m])
            self.layer_group.addButton(b)
            self.layer_buttons[m] = b
            b.toggled.connect(lambda on, m=m: on and self.set_mode(m))
            lrow.addWidget(b)
        show.setBuddy(self.layer_buttons["both"])
        lrow.addStretch(1)
        self.layer_buttons["both"].setChecked(True)

        self.legend = Legend()
        self.article = FeedbackArticle()
        self.article.setAccessibleName("Article with feedback")
        # (nothing when the caret is on no mark: leaving a mark is silent; what the
        # article holds is said when the feedback opens, in the summary)
        self.article.cursor_moved.connect(self._on_article_cursor_moved)

        self.explanations = QListWidget()
        self.explanations.setAccessibleName("Key explanations")
        self.explanations.setAlternatingRowColors(True)
        self.explanations.setSpacing(2)
        self.explanations.currentItemChanged.connect(self._on_explanation_current)
        self._wrapped_width = -1
        self.explanation_filter = QComboBox()
        self.explanation_filter.setAccessibleName("Which explanations to list")
        self.explanation_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.explanation_filter.currentIndexChanged.connect(self._apply_filter)
        self.attempts = QListWidget()
        self.attempts.setAccessibleName("Your attempts")
        self.attempts.setAccessibleDescription(
            "Press Return or double-click an attempt to see its feedback")
        self.attempts.setToolTip("Press Return or double-click an attempt to see its feedback")
        self.attempts.itemActivated.connect(self._on_attempt_activated)
        self.attempts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for lw in (self.explanations, self.attempts):  # text wraps in full; never "…"
            lw.setWordWrap(True)
            lw.setTextElideMode(Qt.TextElideMode.ElideNone)
            lw.setUniformItemSizes(False)
            lw.setResizeMode(QListWidget.ResizeMode.Adjust)
            lw.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            lw.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.attempts_hint = QLabel("Return or double-click opens an attempt's feedback.")
        self.attempts_hint.setObjectName("sourceLine")
        self.attempts_hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.try_button)
        head = QVBoxLayout()
        head.addLayout(top)
        srow = QHBoxLayout()
        srow.addWidget(self.score_label)
        srow.addSpacing(16)
        scol = QVBoxLayout()
        scol.setSpacing(0)
        scol.addWidget(self.headline)
        scol.addWidget(self.status_label)
        srow.addLayout(scol, 1)
        head.addLayout(srow)
        head.addWidget(self.comment)
        # the summary and the legend scroll when large text makes them taller than their
        # share of the page, so the article keeps its room (formats: 200 % text)
        self.summary_scroll = _scroller(self.summary)
        self.summary.scroller = self.summary_scroll
        head.addWidget(self.summary_scroll)
        self.legend_scroll = _scroller(self.legend)

        side = QVBoxLayout()
        side.setContentsMargins(6, 0, 0, 0)
        self.explanations_heading = QLabel("<b>&What the key marks, and why</b>")
        self.explanations_heading.setBuddy(self.explanations)
        self.explanations_heading.setWordWrap(True)
        self.filter_label = QLabel("&List:")
        self.filter_label.setBuddy(self.explanation_filter)
        frow = QHBoxLayout()
        frow.addWidget(self.filter_label)
        frow.addWidget(self.explanation_filter, 1)
        side.addWidget(self.explanations_heading)
        side.addLayout(frow)
        side.addWidget(self.explanations, 1)
        self.attempts_heading = QLabel("<b>Your &attempts</b>")
        self.attempts_heading.setBuddy(self.attempts)
        side.addWidget(self.attempts_heading)
        side.addWidget(self.attempts)
        side.addWidget(self.attempts_hint)
        side_w = QWidget()
        side_w.setLayout(side)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 6, 0)
        left.addWidget(self.layer_box)
        left.addWidget(self.legend_scroll)
        left.addWidget(self.article, 1)
        left_w = QWidget()
        left_w.setLayout(left)
        split = QSplitter()
        split.setChildrenCollapsible(False)
        split.addWidget(left_w)
        split.addWidget(side_w)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 420])
        self.splitter = split
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self._fit)
        # rows wrap anew when the lists' width or text size changes (``eventFilter``)
        for watched in (self.explanations.viewport(), self.explanations, self.attempts):
            watched.installEventFilter(self)
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(split, 1)

    # -- public API -----------------------------------------------------------
    def show_waiting(self, lesson: Lesson, attempts: list[Submission],
                     categories: dict[str, Category] | None = None) -> None:
        """An assessment submitted, its feedback not released: no score, no key — and the
        highlights the student handed in, in their categories' colours, listed beside."""
        self.lesson, self.report, self._grade = lesson, None, None
        self.cats = [(categories or {}).get(c) or Category(c, c) for c in lesson.categories]
        self._graded_id = None
        shown = max(attempts, key=lambda s: s.attempt) if attempts else None
        self._shown_id = shown.submission_id if shown is not None else None
        self.status_line, self.comment_line = "", ""
        self.title.setText(f"Submitted: {lesson.title}")
        self.score_label.setText("")
        self.score_label.setVisible(False)
        self.headline.setText("Submitted — your teacher will release the feedback")
        self.status_label.setText("")
        self.status_label.setVisible(False)
        self._set_comment("")
        mine = sorted(shown.highlights, key=lambda h: (h.start, h.end)) if shown else []
        n = len(mine)
        self._set_summary([
            f"You handed in {n} highlight{'s' * (n != 1)}, shown in the article and listed "
            "beside it. When your teacher releases the feedback, it appears here with "
            "your score."], lead="Submitted — your teacher will release the feedback.")
        self.setAccessibleDescription("Submitted — your teacher will release the feedback")
        self.layer_box.setVisible(False)
        self.explanations_heading.setText("<b>&Your highlights, as handed in</b>")
        self._show_filter(False)
        self.explanations.clear()
        self._explanation_rows = None
        self.article.set_article(lesson.text)
        dark = is_dark(self.palette())
        styles = styles_for(self.cats)
        marks, spoken = [], []
        for h in mine:
            cs = styles.get(h.label)
            name = self._name(h.label)
            body = f"{name}\n“{flat(lesson.text[h.start:h.end])}”" + (
                f"\nYour note: {h.note}" if h.note else "")
            item = QListWidgetItem(body)
            item.setData(SPAN_ROLE, (h.start, h.end))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, body.replace("\n", ". "))
            self.explanations.addItem(item)
            if cs is not None:
                marks.append(Mark(h.start, h.end, cs.background(dark), cs.underline_qt(),
                                  f"Your highlight: {name}"))
            spoken.append(Spoken(h.start, h.end, f"{name}: your highlight, handed in"))
        self._wrap_explanations()
        self._current_explanation(0 if mine else -1)
        self.explanations.setAccessibleName("Your highlights, as handed in")
        self.article.set_marks(marks)
        self.article.set_outlines([])
        self.article.set_spoken(spoken)
        self.legend.set_entries([
            (Swatch(styles[c.id].background(dark), _pen(styles[c.id].underline),
                    wave=styles[c.id].underline == "wave"),
             f"your highlight: {c.name}") for c in self.cats if c.id in styles])
        self.legend.setVisible(bool(self.cats))
        self._fill_attempts(attempts)
        self.try_button.setVisible(False)
        self.try_again_action.setEnabled(False)

    def show_result(self, lesson: Lesson, categories: dict[str, Category],
                    report: Report | None, attempts: list[Submission],
                    shown: Submission | None = None, grade: Grade | None = None) -> None:
        """The feedback on ``shown`` (default: the latest attempt); ``grade`` is the
        student's grade on the lesson (``app.core.attempts``) for the status line."""
        self.lesson = lesson
        self._grade = grade
        self._graded_id = grade.submission_id if grade is not None else None
        self.explanations_heading.setText("<b>&What the key marks, and why</b>")
        self.explanations.setAccessibleName("Key explanations")
        self.try_button.setVisible(True)
        self.try_again_action.setEnabled(True)
        if shown is None and attempts:
            shown = max(attempts, key=lambda s: s.attempt)
        self._shown_id = shown.submission_id if shown is not None else None
        is_graded = grade is not None and shown is not None and \
            grade.submission_id == shown.submission_id
        self.status_line = (attempt_label(shown.attempt, shown.after_key, is_graded)
                            if shown is not None else "")
        self.comment_line = ""
        if is_graded and grade is not None:
            if grade.override is not None:
                self.comment_line = (f"Your teacher set your score to {grade.override} "
                                     f"(the key gave {grade.score}): {grade.reason}")
            if grade.comment:
                self.comment_line += ("\n" if self.comment_line else "") + \
                    f"Your teacher's comment: {grade.comment}"
        self.cats = [categories.get(c) or Category(c, c) for c in lesson.categories]
        self.report = report
        self.title.setText(f"Feedback: {lesson.title}")
        self.status_label.setText(self.status_line)
        self.status_label.setVisible(bool(self.status_line))
        self._set_comment(self.comment_line)
        self.article.set_article(lesson.text)
        self.explanations.clear()
        self._explanation_rows = None
        self._fill_attempts(attempts)
        if report is None:
            self.score_label.setText("Score: not graded yet")
            self.score_label.setVisible(True)
            self.headline.setText("")
            self._set_summary(["Your answers are saved. This lesson's answer key is not on "
                               "this machine yet: your teacher will grade it."],
                              lead="Score: not graded yet.")
            self.setAccessibleDescription("Not graded yet")
            self._show_filter(False)
            self.layer_box.setVisible(False)
            self.legend.setVisible(False)
            self.article.set_marks([])
            return
        value = report.score
        if is_graded and grade is not None and grade.override is not None:
            value = grade.override
        self.score_label.setText(f"Score: {value}")
        self.score_label.setVisible(True)
        self.setAccessibleDescription(f"Score: {value}. {self.status_line}")
        self.headline.setText(words.headline(report))
        paras = [words.summary(report)]
        if len(self.cats) > 1:
            paras += [words.category_line(c, report) for c in words.ordered(self.cats, report)]
        lead = " ".join(x for x in (f"Score: {value}.", _sentence(self.headline.text()),
                                    _sentence(self.status_line), self.comment_line) if x)
        self._set_summary(paras, lead=lead)
        self.layer_box.setVisible(True)
        self.legend.setVisible(True)
        self._fill_explanations(report)
        self._show_filter(True)
        self._render()

    def set_mode(self, mode: str) -> None:
        """Which layers the article shows: ``mine``, ``key`` or ``both``."""
        if mode not in MODES:
            raise ValueError(mode)
        self.mode = mode
        b = self.layer_buttons[mode]
        if not b.isChecked():
            b.setChecked(True)  # re-enters through toggled; _render runs once below
            return
        if self.report is not None:
            self._render()

    # -- building the text ----------------------------------------------------
    def _set_summary(self, paras: list[str], lead: str = "") -> None:
        """The summary's paragraphs. It takes the focus when the feedback opens, so its
        accessible name starts with ``lead`` (the score, the headline, what the attempt
        is): that is what a screen reader says first."""
        # rich text for the paragraphs; everything in them is escaped (plain text in)
        self.summary.setText("".join(f"<p>{escape(p)}</p>" for p in paras))
        self.summary.setAccessibleName(" ".join(p.strip() for p in (lead, *paras) if p.strip()))
        self._fit()

    def _set_comment(self, text: str) -> None:
        self.comment.setText(text)
        self.comment.setVisible(bool(text))

    def _name(self, label: str) -> str:
        return next((c.name for c in self.cats if c.id == label), label)

    def _cat(self, label: str) -> Category | None:
        return next((c for c in self.cats if c.id == label), None)

    def _fill_explanations(self, report: Report) -> None:
        assert self.lesson is not None
        text = self.lesson.text
        names = {c.id: c.name for c in self.cats}
        rows: list[tuple[tuple[int, int], str, frozenset[str]]] = []
        for k in report.key:
            st = words.key_status(report, k)
            kind = "" if k.span.required else " (optional: no penalty either way)"
            body = [f"{words.tag(st)}  ·  {self._name(k.span.label)}{kind}",
                    f"“{flat(k.span.quote or text[k.span.start:k.span.end])}”"]
            if k.span.explanation:
                body.append(k.span.explanation)
            group = {"missed"} if st in ("missed", "wrong_label") else set()
            if st in ("found", "partial", "wrong_label"):
                group.add("mine")
            rows.append(((k.span.start, k.span.end), "\n".join(body), frozenset(group)))
        for h in report.highlights:
            if h.status == "match" and not words.is_wide(h):
                continue
            quote = f"“{flat(text[h.span.start:h.span.end])}”"
            if h.status == "match":
                head = f"⚠ Your {self._name(h.span.label)} highlight: much longer than the key's"
                body = [head, quote, words.wide_note(h)]
            elif h.status == "wrong_label":
                body = [f"{words.tag('wrong_label')}  ·  your {self._name(h.span.label)} "
                        "highlight", quote, words.wrong_label_note(report, h, names)]
            else:
                body = [f"{words.tag('extra')}  ·  your {self._name(h.span.label)} highlight",
                        quote, words.why_not_in_key(self._cat(h.span.label))]
            rows.append(((h.span.start, h.span.end), "\n".join(body), frozenset({"mine"})))
        self._explanation_rows = sorted(rows, key=lambda r: r[0])
        counts = {"all": len(rows), **{g: sum(g in r[2] for r in rows) for g in ("missed", "mine")}}
        self.explanation_filter.blockSignals(True)
        keep = self.explanation_filter.currentData() or "all"
        self.explanation_filter.clear()
        for key, label in FILTERS:
            self.explanation_filter.addItem(f"{label} ({counts[key]})", key)
        self.explanation_filter.setCurrentIndex(max(0, self.explanation_filter.findData(keep)))
        self.explanation_filter.blockSignals(False)
        self._apply_filter()

    def _show_filter(self, on: bool) -> None:
        self.explanation_filter.setVisible(on)
        self.filter_label.setVisible(on)

    def _apply_filter(self, _index: int = 0) -> None:
        """List the rows the filter chooses — only those: a hidden row is still a child
        of the list for a screen reader (Orca said "List with 33 items" for the 11 missed
        ones), and the article's caret could make a hidden row current. The first row
        is the current one, so a screen reader tabbing into the list starts on it (it
        used to start past it)."""
        if self._explanation_rows is None:  # the Submitted page lists the highlights
            return
        want = self.explanation_filter.currentData() or "all"
        lw = self.explanations
        lw.blockSignals(True)
        lw.clear()
        for rng, t, group in self._explanation_rows:
            if want != "all" and want not in group:
                continue
            item = QListWidgetItem(t)
            item.setData(SPAN_ROLE, rng)
            item.setData(GROUP_ROLE, group)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, t.replace("\n", ". "))
            lw.addItem(item)
        lw.blockSignals(False)
        self._wrap_explanations()
        self._current_explanation(0 if lw.count() else -1)
        if self.explanation_filter.hasFocus():  # what the list holds now, said where the
            from app.ui import announce as a11y  # focus is (a combo box's new text is not)

            n = lw.count()
            what = {"all": "every passage", "missed": "the passages you missed",
                    "mine": "your own highlights"}[want]
            a11y.announce(self.explanation_filter,
                          f"The list shows {what}: {n} item{'s' * (n != 1)}.")

    def _wrap_explanations(self) -> None:
        """Each row as wide as the list's viewport and as tall as its words wrapped there
        (measured here, as the class view does: Qt laid the rows out as if the list had
        no scroll bar, wider than it, and a line short, so an explanation lost its last
        words). Again whenever the viewport's width changes."""
        lw = self.explanations
        self._wrapped_width = lw.viewport().width()
        width = max(60, self._wrapped_width - 2 * lw.spacing())
        fm = lw.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        for i in range(lw.count()):
            item = lw.item(i)
            # the style sheet's padding (4 a side, 6 above and below) and rule, the
            # style's text margins, and a little to spare
            text_h = fm.boundingRect(QRect(0, 0, width - 20, 100_000), flags,
                                     item.text()).height()
            item.setSizeHint(QSize(width, text_h + 17))

    def eventFilter(self, obj, e) -> bool:  # noqa: N802, ANN001
        lw = self.explanations
        if (obj is lw.viewport() and e.type() == e.Type.Resize
                and lw.viewport().width() != self._wrapped_width) or \
                (obj is lw and e.type() == e.Type.FontChange):  # other words per line
            QTimer.singleShot(0, self, self._wrap_explanations)
        if obj is self.attempts and e.type() == e.Type.FontChange:  # (the page's own
            self._refit.start()  # FontChange comes before its children have the font)
        return super().eventFilter(obj, e)

    def _current_explanation(self, row: int) -> None:
        """Make ``row`` current and selected without moving the article's caret."""
        lw = self.explanations
        lw.blockSignals(True)
        lw.setCurrentRow(row)
        lw.blockSignals(False)
        if row >= 0:
            lw.scrollToItem(lw.item(row))

    # -- the article's layers -------------------------------------------------
    def _render(self) -> None:
        report = self.report
        assert report is not None and self.lesson is not None
        dark = is_dark(self.palette())
        styles = styles_for(self.cats)
        show_key, show_mine = self.mode in ("key", "both"), self.mode in ("mine", "both")
        marks: list[Mark] = []
        spoken: list[Spoken] = []
        if show_key:
            for k in report.key:
                st = words.key_status(report, k)
                bg = STATUS_STYLE[st][1 if dark else 0]
                kind = "key passage" if k.span.required else "optional key passage"
                name = self._name(k.span.label)
                marks.append(Mark(k.span.start, k.span.end, QColor(bg),
                                  qt_underline(STATUS_UNDERLINE[st]),
                                  f"{words.tag(st)} — {name} ({kind})", bold=st == "missed"))
                spoken.append(Spoken(k.span.start, k.span.end,
                                     words.caret_words(name, "key", st)))
        outlines: list[Outline] = []
        if show_mine:
            against = self._tints(dark, styles, key=show_key)
            for h in report.highlights:
                name = self._name(h.span.label)
                cs = styles.get(h.span.label)
                tip = f"Your highlight: {name} — {words.STATUS_WORDS[h.status]}"
                if self.mode == "mine" and cs is not None:
                    marks.append(Mark(h.span.start, h.span.end, cs.background(dark),
                                      cs.underline_qt(), tip))
                elif h.status == "extra":  # nothing of the key under it: its own tint
                    marks.append(Mark(h.span.start, h.span.end,
                                      QColor(STATUS_STYLE["extra"][1 if dark else 0]),
                                      qt_underline(STATUS_UNDERLINE["extra"]), tip))
                outlines.append(self._outline(h.span.start, h.span.end, cs, against, dark, tip))
                said = words.caret_words(name, "mine", h.status)
                if words.is_wide(h):
                    said += ", most of it outside the key"
                spoken.append(Spoken(h.span.start, h.span.end, said))
        self.article.set_marks(marks)
        self.article.set_outlines(outlines)
        self.article.set_spoken(spoken)
        self._fill_legend(dark, styles)

    def _tints(self, dark: bool, styles: dict[str, CategoryStyle], key: bool) -> list[str]:
        i = 1 if dark else 0
        out = [BASE_DARK if dark else BASE_LIGHT]
        if key:
            out += [v[i] for v in STATUS_STYLE.values()]
        else:
            out += [(s.dark if dark else s.light) for s in styles.values()]
        return out

    def _outline(self, start: int, end: int, cs: CategoryStyle | None, against: list[str],
                 dark: bool, tip: str) -> Outline:
        toward = "#ffffff" if dark else "#000000"
        base = (cs.dark if dark else cs.light) if cs else (TEXT_DARK if dark else TEXT_LIGHT)
        colour = edge_colour(base, against, toward)
        style = cs.underline if cs else "solid"
        return Outline(start, end, QColor(colour), PEN_FOR_UNDERLINE[style], tip,
                       PEN_WIDTH.get(style, 1.8))

    def _fill_legend(self, dark: bool, styles: dict[str, CategoryStyle]) -> None:
        i = 1 if dark else 0
        entries: list[tuple[Swatch, str]] = []
        if self.mode in ("key", "both"):
            for st in words.KEY_STATUSES:
                u = STATUS_UNDERLINE[st]
                entries.append((Swatch(QColor(STATUS_STYLE[st][i]), _pen(u), wave=u == "wave"),
                                words.tag(st)))
        if self.mode in ("mine", "both"):
            against = self._tints(dark, styles, key=self.mode == "both")
            for c in self.cats:
                cs = styles.get(c.id)
                o = self._outline(0, 1, cs, against, dark, "")
                bg = cs.background(dark) if (cs and self.mode == "mine") else None
                entries.append((Swatch(bg, box=o.colour, box_pen=o.pen, box_width=o.width),
                                f"your highlight: {c.name}"))
            if self.mode == "both":
                u = STATUS_UNDERLINE["extra"]
                entries.append((Swatch(QColor(STATUS_STYLE["extra"][i]), _pen(u)),
                                words.tag("extra")))
        self.legend.set_entries(entries)
        self._fit()

    # -- attempts -------------------------------------------------------------
    def _fill_attempts(self, attempts: list[Submission]) -> None:
        self.attempts.clear()
        waiting = self.lesson is not None and self.lesson.is_assessment and not any(
            s.released_at for s in attempts)
        current = None
        for s in sorted(attempts, key=lambda s: s.attempt, reverse=True):
            g = self._grade
            if waiting:
                score = "feedback not released yet"
            elif g is not None and s.submission_id == g.submission_id and g.value is not None:
                # the number the headline shows: the teacher's override, if any (one number)
                score = f"score {g.value}" + (" (set by your teacher)"
                                              if g.override is not None else "")
            else:
                score = f"score {s.score}" if s.score is not None else "not graded yet"
            n = len(s.highlights)
            when = s.submitted_at.replace("T", " ").rstrip("Z")[:16]
            label = attempt_label(s.attempt, s.after_key, s.submission_id == self._graded_id)
            shown = s.submission_id == self._shown_id
            text = f"{label} · {score} · {n} highlight{'s' * (n != 1)}"
            item = QListWidgetItem(f"▸ {text} (shown)" if shown else text)
            item.setToolTip(tip(f"{text} · submitted {when}"))  # a stored time is not markup
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{text}, submitted {when}{', shown now' if shown else ''}")
            item.setData(SPAN_ROLE, s.submission_id)
            if shown:
                f = QFont(self.attempts.font())
                f.setWeight(QFont.Weight.DemiBold)
                item.setFont(f)
                current = item
            self.attempts.addItem(item)
        if current is not None:
            self.attempts.setCurrentItem(current)
        self.attempts_hint.setVisible(len(attempts) > 1)
        self._size_attempts()

    def _size_attempts(self) -> None:
        """One row tall for one attempt, growing to about four (rows wrap at large text)."""
        lw = self.attempts
        n = min(lw.count(), MAX_ATTEMPT_ROWS)
        width = max(lw.viewport().width() - 12, 60)
        rows = 0
        for i in range(n):
            item = lw.item(i)
            # the shown row's bold font, at the list's size now (it was copied from the
            # list's font before a zoom, and is drawn resolved against the new one)
            fm = QFontMetrics(item.font().resolve(lw.font()))
            text_h = fm.boundingRect(QRect(0, 0, width, 100_000),
                                     int(Qt.TextFlag.TextWordWrap), item.text()).height()
            rows += max(text_h + 14, lw.sizeHintForRow(i)) + 2 * lw.spacing()
        if not n:
            rows = lw.fontMetrics().height() + 14
        h = rows + 2 * lw.frameWidth() + 2
        if lw.height() != h:
            lw.setFixedHeight(h)

    def resizeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().resizeEvent(e)
        self._fit()
        # once more when the layout has given the scroll areas their new width (during
        # this event they still have the old one: the summary kept a height measured at
        # the page's first size, and jumped when a Mine / The key / Both click re-fitted it)
        self._refit.start()

    def _fit(self) -> None:
        """Summary and legend at their full height when it fits, else a share of the page."""
        self._size_attempts()
        m = self.layout().contentsMargins()
        page_width = self.width() - m.left() - m.right()
        for sc, share in ((self.summary_scroll, 0.24), (self.legend_scroll, 0.16)):
            inner = sc.widget()
            if sc is self.summary_scroll:  # as wide as the page, whatever the layout's lag
                width = page_width - 2 * sc.frameWidth()
            else:
                width = sc.viewport().width() if sc.viewport().width() > 200 else page_width
            need = inner.heightForWidth(width) if inner.hasHeightForWidth() else \
                inner.sizeHint().height()
            cap = max(int(self.height() * share), self.fontMetrics().height() * 3)
            sc.setFixedHeight(min(need, cap) + 2 * sc.frameWidth())

    def changeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().changeEvent(e)
        if e.type() == e.Type.FontChange:
            self._fit()
        if e.type() == e.Type.PaletteChange and self.report is not None:
            self._render()

    def _on_attempt_activated(self, item: QListWidgetItem) -> None:
        sid = item.data(SPAN_ROLE)
        if isinstance(sid, str):
            self.attempt_chosen.emit(sid)

    # -- following the caret --------------------------------------------------
    def _on_explanation_current(self, item: QListWidgetItem | None, _prev=None) -> None:
        if item is not None:
            s, e = item.data(SPAN_ROLE)
            self.article.set_focus_mark(s, e)
            self.article.select_range(s, s)

    def _on_article_cursor_moved(self, pos: int) -> None:
        if self.explanations.hasFocus():
            return
        for i in range(self.explanations.count()):
            s, e = self.explanations.item(i).data(SPAN_ROLE)
            if s <= pos < e:
                self.explanations.blockSignals(True)
                self.explanations.setCurrentRow(i)
                self.explanations.blockSignals(False)
                self.article.set_focus_mark(s, e)
                return

    def _on_try_again(self) -> None:
        if self.lesson is not None:
            self.try_again_requested.emit(self.lesson.id)


class SummaryLabel(QLabel):
    """The summary: focusable, no caret; the arrow and page keys scroll it when large
    text makes it taller than its place."""

    scroller: QScrollArea | None = None

    def keyPressEvent(self, e) -> None:  # noqa: N802, ANN001
        bar = self.scroller.verticalScrollBar() if self.scroller is not None else None
        steps = {Qt.Key.Key_Down: bar.singleStep() if bar else 0,
                 Qt.Key.Key_Up: -bar.singleStep() if bar else 0,
                 Qt.Key.Key_PageDown: bar.pageStep() if bar else 0,
                 Qt.Key.Key_PageUp: -bar.pageStep() if bar else 0}
        if bar is not None and e.key() in steps and bar.maximum() > 0:
            bar.setValue(bar.value() + steps[e.key()])
            e.accept()
            return
        super().keyPressEvent(e)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _scroller(w: QWidget) -> QScrollArea:
    sc = vertical_scroller(w)
    sc.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return sc


def _pen(underline: str) -> Qt.PenStyle:
    return {"solid": Qt.PenStyle.SolidLine, "wave": Qt.PenStyle.SolidLine,
            "dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine,
            "dashdot": Qt.PenStyle.DashDotLine,
            "double": Qt.PenStyle.DashDotDotLine}[underline]


def bold(font: QFont, scale: float) -> QFont:
    f = QFont(font)
    f.setPointSizeF(font.pointSizeF() * scale)
    f.setWeight(QFont.Weight.Bold)
    return f



