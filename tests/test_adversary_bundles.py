"""Issue 22, rule 1, attacked: submission bundles written by hand, and a student's own
database edited with sqlite3, cannot move a grade the instructor has recorded.

Every import here is the real ``close-reader submissions import`` in a subprocess against
the classroom of ``adversary_helpers.build_classroom``: Ana's practice grade is 16 (her
100 came after she saw the key), Ben's practice grade is 40, his assessment 80 with the
instructor's override of 40.
"""

from __future__ import annotations

import json

import pytest
from adversary_helpers import (
    ANA_FIRST,
    BEN_FORTY,
    PERFECT,
    PRACTICE,
    PW,
    TEST,
    attempts,
    bundle,
    classroom,
    cli,
    conflicts,
    count,
    done,
    edit,
    gradebook,
    grades,
    machine_of,
    q,
    read,
    refused,
    student_submits,
    sub,
    uid,
)


@pytest.fixture
def room(tmp_path_factory, tmp_path):
    return classroom(tmp_path_factory, tmp_path)


def _import(room, *files):
    return cli(room.teacher, "submissions", "import", *files)


def _unchanged(room, before):
    """Every recorded grade and override as it was, and the gradebook showing them."""
    assert grades(room.teacher) == before
    book = gradebook(room.teacher)
    assert book[("Ana P.", PRACTICE)] == "16" and book[("Ben K.", PRACTICE)] == "40"
    assert book[("Ben K.", TEST)] == "40" and book[("Ana P.", TEST)] == "50"


def test_the_classroom_is_what_the_attacks_start_from(room):
    g = grades(room.teacher)
    assert g[("Ana P.", PRACTICE)][1:3] == (16, None)
    assert g[("Ben K.", PRACTICE)][1:3] == (40, None)
    assert g[("Ben K.", TEST)][1:3] == (80, 40)
    # Ana's 100 is there, as practice after the key
    assert [(a[2], a[3], a[4]) for a in attempts(room.teacher, "Ana P.", PRACTICE)] == [
        (16, 0, 1), (100, 1, 0)]
    assert conflicts(room.teacher) == []


# -- a made-up machine with an empty attempt for Ben --------------------------------------
@pytest.mark.parametrize("lesson, stamp, version", [
    (PRACTICE, "2000-01-01T00:00:00Z", 2),
    (PRACTICE, "2000-01-01T00:00:00Z", 1),
    (TEST, "2000-01-01T00:00:00Z", 2),
    (TEST, "1970-01-01T00:00:00Z", 2),
])
def test_a_made_up_machine_cannot_replace_bens_grade(room, lesson, stamp, version):
    before = grades(room.teacher)
    forged = room.file("forged.json", bundle(
        "made-up-machine", sub(uid(1), "Ben K.", [], lesson=lesson, at=stamp,
                               after_key=None if version == 1 else False), version=version))
    out = done(_import(room, forged))
    assert "Imported 0 new attempts" in out and "kept aside" in out, out
    _unchanged(room, before)
    kind = "assessment" if lesson == TEST else "earlier"
    assert conflicts(room.teacher) == [(uid(1), "Ben K.", lesson, kind, "")]
    # the instructor sees why, and what it would do, and nothing changes until they decide
    listed = done(cli(room.teacher, "conflicts", "list", password=PW))
    assert "Ben K." in listed and ("claims to be earlier" in listed if kind == "earlier"
                                   else "second submission of an assessment" in listed)
    # Ben's grade carries an override of 40 (practice: graded 40 from the formula)
    assert ("your override of 40 stays with the grade" in listed if lesson == TEST
            else "the grade from 40 to 0" in listed), listed
    # importing it again keeps it aside once, no more
    done(_import(room, forged))
    assert len(conflicts(room.teacher)) == 1
    # kept as practice: Ben's grade, and the override, stay
    done(cli(room.teacher, "conflicts", "resolve", "1", "practice", password=PW))
    _unchanged(room, before)
    assert conflicts(room.teacher) == []


def test_the_conflict_commands_need_the_password(room):
    done(_import(room, room.file("f.json", bundle(
        "m", sub(uid(1), "Ben K.", [], at="2000-01-01T00:00:00Z")))))
    refused(cli(room.teacher, "conflicts", "list"), "needs the instructor password")
    refused(cli(room.teacher, "conflicts", "resolve", "1", "graded"),
            "needs the instructor password")
    refused(cli(room.teacher, "conflicts", "resolve", "1", "graded", password="guess-123"),
            "not the instructor password")
    assert len(conflicts(room.teacher)) == 1 and grades(room.teacher)[
        ("Ben K.", PRACTICE)][1] == 40


def test_the_import_line_says_why_an_attempt_was_kept_aside(room):
    early = room.file("e.json", bundle("m", sub(uid(1), "Ben K.", [],
                                                at="2000-01-01T00:00:00Z")))
    out = done(_import(room, early))
    assert "known submission id" not in out and "earlier" in out, out
    again = room.file("a.json", bundle("m", sub(uid(2), "Ben K.", [], lesson=TEST,
                                                at="2026-11-22T10:00:00Z")))
    out = done(_import(room, again))
    assert "known submission id" not in out and "assessment" in out, out


def test_what_a_conflict_would_change_counts_the_override(room):
    done(_import(room, room.file("f.json", bundle(
        "m", sub(uid(1), "Ben K.", [], lesson=TEST, at="1970-01-01T00:00:00Z")))))
    listed = done(cli(room.teacher, "conflicts", "list", password=PW))
    done(cli(room.teacher, "conflicts", "resolve", "1", "graded", password=PW))
    assert gradebook(room.teacher)[("Ben K.", TEST)] == "40"  # what really happens…
    assert "from 40 to 0" not in listed, listed  # …is not what the list said


# -- Ana's post-key 100 --------------------------------------------------------------------
def _ana_first(room) -> dict:
    return read(room.dir / "ana-1.json")["submissions"][0]


def test_ana_backdates_her_100(room):
    before = grades(room.teacher)
    first = _ana_first(room)
    stamps = ("2000-01-01T00:00:00Z", first["submitted_at"], "0001-01-01T00:00:00Z",
              "1999-12-31T23:59:59.999999999-23:59", first["submitted_at"][:-1] + "+14:00")
    for n, stamp in enumerate(stamps, 1):
        forged = room.file(f"b{n}.json", bundle(machine_of(room.ana), sub(
            uid(n), "Ana P.", PERFECT, at=stamp, attempt=1, after_key=False)))
        done(_import(room, forged))
    _unchanged(room, before)
    assert [(c[0], c[3]) for c in conflicts(room.teacher)] == [
        (uid(n), "earlier") for n in range(1, len(stamps) + 1)]


def test_ana_swaps_her_attempt_numbers_within_one_second(room):
    """In her own database: both attempts stamped the same second, numbers swapped, the
    100 marked blind and the first marked after the key; then exported by the app."""
    before = grades(room.teacher)
    (first, *_), (second, *_) = attempts(room.ana, "Ana P.", PRACTICE)
    stamp = q(room.ana, "SELECT submitted_at FROM submissions WHERE submission_id = ?",
              first)[0][0]
    edit(room.ana,
         ("UPDATE submissions SET attempt = 9, after_key = 1, graded = 0, submitted_at = ? "
          "WHERE submission_id = ?", stamp, first),
         ("UPDATE submissions SET attempt = 1, after_key = 0, graded = 1, submitted_at = ? "
          "WHERE submission_id = ?", stamp, second),
         ("UPDATE submissions SET attempt = 2 WHERE submission_id = ?", first))
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "swapped.json"))
    sent = read(room.dir / "swapped.json")["submissions"]
    assert {(s["attempt"], s["after_key"]) for s in sent if s["lesson"] == PRACTICE} == {
        (1, False), (2, True)}
    out = done(_import(room, room.dir / "swapped.json"))
    assert "already here" in out  # the same ids with the same highlights: duplicates
    _unchanged(room, before)
    # the same, with the ids swapped too: the 100 under the id of her graded attempt
    edit(room.ana,
         ("UPDATE submissions SET submission_id = 'x' WHERE submission_id = ?", first),
         ("UPDATE submissions SET submission_id = ? WHERE submission_id = ?", first, second),
         ("UPDATE submissions SET submission_id = ? WHERE submission_id = 'x'", second))
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "swapped-ids.json"))
    done(_import(room, room.dir / "swapped-ids.json"))
    _unchanged(room, before)
    assert {(c[0], c[3]) for c in conflicts(room.teacher)} == {(first, "id"), (second, "id")}
    # and with fresh ids: the 100 claims the same second and attempt 1, so it is earlier
    edit(room.ana, "UPDATE submissions SET submission_id = "
                   "lower(hex(randomblob(4))) || '-0000-4000-8000-' || lower(hex(randomblob(6)))")
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "fresh-ids.json"))
    done(_import(room, room.dir / "fresh-ids.json"))
    _unchanged(room, before)
    assert [c[2:4] for c in conflicts(room.teacher)][2:] == [
        (PRACTICE, "earlier"), (PRACTICE, "earlier"), (TEST, "assessment")]
    assert len(attempts(room.teacher, "Ana P.", PRACTICE)) == 2  # nothing else stored


def test_ana_leaves_her_first_attempt_out_of_a_fresh_bundle(room):
    before = grades(room.teacher)
    (first, *_), (second, *_) = attempts(room.ana, "Ana P.", PRACTICE)
    edit(room.ana,
         ("DELETE FROM submissions WHERE submission_id = ?", first),
         ("UPDATE submissions SET attempt = 1, after_key = 0, graded = 1, "
          "submission_id = ? WHERE submission_id = ?", uid(7), second))
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "fresh.json"))
    sent = [s for s in read(room.dir / "fresh.json")["submissions"] if s["lesson"] == PRACTICE]
    assert [(s["submission_id"], s["attempt"], s["after_key"]) for s in sent] == [
        (uid(7), 1, False)]
    done(_import(room, room.dir / "fresh.json"))
    _unchanged(room, before)
    assert [c[3] for c in conflicts(room.teacher)] == ["earlier"]
    # by hand, dated after everything here: stored, but as practice after the key
    late = room.file("late.json", bundle(machine_of(room.ana), sub(
        uid(8), "Ana P.", PERFECT, at="2026-12-31T23:59:59Z", attempt=1)))
    done(_import(room, late))
    _unchanged(room, before)
    mine = {a[0]: a for a in attempts(room.teacher, "Ana P.", PRACTICE)}
    assert mine[uid(8)][2:5] == (100, 1, 0)  # score 100, after the key, not graded


@pytest.mark.parametrize("machine", ["0", "", "!", "00000000-0000-0000-0000-000000000000",
                                     "\u0000", "a" * 64])
def test_a_machine_id_that_sorts_lower_changes_nothing(room, machine):
    before = grades(room.teacher)
    first = _ana_first(room)
    # her own first attempt again, from a machine that sorts first: a duplicate
    again = room.file("again.json", bundle(machine, first))
    # her 100 with her first attempt's time and number, from that machine
    forged = room.file("low.json", bundle(machine, sub(
        uid(9), "Ana P.", PERFECT, at=first["submitted_at"], attempt=1)))
    p = _import(room, again, forged)
    if p.returncode:
        refused(p, "machine")  # a machine id with a control character may be refused
        assert count(room.teacher) == 5
        return
    assert "1 already here" in p.stdout
    _unchanged(room, before)
    assert [c[3] for c in conflicts(room.teacher)] == ["earlier"]


@pytest.mark.parametrize("stamp", ["2026-W01-1", "2026-W01-1T00:00:00Z", "2026-001T10:00:00Z",
                                   "2026-11-21", "2026-11-21T10:00:00", "20261121T100000Z",
                                   "2026-02-30T10:00:00Z", "2026-11-21T24:00:00Z",
                                   "2026-11-21T10:00:00+24:00", "-0001-01-01T00:00:00Z",
                                   "1970-01-01T00:00:00.Z", "", " 2026-11-21T10:00:00Z"])
def test_a_time_that_is_not_rfc_3339_refuses_the_file(room, stamp):
    before = (grades(room.teacher), count(room.teacher), count(room.teacher, "students"))
    good = room.file("good.json", bundle("m", sub(uid(1), "Cleo Z.", [])))
    bad = room.file("bad.json", bundle("m", sub(uid(2), "Ana P.", PERFECT, at=stamp)))
    line = refused(_import(room, good, bad), "bad.json", "submitted_at")
    assert "RFC 3339" in line or "required" in line or "empty" in line, line
    assert (grades(room.teacher), count(room.teacher),
            count(room.teacher, "students")) == before  # all or nothing: Cleo not stored
    assert conflicts(room.teacher) == []


def test_an_assessment_submitted_twice_from_her_own_database(room):
    """The app refuses a second submission; Ana adds one with sqlite3."""
    before = grades(room.teacher)
    (first, *_), = attempts(room.ana, "Ana P.", TEST)
    edit(room.ana, ("INSERT INTO submissions(submission_id, student_id, lesson_id, attempt, "
                    "submitted_at, highlights, machine, after_key, graded) SELECT ?, "
                    "student_id, lesson_id, 2, '2020-01-01T00:00:00Z', ?, machine, 0, 1 "
                    "FROM submissions WHERE submission_id = ?", uid(3),
                    json.dumps([[a, b, lab, ""] for a, b, lab in PERFECT]), first))
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "twice.json"))
    done(_import(room, room.dir / "twice.json"))
    _unchanged(room, before)
    assert [(c[0], c[3]) for c in conflicts(room.teacher)] == [(uid(3), "assessment")]


def test_two_blind_assessment_attempts_in_a_first_bundle(room):
    """A student the instructor has nothing from yet: the first in the bundle's order is
    graded, the second is kept aside (not silently dropped, not graded)."""
    b = room.file("cleo.json", bundle("cleo-machine", sub(
        uid(1), "Cleo Z.", [], lesson=TEST, at="2026-11-21T10:00:00Z"), sub(
        uid(2), "Cleo Z.", PERFECT, lesson=TEST, at="2026-11-21T09:00:00Z", attempt=2)))
    done(_import(room, b))
    assert grades(room.teacher)[("Cleo Z.", TEST)][:2] == (uid(1), 0)
    assert [(c[0], c[3]) for c in conflicts(room.teacher)] == [(uid(2), "assessment")]


def test_rule_1_the_first_in_the_bundles_order_never_one_after_the_key(room):
    b = room.file("dan.json", bundle(
        "dan-machine",
        sub(uid(1), "Dan L.", PERFECT, at="2026-11-21T09:00:00Z", attempt=2, after_key=True),
        sub(uid(2), "Dan L.", ANA_FIRST, at="2026-11-21T10:00:00Z", attempt=1),
        sub(uid(3), "Dan L.", PERFECT, at="2026-11-21T11:00:00Z", attempt=3, after_key=True)))
    done(_import(room, b))
    assert grades(room.teacher)[("Dan L.", PRACTICE)][:2] == (uid(2), 16)
    # version 1: an attempt above 1 counts as made after the key, whatever its time
    v1 = room.file("eve.json", bundle("eve-machine", sub(
        uid(4), "Eve M.", PERFECT, attempt=2, after_key=None), version=1))
    done(_import(room, v1))
    assert ("Eve M.", PRACTICE) not in grades(room.teacher)
    assert attempts(room.teacher, "Eve M.", PRACTICE)[0][2:5] == (100, 1, 0)


# -- ids ----------------------------------------------------------------------------------
def test_the_same_id_in_upper_case(room):
    before = grades(room.teacher)
    first = _ana_first(room)
    same = {**first, "submission_id": first["submission_id"].upper()}
    out = done(_import(room, room.file("upper.json", bundle("m", same))))
    assert "Imported 0 new attempts" in out and "1 already here" in out, out
    assert count(room.teacher) == 5 and conflicts(room.teacher) == []
    other = {**same, "highlights": [{"start": a, "end": b, "label": lab}
                                    for a, b, lab in PERFECT]}
    out = done(_import(room, room.file("upper2.json", bundle("m", other))))
    _unchanged(room, before)
    assert [(c[0], c[3]) for c in conflicts(room.teacher)] == [
        (first["submission_id"].lower(), "id")]
    # the two spellings inside one file are one id twice: the file is refused
    refused(_import(room, room.file("both.json", bundle("m", first, other))),
            "appears twice")


@pytest.mark.parametrize("bad", ["--------", "------------------------------------",
                                 "adadadad-0000-4000-8000-00000000000g",
                                 "{adadadad-0000-4000-8000-000000000001}",
                                 " adadadad-0000-4000-8000-000000000001",
                                 "adadadad00004000800000000000000001",
                                 "adadadad-0000-4000-8000-000000000001\n", "\u0661" * 8])
def test_an_id_that_is_not_a_uuid_refuses_the_file(room, bad):
    before = count(room.teacher)
    line = refused(_import(room, room.file("bad.json", bundle(
        "m", sub(bad, "Ben K.", [], at="2000-01-01T00:00:00Z")))), "submission_id")
    assert "not a submission id" in line
    assert count(room.teacher) == before and conflicts(room.teacher) == []


def test_another_students_known_id_cannot_take_over_a_grade(room):
    """Ana copies Ben's graded attempt's id (from his bundle on the shared stick) into an
    attempt in Ben's name with nothing highlighted."""
    before = grades(room.teacher)
    bens = read(room.dir / "ben-1.json")["submissions"][0]
    forged = {**bens, "highlights": [], "submitted_at": "2000-01-01T00:00:00Z"}
    done(_import(room, room.file("f.json", bundle("m", forged))))
    _unchanged(room, before)
    assert [c[3] for c in conflicts(room.teacher)] == ["id"]
    done(cli(room.teacher, "conflicts", "resolve", "1", "both", password=PW))
    _unchanged(room, before)  # kept as another attempt, never the graded one


def test_a_classmate_cannot_cost_cleo_her_grade_by_taking_her_id_first(room):
    cleo = sub(uid(1), "Cleo Z.", BEN_FORTY, at="2026-11-21T10:00:00Z")
    eve = {**cleo, "student": "Eve M.", "highlights": []}
    done(_import(room, room.file("eve.json", bundle("eve-machine", eve))))
    done(_import(room, room.file("cleo.json", bundle("cleo-machine", cleo))))
    assert [(c[1], c[3]) for c in conflicts(room.teacher)] == [("Cleo Z.", "id")]
    listed = done(cli(room.teacher, "conflicts", "list", password=PW))
    assert "both" in listed
    done(cli(room.teacher, "conflicts", "resolve", "1", "both", password=PW))
    # Cleo's first attempt to reach the instructor is her graded attempt
    assert gradebook(room.teacher).get(("Cleo Z.", PRACTICE)) == "40"


def test_whatever_ana_edits_in_her_own_database_reaches_no_grade(room):
    """Scores, overrides, release dates, graded flags, the trusted key, the feedback
    sequence and her machine id, all changed with sqlite3; then she works on and sends
    her bundle. What reaches the instructor moves nothing."""
    before = grades(room.teacher)
    edit(room.ana,
         "UPDATE submissions SET score = 100, override_score = 100, "
         "override_reason = 'mine', comment = 'Perfect', released_at = '2026-01-01T00:00:00Z', "
         "after_key = 0, graded = 1",
         "DELETE FROM settings WHERE key IN ('trusted_instructor_key', 'feedback_applied')",
         ("UPDATE settings SET value = ? WHERE key = 'machine_id'", machine_of(room.ben)))
    student_submits(room.ana, "Ana P.", PRACTICE, PERFECT)
    student_submits(room.ana, "Ana P.", TEST, PERFECT)  # "released" here: a practice attempt
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "edited.json"))
    sent = read(room.dir / "edited.json")
    assert sent["machine"] == machine_of(room.ben)
    for s in sent["submissions"]:
        assert not {"score", "override", "comment", "released_at", "graded"} & set(s), s
    known = {r[0] for r in q(room.teacher, "SELECT submission_id FROM submissions")}
    out = done(_import(room, room.dir / "edited.json"))
    assert "Imported 2 new attempts" in out, out
    _unchanged(room, before)
    # her two new attempts: stored as practice after the key, not graded
    new = [a for a in attempts(room.teacher, "Ana P.", PRACTICE)
           + attempts(room.teacher, "Ana P.", TEST) if a[0] not in known]
    assert len(new) == 2 and all(a[3:5] == (1, 0) for a in new), new
