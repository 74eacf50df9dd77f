"""Lesson packs (format ``close-reader/lesson-pack`` v1): read, validate, write.

Every error names the lesson, the field and, for a key span, its index and offsets.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import Any

from app.core.errors import FormatError
from app.core.jsonfile import Fields, read_validated, show, write_json_atomic
from app.core.lessons import (
    BUILTIN_CATEGORIES,
    LESSON_ID_RE,
    LEVELS,
    MAX_TEXT_CHARS,
    MODES,
    UNDERLINE_STYLES,
    Category,
    KeySpan,
    Lesson,
    Source,
)
from app.core.record import record
from app.core.textrules import LIMITS

PACK_FORMAT = "close-reader/lesson-pack"
CATEGORY_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
# line and paragraph separators other than \n, other C0 controls, and the noncharacters
# Qt's text document uses internally: the reader could not show the text as it is
UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")

PackError = FormatError


@record
class Pack:
    categories: tuple[Category, ...] = BUILTIN_CATEGORIES
    lessons: tuple[Lesson, ...] = field(default_factory=tuple)
    # the Ed25519 public key that signed the file, verified (formats.md, "Signatures")
    signed_by: bytes | None = None


def read_pack(path: str | os.PathLike[str]) -> Pack:
    """Read and validate a pack file; raises ``FormatError`` naming the problem."""
    return read_validated(path, parse_pack)


def parse_pack(data: Any) -> Pack:
    top = Fields(data, "pack")
    version = top.header(PACK_FORMAT, (1, 2))
    signed_by = None
    if version >= 2 and isinstance(data, dict) and "signature" in data:
        from app.core.signing import signed_by as verify

        signed_by = verify(data, "pack")
    categories = _parse_categories(top.list("categories") or [])
    known = {c.id for c in categories}
    raw_lessons = top.list("lessons", required=True)
    assert raw_lessons is not None
    if not raw_lessons:
        raise FormatError("pack: field 'lessons' is empty")
    lessons: list[Lesson] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_lessons):
        lesson = parse_lesson(raw, i, known)
        if lesson.id in seen:
            raise FormatError(f"lesson '{lesson.id}' (lessons[{i}]): field 'id' is a duplicate")
        seen.add(lesson.id)
        lessons.append(lesson)
    return Pack(categories=categories, lessons=tuple(lessons), signed_by=signed_by)


def _parse_categories(raw: list[Any]) -> tuple[Category, ...]:
    cats: dict[str, Category] = {c.id: c for c in BUILTIN_CATEGORIES}
    seen: set[str] = set()
    for i, item in enumerate(raw):
        f = Fields(item, f"categories[{i}]")
        cid = f.str("id", required=True)
        if not CATEGORY_ID_RE.fullmatch(cid):
            raise f.fail("id", f"{show(cid)} must be lower-case letters, digits, '_' or '-'")
        if cid in seen:
            raise f.fail("id", f"{show(cid)} is a duplicate")
        seen.add(cid)
        base = cats.get(cid)
        color = f.str("color") or None
        if color and not COLOR_RE.fullmatch(color):
            raise f.fail("color", f"{show(color, 20)} must look like #1a2b3c")
        underline = f.str("underline") or None
        if underline and underline not in UNDERLINE_STYLES:
            raise f.fail("underline", f"must be one of {', '.join(UNDERLINE_STYLES)}")
        cats[cid] = Category(
            id=cid,
            name=f.line("name", LIMITS["category name"], required=base is None)
            or (base.name if base else cid),
            description=f.block("description", LIMITS["category description"])
            or (base.description if base else ""),
            color=color,
            underline=underline,
        )
    return tuple(cats.values())


def parse_lesson(raw: Any, index: int, known_categories: Iterable[str]) -> Lesson:
    """Validate one lesson object of a pack (``index`` is its place in ``lessons``)."""
    f = Fields(raw, f"lessons[{index}]")
    lid = f.str("id", required=True)
    if not LESSON_ID_RE.fullmatch(lid):
        raise f.fail("id", f"{show(lid, 70)} must match [a-z0-9][a-z0-9-]{{0,63}}")
    f.ctx = f"lesson '{lid}'"
    title = f.line("title", LIMITS["title"], required=True)  # app.core.textrules
    text = f.str("text", required=True)
    if len(text) > MAX_TEXT_CHARS:
        raise f.fail("text", f"is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    bad = UNSHOWABLE.search(text)
    if bad:
        raise f.fail("text", f"holds the character U+{ord(bad.group()):04X} at offset "
                             f"{bad.start()}; use \\n line breaks and printable text only")
    level = f.str("level")
    if level and level not in LEVELS:
        raise f.fail("level", f"must be one of {', '.join(LEVELS)}, got {show(level, 30)}")
    mode = f.str("mode") or "practice"
    if mode not in MODES:
        raise f.fail("mode", f"must be one of {', '.join(MODES)}, got {show(mode, 30)}")
    src = Fields(raw.get("source") or {}, f"lesson '{lid}': source")
    source = Source(
        outlet=src.line("outlet", LIMITS["outlet"]), author=src.line("author", LIMITS["author"]),
        published=src.line("published", LIMITS["published"]), url=src.line("url", LIMITS["url"]),
    )
    known = set(known_categories)
    cats_raw = f.list("categories")
    if cats_raw is None:
        cats: tuple[str, ...] = ("unsupported_claim", "loaded_language")
    else:
        if not cats_raw:
            raise f.fail("categories", "is empty")
        for j, c in enumerate(cats_raw):
            if not isinstance(c, str):
                raise f.fail(f"categories[{j}]", "must be a category id string")
            if c not in known:
                raise f.fail(f"categories[{j}]", f"{show(c)} is not a category of this pack")
        if len(set(cats_raw)) != len(cats_raw):
            raise f.fail("categories", "lists a category twice")
        cats = tuple(cats_raw)
    key_raw = f.list("key")
    key = None if key_raw is None else parse_key(key_raw, text, cats, lid)
    return Lesson(
        id=lid, title=title, text=text, source=source, level=level,
        unit=f.line("unit", LIMITS["unit"]),
        instructions=f.block("instructions", LIMITS["instructions"]),
        teacher_notes=f.block("teacher_notes", LIMITS["teacher_notes"]), categories=cats,
        key=key, mode=mode,
    )


def parse_key(raw: list[Any], text: str, labels: Sequence[str], lid: str) -> tuple[KeySpan, ...]:
    spans: list[KeySpan] = []
    for i, item in enumerate(raw):
        ctx = f"lesson '{lid}': key[{i}]"
        f = Fields(item, ctx)
        start, end = f.int("start"), f.int("end")
        f.ctx = ctx = f"{ctx} [{start}, {end})"
        if not 0 <= start < end <= len(text):
            why = "reversed or empty" if end <= start else f"outside the text (0..{len(text)})"
            raise FormatError(f"{ctx}: offsets are {why}")
        label = f.str("label", required=True)
        if label not in labels:
            raise f.fail("label", f"{show(label)} is not one of the lesson's categories")
        quote = f.str("quote", required=True)
        if quote != text[start:end]:
            raise f.fail("quote", f"{show(quote)} does not match the text there "
                                  f"({show(text[start:end])})")
        spans.append(KeySpan(start, end, label, quote,
                             f.block("explanation", LIMITS["explanation"]),
                             f.bool("required", True)))
    check_key_overlaps(spans, lid)
    return tuple(spans)


def check_key_overlaps(spans: Sequence[KeySpan], lid: str) -> None:
    """Key spans of the same label may not overlap."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i].label, spans[i].start))
    for a, b in zip(order, order[1:], strict=False):
        s, t = spans[a], spans[b]
        if s.label == t.label and t.start < s.end:
            raise FormatError(
                f"lesson '{lid}': key[{b}] [{t.start}, {t.end}) overlaps key[{a}] "
                f"[{s.start}, {s.end}) of the same label '{s.label}'"
            )


def lesson_to_json(lesson: Lesson, include_key: bool = True,
                   include_notes: bool = False) -> dict[str, Any]:
    """A lesson as a pack holds it. Teacher notes only with ``include_notes`` (a pack for
    another instructor): never in a pack for students (formats.md)."""
    out: dict[str, Any] = {"id": lesson.id, "title": lesson.title}
    src = {k: v for k, v in vars(lesson.source).items() if v}
    if src:
        out["source"] = src
    for name in ("level", "unit", "instructions"):
        if getattr(lesson, name):
            out[name] = getattr(lesson, name)
    if include_notes and lesson.teacher_notes:
        out["teacher_notes"] = lesson.teacher_notes
    out["text"] = lesson.text
    out["categories"] = list(lesson.categories)
    if lesson.mode != "practice":
        out["mode"] = lesson.mode
    if include_key and lesson.key is not None:
        out["key"] = [
            {"start": k.start, "end": k.end, "label": k.label, "quote": k.quote,
             "explanation": k.explanation, "required": k.required}
            for k in lesson.key
        ]
    return out


def pack_to_json(pack: Pack, include_keys: bool = True,
                 include_notes: bool = False) -> dict[str, Any]:
    used = {c for lesson in pack.lessons for c in lesson.categories}
    cats = []
    for c in pack.categories:
        if c.id not in used:
            continue
        d: dict[str, Any] = {"id": c.id, "name": c.name, "description": c.description}
        if c.color:
            d["color"] = c.color
        if c.underline:
            d["underline"] = c.underline
        cats.append(d)
    return {
        "format": PACK_FORMAT,
        "version": 2,
        "categories": cats,
        "lessons": [lesson_to_json(le, include_keys, include_notes) for le in pack.lessons],
    }


def write_pack(path: str | os.PathLike[str], pack: Pack, include_keys: bool = True,
               include_notes: bool = False, signer: Any = None) -> None:
    """Write a pack (version 2), signed when ``signer`` (``app.core.signing.Signer``)."""
    doc = pack_to_json(pack, include_keys, include_notes)
    write_json_atomic(path, signer.sign(doc) if signer is not None else doc)
