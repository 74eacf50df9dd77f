"""Schema migrations: step *i* takes the schema from version *i* to *i + 1*.

Each step runs inside one transaction (see ``db._migrate``); a backup is taken before
migrating any database that already holds data. Never edit a released step: add one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]
