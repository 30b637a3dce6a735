"""The entity registry across articles (corpus.registry): one referent for 'America' (the
country), 'US', 'U.S.' and 'United States', joined by GeoNames id where the places pass
resolved them and by name where it did not, in any order; two people sharing a surname stay
two; and the demo corpus (samples/) has the United States as one registry entity."""

from __future__ import annotations

import io
import json
from pathlib import Path

from nutgraf import corpus
from nutgraf.model import Entity
from nutgraf.store import open_store
from test_places_store import US, _one_place, _q, _registry_ids, plain_article, store_url  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def _ingest(store, docs) -> None:
    for c, a in docs:
        corpus.update(store, store.add_article(c, a, version="0", settings_hash="x"))


def test_short_forms_one_referent_in_any_order(store_url):  # noqa: F811
    docs = [
        _one_place(0, "America agreed with that.", "America", "GPE", US),
        _one_place(1, "Officials in the US said so.", "US", "GPE", None),        # did not resolve
        _one_place(2, "The United States said so too.", "United States", "GPE", US),
        _one_place(3, "Troops from the U.S. arrived.", "U.S.", "GPE", None),     # did not resolve
        _one_place(4, "The US embassy said so.", "US", "GPE", US),
    ]
    with open_store(store_url) as store:
        _ingest(store, docs)
        ids = _registry_ids(store, ["America", "US", "U.S.", "United States"])
        assert len(set().union(*ids.values())) == 1, ids
        rid = next(iter(ids["US"]))
        name, norm, aliases, articles, mentions = _q(
            store, "SELECT name, norm, aliases, articles, mentions FROM entity_registry WHERE id = ?", (rid,))[0]
        assert (name, norm, articles, mentions) == ("United States", "united states", 5, 5)
        assert {"America", "US", "U.S.", "United States"} <= set(json.loads(aliases))
        assert _q(store, "SELECT registry_id FROM registry_geonames WHERE geonames_id = 6252001") == [(rid,)]
        assert _q(store, "SELECT count(*) FROM entity_registry WHERE label = 'GPE'") == [(1,)]


def test_people_sharing_a_surname_stay_apart(store_url):  # noqa: F811
    def person(i: int, text: str, *names: str):
        ents = []
        for n in names:
            s = text.index(n)
            ents.append(Entity(n, "PERSON", [(s, s + len(n))], [n]))
        return plain_article(i, text, ents, [])

    docs = [person(0, "Kyle Busch won the race.", "Kyle Busch"),
            person(1, "Kurt Busch was second.", "Kurt Busch"),
            person(2, "Busch said the car was fast.", "Busch"),
            person(3, "Vladimir Putin spoke.", "Vladimir Putin"),
            person(4, "Putin said more.", "Putin")]
    with open_store(store_url) as store:
        _ingest(store, docs)
        ids = _registry_ids(store, ["Kyle Busch", "Kurt Busch", "Busch", "Vladimir Putin", "Putin"])
        assert len({next(iter(ids[n])) for n in ("Kyle Busch", "Kurt Busch", "Busch")}) == 3
        assert ids["Putin"] == ids["Vladimir Putin"]


def test_demo_corpus_has_one_united_states(tmp_path):
    from rich.console import Console

    from nutgraf.demo import run_demo

    db = tmp_path / "demo.db"
    assert run_demo(ROOT / "samples", Console(file=io.StringIO(), width=160), db=db) == 0
    with open_store(db) as store:
        rows = _q(store, "SELECT e.name, l.registry_id FROM entities e JOIN entity_links l ON l.entity_id = e.id "
                         "WHERE e.label IN ('GPE', 'LOC') AND e.name IN ('America', 'US', 'U.S', 'U.S.', "
                         "'United States', 'USA', 'the United States')")
        names = {n for n, _ in rows}
        assert {"America", "US", "United States"} <= names and names & {"U.S", "U.S."}
        rids = {r for _, r in rows}
        assert len(rids) == 1
        assert _q(store, "SELECT registry_id FROM registry_geonames WHERE geonames_id = 6252001") == [tuple(rids)]
        # people who share a surname are not one referent
        people = _registry_ids(store, ["Kyle Busch", "Kurt Busch", "Austin Dillon", "Ty Dillon"])
        for a, b in (("Kyle Busch", "Kurt Busch"), ("Austin Dillon", "Ty Dillon")):
            if people[a] and people[b]:
                assert not people[a] & people[b]
