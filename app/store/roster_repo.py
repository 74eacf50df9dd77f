"""The LMS roster in the database (table ``roster``, schema v2): one row per student
as an LMS knows them, bound to a Close Reader student or not yet.

An entry's identity is (lms, lms id, SIS id, login, e-mail, name key): importing the
same roster again finds every row already there and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.names import name_key
from app.core.record import record
from app.interop.roster import Identity
from app.store.repo import Repo


@record
class RosterRow:
    id: int
    identity: Identity
    student_id: int | None


def _row(r: dict) -> RosterRow:
    return RosterRow(r["id"], Identity(r["lms"], r["name"], r["sortable_name"], r["lms_id"],
                                       r["sis_id"], r["login"], r["email"], r["section"]),
                     r["student_id"])


def add_entries(repo: Repo, entries: Iterable[Identity]) -> int:
    """Insert entries not yet stored (a changed name spelling or section is updated);
    returns how many are new. Bindings already made are kept."""
    added = 0
    for e in entries:
        ident = [e.lms, e.lms_id, e.sis_id, e.login, e.email, name_key(e.name)]
        row = repo.db.execute(
            "SELECT id, name, sortable_name, section FROM roster WHERE lms = ? AND "
            "lms_id = ? AND sis_id = ? AND login = ? AND email = ? AND name_key = ?",
            ident).fetchone()
        if row is None:
            repo.db.execute(
                "INSERT INTO roster(lms, name, sortable_name, lms_id, sis_id, login, email, "
                "section, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [e.lms, e.name, e.sortable_name, e.lms_id, e.sis_id, e.login, e.email,
                 e.section, ident[-1]])
            added += 1
        elif tuple(row[1:]) != (e.name, e.sortable_name, e.section):
            repo.db.execute("UPDATE roster SET name = ?, sortable_name = ?, section = ? "
                            "WHERE id = ?", [e.name, e.sortable_name, e.section, row[0]])
    return added


def rows(repo: Repo, lms: str | None = None) -> list[RosterRow]:
    sql = "SELECT * FROM roster" + (" WHERE lms = ?" if lms else "") + \
          " ORDER BY lms, COALESCE(NULLIF(sortable_name, ''), name) COLLATE NOCASE, id"
    return [_row(r) for r in repo.db.query(sql, [lms] if lms else [])]


def lms_in_use(repo: Repo) -> list[str]:
    return [r[0] for r in repo.db.execute("SELECT DISTINCT lms FROM roster ORDER BY lms")]


def bind(repo: Repo, roster_id: int, student_id: int | None) -> None:
    """Bind a roster entry to a student (None: unbind). A student has at most one
    entry per LMS: an earlier binding of that student in the same LMS is released."""
    with repo.database.transaction() as db:
        if student_id is not None:
            db.execute("UPDATE roster SET student_id = NULL WHERE student_id = ? AND lms = "
                       "(SELECT lms FROM roster WHERE id = ?) AND id != ?",
                       [student_id, roster_id, roster_id])
        db.execute("UPDATE roster SET student_id = ? WHERE id = ?", [student_id, roster_id])


def bindings(repo: Repo, lms: str) -> dict[int, Identity]:
    """Close Reader student id -> that student's identity in ``lms``."""
    return {r.student_id: r.identity for r in rows(repo, lms) if r.student_id is not None}


def all_bindings(repo: Repo) -> dict[int, list[Identity]]:
    """Close Reader student id -> their identities in every LMS with a roster here."""
    out: dict[int, list[Identity]] = {}
    for r in rows(repo):
        if r.student_id is not None:
            out.setdefault(r.student_id, []).append(r.identity)
    return out
