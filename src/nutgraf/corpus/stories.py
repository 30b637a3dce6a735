"""Stories: articles about one event, found incrementally as articles arrive.

Each article gets a sparse vector of two halves, each scaled to unit length and weighted
``ENTITY_WEIGHT`` / ``1 - ENTITY_WEIGHT``:

- ``e:ID`` — its entities by registry id (so 'Putin' and 'Vladimir Putin' are one
  feature), weighted ``(1 + log mentions) * idf`` with idf from the registry's article
  counts (rare names weigh more);
- ``t:TERM`` — its key terms, ``(1 + log tf) * idf`` over title (counted twice) and text,
  idf from ``term_df`` (the document frequency of every term in the store, kept up to date
  here), the top ``TOP_TERMS``.

A story keeps the sum of its members' vectors (``stories.centroid``, JSON, top features)
and an inverted index of its top features (``story_features``).  A new article's candidate
stories are those sharing a feature with it whose span of days comes within
``WINDOW_DAYS`` of the article's day; it joins the best one whose cosine similarity is at
least ``JOIN_THRESHOLD``, or starts a story.  An article whose syndication group already
has a story joins that story outright.  The story's ``label`` is the headline of its most
central member (highest cosine with the centroid); ``first_day``/``last_day`` its span.

Order matters (it is incremental: nothing is re-clustered); an article without any date
is compared with stories of any date.
"""

from __future__ import annotations

import json
import math
from collections import Counter

from nutgraf.corpus.sql import Connection
from nutgraf.corpus.text import shift_day, terms

WINDOW_DAYS = 3
JOIN_THRESHOLD = 0.3
ENTITY_WEIGHT = 0.5
TOP_TERMS = 30
TOP_ENTITIES = 20
CENTROID_FEATURES = 80
INDEX_FEATURES = 40
QUERY_FEATURES = 30
MAX_CANDIDATES = 50
MAX_LABEL_SCAN = 200
STORY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW")


def _unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {k: v / norm for k, v in vec.items()} if norm else {}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def _docs(con: Connection) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = 'corpus_docs'").fetchone()
    return int(row[0]) if row else 0


def update_df(con: Connection, article_terms: set[str]) -> int:
    """Count one more document holding ``article_terms``; returns the number of documents."""
    # the existing row's df named by its table: PostgreSQL reads a bare `df` as ambiguous
    con.executemany("INSERT INTO term_df (term, df) VALUES (?, 1) ON CONFLICT (term) DO UPDATE "
                    "SET df = term_df.df + 1",
                    [(t,) for t in article_terms])
    n = _docs(con) + 1
    con.execute("INSERT INTO meta (key, value) VALUES ('corpus_docs', ?) ON CONFLICT (key) DO UPDATE "
                "SET value = excluded.value", (str(n),))
    return n


def article_vector(con: Connection, title: str | None, text: str,
                   entities: list[tuple[int, int]], *, count_df: bool = True) -> dict[str, float]:
    """The story vector of one article; ``entities`` are (registry id, mentions)."""
    tf = Counter(terms(text))
    for t in terms(title or ""):
        tf[t] += 2
    n = update_df(con, set(tf)) if count_df else max(_docs(con), 1)
    vec_t: dict[str, float] = {}
    if tf:
        top = [t for t, _ in tf.most_common(TOP_TERMS * 4)]
        df: dict[str, int] = {}
        for i in range(0, len(top), 500):
            chunk = top[i:i + 500]
            df.update(con.execute(f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(chunk))})",
                                  chunk).fetchall())
        scored = {t: (1 + math.log(tf[t])) * (math.log((n + 1) / (df.get(t, 1) + 1)) + 1) for t in top}
        vec_t = {"t:" + t: w for t, w in sorted(scored.items(), key=lambda kv: -kv[1])[:TOP_TERMS]}
    vec_e: dict[str, float] = {}
    if entities:
        ids = sorted({rid for rid, _ in entities})
        arts = dict(con.execute(f"SELECT id, articles FROM entity_registry WHERE id IN ({','.join('?' * len(ids))})",
                                ids).fetchall())
        mentions: Counter = Counter()
        for rid, m in entities:
            mentions[rid] += max(int(m or 1), 1)
        scored_e = {rid: (1 + math.log(m)) * (math.log((n + 1) / (arts.get(rid, 1) + 1)) + 1)
                    for rid, m in mentions.items()}
        vec_e = {f"e:{rid}": w for rid, w in sorted(scored_e.items(), key=lambda kv: -kv[1])[:TOP_ENTITIES]}
    wt, we = (1 - ENTITY_WEIGHT, ENTITY_WEIGHT) if vec_e and vec_t else (1.0, 1.0)
    out = {k: v * wt for k, v in _unit(vec_t).items()}
    out.update({k: v * we for k, v in _unit(vec_e).items()})
    return {k: round(v, 5) for k, v in out.items()}


def _top(vec: dict[str, float], n: int) -> dict[str, float]:
    return dict(sorted(vec.items(), key=lambda kv: -kv[1])[:n])


def candidates(con: Connection, vec: dict[str, float], day: str | None) -> list[int]:
    feats = list(_top(vec, QUERY_FEATURES))
    if not feats:
        return []
    sql = (f"SELECT f.story_id, count(*) AS n FROM story_features f JOIN stories s ON s.id = f.story_id "
           f"WHERE f.feature IN ({','.join('?' * len(feats))})")
    args: list = list(feats)
    if day:
        sql += " AND (s.last_day IS NULL OR (s.last_day >= ? AND s.first_day <= ?))"
        args += [shift_day(day, -WINDOW_DAYS), shift_day(day, WINDOW_DAYS)]
    sql += " GROUP BY f.story_id ORDER BY n DESC, f.story_id LIMIT ?"
    args.append(MAX_CANDIDATES)
    return [r[0] for r in con.execute(sql, args)]


def _write_features(con: Connection, story_id: int, centroid: dict[str, float]) -> None:
    con.execute("DELETE FROM story_features WHERE story_id = ?", (story_id,))
    con.executemany("INSERT INTO story_features (story_id, feature, weight) VALUES (?,?,?)",
                    [(story_id, k, v) for k, v in _top(centroid, INDEX_FEATURES).items()])


def assign(con: Connection, article_id: int, *, title: str | None, text: str, day: str | None,
           entities: list[tuple[int, int]], syndication_group: int | None, now: str) -> tuple[int, float | None]:
    """Put one article (its ``corpus_articles`` row exists) into a story; returns
    ``(story_id, score)`` (score None when it started the story)."""
    vec = article_vector(con, title, text, entities)
    story_id: int | None = None
    score: float | None = None
    if syndication_group is not None:
        row = con.execute("SELECT story_id FROM corpus_articles WHERE syndication_group = ? AND article_id <> ? "
                          "AND story_id IS NOT NULL ORDER BY article_id LIMIT 1",
                          (syndication_group, article_id)).fetchone()
        if row:
            story_id, score = row[0], 1.0
    centroids: dict[int, dict[str, float]] = {}
    if story_id is None:
        best, best_score = None, 0.0
        cands = candidates(con, vec, day)
        if cands:
            for sid, centroid in con.execute(
                    f"SELECT id, centroid FROM stories WHERE id IN ({','.join('?' * len(cands))})", cands):
                c = json.loads(centroid)
                centroids[sid] = c
                s = cosine(vec, c)
                if s > best_score or (s == best_score and best is not None and sid < best):
                    best, best_score = sid, s
        if best is not None and best_score >= JOIN_THRESHOLD:
            story_id, score = best, round(best_score, 4)
    con.execute("UPDATE corpus_articles SET features = ? WHERE article_id = ?", (json.dumps(vec), article_id))
    if story_id is None:
        story_id = con.execute(
            "INSERT INTO stories (label, label_article_id, first_day, last_day, members, centroid, created_at,"
            " updated_at) VALUES (?,?,?,?,1,?,?,?) RETURNING id",
            (title, article_id, day, day, json.dumps(_top(vec, CENTROID_FEATURES)), now, now)).fetchone()[0]
        _write_features(con, story_id, vec)
        con.execute("UPDATE corpus_articles SET story_id = ?, story_score = NULL WHERE article_id = ?",
                    (story_id, article_id))
        return story_id, None
    con.execute("UPDATE corpus_articles SET story_id = ?, story_score = ? WHERE article_id = ?",
                (story_id, score, article_id))
    _join(con, story_id, article_id, vec, day, centroids.get(story_id), now)
    return story_id, score


def _join(con: Connection, story_id: int, article_id: int, vec: dict[str, float], day: str | None,
          centroid: dict[str, float] | None, now: str) -> None:
    row = con.execute("SELECT centroid, first_day, last_day, members, label_article_id FROM stories WHERE id = ?",
                      (story_id,)).fetchone()
    centroid = dict(centroid if centroid is not None else json.loads(row[0]))
    for k, v in vec.items():
        centroid[k] = centroid.get(k, 0.0) + v
    centroid = {k: round(v, 5) for k, v in _top(centroid, CENTROID_FEATURES).items()}
    first, last = row[1], row[2]
    if day:
        first = min(first, day) if first else day
        last = max(last, day) if last else day
    members = row[3] + 1
    # the label: the headline of the member closest to the centroid
    if members <= MAX_LABEL_SCAN:
        scan = con.execute("SELECT c.article_id, c.features, a.title FROM corpus_articles c JOIN articles a "
                           "ON a.id = c.article_id WHERE c.story_id = ?", (story_id,)).fetchall()
    else:
        scan = con.execute("SELECT c.article_id, c.features, a.title FROM corpus_articles c JOIN articles a "
                           "ON a.id = c.article_id WHERE c.article_id IN (?, ?)", (row[4], article_id)).fetchall()
    best = max(((cosine(json.loads(f), centroid), bool(t), -aid, aid, t) for aid, f, t in scan), default=None)
    label_id, label = (best[3], best[4]) if best else (row[4], None)
    con.execute("UPDATE stories SET centroid = ?, first_day = ?, last_day = ?, members = ?, label_article_id = ?,"
                " label = ?, updated_at = ? WHERE id = ?",
                (json.dumps(centroid), first, last, members, label_id, label, now, story_id))
    _write_features(con, story_id, centroid)


def list_stories(con: Connection, *, limit: int | None = None, min_members: int = 1,
                 since: str | None = None) -> list[dict]:
    """Stories, largest and latest first."""
    sql = ("SELECT id, label, label_article_id, first_day, last_day, members FROM stories WHERE members >= ?")
    args: list = [min_members]
    if since:
        sql += " AND (last_day IS NULL OR last_day >= ?)"
        args.append(since)
    # undated stories last, as SQLite sorts NULL in DESC (PostgreSQL would put them first)
    sql += " ORDER BY members DESC, last_day IS NULL, last_day DESC, id"
    if limit:
        sql += " LIMIT ?"
        args.append(limit)
    keys = ("id", "label", "label_article_id", "first_day", "last_day", "members")
    return [dict(zip(keys, r)) for r in con.execute(sql, args)]


def story_members(con: Connection, story_id: int) -> list[dict]:
    rows = con.execute(
        "SELECT a.id, a.title, a.url, a.site_name, a.published, c.story_score, c.syndication_group "
        "FROM corpus_articles c JOIN articles a ON a.id = c.article_id WHERE c.story_id = ? "
        "ORDER BY c.day IS NOT NULL, c.day, a.id", (story_id,)).fetchall()  # undated first, on both
    keys = ("id", "title", "url", "site_name", "published", "score", "syndication_group")
    return [dict(zip(keys, r)) for r in rows]
