"""Gradebooks laid out for an LMS's own grade import (formats.md, "Gradebooks for an
LMS, and the roster"): the identity columns that LMS's gradebook export has, then one
column per lesson titled ``<lesson title> (<lesson id>)``, whole points out of 100.

- ``canvas``: ``Student, ID, SIS User ID, SIS Login ID, Section``; the first data row
  is ``Points Possible`` with 100 under every lesson (Canvas reads it to set the new
  assignments' points); a missing score is an empty cell (Canvas: "no change").
- ``moodle``: ``Email address, First name, Last name, ID number`` (Moodle maps
  "Email address" to useremail, or "ID number" to useridnumber, on its CSV import).
- ``classroom``: ``Email Address, First Name, Last Name``.
- ``schoology``: ``First Name, Last Name, Unique User ID``.

Every text cell, headers included, goes through ``safe_cell`` (formula injection).
Files are UTF-8 with a BOM and CRLF line ends, like the other gradebook CSVs.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from typing import Any

from app.core.outpaths import write_text_atomic
from app.interop.roster import LMS_NAMES, Identity

LMS_CHOICES = tuple(LMS_NAMES)
POINTS = 100
IDENTITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "canvas": ("Student", "ID", "SIS User ID", "SIS Login ID", "Section"),
    "moodle": ("Email address", "First name", "Last name", "ID number"),
    "classroom": ("Email Address", "First Name", "Last Name"),
    "schoology": ("First Name", "Last Name", "Unique User ID"),
}
# what to pick on that LMS's import screen (shown under the layout choice)
HINTS = {
    "spreadsheet": "For a spreadsheet: one row per student by name, one column per lesson "
                   "with the grade: the graded first attempt's score, or your override.",
    "canvas": "Canvas: Grades › Import, choose this file, then check the new assignment "
              "columns Canvas lists and click Upload Data.",
    "moodle": "Moodle: Grades › Import › CSV file; under Identify user by, map "
              "\"Email address\" to \"Email address\"; map each lesson column to a grade item.",
    "classroom": "Google Classroom: open the file in Google Sheets; copy each lesson's "
                 "column into that assignment's grades, students matched by e-mail.",
    "schoology": "Schoology: Gradebook › ⋮ › Import, choose this file, and match the "
                 "\"Unique User ID\" column and each lesson column.",
}


def lms_score(cell: Any) -> int | None:
    """The score an LMS gets: the graded attempt's score or its override (``grade``)
    when the gradebook has it, else the best score."""
    if cell is None:
        return None
    score = cell.grade if hasattr(cell, "grade") else cell.best
    return None if score is None else int(round(score))


def lesson_header(title: str, lesson_id: str) -> str:
    return f"{title} ({lesson_id})"


def _safe(value: object) -> str:
    from app.services.results.gradebook import safe_cell  # one rule for every CSV

    return safe_cell(value)


def identity_cells(lms: str, who: Identity) -> list[str]:
    first, last = who.first_last
    if lms == "canvas":
        values = [who.sortable_name or who.name, who.lms_id, who.sis_id, who.login, who.section]
    elif lms == "moodle":
        values = [who.email, first, last, who.sis_id]
    elif lms == "classroom":
        values = [who.email, first, last]
    elif lms == "schoology":
        values = [first, last, who.sis_id]
    else:
        raise ValueError(f"unknown LMS {lms!r}")
    return [_safe(v) for v in values]


def lms_rows(lms: str, lessons: Sequence[tuple[str, str]],
             students: Sequence[tuple[Identity, Mapping[str, int | None]]]) -> list[list[str]]:
    """The CSV rows: ``lessons`` as (id, title); ``students`` as (identity, score by
    lesson id), written in the order of their sortable names."""
    head = [_safe(h) for h in IDENTITY_COLUMNS[lms]]
    rows = [head + [_safe(lesson_header(title, lid)) for lid, title in lessons]]
    if lms == "canvas":
        rows.append(["Points Possible", *[""] * (len(head) - 1), *[str(POINTS)] * len(lessons)])
    order = sorted(students, key=lambda s: ((s[0].sortable_name or s[0].name).casefold(),
                                            s[0].sis_id, s[0].lms_id, s[0].email))
    for who, scores in order:
        cells = ["" if scores.get(lid) is None else str(int(scores[lid])) for lid, _ in lessons]
        rows.append(identity_cells(lms, who) + cells)
    return rows


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_rows(path: str | os.PathLike[str], rows: Sequence[Sequence[str]]) -> None:
    """Write atomically, UTF-8 with a BOM (Excel reads names right), CRLF line ends;
    never over a database or a device (``app.core.outpaths``)."""
    write_text_atomic(path, csv_text(rows), encoding="utf-8-sig")
