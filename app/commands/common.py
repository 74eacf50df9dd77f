"""What every subcommand needs: the database path and an open repository."""

from __future__ import annotations

import argparse
from pathlib import Path


def db_path(args: argparse.Namespace) -> Path:
    from app.paths import default_db_path

    return args.db if args.db is not None else default_db_path()


def open_repo_for(args: argparse.Namespace):  # -> Repo (kept lazy)
    """Open the database named by --db / CLOSE_READER_DB, filling a new one."""
    from app.store.prepared import place_prepared
    from app.store.repo import SEEDED, open_repo

    path = db_path(args)
    place_prepared(path)  # a new database starts as a copy of the bundled lessons
    repo = open_repo(path)
    print_store_warnings(repo)
    if not repo.setting(SEEDED):
        from app.services.library import seed_if_new

        seed_if_new(repo)
    return repo


def print_store_warnings(repo) -> None:  # noqa: ANN001 - a Repo (kept lazy)
    """What the store warns about (a database on a network drive), on stderr."""
    import sys

    for w in getattr(repo.database, "warnings", ()):
        print(f"close-reader: warning: {w.message}", file=sys.stderr)
