"""Places in ``nutgraf serve``: the SVG maps, the place pages and their JSON twins.

The store is ingested (the real ingest, facts included) from two small texts written here,
then given one hostile place by hand (a name with markup and a slash, as no gazetteer has
it), so the pages must escape what the store holds.  The app is driven in-process with
TestClient; a PostgreSQL twin of the API answers runs where conftest can start a server.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from nutgraf.run.local import ingest
from nutgraf.web import maps
from nutgraf.web.app import create_app
from webhelp import Page, no_active_content

BORDER = """Border queues grow as Georgia counts arrivals


Thousands of people crossed into Georgia on Monday, officials in Tbilisi said. The queue at the Verkhny Lars \
crossing stretched for miles, and the interior ministry in Tbilisi said it had opened a second lane. Many of the \
travellers said they planned to continue to Kazakhstan or to Armenia within days.

A spokeswoman for the ministry said the numbers were the highest since the border reopened. Shops in Tbilisi \
reported long lines for SIM cards.
"""
HARBOUR = """Harbour board approves new budget in Lisbon


The harbour board of Lisbon met on Tuesday to approve the new budget, which includes funding for schools and \
roads. Officials in Portugal said the plan would be reviewed again next year, after the elections in Georgia.
"""
HOSTILE_NAME = '<script>alert("pl")</script>/x'
HOSTILE_KEY = "name:" + HOSTILE_NAME
GEORGIA, TBILISI = "614540", "611716"  # GeoNames ids


def _ingest(root: Path, db: Path | str) -> Any:
    corpus = root / "corpus"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        (corpus / "border.txt").write_text(BORDER, encoding="utf-8")
        (corpus / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    stats = ingest([str(corpus)], db, workers=1)
    assert not stats.source_errors or all(e.startswith("corpus passes:") for e in stats.source_errors), \
        stats.source_errors
    return stats


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("web-places")
    db = root / "places.db"
    _ingest(root, db)
    con = sqlite3.connect(db)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "article_places" not in tables:
            pytest.skip("this store has no place tables (schema 4)")
        ids = dict((t, i) for i, t in con.execute("SELECT id, title FROM articles"))
        border = next(i for t, i in ids.items() if t.startswith("Border"))
        harbour = next(i for t, i in ids.items() if t.startswith("Harbour"))
        # a place whose name carries markup, on the border article's first word
        text = con.execute("SELECT text FROM articles WHERE id = ?", (border,)).fetchone()[0]
        start = text.index("Thousands")
        con.execute('INSERT INTO places (article_id, start, "end", text, name, lat, lon, country_code, confidence,'
                    " evidence, kind) VALUES (?, ?, ?, 'Thousands', ?, 10.0, 10.0, 'GE', 0.5, '<b>ev</b>', 'name')",
                    (border, start, start + 9, HOSTILE_NAME))
        con.execute("INSERT INTO article_places (article_id, place_key, name, lat, lon, country_code, mentions,"
                    " first_start) VALUES (?, ?, ?, 10.0, 10.0, 'GE', 1, ?)", (border, HOSTILE_KEY, HOSTILE_NAME, start))
        con.commit()
    finally:
        con.close()
    return {"db": db, "root": root, "border": border, "harbour": harbour}


@pytest.fixture(scope="module")
def client(store: dict[str, Any]):
    with TestClient(create_app(str(store["db"]))) as c:
        yield c


def html(client: TestClient, path: str, status: int = 200, **params: Any) -> str:
    r = client.get(path, params=params)
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    return r.text


def escaped_page(text: str) -> Page:
    page = Page(text)
    assert not page.errors, page.errors
    no_active_content(page)
    assert "<script>alert" not in text
    return page


# --------------------------------------------------------------------------- API


def test_api_places_lists_and_filters_by_country(client: TestClient) -> None:
    res = client.get("/api/places", params={"per_page": 200}).json()
    keys = {r["key"]: r for r in res["results"]}
    assert GEORGIA in keys and TBILISI in keys and HOSTILE_KEY in keys
    assert keys[GEORGIA]["articles"] == 2 and keys[GEORGIA]["country_code"] == "GE"
    assert keys[TBILISI]["mentions"] >= 3 and keys[TBILISI]["href"] == f"/place/{TBILISI}"
    assert res["total"] == len(res["results"])
    # by country, in either case
    for code in ("GE", "ge"):
        ge = client.get("/api/places", params={"country": code}).json()
        assert ge["country"] == "GE" and ge["total"] >= 3
        assert {r["country_code"] for r in ge["results"]} == {"GE"}
    pt = client.get("/api/places", params={"country": "PT"}).json()["results"]
    assert {r["name"] for r in pt} >= {"Lisbon", "Portugal"}
    # a name filter, and countries that are no country
    assert [r["key"] for r in client.get("/api/places", params={"q": "tbil"}).json()["results"]] == [TBILISI]
    for bad in ("XYZ", "1", "\x00", "G\x00", "ÄÖ"):
        r = client.get("/api/places", params={"country": bad})
        assert r.status_code == 200 and r.json()["total"] == 0, bad
    # pages: one place a page, absurd page numbers clamped
    one = client.get("/api/places", params={"per_page": 1}).json()
    assert one["pages"] == res["total"]
    last = client.get("/api/places", params={"per_page": 1, "page": 10**30}).json()
    assert last["page"] == one["pages"] and len(last["results"]) == 1
    assert client.get("/api/places", params={"page": -5}).json()["page"] == 1
    assert client.get("/api/places", params={"q": "\x00"}).status_code == 200


def test_api_place_gives_the_articles_and_the_sentences_naming_it(client: TestClient, store: dict) -> None:
    res = client.get(f"/api/places/{TBILISI}").json()
    assert res["place"]["name"] == "Tbilisi" and res["place"]["country_code"] == "GE"
    assert res["total"] == 1
    (art,) = res["articles"]
    assert art["id"] == store["border"] and art["mentions"] >= 3
    assert 1 <= len(art["sentences"]) <= 3
    first = art["sentences"][0]
    assert first["text"] == "Thousands of people crossed into Georgia on Monday, officials in Tbilisi said."
    assert [first["text"][s:e] for s, e in first["marks"]] == ["Tbilisi"]
    article = client.get(f"/api/articles/{store['border']}").json()
    assert article["text"][first["start"]:first["end"]] == first["text"]
    words = {m["text"] for p in article["places"] if p["key"] == TBILISI for m in p["spans"]}  # 'Lars': a container
    for s in art["sentences"]:
        assert len(s["text"]) <= 300 + 4 and s["marks"] and all(s["text"][a:b] in words for a, b in s["marks"])
    # Georgia: both articles
    ge = client.get(f"/api/places/{GEORGIA}").json()
    assert {a["id"] for a in ge["articles"]} == {store["border"], store["harbour"]}
    harbour = next(a for a in ge["articles"] if a["id"] == store["harbour"])
    assert any("elections in Georgia" in s["text"] for s in harbour["sentences"])
    # the hostile key, slash and all, through the path
    h = client.get("/api/places/" + quote(HOSTILE_KEY, safe=":")).json()
    assert h["place"]["name"] == HOSTILE_NAME and h["articles"][0]["id"] == store["border"]
    # pages clamped
    assert client.get(f"/api/places/{GEORGIA}", params={"per_page": 1, "page": 10**20}).json()["page"] == 2


def test_article_api_includes_its_places_with_their_spans(client: TestClient, store: dict) -> None:
    a = client.get(f"/api/articles/{store['border']}").json()
    places = {p["key"]: p for p in a["places"]}
    assert {GEORGIA, TBILISI, HOSTILE_KEY} <= set(places)
    tb = places[TBILISI]
    assert tb["name"] == "Tbilisi" and tb["mentions"] == len(tb["spans"])
    for span in tb["spans"]:
        assert a["text"][span["start"]:span["end"]] == span["text"]
    assert a["places"][0]["mentions"] == max(p["mentions"] for p in a["places"])


@pytest.mark.parametrize("key", [
    "0", "99999999999999999999999999999", "123456789", "name:", "name:nowhere", "nowhere", "%00", "name:a%00b",
    "%FF", "%ED%A0%80", "..%2F..%2Fetc%2Fpasswd", "x" * 5000, "-1", "1e9", "name:" + "y" * 1000,
])
def test_unknown_or_odd_place_keys_are_404_never_500(client: TestClient, key: str) -> None:
    r = client.get("/place/" + key)
    assert r.status_code == 404, (key, r.status_code, r.text[:200])
    assert r.headers["content-type"].startswith("text/html") and "no such place" in r.text
    r = client.get("/api/places/" + key)
    assert r.status_code == 404 and r.json() == {"detail": "no such place"}


def test_odd_parameters_never_give_500(client: TestClient) -> None:
    for path in ("/places", "/place/" + GEORGIA):
        for params in ({"page": "abc"}, {"page": "99999999999999999999999999"}, {"page": "-4"}, {"page": "\x00"},
                       {"country": "\x00"}, {"country": "<b>"}, {"q": "\x00%_\\"}):
            r = client.get(path, params=params)
            assert r.status_code == 200, (path, params, r.status_code)
    assert client.get("/api/places", params={"per_page": 0}).status_code == 422


# --------------------------------------------------------------------------- pages


def test_article_page_has_a_map_the_list_and_highlighted_place_mentions(client: TestClient, store: dict) -> None:
    text = html(client, f"/article/{store['border']}")
    page = escaped_page(text)
    assert page.find("figure", id="article-map")
    (svg,) = page.find("svg", **{"class": "map-svg"})
    assert svg["role"] == "group" and "places" in svg["aria-label"]
    assert page.find("path", **{"class": "land"}), "the country outlines are drawn"
    points = {a["data-key"]: a for a in page.find("a", **{"class": "pt"})}
    assert {GEORGIA, TBILISI, HOSTILE_KEY} <= set(points)
    assert points[TBILISI]["href"] == f"/place/{TBILISI}"
    assert "Tbilisi" in points[TBILISI]["aria-label"] and "mention" in points[TBILISI]["aria-label"]
    assert points[HOSTILE_KEY]["href"] == maps.place_href(HOSTILE_KEY)
    assert "%3C" in points[HOSTILE_KEY]["href"] and "<" not in points[HOSTILE_KEY]["href"]
    # the list beside the map, the same places as text
    items = page.find("li", data_key=TBILISI)
    assert items
    # the mentions in the text, with where they are on hover
    mentions = [a for a in page.find("span") if a.get("data-kind") == "place"]
    tb = [m for m in mentions if m.get("data-place") == TBILISI]
    assert len(tb) >= 3 and "Tbilisi" in tb[0]["title"] and "Georgia" in tb[0]["data-where"]
    # the hostile name is text everywhere: map title, list, mention attributes
    assert "&lt;script&gt;alert(&#34;pl&#34;)&lt;/script&gt;/x" in text
    assert any(m.get("data-place-name") == HOSTILE_NAME for m in mentions)


def test_place_page_lists_the_articles_with_the_sentence_naming_it(client: TestClient, store: dict) -> None:
    text = html(client, f"/place/{TBILISI}")
    page = escaped_page(text)
    assert page.texts["place-name"] == "Tbilisi"
    assert page.find("a", **{"class": "pt"}, data_key=TBILISI)
    assert page.find("a", href=f"/article/{store['border']}")
    assert '<mark class="plc-hit">Tbilisi</mark>' in text
    assert "Thousands of people crossed into Georgia on Monday, officials in" in text
    assert "Georgia" in text and "first-order division" in text  # country and feature in words
    # a country's page: both articles
    text = html(client, f"/place/{GEORGIA}")
    assert f'href="/article/{store["border"]}"' in text and f'href="/article/{store["harbour"]}"' in text


def test_hostile_place_is_escaped_on_every_page(client: TestClient, store: dict) -> None:
    for path in ("/place/" + quote(HOSTILE_KEY, safe=":"), "/places", "/places?country=GE",
                 f"/article/{store['border']}", "/?q=Thousands"):
        text = html(client, path)
        escaped_page(text)
        assert "&lt;script&gt;" in text, path


def test_places_page_maps_every_place_and_filters_by_country(client: TestClient) -> None:
    page = escaped_page(html(client, "/places"))
    assert page.find("figure", id="places-map")
    keys = {a["data-key"] for a in page.find("a", **{"class": "pt"})}
    assert {GEORGIA, TBILISI, "2267057"} <= keys  # Lisbon
    assert page.find("table", id="places-table")
    text = html(client, "/places", country="GE")
    page = escaped_page(text)
    assert page.find("path", **{"class": "land sel"}, data_country="GE"), "the chosen country is marked"
    keys = {a["data-key"] for a in page.find("a", **{"class": "pt"})}
    assert GEORGIA in keys and "2267057" not in keys
    assert "Lisbon" not in text
    # a country code that is none: a note, no places
    text = html(client, "/places", country="<b>")
    assert "is not a country code" in text and "&lt;b&gt;" in text


def test_entity_and_search_pages_map_their_places(client: TestClient) -> None:
    page = escaped_page(html(client, "/entity", name="Tbilisi"))
    assert page.find("section", id="entity-places")
    assert [a["data-key"] for a in page.find("a", **{"class": "pt"})] == [TBILISI]
    page = escaped_page(html(client, "/", q="Lisbon"))
    assert page.find("section", id="result-places")
    assert {"2267057", GEORGIA} <= {a["data-key"] for a in page.find("a", **{"class": "pt"})}


def test_the_map_degrades_to_points_without_the_gazetteer(client: TestClient, store: dict,
                                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NUTGRAF_GAZETTEER", str(tmp_path / "missing.sqlite"))
    maps.BASEMAP.reset()
    try:
        text = html(client, f"/article/{store['border']}")
        page = escaped_page(text)
        assert not page.find("path", **{"class": "land"})
        assert page.find("a", **{"class": "pt"}, data_key=TBILISI)
        assert page.find("figcaption", **{"class": "map-note"}) and "Country outlines are unavailable" in text
        assert client.get("/places").status_code == 200
    finally:
        monkeypatch.delenv("NUTGRAF_GAZETTEER")
        maps.BASEMAP.reset()
    assert Page(html(client, f"/article/{store['border']}")).find("path", **{"class": "land"})


# --------------------------------------------------------------------------- the map itself


def test_views_fit_the_points_and_outlines_are_cached() -> None:
    tb = maps.MapPoint(TBILISI, "Tbilisi", 44.74, 41.67)
    lon0, top, w, h = maps.fit_view([tb])
    assert lon0 < 44.74 < lon0 + w and top - h < 41.67 < top and w < 40
    spread = [maps.MapPoint("1", "Lima", -77.0, -12.0), maps.MapPoint("2", "Tokyo", 139.7, 35.7)]
    assert maps.fit_view(spread)[2] == 360.0  # the world
    assert maps.fit_view([])[2] == 360.0
    assert maps.BASEMAP.level(3) is maps.BASEMAP.level(3)
    # points without a usable coordinate are left out, and said so
    svg = str(maps.map_svg([tb, maps.MapPoint("2", "Nowhere", float("nan"), 95.0)]))
    assert svg.count('class="pt"') == 1 and "1 place without a usable point is not drawn" in svg


# --------------------------------------------------------------------------- PostgreSQL


def test_places_api_is_the_same_on_postgres(pg_url: str, tmp_path: Path, store: dict) -> None:
    lite = tmp_path / "lite.db"
    _ingest(store["root"], lite)
    _ingest(store["root"], pg_url)
    with TestClient(create_app(str(lite))) as a, TestClient(create_app(pg_url)) as b:
        def same(path: str, **params: Any) -> Any:
            ra, rb = a.get(path, params=params), b.get(path, params=params)
            assert ra.status_code == rb.status_code, (path, ra.status_code, rb.status_code, rb.text[:300])
            assert ra.json() == rb.json(), path
            return rb.json()

        listing = same("/api/places", per_page=200)
        assert listing["total"] >= 5
        same("/api/places", country="GE")
        same("/api/places", q="lis")
        same("/api/places", per_page=1, page=10**12)
        for r in listing["results"]:
            same(f"/api/places/{r['key']}")
        for path in ("/api/places/nowhere", "/api/places/%00", "/api/places/" + "9" * 40):
            assert b.get(path).status_code == 404
        ids = [h["id"] for h in b.get("/api/search", params={"per_page": 50}).json()["results"]]
        for i in ids:
            pa, pb = a.get(f"/api/articles/{i}").json()["places"], b.get(f"/api/articles/{i}").json()["places"]
            assert pa == pb
        for path in ("/places", f"/place/{GEORGIA}", "/entity?name=Tbilisi", "/?q=Lisbon"):
            assert b.get(path).status_code == 200, path
