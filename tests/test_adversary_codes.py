"""Issue 22, rule 2 and rule 4's exports, attacked: bundles in another student's name
with no signature, the forger's own code, a MAC over changed highlights, a student's
code key edited in their own database; and ``lessons export`` of an assessment's teacher
notes and key without the password or on a student machine.
"""

from __future__ import annotations

import json
import re

import pytest
from adversary_helpers import (
    NOTE,
    PERFECT,
    PRACTICE,
    PW,
    TEST,
    UC,
    attempts,
    bundle,
    classroom,
    cli,
    code_key,
    conflicts,
    count,
    done,
    edit,
    grades,
    mac,
    machine_of,
    q,
    read,
    refused,
    signed,
    student_submits,
    sub,
    uid,
)

LESSON = "twins-library-hours-careful"  # a bundled lesson: nobody has an attempt on it yet


@pytest.fixture
def room(tmp_path_factory, tmp_path):
    return classroom(tmp_path_factory, tmp_path)


def _codes(room) -> dict[str, str]:
    """The instructor hands out codes (``codes make``); name -> code as printed."""
    out = done(cli(room.teacher, "codes", "make", "Ana P.", "Ben K.", "Cleo Z.", password=PW))
    found = dict(m.groups() for m in re.finditer(
        r"^(.+?)\s+([0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5})$", out, re.M))
    assert set(found) == {"Ana P.", "Ben K.", "Cleo Z."}, out
    return found


def _enter_code(db, student: str, code: str) -> None:
    """The student's File › Enter my class code… (its service)."""
    from app.services.classcodes import enter_code
    from app.store.repo import open_repo

    r = open_repo(db)
    try:
        st = r.student(student)
        enter_code(r, st.id, st.name, code.lower().replace("-", " "))  # as typed
    finally:
        r.database.close()


def _import(room, *files):
    return cli(room.teacher, "submissions", "import", *files)


def _signed(db, sid) -> int:
    return q(db, "SELECT signed FROM submissions WHERE submission_id = ?", sid)[0][0]


def test_codes_are_the_instructors(room):
    refused(cli(room.teacher, "codes", "make", "Ana P."), "needs the instructor password")
    refused(cli(room.teacher, "codes", "list"), "needs the instructor password")
    refused(cli(room.teacher, "codes", "sheet", "-o", room.dir / "s.pdf"),
            "needs the instructor password")
    assert not (room.dir / "s.pdf").exists()
    codes = _codes(room)
    _enter_code(room.ana, "Ana P.", codes["Ana P."])
    # a student machine keeps the code's key, never the code
    listed = done(cli(room.ana, "codes", "list"))
    assert codes["Ana P."] not in listed and codes["Ana P."].replace("-", "") not in listed
    assert all(codes[n].replace("-", "") not in str(q(room.ana, "SELECT * FROM students"))
               for n in codes)


def test_a_signed_attempt_by_its_student_is_imported_and_the_mac_is_as_formats_md_says(room):
    codes = _codes(room)
    _enter_code(room.ana, "Ana P.", codes["Ana P."])
    sid = student_submits(room.ana, "Ana P.", LESSON, [(0, 10, UC)])
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "a.json"))
    sent = {s["submission_id"]: s for s in read(room.dir / "a.json")["submissions"]}[sid]
    # the signature the app made is the one formats.md describes, computed here by hand
    assert sent["signature"] == mac(code_key(codes["Ana P."], "Ana P."), sent,
                                    machine_of(room.ana))
    out = done(_import(room, room.dir / "a.json"))
    assert "Imported 1 new attempt" in out and conflicts(room.teacher) == []
    assert _signed(room.teacher, sid) == 1
    assert grades(room.teacher)[("Ana P.", LESSON)][0] == sid


def _bens(room, n: int = 1, spans=((0, 10, UC),), lesson: str = LESSON, **kw) -> dict:
    return sub(uid(n), "Ben K.", list(spans), lesson=lesson, **kw)


def _kept_aside_for_signature(room, detail_words: tuple[str, ...]) -> None:
    (c,) = conflicts(room.teacher)
    assert c[1:4] == ("Ben K.", LESSON, "signature"), c
    for w in detail_words:
        assert w in c[4], (w, c)
    assert ("Ben K.", LESSON) not in grades(room.teacher)
    assert attempts(room.teacher, "Ben K.", LESSON) == []
    listed = done(cli(room.teacher, "conflicts", "list", password=PW))
    assert all(w in listed for w in detail_words) and "accept" in listed


def test_a_bundle_in_bens_name_without_a_signature_is_kept_aside(room):
    _codes(room)
    done(_import(room, room.file("b.json", bundle(machine_of(room.ana), _bens(room)))))
    _kept_aside_for_signature(room, ("unsigned", "Ben K. has a class code"))
    # a version 1 bundle cannot carry a signature: kept aside the same way
    done(_import(room, room.file("v1.json", bundle("m", _bens(room, 2, after_key=None),
                                                   version=1))))
    assert [c[3] for c in conflicts(room.teacher)] == ["signature", "signature"]


def test_a_bundle_in_bens_name_signed_with_the_forgers_own_code(room):
    codes = _codes(room)
    machine = machine_of(room.ana)
    # Ana's own key (her code, her name) over an attempt in Ben's name
    mine = code_key(codes["Ana P."], "Ana P.")
    done(_import(room, room.file("b.json", bundle(machine, signed(_bens(room), mine,
                                                                  machine)))))
    _kept_aside_for_signature(room, ("signed with the class code of Ana P.",))
    # her code typed under Ben's name: a key that signs for nobody
    edit(room.teacher, "DELETE FROM submission_conflicts")
    hers_as_bens = code_key(codes["Ana P."], "Ben K.")
    done(_import(room, room.file("c.json", bundle(machine, signed(_bens(room, 2), hers_as_bens,
                                                                  machine)))))
    _kept_aside_for_signature(room, ("not Ben K.'s",))


@pytest.mark.parametrize("change", ["highlights", "submission_id", "attempt", "submitted_at",
                                    "after_key", "lesson", "machine", "mac", "code", "alg"])
def test_bens_signed_attempt_changed_on_the_way(room, change):
    """Ben's genuine signed attempt, taken off the stick and changed before the instructor
    imports it: kept aside; Ben's own copy still imports."""
    codes = _codes(room)
    _enter_code(room.ben, "Ben K.", codes["Ben K."])
    sid = student_submits(room.ben, "Ben K.", LESSON, [(0, 10, UC)])
    done(cli(room.ben, "submissions", "export", "-o", room.dir / "ben.json"))
    genuine = read(room.dir / "ben.json")
    doc = json.loads(json.dumps(genuine))
    s = next(x for x in doc["submissions"] if x["submission_id"] == sid)
    if change == "highlights":
        s["highlights"] = []
    elif change == "submission_id":
        s["submission_id"] = uid(5)
    elif change == "attempt":
        s["attempt"] = 2
    elif change == "submitted_at":
        s["submitted_at"] = "2000-01-01T00:00:00Z"
    elif change == "after_key":
        s["after_key"] = True
    elif change == "lesson":
        s["lesson"] = "twins-pool-repairs-careful"
    elif change == "machine":
        doc["machine"] = "another-machine"
    elif change == "mac":
        s["signature"]["mac"] = s["signature"]["mac"][:-1] + (
            "0" if s["signature"]["mac"][-1] != "0" else "1")
    elif change == "code":
        s["signature"]["code"] = "00000000"
        s["highlights"] = []
    else:
        s["signature"]["alg"] = "HMAC-MD5"
    doc["submissions"] = [s]
    before = count(room.teacher)
    done(_import(room, room.file("tampered.json", doc)))
    if change == "code":  # the code field is only a hint: the MAC decides
        assert "not Ben K.'s" in conflicts(room.teacher)[0][4]
    (c,) = conflicts(room.teacher)
    assert c[1] == "Ben K." and c[3] == "signature", c
    assert "not Ben K.'s" in c[4] and "changed" in c[4]
    assert count(room.teacher) == before
    # Ben's real bundle, arriving after, is his
    done(_import(room, room.dir / "ben.json"))
    assert grades(room.teacher)[("Ben K.", LESSON)][0] == sid and _signed(room.teacher, sid)


@pytest.mark.parametrize("sig", [{"alg": "HMAC-SHA256", "mac": 7},
                                 {"alg": "HMAC-SHA256", "mac": "f" * 10_000},
                                 {"alg": "HMAC-SHA256", "code": "\u001b[2J", "mac": "ab"},
                                 {"alg": "HMAC-SHA256"}, "HMAC", [], 0])
def test_a_signature_that_is_not_one(room, sig):
    _codes(room)
    s = {**_bens(room), "signature": sig}
    p = _import(room, room.file("b.json", bundle("m", s)))
    assert "Traceback" not in p.stderr and "\x1b" not in p.stdout + p.stderr
    if p.returncode:
        refused(p, "signature")
        assert conflicts(room.teacher) == []
    else:
        _kept_aside_for_signature(room, ("not Ben K.'s",))
    assert ("Ben K.", LESSON) not in grades(room.teacher)


def test_a_student_who_edits_their_code_key_signs_for_nobody(room):
    codes = _codes(room)
    _enter_code(room.ana, "Ana P.", codes["Ana P."])
    # Ana copies her code's key into a "Ben K." on her machine, and makes one up for herself
    student_submits(room.ana, "Ben K.", LESSON, [])  # Ben K. exists on her machine now
    edit(room.ana, "UPDATE students SET code_key = (SELECT code_key FROM students WHERE "
                   "name = 'Ana P.') WHERE name = 'Ben K.'")
    edit(room.ana, "DELETE FROM submissions WHERE lesson_id = 'twins-library-hours-careful'")
    student_submits(room.ana, "Ben K.", LESSON, [])
    edit(room.ana, "UPDATE students SET code_key = '" + "ab" * 32 + "' WHERE name = 'Ana P.'")
    ana_sid = student_submits(room.ana, "Ana P.", LESSON, PERFECT[:1])
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "a.json"))
    before = grades(room.teacher)
    done(_import(room, room.dir / "a.json"))
    kept = {(c[1], c[2]): c for c in conflicts(room.teacher) if c[2] == LESSON}
    assert "signed with the class code of Ana P." in kept[("Ben K.", LESSON)][4]
    assert "not Ana P.'s" in kept[("Ana P.", LESSON)][4]
    assert kept[("Ana P.", LESSON)][0] == ana_sid
    assert grades(room.teacher) == before


def test_a_renewed_code_stops_signing(room):
    codes = _codes(room)
    _enter_code(room.ana, "Ana P.", codes["Ana P."])
    out = done(cli(room.teacher, "codes", "make", "Ana P.", "--renew", password=PW))
    assert codes["Ana P."] not in out
    student_submits(room.ana, "Ana P.", LESSON, [])
    done(cli(room.ana, "submissions", "export", "-o", room.dir / "a.json"))
    done(_import(room, room.dir / "a.json"))
    assert [(c[1], c[3]) for c in conflicts(room.teacher) if c[2] == LESSON] == [
        ("Ana P.", "signature")]


def test_a_class_without_codes_imports_as_unsigned(room):
    """No codes: names are taken at their word (what codes prevent), attempts unsigned."""
    done(_import(room, room.file("b.json", bundle("m", _bens(room)))))
    assert conflicts(room.teacher) == [] and _signed(room.teacher, uid(1)) == 0
    assert grades(room.teacher)[("Ben K.", LESSON)][0] == uid(1)
    # a signature made up by anyone is not checked against anything, and not "signed"
    fake = signed(_bens(room, 2, spans=[], lesson="twins-pool-repairs-careful"), b"k" * 32, "m")
    done(_import(room, room.file("c.json", bundle("m", fake))))
    assert _signed(room.teacher, uid(2)) == 0
    assert all(r[0] == 0 for r in q(room.teacher, "SELECT signed FROM submissions"))


def test_unsigned_attempts_are_shown_as_unsigned(room):
    out = done(_import(room, room.file("b.json", bundle("m", _bens(room)))))
    from app.store.repo import open_repo
    from app.ui.results.review_page import review_rows

    r = open_repo(room.teacher)
    try:
        rows = " ".join(" ".join(cells) for _, cells in review_rows(r))
    finally:
        r.database.close()
    assert "unsigned" in out.lower() or "unsigned" in rows.lower(), (out, rows)


# -- lessons export: notes and assessment keys ------------------------------------------
EXPORTS = [(), ("--as", "doccano"), ("--as", "ptc"), ("--as", "w3c")]


def _written(path) -> str:
    if path.is_dir():
        return "".join(f.read_text(encoding="utf-8") for f in sorted(path.iterdir()))
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.parametrize("form", EXPORTS)
@pytest.mark.parametrize("flag", ["--with-notes", "--with-assessment-keys"])
def test_an_assessments_notes_and_key_need_the_password(room, form, flag):
    out = room.dir / "out"
    refused(cli(room.teacher, "lessons", "export", TEST, "-o", out, flag, *form),
            "needs the instructor password")
    assert not out.exists()
    refused(cli(room.teacher, "lessons", "export", TEST, "-o", out, flag, *form,
                password="not-it-123"), "not the instructor password")
    assert not out.exists()


@pytest.mark.parametrize("form", EXPORTS)
def test_no_export_carries_teacher_notes_unless_asked(room, form):
    out = room.dir / "out"
    done(cli(room.teacher, "lessons", "export", TEST, PRACTICE, "-o", out, *form, password=PW))
    text = _written(out)
    assert NOTE not in text and "SECRET" not in text and "teacher_notes" not in text
    if not form:  # a pack: the practice key travels, the assessment's does not
        lessons = {le["id"]: le for le in json.loads(text)["lessons"]}
        assert "key" in lessons[PRACTICE] and "key" not in lessons[TEST]
    # without the password, and with --no-keys: no notes, no key
    out2 = room.dir / "out2"
    done(cli(room.teacher, "lessons", "export", TEST, "-o", out2, "--no-keys", *form))
    text = _written(out2)
    assert NOTE not in text and "Which experts?" not in text


@pytest.mark.parametrize("form", [(), ("--as", "doccano"), ("--as", "w3c")])
def test_a_student_machine_never_exports_an_assessment_key(room, form):
    """Ana's machine holds the assessment's key after the release."""
    done(cli(room.teacher, "feedback", "export", "-o", room.dir / "fb", password=PW))
    done(cli(room.ana, "feedback", "import", room.dir / "fb"))
    assert q(room.ana, "SELECT COUNT(*) FROM key_spans WHERE lesson_id = ?", TEST)[0][0] == 4
    out = room.dir / "out"
    line = refused(cli(room.ana, "lessons", "export", TEST, "-o", out,
                       "--with-assessment-keys", *form), "student computer")
    assert "instructor's computer only" in line and not out.exists()
    # asked plainly, it leaves the assessment's key out
    done(cli(room.ana, "lessons", "export", TEST, "-o", out, *form))
    text = _written(out)
    assert "explanation" not in text and "Which experts?" not in text, text[:400]
    # and the teacher notes never reached the student machine in the first place
    done(cli(room.ana, "lessons", "export", TEST, PRACTICE, "-o", room.dir / "n.json",
             "--with-notes"))
    assert NOTE not in _written(room.dir / "n.json")
    assert q(room.ana, "SELECT teacher_notes FROM lessons WHERE id IN (?, ?)",
             TEST, PRACTICE) == [("",), ("",)]


@pytest.mark.parametrize("copy", [
    pytest.param("changed"),
    pytest.param("unsigned"),
])
def test_a_copy_of_bens_attempt_in_the_same_folder_cannot_cost_him_his_grade(room, copy):
    """Ana drops a copy of Ben's signed attempt, with his id, into the folder the
    instructor imports: highlights changed (signature broken), or the signature removed.
    Ben's genuine file is in the same folder and sorts after it."""
    codes = _codes(room)
    _enter_code(room.ben, "Ben K.", codes["Ben K."])
    sid = student_submits(room.ben, "Ben K.", LESSON, [(0, 10, UC)])
    stick = room.dir / "stick"
    stick.mkdir()
    done(cli(room.ben, "submissions", "export", "-o", stick / "ben.json"))
    doc = read(stick / "ben.json")
    s = next(x for x in doc["submissions"] if x["submission_id"] == sid)
    if copy == "changed":
        s["highlights"] = []
    else:
        del s["signature"]
    doc["submissions"] = [s]
    (stick / "a-copy.json").write_text(json.dumps(doc), encoding="utf-8")
    out = done(_import(room, stick))
    assert grades(room.teacher).get(("Ben K.", LESSON), (None,))[0] == sid, (
        out, conflicts(room.teacher))
    assert _signed(room.teacher, sid) == 1
