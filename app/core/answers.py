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
UUID_RE = re.compile(r"[0-9a-fA-F-]{8,64}")


@record
class Answers:
    lesson: str
    student: str
    submitted_at: str
    highlights: tuple[Highlight, ...]


@record
class BundledSubmission:
    submission_id: str
    attempt: int
    lesson: str
    student: str
    submitted_at: str
    highlights: tuple[Highlight, ...]


@record
class Bundle:
    machine: str
    exported_at: str
    submissions: tuple[BundledSubmission, ...]


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
    f.header(BUNDLE_FORMAT)
    subs: list[BundledSubmission] = []
    seen: set[str] = set()
    for i, item in enumerate(f.list("submissions", required=True) or []):
        ctx = f"submissions[{i}]"
        s = Fields(item, ctx)
        sid = s.str("submission_id", required=True)
        if not UUID_RE.fullmatch(sid):
            raise s.fail("submission_id", f"{show(sid)} is not a submission id")
        if sid in seen:
            raise s.fail("submission_id", f"'{sid}' appears twice in the bundle")
        seen.add(sid)
        attempt = s.int("attempt", required=False, default=1)
        if not 1 <= attempt <= 1_000_000:
            raise s.fail("attempt", "must be a whole number from 1 to 1,000,000")
        student = s.student()  # one line, visible, at most MAX_NAME (app.core.names)
        subs.append(BundledSubmission(
            submission_id=sid, attempt=attempt, lesson=s.str("lesson", required=True),
            student=student, submitted_at=s.str("submitted_at"),
            highlights=_parse_highlights(s.list("highlights"), ctx),
        ))
    return Bundle(machine=f.str("machine"), exported_at=f.str("exported_at"),
                  submissions=tuple(subs))


def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    return read_validated(path, parse_bundle)


def bundle_to_json(b: Bundle) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT, "version": 1, "machine": b.machine,
        "exported_at": b.exported_at,
        "submissions": [
            {"submission_id": s.submission_id, "attempt": s.attempt, "lesson": s.lesson,
             "student": s.student, "submitted_at": s.submitted_at,
             "highlights": [highlight_json(h) for h in s.highlights]}
            for s in b.submissions
        ],
    }


def write_bundle(path: str | os.PathLike[str], b: Bundle) -> None:
    write_json_atomic(path, bundle_to_json(b))
