"""``nutgraf serve``: a read-only web UI and JSON API over a store.

- JSON API under ``/api`` (OpenAPI at ``/openapi.json``, a reference page made from it at
  ``/docs``, which works offline);
- server-rendered pages (Jinja2, autoescape on; no JS build step, one small script in
  ``static/app.js`` for the fact panel): search ``/``, article ``/article/{id}``, entities
  ``/entities`` and ``/entity?name=``, quotes ``/quotes``, figures ``/figures``, stories
  ``/stories`` and ``/story/{id}`` (when the store has stories), places ``/places`` and
  ``/place/{key}``, events ``/events`` (when the store has them), the travels of a quote or a
  figure ``/trace?q=``; CSV at ``/search.csv``, ``/api/quotes.csv``, ``/api/figures.csv`` and
  ``/api/events.csv``.

Routes live at module level on two routers (``api``, ``pages``) and read the store from
``request.app.state``.  Each listing's filters are declared once (``SearchParams``,
``QuoteParams``, ``FigureParams``, ``EventParams``) and serve its page, its JSON and its CSV:
the pages read bad values leniently and say so, the API refuses them with a 422.  The queries
are ``corpus.py``'s and the query layer's (``store/query.py``, shared with the CLI); charts are
``charts.py``'s.

The store, SQLite or PostgreSQL, is opened read-only (SQLite ``mode=ro`` plus ``PRAGMA
query_only``; on PostgreSQL ``default_transaction_read_only``), one connection per thread of
the server's pool (``connection.Corpus``).  Article content is hostile until proven otherwise:
every text piece is escaped, no template prints content with ``|safe`` (the highlighted
article is built from escaped pieces in ``highlight.py``), links are made only from http(s)
URLs, and every response carries a Content-Security-Policy without ``unsafe-inline`` (scripts
and styles from ``/static`` only).

Odd input never makes a 5xx: ids beyond 64 bits are not found, pages past the last show the
last, a NUL in the query string is a space, and search syntax FTS5 refuses is searched as
plain words.  The pages read their filters as text and say what they left out (a date that is
no date, '1 million' for a number); the API answers 422 for the same.  Errors are HTML pages
(with the security headers) on the site and JSON under ``/api``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterator
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

import nutgraf
from nutgraf.store.query import SearchFilters
from nutgraf.web import apidocs, charts, maps
from nutgraf.web import corpus as cq
from nutgraf.web.connection import Corpus
from nutgraf.web.charts import plural
from nutgraf.web.highlight import (article_html, describe_event, event_sentence_html, excerpt_html, marked_html,
                                   place_where, plain)

HERE = Path(__file__).resolve().parent

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware): headers on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["content-security-policy"] = CSP
                for k, v in SECURITY_HEADERS.items():
                    headers[k] = v
            await send(message)

        await self.app(scope, receive, send_with_headers)


class NoNul:
    """Pure ASGI middleware: a NUL in the query string (``%00``) is read as a space.  No filter
    wants one, FTS5 stops reading a query at it, and PostgreSQL refuses it in any text."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and b"%00" in scope.get("query_string", b""):
            scope = dict(scope)
            scope["query_string"] = re.sub(rb"%00", b"%20", scope["query_string"])
        await self.app(scope, receive, send)


# --------------------------------------------------------------------------- template helpers


def safe_href(url: Any) -> str | None:
    """A URL fit for an href: absolute http(s) only (never javascript:, data:, ...)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def _date(value: Any) -> str:
    return str(value)[:10] if value else ""


def _number(value: Any) -> str:
    if value is None:
        return ""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isfinite(v) and v.is_integer():
        return f"{v:,.0f}"
    return f"{v:,.4g}"


def _query(params: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from the current parameters with ``changes`` applied; empty values left out."""
    merged = {**params, **changes}
    clean = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(clean) if clean else "?"


def make_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # everything, whatever the template's extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = safe_href
    env.filters["date"] = _date
    env.filters["number"] = _number
    env.filters["plural"] = plural
    env.filters["marked"] = marked_html
    env.filters["place_href"] = maps.place_href
    env.filters["feature"] = maps.feature_name
    env.filters["where"] = place_where
    env.globals["excerpt"] = excerpt_html
    env.globals["event_sentence"] = event_sentence_html
    env.filters["event_title"] = describe_event
    env.globals["country_name"] = maps.country_name
    env.globals["query"] = _query
    env.globals["version"] = nutgraf.__version__
    return env


# --------------------------------------------------------------------------- csv


def _cell(value: Any) -> Any:
    """Spreadsheet-safe cell: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(rows: list[dict[str, Any]], columns: list[str], filename: str) -> StreamingResponse:
    def generate() -> Iterator[str]:
        buf = io.StringIO()
        buf.write("\ufeff")  # a UTF-8 byte order mark: Excel reads the file as UTF-8 (curly quotes, accents)
        w = csv.writer(buf)
        w.writerow(columns)
        for i, r in enumerate(rows):
            w.writerow([_cell(r.get(c)) for c in columns])
            if i % 500 == 499:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    return StreamingResponse(generate(), media_type="text/csv; charset=utf-8",
                             headers={"content-disposition": f'attachment; filename="{filename}"'})


QUOTE_CSV = ["quote_id", "article_id", "published", "site_name", "title", "url", "speaker", "speaker_label", "kind",
             "cue", "quote", "start", "end", "evidence"]
EVENT_CSV = ["id", "article_id", "happened", "published", "site_name", "title", "url", "category", "mode", "cameo",
             "score", "negated", "confidence", "text", "start", "end", "source_name", "source_entity",
             "source_country", "source_sector", "target_name", "target_entity", "target_country", "target_sector",
             "place_name", "place_geonames_id", "place_lat", "place_lon", "place_country_code", "date_value",
             "sentence", "also_total", "evidence"]
FIGURE_CSV = ["amount_id", "article_id", "published", "site_name", "title", "url", "source", "amount", "value",
              "unit", "per", "object", "approximate", "vague", "start", "end", "evidence"]


def _opt_int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _opt_float(value: str | None) -> float | None:
    try:
        v = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    return v if v is None or math.isfinite(v) else None


def _nonempty(**params: Any) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, "")}


# ----------------------------------------------------------------- odd input, reported
#
# The pages take their filters as text and read them here: a value that cannot be what the
# filter wants ('1 million' for a number, '2019-13-45' for a date) is left out, and the page
# says so (``notes``); the API answers 422 for the same (``_Reader``).

_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_ok(value: str) -> bool:
    """Whether ``value`` is a date the filters take: YYYY, YYYY-MM or YYYY-MM-DD, a real one."""
    m = _DATE_RE.fullmatch(value.strip())
    if not m:
        return False
    try:
        dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return False
    return True


def _show(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


def _date_param(value: str, what: str, notes: list[str]) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if date_ok(value):
        return value
    notes.append(f"‘{_show(value)}’ is not a date (YYYY, YYYY-MM or YYYY-MM-DD): the {what} filter was left out.")
    return None


def _int_param(value: str, what: str, notes: list[str]) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    v = _opt_int(value)
    if v is None:
        notes.append(f"‘{_show(value)}’ is not a whole number: the {what} filter was left out.")
    return v


def _float_param(value: str, what: str, notes: list[str]) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    v = _opt_float(value.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", value) else value)
    if v is None:
        notes.append(f"‘{_show(value)}’ is not a number: the {what} filter was left out.")
    return v


def _page_param(value: str, notes: list[str]) -> int:
    """A page number as given; anything else is page 1 (said so).  Out of range is clamped
    by the listing itself, once it knows how many pages there are."""
    value = (value or "").strip()
    if not value:
        return 1
    v = _opt_int(value)
    if v is None:
        notes.append(f"‘{_show(value)}’ is not a page number: showing the first page.")
        return 1
    return v


# --------------------------------------------------------------------------- reading filters


class _Reader:
    """Reads filters given as text, as a page or as the API wants them: on a page (``notes``
    a list) a value that cannot be what its filter wants is left out and said so; on the API
    (``notes`` None) it is a 422, raised by ``done()`` with every bad value at once."""

    def __init__(self, notes: list[str] | None) -> None:
        self.notes = notes
        self.bad: dict[str, Any] = {}

    def _strict(self, name: str, value: str, ok: bool, want: str) -> bool:
        if not ok:
            self.bad[name] = {"type": "value_error", "loc": ["query", name], "msg": f"Input should be {want}",
                              "input": value}
        return ok

    def date(self, name: str, value: str, what: str) -> str | None:
        if self.notes is not None:
            return _date_param(value, what, self.notes)
        value = (value or "").strip()
        ok = not value or self._strict(name, value, date_ok(value), "a date: YYYY, YYYY-MM or YYYY-MM-DD")
        return value if value and ok else None

    def int(self, name: str, value: str, what: str) -> int | None:
        if self.notes is not None:
            return _int_param(value, what, self.notes)
        value = (value or "").strip()
        v = _opt_int(value)
        self._strict(name, value, not value or v is not None, "a whole number")
        return v

    def float(self, name: str, value: str, what: str) -> float | None:
        if self.notes is not None:
            return _float_param(value, what, self.notes)
        value = (value or "").strip()
        v = _opt_float(value)
        self._strict(name, value, not value or v is not None, "a number")
        return v

    def choice(self, name: str, value: str, choices: tuple[str, ...], default: str) -> str:
        """One of ``choices``: a page takes anything else as ``default``, the API refuses it."""
        if value in choices:
            return value
        if self.notes is None:
            self._strict(name, value, False, "one of " + ", ".join(f"'{c}'" for c in choices))
        return default

    def done(self) -> None:
        if self.bad:
            raise RequestValidationError(list(self.bad.values()))


def _text(value: str) -> str | None:
    """A text filter as given; empty is none.  Not stripped: a value that was only a NUL
    (read as a space) stays given, and a filter given as nothing sensible matches nothing."""
    return value or None


def _one_of(default: str, choices: tuple[str, ...], description: str = "") -> Any:
    """A text parameter whose values the API documents (OpenAPI ``enum``) and ``_Reader.choice``
    checks: the page takes it as text, so an odd value is read as the default, not a 422."""
    return Query(default, description=description or None, json_schema_extra={"enum": list(choices)})


_DATE_HELP = "YYYY, YYYY-MM or YYYY-MM-DD"


QUOTE_SORTS = ("published", "speaker", "kind", "site", "length", "id")
FIGURE_SORTS = ("published", "source", "value", "unit", "object", "site", "id")
DIRECTIONS = ("desc", "asc")


@dataclass
class SearchParams:
    """The search's filters, as ``/``, ``/search``, ``/search.csv`` and ``/api/search`` take
    them (query parameters, text; read by ``read``)."""

    q: str = Query("", description='FTS5 query: words, "phrases", OR, NOT, prefix*')
    site: str = ""
    since: str = Query("", description=_DATE_HELP)
    until: str = Query("", description=_DATE_HELP)
    entity: str = ""
    speaker: str = ""
    story: str = Query("", description="a story id")
    place: str = Query("", description="a place's name, or a GeoNames id")
    country: str = Query("", description="ISO 3166-1 alpha-2 code of a place named")
    event: str = Query("", description="PLOVER category of an event in the article")
    actor: str = Query("", description="an event's source or target")
    sort: str = _one_of("relevance", cq.SEARCH_SORTS)

    def read(self, r: _Reader) -> SearchFilters:
        return SearchFilters(site=_text(self.site), since=r.date("since", self.since, "from"),
                             until=r.date("until", self.until, "to"), entity=_text(self.entity),
                             speaker=_text(self.speaker), story=r.int("story", self.story, "story"),
                             place=_text(self.place), country=_text(self.country), event=_text(self.event),
                             actor=_text(self.actor))

    def sort_order(self, r: _Reader) -> str:
        return r.choice("sort", self.sort, cq.SEARCH_SORTS, "relevance")

    def shown(self) -> dict[str, Any]:
        """The parameters given (for links to other pages and to the exports)."""
        return _nonempty(**{k: v.strip() for k, v in asdict(self).items()
                            if k != "sort" or v != "relevance"})


@dataclass
class QuoteParams:
    """The quote listing's filters: one definition for ``/quotes``, ``/api/quotes`` and
    ``/api/quotes.csv``."""

    speaker: str = ""
    q: str = ""
    kind: str = ""
    site: str = ""
    since: str = ""
    until: str = ""
    article: str = ""
    sort: str = _one_of("published", QUOTE_SORTS)
    dir: str = _one_of("desc", DIRECTIONS)

    def read(self, r: _Reader) -> dict[str, Any]:
        """Keyword arguments for ``corpus.quotes``."""
        return {"speaker": _text(self.speaker), "q": _text(self.q), "kind": _text(self.kind),
                "site": _text(self.site), "since": r.date("since", self.since, "from"),
                "until": r.date("until", self.until, "to"), "article": r.int("article", self.article, "article"),
                "sort": r.choice("sort", self.sort, QUOTE_SORTS, "published"),
                "direction": r.choice("dir", self.dir, DIRECTIONS, "desc")}

    def shown(self) -> dict[str, Any]:
        return _nonempty(**{k: v for k, v in asdict(self).items() if k not in ("sort", "dir")})


@dataclass
class FigureParams:
    """The figure listing's filters: one definition for ``/figures``, ``/api/figures`` and
    ``/api/figures.csv``."""

    source: str = ""
    q: str = ""
    unit: str = ""
    site: str = ""
    since: str = ""
    until: str = ""
    min_value: str = ""
    max_value: str = ""
    article: str = ""
    sort: str = _one_of("published", FIGURE_SORTS)
    dir: str = _one_of("desc", DIRECTIONS)

    def read(self, r: _Reader) -> dict[str, Any]:
        """Keyword arguments for ``corpus.figures``."""
        return {"source": _text(self.source), "q": _text(self.q), "unit": _text(self.unit),
                "site": _text(self.site), "since": r.date("since", self.since, "from"),
                "until": r.date("until", self.until, "to"),
                "min_value": r.float("min_value", self.min_value, "minimum value"),
                "max_value": r.float("max_value", self.max_value, "maximum value"),
                "article": r.int("article", self.article, "article"),
                "sort": r.choice("sort", self.sort, FIGURE_SORTS, "published"),
                "direction": r.choice("dir", self.dir, DIRECTIONS, "desc")}

    def shown(self) -> dict[str, Any]:
        return _nonempty(**{k: v for k, v in asdict(self).items() if k not in ("sort", "dir")})


@dataclass
class EventParams:
    """The event listing's filters: one definition for ``/events``, ``/api/events`` and
    ``/api/events.csv``."""

    category: str = Query("", description="PLOVER category, e.g. ASSAULT")
    actor: str = Query("", description="part of either actor's name")
    country: str = Query("", description="ISO alpha-2 (where, or an actor's country) or an actor's CAMEO "
                                         "country (RUS, NATO)")
    article: str = ""
    story: str = ""
    entity: str = Query("", description="an entity's name, as either actor")

    def read(self, r: _Reader) -> dict[str, Any]:
        """Keyword arguments for ``corpus.events`` and ``corpus.event_places``."""
        return {"category": _text(self.category), "actor": _text(self.actor), "country": _text(self.country),
                "article": r.int("article", self.article, "article"), "story": r.int("story", self.story, "story"),
                "entity": _text(self.entity)}

    def shown(self) -> dict[str, Any]:
        return _nonempty(**asdict(self))


# --------------------------------------------------------------------------- rendering


def _store(request: Request) -> Corpus:
    return request.app.state.corpus


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page: the template ``name`` with what every page needs (the nav's optional parts)."""
    store = _store(request)
    feats = store.features()
    ctx = {"request": request, "path": request.url.path,
           "has_stories": feats.has_stories and cq.any_stories(store.conn()), "has_places": feats.places,
           "has_events": feats.events, "notes": [],
           "params": dict(request.query_params), **context}
    return HTMLResponse(request.app.state.env.get_template(name).render(ctx), status_code=status_code)


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path.startswith("/openapi")


async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
    if _is_api(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    return render(request, "error.html", status_code=exc.status_code, status=exc.status_code,
                  message=str(exc.detail))


async def validation_error(request: Request, exc: RequestValidationError) -> Any:
    """Odd input: 422 JSON on the API (as FastAPI has it), an HTML page on the site (404
    for a path that names nothing, such as ``/article/abc``, else 400)."""
    errors = list(exc.errors())
    if _is_api(request):
        return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)
    in_path = any(e.get("loc", [None])[0] == "path" for e in errors)
    lines = []
    for e in errors[:10]:
        loc = e.get("loc") or []
        name = str(loc[-1]) if loc else "input"
        given = e.get("input")
        shown = f" (given ‘{_show(str(given))}’)" if isinstance(given, (str, int, float)) else ""
        lines.append(f"{name}: {e.get('msg', 'not valid')}{shown}")
    status = 404 if in_path else 400
    return render(request, "error.html", status_code=status, status=status,
                  message="Not found: " + "; ".join(lines) if in_path else "Bad request: " + "; ".join(lines))


def _with_evidence(res: dict[str, Any], base: str = "") -> dict[str, Any]:
    for r in res["results"]:
        r["evidence"] = f"{base}/article/{r['article_id']}#{r['anchor']}"
        r["place_href"] = maps.place_href(r["place_key"]) if r["place_key"] else None
    return res


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


# --------------------------------------------------------------------------- search

api = APIRouter(prefix="/api")
pages = APIRouter(include_in_schema=False)

SEARCH_CSV = ["id", "published", "site_name", "title", "url", "words", "score", "snippet", "evidence"]


def _search(request: Request, params: SearchParams, r: _Reader, page: Any = 1,
            per_page: Any = cq.PER_PAGE, most: int = cq.MAX_PER_PAGE) -> dict[str, Any]:
    store = _store(request)
    filters = params.read(r)
    sort = params.sort_order(r)
    r.done()
    return cq.search(store.conn(), store.features(), params.q, filters, sort=sort, page=page, per_page=per_page,
                     most=most)


def _search_rows(res: dict[str, Any]) -> list[dict[str, Any]]:
    """A search's rows for JSON and CSV: the snippet plain and as HTML with <mark>."""
    for r in res["results"]:
        r["snippet_html"] = str(marked_html(r["snippet"]))
        r["title_html"] = str(marked_html(r.pop("title_hl")))
        r["snippet"] = plain(r["snippet"])
    return res["results"]


@api.get("/search", tags=["articles"], summary="Full-text search with filters (the JSON export of a search)")
def api_search(request: Request, params: SearchParams = Depends(), page: int = Query(1, ge=1),
               per_page: int = Query(cq.PER_PAGE, ge=1, le=cq.MAX_PER_PAGE),
               facets: bool = Query(False, description="also count the matches by site, month, speaker, entity")
               ) -> dict[str, Any]:
    res = _search(request, params, _Reader(None), page, per_page)
    _search_rows(res)
    if facets:
        store = _store(request)
        res["facets"] = cq.facets(store.conn(), store.features(), params.q, params.read(_Reader([])))
    return res


@pages.get("/search.csv", response_class=StreamingResponse)
def search_csv(request: Request, params: SearchParams = Depends()) -> StreamingResponse:
    """Every match of a search (best first, as on the page) as CSV, up to ``CSV_MAX_ROWS``."""
    res = _search(request, params, _Reader(None), 1, cq.CSV_MAX_ROWS, most=cq.CSV_MAX_ROWS)
    rows = _search_rows(res)
    base = _base(request)
    for row in rows:
        row["evidence"] = f"{base}/article/{row['id']}"
    return _csv(rows, SEARCH_CSV, "search.csv")


@pages.get("/", response_class=HTMLResponse)
@pages.get("/search", response_class=HTMLResponse)
def search_page(request: Request, params: SearchParams = Depends(), page: str = "1") -> HTMLResponse:
    store = _store(request)
    conn, feats = store.conn(), store.features()
    notes: list[str] = []
    r = _Reader(notes)
    filters = params.read(r)
    res = cq.search(conn, feats, params.q, filters, sort=params.sort_order(r), page=_page_param(page, notes))
    if res["plain"]:
        notes.append(f"‘{_show(res['query'])}’ is not valid search syntax (quotes, AND, OR, NOT, prefix*): "
                     "it was searched as plain words.")
    shown = params.shown()
    stats = cq.counts(conn) if not shown else None
    # beside the results: facets and matches over time (all matches), and the places of this page
    counts = cq.facets(conn, feats, params.q, filters) if shown and res["total"] else None
    chart = charts.matches_chart(cq.month_series(counts["month"])) if counts else None
    found = cq.places_of_articles(conn, feats, [x["id"] for x in res["results"]], limit=200)
    place_map = maps.map_svg(maps.points_from(found), label=f"Map of the {len(found)} places named in these "
                             "results", map_id="results-map") if found else None
    return render(request, "search.html", res=res, filters=shown, form=asdict(params), notes=notes,
                  sites=cq.sites(conn), stats=stats, sorts=cq.SEARCH_SORTS, places=found, place_map=place_map,
                  facets=counts, chart=chart)


# --------------------------------------------------------------------------- articles and entities


@api.get("/stats", tags=["corpus"], summary="Counts and the optional parts of the store")
def api_stats(request: Request) -> dict[str, Any]:
    store = _store(request)
    feats = store.features()
    return {"counts": cq.counts(store.conn()), "stories": feats.has_stories, "syndication": feats.syndication is not None,
            "places": feats.places, "events": feats.events, "event_clusters": feats.event_clusters,
            "version": nutgraf.__version__}


@api.get("/articles/{article_id}", tags=["articles"],
         summary="One article: text, metadata with evidence, capture, entities, quotes, figures, dates")
def api_article(request: Request, article_id: int) -> dict[str, Any]:
    store = _store(request)
    a = cq.article(store.conn(), store.features(), article_id)
    if a is None:
        raise HTTPException(404, "no such article")
    return a


@pages.get("/article/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: int) -> HTMLResponse:
    store = _store(request)
    a = cq.article(store.conn(), store.features(), article_id)
    if a is None:
        raise HTTPException(404, "no such article")
    by_label: dict[str, list[dict[str, Any]]] = {}
    for e in a["entities"]:
        by_label.setdefault(e["label"], []).append(e)
    place_map = maps.map_svg(maps.points_from(a["places"]), width=336, map_id="article-map",
                             label=f"Map of the {len(a['places'])} places this article names") \
        if a["places"] else None
    return render(request, "article.html", a=a, body=article_html(a), entities_by_label=by_label,
                  place_map=place_map)


@api.get("/entities", tags=["entities"], summary="Entities by number of articles")
def api_entities(request: Request, q: str | None = None, label: str | None = None, page: int = Query(1, ge=1),
                 per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
    store = _store(request)
    return cq.entities(store.conn(), q=q, label=label, page=page, per_page=per_page, feats=store.features())


@api.get("/entity", tags=["entities"],
         summary="One entity: mentions per month, quotes, who quotes them, figures they gave, co-occurring")
def api_entity(request: Request, name: str = Query(description="any of its names: 'Putin' finds Vladimir Putin"),
               label: str | None = None) -> dict[str, Any]:
    store = _store(request)
    e = cq.entity(store.conn(), name, label or None, feats=store.features())
    if e is None:
        raise HTTPException(404, "no such entity")
    e["events"] = _with_evidence(cq.entity_events(store.conn(), store.features(), e["name"], label or None))
    return e


@pages.get("/entities", response_class=HTMLResponse)
def entities_page(request: Request, q: str = "", label: str = "", page: str = "1") -> HTMLResponse:
    store = _store(request)
    notes: list[str] = []
    res = cq.entities(store.conn(), q=q or None, label=label or None, page=_page_param(page, notes),
                      feats=store.features())
    return render(request, "entities.html", res=res, form={"q": q, "label": label},
                  filters=_nonempty(q=q, label=label), notes=notes)


@pages.get("/entity", response_class=HTMLResponse)
def entity_page(request: Request, name: str = "", label: str = "") -> HTMLResponse:
    store = _store(request)
    conn, feats = store.conn(), store.features()
    e = cq.entity(conn, name, label or None, feats=feats) if name.strip() else None
    if e is None:
        raise HTTPException(404, "no such entity")
    name = e["name"]
    ep = cq.entity_places(conn, feats, name, label or None, [a["id"] for a in e["articles"]])
    what = "where it is" if ep["is_place"] else "places named in its articles"
    one = ep["results"][0]["feature_code"] if ep["is_place"] and len(ep["results"]) == 1 else None
    place_map = maps.map_svg(maps.points_from(ep["results"]), map_id="entity-map", span=maps.min_span(one),
                             label=f"Map: {name}, {what}") if ep["results"] else None
    evs = cq.entity_events(conn, feats, name, label or None)
    return render(request, "entity.html", e=e, chart=charts.mentions_chart(e["timeline"]), eplaces=ep,
                  place_map=place_map, events=evs)


# --------------------------------------------------------------------------- quotes and figures


def _quotes(request: Request, params: QuoteParams, r: _Reader, **kw: Any) -> dict[str, Any]:
    filters = params.read(r)
    r.done()
    return cq.quotes(_store(request).conn(), **filters, **kw)


def _quote_evidence(res: dict[str, Any], base: str = "") -> dict[str, Any]:
    for row in res["results"]:
        row["evidence"] = f"{base}/article/{row['article_id']}#q-{row['quote_id']}"
    return res


@api.get("/quotes", tags=["facts"], summary="Quotes with their speakers")
def api_quotes(request: Request, params: QuoteParams = Depends(), page: int = Query(1, ge=1),
               per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
    return _quote_evidence(_quotes(request, params, _Reader(None), page=page, per_page=per_page))


@api.get("/quotes.csv", tags=["facts"], summary="Quotes as CSV (same filters, all rows)",
         response_class=StreamingResponse)
def api_quotes_csv(request: Request, params: QuoteParams = Depends()) -> StreamingResponse:
    res = _quote_evidence(_quotes(request, params, _Reader(None), everything=True), _base(request))
    return _csv(res["results"], QUOTE_CSV, "quotes.csv")


@pages.get("/quotes", response_class=HTMLResponse)
def quotes_page(request: Request, params: QuoteParams = Depends(), page: str = "1") -> HTMLResponse:
    notes: list[str] = []
    res = _quotes(request, params, _Reader(notes), page=_page_param(page, notes))
    shown = params.shown()
    return render(request, "quotes.html", res=res, filters=shown, form=dict(shown), notes=notes,
                  sorted_by={"sort": res["sort"], "dir": res["dir"]})


def _figures(request: Request, params: FigureParams, r: _Reader, **kw: Any) -> dict[str, Any]:
    filters = params.read(r)
    r.done()
    return cq.figures(_store(request).conn(), **filters, **kw)


def _figure_evidence(res: dict[str, Any], base: str = "") -> dict[str, Any]:
    for row in res["results"]:
        row["evidence"] = f"{base}/article/{row['article_id']}#m-{row['amount_id']}"
    return res


@api.get("/figures", tags=["facts"], summary="Figures (amounts) with who reported them")
def api_figures(request: Request, params: FigureParams = Depends(), page: int = Query(1, ge=1),
                per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
    return _figure_evidence(_figures(request, params, _Reader(None), page=page, per_page=per_page))


@api.get("/figures.csv", tags=["facts"], summary="Figures as CSV (same filters, all rows)",
         response_class=StreamingResponse)
def api_figures_csv(request: Request, params: FigureParams = Depends()) -> StreamingResponse:
    res = _figure_evidence(_figures(request, params, _Reader(None), everything=True), _base(request))
    return _csv(res["results"], FIGURE_CSV, "figures.csv")


@pages.get("/figures", response_class=HTMLResponse)
def figures_page(request: Request, params: FigureParams = Depends(), page: str = "1") -> HTMLResponse:
    notes: list[str] = []
    res = _figures(request, params, _Reader(notes), page=_page_param(page, notes))
    shown = params.shown()
    return render(request, "figures.html", res=res, filters=shown, form=dict(shown), notes=notes,
                  units=cq.units(_store(request).conn()), sorted_by={"sort": res["sort"], "dir": res["dir"]})


# --------------------------------------------------------------------------- traces

TRACE_KINDS = ("quote", "figure")


def _trace(request: Request, q: str, kind: str, r: _Reader) -> list[dict[str, Any]]:
    kind = r.choice("kind", kind, ("", *TRACE_KINDS), "")
    r.done()
    return cq.trace(_store(request).conn(), q, kind=kind or None, limit=20)


@api.get("/trace", tags=["facts"],
         summary="Where a quote or a figure travelled: first appearance, later ones, conflicting figures")
def api_trace(request: Request, q: str = Query(description="a quote's words, or a figure ('98,000')"),
              kind: str = Query("", description="quote or figure (default: a short query with a number is a "
                                                "figure)")) -> dict[str, Any]:
    return {"query": cq.clean_text(q), "results": _trace(request, q, kind, _Reader(None))}


@pages.get("/trace", response_class=HTMLResponse)
def trace_page(request: Request, q: str = "", kind: str = "") -> HTMLResponse:
    notes: list[str] = []
    results = _trace(request, q, kind, _Reader(notes)) if q.strip() else []
    return render(request, "trace.html", results=results, form={"q": q, "kind": kind}, notes=notes)


# --------------------------------------------------------------------------- places


@api.get("/places", tags=["places"], summary="Places named in the corpus, by number of articles")
def api_places(request: Request, country: str | None = Query(None, description="ISO 3166-1 alpha-2 code, e.g. GE"),
               q: str | None = Query(None, description="part of the place's name"),
               page: int = Query(1, description="clamped into 1..pages"),
               per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
    store = _store(request)
    res = cq.places(store.conn(), store.features(), country=country, q=q or None, page=page, per_page=per_page)
    for r in res["results"]:
        r["href"] = maps.place_href(r["key"])
    return res


@api.get("/places/{key:path}", tags=["places"],
         summary="One place (GeoNames id, or name:NAME) and the articles naming it, with their sentences")
def api_place(request: Request, key: str, page: int = Query(1, description="clamped into 1..pages"),
              per_page: int = Query(cq.PER_PAGE, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
    store = _store(request)
    p = cq.place(store.conn(), store.features(), key, page=page, per_page=per_page)
    if p is None:
        raise HTTPException(404, "no such place")
    p["place"]["href"] = maps.place_href(p["place"]["key"])
    return p


@pages.get("/places", response_class=HTMLResponse)
def places_page(request: Request, country: str = "", q: str = "", page: str = "1") -> HTMLResponse:
    store = _store(request)
    conn, feats = store.conn(), store.features()
    notes: list[str] = []
    page = str(_page_param(page, notes))
    code = cq.country_code(country) if country else None
    top = cq.places(conn, feats, country=country or None, q=q or None, everything=True, limit=maps.MAX_POINTS)
    if top["total"] <= len(top["results"]):  # every place is in the map's list: the table is a slice of it
        pg, per_page, offset = cq._clamped_page(_opt_int(page) or 1, 50, top["total"])
        res = {**top, "page": pg, "per_page": per_page, "pages": max(1, -(-top["total"] // per_page)),
               "results": top["results"][offset:offset + per_page]}
    else:
        res = cq.places(conn, feats, country=country or None, q=q or None, page=_opt_int(page) or 1)
    label = "Map of the places named in the corpus" + (f" in {maps.country_name(code) or code}" if code else "")
    place_map = maps.map_svg(maps.points_from(top["results"]), selected_country=code, label=label,
                             map_id="places-map") if top["results"] else None
    filters = _nonempty(country=country, q=q)
    return render(request, "places.html", res=res, place_map=place_map, filters=filters,
                  form={"country": code or country, "q": q}, countries=cq.place_countries(conn, feats), notes=notes,
                  bad_country=bool(country) and code is None)


@pages.get("/place/{key:path}", response_class=HTMLResponse)
def place_page(request: Request, key: str, page: str = "1") -> HTMLResponse:
    store = _store(request)
    notes: list[str] = []
    p = cq.place(store.conn(), store.features(), key, page=_page_param(page, notes))
    if p is None:
        raise HTTPException(404, "no such place")
    info = p["place"]
    place_map = maps.map_svg(maps.points_from([info]), map_id="place-map", span=maps.min_span(info["feature_code"]),
                             label=f"Map: where {info['name']} is")
    return render(request, "place.html", p=p, pl=info, place_map=place_map, filters={}, notes=notes)


# --------------------------------------------------------------------------- events


@api.get("/events", tags=["events"],
         summary="Events (who did what to whom, PLOVER-coded) with their spans, newest first")
def api_events(request: Request, params: EventParams = Depends(),
               page: int = Query(1, description="clamped into 1..pages"),
               per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
    r = _Reader(None)
    filters = params.read(r)
    r.done()
    store = _store(request)
    return _with_evidence(cq.events(store.conn(), store.features(), page=page, per_page=per_page, **filters))


@api.get("/events.csv", tags=["events"], summary="Events as CSV (same filters, all rows)",
         response_class=StreamingResponse)
def api_events_csv(request: Request, params: EventParams = Depends()) -> StreamingResponse:
    r = _Reader(None)
    filters = params.read(r)
    r.done()
    store = _store(request)
    res = cq.events(store.conn(), store.features(), everything=True, **filters)
    _with_evidence(res, _base(request))
    return _csv(res["results"], EVENT_CSV, "events.csv")


@pages.get("/events", response_class=HTMLResponse)
def events_page(request: Request, params: EventParams = Depends(), page: str = "1") -> HTMLResponse:
    store = _store(request)
    conn, feats = store.conn(), store.features()
    notes: list[str] = []
    filters = params.read(_Reader(notes))
    res = cq.events(conn, feats, page=_page_param(page, notes), **filters)
    found = cq.event_places(conn, feats, limit=maps.MAX_POINTS, **filters)
    event_map = maps.map_svg(maps.points_from(found, "events", "event"), map_id="events-map",
                             label=f"Map of where these {res['total']} events happened") if found else None
    return render(request, "events.html", res=res, event_map=event_map, event_places=found, filters=params.shown(),
                  form={"category": res["category"] or params.category, "actor": params.actor,
                        "country": res["country"] or params.country},
                  categories=cq.event_categories(conn, feats), notes=notes,
                  bad_category=bool(params.category) and not res["category"],
                  bad_country=bool(params.country) and not res["country"])


# --------------------------------------------------------------------------- stories


@api.get("/stories", tags=["stories"], summary="Stories (when a corpus pass has made them)")
def api_stories(request: Request, page: int = Query(1, ge=1), per_page: int = Query(20, ge=1, le=cq.MAX_PER_PAGE),
                min_articles: int = Query(1, ge=1)) -> dict[str, Any]:
    store = _store(request)
    return cq.stories(store.conn(), store.features(), page=page, per_page=per_page, min_articles=min_articles)


@api.get("/stories/{story_id}", tags=["stories"], summary="One story and its articles in time order")
def api_story(request: Request, story_id: int) -> dict[str, Any]:
    store = _store(request)
    s = cq.story(store.conn(), store.features(), story_id)
    if s is None:
        raise HTTPException(404, "no such story")
    s["events"] = _with_evidence(cq.story_events(store.conn(), store.features(), story_id))
    return s


@pages.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, page: str = "1", min: str = "2") -> HTMLResponse:
    store = _store(request)
    notes: list[str] = []
    least = _int_param(min, "least articles", notes)
    least = 2 if least is None else max(1, least)
    res = cq.stories(store.conn(), store.features(), page=_page_param(page, notes), min_articles=least)
    for s in res["results"]:
        s["strip"] = charts.time_strip(s["timeline"])
    return render(request, "stories.html", res=res, filters={"min": least} if least != 2 else {}, notes=notes)


@pages.get("/story/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: int) -> HTMLResponse:
    store = _store(request)
    conn, feats = store.conn(), store.features()
    s = cq.story(conn, feats, story_id)
    if s is None:
        raise HTTPException(404, "no such story")
    evs = cq.story_events(conn, feats, story_id)
    ev_places = cq.event_places(conn, feats, story=story_id)
    event_map = maps.map_svg(maps.points_from(ev_places, "events", "event"), map_id="story-events-map",
                             label="Map of where the story's events happened") if ev_places else None
    return render(request, "story.html", s=s, strip=charts.time_strip(s["timeline"]), events=evs,
                  event_map=event_map, event_places=ev_places)


@pages.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    return render(request, "api.html", endpoints=apidocs.endpoints(spec), info=spec.get("info", {}),
                  openapi_version=spec.get("openapi", ""))


# --------------------------------------------------------------------------- the app


# Request threads on a PostgreSQL store: each thread holds its own database connection, and
# the server's default pool (40 threads) would hold as many on a server others share.
PG_THREADS = 8


def _thread_cap(store: Corpus) -> Callable[[FastAPI], Any]:
    """Lifespan: on PostgreSQL, at most ``PG_THREADS`` request threads (so as many connections)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        maps.warm()  # the map outlines, built once per process before the first page needs them
        if store.is_postgres:
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = PG_THREADS
        yield

    return lifespan


def create_app(db: str) -> FastAPI:
    """The web app over the store at ``db`` (opened read-only; raises StoreError if it cannot be)."""
    store = Corpus(db)
    app = FastAPI(
        lifespan=_thread_cap(store),
        title="nutgraf",
        version=nutgraf.__version__,
        description="Read-only API over a nutgraf store: articles, entities, quotes and figures, each "
                    "with the character span it came from.",
        redoc_url=None,
        docs_url=None,  # our own page at /docs (apidocs.py): Swagger UI needs a CDN
    )
    app.state.corpus = store
    app.state.env = make_env()
    app.add_middleware(NoNul)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.include_router(api)
    app.include_router(pages)
    return app
