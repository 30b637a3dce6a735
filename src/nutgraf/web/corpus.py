"""Read-only queries behind the web UI and the JSON API.

Every function takes a connection opened read-only (``Corpus.conn()``, ``web/connection.py``:
SQLite's own, or PostgreSQL's through the SQLite-style adapter) and returns plain dicts and
lists, ready for ``json`` and for the templates alike, so a page and its API route always
show the same data.

The queries are written in the SQL both backends accept (subqueries named, integer sums
cast, where NULLs sort said outright); what each spells its own way is in ``Dialect``, and
search has a variant per backend (FTS5 on SQLite, the store's tsvector index on PostgreSQL).

Parts of the store written by corpus passes (``articles.syndication_group``,
``articles.story_id``, a ``stories`` table) are optional: ``Features`` says which are there,
and everything that needs one of them is skipped when it is absent.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from nutgraf.store.postgres import TS_CONFIG, article_fts, tsquery, with_fts_vector
from nutgraf.web.connection import Dialect, Features, dialect

if TYPE_CHECKING:
    from nutgraf.corpus.sql import PgConnection
    from nutgraf.web.connection import Conn

# Private-use characters mark FTS5 highlights; the web layer turns them into <mark> after
# escaping everything else (see ``highlight.marked_html``).
HL_OPEN = "\ue000"
HL_CLOSE = "\ue001"

PER_PAGE = 20
MAX_PER_PAGE = 200
CSV_MAX_ROWS = 1_000_000

# --------------------------------------------------------------------------- helpers


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _fts_safe(query: str) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in query.split())


def _page_args(page: int, per_page: int) -> tuple[int, int, int]:
    page = max(1, int(page))
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    return page, per_page, (page - 1) * per_page


def _date_filters(where: list[str], args: list[Any], since: str | None, until: str | None,
                  col: str = "a.published") -> None:
    if since:
        where.append(f"{col} IS NOT NULL AND substr({col}, 1, ?) >= ?")
        args += [len(since), since]
    if until:
        where.append(f"{col} IS NOT NULL AND substr({col}, 1, ?) <= ?")
        args += [len(until), until]


def _site_filter(d: Dialect, where: list[str], args: list[Any], site: str | None,
                 cols: tuple[str, str] = ("a.site_name", "a.url")) -> None:
    if site:
        where.append(d.contains(*cols))
        args += [_like(site)] * len(cols)


def counts(conn: Conn) -> dict[str, int]:
    out = {}
    for table in ("articles", "entities", "quotes", "amounts"):
        out[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return out


def sites(conn: Conn) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        "SELECT site_name AS name, count(*) AS articles FROM articles WHERE site_name IS NOT NULL"
        f" GROUP BY site_name ORDER BY articles DESC, {dialect(conn).ordered('site_name')} LIMIT 200")]


# --------------------------------------------------------------------------- search

SEARCH_SORTS = ("relevance", "newest", "oldest")
_SEARCH_COLS = "a.id, a.title, a.published, a.url, a.site_name, a.words"
_ORDER_DATE = {"newest": "a.published IS NULL, a.published DESC, a.id DESC",
               "oldest": "a.published IS NULL, a.published, a.id"}

# ts_headline options: the whole title, and one passage of the text about as long as FTS5's
# snippet of 24 tokens, with the same markers.
_PG_TITLE_HL = f'StartSel="{HL_OPEN}", StopSel="{HL_CLOSE}", HighlightAll=true'
_PG_SNIPPET = (f'StartSel="{HL_OPEN}", StopSel="{HL_CLOSE}", MaxWords=24, MinWords=12, MaxFragments=1,'
               ' FragmentDelimiter=" … "')
# ts_rank's weights for D, C, B (the text), A (the title): the title counts four times the
# text, as bm25(articles_fts, 4.0, 1.0) has it.
_PG_WEIGHTS = "'{0.1, 0.2, 0.25, 1.0}'"


def _search_filters(d: Dialect, feats: Features, site: str | None, since: str | None, until: str | None,
                    entity: str | None, speaker: str | None, story: int | None) -> tuple[list[str], list[Any]]:
    """SQL conditions over ``articles a`` and their arguments."""
    where: list[str] = []
    args: list[Any] = []
    _site_filter(d, where, args, site)
    _date_filters(where, args, since, until)
    if entity:
        where.append(f"EXISTS (SELECT 1 FROM entities e WHERE e.article_id = a.id AND"
                     f" {d.contains('e.name', 'e.aliases')})")
        args += [_like(entity), _like(entity)]
    if speaker:
        where.append(f"EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.id AND {d.contains('q.speaker')})")
        args.append(_like(speaker))
    if story is not None and feats.has_stories:
        where.append(f"a.id IN (SELECT article_id FROM ({feats.story_members()}) AS sm WHERE story_id = ?)")
        args.append(story)
    return where, args


def _sqlite_hits(conn: sqlite3.Connection, query: str, where: list[str], args: list[Any], order: str,
                 per_page: int, offset: int) -> tuple[int, list[Any]]:
    """(total, the page's rows) for an FTS5 query; one that is not FTS5 syntax (a stray quote,
    "U.S.") searches its words as they are."""
    base = ("FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"
            + "".join(f" AND {w}" for w in where))
    sql = (f"SELECT {_SEARCH_COLS}, highlight(articles_fts, 0, '{HL_OPEN}', '{HL_CLOSE}') AS title_hl,"
           f" snippet(articles_fts, 1, '{HL_OPEN}', '{HL_CLOSE}', ' … ', 24) AS snippet,"
           f" bm25(articles_fts, 4.0, 1.0) AS score {base} ORDER BY {order} LIMIT ? OFFSET ?")
    used = query
    try:
        total = conn.execute(f"SELECT count(*) {base}", [used, *args]).fetchone()[0]
    except sqlite3.OperationalError:
        used = _fts_safe(query)
        total = conn.execute(f"SELECT count(*) {base}", [used, *args]).fetchone()[0]
    rows = conn.execute(sql, [used, *args, per_page, offset]).fetchall() if total else []
    return total, rows


def _pg_hits(conn: PgConnection, query: str, where: list[str], args: list[Any], order: str, per_page: int,
             offset: int) -> tuple[int, list[Any]]:
    """(total, the page's rows) on PostgreSQL: the same query syntax, read as ``nutgraf
    search`` reads it there; ``score`` is ``-ts_rank`` (lower is better, as bm25), matched
    and ranked against the store's stored tsvector column."""
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


def search(conn: Conn, feats: Features, q: str | None = None, *, site: str | None = None,
           since: str | None = None, until: str | None = None, entity: str | None = None,
           speaker: str | None = None, story: int | None = None, sort: str = "relevance", page: int = 1,
           per_page: int = PER_PAGE) -> dict[str, Any]:
    """Articles matching an FTS5 query and filters, with highlighted snippets.  ``snippet`` and
    ``title_hl`` carry HL_OPEN/HL_CLOSE around matched words."""
    page, per_page, offset = _page_args(page, per_page)
    where, args = _search_filters(dialect(conn), feats, site, since, until, entity, speaker, story)
    query = (q or "").strip()
    if query:
        if sort not in SEARCH_SORTS:
            sort = "relevance"
        if isinstance(conn, sqlite3.Connection):
            order = _ORDER_DATE.get(sort, "score")
            total, rows = _sqlite_hits(conn, query, where, args, order, per_page, offset)
        else:  # equal scores by id: PostgreSQL keeps no order among equal keys from one run to the next
            order = _ORDER_DATE.get(sort, "score, a.id")
            total, rows = _pg_hits(conn, query, where, args, order, per_page, offset)
    else:
        if sort == "relevance" or sort not in SEARCH_SORTS:
            sort = "newest"
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = conn.execute(f"SELECT count(*) FROM articles a{clause}", args).fetchone()[0]
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
            "pages": max(1, -(-total // per_page)), "results": results}


# --------------------------------------------------------------------------- articles


_ARTICLE_COLUMNS = ", ".join(f"a.{c}" for c in (
    "id", "capture_id", "title", "url", "published", "authors", "site_name", "language", "source_kind",
    "encoding", "words", "text", "paragraphs", "evidence", "warnings", "nutgraf_version", "settings_hash",
    "created_at"))


def article(conn: Conn, feats: Features, article_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        # the article's columns by name: a.* would also fetch PostgreSQL's stored search vector
        f"SELECT {_ARTICLE_COLUMNS}, c.url AS capture_url, c.content_type, c.size, c.fetched_at, c.origin_kind,"
        " c.origin_path,"
        " c.origin_record_id, c.origin_offset, c.origin_line, c.ingested_at"
        " FROM articles a JOIN captures c ON c.id = a.capture_id WHERE a.id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    d = dialect(conn)
    r = dict(row)
    out: dict[str, Any] = {
        "id": r["id"], "title": r["title"], "url": r["url"], "published": r["published"],
        "authors": _loads(r["authors"], []), "site_name": r["site_name"], "language": r["language"],
        "source_kind": r["source_kind"], "encoding": r["encoding"], "words": r["words"], "text": r["text"],
        "paragraphs": _loads(r["paragraphs"], []), "evidence": _loads(r["evidence"], {}),
        "warnings": _loads(r["warnings"], []), "nutgraf_version": r["nutgraf_version"],
        "settings_hash": r["settings_hash"], "created_at": r["created_at"],
        "capture": {
            "id": r["capture_id"], "url": r["capture_url"], "content_type": r["content_type"], "size": r["size"],
            "fetched_at": r["fetched_at"], "ingested_at": r["ingested_at"],
            "origin": {"kind": r["origin_kind"], "path": r["origin_path"], "record_id": r["origin_record_id"],
                       "offset": r["origin_offset"], "line": r["origin_line"]},
        },
    }
    mentions: dict[int, list[list[int]]] = {}
    for m in conn.execute('SELECT entity_id, start, "end" FROM mentions WHERE article_id = ? ORDER BY start, id',
                          (article_id,)):
        mentions.setdefault(m[0], []).append([m[1], m[2]])
    out["entities"] = [
        {"id": e["id"], "name": e["name"], "label": e["label"], "aliases": _loads(e["aliases"], []),
         "mentions": mentions.get(e["id"], [])}
        for e in conn.execute("SELECT id, name, label, aliases FROM entities WHERE article_id = ?"
                              f" ORDER BY mentions DESC, {d.ordered('name')}, id", (article_id,))]
    out["quotes"] = [
        {"id": q["id"], "text": q["text"], "start": q["start"], "end": q["end"], "kind": q["kind"],
         "speaker": q["speaker"], "speaker_label": q["speaker_label"],
         "speaker_span": None if q["speaker_start"] is None else [q["speaker_start"], q["speaker_end"]],
         "cue": q["cue"], "cue_span": None if q["cue_start"] is None else [q["cue_start"], q["cue_end"]]}
        for q in conn.execute("SELECT * FROM quotes WHERE article_id = ? ORDER BY start, id", (article_id,))]
    out["amounts"] = [
        {"id": m["id"], "text": m["text"], "start": m["start"], "end": m["end"], "value": m["value"],
         "unit": m["unit"], "object": m["object"], "per": m["per"], "approximate": bool(m["approximate"]),
         "vague": bool(m["vague"]), "source": m["source"],
         "source_span": None if m["source_start"] is None else [m["source_start"], m["source_end"]]}
        for m in conn.execute("SELECT * FROM amounts WHERE article_id = ? ORDER BY start, id", (article_id,))]
    out["dates"] = [dict(d) for d in conn.execute(
        'SELECT text, start, "end", value, relative, granularity FROM dates WHERE article_id = ? ORDER BY start, id',
        (article_id,))]
    out["syndicated"] = []
    out["syndication"] = None
    if feats.syndication:
        table, col = feats.syndication
        extra = [c for c in ("original_id", "is_original", "similarity", "wire") if c in feats.syndication_columns]
        row = conn.execute(f"SELECT syndication_group{''.join(', ' + c for c in extra)} FROM {table}"
                           f" WHERE {col} = ?", (article_id,)).fetchone()
        if row is not None:
            out["syndication"] = dict(row)
            group = row["syndication_group"]
            if group is not None:
                more = "".join(f", s.{c}" for c in extra)
                out["syndicated"] = [dict(r) for r in conn.execute(
                    f"SELECT a.id, a.title, a.url, a.published, a.site_name{more} FROM {table} s"
                    f" JOIN articles a ON a.id = s.{col} WHERE s.syndication_group = ? AND a.id != ?"
                    " ORDER BY a.published IS NULL, a.published, a.id LIMIT 200", (group, article_id))]
    out["story"] = None
    if feats.has_stories:
        sid = story_of(conn, feats, article_id)
        if sid is not None:
            out["story"] = story_summary(conn, feats, sid)
    return out


def story_of(conn: Conn, feats: Features, article_id: int) -> int | None:
    row = conn.execute(f"SELECT story_id FROM ({feats.story_members()}) AS sm WHERE article_id = ? LIMIT 1",
                       (article_id,)).fetchone()
    return None if row is None else row[0]


# --------------------------------------------------------------------------- entities


def entities(conn: Conn, q: str | None = None, label: str | None = None, page: int = 1,
             per_page: int = 50) -> dict[str, Any]:
    page, per_page, offset = _page_args(page, per_page)
    d = dialect(conn)
    where, args = [], []
    if q:
        where.append(d.contains("name", "aliases"))
        args += [_like(q), _like(q)]
    if label:
        where.append("label = ?")
        args.append(label)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM entities{clause} GROUP BY name, label) AS g",
                         args).fetchone()[0]
    # CAST: PostgreSQL's sum of integers is a numeric (a Decimal), SQLite's an integer
    rows = conn.execute(
        f"SELECT name, label, count(DISTINCT article_id) AS articles, CAST(sum(mentions) AS BIGINT) AS mentions"
        f" FROM entities{clause} GROUP BY name, label ORDER BY articles DESC, mentions DESC,"
        f" {d.ordered('name')}, {d.ordered('label')} LIMIT ? OFFSET ?", [*args, per_page, offset]).fetchall()
    labels = [r[0] for r in conn.execute(f"SELECT label FROM entities GROUP BY label ORDER BY {d.ordered('label')}")]
    return {"total": total, "page": page, "per_page": per_page, "pages": max(1, -(-total // per_page)),
            "labels": labels, "results": [dict(r) for r in rows]}


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    ly, lm = int(last[:4]), int(last[5:7])
    out = []
    while (y, m) <= (ly, lm) and len(out) < 1200:
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def entity(conn: Conn, name: str, label: str | None = None, limit: int = 200) -> dict[str, Any] | None:
    d = dialect(conn)
    args: list[Any] = [name]
    lab = ""
    if label:
        lab = " AND e.label = ?"
        args.append(label)
    labels = [dict(r) for r in conn.execute(
        f"SELECT e.label, count(DISTINCT e.article_id) AS articles FROM entities e WHERE e.name = ?{lab}"
        f" GROUP BY e.label ORDER BY articles DESC, {d.ordered('e.label')}", args)]
    quotes_n = conn.execute("SELECT count(*) FROM quotes WHERE speaker = ?", (name,)).fetchone()[0]
    amounts_n = conn.execute("SELECT count(*) FROM amounts WHERE source = ?", (name,)).fetchone()[0]
    if not labels and not quotes_n and not amounts_n:
        return None
    aliases: dict[str, int] = {}
    for (raw,) in conn.execute(f"SELECT e.aliases FROM entities e WHERE e.name = ?{lab}", args):
        for a in _loads(raw, []):
            if isinstance(a, str):
                aliases[a] = aliases.get(a, 0) + 1
    # mentions over time, by month of publication
    by_month: dict[str, list[int]] = {}
    undated = 0
    for pub, n in conn.execute(
            f"SELECT a.published, e.mentions FROM entities e JOIN articles a ON a.id = e.article_id"
            f" WHERE e.name = ?{lab}", args):
        if pub and len(pub) >= 7 and pub[:4].isdigit() and pub[5:7].isdigit():
            slot = by_month.setdefault(pub[:7], [0, 0])
            slot[0] += n
            slot[1] += 1
        else:
            undated += n
    timeline = []
    if by_month:
        keys = sorted(by_month)
        for month in _months(keys[0], keys[-1]):
            mentions, arts = by_month.get(month, [0, 0])
            timeline.append({"month": month, "mentions": mentions, "articles": arts})
    articles = [dict(r) for r in conn.execute(
        f"SELECT a.id, a.title, a.published, a.site_name, a.url, e.mentions FROM entities e"
        f" JOIN articles a ON a.id = e.article_id WHERE e.name = ?{lab}"
        f" ORDER BY a.published IS NULL, a.published DESC, a.id, e.id LIMIT ?", [*args, limit])]
    said = [dict(r) for r in conn.execute(
        "SELECT quote_id, article_id, title, published, site_name, kind, cue, quote, start, \"end\""
        " FROM quotes_with_speakers WHERE speaker = ? ORDER BY published IS NULL, published DESC, quote_id LIMIT ?",
        (name, limit))]
    site = "coalesce(site_name, '(unknown site)')"
    quoted_by = [dict(r) for r in conn.execute(
        f"SELECT {site} AS site_name, count(*) AS quotes, count(DISTINCT article_id) AS articles"
        f" FROM quotes_with_speakers WHERE speaker = ? GROUP BY {site} ORDER BY quotes DESC, {d.ordered(site)}"
        " LIMIT 50", (name,))]
    figures = [dict(r) for r in conn.execute(
        "SELECT amount_id, article_id, title, published, site_name, amount, value, unit, object, per,"
        " approximate, start, \"end\" FROM amounts_with_sources WHERE source = ?"
        " ORDER BY published IS NULL, published DESC, amount_id LIMIT ?", (name, limit))]
    with_ = [dict(r) for r in conn.execute(
        f"SELECT e2.name, e2.label, count(DISTINCT e2.article_id) AS articles FROM entities e"
        f" JOIN entities e2 ON e2.article_id = e.article_id AND e2.name != e.name"
        f" WHERE e.name = ?{lab} GROUP BY e2.name, e2.label"
        f" ORDER BY articles DESC, {d.ordered('e2.name')}, {d.ordered('e2.label')} LIMIT 30", args)]
    return {
        "name": name, "label": label, "labels": labels,
        "aliases": [a for a, _ in sorted(aliases.items(), key=lambda kv: (-kv[1], kv[0]))][:30],
        "articles_total": sum(x["articles"] for x in labels),
        "mentions_total": sum(t["mentions"] for t in timeline) + undated, "undated_mentions": undated,
        "timeline": timeline, "articles": articles, "said": said, "said_total": quotes_n,
        "quoted_by": quoted_by, "figures": figures, "figures_total": amounts_n, "seen_with": with_,
    }


# --------------------------------------------------------------------------- quotes and figures

QUOTE_SORTS = {"published": "published", "speaker": "speaker", "kind": "kind", "site": "site_name",
               "length": "length(quote)", "id": "quote_id"}
FIGURE_SORTS = {"published": "published", "source": "source", "value": "value", "unit": "unit",
                "object": "object", "site": "site_name", "id": "amount_id"}
_TEXT_SORTS = frozenset({"speaker", "kind", "site", "source", "unit", "object"})  # free text: collated


def _order(d: Dialect, sorts: dict[str, str], sort: str, direction: str, tie: str) -> tuple[str, str, str]:
    if sort not in sorts:
        sort = "published"
    direction = "asc" if direction == "asc" else "desc"
    col = sorts[sort]
    key = d.ordered(col) if sort in _TEXT_SORTS else col
    return sort, direction, f"{col} IS NULL, {key} {direction.upper()}, {tie}"


def quotes(conn: Conn, *, speaker: str | None = None, q: str | None = None, kind: str | None = None,
           site: str | None = None, since: str | None = None, until: str | None = None,
           article: int | None = None, sort: str = "published", direction: str = "desc", page: int = 1,
           per_page: int = 50, everything: bool = False) -> dict[str, Any]:
    d = dialect(conn)
    where, args = [], []
    if speaker:
        where.append(d.contains("speaker"))
        args.append(_like(speaker))
    if q:
        where.append(d.contains("quote"))
        args.append(_like(q))
    if kind:
        where.append("kind = ?")
        args.append(kind)
    _site_filter(d, where, args, site, ("site_name", "url"))
    if article is not None:
        where.append("article_id = ?")
        args.append(article)
    _date_filters(where, args, since, until, col="published")
    return _table(conn, "quotes_with_speakers", where, args, QUOTE_SORTS, sort, direction, "quote_id",
                  page, per_page, everything)


def figures(conn: Conn, *, source: str | None = None, q: str | None = None, unit: str | None = None,
            site: str | None = None, since: str | None = None, until: str | None = None,
            min_value: float | None = None, max_value: float | None = None, article: int | None = None,
            sort: str = "published", direction: str = "desc", page: int = 1, per_page: int = 50,
            everything: bool = False) -> dict[str, Any]:
    d = dialect(conn)
    where, args = [], []
    if source:
        where.append(d.contains("source"))
        args.append(_like(source))
    if q:
        where.append(d.contains("amount", "object"))
        args += [_like(q), _like(q)]
    if unit:
        where.append("unit = ?")
        args.append(unit)
    _site_filter(d, where, args, site, ("site_name", "url"))
    if min_value is not None:
        where.append("value >= ?")
        args.append(min_value)
    if max_value is not None:
        where.append("value <= ?")
        args.append(max_value)
    if article is not None:
        where.append("article_id = ?")
        args.append(article)
    _date_filters(where, args, since, until, col="published")
    return _table(conn, "amounts_with_sources", where, args, FIGURE_SORTS, sort, direction, "amount_id",
                  page, per_page, everything)


def _table(conn: Conn, view: str, where: list[str], args: list[Any], sorts: dict[str, str],
           sort: str, direction: str, tie: str, page: int, per_page: int, everything: bool) -> dict[str, Any]:
    sort, direction, order = _order(dialect(conn), sorts, sort, direction, tie)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    if everything:
        page, per_page, offset = 1, CSV_MAX_ROWS, 0
    else:
        page, per_page, offset = _page_args(page, per_page)
    total = conn.execute(f"SELECT count(*) FROM {view}{clause}", args).fetchone()[0]
    rows = conn.execute(f"SELECT * FROM {view}{clause} ORDER BY {order} LIMIT ? OFFSET ?",
                        [*args, per_page, offset])
    return {"total": total, "page": page, "per_page": per_page, "pages": max(1, -(-total // per_page)),
            "sort": sort, "dir": direction, "results": [dict(r) for r in rows]}


def units(conn: Conn) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT unit FROM amounts WHERE unit IS NOT NULL GROUP BY unit"
        f" ORDER BY count(*) DESC, {dialect(conn).ordered('unit')} LIMIT 100")]


# --------------------------------------------------------------------------- stories

_TITLE_COLS = ("title", "label", "name", "headline", "summary")


def _story_title(row: dict[str, Any]) -> str | None:
    for c in _TITLE_COLS:
        v = row.get(c)
        if isinstance(v, str) and v.strip():
            return v
    return None


def _story_articles_sql(feats: Features) -> str:
    return feats.story_members()


def any_stories(conn: Conn) -> bool:
    return conn.execute("SELECT 1 FROM stories LIMIT 1").fetchone() is not None


def story_summary(conn: Conn, feats: Features, story_id: Any) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    members = f"({_story_articles_sql(feats)})"
    stats = conn.execute(
        f"SELECT count(*), min(a.published), max(a.published) FROM {members} m JOIN articles a ON a.id = m.article_id"
        " WHERE m.story_id = ?", (story_id,)).fetchone()
    if row is None and not stats[0]:
        return None
    d = dict(row) if row is not None else {"id": story_id}
    return {"id": d.get("id", story_id), "title": _story_title(d), "articles": stats[0], "first": stats[1],
            "last": stats[2], "fields": {k: v for k, v in d.items() if isinstance(v, (str, int, float))}}


def stories(conn: Conn, feats: Features, page: int = 1, per_page: int = 20,
            min_articles: int = 1) -> dict[str, Any]:
    """Stories with at least ``min_articles`` articles, biggest first, each with its articles
    in time order."""
    if not feats.has_stories:
        return {"available": False, "total": 0, "page": 1, "per_page": per_page, "pages": 1, "results": [],
                "min_articles": min_articles}
    page, per_page, offset = _page_args(page, per_page)
    members = f"({_story_articles_sql(feats)})"
    total = conn.execute(f"SELECT count(*) FROM (SELECT story_id FROM {members} AS m GROUP BY story_id"
                         " HAVING count(*) >= ?) AS s", (min_articles,)).fetchone()[0]
    # undated stories last: SQLite's DESC puts NULLs there, PostgreSQL's first unless told
    rows = conn.execute(
        f"SELECT m.story_id, count(*) AS n, min(a.published) AS first, max(a.published) AS last"
        f" FROM {members} m JOIN articles a ON a.id = m.article_id GROUP BY m.story_id HAVING count(*) >= ?"
        f" ORDER BY n DESC, max(a.published) IS NULL, last DESC, m.story_id"
        " LIMIT ? OFFSET ?", (min_articles, per_page, offset)).fetchall()
    results = []
    for r in rows:
        srow = conn.execute("SELECT * FROM stories WHERE id = ?", (r["story_id"],)).fetchone()
        arts = [dict(a) for a in conn.execute(
            f"SELECT a.id, a.title, a.published, a.site_name FROM {members} m JOIN articles a ON a.id = m.article_id"
            " WHERE m.story_id = ? ORDER BY a.published IS NULL, a.published, a.id LIMIT 100", (r["story_id"],))]
        results.append({"id": r["story_id"], "title": _story_title(dict(srow)) if srow else None,
                        "articles": r["n"], "first": r["first"], "last": r["last"], "timeline": arts})
    return {"available": True, "total": total, "page": page, "per_page": per_page,
            "pages": max(1, -(-total // per_page)), "results": results, "min_articles": min_articles}


def story(conn: Conn, feats: Features, story_id: int) -> dict[str, Any] | None:
    if not feats.has_stories:
        return None
    summary = story_summary(conn, feats, story_id)
    if summary is None:
        return None
    members = f"({_story_articles_sql(feats)})"
    summary["timeline"] = [dict(a) for a in conn.execute(
        f"SELECT a.id, a.title, a.published, a.site_name, a.url, a.words FROM {members} m"
        " JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?"
        " ORDER BY a.published IS NULL, a.published, a.id LIMIT 1000", (story_id,))]
    return summary
