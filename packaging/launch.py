"""PyInstaller entry point for the ``close-reader`` executables (and Windows'
``close-reader-cli``): runs ``app.cli.main``.

Kept tiny on purpose (and not named ``app.py``, which would shadow the ``app`` package).
"""

from __future__ import annotations

import os
import sys


def _ensure_streams() -> None:
    """A windowed (no-console) build has ``sys.stdout``/``sys.stderr`` set to None;
    send them to a log file so that ``print`` and logging never crash the app."""
    if sys.stdout is not None and sys.stderr is not None:
        return
    try:
        from app.paths import log_dir

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stream = open(folder / "close-reader.log", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    except OSError:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream


def _utf8_pipes() -> None:
    """Windows: output to a pipe or a file in UTF-8, not the ANSI code page, where a
    lesson title or a student's name in another script could not even be printed (a
    console window gets Unicode from Python whatever this says)."""
    if sys.platform != "win32":
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure") and not stream.isatty():
            stream.reconfigure(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    import multiprocessing

    # first, so that the spaCy worker process a windowed program starts (Windows'
    # close-reader.exe) has streams too
    _ensure_streams()
    _utf8_pipes()
    multiprocessing.freeze_support()  # the instructor's spaCy worker process
    from app.cli import main

    raise SystemExit(main())
