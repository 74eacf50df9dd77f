"""What a screen reader receives, from the outside (issue 23).

The real program runs in a real window (Xvfb) with Qt's AT-SPI bridge on a private D-Bus
session and at-spi2-core; a student and then an instructor work by keyboard alone (real
X key events from xdotool); ``tests/atspi_listen.py``, run by the system's Python,
records every AT-SPI event as a screen reader gets it.

Orca 43 (Debian's) speaks focus changes, and changes of the focused object's name or
description; it never speaks ``object:announcement``. So after each action the result
must arrive as one of those, with the right words — and also as an announcement, for
the readers that use them (Windows', macOS', newer Orcas). What was said about one
lesson, attempt or highlight must never be read out later about another.

Set ``CLOSE_READER_A11Y_TRANSCRIPT=path`` to keep the transcript (``docs/a11y/`` holds
the recorded ones).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.desktop import Desktop, Listener, missing_atspi

pytestmark = pytest.mark.skipif(bool(missing_atspi()), reason=missing_atspi() or "")

SPOKEN_NAME_ROLES_SKIPPED = ("combo box", "table cell")  # Orca ignores their name changes


class Heard:
    """Follows the events in order as Orca 43 handles them: where its focus ("locus") is,
    and what it speaks. A caret move in a focused object that is not the locus moves
    the locus there silently (Orca reads the line), and a focus event for the locus
    itself is then not presented again; a description or name change is spoken only
    for the locus (names not for combo boxes and table cells)."""

    def __init__(self, listener: Listener, transcript: list[str]) -> None:
        self.lis = listener
        self.transcript = transcript
        self.locus: tuple[str, str] = ("", "")  # (role, name) of the focused object
        self.done = 0  # events processed
        self.step_start = 0  # the first event of the current step
        self.said: list[tuple[int, str]] = []  # (event index, words Orca speaks)

    def step(self, label: str, desktop: Desktop, *keys: str) -> None:
        self._catch_up()
        self.step_start = self.done
        self.lis.mark()
        self.transcript.append(f"=== {label}   [keys: {' '.join(keys)}]")
        desktop.keys(*keys)

    def _catch_up(self) -> None:
        events = self.lis.events()
        for e in events[self.done:]:
            said = self._spoken(e)
            line = _line(e, said)
            if line:
                self.transcript.append(line)
            if said:
                self.said.append((self.done, said))
            self.done += 1

    def _spoken(self, e: dict) -> str | None:
        """The words Orca 43 would speak for this event, or None."""
        t = e.get("type", "")
        who = (e.get("role", ""), e.get("name", ""))
        if t.startswith("object:text-caret-moved"):
            if who != self.locus:
                self.locus = who  # silently: Orca reads the line at the caret
            return None
        if t.startswith("object:state-changed:focused"):
            if who == self.locus:
                return None  # "Setting locusOfFocus to existing locusOfFocus"
            self.locus = who
            return " ".join(x for x in (e.get("name", ""), e.get("description", "")) if x)
        if t.endswith("accessible-description"):
            return e["data"] if who == self.locus and e.get("data") else None
        if t.endswith("accessible-name"):
            if (e.get("focused") and who[0] == self.locus[0]
                    and who[0] not in SPOKEN_NAME_ROLES_SKIPPED and e.get("data")):
                self.locus = (who[0], e["data"])
                return e["data"]
        return None

    def wait(self, *words: str, role: str | None = None, timeout: float = 20) -> str:
        """Wait until, in this step, Orca would speak something holding all ``words``
        (for an object of ``role``). Returns what it speaks."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._catch_up()
            for i, said in self.said:
                if i >= self.step_start and all(w in said for w in words) and \
                        (role is None or self.lis.events()[i].get("role") == role):
                    return said
            time.sleep(0.1)
        raise AssertionError(f"never spoken: {words!r} (role {role}). This step:\n"
                             + "\n".join(self.transcript[-30:]))

    def announced(self, *words: str, timeout: float = 10) -> None:
        self.lis.wait_for(lambda e: e.get("type", "").startswith("object:announcement")
                          and all(w in e.get("data", "") for w in words), timeout)

    def spoken_in_step(self) -> list[str]:
        self._catch_up()
        return [said for i, said in self.said if i >= self.step_start]


def _line(e: dict, said: str | None = None) -> str:
    t = e.get("type", "")
    short = {"object:state-changed:focused": "FOCUS",
             "object:property-change:accessible-description": "DESCRIPTION",
             "object:property-change:accessible-name": "NAME",
             "object:announcement": "ANNOUNCEMENT", "window:activate": "WINDOW"}
    kind = next((v for k, v in short.items() if t.startswith(k)), None)
    if kind is None or (kind in ("NAME", "DESCRIPTION") and not e.get("focused")):
        return ""
    what = e.get("data") if kind in ("NAME", "DESCRIPTION", "ANNOUNCEMENT") else \
        " — ".join(x for x in (e.get("name"), e.get("description")) if x)
    spoken = f"\n      ORCA 43 SPEAKS: {said}" if said else ""
    return f"  {kind:12} [{e.get('role')}] {e.get('name', '')[:40]!r}: {what}{spoken}"


@pytest.fixture
def desktop(tmp_path):
    d = Desktop(tmp_path / "desktop").start()
    yield d
    d.stop()


def test_a_student_and_an_instructor_by_keyboard_are_heard(desktop, tmp_path):
    lis = desktop.listen(tmp_path / "events.jsonl")
    transcript: list[str] = []
    heard = Heard(lis, transcript)
    db = tmp_path / "class.db"
    desktop.app(db, "--student", "Ana P.")
    try:
        _student(desktop, heard)
        _instructor(desktop, heard)
        heard._catch_up()
    finally:
        out = os.environ.get("CLOSE_READER_A11Y_TRANSCRIPT")
        text = "\n".join(transcript) + "\n"
        (tmp_path / "transcript.txt").write_text(text, encoding="utf-8")
        if out:
            Path(out).write_text(text, encoding="utf-8")
            shutil.copy(tmp_path / "events.jsonl", Path(out).with_suffix(".jsonl"))


def _student(d: Desktop, heard: Heard) -> None:
    d.wait_window("Close Reader — Ana P.")
    heard.transcript.append("=== the app starts on the library")
    heard.wait("Lesson library")  # the list (or its first lesson) has the focus

    heard.step("open the first lesson", d, "Return")
    heard.wait("Lesson opened: Framing 1", "Practice", "This first attempt is your grade",
               role="text")
    assert heard.locus == ("text", "Article")  # the focus is on the article, which says it
    heard.announced("Lesson opened: Framing 1")

    heard.step("select a word and highlight it as loaded language", d, "ctrl+shift+Right", "2")
    heard.wait("Highlighted as Loaded language: “In”", role="text")
    heard.announced("Highlighted as Loaded language")

    heard.step("the caret into the highlight", d, "Left", "Left")
    heard.wait("Loaded language: “In”", role="text")

    heard.step("relabel it with 1", d, "1")
    heard.wait("Now Unsupported claim: “In”", role="text")
    heard.announced("Now Unsupported claim")

    heard.step("Delete", d, "Delete")
    heard.wait("Removed the Unsupported claim highlight “In”", role="text")
    heard.announced("Removed the Unsupported claim highlight")

    heard.step("Undo", d, "ctrl+z")
    heard.wait("Undone: Unsupported claim highlight “In” is back", role="text")
    heard.step("Redo", d, "ctrl+shift+z")
    heard.wait("Redone: Unsupported claim highlight “In” removed", role="text")
    heard.step("Undo again", d, "ctrl+z")
    heard.wait("Undone", "is back", role="text")

    heard.step("the Category box (Alt+C), then the next category", d, "alt+c")
    heard.wait("Category of the selected highlight", role="combo box")
    heard.step("next category", d, "Down")
    heard.wait("Now Loaded language: “In”", role="combo box")
    heard.announced("Now Loaded language")

    heard.step("back to the Highlights list, Return goes to the highlight", d,
               "shift+Tab", "Return")
    said = heard.wait("Loaded language: “In”", role="text")
    assert heard.locus == ("text", "Article") and "Now" not in said  # the caret's, not news

    heard.step("read to the end by keyboard, then submit", d, "ctrl+End", "ctrl+Return")
    # read to the end with the keyboard and something highlighted: Submit is the default
    heard.wait("Submit", role="push button")
    assert not any("Keep reading" in s for s in heard.spoken_in_step())

    heard.step("confirm", d, "Return")
    said = heard.wait("Score:", "Attempt 1 — graded", role="label")
    assert said.startswith("Score:")  # the score first, as the feedback opens

    heard.step("Try again (Alt+T)", d, "alt+t")
    said = heard.wait("Attempt 2 — practice after seeing the key", role="text")
    assert heard.locus == ("text", "Article")
    assert "“In”" not in said and "Score" not in said  # nothing stale from before
    # and the article took the focus saying nothing of the first attempt
    focus = [e for e in heard.lis.since_mark()
             if e.get("type", "").startswith("object:state-changed:focused")
             and e.get("name") == "Article"]
    assert focus and all("“In”" not in e.get("description", "") for e in focus)


def _instructor(d: Desktop, heard: Heard) -> None:
    heard.step("instructor mode: choose the password", d, "ctrl+shift+i")
    heard.wait("New password", role="password text")
    d.type("teacher-pass")
    d.keys("Tab")
    d.type("teacher-pass")
    heard.step("the lessons", d, "Return")
    d.wait_window("Close Reader — Instructor")
    heard.wait("Framing 1")

    heard.step("open the key editor", d, "Return")
    heard.wait("Answer key opened: Framing 1", "key spans", role="text")
    assert heard.locus == ("text", "Article (key editor)")
    heard.announced("Answer key opened")

    heard.step("mark a key span", d, "ctrl+shift+Right", "1")
    heard.wait("Marked as Unsupported claim: “In”", "Write the explanation")
    assert heard.locus == ("text", "Explanation for students")  # the focus moved, said why
    heard.announced("Marked as Unsupported claim")

    d.type("Who says so?")
    heard.step("save the key (Ctrl+S)", d, "ctrl+s")
    heard.wait("Key saved.")
    heard.announced("Key saved.")
