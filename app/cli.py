"""``close-reader``: the command line. With no subcommand it opens the app.

Each subcommand group lives in ``app.commands.<name>`` with ``register(subparsers)``;
the GUI is imported only when the app is opened.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from app.commands.common import db_path
from app.core.errors import UserError

COMMANDS = ("lessons", "grade", "suggest", "submissions", "gradebook", "roster", "feedback",
            "instructor", "selftest")
log = logging.getLogger("close_reader")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="close-reader",
        description="Close Reader: media-literacy lessons. With no command, opens the app.")
    p.add_argument("--db", type=Path, default=None,
                   help="database file (default: $CLOSE_READER_DB or the user's data folder)")
    p.add_argument("--student", default=None, help="open the app as this student")
    p.add_argument("--version", action="version", version=f"close-reader {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"app.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"app.commands.{name}":
                raise
            continue
        mod.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from app.ui.application import run_app

            return run_app(db_path(args), student=args.student)
        return int(args.func(args) or 0)
    except UserError as e:
        print(f"close-reader: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except MemoryError:
        print("close-reader: out of memory (is the file far too large?)", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"close-reader: {e.strerror or e}: {e.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
