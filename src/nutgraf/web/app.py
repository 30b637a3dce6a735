"""``nutgraf serve``: a read-only web UI and JSON API over a store.

- JSON API under ``/api`` (OpenAPI at ``/openapi.json``, a reference page made from it at
  ``/docs``, which works offline);
- server-rendered pages (Jinja2, autoescape on; no JS build step, one small script in
  ``static/app.js`` for the fact panel): search ``/``, article ``/article/{id}``, entities
  ``/entities`` and ``/entity?name=``, quotes ``/quotes``, figures ``/figures``, stories
  ``/stories`` and ``/story/{id}`` (when the store has stories), places ``/places`` and
  ``/place/{key}``, events ``/events`` (when the store has them), CSV at ``/api/quotes.csv``,
  ``/api/figures.csv`` and ``/api/events.csv``.

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
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterator, Literal
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

import nutgraf
from nutgraf.web import apidocs, maps
from nutgraf.web import corpus as cq
from nutgraf.web.connection import Corpus
from nutgraf.web.highlight import (article_html, describe_event, event_sentence_html, excerpt_html, marked_html,
                                   place_where, plain)

HERE = Path(__file__).resolve().parent

SearchSort = Literal["relevance", "newest", "oldest"]
QuoteSort = Literal["published", "speaker", "kind", "site", "length", "id"]
FigureSort = Literal["published", "source", "value", "unit", "object", "site", "id"]
Direction = Literal["asc", "desc"]

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


def _plural(n: Any, word: str, many: str | None = None) -> str:
    """``1 article``, ``2 articles``, ``1,200 articles`` (``many``: an irregular plural)."""
    try:
        one = int(n) == 1
    except (TypeError, ValueError):
        one = False
    return f"{n} {word if one else (many or word + 's')}"


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
    env.filters["plural"] = _plural
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


# --------------------------------------------------------------------------- charts


def month_chart(timeline: list[dict[str, Any]], width: int = 720, height: int = 180) -> dict[str, Any] | None:
    """Bars for mentions per month, as numbers for an inline SVG (drawn by the template)."""
    if not timeline:
        return None
    left, bottom, top = 36, 24, 10
    n = len(timeline)
    plot_w = width - left - 8
    plot_h = height - bottom - top
    peak = max(t["mentions"] for t in timeline) or 1
    step = plot_w / n
    bar_w = max(1.0, min(step * 0.8, 48.0))
    bars = []
    every = max(1, math.ceil(n / 8))
    for i, t in enumerate(timeline):
        h = plot_h * t["mentions"] / peak
        x = left + i * step + (step - bar_w) / 2
        bars.append({"x": round(x, 1), "y": round(top + plot_h - h, 1), "w": round(bar_w, 1), "h": round(h, 1),
                     "title": f"{t['month']}: {_plural(t['mentions'], 'mention')} in "
                              f"{_plural(t['articles'], 'article')}",
                     "label": t["month"] if i % every == 0 else None, "lx": round(x + bar_w / 2, 1),
                     "month": t["month"], "mentions": t["mentions"]})
    return {"width": width, "height": height, "left": left, "top": top, "bottom": height - bottom,
            "peak": peak, "bars": bars, "axis_y": height - bottom + 14}


def time_strip(articles: list[dict[str, Any]], width: int = 720, height: int = 56) -> dict[str, Any] | None:
    """Articles as dots along a date axis (the story timeline)."""
    pts = []
    for a in articles:
        try:
            d = dt.date.fromisoformat(str(a.get("published") or "")[:10])
        except ValueError:
            continue
        pts.append((d, a))
    if not pts:
        return None
    first = min(d for d, _ in pts)
    last = max(d for d, _ in pts)
    span = max(1, (last - first).days)
    left, right = 12, width - 12
    dots = []
    seen: dict[int, int] = {}
    for d, a in pts:
        x = round(left + (right - left) * (d - first).days / span, 1) if last != first else width / 2
        k = int(x)
        stack = seen.get(k, 0)
        seen[k] = stack + 1
        dots.append({"x": x, "y": height - 18 - 9 * min(stack, 3), "id": a["id"],
                     "title": f"{d.isoformat()} · {a.get('site_name') or ''} · {a.get('title') or '(no title)'}"})
    return {"width": width, "height": height, "first": first.isoformat(), "last": last.isoformat(), "dots": dots,
            "axis": height - 8}


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
# says so (``notes``); the API answers 422 for the same (``_api_check``).

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


def _api_check(**params: Any) -> None:
    """422 for API filters that cannot be what they name: dates (``since``/``until``) and,
    given as text, whole numbers (``article``, ``story``) and numbers (``min_value``, ...)."""
    bad = []
    for name, value in params.items():
        if value in (None, ""):
            continue
        if name in ("since", "until"):
            ok = date_ok(str(value))
            want = "a date: YYYY, YYYY-MM or YYYY-MM-DD"
        elif name in ("min_value", "max_value"):
            ok = _opt_float(str(value)) is not None
            want = "a number"
        else:
            ok = _opt_int(str(value)) is not None
            want = "a whole number"
        if not ok:
            bad.append({"type": "value_error", "loc": ["query", name], "msg": f"Input should be {want}",
                        "input": value})
    if bad:
        raise RequestValidationError(bad)


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
    env = make_env()
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
    app.add_middleware(NoNul)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        feats = store.features()
        ctx = {"request": request, "path": request.url.path,
               "has_stories": feats.has_stories and cq.any_stories(store.conn()), "has_places": feats.places,
               "has_events": feats.events, "notes": [],
               "params": dict(request.query_params), **context}
        return HTMLResponse(env.get_template(name).render(ctx), status_code=status_code)

    def is_api(request: Request) -> bool:
        path = request.url.path
        return path.startswith("/api") or path.startswith("/openapi")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        if is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return page(request, "error.html", status_code=exc.status_code, status=exc.status_code,
                    message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Any:
        """Odd input: 422 JSON on the API (as FastAPI has it), an HTML page on the site (404
        for a path that names nothing, such as ``/article/abc``, else 400)."""
        errors = list(exc.errors())
        if is_api(request):
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
        return page(request, "error.html", status_code=status, status=status,
                    message="Not found: " + "; ".join(lines) if in_path else "Bad request: " + "; ".join(lines))

    # ------------------------------------------------------------------ API

    @app.get("/api/stats", tags=["corpus"], summary="Counts and the optional parts of the store")
    def api_stats() -> dict[str, Any]:
        feats = store.features()
        return {"counts": cq.counts(store.conn()), "stories": feats.has_stories, "syndication": feats.syndication is not None,
                "places": feats.places, "events": feats.events, "event_clusters": feats.event_clusters,
                "version": nutgraf.__version__}

    @app.get("/api/search", tags=["articles"], summary="Full-text search with filters")
    def api_search(q: str = Query("", description="FTS5 query: words, \"phrases\", OR, NOT, prefix*"),
                   site: str | None = None, since: str | None = Query(None, description="YYYY, YYYY-MM or YYYY-MM-DD"),
                   until: str | None = None, entity: str | None = None, speaker: str | None = None,
                   story: int | None = None, sort: SearchSort = "relevance",
                   page: int = Query(1, ge=1), per_page: int = Query(cq.PER_PAGE, ge=1, le=cq.MAX_PER_PAGE)
                   ) -> dict[str, Any]:
        _api_check(since=since, until=until)
        res = cq.search(store.conn(), store.features(), q, site=site, since=since, until=until, entity=entity,
                        speaker=speaker, story=story, sort=sort, page=page, per_page=per_page)
        for r in res["results"]:
            r["snippet_html"] = str(marked_html(r["snippet"]))
            r["title_html"] = str(marked_html(r.pop("title_hl")))
            r["snippet"] = plain(r["snippet"])
        return res

    @app.get("/api/articles/{article_id}", tags=["articles"],
             summary="One article: text, metadata with evidence, capture, entities, quotes, figures, dates")
    def api_article(article_id: int) -> dict[str, Any]:
        a = cq.article(store.conn(), store.features(), article_id)
        if a is None:
            raise HTTPException(404, "no such article")
        return a

    @app.get("/api/entities", tags=["entities"], summary="Entities by number of articles")
    def api_entities(q: str | None = None, label: str | None = None, page: int = Query(1, ge=1),
                     per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
        return cq.entities(store.conn(), q=q, label=label, page=page, per_page=per_page, feats=store.features())

    @app.get("/api/entity", tags=["entities"],
             summary="One entity: mentions per month, quotes, who quotes them, figures they gave, co-occurring")
    def api_entity(name: str = Query(description="any of its names: 'Putin' finds Vladimir Putin"),
                   label: str | None = None) -> dict[str, Any]:
        e = cq.entity(store.conn(), name, label or None, feats=store.features())
        if e is None:
            raise HTTPException(404, "no such entity")
        e["events"] = _with_evidence(cq.entity_events(store.conn(), store.features(), e["name"], label or None))
        return e

    def _quotes(everything: bool = False, **kw: Any) -> dict[str, Any]:
        return cq.quotes(store.conn(), everything=everything, **kw)

    @app.get("/api/quotes", tags=["facts"], summary="Quotes with their speakers")
    def api_quotes(speaker: str | None = None, q: str | None = None, kind: str | None = None,
                   site: str | None = None, since: str | None = None, until: str | None = None,
                   article: int | None = None, sort: QuoteSort = "published",
                   dir: Direction = "desc", page: int = Query(1, ge=1),
                   per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
        _api_check(since=since, until=until)
        res = _quotes(speaker=speaker, q=q, kind=kind, site=site, since=since, until=until, article=article,
                      sort=sort, direction=dir, page=page, per_page=per_page)
        for r in res["results"]:
            r["evidence"] = f"/article/{r['article_id']}#q-{r['quote_id']}"
        return res

    @app.get("/api/quotes.csv", tags=["facts"], summary="Quotes as CSV (same filters, all rows)",
             response_class=StreamingResponse)
    def api_quotes_csv(request: Request, speaker: str | None = None, q: str | None = None, kind: str | None = None,
                       site: str | None = None, since: str | None = None, until: str | None = None,
                       article: str | None = None, sort: str = "published", dir: str = "desc") -> StreamingResponse:
        _api_check(since=since, until=until, article=article)
        res = _quotes(True, speaker=speaker, q=q, kind=kind, site=site, since=since, until=until,
                      article=_opt_int(article), sort=sort, direction=dir)
        base = str(request.base_url).rstrip("/")
        for r in res["results"]:
            r["evidence"] = f"{base}/article/{r['article_id']}#q-{r['quote_id']}"
        return _csv(res["results"], QUOTE_CSV, "quotes.csv")

    def _figures(everything: bool = False, **kw: Any) -> dict[str, Any]:
        return cq.figures(store.conn(), everything=everything, **kw)

    @app.get("/api/figures", tags=["facts"], summary="Figures (amounts) with who reported them")
    def api_figures(source: str | None = None, q: str | None = None, unit: str | None = None,
                    site: str | None = None, since: str | None = None, until: str | None = None,
                    min_value: float | None = None, max_value: float | None = None, article: int | None = None,
                    sort: FigureSort = "published",
                    dir: Direction = "desc", page: int = Query(1, ge=1),
                    per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
        _api_check(since=since, until=until)
        res = _figures(source=source, q=q, unit=unit, site=site, since=since, until=until, min_value=min_value,
                       max_value=max_value, article=article, sort=sort, direction=dir, page=page,
                       per_page=per_page)
        for r in res["results"]:
            r["evidence"] = f"/article/{r['article_id']}#m-{r['amount_id']}"
        return res

    @app.get("/api/figures.csv", tags=["facts"], summary="Figures as CSV (same filters, all rows)",
             response_class=StreamingResponse)
    def api_figures_csv(request: Request, source: str | None = None, q: str | None = None, unit: str | None = None,
                        site: str | None = None, since: str | None = None, until: str | None = None,
                        min_value: str | None = None, max_value: str | None = None, article: str | None = None,
                        sort: str = "published", dir: str = "desc") -> StreamingResponse:
        _api_check(since=since, until=until, min_value=min_value, max_value=max_value, article=article)
        res = _figures(True, source=source, q=q, unit=unit, site=site, since=since, until=until,
                       min_value=_opt_float(min_value), max_value=_opt_float(max_value),
                       article=_opt_int(article), sort=sort, direction=dir)
        base = str(request.base_url).rstrip("/")
        for r in res["results"]:
            r["evidence"] = f"{base}/article/{r['article_id']}#m-{r['amount_id']}"
        return _csv(res["results"], FIGURE_CSV, "figures.csv")

    @app.get("/api/places", tags=["places"], summary="Places named in the corpus, by number of articles")
    def api_places(country: str | None = Query(None, description="ISO 3166-1 alpha-2 code, e.g. GE"),
                   q: str | None = Query(None, description="part of the place's name"),
                   page: int = Query(1, description="clamped into 1..pages"),
                   per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
        res = cq.places(store.conn(), store.features(), country=country, q=q or None, page=page, per_page=per_page)
        for r in res["results"]:
            r["href"] = maps.place_href(r["key"])
        return res

    @app.get("/api/places/{key:path}", tags=["places"],
             summary="One place (GeoNames id, or name:NAME) and the articles naming it, with their sentences")
    def api_place(key: str, page: int = Query(1, description="clamped into 1..pages"),
                  per_page: int = Query(cq.PER_PAGE, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
        p = cq.place(store.conn(), store.features(), key, page=page, per_page=per_page)
        if p is None:
            raise HTTPException(404, "no such place")
        p["place"]["href"] = maps.place_href(p["place"]["key"])
        return p

    def _with_evidence(res: dict[str, Any], base: str = "") -> dict[str, Any]:
        for r in res["results"]:
            r["evidence"] = f"{base}/article/{r['article_id']}#{r['anchor']}"
            r["place_href"] = maps.place_href(r["place_key"]) if r["place_key"] else None
        return res

    def _event_filters(category: str | None, actor: str | None, country: str | None, article: int | None,
                       story: int | None, entity: str | None) -> dict[str, Any]:
        return {"category": category or None, "actor": actor or None, "country": country or None, "article": article,
                "story": story, "entity": entity or None}

    @app.get("/api/events", tags=["events"],
             summary="Events (who did what to whom, PLOVER-coded) with their spans, newest first")
    def api_events(category: str | None = Query(None, description="PLOVER category, e.g. ASSAULT"),
                   actor: str | None = Query(None, description="part of either actor's name"),
                   country: str | None = Query(None, description="ISO alpha-2 (where, or an actor's country) or an "
                                               "actor's CAMEO country (RUS, NATO)"),
                   article: int | None = None, story: int | None = None,
                   entity: str | None = Query(None, description="an entity's name, as either actor"),
                   page: int = Query(1, description="clamped into 1..pages"),
                   per_page: int = Query(50, ge=1, le=cq.MAX_PER_PAGE)) -> dict[str, Any]:
        return _with_evidence(cq.events(store.conn(), store.features(), page=page, per_page=per_page,
                                        **_event_filters(category, actor, country, article, story, entity)))

    @app.get("/api/events.csv", tags=["events"], summary="Events as CSV (same filters, all rows)",
             response_class=StreamingResponse)
    def api_events_csv(request: Request, category: str | None = None, actor: str | None = None,
                       country: str | None = None, article: str | None = None, story: str | None = None,
                       entity: str | None = None) -> StreamingResponse:
        _api_check(article=article, story=story)
        res = cq.events(store.conn(), store.features(), everything=True,
                        **_event_filters(category, actor, country, _opt_int(article), _opt_int(story), entity))
        _with_evidence(res, str(request.base_url).rstrip("/"))
        return _csv(res["results"], EVENT_CSV, "events.csv")

    @app.get("/api/stories", tags=["stories"], summary="Stories (when a corpus pass has made them)")
    def api_stories(page: int = Query(1, ge=1), per_page: int = Query(20, ge=1, le=cq.MAX_PER_PAGE),
                    min_articles: int = Query(1, ge=1)) -> dict[str, Any]:
        return cq.stories(store.conn(), store.features(), page=page, per_page=per_page, min_articles=min_articles)

    @app.get("/api/stories/{story_id}", tags=["stories"], summary="One story and its articles in time order")
    def api_story(story_id: int) -> dict[str, Any]:
        s = cq.story(store.conn(), store.features(), story_id)
        if s is None:
            raise HTTPException(404, "no such story")
        s["events"] = _with_evidence(cq.story_events(store.conn(), store.features(), story_id))
        return s

    # ------------------------------------------------------------------ pages

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        spec = app.openapi()
        return page(request, "api.html", endpoints=apidocs.endpoints(spec), info=spec.get("info", {}),
                    openapi_version=spec.get("openapi", ""))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = "", site: str = "", since: str = "", until: str = "",
                    entity: str = "", speaker: str = "", story: str = "", sort: str = "relevance",
                    page: str = "1") -> HTMLResponse:
        conn = store.conn()
        feats = store.features()
        notes: list[str] = []
        filters = _nonempty(q=q.strip(), site=site, since=since, until=until, entity=entity, speaker=speaker,
                            story=story, sort=sort if sort != "relevance" else "")
        res = cq.search(conn, feats, q, site=site or None, since=_date_param(since, "from", notes),
                        until=_date_param(until, "to", notes), entity=entity or None, speaker=speaker or None,
                        story=_int_param(story, "story", notes), sort=sort, page=_page_param(page, notes))
        if res["plain"]:
            notes.append(f"‘{_show(res['query'])}’ is not valid search syntax (quotes, AND, OR, NOT, prefix*): "
                         "it was searched as plain words.")
        stats = cq.counts(conn) if not filters else None
        # the places of the articles on this page of results
        found = cq.places_of_articles(conn, feats, [r["id"] for r in res["results"]], limit=200)
        place_map = maps.map_svg(maps.points_from(found), label=f"Map of the {len(found)} places named in these "
                                 "results", map_id="results-map") if found else None
        return page_(request, "search.html", res=res, filters=filters, form=dict(q=q, site=site, since=since,
                     until=until, entity=entity, speaker=speaker, story=story, sort=sort), notes=notes,
                     sites=cq.sites(conn), stats=stats, sorts=cq.SEARCH_SORTS, places=found, place_map=place_map)

    page_ = page  # the route above shadows the name ``page`` with its parameter

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: int) -> HTMLResponse:
        a = cq.article(store.conn(), store.features(), article_id)
        if a is None:
            raise HTTPException(404, "no such article")
        by_label: dict[str, list[dict[str, Any]]] = {}
        for e in a["entities"]:
            by_label.setdefault(e["label"], []).append(e)
        place_map = maps.map_svg(maps.points_from(a["places"]), width=336, map_id="article-map",
                                 label=f"Map of the {len(a['places'])} places this article names") \
            if a["places"] else None
        return page(request, "article.html", a=a, body=article_html(a), entities_by_label=by_label,
                    place_map=place_map)

    @app.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    def entities_page(request: Request, q: str = "", label: str = "", page: str = "1") -> HTMLResponse:
        notes: list[str] = []
        res = cq.entities(store.conn(), q=q or None, label=label or None, page=_page_param(page, notes),
                          feats=store.features())
        return page_(request, "entities.html", res=res, form={"q": q, "label": label},
                     filters=_nonempty(q=q, label=label), notes=notes)

    @app.get("/entity", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, name: str = "", label: str = "") -> HTMLResponse:
        e = cq.entity(store.conn(), name, label or None, feats=store.features()) if name.strip() else None
        if e is None:
            raise HTTPException(404, "no such entity")
        name = e["name"]
        ep = cq.entity_places(store.conn(), store.features(), name, label or None, [a["id"] for a in e["articles"]])
        what = "where it is" if ep["is_place"] else "places named in its articles"
        one = ep["results"][0]["feature_code"] if ep["is_place"] and len(ep["results"]) == 1 else None
        place_map = maps.map_svg(maps.points_from(ep["results"]), map_id="entity-map", span=maps.min_span(one),
                                 label=f"Map: {name}, {what}") if ep["results"] else None
        evs = cq.entity_events(store.conn(), store.features(), name, label or None)
        return page(request, "entity.html", e=e, chart=month_chart(e["timeline"]), eplaces=ep, place_map=place_map,
                    events=evs)

    @app.get("/quotes", response_class=HTMLResponse, include_in_schema=False)
    def quotes_page(request: Request, speaker: str = "", q: str = "", kind: str = "", site: str = "",
                    since: str = "", until: str = "", article: str = "", sort: str = "published", dir: str = "desc",
                    page: str = "1") -> HTMLResponse:
        notes: list[str] = []
        res = _quotes(speaker=speaker or None, q=q or None, kind=kind or None, site=site or None,
                      since=_date_param(since, "from", notes), until=_date_param(until, "to", notes),
                      article=_int_param(article, "article", notes), sort=sort, direction=dir,
                      page=_page_param(page, notes))
        filters = _nonempty(speaker=speaker, q=q, kind=kind, site=site, since=since, until=until, article=article)
        return page_(request, "quotes.html", res=res, filters=filters, form=dict(filters), notes=notes,
                     sorted_by={"sort": res["sort"], "dir": res["dir"]})

    @app.get("/figures", response_class=HTMLResponse, include_in_schema=False)
    def figures_page(request: Request, source: str = "", q: str = "", unit: str = "", site: str = "",
                     since: str = "", until: str = "", min_value: str = "", max_value: str = "", article: str = "",
                     sort: str = "published", dir: str = "desc", page: str = "1") -> HTMLResponse:
        notes: list[str] = []
        res = _figures(source=source or None, q=q or None, unit=unit or None, site=site or None,
                       since=_date_param(since, "from", notes), until=_date_param(until, "to", notes),
                       min_value=_float_param(min_value, "minimum value", notes),
                       max_value=_float_param(max_value, "maximum value", notes),
                       article=_int_param(article, "article", notes), sort=sort, direction=dir,
                       page=_page_param(page, notes))
        filters = _nonempty(source=source, q=q, unit=unit, site=site, since=since, until=until,
                            min_value=min_value, max_value=max_value, article=article)
        return page_(request, "figures.html", res=res, filters=filters, form=dict(filters), notes=notes,
                     units=cq.units(store.conn()), sorted_by={"sort": res["sort"], "dir": res["dir"]})

    @app.get("/places", response_class=HTMLResponse, include_in_schema=False)
    def places_page(request: Request, country: str = "", q: str = "", page: str = "1") -> HTMLResponse:
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
        return page_(request, "places.html", res=res, place_map=place_map, filters=filters,
                     form={"country": code or country, "q": q}, countries=cq.place_countries(conn, feats), notes=notes,
                     bad_country=bool(country) and code is None)

    @app.get("/place/{key:path}", response_class=HTMLResponse, include_in_schema=False)
    def place_page(request: Request, key: str, page: str = "1") -> HTMLResponse:
        notes: list[str] = []
        p = cq.place(store.conn(), store.features(), key, page=_page_param(page, notes))
        if p is None:
            raise HTTPException(404, "no such place")
        info = p["place"]
        place_map = maps.map_svg(maps.points_from([info]), map_id="place-map", span=maps.min_span(info["feature_code"]),
                                 label=f"Map: where {info['name']} is")
        return page_(request, "place.html", p=p, pl=info, place_map=place_map, filters={}, notes=notes)

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request, category: str = "", actor: str = "", country: str = "", article: str = "",
                    story: str = "", entity: str = "", page: str = "1") -> HTMLResponse:
        conn, feats = store.conn(), store.features()
        notes: list[str] = []
        filters = _event_filters(category, actor, country, _int_param(article, "article", notes),
                                 _int_param(story, "story", notes), entity)
        res = cq.events(conn, feats, page=_page_param(page, notes), **filters)
        found = cq.event_places(conn, feats, limit=maps.MAX_POINTS, **filters)
        event_map = maps.map_svg(maps.points_from(found, "events", "event"), map_id="events-map",
                                 label=f"Map of where these {res['total']} events happened") if found else None
        shown = _nonempty(category=category, actor=actor, country=country, article=article, story=story, entity=entity)
        return page_(request, "events.html", res=res, event_map=event_map, event_places=found, filters=shown,
                     form={"category": res["category"] or category, "actor": actor,
                           "country": res["country"] or country},
                     categories=cq.event_categories(conn, feats), notes=notes,
                     bad_category=bool(category) and not res["category"],
                     bad_country=bool(country) and not res["country"])

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, page: str = "1", min: str = "2") -> HTMLResponse:
        notes: list[str] = []
        least = _int_param(min, "least articles", notes)
        least = 2 if least is None else max(1, least)
        res = cq.stories(store.conn(), store.features(), page=_page_param(page, notes), min_articles=least)
        for s in res["results"]:
            s["strip"] = time_strip(s["timeline"])
        return page_(request, "stories.html", res=res, filters={"min": least} if least != 2 else {}, notes=notes)

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: int) -> HTMLResponse:
        s = cq.story(store.conn(), store.features(), story_id)
        if s is None:
            raise HTTPException(404, "no such story")
        evs = cq.story_events(store.conn(), store.features(), story_id)
        ev_places = cq.event_places(store.conn(), store.features(), story=story_id)
        event_map = maps.map_svg(maps.points_from(ev_places, "events", "event"), map_id="story-events-map",
                                 label="Map of where the story's events happened") if ev_places else None
        return page(request, "story.html", s=s, strip=time_strip(s["timeline"]), events=evs, event_map=event_map,
                    event_places=ev_places)

    return app
