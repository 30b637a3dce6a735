"""``nutgraf serve``: the JSON API and the server-rendered pages, over real HTTP against a
server in a subprocess (``webhelp.web``), on a store ingested from bundled samples and hostile
pages.  Plus the span highlighter on its own."""

from __future__ import annotations

import csv
import io
import re
import sqlite3

import httpx
import pytest

from nutgraf.web.highlight import LEVEL_ENTITY, LEVEL_PARAGRAPH, LEVEL_QUOTE, Span, render_spans
from webhelp import (HOSTILE_TITLE, HOSTILE_WORD, Page, Server, Web, _sha256,  # noqa: F401  (web: the fixture)
                     assert_hostile_page_escaped, no_active_content, web)

def get_page(web: Web, path: str, **params) -> Page:
    r = web.client.get(path, params=params)
    assert r.status_code == 200, (path, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return Page(r.text)


# --------------------------------------------------------------------------- search


def test_search_finds_the_seed_article_with_highlighted_snippet(web):
    r = web.client.get("/api/search", params={"q": "Verkhny Lars"})
    assert r.status_code == 200
    res = r.json()
    assert res["total"] >= 1
    hit = res["results"][0]
    assert hit["id"] == web.seed_id
    assert "Russian officer" in hit["title"]
    assert "<mark>Verkhny</mark>" in hit["snippet_html"] and "<mark>Lars</mark>" in hit["snippet_html"]
    assert "Verkhny Lars" in hit["snippet"] and "\ue000" not in hit["snippet"]


def test_search_filters_and_pagination(web):
    c = web.client
    everything = c.get("/api/search", params={"per_page": 200}).json()
    assert everything["total"] >= 6
    # entity and speaker filters
    ids = [h["id"] for h in c.get("/api/search", params={"entity": "Ben Wallace"}).json()["results"]]
    assert web.seed_id in ids
    ids = [h["id"] for h in c.get("/api/search", params={"speaker": "Wallace"}).json()["results"]]
    assert ids == [web.seed_id]
    # the seed text has no date: a date range leaves it out, and keeps only dated articles in it
    dated = c.get("/api/search", params={"since": "2000", "until": "2099", "per_page": 200}).json()
    assert web.seed_id not in [h["id"] for h in dated["results"]]
    assert all(h["published"] and "2000" <= h["published"][:4] <= "2099" for h in dated["results"])
    assert c.get("/api/search", params={"since": "2099"}).json()["total"] == 0
    # site
    site = next(h["site_name"] for h in everything["results"] if h["site_name"])
    by_site = c.get("/api/search", params={"site": site, "per_page": 200}).json()["results"]
    assert by_site and all(site.lower() in ((h["site_name"] or "") + (h["url"] or "")).lower() for h in by_site)
    # pages of one do not overlap and add up
    one = c.get("/api/search", params={"per_page": 1, "page": 1}).json()
    two = c.get("/api/search", params={"per_page": 1, "page": 2}).json()
    assert one["pages"] == everything["total"]
    assert one["results"][0]["id"] != two["results"][0]["id"]
    # newest first without a query
    dates = [h["published"] for h in everything["results"] if h["published"]]
    assert dates == sorted(dates, reverse=True)


def test_search_survives_bad_query_syntax_and_bad_parameters(web):
    for q in ['"U.S.', "AND", "NEAR(", "*", "'; DROP TABLE articles; --", "\ue000x\ue001"]:
        r = web.client.get("/api/search", params={"q": q})
        assert r.status_code == 200, (q, r.text)
        assert web.client.get("/", params={"q": q}).status_code == 200
    assert web.client.get("/api/search", params={"page": 0}).status_code == 422
    # the HTML form sends empty fields; they mean "no filter"
    assert web.client.get("/", params={"q": "Lars", "story": "", "since": "", "sort": ""}).status_code == 200


def test_search_page_renders_results_and_escapes_the_query(web):
    r = web.client.get("/", params={"q": "Verkhny Lars"})
    assert "<mark>Verkhny</mark>" in r.text
    assert f'href="/article/{web.seed_id}"' in r.text
    evil = '<script>alert("q")</script>'
    r = web.client.get("/", params={"q": evil, "site": evil})
    assert r.status_code == 200
    assert evil not in r.text
    assert "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;" in r.text


# --------------------------------------------------------------------------- articles


def test_article_api_has_the_attributed_quote_and_figure(web):
    a = web.client.get(f"/api/articles/{web.seed_id}").json()
    text = a["text"]
    wallace = [q for q in a["quotes"] if q["speaker"] == "Ben Wallace"]
    assert wallace and "No amount of threats" in wallace[0]["text"]
    fig = [m for m in a["amounts"] if m["text"].startswith("10,000")]
    assert fig and fig[0]["source"] == "authorities in Georgia" and fig[0]["value"] == 10000
    for q in a["quotes"]:
        assert text[q["start"]:q["end"]] == q["text"]
    for m in a["amounts"]:
        assert text[m["start"]:m["end"]] == m["text"]
    assert a["capture"]["origin"]["kind"] == "file" and a["capture"]["origin"]["path"].endswith(".txt")
    assert web.client.get("/api/articles/999999").status_code == 404
    assert web.client.get("/api/articles/999999").json() == {"detail": "no such article"}


def test_article_page_highlights_quotes_and_figures_by_their_spans(web):
    a = web.client.get(f"/api/articles/{web.seed_id}").json()
    page = get_page(web, f"/article/{web.seed_id}")
    assert not page.errors, page.errors  # every element closed in order: the spans nest
    wallace = next(q for q in a["quotes"] if q["speaker"] == "Ben Wallace")
    marks = page.find("mark", id=f"q-{wallace['id']}")
    assert len(marks) == 1
    assert marks[0]["data-speaker"] == "Ben Wallace" and "Ben Wallace" in marks[0]["title"]
    fig = next(m for m in a["amounts"] if m["text"].startswith("10,000"))
    marks = page.find("mark", id=f"m-{fig['id']}")
    assert marks and marks[0]["data-source"] == "authorities in Georgia"
    assert "authorities in Georgia" in marks[0]["title"]
    # every highlight, put back together from its pieces, is exactly its evidence
    for q in a["quotes"]:
        assert page.texts[f"q-{q['id']}"] == q["text"]
    for m in a["amounts"]:
        assert page.texts[f"m-{m['id']}"] == m["text"]
    # the paragraphs hold the whole text
    paras = "".join(v for k, v in page.texts.items() if re.fullmatch(r"p-\d+", k))
    assert re.sub(r"\s+", "", paras) == re.sub(r"\s+", "", a["text"])
    # entity mentions are marked and link to entity pages from the side bar
    assert page.find("span", data_entity="Ben Wallace")
    assert any(t == "a" and (x.get("href") or "").startswith("/entity?name=Ben+Wallace") for t, x in page.tags)


def test_article_page_shows_metadata_evidence_and_capture(web):
    hits = web.client.get("/api/search", params={"since": "2000", "per_page": 1}).json()["results"]
    a = web.client.get(f"/api/articles/{hits[0]['id']}").json()
    html = web.client.get(f"/article/{a['id']}").text
    assert a["evidence"], "a page with metadata has evidence"
    field, ev = next(iter(a["evidence"].items()))
    assert f"<code>{ev['source']}</code>" in html
    assert a["capture"]["origin"]["path"] in html
    if a["url"] and a["url"].startswith("http"):
        assert "rel=\"noopener noreferrer nofollow\"" in html


def test_missing_pages_are_404_pages(web):
    r = web.client.get("/article/999999")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"] and "no such article" in r.text
    assert web.client.get("/entity", params={"name": "Nobody At All"}).status_code == 404
    # a path that names nothing is a 404 page too (HTML, not FastAPI's JSON 422)
    r = web.client.get("/article/abc")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


# --------------------------------------------------------------------------- entities


def test_entity_api_and_page(web):
    e = web.client.get("/api/entity", params={"name": "Ben Wallace"}).json()
    assert any("No amount of threats" in q["quote"] for q in e["said"])
    assert e["said"][0]["article_id"] == web.seed_id
    g = web.client.get("/api/entity", params={"name": "authorities in Georgia"}).json()
    assert any(m["amount"].startswith("10,000") for m in g["figures"])
    page = get_page(web, "/entity", name="Ben Wallace")
    assert not page.errors
    assert any(x.get("href", "").startswith(f"/article/{web.seed_id}#q-") for t, x in page.tags if t == "a")
    # a dated entity gets a chart: one bar per month, each with its count
    ents = web.client.get("/api/entities", params={"per_page": 200}).json()["results"]
    assert ents and ents == sorted(ents, key=lambda r: -r["articles"])
    dated = None
    for ent in ents:
        data = web.client.get("/api/entity", params={"name": ent["name"], "label": ent["label"]}).json()
        if data["timeline"]:
            dated = data
            break
    assert dated is not None
    page = get_page(web, "/entity", name=dated["name"], label=dated["label"])
    bars = page.find("rect")
    assert len(bars) == len(dated["timeline"])
    assert sum(int(b["data-mentions"]) for b in bars) == sum(t["mentions"] for t in dated["timeline"])
    assert page.find("svg", id="mentions-chart")
    assert dated["seen_with"], "an entity in a real article is seen with others"


# --------------------------------------------------------------------------- quotes and figures


def test_quotes_table_filters_sorts_and_links_to_evidence(web):
    res = web.client.get("/api/quotes", params={"speaker": "Wallace"}).json()
    assert res["total"] == 1 and res["results"][0]["speaker"] == "Ben Wallace"
    assert res["results"][0]["evidence"] == f"/article/{web.seed_id}#q-{res['results'][0]['quote_id']}"
    by_speaker = web.client.get("/api/quotes", params={"sort": "speaker", "dir": "asc", "per_page": 200}).json()
    names = [r["speaker"] for r in by_speaker["results"] if r["speaker"] is not None]
    assert names == sorted(names)
    assert web.client.get("/api/quotes", params={"sort": "bogus"}).status_code == 422
    page = get_page(web, "/quotes", speaker="Wallace")
    assert any(x.get("href") == res["results"][0]["evidence"] for t, x in page.tags if t == "a")
    assert page.find("th", aria_sort="descending")  # sorted by date, newest first
    csv_link = page.find("a", id="csv-link")[0]["href"]
    assert csv_link.startswith("/api/quotes.csv?") and "speaker=Wallace" in csv_link


def test_quotes_csv(web):
    r = web.client.get("/api/quotes.csv", params={"speaker": "Wallace"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["speaker"] == "Ben Wallace"
    assert rows[0]["evidence"].endswith(f"/article/{web.seed_id}#q-{rows[0]['quote_id']}")
    everything = list(csv.DictReader(io.StringIO(web.client.get("/api/quotes.csv").content.decode("utf-8-sig"))))
    assert len(everything) == web.client.get("/api/quotes").json()["total"]


def test_figures_table_and_csv(web):
    res = web.client.get("/api/figures", params={"source": "Georgia"}).json()
    assert any(r["amount"].startswith("10,000") and r["value"] == 10000 for r in res["results"])
    by_value = web.client.get("/api/figures", params={"sort": "value", "dir": "desc", "per_page": 200}).json()
    values = [r["value"] for r in by_value["results"] if r["value"] is not None]
    assert values == sorted(values, reverse=True)
    big = web.client.get("/api/figures", params={"min_value": 5000, "max_value": 20000, "per_page": 200}).json()
    assert big["results"] and all(5000 <= r["value"] <= 20000 for r in big["results"])
    page = get_page(web, "/figures", source="Georgia", min_value="abc")  # a bad number is ignored
    assert any(x.get("href", "").startswith(f"/article/{web.seed_id}#m-") for t, x in page.tags if t == "a")
    rows = list(csv.DictReader(io.StringIO(
        web.client.get("/api/figures.csv", params={"source": "Georgia"}).content.decode("utf-8-sig"))))
    assert any(r["source"] == "authorities in Georgia" and r["amount"].startswith("10,000") for r in rows)


# --------------------------------------------------------------------------- stories and syndication


def test_stories_when_the_store_has_them(web):
    stats = web.client.get("/api/stats").json()
    if not stats["stories"]:
        pytest.skip("this store has no stories tables")
    res = web.client.get("/api/stories").json()
    assert res["available"] and res["total"] >= 1
    story = res["results"][0]
    full = web.client.get(f"/api/stories/{story['id']}").json()
    dates = [a["published"] for a in full["timeline"] if a["published"]]
    assert dates == sorted(dates)
    page = get_page(web, f"/story/{story['id']}")
    assert not page.errors
    member = full["timeline"][0]["id"]
    art = web.client.get(f"/api/articles/{member}").json()
    assert art["story"]["id"] == story["id"]
    assert f'href="/story/{story["id"]}"' in web.client.get(f"/article/{member}").text
    assert get_page(web, "/stories", min="1").find("a", href=f"/story/{story['id']}")


def test_pages_without_the_corpus_tables(web, tmp_path):
    """A store from before the corpus passes (no stories, no syndication): those parts are hidden."""
    old = tmp_path / "old.db"
    src = sqlite3.connect(f"file:{web.db}?mode=ro", uri=True)
    dst = sqlite3.connect(old)
    src.backup(dst)
    src.close()
    for table in ("stories", "corpus_articles"):
        dst.execute(f"DROP TABLE IF EXISTS {table}")
    dst.commit()
    dst.close()
    server = Server(old, tmp_path / "server.log")
    try:
        with httpx.Client(base_url=server.base, timeout=30) as c:
            assert c.get("/api/stats").json()["stories"] is False
            assert c.get("/api/stories").json()["available"] is False
            assert 'href="/stories"' not in c.get("/").text
            a = c.get(f"/api/articles/{web.seed_id}").json()
            assert a["story"] is None and a["syndicated"] == []
            assert c.get(f"/article/{web.seed_id}").status_code == 200
            assert "no stories" in c.get("/stories").text
    finally:
        server.stop()


# --------------------------------------------------------------------------- hostile input


def test_hostile_article_renders_as_text(web):
    assert len(web.hostile_ids) == 2
    for aid in web.hostile_ids:
        a = web.client.get(f"/api/articles/{aid}").json()
        assert a["title"] == HOSTILE_TITLE
        assert "<script>alert(3)</script>" in a["text"]  # the API returns the text as it is
        r = web.client.get(f"/article/{aid}")
        page = assert_hostile_page_escaped(r.text)
        # the title is shown, as text
        heading = [v for k, v in page.texts.items() if k == "article-title"]
        assert heading == [HOSTILE_TITLE]
        # the private-use highlight markers in the text do not open marks
        assert r.text.count("<mark") == r.text.count("</mark>")
    # the JSONL copy's javascript: URL is shown, never linked
    jsonl = next(i for i in web.hostile_ids if web.client.get(f"/api/articles/{i}").json()["url"])
    html = web.client.get(f"/article/{jsonl}").text
    assert "javascript:alert(document.domain)//" in html
    assert 'href="javascript' not in html.lower()


def test_hostile_content_in_every_listing(web):
    pages = [("/", {"q": HOSTILE_WORD}), ("/quotes", {"q": "alert"}), ("/figures", {}), ("/entities", {}),
             ("/stories", {"min": "1"}), ("/quotes", {"speaker": "Doe"})]
    for aid in web.hostile_ids:
        for e in web.client.get(f"/api/articles/{aid}").json()["entities"]:
            pages.append(("/entity", {"name": e["name"], "label": e["label"]}))
    for path, params in pages:
        r = web.client.get(path, params=params)
        assert r.status_code == 200, (path, params)
        page = Page(r.text)
        assert not page.errors, (path, page.errors)
        no_active_content(page)
        assert "<script>alert" not in r.text and "<img" not in r.text, path
    hits = web.client.get("/", params={"q": HOSTILE_WORD}).text
    assert "&lt;script&gt;" in hits or "&#34;&gt;&lt;img" in hits


def test_csv_cells_cannot_start_a_formula(web):
    from nutgraf.web.app import _cell

    assert _cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert _cell("@SUM(A1)") == "'@SUM(A1)" and _cell("plain") == "plain" and _cell(3) == 3


# --------------------------------------------------------------------------- the server itself


def test_security_headers(web):
    for path in ("/", f"/article/{web.seed_id}", "/api/stats", "/static/app.js", "/no/such/page"):
        r = web.client.get(path)
        csp = r.headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "default-src 'none'" in csp and "script-src 'self'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    # the pages carry no inline script or style for that policy to block
    html = web.client.get(f"/article/{web.seed_id}").text
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_openapi_and_docs(web):
    spec = web.client.get("/openapi.json").json()
    for path in ("/api/search", "/api/articles/{article_id}", "/api/entity", "/api/quotes", "/api/figures",
                 "/api/quotes.csv", "/api/stories"):
        assert path in spec["paths"], path
    assert "/article/{article_id}" not in spec["paths"]  # pages are not API
    docs = web.client.get("/docs")
    assert docs.status_code == 200
    # our own page, from the same document, offline: no CDN, no inline script, the app's policy
    assert "cdn." not in docs.text and not re.search(r"<script(?![^>]*\bsrc=)", docs.text)
    assert docs.headers["content-security-policy"] == web.client.get("/").headers["content-security-policy"]
    for path in spec["paths"]:
        assert path in docs.text, path
    assert 'href="/api/search"' in docs.text  # an example link for a GET without path values
    assert "one of: relevance, newest, oldest" in docs.text  # parameter types from the schema


def test_docs_page_escapes_what_the_spec_says():
    from nutgraf.web import apidocs

    spec = {"openapi": "3.1.0", "paths": {"/api/x": {"get": {
        "summary": "<script>alert(1)</script>", "tags": ["t"],
        "parameters": [{"name": "q", "in": "query", "required": True,
                        "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}}]}}}}
    (e,) = apidocs.endpoints(spec)
    assert e.parameters[0].type == "string | null" and e.parameters[0].required
    assert e.example == "/api/x?q="
    from nutgraf.web.app import make_env

    html = make_env().get_template("api.html").render(
        endpoints=[e], info={"description": "<b>x</b>"}, openapi_version="3.1.0", path="/docs", params={}, has_stories=False)
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html


def test_the_store_is_opened_read_only(web):
    """Serving never writes: the database file is byte-for-byte what ingest left, and no
    journal appears beside it."""
    web.client.get("/api/search", params={"q": "Lars"})
    assert _sha256(web.db) == web.db_sha256
    assert not web.db.with_name(web.db.name + "-journal").exists()
    from nutgraf.web.connection import Corpus

    conn = Corpus(str(web.db)).conn()
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM articles")


# --------------------------------------------------------------------------- the highlighter


def test_overlapping_spans_nest_or_split():
    text = "abcdefghij"
    spans = [Span(0, 10, LEVEL_PARAGRAPH, "p", {"id": "p-0"}),
             Span(1, 6, LEVEL_QUOTE, "mark", {"id": "q-1"}),
             Span(4, 9, LEVEL_QUOTE, "mark", {"id": "q-2"}),  # crosses q-1
             Span(5, 8, LEVEL_ENTITY, "span", {"id": "e-1"}),
             Span(3, 3, LEVEL_ENTITY, "span", {"id": "empty"}),
             Span(8, 50, LEVEL_ENTITY, "span", {"id": "clipped"})]
    html = str(render_spans(text, spans))
    page = Page(html)
    assert not page.errors, html
    assert page.texts["q-1"] == "bcdef" and page.texts["q-2"] == "efghi" and page.texts["e-1"] == "fgh"
    assert page.texts["clipped"] == "ij" and "empty" not in html
    assert html.count('id="q-2"') == 1 and 'data-part-of="q-2"' in html


def test_highlighter_escapes_text_and_attributes():
    text = '<b>"x"</b> & \'y\''
    html = str(render_spans(text, [Span(0, len(text), LEVEL_QUOTE, "mark",
                                        {"id": "q", "title": '"><img src=x onerror=alert(1)>'})]))
    assert "<b>" not in html and "<img" not in html
    assert html.startswith('<mark id="q" title="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;">')
    assert Page(html).texts["q"] == text
    with pytest.raises(ValueError):
        render_spans("x", [Span(0, 1, LEVEL_QUOTE, "script")])


# --------------------------------------------------------------------------- newsroom features


def test_search_facets_chart_and_exports(web):
    """Beside the results: counts by site, month, speaker and entity over every match, the
    matches per month as an SVG with its numbers in words; the same search as CSV and JSON, in
    the page's order.  Hostile site names and speakers stay text."""
    r = web.client.get("/", params={"q": HOSTILE_WORD})
    assert r.status_code == 200
    page = Page(r.text)
    assert not page.errors, page.errors
    no_active_content(page)
    assert page.find("aside", id="facets") and page.find("svg", id="matches-chart")
    assert "<script>alert('site')" not in r.text and "&lt;script&gt;alert(&#39;site&#39;)&lt;/script&gt;" in r.text
    bars = [b for b in page.find("rect") if b.get("class") == "bar"]
    api = web.client.get("/api/search", params={"q": HOSTILE_WORD, "facets": "true"}).json()
    assert sum(int(b["data-value"]) for b in bars) == sum(m["count"] for m in api["facets"]["month"]) == api["total"]
    assert {"site", "month", "speaker", "entity"} <= set(api["facets"])
    # a facet link narrows the search to that value
    site = api["facets"]["site"][0]
    narrowed = web.client.get("/api/search", params={"q": HOSTILE_WORD, "site": site["value"]}).json()
    assert narrowed["total"] >= site["count"]
    csv_link = page.find("a", id="search-csv")[0]["href"]
    assert csv_link.startswith("/search.csv?") and "q=" in csv_link
    exported = web.client.get(csv_link)
    assert exported.headers["content-type"].startswith("text/csv") and exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [int(x["id"]) for x in rows] == [x["id"] for x in api["results"]]
    assert all(x["evidence"].endswith(f"/article/{x['id']}") for x in rows)
    assert any(x["title"] == HOSTILE_TITLE for x in rows)  # a CSV cell holds the text as it is
    assert web.client.get("/search.csv", params={"since": "2019-13-45"}).status_code == 400  # an HTML error page


def test_trace_pages_show_travels_and_escape_everything(web):
    quote = "we will rebuild the Zorblaxian pier before winter"
    r = web.client.get("/trace", params={"q": quote})
    assert r.status_code == 200
    page = Page(r.text)
    assert not page.errors, page.errors
    no_active_content(page)
    assert "Quote by" in r.text and "<script>alert(3)" not in r.text and "&lt;script&gt;alert(3)" in r.text
    api = web.client.get("/api/trace", params={"q": quote}).json()
    assert api["results"] and api["results"][0]["kind"] == "quote"
    figure = web.client.get("/trace", params={"q": "1,200", "kind": "figure"})
    assert figure.status_code == 200 and "Figure 1,200" in figure.text and "<img" not in figure.text
    assert web.client.get("/api/trace", params={"q": "x", "kind": "bogus"}).status_code == 422
    for odd in ("\x00", '"', "9" * 40, "<script>"):
        assert web.client.get("/trace", params={"q": odd}).status_code == 200, odd
    assert "trace-none" in web.client.get("/trace", params={"q": "nothing like this was ever said"}).text
    # the quote table links each row to its trace
    links = [a for a in get_page(web, "/quotes", q="Zorblaxian").find("a") if a.get("class") == "trace-link"]
    assert links and all(a["href"].startswith("/trace?") for a in links)


def test_article_page_shows_copies_and_plurals(web):
    copies = []
    for article_id in web.hostile_ids:
        a = web.client.get(f"/api/articles/{article_id}").json()
        html = web.client.get(f"/article/{article_id}").text
        if a["syndicated"] or a["wire_credits"]:
            assert "Copies and wire credits" in html
        n = len(a["syndicated"])
        copies.append(n)
        if n == 1:
            assert "1 other copy in this corpus" in html
        elif n:
            assert f"{n} other copies in this corpus" in html
    assert any(copies)  # the hostile page came twice (HTML and JSONL): each is the other's copy
    assert "1 articles" not in web.client.get("/", params={"q": HOSTILE_WORD}).text
