"""Re-running an ingest of URLs does not download stored pages again: a page URL with a
stored article is counted ``unchanged`` without a request, feeds and sitemaps are fetched
every time (only their new links are), failed and skipped URLs are tried again, and
``--refetch`` / ``refetch=True`` fetches everything.  Against a real HTTP server on
127.0.0.1 that counts the requests it gets."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from nutgraf.cli import main
from nutgraf.run.local import ingest
from nutgraf.sources.capture import Capture, Known, Origin
from nutgraf.sources.web import FetchOptions, WebSource
from nutgraf.store import open_store
from storehelp import make_article

FAST = dict(allow_private=True, rate=0, timeout=2.0)


def _story(i: int, edition: str = "first") -> bytes:
    return f"""<!doctype html><html lang="en"><head><title>Ferry route {i} restored</title></head><body>
<article><h1>Ferry route {i} restored after storm damage</h1>
<p>The ferry on route {i} between the harbour and the island will sail again from Tuesday, the
operator said on Sunday, after the storm in March damaged the landing stage ({edition} edition).</p>
<p>"Islanders have waited long enough," said Captain Ann Lee, who has run the boat for twelve
years. About 800 passengers a day used the route before it closed, according to the council.</p>
<p>Repairs to the landing stage cost 1.8 million pounds, shared by the council and the operator.</p>
</article></body></html>""".encode()


def _rss(paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{p}</link></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Isles</title>{items}</channel></rss>'.encode()


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None  # a redirect's target path


@dataclass
class Site:
    """What the server answers, per path (changed by the tests between runs), and what it was
    asked.  A path with a list of replies gives them in turn, then repeats the last."""

    base: str = ""  # http://127.0.0.1:PORT
    pages: dict[str, Reply | list[Reply]] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)  # (path, User-Agent)

    def reply(self, path: str) -> Reply:
        found = self.pages.get(path, Reply(404, b"not here", "text/plain"))
        if isinstance(found, list):
            return found.pop(0) if len(found) > 1 else found[0]
        return found

    def asked(self, since: int = 0) -> list[str]:
        """Paths requested after the first ``since`` requests, robots.txt left out."""
        return [p for p, _ua in self.log[since:] if p != "/robots.txt"]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        site: Site = self.server.site  # type: ignore[attr-defined]
        site.log.append((self.path, self.headers.get("User-Agent", "")))
        reply = site.reply(self.path)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        if reply.location:
            self.send_header("Location", site.base + reply.location)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)


@pytest.fixture
def site():
    """A fresh site per test (so request counts are the test's own), with its base URL."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    stories = {f"/a{i}.html": Reply(200, _story(i)) for i in range(1, 4)}
    site = Site(f"http://127.0.0.1:{srv.server_port}", stories)
    srv.site = site  # type: ignore[attr-defined]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield site
    srv.shutdown()
    srv.server_close()


def _ingest(sources: list[str], db, **kwargs):
    return ingest(sources, db, workers=1, fetch=FetchOptions(**FAST), **kwargs)


def _url_list(tmp_path, site: Site, paths: list[str]) -> str:
    lst = tmp_path / "reading.urls"
    lst.write_text("".join(f"{site.base}{p}\n" for p in paths))
    return str(lst)


# --------------------------------------------------------------------------- the source alone


def test_known_pages_are_not_fetched_but_feeds_are(site):
    site.pages["/feed.rss"] = Reply(200, _rss(["/a1.html", "/a2.html"]), "application/rss+xml")
    known_url = site.base + "/a1.html"
    source = WebSource(FetchOptions(**FAST), known=lambda url: url == known_url)
    records = list(source.iter_url(site.base + "/feed.rss"))
    assert records[0] == Known(known_url, Origin("web", known_url))
    assert isinstance(records[1], Capture) and records[1].url.endswith("/a2.html")
    assert site.asked() == ["/feed.rss", "/a2.html"]


def test_has_stored_url_counts_only_stored_articles(tmp_path):
    with open_store(tmp_path / "s.db") as store:
        _check_has_stored_url(store)


def test_has_stored_url_on_postgres(pg_url):
    with open_store(pg_url) as store:
        _check_has_stored_url(store)


def _check_has_stored_url(store) -> None:
    capture, article = make_article(0)
    assert not store.has_stored_url(capture.url)
    store.add_article(capture, article, version="test", settings_hash="test")
    assert store.has_stored_url(capture.url)
    failed = Capture(b"<html>broken</html>", Origin("web", "https://news.example/broken"),
                     url="https://news.example/broken")
    store.add_failure(failed, "extraction failed")
    assert not store.has_stored_url("https://news.example/broken")
    assert not store.has_stored_url("https://news.example/elsewhere")


# --------------------------------------------------------------------------- ingest


def test_second_ingest_of_a_url_list_requests_no_stored_page(site, tmp_path):
    lst = _url_list(tmp_path, site, ["/a1.html", "/a2.html", "/a3.html"])
    db = tmp_path / "r.db"
    first = _ingest([lst], db)
    assert first.counts() == {"ingested": 3, "unchanged": 0, "skipped": 0, "failed": 0}
    before = len(site.log)
    again = _ingest([lst], db)
    assert again.counts() == {"ingested": 0, "unchanged": 3, "skipped": 0, "failed": 0}
    assert site.log[before:] == []  # not even robots.txt: the host was never contacted
    with open_store(db) as store:
        assert store.counts()["captures"] == 3


def test_a_feed_is_fetched_again_and_only_its_new_link(site, tmp_path):
    feed = site.base + "/feed.rss"
    site.pages["/feed.rss"] = Reply(200, _rss(["/a1.html", "/a2.html"]), "application/rss+xml")
    db = tmp_path / "f.db"
    assert _ingest([feed], db).ingested == 2
    site.pages["/feed.rss"] = Reply(200, _rss(["/a3.html", "/a1.html", "/a2.html"]), "application/rss+xml")
    before = len(site.log)
    again = _ingest([feed], db)
    assert site.asked(before) == ["/feed.rss", "/a3.html"]
    assert again.counts() == {"ingested": 1, "unchanged": 2, "skipped": 0, "failed": 0}


def test_refetch_fetches_stored_pages_again(site, tmp_path):
    lst = _url_list(tmp_path, site, ["/a1.html", "/a2.html"])
    db = tmp_path / "x.db"
    _ingest([lst], db)
    before = len(site.log)
    same = _ingest([lst], db, refetch=True)
    assert site.asked(before) == ["/a1.html", "/a2.html"]
    assert same.counts() == {"ingested": 0, "unchanged": 2, "skipped": 0, "failed": 0}  # same bytes
    site.pages["/a1.html"] = Reply(200, _story(1, "second"))
    changed = _ingest([lst], db, refetch=True)
    assert changed.counts() == {"ingested": 1, "unchanged": 1, "skipped": 0, "failed": 0}
    with open_store(db) as store:
        assert store.counts()["articles"] == 3


def test_failed_and_skipped_urls_are_fetched_again(site, tmp_path):
    site.pages["/flaky.html"] = [Reply(500, b"oops", "text/plain"), Reply(200, _story(7))]
    site.pages["/logo.png"] = Reply(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png")
    lst = _url_list(tmp_path, site, ["/a1.html", "/flaky.html", "/logo.png"])
    db = tmp_path / "e.db"
    first = _ingest([lst], db)
    assert first.counts() == {"ingested": 1, "unchanged": 0, "skipped": 1, "failed": 1}
    before = len(site.log)
    again = _ingest([lst], db)
    assert site.asked(before) == ["/flaky.html", "/logo.png"]
    # the page that failed is stored now; the image is skipped as before (its record is kept)
    assert again.counts() == {"ingested": 1, "unchanged": 2, "skipped": 0, "failed": 0}


# --------------------------------------------------------------------------- CLI


def test_cli_flags_are_documented():
    result = CliRunner().invoke(main, ["ingest", "--help"])
    assert result.exit_code == 0
    assert "--refetch" in result.output and "--user-agent TEXT" in result.output


@pytest.mark.parametrize("bad", ["", "   ", "bot\r\nX-Evil: 1"])
def test_cli_refuses_an_empty_or_multi_line_user_agent(tmp_path, bad):
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", str(tmp_path / "u.db"),
                                       "--user-agent", bad])
    assert result.exit_code == 2 and "--user-agent" in result.output
    assert not (tmp_path / "u.db").exists()


def test_cli_refetch_and_user_agent(site, tmp_path):
    lst = _url_list(tmp_path, site, ["/a1.html", "/a2.html"])
    args = ["ingest", lst, "--db", str(tmp_path / "c.db"), "--allow-private", "--rate", "0", "--workers", "1",
            "--user-agent", "tester/1.0 (+https://example.org/bot)"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output + str(first.exception)
    assert "2 ingested, 0 unchanged" in first.stderr
    assert {ua for _p, ua in site.log} == {"tester/1.0 (+https://example.org/bot)"}
    before = len(site.log)
    again = CliRunner().invoke(main, args)
    assert "0 ingested, 2 unchanged" in again.stderr and site.asked(before) == []
    refetched = CliRunner().invoke(main, [*args, "--refetch"])
    assert refetched.exit_code == 0 and "0 ingested, 2 unchanged" in refetched.stderr
    assert site.asked(before) == ["/a1.html", "/a2.html"]


def test_a_link_that_redirects_to_a_stored_page_is_not_fetched_again(site, tmp_path):
    # a feed's tracking link: the stored capture's URL is the one after the redirect
    site.pages["/go/1"] = Reply(301, b"", "text/plain", location="/a1.html")
    feed = site.base + "/feed.rss"
    site.pages["/feed.rss"] = Reply(200, _rss(["/go/1"]), "application/rss+xml")
    db = tmp_path / "g.db"
    assert _ingest([feed], db).ingested == 1
    with open_store(db) as store:
        assert store.has_stored_url(site.base + "/a1.html")  # after the redirect
        assert store.has_stored_url(site.base + "/go/1")  # as asked for
    before = len(site.log)
    again = _ingest([feed], db)
    assert site.asked(before) == ["/feed.rss"]
    assert again.counts() == {"ingested": 0, "unchanged": 1, "skipped": 0, "failed": 0}
