"""The few parts of sqlite-utils the store uses on every start, without importing it.

``import sqlite_utils`` costs about 70 ms of a 0.4 s start-up (it pulls in click,
pluggy, dateutil and its plugin machinery), and the student's path only ever calls
``execute``, ``query`` and ``conn``. ``Database`` here offers those over the same
``sqlite3`` connection, with sqlite-utils' meaning, and hands every other attribute to a
real ``sqlite_utils.Database`` on the same connection, built on first use (so the rest of
its API stays available to code that wants it).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Sequence
from typing import Any

Params = Sequence[Any] | dict[str, Any] | None
# A pass-through, like sqlite-utils' own: the SQL comes from the store's callers, and
# tests/test_security.py checks it there, at each call of ``execute``/``query``.
_run = sqlite3.Connection.execute


def import_sqlite_utils():  # noqa: ANN201
    """Import sqlite-utils without numpy and pandas.

    sqlite-utils imports them, when installed, only to map their scalar types to column
    types; we never store such values, and importing numpy costs a tenth of a second.
    They stay importable afterwards (spaCy needs numpy).
    """
    hidden = [m for m in ("numpy", "pandas") if m not in sys.modules]
    for m in hidden:
        sys.modules[m] = None  # type: ignore[assignment]  # makes `import m` fail fast
    try:
        import sqlite_utils as su
    finally:
        for m in hidden:
            if sys.modules.get(m, 0) is None:
                del sys.modules[m]
    return su


class Database:
    """``sqlite_utils.Database(conn, ...)``'s ``execute``/``query``/``conn``, lazily the rest."""

    def __init__(self, conn: sqlite3.Connection, **options: Any) -> None:
        self.conn = conn
        self._options = options
        self._full: Any = None

    def execute(self, sql: str, parameters: Params = None) -> sqlite3.Cursor:
        return self._run(sql, parameters)

    def _run(self, sql: str, parameters: Params) -> sqlite3.Cursor:
        was_in_transaction = self.conn.in_transaction
        try:
            if parameters is None:
                return _run(self.conn, sql)
            return _run(self.conn, sql, parameters)
        except Exception:
            # a failed statement must not leave an implicit transaction open behind it
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        """Rows of a SELECT as dictionaries (executed now, fetched as iterated)."""
        cursor = self._run(sql, params)
        if cursor.description is None:
            raise ValueError("query() can only be used with SQL that returns rows - "
                             "use execute() for other statements")
        keys = [d[0] for d in cursor.description]
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    def close(self) -> None:
        self.conn.close()

    def full(self) -> Any:
        """The real ``sqlite_utils.Database`` on this connection (imported on first use)."""
        if self._full is None:
            self._full = import_sqlite_utils().Database(self.conn, **self._options)
        return self._full

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.full(), name)

    def __getitem__(self, table: str) -> Any:
        return self.full()[table]
