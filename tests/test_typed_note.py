"""A note being typed in the reader, never confirmed with Return, survives closing the
window with × and the autosave timer (quality.md: nothing a person typed is lost)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core.packs import read_pack
from app.services.library import import_pack
from app.store.repo import open_repo
from tests.uihelpers import by_name

pytestmark = pytest.mark.usefixtures("qapp")


def _window(qtbot, db_path):
    from app.ui import create_main_window

    w = create_main_window(db_path, student="Ana P.")
    qtbot.addWidget(w)
    w.show()
    w.open_lesson("sample-budget")
    return w


@pytest.fixture
def db(db_path, sample_pack):
    r = open_repo(db_path)
    import_pack(r, read_pack(sample_pack))
    r.database.close()
    return db_path


def _highlight_and_type(qtbot, w, note: str) -> None:
    article = by_name(w, "Article")
    text = w.reader.lesson.text
    i = text.index("reckless")
    article.select_range(i, i + len("reckless"))
    QTest.keyClick(article, Qt.Key.Key_2)
    assert len(w.reader.draft.highlights) == 1
    field = by_name(w, "Note for the selected highlight")
    assert field.isEnabled()
    field.setFocus()
    QTest.keyClicks(field, note)  # no Return, no focus change


def test_a_typed_note_survives_closing_the_window(qtbot, db):
    w = _window(qtbot, db)
    _highlight_and_type(qtbot, w, "judges, not describes")
    w.close()
    w2 = _window(qtbot, db)
    assert [h.note for h in w2.reader.draft.highlights] == ["judges, not describes"]
    assert "judges, not describes" in by_name(w2, "Highlights").model().index(0, 0).data()


def test_a_typed_note_reaches_the_database_by_the_autosave_timer(qtbot, db):
    w = _window(qtbot, db)
    _highlight_and_type(qtbot, w, "still typing")
    qtbot.waitUntil(lambda: not w.reader.has_pending_save())
    stored = w.repo.draft(w.student.id, "sample-budget")
    assert [h.note for h in stored] == ["still typing"]  # as after a crash
    # the draft in memory gets the note once it is confirmed (one undo step)
    QTest.keyClick(by_name(w, "Note for the selected highlight"), Qt.Key.Key_Return)
    assert [h.note for h in w.reader.draft.highlights] == ["still typing"]
