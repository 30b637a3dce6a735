"""The web UI on a phone and from the keyboard (issue 16): Playwright driving Debian's chromium,
set up as in ``test_web_browser.py`` (its ``chromium_path`` and ``browser`` fixtures: a missing
browser is installed with apt-get where we are root, else the tests skip, or fail under
``NUTGRAF_REQUIRE_BROWSER=1``).

- At 375 px no page is wider than the screen: wide tables scroll inside their own box.
- A tapped quote's details, speaker included, show inside the viewport, and the quote stays in
  view above them; Escape and the close button close them.
- The panel opens with Enter or Space, takes the focus, and Escape gives it back.
- On a desktop the open panel never covers the rest of the sidebar, however far the page is
  scrolled.
- The legend says in words what each highlight is, and the quote kinds differ by line, not by
  colour alone.

Screenshots go to ``tests/artifacts/mobile-*.png`` (git-ignored; ``NUTGRAF_ARTIFACTS`` picks
another folder).
"""

from __future__ import annotations

import re

import pytest

from test_web_browser import ARTIFACTS, browser, chromium_path, sync_api  # noqa: F401  (fixtures)
from webhelp import web  # noqa: F401  (the fixture)

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
WALLACE = "No amount of threats"

# every kind of page; {seed} is the seed article's id, {hostile} an article with markup in every
# field, {story} and {place} the first story and place the store has
PAGES = ["/article/{seed}", "/article/{hostile}", "/", "/?q=Russia", "/quotes", "/figures", "/entities",
         "/entity?name=Ben+Wallace", "/events", "/stories", "/story/{story}", "/places", "/place/{place}",
         "/docs", "/trace?q=No+amount+of+threats&kind=quote", "/trace?q=10%2C000&kind=figure"]


def _page_path(web, path: str) -> str:
    """PAGES' placeholders filled from the store (a store without stories or places skips)."""
    fill = {"seed": web.seed_id, "hostile": web.hostile_ids[0] if web.hostile_ids else -1}
    if "{story}" in path:
        stories = web.client.get("/api/stories", params={"min": 1}).json().get("results") or []
        if not stories:
            pytest.skip("the store has no stories")
        fill["story"] = stories[0]["id"]
    if "{place}" in path:
        places = web.client.get("/api/places").json().get("results") or []
        if not places:
            pytest.skip("the store has no places")
        fill["place"] = places[0]["key"]
    return path.format(**fill)


def _context_page(browser, web, viewport, **options):
    context = browser.new_context(viewport=viewport, base_url=web.base, **options)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.problems = []  # CSP violations and script errors show up here
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    return context, pg


@pytest.fixture
def phone(browser, web):
    # has_touch for tap(); not is_mobile, whose layout viewport widens to fit the content and
    # would hide the very overflow these tests look for
    context, pg = _context_page(browser, web, PHONE, has_touch=True)
    yield pg
    context.close()


@pytest.fixture
def desktop(browser, web):
    context, pg = _context_page(browser, web, DESKTOP)
    yield pg
    context.close()


def _box(locator) -> dict:
    """The element's box in viewport coordinates (getBoundingClientRect)."""
    return locator.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")


def _inside_viewport(page, box: dict) -> bool:
    w, h = page.evaluate("[window.innerWidth, window.innerHeight]")
    return box["top"] >= 0 and box["left"] >= 0 and box["bottom"] <= h + 0.5 and box["right"] <= w + 0.5


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


# --------------------------------------------------------------------------- without a browser


@pytest.mark.parametrize("path", ["/quotes", "/figures", "/entities", "/events", "/places", "/docs"])
def test_every_data_table_is_in_a_scroll_box(web, path):
    html = web.client.get(path).text
    tables = len(re.findall(r"<table\b", html))
    wrapped = len(re.findall(r'<div class="table-scroll"[^>]*>\s*<table\b', html))
    assert wrapped == tables, f"{path}: {tables - wrapped} of {tables} tables outside a .table-scroll box"


def test_article_legend_names_the_quote_kinds_in_words(web):
    html = web.client.get(f"/article/{web.seed_id}").text
    legend = html[html.index('id="legend"'):]
    legend = legend[:legend.index("</p>")]
    for words in ("direct quote", "mixed quote", "indirect quote", "no speaker found", "no source given"):
        assert words in legend, words


# --------------------------------------------------------------------------- 375 px


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_at_375px(phone, browser, web, path):
    url = _page_path(web, path)
    assert phone.goto(url).status == 200
    width, inner, body = phone.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth]")
    assert inner == PHONE["width"]
    assert width <= inner and body <= inner, f"{url} is {max(width, body)} px wide at {inner} px"
    assert phone.problems == [], phone.problems
    # as a phone lays it out (meta viewport honoured): a page wider than the screen would widen
    # the layout viewport and be shown zoomed out
    context, mobile = _context_page(browser, web, PHONE, has_touch=True, is_mobile=True)
    try:
        mobile.goto(url)
        assert mobile.evaluate("window.innerWidth") == PHONE["width"], url
    finally:
        context.close()


def test_wide_tables_scroll_inside_their_box_at_375px(phone, web):
    for path in ("/quotes", "/figures"):
        phone.goto(path)
        box = phone.locator(".table-scroll").first
        sizes = box.evaluate("e => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right]")
        # the table keeps its columns readable and scrolls on its own; the box fits the screen
        assert sizes[0] > sizes[1], f"{path}: the table was squeezed to {sizes[1]} px instead of scrolling"
        assert sizes[2] <= PHONE["width"]
        before = phone.evaluate("window.scrollX")
        box.evaluate("e => { e.scrollLeft = 200; }")
        assert box.evaluate("e => e.scrollLeft") > 0 and phone.evaluate("window.scrollX") == before


def test_tapped_quote_shows_its_speaker_without_scrolling(phone, web):
    expect = sync_api.expect
    phone.goto(f"/article/{web.seed_id}")
    quote = phone.locator('mark[data-kind="quote"]', has_text=WALLACE).first
    quote.scroll_into_view_if_needed()
    panel = phone.locator("#fact-panel")
    expect(panel).to_be_hidden()
    quote.tap()
    expect(panel).to_be_visible()
    speaker = panel.locator(".panel-speaker")
    expect(speaker).to_have_attribute("data-speaker", "Ben Wallace")
    panel_box, speaker_box = _box(panel), _box(speaker)
    assert _inside_viewport(phone, panel_box), panel_box
    assert _inside_viewport(phone, speaker_box), speaker_box
    # the quote itself is still in view, above the sheet and not under it
    quote_box = _box(quote)
    assert quote_box["top"] >= 0 and quote_box["top"] < panel_box["top"], (quote_box, panel_box)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "mobile-article-tap.png"))

    # a figure further down: the sheet follows, with its source
    figure = phone.locator('mark[data-kind="amount"]', has_text="10,000").first
    figure.scroll_into_view_if_needed()
    figure.tap()
    source = panel.locator(".panel-source")
    expect(source).to_have_attribute("data-source", "authorities in Georgia")
    assert _inside_viewport(phone, _box(source))

    # the close button and Escape close the sheet
    panel.locator("button.panel-close").tap()
    expect(panel).to_be_hidden()
    quote.tap()
    expect(panel).to_be_visible()
    phone.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert phone.problems == [], phone.problems


def test_anchored_quote_opens_in_view_at_375px(phone, web):
    """Arriving from the quotes table (/article/N#q-ID) shows the quote and its details."""
    expect = sync_api.expect
    phone.goto("/quotes?speaker=Wallace")
    phone.locator('#quotes-table tbody tr td:last-child a[href^="/article/"]').first.tap()
    phone.wait_for_url(f"**/article/{web.seed_id}#q-*")
    panel = phone.locator("#fact-panel")
    expect(panel).to_contain_text("Ben Wallace")
    assert _inside_viewport(phone, _box(panel.locator(".panel-speaker")))
    target = _box(phone.locator("mark:target"))
    assert target["top"] >= 0 and target["bottom"] <= _box(panel)["top"], target


# a URL with no place to break, as an article's URL or a scraped byline can be
LONG = "https://example.com/" + "averylongpathsegmentwithnohyphen" * 10


@pytest.mark.parametrize("path, selectors", [
    ("/?q=Russia", [".result-meta", ".snippet", ".result-title"]),
    ("/article/{seed}", ["#article-title", ".byline", "#article-text .para", "dl.capture dd", "ol.facts li"]),
    ("/entity?name=Ben+Wallace", ["#entity-name", "#said blockquote", ".byline"]),
    ("/stories", ["ol.timeline li"]),
    ("/quotes", ["#quotes-table td.quote-cell"]),
])
def test_long_words_wrap_at_375px(phone, web, path, selectors):
    """Whatever the text, a word longer than the screen wraps (in a table: within its box)."""
    phone.goto(path.format(seed=web.seed_id))
    found = phone.evaluate("""([sels, word]) => sels.map(sel => {
        const e = document.querySelector(sel);
        if (e) { e.appendChild(document.createTextNode(' ' + word)); }
        return !!e;
    })""", [selectors, LONG])
    assert all(found), [s for s, f in zip(selectors, found) if not f]
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path}: {width} px with a long word in {selectors}"


def test_a_table_without_the_wrapper_is_wrapped_by_the_script(phone, web):
    """The templates wrap their wide tables; the script boxes any other one (the article's
    metadata table here), so a table a page adds later cannot widen the page either."""
    phone.goto(f"/article/{web.seed_id}")
    html = web.client.get(f"/article/{web.seed_id}").text
    assert re.search(r'<div class="table-scroll"[^>]*>\s*<table class="meta"', html) is None
    assert phone.locator("#metadata .table-scroll > table.meta").count() == 1


# --------------------------------------------------------------------------- keyboard


def test_keyboard_opens_and_closes_the_panel(desktop, web):
    expect = sync_api.expect
    desktop.goto(f"/article/{web.seed_id}")
    quote = desktop.locator('mark[data-kind="quote"]', has_text=WALLACE).first
    assert quote.get_attribute("role") == "button"
    assert quote.get_attribute("aria-expanded") == "false"
    panel = desktop.locator("#fact-panel")
    quote.focus()
    desktop.keyboard.press("Enter")
    expect(panel).to_be_visible()
    expect(panel.locator(".panel-speaker")).to_have_attribute("data-speaker", "Ben Wallace")
    assert quote.get_attribute("aria-expanded") == "true"
    # the focus moves to the panel, so its links come next, and Escape brings it back
    assert desktop.evaluate("document.activeElement.id") == "fact-panel"
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("document.activeElement.closest('#fact-panel') !== null")
    desktop.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert desktop.evaluate("document.activeElement.id") == quote.get_attribute("id")
    assert quote.get_attribute("aria-expanded") == "false"
    # Space opens it too
    figure = desktop.locator('mark[data-kind="amount"]', has_text="10,000").first
    figure.focus()
    desktop.keyboard.press(" ")
    expect(panel.locator(".panel-source")).to_have_attribute("data-source", "authorities in Georgia")
    assert desktop.problems == [], desktop.problems


# --------------------------------------------------------------------------- desktop


def test_open_panel_never_covers_the_sidebar_on_desktop(desktop, web):
    expect = sync_api.expect
    desktop.goto(f"/article/{web.seed_id}")
    panel = desktop.locator("#fact-panel")
    quote = desktop.locator('mark[data-kind="quote"]', has_text=WALLACE).first
    quote.click()
    expect(panel).to_be_visible()
    assert _inside_viewport(desktop, _box(panel.locator(".panel-speaker")))
    others = desktop.locator("aside.side > section:not(#fact-panel)")
    assert others.count() >= 3
    height = desktop.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 300):  # the old sticky panel slid over the sections below it
        desktop.evaluate(f"window.scrollTo(0, {y})")
        p = _box(panel)
        for i in range(others.count()):
            o = _box(others.nth(i))
            assert not _overlap(p, o), f"at scrollY={y} the panel {p} covers sidebar section {i} {o}"
    # a fact near the end of the text still shows its details in view
    last = desktop.locator("#article-text mark[data-kind]").last
    last.click()
    assert _inside_viewport(desktop, _box(panel.locator(".panel-item").first))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    desktop.screenshot(path=str(ARTIFACTS / "mobile-desktop-panel.png"))
    assert desktop.problems == [], desktop.problems


def test_quote_kinds_differ_by_line_not_colour_alone(desktop, web):
    desktop.goto(f"/article/{web.seed_id}")
    styles = desktop.evaluate("""() => ['q-direct', 'q-mixed', 'q-indirect'].map(k => {
        const m = document.querySelector('#legend mark.' + k);
        return [k, getComputedStyle(m).borderBottomStyle, m.closest('.legend-item').textContent];
    })""")
    assert len({s[1] for s in styles}) == 3, styles
    for kind, _, text in styles:
        assert kind[2:] in text, (kind, text)
