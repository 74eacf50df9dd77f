"""The reader's defects of issue 12 (one test each) and its incremental updates of
issue 14 (one row, a few blocks, one autosave write), driven offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QImage, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.uihelpers import action, by_name, student_window

pytestmark = pytest.mark.usefixtures("qapp")
TITLE = "A sample budget story"


@pytest.fixture
def window(qtbot, db_path, sample_pack):
    return student_window(qtbot, db_path, sample_pack)


@pytest.fixture
def said(monkeypatch):
    """Every announcement made to assistive technology, in order."""
    from app.ui import announce

    out: list[str] = []
    real = announce.notify  # every announcement goes out through notify

    def spy(source, message, assertive=False):  # noqa: ANN001
        out.append(message)
        real(source, message, assertive)

    monkeypatch.setattr(announce, "notify", spy)
    return out


def open_sample(qtbot, w) -> None:
    lib = by_name(w, "Lesson library")
    model = lib.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == TITLE)
    lib.setCurrentIndex(model.index(row, 0))
    lib.setFocus()
    QTest.keyClick(lib, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: by_name(w, "Article").isVisible())


def mark(w, needle: str, key: Qt.Key = Qt.Key.Key_2, trim: int = 0) -> tuple[int, int]:
    article = by_name(w, "Article")
    i = article.toPlainText().index(needle)
    article.select_range(i + trim, i + len(needle) - trim)
    article.setFocus()
    QTest.keyClick(article, key)
    return i, i + len(needle)


# --------------------------------------------------------------------------- issue 12
def test_the_raw_selection_is_cleared_so_the_snapped_highlight_shows(qtbot, window):
    open_sample(qtbot, window)
    mark(window, "reckless", trim=2)  # "ckle": the highlight snaps to the whole word
    article = by_name(window, "Article")
    assert len(window.reader.draft.highlights) == 1
    assert not article.textCursor().hasSelection()
    # the outline of the selected highlight leaves its own underline style visible
    for sel in article.extraSelections():
        assert not sel.format.hasProperty(sel.format.Property.TextUnderlineStyle)


def test_the_side_panel_follows_undo_and_redo(qtbot, window):
    open_sample(qtbot, window)
    s, e = mark(window, "reckless")
    h = window.reader.draft.highlights[0]
    article = by_name(window, "Article")
    article.select_range(s + 1, s + 1)
    QTest.keyClick(article, Qt.Key.Key_Delete)
    assert window.reader.draft.highlights == ()
    QTest.keyClick(article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.draft.highlights == (h,)
    # the highlight that came back is the one the panel shows, ready to edit
    assert "reckless" in window.reader.detail_label.text()
    assert window.reader.category_box.isEnabled()
    assert window.reader.category_box.currentData() == "loaded_language"
    assert by_name(window, "Highlights").current_highlight() == h


def test_the_count_label_wraps_instead_of_being_cut(qtbot, window):
    open_sample(qtbot, window)
    label = window.reader.count_label
    assert "none yet" in label.text()
    assert label.wordWrap()
    QApplication.processEvents()
    assert label.height() >= label.heightForWidth(label.width()) - 1


def test_the_note_field_is_disabled_and_looks_it_with_nothing_selected(qtbot, window):
    open_sample(qtbot, window)
    note = by_name(window, "Note for the selected highlight")
    assert not note.isEnabled()
    assert note.placeholderText() == ""
    pal = note.palette()
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Text):
        assert pal.color(QPalette.ColorGroup.Disabled, role) != \
            pal.color(QPalette.ColorGroup.Active, role), role


def test_edit_menu_actions_are_enabled_only_on_the_reader(qtbot, window):
    names = ("Undo", "Redo", "Remove highlight", "Submit answers")
    # the reader is built on first use; the Edit menu about to open on the library
    # builds it, so the menu lists its actions there too (disabled)
    window.edit_menu.aboutToShow.emit()
    assert [a.text() for a in window.edit_menu.actions() if a.text()][:4] == list(names)
    assert [action(window, n).isEnabled() for n in names] == [False] * 4
    open_sample(qtbot, window)
    mark(window, "reckless")
    assert action(window, "Undo").isEnabled() and action(window, "Submit answers").isEnabled()
    window.show_library()
    assert [action(window, n).isEnabled() for n in names] == [False] * 4


def _underline_band(btn) -> QImage:  # noqa: ANN001
    """The button's underline, as a black-and-white strip of fixed width."""
    img = btn.grab().toImage()
    band = img.copy(btn.width() // 2 - 20, btn.height() - 10, 40, 8)
    return band.convertToFormat(QImage.Format.Format_Mono)


def test_each_category_button_shows_its_own_underline_style(qtbot, window):
    open_sample(qtbot, window)
    buttons = window.reader.category_buttons
    assert [b.underline for b in buttons] == \
        [window.reader.styles[c.id].underline for c in window.reader.cats]
    assert len({b.underline for b in buttons}) == len(buttons)
    bands = [_underline_band(b) for b in buttons]
    assert bands[0] != bands[1]


def test_200_percent_text_keeps_the_margin_and_several_highlight_rows(qtbot, window):
    window.apply_zoom(2.0)
    open_sample(qtbot, window)
    for needle in ("reckless", "Experts warn", "disastrous"):
        mark(window, needle)
    QApplication.processEvents()
    article = by_name(window, "Article")
    margin = article.document().rootFrame().frameFormat().leftMargin()
    assert margin >= 24
    rows = by_name(window, "Highlights")
    assert rows.height() >= 3 * rows.sizeHintForRow(0)


# --------------------------------------------------------------------------- screen readers
def test_actions_and_opening_a_lesson_are_announced(qtbot, window, said):
    open_sample(qtbot, window)
    assert any(TITLE in m and "Find the loaded words" in m for m in said), said
    said.clear()
    s, _ = mark(window, "reckless")
    assert any(m.startswith("Highlighted as Loaded language") and "reckless" in m for m in said)
    article = by_name(window, "Article")
    article.select_range(s + 1, s + 1)
    said.clear()
    QTest.keyClick(article, Qt.Key.Key_Delete)
    assert any(m.startswith("Removed") and "reckless" in m for m in said), said
    said.clear()
    QTest.keyClick(article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert any(m.startswith("Undone") and "reckless" in m for m in said), said
    said.clear()
    QTest.keyClick(article, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert any(m.startswith("Redone") for m in said), said


def test_the_caret_entering_a_highlight_says_its_category(qtbot, window, said):
    open_sample(qtbot, window)
    s, _ = mark(window, "reckless")
    article = by_name(window, "Article")
    article.select_range(0, 0)
    said.clear()
    article.select_range(s + 2, s + 2)
    assert said == ["Loaded language: “reckless”"]
    article.select_range(s + 3, s + 3)  # still inside: said once
    assert said == ["Loaded language: “reckless”"]
    # and it stays in the article's accessible description while the caret is inside
    iface = QAccessible.queryAccessibleInterface(article)
    assert iface.text(QAccessible.Text.Description) == "Loaded language: “reckless”"
    article.select_range(0, 0)
    # leaving it empties the description: nothing stale, and nothing for Orca to read out
    # each time the caret leaves a highlight (issue 23)
    assert iface.text(QAccessible.Text.Description) == ""


def test_the_category_box_is_labelled_by_its_visible_label(qtbot, window):
    open_sample(qtbot, window)
    box = window.reader.category_box
    iface = QAccessible.queryAccessibleInterface(box)
    labels = [other.text(QAccessible.Text.Name) for other, _ in
              iface.relations(QAccessible.RelationFlag.Label)]
    assert any("Category" in t.replace("&", "") for t in labels), labels


def test_unit_headings_and_pages_have_accessible_names(qtbot, window):
    lib = by_name(window, "Lesson library")
    model = lib.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == TITLE)
    said = model.index(row, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert said.startswith("Unit: Samples.") and TITLE in said
    assert model.index(row, 0).data() == TITLE  # the row still shows its title
    names = [window.stack.widget(i).accessibleName() for i in range(window.stack.count())]
    assert all(names), names
    open_sample(qtbot, window)
    assert TITLE in window.reader.accessibleName()


# --------------------------------------------------------------------------- issue 14
def test_one_change_is_one_row_never_a_reset(qtbot, window, qtmodeltester):
    open_sample(qtbot, window)
    mark(window, "reckless")
    model = by_name(window, "Highlights").model()
    qtmodeltester.check(model)
    events: list[tuple] = []
    model.modelReset.connect(lambda: events.append(("reset",)))
    model.rowsInserted.connect(lambda _p, a, b: events.append(("insert", a, b)))
    model.rowsRemoved.connect(lambda _p, a, b: events.append(("remove", a, b)))
    model.dataChanged.connect(lambda a, b, roles: events.append(
        ("changed", a.row(), b.row(), bool(roles))))
    mark(window, "Experts warn", Qt.Key.Key_1)
    assert events == [("insert", 0, 0)]
    events.clear()
    article = by_name(window, "Article")
    i = article.toPlainText().index("Experts warn")
    article.select_range(i + 1, i + 1)
    QTest.keyClick(article, Qt.Key.Key_2)  # relabel in place
    assert events == [("changed", 0, 0, True)]
    events.clear()
    QTest.keyClick(article, Qt.Key.Key_Delete)
    assert events == [("remove", 0, 0)]
    assert by_name(window, "Highlights").uniformItemSizes()


def test_a_change_rehighlights_only_the_blocks_it_touches(qtbot, window, monkeypatch):
    open_sample(qtbot, window)
    hl = window.reader.article.highlighter
    blocks: list[int] = []
    real = type(hl).rehighlightBlock
    monkeypatch.setattr(type(hl), "rehighlightBlock",
                        lambda self, b: (blocks.append(b.blockNumber()), real(self, b)))
    monkeypatch.setattr(type(hl), "rehighlight",
                        lambda self: pytest.fail("the whole document was highlighted again"))
    mark(window, "reckless")
    assert len(blocks) == 1


def test_one_highlight_then_back_and_reopen_writes_the_draft_once(qtbot, window):
    writes: list[int] = []
    window.reader.draft_changed.connect(lambda _l, hs: writes.append(len(hs)))
    open_sample(qtbot, window)
    mark(window, "reckless")
    window.reader.back_button.click()
    open_sample(qtbot, window)
    window.show_library()
    window.close()
    assert writes == [1]


def test_the_article_scroll_bar_is_off_while_there_is_nothing_to_scroll(qtbot):
    """Always shown (so the text never reflows), but off and drawn without a handle
    while the whole text fits: a full-length handle looked like something to drag."""
    from app.ui.article import ArticleView

    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    view.set_article("A short text.")
    QApplication.processEvents()
    assert bar.isVisible() and not bar.isEnabled()
    view.set_article("\n\n".join(f"Paragraph {i} of a long article." for i in range(200)))
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    assert bar.isEnabled()
    view.set_article("Short again.")
    qtbot.waitUntil(lambda: bar.maximum() == 0)
    assert not bar.isEnabled()
