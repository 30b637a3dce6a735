"""``nutgraf serve`` on PostgreSQL (tests/conftest.py starts a server; skipped without one).

The web tests' corpus (``webhelp.build_store``: the seed article, bundled pages, hostile
pages) is ingested into SQLite and into PostgreSQL, an app is made over each, and the JSON
API answers are compared.  Only what genuinely differs is left out: ingest timestamps, and
in search the snippets, highlights and scores (FTS5 and PostgreSQL full text make their own;
the hits are the same)."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import re
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from nutgraf.run.local import ingest
from nutgraf.web import corpus as cq
from nutgraf.web.connection import Corpus
from nutgraf.web.app import create_app
from webhelp import HOSTILE_TITLE, HOSTILE_WORD, Page, Server, assert_hostile_page_escaped, build_store, no_active_content

# --------------------------------------------------------------------------- the two stores


@pytest.fixture(scope="module")
def lite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite store; the corpus it was made from is beside it, in ``corpus/``."""
    return build_store(tmp_path_factory.mktemp("web-pg"))


class Pair:
    """The same request to the app over each store."""

    def __init__(self, lite: TestClient, pg: TestClient) -> None:
        self.lite, self.pg = lite, pg

    def get(self, path: str, **params: Any) -> tuple[Any, Any]:
        a, b = self.lite.get(path, params=params), self.pg.get(path, params=params)
        assert a.status_code == b.status_code == 200, (path, params, a.status_code, b.status_code, b.text[:500])
        return a, b

    def json(self, path: str, **params: Any) -> tuple[Any, Any]:
        a, b = self.get(path, **params)
        return a.json(), b.json()

    def same(self, path: str, **params: Any) -> Any:
        """The JSON answer, asserted equal on both (ingest timestamps aside)."""
        a, b = self.json(path, **params)
        assert _stable(b) == _stable(a), (path, params)
        return b


@pytest.fixture
def pair(pg_url: str, lite: Path) -> Iterator[Pair]:
    stats = ingest([str(lite.parent / "corpus")], pg_url, workers=1)
    assert not stats.source_errors, stats.source_errors
    with TestClient(create_app(str(lite))) as a, TestClient(create_app(pg_url)) as b:
        yield Pair(a, b)


def _stable(value: Any) -> Any:
    """``value`` without what each ingest stamps with its own clock (``*_at`` fields)."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if not k.endswith("_at")}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


HIT_FIELDS = ("id", "title", "published", "url", "site_name", "words")


def _hits(res: dict[str, Any]) -> list[dict[str, Any]]:
    """A search's hits without what each engine makes its own way (snippets, highlights, score)."""
    return [{k: h[k] for k in HIT_FIELDS} for h in res["results"]]


def _search(pair: Pair, **params: Any) -> list[dict[str, Any]]:
    """The hits of a date-ordered search, asserted the same on both."""
    a, b = pair.json("/api/search", sort="newest", **params)
    assert _hits(b) == _hits(a), params
    return _hits(b)


def _seed(pair: Pair) -> int:
    hits = _search(pair, q='"Verkhny Lars"')
    assert len(hits) == 1 and "Russian officer" in hits[0]["title"]
    return hits[0]["id"]


# --------------------------------------------------------------------------- the JSON API


def test_search_finds_the_same_articles(pair: Pair) -> None:
    queries = ["Verkhny Lars", '"Verkhny Lars"', "Russia*", "officer OR harbour", "harbour NOT budget",
               "(Georgia OR Kazakhstan) AND border", HOSTILE_WORD.lower(), '"U.S.', "AND", "NEAR(", "*",
               "'; DROP TABLE articles; --", "nothingmatchesthis"]
    # private-use characters are letters to FTS5 and separators to PostgreSQL's parser (here
    # the query is just "x"): not the same hits, but an answer
    assert pair.pg.get("/api/search", params={"q": "\ue000x\ue001"}).status_code == 200
    for q in queries:
        a, b = pair.json("/api/search", q=q, per_page=200)
        assert b["total"] == a["total"], q
        # the same hits; their order by relevance is each engine's own
        assert sorted(_hits(b), key=lambda h: h["id"]) == sorted(_hits(a), key=lambda h: h["id"]), q
        for sort in ("newest", "oldest"):  # ordered by date, the order is the same too
            a, b = pair.json("/api/search", q=q, sort=sort, per_page=200)
            assert _hits(b) == _hits(a), (q, sort)
    # the best hit for the seed's words is the seed, highlighted as on SQLite
    seed = _seed(pair)
    hit = pair.pg.get("/api/search", params={"q": "Verkhny Lars"}).json()["results"][0]
    assert hit["id"] == seed
    assert "<mark>Verkhny</mark>" in hit["snippet_html"] and "<mark>Lars</mark>" in hit["snippet_html"]
    assert "Verkhny Lars" in hit["snippet"] and "\ue000" not in hit["snippet"]
    assert "<mark>" in pair.pg.get("/api/search", params={"q": "officer"}).json()["results"][0]["title_html"]


def test_search_filters_and_pages_match(pair: Pair) -> None:
    everything = pair.same("/api/search", per_page=200)  # no query: newest first, the same on both
    assert everything["total"] >= 6
    site = next(h["site_name"] for h in everything["results"] if h["site_name"])
    for params in ({"entity": "Ben Wallace"}, {"speaker": "wallace"}, {"since": "2000", "until": "2099"},
                   {"since": "2099"}, {"site": site}, {"site": site.upper(), "q": "the"},
                   {"q": "said", "since": "2010", "sort": "oldest"}, {"entity": "jane doe", "q": HOSTILE_WORD},
                   {"q": "the", "per_page": 2, "page": 2, "sort": "newest"}, {"q": "the", "page": 99},
                   {"story": 1}, {"story": 1, "q": "the"}):
        a, b = pair.json("/api/search", **params)
        assert (b["total"], b["page"], b["pages"], b["sort"]) == (a["total"], a["page"], a["pages"], a["sort"]), params
        if params.get("q") and not params.get("sort"):  # by relevance: the same page, as all fit on it
            assert b["total"] <= b["per_page"] or b["page"] > b["pages"], params
            assert sorted(h["id"] for h in b["results"]) == sorted(h["id"] for h in a["results"]), params
        else:
            assert _hits(b) == _hits(a), params


def test_article_entity_fact_and_story_api_match(pair: Pair) -> None:
    seed = _seed(pair)
    assert pair.same("/api/stats")["counts"]["articles"] >= 6
    ids = [h["id"] for h in pair.same("/api/search", per_page=200)["results"]]
    for aid in ids:
        pair.same(f"/api/articles/{aid}")
    a = pair.same(f"/api/articles/{seed}")
    assert any(q["speaker"] == "Ben Wallace" and "No amount of threats" in q["text"] for q in a["quotes"])
    assert any(m["text"].startswith("10,000") and m["source"] == "authorities in Georgia" and m["value"] == 10000
               for m in a["amounts"])
    assert pair.pg.get("/api/articles/999999").status_code == 404

    ents = pair.same("/api/entities", per_page=200)
    pair.same("/api/entities", q="wALLace")
    pair.same("/api/entities", label=ents["labels"][0], per_page=3, page=2)
    for e in ents["results"]:
        pair.same("/api/entity", name=e["name"], label=e["label"])
    wallace = pair.same("/api/entity", name="Ben Wallace")
    assert wallace["said"] and wallace["said"][0]["article_id"] == seed
    assert pair.pg.get("/api/entity", params={"name": "Nobody At All"}).status_code == 404

    for sort in ("published", "speaker", "kind", "site", "length", "id"):
        for direction in ("asc", "desc"):
            pair.same("/api/quotes", sort=sort, dir=direction, per_page=200)
    assert pair.same("/api/quotes", speaker="WALLACE")["total"] == 1
    pair.same("/api/quotes", q="alert", site="example")
    for sort in ("published", "source", "value", "unit", "object", "site", "id"):
        pair.same("/api/figures", sort=sort, dir="asc", per_page=200)
    assert pair.same("/api/figures", source="georgia", min_value=5000, max_value=20000)["total"] >= 1
    pair.same("/api/figures", article=seed, since="1900")

    for path, params in (("/api/quotes.csv", {}), ("/api/quotes.csv", {"speaker": "Wallace"}),
                         ("/api/figures.csv", {}), ("/api/figures.csv", {"source": "Georgia", "min_value": "100"})):
        a, b = pair.get(path, **params)
        assert b.headers["content-type"].startswith("text/csv")
        assert list(csv.reader(io.StringIO(b.text))) == list(csv.reader(io.StringIO(a.text))), (path, params)
    a, b = (c.get("/api/figures.csv", params={"source": "Georgia", "min_value": "x"})  # not a number: refused
            for c in (pair.lite, pair.pg))
    assert a.status_code == b.status_code == 422 and a.json() == b.json()

    stories = pair.same("/api/stories", min_articles=1)
    assert stories["available"] and stories["total"] >= 1
    for s in stories["results"]:
        pair.same(f"/api/stories/{s['id']}")
    assert pair.pg.get("/api/stories/999999").status_code == 404


# --------------------------------------------------------------------------- pages


class _Text(HTMLParser):
    """The text a reader sees (scripts and styles aside), one string, whitespace folded."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(html)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?")


def _visible(html: str) -> str:
    return _TIMESTAMP.sub("<time>", _Text(html).text())


def test_pages_show_the_same_text(pair: Pair) -> None:
    seed = _seed(pair)
    story = pair.same("/api/stories", min_articles=1)["results"][0]["id"]
    for path, params in ((f"/article/{seed}", {}), ("/", {}), ("/entities", {}), ("/entity", {"name": "Ben Wallace"}),
                         ("/quotes", {"sort": "speaker"}), ("/figures", {"source": "Georgia"}),
                         ("/stories", {"min": "1"}), (f"/story/{story}", {}), ("/docs", {})):
        a, b = pair.get(path, **params)
        assert _visible(b.text) == _visible(a.text), path
    page = Page(pair.pg.get(f"/article/{seed}").text)
    assert not page.errors, page.errors
    quote = next(q for q in pair.pg.get(f"/api/articles/{seed}").json()["quotes"] if q["speaker"] == "Ben Wallace")
    assert page.find("mark", id=f"q-{quote['id']}")[0]["data-speaker"] == "Ben Wallace"
    assert any(m.get("data-source") == "authorities in Georgia" for m in page.find("mark"))
    # search results: the same articles, linked, with the query words marked
    a, b = pair.get("/", q="Verkhny Lars")
    assert "<mark>Verkhny</mark>" in b.text and f'href="/article/{seed}"' in b.text
    assert pair.pg.get("/article/999999").status_code == 404


def test_hostile_article_renders_as_text_on_postgres(pair: Pair) -> None:
    hostile = [h["id"] for h in _search(pair, q=HOSTILE_WORD)]
    assert len(hostile) == 2
    for aid in hostile:
        assert pair.pg.get(f"/api/articles/{aid}").json()["title"] == HOSTILE_TITLE
        r = pair.pg.get(f"/article/{aid}")
        page = assert_hostile_page_escaped(r.text)
        assert [v for k, v in page.texts.items() if k == "article-title"] == [HOSTILE_TITLE]
        assert r.text.count("<mark") == r.text.count("</mark>")
    # ts_headline's snippets and titles of hostile text: escaped, marks balanced; the text's own
    # marker characters open nothing
    for q in (HOSTILE_WORD, "alert", "img", "\ue000", "Mixed markers"):
        r = pair.pg.get("/", params={"q": q})
        page = Page(r.text)
        assert r.status_code == 200 and not page.errors, (q, page.errors)
        no_active_content(page)
        assert "<script>alert" not in r.text and "<img" not in r.text, q
        assert r.text.count("<mark>") == r.text.count("</mark>"), q
        for hit in pair.pg.get("/api/search", params={"q": q}).json()["results"]:
            assert "<img" not in hit["title_html"] and "<script" not in hit["snippet_html"], q
    assert "&lt;script&gt;" in pair.pg.get("/", params={"q": HOSTILE_WORD}).text


def test_nutgraf_serve_on_postgres(pair: Pair, pg_url: str, tmp_path: Path) -> None:
    """The command itself, as a user starts it, on the PostgreSQL URL."""
    server = Server(pg_url, tmp_path / "server.log")  # type: ignore[arg-type]
    try:
        with httpx.Client(base_url=server.base, timeout=30) as c:
            assert _stable(c.get("/api/stats").json()) == _stable(pair.lite.get("/api/stats").json())
            seed = c.get("/api/search", params={"q": '"Verkhny Lars"'}).json()["results"][0]["id"]
            page = c.get(f"/article/{seed}")
            assert page.status_code == 200 and "Ben Wallace" in page.text and "authorities in Georgia" in page.text
    finally:
        server.stop()


# --------------------------------------------------------------------------- the connections


def test_postgres_connections_are_per_thread_and_read_only(pg_url: str, lite: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    ingest([str(lite.parent / "corpus")], pg_url, workers=1)
    corpus = Corpus(pg_url)
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        corpus.conn().execute("DELETE FROM articles")

    together = threading.Barrier(4)

    def work(i: int) -> tuple[int, int]:
        if i < 4:
            together.wait(10)  # the first four tasks in four threads at once
        conn = corpus.conn()
        return id(conn), cq.search(conn, corpus.features(), "officer OR harbour")["total"]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        found = list(pool.map(work, range(32)))
    assert len({total for _, total in found}) == 1 and found[0][1] >= 1
    assert len({conn for conn, _ in found}) == 4  # one connection per thread, used by that thread only

    # the server drops the connection (a restart): that statement fails, the next reconnects
    conn = corpus.conn()
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    with pytest.raises(psycopg.OperationalError):
        conn.execute("SELECT count(*) FROM articles").fetchone()
    assert corpus.conn() is not conn and cq.counts(corpus.conn())["articles"] >= 6

    # a store whose corpus tables are dropped while serving: noticed within PG_FEATURES_TTL_S
    from nutgraf.web import connection

    monkeypatch.setattr(connection, "PG_FEATURES_TTL_S", 0.05)
    app = TestClient(create_app(pg_url))
    assert app.get("/api/stats").json()["stories"] is True
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("DROP TABLE corpus_articles CASCADE")
        con.execute("DROP TABLE stories CASCADE")
    time.sleep(0.1)
    assert app.get("/api/stats").json()["stories"] is False
    assert app.get("/api/stories").json()["available"] is False
    seed = app.get("/api/search", params={"q": '"Verkhny Lars"'}).json()["results"][0]["id"]
    art = app.get(f"/api/articles/{seed}").json()
    assert art["story"] is None and art["syndicated"] == [] and art["syndication"] is None
    assert app.get(f"/article/{seed}").status_code == 200 and "no stories" in app.get("/stories").text


def test_postgres_server_caps_its_request_threads(pair: Pair) -> None:
    """One connection per request thread: on PostgreSQL the pool is capped at PG_THREADS;
    SQLite keeps the server's default."""
    import anyio.to_thread

    from nutgraf.web.app import PG_THREADS

    def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert pair.pg.portal.call(tokens) == PG_THREADS
    assert pair.lite.portal.call(tokens) == 40
