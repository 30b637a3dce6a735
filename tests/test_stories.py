"""Stories (corpus.stories) and the entity registry (corpus.registry) across articles."""

from __future__ import annotations

import json

from click.testing import CliRunner

from nutgraf.cli import main
from nutgraf.corpus import registry, stories
from nutgraf.store import open_store
from corpushelp import UNRELATED, make, store_all

KZ = [
    ("Russians flee to Kazakhstan as Putin orders mobilisation", "2022-09-27",
     "Thousands of Russian men crossed the border into Kazakhstan on Tuesday, fleeing the partial mobilisation "
     "that Vladimir Putin announced last week. Queues of cars stretched for miles at the frontier post near "
     "Uralsk, and Kazakh officials said the number of arrivals had tripled since the call-up of reservists."),
    ("Kazakhstan's Tokayev promises shelter to Russians fleeing call-up", "2022-09-28",
     "President Kassym-Jomart Tokayev said Kazakhstan would look after Russians fleeing the mobilisation, "
     "calling their situation hopeless. Putin's decree to call up reservists has sent tens of thousands across "
     "the border, with hotels in Uralsk full and volunteers helping families at the frontier."),
    ("Border queues grow as Russian reservists head for Kazakhstan", "2022-09-29",
     "More Russian men of fighting age reached Kazakhstan through the Uralsk crossing on Thursday to escape "
     "Putin's mobilisation, Kazakh border officials said, while Tokayev's government said it would not send "
     "back reservists unless Russia produced a warrant for their arrest."),
]
PIER = [
    ("Brighton's West Pier to reopen after restoration", "2022-09-28",
     "The West Pier in Brighton will reopen to visitors next spring after a restoration paid for by the "
     "Brighton and Hove council and a heritage lottery grant, the council's leader Jo Smith said on Wednesday. "
     "Engineers replaced rusted columns and the deck of the old pier over two winters."),
    ("Restored pier in Brighton gets a date for reopening", "2022-09-29",
     "Jo Smith, who leads Brighton and Hove council, said the restored West Pier would open in April, with the "
     "heritage lottery grant covering most of the cost of new columns and decking on the pier."),
]
ENTS = [("Kazakhstan", "GPE"), ("Uralsk", "GPE"), ("Russia", "GPE"), ("Vladimir Putin", "PERSON", "Vladimir Putin"),
        ("Putin", "PERSON", "Putin"), ("Kassym-Jomart Tokayev", "PERSON"), ("Tokayev", "PERSON"),
        ("Brighton", "GPE"), ("Jo Smith", "PERSON"), ("West Pier", "FAC"), ("Brighton and Hove council", "ORG")]


def article(title, day, text, i, site="Example"):
    return make(text, title=title, published=day, url=f"https://{site.lower()}.example/{i}", site=site,
                entities=ENTS)


def build(store, extra=()):
    items = [article(t, d, x, i, site=f"S{i}") for i, (t, d, x) in enumerate(KZ + PIER)]
    items += [make(u, title=f"Local {i}", published="2022-09-28", url=f"https://local.example/{i}",
                   site="Local") for i, u in enumerate(UNRELATED)]
    items += list(extra)
    # interleaved, as a crawl would deliver them
    order = [0, 3, 5, 1, 6, 4, 7, 2] + list(range(8, len(items)))
    ids = store_all(store, [items[i] for i in order])
    return dict(zip(order, ids))


def story_of(store, aid):
    return store.conn.execute("SELECT story_id FROM corpus_articles WHERE article_id = ?", (aid,)).fetchone()[0]


def test_stories_group_events(tmp_path):
    later = article("Kazakhstan says Russians who fled are returning home", "2022-10-25",
                    "Kazakhstan said most Russians who crossed the border at Uralsk during the mobilisation had "
                    "left again, and Tokayev said the frontier would stay open to reservists.", 99)
    with open_store(tmp_path / "s.db") as store:
        ids = build(store, [later])
        kz = {story_of(store, ids[i]) for i in range(3)}
        pier = {story_of(store, ids[i]) for i in (3, 4)}
        local = [story_of(store, ids[i]) for i in (5, 6, 7)]
        assert len(kz) == 1 and len(pier) == 1 and kz != pier
        assert len(set(local)) == 3 and not (set(local) & (kz | pier))
        assert story_of(store, ids[8]) not in kz  # four weeks later: outside the window
        listed = stories.list_stories(store.conn)
        top = listed[0]
        assert top["members"] == 3 and top["first_day"] == "2022-09-27" and top["last_day"] == "2022-09-29"
        assert top["label"] in {t for t, _, _ in KZ}
        assert {m["id"] for m in stories.story_members(store.conn, top["id"])} == {ids[0], ids[1], ids[2]}


def test_copy_joins_story_of_its_group(tmp_path):
    t, d, x = KZ[0]
    with open_store(tmp_path / "s.db") as store:
        a, b = store_all(store, [article(t, d, x, 1), article("Another headline", "2022-09-30", x, 2)])
        assert story_of(store, a) == story_of(store, b)
        score = store.conn.execute("SELECT story_score FROM corpus_articles WHERE article_id = ?", (b,)).fetchone()
        assert score[0] == 1.0


def test_stories_cli(tmp_path):
    db = tmp_path / "s.db"
    with open_store(db) as store:
        build(store)
    result = CliRunner().invoke(main, ["stories", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data[0]["members"] == 3 and data[0]["label"] in {t for t, _, _ in KZ}
    assert {"id", "label", "first_day", "last_day", "members", "articles"} <= set(data[0])
    assert data[0]["articles"][0]["published"] == "2022-09-27"
    text = CliRunner().invoke(main, ["stories", "--db", str(db), "--min-members", "2"])
    assert text.exit_code == 0 and "3 articles" in text.output and "2022-09-27" in text.output
    assert "Local" not in text.output


def test_registry_joins_surname_and_full_name(tmp_path):
    # 'Putin' alone first, the full name in a later article, then 'Putin' again
    a = make("Putin spoke on Tuesday about the mobilisation of reservists.", title="a", published="2022-09-27",
             url="https://a.example/", entities=[("Putin", "PERSON")])
    b = make("Vladimir Putin signed the decree. Putin said it was needed.", title="b", published="2022-09-28",
             url="https://b.example/", entities=[("Vladimir Putin", "PERSON", "Vladimir Putin", "Putin")])
    c = make("Mr Putin did not comment.", title="c", published="2022-09-29", url="https://c.example/",
             entities=[("Putin", "PERSON")])
    d = make("President Vladimir Putin met Boris Johnson and Lyndon Johnson. Johnson smiled.", title="d",
             published="2022-09-29", url="https://d.example/",
             entities=[("Vladimir Putin", "PERSON"), ("Boris Johnson", "PERSON"), ("Lyndon Johnson", "PERSON"),
                       ("Johnson", "PERSON")])
    with open_store(tmp_path / "r.db") as store:
        store_all(store, [a, b, c, d])
        links = store.conn.execute(
            "SELECT e.name, l.registry_id FROM entities e JOIN entity_links l ON l.entity_id = e.id").fetchall()
        putin = {rid for name, rid in links if "Putin" in name}
        assert len(putin) == 1
        entry = registry.lookup(store.conn, "Putin")[0]
        assert entry["name"] == "Vladimir Putin" and entry["articles"] == 4 and "Putin" in entry["aliases"]
        johnson = {name: rid for name, rid in links if "Johnson" in name}
        assert len(set(johnson.values())) == 3  # ambiguous surname stays on its own
        assert registry.normalise("President Vladimir Putin", "PERSON") == "vladimir putin"
        assert registry.normalise("the Kremlin", "ORG") == "kremlin"
