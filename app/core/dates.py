"""Dates as articles write them, read into ``YYYY-MM-DD`` (the lesson's ``published``).

Pure Python, standard library only. Reads ISO dates and timestamps (the date as
written, never moved to another time zone: ``2020-01-20T10:00:08+08:00`` is the 20th,
the day the outlet printed), ``December 2, 2016``, ``Dec. 2, 2016``, ``2 December
2016``, ``Jul 11 , 2020``, ``19.01.2020`` (day first, as in Europe), ``01/19/2020``
(month first when that is the only reading, else day first when only that one works;
an ambiguous ``03/04/2020`` is not guessed). Anything else gives ``None``.
"""

from __future__ import annotations

import datetime as _dt
import re

_MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), 1) for m in names}
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_MDY = re.compile(rf"\b({MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(\d{{4}})\b", re.I)
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH}),?\s+(\d{{4}})\b", re.I)
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])")
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
# a date anywhere in a short line (bylines, datelines): for finding, not for parsing
DATE_PATTERN = (rf"(?i:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s*\d{{4}}"
                rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+\d{{4}}"
                r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4})")


def _make(year: int, month: int, day: int) -> str | None:
    try:
        d = _dt.date(year, month, day)
    except ValueError:
        return None
    return d.isoformat() if 1800 <= d.year <= 2200 else None


def _month(name: str) -> int | None:
    return _MONTHS.get(name.lower().rstrip(".")) or _MONTHS.get(name.lower()[:3])


def parse_date(text: str | None) -> str | None:
    """The first date written in ``text`` as ``YYYY-MM-DD``, or None."""
    if not text:
        return None
    found: list[tuple[int, str]] = []
    for m in _ISO.finditer(text):
        d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), d))
            break
    for m in _MDY.finditer(text):
        month = _month(m.group(1))
        d = _make(int(m.group(3)), month, int(m.group(2))) if month else None
        if d:
            found.append((m.start(), d))
            break
    for m in _DMY.finditer(text):
        month = _month(m.group(2))
        d = _make(int(m.group(3)), month, int(m.group(1))) if month else None
        if d:
            found.append((m.start(), d))
            break
    for m in _DOTTED.finditer(text):
        d = _make(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            found.append((m.start(), d))
            break
    for m in _SLASHED.finditer(text):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        md, dm = _make(y, a, b), _make(y, b, a)
        d = md if (md and not dm) or a == b else dm if (dm and not md) else None
        if d:
            found.append((m.start(), d))
            break
    return min(found)[1] if found else None
