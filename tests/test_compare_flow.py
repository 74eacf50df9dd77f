"""A comparison through every path a lesson takes: a pack imported into real SQLite
files, a student's grid submitted and graded, a bundle carried to the instructor's
database, the gradebook, the class view, feedback files, packs read by an older reader,
and the real ``close-reader`` program."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.compare.model import CellAnswer, GridAnswer, VerdictAnswer
from app.core.errors import FormatError, UserError
from app.core.packs import read_pack
from app.services.compare.grading import submit_grid
from app.services.compare.student import open_comparison, save_grid_draft
from app.services.library import export_pack, import_pack, import_pack_report
from app.store.repo import open_repo

DATA = Path(__file__).parent / "data"
PACK = DATA / "compare-pack.json"
LID = "compare-bridge"


def grid(**cells: str) -> GridAnswer:
    """``closes_a="named"`` …: claim_article → choice; verdicts as the key's, first entry."""
    out = []
    for k, v in cells.items():
        claim, art = k.rsplit("_", 1)
        out.append(CellAnswer(claim, f"compare-{art}", v))
    return GridAnswer(tuple(out), (VerdictAnswer("closes", "confirmed", ("council-minutes",)),
                                   VerdictAnswer("warnings", "contested", ("inspection-2019",)),
                                   VerdictAnswer("cost", "unsupported", ())))


GOOD = dict(closes_a="named", closes_b="unnamed", warnings_a="unnamed", warnings_b="against",
            cost_a="named", cost_b="none")


@pytest.fixture
def loaded(repo):
    import_pack(repo, read_pack(PACK))
    return repo


def test_import_keeps_everything_and_round_trips(loaded, tmp_path):
    le = loaded.get_lesson(LID, with_key=True)
    assert le.is_compare and le.key == () and le.comparison.key is not None
    assert [c.id for c in le.comparison.claims] == ["closes", "warnings", "cost"]
    assert le.comparison.entry("who-story-b").articles == ("compare-b",)
    student_view = loaded.get_lesson(LID)
    assert student_view.key is None and student_view.comparison.key is None  # no key
    out = tmp_path / "out.crpack"
    export_pack(loaded, [LID], out)  # the articles come along
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"] == 3
    assert [x["id"] for x in data["lessons"]] == ["compare-a", "compare-b", LID]
    again = read_pack(out)
    assert again.lessons[-1] == le  # nothing lost on the way out and back
    export_pack(loaded, ["compare-a"], out)  # no comparison: written as before (signed: 2)
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == 2


def test_no_keys_pack_leaves_the_grid_key_out(loaded, tmp_path):
    out = tmp_path / "students.crpack"
    export_pack(loaded, [LID], out, include_keys=False)
    raw = json.loads(out.read_text(encoding="utf-8"))
    cmp = next(x for x in raw["lessons"] if x["id"] == LID)
    assert "key" not in cmp and "verdict" not in json.dumps(cmp)
    assert "teacher_notes" not in cmp


@pytest.mark.parametrize("old", [(1,), (1, 2)])
def test_old_reader_refuses_a_version_3_pack_in_one_line(old):
    """What an older Close Reader does with a pack holding a comparison (formats.md):
    its reader accepted version 1 (or 1 and 2, signed packs) only."""
    from app.core.jsonfile import Fields

    data = json.loads(PACK.read_text(encoding="utf-8"))
    with pytest.raises(FormatError, match="'version' 3 is not supported"):
        Fields(data, "pack").header("close-reader/lesson-pack", old)


def test_a_comparison_in_a_version_1_or_2_pack_is_refused(tmp_path):
    data = json.loads(PACK.read_text(encoding="utf-8"))
    data["version"] = 2
    p = tmp_path / "p.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FormatError, match="needs a version-3 pack"):
        read_pack(p)


def test_articles_must_be_here_or_in_the_pack(repo, tmp_path):
    data = json.loads(PACK.read_text(encoding="utf-8"))
    data["lessons"] = data["lessons"][1:]  # compare-a left out
    p = tmp_path / "p.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FormatError, match="'compare-a' is neither in the pack nor on this"):
        import_pack(repo, read_pack(p))
    assert repo.lesson_ids() == []  # all or nothing


def test_passages_must_quote_the_article(tmp_path):
    data = json.loads(PACK.read_text(encoding="utf-8"))
    data["lessons"][2]["comparison"]["claims"][0]["passages"][0]["quote"] = "something else"
    p = tmp_path / "p.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FormatError, match=r"claims\[0\] 'closes'.passages\[0\].*'quote'"):
        read_pack(p)


@pytest.mark.parametrize("change, parts", [
    (lambda c: c["key"]["verdicts"].pop(), ["claim 'cost' has no verdict"]),
    (lambda c: c["key"]["verdicts"][0].update(verdict="true"), ["verdicts[0]", "'verdict'"]),
    (lambda c: c["key"]["verdicts"][0].update(backing=["nope"]), ["backing[0]", "'nope'"]),
    (lambda c: c["key"]["cells"][0].update(support="maybe"), ["cells[0]", "'support'"]),
    (lambda c: c["key"]["cells"].append(dict(c["key"]["cells"][0])), ["a second cell"]),
    (lambda c: c["comparison"].update(articles=["compare-a"]), ["'articles'", "2 to 8"]),
    (lambda c: c["comparison"]["claims"].append({"id": "closes", "statement": "x"}),
     ["'closes' is a duplicate"]),
    (lambda c: c["comparison"]["dossier"][0].update(date="last May"), ["'date'"]),
    (lambda c: c["comparison"]["dossier"][0].update(says=""), ["'says'"]),
    (lambda c: c.update(categories=["unsupported_claim"]), ["'categories'"]),
    (lambda c: c.update(kind="read"), ["'comparison'", "compare"]),
    (lambda c: c.update(key=[]), ["'key'", "object"]),
    # outside text is plain text on one line where it is a heading (app.core.textrules)
    (lambda c: c["comparison"]["claims"][0].update(statement="Troops \u202efought"),
     ["claims[0]", "'statement'"]),
    (lambda c: c["comparison"]["dossier"][0].update(title="Minutes\nsecond line"),
     ["dossier[0]", "'title'"]),
    (lambda c: c["comparison"]["dossier"][0].update(says="\x1b[2J cleared"),
     ["dossier[0]", "'says'"]),
])
def test_bad_comparisons_are_refused_naming_the_part(tmp_path, change, parts):
    data = json.loads(PACK.read_text(encoding="utf-8"))
    change(data["lessons"][2])
    p = tmp_path / "p.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FormatError) as e:
        read_pack(p)
    for part in parts:
        assert part in str(e.value), str(e.value)


def test_a_student_submits_and_is_graded_the_same_everywhere(loaded, tmp_path):
    ana = loaded.student("Ana")
    work = open_comparison(loaded, ana.id, LID)
    assert work.comparison.key is None  # the student's path never holds the key
    assert [a.id for a in work.articles] == ["compare-a", "compare-b"]
    g = grid(**GOOD)
    save_grid_draft(loaded, ana.id, LID, g)
    assert loaded.statuses(ana.id)[LID].status == "in progress"
    assert open_comparison(loaded, ana.id, LID).grid.cells == g.cells
    sid, report = submit_grid(loaded, ana.id, "Ana", LID, g)
    # every cell right: C = 1; verdicts: closes 1, warnings 1/2 + 1/2·2/3 = 5/6, cost
    # (wrong verdict, no entry of the one backing it) 0: V = 11/18; 100·(1/2 + 11/36) = 81
    assert report.cell_credit == 1 and report.score == 81
    assert loaded.statuses(ana.id)[LID].status == "submitted"
    stored = loaded.submission(sid)
    assert stored.grid == g and stored.highlights == ()
    assert loaded.grades(ana.id, LID)[(ana.id, LID)].value == report.score
    # a second attempt is practice after the key; the grade stays
    _, second = submit_grid(loaded, ana.id, "Ana", LID, grid(closes_a="absent"))
    assert loaded.grades(ana.id, LID)[(ana.id, LID)].value == report.score != second.score


def _teacher_and_student(tmp_path, mode: str = "practice"):  # noqa: ANN202
    """The instructor's database (password, signing key, the pack) and a student machine
    that imported the instructor's signed pack."""
    from dataclasses import replace

    from tests.results_helpers import make_instructor

    teacher = open_repo(tmp_path / "teacher.db")
    signer = make_instructor(teacher)
    import_pack(teacher, read_pack(PACK))
    if mode != "practice":
        le = teacher.get_lesson(LID, with_key=True)
        teacher.save_lessons([replace(le, mode=mode)], {LID: teacher.tokens(LID)},
                             replace=True)
    out = tmp_path / "unit.crpack"
    export_pack(teacher, [LID], out, signer=signer)
    raw = json.loads(out.read_text(encoding="utf-8"))
    assert raw["version"] == 3 and raw["signature"]["alg"] == "Ed25519"
    student = open_repo(tmp_path / "student.db")
    # signed, and trusted by the explicit act (lessons import --trust)
    rep = import_pack_report(student, read_pack(out), trust=True)
    assert rep.trust
    return teacher, signer, student


def test_bundle_to_the_instructor_gradebook_classview_and_feedback(tmp_path):
    """Student machine → bundle → instructor's database → gradebook and class view →
    signed feedback file → back on the student machine: the same number at every step."""
    from app.services.feedback import export_feedback, import_feedback
    from app.services.results.bundles import export_bundle, import_bundles
    from app.services.results.classview import class_view
    from app.services.results.gradebook import build_gradebook, csv_rows

    teacher, signer, loaded = _teacher_and_student(tmp_path)
    ana, ben = loaded.student("Ana"), loaded.student("Ben")
    _, ra = submit_grid(loaded, ana.id, "Ana", LID, grid(**GOOD))
    _, rb = submit_grid(loaded, ben.id, "Ben", LID,
                        grid(closes_a="unnamed", warnings_b="absent", cost_b="against"))
    bundle = tmp_path / "b.json"
    assert export_bundle(loaded, bundle) == 2
    raw = json.loads(bundle.read_text(encoding="utf-8"))
    assert raw["version"] == 3 and raw["submissions"][0]["grid"]["cells"]

    summary = import_bundles(teacher, [bundle])
    assert summary.added == 2 and not summary.errors and not summary.conflicts
    assert import_bundles(teacher, [bundle]).duplicates == 2  # twice: nothing new
    gb = build_gradebook(teacher)
    ta, tb = teacher.student("Ana"), teacher.student("Ben")
    assert gb.cell(ta.id, LID).grade == ra.score and gb.cell(tb.id, LID).grade == rb.score
    rows = csv_rows(gb)
    col = rows[0].index(LID)
    assert {r[0]: r[col] for r in rows[1:]} == {"Ana": str(ra.score), "Ben": str(rb.score)}
    long = csv_rows(gb, long=True)
    assert any(r[1] == LID and r[6] == str(rb.score) for r in long[1:])
    view = class_view(teacher, LID)
    assert view.kind == "compare" and sorted(view.scores) == sorted([ra.score, rb.score])
    closes = view.claims[0]
    assert closes.cells[0].right == 1 and closes.cells[0].partly == 1  # Ana named, Ben unnamed
    assert closes.verdict_right == 2
    # the instructor overrides Ben's score: every view shows the override
    sub_b = next(s for s in teacher.submissions(lesson_id=LID) if s.student == "Ben")
    teacher.set_review(sub_b.submission_id, 90, "good discussion in class", "Well argued.")
    assert build_gradebook(teacher).cell(tb.id, LID).grade == 90
    assert 90 in class_view(teacher, LID).scores
    done = export_feedback(teacher, tmp_path / "fb", [LID], signer=signer)
    assert json.loads(done.files[0][0].read_text(encoding="utf-8"))["version"] == 3
    res = import_feedback(loaded, tmp_path / "fb")
    assert res.attached == 2
    assert loaded.grades(ben.id, LID)[(ben.id, LID)].value == 90


def test_an_assessment_keeps_its_key_home_until_release(tmp_path):
    from app.services.feedback import export_feedback, import_feedback
    from app.services.results.bundles import export_bundle, import_bundles
    from app.store.repo import KeyLocked

    teacher, signer, student = _teacher_and_student(tmp_path, "assessment")
    cmp = student.get_lesson(LID, with_key=True)
    assert cmp.key is None and cmp.comparison.key is None  # the grid's key stayed home
    sa = student.student("Ana")
    sid, report = submit_grid(student, sa.id, "Ana", LID, grid(**GOOD))
    assert report is None  # no key here: submitted, not graded
    with pytest.raises(UserError, match="already submitted"):
        submit_grid(student, sa.id, "Ana", LID, grid(**GOOD))
    with pytest.raises(KeyLocked):
        student.key_for_student(sa.id, LID)
    export_bundle(student, tmp_path / "b.json")
    import_bundles(teacher, [tmp_path / "b.json"])
    export_feedback(teacher, tmp_path / "fb", [LID], signer=signer)
    assert import_feedback(student, tmp_path / "fb").attached == 1
    released = student.key_for_student(sa.id, LID)  # the grid's key arrived with it
    assert released.comparison.key == teacher.get_lesson(LID, with_key=True).comparison.key
    assert student.grades(sa.id, LID)[(sa.id, LID)].value == \
        teacher.grades()[(teacher.student("Ana").id, LID)].value == 81


def test_a_hostile_grid_in_a_bundle_is_kept_ungraded_and_named(loaded, tmp_path):
    from app.services.results.bundles import import_bundles

    hostile = {"format": "close-reader/submissions", "version": 3, "machine": "m",
               "exported_at": "2026-01-01T00:00:00Z", "submissions": [
                   {"submission_id": "0123abcd-4567-89ab-cdef-0123456789ab", "attempt": 1, "lesson": LID,
                    "student": "Eve", "submitted_at": "2026-01-01T00:00:00Z",
                    "highlights": [], "grid": {"cells": [
                        {"claim": "closes", "article": "../../etc", "choice": "named"}]}}]}
    p = tmp_path / "h.json"
    p.write_text(json.dumps(hostile), encoding="utf-8")
    s = import_bundles(loaded, [p])
    assert s.added == 1 and len(s.errors) == 1 and "not one of this comparison" in s.errors[0]
    bad = copy.deepcopy(hostile)
    bad["submissions"][0]["grid"]["cells"][0]["choice"] = "<b>yes</b>"
    p.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(FormatError, match="'choice'"):
        import_bundles(loaded, [p])


def test_grade_command_reads_a_grid_answers_file(tmp_path):
    """The real program, on a real database, with a hand-written answers file."""
    db = tmp_path / "cli.db"
    env = {**os.environ, "CLOSE_READER_DB": str(db)}
    env.pop("CLOSE_READER_PASSWORD", None)
    run = [sys.executable, "-m", "app"]
    r = subprocess.run([*run, "lessons", "import", str(PACK)], env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({
        "format": "close-reader/answers", "version": 2, "lesson": LID, "student": "Ana",
        "highlights": [], "grid": {
            "cells": [{"claim": "closes", "article": "compare-a", "choice": "named"}],
            "verdicts": [{"claim": "closes", "verdict": "confirmed",
                          "backing": ["council-minutes"]}]}}), encoding="utf-8")
    r = subprocess.run([*run, "grade", "--answers", str(answers), "--json"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    # cells: 1 of 6 → C = 1/6; claims: 1 of 3 → V = 1/3; 100·(1/12 + 1/6) = 25
    assert rep["kind"] == "compare" and rep["score"] == 25
    r = subprocess.run([*run, "grade", "--answers", str(answers)], env=env,
                       capture_output=True, text=True, timeout=120)
    assert "Score: 25" in r.stdout and "You judged 1 of 6 cells right" in r.stdout
    answers.write_text(json.dumps({
        "format": "close-reader/answers", "version": 2, "lesson": LID, "student": "Ana",
        "highlights": [{"start": 0, "end": 3, "label": "unsupported_claim"}]}),
        encoding="utf-8")
    r = subprocess.run([*run, "grade", "--answers", str(answers)], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "comparison" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_signed_grid_cannot_be_changed_under_its_signature(tmp_path):
    """With class codes, a grid attempt is signed with its grid: the same attempt with one
    cell changed by hand in the bundle is kept aside, not graded (formats.md)."""
    from app.services.classcodes import enter_code, make_codes
    from app.services.results.bundles import export_bundle, import_bundles

    teacher, _signer, student = _teacher_and_student(tmp_path)
    (_, code), = make_codes(teacher, ["Ana"])
    ana = student.student("Ana")
    enter_code(student, ana.id, "Ana", code)
    submit_grid(student, ana.id, "Ana", LID, grid(**GOOD))
    good = tmp_path / "good.json"
    export_bundle(student, good)
    raw = json.loads(good.read_text(encoding="utf-8"))
    assert raw["submissions"][0]["signature"]["alg"] == "HMAC-SHA256"
    forged = copy.deepcopy(raw)
    forged["submissions"][0]["grid"]["verdicts"][2]["verdict"] = "confirmed"  # cost: 81 → more
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps(forged), encoding="utf-8")
    s = import_bundles(teacher, [bad])
    assert s.added == 0 and len(s.conflicts) == 1
    assert teacher.conflicts()[0].kind == "signature"
    assert teacher.conflicts()[0].grid is not None  # kept aside with its grid, not dropped
    s = import_bundles(teacher, [good])
    assert s.added == 1  # the genuine one: graded, the same number as on the student's
    assert teacher.grades()[(teacher.student("Ana").id, LID)].value == 81


def test_annotation_formats_refuse_a_comparison_in_one_line(tmp_path):
    """``lessons export --as w3c|ptc|doccano`` of a comparison: one clear line, exit 1,
    nothing written (a grid has no spans to annotate); a pack still takes it."""
    db = tmp_path / "cli.db"
    env = {**os.environ, "CLOSE_READER_DB": str(db)}
    env.pop("CLOSE_READER_PASSWORD", None)
    run = [sys.executable, "-m", "app"]
    assert subprocess.run([*run, "lessons", "import", str(PACK)], env=env,
                          capture_output=True, timeout=120).returncode == 0
    for fmt in ("w3c", "doccano"):
        out = tmp_path / f"out-{fmt}.json"
        r = subprocess.run([*run, "lessons", "export", LID, "-o", str(out), "--as", fmt],
                           env=env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 1 and "is a comparison" in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and not out.exists()
    out = tmp_path / "out.crpack"
    r = subprocess.run([*run, "lessons", "export", LID, "-o", str(out)], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == 3


def test_discrimination_leaves_a_comparison_out(loaded):
    """Hits and false alarms are counted on highlights: a unit's comparison (a grid) is
    not one of its trials, and naming it says why."""
    from app.services.results.discrimination import keyed_lessons

    ana = loaded.student("Ana")
    submit_grid(loaded, ana.id, "Ana", LID, grid(**GOOD))
    assert [le.id for le in keyed_lessons(loaded, "Bridge unit")] == ["compare-a",
                                                                      "compare-b"]
    with pytest.raises(UserError, match="is a comparison"):
        keyed_lessons(loaded, lesson_ids=[LID])
