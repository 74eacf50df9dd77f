"""Importing submission files in the results window: off the GUI thread, with progress,
and cancellable with nothing written (quality.md: long work shows progress)."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from results_helpers import LESSON, PACK, UC, bundle, hl, write

from app.core.packs import read_pack
from app.services.library import import_pack
from app.ui import operations
from app.ui.results.models import GradebookRole

pytestmark = pytest.mark.usefixtures("qapp")


def big_bundle(path, n: int):
    subs = [{"submission_id": f"00000000-0000-4000-8000-{i:012d}", "attempt": 1,
             "lesson": LESSON, "student": f"Pupil {i}", "submitted_at": "2026-11-21T10:00:00Z",
             "highlights": [hl(0, 45, UC)]} for i in range(n)]
    return write(path, bundle("m", *subs))


@pytest.fixture
def window(qtbot, repo):
    from app.ui.results.window import ResultsWindow

    import_pack(repo, read_pack(PACK))
    w = ResultsWindow(repo)  # the real background thread
    qtbot.addWidget(w)
    w.show()
    return w


def test_import_runs_in_the_background_and_reports(qtbot, window, tmp_path):
    f = big_bundle(tmp_path / "b.json", 600)
    assert window.import_files([f]) is None  # returned at once: the GUI thread is free
    qtbot.waitUntil(lambda: window.import_op.done, timeout=60_000)
    assert "Imported 600 new attempts" in window.statusBar().currentMessage()
    assert window.grades.model.rowCount() == 600


def test_a_cancelled_import_writes_nothing(qtbot, window, tmp_path):
    f = big_bundle(tmp_path / "b.json", 3000)
    window.import_files([f])
    op = window.import_op
    op.cancel()  # as the dialog's Cancel does: the work stops at its next step
    qtbot.waitUntil(lambda: op.done, timeout=60_000)
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.repo.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 0
    assert operations.running() == 0


def test_a_big_database_loads_in_the_background_and_tabs_fill_when_shown(
        qtbot, repo, tmp_path, monkeypatch):
    from app.ui.results import window as results_window

    import_pack(repo, read_pack(PACK))
    from app.services.results.bundles import import_bundles

    import_bundles(repo, [big_bundle(tmp_path / "b.json", 30)])
    monkeypatch.setattr(results_window, "LAZY_ABOVE", 10)  # 30 attempts count as "big"
    w = results_window.ResultsWindow(repo)
    qtbot.addWidget(w)
    w.show()
    assert w.grades.model.rowCount() == 0  # not yet: read on the worker's connection
    qtbot.waitUntil(lambda: w.refresh_op.done, timeout=30_000)
    assert w.grades.model.rowCount() == 30
    assert w.classes.current_lesson() is None  # the class view waits until it is shown
    w.tabs.setCurrentWidget(w.classes)
    # shown: the lesson is chosen at once, its attempts are read in the background
    assert w.classes.current_lesson() == LESSON
    assert "Reading the class's attempts" in w.classes.summary.text()
    qtbot.waitUntil(lambda: w.classes.view is not None, timeout=30_000)
    assert w.classes.summary.text().startswith("30 students")
    # the review list too: in the background, its buttons off until it is filled
    w.tabs.setCurrentWidget(w.review)
    assert w.review.model.rowCount() == 0 and not w.review.review_button.isEnabled()
    qtbot.waitUntil(lambda: w.review.model.rowCount() == 30, timeout=30_000)
    assert w.review.review_button.isEnabled()
    # the progress tab: the worker read the lessons with their keys and worked out the
    # first student's progress, so it is shown without either on the GUI thread
    from app.services.results.classview import student_progress
    from app.ui.results import progress_page

    reads: list[str] = []
    worked: list[int] = []
    real = type(w.repo).get_lesson
    monkeypatch.setattr(type(w.repo), "get_lesson",
                        lambda self, lid, *a, **k: reads.append(lid) or real(self, lid, *a, **k))
    monkeypatch.setattr(progress_page, "student_progress",
                        lambda repo, sid, **k: worked.append(sid) or student_progress(repo, sid, **k))
    w.tabs.setCurrentWidget(w.progress)
    first = w.progress.current_student()
    assert w.progress.model.rowCount() == 1 and reads == [] and worked == []
    assert w.progress.model._points == student_progress(w.repo, first)  # the same figures
    # another student is worked out when chosen (on the GUI thread: one student)
    w.progress.student.setCurrentIndex(1)
    assert worked == [w.progress.current_student()] and w.progress.model.rowCount() == 1
    monkeypatch.undo()
    # sorting is the model's own: a click on a lesson's heading orders by that grade
    w.tabs.setCurrentWidget(w.grades)
    table = w.grades.table
    table.setCurrentIndex(table.model().index(0, 0))
    chosen = table.currentIndex().data()
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    col = [table.model().index(r, 1).data(GradebookRole.SORT)
           for r in range(table.model().rowCount())]
    assert col == sorted(col, reverse=True)
    assert table.currentIndex().data() == chosen  # the chosen student stays chosen
    # the long CSV reads its figures on the window's own connection
    out = w.export_csv(tmp_path / "long.csv", long=True)
    assert out is not None and "Unsupported claim precision" in out.read_text("utf-8-sig")


def test_a_big_databases_class_summary_is_written_in_the_background(
        qtbot, repo, tmp_path, monkeypatch):
    from app.services.results.bundles import import_bundles
    from app.ui.results import window as results_window

    import_pack(repo, read_pack(PACK))
    import_bundles(repo, [big_bundle(tmp_path / "b.json", 30)])
    monkeypatch.setattr(results_window, "LAZY_ABOVE", 10)
    w = results_window.ResultsWindow(repo)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.refresh_op is not None and w.refresh_op.done, timeout=30_000)
    w.tabs.setCurrentWidget(w.classes)
    saved: list = []
    out = tmp_path / "class.pdf"
    assert w.save_class_summary(out, then=saved.append) is None  # at once: GUI free
    qtbot.waitUntil(lambda: bool(saved), timeout=60_000)
    assert saved == [out] and out.read_bytes().startswith(b"%PDF")
    assert w.statusBar().currentMessage() == f"Saved {out}"
    # printing follows the same way: the viewer opens once the file is written
    opened: list = []
    w.open_url = opened.append
    w.print_report()
    qtbot.waitUntil(lambda: bool(opened), timeout=60_000)
    assert opened[0].toLocalFile().endswith(".pdf")


def test_regrading_after_a_key_change_reports_progress_and_can_roll_back(repo, tmp_path):
    from app.core.lessons import KeySpan
    from app.services.grading import regrade_stale
    from app.services.lesson_edit import save_key
    from app.services.results.bundles import import_bundles
    from app.ui.operations import Cancelled

    import_pack(repo, read_pack(PACK))
    import_bundles(repo, [big_bundle(tmp_path / "b.json", 450)])
    lesson = repo.get_lesson(LESSON, with_key=True)
    before = {s.submission_id: s.score for s in repo.submissions(lesson_id=LESSON)}
    narrower = dataclasses.replace(lesson, key=(KeySpan(0, 20, UC, "", True),))

    def cancel_at_second(done: int, total: int) -> None:
        if done:
            raise Cancelled()

    with pytest.raises(Cancelled):
        save_key(repo, narrower, [], cancel_at_second)
    assert repo.get_lesson(LESSON, with_key=True).key == lesson.key  # all rolled back
    assert {s.submission_id: s.score for s in repo.submissions(lesson_id=LESSON)} == before
    steps: list[tuple[int, int]] = []
    save_key(repo, narrower, [], lambda d, t: steps.append((d, t)))
    assert steps == [(0, 450), (200, 450), (400, 450)]
    after = {s.submission_id: s.score for s in repo.submissions(lesson_id=LESSON)}
    assert after != before and regrade_stale(repo, LESSON) == 0
