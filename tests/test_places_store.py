"""Places in the store (schema 4): the ``places`` and ``article_places`` tables on SQLite and
PostgreSQL, the round trip back to ``Place``, ``search --place/--country``, the entity registry
joined by GeoNames id, and an older (schema 3) store upgraded by a writer and read as it is by
a reader.  Hand-made articles: no spaCy, no gazetteer needed."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from nutgraf import corpus
from nutgraf.cli import main
from nutgraf.corpus import sql
from nutgraf.model import Article, Entity, Place
from nutgraf.sources.capture import Capture, Origin
from nutgraf.store import open_store
from nutgraf.store.schema import SCHEMA_VERSION

TEXT = ("Thousands of Russian men crossed into Georgia on Tuesday, officials in Tbilisi said. "
        "The queue at the Verkhny Lars crossing stretched for miles. "
        "Moscow denied that it had closed the frontier. "
        "A spokesman in Tbilisi said Georgia would keep the crossing open.")

GEORGIA = dict(name="Georgia", geonames_id=614540, lat=42.0, lon=43.5, country_code="GE", country_fips="GG",
               feature_class="A", feature_code="PCLI", population=3704500)
RUSSIA = dict(name="Russia", geonames_id=2017370, lat=60.0, lon=100.0, country_code="RU", country_fips="RS",
              feature_class="A", feature_code="PCLI", population=144478050)
TBILISI = dict(name="Tbilisi", geonames_id=611717, lat=41.69411, lon=44.83368, country_code="GE", country_fips="GG",
               admin1="51", admin1_name="Tbilisi", feature_class="P", feature_code="PPLC", population=1049498)
MOSCOW = dict(name="Moscow", geonames_id=524901, lat=55.75204, lon=37.61781, country_code="RU", country_fips="RS",
              admin1="48", admin1_name="Moskva", feature_class="P", feature_code="PPLC", population=10381222)


def _spans(text: str, word: str) -> list[tuple[int, int]]:
    out, at = [], text.find(word)
    while at >= 0:
        out.append((at, at + len(word)))
        at = text.find(word, at + 1)
    return out


def georgia_article(i: int = 0) -> tuple[Capture, Article]:
    """Georgia twice, Tbilisi twice, Moscow, 'Russian' (a demonym) and 'Verkhny Lars' (placed
    at its container, Georgia)."""
    text = TEXT + f" ({i})"
    entities = [Entity("Georgia", "GPE", _spans(text, "Georgia"), ["Georgia"]),
                Entity("Tbilisi", "GPE", _spans(text, "Tbilisi"), ["Tbilisi"]),
                Entity("Moscow", "GPE", _spans(text, "Moscow"), ["Moscow"]),
                Entity("Russian", "NORP", _spans(text, "Russian"), ["Russian"]),
                Entity("Verkhny Lars", "LOC", _spans(text, "Verkhny Lars"), ["Verkhny Lars"])]
    places = []
    for word, info, kind, evidence in (("Russian", RUSSIA, "demonym", "only-candidate"),
                                       ("Georgia", GEORGIA, "name", "article"),
                                       ("Tbilisi", TBILISI, "name", "only-candidate"),
                                       ("Verkhny Lars", GEORGIA, "container", "container:Georgia"),
                                       ("Moscow", MOSCOW, "name", "article")):
        for s, e in _spans(text, word):
            places.append(Place(text=word, start=s, end=e, confidence=0.9, evidence=evidence, kind=kind,
                                entity=word, **info))
    places.sort(key=lambda p: p.start)
    article = Article(text=text, title=f"Russians cross into Georgia #{i}", published=f"2022-09-2{i}",
                      site_name="Example News", url=f"https://news.example/georgia/{i}", entities=entities,
                      places=places)
    capture = Capture(data=text.encode(), origin=Origin("file", f"/corpus/georgia-{i}.txt"),
                      content_type="text/plain", url=article.url)
    return capture, article


def plain_article(i: int, text: str, entities: list[Entity], places: list[Place]) -> tuple[Capture, Article]:
    article = Article(text=text, title=f"Plain #{i}", published=f"2023-01-0{i + 1}", url=f"https://x.example/{i}",
                      entities=entities, places=places)
    return Capture(data=f"{i}:{text}".encode(), origin=Origin("file", f"/p/{i}.txt"), content_type="text/plain",
                   url=article.url), article


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "p.db")
    return request.getfixturevalue("pg_url")


def _fill(url: str, n: int = 2) -> list[Article]:
    articles = []
    with open_store(url) as store:
        for i in range(n):
            c, a = georgia_article(i)
            store.add_article(c, a, version="0.1.0", settings_hash="abc")
            articles.append(a)
        c, a = plain_article(5, "Nothing to place here at all.", [], [])
        store.add_article(c, a, version="0.1.0", settings_hash="abc")
        articles.append(a)
    return articles


def _q(store, query: str, args: tuple = ()) -> list[tuple]:
    return [tuple(r) for r in sql.connect(store).execute(query, args).fetchall()]


# --------------------------------------------------------------------------- tables and round trip


def test_places_round_trip(store_url):
    articles = _fill(store_url)
    with open_store(store_url) as store:
        records = list(store.iter_articles())
        assert [[Place(**p) for p in r["places"]] for r in records] == [a.places for a in articles]
        assert records[-1]["places"] == []
        first = records[0]
        for p in first["places"]:
            assert first["text"][p["start"]:p["end"]] == p["text"]
        counts = store.counts()
        assert counts["places"] == 2 * len(articles[0].places)
        assert counts["article_places"] == 2 * 4  # Russia, Georgia, Tbilisi, Moscow per article
        rows = _q(store, "SELECT text, kind, entity, e.name, e.label FROM places p LEFT JOIN entities e"
                         " ON e.id = p.entity_id WHERE p.article_id = ? ORDER BY p.start", (first["id"],))
        assert ("Russian", "demonym", "Russian", "Russian", "NORP") in rows
        assert ("Verkhny Lars", "container", "Verkhny Lars", "Verkhny Lars", "LOC") in rows
        assert all(r[3] == r[2] for r in rows)  # every mention linked to its entity row
        per_place = _q(store, "SELECT place_key, geonames_id, name, country_code, country_fips, mentions, first_start"
                              " FROM article_places WHERE article_id = ? ORDER BY first_start", (first["id"],))
        text = first["text"]
        assert per_place == [
            ("2017370", 2017370, "Russia", "RU", "RS", 1, text.index("Russian")),
            ("614540", 614540, "Georgia", "GE", "GG", 3, text.index("Georgia")),  # 2 names + the container
            ("611717", 611717, "Tbilisi", "GE", "GG", 2, text.index("Tbilisi")),
            ("524901", 524901, "Moscow", "RU", "RS", 1, text.index("Moscow")),
        ]
        assert store.columns("places")[:6] == ["id", "article_id", "start", "end", "text", "name"]


def test_a_place_without_geonames_id_is_keyed_by_name(tmp_path):
    text = "They met in Springfield."
    s = text.index("Springfield")
    place = Place(text="Springfield", start=s, end=s + 11, name="Springfield", kind="name")
    with open_store(tmp_path / "n.db") as store:
        c, a = plain_article(0, text, [], [place])
        aid = store.add_article(c, a, version="0", settings_hash="x")
        assert _q(store, "SELECT place_key, geonames_id, mentions FROM article_places WHERE article_id = ?",
                  (aid,)) == [("name:Springfield", None, 1)]
        assert _q(store, "SELECT entity_id FROM places") == [(None,)]
        assert [Place(**p) for p in next(store.iter_articles())["places"]] == [place]


def test_deleting_an_article_deletes_its_places(tmp_path):
    db = tmp_path / "d.db"
    _fill(str(db), n=1)
    with open_store(db) as store:
        store.conn.execute("DELETE FROM captures")
        assert store.counts()["places"] == 0 and store.counts()["article_places"] == 0


# --------------------------------------------------------------------------- search


def test_search_place_and_country(store_url):
    _fill(store_url)
    with open_store(store_url, readonly=True) as store:
        def titles(**kw):
            return sorted(h["title"] for h in store.search("", **kw))

        both = ["Russians cross into Georgia #0", "Russians cross into Georgia #1"]
        assert titles(place="Georgia") == both
        assert titles(place="georgia") == both  # case ignored
        assert titles(place="Russia") == both  # 'Russian', read as Russia
        assert titles(place="russian") == both  # the words of the text
        assert titles(place="Verkhny Lars") == both
        assert titles(place="614540") == both  # a GeoNames id
        assert titles(place="4197000") == []  # Georgia the US state: not these
        assert titles(place="Geor") == []  # a name, not a fragment
        assert titles(place="Paris") == []
        assert titles(country="GE") == both and titles(country="ge") == both
        assert titles(country="RU") == both and titles(country="US") == []
        assert titles(place="Georgia", country="RU") == both
        assert store.search("spokesman", place="Tbilisi", since="2022-09-21")[0]["title"].endswith("#1")
        assert store.search("", place="Tbilisi", until="2022-09-20")[0]["title"].endswith("#0")


def _cli(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result


def test_search_cli_place_and_country(store_url):
    _fill(store_url)
    hits = json.loads(_cli("search", "--place", "Georgia", "--db", store_url, "--format", "json").output)
    assert sorted(h["title"] for h in hits) == ["Russians cross into Georgia #0", "Russians cross into Georgia #1"]
    hits = json.loads(_cli("search", "crossing", "--country", "GE", "--db", store_url, "--format", "json").output)
    assert len(hits) == 2
    assert "Russians cross into Georgia" in _cli("search", "--country", "ge", "--db", store_url).output
    _cli("search", "--country", "US", "--db", store_url, code=1)  # no matching articles
    _cli("search", "--place", "614540", "-n", "1", "--db", store_url)
    bad = _cli("search", "--country", "Georgia", "--db", store_url, code=2)
    assert "alpha-2" in bad.output
    help_text = _cli("search", "--help").output
    assert "--place NAME" in help_text and "--country CC" in help_text and "GeoNames id" in help_text
    assert "alpha-2" in help_text


# --------------------------------------------------------------------------- registry


def _registry_ids(store, names: list[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {n: set() for n in names}
    for name, rid in _q(store, "SELECT e.name, l.registry_id FROM entity_links l JOIN entities e ON e.id = l.entity_id"):
        if name in out:
            out[name].add(rid)
    return out


US = dict(name="United States", geonames_id=6252001, lat=39.76, lon=-98.5, country_code="US", country_fips="US",
          feature_class="A", feature_code="PCLI")
GEORGIA_STATE = dict(name="Georgia", geonames_id=4197000, lat=32.75042, lon=-83.50018, country_code="US",
                     country_fips="US", admin1="GA", admin1_name="Georgia", feature_class="A", feature_code="ADM1")


def _one_place(i: int, sentence: str, word: str, label: str, info: dict | None, kind: str = "name"):
    s = sentence.index(word)
    places = [Place(text=word, start=s, end=s + len(word), kind=kind, entity=word, **info)] if info else []
    return plain_article(i, sentence, [Entity(word, label, [(s, s + len(word))], [word])], places)


def test_registry_joins_places_by_geonames_id(store_url):
    docs = [
        _one_place(0, "Officials in the US said so.", "US", "GPE", US),
        _one_place(1, "The United States said so too.", "United States", "GPE", US),
        _one_place(2, "America agreed with that.", "America", "GPE", US),
        _one_place(3, "Troops left Georgia on Monday.", "Georgia", "GPE", GEORGIA),
        _one_place(4, "Storms hit Georgia and Florida.", "Georgia", "GPE", GEORGIA_STATE),
        _one_place(5, "Georgia was mentioned without a place.", "Georgia", "GPE", None),
        _one_place(6, "Voters in Georgia went to the polls.", "Georgia", "GPE", GEORGIA_STATE),
    ]
    with open_store(store_url) as store:
        for c, a in docs:
            aid = store.add_article(c, a, version="0", settings_hash="x")
            corpus.update(store, aid)
        ids = _registry_ids(store, ["US", "United States", "America", "Georgia"])
        assert len(ids["US"]) == 1 and ids["US"] == ids["United States"] == ids["America"]
        rid = next(iter(ids["US"]))
        name, aliases, articles = _q(store, "SELECT name, aliases, articles FROM entity_registry WHERE id = ?",
                                     (rid,))[0]
        assert name == "United States" and {"US", "America"} <= set(json.loads(aliases)) and articles == 3
        assert _q(store, "SELECT registry_id FROM registry_geonames WHERE geonames_id = 6252001") == [(rid,)]
        # the country and the US state are two referents; a 'Georgia' with no place joins by name
        country, state = (_q(store, "SELECT registry_id FROM registry_geonames WHERE geonames_id = ?", (g,))[0][0]
                          for g in (614540, 4197000))
        assert country != state and ids["Georgia"] == {country, state}
        assert _q(store, "SELECT articles FROM entity_registry WHERE id = ?", (state,)) == [(2,)]
        assert _q(store, "SELECT articles FROM entity_registry WHERE id = ?", (country,)) == [(2,)]


def test_registry_ignores_demonyms_and_containers(tmp_path):
    # 'Verkhny Lars' placed at Georgia must not become Georgia in the registry
    docs = [_one_place(0, "Troops left Georgia on Monday.", "Georgia", "GPE", GEORGIA),
            _one_place(1, "Queues at Verkhny Lars grew.", "Verkhny Lars", "LOC", GEORGIA, kind="container")]
    with open_store(tmp_path / "r.db") as store:
        for c, a in docs:
            corpus.update(store, store.add_article(c, a, version="0", settings_hash="x"))
        ids = _registry_ids(store, ["Georgia", "Verkhny Lars"])
        assert ids["Georgia"] and ids["Verkhny Lars"] and ids["Georgia"] != ids["Verkhny Lars"]


# --------------------------------------------------------------------------- older stores


def _make_schema3(url: str) -> None:
    """A store as schema 3 left it: no places (or events) tables, version 3 in meta."""
    _fill(url, n=1)
    with open_store(url) as store:
        con = sql.connect(store)
        for table in ("event_cluster_members", "event_clusters", "events", "article_places", "places",
                      "registry_geonames"):
            con.execute(f"DROP TABLE {table}")
        con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        if url.startswith("postgresql"):
            con.execute("UPDATE meta SET value = 'old' WHERE key = 'pg_ddl_hash'")


def test_old_store_is_read_as_it_is_and_upgraded_by_a_writer(store_url, tmp_path):
    _make_schema3(store_url)
    # a reader cannot add tables: the missing ones read as empty
    with open_store(store_url, readonly=True) as store:
        assert store.absent == {"places", "article_places", "events"}
        assert store.counts()["places"] == 0 and store.counts()["articles"] == 2
        assert all(r["places"] == [] for r in store.iter_articles())
        assert store.search("", place="Georgia") == [] and store.search("", country="GE") == []
        assert len(store.search("crossing")) == 1
        assert list(store.rows("places")) == [] and "geonames_id" in store.columns("places")
    _cli("search", "--place", "Georgia", "--db", store_url, code=1)
    for fmt in ("csv", "parquet"):
        _cli("export", "--db", store_url, "--format", fmt, "--out", str(tmp_path / fmt))
        assert (tmp_path / fmt / f"places.{fmt}").exists()
    _cli("export", "--db", store_url, "--format", "gkg", "--out", str(tmp_path / "old.gkg"))
    # a writer brings it up to date, and new articles get their places
    with open_store(store_url) as store:
        assert not store.absent
        assert _q(store, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        assert SCHEMA_VERSION == 5
        c, a = georgia_article(7)
        aid = store.add_article(c, a, version="0.1.0", settings_hash="abc")
        corpus.update(store, aid)
        assert _q(store, "SELECT count(*) FROM places WHERE article_id = ?", (aid,)) == [(len(a.places),)]
        assert _q(store, "SELECT count(*) FROM registry_geonames") != [(0,)]
    with open_store(store_url, readonly=True) as store:
        assert [h["title"] for h in store.search("", place="Georgia")] == ["Russians cross into Georgia #7"]


def test_sqlite_schema3_file_made_by_hand_is_upgraded(tmp_path):
    """The file an older nutgraf wrote (its schema: this one without the version-4 tables)."""
    from nutgraf.store.schema import SCHEMA

    db = tmp_path / "v3.db"
    con = sqlite3.connect(db)
    v3 = SCHEMA
    for table in ("places", "article_places", "registry_geonames"):
        start = v3.index(f"CREATE TABLE IF NOT EXISTS {table} (")
        end = v3.index(");", start) + 2
        v3 = v3[:start] + v3[end:]
        v3 = "\n".join(line for line in v3.splitlines() if f" ON {table}(" not in line)
    con.executescript(v3)
    con.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '3')")
    con.commit()
    assert not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'places'").fetchone()
    con.close()
    with open_store(db) as store:
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert {"places", "article_places", "registry_geonames", "places_geonames", "article_places_country"} <= names
        assert store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
