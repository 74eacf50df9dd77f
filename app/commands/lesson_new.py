"""``close-reader lessons new FILE... [--unit U] [--level L] [--json]``: make lessons
(without a key yet) from article files, through the same importer as the app."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from app.core.errors import UserError
from app.core.lessons import LEVELS
from app.core.terminal import clean, clean_json

_TELLING: frozenset[str] = frozenset()
SHOWN_REMOVALS = 10  # passages quoted per file in the text output (--json lists them all)


def _telling() -> frozenset[str]:
    from app.core import clutter

    return frozenset({clutter.BYLINE, clutter.BYLINE_NO_NAME, clutter.DATELINE, clutter.CAPTION,
                      clutter.IMAGE_CREDIT, clutter.BIO, clutter.DISCLAIMER, clutter.TODAY,
                      clutter.HEADLINE_REPEAT, clutter.HEADLINE_VARIANT})


def register(lsub: Any) -> None:
    """Add ``new`` to the ``lessons`` subcommands."""
    p = lsub.add_parser(
        "new", help="make lessons (no key yet) from article files: .txt, .md, .html "
                    "(a saved web page) or .docx")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--unit", default="", help="the unit the new lessons belong to")
    p.add_argument("--level", choices=LEVELS, default="", help="their level")
    p.add_argument("--json", action="store_true",
                   help="print, per file, the lesson as in a pack and the passages removed")
    p.set_defaults(func=cmd_new)


def cmd_new(args: argparse.Namespace) -> int:
    from app.commands.auth import require_instructor
    from app.commands.common import open_repo_for
    from app.core.cleaning import ArticleImportError, import_file
    from app.core.new_lesson import lesson_from_article
    from app.core.packs import Pack
    from app.services.library import import_pack_report

    repo = open_repo_for(args)
    require_instructor(repo)  # lessons are the instructor's to add
    taken = set(repo.lesson_ids())
    made = []
    for name in args.files:  # every file is read before anything is written
        path = Path(name)
        try:
            article = import_file(path)
        except ArticleImportError as e:
            raise UserError(f"{e}; no lesson was added") from None
        lesson = lesson_from_article(article, fallback_title=path.stem or path.name,
                                     taken=taken, unit=args.unit.strip(), level=args.level)
        taken.add(lesson.id)
        made.append((path, article, lesson))
    import_pack_report(repo, Pack((), tuple(le for _, _, le in made)))
    if args.json:
        print(clean_json(json.dumps([_as_json(p, a, le) for p, a, le in made],
                                    ensure_ascii=False, indent=2)))
        return 0
    n = len(made)
    print(f"Added {n} lesson{'s' * (n != 1)} (no key yet: write it in the app's key editor).")
    for path, article, lesson in made:
        _print_one(path, article, lesson)
    return 0


def _as_json(path: Path, article: Any, lesson: Any) -> dict[str, Any]:
    from app.core.packs import lesson_to_json

    out: dict[str, Any] = {"file": str(path)}
    out.update(lesson_to_json(lesson, include_key=False))
    out["removed"] = [{"text": r.text, "reason": r.reason} for r in article.removals]
    out["warnings"] = list(article.warnings)
    return out


def _print_one(path: Path, article: Any, lesson: Any) -> None:
    global _TELLING
    _TELLING = _TELLING or _telling()
    src = lesson.source
    print(f"\n{lesson.id}  \u201c{clean(lesson.title)}\u201d  ({clean(path.name)})")
    found = [f"{k}: {clean(v)}" for k, v in (("outlet", src.outlet), ("author", src.author),
                                             ("published", src.published)) if v]
    print("  " + (" · ".join(found) if found else "no outlet, author or date found"))
    if src.url:
        print(f"  address: {clean(src.url)}")
    removals = article.removals
    print(f"  kept {lesson.word_count:,} words; removed {len(removals)} "
          f"passage{'s' * (len(removals) != 1)}{':' if removals else '.'}")
    counts = Counter(r.reason for r in removals)
    for reason, n in counts.most_common():
        print(f"    {n:>4} × {clean(reason.rstrip('.'))}")
    # the passages worth a look: bylines, dates, captions, bios, disclaimers…
    telling = [r for r in removals if counts[r.reason] <= 3 or r.reason in _TELLING]
    if telling:
        print("  among them:")
    for r in telling[:SHOWN_REMOVALS]:
        text = " ".join(r.text.split())
        text = text if len(text) <= 70 else text[:69] + "…"
        print(f"    - \u201c{clean(text)}\u201d")
    if len(telling) > SHOWN_REMOVALS:
        print(f"    … and {len(telling) - SHOWN_REMOVALS} more (--json lists every passage)")
    for w in article.warnings:
        print(f"  note: {clean(w)}")
