"""Answers (one student's highlights on one lesson) and submission bundles."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from app.core.errors import FormatError
from app.core.jsonfile import Fields, read_validated, show, write_json_atomic
from app.core.lessons import Highlight, Lesson
from app.core.names import MAX_NAME as MAX_NAME
from app.core.names import clean_name, name_key
from app.core.record import record

ANSWERS_FORMAT = "close-reader/answers"
BUNDLE_FORMAT = "close-reader/submissions"
# a UUID as 8-4-4-4-12 hex digits (formats.md); compared in lower case
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@record
class Answers:
    lesson: str
    student: str
    submitted_at: str
    highlights: tuple[Highlight, ...]


@record
class BundledSubmission:
    submission_id: str  # lower case
    attempt: int
    lesson: str
    student: str
    submitted_at: str
    highlights: tuple[Highlight, ...]
    after_key: bool = False  # claimed by the file (version 1: attempt > 1)
    signature: dict | None = None  # the class-code signature, as it came


@record
class Bundle:
    machine: str
    exported_at: str
    submissions: tuple[BundledSubmission, ...]
    version: int = 2
    instructor_key: str = ""  # informational: the key fingerprint that machine trusts


def normalize_student(name: str) -> str:
    """A student's identity (formats.md): see ``app.core.names.name_key``."""
    return name_key(name)


def clean_student_name(name: str) -> str:
    """The name as shown: invisible characters dropped, runs of white space folded."""
    return clean_name(name)


def _parse_highlights(raw: list[Any] | None, ctx: str) -> tuple[Highlight, ...]:
    out: list[Highlight] = []
    for i, item in enumerate(raw or []):
        f = Fields(item, f"{ctx}: highlights[{i}]")
        start, end = f.int("start"), f.int("end")
        f.ctx = f"{ctx}: highlights[{i}] [{start}, {end})"
        if start < 0 or end <= start:
            raise FormatError(f"{f.ctx}: offsets are reversed, empty or negative")
        out.append(Highlight(start, end, f.str("label", required=True), f.str("note")))
    return tuple(out)


def parse_answers(data: Any) -> Answers:
    f = Fields(data, "answers")
    f.header(ANSWERS_FORMAT)
    student = f.student()  # one line, visible, at most MAX_NAME (app.core.names)
    return Answers(
        lesson=f.str("lesson", required=True),
        student=student,
        submitted_at=f.str("submitted_at"),
        highlights=_parse_highlights(f.list("highlights"), "answers"),
    )


def read_answers(path: str | os.PathLike[str]) -> Answers:
    return read_validated(path, parse_answers)


def check_highlights(lesson: Lesson, highlights: Sequence[Highlight], ctx: str = "answers") -> None:
    """Refuse highlights out of the lesson's text or with a category it does not have."""
    n = len(lesson.text)
    for i, h in enumerate(highlights):
        where = f"{ctx}: highlights[{i}] [{h.start}, {h.end})"
        if not 0 <= h.start < h.end <= n:
            raise FormatError(f"{where}: offsets are outside the lesson text (0..{n})")
        if h.label not in lesson.categories:
            raise FormatError(
                f"{where}: label {show(h.label)} is not a category of lesson '{lesson.id}'"
            )


def answers_to_json(a: Answers) -> dict[str, Any]:
    return {
        "format": ANSWERS_FORMAT, "version": 1, "lesson": a.lesson, "student": a.student,
        "submitted_at": a.submitted_at, "highlights": [highlight_json(h) for h in a.highlights],
    }


def highlight_json(h: Highlight) -> dict[str, Any]:
    d: dict[str, Any] = {"start": h.start, "end": h.end, "label": h.label}
    if h.note:
        d["note"] = h.note
    return d


def parse_bundle(data: Any) -> Bundle:
    f = Fields(data, "bundle")
    version = f.header(BUNDLE_FORMAT, (1, 2))
    subs: list[BundledSubmission] = []
    seen: set[str] = set()
    for i, item in enumerate(f.list("submissions", required=True) or []):
        ctx = f"submissions[{i}]"
        s = Fields(item, ctx)
        sid = s.str("submission_id", required=True)
        if not UUID_RE.fullmatch(sid):
            raise s.fail("submission_id", f"{show(sid)} is not a submission id (a UUID "
                                          "like 3f2a…-…)")
        sid = sid.lower()
        if sid in seen:
            raise s.fail("submission_id", f"'{sid}' appears twice in the bundle")
        seen.add(sid)
        attempt = s.int("attempt", required=False, default=1)
        if not 1 <= attempt <= 1_000_000:
            raise s.fail("attempt", "must be a whole number from 1 to 1,000,000")
        student = s.student()  # one line, visible, at most MAX_NAME (app.core.names)
        submitted_at = _check_time(s.str("submitted_at", required=True),
                                        f"{ctx}: field 'submitted_at'")
        after_key = s.bool("after_key", attempt > 1) if version >= 2 else attempt > 1
        sig = item.get("signature") if version >= 2 else None
        if sig is not None:
            g = Fields(sig, f"{ctx}: signature")
            sig = {"alg": g.str("alg", required=True), "code": g.str("code"),
                   "mac": g.str("mac", required=True)}
            if len(sig["mac"]) > 128 or len(sig["code"]) > 64:
                raise g.fail("mac", "is not a signature")
        subs.append(BundledSubmission(
            submission_id=sid, attempt=attempt, lesson=s.str("lesson", required=True),
            student=student, submitted_at=submitted_at,
            highlights=_parse_highlights(s.list("highlights"), ctx),
            after_key=after_key, signature=sig,
        ))
    exported_at = f.str("exported_at")
    if exported_at:
        _check_time(exported_at, "bundle: field 'exported_at'")
    return Bundle(machine=f.str("machine")[:64], exported_at=exported_at,
                  submissions=tuple(subs), version=version,
                  instructor_key=f.str("instructor_key")[:64])


def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    return read_validated(path, parse_bundle)


def bundle_to_json(b: Bundle) -> dict[str, Any]:
    out: dict[str, Any] = {"format": BUNDLE_FORMAT, "version": 2, "machine": b.machine,
                           "exported_at": b.exported_at}
    if b.instructor_key:
        out["instructor_key"] = b.instructor_key
    subs = []
    for s in b.submissions:
        d: dict[str, Any] = {
            "submission_id": s.submission_id, "attempt": s.attempt, "lesson": s.lesson,
            "student": s.student, "submitted_at": s.submitted_at, "after_key": s.after_key,
            "highlights": [highlight_json(h) for h in s.highlights]}
        if s.signature:
            d["signature"] = dict(s.signature)
        subs.append(d)
    out["submissions"] = subs
    return out


def write_bundle(path: str | os.PathLike[str], b: Bundle) -> None:
    write_json_atomic(path, bundle_to_json(b))


def _check_time(stamp: str, where: str) -> str:
    from app.core.timestamps import check  # only files from outside need it

    return check(stamp, where)
