"""The moment of truth in the app: the submit guard, an assessment that waits for its
feedback, the released feedback's score, the labelled practice attempt, and the
instructor's review — driven through the accessible surface, offscreen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from results_helpers import LESSON, PACK, make_instructor, pack_with

from app.core.packs import parse_pack, read_pack
from app.services.feedback import export_feedback
from app.services.library import import_pack
from app.store.repo import open_repo
from tests.uihelpers import action, by_name, on_next_dialog, student_window

pytestmark = pytest.mark.usefixtures("qapp")
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def make_window(qtbot, db_path: Path, pack: dict):
    return student_window(qtbot, db_path, pack, active=True)


TITLE = "A sample budget story"


def open_lesson(qtbot, w, wait_for: str = "Article") -> None:
    lib = by_name(w, "Lesson library")
    model = lib.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == TITLE)
    lib.setCurrentIndex(model.index(row, 0))
    lib.setFocus()
    QTest.keyClick(lib, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: by_name(w, wait_for).isVisible())


def test_submitting_nothing_defaults_to_keep_reading(qtbot, db_path):
    w = make_window(qtbot, db_path, pack_with())
    open_lesson(qtbot, w)
    seen = {}

    def inspect(d):
        assert isinstance(d, QMessageBox)
        seen["default"] = d.defaultButton().text()
        seen["text"] = d.text() + " " + d.informativeText()
        QTest.keyClick(d, Qt.Key.Key_Return)  # Return takes the default: keep reading

    on_next_dialog(inspect)
    QTest.keyClick(by_name(w, "Article"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "default" in seen)
    assert seen["default"] == "Keep reading"
    assert "not highlighted anything" in seen["text"] and "answer key" in seen["text"]
    assert by_name(w, "Article").isVisible()  # still reading: nothing submitted
    assert not w.repo.has_submitted(w.student.id, LESSON)


def submit_anyway(qtbot, w) -> None:
    def press_submit(d):
        b = next(b for b in d.buttons() if "Submit" in b.text())
        b.click()

    on_next_dialog(press_submit)
    QTest.keyClick(by_name(w, "Article"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: by_name(w, "Feedback").isVisible(), timeout=10_000)


def test_practice_retry_is_labelled_and_the_first_score_stays(qtbot, db_path):
    w = make_window(qtbot, db_path, pack_with())
    open_lesson(qtbot, w)
    submit_anyway(qtbot, w)
    fb = by_name(w, "Feedback")
    assert fb.score_label.text() == "Score: 0"
    assert "Attempt 1 — graded" in fb.status_label.text()
    action(w, "Try again").trigger()
    qtbot.waitUntil(lambda: by_name(w, "Article").isVisible())
    assert "Attempt 2 — practice after seeing the key" in w.reader.instructions.text()
    art = by_name(w, "Article")
    text = art.toPlainText()
    art.setFocus()
    art.select_range(0, 45)
    QTest.keyClick(art, Qt.Key.Key_1)
    for needle in ("reckless", "disastrous power grab"):
        i = text.index(needle)
        art.select_range(i, i + len(needle))
        QTest.keyClick(art, Qt.Key.Key_2)
    art.moveCursor(art.textCursor().MoveOperation.End)
    seen = {}

    def inspect(d):
        seen["default"] = d.defaultButton().text()
        QTest.keyClick(d, Qt.Key.Key_Return)

    on_next_dialog(inspect)
    action(w, "Submit answers").trigger()
    qtbot.waitUntil(lambda: "default" in seen)
    assert seen["default"] == "Submit", (seen, w.reader.draft.highlights)
    qtbot.waitUntil(fb.isVisible)
    assert fb.score_label.text() == "Score: 100", (fb.score_label.text(), w.reader.draft.highlights)
    assert "Attempt 2 — practice after seeing the key" in fb.status_label.text()
    assert w.repo.statuses(w.student.id)[LESSON].grade == 0
    fb.grab().save(str(SHOTS / "feedback-practice-attempt.png"))
    # the graded attempt's feedback can be opened again from the attempts list
    attempts = by_name(w, "Your attempts")
    row = next(i for i in range(attempts.count()) if "graded" in attempts.item(i).text())
    attempts.itemActivated.emit(attempts.item(row))
    qtbot.waitUntil(lambda: fb.score_label.text() == "Score: 0")


def test_assessment_waits_then_shows_the_released_score(qtbot, db_path, tmp_path):
    # the instructor's pack, out without its key, into a student machine
    teacher = open_repo(tmp_path / "teacher.db")
    signer = make_instructor(teacher)
    import_pack(teacher, parse_pack(pack_with({"mode": "assessment"})))
    from app.services.library import export_pack

    export_pack(teacher, [LESSON], tmp_path / "student.crpack", signer=signer)
    w = make_window(qtbot, db_path, json.loads((tmp_path / "student.crpack").read_text()))
    from app.services.trust import pack_signature  # the teacher trusts their key here

    pack_signature(w.repo, signer.public, trust=True)
    lib = by_name(w, "Lesson library")
    row = next(r for r in range(lib.model().rowCount())
               if lib.model().index(r, 0).data() == TITLE)
    assert "Assessment" in lib.model().index(row, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    open_lesson(qtbot, w)
    assert "Assessment: you submit once" in w.reader.instructions.text()
    art = by_name(w, "Article")
    art.select_range(0, 45)
    action(w, "Highlight as Unsupported claim").trigger()
    art.moveCursor(art.textCursor().MoveOperation.End)
    seen = {}

    def inspect(d):
        seen["text"] = d.informativeText()
        QTest.keyClick(d, Qt.Key.Key_Return)

    on_next_dialog(inspect)
    art.setFocus()
    QTest.keyClick(art, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    fb = by_name(w, "Feedback")
    qtbot.waitUntil(fb.isVisible, timeout=10_000)
    assert "ends this assessment" in seen["text"]
    assert "Submitted — your teacher will release the feedback" in fb.headline.text()
    assert "Score:" not in fb.score_label.text()
    assert not fb.try_button.isVisible()
    # the page shows what was handed in (issue 23): the highlight, listed and marked, and
    # nothing of the key
    assert fb.explanations.count() == 1
    row = fb.explanations.item(0).text()
    assert row.startswith("Unsupported claim\n“") and "✓" not in row and "✗" not in row
    assert len(fb.article.highlighter._marks) == 1
    fb.grab().save(str(SHOTS / "assessment-submitted.png"))
    # the student's bundle goes to the teacher, who overrides and releases
    from app.services.results.bundles import export_bundle, import_bundles

    export_bundle(w.repo, tmp_path / "b.json")
    import_bundles(teacher, [tmp_path / "b.json"])
    g = next(iter(teacher.grades().values()))
    teacher.set_review(g.submission_id, None, "", "Good eye for the experts line.")
    done = export_feedback(teacher, tmp_path / "fb", signer=signer)
    teacher.database.close()
    assert w.import_feedback(str(done.files[0][0]))
    w.show_library()
    open_lesson(qtbot, w, wait_for="Feedback")
    fb = by_name(w, "Feedback")
    expected = g.score
    assert fb.score_label.text() == f"Score: {expected}"
    assert "Good eye for the experts line." in fb.comment.text()
    fb.grab().save(str(SHOTS / "assessment-released.png"))


def test_review_dialog_overrides_with_a_reason(qtbot, db_path, tmp_path):
    from app.services.grading import submit
    from app.ui.results.review_page import ReviewDialog, ReviewPage

    r = open_repo(db_path)
    import_pack(r, read_pack(PACK))
    ana = r.student("Ana")
    submit(r, ana.id, ana.name, LESSON, [])
    page = ReviewPage(r)
    qtbot.addWidget(page)
    m = page.model
    assert m.rowCount() == 1 and m.text(0, 2) == "0"
    sub = r.submission(m.index(0, 0).data(Qt.ItemDataRole.UserRole + 1))
    d = ReviewDialog(r, sub)
    qtbot.addWidget(d)
    d.resize(1100, 760)
    d.use_override.setChecked(True)
    d.score.setValue(40)
    d._on_save()
    assert "reason" in d.error.text()  # an override needs a reason
    QTest.keyClicks(d.reason, "marked the right passages, wrong category")
    assert d.error.text() == ""  # the message goes once a reason is typed
    d.comment.setPlainText("Check the category descriptions.")
    d.grab().save(str(SHOTS / "review-dialog.png"))
    d._on_save()
    g = r.grades()[(ana.id, LESSON)]
    assert (g.value, g.score, g.comment) == (40, 0, "Check the category descriptions.")
    page.refresh()
    assert m.text(0, 3).startswith("40 — ")
    # Release here: the selected rows, after a question naming who and what
    page.table.selectRow(0)
    seen = {}

    def inspect(box):
        seen["text"] = box.text()
        box.button(box.StandardButton.Yes).click()

    on_next_dialog(inspect)
    assert page.release_here() == 1 and m.text(0, 5) == "released"
    assert "1 student on 1 lesson" in seen["text"]
    r.database.close()
    QApplication.processEvents()
