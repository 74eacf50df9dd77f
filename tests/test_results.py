"""Submission bundles: export from student machines, import on the instructor's.

Idempotent import, one student across machines, regrading after a key change, an
attempt for a lesson that arrives later, and bad bundles refused with nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from results_helpers import (
    LESSON,
    LL,
    PACK,
    UC,
    attempt,
    bundle,
    count,
    hl,
    pack_with,
    sid,
    write,
)

from app.core.answers import read_bundle
from app.core.errors import FormatError, UserError
from app.core.lessons import Highlight
from app.core.packs import parse_pack, read_pack
from app.services.grading import refresh_grades, submit
from app.services.library import import_pack
from app.services.results.bundles import export_bundle, import_bundles
from app.store.repo import open_repo


@pytest.fixture
def machine(tmp_path: Path):
    """A student machine: its own database with the student pack (no keys)."""
    made = []

    def make(name: str):
        r = open_repo(tmp_path / f"{name}.db")
        import_pack(r, parse_pack(pack_with(keys=False)))
        made.append(r)
        return r

    yield make
    for r in made:
        r.database.close()


def _submit(repo, name: str, hs: list[Highlight], lesson: str = LESSON) -> str:
    st_ = repo.student(name)
    sub_id, _ = submit(repo, st_.id, st_.name, lesson, hs)
    return sub_id


# -- export ---------------------------------------------------------------------
def test_export_writes_this_machines_attempts(machine, tmp_path):
    m = machine("m1")
    a1 = _submit(m, "Ana P.", [Highlight(0, 12, UC, "no names")])
    a2 = _submit(m, "Ana P.", [Highlight(22, 30, LL)])
    b1 = _submit(m, "Ben", [])
    out = tmp_path / "all.json"
    assert export_bundle(m, out) == 3
    b = read_bundle(out)
    assert b.machine == m.machine_id()
    assert b.exported_at.endswith("Z")
    assert {s.submission_id for s in b.submissions} == {a1, a2, b1}
    ana = sorted((s for s in b.submissions if s.student == "Ana P."), key=lambda s: s.attempt)
    assert [s.attempt for s in ana] == [1, 2]
    assert ana[0].highlights == (Highlight(0, 12, UC, "no names"),)
    assert all(s.lesson == LESSON and s.submitted_at for s in b.submissions)

    one = tmp_path / "ana.json"
    assert export_bundle(m, one, student="  ana p. ") == 2
    assert {s.student for s in read_bundle(one).submissions} == {"Ana P."}


def test_export_leaves_out_imported_attempts_and_refuses_unknown_student(machine, tmp_path):
    m = machine("m1")
    write(tmp_path / "other.json", bundle("elsewhere", attempt(1, "Zed", [])))
    import_bundles(m, [tmp_path / "other.json"])
    _submit(m, "Ana", [])
    assert export_bundle(m, tmp_path / "out.json") == 1
    with pytest.raises(UserError, match="no student named 'Nobody'"):
        export_bundle(m, tmp_path / "x.json", student="Nobody")
    assert not (tmp_path / "x.json").exists()


def test_export_with_nothing_submitted_writes_a_valid_empty_bundle(machine, tmp_path):
    m = machine("m1")
    assert export_bundle(m, tmp_path / "e.json") == 0
    assert read_bundle(tmp_path / "e.json").submissions == ()


# -- import ---------------------------------------------------------------------
def test_three_machines_collected_and_import_is_idempotent(machine, sample_repo, tmp_path):
    files = []
    for i, (name, hs) in enumerate([("Ana P.", [Highlight(0, 45, UC)]),
                                    ("Ben", [Highlight(22, 30, LL)]),
                                    ("Cleo", [])], 1):
        m = machine(f"m{i}")
        _submit(m, name, hs)
        files.append(tmp_path / f"m{i}.json")
        export_bundle(m, files[-1])
    first = import_bundles(sample_repo, files)
    assert (first.files, first.added, first.duplicates) == (3, 3, 0)
    assert first.line() == "Imported 3 new attempts from 3 files (3 unsigned: no class code)"
    before = [(s.submission_id, s.score, s.attempt) for s in sample_repo.submissions()]
    again = import_bundles(sample_repo, files)
    assert (again.added, again.duplicates, again.regraded) == (0, 3, 0)
    assert again.line() == "Imported 0 new attempts from 3 files (3 already here)"
    assert [(s.submission_id, s.score, s.attempt) for s in sample_repo.submissions()] == before
    ana = sample_repo.submissions(student_id=sample_repo.student("Ana P.").id)[0]
    assert ana.score is not None and ana.key_version == sample_repo.key_version(LESSON)
    assert ana.report["student"] == "Ana P." and ana.machine != ""


def test_same_student_from_several_machines_is_one_student(sample_repo, tmp_path):
    f1 = write(tmp_path / "a.json", bundle("m1", attempt(1, "Ana P.", [hl(0, 12, UC)],
                                                           at="2026-11-21T10:00:00Z")))
    f2 = write(tmp_path / "b.json", bundle("m2", attempt(2, " ana  p. ", [hl(0, 45, UC)],
                                                           at="2026-11-20T09:00:00Z")))
    s = import_bundles(sample_repo, [f1, f2])
    assert s.added == 2
    assert [x.name for x in sample_repo.students()] == ["Ana P."]
    subs = sample_repo.submissions()
    # numbered in the order they arrived here (files in the order given), whatever
    # their claimed times; the first blind one is the graded one
    assert [(x.submission_id, x.attempt, x.machine, x.graded) for x in subs] == [
        (sid(1), 1, "m1", True), (sid(2), 2, "m2", False)]


def test_same_id_in_two_files_of_one_import_counts_once(sample_repo, tmp_path):
    a = attempt(1, "Ana", [])
    f1 = write(tmp_path / "a.json", bundle("m1", a))
    f2 = write(tmp_path / "b.json", bundle("m1", a, attempt(2, "Ana", [], attempt=2)))
    s = import_bundles(sample_repo, [f1, f2])
    assert (s.added, s.duplicates) == (2, 1)


def test_regrade_after_key_change_stores_key_version(sample_repo, tmp_path):
    f = write(tmp_path / "a.json", bundle("m1", attempt(1, "Ana", [hl(124, 145, LL)])))
    import_bundles(sample_repo, [f])
    old = sample_repo.submissions()[0]
    v1 = sample_repo.key_version(LESSON)
    assert old.key_version == v1
    # the instructor drops K1 from the key and re-imports the pack with --replace
    import_pack(sample_repo, parse_pack(pack_with(drop_key=0)), replace_existing=True)
    v2 = sample_repo.key_version(LESSON)
    assert v2 == v1 + 1
    assert sample_repo.stale_lessons() == [LESSON]
    f2 = write(tmp_path / "b.json", bundle("m2", attempt(2, "Ben", [hl(22, 30, LL)])))
    s = import_bundles(sample_repo, [f2])
    assert (s.added, s.regraded) == (1, 1)
    assert "1 earlier attempt regraded against the current key" in s.line()
    new = {x.submission_id: x for x in sample_repo.submissions()}
    assert new[sid(1)].key_version == v2 and new[sid(2)].key_version == v2
    # without K1, "disastrous power grab" is one of 2 required spans, not 2 of 3
    assert new[sid(1)].report["overall"]["recall"] == pytest.approx(0.5)
    assert old.report["overall"]["recall"] == pytest.approx(1 / 3)
    assert refresh_grades(sample_repo) == 0


def test_attempt_for_unknown_lesson_is_kept_reported_then_graded(repo, tmp_path):
    f = write(tmp_path / "a.json", bundle("m1", attempt(1, "Ana", [hl(0, 12, UC)]),
                                          attempt(2, "Ben", [])))
    s = import_bundles(repo, [f])
    assert s.added == 2
    assert s.unknown_lessons == (("Ana", LESSON), ("Ben", LESSON))
    assert s.line() == ("Imported 2 new attempts from 1 file (2 for a lesson not on "
                        "this machine: sample-budget; 2 unsigned: no class code)")
    assert [x.score for x in repo.submissions()] == [None, None]
    import_pack(repo, read_pack(PACK))  # the lesson arrives
    assert refresh_grades(repo) == 2
    graded = repo.submissions()
    assert all(x.score is not None and x.key_version == repo.key_version(LESSON)
               for x in graded)
    assert graded[1].score == 0  # Ben marked nothing


def test_lesson_here_without_key_is_ungraded_until_key_arrives(repo, tmp_path):
    import_pack(repo, parse_pack(pack_with(keys=False)))
    f = write(tmp_path / "a.json", bundle("m1", attempt(1, "Ana", [hl(22, 30, LL)])))
    s = import_bundles(repo, [f])
    assert s.no_key == (("Ana", LESSON),) and s.unknown_lessons == ()
    assert "1 ungraded until the key arrives: sample-budget" in s.line()
    import_pack(repo, read_pack(PACK), replace_existing=True)
    again = import_bundles(repo, [f])  # a later import regrades what was waiting
    assert (again.added, again.duplicates, again.regraded) == (0, 1, 1)
    assert repo.submissions()[0].score is not None


def test_attempt_that_does_not_fit_the_lesson_is_stored_ungraded(sample_repo, tmp_path):
    f = write(tmp_path / "a.json", bundle("m1", attempt(1, "Ana", [hl(140, 999, UC)]),
                                          attempt(2, "Ben", [hl(0, 5, "made_up")])))
    s = import_bundles(sample_repo, [f])
    assert s.added == 2 and len(s.errors) == 2
    assert "a.json: Ana: highlights[0] [140, 999): offsets are outside" in s.errors[0]
    assert "label 'made_up' is not a category" in s.errors[1]
    assert all(x.score is None for x in sample_repo.submissions())
    assert refresh_grades(sample_repo) == 0


def test_folder_of_bundles(sample_repo, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    write(folder / "a.json", bundle("m1", attempt(1, "Ana", [])))
    write(folder / "b.json", bundle("m2", attempt(2, "Ben", [])))
    (folder / "notes.txt").write_text("not a bundle")
    assert import_bundles(sample_repo, [folder]).added == 2
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="holds no submission files"):
        import_bundles(sample_repo, [tmp_path / "empty"])


# -- bad bundles: nothing written --------------------------------------------------
GOOD = bundle("m1", attempt(1, "Ana", [hl(0, 12, UC)]))


def _bad_cases() -> dict[str, object]:
    dup = bundle("m1", attempt(1, "Ana", []), attempt(1, "Ben", []))
    wrong_fmt = dict(GOOD, format="close-reader/lesson-pack")
    newer = dict(GOOD, version=4)
    reversed_ = bundle("m1", attempt(2, "Ana", [hl(12, 3, UC)]))
    bad_lesson = bundle("m1", attempt(2, "Ana", [], lesson="../etc/passwd"))
    no_name = bundle("m1", attempt(2, "   ", []))
    bad_id = bundle("m1", dict(attempt(2, "Ana", []), submission_id="x; DROP TABLE"))
    wrong_type = bundle("m1", dict(attempt(2, "Ana", []), attempt="2"))
    text = json.dumps(GOOD)
    return {
        "duplicate ids": dup, "wrong format": wrong_fmt, "newer version": newer,
        "reversed offsets": reversed_, "bad lesson id": bad_lesson, "empty name": no_name,
        "bad submission id": bad_id, "wrong type": wrong_type,
        "truncated": text[: len(text) // 2].encode(), "not utf-8": b"\xff\xfe\x00{",
        "nul byte": text.replace('"Ana"', '"An\\u0000a"').encode(),
        "deeply nested": ("[" * 5000 + "]" * 5000).encode(), "empty": b"",
        "a list": b"[]",
    }


BAD = _bad_cases()


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_bundle_refused_with_nothing_written(sample_repo, tmp_path, case):
    good = write(tmp_path / "good.json", GOOD)
    bad = tmp_path / "bad.json"
    raw = BAD[case]
    bad.write_bytes(raw if isinstance(raw, bytes) else json.dumps(raw).encode())
    with pytest.raises(FormatError) as e:
        import_bundles(sample_repo, [good, bad])
    assert str(e.value).startswith("bad.json")
    assert "\n" not in str(e.value)
    assert count(sample_repo) == 0 and sample_repo.students() == []


def test_missing_file_refused_with_nothing_written(sample_repo, tmp_path):
    good = write(tmp_path / "good.json", GOOD)
    with pytest.raises(UserError, match="missing.json"):
        import_bundles(sample_repo, [good, tmp_path / "missing.json"])
    assert count(sample_repo) == 0


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10_000), junk=st.binary(max_size=8))
def test_any_damaged_bundle_is_refused_or_imported_whole(sample_repo, tmp_path, cut, junk):
    text = json.dumps(bundle("m1", attempt(1, "Ana", [hl(0, 12, UC)]),
                             attempt(2, "Zoë 🙂", [hl(22, 30, LL, "ünïcode")]))).encode()
    data = text[: cut % (len(text) + 1)] + junk
    f = tmp_path / "h.json"
    f.write_bytes(data)
    before = count(sample_repo)
    try:
        s = import_bundles(sample_repo, [f])
    except UserError:
        assert count(sample_repo) == before
    else:
        assert count(sample_repo) == before + s.added
