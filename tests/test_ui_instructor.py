"""Instructor mode driven offscreen: the password gate, a new lesson from a file, the key
editor with suggestions, editing text with re-anchoring, and packs between machines."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLineEdit

from app.core.packs import read_pack
from app.core.password import hash_password, password_problem, verify_password
from app.services.library import import_pack
from app.store.repo import open_repo
from tests.uihelpers import by_name, on_next_dialog

pytestmark = pytest.mark.usefixtures("qapp")

ARTICLE = (
    "<html><head><title>Budget row</title><script>document.write('EVIL')</script></head>"
    "<body><nav>Home | Sport</nav><article><h1>Budget row</h1>"
    "<p>Experts warn that the reckless budget will ruin the city, according to sources "
    "within the council.</p><p>The mayor, Ana Ruiz, said spending rose 4% last year.</p>"
    "<img src='http://example.com/x.png'><form><input name=q>Search</form></article>"
    "<div class='comments'>Leave a Reply. Your email address will not be published.</div>"
    "</body></html>")


def test_password_hash_and_check():
    h = hash_password("correct horse")
    assert h.startswith("scrypt$") and "correct horse" not in h
    assert verify_password("correct horse", h)
    assert not verify_password("correct hors", h)
    assert not verify_password("x", "garbage")
    assert hash_password("correct horse") != h  # salted
    assert password_problem("abc", "abc") and password_problem("abcdefgh", "abcdefgi")
    assert password_problem("abcdefg", "abcdefg")  # at least 8 characters (issue 22)
    assert password_problem("abcdefgh", "abcdefgh") is None


@pytest.fixture
def repo_with_sample(db_path, sample_pack):
    r = open_repo(db_path)
    import_pack(r, read_pack(sample_pack))
    yield r
    r.database.close()


def _fill_password(text: str, again: bool):
    def fill(d: QDialog) -> None:
        fields = d.findChildren(QLineEdit)
        for f in fields[: 2 if again else 1]:
            f.setText(text)
        QTest.keyClick(fields[0], Qt.Key.Key_Return)
    return fill


def test_gate_first_use_then_password_then_refusal(qtbot, repo_with_sample):
    from app.ui.instructor.gate import SETTING, unlock

    on_next_dialog(_fill_password("teacher-pass", again=True))
    assert unlock(None, repo_with_sample)
    stored = repo_with_sample.setting(SETTING)
    assert stored and "teacher-pass" not in stored
    on_next_dialog(_fill_password("teacher-pass", again=False))
    assert unlock(None, repo_with_sample)
    # a student guessing: the wrong password keeps the dialog open; cancel gives up
    def wrong(d: QDialog) -> None:
        d.findChildren(QLineEdit)[0].setText("guess")
        QTest.keyClick(d.findChildren(QLineEdit)[0], Qt.Key.Key_Return)
        assert d.isVisible()
        d.reject()
    on_next_dialog(wrong)
    assert not unlock(None, repo_with_sample)


def test_student_window_cannot_open_instructor_without_password(qtbot, db_path, sample_pack):
    from app.ui import create_main_window
    from app.ui.instructor.gate import SETTING

    w = create_main_window(db_path, student="Ana")
    qtbot.addWidget(w)
    w.repo.set_setting(SETTING, hash_password("teacher-pass"))
    on_next_dialog(lambda d: d.reject())
    w.open_instructor()
    assert getattr(w, "instructor", None) is None


@pytest.fixture
def instructor(qtbot, repo_with_sample):
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    worker = SuggestionWorker(executor=SyncExecutor())
    w = InstructorWindow(repo_with_sample, worker=worker, executor=SyncExecutor())
    w.show()
    yield w
    w.editor.discard_changes()  # no "save changes?" question at teardown
    w.close()
    w.deleteLater()


def test_new_lesson_from_hostile_html_then_key_with_suggestions(qtbot, instructor, tmp_path,
                                                                 monkeypatch):
    import socket

    def no_network(*a, **k):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    page = tmp_path / "story.html"
    page.write_text(ARTICLE, encoding="utf-8")

    def fill(d: QDialog) -> None:
        assert d.import_path(str(page))
        text = by_name(d, "Article text").toPlainText()
        assert "EVIL" not in text and "Search" not in text and "Leave a Reply" not in text
        assert "reckless budget" in text
        by_name(d, "Title").setText("Budget row")
        d._on_title_edited("Budget row")
        d._on_save()

    on_next_dialog(fill)
    lid = instructor.new_lesson()
    assert lid == "budget-row"
    lesson = instructor.repo.get_lesson(lid, with_key=True)
    assert lesson.key == () or lesson.key is None
    assert instructor.repo.tokens(lid)

    instructor.edit_key(lid)
    ed = instructor.editor
    text = ed.lesson.text
    i = text.index("reckless")
    ed.article.select_range(i + 1, i + 5)
    QTest.keyClick(ed.article, Qt.Key.Key_2)
    assert [(k.start, k.end, k.label) for k in ed.key.spans] == \
        [(i, i + len("reckless"), "loaded_language")]
    # the same label may not overlap: refused with a message, key unchanged
    msgs = []
    ed.message.connect(msgs.append)
    ed.article.select_range(i, i + len("reckless budget"))
    QTest.keyClick(ed.article, Qt.Key.Key_2)
    assert len(ed.key.spans) == 1 and "overlap" in msgs[-1]
    # explanation and optional
    ed.explanation.setPlainText("A feeling word: it judges the budget instead of describing it.")
    ed._on_apply_clicked()
    ed.required.setChecked(False)
    assert ed.key.spans[0].explanation.startswith("A feeling word")
    assert ed.key.spans[0].required is False
    # suggestions: nothing enters the key until accepted
    ed.request_suggestions()
    n = ed.suggestions.count()
    assert n >= 1
    assert len(ed.key.spans) == 1
    rows = [ed.suggestions.item(r).text() for r in range(n)]
    assert any("Experts warn" in r for r in rows)
    ed.suggestions.setCurrentRow(next(r for r, t in enumerate(rows) if "Experts warn" in t))
    k = ed.accept_current_suggestion()
    assert k is not None and k.label == "unsupported_claim" and k.explanation
    assert ed.suggestions.count() == n - 1
    ed.save()
    stored = instructor.repo.get_lesson(lid, with_key=True).key
    assert {x.label for x in stored} == {"loaded_language", "unsupported_claim"}
    assert all(text[x.start:x.end] == x.quote for x in stored)


def test_editing_text_reanchors_key_and_flags_lost_spans(qtbot, instructor):
    from app.services.lesson_edit import unplaced_key

    lesson = instructor.repo.get_lesson("sample-budget", with_key=True)
    new_text = "A new first line.\n\n" + lesson.text.replace("reckless", "careful")

    def edit(d: QDialog) -> None:
        by_name(d, "Article text").setPlainText(new_text)
        d._on_save()

    instructor.lessons.setCurrentRow(0)
    assert instructor.current_id() == "sample-budget"
    on_next_dialog(edit)
    instructor.edit_details()
    notice = instructor.notice  # "could not be placed", shown without blocking
    assert notice is not None and "could not be placed" in notice.text()
    notice.close()
    after = instructor.repo.get_lesson("sample-budget", with_key=True)
    assert after.text == new_text
    for k in after.key:
        assert new_text[k.start:k.end] == k.quote
    quotes = {k.quote for k in after.key}
    assert "disastrous power grab" in quotes
    lost = unplaced_key(instructor.repo, "sample-budget")
    assert {k.quote for k in lost} == {"reckless", "Experts warn that the reckless plan will fail"}
    # the key editor lists them and can place one on a selection
    instructor.edit_key("sample-budget")
    ed = instructor.editor
    assert ed.unplaced_list.count() == 2
    i = new_text.index("careful")
    ed.unplaced_list.setCurrentRow([k.quote for k in ed.unplaced].index("reckless"))
    ed.article.select_range(i, i + len("careful"))
    ed._on_place_clicked()
    assert any(k.quote == "careful" for k in ed.key.spans)
    assert ed.unplaced_list.count() == 1


def test_export_without_keys_imports_on_a_student_machine(qtbot, instructor, tmp_path):
    from app.services.library import export_pack

    out = tmp_path / "class.crpack"
    export_pack(instructor.repo, ["sample-budget"], out, include_keys=False)
    assert '"key"' not in out.read_text(encoding="utf-8")
    student = open_repo(tmp_path / "student.db")
    import_pack(student, read_pack(out))
    le = student.get_lesson("sample-budget", with_key=True)
    assert le.key is None and le.text == instructor.repo.get_lesson("sample-budget").text
    student.database.close()


def test_pack_import_preview_requires_replace_for_existing(qtbot, instructor, sample_pack):
    from PySide6.QtWidgets import QCheckBox, QDialogButtonBox

    from app.ui.instructor.pack_dialogs import import_pack_interactive

    def check(d: QDialog) -> None:
        ok = d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # both lessons exist already
        d.findChild(QCheckBox).setChecked(True)
        assert ok.isEnabled()
        ok.click()

    on_next_dialog(check)
    got = []
    import_pack_interactive(instructor, str(sample_pack), got.append)
    assert [r.ids for r in got] == [["sample-budget", "sample-fear"]]
    assert instructor.write_controls and all(c.isEnabled() for c in instructor.write_controls)


def test_preview_shows_the_student_view_and_saves_nothing(qtbot, instructor):
    from app.ui.instructor.preview import PreviewDialog

    lesson = instructor.repo.get_lesson("sample-budget")
    d = PreviewDialog(instructor, lesson, instructor.repo.categories(),
                      instructor.repo.tokens("sample-budget"))
    qtbot.addWidget(d)
    d.show()
    art = by_name(d, "Article")
    assert art.toPlainText() == lesson.text
    art.select_range(0, 7)
    QTest.keyClick(art, Qt.Key.Key_1)
    assert len(d.reader.draft.highlights) == 1
    d.reader.flush()
    assert instructor.repo.drafts_for_lesson("sample-budget") == []


def test_suggestions_from_the_real_worker_process(qtbot, repo_with_sample):
    """The default worker runs spaCy in a separate process; results arrive by signal."""
    from app.ui.instructor.window import InstructorWindow

    w = InstructorWindow(repo_with_sample)
    try:
        w.show()
        w.edit_key("sample-budget")
        ed = w.editor
        ed.key.remove(next(k for k in ed.key.spans if k.quote == "reckless"))
        ed.request_suggestions()
        qtbot.waitUntil(lambda: ed.suggestions.count() > 0, timeout=90_000)
        texts = [ed.suggestions.item(i).text() for i in range(ed.suggestions.count())]
        assert any("reckless" in t for t in texts)
    finally:
        w.editor.discard_changes()
        w.close()


def test_the_spacy_worker_process_ends_when_the_app_is_killed(tmp_path):
    """An app that dies abruptly (os._exit, like a kill) leaves no spaCy process behind:
    if one lingered it would hold this pipe open and the run would time out."""
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "die.py"
    script.write_text(
        "import os\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from app.ui.instructor.suggest_worker import SuggestionWorker\n"
        "if __name__ == '__main__':\n"
        "    app = QApplication([])\n"
        "    w = SuggestionWorker()\n"
        "    w.model_ready.connect(lambda n: (print('READY', flush=True), os._exit(0)))\n"
        "    w.preload()\n"
        "    app.exec()\n", encoding="utf-8")
    import os

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, cwd=root, env=env)
    assert "READY" in out.stdout, out.stderr[-800:]


def test_saving_and_importing_lessons_never_load_spacy_in_the_window_process(tmp_path,
                                                                            sample_pack):
    """Token bounds for a new lesson or an imported pack are computed by the worker
    process: loading spaCy in the GUI process would freeze the window for a second."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "save.py"
    script.write_text(
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from app.core.lessons import Lesson\n"
        "from app.core.packs import read_pack\n"
        "from app.store.repo import open_repo\n"
        "from app.ui.instructor.window import InstructorWindow\n"
        "if __name__ == '__main__':\n"
        "    app = QApplication([])\n"
        f"    repo = open_repo({str(tmp_path / 'db.sqlite')!r})\n"
        "    w = InstructorWindow(repo)\n"
        "    w._save(Lesson(id='fresh', title='Fresh', text='Critics slammed the reckless plan.'),"
        " is_new=True)\n"
        "    while w.busy is not None:\n"  # the save runs in the background
        "        app.processEvents()\n"
        "    from app.services.library import import_pack\n"
        f"    import_pack(repo, read_pack({str(sample_pack)!r}), compute=w.worker.token_bounds)\n"
        "    print('TOKENS', len(repo.tokens('fresh')), len(repo.tokens('sample-budget')))\n"
        "    print('SPACY' if any(m.startswith('spacy') for m in sys.modules) else 'CLEAN')\n"
        "    w.worker.shutdown(wait=True)\n", encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=180, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr[-1500:]
    assert "TOKENS 6 " in out.stdout and "CLEAN" in out.stdout, out.stdout + out.stderr[-800:]


# --------------------------------------------------------------------------- nothing typed is lost
def _open_key(instructor, lid="sample-budget"):
    instructor.edit_key(lid)
    ed = instructor.editor
    ed.spans.setFocus()
    return ed


def test_an_explanation_survives_selecting_another_span_and_counts_as_unsaved(qtbot,
                                                                               instructor):
    ed = _open_key(instructor)
    assert not ed.is_dirty()
    ed.spans.setCurrentRow(1)
    ed.spans.setCurrentRow(0)
    first = ed.spans.item(0).data(Qt.ItemDataRole.UserRole + 1)
    ed.explanation.setFocus()
    QTest.keyClicks(ed.explanation, " Name them.")
    assert ed.is_dirty()  # typed, not yet "saved": still unsaved work
    ed.spans.setCurrentRow(1)  # another span
    ed.spans.setCurrentRow(0)  # and back
    assert ed.explanation.toPlainText().endswith("Name them.")
    assert any(k.explanation.endswith("Name them.") and (k.start, k.end) == (first.start,
                                                                          first.end)
               for k in ed.key.spans)
    assert ed.is_dirty()
    # the category box and the required box keep the explanation being typed, too
    QTest.keyClicks(ed.explanation, " Again.")
    ed.required.setChecked(not ed.required.isChecked())
    assert any(k.explanation.endswith("Again.") for k in ed.key.spans)
    # leaving asks; Save stores it
    on_next_dialog(lambda box: box.button(box.StandardButton.Save).click())
    ed.back_requested.emit()
    assert instructor.stack.currentIndex() == 0
    stored = instructor.repo.get_lesson("sample-budget", with_key=True).key
    assert any(k.explanation.endswith("Name them. Again.") for k in stored)


def test_closing_the_window_asks_about_a_typed_explanation(qtbot, instructor):
    ed = _open_key(instructor)
    ed.spans.setCurrentRow(1)
    ed.explanation.setFocus()
    QTest.keyClicks(ed.explanation, " Typed before closing.")
    asked = []

    def cancel(box) -> None:
        asked.append(box.text())
        box.button(box.StandardButton.Cancel).click()

    on_next_dialog(cancel)
    instructor.close()
    assert asked == ["Save the changes to this key?"] and instructor.isVisible()
    on_next_dialog(lambda box: box.button(box.StandardButton.Save).click())
    instructor.close()
    qtbot.waitUntil(lambda: not instructor.isVisible())
    stored = instructor.repo.get_lesson("sample-budget", with_key=True).key
    assert any(k.explanation.endswith("Typed before closing.") for k in stored)


@pytest.fixture
def windows(qtbot, repo_with_sample):
    """Instructor windows on one database, synchronous; never asking at teardown."""
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    made = []

    def window(executor=None):
        w = InstructorWindow(repo_with_sample, worker=SuggestionWorker(executor=SyncExecutor()),
                             executor=executor or SyncExecutor())
        made.append(w)
        w.show()
        return w

    yield window
    for w in made:
        w.busy = None
        w.editor.discard_changes()
        w.close()
        w.deleteLater()


def test_a_crash_loses_no_key_work(qtbot, repo_with_sample, windows):
    """The key editor autosaves a draft: after a crash (the window never closed) the
    next key editor on that database has the span and the explanation being typed."""
    from app.services.lesson_edit import key_draft

    window = windows
    w = window()
    ed = _open_key(w)
    text = ed.lesson.text
    i = text.index("budget")
    ed.article.select_range(i, i + len("budget"))
    k = ed.mark_selection("loaded_language")
    assert k is not None and ed.explanation.isEnabled()
    ed.explanation.setFocus()
    QTest.keyClicks(ed.explanation, "Half a thought")
    qtbot.waitUntil(lambda: not ed.has_pending_draft())  # the autosave timer ran
    saved = key_draft(repo_with_sample, repo_with_sample.get_lesson("sample-budget"))
    assert saved is not None
    assert any(s.quote == "budget" and s.explanation == "Half a thought" for s in saved.spans)
    # "crash": the window is gone without asking or saving (as after kill -9)
    w.hide()
    w2 = window()
    ed2 = _open_key(w2)
    assert ed2.is_dirty()
    assert any(s.quote == "budget" and s.explanation == "Half a thought" for s in ed2.key.spans)
    ed2.save()
    assert key_draft(repo_with_sample, repo_with_sample.get_lesson("sample-budget")) is None
    assert any(s.quote == "budget" for s in
               repo_with_sample.get_lesson("sample-budget", with_key=True).key)


def test_unplaced_spans_are_placed_saved_and_go_with_their_lesson(qtbot, instructor):
    from app.services.lesson_edit import set_unplaced_key, unplaced_key

    repo = instructor.repo
    lost = [k for k in repo.get_lesson("sample-budget", with_key=True).key
            if k.quote == "reckless"]
    set_unplaced_key(repo, "sample-budget", [*lost, *lost])
    ed = _open_key(instructor)
    assert ed.unplaced_list.count() == 2 and ed.unplaced_list.isVisibleTo(instructor)
    text = ed.lesson.text
    i = text.index("plan")
    ed.article.select_range(i, i + 4)
    ed.unplaced_list.setCurrentRow(0)
    ed._on_place_clicked()
    assert ed.is_dirty() and ed.unplaced_list.count() == 1
    ed.save()
    assert len(unplaced_key(repo, "sample-budget")) == 1
    assert any(k.quote == "plan" for k in repo.get_lesson("sample-budget", with_key=True).key)
    instructor._show_list()
    instructor.lessons.setCurrentRow(0)
    on_next_dialog(lambda box: box.button(box.StandardButton.Yes).click())
    instructor.delete_lesson()
    assert "sample-budget" not in repo.lesson_ids()
    n = repo.db.execute("SELECT COUNT(*) FROM unplaced_spans WHERE lesson_id = ?",
                        ["sample-budget"]).fetchone()[0]
    assert n == 0


def test_a_second_click_cannot_start_a_second_save(qtbot, repo_with_sample, windows):
    """While a save runs (here: held in a fake executor), its actions are disabled and
    another save is refused; the save's callback runs when the work is done."""
    from concurrent.futures import Executor, Future

    class Held(Executor):
        def __init__(self):
            self.jobs = []

        def submit(self, fn, /, *a, **k):
            f = Future()
            self.jobs.append((f, fn))
            return f

        def release(self):
            f, fn = self.jobs.pop(0)
            try:
                f.set_result(fn())
            except BaseException as e:  # noqa: BLE001
                f.set_exception(e)

    held = Held()
    w = windows(held)
    ed = _open_key(w)
    ed.spans.setCurrentRow(1)
    ed.explanation.setPlainText("Changed once.")
    ed.save_button.click()
    assert w.busy is not None and not ed.save_button.isEnabled()
    ed.save()  # a second request (shortcut, or a click that got through) is refused
    assert len(held.jobs) == 1
    held.release()
    qtbot.waitUntil(lambda: w.busy is None)
    assert ed.save_button.isEnabled() and not ed.is_dirty()
    assert any(k.explanation == "Changed once." for k in
               repo_with_sample.get_lesson("sample-budget", with_key=True).key)
