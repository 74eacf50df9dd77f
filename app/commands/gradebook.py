"""``close-reader gradebook [--csv FILE] [--long] [--all-lessons] [--lms NAME]``."""

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
    p.add_argument("--lms", choices=("canvas", "moodle", "classroom", "schoology"),
                   default=None, help="with --csv: the layout that LMS's grade import takes "
                                      "(needs its roster: close-reader roster import FILE)")
    p.set_defaults(func=cmd_gradebook)


def cmd_gradebook(args: argparse.Namespace) -> int:
    from app.commands.auth import require_instructor
    from app.commands.common import open_repo_for
    from app.services.grading import refresh_grades
    from app.services.results.gradebook import build_gradebook, csv_rows, format_table, write_csv

    if args.csv and args.csv != "-":
        from app.commands.common import check_output_arg

        check_output_arg(args, args.csv)
    repo = open_repo_for(args)
    require_instructor(repo)  # every student's work
    regraded = refresh_grades(repo)  # attempts whose lesson or key arrived since import
    if regraded:
        print(f"Regraded {regraded} attempt{'s' * (regraded != 1)} against the current key",
              file=sys.stderr)
    if args.lms:
        return _lms_csv(repo, args)
    gb = build_gradebook(repo, all_lessons=args.all_lessons)
    if args.csv == "-":
        csv.writer(sys.stdout, lineterminator="\n").writerows(_plain(csv_rows(gb, args.long)))
    elif args.csv:
        n = write_csv(gb, args.csv, long=args.long)
        what = "attempt" if args.long else "student"
        print(f"Wrote {n} {what}{'s' * (n != 1)} to {_plain([[args.csv]])[0][0]}")
    elif args.long:
        csv.writer(sys.stdout, lineterminator="\n").writerows(_plain(csv_rows(gb, True)))
    else:
        print(format_table(gb))
    return 0


def _lms_csv(repo: Any, args: argparse.Namespace) -> int:
    """``--csv FILE --lms NAME``: scores bound to the LMS's identities; students with no
    roster binding are not written but named on stderr."""
    from app.interop.lms import csv_text
    from app.services.roster import describe_unbound, lms_gradebook, write_lms_gradebook

    if not args.csv or args.long:
        print("close-reader: --lms needs --csv FILE (and not --long)", file=sys.stderr)
        return 2
    if args.csv == "-":
        out = lms_gradebook(repo, args.lms)  # cells cleaned (safe_cell), and again here
        sys.stdout.write(csv_text(_plain(out.rows)).replace("\r\n", "\n"))
    else:
        out = write_lms_gradebook(repo, args.lms, args.csv)
        print(f"Wrote {out.written} student{'s' * (out.written != 1)} × {out.lessons} "
              f"lesson{'s' * (out.lessons != 1)} to {_plain([[args.csv]])[0][0]}")
    if out.unbound:
        from app.core.terminal import clean

        print(clean(describe_unbound(out.unbound, args.lms)), file=sys.stderr)
    return 0


def _plain(rows: list[list[str]]) -> list[list[str]]:
    """Cells with terminal controls removed (the CSV goes to the terminal)."""
    from app.core.terminal import clean

    return [[clean(c) for c in row] for row in rows]
