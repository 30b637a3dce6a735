"""What the SQLite and PostgreSQL stores share beyond SQL dialect: decisions made from
their answers, written once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from nutgraf.model import Place
from nutgraf.store.schema import TABLES

# The columns of a ``places`` row as the stores insert them (``id`` is the database's).
PLACE_COLUMNS = ("article_id", "start", "end", "text", "name", "geonames_id", "lat", "lon", "country_code",
                 "country_fips", "admin1", "admin1_name", "feature_class", "feature_code", "population",
                 "confidence", "evidence", "kind", "entity", "entity_id")
ARTICLE_PLACE_COLUMNS = ("article_id", "place_key", "geonames_id", "name", "lat", "lon", "country_code",
                         "country_fips", "admin1", "admin1_name", "feature_code", "mentions", "first_start")
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
