"""``close-reader grade --answers FILE [--json]``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.core.terminal import clean, clean_json


def register(sub: Any) -> None:
    p = sub.add_parser("grade", help="grade an answers file against the stored key")
    p.add_argument("--answers", required=True, help="answers file (close-reader/answers)")
    p.add_argument("--json", action="store_true", help="print the grade report as JSON")
    p.set_defaults(func=cmd_grade)


def cmd_grade(args: argparse.Namespace) -> int:
    from app.commands.auth import require_instructor
    from app.commands.common import open_repo_for
    from app.core.answers import read_answers
    from app.services.grading import grade_answers

    answers = read_answers(args.answers)
    repo = open_repo_for(args)
    require_instructor(repo)  # the report holds the key
    lesson, report = grade_answers(repo, answers)
    if args.json:
        print(clean_json(json.dumps(report.as_json(lesson.id, answers.student),
                                    ensure_ascii=False, indent=2)))
        return 0
    names = repo.categories()
    who = f" for {clean(answers.student)}" if answers.student else ""
    print(f"Score: {report.score}  ({clean(lesson.title)}{who})")
    if lesson.is_compare:
        from app.core.compare.words import summary

        print(f"  {clean(summary(report))}")
    for label, fig in report.by_label.items():
        name = names[label].name if label in names else label
        print(f"  {clean(name)}: found {fig.found} of {fig.required}"
              f" (+{fig.partial} partly); {fig.matched} of {fig.highlights} highlights match"
              f"  [precision {fig.precision:.2f}, recall {fig.recall:.2f}]")
    return 0
