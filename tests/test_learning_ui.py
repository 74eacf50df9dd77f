"""The Discrimination and Pre and post views of the class results, and a student's
progress in words, driven as a teacher would: clicks at pixel positions, keys, the
dialog's own buttons (issue 26 items 1 and 2). Their CSVs are the command line's, byte
for byte; their d′ is the formula on the counts they print."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabBar, QWidget

from bench.prepost_class import ABSENT_POST, NO_DELAYED, write_class
from tests.test_accessibility import clipped, screenshot_dir, unnamed
from tests.test_cli import run

Z = statistics.NormalDist().inv_cdf
TWINS, KURSK = "Same facts, two ways", "Same event, five framings"


@pytest.fixture(scope="module")
def class_db(tmp_path_factory) -> Path:
    from app.services.open_db import open_library
    from app.services.results.bundles import import_bundles

    folder = tmp_path_factory.mktemp("ui-class")
    db = folder / "class.db"
    repo = open_library(db)
    paths, _ = write_class(folder, repo)
    import_bundles(repo, paths)
    repo.database.close()
    return db


@pytest.fixture
def window(qtbot, class_db, tmp_path):
    """The results window on a copy of the class's database."""
    from app.store.repo import open_repo
    from app.ui.results.window import ResultsWindow

    db = tmp_path / "class.db"
    shutil.copy(class_db, db)
    repo = open_repo(db)
    w = ResultsWindow(repo)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    repo.database.close()


def click_tab(w, page: QWidget) -> None:
    bar = w.tabs.findChild(QTabBar)
    i = w.tabs.indexOf(page)
    if not bar.tabRect(i).isValid() or not bar.rect().contains(bar.tabRect(i).center()):
        w.tabs.setCurrentIndex(i)  # scrolled out of the bar (large text): the keyboard way
    else:
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
    QApplication.processEvents()
    assert w.tabs.currentWidget() is page


def choose_by_keys(combo, wanted: str) -> None:
    """Move a closed combo box with the arrow keys until it shows ``wanted``."""
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == wanted:
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == wanted


def click(widget: QWidget, pos: QPoint | None = None) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos or widget.rect().center())
    QApplication.processEvents()


def cells(model) -> list[list[str]]:  # noqa: ANN001
    return model.rows()


def num(text: str) -> float:
    return float(text.replace("−", "-").replace("+", ""))


def test_the_discrimination_view(window, tmp_path):
    w = window
    page = w.discrimination
    assert page.result is None  # nothing worked out until the tab is shown
    click_tab(w, page)
    choose_by_keys(page.scope, f"Unit: {TWINS}")
    rows = cells(page.model)
    assert len(rows) == 19 and rows[-1][0] == "Class mean"  # 18 students, then the class
    for name, hits, alarms, h, f, d, c in rows[:-1]:
        a, s = (int(x) for x in re.fullmatch(r"(\d+) of (\d+)", hits).groups())
        fa, n = (int(x) for x in re.fullmatch(r"(\d+) of (\d+)", alarms).groups())
        hr, fr = (a + 0.5) / (s + 1), (fa + 0.5) / (n + 1)
        assert num(h) == pytest.approx(hr, abs=6e-4) and num(f) == pytest.approx(fr, abs=6e-4)
        assert num(d) == pytest.approx(Z(hr) - Z(fr), abs=5e-3), name
        assert num(c) == pytest.approx(-(Z(hr) + Z(fr)) / 2, abs=5e-3), name
    mean_d = statistics.fmean(num(r[5]) for r in rows[:-1])
    assert num(rows[-1][5]) == pytest.approx(mean_d, abs=0.01)
    # a click on a student's row rings their dot on the plot
    table = page.table
    index = page.model.index(4, 0)
    click(table.viewport(), table.visualRect(index).center())
    chosen = page.model.key(4)
    assert page.plot._selected == chosen
    assert len(page.plot.points()) == 18
    desc = page.plot.accessibleDescription()
    assert rows[4][0] in desc and "class mean" in desc
    # per category, by keyboard
    choose_by_keys(page.category, "Loaded language")
    assert "Loaded language" in page.summary.text() and len(cells(page.model)) == 19
    # the CSV is the command line's, byte for byte
    out = page.export_csv(tmp_path / "view.csv")
    cli = tmp_path / "cli.csv"
    assert run("report", "discrimination", "--unit", TWINS, "--csv", cli,
               db=w.repo.database.path).returncode == 0
    assert out.read_bytes() == cli.read_bytes()
    assert unnamed(page) == []


def test_marking_pre_and_post_and_reading_the_change(window, tmp_path):
    w = window
    page = w.prepost
    click_tab(w, page)
    assert "No pairing yet" in page.forms.text()
    assert not page.edit.isEnabled() and not page.remove.isEnabled()
    click(page.new)
    d = page.dialog
    assert d is not None and d.isVisible()
    QTest.keyClicks(d.name, "Loaded or careful?")
    choose_by_keys(d.boxes["pre"], f"Unit: {TWINS}")
    choose_by_keys(d.boxes["post"], f"Unit: {TWINS}")
    save = next(b for b in d.findChildren(QWidget) if getattr(b, "text", None)
                and callable(b.text) and b.text().replace("&", "") == "Save")
    click(save)
    assert d.isVisible() and "must differ" in d.problem.text()  # kept open, nothing lost
    choose_by_keys(d.boxes["post"], f"Unit: {KURSK}")
    click(save)
    assert not d.isVisible()
    assert page.pairing.currentText() == "Loaded or careful?"
    assert page.forms.text().startswith(f"Pre: unit “{TWINS}”")
    assert [page.comparison.itemText(i) for i in range(page.comparison.count())] == \
        ["pre → post"]
    measures = [r[0] for r in cells(page.class_model)]
    assert measures == ["Score", "Hit rate", "False-alarm rate", "d′"]
    n = int(cells(page.class_model)[0][1])
    assert n == page.student_model.rowCount() == 14
    missing = page.missing.text()
    assert ABSENT_POST in missing and all(x in missing for x in NO_DELAYED)
    # each cell is before → after (change), the change the difference of the two
    for row in cells(page.student_model):
        for cell in row[1:]:
            before, after, change = re.fullmatch(r"(\S+) → (\S+) \((\S+)\)", cell).groups()
            assert num(change) == pytest.approx(num(after) - num(before), abs=0.011)
    # the CSV is the command line's for the stored pairing, byte for byte
    out = page.export_csv(tmp_path / "view.csv")
    cli = tmp_path / "cli.csv"
    p = run("report", "prepost", "--pairing", "Loaded or careful?", "--csv", cli,
            db=w.repo.database.path)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes() == cli.read_bytes()
    pdf = page.save_pdf(tmp_path / "prepost.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    assert "Pre and post: Loaded or careful?" in text and "Mean change" in text
    assert ABSENT_POST.split()[0] in text
    # a delayed post added by editing
    click(page.edit)
    d = page.dialog
    assert d.name.text() == "Loaded or careful?"
    choose_by_keys(d.boxes["delayed"], "Lesson: Framing 5: a commentary welcoming the alliance")
    click(next(b for b in d.findChildren(QWidget) if getattr(b, "text", None)
               and callable(b.text) and b.text().replace("&", "") == "Save"))
    assert page.comparison.count() == 2
    choose_by_keys(page.comparison, "pre → delayed")
    # everyone took the Kursk lesson: only those who lack some of the pre form are missing
    assert f"{ABSENT_POST} (pre: 2 of 6 lessons taken)" in page.missing.text()
    assert unnamed(page) == []
    click(page.remove)
    assert page.pairing.count() == 0 and "No pairing yet" in page.forms.text()


def test_a_students_progress_in_words(window):
    from app.services.results.discrimination import class_discrimination, keyed_lessons

    w = window
    click_tab(w, w.progress)
    ema = next(s for s in w.repo.students() if s.name == "Ema Novak")
    w.progress.choose_student(ema.id)
    text = w.progress.words.text.text()
    assert text.count("telling the key's sentences from careful ones") == 2  # two units
    for unit in (TWINS, KURSK):
        cd = class_discrimination(w.repo, keyed_lessons(w.repo, unit), student_id=ema.id)
        c = cd.students[0].counts["all"]
        assert (f"You marked {c.hits} of the {c.signal} sentences the key marks, and "
                f"{c.false_alarms} of the {c.noise} careful sentences") in text
    assert re.search(r"You (find|miss) .* (rarely|sometimes|often) mark careful writing",
                     text)
    assert w.progress.words.text.accessibleName()


def test_the_views_at_200_percent_text(qtbot, class_db, tmp_path):
    from app.core.prepost import Form, Pairing
    from app.store.prepost_repo import save_pairing
    from app.store.repo import open_repo
    from app.ui.application import ensure_application
    from app.ui.results.window import ResultsWindow

    db = tmp_path / "class.db"
    shutil.copy(class_db, db)
    repo = open_repo(db)
    save_pairing(repo, Pairing(None, "Autumn", Form(unit=TWINS), Form(unit=KURSK)))
    app = ensure_application()
    old = app.font()
    big = app.font()
    big.setPointSizeF(old.pointSizeF() * 2)
    app.setFont(big)
    try:
        w = ResultsWindow(repo)
        qtbot.addWidget(w)
        w.show()
        w.resize(1280, 800)
        qtbot.waitExposed(w)
        for page in (w.discrimination, w.prepost):
            click_tab(w, page)
            QApplication.processEvents()
            w.grab().save(str(screenshot_dir(tmp_path) / f"{type(page).__name__}-200.png"))
            # a table's header inherits QAbstractScrollArea's minimum (two scroll bars'
            # extent square): its real height is its sizeHint, which it has
            assert [c for c in clipped(page) if not c.startswith("QHeaderView")] == [], \
                type(page).__name__
            assert unnamed(page) == []
        # the plot and the table side by side only where both fit
        table = w.discrimination.table
        assert not table.horizontalScrollBar().isVisible()
    finally:
        app.setFont(old)
        repo.database.close()


def test_the_pdf_reports_carry_discrimination_and_pre_post(class_db, tmp_path):
    from app.core.prepost import Form, Pairing
    from app.services.results.report_pdf import class_summary_pdf, student_report_pdf
    from app.store.prepost_repo import save_pairing
    from app.store.repo import open_repo

    db = tmp_path / "class.db"
    shutil.copy(class_db, db)
    repo = open_repo(db)
    save_pairing(repo, Pairing(None, "Autumn", Form(unit=TWINS), Form(unit=KURSK)))
    lesson = "twins-pool-repairs-loaded"
    out = class_summary_pdf(repo, lesson, tmp_path / "class.pdf")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Telling the key's sentences from the rest" in text
    assert "Pre and post: Autumn" in text and "Missing a form" in text
    ema = next(s for s in repo.students() if s.name == "Ema Novak")
    out = student_report_pdf(repo, ema.id, lesson, tmp_path / "ema.pdf")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Telling the key's sentences from careful ones" in text
    assert re.search(r"You marked \d+ of the \d+ sentences? the key marks", " ".join(text.split()))
    repo.database.close()


def test_on_a_big_database_the_counting_runs_in_the_background(qtbot, class_db, tmp_path,
                                                                monkeypatch):
    from app.core.prepost import Form, Pairing
    from app.store.prepost_repo import save_pairing
    from app.store.repo import open_repo
    from app.ui.results import window as results_window

    db = tmp_path / "class.db"
    shutil.copy(class_db, db)
    repo = open_repo(db)
    save_pairing(repo, Pairing(None, "Autumn", Form(unit=TWINS), Form(unit=KURSK)))
    monkeypatch.setattr(results_window, "LAZY_ABOVE", 10)  # 231 attempts count as "big"
    w = results_window.ResultsWindow(repo)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.refresh_op.done, timeout=30_000)
    assert w.discrimination.background and w.prepost.background
    w.tabs.setCurrentWidget(w.discrimination)
    assert w.discrimination.result is None
    assert "Counting the class's sentences" in w.discrimination.summary.text()
    qtbot.waitUntil(lambda: w.discrimination.result is not None, timeout=30_000)
    assert w.discrimination.model.rowCount() == 19
    w.tabs.setCurrentWidget(w.prepost)
    assert "Comparing the forms of Autumn" in w.prepost.forms.text()
    qtbot.waitUntil(lambda: w.prepost.result is not None, timeout=30_000)
    assert w.prepost.student_model.rowCount() == 14
    w.tabs.setCurrentWidget(w.progress)
    words = w.progress.words
    qtbot.waitUntil(lambda: "telling the key's sentences" in words.text.text(), timeout=30_000)
    repo_students = {s.name: s.id for s in repo.students()}
    w.progress.choose_student(repo_students["Ema Novak"])
    assert words.text.text() == "Counting this student's sentences…"
    qtbot.waitUntil(lambda: "You marked" in words.text.text(), timeout=30_000)
    repo.database.close()
