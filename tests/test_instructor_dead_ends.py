"""Instructor mode's crashes and dead ends of issue 23, driven with real clicks and keys:
*Import lesson pack…* (button and Ctrl+O), set-aside key spans that could never be
discarded, and Escape or Cancel in the lesson dialog losing typed text without asking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QPushButton

from app.core.packs import read_pack
from app.services.library import import_pack
from app.store.repo import open_repo
from tests.uihelpers import by_name, on_next_dialog

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def instructor(qtbot, db_path, sample_pack):
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    r = open_repo(db_path)
    import_pack(r, read_pack(sample_pack))
    w = InstructorWindow(r, worker=SuggestionWorker(executor=SyncExecutor()),
                         executor=SyncExecutor())
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    w.editor.discard_changes()
    w.close()
    w.deleteLater()
    r.database.close()


def _button(w, text: str) -> QPushButton:
    return next(b for b in w.findChildren(QPushButton) if b.text() == text)


def test_import_lesson_pack_by_button_and_ctrl_o_opens_the_file_dialog(qtbot, instructor):
    seen: list[str] = []

    def cancel(d) -> None:  # noqa: ANN001
        assert isinstance(d, QFileDialog)
        seen.append(d.windowTitle())
        d.reject()

    on_next_dialog(cancel)
    QTest.mouseClick(_button(instructor, "Import lesson pack…"), Qt.MouseButton.LeftButton)
    on_next_dialog(cancel)
    instructor.activateWindow()
    qtbot.waitUntil(instructor.isActiveWindow)
    instructor.lessons.setFocus()
    QTest.keyClick(instructor.lessons, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Import a lesson pack", "Import a lesson pack"]
    # the export button (also connected to clicked(bool)) opens its chooser
    titles: list[str] = []
    on_next_dialog(lambda d: (titles.append(d.windowTitle()), d.reject()))
    QTest.mouseClick(_button(instructor, "Export lessons…"), Qt.MouseButton.LeftButton)
    assert titles and not QApplication.activeModalWidget()


def test_the_lesson_list_says_practice_or_assessment(qtbot, instructor):
    repo = instructor.repo
    from dataclasses import replace

    from app.services.lesson_edit import save_lesson

    fear = repo.get_lesson("sample-fear", with_key=True)
    save_lesson(repo, replace(fear, mode="assessment"), False)
    instructor.refresh()
    rows = {instructor.lessons.item(i).data(Qt.ItemDataRole.UserRole + 1):
            instructor.lessons.item(i).text() for i in range(instructor.lessons.count())}
    assert "\nPractice · " in rows["sample-budget"]
    assert "\nAssessment · " in rows["sample-fear"]


def test_set_aside_key_spans_can_be_discarded_and_the_notice_names_categories(
        qtbot, instructor):
    from app.services.lesson_edit import unplaced_key

    repo = instructor.repo
    lesson = repo.get_lesson("sample-budget", with_key=True)
    new_text = "A new first line.\n\n" + lesson.text.replace("reckless", "careful")

    def edit(d: QDialog) -> None:
        by_name(d, "Article text").setPlainText(new_text)
        d._on_save()

    instructor.lessons.setCurrentRow(0)
    on_next_dialog(edit)
    instructor.edit_details()
    notice = instructor.notice.text()
    instructor.notice.close()
    assert "loaded_language" not in notice and "unsupported_claim" not in notice
    assert "Loaded language: “reckless”" in notice and "discard" in notice
    row = instructor.lessons.item(0).text()
    assert "⚠ 2 set-aside key spans to place" in row

    instructor.edit_key("sample-budget")
    ed = instructor.editor
    assert ed.discard_button.isVisibleTo(instructor)
    instructor.activateWindow()
    qtbot.waitUntil(instructor.isActiveWindow)
    # Delete in the list asks; Cancel keeps the span
    ed.unplaced_list.setCurrentRow(0)
    ed.unplaced_list.setFocus()
    on_next_dialog(lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    QTest.keyClick(ed.unplaced_list, Qt.Key.Key_Delete)
    assert ed.unplaced_list.count() == 2
    # the button asks too; Discard drops it, and saving the key makes it final
    on_next_dialog(lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    QTest.mouseClick(ed.discard_button, Qt.MouseButton.LeftButton)
    assert ed.unplaced_list.count() == 1 and ed.is_dirty()
    on_next_dialog(lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    QTest.mouseClick(ed.discard_button, Qt.MouseButton.LeftButton)
    assert ed.unplaced_list.count() == 0 and not ed.discard_button.isVisibleTo(instructor)
    QTest.mouseClick(ed.save_button, Qt.MouseButton.LeftButton)
    assert unplaced_key(repo, "sample-budget") == []
    instructor._show_list()
    assert "⚠" not in instructor.lessons.item(0).text()


@pytest.mark.parametrize("how", ["escape", "cancel", "close"])
def test_leaving_the_lesson_dialog_asks_before_typed_text_is_lost(qtbot, instructor, how):
    from PySide6.QtWidgets import QDialogButtonBox

    from app.ui.instructor.lesson_dialog import LessonDialog

    d = LessonDialog(instructor, instructor.repo.categories(), set(), [])
    d.show()
    qtbot.waitExposed(d)

    def leave() -> None:
        if how == "escape":
            QTest.keyClick(d.title, Qt.Key.Key_Escape)
        elif how == "cancel":
            QTest.mouseClick(d.findChild(QDialogButtonBox).button(
                QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
        else:
            d.close()

    # nothing typed: it closes at once
    leave()
    assert not d.isVisible()
    d.show()
    d.title.setFocus()
    QTest.keyClicks(d.title, "Budget row")
    d.text.setFocus()
    QTest.keyClicks(d.text, "The council met on Tuesday.")
    asked: list[str] = []

    def keep(box) -> None:  # noqa: ANN001
        asked.append(box.text())
        QTest.keyClick(box, Qt.Key.Key_Escape)  # Escape in the question keeps editing

    on_next_dialog(keep, after=d)
    leave()
    assert asked == ["Discard what you typed?"]
    assert d.isVisible() and d.text.toPlainText() == "The council met on Tuesday."

    def discard(box) -> None:  # noqa: ANN001
        next(b for b in box.buttons() if b.text() == "Discard").click()

    on_next_dialog(discard, after=d)
    leave()
    assert not d.isVisible() and d.result() == QDialog.DialogCode.Rejected


def test_edit_lesson_asks_only_when_something_changed(qtbot, instructor):
    from app.ui.instructor.lesson_dialog import LessonDialog

    lesson = instructor.repo.get_lesson("sample-budget", with_key=True)
    d = LessonDialog(instructor, instructor.repo.categories(), {"sample-budget"}, [], lesson)
    d.show()
    QTest.keyClick(d.title, Qt.Key.Key_Escape)
    assert not d.isVisible()
    d.show()
    d.outlet.setFocus()
    QTest.keyClicks(d.outlet, "x")
    asked: list[str] = []
    on_next_dialog(lambda box: (asked.append(box.text()),
                                next(b for b in box.buttons() if b.text() == "Discard").click()),
                   after=d)
    QTest.keyClick(d.outlet, Qt.Key.Key_Escape)
    assert asked == ["Discard your changes to this lesson?"] and not d.isVisible()
