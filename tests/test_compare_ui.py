"""The Compare page as a student uses it: opened from the library with Return, the
grid answered with the keyboard and the mouse at pixel positions, the dossier ticked,
saved as they go, submitted with Ctrl+Return, the feedback read — and what a screen
reader is given: row and column headers, each cell's choice in words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox

from app.core.lessons import Highlight
from tests.test_accessibility import unnamed
from tests.uihelpers import by_name, on_next_dialog, student_window

PACK = "tests/data/compare-pack.json"
LID = "compare-bridge"


def open_compare(qtbot, w):  # noqa: ANN001, ANN201
    lib = by_name(w, "Lesson library")
    model = lib.model()
    row = next(r for r in range(model.rowCount())
               if model.index(r, 0).data() == "Compare: the bridge")
    lib.setFocus()
    lib.setCurrentIndex(model.index(row, 0))
    QTest.keyClick(lib, Qt.Key.Key_Return)
    page = w.compare
    qtbot.waitUntil(lambda: w.stack.currentWidget() is page, timeout=5000)
    return page


def click_tab(page, i: int) -> None:  # noqa: ANN001
    """Click the tab where it is drawn (Alt+digit does the same from the keyboard)."""
    bar = page.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())


def show_grid(qtbot, page):  # noqa: ANN001, ANN201
    click_tab(page, 2)
    qtbot.waitUntil(lambda: page.grid.isVisible(), timeout=5000)
    page.grid.setFocus()
    return page.grid


def test_keyboard_only_fill_submit_and_read_feedback(qtbot, tmp_path):
    w = student_window(qtbot, tmp_path / "db.sqlite", PACK, active=True)
    page = open_compare(qtbot, w)
    assert page.tabs.currentIndex() == 0  # a fresh grid starts on the introduction
    assert "Two stories tell the closing" in by_name(page, "Introduction").text()
    grid = show_grid(qtbot, page)
    grid.setCurrentIndex(grid.model().index(0, 0))
    for key in (Qt.Key.Key_1, Qt.Key.Key_Right, Qt.Key.Key_2, Qt.Key.Key_Right, Qt.Key.Key_1):
        QTest.keyClick(grid, key)  # claim 1: A named, B unnamed, verdict confirmed
    QTest.keyClick(grid, Qt.Key.Key_Down)
    QTest.keyClick(grid, Qt.Key.Key_Left)
    QTest.keyClick(grid, Qt.Key.Key_Left)
    QTest.keyClick(grid, Qt.Key.Key_2)  # claim 2, A: unnamed
    QTest.keyClick(grid, Qt.Key.Key_Right)
    QTest.keyClick(grid, Qt.Key.Key_4)  # claim 2, B: contradicts
    QTest.keyClick(grid, Qt.Key.Key_Right)
    QTest.keyClick(grid, Qt.Key.Key_2)  # contested
    QTest.keyClick(grid, Qt.Key.Key_Right)
    QTest.keyClick(grid, Qt.Key.Key_Return)  # Evidence: to the dossier checklist
    dossier = by_name(w, "Dossier: tick the entries your verdict rests on")
    qtbot.waitUntil(dossier.hasFocus, timeout=5000)
    dossier.setCurrentRow(1)
    QTest.keyClick(dossier, Qt.Key.Key_Space)  # the 2019 inspection
    g = page.current_grid()
    assert g.choice("closes", "compare-a") == "named"
    assert g.choice("closes", "compare-b") == "unnamed"
    assert g.choice("warnings", "compare-a") == "unnamed"
    assert g.choice("warnings", "compare-b") == "against"
    assert g.verdict("closes").verdict == "confirmed"
    assert g.verdict("warnings").verdict == "contested"
    assert g.verdict("warnings").backing == ("inspection-2019",)
    # saved as they go: within the autosave interval it is in the database
    qtbot.waitUntil(lambda: w.repo.statuses(w.student.id)[LID].status == "in progress",
                    timeout=3000)
    # Ctrl+Return asks (blank cells: "Keep working" is the default), Return keeps working
    asked = []

    def keep_working(d) -> None:  # noqa: ANN001
        asked.append(d.text())
        QTest.keyClick(d, Qt.Key.Key_Return)

    on_next_dialog(keep_working)
    QTest.keyClick(grid, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["2 of 6 cells are not answered; 1 claim has no verdict."]
    assert not w.repo.has_submitted(w.student.id, LID)
    w.activateWindow()  # (offscreen, the window does not get focus back by itself)
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    grid.setFocus()

    def submit_anyway(d) -> None:  # noqa: ANN001
        b = next(b for b in d.buttons() if "Submit" in b.text())
        QTest.mouseClick(b, Qt.MouseButton.LeftButton)

    on_next_dialog(submit_anyway)
    QTest.keyClick(grid, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: by_name(page, "Feedback").text().startswith("Score:"),
                    timeout=5000)
    grade = w.repo.grades(w.student.id, LID)[(w.student.id, LID)].value
    assert by_name(page, "Feedback").text() == f"Score: {grade}"
    assert "You judged 4 of 6 cells right" in by_name(page, "Summary of your grid").text()
    # feedback cells say how each went, in words
    m = page.grid.model()
    said = m.index(0, 1).data(Qt.ItemDataRole.AccessibleTextRole)
    assert said == "Makes it — on an unnamed source. ✓ right"
    page.grid.setCurrentIndex(m.index(2, 1))
    assert "the key says “Contradicts it”" in by_name(page, "About this cell").text()


# the offscreen platform (tests only) cannot raise a popup or give it the keyboard
@pytest.mark.qt_log_ignore("This plugin does not support raise", "grabbing the keyboard")
def test_mouse_double_click_opens_the_choices_at_the_cell(qtbot, tmp_path):
    w = student_window(qtbot, tmp_path / "db.sqlite", PACK)
    page = open_compare(qtbot, w)
    grid = show_grid(qtbot, page)
    m = grid.model()
    rect = grid.visualRect(m.index(1, 1))
    QTest.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert grid.currentIndex() == m.index(1, 1)  # the click landed on that cell
    QTest.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: grid.findChild(QComboBox) is not None, timeout=3000)
    box = grid.findChild(QComboBox)
    assert box.accessibleName().startswith("Answer for 2. The mayor ignored warnings")
    box.hidePopup()
    i = box.findData("against")
    box.setCurrentIndex(i)
    box.activated.emit(i)  # what choosing in the open list does
    qtbot.waitUntil(lambda: page.current_grid().choice("warnings", "compare-b") == "against",
                    timeout=3000)
    assert m.index(1, 1).data() == "contradicts"


def test_screen_reader_gets_headers_and_cell_words(qtbot, tmp_path):
    w = student_window(qtbot, tmp_path / "db.sqlite", PACK)
    page = open_compare(qtbot, w)
    grid = show_grid(qtbot, page)
    QTest.keyClick(grid, Qt.Key.Key_Right)
    QTest.keyClick(grid, Qt.Key.Key_3)
    iface = QAccessible.queryAccessibleInterface(grid)  # what AT-SPI hands Orca
    assert iface.role() == QAccessible.Role.Table
    kids = [iface.child(i) for i in range(iface.childCount())]
    heads = [k.text(QAccessible.Text.Name) for k in kids
             if k.role() == QAccessible.Role.ColumnHeader]
    assert heads == ["A. Story A: the bridge", "B. Story B: the bridge", "Verdict",
                     "Evidence"]
    cells = {(k.tableCellInterface().rowIndex(), k.tableCellInterface().columnIndex()): k
             for k in kids if k.role() == QAccessible.Role.Cell}
    assert len(cells) == 3 * 4
    cell = cells[0, 1]
    assert cell.text(QAccessible.Text.Name) == "Makes it — on no source"
    tc = cell.tableCellInterface()
    cols = [h.text(QAccessible.Text.Name) for h in tc.columnHeaderCells()]
    rows = [h.text(QAccessible.Text.Name) for h in tc.rowHeaderCells()]
    assert cols == ["B. Story B: the bridge"]
    assert rows == ["1. The Elm Street bridge will close for repairs."]
    assert cells[1, 0].text(QAccessible.Text.Name) == "not answered"
    assert not unnamed(w), unnamed(w)
    click_tab(page, 1)
    assert not unnamed(w), unnamed(w)


def test_highlights_prefill_and_side_by_side_shows_the_claims_passages(qtbot, tmp_path):
    from app.store.repo import open_repo

    db = tmp_path / "db.sqlite"
    w = student_window(qtbot, db, PACK, student="Ana P.")
    art = w.repo.get_lesson("compare-a")
    i = art.text.index("Insiders say")
    other = open_repo(db)  # the reader saved this draft earlier, as highlights
    ana = other.student("Ana P.")
    other.save_draft(ana.id, "compare-a", [Highlight(i, i + 40, "unsupported_claim")])
    other.database.close()
    page = open_compare(qtbot, w)
    g = page.current_grid()
    assert g.choice("warnings", "compare-a") == "makes"
    assert ("warnings", "compare-a") in g.prefilled
    assert "starts from your own highlights" in by_name(page, "Introduction").text()
    assert page.grid.model().index(1, 0).data() == "makes it (source?) ★"
    click_tab(page, 1)
    claim = by_name(page, "Claim to show")
    claim.setCurrentIndex(1)  # the mayor and the warnings
    left = by_name(page, "Left article text")
    right = by_name(page, "Right article text")
    lt, rt = left.toPlainText(), right.toPlainText()
    assert lt.startswith("Bridge to close") and rt.startswith("Bridge shutdown")
    lmarks = left.highlighter.marks_at(lt.index("mayor ignored"))
    rmarks = right.highlighter.marks_at(rt.index("Nobody ignored"))
    assert lmarks and rmarks
    passages = by_name(page, "Passages of the chosen claim in the right article")
    assert passages.item(0).text() == "“Nobody ignored any warnings, the mayor's office said”"
    # any pair: both sides may show the same article or swap
    by_name(page, "Right article").setCurrentIndex(0)
    assert right.toPlainText() == lt


def test_200_percent_text_gives_the_dossier_its_own_tab(qtbot, tmp_path):
    w = student_window(qtbot, tmp_path / "db.sqlite", PACK)
    w.apply_zoom(2.0)
    page = open_compare(qtbot, w)
    qtbot.waitUntil(lambda: page.tabs.count() == 4, timeout=3000)
    grid = show_grid(qtbot, page)
    m = grid.model()
    grid.setCurrentIndex(m.index(0, m.evidence_column()))
    QTest.keyClick(grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is page.evidence, timeout=3000)
    # every row is as tall as its claim, wrapped, so nothing is cut
    fm = grid.fontMetrics()
    assert all(grid.rowHeight(r) >= 2 * fm.lineSpacing() for r in range(m.rowCount()))
    w.apply_zoom(1.0)
    qtbot.waitUntil(lambda: page.tabs.count() == 3, timeout=3000)


def test_feedback_tints_keep_the_feedback_views_contrast():
    from app.ui.compare.grid_model import STATUS_TINT
    from app.ui.theme import MIN_CONTRAST, STATUS_STYLE, TEXT_DARK, TEXT_LIGHT, contrast

    for status, name in STATUS_TINT.items():
        light, dark, _ = STATUS_STYLE[name]  # the feedback view's own, checked there
        assert contrast(TEXT_LIGHT, light) >= MIN_CONTRAST, status
        assert contrast(TEXT_DARK, dark) >= MIN_CONTRAST, status
    assert len(set(STATUS_TINT.values())) == len(STATUS_TINT)


@pytest.mark.parametrize("zoom", [1.0, 2.0])
def test_nothing_typed_is_lost_when_leaving(qtbot, tmp_path, zoom):
    w = student_window(qtbot, tmp_path / "db.sqlite", PACK)
    w.apply_zoom(zoom)
    page = open_compare(qtbot, w)
    grid = show_grid(qtbot, page)
    grid.setCurrentIndex(grid.model().index(2, 1))
    QTest.keyClick(grid, Qt.Key.Key_5)
    QTest.mouseClick(by_name(page, "Back to the lesson library"), Qt.MouseButton.LeftButton,
                     pos=QPoint(5, 5))
    assert w.stack.currentWidget() is w.library_page
    page = open_compare(qtbot, w)
    assert page.current_grid().choice("cost", "compare-b") == "absent"
    assert page.tabs.currentIndex() == 2  # work under way opens on the grid
    QApplication.processEvents()
