"""``close-reader gradebook [--csv FILE] [--long] [--all-lessons]``."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("gradebook", help="students × lessons; print it or write a CSV")
    p.add_argument("--csv", metavar="FILE", default=None,
                   help="write a CSV (UTF-8 with BOM, for spreadsheets and LMS grade imports); "
                        "'-' writes to standard output")
    p.add_argument("--long", action="store_true",
                   help="one row per attempt, with precision and recall per category")
    p.add_argument("--all-lessons", action="store_true",
                   help="show lessons nobody has attempted yet too")
    p.set_defaults(func=cmd_gradebook)


def cmd_gradebook(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for
    from app.services.grading import refresh_grades
    from app.services.results.gradebook import build_gradebook, csv_rows, format_table, write_csv

    repo = open_repo_for(args)
    regraded = refresh_grades(repo)  # attempts whose lesson or key arrived since import
    if regraded:
        print(f"Regraded {regraded} attempt{'s' * (regraded != 1)} against the current key",
              file=sys.stderr)
    gb = build_gradebook(repo, all_lessons=args.all_lessons)
    if args.csv == "-":
        csv.writer(sys.stdout, lineterminator="\n").writerows(_plain(csv_rows(gb, args.long)))
    elif args.csv:
        n = write_csv(gb, args.csv, long=args.long)
        what = "attempt" if args.long else "student"
        print(f"Wrote {n} {what}{'s' * (n != 1)} to {args.csv}")
    elif args.long:
        csv.writer(sys.stdout, lineterminator="\n").writerows(_plain(csv_rows(gb, True)))
    else:
        print(format_table(gb))
    return 0


def _plain(rows: list[list[str]]) -> list[list[str]]:
    """Cells with terminal controls removed (the CSV goes to the terminal)."""
    from app.core.terminal import clean

    return [[clean(c) for c in row] for row in rows]
