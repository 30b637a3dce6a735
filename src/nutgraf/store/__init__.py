"""Where articles and facts are kept: ``sqlite`` (the default, one file), ``postgres``
(a PostgreSQL server through psycopg 3, the same methods, its DDL generated from the one
schema in ``schema``) and ``export`` (JSONL, CSV, Parquet, GDELT GKG 2.1).  ``open_store``
picks the backend from the path or ``postgresql://`` URL."""

from nutgraf.store.postgres import PostgresStore
from nutgraf.store.sqlite import SQLiteStore, StoreError, open_store

__all__ = ["PostgresStore", "SQLiteStore", "StoreError", "open_store"]
