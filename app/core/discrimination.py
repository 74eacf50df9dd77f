"""Telling the key's sentences from the rest: signal detection with sentences as trials
(formats.md, "Discrimination: sentences as trials"; pedagogy.md, "Discrimination, not
suspicion").

``lesson_trials`` sorts a lesson's sentences once (signal, noise or left out, per
category); ``tally`` counts one attempt's hits and false alarms on them; counts of
several lessons add up; ``rates`` turns counts into the hit rate, false-alarm rate,
d′ and criterion with the log-linear correction (Hautus 1995). Every screen, report
and export takes its numbers from here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from statistics import NormalDist

from app.core.lessons import Highlight, Lesson
from app.core.record import record

ALL = "all"  # the pooled category: the lesson's categories as one
_Z = NormalDist().inv_cdf


@record
class Rates:
    hit_rate: float | None  # H = (hits + 0.5) / (signal + 1); None: no signal sentence
    false_alarm_rate: float | None  # F = (false alarms + 0.5) / (noise + 1); None: no noise
    d_prime: float | None  # z(H) − z(F); None when either rate is
    criterion: float | None  # −(z(H) + z(F)) / 2; None when either rate is


def rates(hits: int, signal: int, false_alarms: int, noise: int) -> Rates:
    """The log-linear rates and the two signal-detection measures of these counts."""
    if not (0 <= hits <= signal and 0 <= false_alarms <= noise):
        raise ValueError(f"counts out of range: {hits}/{signal} hits, "
                         f"{false_alarms}/{noise} false alarms")
    h = (hits + 0.5) / (signal + 1) if signal else None
    f = (false_alarms + 0.5) / (noise + 1) if noise else None
    if h is None or f is None:
        return Rates(h, f, None, None)
    zh, zf = _Z(h), _Z(f)
    return Rates(h, f, zh - zf, -(zh + zf) / 2 + 0.0)  # + 0.0: never −0.0


@record
class Counts:
    hits: int = 0
    signal: int = 0
    false_alarms: int = 0
    noise: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.hits + other.hits, self.signal + other.signal,
                      self.false_alarms + other.false_alarms, self.noise + other.noise)

    @property
    def rates(self) -> Rates:
        return rates(self.hits, self.signal, self.false_alarms, self.noise)


@record
class Trials:
    """One category's trials on one lesson. ``pieces``: the parts of required key spans
    inside signal sentences, as ``(start, end, sentence)``, sorted and not overlapping;
    ``noise``: the noise sentences' ``(start, end)``, sorted."""

    signal: int
    pieces: tuple[tuple[int, int, int], ...]
    noise: tuple[tuple[int, int], ...]
    piece_ends: tuple[int, ...]  # for bisecting: the pieces' ends, then the noise's
    noise_ends: tuple[int, ...]


def lesson_trials(lesson: Lesson, sentences: Sequence[tuple[int, int]]) -> dict[str, Trials]:
    """Per category the lesson offers, and for ``all``: its trials. The lesson must
    have a key."""
    if lesson.key is None:
        raise ValueError(f"lesson '{lesson.id}' has no key")
    out: dict[str, Trials] = {}
    held = [_overlapping(s, lesson.key) for s in sentences]
    noise = tuple(s for s, ks in zip(sentences, held, strict=True) if not ks)
    for cat in (*lesson.categories, ALL):
        raw: list[tuple[int, int, int]] = []
        signal = 0
        for i, (s, ks) in enumerate(zip(sentences, held, strict=True)):
            inside = [(max(s[0], k.start), min(s[1], k.end), i) for k in ks
                      if k.required and (cat == ALL or k.label == cat)]
            if inside:
                signal += 1
                raw.extend(inside)
        pieces = _merge(raw)
        out[cat] = Trials(signal, pieces, noise, tuple(p[1] for p in pieces),
                          tuple(n[1] for n in noise))
    return out


def tally(trials: Mapping[str, Trials], highlights: Iterable[Highlight]) -> dict[str, Counts]:
    """One attempt's counts per category (and ``all``) on one lesson's trials."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    everything: list[tuple[int, int]] = []
    for h in highlights:
        if h.end > h.start:
            by_label.setdefault(h.label, []).append((h.start, h.end))
            everything.append((h.start, h.end))
    out = {}
    for cat, t in trials.items():
        spans = everything if cat == ALL else by_label.get(cat)
        if not spans:  # nothing marked in this category
            out[cat] = Counts(0, t.signal, 0, len(t.noise))
            continue
        out[cat] = Counts(len(_overlapped(spans, t.pieces, t.piece_ends, 2)), t.signal,
                          len(_overlapped(spans, t.noise, t.noise_ends, None)), len(t.noise))
    return out


def _overlapped(spans: Sequence[tuple[int, int]], items: Sequence[tuple],
                ends: Sequence[int], ident: int | None) -> set[int]:
    """Which of ``items`` (sorted, not overlapping, with their ``ends``) the spans
    overlap: each item's field ``ident``, or its index when None."""
    found: set[int] = set()
    n = len(items)
    for start, end in spans:
        i = bisect_right(ends, start)
        while i < n and items[i][0] < end:
            found.add(items[i][ident] if ident is not None else i)
            i += 1
    return found


def add_up(parts: Iterable[Mapping[str, Counts]]) -> dict[str, Counts]:
    """Counts of several lessons added per category (a category counts only where a
    lesson offers it)."""
    out: dict[str, Counts] = {}
    for part in parts:
        for cat, c in part.items():
            out[cat] = out.get(cat, Counts()) + c
    return out


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values that exist (None when none does)."""
    xs = [v for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None


def _overlapping(s: tuple[int, int], key: Sequence) -> list:
    return [k for k in key if k.start < s[1] and s[0] < k.end]


def _merge(pieces: list[tuple[int, int, int]]) -> tuple[tuple[int, int, int], ...]:
    """Overlapping pieces of one sentence become one (spans of different categories may
    overlap in ``all``); pieces of different sentences never overlap."""
    out: list[tuple[int, int, int]] = []
    for a, b, i in sorted(pieces):
        if out and out[-1][2] == i and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b), i)
        else:
            out.append((a, b, i))
    return tuple(out)
