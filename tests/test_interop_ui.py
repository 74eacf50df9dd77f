"""The results window's LMS side, driven offscreen: File › Import roster… with the
matching dialog, the LMS ids in the gradebook's tooltips, and the CSV export's layout
choice with its hints."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel
from results_helpers import CLASS, LL, attempt, bundle, hl, write

from app.interop.roster import Identity
from app.services import roster as roster_service
from app.services.results.bundles import import_bundles
from app.store.repo import Student
from app.ui.results.lms_export_dialog import ExportLayoutDialog
from app.ui.results.models import GradebookModel
from app.ui.results.roster_dialog import NOBODY, RosterMatchDialog
from app.ui.results.window import ResultsWindow
from tests.uihelpers import action

pytestmark = pytest.mark.usefixtures("qapp")
LMS = Path(__file__).parent / "data" / "lms"
NAMES = {"Ana": "Ana Pérez", "Ben": "Ben Ortiz", "Cleo": "Cleo Zhang"}


@pytest.fixture
def classroom(sample_repo, tmp_path):
    b = bundle("m", *[{**s, "student": NAMES[s["student"]]} for s in CLASS["submissions"]
                      if s["attempt"] == 1], attempt(9, "Dan Lee", [hl(22, 30, LL)]))
    import_bundles(sample_repo, [write(tmp_path / "class.json", b)])
    return sample_repo


@pytest.fixture
def window(qtbot, classroom):
    w = ResultsWindow(classroom)
    w.open_url = lambda url: pytest.fail(f"tried to open {url.toString()}")
    w.ask_layout = lambda: pytest.fail("asked for a layout")
    w.ask_matches = lambda unmatched: pytest.fail("asked to match")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def row_of(model, name: str) -> int:
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data() == name)


def test_import_roster_through_the_window_and_match_the_look_alike(window, classroom):
    asked = []

    def answer(unmatched):
        asked.append({e.identity.name: e.flag for e in unmatched})
        dan = next(e for e in unmatched if e.identity.sis_id == "S1004")
        return {dan.roster_id: classroom.student("Dan Lee", create=False).id}

    window.ask_matches = answer
    result = window.import_roster(LMS / "canvas.csv")
    assert result is not None and len(result.bound) == 3
    assert set(asked[0]) == {"Dаn Lee", "Eve Novak"}  # the Cyrillic "а" and the absent one
    assert "looks like the student “Dan Lee”" in asked[0]["Dаn Lee"]
    m = window.grades.model
    tip = m.index(row_of(m, "Dan Lee"), 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Canvas: Lee, Dаn") and "SIS User ID S1004" in tip and "ID 5504" in tip
    ana = m.index(row_of(m, "Ana Pérez"), 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "SIS User ID S1001" in ana and "Section Period 2" in ana
    # matched once: a second import asks only about the one still unmatched
    window.ask_matches = lambda unmatched: asked.append([e.identity.name for e in unmatched])
    window.import_roster(LMS / "canvas.csv")
    assert asked[-1] == ["Eve Novak"]


def test_export_csv_asks_for_the_layout_and_writes_canvas(window, classroom, tmp_path):
    window.ask_matches = lambda unmatched: {}
    window.import_roster(LMS / "canvas.csv")
    window.ask_layout = lambda: None
    assert window.export_csv() is None  # cancelled
    out = window.export_csv(tmp_path / "canvas.csv", layout="canvas")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0] == "Points Possible"
    assert {r[2]: r[-1] for r in rows[2:]} == {"S1001": "100", "S1002": "14", "S1003": "57"}
    assert "not written (not on the roster): Dan Lee" in window.statusBar().currentMessage()
    plain = window.export_csv(tmp_path / "plain.csv", layout="spreadsheet")
    assert plain.read_text(encoding="utf-8-sig").startswith("Student,sample-budget")


def test_the_file_menu_has_the_lms_actions(window):
    for text in ("Import submissions…", "Import roster…", "Match roster entries…",
                 "Export CSV…", "Export long CSV…", "Close"):
        assert action(window, text) is not None


def test_match_dialog_lists_students_and_shows_outside_text_plainly(qtbot, tmp_path):
    entries = [roster_service.Entry(1, Identity("canvas", "<b>Eve</b>", "Novak, <b>Eve</b>",
                                                sis_id="S9"), None, "a flag"),
               roster_service.Entry(2, Identity("moodle", "Al Bo", email="a@x"), None)]
    students = [Student(10, "Ana"), Student(11, "Ben")]
    dlg = RosterMatchDialog(entries, students, {"canvas": {11}})
    qtbot.addWidget(dlg)
    dlg.show()
    combo1, combo2 = dlg.combos[1], dlg.combos[2]
    assert [combo1.itemText(i) for i in range(combo1.count())] == [NOBODY, "Ana"]  # Ben taken
    assert [combo2.itemText(i) for i in range(combo2.count())] == [NOBODY, "Ana", "Ben"]
    assert all(lb.textFormat() == Qt.TextFormat.PlainText for lb in dlg.findChildren(QLabel))
    assert any(lb.text().startswith("Novak, <b>Eve</b>") for lb in dlg.findChildren(QLabel))
    assert dlg.choices() == {}
    dlg.choose(2, 11)
    assert dlg.choices() == {2: 11}
    for c in dlg.findChildren(QComboBox):
        assert c.accessibleName().startswith("Close Reader student for")
    dlg.resize(640, 340)
    assert dlg.grab().save(str(tmp_path / "match.png"))


def test_layout_dialog_hints_and_needs_a_roster(qtbot, tmp_path):
    dlg = ExportLayoutDialog(["canvas"])
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.choice() == "spreadsheet" and dlg.ok.isEnabled()
    dlg.choose("canvas")
    assert "Grades › Import" in dlg.hint.text() and dlg.ok.isEnabled()
    dlg.choose("moodle")
    assert "no Moodle roster here yet" in dlg.hint.text() and not dlg.ok.isEnabled()
    assert "Email address" in dlg.hint.text()
    assert dlg.grab().save(str(tmp_path / "layout.png"))


def test_gradebook_model_with_roster_passes_qtmodeltester(qtmodeltester, classroom):
    from app.services.results.gradebook import build_gradebook

    m = GradebookModel(build_gradebook(classroom))
    m.set_roster({s.id: f"Canvas: {s.name}" for s in classroom.students()})
    qtmodeltester.check(m)
