"""The feedback file (instructor → students; formats.md, "Feedback file", version 2): for
one student machine, the results released to its students and the keys of those
lessons; signed by the instructor, numbered so an older file never reverts a newer one."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from app.core.answers import UUID_RE
from app.core.errors import FormatError
from app.core.jsonfile import Fields, read_validated, show, write_json_atomic
from app.core.lessons import LESSON_ID_RE, Category, Lesson
from app.core.packs import Pack, pack_to_json, parse_pack
from app.core.record import record

FEEDBACK_FORMAT = "close-reader/feedback"


@record
class Result:
    submission_id: str
    lesson: str
    student: str
    score: int | None
    override: int | None = None
    reason: str = ""
    comment: str = ""


@record
class Feedback:
    exported_at: str
    categories: tuple[Category, ...]
    lessons: tuple[Lesson, ...]
    results: tuple[Result, ...]
    machine: str = ""  # the student machine it is for
    sequence: int = 0  # the instructor's export count
    signed_by: bytes | None = None  # the verified Ed25519 key that signed it


OLD_VERSION = ("this feedback file comes from an older version of Close Reader and is not "
               "signed; ask your teacher to export the feedback again")


def parse_feedback(data: Any) -> Feedback:
    f = Fields(data, "feedback")
    if isinstance(data, dict) and data.get("format") == FEEDBACK_FORMAT \
            and data.get("version") == 1:
        raise FormatError(OLD_VERSION)
    f.header(FEEDBACK_FORMAT, (2,))
    from app.core.signing import signed_by as verify

    signed = verify(data, "feedback")
    sequence = f.int("sequence")
    if not 1 <= sequence <= 2**53:
        raise f.fail("sequence", "must be a whole number from 1")
    machine = f.str("machine", required=True)
    if not 1 <= len(machine) <= 64:
        raise f.fail("machine", "is not a machine id")
    exported_at = f.str("exported_at")
    if exported_at:
        _check_time(exported_at, "feedback: field 'exported_at'")
    # the lessons part is a lesson pack's, with the same rules and messages
    pack = parse_pack({"format": "close-reader/lesson-pack", "version": 1,
                       "categories": f.list("categories") or [],
                       "lessons": f.list("lessons", required=True)})
    for le in pack.lessons:
        if le.key is None:
            raise FormatError(f"feedback: lesson '{le.id}' has no key")
    ids = {le.id for le in pack.lessons}
    results: list[Result] = []
    seen: set[str] = set()
    for i, item in enumerate(f.list("results", required=True) or []):
        r = Fields(item, f"feedback: results[{i}]")
        sid = r.str("submission_id", required=True)
        if not UUID_RE.fullmatch(sid):
            raise r.fail("submission_id", f"{show(sid)} is not a submission id")
        sid = sid.lower()
        if sid in seen:
            raise r.fail("submission_id", f"'{sid}' appears twice")
        seen.add(sid)
        lesson = r.str("lesson", required=True)
        if not LESSON_ID_RE.fullmatch(lesson) or lesson not in ids:
            raise r.fail("lesson", f"{show(lesson)} is not one of the file's lessons")
        score = _score(r, item, "score")
        override, reason = None, ""
        if item.get("override") is not None:
            o = Fields(item["override"], f"feedback: results[{i}]: override")
            override = _score(o, item["override"], "score")
            reason = o.str("reason")
            if override is None:
                raise o.fail("score", "is required")
        results.append(Result(sid, lesson, r.student(), score, override, reason,
                              r.str("comment")))
    return Feedback(exported_at, pack.categories, pack.lessons, tuple(results), machine,
                    sequence, signed)


def _score(f: Fields, raw: dict, name: str) -> int | None:
    if raw.get(name) is None:
        return None
    v = f.int(name)
    if not 0 <= v <= 100:
        raise f.fail(name, f"must be between 0 and 100, got {v}")
    return v


def read_feedback(path: str | os.PathLike[str]) -> Feedback:
    return read_validated(path, parse_feedback)


def feedback_to_json(fb: Feedback) -> dict[str, Any]:
    pack = pack_to_json(Pack(fb.categories, fb.lessons), include_keys=True)
    results = []
    for r in fb.results:
        d: dict[str, Any] = {"submission_id": r.submission_id, "lesson": r.lesson,
                             "student": r.student, "score": r.score}
        if r.override is not None:
            d["override"] = {"score": r.override, "reason": r.reason}
        if r.comment:
            d["comment"] = r.comment
        results.append(d)
    return {"format": FEEDBACK_FORMAT, "version": 2, "exported_at": fb.exported_at,
            "machine": fb.machine, "sequence": fb.sequence,
            "categories": pack["categories"], "lessons": pack["lessons"], "results": results}


def write_feedback(path: str | os.PathLike[str], fb: Feedback, signer: Any) -> None:
    """Write the file signed by ``signer`` (``app.core.signing.Signer``)."""
    write_json_atomic(path, signer.sign(feedback_to_json(fb)))


def lesson_ids(results: Sequence[Result]) -> list[str]:
    return list(dict.fromkeys(r.lesson for r in results))


def _check_time(stamp: str, where: str) -> str:
    from app.core.timestamps import check  # only files from outside need it

    return check(stamp, where)
