"""``close-reader report discrimination|prepost``: the class's discrimination (d′ and
criterion per student and category) and its pre/post change (formats.md,
"Discrimination: sentences as trials" and "Pre and post"). Both show every student's
work, so both need the instructor password."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="discrimination (d′, criterion) and pre/post change")
    rs = p.add_subparsers(dest="report", metavar="REPORT", required=True)
    d = rs.add_parser("discrimination",
                      help="per student and category: hits, false alarms, d′ and criterion")
    d.add_argument("--unit", default=None, help="the lessons of this unit")
    d.add_argument("--lesson", nargs="+", action="extend", default=[], metavar="ID",
                   help="these lessons (with --unit: as well)")
    d.add_argument("--csv", metavar="FILE", default=None,
                   help="write the CSV ('-': standard output)")
    d.set_defaults(func=cmd_discrimination)
    q = rs.add_parser("prepost", help="change from the pre form to the post (and delayed) form")
    q.add_argument("--pairing", metavar="NAME", default=None,
                   help="a pairing marked in Class results › Pre and post")
    q.add_argument("--pre", metavar="FORM", default=None,
                   help="unit:NAME or lesson:ID[,ID...]")
    q.add_argument("--post", metavar="FORM", default=None)
    q.add_argument("--delayed", metavar="FORM", default=None)
    q.add_argument("--csv", metavar="FILE", default=None,
                   help="write the CSV ('-': standard output)")
    q.set_defaults(func=cmd_prepost)


def _open(args: argparse.Namespace):  # -> Repo
    from app.commands.auth import require_instructor
    from app.commands.common import open_repo_for

    repo = open_repo_for(args)
    require_instructor(repo)  # every student's work
    return repo


def _out(rows: list[list[str]], args: argparse.Namespace, repo: Any, what: str) -> None:
    from app.core.terminal import clean
    from app.services.results.learning_csv import csv_text, write_rows

    if args.csv == "-":
        sys.stdout.write(csv_text([[clean(c) for c in r] for r in rows], "\n"))
        return
    n = write_rows(rows, args.csv, repo.database.path)
    print(f"Wrote {n} row{'s' * (n != 1)} ({what}) to {clean(str(args.csv))}")


def cmd_discrimination(args: argparse.Namespace) -> int:
    from app.services.results.discrimination import class_discrimination, keyed_lessons
    from app.services.results.learning_csv import discrimination_rows
    from app.services.results.learning_text import discrimination_table

    repo = _open(args)
    lessons = keyed_lessons(repo, args.unit, args.lesson)
    cd = class_discrimination(repo, lessons)
    if args.csv:
        _out(discrimination_rows(cd), args, repo, "student × category")
    else:
        print(discrimination_table(cd, repo.categories()))
    if cd.not_graded:
        print("Left out (highlights that do not fit the lesson's text): "
              + ", ".join(cd.not_graded), file=sys.stderr)
    return 0


def cmd_prepost(args: argparse.Namespace) -> int:
    from app.core.prepost import Pairing, form_from_arg
    from app.services.results.learning_csv import prepost_rows
    from app.services.results.learning_text import prepost_text
    from app.services.results.prepost import prepost
    from app.store import prepost_repo

    if (args.pre is None) != (args.post is None) or (args.delayed and args.pre is None):
        print("close-reader: give both --pre and --post (and --delayed only with them)",
              file=sys.stderr)
        return 2
    if args.pre is not None and args.pairing is not None:
        print("close-reader: give --pairing or --pre/--post, not both", file=sys.stderr)
        return 2
    repo = _open(args)
    if args.pre is not None:
        pairing = Pairing(None, "forms given on the command line", form_from_arg(args.pre), form_from_arg(args.post),
                          form_from_arg(args.delayed) if args.delayed else None)
    elif args.pairing is not None:
        pairing = prepost_repo.pairing(repo, args.pairing)
    else:
        pairing = _only_pairing(prepost_repo.pairings(repo))
    pp = prepost(repo, pairing)
    if args.csv:
        _out(prepost_rows(pp), args, repo, "students and class")
    else:
        print(prepost_text(pp, repo.categories()))
    return 0


def _only_pairing(stored: list) -> Any:
    from app.core.errors import UserError

    if len(stored) == 1:
        return stored[0]
    if not stored:
        raise UserError("no pre/post pairing is marked yet: mark one in Class results › Pre "
                        "and post, or give --pre FORM --post FORM")
    raise UserError("several pairings are marked; choose one with --pairing NAME: "
                    + "; ".join(p.name for p in stored))
