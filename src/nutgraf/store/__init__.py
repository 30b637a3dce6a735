"""Where articles and facts are kept: ``sqlite`` (the default, one file), ``postgres``
(a PostgreSQL server through psycopg 3, its DDL generated from the one schema in ``schema``)
and ``export`` (JSONL, CSV, Parquet, GDELT GKG 2.1).  Both stores are ``base.SQLStore``
(one implementation, the dialects' differences in ``dialect``) and satisfy the ``Store``
protocol; ``open_store`` picks the backend from the path or ``postgresql://`` URL."""

from __future__ import annotations

from pathlib import Path

from nutgraf.store.base import SQLStore, Store, StoreError
from nutgraf.store.postgres import URL_PREFIXES, PostgresStore
from nutgraf.store.sqlite import SQLiteStore


def open_store(path: str | Path, *, readonly: bool = False) -> Store:
    """The store at ``path``: a SQLite file, or with a ``postgresql://`` URL a
    :class:`PostgresStore` (same methods)."""
    text = str(path)
    if text.startswith(URL_PREFIXES):
        return PostgresStore(text, readonly=readonly)
    return SQLiteStore(path, readonly=readonly)


__all__ = ["PostgresStore", "SQLStore", "SQLiteStore", "Store", "StoreError", "open_store"]
