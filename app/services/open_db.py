"""Opening the database the way every entry point does (the app, ``selftest``, the
commands): a new one starts as a copy of the bundled lessons (``app.store.prepared``)
or has them imported, once. Light to import: the library service loads only when a
database still needs its lessons."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.repo import Repo


def open_library(db_path: str | Path) -> Repo:
    """The database at ``db_path``, with the bundled lessons in it."""
    from app.store.repo import SEEDED, open_repo

    if not Path(db_path).exists():
        from app.store.prepared import place_prepared

        place_prepared(Path(db_path))
    repo = open_repo(db_path)
    if not repo.setting(SEEDED):
        from app.services.library import seed_if_new

        seed_if_new(repo)
    return repo
