"""Events across articles (``nutgraf.corpus.events``): one mobilisation reported by three sites is
one cluster of three articles; an unrelated event, the same actor's event outside the date
window, a negated one and a copy's extra site stay apart or are not counted twice; re-running
changes nothing; ``catch_up`` clusters the events of a store made before the pass; deleted
articles leave no members behind.  On SQLite and PostgreSQL (hand-built events), and once on
what ``nutgraf.analyze`` makes of three short texts."""

from __future__ import annotations

from typing import Any

import pytest

import nutgraf
from corpushelp import capture_for
from nutgraf import corpus
from nutgraf.corpus import events, sql
from nutgraf.model import Actor, Article, DateMention, Entity, Event
from nutgraf.store import open_store


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "e.db")
    return request.getfixturevalue("pg_url")


def _span(text: str, words: str) -> tuple[int, int]:
    i = text.index(words)
    return i, i + len(words)


def article(text: str, *, site: str, published: str, trigger: str, category: str = "MOBILIZE",
            cameo: str = "152", source: tuple[str, str, str] = ("Vladimir Putin", "Vladimir Putin", "RUS"),
            target: tuple[str, str, str] | None = None, date: tuple[str, str] | None = None,
            negated: bool = False) -> Article:
    """One article with one event.  ``source``/``target``: (words in the text, entity, country)
    — the entity is an Entity of the article, so the store links it and the registry maps it;
    ``date``: (words in the text, ISO day)."""
    ents: dict[str, Entity] = {}
    actors = []
    for side in (source, target):
        if side is None:
            actors.append(None)
            continue
        words, name, country = side
        s, e = _span(text, words)
        label = "PERSON" if "Putin" in name else "GPE"
        ents.setdefault(name, Entity(name, label, [], [words]))
        ents[name].mentions.append((s, e))
        actors.append(Actor(words, s, e, entity=name, country=country, sector="GOV" if label == "PERSON" else None))
    s, e = _span(text, trigger)
    dm = None
    if date is not None:
        ds, de = _span(text, date[0])
        dm = DateMention(date[0], ds, de, date[1], True, "day")
    ev = Event(category, trigger, s, e, 0, len(text), cameo=cameo, score=-2.0, source=actors[0], target=actors[1],
               date=dm, negated=negated, confidence=0.8)
    host = site.lower().replace(" ", "")
    return Article(text=text, title=text[:40], published=published, site_name=site, language="en",
                   url=f"https://{host}.example/{abs(hash(text)) % 10**8}", entities=list(ents.values()), events=[ev])


MOBILISATION = [
    article("Vladimir Putin ordered a partial mobilisation of reservists on Wednesday, calling up 300,000 men "
            "to reinforce Russia's lines in Ukraine.", site="Daily Planet", published="2022-09-21T09:00:00Z",
            trigger="ordered a partial mobilisation", date=("Wednesday", "2022-09-21")),
    article("MOSCOW - Putin has announced a partial mobilization of Russia's reserves, the Kremlin said, as the "
            "war entered its eighth month.", site="Morning Herald", published="2022-09-21T15:30:00Z",
            trigger="announced a partial mobilization", source=("Putin", "Putin", "RUS"),
            target=("Russia", "Russia", "RUS")),
    article("Russian men queued at the borders on Thursday, a day after President Putin mobilised 300,000 "
            "reservists for the war.", site="Evening Star", published="2022-09-22T18:00:00Z",
            trigger="mobilised", source=("Putin", "Putin", "RUS")),
]
UNRELATED = article("Hungarian officials condemned the shelling of the border town and urged talks in Vienna.",
                    site="Evening Star", published="2022-09-22T10:00:00Z", trigger="condemned",
                    category="ACCUSE", cameo="111", source=("Hungarian officials", "Hungary", "HUN"))
LATER = article("Vladimir Putin ordered a second wave of mobilisation on Friday, officials said.",
                site="Daily Planet", published="2022-10-07T08:00:00Z", trigger="ordered a second wave of mobilisation",
                date=("Friday", "2022-10-07"))
DENIED = article("Vladimir Putin did not order a general mobilisation, the Kremlin said on Wednesday.",
                 site="Morning Herald", published="2022-09-21T12:00:00Z", trigger="order a general mobilisation",
                 negated=True)


def store_all(store: Any, articles: list[Article]) -> list[int]:
    ids = []
    for a in articles:
        aid = store.add_article(capture_for(a), a, version="test", settings_hash="test")
        corpus.update(store, aid)
        ids.append(aid)
    return ids


def tables(store: Any) -> tuple[list[tuple], list[tuple]]:
    con = sql.connect(store)
    return ([tuple(r) for r in con.execute("SELECT * FROM event_clusters ORDER BY id")],
            [tuple(r) for r in con.execute("SELECT * FROM event_cluster_members ORDER BY cluster_id, event_id")])


def by_articles(store: Any) -> dict[frozenset[int], dict[str, Any]]:
    """Clusters (all, single ones too) keyed by their member article ids."""
    return {frozenset(m["article_id"] for m in c["events"]): c
            for c in events.clusters(sql.connect(store), min_articles=1, limit=1000)}


def test_one_mobilisation_many_sources(store_url):
    with open_store(store_url) as store:
        ids = store_all(store, [MOBILISATION[0], UNRELATED, MOBILISATION[1], DENIED, MOBILISATION[2], LATER])
        found = by_articles(store)
        mob = found[frozenset(ids[i] for i in (0, 2, 4))]
        assert (mob["category"], mob["articles"], mob["sources"], mob["members"]) == ("MOBILIZE", 3, 3, 3)
        assert (mob["first_date"], mob["last_date"]) == ("2022-09-21", "2022-09-22")
        assert mob["source_name"] == "Vladimir Putin" and mob["source_country"] == "RUS"
        assert mob["target_name"] == "Russia" and mob["target_country"] == "RUS"  # learnt from the 2nd report
        ev0 = sql.connect(store).execute("SELECT id FROM events WHERE article_id = ?", (ids[0],)).fetchone()[0]
        assert mob["event_id"] == ev0  # the earliest-published report represents it
        # the unrelated accusation, the denial and the mobilisation two weeks later stay alone
        assert {frozenset([ids[1]]), frozenset([ids[3]]), frozenset([ids[5]])} <= set(found)
        assert len(found) == 4
        assert [c["id"] for c in events.clusters(sql.connect(store))] == [mob["id"]]
        assert corpus.pending(store) == [] and events.pending(sql.connect(store)) == []


def test_rerun_changes_nothing(store_url):
    with open_store(store_url) as store:
        ids = store_all(store, MOBILISATION + [UNRELATED])
        before = tables(store)
        for aid in ids:
            assert corpus.update(store, aid) is None  # already done
            with store.transaction() as raw:
                assert events.link_article(sql.wrap(raw), aid) == 0
        assert corpus.catch_up(store) == 0
        assert tables(store) == before


def test_copies_and_same_site_count_once(store_url):
    """A syndicated copy on a fourth site and a follow-up on a site already counted add
    articles, not sources."""
    copy = article(MOBILISATION[0].text, site="Valley News", published="2022-09-21T11:00:00Z",
                   trigger="ordered a partial mobilisation", date=("Wednesday", "2022-09-21"))
    follow = article("Putin ordered the mobilisation of reservists, the Daily Planet reported, after weeks of "
                     "losses.", site="Daily Planet", published="2022-09-22T07:00:00Z",
                     trigger="ordered the mobilisation", source=("Putin", "Putin", "RUS"))
    with open_store(store_url) as store:
        ids = store_all(store, MOBILISATION + [copy, follow])
        con = sql.connect(store)
        groups = dict(con.execute("SELECT article_id, syndication_group FROM corpus_articles").fetchall())
        assert groups[ids[3]] == groups[ids[0]]  # the copy is recognised as one
        (mob,) = events.clusters(con)
        assert (mob["articles"], mob["sources"], mob["members"]) == (5, 3, 5)


def test_catch_up_clusters_a_store_made_before_the_pass(store_url):
    with open_store(store_url) as store:
        ids = store_all(store, MOBILISATION + [UNRELATED])
        done = tables(store)
        with store.transaction() as raw:  # as the passes left a store before events were clustered
            con = sql.wrap(raw)
            con.execute("DELETE FROM event_cluster_members")
            con.execute("DELETE FROM event_clusters")
        assert corpus.pending(store) == []  # the other passes have seen every article
        assert events.pending(sql.connect(store)) == ids
        assert corpus.catch_up(store) == 4
        assert events.pending(sql.connect(store)) == [] and corpus.catch_up(store) == 0
        after = tables(store)
        assert [c[1:] for c in after[0]] == [c[1:] for c in done[0]]  # the same clusters, new ids
        assert len(after[1]) == len(done[1])


def test_deleted_articles_leave_no_members(store_url):
    with open_store(store_url) as store:
        ids = store_all(store, MOBILISATION + [UNRELATED])
        con = sql.connect(store)

        def drop(aid: int) -> None:
            cap = con.execute("SELECT capture_id FROM articles WHERE id = ?", (aid,)).fetchone()[0]
            with store.transaction() as raw:
                sql.wrap(raw).execute("DELETE FROM captures WHERE id = ?", (cap,))

        drop(ids[0])  # the representative goes: the members cascade, catch_up recomputes
        assert con.execute("SELECT count(*) FROM event_cluster_members WHERE article_id = ?",
                           (ids[0],)).fetchone()[0] == 0
        corpus.catch_up(store)
        (mob,) = events.clusters(con)
        assert (mob["articles"], mob["sources"], mob["first_date"]) == (2, 2, "2022-09-21")
        assert mob["event_id"] == con.execute("SELECT id FROM events WHERE article_id = ?", (ids[1],)).fetchone()[0]
        drop(ids[3])  # its cluster is left empty: dropped
        corpus.catch_up(store)
        assert len(by_articles(store)) == 1
        # re-ingested, the first report joins the cluster again
        again = store_all(store, [MOBILISATION[0]])
        (mob,) = events.clusters(con)
        assert {m["article_id"] for m in mob["events"]} == {ids[1], ids[2], again[0]}
        dangling = con.execute("SELECT count(*) FROM event_cluster_members m LEFT JOIN events e ON e.id = m.event_id "
                               "WHERE e.id IS NULL").fetchone()[0]
        assert dangling == 0


def test_event_day():
    assert events.event_day("2022-09-21", "2022-09-23") == "2022-09-21"
    assert events.event_day(None, "2022-09-23") == "2022-09-23"
    assert events.event_day("2022-09", "2022-09-23") == "2022-09-23"  # this month: the article's day
    assert events.event_day("2014", "2022-09-23") is None  # a past event: not put on today
    assert events.cameo_root("0874") == "08" and events.cameo_root(None) is None


def test_only_named_actors_join_by_name():
    """Without an entity or a country, an actor joins by name only when it is a name: pronouns
    and common nouns ('We', 'the company') would merge unrelated reports of the same day."""
    assert events.looks_named("WeWork spokesperson") and events.looks_named("Hamas", opens_sentence=False)
    assert not events.looks_named("We") and not events.looks_named("the company") and not events.looks_named("you")
    assert not events.looks_named("Officials", opens_sentence=True)
    assert events.looks_named("Officials of Hamas", opens_sentence=True)


def test_analyzed_reports_of_one_mobilisation(tmp_path):
    texts = [
        ("Russian President Vladimir Putin ordered a partial mobilisation of reservists on Wednesday, "
         "September 21, 2022, calling up 300,000 men after defeats in Ukraine.", "2022-09-21", "Daily Planet"),
        ("MOSCOW - Vladimir Putin announced a partial mobilization of Russia's reserves on Wednesday, the Kremlin "
         "said, as the war in Ukraine entered its eighth month.", "2022-09-21", "Morning Herald"),
        ("Putin has mobilised 300,000 reservists, the Russian defence ministry said on Thursday.", "2022-09-22",
         "Evening Star"),
        ("Hungarian officials condemned the attack and urged both sides to hold talks in Vienna.", "2022-09-22",
         "Evening Star"),
    ]
    arts = []
    for i, (text, day, site) in enumerate(texts):
        a = nutgraf.analyze(text, clean=False)
        a.published, a.site_name, a.url, a.title = day, site, f"https://s{i}.example/a", text[:30]
        arts.append(a)
    assert all(a.events for a in arts)
    with open_store(tmp_path / "a.db") as store:
        ids = store_all(store, arts)
        (mob,) = events.clusters(sql.connect(store))
        assert mob["category"] == "MOBILIZE" and mob["sources"] == 3
        assert {m["article_id"] for m in mob["events"]} == set(ids[:3])
