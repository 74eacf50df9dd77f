"""Rosters and LMS gradebooks: import an LMS's roster and bind its students to Close
Reader's, list what is left to match, and write the gradebook an LMS takes back.

Names match as for submission bundles (``app.core.names.name_key``: NFKC, invisible
characters removed, case folded); a roster name is also tried as "First Last" and
"Last First" (Canvas gives "Last, First"). A name that only *looks* like a student's
(another alphabet's letters) is never bound by itself: it is flagged and left for the
instructor, who matches it once (``bind``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from app.core.errors import UserError
from app.core.names import lookalikes, name_key, skeleton
from app.core.record import record
from app.interop.lms import lms_rows, lms_score, write_rows
from app.interop.roster import LMS_NAMES, Identity, Roster, identity_clash
from app.store import roster_repo
from app.store.repo import Repo, Student


@record
class Entry:
    """A roster entry and what it is bound to (``student`` None: not yet)."""
    roster_id: int
    identity: Identity
    student: Student | None
    flag: str = ""  # why it was not bound by itself (look-alike, ambiguous), if known


@record
class RosterImport:
    lms: str
    added: int  # entries new to this database
    skipped: int  # rows of the file that are not students
    bound: tuple[Entry, ...]
    unmatched: tuple[Entry, ...]
    not_on_roster: tuple[str, ...]  # Close Reader students with no entry in this LMS

    def lines(self) -> list[str]:
        name = LMS_NAMES[self.lms]
        n = len(self.bound) + len(self.unmatched)
        out = [f"Read a {name} roster of {n} student{'s' * (n != 1)} "
               f"({self.added} new here" + (f"; {self.skipped} rows that are not students "
                                            "skipped" if self.skipped else "") + ")."]
        if self.bound:
            out.append(f"Bound ({len(self.bound)}):")
            out += [f"  {e.student.name if e.student else ''}  ←  {e.identity.describe()}"
                    for e in self.bound]
        if self.unmatched:
            out.append(f"Not matched to a Close Reader student ({len(self.unmatched)}); "
                       "match them in the app (Class results › File › Import roster…):")
            out += [f"  {e.identity.describe()}" + (f"  [{e.flag}]" if e.flag else "")
                    for e in self.unmatched]
        if self.not_on_roster:
            out.append(f"Close Reader students not on this roster ({len(self.not_on_roster)}): "
                       + ", ".join(self.not_on_roster))
        return out


def import_roster(repo: Repo, roster: Roster) -> RosterImport:
    """Store the roster's entries and bind every one whose name is a student's; all in
    one transaction. Importing the same roster twice changes nothing. An LMS id, SIS
    id, login or e-mail that this roster and the one stored here give to two students
    is refused, naming both (``identity_clash``)."""
    clash = identity_clash(roster.entries, [r.identity for r in roster_repo.rows(repo, roster.lms)])
    if clash:
        raise UserError(f"{clash}: nothing was imported. Correct it in {LMS_NAMES[roster.lms]} "
                        "and export the roster again")
    with repo.database.transaction():
        added = roster_repo.add_entries(repo, roster.entries)
        auto_bind(repo, roster.lms)
    keys = {(e.lms_id, e.sis_id, e.login, e.email, name_key(e.name)) for e in roster.entries}
    mine = [e for e in entries(repo, roster.lms)
            if (e.identity.lms_id, e.identity.sis_id, e.identity.login, e.identity.email,
                name_key(e.identity.name)) in keys]
    bound_ids = {e.student.id for e in entries(repo, roster.lms) if e.student}
    return RosterImport(
        roster.lms, added, roster.skipped,
        tuple(e for e in mine if e.student), tuple(e for e in mine if not e.student),
        tuple(s.name for s in repo.students() if s.id not in bound_ids))


def auto_bind(repo: Repo, lms: str) -> int:
    """Bind unbound entries of ``lms`` whose name is exactly one unbound student's and
    no other entry's; returns how many were bound."""
    by_key: dict[str, Student] = {name_key(s.name): s for s in repo.students()}
    rows = roster_repo.rows(repo, lms)
    taken = {r.student_id for r in rows if r.student_id is not None}
    wanted: dict[int, list[int]] = {}  # student id -> unbound entries naming them
    for r in rows:
        if r.student_id is not None:
            continue
        found = {by_key[k].id for k in map(name_key, r.identity.names()) if k in by_key}
        if len(found) == 1:
            wanted.setdefault(found.pop(), []).append(r.id)
    n = 0
    for sid, ids in wanted.items():
        if sid not in taken and len(ids) == 1:
            roster_repo.bind(repo, ids[0], sid)
            n += 1
    return n


def entries(repo: Repo, lms: str | None = None) -> list[Entry]:
    """Every roster entry (of one LMS), with its student and, when unbound, a flag."""
    students = {s.id: s for s in repo.students()}
    rows = roster_repo.rows(repo, lms)
    flags = lookalikes([s.name for s in students.values()] + [r.identity.name for r in rows])
    by_key: dict[str, list[int]] = {}
    for r in rows:
        if r.student_id is None:
            for k in {name_key(n) for n in r.identity.names()}:
                by_key.setdefault(k, []).append(r.id)
    student_keys = {name_key(s.name): s for s in students.values()}
    out = []
    for r in rows:
        flag = ""
        if r.student_id is None:
            keys = {name_key(n) for n in r.identity.names()}
            if any(len(by_key.get(k, ())) > 1 and k in student_keys for k in keys):
                flag = "two roster entries have this student's name"
            elif any(k in student_keys for k in keys):
                flag = "that student is already bound to another entry"
            elif r.identity.name in flags:
                twin = next((s.name for s in students.values()
                             if skeleton(s.name) == skeleton(r.identity.name)), None)
                flag = (f"looks like the student “{twin}” but is spelled with other letters "
                        "(another alphabet)" if twin else flags[r.identity.name])
        out.append(Entry(r.id, r.identity, students.get(r.student_id) if r.student_id else None,
                         flag))
    return out


def unmatched(repo: Repo) -> list[Entry]:
    return [e for e in entries(repo) if e.student is None]


def bind(repo: Repo, roster_id: int, student_id: int | None) -> None:
    roster_repo.bind(repo, roster_id, student_id)


def roster_notes(repo: Repo) -> dict[int, str]:
    """Per Close Reader student: their LMS name and ids, one line per LMS (tooltips)."""
    return {sid: "\n".join(i.describe() for i in ids)
            for sid, ids in roster_repo.all_bindings(repo).items()}


# -- the gradebook for an LMS --------------------------------------------------------
@record
class LmsExport:
    rows: list[list[str]]
    written: int  # students written
    lessons: int
    unbound: tuple[str, ...]  # students with attempts and no binding in that LMS


def lms_gradebook(repo: Repo, lms: str) -> LmsExport:
    from app.services.results.gradebook import build_gradebook

    if lms not in LMS_NAMES:
        raise UserError(f"unknown LMS '{lms}': use one of {', '.join(LMS_NAMES)}")
    if not roster_repo.rows(repo, lms):
        raise UserError(f"there is no {LMS_NAMES[lms]} roster here yet: import one first "
                        "(close-reader roster import FILE)")
    gb = build_gradebook(repo)
    lessons = [(le.id, le.title) for le in gb.lessons if le.here and any(
        lms_score(c) is not None for (_, lid), c in gb.cells.items() if lid == le.id)]
    bound = roster_repo.bindings(repo, lms)
    clash = identity_clash(list(bound.values()))  # a roster stored before issue 22
    if clash:
        raise UserError(f"{clash} (a roster imported before this was checked): no CSV "
                        "was written, as one student's grade would go under the other's "
                        "identity")
    students: list[tuple[Identity, dict[str, int | None]]] = []
    unbound: list[str] = []
    attempted = {sid for sid, _ in gb.cells}
    for s in gb.students:
        if s.id in bound:
            students.append((bound[s.id], {lid: lms_score(gb.cell(s.id, lid))
                                           for lid, _ in lessons}))
        elif s.id in attempted:
            unbound.append(s.name)
    return LmsExport(lms_rows(lms, lessons, students), len(students), len(lessons),
                     tuple(sorted(unbound, key=str.casefold)))


def write_lms_gradebook(repo: Repo, lms: str, path: str | os.PathLike[str]) -> LmsExport:
    out = lms_gradebook(repo, lms)
    write_rows(path, out.rows)
    return out


def describe_unbound(names: Sequence[str], lms: str) -> str:
    return (f"Not written (no {LMS_NAMES[lms]} roster binding): " + ", ".join(names)
            + ". Import the roster or match them in the app.")
