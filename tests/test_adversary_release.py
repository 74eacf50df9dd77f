"""Issue 22, rule 5: *Release here* releases only what was chosen — the selected rows, or
the lesson chosen — after a question naming how many students and lessons; "No" releases
nothing. Driven with real clicks on the instructor's Review & release page, checked in
the database with sqlite3."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from adversary_helpers import PRACTICE, PW, TEST, classroom, cli, done, q
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QMessageBox

from tests.uihelpers import on_next_dialog

pytestmark = pytest.mark.usefixtures("qapp")
SHOTS = Path(os.environ.get("ADVERSARY_SHOTS", "/tmp/adversary-shots"))


@pytest.fixture
def room(tmp_path_factory, tmp_path):
    return classroom(tmp_path_factory, tmp_path)


def _released(db) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in q(db, "SELECT st.name, s.lesson_id FROM submissions s JOIN "
                                        "students st ON st.id = s.student_id "
                                        "WHERE s.released_at IS NOT NULL")}


def _click_row(page, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = page.table.visualRect(page.model.index(row, 0))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def _answer(yes: bool, seen: dict, shot: str | None = None):
    """Answer the next question box with a real click; any other dialog (the lesson
    chooser, when a question was expected) is recorded and closed."""
    def go(box):
        if not isinstance(box, QMessageBox):
            seen["text"] = f"<{type(box).__name__} instead of the question>"
            box.reject()
            return
        seen["text"] = box.text()
        seen["format"] = box.textFormat()
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            box.grab().save(str(SHOTS / shot))
        button = box.button(QMessageBox.StandardButton.Yes if yes else
                            QMessageBox.StandardButton.No)
        QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    return go


def _choose_then_answer(lesson: str, yes: bool, seen: dict, shot: str | None = None):
    """The lesson chooser (no row selected): pick ``lesson``, OK, then answer."""
    def choose(dlg):
        combo = dlg.findChild(QComboBox)
        seen["choices"] = [combo.itemText(i) for i in range(combo.count())]
        combo.setCurrentIndex(next(i for i, t in enumerate(seen["choices"]) if lesson in t))
        on_next_dialog(_answer(yes, seen, shot), after=dlg)
        ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        QTest.mouseClick(ok, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    return choose


def _press_release(qtbot, page, seen: dict) -> None:
    seen.pop("text", None)
    QTest.mouseClick(page.release_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "text" in seen, timeout=10_000)


@pytest.fixture
def page(qtbot, room):
    from app.store.repo import open_repo
    from app.ui.results.review_page import ReviewPage

    # Dan is on the roster (he has a code) but has not taken the assessment
    done(cli(room.teacher, "codes", "make", "Dan L.", password=PW))
    r = open_repo(room.teacher)
    p = ReviewPage(r)
    qtbot.addWidget(p)
    p.resize(1100, 600)
    p.show()
    qtbot.waitExposed(p)
    rows = [cells[:2] for _, cells in p.model.rows]
    assert rows == [("Ana P.", "A sample budget story"), ("Ana P.", "A sample test"),
                    ("Ben K.", "A sample budget story"), ("Ben K.", "A sample test")]
    yield p
    r.database.close()
    QApplication.processEvents()


def test_release_here_with_no_row_selected_releases_the_lesson_chosen(qtbot, room, page):
    seen: dict = {}
    page.table.clearSelection()
    # the assessment, then "No": nothing is released
    on_next_dialog(_choose_then_answer(TEST, False, seen))
    _press_release(qtbot, page, seen)
    assert seen["choices"] == ["A sample budget story (sample-budget)",
                               "A sample test (sample-test)"]
    assert "2 students on 1 lesson (sample-test)" in seen["text"], seen["text"]
    assert "Dan L." in seen["text"] and "key is on this computer" in seen["text"]
    assert seen["format"] == Qt.TextFormat.PlainText
    assert _released(room.teacher) == set()
    # again, "Yes": that lesson's graded attempts only
    on_next_dialog(_choose_then_answer(TEST, True, seen, "release-here-question.png"))
    _press_release(qtbot, page, seen)
    assert _released(room.teacher) == {("Ana P.", TEST), ("Ben K.", TEST)}
    # never a practice attempt after the key, never an attempt kept aside
    assert q(room.teacher, "SELECT COUNT(*) FROM submissions WHERE graded = 0 AND "
                           "released_at IS NOT NULL")[0][0] == 0
    # (the budget story is a practice lesson: its students saw the key on submitting)
    assert page.model.rows[1][1][5] == "released"
    assert page.model.rows[0][1][5] == "key seen (practice)"  # issue 23


def test_release_here_releases_the_selected_rows(qtbot, room, page):
    seen: dict = {}
    _click_row(page, 3)  # Ben's assessment
    assert len(page.selected_submissions()) == 1
    on_next_dialog(_answer(True, seen))
    _press_release(qtbot, page, seen)
    assert "1 student on 1 lesson (sample-test)" in seen["text"], seen["text"]
    assert _released(room.teacher) == {("Ben K.", TEST)}
    # two rows of the practice lesson, chosen with Ctrl+click
    _click_row(page, 0)
    _click_row(page, 2, Qt.KeyboardModifier.ControlModifier)
    assert len(page.selected_submissions()) == 2
    on_next_dialog(_answer(True, seen))
    _press_release(qtbot, page, seen)
    assert "2 students on 1 lesson (sample-budget)" in seen["text"], seen["text"]
    assert _released(room.teacher) == {("Ben K.", TEST), ("Ana P.", PRACTICE),
                                       ("Ben K.", PRACTICE)}
