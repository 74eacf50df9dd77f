"""Scoring, exactly as formats.md defines it (the SemEval-2020 Task 11 span metric,
with optional key spans), and the teaching view of the same comparison."""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from app.core.lessons import Highlight, KeySpan
from app.core.spans import Span, merge_overlapping

FOUND_AT = 0.5


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class HighlightResult:
    span: Span
    status: str  # match | wrong_label | extra
    inside: float  # share of the highlight's characters inside key spans of its label

    def as_json(self) -> dict[str, object]:
        s = self.span
        return {"start": s.start, "end": s.end, "label": s.label, "status": self.status}


@dataclass(frozen=True)
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


def grade(
    key: Sequence[KeySpan], highlights: Iterable[Highlight], labels: Sequence[str]
) -> Report:
    """Grade a student's highlights against a key. ``labels``: the lesson's categories."""
    merged = merge_overlapping(Span(h.start, h.end, h.label) for h in highlights)
    key_by_label: dict[str, list[KeySpan]] = {}
    for k in key:
        key_by_label.setdefault(k.label, []).append(k)
    s_by_label: dict[str, list[Span]] = {}
    for s in merged:
        s_by_label.setdefault(s.label, []).append(s)

    key_index = {lb: _Index(ks) for lb, ks in key_by_label.items()}
    s_index = {lb: _Index(ss) for lb, ss in s_by_label.items()}

    # Precision terms, one per merged student span.
    h_results: list[HighlightResult] = []
    p_sum: dict[str, float] = {}
    p_terms: list[tuple[int, int]] = []  # (|s ∩ key|, |s|) for the exact score
    for s in merged:
        same = key_index.get(s.label)
        inside = sum(_ov(s, t) for t in same.overlapping(s)) if same else 0
        p_sum[s.label] = p_sum.get(s.label, 0.0) + inside / len(s)
        p_terms.append((inside, len(s)))
        if inside > 0:
            status = "match"
        elif any(next(ix.overlapping(s), None) is not None
                 for lb, ix in key_index.items() if lb != s.label):
            status = "wrong_label"
        else:
            status = "extra"
        h_results.append(HighlightResult(s, status, inside / len(s)))

    # Recall terms and coverage, one per key span.
    k_results: list[KeyResult] = []
    r_sum: dict[str, float] = {}
    r_terms: list[tuple[int, int]] = []  # (|t ∩ student|, |t|) for the exact score
    for t in sorted(key, key=lambda k: (k.start, k.end, k.label)):
        mine = s_index.get(t.label)
        covered = sum(_ov(s, t) for s in mine.overlapping(t)) if mine else 0
        coverage = covered / (t.end - t.start)
        if t.required:
            r_sum[t.label] = r_sum.get(t.label, 0.0) + coverage
            r_terms.append((covered, t.end - t.start))
        status = "found" if coverage >= FOUND_AT else "partial" if coverage > 0 else "missed"
        k_results.append(KeyResult(t, status, coverage))

    def figures(lbls: Sequence[str]) -> Figures:
        n_s = sum(len(s_by_label.get(lb, ())) for lb in lbls)
        req = [k for k in k_results if k.span.required and k.span.label in lbls]
        n_t = len(req)
        p = sum(p_sum.get(lb, 0.0) for lb in lbls) / n_s if n_s else 0.0
        r = sum(r_sum.get(lb, 0.0) for lb in lbls) / n_t if n_t else 0.0
        return Figures(
            precision=p, recall=r, f1=_f1(p, r, n_s, n_t),
            found=sum(k.status == "found" for k in req),
            partial=sum(k.status == "partial" for k in req),
            required=n_t, highlights=n_s,
            matched=sum(h.status == "match" for h in h_results if h.span.label in lbls),
        )

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


class _Index:
    """Spans sorted by start, for finding those that overlap a given span quickly."""

    def __init__(self, spans: Sequence[Span | KeySpan]) -> None:
        self.spans = sorted(spans, key=lambda x: (x.start, x.end))
        self.starts = [x.start for x in self.spans]
        self.longest = max((x.end - x.start for x in self.spans), default=0)

    def overlapping(self, q: Span | KeySpan) -> Iterator[Span | KeySpan]:
        # a span that overlaps q starts before q.end and after q.start - longest
        i = bisect.bisect_right(self.starts, q.start - self.longest)
        for x in self.spans[i:bisect.bisect_left(self.starts, q.end)]:
            if x.end > q.start:
                yield x


def _ov(a: Span | KeySpan, b: Span | KeySpan) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))
