"""The query layer (``store/query.py``) that the CLI, the JSON API, the pages and the demo share:
one search, one order, one snippet; facets over every match; traces.

The store is ingested with the real ingest from small texts written here (several share a word
so ranking and ties matter, their dates span months so the month facet has gaps to fill).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from nutgraf.cli import main
from nutgraf.run.local import ingest
from nutgraf.store import open_store
from nutgraf.store.query import Query, SearchFilters, facets, month_series, search
from nutgraf.web.app import create_app
from nutgraf.web.connection import Corpus

TEXTS = {
    "a.txt": ("Harbour board approves budget\n\n\nThe harbour board met on Tuesday. Mayor Jo Smith said: "
              "“We will rebuild the harbour pier before winter.” The council in Kirkwall agreed.\n"),
    "b.txt": ("Council debates the pier\n\n\nThe council of Kirkwall debated the harbour pier again. "
              "“The pier is the town's front door,” said Mayor Jo Smith on Friday.\n"),
    "c.txt": ("Ferry timetable changes\n\n\nThe ferry company said 1,200 passengers a day use the route, "
              "and the harbour will close for two days in March.\n"),
    "d.txt": ("Football results\n\n\nKirkwall won 2-1 at home on Saturday, the club said.\n"),
}
DATES = {"a.txt": "2022-01-10", "b.txt": "2022-01-20", "c.txt": "2022-04-02", "d.txt": "2022-05-30"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("query")
    lines = []
    for name, text in TEXTS.items():
        title, body = text.split("\n", 1)
        site = "Sport Daily" if name == "d.txt" else "Orkney News"
        html = (f'<html><head><title>{title}</title><meta property="og:site_name" content="{site}">'
                f'<meta property="article:published_time" content="{DATES[name]}T09:00:00Z"></head>'
                f"<body><article><h1>{title}</h1><p>{body.strip()}</p></article></body></html>")
        lines.append(json.dumps({"url": f"https://news.example/{name[0]}", "html": html}))
    src = root / "news.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = root / "q.db"
    stats = ingest([str(src)], str(path), workers=1)
    assert stats.ingested == len(TEXTS) and not stats.failed
    return path


def _conn(db: Path) -> tuple[Any, Any]:
    corpus = Corpus(str(db))
    return corpus.conn(), corpus.features()


def test_cli_and_api_return_the_same_ids_in_the_same_order(db: Path) -> None:
    runner = CliRunner()
    with TestClient(create_app(str(db))) as client:
        for q in ("harbour", "pier OR ferry", "kirkwall", '"harbour pier"', "U.S.", ""):
            cli = runner.invoke(main, ["search", q, "--db", str(db), "--format", "json"])
            assert cli.exit_code == 0, cli.output
            cli_ids = [h["id"] for h in json.loads(cli.output)]
            api = client.get("/api/search", params={"q": q}).json()
            assert cli_ids == [r["id"] for r in api["results"]], q
            if q == "harbour":
                assert len(cli_ids) == 3
                # and the same snippet, in each reader's markers
                cli_snips = [h["snippet"] for h in json.loads(cli.output)]
                assert [s.replace("[", "").replace("]", "") for s in cli_snips] == [r["snippet"] for r in api["results"]]
                assert [s.count("[") for s in cli_snips] == [r["snippet_html"].count("<mark>") for r in api["results"]]
                assert all("[harbour]" in s.lower() or "[Harbour]" in s for s in cli_snips)


def test_python_api_is_the_same_search(db: Path) -> None:
    with open_store(db, readonly=True) as store:
        res = Query.of(store).search("harbour", SearchFilters(since="2022-02"))
    conn, feats = _conn(db)
    assert [r["id"] for r in res["results"]] == [r["id"] for r in search(conn, feats, "harbour", since="2022-02")["results"]]
    assert res["total"] == 1 and res["filters"] == {"since": "2022-02"}


def test_title_words_rank_first_and_ties_go_by_id(db: Path) -> None:
    conn, feats = _conn(db)
    res = search(conn, feats, "pier")
    titles = [r["title"] for r in res["results"]]
    assert titles[0] == "Council debates the pier"  # the word in the title weighs more
    assert search(conn, feats, "kirkwall", sort="oldest")["results"][0]["published"].startswith("2022-01-10")


def test_facets_count_every_match_and_months_fill_gaps(db: Path) -> None:
    conn, feats = _conn(db)
    f = facets(conn, feats, "harbour")
    assert sum(x["count"] for x in f["month"]) == 3
    assert [m["value"] for m in f["month"]] == ["2022-01", "2022-04"]
    series = month_series(f["month"])
    assert [m["month"] for m in series] == ["2022-01", "2022-02", "2022-03", "2022-04"]
    assert [m["count"] for m in series] == [2, 0, 0, 1]
    assert f["site"] == [{"value": "Orkney News", "count": 3}]
    assert any(s["value"] and "Smith" in s["value"] and s["count"] == 2 for s in f["speaker"])
    assert all(e["count"] >= 1 and e["label"] for e in f["entity"])
    # filters narrow the facets too; a query that can match nothing has empty facets
    assert sum(x["count"] for x in facets(conn, feats, "harbour", until="2022-01")["month"]) == 2
    assert facets(conn, feats, '"\x00') == {"site": [], "month": [], "speaker": [], "entity": []}


def test_month_series_ignores_odd_months() -> None:
    assert month_series([{"value": "2021-12", "count": 1}, {"value": "20x1", "count": 5},
                         {"value": "2022-02", "count": 3}]) == [
        {"month": "2021-12", "count": 1}, {"month": "2022-01", "count": 0}, {"month": "2022-02", "count": 3}]
    assert month_series([]) == []
