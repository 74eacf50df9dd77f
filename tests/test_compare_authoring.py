"""An instructor builds a comparison for a new unit from scratch in the app: New
comparison…, claims, cells, passages, the dossier, verdicts, Save; links a key span to a
claim from the key editor; previews it as a student; and the pack carries it."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QPushButton

from app.core.packs import parse_pack, read_pack
from app.services.library import export_pack, import_pack
from app.store.repo import open_repo
from tests.test_accessibility import unnamed
from tests.uihelpers import by_name, on_next_dialog

pytestmark = pytest.mark.usefixtures("qapp")
PACK = "tests/data/compare-pack.json"


@pytest.fixture
def articles_repo(db_path):
    from pathlib import Path

    data = json.loads(Path(PACK).read_text(encoding="utf-8"))
    data["lessons"] = data["lessons"][:2]  # the two articles, no comparison yet
    data["version"] = 1
    repo = open_repo(db_path)
    import_pack(repo, parse_pack(data))
    yield repo
    repo.database.close()


@pytest.fixture
def window(qtbot, articles_repo):
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    w = InstructorWindow(articles_repo, worker=SuggestionWorker(executor=SyncExecutor()),
                         executor=SyncExecutor())
    w.resize(1280, 860)
    w.show()
    yield w
    if w._comparisons is not None:
        w._comparisons.editor.discard_changes()
    w.editor.discard_changes()
    w.close()
    w.deleteLater()


def button(root, text: str) -> QPushButton:  # noqa: ANN001
    return next(b for b in root.findChildren(QPushButton) if b.text() == text
                and b.isVisible())


def click(w) -> None:  # noqa: ANN001
    QTest.mouseClick(w, Qt.MouseButton.LeftButton, pos=QPoint(w.width() // 2, w.height() // 2))


def type_into(w, text: str) -> None:  # noqa: ANN001
    w.setFocus()
    w.selectAll()  # (a line edit or a plain text edit: typing replaces it)
    QTest.keyClicks(w, text)


def test_build_a_comparison_from_scratch(qtbot, window, tmp_path):
    made = {}

    def fill(d: QDialog) -> None:
        try:
            type_into(by_name(d, "Title"), "Compare the bridge stories")
            made["id"] = by_name(d, "Lesson id").text()
            arts = by_name(d, "Articles to compare (tick 2 to 8)")
            for i in range(arts.count()):  # (the lesson chosen in the list starts ticked)
                if arts.item(i).checkState() != Qt.CheckState.Checked:
                    arts.setCurrentRow(i)
                    QTest.keyClick(arts, Qt.Key.Key_Space)
            click(next(b for b in d.findChildren(QPushButton) if b.text() == "OK"))
        finally:
            if d.isVisible():
                d.reject()

    on_next_dialog(fill)
    click(button(window, "New comparison…"))
    assert made["id"] == "compare-the-bridge-stories"  # suggested from the title
    ed = window.comparisons.editor
    qtbot.waitUntil(lambda: window.stack.currentWidget() is ed, timeout=10_000)
    assert ed.tabs.currentIndex() == 1  # straight to the claims
    stored = window.repo.get_lesson("compare-the-bridge-stories", with_key=True)
    assert stored.is_compare and stored.comparison.articles == ("compare-a", "compare-b")

    # the dossier first: one source
    ed.tabs.setCurrentIndex(2)
    click(button(ed, "Add source"))
    type_into(by_name(ed, "Entry title"), "Council minutes")
    type_into(by_name(ed, "Outlet or institution"), "Millbrook City Council")
    type_into(by_name(ed, "Date (YYYY-MM-DD)"), "2025-03-02")
    type_into(by_name(ed, "What it says"), "The council approved the closure.")
    type_into(by_name(ed, "Entry id"), "minutes")

    # the claim: statement, supports, verdict, backing, a passage
    ed.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: by_name(ed, "Support in Story A: the bridge").isVisible())
    type_into(by_name(ed, "Statement of the claim"), "The bridge will close.")
    support_a = by_name(ed, "Support in Story A: the bridge")
    support_a.setCurrentIndex(support_a.findData("named"))
    support_a.activated.emit(support_a.currentIndex())
    type_into(by_name(ed, "Why, for Story A: the bridge"), "The engineer is named.")
    verdict = by_name(ed, "Verdict (the key)")
    verdict.setCurrentIndex(verdict.findData("confirmed"))
    verdict.activated.emit(verdict.currentIndex())
    backing = by_name(ed, "Dossier entries that back the verdict")
    backing.setCurrentRow(0)
    QTest.keyClick(backing, Qt.Key.Key_Space)
    article = by_name(ed, "Article (linking passages)")
    text = article.toPlainText()
    i = text.index("the Elm Street bridge will close")
    article.select_range(i + 2, i + 30)  # ragged: snapped to whole words
    click(button(ed, "Link the selected words as a passage"))
    passages = by_name(ed, "Passages of the claim in this article")
    assert passages.item(0).text() == "“the Elm Street bridge will close”"
    assert not unnamed(ed), unnamed(ed)

    click(button(ed, "Save comparison"))
    qtbot.waitUntil(lambda: not ed.is_dirty(), timeout=10_000)
    le = window.repo.get_lesson("compare-the-bridge-stories", with_key=True)
    claim = le.comparison.claims[0]
    assert claim.statement == "The bridge will close."
    assert claim.passages[0].quote == "the Elm Street bridge will close"
    assert le.comparison.key.cell(claim.id, "compare-a").support == "named"
    assert le.comparison.key.verdict(claim.id).backing == ("minutes",)
    assert le.comparison.entry("minutes").outlet == "Millbrook City Council"

    # a problem is named, not saved: a date that is not a date
    ed.tabs.setCurrentIndex(2)
    type_into(by_name(ed, "Date (YYYY-MM-DD)"), "last March")
    click(button(ed, "Save comparison"))
    assert "'date'" in by_name(ed, "Problems to fix before saving").text()
    type_into(by_name(ed, "Date (YYYY-MM-DD)"), "2025-03")
    click(button(ed, "Save comparison"))
    qtbot.waitUntil(lambda: not ed.is_dirty(), timeout=10_000)

    # preview as a student: the Compare page with both articles
    seen = {}

    def look(d: QDialog) -> None:
        page = d.window.compare
        seen["title"] = page.title.text()
        seen["articles"] = [by_name(page, "Left article").itemText(i)
                            for i in range(by_name(page, "Left article").count())]
        click(by_name(page, "Close preview"))

    on_next_dialog(look)
    click(button(ed, "Preview as a student"))
    assert seen["title"] == "Compare the bridge stories"
    assert seen["articles"] == ["A. Story A: the bridge", "B. Story B: the bridge"]

    # the pack carries it, with its articles, and another machine reads it back
    out = tmp_path / "unit.crpack"
    export_pack(window.repo, ["compare-the-bridge-stories"], out)
    other = open_repo(tmp_path / "other.db")
    import_pack(other, read_pack(out))
    here = window.repo.get_lesson("compare-the-bridge-stories", with_key=True)
    assert other.get_lesson(here.id, with_key=True).comparison == here.comparison
    other.database.close()


def test_link_a_key_span_to_a_claim_from_the_key_editor(qtbot, window):
    from app.services.compare.editing import lesson_from_doc, new_doc, save_comparison

    repo = window.repo
    save_comparison(repo, lesson_from_doc(repo, new_doc("cmp", "Cmp", "", ["compare-a",
                                                                         "compare-b"])),
                    is_new=True)
    window.refresh()
    window.edit_key("compare-a")
    ed = window.editor
    spans = by_name(ed, "Key spans")
    spans.setCurrentRow(0)  # "Insiders say the mayor ignored warnings …"
    row = by_name(window, "Claim of a comparison to link this span to")
    qtbot.waitUntil(row.isVisible, timeout=3000)
    assert row.itemText(0) == "Cmp: Write the claim here."
    link = button(window, "Link to claim")
    click(link)
    p = repo.get_lesson("cmp").comparison.claims[0].passages
    assert [x.quote for x in p] == [
        "Insiders say the mayor ignored warnings about the bridge for years"]
    assert link.text() == "Unlink from claim" and row.itemText(0).startswith("✓ ")
    click(link)
    assert repo.get_lesson("cmp").comparison.claims[0].passages == ()


def test_unsaved_work_survives_leaving_and_a_crash(qtbot, window):
    from app.services.compare.editing import lesson_from_doc, new_doc, save_comparison

    repo = window.repo
    save_comparison(repo, lesson_from_doc(repo, new_doc("cmp", "Cmp", "", ["compare-a",
                                                                         "compare-b"])),
                    is_new=True)
    window.refresh()
    window.edit_key("cmp")
    ed = window.comparisons.editor
    ed.tabs.setCurrentIndex(1)
    type_into(by_name(ed, "Statement of the claim"), "Typed and not saved.")
    qtbot.waitUntil(lambda: repo.key_draft("cmp") is not None, timeout=3000)  # autosaved
    # as after a crash: the editor opened afresh brings it back
    window.comparisons.open("cmp")
    ed.tabs.setCurrentIndex(1)
    assert by_name(ed, "Statement of the claim").text() == "Typed and not saved."
    on_next_dialog(lambda d: click(next(b for b in d.buttons() if "Discard" in b.text())))
    click(by_name(ed, "Back to the lessons"))
    assert window.stack.currentIndex() == 0 and repo.key_draft("cmp") is None


def test_preview_from_the_lesson_list_grades_with_the_stored_key(qtbot, window):
    """*Preview as a student* on the list (the lesson read without its key) still has the
    comparison's key: submitting in the preview shows a score."""
    from app.core.compare.model import CellAnswer, GridAnswer
    from app.services.compare.editing import lesson_from_doc, new_doc, save_comparison

    repo = window.repo
    save_comparison(repo, lesson_from_doc(repo, new_doc("cmp", "Cmp", "", ["compare-a",
                                                                         "compare-b"])),
                    is_new=True)
    window.refresh()
    seen = {}

    def look(d: QDialog) -> None:
        page = d.window.compare
        page.model.grid = GridAnswer((CellAnswer("claim-1", "compare-a", "absent"),))
        from app.services.compare.grading import submit_grid

        ctl = d.window.compare_controller
        sid, report = submit_grid(d.copy, d.window.student.id, d.window.student.name,
                                  "cmp", page.current_grid())
        ctl.show_feedback("cmp")
        seen["score"] = by_name(page, "Feedback").text()
        seen["report"] = report
        click(by_name(page, "Close preview"))

    window.lessons.setCurrentRow(next(i for i in range(window.lessons.count())
                                      if window.lessons.item(i).data(Qt.ItemDataRole.UserRole
                                                                     + 1) == "cmp"))
    on_next_dialog(look)
    click(button(window, "Preview as a student"))
    assert seen["report"] is not None and seen["score"] == f"Score: {seen['report'].score}"


@pytest.mark.parametrize("mode", ["practice", "assessment"])
def test_export_for_students_takes_a_comparisons_articles_along(qtbot, window, tmp_path,
                                                                 mode):
    """*Export for students* with only the comparison ticked still writes a pack a
    student's computer can import: its articles go along; its key only in practice."""
    from pathlib import Path

    data = json.loads(Path(PACK).read_text(encoding="utf-8"))
    data["lessons"] = [dict(data["lessons"][2], mode=mode)]  # the comparison alone
    import_pack(window.repo, parse_pack(data))
    window.refresh()
    out = tmp_path / "class.crpack"

    def only_the_comparison(d) -> None:  # noqa: ANN001
        for i in range(d.list.count()):
            it = d.list.item(i)
            it.setCheckState(Qt.CheckState.Checked
                             if it.data(Qt.ItemDataRole.UserRole) == "compare-bridge"
                             else Qt.CheckState.Unchecked)
        d.accept()

    on_next_dialog(only_the_comparison)
    assert window.export_for_students(str(out)) == str(out)
    pack = json.loads(out.read_text(encoding="utf-8"))
    by_id = {le["id"]: le for le in pack["lessons"]}
    assert set(by_id) == {"compare-a", "compare-b", "compare-bridge"}
    assert pack["version"] == 3
    assert ("key" in by_id["compare-bridge"]) == (mode == "practice")
    student = open_repo(tmp_path / "student.db")  # a fresh computer, no articles on it
    import_pack(student, read_pack(out))
    le = student.get_lesson("compare-bridge", with_key=True)
    assert le.comparison is not None and le.comparison.articles == ("compare-a", "compare-b")
    assert (le.comparison.key is not None) == (mode == "practice")
    student.database.close()
