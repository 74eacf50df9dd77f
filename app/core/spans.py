"""Span value object and the pure operations on spans: merge, overlap, snap.

Offsets are ``[start, end)`` in Unicode code points (Python ``str`` indexing).
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str = ""

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"empty or reversed span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def overlap(self, other: Span) -> int:
        """Number of characters both spans cover (0 when they merely touch)."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def overlaps(self, other: Span) -> bool:
        return self.overlap(other) > 0


def merge_overlapping(spans: Iterable[Span]) -> list[Span]:
    """Merge spans of the same label that share at least one character.

    Spans that merely touch (``a.end == b.start``) stay apart. The result is sorted.
    """
    by_label: dict[str, list[tuple[int, int]]] = {}
    for s in spans:
        by_label.setdefault(s.label, []).append((s.start, s.end))
    return merge_grouped(by_label)


def merge_ranges(ranges: Iterable[tuple[int, int, str]]) -> list[Span]:
    """``merge_overlapping`` of ``(start, end, label)`` triples, checked as ``Span``
    checks them: grading merges a student's highlights without first making a ``Span``
    of each (half the objects)."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for start, end, label in ranges:
        if start < 0 or end <= start:
            raise ValueError(f"empty or reversed span [{start}, {end})")
        by_label.setdefault(label, []).append((start, end))
    return merge_grouped(by_label)


def merge_grouped(by_label: dict[str, list[tuple[int, int]]]) -> list[Span]:
    """The merged spans of each label's ``(start, end)`` pairs (sorted here, in place),
    in the dataclass order: by start, end, label."""
    out: list[tuple[int, int, str]] = []
    for label, group in by_label.items():
        group.sort()  # tuples: compared in C, no key function
        cur_start, cur_end = group[0]
        for start, end in group:
            if start < cur_end:  # shares a character (the first pair: itself)
                if end > cur_end:
                    cur_end = end
            else:
                out.append((cur_start, cur_end, label))
                cur_start, cur_end = start, end
        out.append((cur_start, cur_end, label))
    out.sort()
    return [Span(a, b, lb) for a, b, lb in out]


def _is_trimmable(token: str) -> bool:
    """Whitespace or punctuation-only tokens are trimmed from a span's edges."""
    return all(ch.isspace() or unicodedata.category(ch)[0] in "PZ" for ch in token)


def snap(
    text: str, start: int, end: int, tokens: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """Snap the character range ``[start, end)`` to whole tokens.

    ``tokens`` are the lesson's token boundaries (sorted, non-overlapping
    ``(start, end)`` pairs, as computed by ``app.nlp.pipeline.token_bounds``).
    Every token the range touches is included whole; whitespace and
    punctuation-only tokens at either edge are dropped. Returns ``None`` when
    nothing but whitespace or punctuation was selected.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    if start >= end or not tokens:
        return None
    first = itemgetter(0)  # searched in place: a lesson has up to ~40,000 tokens
    # first token whose end is after `start`
    i = bisect.bisect_right(tokens, start, key=first) - 1
    if i < 0 or tokens[i][1] <= start:
        i += 1
    j = bisect.bisect_left(tokens, end, key=first) - 1  # last token starting before `end`
    chosen = [t for t in tokens[max(i, 0) : j + 1] if t[1] > start and t[0] < end]
    while chosen and _is_trimmable(text[chosen[0][0] : chosen[0][1]]):
        chosen.pop(0)
    while chosen and _is_trimmable(text[chosen[-1][0] : chosen[-1][1]]):
        chosen.pop()
    if not chosen:
        return None
    return chosen[0][0], chosen[-1][1]


def is_snapped(text: str, start: int, end: int, tokens: Sequence[tuple[int, int]]) -> bool:
    """True when ``[start, end)`` is exactly what snapping it would give."""
    return snap(text, start, end, tokens) == (start, end)
