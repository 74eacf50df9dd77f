"""Issue 23's items that its first round fixed but did not test from the outside, driven
with real keys and clicks offscreen: nothing said about another student's or a deleted
highlight, a restored highlight said again, an assessment's Submitted page, tabbing into
the explanations list, the legend after another attempt is opened, F1 and the feedback
page's keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.lessons import Highlight

pytestmark = pytest.mark.usefixtures("qapp")
KURSK1 = "kursk-anonymous-sources"


@pytest.fixture
def window(qtbot, db_path):
    from app.ui import create_main_window

    w = create_main_window(db_path, student="Ana P.")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


def _caret_keys_to(art, pos: int) -> None:  # noqa: ANN001
    """Walk the caret to ``pos`` with the arrow keys, as a student would."""
    art.setFocus()
    for _ in range(5000):
        here = art.cursor_offset()
        if here == pos:
            return
        QTest.keyClick(art, Qt.Key.Key_Right if here < pos else Qt.Key.Key_Left)
    raise AssertionError("the caret never got there")


def _highlight_with_keys(art, start: int, end: int, key=Qt.Key.Key_2) -> None:  # noqa: ANN001
    _caret_keys_to(art, start)
    for _ in range(end - start):
        QTest.keyClick(art, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(art, key)


def _submit(w, lesson_id: str, needles: tuple[str, ...]) -> None:  # noqa: ANN001
    from app.services.grading import submit

    text = w.repo.get_lesson(lesson_id).text
    hs = []
    for n in needles:
        i = text.index(n)
        hs.append(Highlight(i, i + len(n), "loaded_language"))
    submit(w.repo, w.student.id, w.student.name, lesson_id, tuple(hs))


def test_another_student_hears_nothing_of_the_last_ones_highlight(qtbot, window):
    window.open_lesson(KURSK1)
    art = window.reader.article
    i = art.toPlainText().index("shockwaves")
    _highlight_with_keys(art, i, i + 10)
    QTest.keyClick(art, Qt.Key.Key_Left)
    QTest.keyClick(art, Qt.Key.Key_Left)
    assert "shockwaves" in art.accessibleDescription()
    window.reader.flush()
    window.show_signin()
    window.sign_in("Ben Q.")
    window.open_lesson(KURSK1)
    assert "shockwaves" not in art.accessibleDescription()
    _caret_keys_to(art, i + 3)  # where Ana's highlight was: nothing of hers is said
    assert "shockwaves" not in art.accessibleDescription()
    assert window.reader.draft.highlights == ()


def test_a_deleted_highlight_is_not_named_and_an_undone_one_is(qtbot, window):
    window.open_lesson(KURSK1)
    art = window.reader.article
    i = art.toPlainText().index("shockwaves")
    _highlight_with_keys(art, i, i + 10)
    _caret_keys_to(art, i - 3)
    _caret_keys_to(art, i + 3)
    assert art.accessibleDescription() == "Loaded language: “shockwaves”"
    QTest.keyClick(art, Qt.Key.Key_Delete)
    assert art.accessibleDescription().startswith("Removed")
    # the caret moves on, through and around where it was: never named again
    for pos in (i + 5, i - 3, i + 2):
        _caret_keys_to(art, pos)
        assert "shockwaves" not in art.accessibleDescription(), pos
    QTest.keyClick(art, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "is back" in art.accessibleDescription()
    _caret_keys_to(art, i - 3)
    assert art.accessibleDescription() == ""
    _caret_keys_to(art, i + 4)  # into the restored highlight: said again
    assert art.accessibleDescription() == "Loaded language: “shockwaves”"


def test_an_assessments_submitted_page_says_handed_in_not_found_in_the_key(qtbot, db_path):
    from dataclasses import replace

    from app.services.lesson_edit import save_lesson
    from app.services.open_db import open_library
    from app.ui import create_main_window

    repo = open_library(db_path)
    save_lesson(repo, replace(repo.get_lesson(KURSK1, with_key=True), mode="assessment"), False)
    repo.database.close()
    w = create_main_window(db_path, student="Ana P.")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    _submit(w, KURSK1, ("sent shockwaves",))
    w.show_feedback(KURSK1)
    fb = w.feedback
    assert fb.headline.text().startswith("Submitted")
    fa = fb.article
    j = fa.toPlainText().index("sent shockwaves")
    _caret_keys_to(fa, j + 3)
    said = fa.accessibleDescription()
    assert said == "Loaded language: your highlight, handed in", said
    assert "key" not in said


def test_tabbing_into_the_explanations_starts_on_its_first_row(qtbot, window):
    _submit(window, KURSK1, ("sent shockwaves", "Russia"))
    window.show_feedback(KURSK1)
    fb = window.feedback
    box, lw = fb.explanation_filter, fb.explanations
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is lw
    assert lw.currentRow() == 0 and lw.item(0).isSelected()
    # Down goes to the second row, not past it
    QTest.keyClick(lw, Qt.Key.Key_Down)
    assert lw.currentRow() == 1


def test_the_legend_stays_when_another_attempt_is_opened_from_the_list(qtbot, window):
    _submit(window, KURSK1, ("sent shockwaves",))
    _submit(window, KURSK1, ("sent shockwaves", "Russia"))
    window.show_feedback(KURSK1)
    fb = window.feedback
    qtbot.wait(50)
    b = fb.layer_buttons["mine"]
    QTest.mouseClick(b, Qt.MouseButton.LeftButton, pos=QPoint(8, b.height() // 2))
    qtbot.wait(20)
    y0 = {m: x.mapTo(fb, QPoint(0, 0)).y() for m, x in fb.layer_buttons.items()}
    h0 = fb.summary_scroll.height()
    # the caret on "Russia", which only the second attempt marks
    fa = fb.article
    _caret_keys_to(fa, fa.toPlainText().index("Russia") + 2)
    assert "your highlight" in fa.accessibleDescription()
    att = fb.attempts
    assert att.count() == 2
    att.setFocus()
    row = next(r for r in range(att.count()) if "Attempt 1" in att.item(r).text())
    att.setCurrentRow(row)
    QTest.keyClick(att, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert "(shown)" in fb.attempts.item(row).text()
    # nothing of the second attempt is said about the first
    here = "; ".join(fa.spoken_at(fa.cursor_offset()))
    assert "your highlight" not in here and fa.accessibleDescription() == here
    _caret_keys_to(fa, fa.toPlainText().index("Russia") + 2)
    assert "your highlight" not in fa.accessibleDescription()
    assert fb.legend.isVisible() and fb.legend_scroll.height() > 10
    # the buttons move only as much as the summary (another attempt, other words) grew
    grew = fb.summary_scroll.height() - h0
    assert {m: x.mapTo(fb, QPoint(0, 0)).y() for m, x in fb.layer_buttons.items()} == \
        {m: y + grew for m, y in y0.items()}
    assert fb.mode == "mine" and fb.layer_buttons["mine"].isChecked()


def test_f1_lists_the_feedback_pages_keys(qtbot, window):
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from app.ui.shortcuts_dialog import listed_keys

    _submit(window, KURSK1, ("sent shockwaves",))
    window.show_feedback(KURSK1)
    listed = listed_keys().replace(" ", "")
    fb = window.feedback
    texts = [b.text() for b in fb.findChildren(QAbstractButton) if b.isVisible()]
    texts += [lb.text() for lb in fb.findChildren(QLabel) if lb.isVisible() and lb.buddy()]
    keys = {QKeySequence.mnemonic(t).toString(QKeySequence.SequenceFormat.PortableText)
            for t in texts} - {""}
    assert len(keys) >= 6, keys
    for k in keys:
        assert k.replace(" ", "") in listed, (k, texts)


def test_the_filtered_explanations_hold_only_the_rows_shown(qtbot, window):
    """A hidden row is still a child of the list for a screen reader: Orca 43 said "List
    with 33 items" for the 11 missed passages. The list now holds only what it shows,
    and the article's caret never makes a row current that the filter leaves out."""
    from PySide6.QtGui import QAccessible

    _submit(window, KURSK1, ("sent shockwaves", "Russia"))
    window.show_feedback(KURSK1)
    fb = window.feedback
    box, lw = fb.explanation_filter, fb.explanations
    everything = lw.count()
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Down)  # Missed only
    assert box.currentData() == "missed"
    n = int(box.currentText().rsplit("(", 1)[1].rstrip(")"))
    assert 0 < n < everything and lw.count() == n
    assert QAccessible.queryAccessibleInterface(lw).childCount() == n
    assert box.accessibleDescription() == \
        f"The list shows the passages you missed: {n} items."
    assert all(lw.item(i).text().startswith(("✗", "↔")) for i in range(n))
    QTest.keyClick(box, Qt.Key.Key_Tab)  # into the list: its first row
    assert QApplication.focusWidget() is lw and lw.currentRow() == 0
    # the caret on a passage she found (not listed now): no row of the list is current
    fa = fb.article
    j = fa.toPlainText().index("sent shockwaves")
    _caret_keys_to(fa, j + 2)
    assert lw.currentItem() is None or lw.currentItem().text().startswith(("✗", "↔"))
    # All passages again: every row, in the text's order
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Up)
    assert lw.count() == everything
    QTest.keyClick(box, Qt.Key.Key_Down)
    QTest.keyClick(box, Qt.Key.Key_Down)  # Yours only
    assert {lw.item(i).text().split("\n")[1] for i in range(lw.count())} >= \
        {"“sent shockwaves”", "“Russia”"}


def test_the_issues_own_pointer_examples(qtbot, window):
    """Framing 1: a drag along "exclusive …" (paragraph 2, line 1) starts at "exclusive";
    Framing 2: a double-click on "militarily" (paragraph 3) selects it — pressed at the
    top of the glyphs, where the blank line above used to take the press."""
    from tests import pointer as ptr

    window.open_lesson(KURSK1)
    art = window.reader.article
    text = art.toPlainText()
    a = text.index("exclusive")
    word_a = (a, a + len("exclusive"))
    b = text.index("cables", a)
    word_b = (b, b + len("cables"))
    p, q = ptr.points(art, word_a, word_b)
    p.setY(ptr.point(art, word_a, fy=0.15, scroll=False).y())
    ptr.drag(art, p, q)
    sel = ptr.selection(art)
    assert sel is not None and a < sel[0] < a + 9 and b < sel[1] < b + 6, sel  # mid-words
    before = set(window.reader.draft.highlights)
    QTest.keyClick(art, Qt.Key.Key_2)  # a highlight takes whole words
    (h,) = set(window.reader.draft.highlights) - before
    assert (h.start, h.end) == (a, b + len("cables"))

    window.open_lesson("kursk-new-axis-opinion")
    text = art.toPlainText()
    m = text.index("militarily")
    word = (m, m + len("militarily"))
    ptr.double_click(art, ptr.point(art, word, fy=0.15))
    assert ptr.selection(art) == word
    before = set(window.reader.draft.highlights)
    QTest.keyClick(art, Qt.Key.Key_2)
    (h,) = set(window.reader.draft.highlights) - before
    assert (h.start, h.end) == word


@pytest.mark.parametrize("zoom", [1.0, 2.0])
def test_every_explanation_is_shown_whole(qtbot, window, zoom):
    """Found by looking at the feedback page while auditing issue 23: rows of the
    explanations list were laid out wider than the list (as if it had no scroll bar) and
    a line shorter than their words, so an explanation lost its last words ("…a public
    announcement you can look" without "up.")."""
    from PySide6.QtCore import QRect, QSize

    _submit(window, KURSK1, ("sent shockwaves", "Russia"))
    window.show_feedback(KURSK1)
    fb = window.feedback
    lw = fb.explanations
    for width, z in ((1280, 1.0), (1280, zoom), (1000, zoom), (1366, zoom)):
        window.resize(width, 800)
        window.apply_zoom(z)  # a new text size alone wraps the rows anew
        qtbot.wait(30)
        vw = lw.viewport().width()
        for i in range(lw.count()):
            item = lw.item(i)
            r = lw.visualItemRect(item)
            assert r.left() >= 0 and r.right() < vw, (width, i, r, vw)
            # the words as the style draws them: wrapped inside the style sheet's padding
            # (QListWidget::item: 6px 4px, a 1px rule below, app/ui/application.py) and
            # the style's text margins
            text_w = r.width() - 8 - 2 * (lw.style().pixelMetric(
                lw.style().PixelMetric.PM_FocusFrameHMargin, None, lw) + 1)
            need = lw.fontMetrics().boundingRect(
                QRect(0, 0, text_w, 100_000), int(Qt.TextFlag.TextWordWrap),
                item.text()).height() + 13
            assert r.height() >= need, (width, i, r.height(), need, item.text()[-40:])
    assert isinstance(lw.item(0).sizeHint(), QSize)


def test_your_attempts_shows_its_rows_whole_after_a_zoom_on_the_page(qtbot, window):
    """Found while auditing issue 23's 200 % screens: zoomed on the feedback page, *Your
    attempts* kept the height of one 100 % line, and its (bold) shown row was cut."""
    _submit(window, KURSK1, ("sent shockwaves",))
    window.show_feedback(KURSK1)
    fb = window.feedback
    a = fb.attempts
    qtbot.wait(30)
    assert a.verticalScrollBar().maximum() == 0
    fb.setFocus()
    for _ in range(7):  # Ctrl++ up to 200 %, on the page
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Plus,
                       Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert window._zoom >= 2.0
    assert a.verticalScrollBar().maximum() == 0
    r = a.visualItemRect(a.item(0))
    assert r.bottom() < a.viewport().height(), (r, a.viewport().height())
