"""Migration 1 → 2 on a database saved by the first version: attempts get ``after_key``
from their order, look-alike names fold into one student, kept-aside key spans move
out of ``settings`` into their own table."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from app.store.migrations import MIGRATIONS
from app.store.repo import open_repo


def v1_database(path: Path) -> None:
    c = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](c)
    c.execute("PRAGMA user_version=1")
    c.execute("INSERT INTO lessons(id, title, text, categories, tokens, updated_at) VALUES "
              "('l1', 'T', 'Some words here.', '[\"loaded_language\"]', '[]', 'now')")
    c.execute("INSERT INTO students(id, name, name_key, created_at) VALUES "
              "(1, 'Ana P.', 'ana p.', 'x'), (2, 'Ana\u200b P.', 'ana\u200b p.', 'y')")
    for sid, student, attempt, at in (("s1", 1, 1, "2026-01-01T10:00:00Z"),
                                      ("s2", 1, 2, "2026-01-01T11:00:00Z"),
                                      ("s3", 2, 1, "2026-01-02T10:00:00Z")):
        c.execute("INSERT INTO submissions(submission_id, student_id, lesson_id, attempt, "
                  "submitted_at, highlights) VALUES (?, ?, 'l1', ?, ?, '[]')",
                  [sid, student, attempt, at])
    c.execute("INSERT INTO settings(key, value) VALUES ('unplaced_key:l1', ?)",
              [json.dumps([{"start": 0, "end": 4, "label": "loaded_language", "quote": "Some",
                            "explanation": "x", "required": True}])])
    c.close()


def test_v1_database_migrates(tmp_path):
    p = tmp_path / "old.db"
    v1_database(p)
    repo = open_repo(p)
    try:
        conn = repo.database.conn
        after = dict(conn.execute("SELECT submission_id, after_key FROM submissions"))
        # the zero-width space made a second "Ana P."; now one student with three attempts,
        # of which only the very first was made before seeing the key
        assert [s.name for s in repo.students()] == ["Ana P."]
        assert after == {"s1": 0, "s2": 1, "s3": 1}
        assert conn.execute("SELECT COUNT(*) FROM settings WHERE key LIKE 'unplaced_key:%'"
                            ).fetchone()[0] == 0
        assert [d["quote"] for d in repo.unplaced_spans("l1", "key")] == ["Some"]
        assert conn.execute("SELECT mode FROM lessons").fetchone()[0] == "practice"
        repo.delete_lesson("l1")
        assert conn.execute("SELECT COUNT(*) FROM unplaced_spans").fetchone()[0] == 0
    finally:
        repo.database.close()
