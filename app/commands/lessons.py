"""``close-reader lessons list|import|export``."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("lessons", help="list, import or export lessons")
    lsub = p.add_subparsers(dest="lessons_command", metavar="ACTION", required=True)
    ls = lsub.add_parser("list", help="list the lessons in the database")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(func=cmd_list)
    im = lsub.add_parser("import", help="import a lesson pack (all or nothing)")
    im.add_argument("pack", help="lesson pack file (.json or .crpack)")
    im.add_argument("--replace", action="store_true",
                    help="replace lessons with the same id (their key, drafts and attempts "
                         "are re-anchored to the new text; a backup is taken first)")
    im.add_argument("--drop-keys", action="store_true",
                    help="with --replace: a lesson arriving without a key loses its stored "
                         "key (by default the stored key is kept and re-anchored)")
    im.set_defaults(func=cmd_import, import_parser=im)
    ex = lsub.add_parser("export", help="export lessons to a pack file")
    ex.add_argument("ids", nargs="+", metavar="ID")
    ex.add_argument("-o", "--output", required=True, help="pack file to write")
    ex.add_argument("--no-keys", action="store_true", help="leave the answer keys out")
    ex.set_defaults(func=cmd_export)


def cmd_list(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for

    repo = open_repo_for(args)
    rows = repo.list_lessons()
    if args.json:
        out = [{"id": r.id, "title": r.title, "unit": r.unit, "level": r.level,
                "source": {k: v for k, v in vars(r.source).items() if v},
                "words": r.words, "has_key": r.has_key} for r in rows]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("No lessons yet. Import a pack: close-reader lessons import PACK")
        return 0
    width = max(len(r.id) for r in rows)
    for r in rows:
        key = "key" if r.has_key else "no key"
        print(f"{r.id:<{width}}  {r.title}  [{r.level or '-'}, {r.words} words, {key}]")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for
    from app.core.packs import read_pack
    from app.services.library import import_pack_report

    if args.drop_keys and not args.replace:
        args.import_parser.error("--drop-keys only applies with --replace")  # exit 2
    pack = read_pack(args.pack)  # validate before touching the database
    repo = open_repo_for(args)
    report = import_pack_report(repo, pack, replace_existing=args.replace,
                                drop_keys=args.drop_keys)
    for line in report.lines():
        print(_printable(line))
    return 0


def _printable(line: str) -> str:
    """Text from a pack or a student on one terminal line: no control characters."""
    return "".join(ch if ch.isprintable() else " " for ch in line)


def cmd_export(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for
    from app.services.library import export_pack

    repo = open_repo_for(args)
    export_pack(repo, args.ids, args.output, include_keys=not args.no_keys)
    what = "without keys" if args.no_keys else "with keys"
    print(f"Exported {len(args.ids)} lesson{'s' * (len(args.ids) != 1)} {what} to {args.output}")
    return 0
