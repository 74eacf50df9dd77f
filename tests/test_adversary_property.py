"""Issue 22, "Tests": no sequence of imports of student-made files changes a grade already
recorded, or an override (hypothesis).

Each example starts from a copy of one instructor's database where Ana, Ben and Cleo have
graded attempts on a practice lesson and an assessment, two of them overridden, and imports
one to three rounds of random bundles written by hand: any times (RFC 3339, with offsets,
the same second as a recorded attempt), attempt numbers, machines, ``after_key`` flags,
version 1 or 2, ids from a small pool (the recorded attempts' among them) in either case,
duplicates, and the students' names spelled in other ways. After every round, every grade
recorded before it is still there, with the same attempt, score and override.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from adversary_helpers import BEN_FORTY, PERFECT, PRACTICE, TEST, UC, teacher_pack, uid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import UserError
from app.core.packs import parse_pack
from app.services.library import import_pack
from app.services.results.bundles import import_bundles
from app.store.repo import open_repo

RECORDED_AT = "2026-11-21T10:00:00Z"
NAMES = {  # the same three students, spelled as a student might type them
    "Ana P.": ["Ana P.", "ana p.", "ANA  P.", "Ana\u200b P.", "Ａｎａ P."],
    "Ben K.": ["Ben K.", "ben k.", " Ben K. ", "Ben\u00a0K."],
    "Cleo Z.": ["Cleo Z.", "CLEO Z."],
}
SPANS = [[], PERFECT, BEN_FORTY, [(0, 12, UC)], [(106, 121, UC)]]


def _recorded_bundle() -> dict:
    """What the instructor had before any attack: one bundle per student, imported."""
    subs = []
    for n, (name, spans) in enumerate([("Ana P.", [(0, 12, UC)]), ("Ben K.", BEN_FORTY),
                                       ("Cleo Z.", [])]):
        for k, lesson in enumerate((PRACTICE, TEST)):
            subs.append({"submission_id": uid(2 * n + k), "attempt": 1, "lesson": lesson,
                         "student": name, "submitted_at": RECORDED_AT, "after_key": False,
                         "highlights": [{"start": a, "end": b, "label": lab}
                                        for a, b, lab in spans]})
    return {"format": "close-reader/submissions", "version": 2, "machine": "machine-a",
            "exported_at": RECORDED_AT, "submissions": subs}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("adversary-property") / "teacher.db"
    r = open_repo(db)
    try:
        import_pack(r, parse_pack(teacher_pack()))
        path = db.parent / "first.json"
        path.write_text(json.dumps(_recorded_bundle()), encoding="utf-8")
        import_bundles(r, [path])
        g = r.grades()
        ben, ana = r.student("Ben K.").id, r.student("Ana P.").id
        r.set_review(g[(ben, TEST)].submission_id, 40, "partial credit", "see me")
        r.set_review(g[(ana, PRACTICE)].submission_id, 90, "good margin notes", "")
        assert len(g) == 6 and all(x.submission_id for x in g.values())
    finally:
        r.database.close()
    return db


def _copy(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def _snapshot(repo) -> dict:
    rows = repo.db.execute(
        "SELECT student_id, lesson_id, submission_id, score, override_score, override_reason, "
        "comment FROM submissions WHERE graded = 1").fetchall()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


# -- random student-made files ---------------------------------------------------------
_ids = st.integers(0, 11).map(uid)  # 0-5: the recorded attempts' ids; 6-11: new ones
_stamps = st.one_of(
    st.just(RECORDED_AT),
    st.sampled_from(["2026-W01-1", "2026-11-21T10:00:00"]),  # refuse the file: all or nothing
    st.builds(lambda y, mo, d, h, mi, s, off: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:"
              f"{s:02d}{off}", st.integers(1970, 2100), st.integers(1, 12), st.integers(1, 28),
              st.integers(0, 23), st.integers(0, 59), st.integers(0, 59),
              st.sampled_from(["Z", "+00:00", "-23:59", "+14:00", ".5Z", ".999999999-01:00"])))


@st.composite
def _attempt(draw) -> dict:
    student = draw(st.sampled_from(sorted(NAMES)))
    sid = draw(_ids)
    return {"submission_id": sid.upper() if draw(st.booleans()) else sid,
            "attempt": draw(st.integers(1, 5)),
            "lesson": draw(st.sampled_from([PRACTICE, TEST])),
            "student": draw(st.sampled_from(NAMES[student])),
            "submitted_at": draw(_stamps),
            "after_key": draw(st.booleans()),
            "highlights": [{"start": a, "end": b, "label": lab}
                           for a, b, lab in draw(st.sampled_from(SPANS))]}


@st.composite
def _bundle(draw) -> dict:
    version = draw(st.sampled_from([1, 2]))
    subs = draw(st.lists(_attempt(), min_size=1, max_size=4,
                         unique_by=lambda s: s["submission_id"].lower()))
    if version == 1:
        subs = [{k: v for k, v in s.items() if k != "after_key"} for s in subs]
    return {"format": "close-reader/submissions", "version": version,
            "machine": draw(st.sampled_from(["machine-a", "machine-b", "0", "", "made-up"])),
            "exported_at": RECORDED_AT, "submissions": subs}


_rounds = st.lists(st.lists(_bundle(), min_size=1, max_size=2), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rounds=_rounds)
def test_no_sequence_of_student_files_changes_a_recorded_grade(template, rounds):
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        db = where / "teacher.db"
        _copy(template, db)
        r = open_repo(db)
        try:
            first = _snapshot(r)
            overrides = {k: v[2:4] for k, v in first.items() if v[2] is not None}
            assert len(first) == 6 and len(overrides) == 2
            for i, files in enumerate(rounds):
                before = _snapshot(r)
                paths = []
                for j, b in enumerate(files):
                    p = where / f"round{i}-{j}.json"
                    p.write_text(json.dumps(b, ensure_ascii=False), encoding="utf-8")
                    paths.append(p)
                # a refused file (all or nothing): then nothing may have changed
                with contextlib.suppress(UserError):
                    import_bundles(r, paths)
                after = _snapshot(r)
                for k, v in before.items():
                    assert after.get(k) == v, (k, v, after.get(k), files)
                # one graded attempt at most per student and lesson
                assert r.db.execute("SELECT COUNT(*) FROM (SELECT 1 FROM submissions WHERE "
                                    "graded = 1 GROUP BY student_id, lesson_id HAVING "
                                    "COUNT(*) > 1)").fetchone()[0] == 0
                # the instructor's overrides win: every shown grade is the override
                g = r.grades()
                for k, (score, _reason) in overrides.items():
                    assert g[k].value == score
        finally:
            r.database.close()
