"""Server-rendered SVG maps: country outlines and places as points, with no script.

- **Projection**: equirectangular.  Map units are tenths of a degree (``x = lon * 10``,
  ``y = -lat * 10``), so the outlines are integer paths, built once per process (per level
  of detail) and cached; a map's view is only its ``viewBox``, fitted to its points with
  padding, or the whole world when they are spread out.
- **Outlines**: the offline gazetteer's low-resolution Natural Earth countries
  (``Gazetteer.shapes()``); only the countries inside the view are written.  Without a
  gazetteer (``GazetteerMissing``) the map is points on a plain graticule, with a note.
- **Points**: a circle per place, its area growing with its mention count, each inside an
  ``<a>`` to the place's page with a ``<title>`` (hover) and an ``aria-label``.  The pages
  print the same places as a list beside the map, so nothing relies on the picture.

Every text piece is escaped; the result is ``Markup`` (templates print it without
``|safe``).  There are no ``style`` attributes (the CSP forbids inline styles): sizes are
attributes, looks are classes in ``static/style.css``.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import quote

from markupsafe import Markup, escape

# world view: Antarctica's interior left out unless a point is there
WORLD = (-180.0, 84.0, 360.0, 144.0)  # lon0, lat_top, width, height (degrees)
MIN_SPAN = 16.0  # degrees: the narrowest view (one city is seen with its surroundings)
PAD = 0.18  # of the points' extent, on each side
WORLD_BEYOND = (200.0, 100.0)  # wider or taller than this: the world view
MAX_POINTS = 1000

# GeoNames feature codes, said in words
FEATURES = {
    "CONT": "continent", "RGN": "region", "PCLI": "country", "PCL": "country", "PCLD": "dependent territory",
    "PCLF": "freely associated state", "PCLS": "semi-independent state", "PCLIX": "section of a country",
    "TERR": "territory", "ADM1": "first-order division (state, province, region)", "ADM2": "second-order division",
    "ADM3": "third-order division", "ADM4": "fourth-order division", "ADMD": "administrative division",
    "PPL": "city, town or village", "PPLA": "seat of a first-order division", "PPLA2": "seat of a second-order division",
    "PPLA3": "seat of a third-order division", "PPLA4": "seat of a fourth-order division", "PPLC": "capital",
    "PPLG": "seat of government", "PPLX": "section of a populated place", "PPLL": "locality",
    "ISL": "island", "ISLS": "islands", "PEN": "peninsula", "MTS": "mountains", "MT": "mountain", "SEA": "sea",
    "OCN": "ocean", "GULF": "gulf", "LK": "lake", "STM": "stream or river", "BAY": "bay", "STRT": "strait",
    "DSRT": "desert", "VAL": "valley", "PRK": "park", "AIRP": "airport", "PRT": "port",
}


def feature_name(code: str | None) -> str:
    return FEATURES.get(code or "", code or "")


def place_href(key: Any, api: bool = False) -> str:
    """The place page of ``key`` (a GeoNames id, or ``name:<name>``), quoted for a URL path
    (``api``: its JSON twin)."""
    return ("/api/places/" if api else "/place/") + quote(str(key), safe=":")


@dataclass(frozen=True)
class MapPoint:
    key: str
    name: str
    lon: float
    lat: float
    count: int = 1  # mentions: the circle's size
    title: str = ""  # hover text and accessible name
    href: str = ""
    events: int = 0  # events that happened there (drawn in the events' colour)


# --------------------------------------------------------------------------- outlines


class _Basemap:
    """Country paths per level of detail, built on first use and kept for the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shapes: list[tuple[str, str, list]] | None = None
        self._note: str | None = None
        self._levels: dict[int, list[tuple[float, float, float, float, str, str]]] = {}
        self._names: dict[str, str] = {}

    def _load(self) -> None:
        if self._shapes is not None:
            return
        try:
            from nutgraf.facts.places.gazetteer import GazetteerMissing, open_gazetteer

            try:
                shapes = open_gazetteer().shapes()
            except GazetteerMissing as err:
                self._note = f"Country outlines are unavailable ({err}); the places are drawn on a plain grid."
                shapes = []
        except Exception as err:  # noqa: BLE001 - a broken gazetteer must not break a page
            self._note = f"Country outlines are unavailable ({type(err).__name__}); the places are drawn on a plain grid."
            shapes = []
        self._names = {code: name for code, name, _ in shapes if code and name}
        self._shapes = shapes

    @property
    def note(self) -> str | None:
        with self._lock:
            self._load()
        return self._note

    def country_name(self, code: str | None) -> str | None:
        with self._lock:
            self._load()
            if not code or code in self._names:
                return self._names.get(code or "")
            name = None
            if self._note is None:  # a country without an outline (Serbia, small islands): its gazetteer entry
                try:
                    from nutgraf.facts.places.gazetteer import open_gazetteer

                    entry = open_gazetteer().country(code)
                    name = entry.name if entry is not None else None
                except Exception:  # noqa: BLE001 - a name is a nicety
                    name = None
            if len(self._names) < 2000:
                self._names[code] = name  # type: ignore[assignment]
            return name

    def level(self, tolerance: int) -> list[tuple[float, float, float, float, str, str]]:
        """(min x, min y, max x, max y, ISO code, ``<path>`` element) per country, with points
        closer than ``tolerance`` map units to the last kept one dropped."""
        with self._lock:
            cached = self._levels.get(tolerance)
            if cached is not None:
                return cached
            self._load()
            out = []
            for code, name, rings in self._shapes or []:
                built = _country_path(rings, tolerance)
                if built is None:
                    continue
                d, box = built
                out.append((*box, code, f'<path class="land" data-country="{escape(code)}" d="{d}">'
                                        f"<title>{escape(name)}</title></path>"))
            self._levels[tolerance] = out
            return out

    def reset(self) -> None:
        with self._lock:
            self._shapes = None
            self._note = None
            self._levels = {}
            self._names = {}


def _country_path(rings: Any, tolerance: int) -> tuple[str, tuple[float, float, float, float]] | None:
    parts: list[str] = []
    xs: list[int] = []
    ys: list[int] = []
    for ring in rings or []:
        pts: list[tuple[int, int]] = []
        for pt in ring or []:
            try:
                lon, lat = float(pt[0]), float(pt[1])
            except (TypeError, ValueError, IndexError):
                continue
            if not (math.isfinite(lon) and math.isfinite(lat)):
                continue
            p = (round(lon * 10), round(-lat * 10))
            if pts and abs(p[0] - pts[-1][0]) <= tolerance and abs(p[1] - pts[-1][1]) <= tolerance:
                continue
            pts.append(p)
        if len(pts) > 1 and pts[-1] == pts[0]:
            pts.pop()
        if len(pts) < 3:
            continue
        x0, y0 = pts[0]
        steps = " ".join(f"{b[0] - a[0]} {b[1] - a[1]}" for a, b in zip(pts, pts[1:])).replace(" -", "-")
        parts.append(f"M{x0} {y0}l{steps}z".replace(" -", "-"))
        xs += [p[0] for p in pts]
        ys += [p[1] for p in pts]
    if not parts:
        return None
    return "".join(parts), (min(xs), min(ys), max(xs), max(ys))


BASEMAP = _Basemap()


def country_name(code: str | None) -> str | None:
    """A country's name from its ISO code (the gazetteer's outlines), or None."""
    return BASEMAP.country_name(code)


_ISO3: dict[str, str] = {}


def country_iso3(code: str | None) -> str | None:
    """ISO 3166-1 alpha-3 of an alpha-2 code (as event actors carry countries), or None
    (no gazetteer, no such country)."""
    if not code or code in _ISO3:
        return _ISO3.get(code or "")
    if BASEMAP.note is not None:
        return None
    try:
        from nutgraf.facts.places.gazetteer import open_gazetteer

        found = open_gazetteer().country_iso3(code)
    except Exception:  # noqa: BLE001 - a code is a nicety
        return None
    if found and len(_ISO3) < 2000:
        _ISO3[code] = found
    return found


# --------------------------------------------------------------------------- views


def _valid(p: MapPoint) -> bool:
    return (isinstance(p.lon, (int, float)) and isinstance(p.lat, (int, float)) and math.isfinite(p.lon)
            and math.isfinite(p.lat) and -180.0 <= p.lon <= 180.0 and -90.0 <= p.lat <= 90.0)


def min_span(feature_code: str | None) -> float:
    """The narrowest view around one place of this kind: a country or a continent is seen
    with its neighbours, a region with its country, a city with its surroundings."""
    code = feature_code or ""
    if code.startswith("PCL") or code in ("CONT", "RGN", "OCN", "SEA", "TERR"):
        return 60.0
    if code == "ADM1":
        return 28.0
    return MIN_SPAN


def fit_view(points: Sequence[MapPoint], span: float = MIN_SPAN) -> tuple[float, float, float, float]:
    """(lon0, lat_top, width, height) in degrees: the points with padding (at least ``span``
    degrees across), at an aspect between 1.5:1 and 2.5:1, or the world when they are
    spread out (or there are none)."""
    if not points:
        return WORLD
    lons = [p.lon for p in points]
    lats = [p.lat for p in points]
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    w = max(x1 - x0, span) * (1 + 2 * PAD)
    h = max(y1 - y0, span / 2) * (1 + 2 * PAD)
    w = max(w, 1.5 * h)
    h = max(h, w / 2.5)
    if w > WORLD_BEYOND[0] or h > WORLD_BEYOND[1]:
        bottom = min(WORLD[1] - WORLD[3], y0 - 4)
        return WORLD[0], WORLD[1], WORLD[2], WORLD[1] - max(bottom, -90.0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left = min(max(cx - w / 2, -180.0), 180.0 - w)
    top = max(min(cy + h / 2, 90.0), -90.0 + h)
    return left, top, w, h


def _tolerance(view_w: float) -> int:
    """Map units of detail a view needs: about half a pixel at 720 pixels across."""
    if view_w >= 120:
        return 3
    if view_w >= 40:
        return 1
    return 0


def _graticule(lon0: float, top: float, w: float, h: float) -> str:
    step = 30 if w > 120 else 10 if w > 30 else 5
    d = []
    lon = math.ceil(lon0 / step) * step
    while lon <= lon0 + w:
        d.append(f"M{round(lon * 10)} {round(-top * 10)}V{round(-(top - h) * 10)}")
        lon += step
    lat = math.floor(top / step) * step
    while lat >= top - h:
        d.append(f"M{round(lon0 * 10)} {round(-lat * 10)}H{round((lon0 + w) * 10)}")
        lat -= step
    return f'<path class="grat" d="{"".join(d)}"/>'


def _labels(marks: list[tuple[float, float, float, MapPoint]], scale: float, view: tuple[float, float],
            limit: int = 12) -> list[str]:
    """Names beside the most mentioned points, each where it overlaps no name already
    written and stays inside the view (``view``: its left and right edge in map units):
    right of its point, else left, else none; at most ``limit`` of them."""
    placed: list[tuple[float, float, float, float]] = []  # boxes in pixels
    out = []
    for cx, cy, r_px, p in marks:
        if len(out) >= limit:
            break
        px, py = cx / scale, cy / scale
        width = 6.2 * len(p.name) + 2
        for side in (1, -1):
            x0 = px + r_px + 2 if side == 1 else px - r_px - 2 - width
            box = (x0, py - 8, x0 + width, py + 5)
            if box[0] < view[0] / scale or box[2] > view[1] / scale:
                continue
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                placed.append(box)
                anchor = "" if side == 1 else ' text-anchor="end"'
                x = px + (r_px + 2) * side
                out.append(f'<text x="{round(x * scale, 1)}" y="{round(cy + 4 * scale, 1)}"{anchor} '
                           f'stroke-width="{round(3 * scale, 2)}">{escape(p.name)}</text>')
                break
    return out


def map_svg(points: Sequence[MapPoint], *, width: int = 720, label: str = "Map of places",
            selected_country: str | None = None, world: bool = False, map_id: str = "place-map",
            labels: bool | None = None, span: float = MIN_SPAN) -> Markup:
    """A ``<figure>`` with the SVG map of ``points`` (those without a usable coordinate are
    left out; at most ``MAX_POINTS``, the most mentioned)."""
    good = sorted((p for p in points if _valid(p)), key=lambda p: (-p.count, p.name, p.key))[:MAX_POINTS]
    lon0, top, w, h = WORLD if world else fit_view(good, span)
    height = max(120, round(width * h / w))
    scale = w * 10 / width  # map units per pixel
    vb = f"{round(lon0 * 10)} {round(-top * 10)} {round(w * 10)} {round(h * 10)}"
    out = [f'<figure class="map" id="{escape(map_id)}">',
           f'<svg class="map-svg" viewBox="{vb}" width="{width}" height="{height}" role="group" '
           f'aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">',
           f'<rect class="sea" x="{round(lon0 * 10)}" y="{round(-top * 10)}" width="{round(w * 10)}" '
           f'height="{round(h * 10)}"/>']
    # the basemap: decoration (the points and the list carry the information)
    out.append('<g class="basemap" aria-hidden="true">')
    out.append(_graticule(lon0, top, w, h))
    vx0, vy0, vx1, vy1 = lon0 * 10, -top * 10, (lon0 + w) * 10, (-top + h) * 10
    sel = (selected_country or "").upper()
    for bx0, by0, bx1, by1, code, path in BASEMAP.level(_tolerance(w)):
        if bx1 < vx0 or bx0 > vx1 or by1 < vy0 or by0 > vy1:
            continue
        if sel and code == sel:
            path = path.replace('class="land"', 'class="land sel"', 1)
        out.append(path)
    out.append("</g>")
    peak = max((p.count for p in good), default=1) or 1
    out.append('<g class="points">')
    marks = []
    for p in good:  # biggest first, so the smaller circles stay on top and can be clicked
        r_px = 4.5 + 8.5 * math.sqrt(max(p.count, 0) / peak) if peak > 1 else 6.0
        cx, cy = round(p.lon * 10, 1), round(-p.lat * 10, 1)
        title = p.title or p.name
        href = p.href or place_href(p.key)
        evs = f' data-events="{int(p.events)}"' if p.events else ""
        out.append(f'<a class="pt" href="{escape(href)}" data-key="{escape(p.key)}"{evs} aria-label="{escape(title)}">'
                   f'<circle cx="{cx}" cy="{cy}" r="{round(r_px * scale, 2)}" data-count="{p.count}">'
                   f"<title>{escape(title)}</title></circle></a>")
        marks.append((cx, cy, r_px, p))
    out.append("</g>")
    if labels is None:
        labels = len(good) <= 30
    if labels and marks:
        fs = round(11 * scale, 2)
        out.append(f'<g class="labels" aria-hidden="true" font-size="{fs}">')
        out += _labels(marks, scale, (lon0 * 10, (lon0 + w) * 10))
        out.append("</g>")
    out.append("</svg>")
    note = BASEMAP.note
    dropped = len(points) - len(good)
    captions = []
    if note:
        captions.append(note)
    if dropped > 0:
        captions.append(f"{_n(dropped, 'place')} without a usable point {'is' if dropped == 1 else 'are'} not drawn.")
    if captions:
        out.append(f'<figcaption class="map-note">{escape(" ".join(captions))}</figcaption>')
    out.append("</figure>")
    return Markup("".join(out))


def _n(n: Any, noun: str) -> str:
    """``1 mention``, ``3 mentions``."""
    return f"{n} {noun}{'' if str(n) == '1' else 's'}"


def points_from(rows: Sequence[dict[str, Any]], count_key: str = "mentions", noun: str = "mention") -> list[MapPoint]:
    """Map points from place rows (``key``, ``name``, ``lat``, ``lon``, counts, country); the
    circles' sizes and the titles' counts are ``count_key``, said as ``noun``."""
    pts = []
    for r in rows:
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
        except (TypeError, ValueError, KeyError):
            lat = lon = float("nan")
        count = int(r.get(count_key) or 1)
        where = ", ".join(x for x in (r.get("admin1_name"), country_name(r.get("country_code"))
                                      or r.get("country_code")) if x and x != r.get("name"))
        bits = [str(r.get("name") or r["key"])]
        if where:
            bits.append(f"({where})")
        counts = _n(r.get(count_key) or 0, noun)
        if r.get("articles") is not None:
            counts += f" in {_n(r['articles'], 'article')}"
        events = int(r.get("events") or 0)
        if events and count_key != "events":
            counts += f", {_n(events, 'event')} there"
        pts.append(MapPoint(key=str(r["key"]), name=str(r.get("name") or r["key"]), lon=lon, lat=lat, count=count,
                            title=" ".join(bits) + " — " + counts, href=place_href(r["key"]), events=events))
    return pts


@functools.lru_cache(maxsize=1)
def warm() -> None:
    """Build the outlines of every level of detail once (the server does it at start-up)."""
    for w in (WORLD[2], 60.0, 10.0):
        BASEMAP.level(_tolerance(w))
