"""The class view of one lesson: the article with each key span shaded by the share of
students who found it (with a legend), the most common highlights outside the key, the
score histogram and, per category, how much of the key the class found and how much of
what it marked lies in the key, in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Executor

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.services.results.classview import ClassFigures, ClassView, KeySpanStat, class_view
from app.services.results.discrimination import signal_lines
from app.store.repo import Repo
from app.ui.article import ArticleView, Mark
from app.ui.feedback_marks import Legend, Swatch
from app.ui.fonts import reading_font
from app.ui.plain import tip as plain_tip
from app.ui.results.histogram import ScoreHistogram
from app.ui.theme import STATUS_STYLE, is_dark

RANGE_ROLE = Qt.ItemDataRole.UserRole + 1
FIGURES_TITLE = "How the class did, per category"

# shade of a key span by the share of students who found it: (status style, underline)
SHADES = (
    (2 / 3, "found", None),
    (1 / 3, "partial", QTextCharFormat.UnderlineStyle.DashUnderline),
    (0.0, "missed", QTextCharFormat.UnderlineStyle.WaveUnderline),
)


def shade(share: float) -> tuple[str, QTextCharFormat.UnderlineStyle | None]:
    for floor, status, underline in SHADES:
        if share >= floor:
            return status, underline
    return SHADES[-1][1], SHADES[-1][2]


def span_tag(st: KeySpanStat) -> str:
    """The text tag of a key span, e.g. "2 of 5 found"."""
    return f"{st.found} of {st.students} found"


def span_tip(st: KeySpanStat, names: Mapping[str, str]) -> str:
    parts = [span_tag(st)]
    if st.partial:
        parts.append(f"{st.partial} partly")
    if st.missed:
        missed = f"{st.missed} missed"
        if st.wrong_label:
            missed += f" ({st.wrong_label} with another category)"
        parts.append(missed)
    opt = "" if st.span.required else ", optional"
    return (f"Key span {st.number} ({names.get(st.span.label, st.span.label)}{opt}): "
            + ", ".join(parts) + f" — {st.share('found'):.0%} found it")


def figures_in_words(name: str, f: ClassFigures, students: int) -> str:
    """A category's class means in plain words (no "precision" or "recall")."""
    if f.recall is None:
        found = "the key marks no required passage of this kind"
    else:
        found = (f"on average, students highlighted {f.recall:.0%} of the key's required "
                 f"passages (all {students} student{'s' * (students != 1)})")
    if f.precision is None:
        marked = "nobody marked anything of this kind"
    else:
        marked = (f"of what they marked, {f.precision:.0%} lies in the key (the {f.marking} "
                  f"who marked any)")
    return f"{name}: {found}; {marked}."


def outside_words(view: ClassView) -> str:
    """The line shown when no highlight is outside every key passage: only then is
    "Nobody marked anything outside the key" true — a wrong category is outside too."""
    n = view.wrong_label_students
    if not n:
        return "Nobody marked anything outside the key."
    return (f"No highlight lies outside the key's passages, but {n} student"
            f"{'s' * (n != 1)} marked a key passage with another category.")


UNIT_TITLE = "Across the unit: passages found and false alarms"


class FullList(QListWidget):
    """A list as tall as all its rows, wrapped to its width: the panel around it scrolls,
    never the list (3–4 rows showed, and each row scrolled sideways: issue 23)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(1)
        self._width = -1

    def fit(self) -> None:
        """Each row as tall as its words wrapped at the list's width, and the list as
        tall as its rows (measured here: Qt's own measure of wrapped rows disagreed with
        its painting by a line now and then, eliding a row's end)."""
        fm = self.fontMetrics()
        width = max(60, self.viewport().width() - 2 * self.spacing())
        flags = int(Qt.TextFlag.TextWordWrap)
        total = 0
        for i in range(self.count()):
            item = self.item(i)
            text_h = fm.boundingRect(QRect(0, 0, width - 16, 100_000), flags,
                                     item.text()).height()
            h = text_h + 16  # the style sheet's padding (6 + 6) and rule, and a margin
            item.setSizeHint(QSize(width, h))
            total += h + 2 * self.spacing()
        min_h = fm.height() + 16
        self.setFixedHeight(max(total, min_h) + 2 * self.frameWidth() + 2)

    def resizeEvent(self, e) -> None:  # noqa: N802, ANN001
        super().resizeEvent(e)
        if self.width() != self._width:  # rows wrap anew: fit once they are laid out
            self._width = self.width()
            QTimer.singleShot(0, self, self.fit)


class ClassPage(QWidget):
    lesson_chosen = Signal(str)  # lesson id

    def __init__(self, repo: Repo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.view: ClassView | None = None
        # a school's lesson (thousands of attempts, regraded: ~0.6 s) is read in the
        # background; the results window turns this on for a big database
        self.background = False
        self.executor: Executor | None = None  # None: the operations' thread
        self.loading: str | None = None  # the lesson being read in the background
        self.marks: list[Mark] = []
        self.tags: list[str] = []  # one per key span, in key order

        self.lesson = QComboBox()
        self.lesson.setAccessibleName("Lesson")
        self.lesson.setMinimumContentsLength(30)
        self.lesson.currentIndexChanged.connect(self._on_lesson_changed)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        label = QLabel("&Lesson:")
        label.setBuddy(self.lesson)
        top.addWidget(label)
        top.addWidget(self.lesson)
        top.addWidget(self.summary, 1)

        self.article = ArticleView()
        self.article.setAccessibleName("Class article")
        self.article.base_description = (  # (what it says when nothing else applies)
            "The article. Each key passage is shaded by the share of students who found it; "
            "the list Key passages says the same in words.")
        self.article.rest()
        self.article.set_reading_font(reading_font(0.85))

        self.key_list = FullList()
        self.key_list.setAccessibleName("Key passages")
        self.extras = FullList()
        self.extras.setAccessibleName("Most common extra highlights")
        for lst in (self.key_list, self.extras):
            lst.itemActivated.connect(self._on_item_activated)
            lst.currentItemChanged.connect(lambda it, _old: self._on_item_activated(it))
        self.histogram = ScoreHistogram()
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setAccessibleName(FIGURES_TITLE)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.legend = Legend()
        self.legend.setAccessibleName("Shading legend")
        self.unit_signals = QLabel()
        self.unit_signals.setTextFormat(Qt.TextFormat.PlainText)
        self.unit_signals.setWordWrap(True)
        self.unit_signals.setAccessibleName(UNIT_TITLE)

        side = QWidget()
        col = QVBoxLayout(side)
        col.setContentsMargins(8, 0, 4, 0)
        for title, w in (("Key passages (share of students who found each)", self.key_list),
                         (UNIT_TITLE, self.unit_signals),
                         ("Most common extra highlights (not in the key)", self.extras),
                         ("Score distribution", self.histogram),
                         (FIGURES_TITLE, self.figures)):
            head = QLabel(f"<b>{title}</b>")
            head.setWordWrap(True)  # (at 200 % text a heading widened the panel past its view)
            if w in (self.key_list, self.extras):
                head.setBuddy(w)
            col.addWidget(head)
            col.addWidget(w)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(380)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        left = QWidget()
        lcol = QVBoxLayout(left)
        lcol.setContentsMargins(0, 0, 0, 0)
        lcol.addWidget(self.legend)
        lcol.addWidget(self.article, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        self._split = split
        self._compare = None  # a comparison's view (app.ui.compare.class_view), on first use

    # -- content --------------------------------------------------------------
    def set_lessons(self, lessons: Sequence[tuple[str, str]]) -> None:
        """``(id, title)`` of the lessons with attempts here; keeps the current one."""
        current = self.current_lesson()
        self.lesson.blockSignals(True)
        self.lesson.clear()
        for lid, title in lessons:
            self.lesson.addItem(title, lid)
        i = self.lesson.findData(current) if current else -1
        self.lesson.setCurrentIndex(max(i, 0) if lessons else -1)
        self.lesson.blockSignals(False)
        self.show_lesson(self.current_lesson())

    def current_lesson(self) -> str | None:
        return self.lesson.currentData()

    def choose_lesson(self, lesson_id: str) -> None:
        i = self.lesson.findData(lesson_id)
        if i >= 0 and i != self.lesson.currentIndex():
            self.lesson.setCurrentIndex(i)

    def _on_lesson_changed(self, _i: int) -> None:
        lid = self.current_lesson()
        self.show_lesson(lid)
        if lid:
            self.lesson_chosen.emit(lid)

    def show_lesson(self, lesson_id: str | None) -> None:
        self.view = None
        self.marks, self.tags = [], []
        self.key_list.clear()
        self.extras.clear()
        self.key_list.fit()
        self.extras.fit()
        self.histogram.set_counts((0,) * 10)
        self.figures.clear()
        self.unit_signals.clear()
        self.legend.set_entries([])
        self.loading = None
        if lesson_id is None:
            self.article.set_article("")
            self.summary.setText("No graded attempts yet: import submission files first.")
            return
        if self.background:
            self._load_in_background(lesson_id)
            return
        try:
            view = self.view = class_view(self.repo, lesson_id)
        except UserError as e:
            self.article.set_article("")
            self.summary.setText(str(e))
            return
        names = {c.id: c.name for c in self.repo.categories().values()}
        self._fill(view, names)

    def _load_in_background(self, lesson_id: str) -> None:
        """Read and grade the lesson's attempts off the GUI thread; fill when done,
        unless another lesson was chosen meanwhile."""
        from app.ui.operations import RepoOp

        self.loading = lesson_id
        self.article.set_article("")
        self.histogram.setVisible(False)  # no bars of zeros while the attempts are read
        self.summary.setText(f"Reading the class's attempts at {self.lesson.currentText()}…")

        def work(repo: Repo) -> tuple[ClassView, dict[str, str]]:
            return class_view(repo, lesson_id), {c.id: c.name
                                                 for c in repo.categories().values()}

        def done(result: tuple[ClassView, dict[str, str]]) -> None:
            if self.loading != lesson_id:
                return  # another lesson was chosen meanwhile: its own load fills
            self.loading = None
            self.view = result[0]
            self._fill(*result)

        def failed(e: BaseException) -> None:
            if self.loading != lesson_id:
                return
            self.loading = None
            if not isinstance(e, UserError):
                raise e
            self.summary.setText(str(e))

        RepoOp(self, self.repo.database.path, work, self.executor) \
            .success(done).failure(failed).run_in_background()

    def _fill(self, view: ClassView, names: Mapping[str, str]) -> None:
        self._split.setVisible(getattr(view, "kind", "") != "compare")
        if self._compare is not None:
            self._compare.setVisible(getattr(view, "kind", "") == "compare")
        if getattr(view, "kind", "") == "compare":  # per claim (formats.md, "Comparisons")
            self._fill_compare(view)
            return
        n = len(view.scores)
        mean = "–" if view.mean_score is None else f"{view.mean_score:.0f}"
        extra = f"; {len(view.not_graded)} not graded" if view.not_graded else ""
        self.summary.setText(f"{n} student{'s' * (n != 1)} · mean score {mean} · "
                             f"counting each student's graded attempt (the first, before the key){extra}")
        self.article.set_article(view.lesson.text)
        dark = is_dark(self.palette())
        for st in view.key:
            status, underline = shade(st.share("found"))
            light_bg, dark_bg, _ = STATUS_STYLE[status]
            tip = span_tip(st, names)
            self.marks.append(Mark(st.span.start, st.span.end, QColor(dark_bg if dark else light_bg),
                                   underline, tip))
            self.tags.append(span_tag(st))
            quote = " ".join(st.span.quote.split())
            quote = quote if len(quote) <= 70 else quote[:69] + "…"
            item = QListWidgetItem(f"{st.number}. “{quote}” — {names.get(st.span.label, st.span.label)}"
                                   f"{'' if st.span.required else ' (optional)'}: {span_tag(st)}")
            item.setToolTip(plain_tip(tip))
            item.setData(RANGE_ROLE, (st.span.start, st.span.end))
            item.setBackground(QColor(dark_bg if dark else light_bg))
            self.key_list.addItem(item)
        self.article.set_marks(self.marks)
        for ex in view.extras:
            quote = " ".join(ex.quote.split())
            quote = quote if len(quote) <= 70 else quote[:69] + "…"
            labels = ", ".join(f"{names.get(lab, lab)} {k}" for lab, k in
                               sorted(ex.labels.items(), key=lambda x: -x[1]))
            item = QListWidgetItem(f"“{quote}” — {ex.students} student"
                                   f"{'s' * (ex.students != 1)} ({labels})")
            item.setData(RANGE_ROLE, (ex.core_start, ex.core_end))
            self.extras.addItem(item)
        if not view.extras:
            self.extras.addItem(outside_words(view))
        for lst in (self.key_list, self.extras):
            lst.fit()
        self.histogram.set_counts(view.histogram)
        self.histogram.setVisible(True)
        lines = [figures_in_words(names.get(lab, lab), f, n) for lab, f in view.by_label.items()]
        lines.append(figures_in_words("All categories", view.overall, n))
        self.figures.setText("\n\n".join(lines))
        unit = signal_lines(self.repo, view.lesson.id)
        self.unit_signals.setText(
            "\n\n".join([*unit, "A class that tells manipulative writing from careful "
                          "writing finds much in the loaded version and marks little in the "
                          "careful one; marking everything finds every passage and teaches "
                          "nothing."]) if unit else
            "This lesson is not part of a unit with other graded lessons.")
        self._fill_legend(dark)

    def _fill_compare(self, view) -> None:  # noqa: ANN001 — a CompareClassView
        from app.ui.compare.class_view import CompareClassWidget

        if self._compare is None:
            self._compare = CompareClassWidget(self)
            self.layout().addWidget(self._compare, 1)
        n = len(view.scores)
        mean = "–" if view.mean_score is None else f"{view.mean_score:.0f}"
        extra = f"; {len(view.not_graded)} not graded" if view.not_graded else ""
        self.summary.setText(f"{n} student{'s' * (n != 1)} · mean score {mean} · counting "
                             f"each student's graded attempt (the first, before the key){extra}")
        self._compare.set_view(view)
        self._compare.setVisible(True)

    def _fill_legend(self, dark: bool) -> None:
        """The shading, explained with a sample of each."""
        entries = []
        for (_, status, underline), words in zip(SHADES, (
                "found by two thirds of the class or more", "found by a third or more",
                "found by fewer than a third"), strict=True):
            pen = {None: None, QTextCharFormat.UnderlineStyle.DashUnderline: Qt.PenStyle.DashLine,
                   QTextCharFormat.UnderlineStyle.WaveUnderline: Qt.PenStyle.SolidLine}[underline]
            bg = QColor(STATUS_STYLE[status][1 if dark else 0])
            entries.append((Swatch(bg, pen, wave=underline ==
                                   QTextCharFormat.UnderlineStyle.WaveUnderline), words))
        self.legend.set_entries(entries)
        self.legend.setToolTip("Hover a passage, or choose it in Key passages, for its numbers.")

    def _on_item_activated(self, item: QListWidgetItem | None) -> None:
        rng = item.data(RANGE_ROLE) if item is not None else None
        if rng:
            self.article.select_range(*rng)
