"""spaCy off the GUI thread: the model loads in the background; each request carries an id
and only the newest answer is delivered, by queued signal. Nothing here touches a widget.

By default the work runs in one separate worker *process*: loading spaCy in a thread of
this process holds the GIL for long stretches (extension modules, model weights) and
stalled the window for over 50 ms; a process cannot. Tests inject a synchronous executor.
"""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from PySide6.QtCore import QObject, Signal

from app.nlp import service
from app.services import learning


class SuggestionWorker(QObject):
    model_ready = Signal(str)  # notice ("" when the full model loaded)
    suggestions_ready = Signal(int, list)  # request id, list[Suggestion]
    failed = Signal(int, str)
    learned = Signal(dict)  # {"lessons": n, "spans": n}: what the suggestions learn from

    def __init__(self, executor: Executor | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._owned = executor is None
        self._executor = executor or self._new_executor()
        self._ids = itertools.count(1)
        self.latest = 0
        self.notice: str | None = None

    @staticmethod
    def _new_executor() -> Executor:
        return ProcessPoolExecutor(max_workers=1, initializer=service.watch_parent,
                                   mp_context=multiprocessing.get_context("spawn"))

    def _submit(self, fn, *args) -> Future:  # noqa: ANN001
        try:
            return self._executor.submit(fn, *args)
        except (BrokenProcessPool, RuntimeError):
            if not self._owned:
                raise
            self._executor = self._new_executor()  # the worker died: start a new one
            return self._executor.submit(fn, *args)

    def preload(self) -> None:
        self._submit(service.warm).add_done_callback(self._on_loaded)

    def _on_loaded(self, fut: Future) -> None:
        try:
            self.notice = fut.result()
        except Exception as e:  # noqa: BLE001 — reported to the instructor, not raised
            self.notice = f"Suggestions are unavailable: {e}"
        self.model_ready.emit(self.notice)

    def learn(self, db_path: str | None) -> None:
        """Rebuild, in the worker, what the suggestions learn from this instructor's
        keys (the training data in the database at ``db_path``; None: rules only).
        Requests after this one use it."""
        self._submit(learning.learn_from, None if db_path is None else str(db_path)) \
            .add_done_callback(self._on_learned)

    def _on_learned(self, fut: Future) -> None:
        try:
            self.learned.emit(fut.result())
        except Exception:  # noqa: BLE001 — the rules alone still suggest
            self.learned.emit({"lessons": 0, "spans": 0})

    def request(self, text: str) -> int:
        rid = next(self._ids)
        self.latest = rid
        fut = self._submit(learning.suggest_with_learning, text)
        fut.add_done_callback(lambda f, rid=rid: self._on_done(rid, f))
        return rid

    def _on_done(self, rid: int, fut: Future) -> None:
        if rid != self.latest:
            return  # superseded by a newer request
        try:
            self.suggestions_ready.emit(rid, fut.result())
        except Exception as e:  # noqa: BLE001
            self.failed.emit(rid, str(e))

    def submit(self, fn, *args) -> Future:  # noqa: ANN001
        """Run ``fn(*args)`` in the worker; the caller decides how to wait (an operation
        waits off the GUI thread; nothing here runs an event loop)."""
        return self._submit(fn, *args)

    def token_bounds(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        """Token boundaries for lesson texts, computed in the worker process (spaCy stays
        out of the GUI process). Blocks: call it from an operation's thread."""
        return self._submit(service.token_bounds_many, texts).result()

    def shutdown(self, wait: bool = False) -> None:
        if self._owned:
            self._executor.shutdown(wait=wait, cancel_futures=True)


class SyncExecutor(Executor):
    """Runs submitted work at once, on the calling thread (tests)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:  # noqa: ANN001
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001
            f.set_exception(e)
        return f
