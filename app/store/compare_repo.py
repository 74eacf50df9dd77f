"""Comparisons in the database: a compare lesson's articles, claims and passages, the
key's cells and verdicts, the dossier, and grid answers (migration ``_compare``).

``Repo`` calls ``load``/``write`` for lessons of kind ``compare``; nothing else reads
these tables. Every write runs inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from app.core.compare.model import (
    CellKey,
    Claim,
    CompareKey,
    Comparison,
    DossierEntry,
    GridAnswer,
    Passage,
    VerdictKey,
)
from app.core.compare.parse import comparison_to_json, parse_entry, parse_grid
from app.core.errors import FormatError
from app.store.db import damaged_row, load_column


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def load(db: Any, lesson_id: str, with_key: bool) -> Comparison:
    """The comparison of a compare lesson (its key only ``with_key``; None if absent)."""
    row = db.execute("SELECT articles FROM comparisons WHERE lesson_id = ?",
                     [lesson_id]).fetchone()
    articles = tuple(load_column(row[0], "a comparison's articles")) if row else ()
    passages: dict[str, list[Passage]] = {}
    for cid, art, start, end, quote in db.execute(
            'SELECT claim_id, article_id, start, "end", quote FROM claim_passages '
            "WHERE lesson_id = ? ORDER BY id", [lesson_id]):
        passages.setdefault(cid, []).append(Passage(art, start, end, quote))
    claims, verdicts = [], []
    for cid, statement, verdict, backing, relevant, expl in db.execute(
            "SELECT claim_id, statement, verdict, backing, relevant, explanation FROM claims "
            "WHERE lesson_id = ? ORDER BY position", [lesson_id]):
        claims.append(Claim(cid, statement, tuple(passages.get(cid, ()))))
        if verdict is not None:
            verdicts.append(VerdictKey(cid, verdict, tuple(load_column(backing, "backing")),
                                       tuple(load_column(relevant, "relevant entries")), expl))
    entries = [_entry(r[0], r[1]) for r in db.execute(
        "SELECT entry_id, entry FROM dossier_entries WHERE lesson_id = ? ORDER BY position",
        [lesson_id])]
    key = None
    if with_key and verdicts:
        cells = tuple(CellKey(r[0], r[1], r[2], tuple(load_column(r[3], "accepted supports")),
                              r[4]) for r in db.execute(
            "SELECT claim_id, article_id, support, accept, explanation FROM claim_cells "
            "WHERE lesson_id = ? ORDER BY rowid", [lesson_id]))
        key = CompareKey(cells, tuple(verdicts))
    return Comparison(articles, tuple(claims), tuple(entries), key)


def _entry(entry_id: str, text: str) -> DossierEntry:
    try:  # the same checks as a pack's: a damaged row is named, never half-read
        return parse_entry(load_column(text, "a dossier entry"), "stored", None, set())
    except FormatError:
        raise damaged_row(f"dossier entry '{entry_id}'") from None


def write(db: Any, lesson_id: str, cmp: Comparison, key: CompareKey | None,
          keep_key: bool = False) -> bool:
    """Store a comparison (replacing what was stored). ``key`` None with ``keep_key``
    keeps the stored key (a student pack must not erase it). Returns whether the key
    changed (the lesson's ``key_version`` then moves on and attempts are regraded)."""
    old = load(db, lesson_id, with_key=True)
    if key is None and keep_key:
        key = old.key
    db.execute("INSERT INTO comparisons(lesson_id, articles) VALUES (?, ?) "
               "ON CONFLICT(lesson_id) DO UPDATE SET articles = excluded.articles",
               [lesson_id, _j(list(cmp.articles))])
    for table in ("claims", "claim_passages", "claim_cells", "dossier_entries"):
        db.execute(f"DELETE FROM {table} WHERE lesson_id = ?", [lesson_id])  # noqa: S608
    conn = getattr(db, "conn", db)
    verdicts = {v.claim: v for v in (key.verdicts if key else ())}
    conn.executemany(
        "INSERT INTO claims(lesson_id, claim_id, position, statement, verdict, backing, "
        "relevant, explanation) VALUES (?,?,?,?,?,?,?,?)",
        [(lesson_id, c.id, i, c.statement,
          verdicts[c.id].verdict if c.id in verdicts else None,
          _j(list(verdicts[c.id].backing)) if c.id in verdicts else "[]",
          _j(list(verdicts[c.id].relevant)) if c.id in verdicts else "[]",
          verdicts[c.id].explanation if c.id in verdicts else "")
         for i, c in enumerate(cmp.claims)])
    conn.executemany(
        'INSERT INTO claim_passages(lesson_id, claim_id, article_id, start, "end", quote) '
        "VALUES (?,?,?,?,?,?)",
        [(lesson_id, c.id, p.article, p.start, p.end, p.quote)
         for c in cmp.claims for p in c.passages])
    conn.executemany(
        "INSERT INTO claim_cells(lesson_id, claim_id, article_id, support, accept, "
        "explanation) VALUES (?,?,?,?,?,?)",
        [(lesson_id, c.claim, c.article, c.support, _j(list(c.accept)), c.explanation)
         for c in (key.cells if key else ())])
    entries = comparison_to_json(cmp)["dossier"]
    conn.executemany(
        "INSERT INTO dossier_entries(lesson_id, entry_id, position, kind, entry) "
        "VALUES (?,?,?,?,?)",
        [(lesson_id, e["id"], i, e["kind"], _j(e)) for i, e in enumerate(entries)])
    return _key_json(old.key) != _key_json(key)


def _key_json(key: CompareKey | None) -> str:
    if key is None:
        return ""
    from app.core.compare.parse import key_to_json

    return _j(key_to_json(key))


# -- grid answers ------------------------------------------------------------------
def grid_json(grid: GridAnswer | None, with_prefilled: bool = False) -> str | None:
    if grid is None:
        return None
    from app.core.compare.parse import grid_to_json

    return _j(grid_to_json(grid, with_prefilled))


def grid_parse(text: str | None) -> GridAnswer | None:
    if text is None:
        return None
    try:
        return parse_grid(load_column(text, "a saved grid answer"), "saved grid")
    except FormatError:
        raise damaged_row("a saved grid answer") from None


def grid_draft(db: Any, student_id: int, lesson_id: str) -> GridAnswer | None:
    row = db.execute("SELECT grid FROM drafts WHERE student_id = ? AND lesson_id = ?",
                     [student_id, lesson_id]).fetchone()
    return grid_parse(row[0]) if row else None


def save_grid_draft(db: Any, student_id: int, lesson_id: str, grid: GridAnswer,
                    stamp: str) -> None:
    db.execute(
        "INSERT INTO drafts(student_id, lesson_id, highlights, grid, updated_at) "
        "VALUES (?, ?, '[]', ?, ?) ON CONFLICT(student_id, lesson_id) DO UPDATE SET "
        "grid = excluded.grid, updated_at = excluded.updated_at",
        [student_id, lesson_id, grid_json(grid, with_prefilled=True), stamp])


def compare_ids_for_article(db: Any, article_id: str) -> list[str]:
    """The compare lessons that list this article (the key editor links spans to them)."""
    out = []
    for lid, arts in db.execute("SELECT lesson_id, articles FROM comparisons"):
        try:
            if article_id in json.loads(arts):
                out.append(lid)
        except ValueError:
            continue
    return out


def clear(db: Any, lesson_id: str) -> None:
    """Forget a comparison (its lesson became a reading lesson)."""
    for table in ("comparisons", "claims", "claim_passages", "claim_cells", "dossier_entries"):
        db.execute(f"DELETE FROM {table} WHERE lesson_id = ?", [lesson_id])  # noqa: S608
