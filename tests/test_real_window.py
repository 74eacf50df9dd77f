"""The real program in a real window (issue 23): Xvfb, the app started as a school starts
it (``python -m app --db …``), real X input events from xdotool — typing a name,
double-clicking words in the article, keys — then a submission, and the score read
back from the database by this test, as another program would."""

from __future__ import annotations

import contextlib
import subprocess
import time
from pathlib import Path

import pytest

from app.store.repo import open_repo
from tests.desktop import Desktop, missing_x

pytestmark = pytest.mark.skipif(bool(missing_x()), reason=missing_x() or "")
WIDTH, HEIGHT = 1280, 800


def _db_state(db: Path, name: str) -> tuple[int, list]:
    """(highlights in the student's draft, their submissions), read from the file."""
    repo = open_repo(db)
    try:
        student = next((s for s in repo.students() if s.name == name), None)
        if student is None:
            return 0, []
        draft = repo.draft(student.id, "kursk-anonymous-sources")
        return len(draft), repo.submissions(student.id, "kursk-anonymous-sources")
    finally:
        repo.database.close()


def _wait(check, timeout: float = 20, what: str = "") -> object:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_sign_in_highlight_with_the_mouse_submit_and_the_score_is_stored(tmp_path):
    from app.core.scoring import grade

    db = tmp_path / "classroom.db"
    with Desktop(tmp_path / "desktop", atspi=False) as d:
        app = d.app(db)
        win = d.wait_window("Close Reader")
        d.xdotool("windowsize", win, str(WIDTH), str(HEIGHT))
        d.xdotool("windowmove", win, "0", "0")
        d.xdotool("windowactivate", "--sync", win)
        time.sleep(1.0)

        # the sign-in page: type a name, Return
        d.type("Sam K.")
        d.keys("Return")
        d.wait_window("Close Reader — Sam K.")
        # the library: the first lesson (Framing 1) is selected; Return opens it
        time.sleep(0.8)
        d.keys("Return")
        time.sleep(1.5)

        # double-click words in the article (its left part, below the title and toolbar)
        # and press 2, until a highlight reaches the database (autosave)
        made = 0
        for y in range(260, 700, 37):
            d.xdotool("mousemove", "--sync", "260", str(y))
            d.xdotool("click", "--repeat", "2", "--delay", "80", "1")
            time.sleep(0.3)
            d.keys("2")
            time.sleep(0.8)
            made = _db_state(db, "Sam K.")[0]
            if made >= 2:
                break
        assert made >= 2, "double-clicks in the article made no highlights"

        # read to the end by keyboard, submit, confirm (Submit is the default button)
        d.keys("ctrl+End")
        time.sleep(0.5)
        d.keys("ctrl+Return")
        time.sleep(1.5)
        d.keys("Return")
        subs = _wait(lambda: _db_state(db, "Sam K.")[1], what="the submission")
        d.keys("ctrl+q")
        with contextlib.suppress(subprocess.TimeoutExpired):  # (the desktop's stop ends it)
            app.wait(timeout=20)

    assert len(subs) == 1
    sub = subs[0]
    assert len(sub.highlights) == made and all(h.label == "loaded_language"
                                               for h in sub.highlights)
    repo = open_repo(db)
    try:
        lesson = repo.get_lesson("kursk-anonymous-sources", with_key=True)
    finally:
        repo.database.close()
    # the stored score is the one the core's formula gives for what was stored
    assert sub.score == grade(lesson.key, sub.highlights, lesson.categories).score
    assert 0 <= sub.score <= 100
