"""The span of an unsupported claim: the clause its cue belongs to, as short as still
makes sense.

With a dependency parse: the clause head's subtree, trimmed of comma-set side parts that
hold no cue; a passive agent ("confirmed by satellite imagery") keeps its verb group; an
anonymous source that explains itself ("One aide, who asked not to be named") is a span
by itself. Without a parse: the stretch between separators around the cue. Never across
a line break.
"""

from __future__ import annotations

from typing import Any

from app.nlp.lexicon import Match, verb_list

SUBJ = frozenset({"nsubj", "nsubjpass"})
CLAUSE = frozenset({"ROOT", "ccomp", "advcl", "conj", "parataxis", "relcl", "acl"})
SEPARATORS = frozenset({",", ";", ":", "—", "–", "--", "(", ")"})
PEEL_ALWAYS = frozenset({"cc", "mark", "punct", "preconj", "intj", "discourse"})
PEEL_LEFT = frozenset({"advcl", "prep", "npadvmod", "advmod", "parataxis", "dep"})
PEEL_RIGHT = frozenset({"advcl", "conj", "parataxis", "appos", "npadvmod", "prep",
                        "advmod", "dep", "relcl", "acl"})
MAX_TOKENS = 40  # a clause longer than this is cut back to the cue's own stretch


def claim_span(doc: Any, m: Match, sent: Any, parsed: bool) -> tuple[int, int]:
    """Inclusive token bounds of the claim around cue ``m`` in sentence ``sent``."""
    lo, hi = _parse_span(doc, m, sent) if parsed else _flat_span(doc, m, sent)
    if hi - lo + 1 > MAX_TOKENS:
        lo, hi = _flat_span(doc, m, sent)
    lo, hi = _same_line(doc, m, lo, hi)
    if not (lo <= m.start and m.end - 1 <= hi):  # never lose the cue itself
        lo, hi = min(lo, m.start), max(hi, m.end - 1)
    return lo, hi


def head_of(doc: Any, m: Match) -> Any:
    """The token of the match whose syntactic head lies outside it (the last without a parse)."""
    for t in doc[m.start:m.end]:
        if not (m.start <= t.head.i < m.end) or t.head.i == t.i:
            return t
    return doc[m.end - 1]


def _clause_head(tok: Any) -> Any:
    t = tok
    for _ in range(64):
        if t.dep_ == "ROOT" or t.head.i == t.i:
            return t
        if t.pos_ in ("VERB", "AUX") and t.dep_ in CLAUSE:
            if t.dep_ == "conj" and t.head.pos_ not in ("VERB", "AUX"):
                t = t.head
                continue
            return t
        t = t.head
    return t


def _nearest_verb(tok: Any) -> Any | None:
    t = tok.head
    for _ in range(8):
        if t.pos_ in ("VERB", "AUX"):
            return t
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def _holds(tok: Any, m: Match) -> bool:
    return tok.left_edge.i <= m.start and m.end - 1 <= tok.right_edge.i


def _set_off_end(doc: Any, h: Any, n: Any) -> int | None:
    """Where a subject that carries its own comma-set modifier ends ("One source, who
    asked not to be named, ..."; "Sources, speaking on condition of anonymity, ..."),
    or None when it has none."""
    def set_off(c: Any) -> bool:
        return c.left_edge.i > 0 and doc[c.left_edge.i - 1].text == ","
    ends = [c.right_edge.i for c in n.children
            if c.i > n.i and c.dep_ in ("relcl", "acl", "appos") and set_off(c)]
    ends += [c.right_edge.i for c in h.children
             if n.right_edge.i < c.i < h.i and c.dep_ in ("advcl", "acl") and set_off(c)]
    return max(ends) if ends else None


def _parse_span(doc: Any, m: Match, sent: Any) -> tuple[int, int]:
    anchor = head_of(doc, m)
    h = None
    if m.entry.kind == "hedge":
        h = _nearest_verb(anchor) if anchor.pos_ == "ADV" else None
    if h is None:
        h = _clause_head(anchor)
    # an anonymous source with its own explanation ("One diplomat, who requested
    # anonymity, ...") is a span by itself
    for c in h.children:
        if c.dep_ in SUBJ and _holds(c, m):
            end = _set_off_end(doc, h, c)
            if end is not None:
                return _strip(doc, max(c.left_edge.i, sent.start), min(end, sent.end - 1))
    if h.dep_ == "relcl" or (h.dep_ == "acl" and h.left_edge.i > 0
                             and doc[h.left_edge.i - 1].text != ","):
        lo, hi = h.head.left_edge.i, h.right_edge.i  # the noun with its clause
    elif h.dep_ not in CLAUSE and h.head.pos_ in ("NOUN", "PROPN"):
        lo, hi = h.head.left_edge.i, h.right_edge.i  # "discussions reportedly including"
    else:
        lo, hi = h.left_edge.i, h.right_edge.i
    if any(c.dep_ == "agent" and _holds(c, m) for c in h.children):
        # "has been confirmed by satellite imagery": the verb group and its agent
        lo = min([c.i for c in h.children if c.dep_ in ("aux", "auxpass", "neg")
                  and c.i < h.i] + [h.i])
    if anchor.dep_ == "dobj" and anchor.head.i == h.i and m.entry.kind == "authority":
        hi = anchor.i  # "has confirmed reports": the claim is whose reports, not their content
    lo, hi = _peel_children(doc, h, m, lo, hi)
    lo, hi = max(lo, sent.start), min(hi, sent.end - 1)
    lo = _drop_lead(doc, h, m, lo)
    hi = _drop_tail(doc, m, lo, hi)
    return _strip(doc, lo, hi)


def _peel_children(doc: Any, h: Any, m: Match, lo: int, hi: int) -> tuple[int, int]:
    """Peel the clause head's side parts (conjunctions, comma-set adverbials, trailing
    coordinated clauses) from either edge, unless they hold the cue."""
    kids = sorted(h.children, key=lambda c: c.i)
    for c in [c for c in kids if c.i < h.i]:
        a, b = c.left_edge.i, c.right_edge.i
        if a != lo or _holds(c, m) or a <= m.start <= b:
            break
        if c.dep_ in PEEL_ALWAYS:
            lo = b + 1
        elif c.dep_ in PEEL_LEFT and b + 1 < h.i and doc[b + 1].text in SEPARATORS:
            lo = b + 2
        else:
            break
    for c in reversed([c for c in kids if c.i > h.i]):
        a, b = c.left_edge.i, c.right_edge.i
        if b != hi or a <= m.end - 1 <= b:
            break
        before = doc[a - 1] if a > 0 else None
        if c.dep_ in PEEL_ALWAYS or c.dep_ in PEEL_RIGHT and before is not None and (
                before.text in SEPARATORS or before.dep_ == "cc"):
            hi = a - 1
        else:
            break
    return lo, hi


def _drop_lead(doc: Any, h: Any, m: Match, lo: int) -> int:
    """Drop what stands before the last separator ahead of both the cue and the clause
    head: a long subject set off by commas, an opening adverbial."""
    for p in range(min(m.start, h.i) - 1, lo, -1):
        if doc[p].text in SEPARATORS:
            if p == m.start - 1 and m.end < len(doc) and doc[m.end].text in SEPARATORS:
                return lo  # the cue is itself set off: ", according to reports,"
            return p + 1
    return lo


def _drop_tail(doc: Any, m: Match, lo: int, hi: int) -> int:
    """Cut a trailing comma-set modifier after the cue (", evidenced by ...") when it
    hangs from what comes before it."""
    for q in range(m.end, hi + 1):
        if doc[q].text not in SEPARATORS:
            continue
        roots = [t for t in doc[q + 1:hi + 1] if not (q < t.head.i <= hi)]
        if roots and all(r.head.i < q and (r.dep_ in PEEL_RIGHT or r.dep_ in PEEL_ALWAYS)
                         for r in roots):
            return q - 1
        return hi
    return hi


def _same_line(doc: Any, m: Match, lo: int, hi: int) -> tuple[int, int]:
    """Never cross a line break: headlines and paragraphs stand apart."""
    for i in range(m.start - 1, lo - 1, -1):
        if "\n" in doc[i].text_with_ws:
            lo = i + 1
            break
    for i in range(m.end - 1, hi + 1):
        if "\n" in doc[i].text:
            hi = i - 1
            break
        if "\n" in doc[i].whitespace_:
            hi = i
            break
    return _strip(doc, lo, hi)


def _bare(tok: Any) -> bool:
    """Punctuation, symbols, emoji, space: nothing to quote at a span's edge."""
    return not any(ch.isalnum() for ch in tok.text)


def _strip(doc: Any, lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and (_bare(doc[lo]) or doc[lo].dep_ in ("cc", "mark")
                       or doc[lo].lower_ in ("and", "but", "or", "while", "with")):
        lo += 1
    while hi > lo and (_bare(doc[hi]) or doc[hi].lower_ in ("and", "but", "or")):
        hi -= 1
    return lo, hi


def _flat_span(doc: Any, m: Match, sent: Any) -> tuple[int, int]:
    """The stretch between separators around the cue; a reporting construction runs on
    to the end of the sentence, and a trailing "according to ..." takes the stretch
    before it."""
    lo = m.start
    while lo > sent.start and doc[lo - 1].text not in SEPARATORS:
        lo -= 1
    hi = m.end - 1
    while hi + 1 < sent.end and doc[hi + 1].text not in SEPARATORS:
        hi += 1
    _, forms = verb_list("verb")
    stretch = [t.lower_ for t in doc[m.end:hi + 1]]
    if any(w in forms for w in stretch[:3]) and "that" in stretch[:5]:
        hi = sent.end - 1
    if doc[lo].lower_ == "according" and lo > sent.start + 1:
        lo -= 1
        while lo > sent.start and doc[lo - 1].text not in SEPARATORS:
            lo -= 1
    return _strip(doc, lo, hi)
