"""The suggester's training data on the instructor's machine: each lesson's text as its
key was saved, and every accepted, rejected and hand-marked key span of it
(``app.core.training``). The only SQL of it; a table of its own, deletable as a whole."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from app.core.training import TrainingLesson, TrainingSpan
from app.store.repo import Repo, now_iso


def save_lesson(repo: Repo, lesson: TrainingLesson) -> None:
    """Store (or replace) what was learned from one lesson's key, in one transaction."""
    with repo.database.transaction() as db:
        db.execute("DELETE FROM training_spans WHERE lesson_id = ?", [lesson.lesson_id])
        db.execute("INSERT INTO training_texts(lesson_id, title, text, updated_at) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT(lesson_id) DO UPDATE SET "
                   "title = excluded.title, text = excluded.text, "
                   "updated_at = excluded.updated_at",
                   [lesson.lesson_id, lesson.title, lesson.text, now_iso()])
        db.conn.executemany(
            'INSERT INTO training_spans(lesson_id, start, "end", label, verdict, required, '
            "cue, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(lesson.lesson_id, s.start, s.end, s.label, s.verdict, int(s.required), s.cue,
              now_iso()) for s in lesson.spans])


def lesson(repo: Repo, lesson_id: str) -> TrainingLesson | None:
    row = repo.db.execute("SELECT lesson_id, title, text FROM training_texts "
                          "WHERE lesson_id = ?", [lesson_id]).fetchone()
    return None if row is None else TrainingLesson(row[0], row[1], row[2],
                                                   tuple(_spans(repo, [lesson_id])[lesson_id]))


def all_lessons(repo: Repo) -> list[TrainingLesson]:
    rows = repo.db.execute("SELECT lesson_id, title, text FROM training_texts "
                           "ORDER BY updated_at, lesson_id").fetchall()
    spans = _spans(repo, [r[0] for r in rows])
    return [TrainingLesson(r[0], r[1], r[2], tuple(spans[r[0]])) for r in rows]


def _spans(repo: Repo, ids: Sequence[str]) -> dict[str, list[TrainingSpan]]:
    out: dict[str, list[TrainingSpan]] = {i: [] for i in ids}
    for row in repo.db.execute('SELECT lesson_id, start, "end", label, verdict, required, cue '
                               "FROM training_spans ORDER BY lesson_id, start, id").fetchall():
        if row[0] in out:
            out[row[0]].append(TrainingSpan(row[1], row[2], row[3], row[4], bool(row[5]),
                                            row[6]))
    return out


def counts(repo: Repo) -> dict[str, int]:
    """Lessons and spans by verdict."""
    out = {"lessons": repo.db.execute("SELECT COUNT(*) FROM training_texts").fetchone()[0]}
    for verdict, n in repo.db.execute("SELECT verdict, COUNT(*) FROM training_spans "
                                      "GROUP BY verdict").fetchall():
        out[verdict] = n
    return out


def forget_all(repo: Repo) -> int:
    """Delete everything the suggester learned; returns how many spans it held."""
    with repo.database.transaction() as db:
        n = db.execute("SELECT COUNT(*) FROM training_spans").fetchone()[0]
        db.execute("DELETE FROM training_spans")
        db.execute("DELETE FROM training_texts")
    return n


def read_at(path: str | os.PathLike[str]) -> list[TrainingLesson]:
    """Everything learned, read from the database file at ``path`` without opening it
    as the app does (no migration, no check): the suggestion worker process reads it
    this way, read-only. A database without the tables, or none, holds nothing."""
    p = Path(path)
    if not p.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return []
    try:
        rows = conn.execute("SELECT lesson_id, title, text FROM training_texts "
                            "ORDER BY updated_at, lesson_id").fetchall()
        spans: dict[str, list[TrainingSpan]] = {r[0]: [] for r in rows}
        for row in conn.execute('SELECT lesson_id, start, "end", label, verdict, required, '
                                "cue FROM training_spans ORDER BY lesson_id, start, id"):
            if row[0] in spans:
                spans[row[0]].append(TrainingSpan(row[1], row[2], row[3], row[4],
                                                  bool(row[5]), row[6]))
    except sqlite3.Error:  # an older database (no tables yet), or a damaged one
        return []
    finally:
        conn.close()
    return [TrainingLesson(r[0], r[1], r[2], tuple(spans[r[0]])) for r in rows]
