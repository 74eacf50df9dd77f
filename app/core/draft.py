"""A student's working set of highlights on one lesson, with undo and redo.

Pure Python: the reader widget drives it; every change is a new immutable state.
Highlighting a selection that overlaps a highlight of the same category merges them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from operator import attrgetter
from typing import Generic, TypeVar

from app.core.lessons import Highlight

MAX_UNDO = 500
T = TypeVar("T")


class History(Generic[T]):
    """An immutable state with undo and redo; subclasses define the edits."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._state: tuple[T, ...] = self._normal(items)
        self._undo: list[tuple[T, ...]] = []
        self._redo: list[tuple[T, ...]] = []
        self._saved: tuple[T, ...] = self._state  # the state last written (autosave)

    @staticmethod
    def _normal(items: Iterable[T]) -> tuple[T, ...]:
        return tuple(sorted(items, key=lambda h: (h.start, h.end, h.label)))  # type: ignore[attr-defined]

    @property
    def items(self) -> tuple[T, ...]:
        return self._state

    @property
    def unsaved(self) -> bool:
        """Whether the state differs from the one last marked saved (undoing back to it
        leaves nothing to save: states are immutable, compared by identity first)."""
        return self._state is not self._saved and self._state != self._saved

    def mark_saved(self) -> None:
        self._saved = self._state

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def _push(self, new: Iterable[T]) -> bool:
        new = self._normal(new)
        if new == self._state:
            return False
        self._undo.append(self._state)
        del self._undo[:-MAX_UNDO]
        self._redo.clear()
        self._state = new
        return True

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._state)
        self._state = self._undo.pop()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self._state)
        self._state = self._redo.pop()
        return True

    def at(self, pos: int) -> list[T]:
        """Items covering character ``pos``, smallest first."""
        return sorted((h for h in self._state if h.start <= pos < h.end),  # type: ignore[attr-defined]
                      key=lambda h: (h.end - h.start, h.start))  # type: ignore[attr-defined]


class Draft(History[Highlight]):
    """A student's highlights; same-category overlaps merge."""

    @staticmethod
    def _normal(items: Iterable[Highlight]) -> tuple[Highlight, ...]:
        return _sorted(items)

    @property
    def highlights(self) -> tuple[Highlight, ...]:
        return self._state

    def add(self, start: int, end: int, label: str, note: str = "") -> Highlight:
        """Add a highlight; same-label highlights it overlaps are merged into it."""
        keep, merged_notes = [], [note] if note else []
        for h in self._state:
            if h.label == label and h.start < end and start < h.end:
                start, end = min(start, h.start), max(end, h.end)
                if h.note and h.note not in merged_notes:
                    merged_notes.append(h.note)
            else:
                keep.append(h)
        new = Highlight(start, end, label, " / ".join(merged_notes))
        self._push((*keep, new))
        return new

    def remove(self, h: Highlight) -> bool:
        return self._push(tuple(x for x in self._state if x != h))

    def relabel(self, h: Highlight, label: str) -> Highlight:
        """Change a highlight's category (merging with same-label overlaps)."""
        if h.label == label or h not in self._state:
            return h
        rest = [x for x in self._state if x != h]
        start, end, notes = h.start, h.end, [h.note] if h.note else []
        keep = []
        for x in rest:
            if x.label == label and x.start < end and start < x.end:
                start, end = min(start, x.start), max(end, x.end)
                if x.note:
                    notes.append(x.note)
            else:
                keep.append(x)
        new = Highlight(start, end, label, " / ".join(notes))
        self._push((*keep, new))
        return new

    def set_note(self, h: Highlight, note: str) -> Highlight:
        if h not in self._state or h.note == note:
            return h
        new = replace(h, note=note)
        self._push(tuple(new if x == h else x for x in self._state))
        return new

    def clear(self) -> None:
        self._push(())


_ORDER = attrgetter("start", "end", "label", "note")


def _sorted(hs: Iterable[Highlight]) -> tuple[Highlight, ...]:
    return tuple(sorted(hs, key=_ORDER))
