"""One store over two dialects: everything the SQLite and PostgreSQL stores do, written once.

:class:`SQLStore` holds the shared logic — captures, issues and failures, articles with every
fact row, runs, counts, search filters, iteration, table rows, corpus fields — in ``?``
statements both databases accept (``store.dialect`` spells the few differences).  A backend
(``SQLiteStore``, ``PostgresStore``) supplies only what cannot be shared: connecting,
transactions, schema creation and columns, inserted ids where it has a faster way
(``_insert_entities``), streaming and key order of ``rows``, and full-text search
(``_ranked``).  :class:`Store` is the typed protocol both satisfy (``open_store`` returns it).

Guarantees, on both backends:

- **content-addressed**: a capture's id is the SHA-256 of its bytes; adding one that is
  already there changes nothing (``has()`` lets the pipeline skip it before any work);
- **one transaction per document**: a capture row, its article, every fact row (and with
  ``then=`` the corpus passes) commit together, so a killed process leaves whole documents
  or none;
- **one writer**: the ingest pipeline writes from one process; workers only compute.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

from nutgraf.model import Actor, Article, Event, Place
from nutgraf.sources.capture import Capture, Issue
from nutgraf.store.dialect import Connection, Dialect, missing_table, quote, records
from nutgraf.store.filters import search_filters
from nutgraf.store.schema import FACT_TABLES, TABLES, schema_columns
# The columns of a ``places`` row as the stores insert them (``id`` is the database's).
PLACE_COLUMNS = ("article_id", "start", "end", "text", "name", "geonames_id", "lat", "lon", "country_code",
                 "country_fips", "admin1", "admin1_name", "feature_class", "feature_code", "population",
                 "confidence", "evidence", "kind", "entity", "entity_id")
ARTICLE_PLACE_COLUMNS = ("article_id", "place_key", "geonames_id", "name", "lat", "lon", "country_code",
                         "country_fips", "admin1", "admin1_name", "feature_code", "mentions", "first_start")
# The columns of an ``events`` row as the stores insert them.
EVENT_COLUMNS = ("article_id", "start", "end", "text", "sentence_start", "sentence_end", "category", "mode",
                 "cameo", "score", "negated", "confidence",
                 "source_name", "source_start", "source_end", "source_entity", "source_entity_id", "source_country",
                 "source_sector",
                 "target_name", "target_start", "target_end", "target_entity", "target_entity_id", "target_country",
                 "target_sector",
                 "place_start", "place_end", "place_name", "place_geonames_id", "place_lat", "place_lon",
                 "place_country_code", "place_country_fips", "place_admin1", "place_feature_code",
                 "date_start", "date_end", "date_value")
# The entity labels an actor's entity may carry, most likely first.
_ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC")
# The entity labels a place mention's entity may carry, most likely first ('Russian' is NORP).
_PLACE_LABELS = {"name": ("GPE", "LOC", "FAC", "NORP"), "container": ("LOC", "FAC", "GPE", "NORP"),
                 "demonym": ("NORP", "GPE", "LOC", "FAC")}


def place_key(place: Place) -> str:
    """The key of a place within its article: the GeoNames id as text, else ``name:<name>``."""
    return str(place.geonames_id) if place.geonames_id is not None else f"name:{place.name}"


def place_rows(article_id: int, places: Iterable[Place],
               entity_id: Callable[[str | None, str | None], int | None]) -> list[tuple]:
    """``places`` rows (``PLACE_COLUMNS``) of an article; ``entity_id(name, label)`` is the
    store's id of the article's entity by canonical name (and label, when it has that one)."""
    rows = []
    for p in places:
        eid = None
        if p.entity:
            for label in _PLACE_LABELS.get(p.kind, _PLACE_LABELS["name"]):
                eid = entity_id(p.entity, label)
                if eid is not None:
                    break
        rows.append((article_id, int(p.start), int(p.end), p.text, p.name, p.geonames_id, p.lat, p.lon,
                     p.country_code, p.country_fips, p.admin1, p.admin1_name, p.feature_class, p.feature_code,
                     p.population, p.confidence, p.evidence, p.kind or "name", p.entity, eid))
    return rows


def article_place_rows(article_id: int, places: Iterable[Place]) -> list[tuple]:
    """``article_places`` rows (``ARTICLE_PLACE_COLUMNS``): one per distinct place, described by
    its first mention, with how many mentions (names, demonyms and containers alike) it has."""
    first: dict[str, Place] = {}
    count: dict[str, int] = {}
    for p in sorted(places, key=lambda p: (p.start, p.end)):
        key = place_key(p)
        first.setdefault(key, p)
        count[key] = count.get(key, 0) + 1
    return [(article_id, key, p.geonames_id, p.name, p.lat, p.lon, p.country_code, p.country_fips, p.admin1,
             p.admin1_name, p.feature_code, count[key], int(p.start)) for key, p in first.items()]


def place_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored ``places`` row as ``Place.to_dict()`` gives it (``Place(**record)`` rebuilds it)."""
    return {"text": row["text"], "start": row["start"], "end": row["end"], "name": row["name"],
            "geonames_id": row["geonames_id"], "lat": row["lat"], "lon": row["lon"],
            "country_code": row["country_code"], "country_fips": row["country_fips"], "admin1": row["admin1"],
            "admin1_name": row["admin1_name"], "feature_class": row["feature_class"],
            "feature_code": row["feature_code"], "population": row["population"],
            "confidence": row["confidence"] if row["confidence"] is not None else 0.0,
            "evidence": row["evidence"] or "", "kind": row["kind"], "entity": row["entity"]}


def _actor_columns(actor: Actor | None, entity_id: Callable[[str | None, str | None], int | None]) -> tuple:
    if actor is None:
        return (None,) * 7
    eid = None
    if actor.entity:
        for label in _ACTOR_LABELS:
            eid = entity_id(actor.entity, label)
            if eid is not None:
                break
    return (actor.name, int(actor.start), int(actor.end), actor.entity, eid, actor.country, actor.sector)


def event_rows(article_id: int, events: Iterable[Event],
               entity_id: Callable[[str | None, str | None], int | None]) -> list[tuple]:
    """``events`` rows (``EVENT_COLUMNS``) of an article; ``entity_id`` as for ``place_rows``."""
    rows = []
    for e in events:
        p, d = e.place, e.date
        place = ((int(p.start), int(p.end), p.name, p.geonames_id, p.lat, p.lon, p.country_code, p.country_fips,
                  p.admin1, p.feature_code) if p is not None else (None,) * 10)
        date = (int(d.start), int(d.end), d.value) if d is not None else (None,) * 3
        rows.append((article_id, int(e.start), int(e.end), e.text, int(e.sentence_start), int(e.sentence_end),
                     e.category, e.mode, e.cameo, e.score, int(bool(e.negated)), e.confidence,
                     *_actor_columns(e.source, entity_id), *_actor_columns(e.target, entity_id), *place, *date))
    return rows


def _actor_record(row: Mapping[str, Any], side: str) -> dict[str, Any] | None:
    if row[f"{side}_start"] is None:
        return None
    return {"name": row[f"{side}_name"], "start": row[f"{side}_start"], "end": row[f"{side}_end"],
            "entity": row[f"{side}_entity"], "country": row[f"{side}_country"], "sector": row[f"{side}_sector"]}


def event_record(row: Mapping[str, Any], places: Iterable[Mapping[str, Any]] = (),
                 dates: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """A stored ``events`` row as ``Event.to_dict()`` gives it.  ``places``/``dates`` are the
    article's records (``place_record``/dates dicts): the event's place and date are the ones
    at its stored spans, so they come back whole; a place row since gone is rebuilt from the
    columns copied into the event."""
    place = None
    if row["place_start"] is not None:
        place = next((p for p in places if (p["start"], p["end"]) == (row["place_start"], row["place_end"])), None)
        if place is None:
            place = {"text": "", "start": row["place_start"], "end": row["place_end"], "name": row["place_name"],
                     "geonames_id": row["place_geonames_id"], "lat": row["place_lat"], "lon": row["place_lon"],
                     "country_code": row["place_country_code"], "country_fips": row["place_country_fips"],
                     "admin1": row["place_admin1"], "admin1_name": None, "feature_class": None,
                     "feature_code": row["place_feature_code"], "population": None, "confidence": 0.0,
                     "evidence": "", "kind": "name", "entity": None}
    date = None
    if row["date_start"] is not None:
        date = next((d for d in dates if (d["start"], d["end"]) == (row["date_start"], row["date_end"])), None)
        if date is None:
            date = {"text": "", "start": row["date_start"], "end": row["date_end"], "value": row["date_value"],
                    "relative": False, "granularity": None}
    return {"category": row["category"], "text": row["text"], "start": row["start"], "end": row["end"],
            "sentence_start": row["sentence_start"], "sentence_end": row["sentence_end"], "mode": row["mode"],
            "cameo": row["cameo"], "score": row["score"], "source": _actor_record(row, "source"),
            "target": _actor_record(row, "target"), "place": place, "date": date, "negated": bool(row["negated"]),
            "confidence": row["confidence"] if row["confidence"] is not None else 0.0}


# --------------------------------------------------------------------------- the shared store


class StoreError(Exception):
    """A store that cannot be opened, created or read: the message says which and why."""


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _span(span: Any) -> tuple[int | None, int | None]:
    if span is None:
        return None, None
    return int(span[0]), int(span[1])


# The columns of each row the store writes, in the order of the values handed with them.
CAPTURE_COLUMNS = ("id", "url", "content_type", "size", "fetched_at", "origin_kind", "origin_path",
                   "origin_record_id", "origin_offset", "origin_line", "status", "error", "ingested_at")
ARTICLE_COLUMNS = ("capture_id", "url", "title", "text", "authors", "published", "site_name", "language",
                   "source_kind", "encoding", "words", "paragraphs", "evidence", "warnings", "nutgraf_version",
                   "settings_hash", "created_at")
ENTITY_COLUMNS = ("article_id", "name", "label", "aliases", "mentions")
MENTION_COLUMNS = ("entity_id", "article_id", "start", "end", "text")
QUOTE_COLUMNS = ("article_id", "start", "end", "text", "kind", "speaker", "speaker_label", "speaker_start",
                 "speaker_end", "speaker_entity_id", "cue", "cue_start", "cue_end", "direct_parts")
AMOUNT_COLUMNS = ("article_id", "start", "end", "text", "value", "value_text", "lower_bound", "upper_bound",
                  "unit", "object", "per", "approximate", "vague", "source", "source_start", "source_end",
                  "source_entity_id")
DATE_COLUMNS = ("article_id", "start", "end", "text", "value", "relative", "granularity")
RUN_COLUMNS = ("started_at", "sources", "workers", "nutgraf_version")
# The fact tables ``iter_articles`` reads, in the order it reads them.
_READ_FACTS = ("entities", "quotes", "amounts", "dates", "mentions", "places", "events")

Then = Callable[[Connection, int], Any]


@runtime_checkable
class Store(Protocol):
    """What every nutgraf store offers (``open_store`` returns one)."""

    path: str
    readonly: bool
    absent: frozenset[str]
    dialect: Dialect
    conn: Any  # the driver's own connection: sqlite3.Connection or psycopg.Connection

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def status(self, capture_id: str) -> str | None: ...

    def has(self, capture_id: str, *, retry_failed: bool = False) -> bool: ...

    def has_stored_url(self, url: str) -> bool: ...

    def counts(self) -> dict[str, int]: ...

    def add_issue(self, item: Issue) -> None: ...

    def add_failure(self, capture: Capture, error: str) -> None: ...

    def add_article(self, capture: Capture, article: Article, *, version: str, settings_hash: str,
                    then: Then | None = None) -> int | None: ...

    def start_run(self, sources: list[str], workers: int, version: str) -> int: ...

    def finish_run(self, run_id: int, counts: dict[str, int], source_errors: list[str]) -> None: ...

    def search(self, query: str | None = None, *, site: str | None = None, since: str | None = None,
               until: str | None = None, entity: str | None = None, speaker: str | None = None,
               place: str | None = None, country: str | None = None, event: str | None = None,
               actor: str | None = None, limit: int = 20) -> list[dict[str, Any]]: ...

    def article_ids(self) -> list[int]: ...

    def iter_articles(self, batch: int = 200) -> Iterator[dict[str, Any]]: ...

    def rows(self, table: str) -> Any: ...

    def corpus_fields(self) -> dict[int, tuple[int | None, int | None]]: ...

    def columns(self, table: str) -> list[str]: ...

    def column_types(self, table: str) -> list[tuple[str, str]]: ...


class SQLStore:
    """The store's logic over a ``?``-taking connection; a backend subclass connects, sets
    ``conn`` (the driver's connection), ``_con`` (the ``?``-taking one: ``conn`` itself on
    SQLite) and ``dialect``, and supplies the methods marked *backend* below."""

    path: str
    readonly: bool
    dialect: Dialect
    conn: Any
    _con: Connection
    # Tables of ``schema.ADDED_TABLES`` that this store lacks: an older store opened read-only
    # (a writer adds them on open).  Read as empty: counts 0, no rows, no matches.
    absent: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ backend

    def close(self) -> None:  # pragma: no cover - each backend has its own
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[Connection]:  # pragma: no cover
        """One transaction, committed on leaving, rolled back on an exception; yields the
        ``?``-taking connection."""
        raise NotImplementedError

    def column_types(self, table: str) -> list[tuple[str, str]]:  # pragma: no cover
        """(name, declared SQLite type) of each column of ``table``."""
        raise NotImplementedError

    def _ranked(self, query: str, where: list[str], args: list[Any], cols: str,
                limit: int) -> list[dict[str, Any]]:  # pragma: no cover
        """Full-text search: the ``limit`` best matches of ``query`` among ``articles a``
        meeting ``where``, as ``cols`` plus ``snippet`` and ``score`` (lower is better)."""
        raise NotImplementedError

    def _order_key(self, table: str) -> str:  # pragma: no cover
        """What ``rows`` orders ``table`` by."""
        raise NotImplementedError

    def _stream(self, sql: str) -> Any:
        """A cursor over the rows of ``sql``, as cheap in memory as the backend allows."""
        return self._con.execute(sql)

    def _insert_entities(self, con: Connection, article_id: int, entities: list[Any]) -> list[int]:
        """Store an article's entities; their ids, in order.  One insert each, the id from
        the database; a backend may know a faster way."""
        sql = self.dialect.insert("entities", ENTITY_COLUMNS, returning="id")
        return [self.dialect.inserted_id(con.execute(sql, (article_id, e.name, e.label, _json(list(e.aliases)),
                                                            len(e.mentions))))
                for e in entities]

    # ------------------------------------------------------------------ shared

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _scalar(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        """The first column of the first row; ``sql`` marks parameters with ``?``."""
        return self._con.execute(sql, args).fetchone()[0]

    def status(self, capture_id: str) -> str | None:
        row = self._con.execute("SELECT status FROM captures WHERE id = ?", (capture_id,)).fetchone()
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        """Rows per table, and captures per status."""
        out = {t: 0 if t in self.absent else self._scalar(f"SELECT count(*) FROM {t}") for t in TABLES}
        for status in ("ok", "failed", "skipped"):
            out[f"captures_{status}"] = self._scalar("SELECT count(*) FROM captures WHERE status = ?", (status,))
        return out

    def has(self, capture_id: str, *, retry_failed: bool = False) -> bool:
        """Whether this capture needs no work: stored, and (with ``retry_failed``) not failed."""
        status = self.status(capture_id)
        if status is None:
            return False
        return not (retry_failed and status == "failed")

    def has_stored_url(self, url: str) -> bool:
        """Whether an article captured from ``url`` is stored: a capture with status ``ok``
        whose URL (after redirects) is ``url``, or which was fetched from ``url`` (the URL as
        asked for, before redirects: a feed's tracking links, http -> https).  Failed and
        skipped captures do not count, so their URLs are fetched again.  Two indexed lookups
        (``captures_url``, ``captures_origin``), cheap next to the request they save."""
        return bool(self._scalar(
            "SELECT EXISTS (SELECT 1 FROM captures WHERE url = ? AND status = 'ok')"
            " OR EXISTS (SELECT 1 FROM captures WHERE origin_kind = 'web' AND origin_path = ? AND status = 'ok')",
            (url, url)))

    # ------------------------------------------------------------------ writes

    def _capture_row(self, con: Connection, item: Capture | Issue, status: str, error: str | None) -> bool:
        """Write a capture row; whether it was written (not when one with its id is stored:
        a failed capture being retried is replaced, anything else stays)."""
        con.execute("DELETE FROM captures WHERE id = ? AND status = 'failed'", (item.id,))
        o = item.origin
        cur = con.execute(self.dialect.insert("captures", CAPTURE_COLUMNS, ignore=True),
                          (item.id, item.url, item.content_type, item.size, item.fetched_at, o.kind, o.path,
                           o.record_id, o.offset, o.line, status, error, now()))
        return cur.rowcount == 1

    def add_issue(self, item: Issue) -> None:
        with self.transaction() as con:
            self._capture_row(con, item, item.status, item.reason)

    def add_failure(self, capture: Capture, error: str) -> None:
        with self.transaction() as con:
            self._capture_row(con, capture, "failed", error)

    def add_article(self, capture: Capture, article: Article, *, version: str, settings_hash: str,
                    then: Then | None = None) -> int | None:
        """Store a capture and its article with all facts, in one transaction.  Returns the
        article id, or None when the capture was already stored.  ``then(con, article_id)``,
        when given, runs inside that transaction after the inserts (the ingest writer's
        corpus passes: one commit per document); an exception from it rolls everything back."""
        with self.transaction() as con:
            if con.execute("SELECT 1 FROM captures WHERE id = ? AND status != 'failed'", (capture.id,)).fetchone():
                return None
            if not self._capture_row(con, capture, "ok", None):
                return None  # another writer stored it meanwhile
            article_id = self._insert_article(con, capture.id, article, version, settings_hash)
            if then is not None:
                then(con, article_id)
            return article_id

    def _insert_article(self, con: Connection, capture_id: str, a: Article, version: str,
                        settings_hash: str) -> int:
        d = self.dialect
        article_id = d.inserted_id(con.execute(d.insert("articles", ARTICLE_COLUMNS, returning="id"), (
            capture_id, a.url, a.title, a.text, _json(list(a.authors)), a.published, a.site_name, a.language,
            a.source_kind, a.encoding, a.words, _json([p.to_dict() for p in a.paragraphs]),
            _json({k: v.to_dict() for k, v in a.evidence.items()}), _json(list(a.warnings)), version,
            settings_hash, now())))
        entities = list(a.entities)
        eids = self._insert_entities(con, article_id, entities) if entities else []
        by_name: dict[str, int] = {}
        by_name_label: dict[tuple[str, str], int] = {}
        for eid, e in zip(eids, entities):
            by_name.setdefault(e.name, eid)
            by_name_label.setdefault((e.name, e.label), eid)

        def entity_id(name: str | None, label: str | None) -> int | None:
            if not name:
                return None
            return by_name_label.get((name, label or "")) or by_name.get(name)

        text = a.text
        rows: dict[str, list[tuple]] = {
            "mentions": [(eid, article_id, s, t, text[s:t]) for eid, e in zip(eids, entities) for s, t in e.mentions],
            "quotes": [(article_id, q.start, q.end, q.text, q.kind, q.speaker, q.speaker_label, *_span(q.speaker_span),
                        entity_id(q.speaker, q.speaker_label), q.cue, *_span(getattr(q, "cue_span", None)),
                        _json([list(p) for p in (q.direct_parts or [])])) for q in a.quotes],
            "amounts": [(article_id, m.start, m.end, m.text, m.value, m.value_text, m.lower_bound, m.upper_bound,
                         m.unit, m.object, m.per, int(bool(m.approximate)), int(bool(m.vague)), m.source,
                         *_span(m.source_span), entity_id(m.source, None)) for m in a.amounts],
            "dates": [(article_id, dd.start, dd.end, dd.text, dd.value, int(bool(dd.relative)), dd.granularity)
                      for dd in a.dates],
            "places": place_rows(article_id, a.places, entity_id) if a.places else [],
            "article_places": article_place_rows(article_id, a.places) if a.places else [],
            "events": event_rows(article_id, a.events, entity_id) if a.events else [],
        }
        for table, values in rows.items():
            if values:
                con.executemany(d.insert(table, _FACT_COLUMNS[table]), values)
        return article_id

    # ------------------------------------------------------------------ runs

    def start_run(self, sources: list[str], workers: int, version: str) -> int:
        with self.transaction() as con:
            return self.dialect.inserted_id(con.execute(
                self.dialect.insert("runs", RUN_COLUMNS, returning="id"),
                (now(), _json(list(sources)), workers, version)))

    def finish_run(self, run_id: int, counts: dict[str, int], source_errors: list[str]) -> None:
        with self.transaction() as con:
            con.execute("UPDATE runs SET finished_at = ?, counts = ?, source_errors = ? WHERE id = ?",
                        (now(), _json(counts), _json(source_errors), run_id))

    # ------------------------------------------------------------------ queries

    def search(self, query: str | None = None, *, site: str | None = None, since: str | None = None,
               until: str | None = None, entity: str | None = None, speaker: str | None = None,
               place: str | None = None, country: str | None = None, event: str | None = None,
               actor: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """Articles matching a full-text ``query`` in FTS5 syntax (words, "phrases",
        AND/OR/NOT, prefix*) and the filters, best match first (newest first without a
        query); ``place``, ``country``, ``event`` (a PLOVER category) and ``actor`` as
        ``store.filters.search_filters`` reads them."""
        where, args = search_filters(site=site, since=since, until=until, entity=entity, speaker=speaker,
                                     place=place, country=country, event=event, actor=actor, dialect=self.dialect,
                                     has_places="places" not in self.absent,
                                     has_events="events" not in self.absent)
        cols = "a.id, a.title, a.published, a.url, a.site_name, a.words, a.capture_id"
        if query and query.strip():
            return self._ranked(query, where, args, cols, limit)
        sql = (f"SELECT {cols}, substr(a.text, 1, 160) AS snippet, NULL AS score FROM articles a"
               + (" WHERE " + " AND ".join(where) if where else "") +
               " ORDER BY a.published IS NULL, a.published DESC, a.id LIMIT ?")
        return records(self._con.execute(sql, [*args, limit]))

    def article_ids(self) -> list[int]:
        return [r[0] for r in self._con.execute("SELECT id FROM articles ORDER BY id").fetchall()]

    def iter_articles(self, batch: int = 200) -> Iterator[dict[str, Any]]:
        """Every article as a plain dict (Article.to_dict() fields plus ``id``, ``capture_id``,
        origin and version), with its ``entities``, ``quotes``, ``amounts``, ``dates``, ``places``
        and ``events``."""
        ids = self.article_ids()
        # the declared columns, not a.*: PostgreSQL's stored FTS vector would come along
        article_cols = ", ".join(f"a.{quote(c)}" for c in self.columns("articles"))
        for i in range(0, len(ids), batch):
            chunk = ids[i:i + batch]
            in_articles, args = self.dialect.among("a.id", chunk)
            rows = records(self._con.execute(
                f"SELECT {article_cols}, c.origin_kind, c.origin_path, c.origin_record_id, c.origin_offset,"
                f" c.origin_line, c.fetched_at FROM articles a JOIN captures c ON c.id = a.capture_id"
                f" WHERE {in_articles} ORDER BY a.id", args))
            in_chunk, args = self.dialect.among("article_id", chunk)
            facts: dict[str, dict[int, list[dict]]] = {t: {} for t in FACT_TABLES}
            for table in _READ_FACTS:
                if table in self.absent:
                    continue
                for r in records(self._con.execute(f"SELECT * FROM {table} WHERE {in_chunk} ORDER BY id", args)):
                    facts[table].setdefault(r["article_id"], []).append(r)
            for row in rows:
                yield article_record(row, facts)

    def rows(self, table: str) -> Any:
        """A cursor over every row of ``table`` (its declared columns, in key order)."""
        if table not in TABLES + ("runs",) and not schema_columns(table):
            raise ValueError(f"unknown table {table}")
        cols = self.columns(table)
        if table in self.absent:  # an older store, read-only: the table reads as empty
            return self._con.execute("SELECT " + ", ".join(f"NULL AS {quote(c)}" for c in cols) + " WHERE 1 = 0")
        return self._stream(f"SELECT {', '.join(quote(c) for c in cols)} FROM {quote(table)}"
                            f" ORDER BY {self._order_key(table)}")

    def corpus_fields(self) -> dict[int, tuple[int | None, int | None]]:
        """``{article id: (syndication_group, story_id)}`` from the corpus passes (articles
        they have not seen yet are absent; a store older than them gives ``{}``)."""
        try:
            return {r[0]: (r[1], r[2]) for r in self._con.execute(
                "SELECT article_id, syndication_group, story_id FROM corpus_articles").fetchall()}
        except missing_table():
            return {}

    def columns(self, table: str) -> list[str]:
        return [name for name, _ in self.column_types(table)]


_FACT_COLUMNS = {"mentions": MENTION_COLUMNS, "quotes": QUOTE_COLUMNS, "amounts": AMOUNT_COLUMNS,
                 "dates": DATE_COLUMNS, "places": PLACE_COLUMNS, "article_places": ARTICLE_PLACE_COLUMNS,
                 "events": EVENT_COLUMNS}


def article_record(row: dict[str, Any], facts: dict[str, dict[int, list[dict]]]) -> dict[str, Any]:
    """An ``articles`` row (with its capture's origin columns) and the fact rows of its chunk,
    as ``iter_articles`` yields it."""
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
    record["events"] = [event_record(e, record["places"], record["dates"])
                        for e in facts.get("events", {}).get(aid, [])]
    return record

