"""spaCy on one worker thread: the model loads in the background; each request carries
an id and only the newest answer is delivered, by queued signal. Nothing here touches a
widget. Tests inject a synchronous executor."""

from __future__ import annotations

import itertools
from concurrent.futures import Executor, Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal


class SuggestionWorker(QObject):
    model_ready = Signal(str)  # notice ("" when the full model loaded)
    suggestions_ready = Signal(int, list)  # request id, list[Suggestion]
    failed = Signal(int, str)

    def __init__(self, executor: Executor | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = executor or ThreadPoolExecutor(max_workers=1,
                                                        thread_name_prefix="spacy")
        self._ids = itertools.count(1)
        self.latest = 0
        self.notice: str | None = None

    def preload(self) -> None:
        self._executor.submit(self._load).add_done_callback(self._on_loaded)

    @staticmethod
    def _load() -> str:
        from app.nlp.suggest import default_pipeline

        return default_pipeline()[1]

    def _on_loaded(self, fut: Future) -> None:
        try:
            self.notice = fut.result()
        except Exception as e:  # noqa: BLE001 — reported to the instructor, not raised
            self.notice = f"Suggestions are unavailable: {e}"
        self.model_ready.emit(self.notice)

    def request(self, text: str) -> int:
        rid = next(self._ids)
        self.latest = rid
        fut = self._executor.submit(self._run, text)
        fut.add_done_callback(lambda f, rid=rid: self._on_done(rid, f))
        return rid

    @staticmethod
    def _run(text: str) -> list:
        from app.nlp.suggest import default_pipeline, suggest

        return suggest(text, default_pipeline()[0])

    def _on_done(self, rid: int, fut: Future) -> None:
        if rid != self.latest:
            return  # superseded by a newer request
        try:
            self.suggestions_ready.emit(rid, fut.result())
        except Exception as e:  # noqa: BLE001
            self.failed.emit(rid, str(e))

    def shutdown(self) -> None:
        if isinstance(self._executor, ThreadPoolExecutor):
            self._executor.shutdown(wait=False, cancel_futures=True)


class SyncExecutor(Executor):
    """Runs submitted work at once, on the calling thread (tests)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:  # noqa: ANN001
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001
            f.set_exception(e)
        return f
