"""The SQLite store: one file holding captures, articles and their facts (schema in
``store.schema``), searchable with FTS5 and readable by Datasette, DuckDB or ``sqlite3``.

The logic is ``store.base.SQLStore``'s, shared with PostgreSQL; this backend supplies the
connection (WAL journal, so readers such as search and Datasette work during an ingest; one
transaction per document, ``BEGIN IMMEDIATE``), the schema, entity ids in one statement, and
FTS5 search.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nutgraf.store.base import ENTITY_COLUMNS, SQLStore, StoreError, _json
from nutgraf.store.dialect import SQLITE, records
from nutgraf.store.schema import ADDED_TABLES, SCHEMA, SCHEMA_VERSION, schema_columns

_MAX_ROWID = 2**63 - 1

__all__ = ["SQLiteStore", "StoreError"]


class SQLiteStore(SQLStore):
    """A nutgraf store in one SQLite file (created on first use)."""

    dialect = SQLITE

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        if readonly:
            if not Path(self.path).exists():
                raise StoreError(f"{self.path}: no such database (run `nutgraf ingest ... --db {self.path}` first)")
            uri = f"file:{Path(self.path).resolve()}?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        else:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._con = self.conn  # statements are SQLite's already: no layer on the hot path
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA busy_timeout = 30000")
        if not readonly:
            # WAL: readers never block the writer; NORMAL sync: a committed document survives
            # a killed process (only an OS crash can lose the last commits, never half of one).
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.DatabaseError as exc:
                self.conn.close()
                raise StoreError(f"{self.path}: not a SQLite database ({exc})") from exc
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._create()
        else:
            try:
                self.conn.execute("SELECT 1 FROM captures LIMIT 1")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}: not a nutgraf database ({exc})") from exc
            # an older store, read as it is: the tables it lacks read as empty
            have = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            self.absent = frozenset(t for t in ADDED_TABLES if t not in have)

    # ------------------------------------------------------------------ set-up

    def _create(self) -> None:
        try:
            version = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:
            version = None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a SQLite database ({exc})") from exc
        if version is not None and int(version[0]) > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {version[0]}, this nutgraf uses {SCHEMA_VERSION}")
        # an older store (version 1: no corpus tables) is brought up to date: every statement
        # of the schema is IF NOT EXISTS, so running it again only adds what is missing
        if version is None or int(version[0]) < SCHEMA_VERSION:
            self.conn.executescript(SCHEMA)
            self.conn.execute(self.dialect.insert("meta", ("key", "value"), key="key"),
                              ("schema_version", str(SCHEMA_VERSION)))

    def close(self) -> None:
        """Close; a writer also turns the WAL back into a plain rollback journal, so the
        database at rest is one file (read-only readers such as ``nutgraf search`` then
        leave no -wal/-shm files behind).  Another open connection makes this a no-op."""
        if not self.readonly:
            try:
                self.conn.execute("PRAGMA journal_mode = DELETE")
            except sqlite3.Error:
                pass
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def column_types(self, table: str) -> list[tuple[str, str]]:
        """(name, declared type) of each column of ``table`` as the file has it (the same for
        every backend; a table this older store lacks has the schema's columns)."""
        if table in self.absent:
            return schema_columns(table)
        return [(r[1], str(r[2])) for r in self.conn.execute(f"PRAGMA table_info({table})")]

    def _order_key(self, table: str) -> str:
        # insertion order, which is the key order of every table with an integer key
        return "article_id, place_key" if table == "article_places" else "rowid"

    # ------------------------------------------------------------------ ids

    def _insert_entities(self, con: Any, article_id: int, entities: list[Any]) -> list[int]:
        """The entities in one statement, with the ids SQLite would give them one by one (one
        more than the largest id: this writer is the only one, inside BEGIN IMMEDIATE)."""
        base = con.execute("SELECT coalesce(max(id), 0) FROM entities").fetchone()[0]
        if base + len(entities) >= _MAX_ROWID:  # ids at the top of the range: SQLite picks them
            return super()._insert_entities(con, article_id, entities)
        eids = list(range(base + 1, base + 1 + len(entities)))
        con.executemany(self.dialect.insert("entities", ("id",) + ENTITY_COLUMNS),
                        [(eid, article_id, e.name, e.label, _json(list(e.aliases)), len(e.mentions))
                         for eid, e in zip(eids, entities)])
        return eids

    # ------------------------------------------------------------------ search

    def _ranked(self, query: str, where: list[str], args: list[Any], cols: str, limit: int) -> list[dict[str, Any]]:
        """FTS5: ``query`` as FTS5 reads it, ranked by bm25."""
        sql = (f"SELECT {cols}, snippet(articles_fts, 1, '[', ']', ' … ', 16) AS snippet,"
               " bm25(articles_fts) AS score FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
               " WHERE articles_fts MATCH ?" + "".join(f" AND {w}" for w in where) +
               " ORDER BY score LIMIT ?")
        try:
            return records(self.conn.execute(sql, [query, *args, limit]))
        except sqlite3.OperationalError:
            # not valid FTS5 syntax (e.g. "U.S." or a stray quote): search the words as given
            safe = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
            return records(self.conn.execute(sql, [safe, *args, limit]))

