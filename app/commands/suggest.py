"""``close-reader suggest (--lesson ID | --text FILE) [--json]``: candidate key spans,
each with its reason, for an instructor to accept, edit or reject."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.core.terminal import clean, clean_json


def register(sub: Any) -> None:
    p = sub.add_parser("suggest", help="suggest key spans (loaded language, unsupported "
                                       "claims) for a lesson or a text file")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--lesson", metavar="ID", help="a lesson in the database")
    src.add_argument("--text", metavar="FILE",
                     help="an article file (.txt, .md, .html saved page, .docx), read by "
                          "the same importer as the app")
    p.add_argument("--json", action="store_true", help="print the suggestions as JSON")
    p.set_defaults(func=cmd_suggest)


def read_article(path: str | Path) -> str:
    """The article text of a file, through the same importer as the app and ``lessons
    new`` (a ``.html`` page's article without its markup, a ``.docx``'s paragraphs, a
    ``.txt``/``.md`` cleaned); a file of another kind is read as plain text. A clear
    ``UserError`` for anything that cannot be read."""
    from app.core.cleaning import ArticleImportError, import_file

    p = Path(path)
    try:
        if p.is_file() and p.stat().st_size == 0:
            return ""  # nothing to suggest in an empty file
        article = import_file(p, any_as_text=True)
    except ArticleImportError as e:
        raise UserError(str(e)) from None
    except OSError as e:
        raise UserError(f"{p.name}: can't read the file ({e.strerror or e})") from None
    for note in article.warnings:
        print(f"close-reader: {clean(note)}", file=sys.stderr)
    return article.text


def cmd_suggest(args: argparse.Namespace) -> int:
    if args.text is not None:
        text = read_article(args.text)
    else:
        from app.commands.common import open_repo_for

        text = open_repo_for(args).get_lesson(args.lesson).text

    from app.commands.common import db_path
    from app.nlp.suggest import default_pipeline
    from app.services import learning

    nlp, notice = default_pipeline()
    if notice:
        print(f"close-reader: {notice}", file=sys.stderr)
    learning.learn_from(db_path(args))  # what this instructor's keys taught (read only)
    found = learning.suggest_with_learning(text)
    if args.json:
        print(clean_json(json.dumps([s.as_json() for s in found], ensure_ascii=False,
                                    indent=2)))
        return 0
    if not found:
        print("No suggestions.")
        return 0
    names = {"loaded_language": "Loaded language", "unsupported_claim": "Unsupported claim"}
    counts = {lb: sum(s.label == lb for s in found) for lb in names}
    print(f"{len(found)} suggestion{'s' * (len(found) != 1)} "
          f"({counts['unsupported_claim']} unsupported claim, "
          f"{counts['loaded_language']} loaded language):")
    for s in found:
        print(f"\n[{names.get(s.label, s.label)}] {s.start}-{s.end}: \u201c{clean(s.quote)}\u201d")
        print(f"    {s.reason}")
    return 0
