"""The student's and the teacher's screens as a classroom uses them (issue 23), driven
with real keys and clicks offscreen: reading to the end by keyboard, the feedback
legend, the attempt-2 question, the override in *Your attempts*, outlets and
headlines, dialogs in Documents, zoom steps, F1, the password dialog, the summary,
*Review & release*, the class view's lists, the CSV hint, the student PDF, the roster
dialog, and the layouts at 200 % text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.lessons import Highlight
from tests.uihelpers import on_next_dialog

pytestmark = pytest.mark.usefixtures("qapp")
KURSK1, WIRE = "kursk-anonymous-sources", "kursk-wire-report"


@pytest.fixture
def window(qtbot, db_path):
    from app.ui import create_main_window

    w = create_main_window(db_path, student="Ana P.")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    w.apply_zoom(1.0)


def _word(text: str, needle: str) -> Highlight:
    i = text.index(needle)
    return Highlight(i, i + len(needle), "loaded_language")


def _submit(w, lesson_id: str, needles=("sent shockwaves",)):  # noqa: ANN001, ANN202
    from app.services.grading import submit

    text = w.repo.get_lesson(lesson_id).text
    return submit(w.repo, w.student.id, w.student.name, lesson_id,
                  tuple(_word(text, n) for n in needles))


def _answer(button_text: str, seen: dict) -> None:  # noqa: ANN001
    def go(box) -> None:  # noqa: ANN001
        seen["text"] = box.text()
        seen["informative"] = box.informativeText()
        seen["default"] = box.defaultButton().text() if box.defaultButton() else ""
        next(b for b in box.buttons() if b.text() == button_text).click()
    on_next_dialog(go)


# --------------------------------------------------------------------------- student
def test_reading_to_the_end_with_the_keyboard_counts(qtbot, window):
    window.open_lesson(KURSK1)
    art = window.reader.article
    text = art.toPlainText()
    art.select_range(text.index("shockwaves"), text.index("shockwaves") + 10)
    QTest.keyClick(art, Qt.Key.Key_2)
    assert not window.read_tracker.reached_end
    QTest.keyClick(art, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    bar = art.verticalScrollBar()
    assert bar.value() < bar.maximum()  # the caret's line shows; the margin below does not
    assert window.read_tracker.reached_end
    seen: dict = {}
    _answer("Keep reading", seen)
    QTest.keyClick(art, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert seen["default"] == "Submit" and seen["text"] == "Submit your 1 highlight?"


def test_page_down_to_the_last_line_counts_too(qtbot, window):
    window.open_lesson(WIRE)
    art = window.reader.article
    art.setFocus()
    for _ in range(80):
        QTest.keyClick(art, Qt.Key.Key_PageDown)
        if window.read_tracker.reached_end:
            break
    assert window.read_tracker.reached_end


def test_the_legend_keeps_its_place_and_the_buttons_do_not_move(qtbot, window):
    _submit(window, KURSK1)
    window.show_feedback(KURSK1)
    fb = window.feedback
    qtbot.wait(50)
    y0 = {m: b.mapTo(fb, QPoint(0, 0)).y() for m, b in fb.layer_buttons.items()}
    heights = {}
    for mode in ("mine", "key", "both", "mine"):
        b = fb.layer_buttons[mode]
        QTest.mouseClick(b, Qt.MouseButton.LeftButton, pos=QPoint(8, b.height() // 2))
        qtbot.wait(20)
        assert fb.mode == mode
        heights[mode] = fb.legend_scroll.height()
        assert {m: x.mapTo(fb, QPoint(0, 0)).y() for m, x in fb.layer_buttons.items()} == y0
    assert all(h > 10 for h in heights.values()), heights  # it used to fall to 0 px
    # another attempt opened: still there
    window.show_feedback(KURSK1)
    qtbot.wait(20)
    assert fb.legend_scroll.height() > 10 and fb.legend.isVisible()


def test_the_summary_has_no_empty_band(qtbot, window):
    _submit(window, KURSK1)
    window.show_feedback(KURSK1)
    fb = window.feedback
    qtbot.wait(50)
    need = fb.summary.heightForWidth(fb.summary_scroll.viewport().width())
    assert abs(fb.summary_scroll.height() - need) <= 2 * fb.summary_scroll.frameWidth() + 2
    assert QApplication.focusWidget() is fb.summary


def test_attempt_two_is_asked_about_as_practice(qtbot, window):
    _submit(window, KURSK1)
    window.open_lesson(KURSK1)  # the draft is empty: the feedback; Try again instead
    window._on_feedback_try_again(KURSK1)
    art = window.reader.article
    assert "Attempt 2 — practice after seeing the key" in art.accessibleDescription()
    art.select_range(5, 9)
    QTest.keyClick(art, Qt.Key.Key_2)
    QTest.keyClick(art, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    seen: dict = {}
    _answer("Keep reading", seen)
    QTest.keyClick(art, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "practice" in seen["informative"]
    assert "This first attempt is your grade" not in seen["informative"]


def test_your_attempts_shows_the_teachers_override(qtbot, window):
    sid, _report = _submit(window, KURSK1)
    window.repo.set_review(sid, 40, "close reading", "")
    window.show_feedback(KURSK1)
    fb = window.feedback
    assert fb.score_label.text() == "Score: 40"
    assert "score 40 (set by your teacher)" in fb.attempts.item(0).text()
    assert "score 0" not in fb.attempts.item(0).text()


def test_outlet_not_stated_and_headlines_look_like_headlines(qtbot, window):
    from PySide6.QtGui import QFont

    model = window.library.model()
    said = {model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1):
            model.index(r, 0).data(Qt.ItemDataRole.AccessibleTextRole)
            for r in range(model.rowCount())}
    for lid in (KURSK1, "kursk-new-axis-opinion", WIRE, "kursk-state-media-retelling"):
        assert "Outlet not stated" in said[lid]
    assert "Outlet not stated · Lucas Leiroz" in said["kursk-multipolar-commentary"]
    # the comparison is no article: it says what it is, not that an outlet is missing
    assert "Outlet not stated" not in said["kursk-compare"]
    assert "Compare the unit's articles side by side" in said["kursk-compare"]
    window.open_lesson(WIRE)
    assert window.reader.source.text() == "Outlet not stated"
    doc = window.reader.article.document()
    body = doc.findBlockByNumber(2).charFormat().font()
    headline = doc.begin().begin().fragment().charFormat()
    sub = doc.find("Growing Russo-North Korean Cooperation").charFormat()
    assert headline.fontWeight() == QFont.Weight.Bold
    assert QFont(doc.begin().begin().fragment().charFormat().font()).bold()
    assert sub.fontWeight() == QFont.Weight.Bold and body.weight() != QFont.Weight.Bold
    assert window.reader.article.toPlainText() == window.repo.get_lesson(WIRE).text


def test_file_dialogs_start_in_documents_not_the_current_folder(qtbot, tmp_path, monkeypatch):
    from app.ui import filedialogs

    monkeypatch.chdir(tmp_path)
    filedialogs.remember(None)
    d = filedialogs.make_dialog(None, "Save", "Submission bundles (*.json)", "save",
                                "submissions.json")
    assert Path(d.directory().absolutePath()) == Path(filedialogs.documents_folder())
    assert Path(d.directory().absolutePath()) != tmp_path
    assert d.defaultSuffix() == "json"
    d.deleteLater()


def test_zoom_steps_come_back_to_100(qtbot, window):
    seen = []
    window.statusBar().messageChanged.connect(lambda m: m and seen.append(m))
    f = QApplication.focusWidget() or window
    for key in (Qt.Key.Key_Minus, Qt.Key.Key_Plus, Qt.Key.Key_Plus, Qt.Key.Key_Minus):
        QTest.keyClick(f, key, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Text size 85 %", "Text size 100 %", "Text size 115 %", "Text size 100 %"]
    QTest.keyClick(f, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(f, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window._zoom == 1.0


def test_f1_is_a_table_of_every_shortcut(qtbot, window):
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QTableWidget

    from app.ui.shortcuts_dialog import listed_keys

    window.open_lesson(KURSK1)  # the reader's actions join the menus
    window.show_library()
    QTest.keyClick(window.library, Qt.Key.Key_F1)
    d = window._shortcuts_dialog
    assert d.isVisible() and isinstance(d.table, QTableWidget) and d.table.rowCount() > 20
    listed = listed_keys().replace(" ", "")
    for a in window.findChildren(QAction):
        for seq in a.shortcuts():
            text = seq.toString(QKeySequence.SequenceFormat.PortableText)
            if text and len(text) > 1:  # (the digits are listed as "1, 2, …")
                assert text.replace(" ", "") in listed, (a.text(), text)
    QTest.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()


def test_the_password_dialog_title_fits(qtbot, db_path):
    from app.store.repo import open_repo
    from app.ui.instructor.gate import PasswordDialog, SetPasswordDialog

    for d in (SetPasswordDialog(None, first=True), PasswordDialog(None, open_repo(db_path))):
        qtbot.addWidget(d)
        d.show()
        need = d.fontMetrics().horizontalAdvance(d.windowTitle()) + 120
        assert d.width() >= need, (d.windowTitle(), d.width(), need)


# --------------------------------------------------------------------------- 200 %
def test_at_200_percent_on_1366_by_768_submit_and_the_category_are_whole(qtbot, window):
    window.resize(1366, 768)
    window.open_lesson(KURSK1)
    window.apply_zoom(2.0)
    qtbot.wait(100)
    r = window.reader
    art = r.article
    i = art.toPlainText().index("shockwaves")
    art.select_range(i, i + 10)
    QTest.keyClick(art, Qt.Key.Key_2)
    qtbot.wait(50)
    b = r.submit_button
    top_left = b.mapTo(window, QPoint(0, 0))
    assert b.isVisible() and top_left.y() + b.height() <= window.height()
    assert not r.side_panel.isAncestorOf(b)  # never scrolled away with the panel
    box = r.category_box
    name = box.currentText()
    assert name == "Loaded language"
    assert box.width() - 30 >= box.fontMetrics().horizontalAdvance(name), box.width()


def test_the_chosen_lesson_stays_in_view_when_the_text_grows(qtbot, window):
    lib = window.library
    lib.setFocus()
    for _ in range(7):
        QTest.keyClick(lib, Qt.Key.Key_Down)
    window.apply_zoom(2.0)
    qtbot.wait(50)
    rect = lib.visualRect(lib.currentIndex())
    assert lib.viewport().rect().contains(rect.center())


# --------------------------------------------------------------------------- teacher
@pytest.fixture
def teacher(qtbot, db_path):
    """A class of four on the bundled lessons, in the results window."""
    from app.services.grading import submit
    from app.services.open_db import open_library
    from app.ui.instructor.suggest_worker import SyncExecutor
    from app.ui.results.window import ResultsWindow

    repo = open_library(db_path)
    for name, picks in (("Ana P.", ("sent shockwaves", "exclusive access")),
                        ("Ben Q.", ("shrouded in secrecy",)), ("Sam K.", ()),
                        ("Cleo R.", ("sent shockwaves", "Russia", "treaty"))):
        st = repo.student(name)
        for lid in (KURSK1, WIRE):
            text = repo.get_lesson(lid).text
            submit(repo, st.id, name, lid,
                   tuple(_word(text, p) for p in picks if p in text))
    w = ResultsWindow(repo, executor=SyncExecutor())
    qtbot.addWidget(w)
    w.resize(1100, 760)
    w.show()
    return w  # (closed, and so deleted, by qtbot)


def test_review_and_release_confirms_keeps_the_row_and_shows_feedback(qtbot, teacher):
    from app.ui.results.review_page import ReviewDialog

    page = teacher.review
    teacher.tabs.setCurrentWidget(page)
    qtbot.wait(50)
    assert {page.model.text(r, 5) for r in range(page.model.rowCount())} == \
        {"key seen (practice)"}  # practice: the students saw the key at once
    page.table.selectRow(2)
    sid = page.current_submission()

    def review(d: ReviewDialog) -> None:
        d.use_override.setChecked(True)
        d.score.setValue(40)
        d.reason.setText("found the passages, wrong category")
        d.comment.setPlainText("A long comment. " * 30)
        d._on_save()

    on_next_dialog(review)
    assert page.review_current()
    assert page.current_submission() == sid
    assert page.table.selectionModel().isRowSelected(page.table.currentIndex().row())
    assert page.notice.text().startswith("Review saved for ") and "score set to 40" in \
        page.notice.text()
    row = page.table.currentIndex().row()
    assert page.model.text(row, 5) == "key seen (practice); review not released"
    # the Feedback column is on screen, beside the score, whatever the comment's length
    head = page.table.horizontalHeader()
    assert head.visualIndex(5) == 3
    assert head.sectionViewportPosition(5) + head.sectionSize(5) <= page.table.viewport().width()
    # the selected row looks selected while the table is not focused
    pal = page.table.palette()
    assert pal.color(pal.ColorGroup.Inactive, pal.ColorRole.Highlight) == \
        pal.color(pal.ColorGroup.Active, pal.ColorRole.Highlight)


def test_the_class_views_lists_show_every_row_without_scrolling(qtbot, teacher):
    page = teacher.classes
    teacher.tabs.setCurrentWidget(page)
    page.choose_lesson(KURSK1)
    qtbot.wait(100)
    for lst in (page.key_list, page.extras):
        assert lst.count() >= 1
        assert lst.verticalScrollBar().maximum() == 0
        assert lst.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        last = lst.visualItemRect(lst.item(lst.count() - 1))
        assert last.bottom() <= lst.viewport().height()
    assert page.key_list.count() > 10  # Framing 1's key: all of it, not 3 or 4 rows


def test_gradebook_headings_are_whole_at_200_percent(qtbot, teacher):
    from app.ui.fonts import set_app_font, ui_font

    set_app_font(ui_font(2.0))
    teacher.refresh()
    qtbot.wait(50)
    table = teacher.grades.table
    head = table.horizontalHeader()
    for c in range(1, table.model().columnCount()):
        assert table.columnWidth(c) >= head.sectionSizeFromContents(c).width(), c


def test_the_csv_dialog_says_what_the_file_holds():
    from app.interop.lms import HINTS

    assert "best score" not in HINTS["spreadsheet"]
    assert "graded first attempt" in HINTS["spreadsheet"]


def test_the_roster_dialog_offers_sam_k_for_kowalski_sam(qtbot, teacher):
    from app.interop.roster import Identity
    from app.services.roster import Entry
    from app.ui.results.roster_dialog import RosterMatchDialog

    repo = teacher.repo
    entry = Entry(roster_id=7, identity=Identity("canvas", "Sam Kowalski", "Kowalski, Sam"),
                  student=None, flag="")
    d = RosterMatchDialog([entry], repo.students(), {}, teacher)
    qtbot.addWidget(d)
    combo = d.combos[7]
    assert combo.currentText() == "Sam K. — likely"
    assert d.choices() == {7: next(s.id for s in repo.students() if s.name == "Sam K.")}


def test_the_student_pdf_keeps_each_entry_on_one_page(qtbot, teacher, tmp_path):
    from app.services.results.report_pdf import student_report_pdf

    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode:
        pytest.skip("needs poppler-utils")
    repo = teacher.repo
    heads = ("— in the key", "— not in the key", "— marked with another category",
             "% of it highlighted)", "no penalty")
    for st in repo.students():
        for lid in (KURSK1, WIRE):
            out = student_report_pdf(repo, st.id, lid, tmp_path / f"{st.id}-{lid}.pdf")
            pages = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                                   text=True).stdout.split("\f")
            for n, page in enumerate(p for p in pages if p.strip()):
                body = [ln for ln in page.splitlines()[1:]
                        if ln.strip() and "Page " not in ln]
                assert body, f"page {n + 1} of {out.name} is empty"
                assert not body[-1].strip().endswith(heads), (out.name, n + 1, body[-1])
                assert len(" ".join(body).split()) >= 3, (out.name, n + 1, body)


# --------------------------------------------------------------------------- screen reader
def test_the_explanations_filter_and_its_first_row(qtbot, window):
    _submit(window, KURSK1, ("sent shockwaves", "Russia"))
    window.show_feedback(KURSK1)
    fb = window.feedback
    lw, box = fb.explanations, fb.explanation_filter
    assert lw.currentRow() == 0 and lw.item(0).isSelected()  # tabbing in starts on row 0
    counts = {box.itemData(i): box.itemText(i) for i in range(box.count())}
    assert set(counts) == {"all", "missed", "mine"}
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Down)  # Missed only
    assert box.accessibleDescription().startswith("The list shows the passages you missed: ")
    shown = [lw.item(i) for i in range(lw.count()) if not lw.item(i).isHidden()]
    assert shown and all(it.text().startswith(("✗", "↔")) for it in shown)
    assert lw.currentItem() is shown[0]
    QTest.keyClick(box, Qt.Key.Key_Down)  # Mine only
    shown = [lw.item(i) for i in range(lw.count()) if not lw.item(i).isHidden()]
    assert {it.text().split("\n")[1] for it in shown} >= {"“sent shockwaves”", "“Russia”"}


def test_return_in_the_highlights_list_goes_to_the_highlight(qtbot, window):
    window.open_lesson(KURSK1)
    r = window.reader
    art = r.article
    i = art.toPlainText().index("shockwaves")
    art.select_range(i, i + 10)
    QTest.keyClick(art, Qt.Key.Key_2)
    art.select_range(0, 0)
    r.list.setFocus()
    r.list.setCurrentIndex(r.list.model().index(0, 0))
    QTest.keyClick(r.list, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is art
    assert i <= art.cursor_offset() < i + 10
    assert art.accessibleDescription() == "Loaded language: “shockwaves”"


def test_opening_an_assessment_says_so(qtbot, db_path):
    from dataclasses import replace

    from app.services.lesson_edit import save_lesson
    from app.services.open_db import open_library
    from app.ui import create_main_window

    repo = open_library(db_path)
    save_lesson(repo, replace(repo.get_lesson(KURSK1, with_key=True), mode="assessment"), False)
    repo.database.close()
    w = create_main_window(db_path, student="Ana P.")
    qtbot.addWidget(w)
    w.show()
    w.open_lesson(KURSK1)
    said = w.reader.article.accessibleDescription()
    assert said.startswith("Lesson opened: Framing 1") and "Assessment: you submit once" in said


def test_nothing_stale_is_said_about_another_lesson_or_attempt(qtbot, window):
    window.open_lesson(KURSK1)
    art = window.reader.article
    i = art.toPlainText().index("shockwaves")
    art.select_range(i, i + 10)
    QTest.keyClick(art, Qt.Key.Key_2)
    art.select_range(i + 2, i + 2)
    assert "shockwaves" in art.accessibleDescription()
    window.open_lesson(WIRE)
    assert "shockwaves" not in art.accessibleDescription()
    assert art.accessibleDescription().startswith("Lesson opened: Framing 3")
    # the feedback article: a mark's words go when another attempt or page shows
    _submit(window, KURSK1)
    window.show_feedback(KURSK1)
    fa = window.feedback.article
    j = fa.toPlainText().index("shockwaves")
    fa.setFocus()
    fa.caret_to(j + 2)
    assert "your highlight" in fa.accessibleDescription()
    window.show_feedback(KURSK1)
    assert "your highlight" not in fa.accessibleDescription()


def test_key_editor_says_spans_under_the_caret_and_what_marking_did(qtbot, db_path):
    from app.services.open_db import open_library
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    repo = open_library(db_path)
    iw = InstructorWindow(repo, worker=SuggestionWorker(executor=SyncExecutor()),
                          executor=SyncExecutor())
    qtbot.addWidget(iw)
    iw.show()
    iw.activateWindow()
    qtbot.waitUntil(iw.isActiveWindow)
    try:
        iw.edit_key(KURSK1)
        ed = iw.editor
        art = ed.article
        assert art.accessibleDescription().startswith("Answer key opened: Framing 1")
        k = ed.key.spans[0]
        art.select_range(k.start + 1, k.start + 1)
        assert art.accessibleDescription().startswith("Key span, ")
        assert k.quote[:10] in art.accessibleDescription()
        art.select_range(0, 2)
        QTest.keyClick(art, Qt.Key.Key_1)
        assert QApplication.focusWidget() is ed.explanation
        assert ed.explanation.accessibleDescription().startswith(
            "Marked as Unsupported claim: “In”")
    finally:
        ed.discard_changes()
        iw.close()


def test_the_review_notice_is_announced(qtbot, teacher, monkeypatch):
    from app.ui import announce

    said: list[str] = []
    real = announce.notify
    monkeypatch.setattr(announce, "notify",
                        lambda s, m, a=False: (said.append(m), real(s, m, a)))
    page = teacher.review
    teacher.tabs.setCurrentWidget(page)
    page.release_here(submission_ids=[page.model.rows[0][0]], confirm=False)
    assert said and said[-1].startswith("Released 1 attempt")


def test_a_wrong_password_is_said(qtbot, db_path, monkeypatch):
    from app.core.password import SETTING, hash_password
    from app.store.repo import open_repo
    from app.ui import announce
    from app.ui.instructor.gate import PasswordDialog

    repo = open_repo(db_path)
    repo.set_setting(SETTING, hash_password("teacher-pass"))
    said: list[str] = []
    monkeypatch.setattr(announce, "notify", lambda s, m, a=False: said.append(m))
    d = PasswordDialog(None, repo)
    qtbot.addWidget(d)
    d.show()
    d.pw.setText("guess")
    d._on_ok()
    assert said == ["That is not the instructor password."]
    assert QMessageBox  # (imported for the dialogs above)
