"""``close-reader roster import FILE``: bind students to an LMS's identities."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("roster", help="bind students to an LMS's identities (Canvas, Moodle, "
                                      "Google Classroom, Schoology)")
    rsub = p.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    im = rsub.add_parser("import", help="read an LMS roster or gradebook export (CSV); "
                                        "twice changes nothing")
    im.add_argument("file", metavar="FILE", help="the CSV exported from the LMS")
    im.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for
    from app.core.jsonfile import show
    from app.interop.roster import read_roster
    from app.services.roster import import_roster

    roster = read_roster(args.file)  # validate before touching the database
    repo = open_repo_for(args)
    result = import_roster(repo, roster)
    for line in result.lines():
        print(_plain(line, show))
    return 0


def _plain(line: str, show: Any) -> str:
    """Text from the file printed without control characters (quality.md)."""
    return "".join(ch if ch.isprintable() or ch == " " else show(ch)[1:-1] for ch in line)
