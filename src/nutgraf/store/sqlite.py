"""The SQLite store: one file holding captures, articles and their facts (schema in
``store.schema``), searchable with FTS5 and readable by Datasette, DuckDB or ``sqlite3``.

Guarantees:

- **content-addressed**: a capture's id is the SHA-256 of its bytes; adding one that is
  already there changes nothing (``has()`` lets the pipeline skip it before any work);
- **one transaction per document**: a capture row, its article and every fact row are
  committed together, so a process killed at any moment (``kill -9``) leaves whole
  documents or none; WAL journal, so readers (search, Datasette) work during an ingest;
- **one writer**: the ingest pipeline writes from one process; workers only compute.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nutgraf.model import Article
from nutgraf.sources.capture import Capture, Issue
from nutgraf.store.base import (ARTICLE_PLACE_COLUMNS, EVENT_COLUMNS, PLACE_COLUMNS, StoreBase, article_place_rows,
                                 event_record, event_rows, insert_sql, place_record, place_rows)
from nutgraf.store.filters import search_filters
from nutgraf.store.schema import ADDED_TABLES, FACT_TABLES, TABLES, SCHEMA, SCHEMA_VERSION, schema_columns

_MAX_ROWID = 2**63 - 1


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _span(span: Any) -> tuple[int | None, int | None]:
    if span is None:
        return None, None
    return int(span[0]), int(span[1])


class StoreError(Exception):
    pass


class SQLiteStore(StoreBase):
    """A nutgraf store in one SQLite file (created on first use)."""

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
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                              (str(SCHEMA_VERSION),))

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

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------------ reads used by ingest

    def status(self, capture_id: str) -> str | None:
        row = self.conn.execute("SELECT status FROM captures WHERE id = ?", (capture_id,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ writes

    def _capture_row(self, con: sqlite3.Connection, item: Capture | Issue, status: str, error: str | None) -> None:
        # a failed capture being retried is replaced; anything else already stored stays
        con.execute("DELETE FROM captures WHERE id = ? AND status = 'failed'", (item.id,))
        o = item.origin
        con.execute(
            "INSERT OR IGNORE INTO captures (id, url, content_type, size, fetched_at, origin_kind, origin_path,"
            " origin_record_id, origin_offset, origin_line, status, error, ingested_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (item.id, item.url, item.content_type, item.size, item.fetched_at, o.kind, o.path, o.record_id,
             o.offset, o.line, status, error, now()))

    def add_issue(self, item: Issue) -> None:
        with self.transaction() as con:
            self._capture_row(con, item, item.status, item.reason)

    def add_failure(self, capture: Capture, error: str) -> None:
        with self.transaction() as con:
            self._capture_row(con, capture, "failed", error)

    def add_article(self, capture: Capture, article: Article, *, version: str, settings_hash: str,
                    then: Callable[[sqlite3.Connection, int], Any] | None = None) -> int | None:
        """Store a capture and its article with all facts, in one transaction.  Returns the
        article id, or None when the capture was already stored.  ``then(con, article_id)``,
        when given, runs inside that transaction after the inserts (the ingest writer's
        corpus passes: one commit per document); an exception from it rolls everything back."""
        with self.transaction() as con:
            if con.execute("SELECT 1 FROM captures WHERE id = ? AND status != 'failed'", (capture.id,)).fetchone():
                return None
            self._capture_row(con, capture, "ok", None)
            article_id = self._insert_article(con, capture.id, article, version, settings_hash)
            if then is not None:
                then(con, article_id)
            return article_id

    def _insert_article(self, con: sqlite3.Connection, capture_id: str, a: Article, version: str,
                        settings_hash: str) -> int:
        cur = con.execute(
            "INSERT INTO articles (capture_id, url, title, text, authors, published, site_name, language,"
            " source_kind, encoding, words, paragraphs, evidence, warnings, nutgraf_version, settings_hash,"
            " created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (capture_id, a.url, a.title, a.text, _json(list(a.authors)), a.published, a.site_name, a.language,
             a.source_kind, a.encoding, a.words, _json([p.to_dict() for p in a.paragraphs]),
             _json({k: v.to_dict() for k, v in a.evidence.items()}), _json(list(a.warnings)), version,
             settings_hash, now()))
        article_id = int(cur.lastrowid)
        by_name: dict[str, int] = {}
        by_name_label: dict[tuple[str, str], int] = {}
        text = a.text
        # The entities in one statement, with the ids SQLite would give them one by one (one
        # more than the largest id: this writer is the only one), then all their mentions.
        base = con.execute("SELECT coalesce(max(id), 0) FROM entities").fetchone()[0] if a.entities else 0
        if base + len(a.entities) < _MAX_ROWID:
            eids = list(range(base + 1, base + 1 + len(a.entities)))
            con.executemany(
                "INSERT INTO entities (id, article_id, name, label, aliases, mentions) VALUES (?,?,?,?,?,?)",
                [(eid, article_id, e.name, e.label, _json(list(e.aliases)), len(e.mentions))
                 for eid, e in zip(eids, a.entities)])
            con.executemany(
                "INSERT INTO mentions (entity_id, article_id, start, \"end\", text) VALUES (?,?,?,?,?)",
                [(eid, article_id, s, t, text[s:t]) for eid, e in zip(eids, a.entities) for s, t in e.mentions])
        else:  # ids at the top of the range: SQLite picks them (not in sequence)
            eids = []
            for e in a.entities:
                eid = int(con.execute(
                    "INSERT INTO entities (article_id, name, label, aliases, mentions) VALUES (?,?,?,?,?)",
                    (article_id, e.name, e.label, _json(list(e.aliases)), len(e.mentions))).lastrowid)
                eids.append(eid)
                con.executemany(
                    "INSERT INTO mentions (entity_id, article_id, start, \"end\", text) VALUES (?,?,?,?,?)",
                    [(eid, article_id, s, t, text[s:t]) for s, t in e.mentions])
        for eid, e in zip(eids, a.entities):
            by_name.setdefault(e.name, eid)
            by_name_label.setdefault((e.name, e.label), eid)

        def entity_id(name: str | None, label: str | None) -> int | None:
            if not name:
                return None
            return by_name_label.get((name, label or "")) or by_name.get(name)

        con.executemany(
            "INSERT INTO quotes (article_id, start, \"end\", text, kind, speaker, speaker_label, speaker_start,"
            " speaker_end, speaker_entity_id, cue, cue_start, cue_end, direct_parts)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(article_id, q.start, q.end, q.text, q.kind, q.speaker, q.speaker_label, *_span(q.speaker_span),
              entity_id(q.speaker, q.speaker_label), q.cue, *_span(getattr(q, "cue_span", None)),
              _json([list(p) for p in (q.direct_parts or [])])) for q in a.quotes])
        con.executemany(
            "INSERT INTO amounts (article_id, start, \"end\", text, value, value_text, lower_bound, upper_bound,"
            " unit, object, per, approximate, vague, source, source_start, source_end, source_entity_id)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(article_id, m.start, m.end, m.text, m.value, m.value_text, m.lower_bound, m.upper_bound, m.unit,
              m.object, m.per, int(bool(m.approximate)), int(bool(m.vague)), m.source, *_span(m.source_span),
              entity_id(m.source, None)) for m in a.amounts])
        con.executemany(
            "INSERT INTO dates (article_id, start, \"end\", text, value, relative, granularity)"
            " VALUES (?,?,?,?,?,?,?)",
            [(article_id, d.start, d.end, d.text, d.value, int(bool(d.relative)), d.granularity) for d in a.dates])
        if a.places:
            con.executemany(insert_sql("places", PLACE_COLUMNS), place_rows(article_id, a.places, entity_id))
            con.executemany(insert_sql("article_places", ARTICLE_PLACE_COLUMNS),
                            article_place_rows(article_id, a.places))
        if a.events:
            con.executemany(insert_sql("events", EVENT_COLUMNS), event_rows(article_id, a.events, entity_id))
        return article_id

    # ------------------------------------------------------------------ runs

    def start_run(self, sources: list[str], workers: int, version: str) -> int:
        with self.transaction() as con:
            cur = con.execute("INSERT INTO runs (started_at, sources, workers, nutgraf_version) VALUES (?,?,?,?)",
                              (now(), _json(list(sources)), workers, version))
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, counts: dict[str, int], source_errors: list[str]) -> None:
        with self.transaction() as con:
            con.execute("UPDATE runs SET finished_at = ?, counts = ?, source_errors = ? WHERE id = ?",
                        (now(), _json(counts), _json(source_errors), run_id))

    # ------------------------------------------------------------------ queries

    def _scalar(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql, args).fetchone()[0]

    def search(self, query: str | None = None, *, site: str | None = None, since: str | None = None,
               until: str | None = None, entity: str | None = None, speaker: str | None = None,
               place: str | None = None, country: str | None = None, event: str | None = None,
               actor: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """Articles matching an FTS5 ``query`` (words, "phrases", AND/OR/NOT, prefix*) and the
        filters, best match first (newest first without a query); ``place``, ``country``,
        ``event`` (a PLOVER category) and ``actor`` as ``store.filters.search_filters`` reads them."""
        where, args = search_filters(site=site, since=since, until=until, entity=entity,
                                     speaker=speaker, place=place, country=country, event=event, actor=actor,
                                     has_places="places" not in self.absent,
                                     has_events="events" not in self.absent)
        cols = "a.id, a.title, a.published, a.url, a.site_name, a.words, a.capture_id"
        if query and query.strip():
            sql = (f"SELECT {cols}, snippet(articles_fts, 1, '[', ']', ' … ', 16) AS snippet,"
                   " bm25(articles_fts) AS score FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
                   " WHERE articles_fts MATCH ?" + "".join(f" AND {w}" for w in where) +
                   " ORDER BY score LIMIT ?")
            try:
                rows = self.conn.execute(sql, [query, *args, limit]).fetchall()
            except sqlite3.OperationalError:
                # not valid FTS5 syntax (e.g. "U.S." or a stray quote): search the words as given
                safe = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
                rows = self.conn.execute(sql, [safe, *args, limit]).fetchall()
        else:
            sql = (f"SELECT {cols}, substr(a.text, 1, 160) AS snippet, NULL AS score FROM articles a"
                   + (" WHERE " + " AND ".join(where) if where else "") +
                   " ORDER BY a.published IS NULL, a.published DESC, a.id LIMIT ?")
            rows = self.conn.execute(sql, [*args, limit]).fetchall()
        return [dict(r) for r in rows]

    def article_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY id")]

    def iter_articles(self, batch: int = 200) -> Iterator[dict[str, Any]]:
        """Every article as a plain dict (Article.to_dict() fields plus ``id``, ``capture_id``,
        origin and version), with its ``entities``, ``quotes``, ``amounts``, ``dates``, ``places``
        and ``events``."""
        ids = self.article_ids()
        for i in range(0, len(ids), batch):
            chunk = ids[i:i + batch]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                "SELECT a.*, c.origin_kind, c.origin_path, c.origin_record_id, c.origin_offset, c.origin_line,"
                f" c.fetched_at FROM articles a JOIN captures c ON c.id = a.capture_id WHERE a.id IN ({marks})"
                " ORDER BY a.id", chunk).fetchall()
            facts: dict[str, dict[int, list[dict]]] = {t: {} for t in FACT_TABLES}
            for table in ("entities", "quotes", "amounts", "dates", "mentions", "places", "events"):
                if table in self.absent:
                    continue
                for r in self.conn.execute(f"SELECT * FROM {table} WHERE article_id IN ({marks}) ORDER BY id",
                                           chunk):
                    facts[table].setdefault(r["article_id"], []).append(dict(r))
            for row in rows:
                yield _article_record(dict(row), facts)

    def rows(self, table: str) -> Iterator[sqlite3.Row]:
        if table not in TABLES + ("runs",):
            raise ValueError(f"unknown table {table}")
        if table in self.absent:
            return self.conn.execute("SELECT 1 WHERE 0")
        order = "article_id, place_key" if table == "article_places" else "rowid"
        return self.conn.execute(f"SELECT * FROM {table} ORDER BY {order}")

    def corpus_fields(self) -> dict[int, tuple[int | None, int | None]]:
        """``{article id: (syndication_group, story_id)}`` from the corpus passes (articles
        they have not seen yet are absent; a store older than them gives ``{}``)."""
        try:
            return {r[0]: (r[1], r[2]) for r in self.conn.execute(
                "SELECT article_id, syndication_group, story_id FROM corpus_articles")}
        except sqlite3.OperationalError:
            return {}

    def columns(self, table: str) -> list[str]:
        return [name for name, _ in self.column_types(table)]

    def column_types(self, table: str) -> list[tuple[str, str]]:
        """(name, declared type) of each column of ``table`` (the same for every backend; a
        table this older store lacks has the schema's columns)."""
        if table in self.absent:
            return schema_columns(table)
        return [(r[1], str(r[2])) for r in self.conn.execute(f"PRAGMA table_info({table})")]


def _article_record(row: dict[str, Any], facts: dict[str, dict[int, list[dict]]]) -> dict[str, Any]:
    aid = row["id"]
    mentions_by_entity: dict[int, list[list[int]]] = {}
    for m in facts["mentions"].get(aid, []):
        mentions_by_entity.setdefault(m["entity_id"], []).append([m["start"], m["end"]])
    record = {
        "id": aid,
        "capture_id": row["capture_id"],
        "url": row["url"],
        "title": row["title"],
        "published": row["published"],
        "authors": json.loads(row["authors"]),
        "site_name": row["site_name"],
        "language": row["language"],
        "source_kind": row["source_kind"],
        "words": row["words"],
        "text": row["text"],
        "origin": {"kind": row["origin_kind"], "path": row["origin_path"], "record_id": row["origin_record_id"],
                   "offset": row["origin_offset"], "line": row["origin_line"]},
        "fetched_at": row["fetched_at"],
        "nutgraf_version": row["nutgraf_version"],
        "settings_hash": row["settings_hash"],
        "entities": [{"name": e["name"], "label": e["label"], "aliases": json.loads(e["aliases"]),
                      "mentions": mentions_by_entity.get(e["id"], [])} for e in facts["entities"].get(aid, [])],
        "quotes": [{"text": q["text"], "start": q["start"], "end": q["end"], "kind": q["kind"],
                    "speaker": q["speaker"], "speaker_label": q["speaker_label"],
                    "speaker_span": None if q["speaker_start"] is None else [q["speaker_start"], q["speaker_end"]],
                    "cue": q["cue"],
                    "cue_span": None if q["cue_start"] is None else [q["cue_start"], q["cue_end"]],
                    "direct_parts": json.loads(q["direct_parts"])} for q in facts["quotes"].get(aid, [])],
        "amounts": [{"text": m["text"], "start": m["start"], "end": m["end"], "value": m["value"],
                     "value_text": m["value_text"], "lower_bound": m["lower_bound"], "upper_bound": m["upper_bound"],
                     "unit": m["unit"], "object": m["object"], "per": m["per"],
                     "approximate": bool(m["approximate"]), "vague": bool(m["vague"]), "source": m["source"],
                     "source_span": None if m["source_start"] is None else [m["source_start"], m["source_end"]]}
                    for m in facts["amounts"].get(aid, [])],
        "dates": [{"text": d["text"], "start": d["start"], "end": d["end"], "value": d["value"],
                   "relative": bool(d["relative"]), "granularity": d["granularity"]}
                  for d in facts["dates"].get(aid, [])],
        "places": [place_record(p) for p in facts.get("places", {}).get(aid, [])],
    }
    record["events"] = [event_record(e, record["places"], record["dates"]) for e in facts.get("events", {}).get(aid, [])]
    return record


def open_store(path: str | Path, *, readonly: bool = False) -> Any:
    """The store at ``path``: a SQLite file, or with a ``postgresql://`` URL a
    ``store.postgres.PostgresStore`` (same methods)."""
    text = str(path)
    if text.startswith(("postgresql://", "postgres://")):
        from nutgraf.store.postgres import PostgresStore

        return PostgresStore(text, readonly=readonly)
    return SQLiteStore(path, readonly=readonly)
