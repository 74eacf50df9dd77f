"""Scoring a comparison grid, exactly as docs/formats.md ("Scoring a comparison") says:
per cell one half for whether (and which way) the article makes the claim, one half for
on what; per claim one half for the verdict, one half for the F1 of its backing; the
grid and the verdicts weigh half the score each. Exact fractions throughout."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import field
from fractions import Fraction
from typing import Any

from app.core.compare.model import CellKey, CompareKey, Comparison, GridAnswer, stance
from app.core.record import record

HALF = Fraction(1, 2)


@record
class CellResult:
    claim: str
    article: str
    choice: str  # "" = unanswered
    support: str  # the key's
    accept: tuple[str, ...]
    credit: Fraction
    explanation: str = ""

    @property
    def status(self) -> str:
        if not self.choice:
            return "unanswered"
        return "right" if self.credit == 1 else "partly" if self.credit > 0 else "wrong"

    def as_json(self) -> dict[str, Any]:
        return {"claim": self.claim, "article": self.article, "choice": self.choice,
                "support": self.support, "credit": float(self.credit), "status": self.status}


@record
class ClaimResult:
    claim: str
    verdict: str  # the student's ("" = unanswered)
    expected: str
    backing: tuple[str, ...]
    expected_backing: tuple[str, ...]
    relevant: tuple[str, ...]
    backing_f1: Fraction
    credit: Fraction
    explanation: str = ""

    @property
    def status(self) -> str:
        if not self.verdict:
            return "unanswered"
        return "right" if self.verdict == self.expected else "wrong"

    @property
    def found(self) -> tuple[str, ...]:
        """Backing entries the student cited."""
        return tuple(b for b in self.expected_backing if b in self.backing)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(b for b in self.expected_backing if b not in self.backing)

    @property
    def extra(self) -> tuple[str, ...]:
        """Entries cited that neither back the verdict nor are relevant to it."""
        return tuple(b for b in self.backing
                     if b not in self.expected_backing and b not in self.relevant)

    def as_json(self) -> dict[str, Any]:
        return {"claim": self.claim, "verdict": self.verdict, "expected": self.expected,
                "backing": list(self.backing), "expected_backing": list(self.expected_backing),
                "backing_f1": float(self.backing_f1), "credit": float(self.credit),
                "status": self.status}


@record
class CompareReport:
    score: int
    cells: tuple[CellResult, ...]
    claims: tuple[ClaimResult, ...]
    cell_credit: Fraction  # mean over every cell
    claim_credit: Fraction  # mean over every claim
    by_label: dict = field(default_factory=dict)  # a comparison has no categories

    kind = "compare"

    def count(self, what: str, status: str) -> int:
        items = self.cells if what == "cells" else self.claims
        return sum(1 for x in items if x.status == status)

    def cell(self, claim: str, article: str) -> CellResult | None:
        return next((c for c in self.cells if c.claim == claim and c.article == article), None)

    def claim(self, claim: str) -> ClaimResult | None:
        return next((c for c in self.claims if c.claim == claim), None)

    def as_json(self, lesson: str = "", student: str = "") -> dict[str, Any]:
        return {
            "lesson": lesson, "student": student, "score": self.score, "kind": "compare",
            "grid": {"cells": len(self.cells), "cells_right": self.count("cells", "right"),
                     "cells_partly": self.count("cells", "partly"),
                     "cell_credit": float(self.cell_credit), "claims": len(self.claims),
                     "verdicts_right": self.count("claims", "right"),
                     "claim_credit": float(self.claim_credit)},
            "cells": [c.as_json() for c in self.cells],
            "claims": [c.as_json() for c in self.claims],
        }


def cell_credit(choice: str, support: str, accept: Sequence[str] = ()) -> Fraction:
    """1 for the key's support (or one it accepts), 1/2 for the right stance, else 0."""
    if not choice:
        return Fraction(0)
    if choice == support or choice in accept:
        return Fraction(1)
    return HALF if stance(choice) == stance(support) else Fraction(0)


def backing_f1(chosen: Sequence[str], backing: Sequence[str],
               relevant: Sequence[str] = ()) -> Fraction:
    """F1 of the cited entries against the backing, ``relevant`` ones optional."""
    s, t, o = set(chosen), set(backing), set(relevant)
    p = Fraction(len(s & (t | o)), len(s)) if s else Fraction(1)
    r = Fraction(len(s & t), len(t)) if t else Fraction(1)
    return 2 * p * r / (p + r) if p + r else Fraction(0)


def claim_credit(verdict: str, expected: str, f1: Fraction) -> Fraction:
    if not verdict:
        return Fraction(0)
    return HALF * (verdict == expected) + HALF * f1


def score_of(cells: Fraction, claims: Fraction) -> int:
    """``⌊100 · (C/2 + V/2) + 1/2⌋`` in exact arithmetic."""
    return math.floor(100 * (cells / 2 + claims / 2) + HALF)


def grade_grid(cmp: Comparison, key: CompareKey, grid: GridAnswer) -> CompareReport:
    """Grade a student's grid against the instructor's key (formats.md)."""
    cells: list[CellResult] = []
    keyed = {(c.claim, c.article): c for c in key.cells}  # (one lookup a cell, not a scan)
    chosen = {(c.claim, c.article): c.choice for c in grid.cells}
    for claim in cmp.claims:
        for article in cmp.articles:
            k = keyed.get((claim.id, article)) or CellKey(claim.id, article, "absent")
            choice = chosen.get((claim.id, article), "")
            cells.append(CellResult(claim.id, article, choice, k.support, k.accept,
                                    cell_credit(choice, k.support, k.accept), k.explanation))
    claims: list[ClaimResult] = []
    verdict_keys = {v.claim: v for v in key.verdicts}
    for claim in cmp.claims:
        v = verdict_keys.get(claim.id)
        expected = v.verdict if v else ""
        backing = v.backing if v else ()
        relevant = v.relevant if v else ()
        answer = grid.verdict(claim.id)
        f1 = backing_f1(answer.backing, backing, relevant)
        claims.append(ClaimResult(claim.id, answer.verdict, expected, answer.backing, backing,
                                  relevant, f1, claim_credit(answer.verdict, expected, f1),
                                  v.explanation if v else ""))
    c = sum((x.credit for x in cells), Fraction(0)) / len(cells) if cells else Fraction(0)
    v_ = sum((x.credit for x in claims), Fraction(0)) / len(claims) if claims else Fraction(0)
    return CompareReport(score_of(c, v_), tuple(cells), tuple(claims), c, v_)
