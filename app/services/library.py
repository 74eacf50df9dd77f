"""Lesson packs in and out of the database: validate, tokenize, store; seed a new
database with the bundled lessons; export.

Token boundaries are computed here, once per lesson text, with spaCy's tokenizer
(imported lazily). The bundled lessons carry a token cache (``lessons/tokens.json``,
keyed by the text's SHA-256) so that a new database is filled without loading spaCy.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import paths
from app.core.errors import FormatError, UserError
from app.core.lessons import Lesson
from app.core.packs import Pack, read_pack, write_pack
from app.store.db import backup
from app.store.repo import SEEDED, Repo

try:  # CPython's own SHA-256: hashlib would load OpenSSL first (~4 ms of a first start)
    from _sha256 import sha256
except ImportError:  # other Pythons (3.12 renamed the module)
    from hashlib import sha256

if TYPE_CHECKING:
    from app.services.relocate import Relocation

TOKEN_CACHE = "tokens.json"


def text_digest(text: str) -> str:
    return sha256(text.encode("utf-8")).hexdigest()


def load_token_cache(folder: Path) -> dict[str, list[int]]:
    try:
        data = json.loads((folder / TOKEN_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


Tokenizer = Callable[[list[str]], list[list[tuple[int, int]]]]


def tokens_for(lessons: Sequence[Lesson], cache: dict[str, list[int]] | None = None,
               compute: Tokenizer | None = None) -> dict[str, list[tuple[int, int]]]:
    """Token boundaries for each lesson, from the cache where its text matches.

    ``compute`` tokenizes the rest (default: spaCy in this process; the instructor
    window passes its worker process, so the GUI thread never loads spaCy).
    """
    out: dict[str, list[tuple[int, int]]] = {}
    todo: list[Lesson] = []
    for le in lessons:
        flat = (cache or {}).get(text_digest(le.text))
        if flat is not None:
            out[le.id] = list(zip(flat[0::2], flat[1::2], strict=True))
        else:
            todo.append(le)
    if todo:
        if compute is None:
            from app.nlp.service import token_bounds_many as compute
        for le, bounds in zip(todo, compute([le.text for le in todo]), strict=True):
            out[le.id] = [tuple(b) for b in bounds]
    return out


@dataclass
class ImportReport:
    """What an import did: the lessons, and for each one it replaced, what happened to
    its key, drafts and attempts (kept, moved, set aside), and the backup taken first."""

    ids: list[str]
    replaced: list[Relocation] = field(default_factory=list)
    backup: Path | None = None
    trust: str = ""  # what the pack's signature did to the trusted instructor key

    def lines(self) -> list[str]:
        n = len(self.ids)
        out = [f"Imported {n} lesson{'s' * (n != 1)}: {', '.join(self.ids)}"]
        if self.trust:
            out.append(self.trust)
        if self.backup is not None:
            out.append(f"Backup of the database before replacing: {self.backup}")
        for r in self.replaced:
            out += r.lines()
        aside = [a for r in self.replaced for a in r.aside]
        if aside:
            out.append(f"{len(aside)} span{'s' * (len(aside) != 1)} could not be placed on "
                       "the new text and were set aside (kept in the database; key spans "
                       "can be placed again in the key editor):")
            out += [f"  {a}" for a in aside]
        return out


def import_pack(repo: Repo, pack: Pack, replace_existing: bool = False,
                cache: dict[str, list[int]] | None = None,
                compute: Tokenizer | None = None, drop_keys: bool = False) -> list[str]:
    """Store every lesson of a validated pack, all or nothing. Returns the ids."""
    return import_pack_report(repo, pack, replace_existing, cache, compute, drop_keys).ids


def import_pack_report(repo: Repo, pack: Pack, replace_existing: bool = False,
                       cache: dict[str, list[int]] | None = None,
                       compute: Tokenizer | None = None, drop_keys: bool = False,
                       backup_first: bool = True, regrade: bool = False,
                       trust: bool = False) -> ImportReport:
    """Store every lesson of a validated pack, all or nothing (one transaction).

    A lesson replacing one already here keeps its work: the stored key (when the pack
    has none, unless ``drop_keys``), drafts and attempts are re-anchored to the new text
    by quote and context; what cannot be placed is set aside and listed, never dropped.
    Attempts that moved are marked for regrading; with ``regrade`` they and any that
    were waiting for these lessons or keys are regraded in the same transaction.
    """
    if drop_keys and not replace_existing:
        raise UserError("--drop-keys only applies with --replace")
    if any(le.is_compare for le in pack.lessons):  # their articles: here or in the pack
        from app.services.compare.packs import check_comparisons

        check_comparisons(repo, pack.lessons)
    toks = tokens_for(pack.lessons, cache, compute)
    existing = set(repo.lesson_ids())
    clash = [le.id for le in pack.lessons if le.id in existing]
    report = ImportReport([le.id for le in pack.lessons])
    if clash and not replace_existing:
        raise UserError(f"lesson '{clash[0]}' already exists (use --replace to replace it)")
    if clash and backup_first:
        try:
            report.backup = backup(repo.database.conn, repo.database.path, "before-replace")
        except Exception as e:  # OSError, or sqlite3.Error from the store's backup
            raise UserError(f"could not back up the database before replacing lessons "
                            f"({e}); nothing was imported") from None
    if clash:  # re-anchoring work on a replaced text (a new database never needs it)
        from app.services.relocate import relocate
    with repo.database.transaction():
        if pack.signed_by is not None:
            from app.services.trust import pack_signature

            report.trust = pack_signature(repo, pack.signed_by, trust)
        repo.save_categories(c for c in pack.categories)
        lessons = []
        for le in pack.lessons:
            if le.id not in existing or le.is_compare:  # (a comparison has no spans to move)
                lessons.append(le)
                continue
            old = repo.get_lesson(le.id, with_key=True)
            if le.key is not None:
                moved = relocate(repo, old, le.text, None)
                moved.key = le.key
                moved.key_note = f"from the pack ({len(le.key)} span{'s' * (len(le.key) != 1)})"
            elif drop_keys:
                moved = relocate(repo, old, le.text, None)
                n = len(old.key or ())
                moved.key_note = f"dropped (--drop-keys; {n} span{'s' * (n != 1)})"
                repo.set_unplaced_spans(le.id, "key", [])
            else:
                moved = relocate(repo, old, le.text, old.key)
                if old.key is None:
                    moved.key_note = "none (neither here nor in the pack)"
            report.replaced.append(moved)
            lessons.append(replace(le, key=moved.key))
        repo.save_lessons(lessons, toks, replace=replace_existing,
                          keep_key_when_absent=not drop_keys)
        if regrade:
            from app.services.grading import regrade_stale

            for le in lessons:
                regrade_stale(repo, le.id)
    return report


def import_pack_file(repo: Repo, path: str | os.PathLike[str],
                     replace_existing: bool = False) -> list[str]:
    return import_pack(repo, read_pack(path), replace_existing)


def seed_if_new(repo: Repo, folder: Path | None = None) -> list[str]:
    """Fill a new database with every pack in ``lessons/`` (once per database). A new
    database usually starts as a copy of ``lessons/prepared.db`` (app.store.prepared),
    which this made, and has nothing left to do here."""
    if repo.setting(SEEDED):
        return []
    folder = folder or paths.lessons_dir()
    cache = load_token_cache(folder)
    added: list[str] = []
    with repo.database.transaction():
        for f in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            if f.name == TOKEN_CACHE:
                continue
            try:
                pack = read_pack(f)
            except FormatError:
                continue  # a broken bundled pack must not stop the app; tests catch it
            fresh = Pack(pack.categories,
                         tuple(le for le in pack.lessons if le.id not in repo.lesson_ids()))
            if fresh.lessons:
                added += import_pack(repo, fresh, cache=cache)
        repo.set_setting(SEEDED, "1")
    return added


def export_pack(repo: Repo, ids: Sequence[str], path: str | os.PathLike[str],
                include_keys: bool = True, assessment_keys: bool = False,
                include_notes: bool = False, signer: Any = None) -> int:
    """Write a pack; keys of practice lessons unless ``include_keys`` is off, keys of
    assessment lessons only with ``assessment_keys``, teacher notes only with
    ``include_notes`` (formats.md); signed with ``signer`` (``app.core.signing.Signer``)
    when one is given. Returns keys written. A compare lesson takes its articles along
    (formats.md, "Comparisons")."""
    from app.services.compare.packs import with_articles

    ids, _ = with_articles(repo, ids)
    lessons = [repo.get_lesson(i, with_key=include_keys) for i in ids]
    lessons = [le if not le.is_assessment or assessment_keys else replace(le, key=None)
               for le in lessons]
    cats = repo.categories()
    used = {c for le in lessons for c in le.categories}
    pack = Pack(tuple(cats[c] for c in cats if c in used),
                tuple(le if include_keys else replace(le, key=None) for le in lessons))
    write_pack(path, pack, include_keys=include_keys, include_notes=include_notes,
               signer=signer)
    if signer is not None:
        from app.store.trust_repo import mark_key_used

        mark_key_used(repo)
    return sum(1 for le in lessons if include_keys and le.key is not None)


def write_prepared_database(folder: Path) -> Path:
    """Regenerate ``lessons/prepared.db``: a new database with every bundled pack
    imported, which a first start copies instead of importing them
    (``app.store.prepared``). A developer tool, like ``write_token_cache``: run it after
    changing a pack, the token cache or the schema (``tests/test_prepared.py`` fails
    until then)."""
    import shutil
    import tempfile

    from app.store.prepared import DIGEST, PREPARED, packs_digest
    from app.store.repo import open_repo

    with tempfile.TemporaryDirectory(prefix="close-reader-prepare-") as tmp:
        made = Path(tmp) / PREPARED
        repo = open_repo(made)
        seed_if_new(repo, folder)
        repo.set_setting(DIGEST, packs_digest(folder))
        conn = repo.database.conn
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        conn.execute("VACUUM")
        repo.database.close()
        target = folder / PREPARED
        shutil.copyfile(made, target)
    return target


def write_token_cache(folder: Path) -> Path:
    """Regenerate ``lessons/tokens.json`` for every bundled pack (a developer tool)."""
    from app.nlp.pipeline import token_bounds

    cache: dict[str, list[int]] = {}
    for f in sorted(folder.glob("*.json")):
        if f.name == TOKEN_CACHE:
            continue
        for le in read_pack(f).lessons:
            cache[text_digest(le.text)] = [x for pair in token_bounds(le.text) for x in pair]
    target = folder / TOKEN_CACHE
    target.write_text(json.dumps(cache, separators=(",", ":")) + "\n", encoding="utf-8")
    return target
