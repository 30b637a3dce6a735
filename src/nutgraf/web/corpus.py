"""Read-only queries behind the web UI and the JSON API: the listings (articles, entities,
quotes, figures, stories, places, events); search, facets and traces are the query layer's
(``store/query.py``), which the CLI and the demo share.

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
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nutgraf.corpus.wire import wire_cues
from nutgraf.web.connection import Dialect, Features, dialect

# The helpers and search live in the query layer (``store/query.py``), shared with the CLI
# and the demo; the names stay importable from here.
from nutgraf.store.query import (  # noqa: F401
    CSV_MAX_ROWS, HL_CLOSE, HL_OPEN, INT64 as _INT64, MAX_PER_PAGE, PER_PAGE, SEARCH_SORTS, SearchFilters,
    clamped_page as _clamped_page, clean_text, date_filters as _date_filters, facets, in_int64,
    like_pattern as _like, loads as _loads, month_series, pg_plain as _pg_plain, search,
    site_filter as _site_filter, trace)

if TYPE_CHECKING:
    from nutgraf.corpus.sql import PgConnection
    from nutgraf.web.connection import Conn


def _page_args(page: Any, per_page: Any, total: int) -> tuple[int, int, int]:
    """(page, per_page, offset): the page clamped into 1..pages once the total is known."""
    return _clamped_page(page, per_page, total)


def counts(conn: Conn) -> dict[str, int]:
    out = {}
    for table in ("articles", "entities", "quotes", "amounts"):
        out[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return out


def sites(conn: Conn) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        "SELECT site_name AS name, count(*) AS articles FROM articles WHERE site_name IS NOT NULL"
        f" GROUP BY site_name ORDER BY articles DESC, {dialect(conn).ordered('site_name')} LIMIT 200")]


# --------------------------------------------------------------------------- articles


_ARTICLE_COLUMNS = ", ".join(f"a.{c}" for c in (
    "id", "capture_id", "title", "url", "published", "authors", "site_name", "language", "source_kind",
    "encoding", "words", "text", "paragraphs", "evidence", "warnings", "nutgraf_version", "settings_hash",
    "created_at"))


def article(conn: Conn, feats: Features, article_id: int) -> dict[str, Any] | None:
    if not in_int64(article_id):
        return None
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
    out["places"] = article_places(conn, feats, article_id)
    out["events"] = article_events(conn, feats, article_id)
    if out["events"]:  # how many of the events happened at each place (for the map)
        at: dict[str, int] = {}
        for e in out["events"]:
            if e["place_key"]:
                at[e["place_key"]] = at.get(e["place_key"], 0) + 1
        for p in out["places"]:
            p["events"] = at.get(p["key"], 0)
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
    # wire credits read from the text itself, so they show even when the corpus holds no copy
    out["wire_credits"] = [{**c.to_dict(), "text": out["text"][c.start:c.end]} for c in wire_cues(out["text"] or "")]
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


@dataclass(frozen=True)
class EntityMatch:
    """How an entity page finds its rows: ``name`` to show (the registry's fullest form when
    the store has a registry), ``cond`` SQL over ``entities e`` with its ``args``, and the
    ``names`` its article entities go by (for quotes and figures, matched by name)."""

    name: str
    cond: str
    args: tuple[Any, ...]
    names: tuple[str, ...]


def _json_in(conn: Conn, table: str, key: str, name: str, label: str | None) -> list[tuple[Any, str]]:
    """(``key``, name) of ``table``'s rows (``entity_registry`` or ``entities``) whose JSON
    ``aliases`` hold ``name`` exactly (a LIKE finds candidates, the JSON decides)."""
    d = dialect(conn)
    sql = f"SELECT {key}, name, aliases FROM {table} WHERE {d.contains('aliases', 'aliases')}"
    args: list[Any] = [_like(json.dumps(name, ensure_ascii=False)), _like(json.dumps(name))]
    if label:
        sql += " AND label = ?"
        args.append(label)
    out = []
    for k, n, raw in conn.execute(sql + " LIMIT 500", args):
        if name in _loads(raw, []):
            out.append((k, n))
    return out


def _registry_ids(conn: Conn, name: str, label: str | None) -> list[int]:
    """The registry entries ``name`` is: by their name, by an article entity of that name
    linked to them, else by an alias (theirs, or an article entity's)."""
    lab = " AND label = ?" if label else ""
    one = [name, label] if label else [name]
    ids = [r[0] for r in conn.execute(f"SELECT id FROM entity_registry WHERE name = ?{lab}", one)]
    if ids:
        return ids
    ids = [r[0] for r in conn.execute(
        "SELECT DISTINCT l.registry_id FROM entities e JOIN entity_links l ON l.entity_id = e.id"
        f" WHERE e.name = ?{lab.replace('label', 'e.label')}", one)]
    if ids:
        return ids
    ids = [k for k, _ in _json_in(conn, "entity_registry", "id", name, label)]
    if ids:
        return ids
    ents = [k for k, _ in _json_in(conn, "entities", "id", name, label)][:200]
    if ents:
        ids = [r[0] for r in conn.execute(
            f"SELECT DISTINCT registry_id FROM entity_links WHERE entity_id IN ({','.join('?' * len(ents))})", ents)]
        if ids:
            return ids
    return _registry_resolve(conn, name, label)


def _registry_resolve(conn: Conn, name: str, label: str | None) -> list[int]:
    """The registry entry ``name`` would join, as the registry itself reads names ('U.S.' is
    'united states', a bare surname the one person of the corpus with it); a person first."""
    try:  # imported here: the corpus package, only for names found no other way
        from nutgraf.corpus import registry
    except Exception:  # noqa: BLE001 - a lookup the pages can do without
        return []
    labels = [label] if label else ["PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"]
    for lab in labels:
        try:
            rid = registry.resolve(conn, name, lab)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a registry of another make: no such entry
            return []
        if rid is not None:
            return [rid]
    # a spelling the registry has not seen but reads as one it has ('U.S.' for 'U.S')
    chars = [c for c in name if c.isalnum()]
    if not 1 <= len(chars) <= 60:
        return []
    sql = f"SELECT id, label, aliases FROM entity_registry WHERE aliases {dialect(conn).like} ?"
    args: list[Any] = ["%" + "%".join(chars) + "%"]
    if label:
        sql += " AND label = ?"
        args.append(label)
    for rid, lab, raw in conn.execute(sql + " ORDER BY articles DESC, id LIMIT 500", args):
        want = registry.normalise(name, lab)
        if want and any(isinstance(a, str) and registry.normalise(a, lab) == want for a in _loads(raw, [])):
            return [rid]
    return []


def entity_match(conn: Conn, feats: Features | None, name: str, label: str | None = None) -> EntityMatch | None:
    """The entity ``name`` (with ``label``) is, found by any of its names: with a registry,
    every article entity linked to the registry entries it names ('Putin' finds 'Vladimir
    Putin'); without one, the entities of that name, else those that give it as an alias.
    None when nothing goes by that name."""
    name = clean_text(name)
    if not name or len(name) > 1000:
        return None
    lab = " AND e.label = ?" if label else ""
    tail: tuple[Any, ...] = (label,) if label else ()
    if feats is not None and feats.registry:
        rids = sorted(set(_registry_ids(conn, name, label)))[:50]
        if rids:
            cond = (f"e.id IN (SELECT entity_id FROM entity_links WHERE registry_id IN ({','.join('?' * len(rids))}))"
                    + lab)
            args = (*rids, *tail)
            names = [r[0] for r in conn.execute(f"SELECT DISTINCT e.name FROM entities e WHERE {cond} LIMIT 100",
                                                args)]
            best = conn.execute(f"SELECT name FROM entity_registry WHERE id IN ({','.join('?' * len(rids))})"
                                f" ORDER BY articles DESC, id LIMIT 1", rids).fetchone()
            shown = name if best is None else best[0]
            return EntityMatch(shown, cond, args, tuple(dict.fromkeys([shown, *names])))
    if conn.execute(f"SELECT 1 FROM entities e WHERE e.name = ?{lab} LIMIT 1", (name, *tail)).fetchone() is None:
        found = list(dict.fromkeys(n for _, n in _json_in(conn, "entities", "id", name, label)))[:50]
        if found:
            cond = f"e.name IN ({','.join('?' * len(found))})" + lab
            return EntityMatch(found[0], cond, (*found, *tail), tuple(found))
    return EntityMatch(name, "e.name = ?" + lab, (name, *tail), (name,))


def entities(conn: Conn, q: str | None = None, label: str | None = None, page: Any = 1,
             per_page: Any = 50, feats: Features | None = None) -> dict[str, Any]:
    """Entities by number of articles: one row per registry entry ('US', 'U.S.' and 'United
    States' are one) when the store has a registry, else one per name and label."""
    d = dialect(conn)
    q = clean_text(q) or None
    where, args = [], []
    if q:
        where.append(d.contains("name", "aliases"))
        args += [_like(q), _like(q)]
    if label:
        where.append("label = ?")
        args.append(label)
    use_registry = feats is not None and feats.registry and conn.execute(
        "SELECT 1 FROM entity_registry WHERE articles > 0 LIMIT 1").fetchone() is not None
    if use_registry:
        clause = " WHERE " + " AND ".join(["articles > 0", *where])
        total = conn.execute(f"SELECT count(*) FROM entity_registry{clause}", args).fetchone()[0]
        page, per_page, offset = _page_args(page, per_page, total)
        rows = conn.execute(
            f"SELECT id, name, label, articles, CAST(mentions AS BIGINT) AS mentions FROM entity_registry{clause}"
            f" ORDER BY articles DESC, mentions DESC, {d.ordered('name')}, {d.ordered('label')}, id LIMIT ? OFFSET ?",
            [*args, per_page, offset]).fetchall()
        labels = [r[0] for r in conn.execute(
            f"SELECT label FROM entity_registry WHERE articles > 0 GROUP BY label ORDER BY {d.ordered('label')}")]
    else:
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM entities{clause} GROUP BY name, label) AS g",
                             args).fetchone()[0]
        page, per_page, offset = _page_args(page, per_page, total)
        # CAST: PostgreSQL's sum of integers is a numeric (a Decimal), SQLite's an integer
        rows = conn.execute(
            f"SELECT name, label, count(DISTINCT article_id) AS articles, CAST(sum(mentions) AS BIGINT) AS mentions"
            f" FROM entities{clause} GROUP BY name, label ORDER BY articles DESC, mentions DESC,"
            f" {d.ordered('name')}, {d.ordered('label')} LIMIT ? OFFSET ?", [*args, per_page, offset]).fetchall()
        labels = [r[0] for r in conn.execute(
            f"SELECT label FROM entities GROUP BY label ORDER BY {d.ordered('label')}")]
    return {"total": total, "page": page, "per_page": per_page, "pages": max(1, -(-total // per_page)),
            "labels": labels, "registry": bool(use_registry), "results": [dict(r) for r in rows]}


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


def entity(conn: Conn, name: str, label: str | None = None, limit: int = 200,
           feats: Features | None = None) -> dict[str, Any] | None:
    """One entity, found by any of its names (``entity_match``): its types, aliases, mentions
    per month, articles, quotes, who quotes it, the figures it gave and who it is seen with."""
    d = dialect(conn)
    m = entity_match(conn, feats, name, label)
    if m is None:
        return None
    cond, args = m.cond, list(m.args)
    names = list(m.names)
    by_name = f"IN ({','.join('?' * len(names))})"
    labels = [dict(r) for r in conn.execute(
        f"SELECT e.label, count(DISTINCT e.article_id) AS articles FROM entities e WHERE {cond}"
        f" GROUP BY e.label ORDER BY articles DESC, {d.ordered('e.label')}", args)]
    quotes_n = conn.execute(f"SELECT count(*) FROM quotes WHERE speaker {by_name}", names).fetchone()[0]
    amounts_n = conn.execute(f"SELECT count(*) FROM amounts WHERE source {by_name}", names).fetchone()[0]
    if not labels and not quotes_n and not amounts_n:
        return None
    aliases: dict[str, int] = {}
    for n, raw in conn.execute(f"SELECT e.name, e.aliases FROM entities e WHERE {cond}", args):
        for a in [n, *_loads(raw, [])]:
            if isinstance(a, str) and a != m.name:
                aliases[a] = aliases.get(a, 0) + 1
    # mentions over time, by month of publication
    by_month: dict[str, list[int]] = {}
    undated = 0
    for pub, n in conn.execute(
            f"SELECT a.published, e.mentions FROM entities e JOIN articles a ON a.id = e.article_id"
            f" WHERE {cond}", args):
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
    # one row per article (an article may hold two entities of the referent: 'US' and 'America')
    articles = [dict(r) for r in conn.execute(
        f"SELECT a.id, a.title, a.published, a.site_name, a.url, CAST(sum(e.mentions) AS BIGINT) AS mentions"
        f" FROM entities e JOIN articles a ON a.id = e.article_id WHERE {cond}"
        f" GROUP BY a.id, a.title, a.published, a.site_name, a.url"
        f" ORDER BY a.published IS NULL, a.published DESC, a.id LIMIT ?", [*args, limit])]
    said = [dict(r) for r in conn.execute(
        "SELECT quote_id, article_id, title, published, site_name, kind, cue, quote, start, \"end\""
        f" FROM quotes_with_speakers WHERE speaker {by_name}"
        " ORDER BY published IS NULL, published DESC, quote_id LIMIT ?", [*names, limit])]
    site = "coalesce(site_name, '(unknown site)')"
    quoted_by = [dict(r) for r in conn.execute(
        f"SELECT {site} AS site_name, count(*) AS quotes, count(DISTINCT article_id) AS articles"
        f" FROM quotes_with_speakers WHERE speaker {by_name} GROUP BY {site} ORDER BY quotes DESC, {d.ordered(site)}"
        " LIMIT 50", names)]
    figures = [dict(r) for r in conn.execute(
        "SELECT amount_id, article_id, title, published, site_name, amount, value, unit, object, per,"
        f" approximate, start, \"end\" FROM amounts_with_sources WHERE source {by_name}"
        " ORDER BY published IS NULL, published DESC, amount_id LIMIT ?", [*names, limit])]
    with_ = [dict(r) for r in conn.execute(
        f"SELECT e2.name, e2.label, count(DISTINCT e2.article_id) AS articles FROM entities e"
        f" JOIN entities e2 ON e2.article_id = e.article_id AND e2.name NOT {by_name}"
        f" WHERE {cond} GROUP BY e2.name, e2.label"
        f" ORDER BY articles DESC, {d.ordered('e2.name')}, {d.ordered('e2.label')} LIMIT 30", [*names, *args])]
    articles_total = conn.execute(f"SELECT count(DISTINCT e.article_id) FROM entities e WHERE {cond}",
                                  args).fetchone()[0]
    return {
        "name": m.name, "asked": name if name != m.name else None, "label": label, "labels": labels,
        "aliases": [a for a, _ in sorted(aliases.items(), key=lambda kv: (-kv[1], kv[0]))][:30],
        "articles_total": articles_total,
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
        where.append("article_id = ?" if in_int64(article) else "1 = 0")
        args += [article] if in_int64(article) else []
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
        where.append("article_id = ?" if in_int64(article) else "1 = 0")
        args += [article] if in_int64(article) else []
    _date_filters(where, args, since, until, col="published")
    return _table(conn, "amounts_with_sources", where, args, FIGURE_SORTS, sort, direction, "amount_id",
                  page, per_page, everything)


def _table(conn: Conn, view: str, where: list[str], args: list[Any], sorts: dict[str, str],
           sort: str, direction: str, tie: str, page: int, per_page: int, everything: bool) -> dict[str, Any]:
    sort, direction, order = _order(dialect(conn), sorts, sort, direction, tie)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total = conn.execute(f"SELECT count(*) FROM {view}{clause}", args).fetchone()[0]
    if everything:
        page, per_page, offset = 1, CSV_MAX_ROWS, 0
    else:
        page, per_page, offset = _page_args(page, per_page, total)
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
    if not in_int64(story_id):
        return None
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
    min_articles = max(1, min(int(min_articles), _INT64))
    members = f"({_story_articles_sql(feats)})"
    total = conn.execute(f"SELECT count(*) FROM (SELECT story_id FROM {members} AS m GROUP BY story_id"
                         " HAVING count(*) >= ?) AS s", (min_articles,)).fetchone()[0]
    page, per_page, offset = _page_args(page, per_page, total)
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
    if not feats.has_stories or not in_int64(story_id):
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


# --------------------------------------------------------------------------- places
#
# Schema 4's place tables: ``places`` (one row per mention, a span of the article's text) and
# ``article_places`` (one row per distinct place per article, keyed by ``place_key``: the
# GeoNames id as text, else ``name:<name>``).  A store without them (``Features.places``
# false) has no places: every function here answers empty.

PLACE_FIELDS = ("geonames_id", "name", "lat", "lon", "country_code", "country_fips", "admin1", "admin1_name",
                "feature_code")
MAX_KEY_LENGTH = 400
SENTENCE_MAX = 300  # characters of text around a mention
SENTENCES_PER_ARTICLE = 3
_WINDOW = 320  # characters read on each side of a mention to find its sentence
_COUNTRY_RE = re.compile(r"[A-Z]{2}")
# a sentence ends at . ! ? … (and closing quotes/brackets) before a space, or at a line break
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|\n")


def _place_key(row: Any) -> str:
    gid = row["geonames_id"]
    return str(gid) if gid is not None else f"name:{row['name']}"


def key_ok(key: Any) -> bool:
    """Whether ``key`` can be a place key at all (answered 404 otherwise, without a query):
    text of sane length, no NUL (PostgreSQL refuses it), encodable (no lone surrogates)."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:
        return False
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return key.isdigit() or (key.startswith("name:") and len(key) > 5)


def country_code(value: Any) -> str | None:
    """``?country=ge`` as ``GE``; None for anything that is not two letters."""
    if not isinstance(value, str):
        return None
    value = value.strip().upper()
    return value if _COUNTRY_RE.fullmatch(value) else None


def _key_where(key: str, alias: str = "ap") -> tuple[str, list[Any]]:
    """SQL finding ``article_places`` rows of ``key``: numeric keys through the geonames_id
    index, ``name:`` keys by the key itself."""
    if key.isdigit():
        gid = int(key)
        if gid > _INT64:
            return "1 = 0", []
        return f"{alias}.geonames_id = ? AND {alias}.place_key = ?", [gid, key]
    return f"{alias}.geonames_id IS NULL AND {alias}.place_key = ?", [key]


_AGG = ("max(ap.geonames_id) AS geonames_id, max(ap.name) AS name, max(ap.lat) AS lat, max(ap.lon) AS lon,"
        " max(ap.country_code) AS country_code, max(ap.country_fips) AS country_fips, max(ap.admin1) AS admin1,"
        " max(ap.admin1_name) AS admin1_name, max(ap.feature_code) AS feature_code,"
        " count(DISTINCT ap.article_id) AS articles, CAST(sum(ap.mentions) AS BIGINT) AS mentions")


def _place_row(r: Any) -> dict[str, Any]:
    d = dict(r)
    d["key"] = d.pop("place_key")
    return d


def article_places(conn: Conn, feats: Features, article_id: int) -> list[dict[str, Any]]:
    """The distinct places of an article, most mentioned first, each with its mentions
    (``spans``: the words, where they are, and how they were read)."""
    if not feats.places:
        return []
    spans: dict[str, list[dict[str, Any]]] = {}
    for p in conn.execute(
            'SELECT id, start, "end", text, name, geonames_id, kind, evidence, confidence, entity FROM places'
            " WHERE article_id = ? ORDER BY start, id", (article_id,)):
        spans.setdefault(_place_key(p), []).append(
            {"id": p["id"], "start": p["start"], "end": p["end"], "text": p["text"], "kind": p["kind"],
             "evidence": p["evidence"], "confidence": p["confidence"], "entity": p["entity"]})
    out = []
    for r in conn.execute(
            f"SELECT place_key, {', '.join(PLACE_FIELDS)}, mentions, first_start FROM article_places"
            f" WHERE article_id = ? ORDER BY mentions DESC, first_start, {dialect(conn).ordered('place_key')}",
            (article_id,)):
        d = _place_row(r)
        d["spans"] = spans.get(d["key"], [])
        out.append(d)
    return out


def places(conn: Conn, feats: Features, *, country: str | None = None, q: str | None = None, page: int = 1,
           per_page: int = 50, everything: bool = False, limit: int = 1000) -> dict[str, Any]:
    """Places across the corpus by number of articles naming them; ``country`` (ISO alpha-2)
    and ``q`` (part of the name) filter.  ``everything``: the first ``limit`` places, for a map."""
    code = country_code(country) if country else None
    empty = {"total": 0, "page": 1, "per_page": per_page, "pages": 1, "country": code, "q": q or "",
             "results": []}
    if not feats.places or (country and code is None):
        return empty
    d = dialect(conn)
    where, args = [], []
    if code:
        where.append("ap.country_code = ?")
        args.append(code)
    if q:
        where.append(d.contains("ap.name"))
        args.append(_like(q))
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total = conn.execute(f"SELECT count(DISTINCT ap.place_key) FROM article_places ap{clause}", args).fetchone()[0]
    if everything:
        page, per_page, offset = 1, limit, 0
    else:
        page, per_page, offset = _clamped_page(page, per_page, total)
    rows = conn.execute(
        f"SELECT ap.place_key, {_AGG} FROM article_places ap{clause} GROUP BY ap.place_key"
        f" ORDER BY articles DESC, mentions DESC, {d.ordered('ap.place_key')} LIMIT ? OFFSET ?",
        [*args, per_page, offset]).fetchall()
    return {**empty, "total": total, "page": page, "per_page": per_page, "pages": max(1, -(-total // per_page)),
            "results": [_place_row(r) for r in rows]}


def place_countries(conn: Conn, feats: Features) -> list[dict[str, Any]]:
    """Countries with places, by number of articles (for the country filter)."""
    if not feats.places:
        return []
    return [dict(r) for r in conn.execute(
        "SELECT country_code, count(DISTINCT place_key) AS places, count(DISTINCT article_id) AS articles"
        " FROM article_places WHERE country_code IS NOT NULL GROUP BY country_code"
        f" ORDER BY articles DESC, {dialect(conn).ordered('country_code')} LIMIT 300")]


def places_of_articles(conn: Conn, feats: Features, article_ids: list[int], limit: int = 200) -> list[dict[str, Any]]:
    """The places named in the given articles (a result page, an entity's articles), by
    number of those articles naming them."""
    ids = [int(i) for i in article_ids if isinstance(i, int)][:500]
    if not feats.places or not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT ap.place_key, {_AGG} FROM article_places ap WHERE ap.article_id IN ({marks})"
        f" GROUP BY ap.place_key ORDER BY articles DESC, mentions DESC, {dialect(conn).ordered('ap.place_key')}"
        " LIMIT ?", [*ids, limit]).fetchall()
    return [_place_row(r) for r in rows]


def entity_places(conn: Conn, feats: Features, name: str, label: str | None,
                  article_ids: list[int]) -> dict[str, Any]:
    """An entity's places: when its mentions are place mentions, the places they resolved to
    (``is_place``); otherwise the places named in ``article_ids`` (its listed articles)."""
    m = entity_match(conn, feats, name, label)
    if not feats.places or m is None:
        return {"is_place": False, "results": []}
    d = dialect(conn)
    args: list[Any] = list(m.args)
    key = "CASE WHEN p.geonames_id IS NOT NULL THEN CAST(p.geonames_id AS TEXT) ELSE 'name:' || p.name END"
    rows = conn.execute(
        f"SELECT x.place_key, max(x.geonames_id) AS geonames_id, max(x.name) AS name, max(x.lat) AS lat,"
        " max(x.lon) AS lon, max(x.country_code) AS country_code, max(x.country_fips) AS country_fips,"
        " max(x.admin1) AS admin1, max(x.admin1_name) AS admin1_name, max(x.feature_code) AS feature_code,"
        " count(DISTINCT x.article_id) AS articles, count(*) AS mentions FROM"
        f" (SELECT {key} AS place_key, p.article_id, p.geonames_id, p.name, p.lat, p.lon, p.country_code,"
        " p.country_fips, p.admin1, p.admin1_name, p.feature_code"
        " FROM entities e JOIN places p ON p.article_id = e.article_id AND p.entity_id = e.id"
        f" WHERE {m.cond}) AS x GROUP BY x.place_key"
        f" ORDER BY articles DESC, mentions DESC, {d.ordered('x.place_key')} LIMIT 10", args).fetchall()
    if rows:
        return {"is_place": True, "results": [_place_row(r) for r in rows]}
    return {"is_place": False, "results": places_of_articles(conn, feats, article_ids, limit=60)}


def _sentence(window: str, w0: int, spans: list[tuple[int, int]]) -> dict[str, Any]:
    """The sentence of ``window`` (text from offset ``w0`` of the article) holding the
    mentions ``spans`` (article offsets; the first decides), at most ``SENTENCE_MAX``
    characters, with the mentions as ``marks`` relative to ``text``."""
    ms, me = spans[0][0] - w0, spans[0][1] - w0
    start = 0
    for m in _SENTENCE_END.finditer(window, 0, max(0, ms)):
        start = m.end()
    cut_before = start == 0 and w0 > 0
    end_m = _SENTENCE_END.search(window, me)
    end = end_m.end() if end_m and end_m.group() != "\n" else (end_m.start() if end_m else len(window))
    cut_after = end_m is None and len(window) >= _WINDOW  # the text goes on past the window
    if end - start > SENTENCE_MAX:  # a long sentence: the part around the mention
        left = max(start, ms - (SENTENCE_MAX - (me - ms)) // 2)
        right = min(end, left + SENTENCE_MAX)
        left = max(start, min(left, right - SENTENCE_MAX))
        if left > start:
            space = window.find(" ", left, ms)
            left = space + 1 if space != -1 else left
            cut_before = True
        if right < end:
            space = window.rfind(" ", me, right)
            right = space if space != -1 else right
            cut_after = True
        start, end = left, right
    while start < ms and window[start].isspace():
        start += 1
    while end > me and window[end - 1].isspace():
        end -= 1
    body = window[start:end]
    prefix = "… " if cut_before else ""
    text = prefix + body + (" …" if cut_after else "")
    marks = [[s - w0 - start + len(prefix), e - w0 - start + len(prefix)] for s, e in spans
             if s - w0 >= start and e - w0 <= end]
    return {"text": text, "start": w0 + start, "end": w0 + end, "marks": marks, "_shift": len(prefix)}


def place(conn: Conn, feats: Features, key: str, page: int = 1, per_page: int = PER_PAGE) -> dict[str, Any] | None:
    """One place: where it is, and the articles naming it (newest first, a page of them),
    each with the sentences that name it (up to ``SENTENCES_PER_ARTICLE``)."""
    if not feats.places or not key_ok(key):
        return None
    where, args = _key_where(key)
    row = conn.execute(f"SELECT ap.place_key, {_AGG} FROM article_places ap WHERE {where} GROUP BY ap.place_key",
                       args).fetchone()
    if row is None:
        return None
    info = _place_row(row)
    total = info["articles"]
    page, per_page, offset = _clamped_page(page, per_page, total)
    arts = [dict(r) for r in conn.execute(
        "SELECT a.id, a.title, a.published, a.site_name, a.url, ap.mentions, ap.first_start"
        f" FROM article_places ap JOIN articles a ON a.id = ap.article_id WHERE {where}"
        " ORDER BY a.published IS NULL, a.published DESC, a.id DESC LIMIT ? OFFSET ?", [*args, per_page, offset])]
    by_id = {a["id"]: a for a in arts}
    for a in arts:
        a["sentences"] = []
    if arts:
        ids = list(by_id)
        if info["geonames_id"] is not None:
            cond, cargs = "p.geonames_id = ?", [info["geonames_id"]]
        else:
            cond, cargs = "p.geonames_id IS NULL AND p.name = ?", [info["name"]]
        w0 = f'CASE WHEN p.start > {_WINDOW} THEN p.start - {_WINDOW} ELSE 0 END'
        rows = conn.execute(
            f'SELECT p.id, p.article_id, p.start, p."end", p.kind, {w0} AS w0,'
            # CAST: PostgreSQL's substr takes integers, and the columns may be bigints
            f' substr(a.text, CAST({w0} + 1 AS INTEGER), CAST(p."end" - ({w0}) + {_WINDOW} AS INTEGER)) AS window'
            f" FROM places p JOIN articles a ON a.id = p.article_id"
            f" WHERE p.article_id IN ({','.join('?' * len(ids))}) AND {cond} ORDER BY p.article_id, p.start, p.id",
            [*ids, *cargs]).fetchall()
        for r in rows:
            sents = by_id[r["article_id"]]["sentences"]
            s, e = r["start"], r["end"]
            if any(x["start"] <= s and e <= x["end"] for x in sents):
                for x in sents:  # another mention in a sentence already shown: mark it there too
                    if x["start"] <= s and e <= x["end"]:
                        mark = [s - x["start"] + x["_shift"], e - x["start"] + x["_shift"]]
                        if mark not in x["marks"]:
                            x["marks"].append(mark)
                continue
            if len(sents) >= SENTENCES_PER_ARTICLE:
                continue
            window = r["window"] or ""
            sent = _sentence(window, r["w0"], [(s, e)])
            sent["kind"] = r["kind"]
            sent["mention"] = r["id"]
            sents.append(sent)
    for a in arts:
        for x in a["sentences"]:
            del x["_shift"]
            x["marks"].sort()
    return {"place": info, "total": total, "page": page, "per_page": per_page, "pages": max(1, -(-total // per_page)),
            "articles": arts}


# --------------------------------------------------------------------------- events
#
# Schema 5's ``events`` table: one row per coded event (a PLOVER category, the trigger's span,
# the source and target actors with theirs, a place and a date).  A store without it
# (``Features.events`` false) has no events: every function here answers empty.  A corpus
# pass's ``event_cluster_members(cluster_id, event_id, article_id)`` (``Features.event_clusters``)
# says which events of other articles report the same one; without it, nothing is said.

EVENT_FIELDS = ("id", "article_id", "start", "end", "text", "sentence_start", "sentence_end", "category", "mode",
                "cameo", "score", "negated", "confidence", "source_name", "source_start", "source_end",
                "source_entity", "source_entity_id", "source_country", "source_sector", "target_name",
                "target_start", "target_end", "target_entity", "target_entity_id", "target_country",
                "target_sector", "place_start", "place_end", "place_name", "place_geonames_id", "place_lat",
                "place_lon", "place_country_code", "date_value")
_EV_COLS = ", ".join(f'ev."{c}"' if c == "end" else f"ev.{c}" for c in EVENT_FIELDS)
_EV_WHEN = "coalesce(ev.date_value, a.published)"  # when it happened, else when it was reported
_EV_NEWEST = f"{_EV_WHEN} IS NULL, {_EV_WHEN} DESC, ev.id DESC"
_EV_IN_ORDER = f"{_EV_WHEN} IS NULL, {_EV_WHEN}, a.published, ev.article_id, ev.start, ev.id"
_EV_PLACE_KEY = ("CASE WHEN ev.place_geonames_id IS NOT NULL THEN CAST(ev.place_geonames_id AS TEXT)"
                 " ELSE 'name:' || ev.place_name END")
_SENTENCE_READ = 1200  # characters of an event's sentence read from the text
_SENTENCE_SHOWN = 400  # ... and shown, around the trigger and its actors
_ALSO_SHOWN = 10  # other articles listed per event (all are counted)
_CATEGORY_RE = re.compile(r"[A-Z][A-Z_]{0,39}")
_ACTOR_COUNTRY_RE = re.compile(r"[A-Z]{2,5}")


def event_category(value: Any) -> str | None:
    """``?category=assault`` as ``ASSAULT``; None for anything that cannot be a PLOVER category."""
    if not isinstance(value, str):
        return None
    value = value.strip().upper()
    return value if _CATEGORY_RE.fullmatch(value) else None


def event_country(value: Any) -> str | None:
    """``?country=``: two letters (ISO alpha-2: where it happened or an actor's country), or
    three to five (an actor's CAMEO country: ISO alpha-3, ``NATO``, ``EU`` ...); None otherwise."""
    if not isinstance(value, str):
        return None
    value = value.strip().upper()
    return value if _ACTOR_COUNTRY_RE.fullmatch(value) else None


def _event_sentence(text: str, cut: bool, ev: dict[str, Any]) -> tuple[str, list[list[Any]]]:
    """The event's sentence (``text``, read from ``sentence_start``; ``cut``: the read stopped
    short of its end), at most about ``_SENTENCE_SHOWN`` characters around the trigger and its
    actors, and their marks ``[start, end, role]`` in it."""
    s0 = ev["sentence_start"]
    marks = [[ev[f"{side}start"] - s0, ev[f"{side}end"] - s0, role]
             for side, role in (("", "trigger"), ("source_", "source"), ("target_", "target"))
             if ev[f"{side}start"] is not None and ev[f"{side}end"] is not None]
    marks = [m for m in marks if 0 <= m[0] < m[1] <= len(text)]
    left, right = 0, len(text)
    if len(text) > _SENTENCE_SHOWN and marks:
        lo, hi = min(m[0] for m in marks), max(m[1] for m in marks)
        left = max(0, lo - 80)
        right = min(len(text), max(hi + 80, left + _SENTENCE_SHOWN))
        if left > 0:
            space = text.find(" ", left, lo)
            left = space + 1 if space != -1 else left
        if right < len(text):
            space = text.rfind(" ", hi, right)
            right = space if space != -1 else right
    while right > max([left, *(m[1] for m in marks)]) and text[right - 1].isspace():
        right -= 1
    body = text[left:right]
    prefix = "… " if left > 0 else ""
    shown = prefix + body + (" …" if cut or text[right:].strip() else "")
    shift = len(prefix) - left
    return shown, [[a + shift, b + shift, role] for a, b, role in marks if left <= a and b <= right]


def _event(r: Any) -> dict[str, Any]:
    d = dict(r)
    d["negated"] = bool(d["negated"])
    gid, name = d["place_geonames_id"], d["place_name"]
    d["place_key"] = str(gid) if gid is not None else (f"name:{name}" if name else None)
    text = d.pop("sentence") or ""
    cut = d["sentence_end"] - d["sentence_start"] > len(text)
    d["sentence"], d["sentence_marks"] = _event_sentence(text, cut, d)
    d["anchor"] = f"ev-{d['id']}"
    d["also"], d["also_total"] = [], 0
    return d


def _event_rows(conn: Conn, feats: Features, where: list[str], args: list[Any], order: str, limit: int,
                offset: int = 0) -> list[dict[str, Any]]:
    """Events (with their article's title, date and site, and their sentence) matching ``where``."""
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    span = "ev.sentence_end - ev.sentence_start"
    n = f"CASE WHEN {span} > {_SENTENCE_READ} THEN {_SENTENCE_READ} WHEN {span} < 0 THEN 0 ELSE {span} END"
    rows = conn.execute(
        f"SELECT {_EV_COLS}, {_EV_WHEN} AS happened, a.title, a.published, a.site_name, a.url,"
        # CAST: PostgreSQL's substr takes integers, and the columns may be bigints
        f" substr(a.text, CAST(ev.sentence_start + 1 AS INTEGER), CAST({n} AS INTEGER)) AS sentence"
        f" FROM events ev JOIN articles a ON a.id = ev.article_id{clause} ORDER BY {order} LIMIT ? OFFSET ?",
        [*args, limit, offset]).fetchall()
    out = [_event(r) for r in rows]
    _also_reported(conn, feats, out)
    return out


def _also_reported(conn: Conn, feats: Features, events: list[dict[str, Any]]) -> None:
    """Each event's ``also`` (other articles reporting the same event, by its cluster; the
    first ``_ALSO_SHOWN``) and ``also_total``.  Nothing without the clusters table."""
    if not feats.event_clusters or not events:
        return
    by_id = {e["id"]: e for e in events}
    marks = ",".join("?" * len(by_id))
    pairs = ("event_cluster_members m JOIN event_cluster_members o ON o.cluster_id = m.cluster_id"
             " AND o.article_id <> m.article_id")
    where = f"m.event_id IN ({marks})"
    for event_id, n in conn.execute(f"SELECT m.event_id, count(DISTINCT o.article_id) FROM {pairs} WHERE {where}"
                                    " GROUP BY m.event_id", list(by_id)):
        by_id[event_id]["also_total"] = n
    if not any(e["also_total"] for e in events):
        return
    for r in conn.execute(
            f"SELECT m.event_id, a.id, a.title, a.published, a.site_name FROM {pairs}"
            f" JOIN articles a ON a.id = o.article_id WHERE {where}"
            " ORDER BY m.event_id, a.published IS NULL, a.published, a.id LIMIT 5000", list(by_id)):
        also = by_id[r[0]]["also"]
        if len(also) < _ALSO_SHOWN and all(x["id"] != r[1] for x in also):
            also.append({"id": r[1], "title": r[2], "published": r[3], "site_name": r[4]})


def _country_where(conn: Conn, code: str) -> tuple[str, list[Any]]:
    """SQL for ``?country=``: the place's country or either actor's, whichever code is given."""
    from nutgraf.web.maps import country_iso3

    if len(code) == 2:
        iso3 = country_iso3(code)
        return ("(ev.place_country_code = ? OR ev.source_country = ? OR ev.target_country = ?)",
                [code, iso3 or code, iso3 or code])
    places = [c for (c,) in conn.execute("SELECT DISTINCT place_country_code FROM events"
                                         " WHERE place_country_code IS NOT NULL LIMIT 400")
              if isinstance(c, str) and country_iso3(c) == code]
    if places:
        return (f"(ev.source_country = ? OR ev.target_country = ? OR ev.place_country_code IN"
                f" ({','.join('?' * len(places))}))", [code, code, *places])
    return "(ev.source_country = ? OR ev.target_country = ?)", [code, code]


def _event_where(conn: Conn, feats: Features, *, category: str | None = None, actor: str | None = None,
                 country: str | None = None, article: int | None = None, story: int | None = None,
                 entity: str | None = None, label: str | None = None) -> tuple[list[str], list[Any]]:
    d = dialect(conn)
    where: list[str] = []
    args: list[Any] = []
    if category:
        where.append("ev.category = ?")
        args.append(category)
    if actor:
        where.append(d.contains("ev.source_name", "ev.source_entity", "ev.target_name", "ev.target_entity"))
        args += [_like(actor)] * 4
    if country:
        sql, more = _country_where(conn, country)
        where.append(sql)
        args += more
    if article is not None:
        where.append("ev.article_id = ?")
        args.append(article if -_INT64 <= article <= _INT64 else 0)
    if story is not None:
        if feats.has_stories and -_INT64 <= story <= _INT64:
            where.append(f"ev.article_id IN (SELECT article_id FROM ({feats.story_members()}) AS sm"
                         " WHERE story_id = ?)")
            args.append(story)
        else:
            where.append("1 = 0")
    if entity:
        m = entity_match(conn, feats, entity, label)
        if m is None:
            where.append("1 = 0")
        else:
            sub = f"SELECT e.id FROM entities e WHERE {m.cond}"
            where.append(f"(ev.source_entity_id IN ({sub}) OR ev.target_entity_id IN ({sub}))")
            args += [*m.args, *m.args]
    return where, args


def _listing_where(conn: Conn, feats: Features, category: str | None, country: str | None,
                   **filters: Any) -> tuple[list[str], list[Any]] | None:
    """``_event_where`` for the listing's parameters as given; None when a category or country
    cannot be one (it matches nothing) or the store has no events."""
    cat = event_category(category) if category else None
    code = event_country(country) if country else None
    if not feats.events or (category and cat is None) or (country and code is None):
        return None
    return _event_where(conn, feats, category=cat, country=code, **filters)


def article_events(conn: Conn, feats: Features, article_id: int) -> list[dict[str, Any]]:
    """An article's events in the order of the text."""
    if not feats.events:
        return []
    return _event_rows(conn, feats, ["ev.article_id = ?"], [article_id], "ev.start, ev.id", 2000)


def events(conn: Conn, feats: Features, *, category: str | None = None, actor: str | None = None,
           country: str | None = None, article: int | None = None, story: int | None = None,
           entity: str | None = None, page: Any = 1, per_page: Any = 50,
           everything: bool = False) -> dict[str, Any]:
    """Events across the corpus, newest first (by the event's date, else its article's);
    ``category`` (PLOVER), ``actor`` (part of either actor's name), ``country`` (see
    ``event_country``), ``article``, ``story`` and ``entity`` (an entity's name, as either
    actor) filter.  An absurd page shows the last one; a category or country that cannot be
    one matches nothing."""
    empty = {"available": feats.events, "total": 0, "page": 1, "per_page": per_page, "pages": 1,
             "category": event_category(category) or "", "actor": actor or "", "country": event_country(country) or "",
             "results": []}
    found = _listing_where(conn, feats, category, country, actor=actor or None, article=article, story=story,
                           entity=entity or None)
    if found is None:
        return empty
    where, args = found
    total = conn.execute("SELECT count(*) FROM events ev" + (" WHERE " + " AND ".join(where) if where else ""),
                         args).fetchone()[0]
    if everything:
        page, per_page, offset = 1, CSV_MAX_ROWS, 0
    else:
        page, per_page, offset = _clamped_page(page, per_page, total)
    return {**empty, "total": total, "page": page, "per_page": per_page, "pages": max(1, -(-total // per_page)),
            "results": _event_rows(conn, feats, where, args, _EV_NEWEST, per_page, offset)}


def event_categories(conn: Conn, feats: Features) -> list[dict[str, Any]]:
    """PLOVER categories with their number of events (for the category filter)."""
    if not feats.events:
        return []
    return [dict(r) for r in conn.execute(
        "SELECT category, count(*) AS events FROM events GROUP BY category"
        f" ORDER BY events DESC, {dialect(conn).ordered('category')} LIMIT 100")]


def event_places(conn: Conn, feats: Features, *, category: str | None = None, country: str | None = None,
                 limit: int = 1000, **filters: Any) -> list[dict[str, Any]]:
    """Where the events matching the filters (those ``events`` takes) happened: one row per
    place (``key`` as the place pages take it) with its number of ``events`` and articles."""
    found = _listing_where(conn, feats, category, country, **filters)
    if found is None:
        return []
    where, args = found
    where.append("ev.place_name IS NOT NULL")
    rows = conn.execute(
        f"SELECT {_EV_PLACE_KEY} AS place_key, max(ev.place_geonames_id) AS geonames_id, max(ev.place_name) AS name,"
        " max(ev.place_lat) AS lat, max(ev.place_lon) AS lon, max(ev.place_country_code) AS country_code,"
        " count(*) AS events, count(DISTINCT ev.article_id) AS articles"
        f" FROM events ev WHERE {' AND '.join(where)} GROUP BY {_EV_PLACE_KEY}"
        f" ORDER BY events DESC, {dialect(conn).ordered('max(ev.place_name)')} LIMIT ?", [*args, limit]).fetchall()
    return [_place_row(r) for r in rows]


def entity_events(conn: Conn, feats: Features, name: str, label: str | None = None,
                  limit: int = 200) -> dict[str, Any]:
    """An entity's events in time order (the event's date, else its article's): ``role`` is
    ``source`` where it acted, ``target`` where it was acted on (``both`` for itself)."""
    empty: dict[str, Any] = {"total": 0, "as_source": 0, "as_target": 0, "results": []}
    m = entity_match(conn, feats, name, label) if feats.events else None
    if m is None:
        return empty
    ids = {r[0] for r in conn.execute(f"SELECT e.id FROM entities e WHERE {m.cond}", m.args)}
    if not ids:
        return empty
    where, args = _event_where(conn, feats, entity=name, label=label)
    total = conn.execute(f"SELECT count(*) FROM events ev WHERE {where[0]}", args).fetchone()[0]
    rows = _event_rows(conn, feats, where, args, _EV_IN_ORDER, limit)
    for e in rows:
        src, tgt = e["source_entity_id"] in ids, e["target_entity_id"] in ids
        e["role"] = "both" if src and tgt else "source" if src else "target"
    sub = f"SELECT e.id FROM entities e WHERE {m.cond}"
    one = list(m.args)
    return {"total": total, "results": rows,
            "as_source": conn.execute(f"SELECT count(*) FROM events ev WHERE ev.source_entity_id IN ({sub})",
                                      one).fetchone()[0],
            "as_target": conn.execute(f"SELECT count(*) FROM events ev WHERE ev.target_entity_id IN ({sub})",
                                      one).fetchone()[0]}


def story_events(conn: Conn, feats: Features, story_id: int, limit: int = 500) -> dict[str, Any]:
    """A story's events in time order."""
    if not feats.events or not feats.has_stories:
        return {"total": 0, "results": []}
    where, args = _event_where(conn, feats, story=story_id)
    total = conn.execute(f"SELECT count(*) FROM events ev WHERE {where[0]}", args).fetchone()[0]
    return {"total": total, "results": _event_rows(conn, feats, where, args, _EV_IN_ORDER, limit)}
