"""Where articles and facts are kept: ``sqlite`` (the default, one file) and ``export``
(JSONL, CSV, Parquet, GDELT GKG 2.1).  A PostgreSQL backend (psycopg 3) will sit beside
``sqlite`` with the same methods; ``open_store`` picks one from the path or URL."""

from nutgraf.store.sqlite import SQLiteStore, StoreError, open_store

__all__ = ["SQLiteStore", "StoreError", "open_store"]
