"""The read side, written once: search with filters, facets and snippets, traces, stories and
the corpus summary, for every reader of a store (``nutgraf search``/``trace``, the JSON API, the
HTML pages, ``make demo``, and Python through :class:`Query`).

Each function takes a read connection (``sqlite3.Connection``, or on PostgreSQL the
``corpus.sql.PgConnection`` that takes the same ``?`` statements) and the store's optional
parts (``web.connection.Features``), and returns plain dicts and lists, so the terminal and
the browser print the same rows in the same order with the same snippets.

One ranking everywhere: SQLite's ``bm25(articles_fts, 4.0, 1.0)`` (a word in the title
counts four times one in the text), PostgreSQL's ``ts_rank`` with the same title weight;
equal scores by id.  One snippet everywhere: the best passage of 24 tokens, its matched words
between ``HL_OPEN``/``HL_CLOSE`` (the web turns them into ``<mark>``, the CLI into ``[ ]``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from nutgraf.store.filters import search_filters
from nutgraf.store.postgres import TS_CONFIG, article_fts, tsquery, with_fts_vector
from nutgraf.web.connection import Dialect, Features, detect_features, dialect

if TYPE_CHECKING:
    from nutgraf.corpus.sql import PgConnection
    from nutgraf.web.connection import Conn

_T = TypeVar("_T")

# Private-use characters mark FTS5 highlights; a reader turns them into its own markers after
# escaping everything else (``web.highlight.marked_html``, ``brackets``).
HL_OPEN = "\ue000"
HL_CLOSE = "\ue001"

PER_PAGE = 20
MAX_PER_PAGE = 200
CSV_MAX_ROWS = 1_000_000
SNIPPET_TOKENS = 24
INT64 = 2**63 - 1

# --------------------------------------------------------------------------- helpers


def like_pattern(value: str) -> str:
    """A LIKE pattern for "contains ``value``" (its own % and _ escaped with ``\\``)."""
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def fts_words(query: str) -> str:
    """``query``'s words as FTS5 phrases: what a query that is not FTS5 syntax searches."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in query.split())


# NUL and the other C0 controls (but tab and line breaks) end or break an FTS5 query, and
# PostgreSQL refuses NUL in any text: a query is searched without them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str:
    """``value`` without control characters (each one a space), stripped."""
    return _CONTROL.sub(" ", value or "").strip()


def in_int64(value: Any) -> bool:
    """Whether ``value`` is an integer a database column can hold (SQLite's and PostgreSQL's
    integers are 64-bit: a bigger one raises rather than matching nothing)."""
    return isinstance(value, int) and -INT64 - 1 <= value <= INT64


def clamped_page(page: Any, per_page: Any, total: int, most: int = MAX_PER_PAGE) -> tuple[int, int, int]:
    """(page, per_page, offset) with the page clamped into 1..pages (an absurd page number
    shows the last page, never an error) and per_page into 1..``most``."""
    try:
        page = int(page)
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = int(per_page)
    except (TypeError, ValueError):
        per_page = PER_PAGE
    per_page = max(1, min(per_page, most))
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    return page, per_page, (page - 1) * per_page


def date_filters(where: list[str], args: list[Any], since: str | None, until: str | None,
                 col: str = "a.published") -> None:
    """Dates compare as ISO prefixes: ``2019`` and ``2019-05-01`` both work."""
    if since:
        where.append(f"{col} IS NOT NULL AND substr({col}, 1, ?) >= ?")
        args += [len(since), since]
    if until:
        where.append(f"{col} IS NOT NULL AND substr({col}, 1, ?) <= ?")
        args += [len(until), until]


def site_filter(d: Dialect, where: list[str], args: list[Any], site: str | None,
                cols: tuple[str, str] = ("a.site_name", "a.url")) -> None:
    if site:
        where.append(d.contains(*cols))
        args += [like_pattern(site)] * len(cols)


def brackets(marked: str | None) -> str:
    """A highlighted snippet for a terminal: matched words between ``[`` and ``]``."""
    return (marked or "").replace(HL_OPEN, "[").replace(HL_CLOSE, "]")


def plain(marked: str | None) -> str:
    """A highlighted snippet without its markers."""
    return (marked or "").replace(HL_OPEN, "").replace(HL_CLOSE, "")


# --------------------------------------------------------------------------- search filters


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search, however it is asked for (CLI options, API and page parameters).

    ``site``: part of the site name or URL; ``since``/``until``: ISO date prefixes;
    ``entity``/``speaker``: part of a name; ``story``: a story id; ``place``, ``country``,
    ``event``, ``actor``: as ``store.filters.search_filters`` reads them."""

    site: str | None = None
    since: str | None = None
    until: str | None = None
    entity: str | None = None
    speaker: str | None = None
    story: int | None = None
    place: str | None = None
    country: str | None = None
    event: str | None = None
    actor: str | None = None

    def given(self) -> dict[str, Any]:
        """The filters set, by name (for links and exports)."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    def where(self, d: Dialect, feats: Features) -> tuple[list[str], list[Any]]:
        """SQL conditions over ``articles a`` and their arguments."""
        where: list[str] = []
        args: list[Any] = []
        site_filter(d, where, args, self.site)
        date_filters(where, args, self.since, self.until)
        if self.entity:
            where.append(f"EXISTS (SELECT 1 FROM entities e WHERE e.article_id = a.id AND"
                         f" {d.contains('e.name', 'e.aliases')})")
            args += [like_pattern(self.entity)] * 2
        if self.speaker:
            where.append(f"EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.id AND {d.contains('q.speaker')})")
            args.append(like_pattern(self.speaker))
        if self.story is not None:
            if feats.has_stories and in_int64(self.story):
                where.append(f"a.id IN (SELECT article_id FROM ({feats.story_members()}) AS sm WHERE story_id = ?)")
                args.append(self.story)
            else:  # no such story: nothing is in it
                where.append("1 = 0")
        if self.place or self.country or self.event or self.actor:
            # the place and event filters are the stores' own, in this connection's spelling
            more, more_args = search_filters(place=self.place, country=self.country, event=self.event,
                                             actor=self.actor, like=d.like, has_places=feats.places,
                                             has_events=feats.events)
            where += more
            args += more_args
        return where, args


# --------------------------------------------------------------------------- matching


SEARCH_SORTS = ("relevance", "newest", "oldest")
_SEARCH_COLS = "a.id, a.title, a.published, a.url, a.site_name, a.words, a.capture_id"
_ORDER_DATE = {"newest": "a.published IS NULL, a.published DESC, a.id DESC",
               "oldest": "a.published IS NULL, a.published, a.id"}

# ts_headline options: the whole title, and one passage of the text about as long as FTS5's
# snippet of SNIPPET_TOKENS tokens, with the same markers.
_PG_TITLE_HL = f'StartSel="{HL_OPEN}", StopSel="{HL_CLOSE}", HighlightAll=true'
_PG_SNIPPET = (f'StartSel="{HL_OPEN}", StopSel="{HL_CLOSE}", MaxWords={SNIPPET_TOKENS},'
               f' MinWords={SNIPPET_TOKENS // 2}, MaxFragments=1, FragmentDelimiter=" … "')
# ts_rank's weights for D, C, B (the text), A (the title): the title counts four times the
# text, as bm25(articles_fts, 4.0, 1.0) has it.
_PG_WEIGHTS = "'{0.1, 0.2, 0.25, 1.0}'"
_FTS_BASE = "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"


def _fts_syntax(conn: sqlite3.Connection, query: str) -> tuple[str, bool] | None:
    """(the FTS5 query to run, whether it is ``query``'s plain words) on SQLite: ``query``
    itself when FTS5 reads it (asked with LIMIT 1: under LIMIT 0 SQLite never parses it); else its words as phrases (a stray quote, "U.S.", a lone AND);
    None when not even they can be searched."""
    for used, plain_words in ((query, False), (fts_words(query), True)):
        try:
            conn.execute("SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1", [used]).fetchall()
        except sqlite3.OperationalError:
            continue
        return used, plain_words
    return None


def pg_plain(query: str) -> bool:
    """Whether PostgreSQL's search reads ``query`` as plain words (it is not search syntax)."""
    from nutgraf.store import postgres

    try:
        postgres._fts_query(query)
    except postgres._QueryError:
        return True
    except Exception:  # noqa: BLE001 - only a hint for the reader
        return False
    return False


def matching(conn: Conn, query: str, where: list[str], args: list[Any],
             run: Callable[[str, list[Any]], _T], empty: _T) -> _T:
    """``run(from_where, args)``: ``from_where`` is SQL ``FROM ... WHERE ...`` selecting the
    articles (as ``a``) that match ``query`` (words, "phrases", OR, NOT, prefix*; none: all)
    and the conditions ``where``.  ``empty`` when the query can match nothing."""
    conds = "".join(f" AND {w}" for w in where)
    if not query:
        return run("FROM articles a WHERE 1 = 1" + conds, list(args))
    if isinstance(conn, sqlite3.Connection):
        syntax = _fts_syntax(conn, query)
        if syntax is None:
            return empty
        return run(_FTS_BASE + conds, [syntax[0], *args])
    tsq, qargs = tsquery(query, mark="?")
    return with_fts_vector(article_fts(), "a",
                           lambda vec: run(f"FROM articles a WHERE {vec} @@ ({tsq})" + conds, [*qargs, *args]))


def _sqlite_hits(conn: sqlite3.Connection, query: str, where: list[str], args: list[Any], order: str,
                 page: Any, per_page: Any, most: int) -> tuple[int, list[Any], int, int, bool]:
    """(total, the page's rows, page, per_page, plain) for an FTS5 query, the page clamped into
    1..pages."""
    syntax = _fts_syntax(conn, query)
    if syntax is None:  # not even as words (nothing left to search for)
        page, per_page, _ = clamped_page(page, per_page, 0, most)
        return 0, [], page, per_page, True
    used, plain_words = syntax
    base = _FTS_BASE + "".join(f" AND {w}" for w in where)
    total = conn.execute(f"SELECT count(*) {base}", [used, *args]).fetchone()[0]
    page, per_page, offset = clamped_page(page, per_page, total, most)
    sql = (f"SELECT {_SEARCH_COLS}, highlight(articles_fts, 0, '{HL_OPEN}', '{HL_CLOSE}') AS title_hl,"
           f" snippet(articles_fts, 1, '{HL_OPEN}', '{HL_CLOSE}', ' … ', {SNIPPET_TOKENS}) AS snippet,"
           f" bm25(articles_fts, 4.0, 1.0) AS score {base} ORDER BY {order} LIMIT ? OFFSET ?")
    rows = conn.execute(sql, [used, *args, per_page, offset]).fetchall() if total else []
    return total, rows, page, per_page, plain_words


def _pg_hits(conn: PgConnection, query: str, where: list[str], args: list[Any], order: str, per_page: int,
             offset: int) -> tuple[int, list[Any]]:
    """(total, the page's rows) on PostgreSQL: ``score`` is ``-ts_rank`` (lower is better, as
    bm25), matched and ranked against the store's stored tsvector column."""
    return with_fts_vector(article_fts(), "a",
                           lambda vec: _pg_page(conn, vec, query, where, args, order, per_page, offset))


def _pg_page(conn: PgConnection, vec: str, query: str, where: list[str], args: list[Any], order: str,
             per_page: int, offset: int) -> tuple[int, list[Any]]:
    """``_pg_hits`` over the tsvector ``vec``.  The total comes with the page (one pass over
    the matches, not two), and the headlines, which need the text, only for the page's rows."""
    tsq, qargs = tsquery(query, mark="?")
    base = f"FROM articles a, q WHERE {vec} @@ q.q" + "".join(f" AND {w}" for w in where)
    with_q = f"WITH q AS (SELECT {tsq} AS q)"
    sql = (f"{with_q}, hits AS (SELECT a.id, -ts_rank({_PG_WEIGHTS}, {vec}, q.q) AS score,"
           f" count(*) OVER () AS total {base} ORDER BY {order} LIMIT ? OFFSET ?)"
           f" SELECT {_SEARCH_COLS}, ts_headline('{TS_CONFIG}'::regconfig, a.title, q.q, ?) AS title_hl,"
           f" ts_headline('{TS_CONFIG}'::regconfig, a.text, q.q, ?) AS snippet, hits.score, hits.total"
           f" FROM hits JOIN articles a ON a.id = hits.id, q ORDER BY {order}")
    rows = [dict(r) for r in conn.execute(sql, [*qargs, *args, per_page, offset, _PG_TITLE_HL, _PG_SNIPPET])]
    if rows:
        total = rows[0]["total"]
        for r in rows:
            del r["total"]
        return total, rows
    if not offset:
        return 0, []
    # a page past the last one: no row to carry the total
    return conn.execute(f"{with_q} SELECT count(*) {base}", [*qargs, *args]).fetchone()[0], []


# --------------------------------------------------------------------------- search


def search(conn: Conn, feats: Features, q: str | None = None, filters: SearchFilters | None = None, *,
           sort: str = "relevance", page: Any = 1, per_page: Any = PER_PAGE, most: int = MAX_PER_PAGE,
           **named: Any) -> dict[str, Any]:
    """Articles matching a query (FTS5 syntax: words, "phrases", OR, NOT, prefix*) and the
    filters (``filters``, or the same given by name: ``site=``, ``since=``...), a page of them
    with highlighted snippets: ``snippet`` and ``title_hl`` carry HL_OPEN/HL_CLOSE around
    matched words.  Best match first (equal scores by id), newest first without a query.  The
    page is clamped into 1..pages, ``per_page`` into 1..``most``; ``plain`` says the query was
    not search syntax and was searched as plain words."""
    filters = filters or SearchFilters(**named)
    where, args = filters.where(dialect(conn), feats)
    query = clean_text(q)
    plain_words = False
    if query:
        if sort not in SEARCH_SORTS:
            sort = "relevance"
        if isinstance(conn, sqlite3.Connection):
            order = _ORDER_DATE.get(sort, "score, a.id")
            total, rows, page, per_page, plain_words = _sqlite_hits(conn, query, where, args, order, page,
                                                                    per_page, most)
        else:  # equal scores by id: PostgreSQL keeps no order among equal keys from one run to the next
            order = _ORDER_DATE.get(sort, "score, a.id")
            plain_words = pg_plain(query)
            # a first try at the page asked for (capped, so its offset fits a bigint), then
            # the last page when that was past it
            page, per_page, offset = clamped_page(page, per_page, INT64 // most // 2 * most, most)
            total, rows = _pg_hits(conn, query, where, args, order, per_page, offset)
            if not rows and total:
                page, per_page, offset = clamped_page(page, per_page, total, most)
                total, rows = _pg_hits(conn, query, where, args, order, per_page, offset)
    else:
        if sort == "relevance" or sort not in SEARCH_SORTS:
            sort = "newest"
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = conn.execute(f"SELECT count(*) FROM articles a{clause}", args).fetchone()[0]
        page, per_page, offset = clamped_page(page, per_page, total, most)
        rows = conn.execute(
            f"SELECT {_SEARCH_COLS}, a.title AS title_hl, substr(a.text, 1, 240) AS snippet, NULL AS score"
            f" FROM articles a{clause} ORDER BY {_ORDER_DATE[sort]} LIMIT ? OFFSET ?",
            [*args, per_page, offset]).fetchall()
    results = []
    for r in rows:
        d = dict(r)
        if d["snippet"] and not query and len(d["snippet"]) >= 240:
            d["snippet"] = d["snippet"].rstrip() + " …"
        results.append(d)
    return {"query": query, "total": total, "page": page, "per_page": per_page, "sort": sort,
            "pages": max(1, -(-total // per_page)), "plain": plain_words, "filters": filters.given(),
            "results": results}


# --------------------------------------------------------------------------- facets

FACETS = ("site", "month", "speaker", "entity")
FACET_SIZE = 10


def _facet_rows(conn: Conn, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    return [{"value": r[0], "count": r[1], **({"label": r[2]} if len(r) > 2 else {})}
            for r in conn.execute(sql, args)]


def facets(conn: Conn, feats: Features, q: str | None = None, filters: SearchFilters | None = None, *,
           size: int = FACET_SIZE, **named: Any) -> dict[str, list[dict[str, Any]]]:
    """Counts of the articles a search matches (all of them, not a page), by ``site``, by
    ``month`` (YYYY-MM, every month with a match, in order: the chart of matches over time),
    by ``speaker`` quoted and by ``entity`` named (``label`` too): the ``size`` largest of
    each but months, largest first, ties by name."""
    filters = filters or SearchFilters(**named)
    d = dialect(conn)
    where, args = filters.where(d, feats)

    def run(base: str, bargs: list[Any]) -> dict[str, list[dict[str, Any]]]:
        ids = f"SELECT a.id {base}"
        return {
            "site": _facet_rows(conn, f"SELECT a.site_name, count(*) AS n {base} AND a.site_name IS NOT NULL"
                                f" GROUP BY a.site_name ORDER BY n DESC, {d.ordered('a.site_name')} LIMIT ?",
                                [*bargs, size]),
            "month": _facet_rows(conn, f"SELECT substr(a.published, 1, 7) AS m, count(*) AS n {base}"
                                 " AND a.published IS NOT NULL GROUP BY substr(a.published, 1, 7) ORDER BY m",
                                 bargs),
            "speaker": _facet_rows(conn, "SELECT q.speaker, count(DISTINCT q.article_id) AS n FROM quotes q"
                                   f" WHERE q.speaker IS NOT NULL AND q.article_id IN ({ids})"
                                   f" GROUP BY q.speaker ORDER BY n DESC, {d.ordered('q.speaker')} LIMIT ?",
                                   [*bargs, size]),
            "entity": _facet_rows(conn, "SELECT e.name, count(DISTINCT e.article_id) AS n, e.label FROM entities e"
                                  f" WHERE e.article_id IN ({ids}) GROUP BY e.name, e.label"
                                  f" ORDER BY n DESC, {d.ordered('e.name')}, e.label LIMIT ?",
                                  [*bargs, size]),
        }

    return matching(conn, clean_text(q), where, args, run, {k: [] for k in FACETS})


def month_series(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The month facet with the months between its first and last filled in (count 0), so a
    chart's bars stand for equal stretches of time; months that are not YYYY-MM are dropped."""
    known = {m["value"]: m["count"] for m in months if isinstance(m["value"], str)
             and re.fullmatch(r"\d{4}-\d{2}", m["value"])}
    if not known:
        return []
    first, last = min(known), max(known)
    y, mo = int(first[:4]), int(first[5:])
    out = []
    while True:
        key = f"{y:04d}-{mo:02d}"
        out.append({"month": key, "count": known.get(key, 0)})
        if key >= last or len(out) > 1200:  # a hundred years of bars is enough
            return out
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)


# --------------------------------------------------------------------------- traces


def trace(conn: Conn, query: str, *, kind: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Where a quote or a figure travelled (``corpus.travel.trace``): its first appearance,
    the later ones, and, for a figure, the versions that disagree.  A store without the
    corpus tables has no traces: an empty list."""
    from nutgraf.corpus import sql, travel

    query = clean_text(query)
    if not query:
        return []
    try:
        return travel.trace(sql.wrap(conn) if isinstance(conn, sqlite3.Connection) else conn, query,
                            kind=kind, limit=limit)
    except sql.missing_table():
        return []


def stories(conn: Conn, *, limit: int | None = 50, min_members: int = 1, since: str | None = None,
            members: bool = True) -> list[dict[str, Any]]:
    """Stories, largest and latest first (``corpus.stories.list_stories``), each with its
    articles in time order when ``members``.  A store without the corpus tables has none."""
    from nutgraf.corpus import sql
    from nutgraf.corpus import stories as passes

    con = sql.wrap(conn) if isinstance(conn, sqlite3.Connection) else conn
    try:
        out = passes.list_stories(con, limit=limit, min_members=min_members, since=since)
        if members:
            for s in out:
                s["articles"] = passes.story_members(con, s["id"])
    except sql.missing_table():
        return []
    return out


# --------------------------------------------------------------------------- corpus summary


def article_overview(conn: Conn) -> list[dict[str, Any]]:
    """Every article with its counts of entities, quotes and figures, in id order."""
    return [dict(r) for r in conn.execute(
        "SELECT a.id, coalesce(a.site_name, '') AS site, a.title, a.published, a.words, a.url,"
        " (SELECT count(*) FROM quotes q WHERE q.article_id = a.id) AS quotes,"
        " (SELECT count(*) FROM amounts m WHERE m.article_id = a.id) AS amounts,"
        " (SELECT count(*) FROM entities e WHERE e.article_id = a.id) AS entities"
        " FROM articles a ORDER BY a.id")]


def word_total(conn: Conn) -> int:
    return int(conn.execute("SELECT coalesce(sum(words), 0) FROM articles").fetchone()[0])


def top_speakers(conn: Conn, limit: int = 10) -> list[dict[str, Any]]:
    """People quoted most: quotes and articles each."""
    return [dict(r) for r in conn.execute(
        "SELECT speaker AS name, count(*) AS n, count(DISTINCT article_id) AS docs FROM quotes_with_speakers"
        " WHERE speaker IS NOT NULL AND speaker_label = 'PERSON' GROUP BY speaker"
        f" ORDER BY n DESC, {dialect(conn).ordered('speaker')} LIMIT ?", [limit])]


def top_sources(conn: Conn, limit: int = 10) -> list[dict[str, Any]]:
    """Who reported the most figures: figures and articles each."""
    return [dict(r) for r in conn.execute(
        "SELECT source AS name, count(*) AS n, count(DISTINCT article_id) AS docs FROM amounts_with_sources"
        f" WHERE source IS NOT NULL GROUP BY source ORDER BY n DESC, {dialect(conn).ordered('source')} LIMIT ?",
        [limit])]


def event_overview(conn: Conn, limit: int = 8) -> list[dict[str, Any]]:
    """Events (not negated) by PLOVER category, largest first, each with one example: its
    best-resolved, most confident event as 'source — trigger → target'."""
    return [dict(r) for r in conn.execute(
        "SELECT category, count(*) AS n, count(DISTINCT article_id) AS docs,"
        " (SELECT coalesce(e2.source_name, '?') || ' — ' || e2.text || ' → ' || coalesce(e2.target_name, '–')"
        "  FROM events e2 WHERE e2.category = e.category AND e2.negated = 0 AND e2.source_name IS NOT NULL"
        "  ORDER BY e2.source_entity IS NULL, e2.target_entity IS NULL, e2.confidence DESC, e2.id LIMIT 1)"
        " AS example FROM events e WHERE negated = 0 GROUP BY category ORDER BY n DESC, category LIMIT ?",
        [limit])]


def distinct_places(conn: Conn) -> int:
    return int(conn.execute("SELECT count(DISTINCT place_key) FROM article_places").fetchone()[0])


def widest_place_entity(conn: Conn) -> str | None:
    """The place entity (GPE) named in the most articles, a plain name of more than three
    letters (a readable example for ``nutgraf search --entity``)."""
    row = conn.execute(
        "SELECT name FROM entities WHERE label = 'GPE' AND name NOT LIKE '%.%' AND length(name) > 3"
        " GROUP BY name ORDER BY count(DISTINCT article_id) DESC, name LIMIT 1").fetchone()
    return row[0] if row else None


def problems(conn: Conn) -> list[dict[str, Any]]:
    """Documents that failed or were skipped, with where they came from and why."""
    return [dict(r) for r in conn.execute(
        "SELECT status, origin_kind, origin_path, origin_offset, origin_line, url, error FROM captures"
        " WHERE status != 'ok' ORDER BY status, ingested_at, origin_path, origin_offset, origin_line, url")]


# --------------------------------------------------------------------------- Python


class Query:
    """The read side bound to one connection: ``Query.of(store).search("putin")`` is what
    ``nutgraf search putin --format json`` prints and ``/api/search?q=putin`` answers."""

    def __init__(self, conn: Conn, feats: Features | None = None) -> None:
        self.conn = conn
        self.feats = feats if feats is not None else detect_features(conn)

    @classmethod
    def of(cls, store: Any) -> Query:
        """The query layer over an open store (``nutgraf.open_store``)."""
        from nutgraf.corpus.sql import PgConnection
        from nutgraf.web.connection import _pg_rows

        conn = store.conn
        return cls(conn if isinstance(conn, sqlite3.Connection) else PgConnection(conn, row_factory=_pg_rows))

    def search(self, q: str | None = None, filters: SearchFilters | None = None, **kw: Any) -> dict[str, Any]:
        return search(self.conn, self.feats, q, filters, **kw)

    def facets(self, q: str | None = None, filters: SearchFilters | None = None, **kw: Any) -> dict[str, Any]:
        return facets(self.conn, self.feats, q, filters, **kw)

    def trace(self, query: str, **kw: Any) -> list[dict[str, Any]]:
        return trace(self.conn, query, **kw)

    def stories(self, **kw: Any) -> list[dict[str, Any]]:
        return stories(self.conn, **kw)
