"""``close-reader conflicts list|resolve``: attempts an import kept aside (formats.md,
"Which attempts an import admits")."""

from __future__ import annotations

import argparse
from typing import Any

ACTIONS = ("practice", "graded", "accept", "both", "discard")


def register(sub: Any) -> None:
    p = sub.add_parser("conflicts", help="attempts kept aside by an import, for you to "
                                         "decide (needs the instructor password)")
    csub = p.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    ls = csub.add_parser("list", help="each attempt kept aside, why, and what it would change")
    ls.set_defaults(func=cmd_list)
    rs = csub.add_parser("resolve", help="decide one")
    rs.add_argument("id", type=int, metavar="ID")
    rs.add_argument("action", choices=ACTIONS)
    rs.set_defaults(func=cmd_resolve)


def _repo(args: argparse.Namespace):
    from app.commands.auth import require_instructor
    from app.commands.common import open_repo_for

    repo = open_repo_for(args)
    require_instructor(repo)
    return repo


def cmd_list(args: argparse.Namespace) -> int:
    from app.core.terminal import clean
    from app.services.results.conflicts import ACTIONS as ALLOWED
    from app.services.results.conflicts import describe

    repo = _repo(args)
    found = repo.conflicts()
    if not found:
        print("No attempts are kept aside.")
    for c in found:
        print(clean(f"{c.id}\t{c.student}\t{c.lesson}\t{c.kind}\t{describe(repo, c)}\t"
                    f"({' | '.join(ALLOWED.get(c.kind, ('discard',)))})"))
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from app.core.terminal import clean
    from app.services.results.conflicts import resolve

    print(clean(resolve(_repo(args), args.id, args.action)))
    return 0
