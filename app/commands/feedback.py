"""``close-reader feedback export|import``: review and release (formats.md, "Feedback file")."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("feedback", help="release feedback to students' machines")
    fsub = p.add_subparsers(dest="feedback_command", metavar="ACTION", required=True)
    ex = fsub.add_parser("export", help="release graded attempts and write one signed "
                                        "feedback file per student computer (needs the "
                                        "instructor password)")
    ex.add_argument("-o", "--output", required=True, metavar="FOLDER",
                    help="folder to write the feedback files into (made if missing)")
    ex.add_argument("--lesson", action="append", default=None, metavar="ID",
                    help="only this lesson (repeatable; default: every lesson with a "
                         "graded attempt)")
    ex.set_defaults(func=cmd_export)
    im = fsub.add_parser("import", help="store a feedback file on a student machine")
    im.add_argument("file", metavar="FILE|FOLDER",
                    help="feedback file, or a folder holding this computer's")
    im.set_defaults(func=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    from app.commands.auth import instructor_signer
    from app.commands.common import check_output_arg, open_repo_for
    from app.core.terminal import clean
    from app.services.feedback import check_lessons, export_feedback, unsubmitted

    check_output_arg(args, args.output, folder=True)  # never the database (issue 22, item 6)
    repo = open_repo_for(args)
    signer = instructor_signer(repo)
    check_lessons(repo, args.lesson)
    waiting = {lid: names for lid, names in unsubmitted(repo, args.lesson).items() if names}
    result = export_feedback(repo, args.output, args.lesson, signer)
    print(clean(result.line()))
    for path, machine, n in result.files:
        print(f"  {path.name}: {n} result{'s' * (n != 1)} for computer {clean(machine[:8])}")
    for lid, names in waiting.items():
        print(clean(f"  {lid}: {len(names)} student{'s' * (len(names) != 1)} have not "
                    f"submitted it ({', '.join(names[:5])}{' …' if len(names) > 5 else ''}); "
                    "the computers that receive its feedback now hold its key"))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.commands.common import open_repo_for
    from app.core.terminal import clean
    from app.services.feedback import import_feedback

    if not Path(args.file).is_dir():  # a bad file is refused before the database opens
        from app.core.feedback_file import parse_feedback
        from app.core.jsonfile import read_validated

        read_validated(args.file, parse_feedback)
    repo = open_repo_for(args)
    print(clean(import_feedback(repo, args.file).line()))
    return 0
