"""Events in ``nutgraf serve``: highlighted on the article page, an entity's timeline, a story's
events, the ``/events`` listing with its map, and ``/api/events`` (JSON and CSV).

The store is ingested (the real ingest, events included) from two small texts written here,
then given one hostile event by hand (an actor whose name is markup, a trigger crossing an
entity mention), so the pages must escape what the store holds and nest what overlaps.  Copies
of it get event clusters (a corpus pass's tables) or lose the events table (an older store).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from nutgraf.run.local import ingest
from nutgraf.web.app import create_app
from nutgraf.web.highlight import event_sentence_html
from webhelp import ROOT, Page, no_active_content, web  # noqa: F401  (web: the fixture, for the browser)

MOBILISE = """Putin orders mobilisation as Finland shuts its border


Vladimir Putin ordered a partial mobilisation of Russian reserve forces on 21 September 2022, officials in Moscow \
said. Finland's Ministry of Foreign Affairs said on Thursday that new restrictions would be imposed on Russian tourists.

Poland closed its border to Russian tourists. The Kremlin denied that it had threatened Ukraine.
"""
RESERVISTS = """Reservists called up across Russia


Vladimir Putin ordered a partial mobilisation of Russian reserve forces, the Kremlin said in Moscow on Wednesday. \
NATO Secretary General Jens Stoltenberg condemned President Putin's speech.
"""
HOSTILE = '<script>alert("ev")</script> & "Co"'
MOSCOW = "524901"  # GeoNames id


def _open(db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return con


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("web-events")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "mobilise.txt").write_text(MOBILISE, encoding="utf-8")
    (corpus / "reservists.txt").write_text(RESERVISTS, encoding="utf-8")
    db = root / "events.db"
    stats = ingest([str(corpus)], db, workers=1)
    assert not stats.source_errors or all(e.startswith("corpus passes:") for e in stats.source_errors), \
        stats.source_errors
    con = _open(db)
    try:
        if "events" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}:
            pytest.skip("this store has no events table (schema 5)")
        ids = {t: i for i, t in con.execute("SELECT id, title FROM articles")}
        first = next(i for t, i in ids.items() if t.startswith("Putin"))
        second = next(i for t, i in ids.items() if t.startswith("Reservists"))
        text = con.execute("SELECT text FROM articles WHERE id = ?", (first,)).fetchone()[0]
        # a hostile event: its actor's name is markup, its trigger ('Putin ordered') crosses the
        # entity mention 'Vladimir Putin' and the real event's trigger
        s0 = text.index("Vladimir Putin")
        t0 = s0 + len("Vladimir ")
        t1 = text.index("ordered") + len("ordered")
        cur = con.execute(
            'INSERT INTO events (article_id, start, "end", text, sentence_start, sentence_end, category, mode, cameo,'
            " score, negated, confidence, source_name, source_start, source_end, source_entity, source_country,"
            " place_name, place_lat, place_lon, place_country_code, date_value)"
            " VALUES (?, ?, ?, ?, ?, ?, 'ASSAULT', ?, '190', -9.0, 1, 0.5, ?, ?, ?, ?, 'XYZ', ?, 10.0, 10.0,"
            " 'GE', '2022-09-20')",
            (first, t0, t1, text[t0:t1], s0, text.index(".", s0) + 1, HOSTILE, HOSTILE, s0, s0 + 8, HOSTILE,
             HOSTILE))
        hostile = cur.lastrowid
        con.commit()
        mobilize = {r["article_id"]: r["id"] for r in con.execute(
            "SELECT id, article_id FROM events WHERE category = 'MOBILIZE' AND source_name = 'Vladimir Putin'")}
    finally:
        con.close()
    assert set(mobilize) == {first, second}, mobilize
    return {"db": db, "root": root, "first": first, "second": second, "hostile": hostile, "mobilize": mobilize}


@pytest.fixture(scope="module")
def client(store: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(str(store["db"]))) as c:
        yield c


def html(client: TestClient, path: str, status: int = 200, **params: Any) -> Page:
    r = client.get(path, params=params)
    assert r.status_code == status, (path, params, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    page = Page(r.text)
    assert not page.errors, (path, page.errors)
    no_active_content(page)
    assert "<script>alert" not in r.text
    page.html = r.text  # type: ignore[attr-defined]
    return page


def _copy(store: dict[str, Any], tmp_path: Path, name: str) -> Path:
    db = tmp_path / name
    shutil.copy(store["db"], db)
    return db


# --------------------------------------------------------------------------- API


def test_api_events_lists_and_filters(client: TestClient, store: dict) -> None:
    res = client.get("/api/events", params={"per_page": 200}).json()
    assert res["available"] is True and res["total"] == len(res["results"]) >= 4
    by_id = {e["id"]: e for e in res["results"]}
    mob = by_id[store["mobilize"][store["first"]]]
    assert mob["category"] == "MOBILIZE" and mob["text"] == "ordered a partial mobilisation"
    assert mob["source_name"] == "Vladimir Putin" and mob["target_name"] == "Russian reserve forces"
    assert mob["place_key"] == MOSCOW and mob["place_href"] == f"/place/{MOSCOW}"
    assert mob["evidence"] == f"/article/{store['first']}#ev-{mob['id']}" and mob["negated"] is False
    # the sentence, with the trigger and the actors marked in it
    marks = {role: mob["sentence"][a:b] for a, b, role in mob["sentence_marks"]}
    assert marks == {"trigger": "ordered a partial mobilisation", "source": "Vladimir Putin",
                     "target": "Russian reserve forces"}
    # filters: category (any case), actor, country (where, alpha-2), article, entity
    def ids(**params: Any) -> set[int]:
        r = client.get("/api/events", params={"per_page": 200, **params})
        assert r.status_code == 200, (params, r.text[:200])
        return {e["id"] for e in r.json()["results"]}

    assert ids(category="mobilize") == set(store["mobilize"].values())
    assert ids(actor="putin") >= set(store["mobilize"].values())
    assert set(store["mobilize"].values()) <= ids(country="RU") and store["hostile"] not in ids(country="RU")
    assert ids(country="ge") == {store["hostile"]}
    assert ids(country="XYZ") == {store["hostile"]}  # an actor's code
    assert ids(article=store["second"]) == {e["id"] for e in res["results"] if e["article_id"] == store["second"]}
    assert ids(entity="Vladimir Putin") >= set(store["mobilize"].values())
    assert ids(category="MOBILIZE", article=store["second"]) == {store["mobilize"][store["second"]]}
    # newest first: the hostile event (2022-09-20) after the mobilisation (2022-09-21)
    order = [e["id"] for e in res["results"]]
    assert order.index(mob["id"]) < order.index(store["hostile"])


def test_absurd_parameters_are_clamped_or_refused_never_500(client: TestClient) -> None:
    total = client.get("/api/events").json()["total"]
    last = client.get("/api/events", params={"per_page": 1, "page": 10**30}).json()
    assert last["page"] == total and len(last["results"]) == 1
    assert client.get("/api/events", params={"page": -1}).json()["page"] == 1
    for bad in ({"per_page": 0}, {"per_page": 10**6}, {"page": "x"}, {"article": "x"}):
        assert client.get("/api/events", params=bad).status_code == 422, bad
    for params in ({"category": "<script>"}, {"category": "x" * 500}, {"country": "<b>"}, {"country": "1"},
                   {"country": "\x00"}, {"article": 10**30}, {"story": -(10**30)}, {"actor": "\x00%_\\"},
                   {"entity": "\x00"}):
        r = client.get("/api/events", params=params)
        assert r.status_code == 200, (params, r.status_code, r.text[:200])
        assert r.json()["total"] == 0 or "actor" in params, params
    for params in ({"page": "-1"}, {"page": "9" * 40}, {"page": "abc"}, {"category": "<script>"},
                   {"country": "<b>"}, {"article": "9" * 40}, {"story": "-" + "9" * 40}, {"actor": "\x00"}):
        assert client.get("/events", params=params).status_code == 200, params
        assert client.get("/api/events.csv", params=params).status_code == 200, params


def test_events_csv_has_every_matching_row(client: TestClient, store: dict) -> None:
    r = client.get("/api/events.csv", params={"article": store["first"]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == client.get("/api/events", params={"article": store["first"]}).json()["total"]
    hostile = next(row for row in rows if row["id"] == str(store["hostile"]))
    assert hostile["source_name"] == HOSTILE and hostile["negated"] == "True"
    assert hostile["evidence"].endswith(f"/article/{store['first']}#ev-{store['hostile']}")


# --------------------------------------------------------------------------- pages


def test_article_page_highlights_events_and_lists_them(client: TestClient, store: dict) -> None:
    page = html(client, f"/article/{store['first']}")
    events = client.get(f"/api/articles/{store['first']}").json()["events"]
    assert len(events) >= 3
    marks = {m["id"]: m for m in page.find("mark") if m.get("data-kind") == "event" and m.get("id")}
    assert {f"ev-{e['id']}" for e in events} == set(marks)
    mob = marks[f"ev-{store['mobilize'][store['first']]}"]
    assert mob["data-category"] == "MOBILIZE" and mob["data-source"] == "Vladimir Putin"
    assert "ev-MOBILIZE" in mob["class"].split() and "Moscow" in mob["title"]
    assert page.texts[mob["id"]] == "ordered a partial mobilisation"
    # the actors, pointing at their event
    sources = [s for s in page.find("span") if s.get("data-kind") == "event-source"]
    targets = [s for s in page.find("span") if s.get("data-kind") == "event-target"]
    assert any(s["data-for"] == mob["id"] and "ev-src" in s["class"] for s in sources)
    assert any(s["data-for"] == mob["id"] and "ev-tgt" in s["class"] for s in targets)
    assert page.find("p", **{"class": "legend"}) and '<mark class="ev">event</mark>' in page.html
    # the table: a row per event, linking to its highlight
    assert page.find("table", id="events-table")
    rows = {r["data-event"] for r in page.find("tr") if r.get("data-event")}
    assert rows == {str(e["id"]) for e in events}
    assert page.find("a", href=f"#{mob['id']}")
    # where they happened, marked on the article's map and in the list of its places
    assert page.find("figure", id="article-map")
    (moscow,) = page.find("a", **{"class": "pt"}, data_key=MOSCOW)
    assert int(moscow["data-events"]) >= 1 and " there" in moscow["aria-label"] and "(s)" not in moscow["aria-label"]
    assert "event" in page.texts.get("article-places", "") or 'class="ev-count"' in page.html


def test_overlapping_and_hostile_spans_render_valid_escaped_html(client: TestClient, store: dict) -> None:
    page = html(client, f"/article/{store['first']}")
    anchor = f"ev-{store['hostile']}"
    mob = f"ev-{store['mobilize'][store['first']]}"
    # the trigger crosses the entity mention and the other trigger: what crosses is cut in
    # pieces (the first with the id, the others pointing at it), and each reads whole
    assert len([m for m in page.find("mark") if m.get("id") == anchor]) == 1
    assert [m for m in page.find("mark") if m.get("data-part-of") in (anchor, mob)]
    assert [s for s in page.find("span") if s.get("data-part-of") is None and s.get("data-entity") == "Vladimir Putin"]
    assert page.texts[anchor] == "Putin ordered" and page.texts[mob] == "ordered a partial mobilisation"
    assert page.html.count("<mark") == page.html.count("</mark>")
    hostile = next(m for m in page.find("mark") if m.get("id") == anchor)
    assert hostile["data-source"] == HOSTILE and hostile["data-negated"] == "yes"
    assert "&lt;script&gt;alert(&#34;ev&#34;)&lt;/script&gt; &amp; &#34;Co&#34;" in page.html
    for path, params in (("/events", {}), ("/events", {"actor": "script"}), ("/events", {"country": "GE"}),
                         ("/entity", {"name": "Vladimir Putin"})):
        page = html(client, path, **params)
        assert "&lt;script&gt;" in page.html or path == "/entity", (path, params)


def test_events_page_filters_pages_and_maps(client: TestClient, store: dict) -> None:
    page = html(client, "/events")
    assert page.find("table", id="events-table") and page.find("figure", id="events-map")
    assert page.find("a", **{"class": "pt"}, data_key=MOSCOW)
    assert page.find("a", href="/events", **{"aria-current": "page"})
    options = [o["value"] for o in page.find("option") if o.get("value")]
    assert "MOBILIZE" in options
    page = html(client, "/events", category="mobilize")
    rows = {r["data-event"] for r in page.find("tr") if r.get("data-event")}
    assert rows == {str(i) for i in store["mobilize"].values()}
    assert page.find("option", value="MOBILIZE", selected=None)
    page = html(client, "/events", category="<script>")
    assert "is not a PLOVER category" in page.html and "&lt;script&gt;" in page.html
    assert not [r for r in page.find("tr") if r.get("data-event")]
    # paged: one event a page would be the API's; the page's pager keeps the filters
    page = html(client, "/events", actor="putin", page="999999")
    assert [r for r in page.find("tr") if r.get("data-event")]


def test_entity_page_has_its_events_in_time_order(client: TestClient, store: dict) -> None:
    page = html(client, "/entity", name="Vladimir Putin")
    assert page.find("section", id="entity-events")
    items = [li for li in page.find("li") if li.get("data-event")]
    assert [li["data-role"] for li in items if li["data-event"] in {str(i) for i in store["mobilize"].values()}] \
        == ["source", "source"]
    # dated (21 September 2022) before undated
    order = [int(li["data-event"]) for li in items]
    assert order.index(store["mobilize"][store["first"]]) < order.index(store["mobilize"][store["second"]])
    first = store["mobilize"][store["first"]]
    assert page.find("a", href=f"/article/{store['first']}#ev-{first}")
    assert '<mark class="ev">ordered a partial mobilisation</mark>' in page.html
    e = client.get("/api/entity", params={"name": "Vladimir Putin"}).json()["events"]
    assert e["as_source"] >= 2 and e["total"] >= 2
    assert {r["role"] for r in e["results"]} <= {"source", "target", "both"}


def test_story_page_has_its_events_in_order(client: TestClient, store: dict) -> None:
    stories = client.get("/api/stories", params={"min_articles": 1, "per_page": 50}).json()
    if not stories["available"] or not stories["results"]:
        pytest.skip("the corpus passes made no stories here")
    for s in stories["results"]:
        story = client.get(f"/api/stories/{s['id']}").json()
        members = {a["id"] for a in story["timeline"]}
        ev = story["events"]["results"]
        assert {e["article_id"] for e in ev} <= members
        if store["first"] in members:
            assert ev and ev[0]["date_value"] is not None  # the dated ones first
            page = html(client, f"/story/{s['id']}")
            assert page.find("section", id="story-events")
            assert len([li for li in page.find("li") if li.get("data-event")]) == len(ev)


def test_sentence_marks_escape_and_nest() -> None:
    ev = {"sentence": "<b>A</b> hit B & C", "sentence_marks": [[9, 12, "trigger"], [0, 8, "source"],
                                                                [10, 18, "target"], [0, 99, "nonsense"], ["x"]]}
    out = str(event_sentence_html(ev))
    page = Page(out)
    assert not page.errors and "<b>" not in out and "&lt;b&gt;A&lt;/b&gt;" in out
    assert '<span class="ev-src">' in out and '<mark class="ev">' in out and "&amp; C" in out


# --------------------------------------------------------------------------- clusters and older stores


def test_event_clusters_say_who_else_reported_it(store: dict, tmp_path: Path) -> None:
    db = _copy(store, tmp_path, "clusters.db")
    con = _open(db)
    # the corpus pass's tables (made here where this store predates them), holding one cluster
    con.execute("CREATE TABLE IF NOT EXISTS event_clusters (id INTEGER PRIMARY KEY, category TEXT NOT NULL)")
    con.execute("CREATE TABLE IF NOT EXISTS event_cluster_members (cluster_id INTEGER NOT NULL,"
                " event_id INTEGER NOT NULL, article_id INTEGER NOT NULL)")
    con.execute("DELETE FROM event_cluster_members")
    con.execute("DELETE FROM event_clusters")
    con.execute("INSERT INTO event_clusters (id, category) VALUES (1, 'MOBILIZE')")
    for aid, eid in store["mobilize"].items():
        con.execute("INSERT INTO event_cluster_members VALUES (1, ?, ?)", (eid, aid))
    con.commit()
    con.close()
    with TestClient(create_app(str(db))) as c:
        events = c.get(f"/api/articles/{store['first']}").json()["events"]
        mob = next(e for e in events if e["id"] == store["mobilize"][store["first"]])
        assert mob["also_total"] == 1 and [o["id"] for o in mob["also"]] == [store["second"]]
        assert all(e["also_total"] == 0 for e in events if e is not mob)
        page = html(c, f"/article/{store['first']}")
        assert "also reported by 1 article" in page.html
        assert page.find("a", href=f"/article/{store['second']}")
        assert "also reported by 1 article" in html(c, "/events", category="MOBILIZE").html


def test_older_store_without_events_renders_without_them(store: dict, tmp_path: Path) -> None:
    db = _copy(store, tmp_path, "old.db")
    con = _open(db)
    for table in ("event_cluster_members", "event_clusters", "events"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with TestClient(create_app(str(db))) as c:
        assert c.get("/api/stats").json()["events"] is False
        res = c.get("/api/events", params={"category": "MOBILIZE"}).json()
        assert res["available"] is False and res["total"] == 0
        assert c.get(f"/api/articles/{store['first']}").json()["events"] == []
        assert c.get("/api/entity", params={"name": "Vladimir Putin"}).json()["events"]["total"] == 0
        page = html(c, f"/article/{store['first']}")
        assert not page.find("section", id="events")
        assert not [m for m in page.find("mark") if m.get("data-kind") == "event"]
        assert not page.find("a", href="/events")
        assert "has no events" in html(c, "/events").html
        assert not html(c, "/entity", name="Vladimir Putin").find("section", id="entity-events")
        for s in c.get("/api/stories", params={"min_articles": 1}).json()["results"]:
            assert not html(c, f"/story/{s['id']}").find("section", id="story-events")
        assert c.get("/api/events.csv").content.decode("utf-8-sig").startswith("id,article_id")


# --------------------------------------------------------------------------- PostgreSQL


def test_events_api_is_the_same_on_postgres(pg_url: str, tmp_path: Path, store: dict) -> None:
    lite = tmp_path / "lite.db"
    for db in (lite, pg_url):
        stats = ingest([str(store["root"] / "corpus")], db, workers=1)
        assert not stats.source_errors or all(e.startswith("corpus passes:") for e in stats.source_errors)
    with TestClient(create_app(str(lite))) as a, TestClient(create_app(pg_url)) as b:
        def same(path: str, key: str | None = None, **params: Any) -> Any:
            ra, rb = a.get(path, params=params), b.get(path, params=params)
            assert ra.status_code == rb.status_code == 200, (path, ra.status_code, rb.status_code, rb.text[:300])
            ja, jb = (ra.json(), rb.json()) if key is None else (ra.json()[key], rb.json()[key])
            assert ja == jb, path
            return jb

        listing = same("/api/events", per_page=200)
        assert listing["total"] >= 4
        for params in ({"category": "mobilize"}, {"actor": "PUTIN"}, {"country": "RU"}, {"country": "RUS"},
                       {"per_page": 1, "page": 10**12}, {"entity": "Vladimir Putin"}, {"category": "<b>"}):
            same("/api/events", **params)
        for aid in {e["article_id"] for e in listing["results"]}:
            same(f"/api/articles/{aid}", "events")
        assert same("/api/entity", "events", name="Vladimir Putin")["total"] >= 2
        for s in b.get("/api/stories", params={"min_articles": 1}).json()["results"]:
            same(f"/api/stories/{s['id']}", "events")
            assert b.get(f"/story/{s['id']}").status_code == 200
        for path in ("/events", "/events?category=MOBILIZE&country=RU", "/entity?name=Vladimir+Putin",
                     f"/article/{listing['results'][0]['article_id']}"):
            assert b.get(path).status_code == 200, path
        assert a.get("/api/events.csv").text == b.get("/api/events.csv").text.replace(str(b.base_url), str(a.base_url))


# --------------------------------------------------------------------------- in a browser


def test_clicking_an_event_opens_the_fact_panel(web: Any) -> None:  # noqa: F811
    """The seed article in Chromium (as test_web_places_browser.py drives it): clicking a
    trigger, then an actor, shows the event in the fact panel; a row of the events table leads
    to its words; no CSP violation or script error.  Screenshot: ``article-events.png``."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from test_web_places_browser import ARTIFACTS, _chromium

    events = web.client.get(f"/api/articles/{web.seed_id}").json()["events"]
    mob = next((e for e in events if e["category"] == "MOBILIZE" and e["source_name"]), None)
    if mob is None:
        pytest.skip("the seed article has no MOBILIZE event with a source here")
    expect = sync_api.expect
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--headless=new", "--no-sandbox"])
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=web.base).new_page()
            page.set_default_timeout(15_000)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"/article/{web.seed_id}")
            trigger = page.locator(f"#article-text mark#ev-{mob['id']}")
            expect(trigger).to_be_visible()
            trigger.click()
            panel = page.locator("#fact-panel")
            expect(panel).to_be_visible()
            expect(panel.locator("h3.panel-kind").first).to_contain_text("MOBILIZE")
            expect(panel).to_contain_text(mob["text"])
            expect(panel.locator(f'a.entity-link[href="/entity?name={mob["source_entity"].replace(" ", "+")}"]')
                   ).to_have_count(1)
            # an actor: the panel lists what is around the click, innermost first (the name's entity)
            page.locator(f'#article-text span.ev-src[data-for="ev-{mob["id"]}"]').first.click()
            expect(panel.locator("h3.panel-kind", has_text="event: MOBILIZE")).to_have_count(1)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.locator("#events").screenshot(path=str(ARTIFACTS / "article-events.png"))
            page.locator(f'#events-table tr[data-event="{mob["id"]}"] .trigger a').click()
            page.wait_for_url(f"**/article/{web.seed_id}#ev-{mob['id']}")
            page.goto("/events")
            expect(page.locator("#events-map a.pt").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "events.png"), full_page=True)
            assert problems == [], problems
        finally:
            browser.close()
