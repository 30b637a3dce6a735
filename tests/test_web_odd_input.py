"""``nutgraf serve`` on odd input: never a 5xx; HTML error pages (with the site's security
headers) for the pages, JSON for the API; pages clamped, bad dates and numbers reported,
search syntax that fails searched as plain words (and said so).  And entities: looked up by
any of their names through the registry, listed one row per registry entry, pages of names
known only from quotes that read sensibly, plurals, CSV that Excel reads as UTF-8.

The store is ingested (the real ingest, facts and corpus passes included) from three small
texts written here, then given by hand one referent with three spellings in the registry and
a quote whose speaker no article names as an entity, so the checks do not hang on a model's
reading.  The app is driven in-process with TestClient.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from nutgraf.run.local import ingest
from nutgraf.web.app import create_app
from webhelp import Page, no_active_content

MOBILISE = """Putin orders partial mobilisation of reservists


MOSCOW — Russian President Vladimir Putin on Wednesday ordered a partial mobilisation of the country's \
reservists, the Kremlin said. Vladimir Putin said the order would apply to 300,000 people with military \
experience. Officials in the United States called the move a sign of weakness.

The decree was published on the Kremlin's website on Wednesday morning.
"""
REACTION = """Washington responds to Russian call-up


WASHINGTON — U.S. officials said on Thursday that the call-up showed the war was going badly for Moscow. \
Putin had said the mobilisation was necessary, and Putin repeated the claim on Thursday evening. The US \
ambassador to the United Nations said 40 countries had condemned the decision.
"""
MARKETS = """Markets shrug off the news


Stocks in New York closed 2 percent higher on Friday. Traders said the news from Moscow had been expected \
and that earnings mattered more. One analyst said: “Nobody here is surprised by anything any more.”
"""
BIG = "99999999999999999999"  # beyond SQLite's (and PostgreSQL's) 64-bit integers
ZORB = ("Zorbania", "Zorb.", "Republic of Zorbania")  # one referent, three spellings (added by hand)
SPEAKER_ONLY = "Quentin Nobodyknows"  # a speaker no article names as an entity (added by hand)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("web-odd")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in (("mobilise.txt", MOBILISE), ("reaction.txt", REACTION), ("markets.txt", MARKETS)):
        (corpus / name).write_text(text, encoding="utf-8")
    db = root / "odd.db"
    stats = ingest([str(corpus)], db, workers=1)
    assert not stats.source_errors or all(e.startswith("corpus passes:") for e in stats.source_errors), \
        stats.source_errors
    con = sqlite3.connect(db)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY id")]
        assert len(ids) == 3
        # one referent spelled three ways, in three articles, joined in the registry
        rid = con.execute("INSERT INTO entity_registry (name, label, norm, surname, aliases, articles, mentions)"
                          " VALUES (?, 'GPE', 'republic of zorbania', NULL, ?, 3, 3) RETURNING id",
                          (ZORB[2], json.dumps(list(ZORB)))).fetchone()[0]
        for article_id, name in zip(ids, ZORB):
            eid = con.execute("INSERT INTO entities (article_id, name, label, aliases, mentions)"
                              " VALUES (?, ?, 'GPE', ?, 1) RETURNING id",
                              (article_id, name, json.dumps([name]))).fetchone()[0]
            con.execute("INSERT INTO entity_links (entity_id, registry_id, article_id) VALUES (?, ?, ?)",
                        (eid, rid, article_id))
        # a quote with curly quotes by a speaker that is no entity
        con.execute("INSERT INTO quotes (article_id, start, \"end\", text, kind, speaker, speaker_label, cue)"
                    " VALUES (?, 0, 5, ?, 'direct', ?, 'PERSON', 'said')",
                    (ids[2], "“Curly” quotes – and a dash", SPEAKER_ONLY))
        con.commit()
        registry = {r[0]: r[1] for r in con.execute("SELECT id, name FROM entity_registry WHERE articles > 0")}
    finally:
        con.close()
    return {"db": db, "ids": ids, "zorb": rid, "registry": registry}


@pytest.fixture(scope="module")
def client(store: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(str(store["db"])), raise_server_exceptions=False) as c:
        yield c


def _html(r: Any, where: str) -> str:
    assert r.status_code < 500, (where, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html"), (where, r.headers["content-type"], r.text[:200])
    csp = r.headers.get("content-security-policy", "")
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp, where
    assert r.headers.get("x-content-type-options") == "nosniff", where
    page = Page(r.text)
    assert not page.errors, (where, page.errors)
    no_active_content(page)
    return r.text


def _json(r: Any, where: str) -> Any:
    assert r.status_code < 500, (where, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json"), (where, r.headers["content-type"])
    assert "content-security-policy" in r.headers, where
    return r.json()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _notes(html: str) -> str:
    m = re.search(r'<div class="notes" id="notes"[^>]*>(.*?)</div>', html, re.S)
    return _text(m.group(1)) if m else ""


# --------------------------------------------------------------------------- never a 5xx

HTML_ODD = [
    f"/article/{BIG}", f"/article/-{BIG}", "/article/abc", "/article/1.5", f"/story/{BIG}", "/story/abc",
    f"/search?story={BIG}", f"/search?page={BIG}", "/search?page=0", "/search?page=-3", "/search?page=abc",
    "/search?q=a%00b", "/search?q=%00", '/search?q=%22%00', '/search?q=%22unbalanced', "/search?q=AND", "/search?q=*",
    "/search?q=NOT", "/search?q=%22%22", "/search?since=2019-13-45&until=soon", f"/search?story={BIG}&q=putin",
    f"/entities?page={BIG}", "/entities?page=abc", "/entities?q=%00", "/entity?name=%00", "/entity?name=",
    "/entity?name=" + "x" * 5000, f"/quotes?page={BIG}", f"/quotes?article={BIG}", "/quotes?article=abc",
    "/quotes?since=2019-13-45", f"/figures?page={BIG}", "/figures?min_value=1%20million&max_value=lots",
    f"/figures?article={BIG}", f"/stories?page={BIG}", "/stories?min=abc", f"/stories?min={BIG}",
    f"/events?article={BIG}", f"/events?story={BIG}&page={BIG}", "/places?page=abc", f"/place/{BIG}",
    f"/place/{BIG}?page={BIG}",
]
API_ODD = [
    f"/api/articles/{BIG}", f"/api/articles/-{BIG}", "/api/articles/abc", f"/api/stories/{BIG}",
    f"/api/search?story={BIG}", f"/api/search?page={BIG}", "/api/search?page=0", "/api/search?q=a%00b",
    "/api/search?q=%22unbalanced", "/api/search?q=AND", "/api/search?q=*", "/api/search?since=2019-13-45",
    f"/api/entities?page={BIG}", "/api/entity?name=%00", f"/api/quotes?article={BIG}", f"/api/quotes?page={BIG}",
    "/api/quotes?since=2019-13-45", f"/api/figures?article={BIG}", "/api/figures?min_value=1%20million",
    f"/api/figures?page={BIG}", f"/api/stories?page={BIG}", f"/api/stories?min_articles={BIG}",
    f"/api/events?article={BIG}", f"/api/places?page={BIG}",
]


@pytest.mark.parametrize("path", HTML_ODD)
def test_pages_answer_odd_input_with_html(client: TestClient, path: str) -> None:
    _html(client.get(path), path)


@pytest.mark.parametrize("path", API_ODD)
def test_api_answers_odd_input_with_json(client: TestClient, path: str) -> None:
    _json(client.get(path), path)


@pytest.mark.parametrize("path", ["/api/quotes.csv?article=abc", "/api/figures.csv?min_value=1%20million",
                                  "/api/quotes.csv?since=2019-13-45", "/api/events.csv?story=x"])
def test_csv_refuses_bad_filters_with_json(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 422 and _json(r, path)["detail"][0]["loc"][0] == "query"


def test_ids_beyond_int64_are_not_found(client: TestClient) -> None:
    for path in (f"/article/{BIG}", f"/story/{BIG}", "/article/abc"):
        r = client.get(path)
        assert r.status_code == 404, path
        _html(r, path)
    for path in (f"/api/articles/{BIG}", f"/api/stories/{BIG}"):
        r = client.get(path)
        assert r.status_code == 404 and "no such" in _json(r, path)["detail"]
    assert client.get("/api/articles/abc").status_code == 422
    assert client.get(f"/api/search?story={BIG}").json()["total"] == 0
    assert "0 articles" in _text(_html(client.get(f"/search?story={BIG}"), "story"))


def test_validation_errors_are_html_pages_on_the_site(client: TestClient) -> None:
    r = client.get("/article/abc")
    text = _text(_html(r, "/article/abc"))
    assert "article_id" in text and "abc" in text and not r.text.lstrip().startswith("{")
    # the pages take their page numbers as text: nonsense is the first page, said so
    html = client.get("/search", params={"page": "abc"}).text
    assert "not a page number" in _notes(html)
    assert 'rel="prev"' not in html  # page 1
    assert client.get("/api/search", params={"page": 0}).status_code == 422  # the API still refuses


# --------------------------------------------------------------------------- pages clamped


def test_pages_past_the_last_show_the_last(client: TestClient) -> None:
    res = client.get("/api/search", params={"page": 999, "per_page": 1}).json()
    assert res["total"] >= 3 and res["page"] == res["pages"] == res["total"] and len(res["results"]) == 1
    res = client.get("/api/search", params={"page": BIG, "per_page": 1, "q": "Moscow"}).json()
    assert res["page"] == res["pages"] == res["total"] >= 1 and len(res["results"]) == 1
    for path, key in (("/api/quotes", "results"), ("/api/figures", "results"), ("/api/entities", "results"),
                      ("/api/stories", "results")):
        res = client.get(path, params={"page": 999, "per_page": 1}).json()
        assert res["page"] == res["pages"], path
        assert len(res[key]) == (1 if res["total"] else 0), path
    html = client.get("/search", params={"page": 999}).text
    m = re.search(r"page (\d+) of (\d+)", html)
    assert m is None or m.group(1) == m.group(2)
    assert 'rel="next"' not in html
    html = client.get("/entities", params={"page": 999}).text
    m = re.search(r"page (\d+) of (\d+)", html)
    assert m is None or m.group(1) == m.group(2)
    assert "page=998" not in html


# --------------------------------------------------------------------------- odd filters reported


def test_bad_dates_and_numbers_are_reported(client: TestClient) -> None:
    html = _html(client.get("/search", params={"since": "2019-13-45", "until": "2020-02-30"}), "dates")
    notes = _notes(html)
    assert "2019-13-45" in notes and "2020-02-30" in notes and "not a date" in notes
    # a good date says nothing
    assert _notes(client.get("/search", params={"since": "2019", "until": "2022-09-30"}).text) == ""
    html = _html(client.get("/figures", params={"min_value": "1 million"}), "figures")
    assert "1 million" in _notes(html) and "not a number" in _notes(html)
    assert "1,000" not in _notes(client.get("/figures", params={"min_value": "1,000"}).text)
    for path, params in (("/quotes", {"article": "first"}), ("/quotes", {"until": "yesterday"}),
                         ("/events", {"story": "1 million"}), ("/stories", {"min": "two"})):
        assert _notes(_html(client.get(path, params=params), path)), (path, params)
    r = client.get("/api/search", params={"since": "2019-13-45"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "since"]


@pytest.mark.parametrize("q", ['"unbalanced', "AND", "*", "NOT", "Moscow AND", "\x00", "a\x00b", '"\x00'])
def test_broken_search_syntax_is_searched_as_words_and_said(client: TestClient, q: str) -> None:
    r = client.get("/search", params={"q": q})
    html = _html(r, repr(q))
    res = _json(client.get("/api/search", params={"q": q}), repr(q))
    assert "\x00" not in res["query"]
    if q in ('"unbalanced', "AND", "*", "NOT", "Moscow AND"):
        assert res["plain"] is True, q
        assert "plain words" in _notes(html), q
    if q == "Moscow AND":
        assert res["total"] >= 1  # the words are still searched


def test_good_search_syntax_says_nothing(client: TestClient) -> None:
    for q in ("Moscow", '"partial mobilisation"', "Moscow OR Washington", "mobil*"):
        res = client.get("/api/search", params={"q": q}).json()
        assert res["plain"] is False and res["total"] >= 1, q
        assert _notes(client.get("/search", params={"q": q}).text) == "", q


# --------------------------------------------------------------------------- entities


def test_entity_found_by_any_of_its_names(client: TestClient, store: dict) -> None:
    for name in ZORB:
        r = client.get("/entity", params={"name": name})
        html = _html(r, name)
        assert r.status_code == 200, name
        assert re.search(r'<h1 id="entity-name">Republic of Zorbania</h1>', html), name
        assert "3 articles" in _text(html)
        e = _json(client.get("/api/entity", params={"name": name}), name)
        assert e["name"] == "Republic of Zorbania" and e["articles_total"] == 3
        assert len(e["articles"]) == 3
    # 'Putin' is Vladimir Putin (the registry joins a surname to the one full name it has)
    e = client.get("/api/entity", params={"name": "Putin"}).json()
    assert e["name"] == "Vladimir Putin", e.get("name")
    assert e["articles_total"] == 2
    html = client.get("/entity", params={"name": "Putin"}).text
    assert '<h1 id="entity-name">Vladimir Putin</h1>' in html and "another of its names" in html
    # as the registry reads names: honorifics, case, punctuation
    for name in ("President Putin", "vladimir putin"):
        assert client.get("/api/entity", params={"name": name}).json()["name"] == "Vladimir Putin", name
    assert client.get("/api/entity", params={"name": "Zorb"}).json()["name"] == "Republic of Zorbania"
    assert client.get("/entity", params={"name": "Nobody At All"}).status_code == 404


def test_entities_list_one_row_per_registry_entry(client: TestClient, store: dict) -> None:
    res = client.get("/api/entities", params={"per_page": 200}).json()
    assert res["registry"] is True
    assert res["total"] == len(store["registry"]) == len(res["results"])
    assert sorted(r["id"] for r in res["results"]) == sorted(store["registry"])
    names = [r["name"] for r in res["results"]]
    assert "Republic of Zorbania" in names and "Zorbania" not in names and "Zorb." not in names
    zorb = next(r for r in res["results"] if r["name"] == "Republic of Zorbania")
    assert zorb["articles"] == 3
    # 'U.S.', 'US' and 'United States' are one referent
    us = [r for r in res["results"] if r["name"] in ("U.S", "U.S.", "US", "United States")]
    assert len(us) <= 1, us
    # filtered by an alias
    found = client.get("/api/entities", params={"q": "Zorb."}).json()["results"]
    assert [r["name"] for r in found] == ["Republic of Zorbania"]
    html = _html(client.get("/entities"), "/entities")
    assert html.count(">Republic of Zorbania</a>") == 1 and ">Zorb.</a>" not in html


def test_entity_known_only_from_quotes_reads_sensibly(client: TestClient) -> None:
    r = client.get("/entity", params={"name": SPEAKER_ONLY})
    html = _html(r, SPEAKER_ONLY)
    assert r.status_code == 200
    text = _text(html)
    assert "0 mentions" not in text and "Articles (0)" not in text and "(0)" not in text
    assert '<li class="none">' not in html
    assert "What they said (1)" in text
    assert "No article names" in text


def test_no_page_says_one_articles(client: TestClient, store: dict) -> None:
    paths = ["/", "/entities", "/quotes", "/figures", "/entity?name=Putin", f"/entity?name={SPEAKER_ONLY}",
             f"/article/{store['ids'][0]}", "/stories?min=1"]
    for path in paths:
        text = _text(client.get(path).text)
        assert not re.search(r"(?<![\d,.])1 (articles|mentions|quotes|figures|entities|stories|events)\b", text), \
            (path, re.findall(r".{40}(?<![\d,.])1 (?:articles|mentions|quotes|figures|entities)\b.{20}", text))
        assert "(s)" not in text, path


def test_csv_starts_with_a_bom(client: TestClient) -> None:
    for path in ("/api/quotes.csv", "/api/figures.csv", "/api/events.csv"):
        r = client.get(path)
        assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf"), path
        assert r.content[3:].decode("utf-8").split("\r\n", 1)[0].split(",")[0] in ("quote_id", "amount_id", "id")
    body = client.get("/api/quotes.csv", params={"speaker": SPEAKER_ONLY}).content.decode("utf-8-sig")
    assert "“Curly” quotes – and a dash" in body


def test_without_a_registry_entities_are_names(store: dict, tmp_path: Path) -> None:
    db = tmp_path / "noreg.db"
    db.write_bytes(Path(store["db"]).read_bytes())
    con = sqlite3.connect(db)
    con.execute("DROP TABLE entity_links")
    con.commit()
    con.close()
    with TestClient(create_app(str(db)), raise_server_exceptions=False) as c:
        res = c.get("/api/entities", params={"per_page": 200}).json()
        assert res["registry"] is False
        names = [r["name"] for r in res["results"]]
        assert "Zorbania" in names and "Zorb." in names
        # an alias still finds the entity that gives it
        assert c.get("/api/entity", params={"name": "Zorbania"}).json()["name"] == "Zorbania"
        _html(c.get("/entity", params={"name": "Putin"}), "Putin")
        _html(c.get(f"/article/{BIG}"), "big")


def test_search_itself_takes_nul_and_broken_syntax(store: dict) -> None:
    """The query functions, under the app's NUL filter: a NUL (FTS5 stops reading at it, so even
    the query's words quoted fail) and syntax FTS5 refuses match their words or nothing."""
    from nutgraf.web import corpus as cq
    from nutgraf.web.connection import Corpus

    corpus = Corpus(str(store["db"]))
    conn, feats = corpus.conn(), corpus.features()
    for q in ('"\x00', "\x00", "a\x00b", '"', "AND", "*", "NOT OR", '"unbalanced', "Moscow\x00 AND"):
        res = cq.search(conn, feats, q, page=10**30)
        assert res["page"] == res["pages"] and "\x00" not in res["query"], q
    assert cq.search(conn, feats, "Moscow\x00")["total"] >= 1
    assert cq.search(conn, feats, "", story=10**30)["total"] == 0
    assert cq.article(conn, feats, 10**30) is None and cq.story(conn, feats, -(10**30)) is None
