"""One connection interface for the corpus passes, on SQLite and on PostgreSQL.

The passes are written once, in the SQL both databases accept, with SQLite's ``?``
placeholders, against what a ``sqlite3.Connection`` offers: ``execute(sql, params)``
returning a cursor (``fetchone``, ``fetchall``, iteration) and ``executemany(sql, rows)``.

- **SQLite**: the connection itself, unwrapped (the passes are on ingest's hot path: no
  layer in between).
- **PostgreSQL**: :class:`PgConnection` around the psycopg 3 connection, which rewrites
  each statement for psycopg's placeholders (``?`` → ``%s``, a literal ``%`` → ``%%``) and
  runs ``executemany`` on a cursor (psycopg 3 has it there only).  Rewritten statements are
  cached: the passes issue the same few dozen shapes over and over.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from nutgraf.store.postgres import PostgresStore


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the passes use of a connection (``sqlite3.Connection`` has it as is)."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> Any: ...


# A string literal (kept whole: a '?' in it is text), a placeholder, or a percent sign.  The
# passes' statements hold no comments or quoted identifiers with either in them.
_PARTS = re.compile(r"'(?:[^']|'')*'|\?|%")


def _pg_part(m: re.Match[str]) -> str:
    part = m.group()
    if part == "?":
        return "%s"
    # psycopg reads '%' everywhere in the statement, string literals included
    return part.replace("%", "%%")


@functools.lru_cache(maxsize=1024)
def pg_sql(sql: str) -> str:
    """``sql`` with SQLite's placeholders as psycopg's (``?`` → ``%s``, ``%`` → ``%%``)."""
    return _PARTS.sub(_pg_part, sql)


class PgConnection:
    """A psycopg 3 connection (or ``PostgresStore.conn``) that takes SQLite-style statements.
    Every call passes parameters (an empty tuple at least), so psycopg always reads the
    statement's placeholders and a doubled ``%`` always comes back as one.  ``row_factory``
    (a psycopg row factory) shapes the rows ``execute`` returns; by default, the connection's."""

    __slots__ = ("_conn", "_row_factory")

    def __init__(self, conn: Any, row_factory: Any = None) -> None:
        self._conn = conn
        self._row_factory = row_factory

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Cursor:
        if self._row_factory is None:
            return self._conn.execute(pg_sql(sql), params)
        return self._conn.cursor(row_factory=self._row_factory).execute(pg_sql(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(pg_sql(sql), rows)


@functools.cache
def missing_table() -> tuple[type[Exception], ...]:
    """What a query on a table that is not there raises (a store made before the corpus
    tables), for an ``except missing_table():`` clause, which calls it only once an
    exception is raised: psycopg is imported then, not by SQLite users of the passes."""
    try:
        from psycopg.errors import UndefinedTable
    except ImportError:  # pragma: no cover - psycopg is a pinned dependency
        return (sqlite3.OperationalError,)
    return (sqlite3.OperationalError, UndefinedTable)


def is_postgres(store: Any) -> bool:
    return isinstance(store, PostgresStore)


def wrap(con: Any) -> Connection:
    """The passes' connection for a raw one: a ``sqlite3.Connection`` as is, anything else
    (a psycopg connection, as ``PostgresStore.transaction()`` yields) adapted."""
    return con if isinstance(con, sqlite3.Connection) else PgConnection(con)


def connect(store: Any) -> Connection:
    """The passes' connection to ``store`` outside a transaction (the readers: ``stories``,
    ``trace``); on PostgreSQL each statement commits on its own (the store is autocommit)."""
    return wrap(store.conn)


__all__ = ["Connection", "Cursor", "PgConnection", "connect", "is_postgres", "missing_table", "pg_sql", "wrap"]
