"""``close-reader lessons list|import|export`` (and ``new``, in ``lesson_new``)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.core.terminal import clean, clean_json

EXPORT_FORMATS = ("pack", "w3c", "ptc", "doccano")


def register(sub: Any) -> None:
    p = sub.add_parser("lessons", help="list, import or export lessons")
    lsub = p.add_subparsers(dest="lessons_command", metavar="ACTION", required=True)
    ls = lsub.add_parser("list", help="list the lessons in the database")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(func=cmd_list)
    im = lsub.add_parser("import", help="import a lesson pack (all or nothing)")
    im.add_argument("pack", help="lesson pack (.json, .crpack), PTC folder or doccano .jsonl")
    im.add_argument("--replace", action="store_true",
                    help="replace lessons with the same id (their key, drafts and attempts "
                         "are re-anchored to the new text; a backup is taken first)")
    im.add_argument("--drop-keys", action="store_true",
                    help="with --replace: a lesson arriving without a key loses its stored "
                         "key (by default the stored key is kept and re-anchored)")
    im.add_argument("--trust", action="store_true",
                    help="from now on take feedback signed by the key that signed this pack "
                         "(compare its fingerprint with Help › About on the teacher's "
                         "computer; needs this computer's instructor password if it has one)")
    im.set_defaults(func=cmd_import, import_parser=im)
    ex = lsub.add_parser("export", help="export lessons to a pack file")
    ex.add_argument("ids", nargs="+", metavar="ID")
    ex.add_argument("-o", "--output", required=True, help="pack file to write")
    ex.add_argument("--no-keys", action="store_true", help="leave the answer keys out")
    ex.add_argument("--with-assessment-keys", action="store_true",
                    help="write the keys of assessment lessons too (between instructors; "
                         "needs the instructor password)")
    ex.add_argument("--with-notes", action="store_true",
                    help="write the teacher notes too (between instructors; needs the "
                         "instructor password; never for students)")
    ex.add_argument("--as", dest="as_format", choices=EXPORT_FORMATS, default="pack",
                    help="pack (default); w3c (Web Annotation JSON-LD of the keys); ptc "
                         "(SemEval-2020 Task 11 folder, OUT is a folder); doccano (JSONL)")
    ex.set_defaults(func=cmd_export)
    from app.commands.lesson_new import register as register_new

    register_new(lsub)


def cmd_list(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for

    repo = open_repo_for(args)
    rows = repo.list_lessons()
    if args.json:
        out = [{"id": r.id, "title": r.title, "unit": r.unit, "level": r.level,
                "source": {k: v for k, v in vars(r.source).items() if v},
                "words": r.words, "has_key": r.has_key} for r in rows]
        print(clean_json(json.dumps(out, ensure_ascii=False, indent=2)))
        return 0
    if not rows:
        print("No lessons yet. Import a pack: close-reader lessons import PACK")
        return 0
    width = max(len(r.id) for r in rows)
    for r in rows:
        key = "key" if r.has_key else "no key"
        print(f"{r.id:<{width}}  {clean(r.title)}  [{r.level or '-'}, {r.words} words, {key}]")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.commands.common import open_repo_for
    from app.interop.sources import keep_known_categories, read_lessons
    from app.services.library import import_pack_report

    if args.drop_keys and not args.replace:
        args.import_parser.error("--drop-keys only applies with --replace")  # exit 2
    pack, merged = read_lessons(args.pack)  # validate before touching the database
    repo = open_repo_for(args)
    if args.trust:
        if pack.signed_by is None:
            from app.core.errors import UserError

            raise UserError("--trust: this pack is not signed, so it names no key to trust")
        from app.commands.auth import require_instructor

        require_instructor(repo)  # who may decide whose feedback this computer obeys
    if merged is not None:  # a corpus: categories already here keep their names
        pack = keep_known_categories(pack, repo.categories())
    report = import_pack_report(repo, pack, replace_existing=args.replace,
                                drop_keys=args.drop_keys, trust=args.trust)
    for line in report.lines():
        print(_printable(line))
    if merged:
        print(f"({merged} overlapping span{'s' * (merged != 1)} of one label merged into one)")
    return 0


def _printable(line: str) -> str:
    """Text from a pack or a student on one terminal line: escape sequences and other
    control characters removed (``clean``), anything else unprintable a space."""
    return "".join(ch if ch.isprintable() else " " for ch in clean(line))


def cmd_export(args: argparse.Namespace) -> int:
    from app.commands.auth import instructor_signer, require_instructor
    from app.commands.common import check_output_arg, open_repo_for
    from app.core.errors import UserError
    from app.services.library import export_pack
    from app.services.trust import session_signer
    from app.store.trust_repo import is_instructors, trusted_key

    check_output_arg(args, args.output, folder=args.as_format == "ptc")
    repo = open_repo_for(args)
    for lid in args.ids:
        repo.get_lesson(lid)  # an unknown id is an error before anything is asked
    chosen = [s for s in repo.list_lessons() if s.id in set(args.ids)]
    if args.with_assessment_keys and not args.no_keys:
        if trusted_key(repo) is not None and not is_instructors(repo):
            raise UserError("--with-assessment-keys: this is a student computer (it trusts "
                            "a teacher's key); assessment keys are exported from the "
                            "instructor's computer only")
        if not repo.setting("instructor_password"):
            raise UserError("--with-assessment-keys needs the instructor password, and this "
                            "database has none: set one first (close-reader instructor "
                            "set-password)")
    keys = not args.no_keys and any(
        s.has_key and (s.mode != "assessment" or args.with_assessment_keys) for s in chosen)
    signer = None
    if keys or args.with_notes:
        signer = instructor_signer(repo)
    elif repo.setting("instructor_password") and getattr(args, "as_format", "pack") == "pack":
        signer = session_signer(repo)
        if signer is None and _password_at_hand():
            signer = instructor_signer(repo)  # sign when the password is at hand
    if getattr(args, "as_format", "pack") != "pack":  # w3c, ptc, doccano
        from app.services.interchange import export_lessons_as

        if keys or args.with_notes:
            require_instructor(repo)
        print(clean(export_lessons_as(repo, args.ids, args.as_format, args.output,
                                      include_keys=not args.no_keys,
                                      assessment_keys=args.with_assessment_keys,
                                      include_notes=args.with_notes)))
        return 0
    n = export_pack(repo, args.ids, args.output, include_keys=not args.no_keys,
                    assessment_keys=args.with_assessment_keys, include_notes=args.with_notes,
                    signer=signer)
    left = sum(1 for s in chosen if s.mode == "assessment" and s.has_key) \
        if not args.with_assessment_keys else 0
    what = f"with {n} key{'s' * (n != 1)}" if n else "without keys"
    note = (f" ({left} assessment key{'s' * (left != 1)} left out: --with-assessment-keys "
            "writes them)") if left and not args.no_keys else ""
    notes = "" if args.with_notes else ", without teacher notes"
    signed = f", signed ({signer.fingerprint})" if signer is not None else ", unsigned"
    print(clean(f"Exported {len(args.ids)} lesson{'s' * (len(args.ids) != 1)} {what}{notes}"
                f"{signed} to {args.output}{note}"))
    return 0


def _password_at_hand() -> bool:
    import os
    import sys

    return "CLOSE_READER_PASSWORD" in os.environ or bool(sys.stdin and sys.stdin.isatty())
