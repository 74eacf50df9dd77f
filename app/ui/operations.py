"""Long work as an operation, in the shape of Anki's ``CollectionOp``: the work runs off
the GUI thread, its success or failure callback runs on the GUI thread, the actions that
started it are disabled meanwhile, and a progress dialog appears if it takes a while.
Never a nested event loop.

    RepoOp(window, db_path, lambda repo: save_lesson(repo, lesson, ...))
        .success(on_saved).failure(on_failed)
        .disabling(save_button, save_action).with_progress("Saving the lesson…")
        .run_in_background()

``RepoOp`` opens its own connection in the worker thread (sqlite-utils binds a
connection to its thread); the services it calls write each change in one transaction,
after any slow preparation (tokenizing in the spaCy worker process) so the write lock is
held briefly. Tests make it synchronous by injecting the executor
(``set_executor(SyncExecutor())``).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.core.errors import UserError

T = TypeVar("T")
PROGRESS_AFTER_MS = 400

_executor: Executor | None = None
_running: set[Operation] = set()  # kept alive until their callback has run


def executor() -> Executor:
    """The one background thread every operation shares (writes stay in order)."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="close-reader-op")
    return _executor


def set_executor(ex: Executor | None) -> None:
    """Run operations on ``ex`` (tests: a synchronous executor); None: the default."""
    global _executor
    _executor = ex


def running() -> int:
    return len(_running)


_gc_lock = threading.Lock()
_gc_paused = 0
_gc_was_enabled = True
_switch_interval = 0.005
# while work runs beside the GUI thread, the GIL changes hands every 0.25 ms (not
# Python's 5 ms): a paint calls back into Python once per cell, and every widget made
# in Python takes the GIL on the first call of each of its virtual methods; each such
# call waits for the worker's turn to end. A window's first paint during an import
# stalled 300 ms at 5 ms (87 ms at 1 ms; the import itself 8 % slower). On the school's
# results window, 1 ms left stalls of 32-53 ms (median 46 over 4 runs), 0.25 ms 25-37
# (median 30), the whole run as long. The worker only yields when the GUI thread asks.
BACKGROUND_SWITCH_S = 0.00025


def _pause_gc() -> None:
    global _gc_paused, _gc_was_enabled, _switch_interval
    with _gc_lock:
        if _gc_paused == 0:
            _gc_was_enabled = gc.isenabled()
            if _gc_was_enabled:
                # what became garbage since the last freeze (closed windows, dialogs) goes
                # now, before the work: freezing it at the end would keep it for good.
                # Cheap: frozen objects are not scanned, only what came since.
                gc.collect()
            _switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_interval, BACKGROUND_SWITCH_S))
        _gc_paused += 1
        gc.disable()


def _resume_gc() -> None:
    """Let the collector run again, first moving what the work left alive (a school's
    gradebook: 300,000 objects) to the permanent generation (``gc.freeze``).

    A full collection of that heap holds the GIL for 40-110 ms, so while a worker
    built it the GUI thread froze 11 times for up to 112 ms; and after it, every young
    collection would scan what the work made (65 ms). The work makes no reference cycles
    (a collection after it frees 0 objects), and older garbage was collected as the work
    began (``_pause_gc``), so nothing that should be freed is kept: frozen objects still
    go when their last reference does."""
    global _gc_paused
    with _gc_lock:
        _gc_paused -= 1
        if _gc_paused == 0:
            gc.freeze()
            sys.setswitchinterval(_switch_interval)
            if _gc_was_enabled:
                gc.enable()


def quiet_gc(work: Callable[[], T]) -> Callable[[], T]:
    """``work`` with the cyclic collector paused while it runs (see ``_resume_gc``) and
    the GIL handed over more often (``BACKGROUND_SWITCH_S``)."""
    def run() -> T:
        _pause_gc()
        try:
            return work()
        finally:
            _resume_gc()
    return run


class Cancelled(Exception):  # noqa: N818 — the user's choice, not an error
    """The user cancelled the operation; its work raised this and wrote nothing."""


class Progress:
    """Handed to long work: ``step(done, total)`` from the worker thread (the dialog
    shows it), and a cancel request the work honours by raising ``Cancelled``."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        self._report = report
        self.cancelled = False

    def step(self, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled()
        self._report(done, total)


class Operation(QObject, Generic[T]):
    """``work()`` in the background; ``success(result)`` or ``failure(exc)`` after, on
    the GUI thread."""

    _finished = Signal(object)  # the Future, delivered to this object's (GUI) thread
    _stepped = Signal(int, int)  # progress from the worker, delivered to the GUI thread

    def __init__(self, parent: QWidget | None, work: Callable[[], T],
                 executor_: Executor | None = None) -> None:
        super().__init__(None)
        self._parent = parent
        self._work = work
        self._executor = executor_
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[BaseException], Any] | None = None
        self._disabled: list[QWidget | QAction] = []
        self._progress_label = ""
        self._progress: QProgressDialog | None = None
        self._timer: QTimer | None = None
        self.done = False
        self._cancellable = False
        self.progress = Progress(self._stepped.emit)
        self._finished.connect(self._on_finished)  # queued when emitted from the worker
        self._stepped.connect(self._on_stepped)

    # -- building -------------------------------------------------------------
    def success(self, fn: Callable[[T], Any]) -> Operation[T]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], Any]) -> Operation[T]:
        self._failure = fn
        return self

    def disabling(self, *controls: QWidget | QAction | Iterable) -> Operation[T]:
        for c in controls:
            if isinstance(c, (QWidget, QAction)):
                self._disabled.append(c)
            else:
                self._disabled.extend(c)
        return self

    def with_progress(self, label: str, cancellable: bool = False) -> Operation[T]:
        """Show ``label`` in a progress dialog if the work takes a while; with
        ``cancellable`` the dialog has *Cancel* (the work must call ``progress.step``)."""
        self._progress_label = label
        self._cancellable = cancellable
        return self

    # -- running --------------------------------------------------------------
    def run_in_background(self) -> Operation[T]:
        self._disabled = [c for c in self._disabled if c.isEnabled()]
        for c in self._disabled:
            c.setEnabled(False)
        _running.add(self)
        if self._progress_label and self._parent is not None:
            self._timer = QTimer(self, singleShot=True, interval=PROGRESS_AFTER_MS)
            self._timer.timeout.connect(self._show_progress)
            self._timer.start()
        try:
            fut = (self._executor or executor()).submit(quiet_gc(self._work))
        except RuntimeError as e:  # the executor was shut down (the app is closing)
            fut = Future()
            fut.set_exception(e)
        # from the worker thread: queued to the GUI thread (at once if already done)
        fut.add_done_callback(self._finished.emit)
        return self

    def _show_progress(self) -> None:
        if self.done or self._parent is None:
            return
        p = QProgressDialog(self._progress_label, "Cancel", 0, 0, self._parent)
        if self._cancellable:
            p.canceled.connect(self._on_progress_canceled)
        else:
            p.setCancelButton(None)
        p.setWindowTitle("Please wait")
        p.setWindowModality(Qt.WindowModality.WindowModal)
        p.setMinimumDuration(0)
        p.setAutoClose(False)
        p.setAccessibleName(self._progress_label)
        p.show()
        self._progress = p

    def _on_stepped(self, done: int, total: int) -> None:
        if self._progress is not None and not self.progress.cancelled:
            self._progress.setMaximum(max(total, 1))
            self._progress.setValue(min(done, total))

    def _on_progress_canceled(self) -> None:
        self.progress.cancelled = True
        if self._progress is not None:
            self._progress.setLabelText("Cancelling: nothing will be changed…")

    def cancel(self) -> None:
        """Ask the work to stop (it raises ``Cancelled`` at its next step)."""
        self.progress.cancelled = True

    def _on_finished(self, fut: Future) -> None:
        self.done = True
        if self._timer is not None:
            self._timer.stop()
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        for c in self._disabled:
            c.setEnabled(True)
        _running.discard(self)
        exc = fut.exception()
        if exc is None:
            if self._success is not None:
                self._success(fut.result())
            return
        if self._failure is not None:
            self._failure(exc)
        elif isinstance(exc, Cancelled):
            return
        elif isinstance(exc, UserError):
            box = QMessageBox(QMessageBox.Icon.Warning, "Could not finish", str(exc),
                              parent=self._parent)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.open()
        else:
            raise exc  # a bug: the app's crash dialog reports it


class RepoOp(Operation[T]):
    """An operation on the database at ``db_path``, with its own connection (opened and
    closed in the worker thread)."""

    def __init__(self, parent: QWidget | None, db_path: str | os.PathLike[str],
                 op: Callable[[Any], T], executor_: Executor | None = None) -> None:
        def work() -> T:
            from app.store.repo import open_repo

            repo = open_repo(db_path)
            try:
                return op(repo)
            finally:
                repo.database.close()

        super().__init__(parent, work, executor_)
