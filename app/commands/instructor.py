"""``close-reader instructor reset-password``: for someone with access to the machine's
files who has lost the instructor password. Lessons, keys and results are kept."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("instructor", help="instructor-mode administration")
    isub = p.add_subparsers(dest="instructor_command", metavar="ACTION", required=True)
    r = isub.add_parser("reset-password",
                        help="forget the instructor password; the next start of instructor "
                             "mode asks for a new one")
    r.add_argument("--yes", action="store_true", help="do it without asking")
    r.set_defaults(func=cmd_reset)
    s = isub.add_parser("set-password",
                        help="set or change the instructor password (new one from "
                             "CLOSE_READER_PASSWORD_NEW, or asked twice; changing needs the "
                             "current one from CLOSE_READER_PASSWORD or a prompt)")
    s.set_defaults(func=cmd_set)
    t = isub.add_parser("trust", help="show the instructor key this computer trusts for "
                                      "feedback (recorded from the first signed lesson pack)")
    t.add_argument("--forget", action="store_true",
                   help="forget it (the next signed pack is trusted; needs the instructor "
                        "password when this database has one)")
    t.set_defaults(func=cmd_trust)


def cmd_set(args: argparse.Namespace) -> int:
    from app.commands.auth import set_password
    from app.commands.common import open_repo_for

    changed = set_password(open_repo_for(args))
    print("The instructor password is changed." if changed else
          "The instructor password is set. Instructor mode and the commands that show keys "
          "or students' work now ask for it.")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    from app.commands.common import db_path
    from app.core.errors import UserError
    from app.store.repo import open_repo

    if not args.yes:
        raise UserError("this forgets the instructor password; run again with --yes to do it")
    from app.commands.auth import reset_password

    repo = open_repo(db_path(args))
    from app.commands.common import print_store_warnings

    print_store_warnings(repo)
    reset_password(repo)
    print(f"The instructor password for {db_path(args)} is reset. "
          "Open instructor mode to choose a new one.")
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for
    from app.services.trust import describe
    from app.store.trust_repo import set_trusted_key, trusted_key

    repo = open_repo_for(args)
    if args.forget:
        from app.commands.auth import require_instructor

        require_instructor(repo)
        had = trusted_key(repo) is not None
        set_trusted_key(repo, None)
        print("This computer no longer trusts an instructor key; the next signed lesson pack "
              "imported here sets it." if had else "No instructor key was trusted here.")
        return 0
    for line in describe(repo):
        print(line)
    return 0
