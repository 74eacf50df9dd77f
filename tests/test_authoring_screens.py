"""The authoring screens of issue 24, driven offscreen: key spans shaded while the text
is edited (and following the words as one types), a new lesson selected after saving,
and *Export for students* (practice keys in; assessment keys and teacher notes out)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core.packs import read_pack
from app.services.library import import_pack
from app.store.repo import open_repo
from tests.uihelpers import by_name, on_next_dialog

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def window(qtbot, db_path, sample_pack):
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    repo = open_repo(db_path)
    import_pack(repo, read_pack(sample_pack))
    fear = repo.get_lesson("sample-fear", with_key=True)
    repo.save_lessons([replace(fear, mode="assessment", teacher_notes="Secret plan.")],
                      {"sample-fear": repo.tokens("sample-fear")}, replace=True)
    w = InstructorWindow(repo, worker=SuggestionWorker(executor=SyncExecutor()),
                         executor=SyncExecutor())
    w.resize(1100, 760)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.editor.discard_changes()
    w.close()
    w.deleteLater()
    repo.database.close()


def test_key_spans_stay_shaded_while_the_text_is_edited(qtbot, window):
    lesson = window.repo.get_lesson("sample-budget", with_key=True)
    assert lesson.key
    seen = {}

    def edit(d) -> None:  # noqa: ANN001
        box = by_name(d, "Article text")
        sels = box.extraSelections()
        seen["before"] = sorted((s.cursor.selectionStart(), s.cursor.selectionEnd())
                                for s in sels)
        seen["note"] = d.key_note.text()
        box.setFocus()
        cur = box.textCursor()
        cur.setPosition(0)
        box.setTextCursor(cur)
        QTest.keyClicks(box, "NEW ")  # typed before every span
        seen["after"] = sorted((s.cursor.selectionStart(), s.cursor.selectionEnd())
                               for s in box.extraSelections())

        def discard(q) -> None:  # noqa: ANN001 — typed text: the dialog asks first
            next(b for b in q.buttons() if b.text() == "Discard").click()

        on_next_dialog(discard, after=d)
        d.reject()

    window.lessons.setCurrentRow(next(i for i in range(window.lessons.count())
                                      if window.lessons.item(i).data(Qt.ItemDataRole.UserRole + 1)
                                      == "sample-budget"))
    on_next_dialog(edit)
    window.edit_details()
    from app.ui.textpos import PositionMap

    qt = PositionMap(lesson.text)  # the text holds an emoji: Qt counts UTF-16 units
    assert seen["before"] == sorted((qt.to_qt(k.start), qt.to_qt(k.end)) for k in lesson.key)
    assert seen["after"] == [(s + 4, e + 4) for s, e in seen["before"]]
    assert f"The {len(lesson.key)} key spans of this lesson are shaded" in seen["note"]


def test_a_new_lesson_is_selected_after_saving(qtbot, window):
    def fill(d) -> None:  # noqa: ANN001
        by_name(d, "Title").setText("Zebra crossing row")
        d._on_title_edited("Zebra crossing row")
        by_name(d, "Article text").setPlainText("The council voted to paint a new crossing.")
        d._on_save()

    on_next_dialog(fill)
    lid = window.new_lesson()
    assert lid == "zebra-crossing-row"
    assert window.current_id() == "zebra-crossing-row"
    assert window.lessons.currentItem().isSelected()


def test_export_for_students_puts_in_practice_keys_only_and_no_notes(qtbot, window, tmp_path):
    out = tmp_path / "class.crpack"
    shown = {}

    def accept(d) -> None:  # noqa: ANN001
        from PySide6.QtWidgets import QLabel

        shown["text"] = " ".join(lb.text() for lb in d.findChildren(QLabel))
        shown["rows"] = [d.list.item(i).text() for i in range(d.list.count())]
        for i in range(d.list.count()):  # tick every lesson, as the teacher would
            d.list.item(i).setCheckState(Qt.CheckState.Checked)
        d.accept()

    on_next_dialog(accept)
    assert window.export_for_students(str(out)) == str(out)
    assert "Practice lessons go with their answer keys" in shown["text"]
    assert "Teacher notes are never included" in shown["text"]
    assert any(r.endswith("— Assessment") for r in shown["rows"])
    pack = json.loads(out.read_text(encoding="utf-8"))
    by_id = {le["id"]: le for le in pack["lessons"]}
    assert by_id["sample-budget"].get("key") and "teacher_notes" not in by_id["sample-budget"]
    assert "key" not in by_id["sample-fear"] and "teacher_notes" not in by_id["sample-fear"]
    assert "Secret plan" not in out.read_text(encoding="utf-8")
    msg = window.statusBar().currentMessage()
    assert "1 practice key included" in msg and "1 assessment key kept here" in msg
    # on a student's machine: the practice lesson can be graded, the assessment cannot
    student = open_repo(tmp_path / "student.db")
    import_pack(student, read_pack(out))
    assert student.get_lesson("sample-budget", with_key=True).key
    assert student.get_lesson("sample-fear", with_key=True).key is None
    student.database.close()


@pytest.mark.parametrize("zoom", [1.0, 2.0])
def test_no_suggestion_row_is_cut_short(qtbot, window, zoom):
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication, QStyle

    from app.ui.fonts import set_app_font, ui_font

    set_app_font(ui_font(zoom))
    try:
        window.edit_key("sample-budget")
        ed = window.editor
        for k in list(ed.key.spans):
            ed.key.remove(k)
        ed.request_suggestions()
        for _ in range(5):
            QApplication.processEvents()
        lst = ed.suggestions
        assert lst.count() >= 3
        margin = lst.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, lst) + 1
        painted = lst.viewport().width() - 2 * (4 + margin)  # the style sheet's padding
        fm = lst.fontMetrics()
        for i in range(lst.count()):
            item = lst.item(i)
            need = fm.boundingRect(QRect(0, 0, painted, 1_000_000),
                                   int(Qt.TextFlag.TextWordWrap), item.text()).height()
            assert lst.visualItemRect(item).height() >= need + 2 * 6, (zoom, item.text())
    finally:
        set_app_font(ui_font(1.0))
