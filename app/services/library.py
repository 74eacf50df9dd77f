"""Lesson packs in and out of the database: validate, tokenize, store; seed a new
database with the bundled lessons; export.

Token boundaries are computed here, once per lesson text, with spaCy's tokenizer
(imported lazily). The bundled lessons carry a token cache (``lessons/tokens.json``,
keyed by the text's SHA-256) so that a new database is filled without loading spaCy.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from app import paths
from app.core.errors import FormatError
from app.core.lessons import Lesson
from app.core.packs import Pack, read_pack, write_pack
from app.store.repo import Repo

TOKEN_CACHE = "tokens.json"
SEEDED = "seeded_bundled_lessons"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def import_pack(repo: Repo, pack: Pack, replace_existing: bool = False,
                cache: dict[str, list[int]] | None = None,
                compute: Tokenizer | None = None) -> list[str]:
    """Store every lesson of a validated pack, all or nothing. Returns the ids."""
    toks = tokens_for(pack.lessons, cache, compute)
    with repo.database.transaction():
        repo.save_categories(c for c in pack.categories)
        repo.save_lessons(pack.lessons, toks, replace=replace_existing,
                          keep_key_when_absent=True)
    return [le.id for le in pack.lessons]


def import_pack_file(repo: Repo, path: str | os.PathLike[str],
                     replace_existing: bool = False) -> list[str]:
    return import_pack(repo, read_pack(path), replace_existing)


def seed_if_new(repo: Repo) -> list[str]:
    """Fill a new database with every pack in ``lessons/`` (once per database)."""
    if repo.setting(SEEDED):
        return []
    folder = paths.lessons_dir()
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
                include_keys: bool = True, assessment_keys: bool = False) -> int:
    """Write a pack; keys of practice lessons unless ``include_keys`` is off, keys of
    assessment lessons only with ``assessment_keys`` (formats.md). Returns keys written."""
    lessons = [repo.get_lesson(i, with_key=include_keys) for i in ids]
    lessons = [le if not le.is_assessment or assessment_keys else replace(le, key=None)
               for le in lessons]
    cats = repo.categories()
    used = {c for le in lessons for c in le.categories}
    pack = Pack(tuple(cats[c] for c in cats if c in used),
                tuple(le if include_keys else replace(le, key=None) for le in lessons))
    write_pack(path, pack, include_keys=include_keys)
    return sum(1 for le in lessons if include_keys and le.key is not None)


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
