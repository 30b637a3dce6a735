"""Corpus passes: what is known across articles, kept up to date as articles are stored.

For each new article, in one transaction, in this order (each pass reads what the earlier
ones wrote):

1. ``registry``: its entities joined to corpus-wide referents (``entity_registry``);
2. ``dedup``: exact and near copies — its ``syndication_group``, the group's original,
   wire-service cues (``corpus_articles``, ``minhash_bands``);
3. ``stories``: the story it joins or starts (``stories``, ``story_features``);
4. ``travel``: its quotes and figures joined to those of other articles, conflicting
   figures within the story flagged (``quote_clusters``, ``figure_clusters``, ...);
5. ``events``: its events joined to the same event reported by other articles
   (``event_clusters``, ``event_cluster_members``).

``update(store, article_id)`` runs them for one stored article in a transaction of their own;
``run_in(con, article_id)`` inside the caller's (the ingest writer stores each document and
runs the passes in one transaction); ``catch_up(store)`` runs them for every article that has no
``corpus_articles`` row yet (a store made before these passes existed, or an ingest killed
between a document's commit and its corpus commit), oldest first, then the ``events`` pass
alone for articles the other passes saw before it existed (their events have no cluster yet),
and drops or recomputes event clusters that lost members to deleted articles.

The passes speak SQL to the store's connection, SQLite's ``sqlite3.Connection`` as is, or
PostgreSQL's through the adapter in ``corpus.sql`` (same statements, same results; on
PostgreSQL ``update`` also takes a transaction-scoped advisory lock, so that writers
sharing a server run the passes one article at a time, as a single writer would).  Results
are read with ``stories.list_stories``, ``travel.trace``, ``dedup.group_members`` and
``registry.lookup`` and ``events.clusters``, given ``sql.connect(store)``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from nutgraf.corpus import dedup, events, registry, sql, stories, travel
from nutgraf.corpus.sql import Connection
from nutgraf.corpus.text import day_of

# pg_advisory_xact_lock key of the corpus passes (the store's DDL lock uses another)
_PG_LOCK = 7212472
_T = TypeVar("_T")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def supported(store: Any) -> bool:
    """Whether the passes can run on ``store``: a writable SQLite or PostgreSQL store."""
    if getattr(store, "readonly", False):
        return False
    return isinstance(getattr(store, "conn", None), sqlite3.Connection) or sql.is_postgres(store)


def _run(con: Connection, article_id: int) -> dict[str, Any] | None:
    row = con.execute(
        "SELECT a.title, a.text, a.published, c.fetched_at FROM articles a LEFT JOIN captures c "
        "ON c.id = a.capture_id WHERE a.id = ?", (article_id,)).fetchone()
    if row is None or con.execute("SELECT 1 FROM corpus_articles WHERE article_id = ?", (article_id,)).fetchone():
        return None
    title, text, published, fetched = row
    day = day_of(published) or day_of(fetched)
    now = _now()
    links = registry.link_article(con, article_id)
    syn = dedup.assign(con, article_id, text, day=day, now=now)
    ents: list[tuple[int, int]] = []
    if links:
        marks = ",".join("?" * len(links))
        for eid, label, mentions in con.execute(
                f"SELECT id, label, mentions FROM entities WHERE id IN ({marks})", list(links)):
            if label in stories.STORY_LABELS:
                ents.append((links[eid], mentions))
    story_id, score = stories.assign(con, article_id, title=title, text=text, day=day, entities=ents,
                                     syndication_group=syn.syndication_group, now=now)
    quotes = travel.link_quotes(con, article_id, day)
    conflicts = travel.link_figures(con, article_id, text, day, story_id)
    events_joined = events.link_article(con, article_id)
    return {"article_id": article_id, "syndication_group": syn.syndication_group, "original_id": syn.original_id,
            "similarity": syn.similarity, "wire": syn.wire, "story_id": story_id, "story_score": score,
            "quotes_joined": quotes, "conflicts": conflicts, "events_joined": events_joined}


def _in_transaction(store: Any, work: Callable[[Connection], _T]) -> _T:
    with store.transaction() as raw:
        con = sql.wrap(raw)
        if sql.is_postgres(store):
            # the passes read, then write, corpus-wide state (counts, centroids, groups):
            # concurrent writers must take turns, or one's update is lost
            con.execute("SELECT pg_advisory_xact_lock(?)", (_PG_LOCK,))
        return work(con)


def update(store: Any, article_id: int) -> dict[str, Any] | None:
    """Run the corpus passes for one stored article, in one transaction.  Returns what was
    assigned, or None when the article was already done (or the store cannot run them)."""
    if not supported(store):
        return None
    return _in_transaction(store, lambda con: _run(con, article_id))


def run_in(con: Connection, article_id: int) -> dict[str, Any] | None:
    """``update`` inside the caller's open transaction (the ingest writer's, the one that
    stored the article: one commit per document), under a savepoint: when a pass fails,
    what the passes wrote is undone, the exception is raised, and the caller's transaction
    (the article) stays good to commit; the article is then left for ``catch_up``."""
    if not isinstance(con, sqlite3.Connection):  # PostgreSQL: writers take turns, as in ``update``
        con.execute("SELECT pg_advisory_xact_lock(?)", (_PG_LOCK,))
    con.execute("SAVEPOINT corpus_passes")
    try:
        result = _run(con, article_id)
    except BaseException:
        con.execute("ROLLBACK TO corpus_passes")
        con.execute("RELEASE corpus_passes")
        raise
    con.execute("RELEASE corpus_passes")
    return result


def pending(store: Any) -> list[int]:
    if not supported(store):
        return []
    return [r[0] for r in sql.connect(store).execute(
        "SELECT a.id FROM articles a LEFT JOIN corpus_articles c ON c.article_id = a.id "
        "WHERE c.article_id IS NULL ORDER BY a.id")]


def catch_up(store: Any) -> int:
    """Run the passes for every article not yet seen by them, then the events pass for
    articles seen before it existed; returns how many articles either ran for."""
    n = 0
    for aid in pending(store):
        if update(store, aid) is not None:
            n += 1
    if not supported(store):
        return n
    _in_transaction(store, events.repair)  # members of deleted articles are gone: fix the counts
    for aid in events.pending(sql.connect(store)):
        _in_transaction(store, lambda con, aid=aid: events.link_article(con, aid))
        n += 1
    return n


__all__ = ["update", "run_in", "catch_up", "pending", "supported", "dedup", "events", "registry", "sql", "stories",
           "travel"]
