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
    ex.add_argument("--as", dest="as_format", choices=("bundle", "w3c"), default="bundle",
                    help="bundle (default: this machine's attempts, for the instructor); w3c "
                         "(every stored attempt's highlights as W3C Web Annotations)")
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
    from app.commands.common import check_output_arg, open_repo_for
    from app.core.terminal import clean
    from app.services.results.bundles import export_bundle

    check_output_arg(args, args.output)
    repo = open_repo_for(args)
    if getattr(args, "as_format", "bundle") == "w3c":
        from app.commands.auth import require_instructor
        from app.services.interchange import export_highlights_w3c

        # every stored attempt: on an instructor's machine, other students' work too
        # (read, not made: a refused command writes nothing, a new machine id neither)
        mine = repo.setting("machine_id") or ""
        if repo.db.execute("SELECT 1 FROM submissions WHERE machine != ? LIMIT 1",
                           [mine]).fetchone():
            require_instructor(repo)

        n, skipped = export_highlights_w3c(repo, args.output, student=args.student)
        left = f" ({skipped} left out: their lesson is not here or changed)" if skipped else ""
        print(clean(f"Exported {n} highlight{'s' * (n != 1)} as W3C Web Annotations to "
                    f"{args.output}{left}"))
        return 0
    n = export_bundle(repo, args.output, student=args.student)
    who = f" by {args.student.strip()}" if args.student else ""
    if n == 0:  # (a name or a path typed with escapes is printed without them)
        print(clean(f"No submitted attempts{who} on this machine yet; wrote an empty file "
                    f"{args.output}"))
    else:
        print(clean(f"Exported {n} attempt{'s' * (n != 1)}{who} to {args.output}"))
    return 0
