"""What SQLite and PostgreSQL spell differently, written once.

nutgraf's SQL is written once, with SQLite's ``?`` placeholders, in what both databases
accept.  What they do not share is here, and nowhere else:

- :class:`Dialect`: the case-insensitive LIKE, the collation that sorts text by code point,
  how an inserted row's id comes back (``lastrowid`` or ``RETURNING``), the spelling of an
  insert that ignores or replaces an existing key, and the driver's own placeholder;
- :class:`PgConnection`: a psycopg 3 connection that takes the ``?`` statements (rewritten
  by :func:`pg_sql`, cached) and cleans the values PostgreSQL text cannot hold (NUL).  On
  SQLite the ``sqlite3.Connection`` is used as it is: the ingest's hot path has no layer;
- :func:`missing_table`: what a query on a table that is not there raises, on either.

Full-text search differs too much to be a spelling (FTS5 against a tsvector column): each
store supplies its own (``SQLiteStore._ranked``, ``PostgresStore._ranked``)."""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A connection taking ``?`` statements (``sqlite3.Connection`` as is, or ``PgConnection``)."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> Any: ...


def quote(name: str) -> str:
    """An identifier, double-quoted (both accept it; ``end`` is reserved in PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Dialect:
    """The differences between the two databases' SQL, as the shared code needs them."""

    name: str  # "sqlite" or "postgresql"
    mark: str  # the driver's placeholder; statements are written with "?" and ``sql()`` gives the driver's
    like: str  # a LIKE that ignores ASCII case (SQLite's LIKE does; PostgreSQL's does not)
    collate: str  # after a text sort key: code-point order, as SQLite's default BINARY collation
    returning: bool  # an inserted row's id comes back with RETURNING (else the cursor's lastrowid)
    # a taken key is handled by an ON CONFLICT clause (else SQLite's INSERT OR IGNORE / OR
    # REPLACE, which every SQLite has: ON CONFLICT and RETURNING need 3.24 and 3.35)
    conflict_clause: bool

    def sql(self, statement: str) -> str:
        """``statement`` (``?`` placeholders) as the driver reads it."""
        return statement if self.mark == "?" else pg_sql(statement)

    def ordered(self, expr: str) -> str:
        """``expr`` as a sort key in SQLite's order.  Only for free text (names, sites):
        ISO dates sort the same under any collation, and numbers take none."""
        return expr + self.collate

    def contains(self, *cols: str) -> str:
        """SQL: one of ``cols`` contains a LIKE pattern with ``\\`` escapes (one ``?`` per column)."""
        return "(" + " OR ".join(f"{c} {self.like} ? ESCAPE '\\'" for c in cols) + ")"

    def among(self, expr: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """SQL: ``expr`` is one of ``values``, and its arguments.  PostgreSQL takes the list as
        one array parameter (one statement shape, whatever the count); SQLite one ``?`` each."""
        if self.mark == "?":
            return f"{expr} IN ({','.join('?' * len(values))})", list(values)
        return f"{expr} = ANY(?)", [list(values)]

    def insert(self, table: str, columns: Iterable[str], *, ignore: bool = False, key: str | None = None,
               returning: str | None = None) -> str:
        """An INSERT of one row of ``columns`` (``?`` placeholders).  ``ignore``: a row whose
        key is taken is left out (the cursor's ``rowcount`` says 0); ``key``: that row is
        replaced instead (an upsert on ``key``); ``returning``: the column to hand back
        (``inserted_id``), on a dialect that hands it back that way."""
        return _insert(self, table, tuple(columns), ignore, key, returning)

    def inserted_id(self, cursor: Any) -> int:
        """The id of the row an ``insert(..., returning=...)`` just wrote."""
        return int(cursor.fetchone()[0]) if self.returning else int(cursor.lastrowid)


@functools.lru_cache(maxsize=256)
def _insert(d: Dialect, table: str, cols: tuple[str, ...], ignore: bool, key: str | None,
            returning: str | None) -> str:
    head = "INSERT"
    if not d.conflict_clause and (ignore or key):
        head += " OR REPLACE" if key else " OR IGNORE"
    sql = (f"{head} INTO {table} (" + ", ".join(quote(c) for c in cols) + ") VALUES (" +
           ",".join("?" * len(cols)) + ")")
    if d.conflict_clause and key:
        sets = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in cols if c != key)
        sql += f" ON CONFLICT ({quote(key)}) DO UPDATE SET {sets}"
    elif d.conflict_clause and ignore:
        sql += " ON CONFLICT DO NOTHING"
    if returning and d.returning:
        sql += f" RETURNING {quote(returning)}"
    return sql


SQLITE = Dialect(name="sqlite", mark="?", like="LIKE", collate="", returning=False,
                 conflict_clause=False)
POSTGRES = Dialect(name="postgresql", mark="%s", like="ILIKE", collate=' COLLATE "C"', returning=True,
                   conflict_clause=True)


# --------------------------------------------------------------------------- PostgreSQL placeholders

# A string literal (kept whole: a '?' in it is text), a placeholder, or a percent sign.  The
# statements hold no comments or quoted identifiers with either in them.
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


def _clean(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL: U+FFFD instead, one character for one (spans stay valid)
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def pg_values(params: Sequence[Any]) -> list[Any]:
    return [_clean(v) for v in params]


class PgConnection:
    """A psycopg 3 connection that takes ``?`` statements.  Every call passes parameters (an
    empty tuple at least), so psycopg always reads the statement's placeholders and a doubled
    ``%`` always comes back as one.  ``row_factory`` (a psycopg row factory) shapes the rows
    ``execute`` returns; by default, the connection's."""

    __slots__ = ("_conn", "_row_factory")

    def __init__(self, conn: Any, row_factory: Any = None) -> None:
        self._conn = conn
        self._row_factory = row_factory

    @property
    def raw(self) -> Any:
        """The psycopg connection."""
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Any:
        if self._row_factory is None:
            return self._conn.execute(pg_sql(sql), pg_values(params))
        return self._conn.cursor(row_factory=self._row_factory).execute(pg_sql(sql), pg_values(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(pg_sql(sql), (pg_values(r) for r in rows))


@functools.cache
def missing_table() -> tuple[type[Exception], ...]:
    """What a query on a table that is not there raises (a store made before the table), for
    an ``except missing_table():`` clause, which calls it only once an exception is raised:
    psycopg is imported then, not by SQLite users."""
    try:
        from psycopg.errors import UndefinedTable
    except ImportError:  # pragma: no cover - psycopg is a pinned dependency
        return (sqlite3.OperationalError,)
    return (sqlite3.OperationalError, UndefinedTable)


def dialect_of(con: Any) -> Dialect:
    """The dialect of a connection (a ``sqlite3.Connection`` is SQLite, anything else PostgreSQL)."""
    return SQLITE if isinstance(con, sqlite3.Connection) else POSTGRES


def wrap(con: Any) -> Connection:
    """A ``?``-taking connection for a raw one: a ``sqlite3.Connection`` or a ``PgConnection``
    as is, a psycopg connection adapted."""
    return con if isinstance(con, (sqlite3.Connection, PgConnection)) else PgConnection(con)


def records(cursor: Any) -> list[dict[str, Any]]:
    """The rows of an executed statement as dicts (``sqlite3.Row`` and psycopg tuples alike)."""
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


__all__ = ["POSTGRES", "SQLITE", "Connection", "Cursor", "Dialect", "PgConnection", "dialect_of", "missing_table",
           "pg_sql", "quote", "records", "wrap"]
