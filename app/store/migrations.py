"""Schema migrations: step *i* takes the schema from version *i* to *i + 1*.

Each step runs inside one transaction (see ``db._migrate``); a backup is taken before
migrating any database that already holds data. Never edit a released step: add one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from app.core.names import name_key


def _v1(conn: sqlite3.Connection) -> None:
    for sql in (
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL)""",
        """CREATE TABLE categories (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            color TEXT,
            underline TEXT,
            position INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE lessons (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            outlet TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            published TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            level TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            instructions TEXT NOT NULL DEFAULT '',
            teacher_notes TEXT NOT NULL DEFAULT '',
            categories TEXT NOT NULL,
            tokens TEXT NOT NULL,
            words INTEGER NOT NULL DEFAULT 0,
            has_key INTEGER NOT NULL DEFAULT 0,
            key_version INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE key_spans (
            id INTEGER PRIMARY KEY,
            lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            quote TEXT NOT NULL,
            explanation TEXT NOT NULL DEFAULT '',
            required INTEGER NOT NULL DEFAULT 1)""",
        "CREATE INDEX key_spans_lesson ON key_spans(lesson_id)",
        """CREATE TABLE students (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE drafts (
            student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            highlights TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (student_id, lesson_id))""",
        """CREATE TABLE submissions (
            submission_id TEXT PRIMARY KEY,
            student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            submitted_at TEXT NOT NULL,
            highlights TEXT NOT NULL,
            machine TEXT NOT NULL DEFAULT '',
            imported INTEGER NOT NULL DEFAULT 0,
            score INTEGER,
            report TEXT,
            key_version INTEGER)""",
        "CREATE INDEX submissions_student_lesson ON submissions(student_id, lesson_id)",
        "CREATE INDEX submissions_lesson ON submissions(lesson_id)",
    ):
        conn.execute(sql)


def _v2(conn: sqlite3.Connection) -> None:
    """Practice and assessment, the graded attempt, review and release, bundle conflicts,
    the LMS roster, spans kept aside, and names compared as formats.md now says."""
    for sql in (
        "ALTER TABLE lessons ADD COLUMN mode TEXT NOT NULL DEFAULT 'practice'",
        # 1 when the attempt was submitted after that student had seen the key
        "ALTER TABLE submissions ADD COLUMN after_key INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE submissions ADD COLUMN override_score INTEGER",
        "ALTER TABLE submissions ADD COLUMN override_reason TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE submissions ADD COLUMN comment TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE submissions ADD COLUMN reviewed_at TEXT",
        # when the feedback reached this machine (assessment lessons show it from then on)
        "ALTER TABLE submissions ADD COLUMN released_at TEXT",
        """CREATE TABLE submission_conflicts (
            id INTEGER PRIMARY KEY,
            submission_id TEXT NOT NULL,
            student TEXT NOT NULL,
            lesson_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            submitted_at TEXT NOT NULL,
            highlights TEXT NOT NULL,
            machine TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            found_at TEXT NOT NULL,
            UNIQUE (submission_id, student, lesson_id, highlights))""",
        """CREATE TABLE roster (
            id INTEGER PRIMARY KEY,
            lms TEXT NOT NULL,
            name TEXT NOT NULL,
            sortable_name TEXT NOT NULL DEFAULT '',
            lms_id TEXT NOT NULL DEFAULT '',
            sis_id TEXT NOT NULL DEFAULT '',
            login TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            section TEXT NOT NULL DEFAULT '',
            name_key TEXT NOT NULL,
            student_id INTEGER REFERENCES students(id) ON DELETE SET NULL,
            UNIQUE (lms, lms_id, sis_id, login, email, name_key))""",
        """CREATE TABLE unplaced_spans (
            id INTEGER PRIMARY KEY,
            lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('key', 'draft', 'attempt')),
            owner TEXT NOT NULL DEFAULT '',
            span TEXT NOT NULL,
            created_at TEXT NOT NULL)""",
        "CREATE INDEX unplaced_spans_lesson ON unplaced_spans(lesson_id)",
    ):
        conn.execute(sql)
    _rekey_students(conn)
    # attempts numbered 1, 2, … per student and lesson in order of submission; every
    # attempt after the first was made after feedback (the only kind of lesson so far
    # was practice, whose feedback shows at once)
    conn.execute(
        "UPDATE submissions SET attempt = (SELECT n FROM (SELECT submission_id AS sid, "
        "ROW_NUMBER() OVER (PARTITION BY student_id, lesson_id ORDER BY submitted_at, "
        "attempt, machine, submission_id) AS n FROM submissions) WHERE sid = submission_id)")
    conn.execute("UPDATE submissions SET after_key = (attempt > 1)")
    # key spans kept aside moved from settings rows into their own table
    for key, value in conn.execute(
            "SELECT key, value FROM settings WHERE key LIKE 'unplaced_key:%'").fetchall():
        lesson_id = key.split(":", 1)[1]
        exists = conn.execute("SELECT 1 FROM lessons WHERE id = ?", [lesson_id]).fetchone()
        try:
            spans = json.loads(value)
        except ValueError:
            spans = []
        if exists:
            conn.executemany(
                "INSERT INTO unplaced_spans(lesson_id, kind, span, created_at) "
                "VALUES (?, 'key', ?, datetime('now'))",
                [(lesson_id, json.dumps(sp, ensure_ascii=False)) for sp in spans
                 if isinstance(sp, dict)])
        conn.execute("DELETE FROM settings WHERE key = ?", [key])


def _rekey_students(conn: sqlite3.Connection) -> None:
    """Recompute every student's ``name_key``; students who now share one become one
    (their attempts and drafts move to the oldest record; a newer draft wins)."""
    rows = conn.execute("SELECT id, name FROM students ORDER BY id").fetchall()
    conn.execute("UPDATE students SET name_key = '#' || id")  # free the unique keys
    keep: dict[str, int] = {}
    for sid, name in rows:
        key = name_key(name) or f"#{sid}"
        if key not in keep:
            keep[key] = sid
            conn.execute("UPDATE students SET name_key = ? WHERE id = ?", [key, sid])
            continue
        into = keep[key]
        conn.execute("UPDATE submissions SET student_id = ? WHERE student_id = ?", [into, sid])
        for lesson_id, hs, at in conn.execute(
                "SELECT lesson_id, highlights, updated_at FROM drafts WHERE student_id = ?",
                [sid]).fetchall():
            conn.execute(
                "INSERT INTO drafts(student_id, lesson_id, highlights, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(student_id, lesson_id) DO UPDATE SET "
                "highlights = excluded.highlights, updated_at = excluded.updated_at "
                "WHERE excluded.updated_at > drafts.updated_at", [into, lesson_id, hs, at])
        conn.execute("DELETE FROM students WHERE id = ?", [sid])


def _v3_ops(conn: sqlite3.Connection) -> None:
    """The key editor's autosaved work (a crash loses no key span or explanation); it
    goes with its lesson."""
    conn.execute("""CREATE TABLE key_drafts (
        lesson_id TEXT PRIMARY KEY REFERENCES lessons(id) ON DELETE CASCADE,
        draft TEXT NOT NULL,
        updated_at TEXT NOT NULL)""")


def _v4_trust(conn: sqlite3.Connection) -> None:
    """Files a teacher can trust (issue 22): the graded attempt recorded when it arrives,
    conflicts with their kind, class codes and the signatures they put on attempts."""
    for sql in (
        # 1 on the graded attempt, fixed when it arrived (app.core.attempts.admit)
        "ALTER TABLE submissions ADD COLUMN graded INTEGER NOT NULL DEFAULT 0",
        # the class-code signature as it came (JSON), and 1 when it verified here
        "ALTER TABLE submissions ADD COLUMN signature TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE submissions ADD COLUMN signed INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE submission_conflicts ADD COLUMN kind TEXT NOT NULL DEFAULT 'id'",
        "ALTER TABLE submission_conflicts ADD COLUMN after_key INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE submission_conflicts ADD COLUMN signature TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE submission_conflicts ADD COLUMN detail TEXT NOT NULL DEFAULT ''",
        # instructor's database: the code handed out; any database: the code's key
        "ALTER TABLE students ADD COLUMN class_code TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE students ADD COLUMN code_key TEXT NOT NULL DEFAULT ''",
        # submission ids are compared in lower case from now on
        "UPDATE OR IGNORE submissions SET submission_id = lower(submission_id)",
        "UPDATE submission_conflicts SET submission_id = lower(submission_id)",
    ):
        conn.execute(sql)
    # keep the graded attempt each student had under the rule of version 3: the first
    # by submission time, attempt, machine and id, unless it was made after the key
    groups: dict[tuple[int, str], list[tuple]] = {}
    for row in conn.execute("SELECT student_id, lesson_id, submission_id, attempt, "
                            "submitted_at, machine, after_key FROM submissions"):
        groups.setdefault((row[0], row[1]), []).append(row[2:])
    for attempts in groups.values():
        first = min(attempts, key=lambda a: (_old_time(a[2]), a[1], a[3], a[0]))
        if not first[4]:
            conn.execute("UPDATE submissions SET graded = 1 WHERE submission_id = ?",
                         [first[0]])


def _old_time(stamp: str) -> tuple[int, float, str]:
    from datetime import datetime, timezone

    try:
        t = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if t.tzinfo is None:
            t = t.replace(tzinfo=timezone.utc)
        return (0, t.timestamp(), stamp)
    except (ValueError, OverflowError):
        return (1, 0.0, stamp)


def _prepost(conn: sqlite3.Connection) -> None:
    """Pre and post forms of a skill, as the instructor marked them (formats.md, "Pre
    and post"): each form a unit or lesson ids, as JSON; ``delayed`` optional."""
    conn.execute("""CREATE TABLE prepost (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        pre TEXT NOT NULL,
        post TEXT NOT NULL,
        delayed TEXT,
        created_at TEXT NOT NULL)""")


def _training(conn: sqlite3.Connection) -> None:
    """What the suggester learns from the instructor (issue 24): each lesson's text as
    its key was saved, and every accepted, rejected and hand-marked key span of it. Not
    tied to the lessons table: deleting a lesson keeps what was learned from it;
    "Forget what suggestions learned" deletes it all."""
    for sql in (
        """CREATE TABLE training_texts (
            lesson_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE training_spans (
            id INTEGER PRIMARY KEY,
            lesson_id TEXT NOT NULL REFERENCES training_texts(lesson_id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected', 'marked')),
            required INTEGER NOT NULL DEFAULT 1,
            cue TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL)""",
        "CREATE INDEX training_spans_lesson ON training_spans(lesson_id)",
    ):
        conn.execute(sql)


def _compare(conn: sqlite3.Connection) -> None:
    """Comparisons (docs/formats.md, "Comparisons"): a lesson's kind; a compare lesson's
    articles, claims with their passages, the key's cells and verdicts, the dossier; and
    a grid answer beside the highlights of attempts, drafts and conflicts."""
    for sql in (
        "ALTER TABLE lessons ADD COLUMN kind TEXT NOT NULL DEFAULT 'read'",
        "ALTER TABLE submissions ADD COLUMN grid TEXT",
        "ALTER TABLE drafts ADD COLUMN grid TEXT",
        "ALTER TABLE submission_conflicts ADD COLUMN grid TEXT",
        """CREATE TABLE comparisons (
            lesson_id TEXT PRIMARY KEY REFERENCES lessons(id) ON DELETE CASCADE,
            articles TEXT NOT NULL)""",
        """CREATE TABLE claims (
            lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            claim_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            statement TEXT NOT NULL,
            verdict TEXT,
            backing TEXT NOT NULL DEFAULT '[]',
            relevant TEXT NOT NULL DEFAULT '[]',
            explanation TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (lesson_id, claim_id))""",
        """CREATE TABLE claim_passages (
            id INTEGER PRIMARY KEY,
            lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            claim_id TEXT NOT NULL,
            article_id TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL)""",
        "CREATE INDEX claim_passages_lesson ON claim_passages(lesson_id)",
        "CREATE INDEX claim_passages_article ON claim_passages(article_id)",
        """CREATE TABLE claim_cells (
            lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            claim_id TEXT NOT NULL,
            article_id TEXT NOT NULL,
            support TEXT NOT NULL,
            accept TEXT NOT NULL DEFAULT '[]',
            explanation TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (lesson_id, claim_id, article_id))""",
        """CREATE TABLE dossier_entries (
            lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            entry_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,
            entry TEXT NOT NULL,
            PRIMARY KEY (lesson_id, entry_id))""",
    ):
        conn.execute(sql)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3_ops, _v4_trust,
                                                          _prepost, _training, _compare]
