"""Using the article views with a real pointer: mouse events at the on-screen position of
given words, worked out from Qt's text layout (where the glyphs are drawn), never from the
view's own hit testing (``cursorForPosition``), which is what these tests check."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTextEdit

Word = tuple[int, int]  # code points


def _laid_out(view: QTextEdit, block) -> None:  # noqa: ANN001
    """Make Qt lay the document out down to ``block`` (it lays out lazily: a block far
    below the view may have no lines yet)."""
    view.document().documentLayout().blockBoundingRect(block)


def paragraphs(view: QTextEdit) -> list[tuple[int, int]]:
    """(block number, number of lines) of every paragraph, in order; blank lines
    between paragraphs are skipped."""
    doc = view.document()
    _laid_out(view, doc.lastBlock())
    out = []
    block = doc.begin()
    while block.isValid():
        if block.length() > 1:
            _laid_out(view, block)
            assert block.layout().lineCount() > 0, "a paragraph with no lines"
            out.append((block.blockNumber(), block.layout().lineCount()))
        block = block.next()
    return out


def line_words(view: QTextEdit, tokens: list[Word], block_no: int, line_no: int) -> list[Word]:
    """The words of three letters or more that lie wholly on that line (code points):
    the middle of a one-letter word is as near its end as its start."""
    doc = view.document()
    block = doc.findBlockByNumber(block_no)
    _laid_out(view, block)
    assert 0 <= line_no < block.layout().lineCount()
    line = block.layout().lineAt(line_no)
    pm = view.posmap
    a = pm.from_qt(block.position() + line.textStart())
    b = pm.from_qt(block.position() + line.textStart() + line.textLength())
    text = view.toPlainText()
    return [(s, e) for s, e in tokens if a <= s and e <= b and e - s >= 3 and text[s:e].isalpha()]


def _line_of(view: QTextEdit, qt_pos: int):  # noqa: ANN202
    doc = view.document()
    block = doc.findBlock(qt_pos)
    _laid_out(view, block)
    layout = block.layout()
    rel = qt_pos - block.position()
    line = layout.lineForTextPosition(rel)
    top = doc.documentLayout().blockBoundingRect(block).topLeft()
    return block, line, rel, top


def show_word(view: QTextEdit, word: Word) -> None:
    """Scroll (as the wheel would) until the word's line is well inside the view."""
    block, line, _, top = _line_of(view, view.posmap.to_qt(word[0]))
    bar = view.verticalScrollBar()
    y = top.y() + line.y()
    vh = view.viewport().height()
    if not (bar.value() + 10 <= y and y + line.height() <= bar.value() + vh - 10):
        bar.setValue(int(max(0, y - vh / 3)))
        QApplication.processEvents()


def point(view: QTextEdit, word: Word, fy: float = 0.5, fx: float = 0.5,
          scroll: bool = True) -> QPoint:
    """The viewport pixel at ``fx`` across the word and ``fy`` down its line's glyph box
    (scrolling the word into view first, unless ``scroll`` is false)."""
    if scroll:
        show_word(view, word)
    pm = view.posmap
    qs, qe = pm.to_qt(word[0]), pm.to_qt(word[1])
    block, line, rel, top = _line_of(view, qs)
    x0 = line.cursorToX(rel)[0]
    x1 = line.cursorToX(qe - block.position())[0]
    x = top.x() + x0 + (x1 - x0) * fx - view.horizontalScrollBar().value()
    y = top.y() + line.y() + line.height() * fy - view.verticalScrollBar().value()
    return QPoint(round(x), round(y))


def gap_point(view: QTextEdit, word: Word) -> QPoint | None:
    """A pixel below the word's glyphs but above the next line (the 150 % spacing), or
    None when the gap is under 3 px."""
    show_word(view, word)
    pm = view.posmap
    block, line, rel, top = _line_of(view, pm.to_qt(word[0]))
    layout = block.layout()
    nxt = line.lineNumber() + 1
    below = (layout.lineAt(nxt).y() if nxt < layout.lineCount()
             else view.document().documentLayout().blockBoundingRect(block).height())
    gap = below - (line.y() + line.height())
    if gap < 3:
        return None
    p = point(view, word)
    y = top.y() + line.y() + line.height() + gap / 2 - view.verticalScrollBar().value()
    return QPoint(p.x(), round(y))


def click(view: QTextEdit, p: QPoint) -> None:
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p)
    QApplication.processEvents()


def double_click(view: QTextEdit, p: QPoint) -> None:
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, p)
    QApplication.processEvents()


def points(view: QTextEdit, a: Word, b: Word) -> tuple[QPoint, QPoint]:
    """The middles of two nearby words, both on screen at once."""
    show_word(view, a)
    show_word(view, b)
    return point(view, a, scroll=False), point(view, b, scroll=False)


def drag(view: QTextEdit, a: QPoint, b: QPoint, steps: int = 6) -> None:
    """Press at ``a``, move in steps to ``b`` with the button held, release there."""
    vp = view.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(vp, left, none, a)
    for i in range(1, steps + 1):
        QTest.mouseMove(vp, QPoint(a.x() + (b.x() - a.x()) * i // steps,
                                   a.y() + (b.y() - a.y()) * i // steps))
    QTest.mouseRelease(vp, left, none, b)
    QApplication.processEvents()


def selection(view: QTextEdit) -> Word | None:
    c = view.textCursor()
    if not c.hasSelection():
        return None
    pm = view.posmap
    return pm.from_qt(c.selectionStart()), pm.from_qt(c.selectionEnd())


def caret(view: QTextEdit) -> int:
    return view.posmap.from_qt(view.textCursor().position())


def first_and_last_words(view: QTextEdit, tokens: list[Word]) -> Iterator[tuple[int, Word, Word]]:
    """For each paragraph: (paragraph index, first word of its first line, last word of
    its last line)."""
    for i, (block_no, n_lines) in enumerate(paragraphs(view)):
        first = line_words(view, tokens, block_no, 0)
        last = line_words(view, tokens, block_no, n_lines - 1)
        if first and last:
            yield i, first[0], last[-1]
