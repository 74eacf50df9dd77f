"""doccano JSONL, one lesson a line: ``{"text": …, "label": [[start, end, "label"], …]}``.

doccano's sequence-labelling export and import (doccano docs, "Export/Import dataset",
JSONL for sequence labeling) hold each example's ``text`` and its spans as
``[start, end, label]`` character offsets; older versions call the list ``labels``
(both are read). Any other field is kept by doccano as the example's metadata, so we
write the rest of the lesson beside them (``id``, ``title``, ``source``, ``unit``,
``categories``, …) and, in ``key_notes``, each span's explanation and whether it is
required: a round trip gives the same lessons and keys.

Offsets are code points (doccano's are JavaScript string indices in its UI but its
JSONL export counts Python characters, the same as ours; we test with emoji).

Reading a file made elsewhere: an example without a valid ``id`` becomes lesson
``doccano-<line>``, its title the text's first line; labels become categories
(``PER`` -> ``per``, ``Loaded Language`` -> ``loaded_language``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.errors import FormatError
from app.core.jsonfile import loads_strict, show
from app.core.lessons import BUILTIN_IDS, LESSON_ID_RE, Category
from app.core.outpaths import check_output, write_text_atomic
from app.core.packs import Pack, lesson_to_json
from app.core.textrules import LIMITS, plain_line
from app.interop.common import build_pack, category_id, category_name, key_json, merge_same_label
from app.interop.files import decode_text, read_bytes

MAX_LINES = 5000
MAX_OFFSET = 10**9  # far past the longest lesson text (200,000 characters)
META = ("title", "source", "level", "unit", "instructions", "teacher_notes", "mode",
        "categories")


# -- writing ------------------------------------------------------------------
def lesson_line(lesson_json: dict[str, Any]) -> dict[str, Any]:
    """One pack lesson (as JSON) as a doccano example."""
    key = lesson_json.get("key")
    out: dict[str, Any] = {"id": lesson_json["id"], "text": lesson_json["text"],
                           "label": [[k["start"], k["end"], k["label"]] for k in key or ()]}
    for name in META:
        if name in lesson_json:
            out[name] = lesson_json[name]
    if key:
        out["key_notes"] = [{"start": k["start"], "end": k["end"], "label": k["label"],
                             "explanation": k.get("explanation", ""),
                             "required": k.get("required", True)} for k in key]
    return out


def dumps(pack: Pack, include_keys: bool = True, include_notes: bool = False) -> str:
    cats = {c.id: c for c in pack.categories}
    lines = []
    for le in pack.lessons:
        d = lesson_line(lesson_to_json(le, include_key=include_keys,
                                       include_notes=include_notes))
        if not include_keys or le.key is None:  # no "label": no key (not an empty one)
            d.pop("label")
        info = [_category_json(cats[c]) for c in le.categories
                if c in cats and c not in BUILTIN_IDS]
        if info:
            d["category_info"] = info
        lines.append(json.dumps(d, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def jsonl_path(path: str | os.PathLike[str]) -> Path:
    """Where an export to ``path`` goes: a ``.jsonl`` name, as doccano's import expects."""
    p = Path(path)
    return p if p.suffix.lower() == ".jsonl" else p.with_name(f"{p.stem or p.name}.jsonl")


def write_jsonl(path: str | os.PathLike[str], pack: Pack, include_keys: bool = True,
                include_notes: bool = False) -> Path:
    """Write the pack as doccano JSONL to ``path`` with a ``.jsonl`` name; returns where.
    The path given is checked as given first (the database in use, a device, a pipe, a
    folder: refused, never renamed around)."""
    check_output(path)
    p = jsonl_path(path)
    write_text_atomic(p, dumps(pack, include_keys, include_notes))  # app.core.outpaths
    return p


def _category_json(c: Category) -> dict[str, Any]:
    d: dict[str, Any] = {"id": c.id, "name": c.name, "description": c.description}
    if c.color:
        d["color"] = c.color
    if c.underline:
        d["underline"] = c.underline
    return d


# -- reading ------------------------------------------------------------------
def read_jsonl(path: str | os.PathLike[str],
               categories: Sequence[Category] = ()) -> tuple[Pack, int]:
    """A doccano JSONL file as a validated pack, and how many overlapping spans of one
    label were merged. ``categories`` are the ones already known (their names are kept).
    Errors name the file and the line."""
    name = Path(path).name
    text, _ = decode_text(read_bytes(path), name)
    return parse_jsonl(text, name, categories)


def parse_jsonl(body: str, name: str = "file",
                categories: Sequence[Category] = ()) -> tuple[Pack, int]:
    known = {c.id for c in categories}
    labels: dict[str, str] = {}
    info: dict[str, dict[str, Any]] = {}
    lessons: list[dict[str, Any]] = []
    merged_total = 0
    lines = body.splitlines()
    if len([ln for ln in lines if ln.strip()]) > MAX_LINES:
        raise FormatError(f"{name}: more than {MAX_LINES} lessons")
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}: line {i}"
        try:
            raw = loads_strict(line)
        except FormatError as e:  # a key twice, NaN, Infinity, 1e400
            raise FormatError(f"{where} is not valid: {e}") from None
        except json.JSONDecodeError as e:
            raise FormatError(f"{where} is not valid JSON (column {e.colno}: {e.msg}); "
                              "is the file cut short?") from None
        except (RecursionError, ValueError):
            raise FormatError(f"{where} could not be read as JSON (nested too deep?)") from None
        if not isinstance(raw, dict):
            raise FormatError(f"{where}: expected an object with \"text\" and \"label\"")
        lesson, merged = _lesson(raw, i, where, labels, known)
        merged_total += merged
        lessons.append(lesson)
        given = raw.get("category_info")
        if isinstance(given, list):
            info.update((c["id"], c) for c in given if isinstance(c, dict)
                        and isinstance(c.get("id"), str) and c["id"] not in known)
        elif given is not None:
            raise FormatError(f"{where}: field 'category_info' must be a list")
    if not lessons:
        raise FormatError(f"{name}: holds no lessons (one JSON object a line)")
    return build_pack(lessons, labels, list(info.values()), categories), merged_total


def _lesson(raw: dict[str, Any], lineno: int, where: str, labels: dict[str, str],
            known: set[str]) -> tuple[dict[str, Any], int]:
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FormatError(f"{where}: field 'text' is missing or not text")
    spans_raw = raw.get("label", raw.get("labels"))
    if spans_raw is not None and not isinstance(spans_raw, list):
        raise FormatError(f"{where}: field 'label' must be a list of [start, end, label]")
    spans: list[tuple[int, int, str]] = []
    for j, sp in enumerate(spans_raw or []):
        at = f"{where}: label[{j}]"
        if (not isinstance(sp, list) or len(sp) != 3 or not isinstance(sp[2], str)
                or any(isinstance(x, bool) or not isinstance(x, int) for x in sp[:2])):
            raise FormatError(f"{at}: expected [start, end, \"label\"], got "
                              f"{show(json.dumps(sp, ensure_ascii=False), 40)}")
        start, end, label = sp
        if not 0 <= start < end <= len(text):
            why = ("reversed or empty" if end <= start
                   else f"outside the text (0..{len(text)})")
            raise FormatError(f"{at}: offsets [{start}, {end}) are {why}")
        cid = label if label in known else category_id(label, at)
        labels.setdefault(cid, category_name(label))
        spans.append((start, end, cid))
    spans, merged = merge_same_label(spans)
    notes = _notes(raw.get("key_notes"), where)
    lid = raw.get("id")
    if not (isinstance(lid, str) and LESSON_ID_RE.fullmatch(lid)):
        lid = f"doccano-{lineno}"
    out: dict[str, Any] = {"id": lid, "text": text}
    for name in META:
        if name in raw:
            out[name] = raw[name]
    if not isinstance(out.get("title"), str) or not out["title"].strip():
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), lid)
        out["title"] = plain_line(first, LIMITS["title"]) or lid  # no ESC, C1 or bidi
    used = [c for c in dict.fromkeys(c for _, _, c in spans)]
    cats = out.get("categories")
    if isinstance(cats, list):
        out["categories"] = cats + [c for c in used if c not in cats]
    elif used:
        out["categories"] = used
    if spans_raw is not None:
        out["key"] = key_json(text, spans, notes)
    return out, merged


def _notes(raw: Any, where: str) -> dict[tuple[int, int, str], dict[str, Any]]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise FormatError(f"{where}: field 'key_notes' must be a list")
    out: dict[tuple[int, int, str], dict[str, Any]] = {}
    for j, n in enumerate(raw):
        if not isinstance(n, dict):
            raise FormatError(f"{where}: key_notes[{j}] must be an object")
        start, end, label = n.get("start"), n.get("end"), n.get("label")
        if (any(isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= MAX_OFFSET
                for x in (start, end)) or not isinstance(label, str)):
            raise FormatError(f"{where}: key_notes[{j}] needs start and end (whole numbers "
                              "0 or more) and label (text)")
        k = (start, end, label)
        expl, req = n.get("explanation", ""), n.get("required", True)
        if not isinstance(expl, str) or not isinstance(req, bool):
            raise FormatError(f"{where}: key_notes[{j}]: explanation must be text and "
                              "required true or false")
        out[k] = {"explanation": expl, "required": req}
    return out
