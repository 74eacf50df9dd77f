"""Strict RFC 3339 date-times (formats.md, "Submission bundle").

Times in files from student machines are information, never authority; but they are
still checked strictly, so that nothing odd (an ISO week date, a bare date, a year
beyond what Python's ``datetime`` converts) reaches a screen, a sort or a PDF.
"""

from __future__ import annotations

import re
from datetime import date

from app.core.errors import FormatError

# RFC 3339, section 5.6: full-date "T" full-time, time-offset "Z" or +hh:mm / -hh:mm
_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


def instant(stamp: str) -> tuple[int, int]:
    """(seconds since 0001-01-01 UTC, nanoseconds) of an RFC 3339 date-time; raises
    ``ValueError`` for anything else. Pure integer arithmetic: no overflow at year 9999
    with a negative offset (``datetime`` raises there)."""
    m = _RE.fullmatch(stamp)
    if m is None:
        raise ValueError(f"not an RFC 3339 date-time: {stamp[:40]!r}")
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    day = date(y, mo, d).toordinal()  # ValueError for 2026-02-30 and the like
    if h > 23 or mi > 59 or s > 60:  # 60: a leap second
        raise ValueError(f"not a time of day: {stamp[:40]!r}")
    off = 0
    z = m.group(8)
    if z not in ("Z", "z"):
        oh, om = int(z[1:3]), int(z[4:6])
        if oh > 23 or om > 59:
            raise ValueError(f"not a time offset: {z!r}")
        off = (oh * 60 + om) * 60 * (1 if z[0] == "+" else -1)
    frac = m.group(7) or ""
    nanos = int((frac[1:] + "000000000")[:9]) if frac else 0
    return (day * 86400 + h * 3600 + mi * 60 + min(s, 59) - off, nanos)


def is_rfc3339(stamp: str) -> bool:
    try:
        instant(stamp)
    except ValueError:
        return False
    return True


def check(stamp: str, where: str) -> str:
    """``stamp`` if it is an RFC 3339 date-time, else a ``FormatError`` naming ``where``."""
    if not is_rfc3339(stamp):
        raise FormatError(f"{where}: {stamp[:40]!r} is not a date and time as RFC 3339 "
                          "writes it (like 2026-11-21T10:15:00Z)")
    return stamp


def sort_key(stamp: str) -> tuple[int, int, int]:
    """Order of stamps; one that does not parse sorts after every one that does."""
    try:
        a, b = instant(stamp)
    except ValueError:
        return (1, 0, 0)
    return (0, a, b)


def shown(stamp: str) -> str:
    """A stamp for a screen or a PDF: ``2026-11-21 10:15 UTC±hh:mm`` as written, or the
    words "(no valid time)"."""
    m = _RE.fullmatch(stamp)
    if m is None or not is_rfc3339(stamp):
        return "(no valid time)"
    z = m.group(8)
    zone = "UTC" if z in ("Z", "z") or z in ("+00:00", "-00:00") else f"UTC{z}"
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)} {m.group(4)}:{m.group(5)} {zone}"
