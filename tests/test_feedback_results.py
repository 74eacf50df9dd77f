"""The feedback on paper and in the class results, and the instructor's student preview:
the same counts as the screen, optional passages never "missed", no jargon, figures
that agree with each other, a legend for the shading, an axis to 100, full gradebook
headers, a results window on screen, and a preview that stores nothing."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from results_helpers import CLASS, LESSON, LL, UC, attempt, bundle, hl, pack_with, write

from app.core import feedback_text as words
from app.services.grading import grade_lesson
from app.services.library import import_pack
from app.services.results.bundles import import_bundles
from app.services.results.classview import BINS, class_view, student_progress
from app.services.results.report_pdf import student_report_pdf
from tests.uihelpers import by_name, on_next_dialog

pytestmark = pytest.mark.usefixtures("qapp")
PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(path) -> str:  # noqa: ANN001
    if not PDFTOTEXT:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


@pytest.fixture
def classroom(sample_repo, tmp_path):
    import_bundles(sample_repo, [write(tmp_path / "class.json", CLASS)])
    return sample_repo


# -- the student PDF ------------------------------------------------------------
def test_pdf_uses_the_screen_s_counts(classroom, tmp_path):
    ben = classroom.student("ben")
    sub = classroom.submissions(student_id=ben.id, lesson_id=LESSON, with_reports=False)[0]
    report = grade_lesson(classroom.get_lesson(LESSON, with_key=True), sub.highlights)
    text = pdf_text(student_report_pdf(classroom, ben.id, LESSON, tmp_path / "ben.pdf"))
    same = words.summary(report, where="the last section of this report")
    assert " ".join(same.split()) in text
    c = words.counts(report)
    assert f"found {c.found} of {c.required} required passage" in text
    assert "precision" not in text.lower() and "recall" not in text.lower()


def test_pdf_with_full_score_never_says_missed(classroom, tmp_path):
    ana = classroom.student("ana")  # everything required; the optional K3 left alone
    text = pdf_text(student_report_pdf(classroom, ana.id, LESSON, tmp_path / "ana.pdf"))
    assert "Score: 100" in text
    assert text.count("✗ missed") == 1  # only in the legend: no passage is tagged so
    assert "You missed none." in text
    assert "○ optional, not marked — no penalty" in text
    assert text.index("How to read this") < text.index("○ optional, not marked ")


# -- class results --------------------------------------------------------------
def test_nobody_outside_the_key_only_when_true(sample_repo, tmp_path, qtbot):
    from app.ui.results.class_page import ClassPage

    # one student, who marked K4 with the wrong category and nothing else outside
    import_bundles(sample_repo, [write(tmp_path / "b.json", bundle(
        "m", attempt(1, "Ben", [hl(0, 45, UC), hl(124, 145, UC)])))])
    view = class_view(sample_repo, LESSON)
    assert view.extras == () and view.wrong_label_students == 1
    page = ClassPage(sample_repo)
    qtbot.addWidget(page)
    page.set_lessons([(LESSON, "A sample budget story")])
    line = page.extras.item(0).text()
    assert "Nobody marked anything outside the key" not in line
    assert "1 student marked a key passage with another category" in line


def test_class_view_has_a_shading_legend_and_plain_words(classroom, qtbot):
    from app.ui.results.class_page import ClassPage

    page = ClassPage(classroom)
    qtbot.addWidget(page)
    page.set_lessons([(LESSON, "A sample budget story")])
    assert page.legend.entries == ["found by two thirds of the class or more",
                                   "found by a third or more", "found by fewer than a third"]
    text = page.figures.text()
    assert "precision" not in text.lower() and "recall" not in text.lower()
    assert page.figures.accessibleName() == "How the class did, per category"


def test_histogram_axis_runs_to_100(classroom, qtbot):
    from app.ui.results.histogram import ScoreHistogram

    assert BINS[0] == "0–9" and BINS[-1] == "90–100" and len(BINS) == 10
    h = ScoreHistogram()
    qtbot.addWidget(h)
    h.resize(300, 180)
    h.set_counts(class_view(classroom, LESSON).histogram)
    drawn: list[str] = []
    from PySide6.QtGui import QPainter

    original = QPainter.drawText

    def spy(self, *a):  # noqa: ANN001, ANN002
        drawn.append(str(a[-1]))
        return original(self, *a)

    QPainter.drawText = spy
    try:
        h.grab()
    finally:
        QPainter.drawText = original
    assert all(b in drawn for b in BINS)  # every bin labelled in full, 90–100 included


def test_progress_figures_agree_and_compare_like_with_like(classroom, tmp_path):
    from app.ui.results.models import progress_text
    from app.ui.results.progress_page import trend_words

    import_bundles(classroom, [write(tmp_path / "f.json", bundle(
        "m2", attempt(20, "Ana", [hl(0, 10, LL)], lesson="sample-fear",
                      at="2026-11-22T10:00:00Z")))])
    ana = classroom.student("ana")
    points = student_progress(classroom, ana.id)
    for p in points:
        for fig in p.by_label.values():
            t = progress_text(fig)
            m = re.fullmatch(r"(\d+) of (\d+) found \((\d+)%\)", t)
            if m:
                a, b, pct = map(int, m.groups())
                assert round(100 * a / b) == pct, t  # one pair of numbers, both ways
    cats = classroom.categories()
    text = trend_words(points, cats)
    assert "better" not in text and "worse" not in text


def test_trend_words_are_neutral(classroom):
    from app.core.scoring import Figures
    from app.services.results.classview import ProgressPoint
    from app.ui.results.progress_page import trend_words

    def pt(title: str, found: int, req: int) -> ProgressPoint:
        return ProgressPoint(title.lower(), title, 1, "2026-01-01T00:00:00Z", 50,
                             {LL: Figures(0.5, found / req, 0.5, found=found, required=req)})

    text = trend_words([pt("One", 1, 4), pt("Two", 3, 4)], classroom.categories())
    assert "found 1 of 4 (25%) in “One”" in text and "3 of 4 (75%) in “Two”" in text
    assert "a higher share" in text and "different articles" in text
    assert "better" not in text


def test_gradebook_headers_in_full_and_window_on_screen(sample_repo, tmp_path, qtbot):
    from app.ui.results.window import ResultsWindow

    long_title = "A very long lesson title about the city budget and its critics"
    data = pack_with({"title": long_title})
    data["lessons"] = [dict(le, id=le["id"] + "-long") for le in data["lessons"]]
    p = write(tmp_path / "long.json", data)
    from app.core.packs import read_pack

    import_pack(sample_repo, read_pack(p))
    import_bundles(sample_repo, [write(tmp_path / "b.json", bundle(
        "m", attempt(1, "Ana", [hl(0, 45, UC)], lesson=LESSON + "-long")))])
    w = ResultsWindow(sample_repo)
    qtbot.addWidget(w)
    w.resize(5000, 4000)  # larger than any screen
    w._placed = False
    w.show()
    qtbot.waitExposed(w)
    avail = w.screen().availableGeometry()
    assert avail.contains(w.geometry()), (avail, w.geometry())
    m = w.grades.model
    col = next(c for c in range(1, m.columnCount()) if m.lesson_id(c) == LESSON + "-long")
    shown = m.headerData(col, Qt.Orientation.Horizontal)
    assert "…" not in shown and " ".join(shown.split()) == long_title
    head = w.grades.table.horizontalHeader()
    widest = max(head.fontMetrics().horizontalAdvance(x) for x in shown.split("\n"))
    assert head.sectionSize(col) >= widest


# -- preview as a student --------------------------------------------------------
def test_preview_submits_and_shows_feedback_on_a_throwaway_copy(qtbot, sample_repo):
    from app.ui.instructor.preview import PreviewDialog

    lesson = sample_repo.get_lesson(LESSON)  # as the instructor window passes it
    d = PreviewDialog(None, lesson, sample_repo.categories(), sample_repo.tokens(LESSON),
                      sample_repo)
    qtbot.addWidget(d)
    d.show()
    art = by_name(d, "Article")
    assert art.toPlainText() == lesson.text
    art.setFocus()
    art.select_range(22, 30)
    QTest.keyClick(art, Qt.Key.Key_2)

    def press_submit(box) -> None:  # noqa: ANN001
        next(b for b in box.buttons() if "Submit" in b.text()).click()

    on_next_dialog(press_submit)
    d.reader.submit_action.trigger()  # Ctrl+Return, as in the student's window
    qtbot.waitUntil(lambda: d.feedback.isVisible(), timeout=5000)
    assert re.fullmatch(r"Score: \d+", d.feedback.score_label.text())
    assert d.feedback.report is not None and d.feedback.report.key  # the key came along
    # the real database holds nothing of it
    assert sample_repo.submissions(lesson_id=LESSON, with_reports=False) == []
    assert sample_repo.drafts_for_lesson(LESSON) == []
    assert "Preview student" not in [s.name for s in sample_repo.students()]
    assert all(a.isEnabled() is False for a in (d.window.instructor_action,
                                                 d.window.switch_action))
    # same fonts as the student's own window on the real database
    from app.ui.main_window import MainWindow

    student = MainWindow(sample_repo, student="Ana")
    qtbot.addWidget(student)
    student.open_lesson(LESSON)
    for a, b in ((student.reader.article, d.window.reader.article),
                 (student.feedback.article, d.window.feedback.article)):
        fa, fb = a.document().defaultFont(), b.document().defaultFont()
        assert (fa.family(), fa.pointSizeF()) == (fb.family(), fb.pointSizeF())
    assert student.font().pointSizeF() == d.window.font().pointSizeF()
    sample_repo.clear_draft(student.student.id, LESSON)
    folder = d._folder
    d.accept()
    assert not folder.exists()
