"""Helpers shared by the classroom-results tests: bundles written as a student
machine would, and a small hand-checked classroom on the sample lesson."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
PACK = DATA / "sample-pack.json"
LESSON = "sample-budget"
UC, LL = "unsupported_claim", "loaded_language"


def sid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def hl(start: int, end: int, label: str, note: str = "") -> dict[str, Any]:
    d: dict[str, Any] = {"start": start, "end": end, "label": label}
    if note:
        d["note"] = note
    return d


def attempt(n: int, student: str, highlights: list[dict], lesson: str = LESSON,
            attempt: int = 1, at: str = "2026-11-21T10:00:00Z") -> dict[str, Any]:
    return {"submission_id": sid(n), "attempt": attempt, "lesson": lesson, "student": student,
            "submitted_at": at, "highlights": highlights}


def bundle(machine: str, *subs: dict[str, Any]) -> dict[str, Any]:
    return {"format": "close-reader/submissions", "version": 1, "machine": machine,
            "exported_at": "2026-11-21T11:00:00Z", "submissions": list(subs)}


def write(path: Path, obj: Any) -> Path:
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path


def count(repo) -> int:
    return len(repo.submissions(with_reports=False))


def pack_with(changes: dict[str, Any] | None = None, drop_key: int | None = None,
              keys: bool = True) -> dict[str, Any]:
    """The sample pack, optionally with a key span dropped or all keys left out."""
    data = json.loads(PACK.read_text(encoding="utf-8"))
    for le in data["lessons"]:
        if not keys:
            le.pop("key", None)
        elif drop_key is not None and le["id"] == LESSON:
            del le["key"][drop_key]
        le.update(changes or {})
    return data


# A small classroom, hand-computed (tests/test_results_views.py):
#   key: K1 [0,45) UC "Experts warn … fail", K2 [22,30) LL "reckless",
#        K3 [106,121) UC optional "Critics call it", K4 [124,145) LL "disastrous power grab"
#   Ana: everything                                   -> score 100
#   Ben: UC "Experts warn", UC on K4 (wrong category), LL "Ana Ruiz" (extra) -> 14
#   Cleo: LL "reckless", LL "disastrous", UC "mayor, Ana Ruiz" (extra) -> 57;
#         her second attempt (after feedback) copies the key -> 100
CLASS = bundle(
    "machine-1",
    attempt(1, "Ana", [hl(0, 45, UC), hl(22, 30, LL), hl(124, 145, LL)]),
    attempt(2, "Ben", [hl(0, 12, UC), hl(124, 145, UC), hl(59, 67, LL)]),
    attempt(3, "Cleo", [hl(22, 30, LL), hl(124, 134, LL), hl(52, 67, UC)]),
    attempt(4, "Cleo", [hl(0, 45, UC), hl(22, 30, LL), hl(124, 145, LL)], attempt=2,
            at="2026-11-21T10:30:00Z"),
)


PASSWORD = "s3cret-pw"


def make_instructor(repo, password: str = PASSWORD):
    """Give a database an instructor password and its signing key, as instructor mode
    does on first use; returns the unlocked signer."""
    from app.core.password import SETTING, hash_password
    from app.services.trust import create_key_pair

    repo.set_setting(SETTING, hash_password(password))
    return create_key_pair(repo, password)
