"""What the SQLite and PostgreSQL stores share beyond SQL dialect: decisions made from
their answers, written once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from nutgraf.model import Actor, Event, Place
from nutgraf.store.schema import TABLES

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


def insert_sql(table: str, columns: Iterable[str], mark: str = "?") -> str:
    cols = list(columns)
    return (f"INSERT INTO {table} (" + ", ".join(f'"{c}"' if c == "end" else c for c in cols) +
            ") VALUES (" + ",".join([mark] * len(cols)) + ")")


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


class StoreBase:
    """Each store answers ``status(capture_id)``; the rules built on it live here."""

    # Tables of ``schema.ADDED_TABLES`` that this store lacks: an older store opened read-only
    # (a writer adds them on open).  Read as empty: counts 0, no rows, no matches.
    absent: frozenset[str] = frozenset()

    def status(self, capture_id: str) -> str | None:  # pragma: no cover - each store has its own
        raise NotImplementedError

    def _scalar(self, sql: str, args: tuple[Any, ...] = ()) -> Any:  # pragma: no cover
        """The first column of the first row; ``sql`` marks parameters with ``?``."""
        raise NotImplementedError

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
