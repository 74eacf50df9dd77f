"""The key being written: key spans with undo/redo, and formats.md's rules enforced as
the instructor edits (same-category spans never overlap; quotes follow the text)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from app.core.draft import History
from app.core.errors import UserError
from app.core.lessons import KeySpan


class KeyDraft(History[KeySpan]):
    def __init__(self, text: str, spans: Iterable[KeySpan] = ()) -> None:
        super().__init__(spans)
        self.text = text

    @property
    def spans(self) -> tuple[KeySpan, ...]:
        return self._state

    def _clash(self, start: int, end: int, label: str, ignore: KeySpan | None = None) -> None:
        for k in self._state:
            if k is not ignore and k != ignore and k.label == label and k.start < end \
                    and start < k.end:
                raise UserError(
                    f"It overlaps the key span “{k.quote[:50]}” of the same category. "
                    "Spans of one category may not overlap: shrink or remove that one first.")

    def add(self, start: int, end: int, label: str, explanation: str = "",
            required: bool = True) -> KeySpan:
        if not 0 <= start < end <= len(self.text):
            raise UserError("That selection is outside the article.")
        self._clash(start, end, label)
        k = KeySpan(start, end, label, self.text[start:end], explanation, required)
        self._push((*self._state, k))
        return k

    def update(self, k: KeySpan, **changes: object) -> KeySpan:
        """Change label, explanation, required — or start/end (quote follows)."""
        new = replace(k, **changes)  # type: ignore[arg-type]
        if (new.start, new.end) != (k.start, k.end):
            new = replace(new, quote=self.text[new.start:new.end])
        if new.label != k.label or (new.start, new.end) != (k.start, k.end):
            self._clash(new.start, new.end, new.label, ignore=k)
        if new != k:
            self._push(new if x == k else x for x in self._state)
        return new

    def remove(self, k: KeySpan) -> bool:
        return self._push(x for x in self._state if x != k)

    def replace_all(self, spans: Iterable[KeySpan]) -> bool:
        """Every span at once (restoring autosaved work): one undo step."""
        return self._push(spans)
