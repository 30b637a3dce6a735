"""The web's connections to a store: one per server thread, read-only, on SQLite or
PostgreSQL, and what the queries need to know about each (``web/corpus.py`` holds the
queries themselves).

- **SQLite**: the ``sqlite3.Connection`` itself (rows are ``sqlite3.Row``), unwrapped: the
  pages' latency budget is measured there (``bench/web.py``).
- **PostgreSQL**: ``corpus.sql.PgConnection`` over the store's psycopg connection, which
  takes the same SQLite-style statements (``?`` placeholders) and hands back rows that behave
  like ``sqlite3.Row`` (``_Row``).
- :class:`Dialect`: what the queries spell differently on each backend.
- :class:`Features`: the optional parts of the store (written by corpus passes), found in
  its schema and looked up again when the schema changes.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nutgraf.store import StoreError, open_store
from nutgraf.store.dialect import POSTGRES, SQLITE, Dialect
from nutgraf.store.postgres import PostgresStore

if TYPE_CHECKING:
    # imported when a PostgreSQL store is opened: the nutgraf.corpus package brings in the
    # corpus passes, which a server on SQLite never runs
    from typing import TypeAlias

    from nutgraf.corpus.sql import PgConnection

    Conn: TypeAlias = sqlite3.Connection | PgConnection

# PostgreSQL has no cheap ``PRAGMA schema_version``: its optional parts are looked up again
# at most this often (a corpus pass adding them shows within that many seconds).
PG_FEATURES_TTL_S = 2.0


# --------------------------------------------------------------------------- dialects


# ``Dialect`` (``like``, ``collate``, ``ordered()``, ``contains()``) and its two values are the
# stores' own, from ``store.dialect``: one definition of what the backends spell differently.


def dialect(conn: Conn) -> Dialect:
    return SQLITE if isinstance(conn, sqlite3.Connection) else POSTGRES


# --------------------------------------------------------------------------- PostgreSQL rows


class _Row(tuple):
    """A PostgreSQL result row with what the queries use of ``sqlite3.Row``: by position, by
    column name, ``keys()`` and so ``dict(row)`` (a repeated name gives its first column, as
    with ``sqlite3.Row``).  ``_row_class`` makes one subclass per column list."""

    __slots__ = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@functools.lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type[_Row]:
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    return type("Row", (_Row,), {"__slots__": (), "_index": index})


def _pg_rows(cursor: Any) -> Callable[[Sequence[Any]], Any]:
    """psycopg row factory: the rows of a statement as the ``_Row`` class of its columns."""
    desc = cursor.description
    return _row_class(tuple(c.name for c in desc)) if desc else tuple


# --------------------------------------------------------------------------- connections


@dataclass(frozen=True)
class Features:
    """Optional parts of the store, found by looking at its schema.

    ``syndication``/``story`` name the table holding an article's ``syndication_group`` /
    ``story_id`` and its article-id column: ``corpus_articles(article_id)`` in schema 2,
    ``articles(id)`` or a link table in other layouts.  ``stories`` says a ``stories`` table
    with an ``id`` exists."""

    syndication: tuple[str, str] | None = None
    syndication_columns: frozenset[str] = frozenset()
    story: tuple[str, str] | None = None
    stories: bool = False
    places: bool = False  # the place tables of schema 4: ``places`` (mentions), ``article_places``
    events: bool = False  # the ``events`` table of schema 5
    event_clusters: bool = False  # a corpus pass's ``event_cluster_members(cluster_id, event_id, article_id)``
    registry: bool = False  # the entity registry: ``entity_registry`` (referents) and ``entity_links``

    @property
    def has_stories(self) -> bool:
        return self.stories and self.story is not None

    def story_members(self) -> str:
        """SQL: (article_id, story_id) of every article in a story."""
        assert self.story is not None
        table, col = self.story
        return f"SELECT {col} AS article_id, story_id FROM {table} WHERE story_id IS NOT NULL"


_MEMBER_TABLES = (("corpus_articles", "article_id"), ("articles", "id"), ("story_articles", "article_id"),
                  ("article_stories", "article_id"), ("story_members", "article_id"))
_FEATURE_TABLES = tuple(t for t, _ in _MEMBER_TABLES) + ("stories", "places", "article_places", "events",
                                                          "event_cluster_members", "entity_registry", "entity_links")
# what the web reads of the place tables (a store older than schema 4 has neither)
_PLACE_COLUMNS = {"places": frozenset({"article_id", "start", "end", "geonames_id", "name", "lat", "lon", "kind"}),
                  "article_places": frozenset({"article_id", "place_key", "geonames_id", "name", "lat", "lon",
                                               "mentions"})}
# what the web reads of the events table (schema 5) and of the event clusters (a corpus pass)
_EVENT_COLUMNS = frozenset({"id", "article_id", "start", "end", "text", "sentence_start", "sentence_end", "category",
                            "mode", "cameo", "score", "negated", "confidence", "source_name", "source_start",
                            "source_end", "source_entity", "source_entity_id", "source_country", "source_sector",
                            "target_name", "target_start", "target_end", "target_entity", "target_entity_id",
                            "target_country", "target_sector", "place_start", "place_end", "place_name",
                            "place_geonames_id", "place_lat", "place_lon", "place_country_code", "date_value"})
_CLUSTER_COLUMNS = frozenset({"cluster_id", "event_id", "article_id"})
# what the web reads of the entity registry (a corpus pass: one row per referent across articles)
_REGISTRY_COLUMNS = {"entity_registry": frozenset({"id", "name", "label", "aliases", "articles", "mentions"}),
                     "entity_links": frozenset({"entity_id", "registry_id", "article_id"})}

# The columns of the tables and views named in the array ``?``, in the schema the store's
# tables are in.  From the catalog, not from ``PRAGMA table_info`` on the store's connection,
# which answers with the declared schema: here a table may be missing.
_PG_COLUMNS = ("SELECT c.relname::text, a.attname::text FROM pg_class c"
               " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid"
               " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f')"
               " AND a.attnum > 0 AND NOT a.attisdropped AND c.relname::text = ANY(?)")


def _columns(conn: Conn) -> dict[str, frozenset[str]]:
    """The columns of each of ``_FEATURE_TABLES`` that exists."""
    if dialect(conn) is POSTGRES:
        found: dict[str, set[str]] = {}
        for table, col in conn.execute(_PG_COLUMNS, (list(_FEATURE_TABLES),)):
            found.setdefault(table, set()).add(col)
        return {t: frozenset(cols) for t, cols in found.items()}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    return {t: frozenset(r[1] for r in conn.execute(f"PRAGMA table_info({t})"))
            for t in _FEATURE_TABLES if t in tables}


def detect_features(conn: Conn) -> Features:
    columns = _columns(conn)
    synd = story = None
    synd_cols: frozenset[str] = frozenset()
    for table, col in _MEMBER_TABLES:
        cols = columns.get(table, frozenset())
        if col not in cols:
            continue
        if synd is None and "syndication_group" in cols:
            synd, synd_cols = (table, col), cols
        if story is None and "story_id" in cols:
            story = (table, col)
    has_stories = "id" in columns.get("stories", frozenset())
    has_places = all(need <= columns.get(t, frozenset()) for t, need in _PLACE_COLUMNS.items())
    has_events = _EVENT_COLUMNS <= columns.get("events", frozenset())
    return Features(syndication=synd, syndication_columns=synd_cols, story=story, stories=has_stories,
                    places=has_places, events=has_events,
                    registry=all(need <= columns.get(t, frozenset()) for t, need in _REGISTRY_COLUMNS.items()),
                    event_clusters=has_events and _CLUSTER_COLUMNS <= columns.get("event_cluster_members", frozenset()))


def _schema_version(conn: Conn) -> int:
    """A number that changes when the schema may have: SQLite's own counter; on PostgreSQL,
    the current ``PG_FEATURES_TTL_S`` time slot."""
    if isinstance(conn, sqlite3.Connection):
        return conn.execute("PRAGMA schema_version").fetchone()[0]
    return int(time.monotonic() // PG_FEATURES_TTL_S)


def _web_connection(store: Any) -> Conn:
    if isinstance(store, PostgresStore):
        from nutgraf.corpus.sql import PgConnection

        # open_store(readonly=True) made it autocommit with default_transaction_read_only on
        return PgConnection(store.conn, row_factory=_pg_rows)
    conn = getattr(store, "conn", None)
    if not isinstance(conn, sqlite3.Connection):
        raise StoreError("nutgraf serve reads SQLite and PostgreSQL stores only")
    conn.execute("PRAGMA query_only = ON")
    return conn


class Corpus:
    """A store opened read-only, one connection per thread (the server runs sync routes in a
    thread pool; a SQLite connection stays in the thread that made it, and a psycopg
    connection runs one statement at a time)."""

    def __init__(self, path: str) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._features: tuple[int, Features] | None = None
        self.conn()  # fail now, with the store's own message, if it cannot be opened

    def conn(self) -> Conn:
        conn = getattr(self._local, "conn", None)
        if conn is None or (not isinstance(conn, sqlite3.Connection) and self._local.store.conn.closed):
            # (again, on PostgreSQL, once the server dropped this thread's connection: a
            # restart fails the request that met it, not every later one in the thread)
            if conn is not None:
                self._local.store.close()
            store = open_store(self.path, readonly=True)
            try:
                conn = _web_connection(store)
            except BaseException:
                store.close()
                raise
            self._local.store = store
            self._local.conn = conn
        return conn

    @property
    def is_postgres(self) -> bool:
        return not isinstance(self.conn(), sqlite3.Connection)

    def features(self) -> Features:
        """The optional parts, looked up again whenever the schema changed (a corpus pass may
        add them while the server runs)."""
        conn = self.conn()
        version = _schema_version(conn)
        cached = self._features
        if cached is None or cached[0] != version:
            cached = (version, detect_features(conn))
            self._features = cached
        return cached[1]
