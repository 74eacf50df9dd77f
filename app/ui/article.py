"""The article view: the lesson text, read-only, selectable by mouse and keyboard, with
highlights painted by a ``QSyntaxHighlighter`` (formats stay out of the document).

``toPlainText()`` is the lesson text character for character: paragraphs are styled
with block formats only.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPalette,
    QSyntaxHighlighter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from app.core.record import record
from app.ui.plain import tip
from app.ui.textpos import PositionMap
from app.ui.theme import blend

READING_WIDTH_CHARS = 68
MIN_MARGIN = 24  # px, the document's margin on every side
LINE_SPACING = 150  # % of a line's own height, from one line of a paragraph to the next
BLANK_SCALE = 0.4  # the blank line between paragraphs, as a share of the text's size
HEADING_MAX_CHARS = 120
_SENTENCE_END = ".!?:;,…\"'”’"


def is_heading(paragraph: str) -> bool:
    """A paragraph that reads as a headline or a subheading: short, two words or more,
    and not ending like a sentence ("North Korean Troops Fighting for Russia, U.S.
    Officials Confirm"; "Growing Russo-North Korean Cooperation")."""
    t = paragraph.strip()
    return (0 < len(t) <= HEADING_MAX_CHARS and len(t.split()) >= 2
            and t[-1] not in _SENTENCE_END)


@record
class Mark:
    """One painted range: code-point offsets, background, underline, and a tooltip."""

    start: int
    end: int
    background: QColor
    underline: QTextCharFormat.UnderlineStyle | None
    tip: str
    bold: bool = False


class MarkHighlighter(QSyntaxHighlighter):
    """Paints ``Mark``s; only the blocks a change touches are re-highlighted."""

    def __init__(self, doc: QTextDocument, posmap: Callable[[], PositionMap]) -> None:
        super().__init__(doc)
        self._marks: list[Mark] = []
        self._starts: list[int] = []
        self._longest = 0  # no mark is longer: where a block's candidates begin
        self._posmap = posmap
        self.underline_colour = QColor("#1b1b1f")

    def set_marks(self, marks: Sequence[Mark], changed: Sequence[tuple[int, int]] | None = None) -> None:
        self._marks = sorted(marks, key=_order)
        self._starts = [m.start for m in self._marks]
        self._longest = max((m.end - m.start for m in self._marks), default=0)
        if changed is None:
            self.rehighlight()
        else:
            self.rehighlight_ranges(changed)

    def clear_marks(self) -> None:
        """Forget the marks without highlighting again (a new text is about to be set,
        and setting it highlights every block anyway)."""
        self._marks, self._starts, self._longest = [], [], 0

    def update_marks(self, removed: Sequence[Mark], added: Sequence[Mark]) -> None:
        """Take ``removed`` away and put ``added`` in; re-highlight only their blocks."""
        for m in removed:
            i = bisect.bisect_left(self._marks, _order(m), key=_order)
            while i < len(self._marks) and self._marks[i].start == m.start:
                if self._marks[i] == m:
                    del self._marks[i]
                    del self._starts[i]
                    break
                i += 1
        for m in added:
            i = bisect.bisect_right(self._marks, _order(m), key=_order)
            self._marks.insert(i, m)
            self._starts.insert(i, m.start)
            self._longest = max(self._longest, m.end - m.start)
        self.rehighlight_ranges([(m.start, m.end) for m in (*removed, *added)])

    def rehighlight_ranges(self, ranges: Sequence[tuple[int, int]]) -> None:
        doc, pm = self.document(), self._posmap()
        done: set[int] = set()
        for s, e in sorted(ranges):
            block = doc.findBlock(pm.to_qt(s))
            last = doc.findBlock(max(pm.to_qt(e) - 1, 0))
            while block.isValid():
                if block.blockNumber() not in done:
                    done.add(block.blockNumber())
                    self.rehighlightBlock(block)
                if block == last:
                    break
                block = block.next()

    def marks_at(self, pos: int) -> list[Mark]:
        lo = bisect.bisect_left(self._starts, pos - self._longest)
        hi = bisect.bisect_right(self._starts, pos)
        return [m for m in self._marks[lo:hi] if m.start <= pos < m.end]

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        if not self._marks:
            return
        pm = self._posmap()
        b0 = self.currentBlock().position()
        s_cp, e_cp = pm.from_qt(b0), pm.from_qt(b0 + len(text))
        # candidate marks: any that start before the block's end and end after its start
        lo = bisect.bisect_left(self._starts, s_cp - self._longest)
        hi = bisect.bisect_left(self._starts, e_cp)
        marks = [m for m in self._marks[lo:hi] if m.end > s_cp]
        if not marks:
            return
        cuts = sorted({max(s_cp, min(e_cp, x)) for m in marks for x in (m.start, m.end)}
                      | {s_cp, e_cp})
        for a, b in zip(cuts, cuts[1:], strict=False):
            cover = [m for m in marks if m.start <= a and m.end >= b]
            if not cover or a >= b:
                continue
            fmt = QTextCharFormat()
            fmt.setBackground(cover[0].background if len(cover) == 1
                              else blend([m.background for m in cover]))
            style = next((m.underline for m in reversed(cover) if m.underline is not None), None)
            if style is not None:
                fmt.setUnderlineStyle(style)
                fmt.setUnderlineColor(self.underline_colour)
            if any(m.bold for m in cover):
                fmt.setFontWeight(QFont.Weight.DemiBold)
            fmt.setToolTip(tip(" + ".join(dict.fromkeys(m.tip for m in cover))))
            qa, qb = pm.to_qt(a) - b0, pm.to_qt(b) - b0
            self.setFormat(qa, qb - qa, fmt)


def _order(m: Mark) -> tuple[int, int]:
    return (m.start, m.end)


class ArticleView(QTextEdit):
    """Read-only article with keyboard selection; digit keys pick a category."""

    category_key_pressed = Signal(int)  # 0-based category index
    cursor_moved = Signal(int)  # code-point offset

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setAccessibleName("Article")
        # what a screen reader reads with the article's name: what is at the caret (a
        # highlight), or the result of the last action until the caret moves on; empty
        # otherwise, so that leaving a highlight is silent (see ``app.ui.announce``)
        self.base_description = ""
        self.transient = False  # the description is an action's result, not the caret's
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setTabChangesFocus(True)
        self._text = ""
        self._map = PositionMap("")
        self.highlighter = MarkHighlighter(self.document(), lambda: self._map)
        self.document().setDocumentMargin(MIN_MARGIN)
        # a scroll bar coming and going would change the measure's margins, and each
        # change of them lays out and highlights the whole document again
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # always there, so off (and drawn without a handle) while there is nothing to
        # scroll: a full-length handle looked like something to drag
        self.verticalScrollBar().rangeChanged.connect(self._on_scroll_range_changed)
        self.verticalScrollBar().setEnabled(False)
        self.cursorPositionChanged.connect(self._on_cursor_moved)

    def _on_scroll_range_changed(self, _low: int, high: int) -> None:
        self.verticalScrollBar().setEnabled(high > 0)

    # -- what a screen reader hears -------------------------------------------
    def present_result(self, message: str) -> None:
        """An action's result, read by Orca as a change of the focused article's
        description (``app.ui.announce``); it lasts until the caret moves on."""
        from app.ui.announce import set_description

        self.transient = True
        set_description(self, message)

    def rest(self, text: str | None = None) -> None:
        """The description goes back to what is true at the caret (``text``, or the
        base description); no announcement."""
        self.transient = False
        text = self.base_description if text is None else text
        if self.accessibleDescription() != text:
            self.setAccessibleDescription(text)

    # -- content --------------------------------------------------------------
    def set_article(self, text: str) -> None:
        self.rest()  # nothing said about the last text is true of this one
        self._text = text
        self._map = PositionMap(text)
        self.highlighter.clear_marks()
        self.setPlainText(text)
        self._style_blocks()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _style_blocks(self) -> None:
        """Paragraphs at 150 % line spacing; the blank line between two paragraphs
        smaller (a 40 % gap, not a whole line).

        The blank line is made small by its *font*, never by a line height under 100 %:
        Qt places the next paragraph after the shortened height, but the blank line's
        own box (which Qt hit-tests with) keeps the font's full height and covers the
        top 60 % of the next paragraph's first line, so clicks, drags and double-clicks
        there landed on the blank line (issue 23).
        """
        doc = self.document()
        cur = QTextCursor(doc)
        cur.beginEditBlock()
        text_fmt = QTextBlockFormat()
        text_fmt.setLineHeight(LINE_SPACING,
                               QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        blank_fmt, blank_chars = QTextBlockFormat(), self._blank_chars()
        headline, subheading = QTextCharFormat(), QTextCharFormat()
        # headings are bold, the headline a size larger (relative: it follows the zoom)
        headline.setFontWeight(QFont.Weight.Bold)
        headline.setProperty(QTextCharFormat.Property.FontSizeAdjustment, 1)
        subheading.setFontWeight(QFont.Weight.Bold)
        block, first = doc.begin(), True
        while block.isValid():
            cur.setPosition(block.position())
            if block.length() <= 1:  # the blank line between paragraphs
                cur.setBlockFormat(blank_fmt)
                cur.setBlockCharFormat(blank_chars)
            else:
                cur.setBlockFormat(text_fmt)
                nxt = block.next().next() if block.next().isValid() else block.next()
                if is_heading(block.text()) and nxt.isValid() and not is_heading(nxt.text()):
                    cur.setPosition(block.position() + block.length() - 1,
                                    QTextCursor.MoveMode.KeepAnchor)
                    cur.mergeCharFormat(headline if first else subheading)
                first = False
            block = block.next()
        cur.endEditBlock()
        doc.clearUndoRedoStacks()

    def _blank_chars(self) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setFontPointSize(max(1.0, self.document().defaultFont().pointSizeF() * BLANK_SCALE))
        return fmt

    def _restyle_blanks(self) -> None:
        """The blank lines follow the text's size (a zoom changes the default font)."""
        doc = self.document()
        fmt = self._blank_chars()
        cur = QTextCursor(doc)
        cur.beginEditBlock()
        block = doc.begin()
        while block.isValid():
            if block.length() <= 1 and block.charFormat().fontPointSize() != fmt.fontPointSize():
                cur.setPosition(block.position())
                cur.setBlockCharFormat(fmt)
            block = block.next()
        cur.endEditBlock()
        doc.clearUndoRedoStacks()

    def toPlainText(self) -> str:  # noqa: N802 (Qt override)
        """The document's text as the lesson holds it (Qt's version folds NBSP)."""
        return self.document().toRawText().replace("\u2029", "\n")

    def set_reading_font(self, font: QFont) -> None:
        self.document().setDefaultFont(font)
        if self._text:
            self._restyle_blanks()
        self._update_measure()

    def _update_measure(self) -> None:
        """Keep a readable measure (~68 characters a line), centred in the view."""
        char = QFontMetrics(self.document().defaultFont()).averageCharWidth()
        width = char * READING_WIDTH_CHARS
        # the side margins replace the document's own: never narrower than it (at 200 %
        # text the measure fills the view and the text used to touch its edges)
        side = max(MIN_MARGIN, 2 * char, (self.viewport().width() - width) // 2 - MIN_MARGIN)
        fmt = self.document().rootFrame().frameFormat()
        if fmt.leftMargin() != side:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            self.document().rootFrame().setFrameFormat(fmt)

    def resizeEvent(self, e) -> None:  # noqa: N802
        super().resizeEvent(e)
        self._update_measure()

    # -- positions ------------------------------------------------------------
    @property
    def posmap(self) -> PositionMap:
        return self._map

    def selection(self) -> tuple[int, int] | None:
        """The selection in code points, or None."""
        c = self.textCursor()
        if not c.hasSelection():
            return None
        return self._map.from_qt(c.selectionStart()), self._map.from_qt(c.selectionEnd())

    def cursor_offset(self) -> int:
        return self._map.from_qt(self.textCursor().position())

    def select_range(self, start: int, end: int) -> None:
        """Select code points ``[start, end)`` (used by tests and the Highlights list)."""
        c = self.textCursor()
        c.setPosition(self._map.to_qt(start))
        c.setPosition(self._map.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(c)
        self.ensureCursorVisible()

    def set_marks(self, marks: Sequence[Mark], changed: Sequence[tuple[int, int]] | None = None) -> None:
        # underlines tell categories apart without colour: draw them in the text colour
        # so they show in the dark palette as well as the light one
        self.highlighter.underline_colour = self.palette().color(QPalette.ColorRole.Text)
        self.highlighter.set_marks(marks, changed)

    def clear_selection(self) -> None:
        """Drop the selection, leaving the caret where it is."""
        c = self.textCursor()
        if c.hasSelection():
            c.clearSelection()
            self.setTextCursor(c)

    def update_marks(self, removed: Sequence[Mark], added: Sequence[Mark]) -> None:
        """Change a few marks; only the blocks they cover are painted again."""
        self.highlighter.underline_colour = self.palette().color(QPalette.ColorRole.Text)
        self.highlighter.update_marks(removed, added)

    def set_focus_mark(self, start: int, end: int) -> None:
        """A transient outline on the highlight the student is working with."""
        if start >= end:
            self.setExtraSelections([])
            return
        sel = QTextEdit.ExtraSelection()
        c = QTextCursor(self.document())
        c.setPosition(self._map.to_qt(start))
        c.setPosition(self._map.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = c
        # an overline: it leaves the highlight's own colour and underline style showing
        sel.format.setFontOverline(True)
        self.setExtraSelections([sel])

    # -- the pointer ----------------------------------------------------------
    def line_y(self, doc_y: float) -> float:
        """Where Qt's hit test should look for a point at ``doc_y`` (document
        coordinates): inside the box of the line drawn there.

        With 150 % line spacing a line's box (what Qt hit-tests) is its glyphs' height,
        and the third below it belongs to no line: a click there lands at a line's end
        whatever its x. Points in that gap count as the line above them, as on paper.
        """
        doc = self.document()
        lay = doc.documentLayout()
        lo, hi = 0, doc.blockCount() - 1
        while lo < hi:  # the last block that starts at or above doc_y
            mid = (lo + hi + 1) // 2
            if lay.blockBoundingRect(doc.findBlockByNumber(mid)).top() <= doc_y:
                lo = mid
            else:
                hi = mid - 1
        block = doc.findBlockByNumber(lo)
        layout, top = block.layout(), lay.blockBoundingRect(block).top()
        for i in range(layout.lineCount() - 1, -1, -1):
            line = layout.lineAt(i)
            if top + line.y() <= doc_y or i == 0:
                bottom = top + line.y() + line.height()
                return doc_y if doc_y < bottom - 1 else bottom - line.height() / 2
        return doc_y

    def _hit(self, e: QMouseEvent) -> QMouseEvent:
        p = e.position()
        dy = self.verticalScrollBar().value()
        y = self.line_y(p.y() + dy) - dy
        if y == p.y():
            return e
        return QMouseEvent(e.type(), QPointF(p.x(), y), e.globalPosition(), e.button(),
                           e.buttons(), e.modifiers())

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        if (e.button() == Qt.MouseButton.LeftButton
                and not e.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            # a press inside the selection would start dragging the text out (nothing
            # here takes a drop): the student meant to select again, from there. (Setting
            # the cursor scrolls to it: the press is where the student sees the text.)
            at = self.verticalScrollBar().value(), self.horizontalScrollBar().value()
            self.clear_selection()
            self.verticalScrollBar().setValue(at[0])
            self.horizontalScrollBar().setValue(at[1])
        super().mousePressEvent(self._hit(e))

    def mouseMoveEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        super().mouseMoveEvent(self._hit(e))

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(self._hit(e))

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        super().mouseDoubleClickEvent(self._hit(e))

    # -- events ---------------------------------------------------------------
    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        key = e.key()
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and mods == Qt.KeyboardModifier.NoModifier:
            self.category_key_pressed.emit(key - Qt.Key.Key_1)
            e.accept()
            return
        super().keyPressEvent(e)

    def tooltip_at(self, offset: int) -> str:
        """The tooltip over the character at ``offset``: the marks' tips, shown literally
        (a category name or a note is not markup)."""
        marks = self.highlighter.marks_at(offset)
        return tip("\n".join(dict.fromkeys(m.tip for m in marks))) if marks else ""

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent):
            # digits belong to the article (category keys), not to global shortcuts
            if Qt.Key.Key_1 <= e.key() <= Qt.Key.Key_9 and not e.modifiers():
                e.accept()
                return True
        if e.type() == QEvent.Type.ToolTip:
            pos = self.cursorForPosition(e.pos()).position()
            text = self.tooltip_at(self._map.from_qt(pos))
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    def _on_cursor_moved(self) -> None:
        self.cursor_moved.emit(self.cursor_offset())
