"""Facts across articles: one quote or one figure reported by many, and figures that disagree.

Stored at ingest (one pass per new article, after the registry, syndication and stories):

- **quotes** (``quote_clusters``, ``quote_links``): a quote joins a cluster of the *same
  speaker* (registry id, so 'Putin' and 'Vladimir Putin' are one) whose first text it
  matches: word 3-shingle containment >= ``QUOTE_CONTAINMENT`` (0.8) of the shorter in the
  longer (so a quote cut short or lightly edited still matches); quotes of fewer than 4
  words must be equal word for word.  Quotes without a resolved speaker are not clustered
  (``trace`` still finds them by content).
- **figures** (``figure_clusters``, ``figure_links``): an amount with a value and a unit or
  object joins a cluster with the same value, unit and rate ('per day') when the object is
  the same or the words of their sentences overlap (Jaccard of content terms >= 0.25).
- **conflicts** (``figure_conflicts``): two figure clusters with the same unit and rate,
  different values, reported in *different* articles of the *same story*, whose sentences overlap
  (content terms, Jaccard >= ``CONFLICT_CONTEXT``) — e.g. '98,000 entered Kazakhstan'
  against 'about 100,000 have entered Kazakhstan'.

``first_*`` columns of a cluster point at its earliest-published appearance;
``trace(con, "QUOTE OR FIGURE")`` answers "where did this travel?" from these tables.
"""

from __future__ import annotations

import re

from nutgraf.corpus import registry
from nutgraf.corpus.sql import Connection, missing_table
from nutgraf.corpus.text import containment, jaccard, sentence_around, shingles, stem, terms, words

QUOTE_CONTAINMENT = 0.8
QUOTE_SHINGLE = 3
FIGURE_CONTEXT = 0.25
CONFLICT_CONTEXT = 0.25
MAX_SCAN = 500  # clusters compared per quote (a speaker's latest) or per figure key
# objects that say nothing of what was counted: such figures need their sentences to overlap
GENERIC_OBJECTS = {"people", "person", "peopl", "time", "thing", "unit", "item", "case", "one", "other"}


def quote_shingles(text: str) -> set[str]:
    toks = words(text)
    if len(toks) < 4:
        return {" ".join(toks)} if toks else set()
    return shingles(toks, QUOTE_SHINGLE)


def quote_match(a: str, b: str) -> float:
    sa, sb = quote_shingles(a), quote_shingles(b)
    if not sa or not sb:
        return 0.0
    if len(words(a)) < 4 or len(words(b)) < 4:
        return 1.0 if words(a) == words(b) else 0.0
    return containment(sa, sb)


def _context(text: str, start: int, end: int, drop: str = "") -> set[str]:
    sent = sentence_around(text, start, end)
    dropped = set(terms(drop))
    return {t for t in terms(sent) if t not in dropped}


def object_key(obj: str | None) -> str:
    return " ".join(stem(w) for w in words(obj or ""))


def _day_key(day: str | None, article_id: int) -> tuple:
    return (day is None, day or "", article_id)


def speaker_key(con: Connection, speaker_entity_id: int | None, speaker: str | None,
                label: str | None) -> tuple[str | None, int | None]:
    """``("r:ID", ID)`` for a speaker in the entity registry, ``("n:name", None)`` for one
    that is not (an unnamed 'officials', a ministry spaCy missed), ``(None, None)`` without one."""
    rid = None
    if speaker_entity_id is not None:
        row = con.execute("SELECT registry_id FROM entity_links WHERE entity_id = ?", (speaker_entity_id,)).fetchone()
        rid = row[0] if row else None
    if rid is None and speaker:
        rid = registry.resolve(con, speaker, label) if label else None
        if rid is None:
            rid = registry.resolve_any(con, speaker)
    if rid is not None:
        return f"r:{rid}", rid
    norm = registry.normalise(speaker or "")
    return (f"n:{norm}", None) if norm else (None, None)


def _refirst(con: Connection, table: str, cluster_id: int, item_id: int, article_id: int,
             day: str | None) -> None:
    """Count one more member, and make it the first appearance when it is earlier."""
    item = "first_quote_id" if table == "quote_clusters" else "first_amount_id"
    row = con.execute(f"SELECT first_day, first_article_id FROM {table} WHERE id = ?", (cluster_id,)).fetchone()
    if _day_key(day, article_id) < _day_key(row[0], row[1]):
        con.execute(f"UPDATE {table} SET first_day = ?, first_article_id = ?, {item} = ?, members = members + 1 "
                    f"WHERE id = ?", (day, article_id, item_id, cluster_id))
    else:
        con.execute(f"UPDATE {table} SET members = members + 1 WHERE id = ?", (cluster_id,))


def link_quotes(con: Connection, article_id: int, day: str | None) -> int:
    """Cluster the quotes of one stored article; returns how many joined an earlier cluster."""
    joined = 0
    rows = con.execute("SELECT id, text, speaker, speaker_label, speaker_entity_id FROM quotes WHERE article_id = ?"
                       " ORDER BY id", (article_id,)).fetchall()
    for qid, text, speaker, label, seid in rows:
        skey, sid = speaker_key(con, seid, speaker, label)
        if skey is None or not words(text):
            continue
        best, best_c = None, 0.0
        for cid, ctext in con.execute("SELECT id, text FROM quote_clusters WHERE speaker_key = ? ORDER BY id DESC "
                                      "LIMIT ?", (skey, MAX_SCAN)):
            c = quote_match(text, ctext)
            if c > best_c:
                best, best_c = cid, c
        if best is not None and best_c >= QUOTE_CONTAINMENT:
            con.execute("INSERT INTO quote_links (quote_id, cluster_id, article_id, containment) VALUES (?,?,?,?)",
                        (qid, best, article_id, round(best_c, 4)))
            _refirst(con, "quote_clusters", best, qid, article_id, day)
            joined += 1
        else:
            cid = con.execute(
                "INSERT INTO quote_clusters (speaker_key, speaker_id, speaker, text, first_quote_id, first_article_id,"
                " first_day, members) VALUES (?,?,?,?,?,?,?,1) RETURNING id",
                (skey, sid, speaker, text, qid, article_id, day)).fetchone()[0]
            con.execute("INSERT INTO quote_links (quote_id, cluster_id, article_id, containment) VALUES (?,?,?,1.0)",
                        (qid, cid, article_id))
    return joined


def link_figures(con: Connection, article_id: int, text: str, day: str | None,
                 story_id: int | None) -> int:
    """Cluster the figures of one stored article and flag conflicts within its story;
    returns the number of conflicts flagged."""
    flagged = 0
    rows = con.execute("SELECT id, start, \"end\", text, value, unit, object, per, vague FROM amounts "
                       "WHERE article_id = ? ORDER BY id", (article_id,)).fetchall()
    for aid, start, end, atext, value, unit, obj, per, vague in rows:
        if value is None or vague or not (unit or obj):
            continue
        unit_k, per_k, obj_k = unit or "", per or "", object_key(obj)
        ctx = _context(text, start, end, atext) | ({"#" + obj_k} if obj_k else set())
        best = None
        for cid, cobj, cctx in con.execute(
                "SELECT id, object, context FROM figure_clusters WHERE unit = ? AND per = ? AND value = ? "
                "ORDER BY id LIMIT ?", (unit_k, per_k, value, MAX_SCAN)):
            cset = set(cctx.split())
            specific = obj_k and obj_k not in GENERIC_OBJECTS and obj_k != object_key(unit_k)
            if (specific and cobj == obj_k) or jaccard(ctx, cset) >= FIGURE_CONTEXT:
                best = cid
                break
        if best is None:
            best = con.execute(
                "INSERT INTO figure_clusters (value, unit, per, object, context, text, first_amount_id,"
                " first_article_id, first_day, members) VALUES (?,?,?,?,?,?,?,?,?,1) RETURNING id",
                (value, unit_k, per_k, obj_k, " ".join(sorted(ctx)), atext, aid, article_id, day)).fetchone()[0]
        else:
            _refirst(con, "figure_clusters", best, aid, article_id, day)
        con.execute("INSERT INTO figure_links (amount_id, cluster_id, article_id) VALUES (?,?,?)",
                    (aid, best, article_id))
        if story_id is None:
            continue
        for oid, oval, octx in con.execute(
                "SELECT DISTINCT f.id, f.value, f.context FROM figure_links l "
                "JOIN corpus_articles c ON c.article_id = l.article_id "
                "JOIN figure_clusters f ON f.id = l.cluster_id "
                "WHERE c.story_id = ? AND l.article_id <> ? AND f.unit = ? AND f.per = ? AND f.value <> ? "
                "AND f.id <> ?", (story_id, article_id, unit_k, per_k, value, best)).fetchall():
            sim = jaccard(ctx, set(octx.split()))
            if sim >= CONFLICT_CONTEXT:
                a, b = min(best, oid), max(best, oid)
                con.execute("INSERT INTO figure_conflicts (cluster_id, other_id, story_id, similarity) "
                            "VALUES (?,?,?,?) ON CONFLICT (cluster_id, other_id) DO NOTHING",
                            (a, b, story_id, round(sim, 4)))
                flagged += 1
    return flagged


# --------------------------------------------------------------------------- trace

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:[,\u202f ]\d{3})+|\d+(?:\.\d+)?)(?:\s*(thousand|million|billion|"
                     r"trillion|bn|mn|m|k)\b)?", re.I)
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
          "trillion": 1e12}


def parse_figure(query: str) -> tuple[float, set[str]] | None:
    """A query that is a figure ('98,000', '98,000 people entered', '$1.2bn'): its value and
    the other words; None for anything else (a quote)."""
    m = _NUMBER.search(query)
    if not m or len(words(query)) > 8:
        return None
    value = float(re.sub(r"[,\u202f ]", "", m.group(1)))
    if m.group(2):
        value *= _SCALE[m.group(2).lower()]
    rest = set(terms(query[:m.start()] + " " + query[m.end():]))
    return value, rest


_APPEARANCE = (
    "SELECT a.id, a.title, a.url, a.site_name, a.published, c.day, c.syndication_group, c.is_original, c.story_id "
    "FROM articles a LEFT JOIN corpus_articles c ON c.article_id = a.id WHERE a.id = ?")


def _article(con: Connection, article_id: int) -> dict:
    r = con.execute(_APPEARANCE, (article_id,)).fetchone()
    keys = ("article_id", "title", "url", "site_name", "published", "day", "syndication_group", "is_original",
            "story_id")
    return dict(zip(keys, r)) if r else {"article_id": article_id}


def _order(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda x: (x.get("published") is None, x.get("day") or x.get("published") or "",
                                        x["article_id"]))


def _quote_items(con: Connection, quote_ids: list[int]) -> list[dict]:
    out = []
    for qid in quote_ids:
        q = con.execute("SELECT id, article_id, text, speaker, kind, cue, start, \"end\" FROM quotes WHERE id = ?",
                        (qid,)).fetchone()
        if q:
            item = _article(con, q[1])
            item.update({"quote_id": q[0], "text": q[2], "speaker": q[3], "kind": q[4], "cue": q[5],
                         "start": q[6], "end": q[7]})
            out.append(item)
    return _order(out)


def _figure_items(con: Connection, amount_ids: list[int]) -> list[dict]:
    out = []
    for mid in amount_ids:
        m = con.execute("SELECT id, article_id, text, value, unit, object, per, source, approximate, start, \"end\" "
                        "FROM amounts WHERE id = ?", (mid,)).fetchone()
        if m:
            item = _article(con, m[1])
            item.update({"amount_id": m[0], "text": m[2], "value": m[3], "unit": m[4], "object": m[5],
                         "per": m[6], "source": m[7], "approximate": bool(m[8]), "start": m[9], "end": m[10]})
            out.append(item)
    return _order(out)


# In id order: what SQLite returns through the cluster index, and PostgreSQL only when asked.
def _quote_ids(con: Connection, cluster_id: int) -> list[int]:
    return [r[0] for r in con.execute("SELECT quote_id FROM quote_links WHERE cluster_id = ? ORDER BY quote_id",
                                      (cluster_id,))]


def _amount_ids(con: Connection, cluster_id: int) -> list[int]:
    return [r[0] for r in con.execute("SELECT amount_id FROM figure_links WHERE cluster_id = ? ORDER BY amount_id",
                                      (cluster_id,))]


def _safe(con: Connection, sql: str, args: tuple = ()) -> list:
    try:
        return con.execute(sql, args).fetchall()
    except missing_table():  # a store older than the corpus tables
        return []


def trace_quote(con: Connection, query: str, *, limit: int = 20) -> list[dict]:
    """Quote clusters (and unclustered quotes) matching ``query`` by content."""
    toks = words(query)
    if not toks:
        return []
    probe = max(toks, key=len)
    qs = quote_shingles(query)
    hits: list[tuple[float, int]] = []
    for qid, text in con.execute("SELECT id, text FROM quotes WHERE lower(text) LIKE ?", (f"%{probe}%",)):
        ts = quote_shingles(text)
        bag = set(toks) & set(words(text))
        # the query's 3-word runs found in the quote, or (for a query with gaps) its words
        score = max(len(qs & ts) / len(qs) if len(toks) >= 4 else 0.0, len(bag) / len(set(toks)))
        if score >= QUOTE_CONTAINMENT or (ts and len(qs & ts) / len(ts) >= QUOTE_CONTAINMENT):
            hits.append((score, qid))
    results: list[dict] = []
    seen_clusters: set[int] = set()
    seen_quotes: set[int] = set()
    for score, qid in sorted(hits, key=lambda h: (-h[0], h[1])):
        if qid in seen_quotes:
            continue
        row = _safe(con, "SELECT cluster_id FROM quote_links WHERE quote_id = ?", (qid,))
        if row:
            cid = row[0][0]
            if cid in seen_clusters:
                continue
            seen_clusters.add(cid)
            ids = _quote_ids(con, cid)
            c = con.execute("SELECT speaker_id, speaker, text FROM quote_clusters WHERE id = ?", (cid,)).fetchone()
            speaker_id, speaker, ctext = c
        else:
            ids, cid, speaker_id = [qid], None, None
            speaker = con.execute("SELECT speaker FROM quotes WHERE id = ?", (qid,)).fetchone()[0]
            ctext = None
        seen_quotes.update(ids)
        items = _quote_items(con, ids)
        results.append({"kind": "quote", "cluster_id": cid, "speaker": speaker, "speaker_id": speaker_id,
                        "match": round(score, 3), "text": ctext or items[0]["text"], "first": items[0],
                        "later": items[1:], "appearances": len(items),
                        "articles": len({i["article_id"] for i in items})})
        if len(results) >= limit:
            break
    return results


def trace_figure(con: Connection, value: float, rest: set[str], *, limit: int = 20) -> list[dict]:
    """Figure clusters (and unclustered amounts) with this value; ``rest`` (words of the query
    besides the number) must meet the figure's object, unit or sentence when given."""
    results: list[dict] = []
    seen: set[int] = set()
    rows = con.execute("SELECT id, article_id, start, \"end\", text, unit, object FROM amounts "
                       "WHERE value = ? OR lower_bound = ? ORDER BY id", (value, value)).fetchall()
    for mid, article_id, start, end, atext, unit, obj in rows:
        if mid in seen:
            continue
        if rest:
            text = con.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
            here = set(terms(sentence_around(text, start, end))) | set(terms(f"{unit or ''} {obj or ''}"))
            if not rest & here:
                continue
        link = _safe(con, "SELECT cluster_id FROM figure_links WHERE amount_id = ?", (mid,))
        if link:
            cid = link[0][0]
            ids = _amount_ids(con, cid)
        else:
            cid, ids = None, [mid]
        seen.update(ids)
        items = _figure_items(con, ids)
        conflicts = []
        if cid is not None:
            for oid, story_id, sim in con.execute(
                    "SELECT other_id, story_id, similarity FROM figure_conflicts WHERE cluster_id = ? UNION "
                    "SELECT cluster_id, story_id, similarity FROM figure_conflicts WHERE other_id = ? ORDER BY 1",
                    (cid, cid)):
                other = _amount_ids(con, oid)
                oitems = _figure_items(con, other)
                if oitems:
                    conflicts.append({"cluster_id": oid, "value": oitems[0]["value"], "story_id": story_id,
                                      "similarity": sim, "first": oitems[0], "later": oitems[1:],
                                      "appearances": len(oitems)})
        results.append({"kind": "figure", "cluster_id": cid, "value": value, "unit": items[0]["unit"],
                        "object": items[0]["object"], "text": items[0]["text"], "first": items[0],
                        "later": items[1:], "appearances": len(items),
                        "articles": len({i["article_id"] for i in items}), "conflicts": conflicts})
        if len(results) >= limit:
            break
    return results


def trace(con: Connection, query: str, *, kind: str | None = None, limit: int = 20) -> list[dict]:
    """Where a quote or a figure travelled.  ``kind`` forces "quote" or "figure"; by default
    a short query with a number is a figure, anything else a quote."""
    fig = parse_figure(query) if kind in (None, "figure") else None
    if fig is not None:
        found = trace_figure(con, fig[0], fig[1], limit=limit)
        if found or kind == "figure":
            return found
    if kind == "figure":
        return []
    return trace_quote(con, query, limit=limit)


def conflicts(con: Connection, *, limit: int = 100) -> list[dict]:
    """Every flagged pair of conflicting figures, with their first appearances."""
    out = []
    for a, b, story_id, sim in _safe(con, "SELECT cluster_id, other_id, story_id, similarity FROM figure_conflicts "
                                          "ORDER BY story_id, cluster_id LIMIT ?", (limit,)):
        pair = []
        for cid in (a, b):
            ids = _amount_ids(con, cid)
            items = _figure_items(con, ids)
            pair.append({"cluster_id": cid, "value": items[0]["value"] if items else None,
                         "first": items[0] if items else None, "appearances": len(items)})
        out.append({"story_id": story_id, "similarity": sim, "figures": pair})
    return out


__all__ = ["link_quotes", "link_figures", "trace", "trace_quote", "trace_figure", "parse_figure", "conflicts",
           "speaker_key"]
