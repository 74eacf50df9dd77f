"""The "Class results" window driven offscreen: the gradebook model against the backend,
sorting and filtering, importing twice, the class view's shading tags and histogram,
PDF and CSV saving, and accessible names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenu, QWidget
from results_helpers import CLASS, LESSON, LL, UC, attempt, bundle, count, hl, write

from app.services.results.bundles import import_bundles
from app.services.results.classview import class_view
from app.services.results.gradebook import build_gradebook
from app.ui.instructor.suggest_worker import SyncExecutor
from app.ui.results.histogram import describe
from app.ui.results.models import EMPTY, GradebookModel, GradebookRole, ProgressModel, cell_text
from app.ui.results.window import ResultsWindow
from tests.uihelpers import by_name

pytestmark = pytest.mark.usefixtures("qapp")

FEAR = "sample-fear"
# Dan did only the other lesson: his sample-budget cell is empty
MORE = bundle("machine-2", attempt(10, "Dan", [hl(0, 35, "appeal_to_fear")], lesson=FEAR),
              attempt(11, "Ana", [hl(0, 10, LL)], lesson=FEAR, at="2026-11-22T10:00:00Z"))
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture
def classroom(sample_repo, tmp_path):
    import_bundles(sample_repo, [write(tmp_path / "class.json", CLASS),
                                 write(tmp_path / "more.json", MORE)])
    return sample_repo


@pytest.fixture
def window(qtbot, classroom):
    w = ResultsWindow(classroom, executor=SyncExecutor())
    w.open_url = lambda url: pytest.fail(f"tried to open {url.toString()}")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def grid(view) -> list[list[str]]:  # noqa: ANN001
    m = view.model()
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_window_title_and_tabs(window):
    assert window.windowTitle() == "Close Reader — Class results"
    assert window.windowFlags() & Qt.WindowType.Window
    assert [window.tabs.tabText(i).replace("&", "") for i in range(window.tabs.count())] == [
        "Gradebook", "Class view", "Student progress", "Review  release",  # "&&": a literal "&"
        "Discrimination", "Pre and post"]


def test_gradebook_cells_match_the_backend(window, classroom):
    gb = build_gradebook(classroom)
    m = window.grades.model
    assert m.rowCount() == len(gb.students) == 4
    assert m.columnCount() == 1 + len(gb.lessons) == 3
    for r, s in enumerate(gb.students):
        assert m.index(r, 0).data() == s.name
        for c, le in enumerate(gb.lessons, start=1):
            cell = gb.cell(s.id, le.id)
            shown = m.index(r, c).data()
            assert shown == cell_text(cell)
            assert m.index(r, c).data(GradebookRole.SORT) == (
                -1 if cell is None or cell.grade is None else cell.grade)
    rows = {row[0]: row[1:] for row in grid(window.grades.table)}
    assert rows["Dan"][0] == EMPTY  # no attempt at sample-budget
    assert rows["Ben"][0] == "14"
    assert rows["Cleo"][0] == "57 (practice 100)"  # the grade, then practice after the key
    Cell = type(gb.cell(1, LESSON))
    assert cell_text(Cell(70, 57, 1, "", score=57, override=70)) == "70*"


def test_sorting_by_clicking_headers_is_numeric(window, qtbot):
    table = window.grades.table
    head = table.horizontalHeader()
    x = head.sectionViewportPosition(1) + head.sectionSize(1) // 2
    qtbot.mouseClick(head.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    first = [r[0] for r in grid(table)]
    qtbot.mouseClick(head.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    second = [r[0] for r in grid(table)]
    orders = {tuple(first), tuple(second)}
    # ascending: Dan (none, -1) < Ben (14) < Ana, Cleo (100); descending the reverse
    assert any(o[:2] == ("Dan", "Ben") for o in orders)
    assert any(o[2:] == ("Ben", "Dan") for o in orders)
    # a two-digit score sorts below a three-digit one (numbers, not text)
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in grid(table)][-2:] == ["Ben", "Dan"]
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in grid(table)] == ["Dan", "Cleo", "Ben", "Ana"]


def test_filter_students(window, qtbot):
    box = by_name(window, "Filter students")
    qtbot.keyClicks(box, " cl ")
    assert [r[0] for r in grid(window.grades.table)] == ["Cleo"]
    box.clear()
    assert len(grid(window.grades.table)) == 4
    box.setText("zzz")
    assert grid(window.grades.table) == []


def test_filtering_and_sorting_keep_the_chosen_cell_while_its_student_is_shown(window):
    table, model = window.grades.table, window.grades.model
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    cleo = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Cleo")
    table.setCurrentIndex(model.index(cleo, 1))
    window.grades.filter.setText("c")  # Cleo (and only names with a c) stay
    assert [r[0] for r in grid(table)] == ["Cleo"]
    assert table.currentIndex().data(GradebookRole.STUDENT_ID) == \
        model.index(0, 0).data(GradebookRole.STUDENT_ID) and table.currentIndex().column() == 1
    window.grades.filter.clear()
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in grid(table)] == ["Dan", "Cleo", "Ben", "Ana"]
    assert table.currentIndex().row() == 1 and table.currentIndex().data() is not None
    window.grades.filter.setText("an")  # Ana and Dan; Cleo's cell is no longer shown
    assert [r[0] for r in grid(table)] == ["Dan", "Ana"] and not table.currentIndex().isValid()
    gb = window.grades.model.gradebook
    window.grades.set_gradebook(gb)  # a reload keeps the filter and the order
    assert [r[0] for r in grid(table)] == ["Dan", "Ana"]


def test_import_through_the_window_twice_adds_nothing(window, classroom, tmp_path):
    extra = write(tmp_path / "late.json", bundle(
        "machine-3", attempt(20, "Eve", [hl(0, 45, UC)]), attempt(21, "ana ", [hl(22, 30, LL)],
                                                                   attempt=2)))
    before = count(classroom)
    s1 = window.import_files([str(extra)])
    assert s1.added == 2 and count(classroom) == before + 2
    assert window.statusBar().currentMessage() == s1.line()
    assert "Eve" in [r[0] for r in grid(window.grades.table)]
    assert window.grades.model.rowCount() == 5  # "ana " is Ana
    s2 = window.import_files([str(extra)])
    assert (s2.added, s2.duplicates) == (0, 2) and count(classroom) == before + 2
    assert window.statusBar().currentMessage() == s2.line()
    assert window.grades.model.rowCount() == 5


def test_drop_json_files_imports_them(window, classroom, tmp_path):
    extra = write(tmp_path / "drop.json", bundle("machine-4", attempt(30, "Fay", [hl(0, 45, UC)])))
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(extra)), QUrl.fromLocalFile(str(tmp_path / "x.txt"))])
    ev = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, md, Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier)
    window.dropEvent(ev)
    assert "Fay" in [s.name for s in classroom.students()]
    assert "Imported 1 new attempt from 1 file" in window.statusBar().currentMessage()


def test_class_view_shading_tags_match_class_view(window, classroom):
    page = window.classes
    page.choose_lesson(LESSON)
    view = class_view(classroom, LESSON)
    assert len(page.tags) == len(view.key) == 4
    for st, tag, mark in zip(view.key, page.tags, page.marks, strict=True):
        assert tag == f"{st.found} of {st.students} found"
        assert tag in mark.tip and (mark.start, mark.end) == (st.span.start, st.span.end)
        assert f"{st.share('found'):.0%}" in mark.tip
    items = [page.key_list.item(i).text() for i in range(page.key_list.count())]
    assert all(tag in it for tag, it in zip(page.tags, items, strict=True))
    # Ana and Cleo's first attempts found K2 "reckless"; Ben did not: 2 of 3
    k2 = next(st for st in view.key if (st.span.start, st.span.end) == (22, 30))
    assert (k2.found, k2.students) == (2, 3)
    # the article shows the tooltip of a key span on its words
    fmts = page.article.document().findBlock(23).layout().formats()
    assert any("2 of 3 found" in f.format.toolTip() for f in fmts)
    extras = [page.extras.item(i).text() for i in range(page.extras.count())]
    assert len(extras) == len(view.extras)
    for ex, text in zip(view.extras, extras, strict=True):
        assert f"{ex.students} student" in text
    assert page.histogram.counts() == view.histogram
    assert by_name(window, "Score histogram").accessibleDescription() == describe(view.histogram)
    assert "10–19: 1" in describe(view.histogram) and "90–100: 1" in describe(view.histogram)
    assert "Unsupported claim" in page.figures.text() and "of the key" in page.figures.text()
    assert "recall" not in page.figures.text() and "precision" not in page.figures.text()


def test_gradebook_cell_chooses_the_report_target(window, classroom, tmp_path):
    table = window.grades.table
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    table.setCurrentIndex(table.model().index(1, 1))  # Ben, sample-budget
    ben = classroom.student("ben").id
    assert window.student_id == ben and window.lesson_id == LESSON
    assert window.progress.current_student() == ben
    assert window.classes.current_lesson() == LESSON
    assert "Ben" in window.report_for.text()


def test_pdfs_and_csv_are_written(window, classroom, tmp_path):
    window.grades.table.setCurrentIndex(window.grades.table.model().index(0, 1))
    out = window.save_student_report(tmp_path / "ana.pdf")
    assert out and out.stat().st_size > 1000 and out.read_bytes().startswith(b"%PDF")
    out = window.save_class_summary(tmp_path / "class.pdf")
    assert out and out.stat().st_size > 1000 and out.read_bytes().startswith(b"%PDF")
    wide = window.export_csv(tmp_path / "gb.csv")
    assert wide.read_text(encoding="utf-8-sig").splitlines()[0] == f"Student,{LESSON},{FEAR}"
    long = window.export_csv(tmp_path / "long.csv", long=True)
    assert len(long.read_text(encoding="utf-8-sig").splitlines()) == 1 + count(classroom)


def test_student_progress_table(window, classroom):
    page = window.progress
    page.choose_student(classroom.student("ana").id)
    m = page.model
    assert m.rowCount() == 2  # sample-budget, then sample-fear (submission order)
    assert [m.index(r, 0).data(0x0101) for r in range(2)] == [LESSON, FEAR]
    heads = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert heads[:4] == ["Lesson", "Attempt", "Submitted", "Score"]
    col = heads.index("Unsupported claim")
    assert m.index(0, col).data() == "1 of 1 found (100%)"


def _focusable_unnamed(root: QWidget) -> list[str]:
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible() or w.focusPolicy() == Qt.FocusPolicy.NoFocus or isinstance(w, QMenu):
            continue
        name = w.accessibleName().strip()
        if not name and isinstance(w, QAbstractButton):
            name = w.text().replace("&", "").strip()
        if not name:
            name = next((lb.text() for lb in root.findChildren(QLabel) if lb.buddy() is w), "")
        if not name:
            out.append(f"{type(w).__name__} in {type(w.parentWidget()).__name__}")
    return out


def test_every_focusable_widget_has_an_accessible_name(window, qtbot):
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(10)
        assert _focusable_unnamed(window) == []
    names = {"Gradebook", "Filter students", "Lesson", "Class article", "Score histogram",
             "Most common extra highlights", "Student"}
    for n in names:
        by_name(window, n)


def test_models_pass_qtmodeltester(qtmodeltester, classroom):
    m = GradebookModel(build_gradebook(classroom))
    qtmodeltester.check(m)
    qtmodeltester.check(GradebookModel(None))
    from app.services.results.classview import student_progress

    p = ProgressModel()
    p.set_points(student_progress(classroom, classroom.student("cleo").id), classroom.categories())
    qtmodeltester.check(p)


def test_screenshots(window, qtbot):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.resize(1200, 760)
    for i, name in ((0, "results-gradebook"), (1, "results-class"), (2, "results-progress")):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(50)
        path = SCREENSHOTS / f"{name}.png"
        assert window.grab().save(str(path))
        assert os.path.getsize(path) > 10_000
