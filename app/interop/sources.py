"""Which reader a lesson import takes: a folder is PTC, ``.jsonl`` is doccano, anything
else a lesson pack."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from app.core.lessons import Category
from app.core.packs import Pack, read_pack


def read_lessons(path: str | os.PathLike[str],
                 known: Sequence[Category] = ()) -> tuple[Pack, int | None]:
    """The validated pack, and how many overlapping spans of one label were merged
    into one (None for a lesson pack: nothing is merged there)."""
    p = Path(path)
    if p.is_dir():
        from app.interop.ptc import read_folder

        return read_folder(p, known)
    if p.suffix.lower() == ".jsonl":
        from app.interop.doccano import read_jsonl

        return read_jsonl(p, known)
    return read_pack(p), None


def keep_known_categories(pack: Pack, known: Mapping[str, Category]) -> Pack:
    """Categories a corpus brings that the database already has keep the database's
    names, descriptions and colours (a corpus label is not a better name)."""
    return Pack(tuple(known.get(c.id, c) for c in pack.categories), pack.lessons)
