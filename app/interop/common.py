"""What the corpus importers share: labels made into category ids, overlapping spans
of one label merged, and lessons built through the lesson-pack validation."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from app.core.errors import FormatError
from app.core.jsonfile import show
from app.core.lessons import BUILTIN_IDS, Category
from app.core.packs import PACK_FORMAT, Pack, parse_pack
from app.core.textrules import LIMITS, plain_line

_NOT_ID = re.compile(r"[^a-z0-9_-]+")


def category_id(label: str, ctx: str) -> str:
    """A corpus label as a category id: ``Name_Calling,Labeling`` -> ``name_calling_labeling``,
    ``Loaded_Language`` -> ``loaded_language`` (the built-in category)."""
    cid = _NOT_ID.sub("_", label.strip().casefold()).strip("_-")[:64].rstrip("_-")
    if not cid:
        raise FormatError(f"{ctx}: label {show(label)} has no letters or digits")
    return cid


def category_name(label: str) -> str:
    """How a corpus label is shown: ``Name_Calling,Labeling`` -> ``Name Calling, Labeling``."""
    name = plain_line(label.replace("_", " "), LIMITS["category name"])
    return re.sub(r"\s*,\s*", ", ", name) or plain_line(label, LIMITS["category name"]) or "?"


def merge_same_label(spans: Iterable[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], int]:
    """Spans of one label that share a character become one (lesson keys may not overlap
    within a label; corpora often hold the same technique twice). Returns the spans in
    text order and how many were merged away."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for s, e, lab in spans:
        by_label.setdefault(lab, []).append((s, e))
    out: list[tuple[int, int, str]] = []
    merged = 0
    for lab, items in by_label.items():
        items.sort()
        cur_s, cur_e = items[0]
        for s, e in items[1:]:
            if s < cur_e:
                cur_e = max(cur_e, e)
                merged += 1
            else:
                out.append((cur_s, cur_e, lab))
                cur_s, cur_e = s, e
        out.append((cur_s, cur_e, lab))
    out.sort(key=lambda t: (t[0], t[1], t[2]))
    return out, merged


def key_json(text: str, spans: Sequence[tuple[int, int, str]],
             notes: dict[tuple[int, int, str], dict[str, Any]] | None = None) -> list[dict]:
    """Key spans as pack JSON (quote taken from the text), with explanation and
    ``required`` from ``notes`` where a note names the same span."""
    out = []
    for s, e, lab in spans:
        d: dict[str, Any] = {"start": s, "end": e, "label": lab, "quote": text[s:e]}
        note = (notes or {}).get((s, e, lab))
        if note:
            d["explanation"] = note.get("explanation", "")
            d["required"] = note.get("required", True)
        out.append(d)
    return out


def build_pack(lessons: list[dict[str, Any]], labels: dict[str, str],
               categories: list[dict[str, Any]] | None = None,
               known: Collection[Category] = ()) -> Pack:
    """Validate lessons exactly as a lesson pack. ``labels`` maps category ids to names
    for categories the corpus brings; built-ins and ``known`` ones (already in the
    database) keep their own names. ``categories`` are pack categories given as they
    are (a Close Reader export)."""
    cats = list(categories or [])
    given = {c.get("id") for c in cats if isinstance(c, dict)}
    keep = set(BUILTIN_IDS) | {c.id for c in known}
    cats += [{"id": c.id, "name": c.name, "description": c.description}
             for c in known if c.id in labels and c.id not in given]
    cats += [{"id": cid, "name": name} for cid, name in labels.items()
             if cid not in keep and cid not in given]
    return parse_pack({"format": PACK_FORMAT, "version": 1, "categories": cats,
                       "lessons": lessons})
