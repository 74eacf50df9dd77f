"""The results window's LMS actions: *File › Import roster…*, matching the roster
entries no name matched, and the CSV export in an LMS's layout. Kept beside the window
(``install`` adds the menu) so the window itself stays the composition root."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox

from app.core.errors import UserError
from app.interop.roster import LMS_NAMES, read_roster
from app.services import roster as roster_service
from app.store import roster_repo
from app.store.repo import Repo
from app.ui.filedialogs import open_file, save_file
from app.ui.results.lms_export_dialog import ExportLayoutDialog
from app.ui.results.roster_dialog import RosterMatchDialog

if TYPE_CHECKING:
    from app.ui.results.window import ResultsWindow

ROSTER_FILTER = "LMS roster or gradebook (*.csv *.txt *.tsv);;All files (*)"


def install(w: ResultsWindow) -> None:
    """The File menu, and the two questions tests may answer instead of a person."""
    w.ask_layout = lambda: ask_layout(w)
    w.ask_matches = lambda unmatched: ask_matches(w, unmatched)
    menu = w.menuBar().addMenu("&File")
    for text, slot, keys in (
            ("Import submissions…", w._on_grades_import_requested, QKeySequence.StandardKey.Open),
            ("Import roster…", lambda: w.import_roster(), None),
            ("Match roster entries…", lambda: match_roster(w), None),
            ("Export CSV…", lambda: w.export_csv(), None),
            ("Export long CSV…", lambda: w.export_csv(long=True), None)):
        act = QAction(text, w)
        if keys is not None:
            act.setShortcut(QKeySequence(keys))
        act.triggered.connect(slot)
        menu.addAction(act)
    menu.addSeparator()
    close = QAction("Close", w)
    close.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
    close.triggered.connect(w.close)
    menu.addAction(close)


def roster_notes(repo: Repo) -> dict[int, str]:
    return roster_service.roster_notes(repo)


def import_roster(w: ResultsWindow, path: str | os.PathLike[str] | None = None):
    if path is None:
        path = open_file(w, "Import roster", ROSTER_FILTER)
        if not path:
            return None
    try:
        result = roster_service.import_roster(w.repo, read_roster(path))
    except UserError as e:
        w._problem("The roster was not imported", str(e))
        return None
    w.refresh()
    name = LMS_NAMES[result.lms]
    w.statusBar().showMessage(
        f"{name} roster: {len(result.bound)} matched, {len(result.unmatched)} to match")
    if result.unmatched:
        match_roster(w)
    return result


def match_roster(w: ResultsWindow) -> int:
    """Ask about every unmatched roster entry; returns how many were matched."""
    unmatched = roster_service.unmatched(w.repo)
    if not unmatched:
        w.statusBar().showMessage("Every roster entry is matched to a student.")
        return 0
    choices = w.ask_matches(unmatched)
    for rid, sid in (choices or {}).items():
        roster_service.bind(w.repo, rid, sid)
    if choices:
        w.refresh()
        w.statusBar().showMessage(f"Matched {len(choices)} roster entr"
                                  f"{'y' if len(choices) == 1 else 'ies'}.")
    return len(choices or {})


def ask_matches(w: ResultsWindow, unmatched) -> dict[int, int] | None:  # noqa: ANN001
    taken: dict[str, set[int]] = {}
    for e in roster_service.entries(w.repo):
        if e.student is not None:
            taken.setdefault(e.identity.lms, set()).add(e.student.id)
    dlg = RosterMatchDialog(unmatched, w.repo.students(), taken, w)
    return dlg.choices() if dlg.exec() == QDialog.DialogCode.Accepted else None


def ask_layout(w: ResultsWindow) -> str | None:
    dlg = ExportLayoutDialog(roster_repo.lms_in_use(w.repo), w)
    return dlg.choice() if dlg.exec() == QDialog.DialogCode.Accepted else None


def export_lms_csv(w: ResultsWindow, lms: str, path: str | os.PathLike[str] | None) -> Path | None:
    if path is None:
        path = save_file(w, f"Export CSV for {LMS_NAMES[lms]}", f"gradebook-{lms}.csv",
                         "CSV files (*.csv)")
        if not path:
            return None
    try:
        out = roster_service.write_lms_gradebook(w.repo, lms, path)
    except (UserError, OSError) as e:
        w._problem("The CSV was not saved", str(e))
        return None
    msg = f"Wrote {out.written} student{'s' * (out.written != 1)} for {LMS_NAMES[lms]} to {path}"
    if out.unbound:
        msg += f"; not written (not on the roster): {', '.join(out.unbound)}"
        box = QMessageBox(QMessageBox.Icon.Information, "Some students were not written",
                          roster_service.describe_unbound(out.unbound, lms), parent=w)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()  # not modal-blocking: the file is written already
    w.statusBar().showMessage(msg)
    return Path(path)

