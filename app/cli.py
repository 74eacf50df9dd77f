"""``close-reader``: the command line. With no subcommand it opens the app.

Each subcommand group lives in ``app.commands.<name>`` with ``register(subparsers)``;
the GUI is imported only when the app is opened.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from app.commands.common import db_path
from app.core.errors import UserError

COMMANDS = ("lessons", "grade", "suggest", "submissions", "gradebook", "roster", "feedback",
            "codes", "conflicts", "report", "instructor", "selftest")


def _wanted(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The subcommands to build: only the one named (opening the app names none, so no
    command module is imported on the way to the window); all of them for ``--help``, or
    when the words are not understood (so the usage error lists every command)."""
    if argv is None:
        return COMMANDS
    words = list(argv)
    if any(w in ("-h", "--help") for w in words):
        return COMMANDS
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("--db", "--student"):
            i += 2
            continue
        if w.startswith("--db=") or w.startswith("--student=") or w == "--version":
            i += 1
            continue
        return (w,) if w in COMMANDS else COMMANDS
    return ()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line; with ``argv``, only the subcommand it names is built."""
    p = argparse.ArgumentParser(
        prog="close-reader",
        description="Close Reader: media-literacy lessons. With no command, opens the app.")
    p.add_argument("--db", type=Path, default=None,
                   help="database file (default: $CLOSE_READER_DB or the user's data folder)")
    p.add_argument("--student", default=None, help="open the app as this student")
    p.add_argument("--version", action="version", version=f"close-reader {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in _wanted(argv):
        try:
            mod = importlib.import_module(f"app.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"app.commands.{name}":
                raise
            continue
        mod.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up makes ~37,000 objects that live as long as the program (Qt's and the
    # app's modules, classes and enums); Python's cyclic collector scanned them again
    # and again while they were being made (~12 % of a start). It rests until the
    # window is up (``app.ui.application.started``) or, for a command, until it runs.
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from app.ui.application import run_app

            return run_app(db_path(args), student=args.student)
        if not getattr(args, "opens_window", False):
            gc.enable()
        return int(args.func(args) or 0)
    except UserError as e:
        return _fail(str(e))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except MemoryError:
        print("close-reader: out of memory (is the file far too large?)", file=sys.stderr)
        return 1
    except OSError as e:
        return _fail(f"{e.strerror or e}: {e.filename or ''}".rstrip(": "))
    except Exception as e:  # a database fault met while using it (locked, full, damaged)
        fault = _store_fault(e, args)
        if fault is None:
            raise
        return _fail(str(fault))


def _fail(message: str, limit: int = 600) -> int:
    """One line on stderr, never kilobytes of someone's file, no terminal controls."""
    from app.core.terminal import clean

    line = clean(" ".join(message.split()))
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    print(f"close-reader: {line}", file=sys.stderr)
    return 1


def _store_fault(e: Exception, args: argparse.Namespace) -> UserError | None:
    """The store's clear message for ``e``, when it is a database fault (only the store
    speaks SQL, so it is asked; never imported here when no database was opened)."""
    if "app.store.db" not in sys.modules:
        return None
    from app.store.db import store_fault

    try:
        path = db_path(args)
    except Exception:  # noqa: BLE001 - only used to word the message
        path = None
    return store_fault(e, path)


if __name__ == "__main__":
    raise SystemExit(main())
