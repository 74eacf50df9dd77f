"""What every subcommand needs: the database path and an open repository."""

from __future__ import annotations

import argparse
from pathlib import Path


def db_path(args: argparse.Namespace) -> Path:
    from app.paths import default_db_path

    return args.db if args.db is not None else default_db_path()


def check_output_arg(args: argparse.Namespace, path: str, folder: bool = False) -> None:
    """Refuse an output path that would destroy something (the database about to be
    opened, its working files, any SQLite file, a device, a pipe, a link to one) before
    anything is opened or written: ``app.core.outpaths``."""
    from app.core.outpaths import check_output

    check_output(path, protected=[db_path(args)], folder=folder)


def open_repo_for(args: argparse.Namespace):  # -> Repo (kept lazy)
    """Open the database named by --db / CLOSE_READER_DB, filling a new one."""
    from app.services.open_db import open_library

    repo = open_library(db_path(args))
    print_store_warnings(repo)
    return repo


def print_store_warnings(repo) -> None:  # noqa: ANN001 - a Repo (kept lazy)
    """What the store warns about (a database on a network drive), on stderr."""
    import sys

    for w in getattr(repo.database, "warnings", ()):
        print(f"close-reader: warning: {w.message}", file=sys.stderr)
