"""``nutgraf serve`` in a real browser: Playwright driving Debian's chromium (never a browser
downloaded by ``playwright install``).

Set-up (``chromium`` fixture): a chromium already on the machine is used (``NUTGRAF_CHROMIUM``,
else ``chromium``/``chromium-browser``/``google-chrome`` on PATH); when there is none and we are
root on a Debian-like system, ``apt-get install -y chromium`` installs it once per machine.
Where that is impossible the tests are skipped, unless ``NUTGRAF_REQUIRE_BROWSER=1`` makes a
missing browser a failure.

The article page's screenshot goes to ``tests/artifacts/article.png`` (git-ignored;
``NUTGRAF_ARTIFACTS`` picks another folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from webhelp import HOSTILE_TITLE, ROOT, web  # noqa: F401  (web: the fixture)

sync_api = pytest.importorskip("playwright.sync_api")

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARTIFACTS = Path(os.environ.get("NUTGRAF_ARTIFACTS") or ROOT / "tests" / "artifacts")


def _find_chromium() -> str | None:
    explicit = os.environ.get("NUTGRAF_CHROMIUM")
    if explicit and Path(explicit).exists():
        return explicit
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _unavailable(reason: str):
    if os.environ.get("NUTGRAF_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _find_chromium()
    if path:
        return path
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        _unavailable("no chromium found, and apt-get (as root) is not available to install Debian's")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], env=env,
                       check=True, capture_output=True, timeout=1200)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        out = getattr(exc, "stderr", b"") or b""
        _unavailable(f"apt-get install chromium failed: {exc}: {out.decode(errors='replace')[-800:]}")
    path = _find_chromium()
    if not path:
        _unavailable("apt-get installed chromium but no chromium binary is on PATH")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=["--headless=new", "--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, web):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=web.base)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.problems = []  # CSP violations and script errors show up here
    pg.dialogs = []
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    context.close()


def test_search_open_article_and_see_who_said_what(page, web):
    expect = sync_api.expect
    page.goto("/")
    page.fill("input[name=q]", "Verkhny Lars")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/?q=Verkhny+Lars*")
    first = page.locator("li.result").first
    expect(first.locator("mark").first).to_have_text("Verkhny")
    first.locator("a.result-title").click()
    page.wait_for_url(f"**/article/{web.seed_id}")
    expect(page.locator("h1#article-title")).to_contain_text("Russian officer")

    # the Wallace quote: highlighted, speaker on hover (title) and on click (the panel)
    quote = page.locator('mark[data-kind="quote"]', has_text="No amount of threats").first
    expect(quote).to_be_visible()
    assert quote.get_attribute("data-speaker") == "Ben Wallace"
    assert "Ben Wallace" in quote.get_attribute("title")
    panel = page.locator("#fact-panel")
    expect(panel).to_be_hidden()
    quote.click()
    expect(panel).to_be_visible()
    expect(panel.locator(".panel-speaker")).to_have_attribute("data-speaker", "Ben Wallace")
    expect(panel).to_contain_text("No amount of threats and propaganda")

    # '10,000' attributed to the authorities in Georgia
    figure = page.locator('mark[data-kind="amount"]', has_text="10,000").first
    assert figure.get_attribute("data-source") == "authorities in Georgia"
    assert "authorities in Georgia" in figure.get_attribute("title")
    figure.click()
    expect(panel.locator(".panel-source")).to_have_attribute("data-source", "authorities in Georgia")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "article.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # clicking the speaker's name in the panel leads to the entity page and what they said
    quote.click()
    panel.locator(".panel-speaker a").click()
    page.wait_for_url("**/entity?name=Ben+Wallace*")
    expect(page.locator("h1#entity-name")).to_have_text("Ben Wallace")
    expect(page.locator("#said")).to_contain_text("No amount of threats")
    assert page.problems == [], page.problems  # the CSP blocked nothing of ours


def test_quote_table_links_to_the_highlighted_evidence(page, web):
    expect = sync_api.expect
    page.goto("/quotes?speaker=Wallace")
    rows = page.locator("#quotes-table tbody tr")
    expect(rows).to_have_count(1)
    rows.first.locator('td:last-child a[href^="/article/"]').click()
    page.wait_for_url(f"**/article/{web.seed_id}#q-*")
    target = page.locator("mark:target")
    expect(target).to_contain_text("No amount of threats")
    # arriving at an anchored quote opens its panel
    expect(page.locator("#fact-panel")).to_be_visible()
    expect(page.locator("#fact-panel")).to_contain_text("Ben Wallace")
    # sortable: the speaker header sorts by speaker
    page.goto("/quotes")
    page.locator("#quotes-table th a", has_text="speaker").click()
    page.wait_for_url("**/quotes?*sort=speaker*")
    # first click on an unsorted column: descending (SQLite's binary order is code point order)
    names = page.locator("#quotes-table tbody tr td:nth-child(2) a").all_inner_texts()
    assert len(names) > 5 and names == sorted(names, reverse=True)
    assert page.problems == [], page.problems


def test_hostile_article_runs_no_script(page, web):
    expect = sync_api.expect
    for aid in web.hostile_ids:
        page.goto(f"/article/{aid}")
        expect(page.locator("h1#article-title")).to_have_text(HOSTILE_TITLE)
        expect(page.locator("#article-text")).to_contain_text("<script>alert(3)</script>")
        # click every highlight: the panel is built from the hostile data, as text
        for mark in page.locator("#article-text mark[id]").all():
            mark.click()
        expect(page.locator("#fact-panel")).to_be_visible()
        assert page.locator("img").count() == 0
        assert page.locator("script").count() == 1
        assert page.evaluate("document.querySelectorAll('[onerror],[onload],[onmouseover]').length") == 0
        page.locator("#article-text").hover()
    page.goto(f"/?q={'Zorblaxian'}")
    expect(page.locator("li.result")).to_have_count(2)
    page.goto("/quotes?q=alert")
    assert page.dialogs == [], page.dialogs
    assert page.problems == [], page.problems
