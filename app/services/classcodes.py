"""Class codes (formats.md, "Class codes"): the instructor hands each student a code;
the student enters it once on a machine; from then on their attempts are signed, and an
import keeps aside an attempt in their name that their code did not sign."""

from __future__ import annotations

from collections.abc import Iterable

from app.core import classcodes
from app.core.errors import UserError
from app.store import trust_repo
from app.store.repo import Repo
from app.store.trust_repo import CodeRow


def rows(repo: Repo) -> list[CodeRow]:
    return trust_repo.code_rows(repo)


def make_codes(repo: Repo, names: Iterable[str] = (), everyone: bool = False,
               renew: bool = False) -> list[tuple[str, str]]:
    """Give a code to the named students (made if new) or, with ``everyone``, to every
    student without one; ``renew`` replaces existing codes (the old ones stop signing).
    Returns (name, code) of the codes made."""
    made: list[tuple[str, str]] = []
    with repo.database.transaction():
        targets = [repo.student(n) for n in names]
        if everyone:
            targets += [repo.student(r.name) for r in rows(repo) if not r.code]
        seen: set[int] = set()
        by_id = {r.student_id: r for r in rows(repo)}
        for st in targets:
            if st.id in seen:
                continue
            seen.add(st.id)
            if by_id.get(st.id) and by_id[st.id].code and not renew:
                continue
            code = classcodes.new_code()
            trust_repo.set_code(repo, st.id, code, classcodes.derive_key(code, st.name))
            made.append((st.name, code))
    return made


def enter_code(repo: Repo, student_id: int, student_name: str, typed: str) -> None:
    """A student enters their code on this machine: its key signs their attempts here."""
    if classcodes.normalize(typed) is None:
        raise UserError("That is not a class code: it has ten letters and digits, like "
                        "K7QF3-M9P2X (check each character with your teacher's sheet)")
    key = classcodes.derive_key(typed, student_name)
    repo.db.execute("UPDATE students SET code_key = ? WHERE id = ?", [key.hex(), student_id])


def has_code(repo: Repo, student_id: int) -> bool:
    return trust_repo.code_key(repo, student_id) is not None


def sheet_pdf(repo: Repo, path, title: str = "Class codes") -> int:
    """A printable class sheet: one slip per student with a code. Returns students."""
    from app.services.results.codes_pdf import write_sheet

    have = [(r.name, classcodes.shown(r.code)) for r in rows(repo) if r.code]
    if not have:
        raise UserError("no student has a class code yet (make them first)")
    write_sheet(path, have, title)
    return len(have)
