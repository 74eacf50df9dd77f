"""Passages on the articles' current texts, and the grid's prefill from a student's own
highlights (formats.md, "Prefill from the student's highlights")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from app.core.compare.model import CellAnswer, Comparison, GridAnswer, Passage
from app.core.lessons import Highlight

PREFILL_LABEL = "unsupported_claim"


def place_passages(cmp: Comparison, texts: Mapping[str, str]
                   ) -> tuple[Comparison, tuple[tuple[str, Passage], ...]]:
    """The comparison with every passage on its article's current text: where it was,
    or where its quote now occurs once. Returns the passages that could not be placed
    (an article edited since they were linked, or not on this machine) with their claim;
    they are left out, never moved to a guess."""
    lost: list[tuple[str, Passage]] = []
    claims = []
    for c in cmp.claims:
        kept = []
        for p in c.passages:
            text = texts.get(p.article)
            if text is None:
                lost.append((c.id, p))
                continue
            if text[p.start:p.end] == p.quote:
                kept.append(p)
                continue
            first = text.find(p.quote)
            if first >= 0 and text.find(p.quote, first + 1) < 0:
                kept.append(replace(p, start=first, end=first + len(p.quote)))
            else:
                lost.append((c.id, p))
        claims.append(replace(c, passages=tuple(kept)))
    return replace(cmp, claims=tuple(claims)), tuple(lost)


def prefill(cmp: Comparison, highlights: Mapping[str, Sequence[Highlight]]) -> GridAnswer:
    """A fresh grid: ``makes`` in each cell where the student's unsupported-claim
    highlight on that article overlaps one of the claim's passages there."""
    cells, marked = [], []
    for c in cmp.claims:
        for article in cmp.articles:
            hs = [h for h in highlights.get(article, ()) if h.label == PREFILL_LABEL]
            if any(h.start < p.end and p.start < h.end
                   for p in c.passages_in(article) for h in hs):
                cells.append(CellAnswer(c.id, article, "makes"))
                marked.append((c.id, article))
    return GridAnswer(tuple(cells), (), tuple(marked))
