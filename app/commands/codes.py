"""``close-reader codes list|make|sheet``: class codes (formats.md, "Class codes")."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("codes", help="class codes that tie each student's attempts to them "
                                     "(needs the instructor password)")
    csub = p.add_subparsers(dest="codes_command", metavar="ACTION", required=True)
    ls = csub.add_parser("list", help="every student and their code")
    ls.set_defaults(func=cmd_list)
    mk = csub.add_parser("make", help="give codes to students (made if new)")
    mk.add_argument("names", nargs="*", metavar="NAME")
    mk.add_argument("--all", action="store_true", help="every student without a code")
    mk.add_argument("--renew", action="store_true",
                    help="replace existing codes (the old ones stop signing)")
    mk.set_defaults(func=cmd_make, parser=mk)
    sh = csub.add_parser("sheet", help="a printable class sheet (PDF) of the codes")
    sh.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    sh.set_defaults(func=cmd_sheet)


def _repo(args: argparse.Namespace):
    from app.commands.auth import require_instructor
    from app.commands.common import open_repo_for

    repo = open_repo_for(args)
    require_instructor(repo)
    return repo


def cmd_list(args: argparse.Namespace) -> int:
    from app.core.classcodes import shown
    from app.core.terminal import clean
    from app.services.classcodes import rows

    found = rows(_repo(args))
    if not found:
        print("No students yet.")
    for r in found:
        print(clean(f"{r.name}\t{shown(r.code) if r.code else '(no code)'}"))
    return 0


def cmd_make(args: argparse.Namespace) -> int:
    from app.core.classcodes import shown
    from app.core.terminal import clean
    from app.services.classcodes import make_codes

    if not args.names and not args.all:
        args.parser.error("name the students, or give --all")  # exit 2
    made = make_codes(_repo(args), args.names, everyone=args.all, renew=args.renew)
    for name, code in made:
        print(clean(f"{name}\t{shown(code)}"))
    print(f"{len(made)} code{'s' * (len(made) != 1)} made"
          + ("" if made or args.renew else " (those named already have one: --renew "
                                            "replaces them)"))
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    from app.services.classcodes import sheet_pdf

    n = sheet_pdf(_repo(args), args.output)
    print(f"Wrote the class sheet ({n} student{'s' * (n != 1)}) to {args.output}")
    return 0
