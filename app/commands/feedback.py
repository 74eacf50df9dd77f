"""``close-reader feedback export|import``: review and release (formats.md, "Feedback file")."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("feedback", help="release feedback to students' machines")
    fsub = p.add_subparsers(dest="feedback_command", metavar="ACTION", required=True)
    ex = fsub.add_parser("export", help="write keys and results of graded attempts "
                                        "(needs the instructor password)")
    ex.add_argument("-o", "--output", required=True, help="feedback file to write")
    ex.add_argument("--lesson", action="append", default=None, metavar="ID",
                    help="only this lesson (repeatable; default: every lesson with a "
                         "graded attempt)")
    ex.set_defaults(func=cmd_export)
    im = fsub.add_parser("import", help="store a feedback file on a student machine")
    im.add_argument("file", help="feedback file (close-reader/feedback)")
    im.set_defaults(func=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    from app.commands.auth import require_instructor
    from app.commands.common import check_output_arg, open_repo_for
    from app.services.feedback import export_feedback

    check_output_arg(args, args.output)  # never over the database (issue 22, item 6)
    repo = open_repo_for(args)
    require_instructor(repo)
    fb = export_feedback(repo, args.output, args.lesson)
    n, k = len(fb.results), len(fb.lessons)
    print(f"Wrote feedback for {n} graded attempt{'s' * (n != 1)} on {k} lesson"
          f"{'s' * (k != 1)} to {args.output}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for
    from app.core.feedback_file import read_feedback
    from app.services.feedback import import_feedback

    read_feedback(args.file)  # validate before touching the database
    repo = open_repo_for(args)
    print(import_feedback(repo, args.file).line())
    return 0
