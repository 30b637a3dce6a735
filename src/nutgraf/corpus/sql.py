"""One connection interface for the corpus passes, on SQLite and on PostgreSQL.

The passes are written once, in the SQL both databases accept, with SQLite's ``?``
placeholders, against what a ``sqlite3.Connection`` offers: ``execute(sql, params)``
returning a cursor (``fetchone``, ``fetchall``, iteration) and ``executemany(sql, rows)``.
That is the stores' own mechanism (``store.dialect``), named here for the passes:

- **SQLite**: the connection itself, unwrapped (the passes are on ingest's hot path: no
  layer in between).
- **PostgreSQL**: ``store.dialect.PgConnection`` around the psycopg 3 connection, which
  rewrites each statement for psycopg's placeholders (``?`` → ``%s``, a literal ``%`` →
  ``%%``, cached) and runs ``executemany`` on a cursor (psycopg 3 has it there only).
  ``PostgresStore.transaction()`` yields one already.
"""

from __future__ import annotations

from typing import Any

from nutgraf.store.dialect import POSTGRES, Connection, Cursor, PgConnection, missing_table, pg_sql, wrap


def is_postgres(store: Any) -> bool:
    return getattr(store, "dialect", None) is POSTGRES


def connect(store: Any) -> Connection:
    """The passes' connection to ``store`` outside a transaction (the readers: ``stories``,
    ``trace``); on PostgreSQL each statement commits on its own (the store is autocommit)."""
    return wrap(store.conn)


__all__ = ["Connection", "Cursor", "PgConnection", "connect", "is_postgres", "missing_table", "pg_sql", "wrap"]
