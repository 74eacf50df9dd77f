"""Pre/post pairings in the instructor's database (table ``prepost``; formats.md, "Pre
and post"): a name and the pre, post and optional delayed forms, each stored as JSON."""

from __future__ import annotations

from app.core.errors import UserError
from app.core.prepost import Pairing, check_pairing, form_from_json
from app.store.repo import Repo, now_iso


def pairings(repo: Repo) -> list[Pairing]:
    """Every pairing, by name."""
    rows = repo.db.execute("SELECT id, name, pre, post, delayed FROM prepost "
                           "ORDER BY name COLLATE NOCASE, id").fetchall()
    return [Pairing(r[0], r[1], form_from_json(r[2]), form_from_json(r[3]),
                    form_from_json(r[4]) if r[4] is not None else None) for r in rows]


def pairing(repo: Repo, name: str) -> Pairing:
    for p in pairings(repo):
        if p.name == name:
            return p
    names = "; ".join(p.name for p in pairings(repo)) or "none yet"
    raise UserError(f"no pre/post pairing named '{name}' (stored: {names})")


def save_pairing(repo: Repo, p: Pairing) -> Pairing:
    """Insert ``p`` (id None) or update the pairing with its id; returns it as stored."""
    check_pairing(p)
    name = p.name.strip()
    values = [name, p.pre.to_json(), p.post.to_json(),
              p.delayed.to_json() if p.delayed is not None else None]
    with repo.database.transaction() as db:
        if db.execute("SELECT 1 FROM prepost WHERE name = ? AND id IS NOT ?",
                      [name, p.id]).fetchone():
            raise UserError(f"a pairing named '{name}' exists already")
        if p.id is None:
            cur = db.execute("INSERT INTO prepost(name, pre, post, delayed, created_at) "
                             "VALUES (?, ?, ?, ?, ?)", [*values, now_iso()])
            new_id = cur.lastrowid
        else:
            cur = db.execute("UPDATE prepost SET name = ?, pre = ?, post = ?, delayed = ? "
                             "WHERE id = ?", [*values, p.id])
            if cur.rowcount == 0:
                raise UserError("that pairing is no longer stored")
            new_id = p.id
    return Pairing(new_id, name, p.pre, p.post, p.delayed)


def delete_pairing(repo: Repo, pairing_id: int) -> None:
    with repo.database.transaction() as db:
        db.execute("DELETE FROM prepost WHERE id = ?", [pairing_id])
