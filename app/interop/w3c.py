"""W3C Web Annotation (JSON-LD) for keys and students' highlights.

Follows the Web Annotation Data Model (W3C Recommendation, 2017-02-23) and its
JSON-LD context ``http://www.w3.org/ns/anno.jsonld``: an ``AnnotationCollection``
whose ``first`` page (an ``AnnotationPage``) holds the items; each ``Annotation`` has
an ``id``, a ``target`` that is a ``SpecificResource`` on
``urn:close-reader:lesson:<id>`` with a ``TextQuoteSelector`` (``exact`` plus up to 32
characters of ``prefix`` and ``suffix``) and a ``TextPositionSelector`` (``start``,
``end``: code points, as everywhere in Close Reader; the model counts characters too),
and ``TextualBody`` bodies: the category id with ``purpose`` ``tagging`` and the
explanation (a student's note) with ``purpose`` ``commenting``. An optional key span
also has a body ``{"purpose": "classifying", "value": "optional"}``. A student's
highlight has the student as ``creator`` (a ``Person``) and the submission time as
``created``.

Reading a collection back needs the lessons' texts (the annotations point at them by
id); every ``exact`` must equal the text at its ``TextPositionSelector``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from app.core.errors import FormatError
from app.core.jsonfile import Fields, show
from app.core.lessons import Highlight, KeySpan, Lesson
from app.core.packs import parse_key
from app.core.record import record

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SOURCE_PREFIX = "urn:close-reader:lesson:"
AFFIX = 32


def lesson_source(lesson_id: str) -> str:
    return SOURCE_PREFIX + lesson_id


def target(lesson_id: str, text: str, start: int, end: int) -> dict[str, Any]:
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": text[start:end]}
    if start:
        quote["prefix"] = text[max(0, start - AFFIX):start]
    if end < len(text):
        quote["suffix"] = text[end:end + AFFIX]
    return {"type": "SpecificResource", "source": lesson_source(lesson_id),
            "selector": [quote, {"type": "TextPositionSelector", "start": start, "end": end}]}


def _bodies(label: str, comment: str, optional: bool = False) -> list[dict[str, Any]]:
    out = [{"type": "TextualBody", "purpose": "tagging", "value": label}]
    if comment:
        out.append({"type": "TextualBody", "purpose": "commenting", "value": comment,
                    "format": "text/plain"})
    if optional:
        out.append({"type": "TextualBody", "purpose": "classifying", "value": "optional"})
    return out


def key_annotations(lesson: Lesson) -> list[dict[str, Any]]:
    return [{
        "id": f"{lesson_source(lesson.id)}:key:{i}",
        "type": "Annotation",
        "motivation": "highlighting",
        "body": _bodies(k.label, k.explanation, not k.required),
        "target": target(lesson.id, lesson.text, k.start, k.end),
    } for i, k in enumerate(lesson.key or ())]


@record
class StudentWork:
    """One attempt's highlights, with who made them and when."""
    submission_id: str
    lesson_id: str
    student: str
    submitted_at: str
    highlights: Sequence[Highlight]


def highlight_annotations(work: StudentWork, text: str) -> tuple[list[dict[str, Any]], int]:
    """The attempt's highlights that fit ``text``, and how many did not (the lesson's
    text changed since)."""
    out, skipped = [], 0
    for i, h in enumerate(work.highlights):
        if not 0 <= h.start < h.end <= len(text):
            skipped += 1
            continue
        a: dict[str, Any] = {
            "id": f"urn:close-reader:submission:{work.submission_id}:{i}",
            "type": "Annotation",
            "motivation": "highlighting",
            "creator": {"type": "Person", "name": work.student},
            "body": _bodies(h.label, h.note),
            "target": target(work.lesson_id, text, h.start, h.end),
        }
        if work.submitted_at:
            a["created"] = work.submitted_at
        out.append(a)
    return out, skipped


def collection(items: list[dict[str, Any]], label: str, generated: str = "") -> dict[str, Any]:
    cid = f"urn:uuid:{uuid.uuid4()}"
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "id": cid,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {"id": f"{cid}:page:1", "type": "AnnotationPage", "startIndex": 0,
                  "items": items},
    }
    if generated:
        out["generated"] = generated
    return out


def keys_collection(lessons: Sequence[Lesson], generated: str = "") -> dict[str, Any]:
    items = [a for le in lessons for a in key_annotations(le)]
    return collection(items, "Close Reader answer keys: " + ", ".join(le.id for le in lessons),
                      generated)


def highlights_collection(works: Sequence[StudentWork], texts: Mapping[str, str],
                          generated: str = "") -> tuple[dict[str, Any], int]:
    """Students' highlights on the lessons in ``texts``; returns the collection and how
    many highlights were left out (lesson not here, or text changed)."""
    items: list[dict[str, Any]] = []
    skipped = 0
    for w in works:
        text = texts.get(w.lesson_id)
        if text is None:
            skipped += len(w.highlights)
            continue
        got, n = highlight_annotations(w, text)
        items += got
        skipped += n
    return collection(items, "Close Reader students' highlights", generated), skipped


# -- reading ------------------------------------------------------------------
def parse_keys(data: Any, lessons: Mapping[str, Lesson]) -> dict[str, tuple[KeySpan, ...]]:
    """Key spans per lesson from a collection written by ``keys_collection``. Every
    annotation must target a lesson in ``lessons``, and its ``exact`` must equal the
    text at its positions; the spans then pass the same checks as a pack's key."""
    items = collection_items(data)
    raw: dict[str, list[dict[str, Any]]] = {}
    for i, a in enumerate(items):
        ctx = f"items[{i}]"
        lid, start, end, exact = _target(a, ctx)
        le = lessons.get(lid)
        if le is None:
            raise FormatError(f"{ctx}: target lesson '{lid}' is not here")
        if not 0 <= start < end <= len(le.text):
            raise FormatError(f"{ctx}: TextPositionSelector [{start}, {end}) is outside "
                              f"lesson '{lid}' (0..{len(le.text)})")
        if exact is not None and exact != le.text[start:end]:
            raise FormatError(f"{ctx}: TextQuoteSelector exact {show(exact)} is not the "
                              f"text at [{start}, {end}) ({show(le.text[start:end])})")
        label, comment, optional = _read_bodies(a, ctx)
        raw.setdefault(lid, []).append({"start": start, "end": end, "label": label,
                                        "quote": le.text[start:end], "explanation": comment,
                                        "required": not optional})
    return {lid: parse_key(spans, lessons[lid].text, lessons[lid].categories, lid)
            for lid, spans in raw.items()}


def collection_items(data: Any) -> list[Any]:
    top = Fields(data, "collection")
    if data.get("@context") != CONTEXT and not (
            isinstance(data.get("@context"), list) and CONTEXT in data["@context"]):
        raise FormatError(f"collection: '@context' must be \"{CONTEXT}\"")
    if top.str("type") != "AnnotationCollection":
        raise top.fail("type", "must be \"AnnotationCollection\"")
    page = data.get("first")
    if not isinstance(page, dict):
        raise top.fail("first", "must be the first page with its items (an object)")
    items = Fields(page, "collection: first").list("items", required=True)
    assert items is not None
    return items


def _target(a: Any, ctx: str) -> tuple[str, int, int, str | None]:
    f = Fields(a, ctx)
    if f.str("type") != "Annotation":
        raise f.fail("type", "must be \"Annotation\"")
    t = a.get("target")
    if isinstance(t, list) and len(t) == 1:
        t = t[0]
    tf = Fields(t, f"{ctx}: target")
    source = tf.str("source", required=True)
    if not source.startswith(SOURCE_PREFIX):
        raise tf.fail("source", f"must start with {SOURCE_PREFIX}, got {show(source)}")
    sels = t.get("selector")
    sels = sels if isinstance(sels, list) else [sels]
    pos = next((s for s in sels if isinstance(s, dict)
                and s.get("type") == "TextPositionSelector"), None)
    if pos is None:
        raise tf.fail("selector", "has no TextPositionSelector")
    pf = Fields(pos, f"{ctx}: TextPositionSelector")
    quote = next((s for s in sels if isinstance(s, dict)
                  and s.get("type") == "TextQuoteSelector"), None)
    exact = Fields(quote, f"{ctx}: TextQuoteSelector").str("exact") if quote else None
    return source[len(SOURCE_PREFIX):], pf.int("start"), pf.int("end"), exact


def _read_bodies(a: dict[str, Any], ctx: str) -> tuple[str, str, bool]:
    bodies = a.get("body")
    bodies = bodies if isinstance(bodies, list) else [bodies] if bodies else []
    label = comment = ""
    optional = False
    for j, b in enumerate(bodies):
        bf = Fields(b, f"{ctx}: body[{j}]")
        purpose, value = bf.str("purpose"), bf.str("value")
        if purpose == "tagging":
            label = value
        elif purpose == "commenting":
            comment = value
        elif purpose == "classifying" and value == "optional":
            optional = True
    if not label:
        raise FormatError(f"{ctx}: body has no TextualBody with purpose 'tagging' (the category)")
    return label, comment, optional
