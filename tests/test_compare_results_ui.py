"""A comparison in the instructor's Class results: the class view per claim (students
right per cell and verdict, what they answered instead, said in words), the review of a
graded grid as the student sees it, the gradebook column and the PDF class summary —
the same numbers everywhere."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import Qt

from app.core.compare.model import CellAnswer, GridAnswer, VerdictAnswer
from app.core.packs import read_pack
from app.services.compare.grading import submit_grid
from app.services.library import import_pack
from app.store.repo import open_repo
from tests.test_accessibility import unnamed
from tests.uihelpers import by_name

pytestmark = pytest.mark.usefixtures("qapp")
LID = "compare-bridge"


@pytest.fixture
def class_repo(db_path):
    repo = open_repo(db_path)
    import_pack(repo, read_pack("tests/data/compare-pack.json"))
    for name, choice in (("Ana", "named"), ("Ben", "unnamed"), ("Cy", "against")):
        st = repo.student(name)
        submit_grid(repo, st.id, name, LID, GridAnswer(
            (CellAnswer("closes", "compare-a", choice),),
            (VerdictAnswer("closes", "confirmed", ("council-minutes",)),)))
    yield repo
    repo.database.close()


def test_class_view_per_claim_and_gradebook(qtbot, class_repo, tmp_path):
    from app.ui.results.window import ResultsWindow

    w = ResultsWindow(class_repo)
    qtbot.addWidget(w)
    w.show()
    w.resize(1280, 800)
    page = w.classes
    bar = w.tabs.tabBar()  # the Class view tab, clicked where it is drawn
    from PySide6.QtTest import QTest

    QTest.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.tabRect(w.tabs.indexOf(page)).center())
    page.choose_lesson(LID)
    qtbot.waitUntil(lambda: page._compare is not None and page._compare.isVisible(),
                    timeout=10_000)
    table = by_name(page, "Class results per claim")
    m = table.model()
    assert m.index(0, 0).data() == "1 of 3 (+1 ◐)"  # Ana right, Ben half, Cy wrong
    said = m.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert said.startswith("1 of 3 right, 1 partly. Key: named source.")
    assert "named source 1" in said and "unnamed source 1" in said and "contradicts 1" in said
    assert m.index(0, 2).data() == "3 of 3"  # the verdict
    assert m.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.AccessibleTextRole) \
        == "A. Story A: the bridge"
    table.setCurrentIndex(m.index(0, 0))
    assert "Story A" in by_name(page, "About the chosen cell").text()
    scores = sorted(class_repo.grades()[k].value for k in class_repo.grades())
    assert "3 students · mean score" in page.summary.text()
    assert not unnamed(page), unnamed(page)
    # the gradebook has the comparison's column with the same numbers
    from app.services.results.gradebook import build_gradebook

    gb = build_gradebook(class_repo)
    assert sorted(gb.cell(s.id, LID).grade for s in class_repo.students()) == scores
    out = tmp_path / "class.pdf"
    assert w.save_class_summary(out) is not None
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Per claim: students right, out of 3" in text and "key: named" in text


def test_review_shows_the_graded_grid(qtbot, class_repo):
    from app.ui.results.review_page import ReviewDialog

    sub = next(s for s in class_repo.submissions(lesson_id=LID) if s.student == "Ben")
    d = ReviewDialog(class_repo, sub)
    qtbot.addWidget(d)
    d.show()
    page = d
    score = by_name(page, "Feedback")
    assert score.text() == f"Score: {sub.score}" and d.formula == sub.score
    grid = by_name(page, "Claims grid")
    assert grid.model().index(0, 0).data().startswith("◐ unnamed source")
    assert not by_name(page, "Back to the lesson library").isVisible()


def test_student_pdf_report_explains_every_claim(class_repo, tmp_path):
    from app.services.results.report_pdf import student_report_pdf

    ben = class_repo.student("Ben")
    out = student_report_pdf(class_repo, ben.id, LID, tmp_path / "ben.pdf")
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True,
                                   text=True).stdout.split())
    score = class_repo.grades(ben.id, LID)[(ben.id, LID)].value
    assert f"Score: {score} out of 100" in text
    assert "Each claim, explained" in text and "The dossier" in text
    assert "Council minutes: bridge closure approved" in text
    assert "you said “Makes it — on an unnamed source”" in text
