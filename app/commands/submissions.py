"""``close-reader submissions import BUNDLE...`` and ``submissions export -o BUNDLE``."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("submissions", help="collect students' attempts between machines")
    ssub = p.add_subparsers(dest="submissions_command", metavar="ACTION", required=True)
    im = ssub.add_parser(
        "import", help="import submission files (all or nothing; twice adds nothing)")
    im.add_argument("bundles", nargs="+", metavar="BUNDLE",
                    help="submission file, or a folder of them")
    im.set_defaults(func=cmd_import)
    ex = ssub.add_parser("export", help="export this machine's submitted attempts")
    ex.add_argument("-o", "--output", required=True, metavar="BUNDLE", help="file to write")
    ex.add_argument("--student", metavar="NAME", default=None,
                    help="only this student's attempts (case and spaces ignored)")
    ex.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for
    from app.services.results.bundles import import_loaded, load_bundles

    loaded = load_bundles(args.bundles)  # validate every file before touching the database
    repo = open_repo_for(args)
    summary = import_loaded(repo, loaded)
    from app.core.terminal import clean

    print(clean(summary.line()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for
    from app.services.results.bundles import export_bundle

    repo = open_repo_for(args)
    n = export_bundle(repo, args.output, student=args.student)
    who = f" by {args.student.strip()}" if args.student else ""
    if n == 0:
        print(f"No submitted attempts{who} on this machine yet; wrote an empty file "
              f"{args.output}")
    else:
        print(f"Exported {n} attempt{'s' * (n != 1)}{who} to {args.output}")
    return 0
