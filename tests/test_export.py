"""Exports: JSONL (nested facts), CSV and Parquet (one file per table), GDELT GKG 2.1 rows."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from nutgraf.cli import main
from nutgraf.store import open_store
from nutgraf.store.gkg import COLUMNS, gkg_date
from storehelp import make_article

TABLES = ("captures", "articles", "entities", "mentions", "quotes", "amounts", "dates", "places", "article_places",
          "events")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "e.db"
    with open_store(path) as store:
        for i in range(3):
            c, a = make_article(i)
            store.add_article(c, a, version="0.1.0", settings_hash="abc")
    return path


def run(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_jsonl(db, tmp_path):
    out = tmp_path / "a.jsonl"
    run("export", "--db", str(db), "--format", "jsonl", "--out", str(out))
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 3
    r = records[0]
    assert r["title"] == "Pier to reopen #0" and r["origin"]["kind"] == "file"
    q = r["quotes"][0]
    assert r["text"][q["start"]:q["end"]] == q["text"] and q["speaker"] == "Jo Smith"
    ent = next(e for e in r["entities"] if e["name"] == "Jo Smith")
    assert [r["text"][s:e] for s, e in ent["mentions"]] == ["Jo Smith", "Smith"]
    assert r["amounts"][0]["value"] == 1200 and r["amounts"][0]["source"] == "Acme Corp"
    assert r["dates"][0]["value"] == "2020"


def test_csv(db, tmp_path):
    out = tmp_path / "csv"
    run("export", "--db", str(db), "--format", "csv", "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    with open(out / "quotes.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3 and rows[0]["speaker"] == "Jo Smith" and rows[0]["end"]


def test_parquet(db, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "pq"
    run("export", "--db", str(db), "--format", "parquet", "--out", str(out))
    for t in TABLES:
        table = pq.read_table(out / f"{t}.parquet")
        assert table.num_rows == (3 if t in ("captures", "articles", "quotes", "amounts", "dates") else table.num_rows)
    articles = pq.read_table(out / "articles.parquet").to_pylist()
    assert articles[0]["title"] == "Pier to reopen #0" and isinstance(articles[0]["words"], int)
    amounts = pq.read_table(out / "amounts.parquet")
    assert str(amounts.schema.field("value").type) == "double"


def test_gkg(db, tmp_path):
    out = tmp_path / "x.gkg.csv"
    run("export", "--db", str(db), "--format", "gkg", "--out", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    rows = [line.split("\t") for line in lines]
    assert all(len(r) == 27 for r in rows)
    row = dict(zip(COLUMNS, rows[0]))
    assert row["GKGRECORDID"] == "20240301000000-1" and row["V2.1DATE"] == "20240301000000"
    assert row["V2SOURCECOLLECTIONIDENTIFIER"] == "1" and row["V2SOURCECOMMONNAME"] == "Example News"
    assert row["V2DOCUMENTIDENTIFIER"] == "https://news.example/0"
    assert row["V1PERSONS"] == "Jo Smith" and row["V1ORGANIZATIONS"] == "Acme Corp"
    assert row["V1LOCATIONS"] == "#Brighton#####"
    _, a = make_article(0)
    smith = a.text.index("Jo Smith")
    assert row["V2ENHANCEDPERSONS"].startswith(f"Jo Smith,{smith};")
    offset, length, verb, quote = row["V2.1QUOTATIONS"].split("|")
    assert a.text[int(offset):int(offset) + int(length)] == quote == "We are ready," and verb == "said"
    assert row["V2.1AMOUNTS"] == f"1200,visitors,{a.text.index('1,200')};"
    assert row["V2.1ENHANCEDDATES"] == f"1#0#0#2020#{a.text.index('2020')}"
    assert "Brighton," in row["V2.1ALLNAMES"]
    assert row["V1.5TONE"] == "" and row["V2GCAM"] == ""


def test_gkg_date():
    assert gkg_date("2024-03-04T09:30:00+00:00") == "20240304093000"
    assert gkg_date("2024-03") == "20240301000000"
    assert gkg_date(None) == "" and gkg_date("yesterday") == ""


def test_search_cli(db):
    out = run("search", "pier", "--db", str(db), "--format", "json").output
    hits = json.loads(out)
    assert len(hits) == 3 and {"title", "published", "url", "snippet"} <= set(hits[0])
    text = run("search", "reopen", "--db", str(db), "--since", "2024-03-03").output
    assert "Pier to reopen #2" in text and "#0" not in text
    result = CliRunner().invoke(main, ["search", "zebra", "--db", str(db)])
    assert result.exit_code == 1
    result = CliRunner().invoke(main, ["search", "x", "--db", str(db) + ".missing"])
    assert result.exit_code == 1 and "no such database" in result.output


def test_ingest_cli_summary(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<html><head><title>Hello</title></head><body><article><p>" + "Some words here. " * 30 +
                    "</p></article></body></html>")
    db = tmp_path / "c.db"
    result = CliRunner().invoke(main, ["ingest", str(page), str(tmp_path / "missing.warc"), "--db", str(db),
                                       "--workers", "1"])
    assert result.exit_code == 1  # a source could not be read
    assert "1 ingested, 0 unchanged, 0 skipped, 0 failed" in result.output
    assert "source error" in result.output and "missing.warc" in result.output
    result = CliRunner().invoke(main, ["ingest", str(page), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0 and "0 ingested, 1 unchanged" in result.output
