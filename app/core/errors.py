"""Expected errors: a bad file or bad input, shown to the user as one clear line."""

from __future__ import annotations


class UserError(Exception):
    """An expected problem the user can fix (bad file, unknown lesson, ...)."""


class FormatError(UserError, ValueError):
    """A file that does not follow its format (formats.md)."""
