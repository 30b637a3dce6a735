"""The article page's map in a real browser (Playwright driving Debian's chromium, as in
``test_web_browser.py``): the map is drawn, a point is a link, and clicking it lands on the
place's page, which lists the article with the sentence naming the place.

Screenshots go to ``tests/artifacts/article-map.png`` and ``place.png`` (git-ignored;
``NUTGRAF_ARTIFACTS`` picks another folder)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from webhelp import ROOT, web  # noqa: F401  (web: the fixture)

sync_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(os.environ.get("NUTGRAF_ARTIFACTS") or ROOT / "tests" / "artifacts")


def _chromium() -> str:
    explicit = os.environ.get("NUTGRAF_CHROMIUM")
    if explicit and Path(explicit).exists():
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    reason = "no chromium found (test_web_browser.py's fixture installs Debian's where it can)"
    if os.environ.get("NUTGRAF_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def page(web):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--headless=new", "--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=web.base)
            pg = context.new_page()
            pg.set_default_timeout(15_000)
            pg.problems = []  # CSP violations and script errors show up here
            pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
            pg.on("pageerror", lambda e: pg.problems.append(str(e)))
            yield pg
        finally:
            browser.close()


def test_click_a_point_on_the_article_map_to_reach_the_place_page(page, web):
    expect = sync_api.expect
    places = web.client.get(f"/api/articles/{web.seed_id}").json()["places"]
    if not places:
        pytest.skip("the store has no places (schema 4)")
    page.goto(f"/article/{web.seed_id}")
    svg = page.locator("#article-map svg.map-svg")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 80
    assert page.locator("#article-map path.land").count() > 0  # the outlines are drawn
    points = page.locator("#article-map a.pt")
    assert points.count() == len([p for p in places if p["lat"] is not None])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#places").screenshot(path=str(ARTIFACTS / "article-map.png"))

    # the last point drawn is the smallest, on top of the others: a click lands on it
    point = points.last
    key = point.get_attribute("data-key")
    name = next(p["name"] for p in places if p["key"] == key)
    assert name in (point.locator("title").text_content() or "")
    point.locator("circle").click()
    page.wait_for_url(f"**/place/{key}")
    expect(page.locator("h1#place-name")).to_have_text(name)
    expect(page.locator("#place-map a.pt")).to_have_count(1)
    item = page.locator(f'li.place-article[data-article-id="{web.seed_id}"]')
    expect(item).to_be_visible()
    expect(item.locator("blockquote.sentence mark.plc-hit").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "place.png"))

    # back on the article, the place's mention opens the fact panel with a link to its page
    item.locator("a.result-title").click()
    page.wait_for_url(f"**/article/{web.seed_id}")
    mention = page.locator(f'#article-text span[data-kind="place"][data-place="{key}"]').first
    mention.click()
    panel = page.locator("#fact-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("a.place-link").first).to_have_attribute("href", f"/place/{key}")
    assert page.problems == [], page.problems
