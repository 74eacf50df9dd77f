"""The student with a text editor (issue 22, "Tests"): hostile files written by hand as
plain dicts, a student's database edited with ``sqlite3``, and the real ``close-reader``
run as a subprocess against real database files.

Nothing here calls the app's own writers (``export_bundle``, ``write_feedback``…): the
signatures a student would need are made here from formats.md ("Class codes",
"Canonical JSON", "Signatures"), with a key the student generated themselves.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
PW = "teacher-pw-1"  # the instructor's password (on the instructor's database only)
PRACTICE = "sample-budget"
TEST = "sample-test"  # the same article as an assessment
UC, LL = "unsupported_claim", "loaded_language"
NOTE = "SECRET-NOTE: the key has 3 required spans, 1 optional"

# key of the sample lesson: [0,45) UC, [22,30) LL, [106,121) UC optional, [124,145) LL
PERFECT = [(0, 45, UC), (22, 30, LL), (124, 145, LL)]  # 100
ANA_FIRST = [(0, 12, UC)]  # P 1, R 12/45/3: 16
BEN_FORTY = [(0, 45, UC), (59, 67, LL)]  # P 1/2, R 1/3: 40
BEN_TEST = [(0, 45, UC), (22, 30, LL)]  # P 1, R 2/3: 80


# -- the real program ------------------------------------------------------------------
def cli(db: Path, *args: str, password: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``close-reader --db DB ARGS`` in a new process, as a person at a terminal without
    a terminal (stdin closed: nothing can be asked); ``password`` where the instructor
    acts."""
    e = {k: v for k, v in os.environ.items()
         if k not in ("CLOSE_READER_DB", "CLOSE_READER_PASSWORD", "CLOSE_READER_PASSWORD_NEW")}
    e.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    if password is not None:
        e["CLOSE_READER_PASSWORD"] = password
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *map(str, args)],
                          cwd=ROOT, env=e, capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL, encoding="utf-8")


def done(p: subprocess.CompletedProcess[str]) -> str:
    """The command worked: exit 0, no traceback; returns what it printed."""
    assert p.returncode == 0, (p.args[4:], p.stdout, p.stderr)
    assert "Traceback" not in p.stderr, p.stderr
    return p.stdout


def refused(p: subprocess.CompletedProcess[str], *words: str) -> str:
    """Refused the way formats.md says: exit 1, one line on stderr naming the problem, no
    traceback. Returns that line."""
    assert p.returncode == 1, (p.args[4:], p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr, p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("close-reader: "), p.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


# -- the databases, read and edited with sqlite3 ------------------------------------------
def q(db: Path, sql: str, *args: Any) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def edit(db: Path, *statements: str | tuple) -> None:
    """The student at their own machine: ``sqlite3 their.db "UPDATE …"``."""
    con = sqlite3.connect(db)
    try:
        for s in statements:
            sql, args = (s, ()) if isinstance(s, str) else (s[0], s[1:])
            con.execute(sql, args)
        con.commit()
    finally:
        con.close()


def grades(db: Path) -> dict[tuple[str, str], tuple]:
    """Every recorded grade: (student, lesson) -> (graded attempt's id, its score, the
    override, its reason). What no file from a student may change."""
    rows = q(db, "SELECT st.name, s.lesson_id, s.submission_id, s.score, s.override_score, "
                 "s.override_reason FROM submissions s JOIN students st ON st.id = s.student_id "
                 "WHERE s.graded = 1")
    return {(r[0], r[1]): r[2:] for r in rows}


def attempts(db: Path, student: str, lesson: str) -> list[tuple]:
    """(id, attempt, score, after_key, graded, released_at) in attempt order."""
    return q(db, "SELECT s.submission_id, s.attempt, s.score, s.after_key, s.graded, "
                 "s.released_at FROM submissions s JOIN students st ON st.id = s.student_id "
                 "WHERE st.name = ? AND s.lesson_id = ? ORDER BY s.attempt", student, lesson)


def conflicts(db: Path) -> list[tuple]:
    """Attempts kept aside: (submission id, student, lesson, kind, detail)."""
    return q(db, "SELECT submission_id, student, lesson_id, kind, detail "
                 "FROM submission_conflicts ORDER BY id")


def count(db: Path, table: str = "submissions") -> int:
    return q(db, f"SELECT COUNT(*) FROM {table}")[0][0]


def machine_of(db: Path) -> str:
    return q(db, "SELECT value FROM settings WHERE key = 'machine_id'")[0][0]


def setting(db: Path, key: str) -> str | None:
    rows = q(db, "SELECT value FROM settings WHERE key = ?", key)
    return rows[0][0] if rows else None


def gradebook(db: Path) -> dict[tuple[str, str], str]:
    """What the instructor's gradebook (the real command) shows: (student, lesson) -> cell
    of the wide CSV."""
    import csv

    out = db.parent / f"{db.stem}-gradebook.csv"
    done(cli(db, "gradebook", "--csv", out, password=PW))
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    head = rows[0]
    return {(r[0], head[i]): r[i] for r in rows[1:] for i in range(1, len(head))}


# -- hostile files, by hand ---------------------------------------------------------------
def uid(n: int, upper: bool = False) -> str:
    s = f"adadadad-0000-4000-8000-{n:012x}"
    return s.upper() if upper else s


def hls(spans: list[tuple]) -> list[dict[str, Any]]:
    return [{"start": a, "end": b, "label": lab} for a, b, lab in spans]


def sub(sid: str, student: str, spans: list[tuple], lesson: str = PRACTICE, attempt: int = 1,
        at: str = "2026-11-21T10:00:00Z", after_key: bool | None = False,
        signature: dict | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {"submission_id": sid, "attempt": attempt, "lesson": lesson,
                         "student": student, "submitted_at": at, "highlights": hls(spans)}
    if after_key is not None:
        d["after_key"] = after_key
    if signature is not None:
        d["signature"] = signature
    return d


def bundle(machine: str, *subs: dict[str, Any], version: int = 2) -> dict[str, Any]:
    return {"format": "close-reader/submissions", "version": version, "machine": machine,
            "exported_at": "2026-11-21T11:00:00Z", "submissions": list(subs)}


def write(path: Path, obj: Any) -> Path:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# -- signatures, made as formats.md says (not with the app's code) ---------------------
def canonical(value: Any) -> bytes:
    """formats.md, "Canonical JSON"."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def name_key(name: str) -> str:
    """formats.md: NFKC, invisible format characters removed, white space collapsed,
    case folded."""
    s = "".join(ch for ch in unicodedata.normalize("NFKC", name)
                if unicodedata.category(ch) != "Cf")
    return " ".join(s.split()).casefold()


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def code_key(code: str, student: str) -> bytes:
    """formats.md, "Class codes": PBKDF2-HMAC-SHA256 over the ten characters."""
    raw = "".join(ch for ch in code.upper() if ch not in " -")
    salt = b"close-reader class code v1\x00" + name_key(student).encode("utf-8")
    return hashlib.pbkdf2_hmac("sha256", raw.encode("ascii"), salt, 100_000, 32)


def mac(key: bytes, s: dict[str, Any], machine: str) -> dict[str, str]:
    """The class-code signature of one attempt ``s`` (a bundle's dict) from ``machine``."""
    message = {"v": 1, "submission_id": s["submission_id"].lower(), "lesson": s["lesson"],
               "student": name_key(s["student"]), "attempt": s["attempt"],
               "submitted_at": s["submitted_at"], "after_key": bool(s.get("after_key")),
               "machine": machine,
               "highlights": sorted([h["start"], h["end"], h["label"], h.get("note", "")]
                                    for h in s["highlights"])}
    return {"alg": "HMAC-SHA256", "code": hashlib.sha256(key).hexdigest()[:8],
            "mac": hmac.new(key, canonical(message), hashlib.sha256).hexdigest()}


def signed(s: dict[str, Any], key: bytes, machine: str) -> dict[str, Any]:
    return {**s, "signature": mac(key, s, machine)}


def forger_key():
    """An Ed25519 key the student made for themselves with ``cryptography``."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def raw_public(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def ed25519_sign(doc: dict[str, Any], key) -> dict[str, Any]:
    """formats.md, "Signatures": over the canonical JSON of the file without its
    ``signature`` member."""
    body = {k: v for k, v in doc.items() if k != "signature"}
    return {**body, "signature": {
        "alg": "Ed25519", "key": base64.b64encode(raw_public(key)).decode("ascii"),
        "sig": base64.b64encode(key.sign(canonical(body))).decode("ascii")}}


def fingerprint(public: bytes) -> str:
    h = hashlib.sha256(public).hexdigest()[:16].upper()
    return "-".join(h[i:i + 4] for i in range(0, 16, 4))


# -- a classroom on real files -------------------------------------------------------------
def teacher_pack() -> dict[str, Any]:
    """The sample pack with teacher notes, plus the same article as an assessment."""
    data = json.loads((DATA / "sample-pack.json").read_text(encoding="utf-8"))
    practice = data["lessons"][0]
    practice["teacher_notes"] = NOTE
    test = json.loads(json.dumps(practice))
    test.update(id=TEST, title="A sample test", mode="assessment")
    data["lessons"].insert(1, test)
    return data


def student_submits(db: Path, student: str, lesson: str, spans: list[tuple]) -> str:
    """A student hands in highlights in the app (its own student path)."""
    from app.core.lessons import Highlight
    from app.services.grading import submit
    from app.store.repo import open_repo

    r = open_repo(db)
    try:
        st = r.student(student)
        sid, _ = submit(r, st.id, st.name, lesson, [Highlight(a, b, lab) for a, b, lab in spans])
        return sid
    finally:
        r.database.close()


def set_override(db: Path, student: str, lesson: str, score: int, reason: str,
                 comment: str = "") -> str:
    """The instructor's override on the graded attempt (the Review dialog's action)."""
    from app.store.repo import open_repo

    r = open_repo(db)
    try:
        st = r.student(student, create=False)
        g = r.grades(student_id=st.id, lesson_id=lesson)[(st.id, lesson)]
        r.set_review(g.submission_id, score, reason, comment)
        return g.submission_id
    finally:
        r.database.close()


def build_classroom(where: Path) -> None:
    """The instructor's database (password, signing key, a practice lesson and an
    assessment with teacher notes) and two student machines, Ana's and Ben's, that trust
    the instructor's key from the signed pack; each student handed in work and the
    instructor imported both bundles and overrode Ben's assessment to 40.

    Ana's machine: practice 16 (graded), then 100 after seeing the key (practice);
    assessment 50. Ben's: practice 40; assessment 80, overridden to 40."""
    where.mkdir(parents=True, exist_ok=True)
    teacher, ana, ben = where / "teacher.db", where / "ana.db", where / "ben.db"
    done(cli(teacher, "lessons", "import", write(where / "source.json", teacher_pack())))
    done(cli(teacher, "instructor", "set-password", env={"CLOSE_READER_PASSWORD_NEW": PW}))
    done(cli(teacher, "lessons", "export", PRACTICE, TEST, "-o", where / "class.crpack",
             password=PW))
    for db in (ana, ben):
        assert "now takes feedback" in done(cli(db, "lessons", "import", "--trust",
                                                  where / "class.crpack"))
    student_submits(ana, "Ana P.", PRACTICE, ANA_FIRST)
    student_submits(ana, "Ana P.", PRACTICE, PERFECT)  # after the key: practice
    student_submits(ana, "Ana P.", TEST, [(0, 45, UC)])
    student_submits(ben, "Ben K.", PRACTICE, BEN_FORTY)
    student_submits(ben, "Ben K.", TEST, BEN_TEST)
    done(cli(ana, "submissions", "export", "-o", where / "ana-1.json"))
    done(cli(ben, "submissions", "export", "-o", where / "ben-1.json"))
    done(cli(teacher, "submissions", "import", where / "ana-1.json", where / "ben-1.json"))
    set_override(teacher, "Ben K.", TEST, 40, "marked the right passage, wrong category",
                 "Look again at paragraph 2.")


class Classroom:
    """A copy of the built classroom for one test (``where`` is that test's folder)."""

    def __init__(self, template: Path, where: Path) -> None:
        shutil.copytree(template, where, dirs_exist_ok=True)
        self.dir = where
        self.teacher = where / "teacher.db"
        self.ana = where / "ana.db"
        self.ben = where / "ben.db"
        self.pack = where / "class.crpack"

    def file(self, name: str, obj: Any) -> Path:
        return write(self.dir / name, obj)

    def graded(self, student: str, lesson: str) -> tuple:
        return grades(self.teacher)[(student, lesson)]


_TEMPLATE: list[Path] = []


def classroom(tmp_path_factory: Any, tmp_path: Path) -> Classroom:
    """A fresh copy of the classroom for one test; built once per test run."""
    if not _TEMPLATE:
        where = tmp_path_factory.mktemp("adversary-classroom")
        build_classroom(where)
        _TEMPLATE.append(where)
    return Classroom(_TEMPLATE[0], tmp_path / "room")


def state(db: Path) -> dict[str, Any]:
    """Everything a feedback import could change on a machine, read with sqlite3."""
    return {
        "attempts": q(db, "SELECT s.submission_id, st.name, s.lesson_id, s.score, "
                          "s.override_score, s.override_reason, s.comment, s.released_at, "
                          "s.graded FROM submissions s JOIN students st ON st.id = s.student_id "
                          "ORDER BY s.submission_id"),
        "keys": q(db, 'SELECT lesson_id, start, "end", label, required FROM key_spans '
                      "ORDER BY lesson_id, start, label"),
        "lessons": q(db, "SELECT id, mode, title, text, teacher_notes, has_key FROM lessons "
                         "ORDER BY id"),
        "students": q(db, "SELECT name FROM students ORDER BY name"),
        "applied": setting(db, "feedback_applied"),
        "trusted": setting(db, "trusted_instructor_key"),
    }


def export_feedback(room: Classroom, folder: str, *lessons: str) -> Path:
    """The instructor's ``feedback export`` (the real command); returns the folder."""
    args = [a for lid in lessons for a in ("--lesson", lid)]
    done(cli(room.teacher, "feedback", "export", "-o", room.dir / folder, *args, password=PW))
    return room.dir / folder


def feedback_for(folder: Path, db: Path) -> Path:
    """The file of that folder meant for the machine of ``db``."""
    mid = machine_of(db)
    found = [f for f in folder.iterdir() if read(f).get("machine") == mid]
    assert len(found) == 1, (mid, list(folder.iterdir()))
    return found[0]
