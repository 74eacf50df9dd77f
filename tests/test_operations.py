"""Operations (app/ui/operations.py): work off the GUI thread, callbacks on it, controls
disabled meanwhile — and no nested event loop anywhere in the app."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from app.core.errors import UserError
from app.ui.instructor.suggest_worker import SyncExecutor
from app.ui.operations import Operation, RepoOp

pytestmark = pytest.mark.usefixtures("qapp")
APP = Path(__file__).resolve().parent.parent / "app"


def test_no_nested_event_loop_anywhere_in_the_app():
    """``QEventLoop.exec()`` inside a slot lets a second click re-enter the first."""
    found = [f"{p.relative_to(APP.parent)}:{n}" for p in APP.rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\bQEventLoop\b", line)]
    assert found == []


def test_work_runs_off_the_gui_thread_and_the_callback_on_it(qtbot):
    gui = threading.get_ident()
    seen = {}
    button = QPushButton("Save")
    qtbot.addWidget(button)

    def work() -> int:
        seen["work"] = threading.get_ident()
        return 42

    def done(result: int) -> None:
        seen["done"] = threading.get_ident()
        seen["result"] = result
        seen["enabled_in_callback"] = button.isEnabled()

    op = Operation(button, work).success(done).disabling(button).run_in_background()
    assert not button.isEnabled() or op.done
    qtbot.waitUntil(lambda: op.done)
    assert seen["work"] != gui and seen["done"] == gui and seen["result"] == 42
    assert seen["enabled_in_callback"] and button.isEnabled()


def test_failures_reach_the_failure_callback_and_controls_come_back(qtbot):
    button = QPushButton("Import")
    qtbot.addWidget(button)
    errors = []

    def work() -> None:
        raise UserError("the pack is broken")

    Operation(button, work, SyncExecutor()).failure(errors.append).disabling(button) \
        .run_in_background()
    assert [str(e) for e in errors] == ["the pack is broken"] and button.isEnabled()


def test_a_repo_op_has_its_own_connection_in_its_thread(qtbot, sample_repo):
    gui_conn = sample_repo.database.conn
    got = {}

    def op(repo):
        got["conn"] = repo.database.conn
        got["thread"] = threading.get_ident()
        repo.set_setting("from_op", "yes")
        return repo.lesson_ids()

    o = RepoOp(None, sample_repo.database.path, op).success(lambda r: got.update(ids=r))
    o.run_in_background()
    qtbot.waitUntil(lambda: o.done)
    assert got["conn"] is not gui_conn and got["thread"] != threading.get_ident()
    assert got["ids"] == ["sample-budget", "sample-fear"]
    assert sample_repo.setting("from_op") == "yes"  # committed, seen by the GUI's connection


def test_progress_shows_for_long_work_and_goes(qtbot):

    from PySide6.QtWidgets import QProgressDialog, QWidget

    w = QWidget()
    qtbot.addWidget(w)
    w.show()
    release = threading.Event()
    op = Operation(w, lambda: release.wait(30)).with_progress("Saving the lesson…")
    op.run_in_background()
    qtbot.waitUntil(lambda: any(p.isVisible() for p in w.findChildren(QProgressDialog)))
    release.set()
    qtbot.waitUntil(lambda: op.done)
    assert not any(p.isVisible() for p in w.findChildren(QProgressDialog))
