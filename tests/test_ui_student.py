"""The student's way through, driven offscreen through the accessible surface."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core.packs import read_pack
from app.core.scoring import grade
from app.core.spans import snap
from app.nlp.pipeline import token_bounds
from app.services.library import import_pack
from tests.uihelpers import accept_next_dialog, action, by_name, labels_text, student_window

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def window(qtbot, db_path, sample_pack):
    return student_window(qtbot, db_path, sample_pack, size=None)


def open_lesson(qtbot, w, title: str) -> None:
    lib = by_name(w, "Lesson library")
    model = lib.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == title)
    lib.setCurrentIndex(model.index(row, 0))
    lib.setFocus()
    QTest.keyClick(lib, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: by_name(w, "Article").isVisible())


def select_text(article, text: str, needle: str, trim: int = 0) -> tuple[int, int]:
    i = text.index(needle)
    article.select_range(i + trim, i + len(needle) - trim)
    return i, i + len(needle)


def test_sign_in_with_the_keyboard(qtbot, db_path, sample_pack):
    from app.ui import create_main_window

    w = create_main_window(db_path)
    qtbot.addWidget(w)
    w.show()
    name = by_name(w, "Your name")
    qtbot.keyClicks(name, "  Zoe K. ")
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert by_name(w, "Lesson library").isVisible()
    assert w.student.name == "Zoe K."


def test_library_shows_titles_and_opens_with_return(qtbot, window):
    lib = by_name(window, "Lesson library")
    titles = [lib.model().index(r, 0).data() for r in range(lib.model().rowCount())]
    assert "A sample budget story" in titles
    open_lesson(qtbot, window, "A sample budget story")
    article = by_name(window, "Article")
    assert article.toPlainText() == window.repo.get_lesson("sample-budget").text


def test_highlight_relabel_note_remove_undo(qtbot, window):
    open_lesson(qtbot, window, "A sample budget story")
    article = by_name(window, "Article")
    text = article.toPlainText()
    tokens = token_bounds(text)
    s, e = select_text(article, text, "reckless", trim=2)  # a sloppy selection: "ckle"
    article.setFocus()
    QTest.keyClick(article, Qt.Key.Key_2)
    hl = window.reader.draft.highlights
    assert [(h.start, h.end, h.label) for h in hl] == [(s, e, "loaded_language")]
    assert snap(text, s + 2, e - 2, tokens) == (s, e)
    rows = by_name(window, "Highlights")
    assert rows.model().rowCount() == 1
    assert "Loaded language" in rows.model().index(0, 0).data()
    assert "reckless" in rows.model().index(0, 0).data()
    # re-label: cursor inside the highlight, press 1
    article.select_range(s + 1, s + 1)
    QTest.keyClick(article, Qt.Key.Key_1)
    assert [h.label for h in window.reader.draft.highlights] == ["unsupported_claim"]
    # a note, through the note field
    note = by_name(window, "Note for the selected highlight")
    note.setFocus()
    qtbot.keyClicks(note, "no evidence given")
    QTest.keyClick(note, Qt.Key.Key_Return)
    assert window.reader.draft.highlights[0].note == "no evidence given"
    assert "no evidence given" in rows.model().index(0, 0).data()
    # remove with Delete at the cursor, then undo and redo
    article.setFocus()
    article.select_range(s + 1, s + 1)
    QTest.keyClick(article, Qt.Key.Key_Delete)
    assert window.reader.draft.highlights == ()
    QTest.keyClick(article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.reader.draft.highlights) == 1
    QTest.keyClick(article, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.reader.draft.highlights == ()


def test_same_category_overlap_merges(qtbot, window):
    open_lesson(qtbot, window, "A sample budget story")
    article = by_name(window, "Article")
    text = article.toPlainText()
    i = text.index("disastrous power grab")
    article.select_range(i, i + len("disastrous power"))
    action(window, "Highlight as Loaded language").trigger()
    article.select_range(i + len("disastrous "), i + len("disastrous power grab"))
    action(window, "Highlight as Loaded language").trigger()
    assert [(h.start, h.end) for h in window.reader.draft.highlights] == \
        [(i, i + len("disastrous power grab"))]
    # a different category may overlap
    article.select_range(i, i + 5)
    action(window, "Highlight as Unsupported claim").trigger()
    assert len(window.reader.draft.highlights) == 2


def test_autosave_and_restore_after_reopen(qtbot, window, db_path):
    from app.ui import create_main_window

    open_lesson(qtbot, window, "A sample budget story")
    article = by_name(window, "Article")
    text = article.toPlainText()
    s, e = select_text(article, text, "Experts warn")
    action(window, "Highlight as Unsupported claim").trigger()
    sid = window.student.id
    qtbot.waitUntil(lambda: len(window.repo.draft(sid, "sample-budget")) == 1, timeout=1000)
    window.close()
    w2 = create_main_window(db_path, student="ana p.")
    qtbot.addWidget(w2)
    w2.show()
    open_lesson(qtbot, w2, "A sample budget story")
    assert [(h.start, h.end) for h in w2.reader.draft.highlights] == [(s, e)]
    assert by_name(w2, "Highlights").model().rowCount() == 1


def test_key_stays_hidden_until_submission(qtbot, window):
    from app.store.repo import KeyLocked

    open_lesson(qtbot, window, "A sample budget story")
    assert window.reader.lesson.key is None
    with pytest.raises(KeyLocked):
        window.repo.key_for_student(window.student.id, "sample-budget")
    assert "Which experts" not in labels_text(window)


def test_submit_feedback_and_try_again(qtbot, window):
    open_lesson(qtbot, window, "A sample budget story")
    article = by_name(window, "Article")
    text = article.toPlainText()
    for needle, key in (("reckless", Qt.Key.Key_2), ("Experts warn that the", Qt.Key.Key_1),
                        ("budget rose", Qt.Key.Key_2)):
        select_text(article, text, needle)
        QTest.keyClick(article, key)
    mine = window.reader.draft.highlights
    accept_next_dialog()
    QTest.keyClick(article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    feedback = by_name(window, "Feedback")
    qtbot.waitUntil(feedback.isVisible)
    lesson = window.repo.get_lesson("sample-budget", with_key=True)
    expected = grade(lesson.key, mine, lesson.categories).score
    m = re.search(r"Score: (\d+)", labels_text(feedback))
    assert m and int(m.group(1)) == expected
    explanations = by_name(window, "Key explanations")
    rows = [explanations.item(i).text() for i in range(explanations.count())]
    assert any("Which experts?" in r for r in rows)
    assert any("not in the key" in r and "budget rose" in r for r in rows)
    action(window, "Try again").trigger()
    assert by_name(window, "Article").isVisible()
    assert window.reader.draft.highlights == ()
    attempts = window.repo.submissions(window.student.id, "sample-budget")
    assert [a.attempt for a in attempts] == [1]


def test_emoji_offsets_are_code_points(qtbot, db_path, tmp_path):
    from app.store.repo import open_repo
    from app.ui import create_main_window

    text = "Fans 🎉🎉 cheered the shameful 😡 decision, insiders say. 𝔘nicode words."
    pack = {"format": "close-reader/lesson-pack", "version": 1, "lessons": [
        {"id": "emoji", "title": "Emoji lesson", "text": text}]}
    p = tmp_path / "emoji.json"
    p.write_text(json.dumps(pack, ensure_ascii=False), encoding="utf-8")
    r = open_repo(db_path)
    import_pack(r, read_pack(p))
    r.database.close()
    w = create_main_window(db_path, student="Ana")
    qtbot.addWidget(w)
    w.show()
    open_lesson(qtbot, w, "Emoji lesson")
    article = by_name(w, "Article")
    assert article.toPlainText() == text
    tokens = token_bounds(text)
    for needle, key in (("shameful", Qt.Key.Key_2), ("insiders say", Qt.Key.Key_1),
                        ("nicode", Qt.Key.Key_2)):
        i = text.index(needle)
        article.select_range(i + 1, i + len(needle) - 1)
        QTest.keyClick(article, key)
        h = [h for h in w.reader.draft.highlights if h.start <= i < h.end][0]
        assert (h.start, h.end) == snap(text, i + 1, i + len(needle) - 1, tokens)
        assert text[h.start:h.end].endswith(needle[-1])
    # keyboard selection across the emoji lands on code-point offsets too
    c = article.textCursor()
    c.setPosition(0)
    article.setTextCursor(c)
    for _ in range(2):
        QTest.keyClick(article, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert text[article.cursor_offset():].startswith(("🎉", "cheered"))


def test_student_flow_never_imports_spacy(tmp_path, sample_pack):
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from app.core.packs import read_pack
        from app.services.library import import_pack, tokens_for
        from app.store.repo import open_repo
        pack = read_pack({str(sample_pack)!r})
        toks = tokens_for(pack.lessons)  # the import (instructor side) may load spaCy
        for m in [m for m in sys.modules if m.startswith(("spacy", "thinc"))]:
            del sys.modules[m]
        r = open_repo({str(tmp_path / 'db.sqlite')!r})
        from app.services.library import import_pack as ip
        r.save_lessons(pack.lessons, toks)
        r.database.close()
        from PySide6.QtWidgets import QApplication
        from app.ui import create_main_window
        from app.services.grading import submit
        w = create_main_window({str(tmp_path / 'db.sqlite')!r}, student="Ana")
        w.show()
        w.open_lesson("sample-budget")
        w.reader.article.select_range(0, 7)
        w.reader.highlight_actions[0].trigger()
        w.reader.flush()
        submit(w.repo, w.student.id, w.student.name, "sample-budget", w.reader.draft.highlights)
        w.show_feedback("sample-budget")
        QApplication.processEvents()
        print("SPACY" if any(m.startswith("spacy") for m in sys.modules) else "CLEAN")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("CLEAN")


def test_export_submissions_from_the_app_for_the_teacher(qtbot, window, tmp_path):
    from app.core.answers import read_bundle
    from app.services.grading import submit

    submit(window.repo, window.student.id, window.student.name, "sample-budget", ())
    other = window.repo.student("Ben")
    submit(window.repo, other.id, other.name, "sample-budget", ())
    mine = tmp_path / "mine.json"
    assert window.export_submissions(mine=True, path=str(mine)) == 1
    assert [s.student for s in read_bundle(mine).submissions] == ["Ana P."]
    everyone = tmp_path / "all.json"
    assert window.export_submissions(mine=False, path=str(everyone)) == 2
