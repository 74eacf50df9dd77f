"""Grades a teacher can trust (formats.md, "Practice and assessment", "Feedback file",
the bundle rules): one graded attempt everywhere, assessments that keep their key at
home, review and release, no side door to the key, bundles that cannot pre-empt."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from results_helpers import (
    LESSON,
    LL,
    UC,
    attempt,
    bundle,
    hl,
    make_instructor,
    pack_with,
    sid,
    write,
)

from app.core.attempts import admit, graded_attempt, may_see_key
from app.core.names import is_mixed_script, lookalikes, name_key
from app.core.packs import parse_pack, read_pack
from app.core.scoring import grade
from app.services.feedback import export_feedback, import_feedback
from app.services.grading import submit
from app.services.library import export_pack, import_pack, import_pack_report
from app.services.results.bundles import discard, export_bundle, import_bundles, keep_both
from app.services.results.classview import class_view
from app.services.results.gradebook import build_gradebook, csv_rows
from app.store.repo import KeyLocked, open_repo

ROOT = Path(__file__).resolve().parent.parent
PERFECT = [hl(0, 45, UC), hl(22, 30, LL), hl(124, 145, LL)]


# -- the rule, in the core ----------------------------------------------------------
@dataclass(frozen=True)
class A:
    submission_id: str
    attempt: int
    submitted_at: str
    machine: str = "m"
    after_key: bool = False
    graded: bool = False


def test_the_recorded_graded_attempt_is_the_grade():
    a1 = A("a", 1, "2026-01-01T10:00:00Z", graded=True)
    a2 = A("b", 2, "2025-01-01T11:00:00Z")  # claims to be older: a time is not authority
    assert graded_attempt([a2, a1]) is a1
    assert graded_attempt([A("c", 1, "2026-01-01T09:00:00Z", after_key=True)]) is None
    assert graded_attempt([]) is None


def test_admit_first_arrival_fixes_the_grade_later_ones_never_change_it():
    first = admit([], [A("x", 2, "2026-01-02T00:00:00Z", after_key=True),
                       A("y", 1, "2026-01-01T00:00:00Z")], assessment=False)
    assert (first.graded, first.practice, first.conflicts) == ("y", ("x",), ())
    here = [A("y", 1, "2026-01-01T10:00:00Z", graded=True)]
    later = admit(here, [A("z", 2, "2026-01-01T11:00:00Z")], assessment=False)
    assert (later.graded, later.practice, later.conflicts) == (None, ("z",), ())
    back = admit(here, [A("w", 1, "1970-01-01T00:00:00Z")], assessment=False)
    assert back.graded is None and back.conflicts == (("w", "earlier"),)
    again = admit(here, [A("v", 1, "2026-01-02T00:00:00Z")], assessment=True)
    assert again.conflicts == (("v", "assessment"),)
    # after release an assessment's later attempt is practice
    assert admit(here, [A("u", 2, "2026-01-03T00:00:00Z", after_key=True)],
                 assessment=True).practice == ("u",)
    # made here (the app's own submit): never a conflict
    assert admit(here, [A("t", 2, "")], assessment=False, local=True).practice == ("t",)


@settings(max_examples=60, deadline=None)
@given(st.permutations(range(5)), st.lists(st.integers(0, 3), min_size=5, max_size=5))
def test_no_later_arrival_is_ever_graded(order, hours):
    here = [A("g", 1, "2026-01-01T12:00:00Z", graded=True)]
    arriving = [A(f"s{i}", 1 + i % 2, f"2026-01-0{1 + i}T{10 + hours[i]:02d}:00:00Z")
                for i in order]
    verdict = admit(here, arriving, assessment=False)
    assert verdict.graded is None
    assert len(verdict.practice) + len(verdict.conflicts) == 5


def test_may_see_key():
    assert may_see_key("practice", True, False)
    assert not may_see_key("practice", False, False)
    assert not may_see_key("assessment", True, False)
    assert may_see_key("assessment", True, True)


def test_names_compare_after_nfkc_format_characters_and_case():
    assert name_key("Ana\u200b  P.") == name_key("ana p.") == name_key("ＡＮＡ P.")
    assert name_key("\u0410na P.") != name_key("Ana P.")  # Cyrillic А: another student…
    assert is_mixed_script("\u0410na P.") and not is_mixed_script("Ana P.")
    flags = lookalikes(["Ana P.", "\u0410na P.", "Ben"])  # …flagged to the instructor
    assert set(flags) == {"Ana P.", "\u0410na P."}


# -- practice: the first score is the grade ------------------------------------------
@pytest.fixture
def repo_with_pack(tmp_path):
    r = open_repo(tmp_path / "t.db")
    import_pack(r, parse_pack(pack_with()))
    yield r
    r.database.close()


def test_practice_empty_then_perfect_keeps_zero_everywhere(repo_with_pack, tmp_path):
    r = repo_with_pack
    ana = r.student("Ana")
    _, first = submit(r, ana.id, ana.name, LESSON, [])
    _, second = submit(r, ana.id, ana.name, LESSON,
                       [parse_pack(pack_with()).lessons[0].key[i] and _h(x)
                        for i, x in enumerate(PERFECT)])
    assert (first.score, second.score) == (0, 100)
    subs = r.submissions(ana.id, LESSON, with_reports=False)
    assert [(s.attempt, s.after_key) for s in subs] == [(1, False), (2, True)]
    gb = build_gradebook(r)
    assert csv_rows(gb) == [["Student", LESSON], ["Ana", "0"]]
    long = csv_rows(gb, long=True)
    assert [row[5:8] for row in long[1:]] == [["graded", "0", "0"],
                                              ["practice after the key", "100", ""]]
    assert class_view(r, LESSON).scores == (0,)
    assert r.statuses(ana.id)[LESSON].grade == 0
    from test_results_pdf_cli import pdf_text

    from app.services.results.report_pdf import student_report_pdf
    text = pdf_text(student_report_pdf(r, ana.id, LESSON, tmp_path / "a.pdf"))
    if text is not None:
        assert "Score: 0" in text and "Attempt 1 — graded" in text


def _h(d: dict):
    from app.core.lessons import Highlight
    return Highlight(d["start"], d["end"], d["label"])


# -- bundles cannot pre-empt ---------------------------------------------------------
@pytest.mark.parametrize("forged_first", [True, False])
def test_a_forged_bundle_with_a_known_id_is_kept_aside(repo_with_pack, tmp_path, forged_first):
    r = repo_with_pack
    genuine = write(tmp_path / "g.json", bundle("m1", attempt(1, "Ana P.", PERFECT)))
    forged = write(tmp_path / "f.json", bundle("evil", attempt(1, "Ana P.", [])))
    first, second = (forged, genuine) if forged_first else (genuine, forged)
    import_bundles(r, [first])
    summary = import_bundles(r, [second])
    assert summary.added == 0 and len(summary.conflicts) == 1
    assert sid(1)[:8] in summary.line() and "kept aside" in summary.line()
    assert "its id is here with other content" in summary.line()
    # nothing was replaced or dropped: one stored, the other kept aside
    assert len(r.submissions(with_reports=False)) == 1
    assert [c.submission_id for c in r.conflicts()] == [sid(1)]
    again = import_bundles(r, [second])  # a second import adds nothing more
    assert len(r.conflicts()) == 1 and again.added == 0
    keep_both(r, r.conflicts()[0].id)
    assert len(r.submissions(with_reports=False)) == 2 and r.conflicts() == []
    # two files in one import that disagree: the second is kept aside too
    import_bundles(r, [write(tmp_path / "x.json", bundle("m", attempt(9, "Ben", []))),
                       write(tmp_path / "y.json", bundle("n", attempt(9, "Cleo", [])))])
    assert len(r.conflicts()) == 1
    discard(r, r.conflicts()[0].id)
    assert r.conflicts() == []


def test_same_id_same_content_is_a_duplicate_not_a_conflict(repo_with_pack, tmp_path):
    b = write(tmp_path / "b.json", bundle("m1", attempt(1, "Ana P.", PERFECT)))
    import_bundles(repo_with_pack, [b])
    again = write(tmp_path / "c.json", bundle("m1", attempt(1, "ana\u200b p.", PERFECT)))
    s = import_bundles(repo_with_pack, [again])
    assert (s.duplicates, s.conflicts) == (1, ())


# -- assessment, review and release --------------------------------------------------
def assessment_pack() -> dict:
    return pack_with({"mode": "assessment"})


def test_assessment_round_trip_through_files(tmp_path):
    teacher = open_repo(tmp_path / "teacher.db")
    student = open_repo(tmp_path / "student.db")
    try:
        signer = make_instructor(teacher)
        import_pack(teacher, parse_pack(assessment_pack()))
        export_pack(teacher, [LESSON], tmp_path / "out.crpack", signer=signer)
        out = json.loads((tmp_path / "out.crpack").read_text(encoding="utf-8"))
        assert "key" not in out["lessons"][0] and out["lessons"][0]["mode"] == "assessment"
        assert "teacher_notes" not in out["lessons"][0] and out["signature"]["alg"] == "Ed25519"
        import_pack_report(student, read_pack(tmp_path / "out.crpack"), trust=True)
        ana = student.student("Ana")
        hs = [_h(x) for x in PERFECT[:2]]
        sub_id, report = submit(student, ana.id, ana.name, LESSON, hs)
        assert report is None  # no key on the student machine
        with pytest.raises(KeyLocked, match="your teacher will release"):
            student.key_for_student(ana.id, LESSON)
        with pytest.raises(Exception, match="already submitted"):
            submit(student, ana.id, ana.name, LESSON, hs)
        export_bundle(student, tmp_path / "sub.json")
        import_bundles(teacher, [tmp_path / "sub.json"])
        g = teacher.grades()[(teacher.student("Ana").id, LESSON)]
        teacher.set_review(g.submission_id, 90, "a careful note on paragraph 2", "Well read!")
        done = export_feedback(teacher, tmp_path / "fb", signer=signer)
        assert len(done.files) == 1 and done.files[0][1] == student.machine_id()
        path = done.files[0][0]
        fb = json.loads(path.read_text(encoding="utf-8"))
        assert fb["format"] == "close-reader/feedback" and fb["version"] == 2
        assert fb["results"][0]["override"] == {"score": 90,
                                                "reason": "a careful note on paragraph 2"}
        assert "teacher_notes" not in fb["lessons"][0]
        res = import_feedback(student, tmp_path / "fb")  # the folder: finds its own file
        assert (res.attached, res.skipped) == (1, 0)
        again = import_feedback(student, path)
        assert again.again and again.attached == 0  # changes nothing
        lesson = student.key_for_student(ana.id, LESSON)
        assert lesson.key is not None
        sg = student.grades()[(ana.id, LESSON)]
        expected = grade(lesson.key, hs, lesson.categories).score
        assert (sg.score, sg.value, sg.comment) == (expected, 90, "Well read!")
        assert csv_rows(build_gradebook(student)) == csv_rows(build_gradebook(teacher)) == [
            ["Student", LESSON], ["Ana", "90"]]
    finally:
        teacher.database.close()
        student.database.close()


def test_export_leaves_assessment_keys_out_unless_asked(repo_with_pack, tmp_path):
    import_pack(repo_with_pack, parse_pack(assessment_pack()), replace_existing=True)
    export_pack(repo_with_pack, [LESSON], tmp_path / "a.json", assessment_keys=True)
    assert "key" in json.loads((tmp_path / "a.json").read_text())["lessons"][0]


def test_override_needs_a_reason_and_a_range(repo_with_pack):
    ana = repo_with_pack.student("Ana")
    sub_id, _ = submit(repo_with_pack, ana.id, ana.name, LESSON, [])
    with pytest.raises(Exception, match="reason"):
        repo_with_pack.set_review(sub_id, 50, " ", "")
    with pytest.raises(Exception, match="between 0 and 100"):
        repo_with_pack.set_review(sub_id, 101, "x", "")


# -- no side door: every gated command in a real subprocess ---------------------------
def run(db: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items()
         if k not in ("CLOSE_READER_DB", "CLOSE_READER_PASSWORD", "CLOSE_READER_PASSWORD_NEW")}
    e.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *args], cwd=ROOT,
                          env=e, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, encoding="utf-8")


def test_commands_that_show_keys_or_work_need_the_password(tmp_path):
    db = tmp_path / "s.db"
    pack = write(tmp_path / "p.json", pack_with())
    assert run(db, "lessons", "import", str(pack)).returncode == 0
    answers = write(tmp_path / "ans.json", {
        "format": "close-reader/answers", "version": 1, "lesson": LESSON, "student": "x",
        "highlights": []})
    assert run(db, "grade", "--answers", str(answers), "--json").returncode == 0  # no password
    p = run(db, "instructor", "set-password", env={"CLOSE_READER_PASSWORD_NEW": "s3cret-pw"})
    assert p.returncode == 0, p.stderr
    gated = [("grade", "--answers", str(answers), "--json"),
             ("lessons", "export", LESSON, "-o", str(tmp_path / "k.json")),
             ("gradebook",), ("gradebook", "--csv", str(tmp_path / "g.csv")),
             ("feedback", "export", "-o", str(tmp_path / "f.json"))]
    for args in gated:
        p = run(db, *args)
        assert p.returncode == 1 and "needs the instructor password" in p.stderr, (args, p)
        assert "Traceback" not in p.stderr and "explanation" not in p.stdout
        wrong = run(db, *args, env={"CLOSE_READER_PASSWORD": "nope"})
        assert wrong.returncode == 1 and "not the instructor password" in wrong.stderr
    assert not (tmp_path / "k.json").exists() and not (tmp_path / "g.csv").exists()
    ok = run(db, "grade", "--answers", str(answers), "--json",
             env={"CLOSE_READER_PASSWORD": "s3cret-pw"})
    assert ok.returncode == 0 and json.loads(ok.stdout)["score"] == 0
    # without keys an export needs nothing
    assert run(db, "lessons", "export", LESSON, "-o", str(tmp_path / "n.json"),
               "--no-keys").returncode == 0
    # changing the password needs the current one
    p = run(db, "instructor", "set-password", env={"CLOSE_READER_PASSWORD_NEW": "another-pw"})
    assert p.returncode == 1 and "needs the instructor password" in p.stderr
    # reset is recorded for instructor mode to show
    assert run(db, "instructor", "reset-password", "--yes").returncode == 0
    r = open_repo(db)
    try:
        assert r.setting("instructor_password") is None
        assert r.setting("instructor_password_reset_at")
    finally:
        r.database.close()
    assert run(db, "gradebook").returncode == 0


def test_feedback_commands_round_trip(tmp_path):
    teacher, student = tmp_path / "t.db", tmp_path / "s.db"
    pw = {"CLOSE_READER_PASSWORD": "s3cret-pw"}
    pack = write(tmp_path / "p.json", assessment_pack())
    assert run(teacher, "lessons", "import", str(pack)).returncode == 0
    p = run(teacher, "instructor", "set-password", env={"CLOSE_READER_PASSWORD_NEW": "s3cret-pw"})
    assert p.returncode == 0, p.stderr
    out = run(teacher, "lessons", "export", LESSON, "-o", str(tmp_path / "s.crpack"), env=pw)
    assert out.returncode == 0 and "assessment key" in out.stdout and "signed" in out.stdout
    p = run(student, "lessons", "import", str(tmp_path / "s.crpack"), "--trust")
    assert p.returncode == 0 and "now takes feedback signed by it" in p.stdout, p.stdout
    r = open_repo(student)
    try:
        ana = r.student("Ana")
        submit(r, ana.id, ana.name, LESSON, [_h(PERFECT[0])])
    finally:
        r.database.close()
    assert run(student, "submissions", "export", "-o", str(tmp_path / "b.json")).returncode == 0
    assert run(teacher, "submissions", "import", str(tmp_path / "b.json")).returncode == 0
    p = run(teacher, "feedback", "export", "-o", str(tmp_path / "fb"), env=pw)
    assert p.returncode == 0 and "Released 1 graded attempt" in p.stdout, p.stderr
    p = run(student, "feedback", "import", str(tmp_path / "fb"))
    assert p.returncode == 0 and "1 result" in p.stdout, p.stderr
    p2 = run(student, "feedback", "import", str(tmp_path / "fb"))
    assert "already imported" in p2.stdout
    for db in (teacher, student):
        run(db, "gradebook", "--csv", str(tmp_path / f"{db.stem}.csv"), env=pw)
    t = list(csv.reader((tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()))
    s = list(csv.reader((tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert t == s and t[1][0] == "Ana" and t[1][1].isdigit()
    bad = write(tmp_path / "bad.json", {"format": "close-reader/feedback", "version": 1,
                                        "lessons": [], "results": []})
    p = run(student, "feedback", "import", str(bad))
    assert p.returncode == 1 and "Traceback" not in p.stderr and "older version" in p.stderr
