"""Gradebook, CSV (exact bytes), class view and student progress against numbers
computed by hand on a small classroom (see ``results_helpers.CLASS``)."""

from __future__ import annotations

import pytest
from results_helpers import CLASS, LESSON, LL, UC, attempt, bundle, hl, write

from app.services.results.bundles import import_bundles
from app.services.results.classview import class_view, group_extras, student_progress
from app.services.results.gradebook import build_gradebook, csv_rows, safe_cell, write_csv

BOM = "\ufeff"


@pytest.fixture
def classroom(sample_repo, tmp_path):
    import_bundles(sample_repo, [write(tmp_path / "class.json", CLASS)])
    return sample_repo


def test_hand_computed_scores(classroom):
    got = {(s.student, s.attempt): s.score for s in classroom.submissions()}
    # Ben: P = (12/12 + 0 + 0)/3 = 1/3; R = (12/45 + 0 + 0)/3; F1 = 0.1404 -> 14
    # Cleo: P = (1 + 1 + 0)/3; R = (0 + 1 + 10/21)/3; F1 = 0.5662 -> 57
    assert got == {("Ana", 1): 100, ("Ben", 1): 14, ("Cleo", 1): 57, ("Cleo", 2): 100}


def test_gradebook_cells(classroom):
    gb = build_gradebook(classroom)
    assert [s.name for s in gb.students] == ["Ana", "Ben", "Cleo"]
    assert [le.id for le in gb.lessons] == [LESSON]  # sample-fear: nobody attempted it
    cleo = classroom.student("cleo").id
    c = gb.cell(cleo, LESSON)
    # the grade is the first attempt (57); the 100 after seeing the key is practice
    assert (c.grade, c.latest, c.attempts, c.practice_best) == (57, 100, 2, 100)
    assert gb.cell(classroom.student("ben").id, LESSON).grade == 14
    assert gb.lesson_mean(LESSON) == pytest.approx((100 + 14 + 57) / 3)
    assert [s.name for s in gb.sorted_students(LESSON)] == ["Ana", "Cleo", "Ben"]
    assert [s.name for s in gb.matching(" CL ")] == ["Cleo"]
    assert len(build_gradebook(classroom, all_lessons=True).lessons) == 2


def test_latest_differs_from_best(sample_repo, tmp_path):
    f = write(tmp_path / "b.json", bundle(
        "m", attempt(1, "Ana", [hl(0, 45, UC), hl(22, 30, LL), hl(124, 145, LL)]),
        attempt(2, "Ana", [hl(0, 12, UC)], attempt=2, at="2026-11-22T10:00:00Z")))
    import_bundles(sample_repo, [f])
    c = build_gradebook(sample_repo).cell(sample_repo.student("ana").id, LESSON)
    # latest: P = 1, R = (12/45)/3, F1 = 0.163 -> 16; the grade stays the first attempt
    assert (c.grade, c.latest, c.attempts, c.practice_best) == (100, 16, 2, 16)


def test_wide_csv_exact_bytes(classroom, tmp_path):
    out = tmp_path / "grades.csv"
    assert write_csv(build_gradebook(classroom), out) == 3
    assert out.read_bytes() == (
        BOM + "Student,sample-budget\r\nAna,100\r\nBen,14\r\nCleo,57\r\n").encode("utf-8")


def test_long_csv_exact(classroom, tmp_path):
    out = tmp_path / "long.csv"
    assert write_csv(build_gradebook(classroom), out, long=True) == 4
    text = out.read_bytes().decode("utf-8")
    assert text.startswith(BOM)
    assert text[1:].split("\r\n") == [
        "Student,Lesson,Lesson title,Attempt,Submitted at,Kind,Score,Grade,"
        "Unsupported claim precision,Unsupported claim recall,"
        "Loaded language precision,Loaded language recall",
        "Ana,sample-budget,A sample budget story,1,2026-11-21T10:00:00Z,graded,100,100,"
        "1.000,1.000,1.000,1.000",
        "Ben,sample-budget,A sample budget story,1,2026-11-21T10:00:00Z,graded,14,14,"
        "0.500,0.267,0.000,0.000",
        "Cleo,sample-budget,A sample budget story,1,2026-11-21T10:00:00Z,graded,57,57,"
        "0.000,0.000,1.000,0.738",
        "Cleo,sample-budget,A sample budget story,2,2026-11-21T10:30:00Z,"
        "practice after the key,100,,1.000,1.000,1.000,1.000",
        "",
    ]


def test_csv_is_injection_safe_and_keeps_unicode(sample_repo, tmp_path):
    names = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "Zoë, \"Z\" Łukasz"]
    f = write(tmp_path / "b.json", bundle("m", *(attempt(i, n, [hl(22, 30, LL)])
                                                 for i, n in enumerate(names, 1))))
    import_bundles(sample_repo, [f])
    gb = build_gradebook(sample_repo)
    firsts = sorted(r[0] for r in csv_rows(gb)[1:])
    assert firsts == sorted(["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)",
                             "Zoë, \"Z\" Łukasz"])
    out = tmp_path / "g.csv"
    write_csv(gb, out)
    assert '"Zoë, ""Z"" Łukasz",' in out.read_text(encoding="utf-8-sig")
    # a tab becomes a space (issue 22: no control characters in cells), a formula behind
    # it is still guarded
    assert safe_cell("\tx") == " x" and safe_cell("\t=x") == "' =x"
    assert safe_cell(None) == "" and safe_cell(7) == "7"


def test_ungraded_attempts_leave_the_cell_empty(repo, tmp_path):
    import_bundles(repo, [write(tmp_path / "b.json", CLASS)])  # no lesson here
    gb = build_gradebook(repo)
    assert [(le.id, le.here) for le in gb.lessons] == [(LESSON, False)]
    assert csv_rows(gb) == [["Student"], ["Ana"], ["Ben"], ["Cleo"]]
    assert csv_rows(gb, long=True)[1][:8] == ["Ana", LESSON, "", "1",
                                              "2026-11-21T10:00:00Z", "graded", "", ""]


# -- class view -------------------------------------------------------------------
def test_class_view_first_attempts_hand_computed(classroom):
    v = class_view(classroom, LESSON)
    assert v.rule == "graded"
    assert v.students == ("Ana", "Ben", "Cleo") and v.scores == (100, 14, 57)
    assert v.mean_score == pytest.approx(57)
    # (number, found, partial, missed, wrong category)
    assert [(k.number, k.found, k.partial, k.missed, k.wrong_label) for k in v.key] == [
        (1, 1, 1, 1, 1),  # K1: Ana found, Ben 12/45, Cleo marked "reckless" in it as LL
        (2, 2, 0, 1, 0),  # K2 "reckless"
        (3, 0, 0, 3, 0),  # K3 optional "Critics call it": nobody
        (4, 1, 1, 1, 1),  # K4: Ana found, Cleo 10/21, Ben marked it as UC
    ]
    assert v.key[0].share("found") == pytest.approx(1 / 3)
    assert v.histogram == (0, 1, 0, 0, 0, 1, 0, 0, 0, 1)
    uc, ll = v.by_label[UC], v.by_label[LL]
    assert (uc.precision, uc.recall, uc.marking) == (pytest.approx(0.5),
                                                     pytest.approx((1 + 12 / 45) / 3), 3)
    assert (ll.precision, ll.recall, ll.marking) == (pytest.approx(2 / 3),
                                                     pytest.approx((1 + (1 + 10 / 21) / 2) / 3),
                                                     3)
    assert len(v.extras) == 1
    e = v.extras[0]
    assert (e.students, e.quote, dict(e.labels)) == (2, "Ana Ruiz", {LL: 1, UC: 1})
    assert (e.start, e.end, e.core_start, e.core_end) == (52, 67, 59, 67)


def test_class_view_counts_only_graded_attempts(classroom):
    # Cleo's 100 after the key is practice: the class view shows her grade, 57
    assert class_view(classroom, LESSON).scores == (100, 14, 57)
    for old in ("latest", "best", "worst"):
        with pytest.raises(ValueError):
            class_view(classroom, LESSON, old)


def test_class_view_of_nobody(sample_repo):
    v = class_view(sample_repo, LESSON)
    assert v.scores == () and v.mean_score is None and v.histogram == (0,) * 10
    assert v.by_label[UC].precision is None and v.by_label[UC].recall is None
    assert all(k.share("found") == 0 for k in v.key)


def test_group_extras_ranks_by_students_and_finds_the_core():
    text = "abcdefghijklmnopqrstuvwxyz"
    spans = [(0, 10, LL, 1), (2, 6, LL, 2), (3, 8, UC, 3), (20, 24, LL, 1), (21, 23, UC, 1)]
    groups = group_extras(spans, text)
    assert [(g.start, g.end, g.students, g.quote) for g in groups] == [
        (0, 10, 3, "def"), (20, 24, 1, "uvwx")]


def test_category_recall_is_none_without_required_spans(sample_repo, tmp_path):
    f = write(tmp_path / "b.json", bundle("m", attempt(
        1, "Ana", [hl(0, 35, "appeal_to_fear"), hl(0, 3, LL)], lesson="sample-fear")))
    import_bundles(sample_repo, [f])
    v = class_view(sample_repo, "sample-fear")
    assert v.by_label[LL].recall is None and v.by_label[LL].precision == 0.0
    assert v.by_label["appeal_to_fear"].recall == pytest.approx(1.0)


# -- progress -------------------------------------------------------------------
def test_student_progress_in_submission_order(classroom, tmp_path):
    f = write(tmp_path / "later.json", bundle("m2", attempt(
        9, "cleo", [hl(0, 35, "appeal_to_fear")], lesson="sample-fear",
        at="2026-11-20T08:00:00Z")))
    import_bundles(classroom, [f])
    pts = student_progress(classroom, classroom.student("Cleo").id)
    assert [(p.lesson_id, p.attempt, p.score) for p in pts] == [
        ("sample-fear", 1, 100), (LESSON, 1, 57)]  # first attempts, oldest first
    assert pts[1].by_label[LL].found == 1 and pts[1].by_label[LL].partial == 1
    assert pts[1].by_label[UC].recall == 0.0
    with pytest.raises(ValueError):
        student_progress(classroom, classroom.student("Cleo").id, rule="latest")


def test_student_progress_reads_each_lesson_once_with_a_shared_cache(classroom, monkeypatch):
    reads = []
    real = type(classroom).get_lesson

    def counting(self, lesson_id, *a, **k):
        reads.append(lesson_id)
        return real(self, lesson_id, *a, **k)
    monkeypatch.setattr(type(classroom), "get_lesson", counting)
    cache: dict = {}
    ids = [s.id for s in classroom.students()]
    with_cache = [student_progress(classroom, sid, lessons=cache) for sid in ids]
    assert len(reads) == len(set(reads)) and reads  # one read per lesson, for everyone
    reads.clear()
    assert with_cache == [student_progress(classroom, sid) for sid in ids]  # same figures
    assert len(reads) > len(set(reads))  # (without it, a read per student and lesson)


def test_one_pass_gives_the_same_attempts_and_grades_as_two(classroom):
    """The gradebook reads attempts and grades in one pass over the submissions; they
    are what ``attempt_rows`` and ``grades`` give, row for row."""
    rows, grades = classroom.attempts_and_grades()
    assert grades == classroom.grades() and grades
    keys = ("student_id", "lesson_id", "attempt", "submitted_at", "score", "key_version",
            "submission_id", "after_key", "by_label")
    assert [{k: r[k] for k in keys} for r in rows] == classroom.attempt_rows()
    rows, _ = classroom.attempts_and_grades(figures=True)
    assert [{k: r[k] for k in keys} for r in rows] == classroom.attempt_rows(True)
