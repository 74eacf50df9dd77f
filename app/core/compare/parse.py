"""Reading and writing a comparison, its key and a grid answer (docs/formats.md,
"Comparisons"): every error names the lesson, the part and the field."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from app.core.compare.model import (
    CHOICES,
    ENTRY_KINDS,
    SUPPORTS,
    VERDICTS,
    CellAnswer,
    CellKey,
    Citation,
    Claim,
    CompareKey,
    Comparison,
    DossierEntry,
    GridAnswer,
    Passage,
    VerdictAnswer,
    VerdictKey,
)
from app.core.errors import FormatError
from app.core.jsonfile import Fields, show

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
MIN_ARTICLES, MAX_ARTICLES = 2, 8
MAX_CLAIMS = 40
MAX_ENTRIES = 200
MAX_STATEMENT = 300
MAX_TEXT = 4000  # any other free text of a claim, entry, cell or verdict
MAX_PASSAGES = 400


LINE_FIELDS = {"statement", "title", "outlet", "url", "name"}


def _text(f: Fields, name: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    """Plain text from outside, as every pack's (``app.core.textrules``): one line for a
    statement, title, outlet, address or name; line breaks allowed elsewhere."""
    f.str(name, required=required)
    if name in LINE_FIELDS:
        return f.line(name, limit, required=required)
    return f.block(name, limit)


def _id(f: Fields, name: str = "id") -> str:
    v = f.str(name, required=True)
    if not ID_RE.fullmatch(v):
        raise f.fail(name, f"{show(v, 70)} must match [a-z0-9][a-z0-9-]{{0,63}}")
    return v


def _ids(f: Fields, name: str, known: Sequence[str] | None, what: str) -> tuple[str, ...]:
    """A list of ids, each in ``known`` (None: any id)."""
    raw = f.list(name) or []
    out: list[str] = []
    for j, v in enumerate(raw):
        if not isinstance(v, str) or (v not in known if known is not None
                                      else not ID_RE.fullmatch(v)):
            shown = show(v) if isinstance(v, str) else "a non-string"
            raise f.fail(f"{name}[{j}]", f"{shown} is not {what}")
        if v in out:
            raise f.fail(name, f"lists {show(v)} twice")
        out.append(v)
    return tuple(out)


def parse_comparison(raw: Any, lid: str) -> Comparison:
    """The public part of a compare lesson (articles, claims, passages, dossier)."""
    ctx = f"lesson '{lid}': comparison"
    f = Fields(raw, ctx)
    arts = f.list("articles", required=True) or []
    if not MIN_ARTICLES <= len(arts) <= MAX_ARTICLES:
        raise f.fail("articles", f"must list {MIN_ARTICLES} to {MAX_ARTICLES} lessons, "
                                 f"got {len(arts)}")
    articles: list[str] = []
    for j, a in enumerate(arts):
        if not isinstance(a, str) or not ID_RE.fullmatch(a):
            raise f.fail(f"articles[{j}]", "must be a lesson id")
        if a in articles:
            raise f.fail("articles", f"lists '{a}' twice")
        if a == lid:
            raise f.fail("articles", "cannot list the comparison itself")
        articles.append(a)
    raw_claims = f.list("claims", required=True) or []
    if not 1 <= len(raw_claims) <= MAX_CLAIMS:
        raise f.fail("claims", f"must hold 1 to {MAX_CLAIMS} claims, got {len(raw_claims)}")
    claims: list[Claim] = []
    n_passages = 0
    for i, item in enumerate(raw_claims):
        c = Fields(item, f"{ctx}.claims[{i}]")
        cid = _id(c)
        if any(x.id == cid for x in claims):
            raise c.fail("id", f"'{cid}' is a duplicate")
        c.ctx = f"{ctx}.claims[{i}] '{cid}'"
        statement = " ".join(_text(c, "statement", required=True, limit=MAX_STATEMENT).split())
        passages = []
        for j, p in enumerate(c.list("passages") or []):
            pf = Fields(p, f"{c.ctx}.passages[{j}]")
            art = pf.str("article", required=True)
            if art not in articles:
                raise pf.fail("article", f"{show(art)} is not one of the comparison's articles")
            start, end = pf.int("start"), pf.int("end")
            if not 0 <= start < end:
                raise FormatError(f"{pf.ctx} [{start}, {end}): offsets are reversed or empty")
            passages.append(Passage(art, start, end, pf.str("quote", required=True)))
        n_passages += len(passages)
        claims.append(Claim(cid, statement, tuple(passages)))
    if n_passages > MAX_PASSAGES:
        raise f.fail("claims", f"hold {n_passages} passages; the limit is {MAX_PASSAGES}")
    raw_entries = f.list("dossier") or []
    if len(raw_entries) > MAX_ENTRIES:
        raise f.fail("dossier", f"holds {len(raw_entries)} entries; the limit is {MAX_ENTRIES}")
    entries: list[DossierEntry] = []
    for i, item in enumerate(raw_entries):
        entries.append(parse_entry(item, f"{ctx}.dossier[{i}]", articles,
                                    {e.id for e in entries}))
    return Comparison(tuple(articles), tuple(claims), tuple(entries))


def parse_entry(item: Any, ctx: str, articles: Sequence[str] | None,
                seen: set[str]) -> DossierEntry:
    """One dossier entry; ``articles`` None takes any article id (a stored entry)."""
    e = Fields(item, ctx)
    eid = _id(e)
    if eid in seen:
        raise e.fail("id", f"'{eid}' is a duplicate")
    e.ctx = f"{ctx} '{eid}'"
    kind = e.str("kind", required=True)
    if kind not in ENTRY_KINDS:
        raise e.fail("kind", f"must be one of {', '.join(ENTRY_KINDS)}, got {show(kind, 30)}")
    date = e.str("date")
    if date and not DATE_RE.fullmatch(date):
        raise e.fail("date", f"{show(date, 30)} must be YYYY, YYYY-MM or YYYY-MM-DD")
    sources = []
    for j, s in enumerate(e.list("sources") or []):
        sf = Fields(s, f"{e.ctx}.sources[{j}]")
        sdate = sf.str("date")
        if sdate and not DATE_RE.fullmatch(sdate):
            raise sf.fail("date", f"{show(sdate, 30)} must be YYYY, YYYY-MM or YYYY-MM-DD")
        sources.append(Citation(_text(sf, "outlet"), sdate, _text(sf, "title"),
                                _text(sf, "url")))
    entry = DossierEntry(
        id=eid, kind=kind, title=_text(e, "title", required=True, limit=MAX_STATEMENT),
        outlet=_text(e, "outlet"), date=date, url=_text(e, "url"),
        says=_text(e, "says", required=kind == "fact"), name=_text(e, "name"),
        articles=_ids(e, "articles", articles, "one of the comparison's articles"),
        owner=_text(e, "owner"), funding=_text(e, "funding"),
        track_record=_text(e, "track_record"), sources=tuple(sources),
        unconfirmed=_text(e, "unconfirmed"))
    return entry


def parse_compare_key(raw: Any, cmp: Comparison, lid: str) -> CompareKey:
    ctx = f"lesson '{lid}': key"
    f = Fields(raw, ctx)
    claim_ids = [c.id for c in cmp.claims]
    entry_ids = [e.id for e in cmp.dossier]
    cells: list[CellKey] = []
    for i, item in enumerate(f.list("cells") or []):
        c = Fields(item, f"{ctx}.cells[{i}]")
        claim, article = c.str("claim", required=True), c.str("article", required=True)
        if claim not in claim_ids:
            raise c.fail("claim", f"{show(claim)} is not a claim of the comparison")
        if article not in cmp.articles:
            raise c.fail("article", f"{show(article)} is not one of the comparison's articles")
        if any(x.claim == claim and x.article == article for x in cells):
            raise FormatError(f"{c.ctx}: a second cell for claim '{claim}' and article "
                              f"'{article}'")
        support = c.str("support", required=True)
        if support not in SUPPORTS:
            raise c.fail("support", f"must be one of {', '.join(SUPPORTS)}, "
                                    f"got {show(support, 30)}")
        accept = _ids(c, "accept", [s for s in SUPPORTS if s != support], "another support")
        cells.append(CellKey(claim, article, support, accept, _text(c, "explanation")))
    verdicts: list[VerdictKey] = []
    for i, item in enumerate(f.list("verdicts", required=True) or []):
        v = Fields(item, f"{ctx}.verdicts[{i}]")
        claim = v.str("claim", required=True)
        if claim not in claim_ids:
            raise v.fail("claim", f"{show(claim)} is not a claim of the comparison")
        if any(x.claim == claim for x in verdicts):
            raise v.fail("claim", f"'{claim}' has a second verdict")
        verdict = v.str("verdict", required=True)
        if verdict not in VERDICTS:
            raise v.fail("verdict", f"must be one of {', '.join(VERDICTS)}, "
                                    f"got {show(verdict, 30)}")
        backing = _ids(v, "backing", entry_ids, "an entry of the dossier")
        relevant = _ids(v, "relevant", entry_ids, "an entry of the dossier")
        both = set(backing) & set(relevant)
        if both:
            raise v.fail("relevant", f"repeats '{sorted(both)[0]}' from 'backing'")
        verdicts.append(VerdictKey(claim, verdict, backing, relevant, _text(v, "explanation")))
    missing = [c for c in claim_ids if not any(v.claim == c for v in verdicts)]
    if missing:
        raise FormatError(f"{ctx}: claim '{missing[0]}' has no verdict")
    return CompareKey(tuple(cells), tuple(verdicts))


def check_passages(cmp: Comparison, texts: Mapping[str, str], lid: str) -> None:
    """Every passage lies in its article's text and quotes it exactly."""
    for i, c in enumerate(cmp.claims):
        for j, p in enumerate(c.passages):
            text = texts.get(p.article)
            if text is None:
                continue
            ctx = f"lesson '{lid}': comparison.claims[{i}] '{c.id}'.passages[{j}] " \
                  f"[{p.start}, {p.end})"
            if p.end > len(text):
                raise FormatError(f"{ctx}: offsets are outside the text of '{p.article}' "
                                  f"(0..{len(text)})")
            if text[p.start:p.end] != p.quote:
                raise FormatError(f"{ctx}: field 'quote' {show(p.quote)} does not match the "
                                  f"text of '{p.article}' there ({show(text[p.start:p.end])})")


# -- writing -------------------------------------------------------------------
def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in ("", (), [], None)}


def comparison_to_json(cmp: Comparison) -> dict[str, Any]:
    claims = []
    for c in cmp.claims:
        d: dict[str, Any] = {"id": c.id, "statement": c.statement}
        if c.passages:
            d["passages"] = [{"article": p.article, "start": p.start, "end": p.end,
                              "quote": p.quote} for p in c.passages]
        claims.append(d)
    dossier = []
    for e in cmp.dossier:
        d = {"id": e.id, "kind": e.kind, "title": e.title}
        if e.kind == "fact":
            d.update(_drop_empty({"outlet": e.outlet, "date": e.date, "url": e.url}))
            d["says"] = e.says
        else:
            d.update(_drop_empty({"name": e.name, "articles": list(e.articles)}))
            d.update({"owner": e.owner, "funding": e.funding, "track_record": e.track_record})
            if e.sources:
                d["sources"] = [_drop_empty({"outlet": s.outlet, "date": s.date,
                                             "title": s.title, "url": s.url})
                                for s in e.sources]
        if e.unconfirmed:
            d["unconfirmed"] = e.unconfirmed
        dossier.append(d)
    return {"articles": list(cmp.articles), "claims": claims, "dossier": dossier}


def key_to_json(key: CompareKey) -> dict[str, Any]:
    return {
        "cells": [{"claim": c.claim, "article": c.article, "support": c.support,
                   **({"accept": list(c.accept)} if c.accept else {}),
                   "explanation": c.explanation} for c in key.cells],
        "verdicts": [{"claim": v.claim, "verdict": v.verdict, "backing": list(v.backing),
                      **({"relevant": list(v.relevant)} if v.relevant else {}),
                      "explanation": v.explanation} for v in key.verdicts],
    }


# -- the student's grid --------------------------------------------------------
def parse_grid(raw: Any, ctx: str) -> GridAnswer:
    """A grid answer's shape (ids are checked against the lesson by ``check_grid``)."""
    f = Fields(raw, f"{ctx}: grid")
    cells: list[CellAnswer] = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(f.list("cells") or []):
        c = Fields(item, f"{ctx}: grid.cells[{i}]")
        pair = (c.str("claim", required=True), c.str("article", required=True))
        if pair in seen:
            raise FormatError(f"{c.ctx}: a second answer for claim '{pair[0][:64]}' and "
                              f"article '{pair[1][:64]}'")
        seen.add(pair)
        choice = c.str("choice", required=True)
        if choice not in CHOICES:
            raise c.fail("choice", f"must be one of {', '.join(CHOICES)}, got {show(choice, 30)}")
        cells.append(CellAnswer(pair[0], pair[1], choice))
    verdicts: list[VerdictAnswer] = []
    for i, item in enumerate(f.list("verdicts") or []):
        v = Fields(item, f"{ctx}: grid.verdicts[{i}]")
        claim = v.str("claim", required=True)
        if any(x.claim == claim for x in verdicts):
            raise v.fail("claim", f"{show(claim)} is answered twice")
        verdict = v.str("verdict")
        if verdict and verdict not in VERDICTS:
            raise v.fail("verdict", f"must be one of {', '.join(VERDICTS)}, "
                                    f"got {show(verdict, 30)}")
        backing = v.list("backing") or []
        if len(backing) > MAX_ENTRIES or not all(isinstance(b, str) for b in backing):
            raise v.fail("backing", "must be a list of dossier ids")
        if len(set(backing)) != len(backing):
            raise v.fail("backing", "lists an entry twice")
        verdicts.append(VerdictAnswer(claim, verdict, tuple(backing)))
    pre: list[tuple[str, str]] = []
    for item in f.list("prefilled") or []:  # a draft's note, never graded
        if isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item):
            pre.append((item[0], item[1]))
    return GridAnswer(tuple(cells), tuple(verdicts), tuple(pre))


def check_grid(cmp: Comparison, grid: GridAnswer, ctx: str = "answers") -> None:
    """Refuse a grid naming a claim, article or dossier entry the lesson does not have."""
    claims = {c.id for c in cmp.claims}
    entries = {e.id for e in cmp.dossier}
    for i, c in enumerate(grid.cells):
        if c.claim not in claims:
            raise FormatError(f"{ctx}: grid.cells[{i}]: claim {show(c.claim)} is not a "
                              "claim of this comparison")
        if c.article not in cmp.articles:
            raise FormatError(f"{ctx}: grid.cells[{i}]: article {show(c.article)} is not "
                              "one of this comparison's articles")
    for i, v in enumerate(grid.verdicts):
        if v.claim not in claims:
            raise FormatError(f"{ctx}: grid.verdicts[{i}]: claim {show(v.claim)} is not a "
                              "claim of this comparison")
        for b in v.backing:
            if b not in entries:
                raise FormatError(f"{ctx}: grid.verdicts[{i}]: backing {show(b)} is not an "
                                  "entry of this comparison's dossier")


def grid_to_json(grid: GridAnswer, with_prefilled: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "cells": [{"claim": c.claim, "article": c.article, "choice": c.choice}
                  for c in grid.cells],
        "verdicts": [{"claim": v.claim, **({"verdict": v.verdict} if v.verdict else {}),
                      "backing": list(v.backing)} for v in grid.verdicts],
    }
    if with_prefilled and grid.prefilled:
        out["prefilled"] = [list(p) for p in grid.prefilled]
    return out


def grid_identity(grid: GridAnswer | None) -> tuple:
    """What makes two copies of a grid the same answer (order does not matter)."""
    if grid is None:
        return ()
    return (tuple(sorted((c.claim, c.article, c.choice) for c in grid.cells)),
            tuple(sorted((v.claim, v.verdict, tuple(sorted(v.backing)))
                         for v in grid.verdicts)))
