"""``close-reader suggest (--lesson ID | --text FILE) [--json]``: candidate key spans,
each with its reason, for an instructor to accept, edit or reject."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.core.lessons import MAX_TEXT_CHARS
from app.core.terminal import clean, clean_json


def register(sub: Any) -> None:
    p = sub.add_parser("suggest", help="suggest key spans (loaded language, unsupported "
                                       "claims) for a lesson or a text file")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--lesson", metavar="ID", help="a lesson in the database")
    src.add_argument("--text", metavar="FILE", help="a UTF-8 text file")
    p.add_argument("--json", action="store_true", help="print the suggestions as JSON")
    p.set_defaults(func=cmd_suggest)


def read_text_file(path: str | Path) -> str:
    """The text of a UTF-8 file (a leading BOM dropped); a clear ``UserError`` otherwise."""
    from app.core.jsonfile import read_outside_file

    p = Path(path)
    data = read_outside_file(p, 4 * MAX_TEXT_CHARS + 4, "text file")  # 4 bytes a character
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError(f"text file {p} is not UTF-8 (bad byte at offset {e.start}); "
                        "save it as UTF-8 and try again") from None
    if len(text) > MAX_TEXT_CHARS:
        raise UserError(f"text file {p} is too long ({len(text):,} characters; "
                        f"at most {MAX_TEXT_CHARS:,})")
    return text


def cmd_suggest(args: argparse.Namespace) -> int:
    if args.text is not None:
        text = read_text_file(args.text)
    else:
        from app.commands.common import open_repo_for

        text = open_repo_for(args).get_lesson(args.lesson).text

    from app.nlp.suggest import default_pipeline, suggest

    nlp, notice = default_pipeline()
    if notice:
        print(f"close-reader: {notice}", file=sys.stderr)
    found = suggest(text, nlp)
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
