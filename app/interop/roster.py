"""Rosters: the gradebook or roster exports of Canvas, Moodle, Google Classroom and
Schoology, recognised by their header rows, read as they come (a BOM, quoted names
with commas, Canvas's "Points Possible" and posting-policy rows, its test student,
score columns after the identities).

Each parser cites the documentation its columns come from.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from app.core.errors import FormatError
from app.core.jsonfile import show
from app.core.names import clean_name, name_key, name_problem, shown_name
from app.core.record import record
from app.interop.files import decode_text, read_bytes

LMS_NAMES = {"canvas": "Canvas", "moodle": "Moodle", "classroom": "Google Classroom",
             "schoology": "Schoology"}
MAX_ROWS = 20_000
MAX_FIELD = 300
DELIMITERS = (",", ";", "\t", ":")


@record
class Identity:
    """One student as an LMS knows them."""
    lms: str  # canvas | moodle | classroom | schoology
    name: str  # "First Last"
    sortable_name: str = ""  # "Last, First" where the LMS gives it
    lms_id: str = ""  # Canvas ID, Schoology user id
    sis_id: str = ""  # Canvas SIS User ID, Moodle ID number, Schoology Unique User ID
    login: str = ""  # Canvas SIS Login ID, Moodle/Schoology username
    email: str = ""
    section: str = ""

    @property
    def first_last(self) -> tuple[str, str]:
        """(first name, last name), from the sortable name when there is one."""
        if self.sortable_name and "," in self.sortable_name:
            last, _, first = self.sortable_name.rpartition(",")
            return first.strip(), last.strip()
        first, _, last = self.name.rpartition(" ")
        return (first, last) if first else (self.name, "")

    def names(self) -> tuple[str, ...]:
        """Every spelling a Close Reader student might have used."""
        first, last = self.first_last
        out = [self.name, f"{first} {last}".strip(), self.sortable_name, f"{last} {first}".strip()]
        return tuple(dict.fromkeys(n for n in out if n.strip()))

    def describe(self) -> str:
        """One line for a tooltip or the terminal: 'Canvas: Pérez, Ana · SIS User ID 1001'."""
        parts = [f"{LMS_NAMES.get(self.lms, self.lms)}: {self.sortable_name or self.name}"]
        labels = _ID_LABELS.get(self.lms, {})
        for attr in ("sis_id", "lms_id", "login", "email", "section"):
            v = getattr(self, attr)
            if v:
                parts.append(f"{labels.get(attr, attr)} {v}")
        return " · ".join(parts)


_ID_LABELS = {
    "canvas": {"lms_id": "ID", "sis_id": "SIS User ID", "login": "SIS Login ID",
               "section": "Section", "email": "E-mail"},
    "moodle": {"sis_id": "ID number", "login": "Username", "email": "E-mail"},
    "classroom": {"email": "E-mail"},
    "schoology": {"sis_id": "Unique User ID", "lms_id": "Schoology ID", "login": "Username",
                  "email": "E-mail"},
}


@record
class Roster:
    lms: str
    entries: tuple[Identity, ...]
    skipped: int = 0  # rows that are not students (Points Possible, test student, …)


# -- recognising the file ------------------------------------------------------
def read_roster(path: str | os.PathLike[str]) -> Roster:
    name = Path(path).name
    return parse_roster(read_bytes(path), name)


def parse_roster(data: bytes, name: str = "file") -> Roster:
    text, _ = decode_text(data, name)
    if not text.strip():
        raise FormatError(f"{name}: is empty")
    for delim in DELIMITERS:
        try:
            rows = _rows(text, delim, name, limit=1)
        except FormatError:
            continue
        if not rows:
            continue
        head = [h.strip() for h in rows[0]]
        for _lms, recognise, parse in PARSERS:
            cols = recognise([h.casefold() for h in head])
            if cols is not None:
                return parse(_rows(text, delim, name), cols, name)
    first = text.splitlines()[0] if text.splitlines() else ""
    raise FormatError(
        f"{name}: not a roster or gradebook export of Canvas, Moodle, Google Classroom "
        f"or Schoology (its first row is {show(first, 60)})")


def _rows(text: str, delim: str, name: str, limit: int | None = None) -> list[list[str]]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
        rows: list[list[str]] = []
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            rows.append(row)
            if limit and len(rows) >= limit:
                break
            if len(rows) > MAX_ROWS:
                raise FormatError(f"{name}: more than {MAX_ROWS:,} rows")
    except csv.Error as e:
        raise FormatError(f"{name}: line {reader.line_num}: not valid CSV ({e})") from None
    return rows


Columns = dict[str, int]


def _find(head: list[str], *names: str) -> int | None:
    for n in names:
        if n in head:
            return head.index(n)
    return None


def _cell(row: Sequence[str], i: int | None, name: str, line: int) -> str:
    if i is None or i >= len(row):
        return ""
    raw = row[i]
    bad = next((ch for ch in raw if unicodedata.category(ch) == "Cc"), None)
    if bad is not None:  # a name with a line break became two students (issue 22)
        what = "a line break" if bad in "\r\n" else f"the control character U+{ord(bad):04X}"
        raise FormatError(f"{name}: row {line}: the cell {show(raw, 30)} holds {what}; "
                          "nothing was imported")
    v = clean_name(raw)
    if len(v) > MAX_FIELD:
        raise FormatError(f"{name}: row {line}: a cell is longer than {MAX_FIELD} characters")
    return v


# -- Canvas ----------------------------------------------------------------------
# Canvas gradebook export (Grades › Export › Export Entire Gradebook). Columns, from
# "Detailed Canvas Export Info" (nemogb-r documentation, Grades.csv) and Canvas's own
# guides (e.g. VCU's "Gradebook Action Menu"): Student ("Last, First", the sortable
# name), ID (the Canvas user id), SIS User ID, SIS Login ID, [Integration ID], Section,
# then one column per assignment "<name> (<assignment id>)" and read-only totals. The
# second row may be a posting-policy row (empty Student cell) and the next
# "    Points Possible"; Canvas's "Student, Test" is the course's test student.
def _recognise_canvas(head: list[str]) -> Columns | None:
    if not head or head[0] != "student" or "id" not in head:
        return None
    if "sis user id" not in head and "sis login id" not in head:
        return None
    return {"student": 0, "id": head.index("id"), "sis": _find(head, "sis user id"),
            "login": _find(head, "sis login id"), "section": _find(head, "section")}


def _parse_canvas(rows: list[list[str]], c: Columns, name: str) -> Roster:
    out, skipped = [], 0
    for line, row in enumerate(rows[1:], 2):
        student = _cell(row, c["student"], name, line)
        cid = _cell(row, c["id"], name, line)
        if (not student or student.casefold() in ("points possible", "student, test",
                                                  "test student") or not cid):
            skipped += 1
            continue
        last, comma, first = student.rpartition(",")
        shown = f"{first.strip()} {last.strip()}".strip() if comma else student
        out.append(Identity("canvas", shown, student if comma else "", lms_id=cid,
                            sis_id=_cell(row, c["sis"], name, line),
                            login=_cell(row, c["login"], name, line),
                            section=_cell(row, c["section"], name, line)))
    return _done("canvas", out, skipped, name)


# -- Moodle ----------------------------------------------------------------------
# Moodle grade export (Grades › Export › Plain text file / Excel). Its identity
# columns are the "User profile fields when exporting grades" (site default
# firstname, lastname, idnumber, institution, department, email): "First name",
# "Last name" (older versions "Surname"), "ID number", "Institution", "Department",
# "Email address", then "<Activity>: <name> (Real)" grade items and "Last downloaded
# from this course" (Moodle's grade/import/csv tests use exactly that header; Moodle
# Docs "Grade import": map "Email address" to useremail or "ID number" to
# useridnumber). The separator may be comma, tab, semicolon or colon.
def _recognise_moodle(head: list[str]) -> Columns | None:
    first, last = _find(head, "first name"), _find(head, "last name", "surname")
    email, idn = _find(head, "email address"), _find(head, "id number")
    if first is None or last is None or (email is None and idn is None):
        return None
    if head[:3] == ["last name", "first name", "email address"]:
        return None  # Google Classroom's order
    return {"first": first, "last": last, "email": email, "idnumber": idn,
            "username": _find(head, "username")}


def _parse_moodle(rows: list[list[str]], c: Columns, name: str) -> Roster:
    out, skipped = [], 0
    for line, row in enumerate(rows[1:], 2):
        first, last = _cell(row, c["first"], name, line), _cell(row, c["last"], name, line)
        email, idn = _cell(row, c["email"], name, line), _cell(row, c["idnumber"], name, line)
        if not (first or last) or not (email or idn):
            skipped += 1
            continue
        out.append(Identity("moodle", f"{first} {last}".strip(), f"{last}, {first}",
                            sis_id=idn, login=_cell(row, c["username"], name, line),
                            email=email))
    return _done("moodle", out, skipped, name)


# -- Google Classroom --------------------------------------------------------------
# Google Classroom grades export (Grades tab › Settings › "Download these grades as
# CSV"): the first columns are "Last Name", "First Name", "Email Address", then one
# column per assignment; rows without an e-mail address (points, class average) are
# not students. (The corpus searched holds no Google page listing the columns; this is
# the header Classroom writes and that the brief gives.)
def _recognise_classroom(head: list[str]) -> Columns | None:
    if head[:3] != ["last name", "first name", "email address"]:
        return None
    return {"last": 0, "first": 1, "email": 2}


def _parse_classroom(rows: list[list[str]], c: Columns, name: str) -> Roster:
    out, skipped = [], 0
    for line, row in enumerate(rows[1:], 2):
        first, last = _cell(row, c["first"], name, line), _cell(row, c["last"], name, line)
        email = _cell(row, c["email"], name, line)
        if not email or "@" not in email or not (first or last):
            skipped += 1
            continue
        out.append(Identity("classroom", f"{first} {last}".strip(), f"{last}, {first}",
                            email=email))
    return _done("classroom", out, skipped, name)


# -- Schoology ---------------------------------------------------------------------
# Schoology course gradebook export (Gradebook › ⋮ › Export › "Gradebook as CSV": "a
# row for each student, with material titles as column headers", PowerSchool Schoology
# docs "Moving student grades from one section to another") and its user exports,
# whose identity columns Schoology documents as First Name, Last Name, Username or
# E-mail, and the "User Unique ID" (also written "Unique User ID"; Schoology's "Import
# Users with a CSV/XLS File"); "Schoology User ID" is its own numeric id.
def _recognise_schoology(head: list[str]) -> Columns | None:
    uid = _find(head, "unique user id", "user unique id")
    if uid is None:
        return None
    return {"uid": uid, "first": _find(head, "first name"), "last": _find(head, "last name"),
            "name": _find(head, "name", "student name"),
            "email": _find(head, "e-mail", "email", "email address", "e-mail address"),
            "login": _find(head, "username"), "sid": _find(head, "schoology user id")}


def _parse_schoology(rows: list[list[str]], c: Columns, name: str) -> Roster:
    out, skipped = [], 0
    for line, row in enumerate(rows[1:], 2):
        uid = _cell(row, c["uid"], name, line)
        first, last = _cell(row, c["first"], name, line), _cell(row, c["last"], name, line)
        full = f"{first} {last}".strip() or _cell(row, c["name"], name, line)
        if not uid or not full:
            skipped += 1
            continue
        out.append(Identity("schoology", full, f"{last}, {first}" if first and last else "",
                            lms_id=_cell(row, c["sid"], name, line), sis_id=uid,
                            login=_cell(row, c["login"], name, line),
                            email=_cell(row, c["email"], name, line)))
    return _done("schoology", out, skipped, name)


def _done(lms: str, entries: list[Identity], skipped: int, name: str) -> Roster:
    if not entries:
        raise FormatError(f"{name}: a {LMS_NAMES[lms]} export with no students in it")
    for e in entries:
        problem = name_problem(e.name)
        if problem:
            raise FormatError(f"{name}: the student name {shown_name(e.name)} {problem}; "
                              "nothing was imported")
    clash = identity_clash(entries)
    if clash:
        raise FormatError(f"{name}: {clash}; nothing was imported. Correct it in "
                          f"{LMS_NAMES[lms]} and export the roster again")
    return Roster(lms, tuple(entries), skipped)


ID_FIELDS = ("lms_id", "sis_id", "login", "email")


def identity_clash(entries: Sequence[Identity], stored: Sequence[Identity] = ()) -> str | None:
    """The first LMS id, SIS id, login or e-mail given to two students (two different
    names) among ``stored`` and ``entries``, said in words; None when there is none.
    Bound to two Close Reader students, one student's grade would go under the other's
    identity in the LMS."""
    seen: dict[tuple[str, str, str], tuple[Identity, bool]] = {}
    for e, is_stored in [*((s, True) for s in stored), *((e, False) for e in entries)]:
        for attr in ID_FIELDS:
            value = getattr(e, attr).strip().casefold()
            if not value:
                continue
            key = (e.lms, attr, value)
            if key not in seen:
                seen[key] = (e, is_stored)
                continue
            other, other_stored = seen[key]
            if name_key(other.name) == name_key(e.name):
                continue
            label = _ID_LABELS.get(e.lms, {}).get(attr, attr)
            where = " (already imported here)" if other_stored else ""
            return (f"the {LMS_NAMES.get(e.lms, e.lms)} {label} {show(getattr(e, attr), 40)} "
                    f"is given to two students, {show(other.name)}{where} and {show(e.name)}")
    return None


Parser = tuple[str, Callable[[list[str]], Columns | None],
               Callable[[list[list[str]], Columns, str], Roster]]
PARSERS: tuple[Parser, ...] = (
    ("canvas", _recognise_canvas, _parse_canvas),
    ("classroom", _recognise_classroom, _parse_classroom),
    ("moodle", _recognise_moodle, _parse_moodle),
    ("schoology", _recognise_schoology, _parse_schoology),
)
