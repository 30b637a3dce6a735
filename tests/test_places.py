"""Places: the gazetteer, detection and resolution (Article.places, nutgraf.resolve_places)."""

from __future__ import annotations

import sqlite3
import time

import pytest

import nutgraf
from nutgraf.facts.places import build
from nutgraf.facts.places import names as N
from nutgraf.facts.places.gazetteer import Gazetteer, GazetteerMissing, open_gazetteer


def _one(text: str, name: str, **kw) -> nutgraf.Place:
    start = text.index(name)
    place = nutgraf.resolve_places(text, [(start, start + len(name))], **kw)[0]
    assert place is not None, name
    assert text[place.start:place.end] == name
    return place


# ---------------------------------------------------------------- the gazetteer

def test_gazetteer_is_built_from_the_pinned_packages():
    gaz = open_gazetteer()
    assert gaz.meta["gazetteer_version"] == build.GAZETTEER_VERSION
    assert gaz.meta["sources"] == __import__("json").dumps(build.SOURCES, sort_keys=True)
    assert len(gaz.meta["sources_sha256"]) == 64
    assert int(gaz.meta["places"]) > 250_000
    assert build.is_current(gaz.path)


def test_gazetteer_opens_fast():
    t0 = time.perf_counter()
    Gazetteer(open_gazetteer().path)
    assert time.perf_counter() - t0 < 1.0


def test_name_keys_meet_across_spellings():
    assert N.key("U.S.") == N.key("US") == "us"
    assert N.key("Zürich") == N.key("Zurich")
    assert N.key("St. Louis") == "st louis"
    assert "saint louis" in N.variants("st louis")
    assert N.key("...") == ""


def test_missing_gazetteer_names_the_install_step(tmp_path):
    with pytest.raises(GazetteerMissing, match="make install"):
        Gazetteer(tmp_path / "nope.sqlite")


def test_corrupt_gazetteer_names_the_install_step(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GazetteerMissing, match="make install"):
        Gazetteer(bad)
    old = tmp_path / "old.sqlite"
    db = sqlite3.connect(old)
    db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('gazetteer_version', '0')")
    db.commit()
    db.close()
    with pytest.raises(GazetteerMissing, match="version 0"):
        Gazetteer(old)
    assert not build.is_current(old)


def test_cli_reports_a_missing_gazetteer_in_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from nutgraf.cli import main
    from nutgraf.facts.places import gazetteer

    monkeypatch.setenv("NUTGRAF_GAZETTEER", str(tmp_path / "missing.sqlite"))
    monkeypatch.setattr(gazetteer, "_OPEN", {})
    page = tmp_path / "a.txt"
    page.write_text("Police in Tbilisi, Georgia said on Monday the road was closed.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(page)])
    assert result.exit_code != 0
    assert "make install" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["ingest", str(page), "--db", str(tmp_path / "x.db"), "--workers", "1"])
    assert result.exit_code != 0
    assert "make install" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- resolution given spans

def test_the_country_georgia_beside_tbilisi_and_the_state_beside_atlanta():
    caucasus = "Protesters marched in Tbilisi. Georgia has asked for talks."
    place = nutgraf.resolve_places(caucasus, [(22, 29), (31, 38)])[1]
    assert (place.country_code, place.feature_code, place.country_fips) == ("GE", "PCLI", "GG")
    south = "Traffic was heavy in Atlanta. Georgia has asked for federal funds."
    place = nutgraf.resolve_places(south, [(21, 28), (30, 37)])[1]
    assert (place.country_code, place.admin1, place.feature_code) == ("US", "GA", "ADM1")
    assert place.admin1_name == "Georgia"


def test_a_container_after_a_comma_decides():
    place = _one("The band played in Paris, Texas, on Friday.", "Paris")
    assert (place.country_code, place.admin1) == ("US", "TX")
    place = _one("She grew up in Paris and moved to Lyon.", "Paris")
    assert place.country_code == "FR"
    place = _one("A fire in Alexandria, La., destroyed a home.", "Alexandria")
    assert (place.country_code, place.admin1) == ("US", "LA")


def test_a_place_carries_every_contract_field():
    place = _one("He flew to Moscow on Tuesday.", "Moscow")
    assert place.name == "Moscow" and place.geonames_id == 524901
    assert place.country_code == "RU" and place.country_fips == "RS"
    assert abs(place.lat - 55.75) < 0.1 and abs(place.lon - 37.62) < 0.1
    assert place.feature_class == "P" and place.feature_code in ("PPLC", "PPL")
    assert place.population and place.population > 1_000_000
    assert 0.0 <= place.confidence <= 1.0 and place.evidence
    assert set(place.to_dict()) >= {"text", "start", "end", "name", "geonames_id", "lat", "lon", "country_code",
                                    "country_fips", "admin1", "feature_class", "feature_code", "population",
                                    "confidence", "evidence", "entity"}


def test_spans_that_name_nothing_known_come_back_none():
    text = "The Zzyzxqwv river and the meeting of ... were noted."
    out = nutgraf.resolve_places(text, [(4, 12), (34, 37), (5, 5), (-3, 2), (40, 4000)])
    assert out == [None, None, None, None, None]


def test_the_sites_country_breaks_a_tie():
    text = "Flooding closed roads around Perth on Sunday."
    au = _one(text, "Perth", url="https://www.example.com.au/news/1")
    assert au.country_code == "AU"
    uk = _one(text, "Perth", url="https://www.example.co.uk/news/1")
    assert uk.country_code == "GB"


# ---------------------------------------------------------------- detection in analyze

SEEDLIKE = (
    "Russian men have been queueing at the border with Georgia since the mobilisation was announced. "
    "Queues stretched for miles at the Verkhny Lars border crossing, officials in Moscow said. "
    "Finland and Latvia said their borders would stay closed.\n\n"
    "Georgia Smith, a lawyer, said Michael Jordan had nothing to do with it."
)


def test_analyze_finds_and_resolves_places_with_evidence_spans():
    article = nutgraf.analyze(SEEDLIKE, content_type="text/plain")
    for p in article.places:
        assert article.text[p.start:p.end] == p.text
    by_text = {}
    for p in article.places:
        by_text.setdefault(p.text, p)
    assert by_text["Georgia"].country_code == "GE"
    assert by_text["Moscow"].country_code == "RU" and by_text["Moscow"].feature_class == "P"
    assert by_text["Finland"].feature_code == "PCLI"
    assert by_text["Russian"].kind == "demonym" and by_text["Russian"].country_code == "RU"
    lars = by_text["Verkhny Lars"]
    assert lars.kind == "container" and lars.country_code in ("GE", "RU")


def test_people_named_after_places_stay_people():
    article = nutgraf.analyze(SEEDLIKE, content_type="text/plain")
    last = SEEDLIKE.rindex("Georgia Smith")
    assert not [p for p in article.places if p.start >= last], article.places


def test_dates_and_acronyms_are_not_villages():
    text = "The HIV clinic opened in May. On Thursday, NATO met. The E.U said nothing."
    article = nutgraf.analyze(text, content_type="text/plain")
    assert [p.text for p in article.places] == []


def test_a_dateline_in_capitals_is_a_place_and_shouting_is_not():
    text = ("Council approves new budget. TORRINGTON, Conn. — The City Council in Torrington voted on "
            "Tuesday to approve the budget, officials in Connecticut said.")
    article = nutgraf.analyze(text, clean=False)
    line = [p for p in article.places if p.text == "TORRINGTON"]
    assert line and line[0].admin1_name == "Connecticut" and line[0].country_code == "US"
    loud = nutgraf.analyze("Fans cheered. WOW — what a GAME that was, they said.", clean=False)
    assert [p.text for p in loud.places] == []


# ---------------------------------------------------------------- bad input

def test_empty_and_wordless_texts():
    assert nutgraf.analyze("", clean=False).places == []
    assert nutgraf.analyze("... --- !!!", clean=False).places == []
    assert nutgraf.resolve_places("", []) == []


def test_a_name_in_every_script():
    text = ("Москва и 北京 и القاهرة и Αθήνα и תל אביב и ठाणे और Tbilisi. "
            "Officials in Kyiv met counterparts from Warszawa and São Paulo.")
    article = nutgraf.analyze(text, clean=False)
    for p in article.places:
        assert article.text[p.start:p.end] == p.text
    spans = [(0, 6), (9, 11)]
    assert len(nutgraf.resolve_places(text, spans)) == 2


def test_ten_thousand_place_names_take_bounded_time():
    names = ["Paris", "Berlin", "Madrid", "Rome", "Vienna", "Lisbon", "Prague", "Warsaw", "Oslo", "Dublin"]
    text = ", ".join(names[i % len(names)] for i in range(10_000)) + "."
    t0 = time.perf_counter()
    spans = []
    pos = 0
    for i in range(10_000):
        name = names[i % len(names)]
        spans.append((pos, pos + len(name)))
        pos += len(name) + 2
    out = nutgraf.resolve_places(text, spans)
    assert len(out) == 10_000 and all(p is not None for p in out[:10])
    assert time.perf_counter() - t0 < 30
