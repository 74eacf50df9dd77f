"""Lessons, keys, students, drafts and submissions in the database.

Every multi-row change runs in one transaction. All SQL takes parameters.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from app.core.answers import BundledSubmission, clean_student_name, normalize_student
from app.core.attempts import Grade, graded_attempt, may_see_key
from app.core.attempts import time_key as time_key  # re-exported: older imports
from app.core.errors import UserError
from app.core.jsonfile import show
from app.core.lessons import (
    BUILTIN_CATEGORIES,
    Category,
    Highlight,
    KeySpan,
    Lesson,
    Source,
)
from app.core.names import name_problem, shown_name
from app.core.record import record
from app.store.db import Database, damaged_row, load_column


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# the setting that says the bundled lessons were put in (app.services.library): read
# before that service is imported, so an existing database opens without it
SEEDED = "seeded_bundled_lessons"


class KeyLocked(UserError):
    """A student asked for a key before submitting that lesson."""


@record
class LessonSummary:
    id: str
    title: str
    source: Source
    level: str
    unit: str
    words: int
    has_key: bool
    mode: str = "practice"

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 200))


@record
class Student:
    id: int
    name: str


@record
class Submission:
    submission_id: str
    student_id: int
    student: str
    lesson_id: str
    attempt: int
    submitted_at: str
    highlights: tuple[Highlight, ...]
    machine: str
    score: int | None
    report: dict | None
    key_version: int | None
    after_key: bool = False
    override_score: int | None = None
    override_reason: str = ""
    comment: str = ""
    released_at: str | None = None
    graded: bool = False  # recorded as the graded attempt when it arrived
    signature: str = ""  # the class-code signature as it came (JSON), or ""
    signed: bool = False  # that signature verified for this student here


@record
class Conflict:
    """An attempt kept aside: its submission id is known here with other content."""
    id: int
    submission_id: str
    student: str
    lesson: str
    attempt: int
    submitted_at: str
    highlights: tuple[Highlight, ...]
    machine: str
    source: str
    kind: str = "id"  # id | earlier | assessment | signature (app.core.attempts)
    after_key: bool = False
    signature: str = ""
    detail: str = ""


@record
class LessonStatus:
    status: str  # new | in progress | submitted
    grade: int | None  # the graded attempt's score (or its override): app.core.attempts
    attempts: int
    graded_submission: str | None = None
    waiting: bool = False  # an assessment submitted, its feedback not released yet

    @property
    def best(self) -> int | None:  # the name the first version used
        return self.grade


# what a grade is decided from (``grades_of`` reads them by place)
_GRADE_COLUMNS = ("student_id, lesson_id, submission_id, attempt, submitted_at, machine, "
                  "after_key, score, override_score, override_reason, comment, graded")


def grades_of(rows: Iterable[Sequence]) -> dict[tuple[int, str], Grade]:
    """The grade of each (student, lesson) among submission rows that start with
    ``_GRADE_COLUMNS``: ``app.core.attempts.graded_attempt`` decides."""
    groups: dict[tuple[int, str], list[_Row]] = {}
    for r in rows:
        groups.setdefault((r[0], r[1]), []).append(
            _Row(r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8], r[9], r[10], bool(r[11])))
    out: dict[tuple[int, str], Grade] = {}
    for k, attempts in groups.items():
        g = graded_attempt(attempts)
        out[k] = (Grade(g.submission_id, g.score, g.override_score, g.override_reason,
                        g.comment) if g is not None else Grade(None, None, None))
    return out


def _hl_json(hs: Iterable[Highlight]) -> str:
    return json.dumps([[h.start, h.end, h.label, h.note] for h in hs], ensure_ascii=False)


def _hl_parse(s: str) -> tuple[Highlight, ...]:
    try:
        return tuple(Highlight(a, b, lab, note) for a, b, lab, note in
                     load_column(s, "a saved list of highlights"))
    except (TypeError, ValueError):  # decoded, but not [[start, end, label, note], …]
        raise damaged_row("a saved list of highlights") from None


# the lesson columns that hold text: a value of another type (a BLOB written with
# sqlite3, a number) is a damaged row, said once, never a traceback further on
_LESSON_TEXT = ("id", "title", "text", "outlet", "author", "published", "url", "level", "unit",
                "instructions", "teacher_notes", "mode")


def _checked_lesson_row(r: dict) -> dict:
    for col in _LESSON_TEXT:
        if col in r and not isinstance(r[col], str):
            if r[col] is None and col not in ("id", "title", "text", "mode"):
                r[col] = ""
                continue
            raise damaged_row(f"a lesson's {col}")
    return r


def _categories(raw: object) -> tuple[str, ...]:
    """A lesson's stored categories: a JSON list of category ids, else a damaged row."""
    cats = load_column(raw, "a lesson's categories")
    if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
        raise damaged_row("a lesson's categories")
    return tuple(cats)


class Repo:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.db = database.db

    # -- settings -------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])

    def machine_id(self) -> str:
        mid = self.setting("machine_id")
        if not mid:
            import uuid

            mid = str(uuid.uuid4())
            self.set_setting("machine_id", mid)
        return mid

    # -- categories -----------------------------------------------------------
    def categories(self) -> dict[str, Category]:
        rows = self.db.query("SELECT * FROM categories ORDER BY position, id")
        cats = {c.id: c for c in BUILTIN_CATEGORIES}
        for r in rows:
            cats[r["id"]] = Category(r["id"], r["name"], r["description"], r["color"],
                                     r["underline"])
        return cats

    def save_categories(self, cats: Iterable[Category]) -> None:
        with self.database.transaction() as db:
            pos = db.execute("SELECT COALESCE(MAX(position), 0) FROM categories").fetchone()[0]
            for c in cats:
                pos += 1
                db.execute(
                    "INSERT INTO categories(id, name, description, color, underline, position)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                    "name = excluded.name, description = excluded.description, "
                    "color = COALESCE(excluded.color, color), "
                    "underline = COALESCE(excluded.underline, underline)",
                    [c.id, c.name, c.description, c.color, c.underline, pos])

    # -- lessons --------------------------------------------------------------
    def lesson_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM lessons ORDER BY position, id")]

    def list_lessons(self) -> list[LessonSummary]:
        rows = self.db.query(
            "SELECT id, title, outlet, author, published, url, level, unit, words, has_key, mode "
            "FROM lessons ORDER BY position, id")
        return [
            LessonSummary(r["id"], r["title"],
                          Source(r["outlet"], r["author"], r["published"], r["url"]),
                          r["level"], r["unit"], r["words"], bool(r["has_key"]), r["mode"])
            for r in map(_checked_lesson_row, rows)
        ]

    def get_lesson(self, lesson_id: str, with_key: bool = False) -> Lesson:
        """The lesson; its key only when ``with_key`` (instructor paths and grading)."""
        rows = list(self.db.query("SELECT * FROM lessons WHERE id = ?", [lesson_id]))
        if not rows:
            raise UserError(f"no lesson with id {show(lesson_id, 70)}")
        r = _checked_lesson_row(rows[0])
        key = self._key(lesson_id) if with_key and r["has_key"] else None
        return Lesson(
            id=r["id"], title=r["title"], text=r["text"],
            source=Source(r["outlet"], r["author"], r["published"], r["url"]),
            level=r["level"], unit=r["unit"], instructions=r["instructions"],
            teacher_notes=r["teacher_notes"] if with_key else "",
            categories=_categories(r["categories"]), key=key, mode=r["mode"])

    def _key(self, lesson_id: str) -> tuple[KeySpan, ...]:
        rows = self.db.query(
            'SELECT start, "end", label, quote, explanation, required FROM key_spans '
            'WHERE lesson_id = ? ORDER BY start, "end", label', [lesson_id])
        out = []
        for r in rows:
            if not (isinstance(r["start"], int) and isinstance(r["end"], int)
                    and all(isinstance(r[c], str) for c in ("label", "quote", "explanation"))):
                raise damaged_row("a key span")
            out.append(KeySpan(r["start"], r["end"], r["label"], r["quote"], r["explanation"],
                               bool(r["required"])))
        return tuple(out)

    def key_version(self, lesson_id: str) -> int:
        row = self.db.execute("SELECT key_version FROM lessons WHERE id = ?",
                              [lesson_id]).fetchone()
        return row[0] if row else 0

    def tokens(self, lesson_id: str) -> list[tuple[int, int]]:
        row = self.db.execute("SELECT tokens FROM lessons WHERE id = ?", [lesson_id]).fetchone()
        if not row:
            return []
        flat = load_column(row[0], "a lesson's word boundaries")
        return list(zip(flat[0::2], flat[1::2], strict=True))

    def save_lessons(self, lessons: Sequence[Lesson], tokens: dict[str, Sequence[tuple[int, int]]],
                     replace: bool = False, keep_key_when_absent: bool = False) -> None:
        """Insert or (with ``replace``) replace lessons, all in one transaction.

        ``keep_key_when_absent``: a lesson arriving without a key keeps the stored key
        (a student pack must not erase a key on an instructor's machine).
        """
        with self.database.transaction() as db:
            existing = set(self.lesson_ids())
            clash = [le.id for le in lessons if le.id in existing]
            if clash and not replace:
                raise UserError(f"lesson '{clash[0]}' already exists (use --replace to replace it)")
            pos = db.execute("SELECT COALESCE(MAX(position), 0) FROM lessons").fetchone()[0]
            for le in lessons:
                self._write_lesson(le, tokens[le.id], le.id in existing, pos + 1,
                                   keep_key_when_absent)
                pos += 1

    def _write_lesson(self, le: Lesson, toks: Sequence[tuple[int, int]], exists: bool,
                      position: int, keep_key: bool) -> None:
        db = self.db
        flat = [x for pair in toks for x in pair]
        old_key = self._key(le.id) if exists else ()
        # old_key comes back sorted; the same key in another order is not a change
        key_changed = le.key is not None and tuple(
            sorted(le.key, key=lambda k: (k.start, k.end, k.label))) != old_key
        if le.key is None and keep_key and exists:
            old_text = db.execute("SELECT text FROM lessons WHERE id = ?", [le.id]).fetchone()[0]
            if not isinstance(old_text, str):
                raise damaged_row("a lesson's text")
            keep_key = old_text == le.text  # a key only fits the text it was written for
        else:
            keep_key = False
        has_key = bool(old_key) if keep_key else le.key is not None
        row = [le.title, le.text, le.source.outlet, le.source.author, le.source.published,
               le.source.url, le.level, le.unit, le.instructions, le.teacher_notes,
               json.dumps(list(le.categories)), json.dumps(flat), le.word_count,
               int(has_key), le.mode, now_iso()]
        if exists:
            db.execute(
                "UPDATE lessons SET title=?, text=?, outlet=?, author=?, published=?, url=?, "
                "level=?, unit=?, instructions=?, teacher_notes=?, categories=?, tokens=?, "
                "words=?, has_key=?, mode=?, updated_at=?, key_version = key_version + ? WHERE id=?",
                [*row, int(key_changed), le.id])
        else:
            db.execute(
                "INSERT INTO lessons(title, text, outlet, author, published, url, level, unit, "
                "instructions, teacher_notes, categories, tokens, words, has_key, mode, updated_at, "
                "key_version, position, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [*row, int(le.key is not None), position, le.id])
        if not keep_key:
            db.execute("DELETE FROM key_spans WHERE lesson_id = ?", [le.id])
            db.conn.executemany(
                'INSERT INTO key_spans(lesson_id, start, "end", label, quote, explanation, '
                "required) VALUES (?,?,?,?,?,?,?)",
                [(le.id, k.start, k.end, k.label, k.quote, k.explanation, int(k.required))
                 for k in (le.key or ())])

    def delete_lesson(self, lesson_id: str) -> None:
        with self.database.transaction() as db:
            db.execute("DELETE FROM lessons WHERE id = ?", [lesson_id])

    # -- bundle conflicts -------------------------------------------------------
    def add_conflict(self, s: BundledSubmission, machine: str, source: str,
                     kind: str = "id", detail: str = "") -> None:
        """Keep aside an attempt the import does not admit (``kind``: why; formats.md)."""
        self.db.execute(
            "INSERT OR IGNORE INTO submission_conflicts(submission_id, student, lesson_id, "
            "attempt, submitted_at, highlights, machine, source, found_at, kind, after_key, "
            "signature, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [s.submission_id, s.student, s.lesson, s.attempt, s.submitted_at,
             _hl_json(s.highlights), machine, source, now_iso(), kind, int(s.after_key),
             json.dumps(s.signature) if s.signature else "", detail])

    def conflicts(self) -> list[Conflict]:
        return [Conflict(r[0], r[1], r[2], r[3], r[4], r[5], _hl_parse(r[6]), r[7], r[8],
                         r[9], bool(r[10]), r[11], r[12])
                for r in self.db.execute(
                    "SELECT id, submission_id, student, lesson_id, attempt, submitted_at, "
                    "highlights, machine, source, kind, after_key, signature, detail "
                    "FROM submission_conflicts ORDER BY id")]

    def conflict(self, conflict_id: int) -> Conflict | None:
        return next((c for c in self.conflicts() if c.id == conflict_id), None)

    def delete_conflict(self, conflict_id: int) -> None:
        self.db.execute("DELETE FROM submission_conflicts WHERE id = ?", [conflict_id])

    # -- spans kept aside ------------------------------------------------------
    def unplaced_spans(self, lesson_id: str, kind: str, owner: str = "") -> list[dict]:
        return [load_column(r[0], "a span kept aside") for r in self.db.execute(
            "SELECT span FROM unplaced_spans WHERE lesson_id = ? AND kind = ? AND owner = ? "
            "ORDER BY id", [lesson_id, kind, owner])]

    def set_unplaced_spans(self, lesson_id: str, kind: str, spans: Sequence[dict],
                           owner: str = "") -> None:
        """Replace the spans kept aside for (lesson, kind, owner) by ``spans``."""
        with self.database.transaction() as db:
            db.execute("DELETE FROM unplaced_spans WHERE lesson_id = ? AND kind = ? AND "
                       "owner = ?", [lesson_id, kind, owner])
            db.conn.executemany(
                "INSERT INTO unplaced_spans(lesson_id, kind, owner, span, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(lesson_id, kind, owner, json.dumps(sp, ensure_ascii=False), now_iso())
                 for sp in spans])

    # -- the key editor's autosaved draft ---------------------------------------
    def key_draft(self, lesson_id: str) -> str | None:
        row = self.db.execute("SELECT draft FROM key_drafts WHERE lesson_id = ?",
                              [lesson_id]).fetchone()
        return row[0] if row else None

    def set_key_draft(self, lesson_id: str, draft: str | None) -> None:
        """Store (or with None, forget) the key editor's unsaved work on a lesson."""
        if draft is None:
            self.db.execute("DELETE FROM key_drafts WHERE lesson_id = ?", [lesson_id])
            return
        self.db.execute(
            "INSERT INTO key_drafts(lesson_id, draft, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(lesson_id) DO UPDATE SET draft = excluded.draft, "
            "updated_at = excluded.updated_at", [lesson_id, draft, now_iso()])

    # -- students -------------------------------------------------------------
    def students(self) -> list[Student]:
        return [Student(r["id"], r["name"])
                for r in self.db.query("SELECT id, name FROM students ORDER BY name COLLATE NOCASE")]

    def student(self, name: str, create: bool = True) -> Student:
        """The student of that name (case and surrounding spaces ignored)."""
        problem = name_problem(name)  # a line break, nothing visible, too long
        if problem:
            raise UserError("a student name cannot be empty" if problem == "is empty" else
                            f"the student name {shown_name(name)} {problem}")
        shown, key = clean_student_name(name), normalize_student(name)
        row = self.db.execute("SELECT id, name FROM students WHERE name_key = ?", [key]).fetchone()
        if row:
            return Student(row[0], row[1])
        if not create:
            raise UserError(f"no student named '{shown}'")
        self.db.execute("INSERT OR IGNORE INTO students(name, name_key, created_at) "
                        "VALUES (?, ?, ?)", [shown, key, now_iso()])
        row = self.db.execute("SELECT id, name FROM students WHERE name_key = ?", [key]).fetchone()
        return Student(row[0], row[1])

    def delete_student(self, name: str) -> None:
        """Remove a student and all their work (drafts and attempts)."""
        with self.database.transaction() as db:
            db.execute("DELETE FROM students WHERE name_key = ?", [normalize_student(name)])

    # -- drafts ---------------------------------------------------------------
    def draft(self, student_id: int, lesson_id: str) -> tuple[Highlight, ...]:
        row = self.db.execute("SELECT highlights FROM drafts WHERE student_id = ? AND lesson_id = ?",
                              [student_id, lesson_id]).fetchone()
        return _hl_parse(row[0]) if row else ()

    def save_draft(self, student_id: int, lesson_id: str, highlights: Iterable[Highlight]) -> None:
        self.db.execute(
            "INSERT INTO drafts(student_id, lesson_id, highlights, updated_at) VALUES (?,?,?,?) "
            "ON CONFLICT(student_id, lesson_id) DO UPDATE SET highlights = excluded.highlights, "
            "updated_at = excluded.updated_at",
            [student_id, lesson_id, _hl_json(highlights), now_iso()])

    def drafts_for_lesson(self, lesson_id: str) -> list[tuple[int, tuple[Highlight, ...]]]:
        return [(r[0], _hl_parse(r[1])) for r in self.db.execute(
            "SELECT student_id, highlights FROM drafts WHERE lesson_id = ?", [lesson_id])]

    def replace_submission_highlights(self, submission_id: str,
                                      highlights: Sequence[Highlight]) -> None:
        self.db.execute("UPDATE submissions SET highlights = ? WHERE submission_id = ?",
                        [_hl_json(highlights), submission_id])

    def clear_draft(self, student_id: int, lesson_id: str) -> None:
        self.db.execute("DELETE FROM drafts WHERE student_id = ? AND lesson_id = ?",
                        [student_id, lesson_id])

    # -- submissions ----------------------------------------------------------
    def add_submission(self, student_id: int, lesson_id: str, highlights: Sequence[Highlight],
                       score: int | None, report: dict | None, key_version: int | None,
                       submission_id: str | None = None, submitted_at: str | None = None,
                       machine: str | None = None, imported: bool = False,
                       attempt: int | None = None, clear_draft: bool = False,
                       after_key: bool = False, graded: bool = False,
                       signature: str = "", signed: bool = False) -> str:
        """Store an attempt. ``attempt`` defaults to the next number for this student and
        lesson: attempts are numbered in the order they reach this database."""
        if submission_id is None:
            import uuid  # only here: uuid imports platform, ~4 ms at start-up

            submission_id = str(uuid.uuid4())
        sid = submission_id
        with self.database.transaction() as db:
            if attempt is None:
                attempt = 1 + db.execute(
                    "SELECT COALESCE(MAX(attempt), 0) FROM submissions "
                    "WHERE student_id = ? AND lesson_id = ?", [student_id, lesson_id]).fetchone()[0]
            db.execute(
                "INSERT INTO submissions(submission_id, student_id, lesson_id, attempt, "
                "submitted_at, highlights, machine, imported, score, report, key_version, "
                "after_key, graded, signature, signed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [sid, student_id, lesson_id, attempt, submitted_at or now_iso(),
                 _hl_json(highlights), machine if machine is not None else self.machine_id(),
                 int(imported), score, json.dumps(report) if report is not None else None,
                 key_version, int(after_key), int(graded), signature, int(signed)])
            if clear_draft:
                self.clear_draft(student_id, lesson_id)
        return sid

    def set_graded(self, student_id: int, lesson_id: str, submission_id: str) -> None:
        """Make this attempt the graded one (the instructor's decision on a conflict): the
        former graded attempt becomes practice; an override, comment and release stay with
        the grade."""
        with self.database.transaction() as db:
            old = db.execute(
                "SELECT submission_id, override_score, override_reason, comment, reviewed_at, "
                "released_at FROM submissions WHERE student_id = ? AND lesson_id = ? AND "
                "graded = 1", [student_id, lesson_id]).fetchone()
            db.execute("UPDATE submissions SET graded = 0, after_key = 1 WHERE student_id = ? "
                       "AND lesson_id = ? AND graded = 1", [student_id, lesson_id])
            db.execute("UPDATE submissions SET graded = 1, after_key = 0 WHERE submission_id = ?",
                       [submission_id])
            if old is not None and old[0] != submission_id:
                db.execute(
                    "UPDATE submissions SET override_score = ?, override_reason = ?, "
                    "comment = ?, reviewed_at = ?, released_at = COALESCE(released_at, ?) "
                    "WHERE submission_id = ?", [*old[1:], submission_id])
                db.execute("UPDATE submissions SET override_score = NULL, override_reason = '', "
                           "comment = '' WHERE submission_id = ?", [old[0]])

    def has_submission(self, submission_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM submissions WHERE submission_id = ?",
                               [submission_id]).fetchone() is not None

    def submissions(self, student_id: int | None = None, lesson_id: str | None = None,
                    with_reports: bool = True) -> list[Submission]:
        where, args = [], []
        if student_id is not None:
            where.append("s.student_id = ?")
            args.append(student_id)
        if lesson_id is not None:
            where.append("s.lesson_id = ?")
            args.append(lesson_id)
        cols = "s.report" if with_reports else "NULL AS report"
        sql = ("SELECT s.submission_id, s.student_id, st.name AS student, s.lesson_id, s.attempt, "
               f"s.submitted_at, s.highlights, s.machine, s.score, {cols}, s.key_version, "
               "s.after_key, s.override_score, s.override_reason, s.comment, s.released_at, "
               "s.graded, s.signature, s.signed "
               "FROM submissions s JOIN students st ON st.id = s.student_id"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY st.name COLLATE NOCASE, s.lesson_id, s.attempt, s.submitted_at")
        return [Submission(r["submission_id"], r["student_id"], r["student"], r["lesson_id"],
                           r["attempt"], r["submitted_at"], _hl_parse(r["highlights"]),
                           r["machine"], r["score"],
                           load_column(r["report"], "a grade report") if r["report"] else None,
                           r["key_version"], bool(r["after_key"]), r["override_score"],
                           r["override_reason"], r["comment"], r["released_at"],
                           bool(r["graded"]), r["signature"], bool(r["signed"]))
                for r in self.db.query(sql, args)]

    def submission(self, submission_id: str) -> Submission | None:
        row = self.db.execute("SELECT student_id, lesson_id FROM submissions "
                              "WHERE submission_id = ?", [submission_id]).fetchone()
        if row is None:
            return None
        return next(s for s in self.submissions(row[0], row[1], with_reports=False)
                    if s.submission_id == submission_id)

    def has_submitted(self, student_id: int, lesson_id: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM submissions WHERE student_id = ? AND lesson_id = ? LIMIT 1",
            [student_id, lesson_id]).fetchone() is not None

    def key_for_student(self, student_id: int, lesson_id: str) -> Lesson:
        """The lesson with its key, for a student who may see it (``app.core.attempts``:
        practice once submitted, assessment once the feedback is released) — never before."""
        mode = self.db.execute("SELECT mode FROM lessons WHERE id = ?", [lesson_id]).fetchone()
        rows = self.db.execute(
            "SELECT released_at FROM submissions WHERE student_id = ? AND lesson_id = ?",
            [student_id, lesson_id]).fetchall()
        released = any(r[0] is not None for r in rows)
        if not may_see_key(mode[0] if mode else "practice", bool(rows), released):
            if mode and mode[0] == "assessment" and rows:
                raise KeyLocked("Submitted — your teacher will release the feedback")
            raise KeyLocked("the answer key opens after you submit your answers")
        return self.get_lesson(lesson_id, with_key=True)

    def update_grade(self, submission_id: str, score: int | None, report: dict | None,
                     key_version: int | None) -> None:
        self.db.execute("UPDATE submissions SET score = ?, report = ?, key_version = ? "
                        "WHERE submission_id = ?",
                        [score, json.dumps(report) if report is not None else None, key_version,
                         submission_id])

    def statuses(self, student_id: int) -> dict[str, LessonStatus]:
        """Per lesson: new / in progress / submitted, the grade, number of attempts."""
        out: dict[str, LessonStatus] = {}
        grades = self.grades(student_id=student_id)
        counts = {r[0]: r[1] for r in self.db.execute(
            "SELECT lesson_id, COUNT(*) FROM submissions WHERE student_id = ? "
            "GROUP BY lesson_id", [student_id])}
        drafts = {r[0] for r in self.db.execute(
            "SELECT lesson_id FROM drafts WHERE student_id = ? AND highlights != '[]'",
            [student_id])}
        waiting = {r[0] for r in self.db.execute(
            "SELECT l.id FROM lessons l WHERE l.mode = 'assessment' AND EXISTS (SELECT 1 FROM "
            "submissions s WHERE s.lesson_id = l.id AND s.student_id = ?) AND NOT EXISTS ("
            "SELECT 1 FROM submissions s WHERE s.lesson_id = l.id AND s.student_id = ? AND "
            "s.released_at IS NOT NULL)", [student_id, student_id])}
        for lid in self.lesson_ids():
            if lid in drafts:
                status = "in progress"
            elif lid in counts:
                status = "submitted"
            else:
                status = "new"
            g = grades.get((student_id, lid))
            out[lid] = LessonStatus(status, g.value if g else None, counts.get(lid, 0),
                                    g.submission_id if g else None, lid in waiting)
        return out

    def grades(self, student_id: int | None = None,
               lesson_id: str | None = None) -> dict[tuple[int, str], Grade]:
        """The grade of each (student, lesson) with attempts: ``app.core.attempts``."""
        where, args = [], []
        if student_id is not None:
            where.append("student_id = ?")
            args.append(student_id)
        if lesson_id is not None:
            where.append("lesson_id = ?")
            args.append(lesson_id)
        rows = self.db.execute(
            f"SELECT {_GRADE_COLUMNS} FROM submissions"
            + (" WHERE " + " AND ".join(where) if where else ""), args).fetchall()
        return grades_of(rows)

    def attempts_and_grades(self, figures: bool = False) -> tuple[list, dict[tuple[int, str], Grade]]:
        """Every attempt (as ``attempt_rows``) and every grade (as ``grades``) from one
        pass over the submissions: each pass reads the whole table, reports included
        (a school's: 250 MB, 0.2-0.3 s)."""
        by_label = ("json_extract(report, '$.by_label')" if figures else "NULL")
        cur = self.db.execute(
            f"SELECT {_GRADE_COLUMNS}, key_version, {by_label} AS by_label FROM submissions "
            "ORDER BY student_id, lesson_id, attempt, submitted_at")
        cur.row_factory = sqlite3.Row  # by name for the attempts, by place for grades
        rows = cur.fetchall()
        return rows, grades_of(rows)

    def set_review(self, submission_id: str, override: int | None, reason: str,
                   comment: str) -> None:
        """The instructor's override (0–100, with a reason) and comment on an attempt."""
        if override is not None:
            if not 0 <= override <= 100:
                raise UserError("an override score must be between 0 and 100")
            if not reason.strip():
                raise UserError("an override needs a reason")
        self.db.execute(
            "UPDATE submissions SET override_score = ?, override_reason = ?, comment = ?, "
            "reviewed_at = ? WHERE submission_id = ?",
            [override, reason.strip() if override is not None else "", comment.strip(),
             now_iso(), submission_id])

    def release(self, submission_ids: Iterable[str], when: str | None = None) -> int:
        """Mark feedback released for these attempts (not already released)."""
        n = 0
        stamp = when or now_iso()
        for sid in submission_ids:
            n += self.db.execute("UPDATE submissions SET released_at = ? WHERE submission_id = ?"
                                 " AND released_at IS NULL", [stamp, sid]).rowcount
        return n

    # -- results (gradebook, import) ------------------------------------------
    def attempt_rows(self, figures: bool = False) -> list[dict]:
        """Every attempt's grade in one query, in attempt order, without loading reports;
        with ``figures`` also the per-category figures (``json_extract`` of the report's
        ``by_label``: the long CSV needs them, the gradebook does not)."""
        by_label = ("json_extract(report, '$.by_label')" if figures else "NULL")
        return list(self.db.query(
            "SELECT student_id, lesson_id, attempt, submitted_at, score, key_version, "
            f"submission_id, after_key, {by_label} AS by_label FROM submissions "
            "ORDER BY student_id, lesson_id, attempt, submitted_at"))

    def lesson_categories(self) -> dict[str, tuple[str, ...]]:
        return {r[0]: _categories(r[1])
                for r in self.db.execute("SELECT id, categories FROM lessons")}

    def stale_lessons(self) -> list[str]:
        """Lessons with a key here that have attempts ungraded or graded on an older key."""
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT s.lesson_id FROM submissions s JOIN lessons l ON l.id = s.lesson_id "
            "WHERE l.has_key AND (s.score IS NULL OR s.key_version IS NOT l.key_version)")]

@record
class _Row:
    submission_id: str
    attempt: int
    submitted_at: str
    machine: str
    after_key: bool
    score: int | None
    override_score: int | None
    override_reason: str
    comment: str
    graded: bool = False


def open_repo(path: str | os.PathLike[str]) -> Repo:
    """Open (creating or migrating) the database at ``path``; raises ``StoreError``."""
    return Repo(Database(path))
