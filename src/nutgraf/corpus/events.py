"""Events across articles: one event reported by many outlets is one cluster with many sources.

Stored at ingest (one pass per new article, after the registry, syndication, stories and
travel), in ``event_clusters`` and ``event_cluster_members``.  An event of the article joins
an existing cluster when all of these hold, else it starts its own (every event belongs to
exactly one cluster, so "clustered" is "has a member row": that is how ``pending`` finds the
events of stores ingested before this pass):

- **what**: the same PLOVER ``category``, or the same CAMEO root (the code's first two
  digits: '152' and '154' are both 15, 'exhibit military posture'), and the same
  ``negated`` ('did not mobilise' is not the mobilisation);
- **who**: the same source referent (``source_key``): ``r:<registry id>`` through the
  event's ``source_entity_id`` (so 'Putin' and 'Vladimir Putin' are one); else
  ``c:<country>/<sector>`` ('RUS/GOV'); else ``n:<normalised name>`` when the name looks like
  one (a capitalised word that is not a pronoun, nor only capitalised by opening the sentence:
  'WeWork spokesperson').  'We', 'you', 'that', 'the company' would join unrelated reports of
  the same day (they did, on the scrapinghub pages), so such an event stays alone;
- **to whom**: a compatible target: either side has none, or the same registry referent,
  or the same target country ('Russia' and 'Russian troops').  A target that is no entity
  ('reservists', 'protesters') is worded differently by every outlet and its country, when
  it has one, is a guess from the sentence ('reservists' next to 'in Ukraine' is put in UKR):
  it counts as none;
- **when**: the event's day (its ``date_value`` when that is a full day; else the article's
  day, published or fetched, when the partial date agrees with it or there is none) is within
  ``WINDOW_DAYS`` of *every* member's day (``first_date``/``last_date`` of the cluster): no
  chaining a weekly event into one cluster.  An event with no day at all stays alone.

Two events of one article may join one cluster (an article that names the mobilisation
twice reports one event, and a second cluster would only compete for later articles);
``articles`` counts distinct articles, so a cluster is "reported by many" when it is >= 2.

``sources`` counts *independent* reports: member articles are merged when they share a
syndication group (``corpus_articles.syndication_group``: a wire story reprinted by ten sites
is one source) or a site (``site_name``, else the URL's host: a site's follow-ups are one
source), and the merged groups are counted.

Candidates are found by index (``category`` or ``cameo_root``, then ``source_key`` and
``first_date``), at most ``MAX_SCAN`` per event: the cost of an article is its events, not the
corpus.  A cluster's summary (dates, counts, representative = the member of the
earliest-published article, ``story_id`` when every member article is in that one story) is
recomputed from its members whenever one joins.  Members go when their event or article is
deleted (``ON DELETE CASCADE``); ``repair`` (run by ``catch_up``) then drops emptied clusters
and recomputes the ones that lost members.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from nutgraf.corpus import registry
from nutgraf.corpus.sql import Connection
from nutgraf.corpus.text import day_of, shift_day

WINDOW_DAYS = 2
MAX_SCAN = 50  # candidate clusters compared per event


def cameo_root(cameo: str | None) -> str | None:
    return cameo[:2] if cameo and len(cameo) >= 2 and cameo[:2].isdigit() else None


def event_day(date_value: str | None, article_day: str | None) -> str | None:
    """The day an event is put on: its own full date; else the article's, unless the event's
    partial date ('2014', '2022-03') says it happened in another month or year."""
    own = day_of(date_value)
    if own is not None:
        return own
    if date_value and article_day and not article_day.startswith(date_value):
        return None  # 'in 2014' in an article of 2022: a past event, not today's
    return article_day


# words that are capitalised without naming anyone
_NOT_NAMES = frozenset("i we you he she it they this that these those who which one someone anyone everyone nobody "
                       "the a an our their his her its my your".split())


def looks_named(name: str, opens_sentence: bool = False) -> bool:
    """Whether an actor without an entity is named ('WeWork spokesperson') rather than a
    pronoun or a common noun ('We', 'the company', 'Officials' opening a sentence)."""
    toks = name.split()[1 if opens_sentence else 0:]
    return any(w[:1].isupper() and w.strip(".,'’").lower() not in _NOT_NAMES for w in toks)


def referent(con: Connection, entity_id: int | None, entity: str | None, name: str | None,
             country: str | None, sector: str | None, *, entity_only: bool = False,
             opens_sentence: bool = False) -> str | None:
    """An actor's join key: ``r:<registry id>``, ``c:<country>/<sector>`` or ``n:<name>``;
    ``entity_only`` (targets, see above): the first or None."""
    rid = None
    if entity_id is not None:
        row = con.execute("SELECT registry_id FROM entity_links WHERE entity_id = ?", (entity_id,)).fetchone()
        rid = row[0] if row else None
    if rid is None and entity:
        rid = registry.resolve_any(con, entity)
    if rid is not None:
        return f"r:{rid}"
    if entity_only:
        return None
    if country:
        return f"c:{country}/{sector or ''}"
    if not name or not looks_named(name, opens_sentence):
        return None
    norm = registry.normalise(name)
    return f"n:{norm}" if norm else None


def _target_fits(key: str | None, country: str | None, ckey: str | None, ccountry: str | None) -> bool:
    return key is None or ckey is None or key == ckey or (country is not None and country == ccountry)


_EVENT = ("SELECT id, category, cameo, negated, date_value, source_start = sentence_start, source_name,"
          " source_entity, source_entity_id, source_country, source_sector, target_name, target_entity,"
          " target_entity_id, target_country, target_sector FROM events WHERE article_id = ? ORDER BY id")

# candidates: same what and who, and every member within the window of the new day
_CANDIDATES = ("SELECT id, target_key, target_country, first_date FROM event_clusters "
               "WHERE (category = ? OR cameo_root = ?) AND source_key = ? AND negated = ? "
               "AND first_date >= ? AND last_date <= ? ORDER BY id LIMIT ?")


def link_article(con: Connection, article_id: int) -> int:
    """Cluster the events of one stored article (those not clustered yet); returns how many
    joined a cluster with another article in it."""
    row = con.execute("SELECT day FROM corpus_articles WHERE article_id = ?", (article_id,)).fetchone()
    article_day = row[0] if row else None
    joined = 0
    for (eid, category, cameo, negated, date_value, opens, sname, sentity, seid, scountry, ssector,
         tname, tentity, teid, tcountry, tsector) in con.execute(_EVENT, (article_id,)).fetchall():
        if con.execute("SELECT 1 FROM event_cluster_members WHERE event_id = ?", (eid,)).fetchone():
            continue  # done by an earlier (resumed) run
        day = event_day(date_value, article_day)
        root = cameo_root(cameo)
        skey = referent(con, seid, sentity, sname, scountry, ssector, opens_sentence=bool(opens))
        tkey = referent(con, teid, tentity, tname, tcountry, tsector, entity_only=True)
        best = None
        if skey is not None and day is not None:
            fits = [(ckey != tkey or tkey is None, abs(_days(cfirst, day)), cid)
                    for cid, ckey, ccountry, cfirst in con.execute(
                        _CANDIDATES, (category, root, skey, int(bool(negated)), shift_day(day, -WINDOW_DAYS),
                                      shift_day(day, WINDOW_DAYS), MAX_SCAN)).fetchall()
                    if _target_fits(tkey, tcountry, ckey, ccountry)]
            best = min(fits)[2] if fits else None
        if best is None:
            best = con.execute(
                "INSERT INTO event_clusters (category, cameo, cameo_root, negated, source_key, source_name,"
                " source_country, target_key, target_name, target_country, first_date, last_date, articles,"
                " sources, members, event_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,1,1,?) RETURNING id",
                (category, cameo, root, int(bool(negated)), skey, sentity or sname, scountry, tkey,
                 tentity or tname, tcountry, day, day, eid)).fetchone()[0]
            _add(con, best, eid, article_id)
            continue
        if con.execute("SELECT 1 FROM event_cluster_members WHERE cluster_id = ? AND article_id <> ? LIMIT 1",
                       (best, article_id)).fetchone():
            joined += 1
        if tkey is not None:  # the cluster learns its target from the first member that names one
            con.execute("UPDATE event_clusters SET target_key = ?, target_country = ? "
                        "WHERE id = ? AND target_key IS NULL", (tkey, tcountry, best))
        _add(con, best, eid, article_id)
        refresh(con, best)  # now, not at the end: the article's next event is matched against the new span
    return joined


def _add(con: Connection, cluster_id: int, event_id: int, article_id: int) -> None:
    con.execute("INSERT INTO event_cluster_members (cluster_id, event_id, article_id) VALUES (?,?,?) "
                "ON CONFLICT (cluster_id, event_id) DO NOTHING", (cluster_id, event_id, article_id))


def _days(a: str | None, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days if a else 0


_MEMBERS = (
    "SELECT m.event_id, m.article_id, e.date_value, c.day, c.syndication_group, c.story_id, a.site_name, a.url,"
    " a.published, e.source_entity, e.source_name, e.source_country, e.target_entity, e.target_name,"
    " e.target_country FROM event_cluster_members m JOIN events e ON e.id = m.event_id"
    " JOIN articles a ON a.id = m.article_id LEFT JOIN corpus_articles c ON c.article_id = m.article_id"
    " WHERE m.cluster_id = ?")


def refresh(con: Connection, cluster_id: int) -> None:
    """Recompute a cluster's summary from its members (deleted when it has none left)."""
    rows = con.execute(_MEMBERS, (cluster_id,)).fetchall()
    known = con.execute("SELECT target_country FROM event_clusters WHERE id = ?", (cluster_id,)).fetchone()
    if not rows or known is None:
        con.execute("DELETE FROM event_clusters WHERE id = ?", (cluster_id,))
        return
    # first appearance: earliest published (else its day), then article and event id
    rows.sort(key=lambda r: (r[8] is None and r[3] is None, r[8] or r[3] or "", r[1], r[0]))
    rep = rows[0]
    days = [d for d in (event_day(r[2], r[3]) for r in rows) if d is not None]
    stories = {r[5] for r in rows}
    # the target shown: the first member's in the country the cluster matches targets by
    target = (next((r for r in rows if known[0] and r[14] == known[0]), None)
              or next((r for r in rows if r[12] or r[13]), rep))
    con.execute(
        "UPDATE event_clusters SET event_id = ?, source_name = ?, source_country = ?, target_name = ?,"
        " target_country = coalesce(target_country, ?), first_date = ?, last_date = ?, articles = ?, sources = ?,"
        " members = ?, story_id = ? WHERE id = ?",
        (rep[0], rep[9] or rep[10], rep[11], target[12] or target[13], target[14], min(days, default=None),
         max(days, default=None), len({r[1] for r in rows}), _sources(rows), len(rows),
         next(iter(stories)) if len(stories) == 1 else None, cluster_id))


def _sources(rows: list[Any]) -> int:
    """Independent reports among the member articles: articles sharing a syndication group or
    a site are one (union-find over the articles)."""
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rows:
        site = r[6] or (urlsplit(r[7]).hostname if r[7] else None)
        for key in (("g", r[4]) if r[4] is not None else None, ("s", site.lower()) if site else None):
            if key is not None:
                parent[find(("a", r[1]))] = find(key)
    return len({find(("a", r[1])) for r in rows})


def pending(con: Connection) -> list[int]:
    """Articles already through the other passes with events not clustered yet (a store
    ingested before this pass existed, or whose events pass failed), oldest first."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT e.article_id FROM events e JOIN corpus_articles c ON c.article_id = e.article_id "
        "WHERE NOT EXISTS (SELECT 1 FROM event_cluster_members m WHERE m.event_id = e.id) ORDER BY e.article_id")]


def repair(con: Connection) -> int:
    """After articles were deleted (their members went with them, ``ON DELETE CASCADE``): drop
    the clusters left empty, recompute the ones that lost members.  A cheap check first (the
    member rows against the clusters' ``members`` total), the full scan only when they differ."""
    total = con.execute("SELECT count(*) FROM event_cluster_members").fetchone()[0]
    counted = con.execute("SELECT coalesce(sum(members), 0) FROM event_clusters").fetchone()[0]
    if total == counted:
        return 0
    stale = [r[0] for r in con.execute(
        "SELECT c.id FROM event_clusters c WHERE c.members <> "
        "(SELECT count(*) FROM event_cluster_members m WHERE m.cluster_id = c.id) ORDER BY c.id").fetchall()]
    for cid in stale:
        refresh(con, cid)
    return len(stale)


def clusters(con: Connection, *, min_articles: int = 2, limit: int = 100) -> list[dict[str, Any]]:
    """Clusters reported by at least ``min_articles`` articles, most sources first."""
    cols = ("id", "category", "cameo", "source_name", "source_country", "target_name", "target_country",
            "first_date", "last_date", "articles", "sources", "members", "event_id", "story_id")
    out = []
    for r in con.execute(f"SELECT {', '.join(cols)} FROM event_clusters WHERE articles >= ? "
                         "ORDER BY sources DESC, articles DESC, id LIMIT ?", (min_articles, limit)).fetchall():
        item = dict(zip(cols, r))
        item["events"] = [{"event_id": e, "article_id": a} for e, a in con.execute(
            "SELECT event_id, article_id FROM event_cluster_members WHERE cluster_id = ? ORDER BY event_id",
            (r[0],))]
        out.append(item)
    return out


__all__ = ["WINDOW_DAYS", "cameo_root", "clusters", "event_day", "link_article", "pending", "referent", "refresh",
           "repair"]
