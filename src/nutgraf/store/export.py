"""Exports of a store: ``jsonl``, ``csv``, ``parquet``, ``gkg`` (GDELT GKG 2.1) and ``events``
(GDELT 2.0 Event rows).

- ``jsonl``: one line per article, the article's fields (as ``Article.to_dict()``, plus
  ``id``, ``capture_id``, ``origin``, ``fetched_at``, ``nutgraf_version``,
  ``settings_hash``) with its ``entities`` (each with its ``mentions`` spans), ``quotes``,
  ``amounts``, ``dates``, ``places`` (as ``Place.to_dict()``) and ``events`` (as
  ``Event.to_dict()``: category, CAMEO code, score, the trigger and sentence spans, source and
  target actors with their spans, country and sector, place and date) nested.  ``--out -``
  writes to standard output.
- ``csv`` and ``parquet``: one file per table in the folder ``--out``
  (``captures``, ``articles``, ``entities``, ``mentions``, ``quotes``, ``amounts``, ``dates``,
  ``places`` (one row per place mention), ``article_places`` (one per distinct place per
  article) and ``events`` (one per coded event)), the store's own columns, so the relations
  survive (``article_id``, ``entity_id``, ``capture_id``); JSON columns stay JSON text.  CSV
  is UTF-8 with a header row.
  ``articles`` also has ``syndication_group`` and ``story_id`` (as in ``jsonl``): the
  corpus passes' copy group and story of each article.
- ``gkg``: one tab-separated GKG 2.1 row per article, 27 columns, no header (as GDELT
  ships them); see ``store.gkg`` for the column mapping.
- ``events``: one tab-separated GDELT 2.0 Event row per event, 61 columns, no header;
  ``GlobalEventID`` is the store's ``events.id``, so the ``events`` table (CSV/Parquet) or the
  JSONL gives each row's trigger and sentence spans.  Negated events are left out unless
  ``include_negated``; see ``store.gdelt_events`` for the column mapping.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import IO

from nutgraf.store.schema import TABLES
from nutgraf.store.sqlite import SQLiteStore

FORMATS = ("jsonl", "csv", "parquet", "gkg", "events")


def _open_out(out: str | Path) -> tuple[IO[str], bool]:
    if str(out) == "-":
        return sys.stdout, False
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    return open(out, "w", encoding="utf-8", newline=""), True


# Fields the corpus passes add to each article (nutgraf.corpus): the id of its syndication
# group (copies of one text; the group's first article's id) and of its story.  Empty/None
# for an article they have not seen.
CORPUS_FIELDS = ("syndication_group", "story_id")


def _corpus_fields(store: SQLiteStore) -> dict[int, tuple]:
    get = getattr(store, "corpus_fields", None)
    return get() if get is not None else {}


def export_jsonl(store: SQLiteStore, out: str | Path) -> int:
    fh, close = _open_out(out)
    n = 0
    extra = _corpus_fields(store)
    try:
        for record in store.iter_articles():
            record.update(zip(CORPUS_FIELDS, extra.get(record["id"], (None, None))))
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    finally:
        if close:
            fh.close()
    return n


def export_csv(store: SQLiteStore, out: str | Path) -> dict[str, int]:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    extra = _corpus_fields(store)
    for table in TABLES:
        with open(folder / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(store.columns(table) + (list(CORPUS_FIELDS) if table == "articles" else []))
            n = 0
            for row in store.rows(table):
                w.writerow(list(row) + (list(extra.get(row[0], (None, None))) if table == "articles" else []))
                n += 1
        written[table] = n
    return written


_ARROW_TYPES = {"INTEGER": "int64", "REAL": "float64", "TEXT": "string"}


def export_parquet(store: SQLiteStore, out: str | Path, batch: int = 10_000) -> dict[str, int]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise RuntimeError("Parquet export needs pyarrow (pip install pyarrow)") from exc
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    extra = _corpus_fields(store)
    for table in TABLES:
        info = store.column_types(table)
        fields = [(name, getattr(pa, _ARROW_TYPES.get(kind.upper(), "string"))()) for name, kind in info]
        names = [name for name, _ in info]
        if table == "articles":
            fields += [(name, pa.int64()) for name in CORPUS_FIELDS]
        schema = pa.schema(fields)
        n = 0
        with pq.ParquetWriter(folder / f"{table}.parquet", schema) as writer:
            cur = store.rows(table)
            while True:
                rows = cur.fetchmany(batch)
                if not rows:
                    break
                cols = {name: [r[i] for r in rows] for i, name in enumerate(names)}
                if table == "articles":
                    for j, name in enumerate(CORPUS_FIELDS):
                        cols[name] = [extra.get(r[0], (None, None))[j] for r in rows]
                writer.write_table(pa.table(cols, schema=schema))
                n += len(rows)
        written[table] = n
    return written


def export_gkg(store: SQLiteStore, out: str | Path) -> int:
    from nutgraf.store.gkg import gkg_row

    fh, close = _open_out(out)
    n = 0
    try:
        for record in store.iter_articles():
            fh.write("\t".join(gkg_row(record)) + "\n")
            n += 1
    finally:
        if close:
            fh.close()
    return n


def export_events(store: SQLiteStore, out: str | Path, *, include_negated: bool = False) -> int:
    from nutgraf.store.gdelt_events import write_events

    fh, close = _open_out(out)
    try:
        return write_events(store, fh, include_negated=include_negated)
    finally:
        if close:
            fh.close()


def export(store: SQLiteStore, fmt: str, out: str | Path, *, include_negated: bool = False) -> dict[str, int]:
    """Write the store in ``fmt`` to ``out``; returns rows written per table (or ``articles``,
    or ``events``).  ``include_negated`` is for ``events`` only."""
    if fmt == "jsonl":
        return {"articles": export_jsonl(store, out)}
    if fmt == "csv":
        return export_csv(store, out)
    if fmt == "parquet":
        return export_parquet(store, out)
    if fmt == "gkg":
        return {"articles": export_gkg(store, out)}
    if fmt == "events":
        return {"events": export_events(store, out, include_negated=include_negated)}
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
