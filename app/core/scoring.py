"""Scoring, exactly as formats.md defines it (the SemEval-2020 Task 11 span metric,
with optional key spans), and the teaching view of the same comparison."""

from __future__ import annotations

import bisect
import gc
import math
from collections.abc import Callable, Iterable, Sequence, Sized
from fractions import Fraction
from operator import attrgetter

from app.core.lessons import Highlight, KeySpan
from app.core.record import record
from app.core.spans import Span, merge_ranges

FOUND_AT = 0.5


@record
class Figures:
    precision: float
    recall: float
    f1: float
    # counts, for feedback in words ("You found 5 of 7")
    found: int = 0  # required key spans with status "found"
    partial: int = 0  # required key spans with status "partial"
    required: int = 0  # required key spans
    highlights: int = 0  # merged student spans
    matched: int = 0  # merged student spans with status "match"

    def as_json(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


@record
class KeyResult:
    span: KeySpan
    status: str  # found | partial | missed
    coverage: float

    def as_json(self) -> dict[str, object]:
        s = self.span
        return {
            "start": s.start, "end": s.end, "label": s.label, "required": s.required,
            "status": self.status, "coverage": self.coverage, "explanation": s.explanation,
        }


@record
class HighlightResult:
    span: Span
    status: str  # match | wrong_label | extra
    inside: float  # share of the highlight's characters inside key spans of its label

    def as_json(self) -> dict[str, object]:
        s = self.span
        return {"start": s.start, "end": s.end, "label": s.label, "status": self.status}


@record
class Report:
    score: int
    overall: Figures
    by_label: dict[str, Figures]
    key: tuple[KeyResult, ...]
    highlights: tuple[HighlightResult, ...]

    def as_json(self, lesson: str = "", student: str = "") -> dict[str, object]:
        return {
            "lesson": lesson,
            "student": student,
            "score": self.score,
            "overall": self.overall.as_json(),
            "by_label": {k: v.as_json() for k, v in self.by_label.items()},
            "key": [k.as_json() for k in self.key],
            "highlights": [h.as_json() for h in self.highlights],
        }


def _f1(p: float, r: float, n_s: int, n_t: int) -> float:
    if n_s == 0 and n_t == 0:
        return 1.0
    if p > 0 and r > 0:
        return 2 * p * r / (p + r)
    return 0.0


def score_of(f1: float | Fraction, exact: Callable[[], Fraction] | None = None) -> int:
    """``⌊100 · F1 + 0.5⌋``: rounded half up.

    Floating point can land a hair below an exact half (F1 = 57/200 gives
    ``100 * 0.285 == 28.499999999999996``); when the float is that close to a tie,
    ``exact`` (the same F1 as a fraction) decides.
    """
    if isinstance(f1, Fraction):
        return math.floor(100 * f1 + Fraction(1, 2))
    x = 100 * f1 + 0.5
    if exact is not None and abs(x - round(x)) < 1e-6:
        return math.floor(100 * exact() + Fraction(1, 2))
    return int(math.floor(x))


# above this many key spans or highlights, the cyclic collector rests while grading
PAUSE_GC_AT = 5_000


def grade(
    key: Sequence[KeySpan], highlights: Iterable[Highlight], labels: Sequence[str]
) -> Report:
    """Grade a student's highlights against a key. ``labels``: the lesson's categories.

    A big comparison makes about five objects a span and no reference cycles; Python's
    collector, run every few hundred thousand new objects, would scan all of them again
    and again (200,000 × 200,000: 0.4 s of 1.6, and the cost per span growing with the
    size). So it rests while such a grading runs, and resumes after if it was on."""
    if len(key) < PAUSE_GC_AT and not (
            isinstance(highlights, Sized) and len(highlights) >= PAUSE_GC_AT):
        return _grade(key, highlights, labels)
    was_on = gc.isenabled()
    gc.disable()
    try:
        return _grade(key, highlights, labels)
    finally:
        if was_on:
            gc.enable()


def _grade(
    key: Sequence[KeySpan], highlights: Iterable[Highlight], labels: Sequence[str]
) -> Report:
    merged = merge_ranges((h.start, h.end, h.label) for h in highlights)
    key_by_label: dict[str, list[KeySpan]] = {}
    for k in key:
        key_by_label.setdefault(k.label, []).append(k)
    s_by_label: dict[str, list[Span]] = {}
    for s in merged:
        s_by_label.setdefault(s.label, []).append(s)

    # One sweep per label over both lists sorted by start: merged student spans of one
    # label are disjoint, so the spans overlapping a key span form a run and the run's
    # start only moves forward. Work grows with the spans plus their overlaps (linear
    # for a real key, whose spans of one label do not overlap).
    inside_of: dict[int, int] = {}  # id(merged student span) -> characters inside
    covered_of: dict[int, int] = {}  # id(key span) -> characters covered
    for lb, ss in s_by_label.items():
        ss.sort(key=_by_start)
        ts = sorted(key_by_label.get(lb, ()), key=_by_start)
        ins = [0] * len(ss)
        i, n = 0, len(ss)
        for t in ts:
            ts_, te = t.start, t.end
            while i < n and ss[i].end <= ts_:
                i += 1
            got = 0
            j = i
            while j < n and ss[j].start < te:
                sj = ss[j]
                ov = (te if te < sj.end else sj.end) - (ts_ if ts_ > sj.start else sj.start)
                got += ov
                ins[j] += ov
                j += 1
            covered_of[id(t)] = got
        inside_of.update(zip(map(id, ss), ins, strict=True))
    reach = {lb: _Reach(ks) for lb, ks in key_by_label.items()}
    others = {lb: [ix for other, ix in reach.items() if other != lb] for lb in s_by_label}

    # Precision terms, one per merged student span.
    h_results: list[HighlightResult] = []
    p_sum: dict[str, float] = {}
    p_terms: list[tuple[int, int]] = []  # (|s ∩ key|, |s|) for the exact score
    for s in merged:
        inside = inside_of[id(s)]
        n_s = s.end - s.start
        p_sum[s.label] = p_sum.get(s.label, 0.0) + inside / n_s
        p_terms.append((inside, n_s))
        if inside > 0:
            status = "match"
        else:
            status = "extra"
            for ix in others[s.label]:
                if ix.reaches(s):
                    status = "wrong_label"
                    break
        h_results.append(HighlightResult(s, status, inside / n_s))

    # Recall terms and coverage, one per key span.
    k_results: list[KeyResult] = []
    r_sum: dict[str, float] = {}
    r_terms: list[tuple[int, int]] = []  # (|t ∩ student|, |t|) for the exact score
    for t in sorted(key, key=_KEY_ORDER):
        covered = covered_of.get(id(t), 0)
        coverage = covered / (t.end - t.start)
        if t.required:
            r_sum[t.label] = r_sum.get(t.label, 0.0) + coverage
            r_terms.append((covered, t.end - t.start))
        status = "found" if coverage >= FOUND_AT else "partial" if coverage > 0 else "missed"
        k_results.append(KeyResult(t, status, coverage))

    counts: dict[tuple[str, str], int] = {}  # (label, "req"|"found"|"partial"|"match")
    for k in k_results:
        if k.span.required:
            lb = k.span.label
            counts[lb, "req"] = counts.get((lb, "req"), 0) + 1
            if k.status != "missed":
                counts[lb, k.status] = counts.get((lb, k.status), 0) + 1
    for h in h_results:
        if h.status == "match":
            counts[h.span.label, "match"] = counts.get((h.span.label, "match"), 0) + 1

    def figures(lbls: Sequence[str]) -> Figures:
        def c(what: str) -> int:
            return sum(counts.get((lb, what), 0) for lb in lbls)

        n_s = sum(len(s_by_label.get(lb, ())) for lb in lbls)
        n_t = c("req")
        p = sum(p_sum.get(lb, 0.0) for lb in lbls) / n_s if n_s else 0.0
        r = sum(r_sum.get(lb, 0.0) for lb in lbls) / n_t if n_t else 0.0
        return Figures(
            precision=p, recall=r, f1=_f1(p, r, n_s, n_t), found=c("found"),
            partial=c("partial"), required=n_t, highlights=n_s, matched=c("match"))

    def exact_f1() -> Fraction:
        """The overall F1 in exact arithmetic (the terms above, as fractions)."""
        n_s, n_t = len(p_terms), len(r_terms)
        if n_s == 0 and n_t == 0:
            return Fraction(1)
        p = sum((Fraction(a, b) for a, b in p_terms), Fraction(0)) / n_s if n_s else Fraction(0)
        r = sum((Fraction(a, b) for a, b in r_terms), Fraction(0)) / n_t if n_t else Fraction(0)
        return 2 * p * r / (p + r) if p > 0 and r > 0 else Fraction(0)

    all_labels = list(dict.fromkeys([*labels, *key_by_label, *s_by_label]))
    overall = figures(all_labels)
    return Report(
        score=score_of(overall.f1, exact_f1),
        overall=overall,
        by_label={lb: figures([lb]) for lb in labels},
        key=tuple(k_results),
        highlights=tuple(h_results),
    )


_by_start = attrgetter("start", "end")
_KEY_ORDER = attrgetter("start", "end", "label")


class _Reach:
    """Key spans of one label: does any of them overlap a given span? (sorted starts and
    the running maximum of ends: O(log n) a question)."""

    def __init__(self, spans: Sequence[KeySpan]) -> None:
        ordered = sorted(spans, key=_by_start)
        self.starts = [x.start for x in ordered]
        self.reach: list[int] = []
        m = -1
        for x in ordered:
            m = max(m, x.end)
            self.reach.append(m)

    def reaches(self, q: Span) -> bool:
        i = bisect.bisect_left(self.starts, q.end)  # spans starting before q ends
        return i > 0 and self.reach[i - 1] > q.start


def _ov(a: Span | KeySpan, b: Span | KeySpan) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))
