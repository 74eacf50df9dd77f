"""The feedback view: ``Score: N``, the comparison in words, the article with the key
laid over the student's highlights, every key span's explanation, and past attempts."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.attempts import Grade, attempt_label
from app.core.lessons import Category, Lesson
from app.core.scoring import Report
from app.store.repo import Submission
from app.ui.article import ArticleView, Mark
from app.ui.feedback_words import category_line, headline, overreach_notes, plain_rates, summary
from app.ui.highlights_list import quote
from app.ui.theme import STATUS_STYLE, is_dark, styles_for

SPAN_ROLE = Qt.ItemDataRole.UserRole + 1


class FeedbackPage(QWidget):
    try_again_requested = Signal(str)
    back_requested = Signal()
    attempt_chosen = Signal(str)  # submission_id of an earlier attempt to show

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Feedback")
        self.lesson: Lesson | None = None
        self.back_button = QPushButton("← Library")
        self.back_button.setAccessibleName("Back to the lesson library")
        self.back_button.clicked.connect(self.back_requested)
        self.try_again_action = QAction("Try again", self)
        self.try_again_action.triggered.connect(self._on_try_again)
        self.addAction(self.try_again_action)
        self.try_button = QPushButton("Try again")
        self.try_button.setObjectName("primary")
        self.try_button.setAccessibleName("Try again")
        self.try_button.clicked.connect(self.try_again_action.trigger)
        self.title = QLabel()
        self.title.setObjectName("lessonTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a pack's title is not markup
        self.score_label = QLabel()
        self.score_label.setObjectName("scoreLabel")
        self.score_label.setAccessibleName("Score")
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setWordWrap(True)  # at 200 % text it would widen the window past the screen
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                             | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.summary.setAccessibleName("Summary of your result")
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.article = ArticleView()
        self.article.setAccessibleName("Article with feedback")
        self.article.setAccessibleDescription(
            "The article with the answer key laid over your highlights. Hover or move the "
            "cursor onto a mark to see what it is.")
        self.article.cursor_moved.connect(self._on_article_cursor_moved)
        self.explanations = QListWidget()
        self.explanations.setAccessibleName("Key explanations")
        self.explanations.setWordWrap(True)
        self.explanations.setAlternatingRowColors(True)
        self.explanations.setSpacing(2)
        self.explanations.currentItemChanged.connect(self._on_explanation_current)
        self.attempts = QListWidget()
        self.attempts.setAccessibleName("Your attempts")
        self.attempts.setMaximumHeight(110)
        self.attempts.setAccessibleDescription("Press Return on an attempt to see its feedback")
        self.attempts.itemActivated.connect(self._on_attempt_activated)
        self._graded_id: str | None = None
        for lw in (self.explanations, self.attempts):  # text wraps; never scrolls sideways
            lw.setWordWrap(True)
            lw.setResizeMode(QListWidget.ResizeMode.Adjust)
            lw.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        top.addWidget(self.try_button)
        head = QVBoxLayout()
        head.addLayout(top)
        head.addWidget(self.title)
        srow = QHBoxLayout()
        srow.addWidget(self.score_label)
        srow.addSpacing(16)
        srow.addWidget(self.headline, 1)
        head.addLayout(srow)
        head.addWidget(self.summary)

        side = QVBoxLayout()
        side.addWidget(QLabel("<b>What the key marks, and why</b>"))
        side.addWidget(self.explanations, 1)
        side.addWidget(QLabel("<b>Your attempts</b>"))
        side.addWidget(self.attempts)
        side_w = QWidget()
        side_w.setLayout(side)
        left = QVBoxLayout()
        left.addWidget(self.legend)
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
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(split, 1)

    def show_waiting(self, lesson: Lesson, attempts: list[Submission]) -> None:
        """An assessment submitted, its feedback not released: no score, no key."""
        self.lesson = lesson
        self._graded_id = None
        self.title.setText(f"Submitted: {lesson.title}")
        self.score_label.setText("")
        self.headline.setText("Submitted — your teacher will release the feedback")
        self.summary.setText("Your answers are saved and handed in. When your teacher "
                             "releases the feedback, it appears here with your score.")
        self.setAccessibleDescription("Submitted — your teacher will release the feedback")
        self.legend.setText("")
        self.explanations.clear()
        self.article.set_article(lesson.text)
        self.article.set_marks([])
        self._fill_attempts(attempts)
        self.try_button.setVisible(False)
        self.try_again_action.setEnabled(False)

    def show_result(self, lesson: Lesson, categories: dict[str, Category],
                    report: Report | None, attempts: list[Submission],
                    shown: Submission | None = None, grade: Grade | None = None) -> None:
        """The feedback on ``shown`` (default: the latest attempt); ``grade`` is the
        student's grade on the lesson (``app.core.attempts``) for the status line."""
        self.lesson = lesson
        self._graded_id = grade.submission_id if grade is not None else None
        self.try_button.setVisible(True)
        self.try_again_action.setEnabled(True)
        if shown is None and attempts:
            shown = max(attempts, key=lambda s: s.attempt)
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
        cats = [categories.get(c) or Category(c, c) for c in lesson.categories]
        self.title.setText(f"Feedback: {lesson.title}")
        self.headline.setText("")
        self.article.set_article(lesson.text)
        self.explanations.clear()
        self._fill_attempts(attempts)
        if report is None:
            self.score_label.setText("Score: not graded yet")
            self.headline.setText("")
            self.summary.setText("Your answers are saved. This lesson's answer key is not on "
                                 "this machine yet: your teacher will grade it.")
            self.setAccessibleDescription("Not graded yet")
            self.legend.setText("")
            self.article.set_marks([])
            return
        value = report.score
        if is_graded and grade is not None and grade.override is not None:
            value = grade.override
        self.score_label.setText(f"Score: {value}")
        self.setAccessibleDescription(f"Score: {value}. {self.status_line}")
        self.headline.setText(f"{self.status_line}. {headline(report)}")
        # rich text for the paragraphs; what comes from the pack (category names, the
        # article's words) is escaped, so "<b>" in an article shows as "<b>"
        lines = [f"<p>{escape(line)}</p>" for line in self.comment_line.split("\n") if line]
        lines.append(f"<p>{escape(summary(report))}</p>")
        for c in cats:
            if c.id in report.by_label:
                f = report.by_label[c.id]
                lines.append(f"<p>{escape(category_line(c, f))}</p>")
        lines.append(f"<p>{escape(plain_rates(report.overall))}</p>")
        for note in overreach_notes(report, lesson.text):
            lines.append(f"<p>⚠ {escape(note)}</p>")
        self.summary.setText("".join(lines))
        self._lay_marks(report, cats)

    def _lay_marks(self, report: Report, cats: list[Category]) -> None:
        assert self.lesson is not None
        dark = is_dark(self.palette())
        styles = styles_for(cats)
        names = {c.id: c.name for c in cats}
        marks: list[Mark] = []
        for k in report.key:
            status = "optional" if k.status == "missed" and not k.span.required else k.status
            bg_l, bg_d, tag = STATUS_STYLE[status]
            st = styles.get(k.span.label)
            kind = "optional" if not k.span.required else "key"
            tip = f"{tag} — {names.get(k.span.label, k.span.label)} ({kind})"
            marks.append(Mark(k.span.start, k.span.end, QColor(bg_d if dark else bg_l),
                              st.underline_qt() if st else None, tip,
                              bold=status == "missed"))
            item = QListWidgetItem(
                f"{tag}  ·  {names.get(k.span.label, k.span.label)}"
                f"{'' if k.span.required else ' (optional: no penalty either way)'}\n"
                f"“{quote(self.lesson.text, k.span, 120)}”\n{k.span.explanation}")
            item.setData(SPAN_ROLE, (k.span.start, k.span.end))
            self.explanations.addItem(item)
        for h in report.highlights:
            if h.status == "match":
                continue
            bg_l, bg_d, tag = STATUS_STYLE[h.status]
            st = styles.get(h.span.label)
            tip = f"Your highlight: {tag} ({names.get(h.span.label, h.span.label)})"
            marks.append(Mark(h.span.start, h.span.end, QColor(bg_d if dark else bg_l),
                              st.underline_qt() if st else None, tip))
            item = QListWidgetItem(
                f"{tag}  ·  your {names.get(h.span.label, h.span.label)} highlight\n"
                f"“{quote(self.lesson.text, h.span, 120)}”\n"
                + ("The key marks these words under another category." if
                   h.status == "wrong_label" else
                   "The key does not mark this. Compare it with the key's examples: is it "
                   "really unsupported or loaded, or is it ordinary reporting?"))
            item.setData(SPAN_ROLE, (h.span.start, h.span.end))
            self.explanations.addItem(item)
        items = [self.explanations.takeItem(0) for _ in range(self.explanations.count())]
        for it in sorted(items, key=lambda i: i.data(SPAN_ROLE)):
            self.explanations.addItem(it)
        self.article.set_marks(marks)
        self.legend.setText("  ".join(
            f"<span style='background:{(STATUS_STYLE[s][1] if dark else STATUS_STYLE[s][0])}'>"
            f"&nbsp;{STATUS_STYLE[s][2]}&nbsp;</span>"
            for s in ("found", "partial", "missed", "extra", "wrong_label")))

    def _fill_attempts(self, attempts: list[Submission]) -> None:
        self.attempts.clear()
        waiting = self.lesson is not None and self.lesson.is_assessment and not any(
            s.released_at for s in attempts)
        for s in sorted(attempts, key=lambda s: s.attempt, reverse=True):
            if waiting:
                score = "feedback not released yet"
            else:
                score = f"score {s.score}" if s.score is not None else "not graded yet"
            n = len(s.highlights)
            when = s.submitted_at.replace("T", " ").rstrip("Z")[:16]
            label = attempt_label(s.attempt, s.after_key, s.submission_id == self._graded_id)
            item = QListWidgetItem(f"{label} — {score} — {n} highlight"
                                   f"{'s' * (n != 1)} — {when}")
            item.setData(SPAN_ROLE, s.submission_id)
            self.attempts.addItem(item)

    def _on_attempt_activated(self, item: QListWidgetItem) -> None:
        sid = item.data(SPAN_ROLE)
        if isinstance(sid, str):
            self.attempt_chosen.emit(sid)

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


def bold(font: QFont, scale: float) -> QFont:
    f = QFont(font)
    f.setPointSizeF(font.pointSizeF() * scale)
    f.setWeight(QFont.Weight.Bold)
    return f
