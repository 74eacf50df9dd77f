"""Re-placing spans after a lesson's text changes, by quote and context.

A span is placed where its quote occurs in the new text; with several occurrences the
one whose surrounding words (and relative position) best match the old context wins.
A span whose quote no longer occurs is reported, never dropped or moved silently.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol, TypeVar

from app.core.record import record

CONTEXT = 40
MIN_CONTEXT = 12


class _SpanLike(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=_SpanLike)


@record
class Anchored:
    placed: tuple  # spans with new offsets (same type as given)
    unplaced: tuple  # spans that could not be placed (old offsets)


def _occurrences(text: str, quote: str) -> list[int]:
    out, i = [], text.find(quote)
    while i >= 0:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def _old_to_new(old: str, new: str):
    """Map an old offset to a new one through the diff (for the 'expected' position)."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    blocks = sm.get_matching_blocks()

    def mapped(pos: int) -> int:
        best = pos
        for a, b, size in blocks:
            if a <= pos <= a + size:
                return b + (pos - a)
            if a > pos:
                break
            best = b + size + (pos - (a + size))
        return best

    return mapped


def reanchor(old_text: str, new_text: str, spans: Sequence[S]) -> Anchored:
    """Place every span on the same words in ``new_text``."""
    if old_text == new_text:
        return Anchored(tuple(spans), ())
    mapped = _old_to_new(old_text, new_text) if len(old_text) * len(new_text) < 4e10 else None
    placed, unplaced = [], []
    for s in spans:
        quote = old_text[s.start:s.end]
        hits = _occurrences(new_text, quote) if quote else []
        if not hits:
            unplaced.append(s)
            continue
        before = old_text[max(0, s.start - CONTEXT):s.start]
        after = old_text[s.end:s.end + CONTEXT]
        expected = mapped(s.start) if mapped else s.start

        def score(i: int, quote: str = quote, before: str = before, after: str = after,
                  expected: int = expected) -> tuple[int, int]:
            b = new_text[max(0, i - CONTEXT):i]
            a = new_text[i + len(quote):i + len(quote) + CONTEXT]
            ctx = _common_suffix(before, b) + _common_prefix(after, a)
            return (ctx, -abs(i - expected))

        best = max(hits, key=score)
        ctx, neg_dist = score(best)
        # where the diff says the words went, or else enough matching context around them
        if -neg_dist > max(len(quote), 8) and ctx < MIN_CONTEXT:
            unplaced.append(s)
            continue
        moved = replace(s, start=best, end=best + len(quote))  # type: ignore[type-var]
        if any(p.start == moved.start and p.end == moved.end
               and getattr(p, "label", None) == getattr(moved, "label", None) for p in placed):
            unplaced.append(s)  # another span already took these words
            continue
        placed.append(moved)
    return Anchored(tuple(placed), tuple(unplaced))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
