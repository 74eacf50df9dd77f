"""The suggestion service's entry points, importable without Qt: they run in the
instructor app's spaCy worker process (one per session, started on demand)."""

from __future__ import annotations

import os
import threading


def watch_parent() -> None:
    """Worker-process initializer: exit as soon as the app that started us is gone
    (killed or crashed), instead of lingering with spaCy loaded."""
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def warm() -> str:
    """Load the pipeline once in this process; returns its notice ("" when complete)."""
    from app.nlp.suggest import default_pipeline

    return default_pipeline()[1]


def suggest_text(text: str) -> list:
    """Suggestions for ``text`` with this process's pipeline (list of ``Suggestion``)."""
    from app.nlp.suggest import default_pipeline, suggest

    return suggest(text, default_pipeline()[0])


def token_bounds_many(texts: list[str]) -> list[list[tuple[int, int]]]:
    """Token boundaries of each text (what is stored with a lesson)."""
    from app.nlp.pipeline import token_bounds

    return [token_bounds(t) for t in texts]
