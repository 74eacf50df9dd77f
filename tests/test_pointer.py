"""The article views used with a real pointer (issue 23): presses, drags and
double-clicks at the pixel positions of given words, on the first and last line of every
paragraph of a bundled lesson and across paragraph breaks, in the reader, the key editor
and the feedback view. Positions come from Qt's text layout (``tests/pointer.py``), not
from the views' own hit testing.

Before the fix, the blank line between paragraphs (shortened to 40 % by a line height)
kept a full-height box that covered the top 60 % of the next paragraph's first line:
every press there landed on the blank line."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests import pointer as ptr

pytestmark = pytest.mark.usefixtures("qapp")
LESSON = "kursk-anonymous-sources"  # Framing 1: the example


@pytest.fixture
def window(qtbot, db_path):
    from app.ui import create_main_window

    w = create_main_window(db_path, student="Ana P.")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def _reader(window, lesson_id: str = LESSON):
    window.open_lesson(lesson_id)
    page = window.reader
    return page, page.article, window.repo.tokens(lesson_id)


def _highlight_made(page, article, key=Qt.Key.Key_1):  # noqa: ANN001
    before = set(page.draft.highlights)
    QTest.keyClick(article, key)
    made = set(page.draft.highlights) - before
    assert len(made) == 1, "no highlight was made"
    (h,) = made
    page.undo()  # leave the text as it was for the next check
    return h.start, h.end


def test_double_click_on_first_and_last_line_of_every_paragraph_highlights_that_word(
        qtbot, window):
    page, art, tokens = _reader(window)
    checked = 0
    for _i, first, last in ptr.first_and_last_words(art, tokens):
        for word in (first, last):
            ptr.double_click(art, ptr.point(art, word))
            assert ptr.selection(art) == word, art.toPlainText()[word[0]:word[1]]
            assert _highlight_made(page, art) == word
            checked += 1
    assert checked >= 2 * 10  # Framing 1 has more than ten paragraphs


def test_a_press_anywhere_on_a_words_line_lands_in_that_word(qtbot, window):
    """Top, middle and bottom of the glyphs, and the spacing below the line."""
    page, art, tokens = _reader(window)
    for _i, first, last in ptr.first_and_last_words(art, tokens):
        for word in (first, last):
            for fy in (0.08, 0.3, 0.5, 0.7, 0.92):
                ptr.click(art, ptr.point(art, word, fy=fy))
                assert word[0] <= ptr.caret(art) <= word[1], (fy, word)
            gap = ptr.gap_point(art, word)
            if gap is not None:
                ptr.click(art, gap)
                assert word[0] <= ptr.caret(art) <= word[1], ("gap", word)


def test_drags_along_a_first_line_and_across_paragraph_breaks(qtbot, window):
    page, art, tokens = _reader(window)
    paras = list(ptr.first_and_last_words(art, tokens))
    for _i, first, _last in paras:
        block_no = art.document().findBlock(art.posmap.to_qt(first[0])).blockNumber()
        words = ptr.line_words(art, tokens, block_no, 0)
        # the case: from the first line's first word to its last, left to right
        ptr.drag(art, *ptr.points(art, words[0], words[-1]))
        assert _highlight_made(page, art) == (words[0][0], words[-1][1])
    for (_i, _f, last), (_j, first, _l) in zip(paras, paras[1:], strict=False):
        # from the last word of one paragraph to the first word of the next, and back up
        ptr.drag(art, *ptr.points(art, last, first))
        assert _highlight_made(page, art, Qt.Key.Key_2) == (last[0], first[1])
        ptr.drag(art, *ptr.points(art, first, last))
        assert _highlight_made(page, art) == (last[0], first[1])


def test_the_text_size_changes_and_the_pointer_still_lands(qtbot, window):
    page, art, tokens = _reader(window)
    window.apply_zoom(2.0)
    qtbot.wait(20)
    for _i, first, last in list(ptr.first_and_last_words(art, tokens))[1:6]:
        for word in (first, last):
            ptr.double_click(art, ptr.point(art, word))
            assert ptr.selection(art) == word
    window.apply_zoom(1.0)


def test_key_editor_marks_the_words_under_the_pointer(qtbot, db_path):
    from app.services.open_db import open_library
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    repo = open_library(db_path)
    w = InstructorWindow(repo, worker=SuggestionWorker(executor=SyncExecutor()),
                         executor=SyncExecutor())
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    w.edit_key(LESSON)
    ed = w.editor
    try:
        _mark_everywhere(ed)
    finally:
        ed.discard_changes()  # no "save changes?" question when the window closes
        w.close()
        repo.database.close()


def _mark_everywhere(ed) -> None:  # noqa: ANN001
    said: list[str] = []
    ed.message.connect(said.append)
    art = ed.article
    spans = ed.key.spans

    def free(a: int, b: int) -> str | None:
        """A category with no key span over ``[a, b)`` (one category's spans never overlap)."""
        for c in ed.cats:
            if not any(k.label == c.id and k.start < b and a < k.end for k in spans):
                return c.id
        return None

    def marked(p_from, p_to, a: int, b: int) -> None:  # noqa: ANN001
        label = free(a, b)
        if label is None:
            return
        ptr.drag(art, p_from, p_to)
        art.setFocus()
        before = set(ed.key.spans)
        QTest.keyClick(art, Qt.Key.Key_1 + [c.id for c in ed.cats].index(label))
        made = set(ed.key.spans) - before
        assert len(made) == 1, (ptr.selection(art), said[-1:])
        (k,) = made
        assert (k.start, k.end) == (a, b), art.toPlainText()[a:b]
        ed.undo_action.trigger()
        assert set(ed.key.spans) == before

    paras = list(ptr.first_and_last_words(art, ed.tokens))
    checked = 0
    for _i, first, last in paras:
        for word in (first, last):
            ptr.double_click(art, ptr.point(art, word))
            assert ptr.selection(art) == word
            checked += 1
    # (a press within the double-click interval near a double-click selects the line:
    # the drags come after all the double-clicks, far from the last one)
    for _i, first, last in reversed(paras):
        for word in (first, last):
            marked(ptr.point(art, word, fx=0.1), ptr.point(art, word, fx=0.9, scroll=False),
                   *word)
    for (_i, _f, last), (_j, first, _l) in zip(paras, paras[1:], strict=False):
        marked(*ptr.points(art, last, first), last[0], first[1])
    assert checked >= 20


def test_feedback_view_selects_and_follows_the_words_under_the_pointer(qtbot, window):
    from app.services.grading import submit

    repo = window.repo
    lesson = repo.get_lesson(LESSON, with_key=True)
    student = window.student
    submit(repo, student.id, student.name, LESSON, ())
    window.show_feedback(LESSON)
    fb = window.feedback
    art = fb.article
    tokens = repo.tokens(LESSON)
    for _i, first, last in ptr.first_and_last_words(art, tokens):
        for word in (first, last):
            ptr.double_click(art, ptr.point(art, word))
            assert ptr.selection(art) == word
    # a click on a key passage that starts a paragraph's first line shows its explanation
    starts = {first[0] for _i, first, _l in ptr.first_and_last_words(art, tokens)}
    on_first_lines = [k for k in lesson.key if any(
        k.start <= s < k.end for s in starts)]
    assert on_first_lines, "Framing 1 has key passages on paragraphs' first lines"
    fb.explanations.setCurrentRow(-1)
    for k in on_first_lines:
        s = next(s for s in sorted(starts) if k.start <= s < k.end)
        word = next(t for t in tokens if t[0] == s)
        ptr.click(art, ptr.point(art, word))
        item = fb.explanations.currentItem()
        assert item is not None and tuple(item.data(Qt.ItemDataRole.UserRole + 1)) == \
            (k.start, k.end)
