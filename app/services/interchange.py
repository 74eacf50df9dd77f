"""Lessons and students' highlights out to other tools: W3C Web Annotation, PTC
folders and doccano JSONL (formats.md, "Annotation interchange")."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from app.core.errors import UserError
from app.core.jsonfile import write_json_atomic
from app.core.packs import Pack
from app.interop import doccano, ptc, w3c
from app.store.repo import Repo, now_iso

FORMAT_NAMES = {"w3c": "W3C Web Annotations", "ptc": "a PTC folder", "doccano": "doccano JSONL"}


def lessons_pack(repo: Repo, ids: Sequence[str], include_keys: bool = True,
                 assessment_keys: bool = False) -> Pack:
    """The lessons as a pack, keys included unless ``include_keys`` is false; an
    assessment lesson's key only with ``assessment_keys`` (formats.md)."""
    lessons = []
    for lid in dict.fromkeys(ids):
        le = repo.get_lesson(lid, with_key=include_keys)
        if include_keys and le.mode == "assessment" and not assessment_keys:
            le = replace(le, key=None)
        lessons.append(le if include_keys else replace(le, key=None))
    cats = repo.categories()
    used = {c for le in lessons for c in le.categories}
    return Pack(tuple(cats[c] for c in cats if c in used), tuple(lessons))


def export_lessons_as(repo: Repo, ids: Sequence[str], fmt: str, out: str | os.PathLike[str],
                      include_keys: bool = True, assessment_keys: bool = False,
                      include_notes: bool = False) -> str:
    """Write the lessons as ``fmt`` (w3c, ptc, doccano); returns a line saying what."""
    pack = lessons_pack(repo, ids, include_keys, assessment_keys)
    compared = [le.id for le in pack.lessons if le.is_compare]
    if compared:  # a grid has no spans to annotate (formats.md, "Comparisons")
        raise UserError(f"'{compared[0]}' is a comparison: it has no spans to write as "
                        f"{FORMAT_NAMES.get(fmt, fmt)}; export it as a lesson pack")
    if fmt == "w3c":
        write_json_atomic(out, w3c.keys_collection(pack.lessons, now_iso()))
    elif fmt == "ptc":
        ptc.write_folder(out, pack, include_keys, include_notes)
    elif fmt == "doccano":
        out = doccano.write_jsonl(out, pack, include_keys, include_notes)  # a .jsonl name
    else:
        raise ValueError(f"unknown format {fmt!r}")
    n = len(pack.lessons)
    spans = sum(len(le.key or ()) for le in pack.lessons)
    held = [le.id for le in pack.lessons if le.mode == "assessment" and le.key is None]
    note = (f"; keys of assessment lessons left out: {', '.join(held)} "
            "(--with-assessment-keys writes them)") if held and include_keys else ""
    return (f"Exported {n} lesson{'s' * (n != 1)} with {spans} key span{'s' * (spans != 1)} "
            f"as {FORMAT_NAMES[fmt]} to {out}{note}")


def export_highlights_w3c(repo: Repo, path: str | os.PathLike[str],
                          student: str | None = None) -> tuple[int, int]:
    """Every stored attempt's highlights (one student's, or all) as W3C Web Annotations.
    Returns (highlights written, highlights left out because their lesson is not here
    or its text changed)."""
    sid = repo.student(student, create=False).id if student is not None else None
    subs = repo.submissions(student_id=sid, with_reports=False)
    texts: dict[str, str] = {}
    for lid in {s.lesson_id for s in subs}:
        try:
            texts[lid] = repo.get_lesson(lid).text
        except UserError:  # a lesson not on this machine: its highlights are counted out
            continue
    works = [w3c.StudentWork(s.submission_id, s.lesson_id, s.student, s.submitted_at,
                             s.highlights) for s in subs]
    coll, skipped = w3c.highlights_collection(works, texts, now_iso())
    write_json_atomic(path, coll)
    return coll["total"], skipped
