"""Issue 22, rules 3 and 4, attacked: feedback files a student wrote, re-signed, edited,
carried to another machine or replayed, and what a genuine feedback file lets a machine
learn. Every import is the real ``close-reader feedback import`` in a subprocess; the
databases are read afterwards with sqlite3.
"""

from __future__ import annotations

import base64
import json

import pytest
from adversary_helpers import (
    NOTE,
    PERFECT,
    PRACTICE,
    PW,
    TEST,
    UC,
    attempts,
    classroom,
    cli,
    done,
    ed25519_sign,
    edit,
    export_feedback,
    feedback_for,
    fingerprint,
    forger_key,
    gradebook,
    grades,
    machine_of,
    raw_public,
    read,
    refused,
    setting,
    state,
    student_submits,
    write,
)


@pytest.fixture
def room(tmp_path_factory, tmp_path):
    return classroom(tmp_path_factory, tmp_path)


def _fb_import(db, path):
    return cli(db, "feedback", "import", path)


def _ana_file(room, *lessons, folder="fb"):
    return feedback_for(export_feedback(room, folder, *lessons), room.ana)


def _released(db) -> list[tuple]:
    return [(a[1], a[2]) for a in state(db)["attempts"] if a[7] is not None]


def test_a_genuine_feedback_file_is_obeyed(room):
    """What the attacks below start from: the instructor's file works."""
    path = _ana_file(room)
    out = done(_fb_import(room.ana, path))
    assert "2 results released" in out, out
    assert sorted(_released(room.ana)) == [("Ana P.", PRACTICE), ("Ana P.", TEST)]
    assert setting(room.ana, "feedback_applied") == str(read(path)["sequence"])
    again = done(_fb_import(room.ana, path))
    assert "already imported" in again


# -- who sent it -------------------------------------------------------------------------
def _raise_ana_to_100(doc: dict) -> dict:
    for r in doc["results"]:
        r["override"] = {"score": 100, "reason": "my own work"}
        r["comment"] = "Excellent!"
    return doc


def test_an_unsigned_feedback_file_is_refused(room):
    genuine = read(_ana_file(room))
    before = state(room.ana)
    doc = _raise_ana_to_100({k: v for k, v in genuine.items() if k != "signature"})
    line = refused(_fb_import(room.ana, write(room.dir / "unsigned.json", doc)),
                   "not signed by your teacher", "nothing was imported")
    assert "unsigned.json" in line
    assert state(room.ana) == before
    # an old, version-1 file (never signed) too
    refused(_fb_import(room.ana, write(room.dir / "v1.json", {**doc, "version": 1})),
            "older version")
    # a signature member that is not one
    for n, sig in enumerate(({}, None, "x", {"alg": "none"}, {"alg": "Ed25519", "key": "",
                                                              "sig": ""},
                             {"alg": "Ed25519", "key": "!!", "sig": "@@"}, [1, 2])):
        p = _fb_import(room.ana, write(room.dir / f"sig{n}.json", {**doc, "signature": sig}))
        assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr
    assert state(room.ana) == before


def test_a_feedback_file_signed_with_the_students_own_key_is_refused(room):
    genuine = read(_ana_file(room))
    before = state(room.ana)
    key = forger_key()
    forged = ed25519_sign(_raise_ana_to_100(json.loads(json.dumps(genuine))), key)
    line = refused(_fb_import(room.ana, write(room.dir / "forged.json", forged)),
                   "not signed by your teacher's key")
    assert fingerprint(raw_public(key)) in line  # which key signed it, and which is trusted
    assert state(room.ana) == before
    # the instructor's public key written in, the student's signature under it
    teacher_key = genuine["signature"]["key"]
    lying = {**forged, "signature": {**forged["signature"], "key": teacher_key}}
    refused(_fb_import(room.ana, write(room.dir / "lying.json", lying)),
            "does not match its content")
    assert state(room.ana) == before


@pytest.mark.parametrize("change", ["override", "score", "comment", "machine", "sequence",
                                    "key", "mode", "lesson", "student", "exported_at",
                                    "drop result", "extra member"])
def test_a_feedback_file_edited_after_the_instructor_signed_it_is_refused(room, change):
    genuine = read(_ana_file(room))
    before = state(room.ana)
    doc = json.loads(json.dumps(genuine))
    r0 = doc["results"][0]
    if change == "override":
        r0["override"] = {"score": 100, "reason": "x"}
    elif change == "score":
        r0["score"] = 100
    elif change == "comment":
        r0["comment"] = "Perfect."
    elif change == "machine":
        doc["machine"] = machine_of(room.ben)
    elif change == "sequence":
        doc["sequence"] += 1000
    elif change == "key":
        doc["lessons"][0]["key"] = doc["lessons"][0]["key"][:1]
    elif change == "mode":
        doc["lessons"][0]["mode"] = "practice" if doc["lessons"][0].get("mode") else \
            "assessment"
    elif change == "lesson":
        doc["lessons"].append({**doc["lessons"][0], "id": "brand-new"})
    elif change == "student":
        r0["student"] = "Ben K."
    elif change == "exported_at":
        doc["exported_at"] = "2030-01-01T00:00:00Z"
    elif change == "drop result":
        doc["results"] = doc["results"][1:]
    else:
        doc["note"] = "hello"
    refused(_fb_import(room.ana, write(room.dir / "edited.json", doc)),
            "does not match its content", "nothing was imported")
    assert state(room.ana) == before


def test_only_the_content_is_signed_not_the_spelling(room):
    """Spacing, key order and escapes do not matter (formats.md, "Canonical JSON"): the
    instructor's file re-spelled by an editor still imports."""
    genuine = read(_ana_file(room))
    respelled = json.dumps(dict(reversed(list(genuine.items()))), indent=4, ensure_ascii=True)
    path = room.dir / "respelled.json"
    path.write_text(respelled, encoding="utf-8")
    done(_fb_import(room.ana, path))
    assert sorted(_released(room.ana)) == [("Ana P.", PRACTICE), ("Ana P.", TEST)]


def test_a_feedback_file_for_another_machine_is_refused(room):
    folder = export_feedback(room, "fb")
    before = state(room.ana)
    bens = feedback_for(folder, room.ben)
    line = refused(_fb_import(room.ana, bens), "for another computer")
    assert machine_of(room.ana)[:8] in line and machine_of(room.ben)[:8] in line
    assert state(room.ana) == before
    # the folder: the machine finds its own file, and only that one is applied
    done(_fb_import(room.ana, folder))
    assert sorted(_released(room.ana)) == [("Ana P.", PRACTICE), ("Ana P.", TEST)]
    assert "Ben K." not in {a[1] for a in state(room.ana)["attempts"]}


def test_an_older_feedback_file_never_reverts_a_newer_one(room):
    first = _ana_file(room, folder="fb1")
    # the instructor overrides Ana's assessment, and releases again
    from adversary_helpers import set_override

    set_override(room.teacher, "Ana P.", TEST, 75, "good reasons in the margin", "Well done.")
    second = _ana_file(room, folder="fb2")
    assert read(second)["sequence"] > read(first)["sequence"]
    done(_fb_import(room.ana, second))
    after = state(room.ana)
    line = refused(_fb_import(room.ana, first), "older than the one already imported",
                   "nothing was imported")
    assert str(read(first)["sequence"]) in line
    assert state(room.ana) == after
    ana_test = [a for a in after["attempts"] if a[2] == TEST][0]
    assert ana_test[4:7] == (75, "good reasons in the margin", "Well done.")


def test_the_instructors_own_file_is_refused_on_the_instructors_database(room):
    path = _ana_file(room)
    before = state(room.teacher)
    line = refused(_fb_import(room.teacher, path), "Release here")
    assert "instructor's database" in line
    assert state(room.teacher) == before


def _forged_everything(room, key, machine: str) -> dict:
    """A file that tries every change a feedback file must not make."""
    genuine = read(_ana_file(room))
    ben_grade = grades(room.teacher)[("Ben K.", PRACTICE)][0]
    ana_practice = attempts(room.ana, "Ana P.", PRACTICE)
    doc = json.loads(json.dumps(genuine))
    doc["machine"] = machine
    doc["sequence"] = 10_000
    for le in doc["lessons"]:
        le["key"] = [{**le["key"][0], "explanation": "forged"}]  # a one-span key
        le["mode"] = "practice" if le.get("mode") == "assessment" else "assessment"
        le["title"] = "Forged title"
    doc["lessons"].append({**doc["lessons"][0], "id": "brand-new", "title": "Forged lesson"})
    doc["results"] = [
        # Ana's graded practice attempt: 100
        {"submission_id": ana_practice[0][0], "lesson": PRACTICE, "student": "Ana P.",
         "score": 100, "override": {"score": 100, "reason": "forged"}},
        # Ben's graded attempt (on Ben's machine): 0
        {"submission_id": ben_grade, "lesson": PRACTICE, "student": "Ben K.", "score": 0,
         "override": {"score": 0, "reason": "forged"}},
        # Ana's practice attempt after the key, named as Ben's
        {"submission_id": ana_practice[1][0], "lesson": PRACTICE, "student": "Ben K.",
         "score": 0, "override": {"score": 0, "reason": "forged"}},
    ]
    return ed25519_sign(doc, key)


def _keys_here(after: dict, before: dict) -> list[tuple]:
    """The key spans of lessons that had a key before (a lesson without one, the
    unreleased assessment, may receive one: formats.md, "Feedback file")."""
    had = {k[0] for k in before["keys"]}
    return [k for k in after["keys"] if k[0] in had]


def test_a_forged_file_can_change_nothing_on_a_student_machine(room):
    key = forger_key()
    before = state(room.ana)
    forged = write(room.dir / "forged.json", _forged_everything(room, key, machine_of(room.ana)))
    refused(_fb_import(room.ana, forged), "not signed by your teacher's key")
    assert state(room.ana) == before


def test_a_student_who_trusts_their_own_key_changes_only_what_their_machine_shows(room):
    """Ana edits her own database to trust her key (or runs ``instructor trust --forget``
    and imports a pack she signed): her machine then obeys her file, but only as far as a
    feedback file may go, and nothing of it reaches the instructor."""
    key = forger_key()
    teacher_before = grades(room.teacher)
    edit(room.ana, ("UPDATE settings SET value = ? WHERE key = 'trusted_instructor_key'",
                    base64.b64encode(raw_public(key)).decode()))
    before = state(room.ana)
    forged = write(room.dir / "forged.json", _forged_everything(room, key, machine_of(room.ana)))
    out = done(_fb_import(room.ana, forged))
    assert "for attempts not on this computer" in out  # Ben's: skipped
    after = state(room.ana)
    # never a key already here, a lesson's mode, title or text, never a new lesson
    assert _keys_here(after, before) == before["keys"]
    assert after["lessons"] == [(*le[:5], 1) if le[0] == TEST else le
                                for le in before["lessons"]]
    assert after["students"] == before["students"]
    # an attempt named under another student's name is not touched
    practice = {a[0]: a for a in after["attempts"] if a[2] == PRACTICE}
    graded, late = attempts(room.ana, "Ana P.", PRACTICE)
    assert practice[late[0]][4] is None
    assert practice[graded[0]][4] == 100  # her own machine shows what she wrote
    # and none of it reaches the instructor: her next bundle moves nothing
    student_submits(room.ana, "Ana P.", PRACTICE, PERFECT)
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "after.json"))
    assert all("override" not in s and "score" not in s
               for s in read(room.dir / "after.json")["submissions"])
    done(cli(room.teacher, "submissions", "import", room.dir / "after.json"))
    assert grades(room.teacher) == teacher_before
    assert gradebook(room.teacher)[("Ana P.", PRACTICE)] == "16"


def test_forgetting_the_trusted_key_on_a_student_machine_and_a_self_signed_pack(room):
    """The documented way to change the trusted key works without a password on a
    student machine (it has none); what follows is limited to that machine."""
    key = forger_key()
    done(cli(room.ana, "instructor", "trust", "--forget"))
    assert setting(room.ana, "trusted_instructor_key") is None
    pack = read(room.pack)
    pack = ed25519_sign({k: v for k, v in pack.items() if k != "signature"}, key)
    out = done(cli(room.ana, "lessons", "import", write(room.dir / "mine.crpack", pack),
                   "--replace", "--trust"))
    assert fingerprint(raw_public(key)) in out
    forged = write(room.dir / "forged.json", _forged_everything(room, key, machine_of(room.ana)))
    before = state(room.ana)
    done(_fb_import(room.ana, forged))
    after = state(room.ana)
    assert _keys_here(after, before) == before["keys"]
    assert [le[:5] for le in after["lessons"]] == [le[:5] for le in before["lessons"]]


def test_a_forged_file_can_change_nothing_on_the_instructors_database(room):
    """The shared classroom database: unsigned, self-signed, or aimed at its own machine id,
    a feedback file changes no key, mode, lesson, override or grade there."""
    key = forger_key()
    assert "This computer's id" in done(cli(room.teacher, "instructor", "trust"))
    doc = _forged_everything(room, key, machine_of(room.teacher))
    before = state(room.teacher)
    for name, d in (("self-signed", doc),
                    ("unsigned", {k: v for k, v in doc.items() if k != "signature"})):
        p = _fb_import(room.teacher, write(room.dir / f"{name}.json", d))
        assert p.returncode == 1 and "Traceback" not in p.stderr, p
    assert state(room.teacher) == before


def test_the_instructors_database_never_obeys_a_feedback_file(room):
    key = forger_key()
    pack = read(room.pack)
    pack["lessons"] = [{**pack["lessons"][0], "id": "student-made", "title": "My lesson"}]
    pack = ed25519_sign({k: v for k, v in pack.items() if k != "signature"}, key)
    out = done(cli(room.teacher, "lessons", "import", write(room.dir / "gift.crpack", pack)))
    done(cli(room.teacher, "instructor", "trust"))
    before = grades(room.teacher)
    forged = write(room.dir / "forged.json",
                   _forged_everything(room, key, machine_of(room.teacher)))
    p = _fb_import(room.teacher, forged)
    assert grades(room.teacher) == before, out
    refused(p, "Release here")


def test_a_feedback_file_holds_only_its_machines_students(room):
    # Cleo works on Ben's machine (a shared computer); the instructor comments on everyone
    student_submits(room.ben, "Cleo Z.", PRACTICE, [(0, 45, UC)])
    done(cli(room.ben, "submissions", "export", "-o", room.dir / "ben-2.json"))
    done(cli(room.teacher, "submissions", "import", room.dir / "ben-2.json"))
    from adversary_helpers import set_override

    set_override(room.teacher, "Ben K.", PRACTICE, 55, "BEN-REASON", "BEN-COMMENT")
    set_override(room.teacher, "Cleo Z.", PRACTICE, 60, "CLEO-REASON", "CLEO-COMMENT")
    set_override(room.teacher, "Ana P.", PRACTICE, 20, "ANA-REASON", "ANA-COMMENT")
    folder = export_feedback(room, "fb", PRACTICE)  # the assessment is not released
    ana_text = feedback_for(folder, room.ana).read_text(encoding="utf-8")
    ben_text = feedback_for(folder, room.ben).read_text(encoding="utf-8")
    for secret in ("Ben K.", "BEN-", "Cleo", "CLEO-", NOTE, "SECRET", TEST,
                   machine_of(room.ben)):
        assert secret not in ana_text, secret
    for secret in ("Ana P.", "ANA-", NOTE, TEST, machine_of(room.ana)):
        assert secret not in ben_text, secret
    ana = read(feedback_for(folder, room.ana))
    assert [r["student"] for r in ana["results"]] == ["Ana P."]
    assert [le["id"] for le in ana["lessons"]] == [PRACTICE]
    assert all("teacher_notes" not in le for le in ana["lessons"])
    assert {r["student"] for r in read(feedback_for(folder, room.ben))["results"]} == {
        "Ben K.", "Cleo Z."}
    # no ids of other machines' attempts either
    ben_ids = {a[0] for a in state(room.ben)["attempts"]}
    assert not any(i in ana_text for i in ben_ids)


def test_an_assessment_key_goes_only_where_it_was_released(room):
    """Cleo, on Ana's machine, has not taken the assessment: the instructor is told, and
    after the release her screen still does not show her the key."""
    student_submits(room.ana, "Cleo Z.", PRACTICE, [])
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "ana-2.json"))
    done(cli(room.teacher, "submissions", "import", room.dir / "ana-2.json"))
    p = cli(room.teacher, "feedback", "export", "-o", room.dir / "fb", "--lesson", TEST,
            password=PW)
    out = done(p)
    assert "have not submitted it (Cleo Z.)" in out and "hold its key" in out, out
    path = feedback_for(room.dir / "fb", room.ana)
    assert [le["id"] for le in read(path)["lessons"]] == [TEST]
    done(_fb_import(room.ana, path))
    from app.store.repo import KeyLocked, open_repo

    r = open_repo(room.ana)
    try:
        assert r.key_for_student(r.student("Ana P.").id, TEST).key
        with pytest.raises(KeyLocked):
            r.key_for_student(r.student("Cleo Z.").id, TEST)
    finally:
        r.database.close()


def test_a_forged_file_in_the_feedback_folder_does_not_block_the_genuine_one(room):
    folder = export_feedback(room, "fb")
    genuine = read(feedback_for(folder, room.ana))
    forged = ed25519_sign(_raise_ana_to_100(json.loads(json.dumps(genuine))), forger_key())
    write(folder / "feedback-00000000.json", forged)  # sorts first
    done(_fb_import(room.ana, folder))
    assert sorted(_released(room.ana)) == [("Ana P.", PRACTICE), ("Ana P.", TEST)]
    assert all(a[4] != 100 for a in state(room.ana)["attempts"])


def test_a_colleagues_signed_pack_does_not_make_the_instructors_database_a_student_one(room):
    colleague = forger_key()
    pack = read(room.pack)
    pack["lessons"] = [{**pack["lessons"][0], "id": "colleague-lesson", "title": "Shared"}]
    pack = ed25519_sign({k: v for k, v in pack.items() if k != "signature"}, colleague)
    done(cli(room.teacher, "lessons", "import", write(room.dir / "shared.crpack", pack)))
    done(cli(room.teacher, "lessons", "export", TEST, "-o", room.dir / "keys.json",
             "--with-assessment-keys", password=PW))


def test_a_classmates_pack_imported_first_does_not_let_them_write_feedback(room):
    eve = forger_key()
    cleo = room.dir / "cleo.db"
    pack = read(room.pack)
    pack["lessons"] = [{**pack["lessons"][0], "id": "fun-quiz", "title": "A fun quiz"}]
    gift = ed25519_sign({k: v for k, v in pack.items() if k != "signature"}, eve)
    done(cli(cleo, "lessons", "import", write(room.dir / "gift.crpack", gift)))
    done(cli(cleo, "lessons", "import", room.pack, "--trust"))  # the teacher sets it up
    sid = student_submits(cleo, "Cleo Z.", PRACTICE, PERFECT)
    # Eve has Cleo's machine id and attempt id from Cleo's bundle on the shared stick
    genuine = read(_ana_file(room))
    forged = json.loads(json.dumps(genuine))
    forged.update(machine=machine_of(cleo), sequence=99, results=[{
        "submission_id": sid, "lesson": PRACTICE, "student": "Cleo Z.", "score": 100,
        "override": {"score": 0, "reason": "copied"}, "comment": "See me after class."}])
    forged["lessons"] = [le for le in forged["lessons"] if le["id"] == PRACTICE]
    p = _fb_import(cleo, write(room.dir / "eve.json", ed25519_sign(forged, eve)))
    assert state(cleo)["attempts"][0][4] is None  # no override from Eve
    refused(p, "not signed by your teacher")
