"""``close-reader selftest``: start the GUI (offscreen works), show the library, open the
first lesson, exit 0; print one JSON object with the timings."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SELFTEST_STUDENT = "Self-test"
STALE_AGE_S = 30.0  # no start of this program takes that long before its first line


def register(sub: Any) -> None:
    p = sub.add_parser("selftest", help="start the app, open a lesson, print timings as JSON")
    p.add_argument("--suggestions", action="store_true",
                   help="also run the instructor's spaCy worker process on that lesson")
    p.set_defaults(func=cmd_selftest, opens_window=True)  # starts as the app does


def process_age_s() -> float | None:
    """Seconds since this process started (Linux /proc; None elsewhere)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, StopIteration, AttributeError):
        return None


LAUNCHED_AT = "CLOSE_READER_LAUNCHED_AT"  # CLOCK_MONOTONIC seconds, read by the launcher


def startup_s(age_at_entry: float | None, t_entry: float, t_now: float) -> tuple[float, str]:
    """Seconds from this process's start to ``t_now`` (``time.perf_counter``), and the
    clock used: the launcher's reading of CLOCK_MONOTONIC just before it started this
    process (``$CLOSE_READER_LAUNCHED_AT``, as ``bench/run.py`` sets it: exact), else the
    process's age from /proc (whole 10 ms ticks), else from this program's first line."""
    try:
        launched = float(os.environ.get(LAUNCHED_AT, ""))
    except ValueError:
        launched = None
    if launched is not None:
        since = time.monotonic() - (time.perf_counter() - t_now) - launched
        if 0 < since < STALE_AGE_S:
            return since, "launcher"
    if age_at_entry is not None:
        return age_at_entry + (t_now - t_entry), "proc"
    return t_now - t_entry, "entry"


def cmd_selftest(args: argparse.Namespace) -> int:
    t_entry = time.perf_counter()
    age_at_entry = process_age_s()
    if age_at_entry is not None and age_at_entry > STALE_AGE_S:
        # exec'd by a shell that had long been running (``bash -c '… && close-reader
        # selftest'``): the process is older than this program in it; count from here
        age_at_entry = None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
            and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    explicit = args.db is not None or bool(os.environ.get("CLOSE_READER_DB"))
    tmp = None
    if explicit:
        from app.commands.common import db_path

        db = db_path(args)
    else:  # measure a fresh install without touching the user's own database
        tmp = tempfile.TemporaryDirectory(prefix="close-reader-selftest-")
        db = Path(tmp.name) / "selftest.db"
    from PySide6.QtWidgets import QApplication

    from app.core.errors import UserError
    from app.services.open_db import open_library
    from app.ui.application import ensure_application, started
    from app.ui.library_view import Role
    from app.ui.main_window import MainWindow

    app = ensure_application()
    repo = open_library(db)
    try:  # (only an explicit database keeps students: theirs is removed again below)
        created = not explicit or not repo.student(SELFTEST_STUDENT, create=False)
    except UserError:
        created = True
    win = MainWindow(repo, student=SELFTEST_STUDENT)  # as ``close-reader --student``
    win.show()
    QApplication.processEvents()
    win.repaint()  # as the bare-Qt baseline does; it paints the library with the window
    t_library = time.perf_counter()
    started()  # as the app does once its window is up
    lessons = win.library.model_.rowCount()
    if lessons == 0:
        print("close-reader: selftest: the library is empty", file=sys.stderr)
        return 1
    first = win.library.current_lesson() or win.library.model_.index(0, 0).data(Role.LESSON_ID)
    t0 = time.perf_counter()
    win.open_reader(first, ())
    QApplication.processEvents()
    win.reader.article.viewport().repaint()
    t_open = time.perf_counter() - t0
    startup, clock = startup_s(age_at_entry, t_entry, t_library)
    text_ok = win.reader.article.toPlainText() == win.reader.lesson.text
    extra: dict[str, Any] = {}
    if getattr(args, "suggestions", False):
        extra = _worker_suggestions(win.reader.lesson.text)
    win.close()
    if explicit and created:
        win.repo.delete_student(SELFTEST_STUDENT)
    win.repo.database.close()
    app.processEvents()
    out = {"startup_s": round(startup, 4), "startup_clock": clock,
           "open_lesson_s": round(t_open, 4),
           "lessons": lessons, "first_lesson": first, "text_matches": text_ok,
           "spacy_loaded": "spacy" in sys.modules, "platform": app.platformName(), **extra}
    print(json.dumps(out))
    if tmp is not None:
        tmp.cleanup()
    return 0 if text_ok and extra.get("suggestions", 1) > 0 else 1


def _worker_suggestions(text: str) -> dict[str, Any]:
    """Run the instructor's suggestion worker (a separate process) and wait for it."""
    from app.nlp import service
    from app.ui.instructor.suggest_worker import SuggestionWorker

    worker = SuggestionWorker()
    got: dict[str, Any] = {"suggestions": 0}
    t0 = time.perf_counter()
    try:  # a command, not a window: waiting on the worker's answer blocks nothing
        got["suggestions"] = len(worker.submit(service.suggest_text, text).result(180))
    except Exception as e:  # noqa: BLE001 — reported in the JSON
        got["suggest_error"] = str(e) or type(e).__name__
    got["suggest_worker_s"] = round(time.perf_counter() - t0, 3)
    got["suggest_notice"] = worker.notice or ""
    worker.shutdown(wait=True)
    return got
