"""The instructor password on the command line (formats.md, "Exports and keys").

Commands that show a key or other students' work ask for it when the database has
one: from ``CLOSE_READER_PASSWORD``, or on the terminal; otherwise they refuse."""

from __future__ import annotations

import getpass
import os
import sys

from app.core.errors import UserError
from app.core.password import (
    RESET_SETTING,
    SETTING,
    hash_password,
    password_problem,
    verify_password,
)
from app.store.repo import Repo, now_iso

NEEDS = "this command needs the instructor password"


def _ask(prompt: str) -> str | None:
    if not sys.stdin or not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(prompt)
    except (EOFError, OSError):
        return None


def require_instructor(repo: Repo) -> str | None:
    """Return the instructor password once it is given (None: the database has none)."""
    stored = repo.setting(SETTING)
    if not stored:
        return None
    given = os.environ.get("CLOSE_READER_PASSWORD")
    if given is None:
        given = _ask("Instructor password: ")
    if given is None:
        raise UserError(f"{NEEDS} (set CLOSE_READER_PASSWORD or run it on a terminal)")
    if not verify_password(given, stored):
        raise UserError("that is not the instructor password")
    return given


def instructor_signer(repo: Repo):
    """The instructor's unlocked key (asks for the password); None without a password."""
    from app.services.trust import unlock

    password = require_instructor(repo)
    return unlock(repo, password) if password is not None else None


def set_password(repo: Repo) -> bool:
    """Set or change the password; True when it was a change of an existing one."""
    existed = bool(repo.setting(SETTING))
    old = require_instructor(repo) if existed else None
    new = os.environ.get("CLOSE_READER_PASSWORD_NEW")
    if new is None:
        first = _ask("New instructor password: ")
        again = _ask("The same again: ") if first is not None else None
        if first is None or again is None:
            raise UserError("give the new password in CLOSE_READER_PASSWORD_NEW, or run this "
                            "on a terminal")
    else:
        first = again = new
    problem = password_problem(first, again)
    if problem:
        raise UserError(problem)
    from app.services.trust import password_changed

    with repo.database.transaction():
        repo.set_setting(SETTING, hash_password(first))
        repo.db.execute("DELETE FROM settings WHERE key = ?", [RESET_SETTING])
        password_changed(repo, old, first)
    return existed


def reset_password(repo: Repo) -> None:
    """Forget the password; the next opening of instructor mode says so."""
    from app.services.trust import password_reset

    with repo.database.transaction() as db:
        db.execute("DELETE FROM settings WHERE key = ?", [SETTING])
        repo.set_setting(RESET_SETTING, now_iso())
        password_reset(repo)
