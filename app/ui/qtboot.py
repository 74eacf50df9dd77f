"""Undo PySide6's ``__feature__`` import hook, which this app does not use.

Importing PySide6 replaces ``builtins.__import__`` with ``__feature_import__``: before and
after every import statement it runs Python code, and for each module it has not seen it
reads the module's whole source (``inspect.getsource``) to find the word "PySide6". That
exists for ``from __feature__ import snake_case, true_property``, an opt-in this app never
uses, and it cost ~12 ms of start-up (63 modules read, the stdlib's among them). The hook
keeps the import it replaced in ``builtins.__orig_import__`` (shiboken's own lazy-class
import, which star imports of Qt modules need); that one is put back.
"""

from __future__ import annotations

import builtins

import PySide6.QtCore  # noqa: F401 — installs the hook undone below


def drop_feature_hook() -> bool:
    """Put back the import PySide6's feature hook wraps; True if it was in place."""
    hook = getattr(builtins, "__feature_import__", None)
    inner = getattr(builtins, "__orig_import__", None)
    if hook is None or inner is None or builtins.__import__ is not hook:
        return False
    builtins.__import__ = inner
    return True
