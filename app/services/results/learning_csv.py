"""The discrimination and pre/post CSV files (formats.md, "Discrimination: sentences as
trials" and "Pre and post"): UTF-8 with a BOM for spreadsheets, every text cell from
outside (names, category ids) safe against formula injection (the numbers are written
here, and a negative one stays a number), written atomically and never over the open
database."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from app.core.errors import UserError
from app.services.results.discrimination import ClassDiscrimination
from app.services.results.gradebook import safe_cell
from app.services.results.prepost import PrePost

DISCRIMINATION_COLUMNS = ("student", "category", "hits", "signal", "false_alarms", "noise",
                          "hit_rate", "false_alarm_rate", "d_prime", "criterion")
PREPOST_COLUMNS = ("row", "student", "category", "comparison", "measure", "before", "after",
                   "change", "n", "ci_low", "ci_high", "note")


def num(x: float | None, places: int = 4) -> str:
    """A number with ``places`` decimals; "" for none; never "-0.0000"."""
    if x is None:
        return ""
    text = f"{x:.{places}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def discrimination_rows(cd: ClassDiscrimination) -> list[list[str]]:
    rows = [list(DISCRIMINATION_COLUMNS)]
    for s in cd.students:
        for cat in cd.categories:
            c = s.counts.get(cat)
            if c is None:
                continue  # none of this student's lessons offers the category
            r = c.rates
            rows.append([safe_cell(s.name), safe_cell(cat), str(c.hits), str(c.signal), str(c.false_alarms),
                         str(c.noise), num(r.hit_rate), num(r.false_alarm_rate),
                         num(r.d_prime), num(r.criterion)])
    return rows


def prepost_rows(pp: PrePost) -> list[list[str]]:
    rows = [list(PREPOST_COLUMNS)]
    for r in pp.rows:
        places = 2 if r.measure == "score" else 4
        rows.append(["student", safe_cell(r.name), safe_cell(r.category), r.comparison, r.measure,
                     num(r.before, places), num(r.after, places), num(r.change, places),
                     "", "", "", ""])
    for m in pp.missing:
        rows.append(["student", safe_cell(m.name), "all", m.comparison, "", "", "", "", "",
                     "", "", f"missing {m.what}"])
    for (cat, comp, measure), ch in pp.summary.items():
        places = 2 if measure == "score" else 4
        rows.append(["class", "", safe_cell(cat), comp, measure, num(ch.before, places),
                     num(ch.after, places), num(ch.change, places), str(ch.n),
                     num(ch.ci_low), num(ch.ci_high), ch.note])
    return rows


def csv_text(rows: Sequence[Sequence[str]], newline: str = "\r\n") -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=newline).writerows(rows)
    return buf.getvalue()


def write_rows(rows: Sequence[Sequence[str]], path: str | os.PathLike[str],
               database: str | os.PathLike[str] | None = None) -> int:
    """Write the CSV atomically (a temporary file renamed over ``path``: a symlink there
    is replaced, never followed); returns the number of data rows. Refuses the open
    database and its side files, and anything that is not a regular file."""
    p = Path(path)
    if database is not None:
        db = Path(database).resolve()
        if p.resolve() in {db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")}:
            raise UserError(f"{p} is the open database: choose another file for the CSV")
    if p.exists() and not p.is_symlink() and not p.is_file():
        raise UserError(f"{p} is not a regular file: choose another file for the CSV")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
            f.write(csv_text(rows))
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return len(rows) - 1
