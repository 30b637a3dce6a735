"""``sources.web``: URLs, URL lists, RSS/Atom feeds and sitemaps fetched from a real HTTP
server on 127.0.0.1 (robots.txt, redirects, errors, size cap, timeout, per-host rate), the
private-address guard (every hop, nothing sent), and ingest through the CLI."""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from nutgraf.cli import main
from nutgraf.sources import iter_sources
from nutgraf.sources.capture import Capture, Issue
from nutgraf.sources import web
from nutgraf.sources.web import (FetchError, Fetcher, FetchOptions, WebSource, address_problem, is_url_list,
                                 links_of, parse_xml, user_agent)
from nutgraf.store import open_store


def _article(i: int) -> bytes:
    return f"""<!doctype html><html lang="en"><head><title>Pier {i} to reopen</title>
<meta property="og:site_name" content="Porttown Gazette"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Pier {i} to reopen on Friday</h1>
<p>The northern pier number {i} will reopen to the public on Friday after two years of repairs,
the town council said on Monday. Engineers replaced {i + 40} rotten beams and the whole deck.</p>
<p>"We are proud of the work," said Mayor Jo Smith, who will cut the ribbon at noon. About 1,200
visitors a day are expected during the first week, according to the harbour office.</p>
<p>The repairs cost 3.4 million pounds, paid for by the council and a national heritage fund.</p>
</article><footer>Copyright 2024 Porttown Gazette</footer></body></html>""".encode()


PAGES = {f"/a{i}.html": _article(i) for i in range(1, 6)}
RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Gazette</title>
<item><title>One</title><link>/a1.html</link></item>
<item><title>Two</title><guid isPermaLink="true">/a2.html</guid></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>G</title>
<entry><title>Three</title><link rel="self" href="/nope"/><link href="/a3.html"/></entry></feed>"""
SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a1.html</loc></url>
<url><loc> /a4.html </loc><lastmod>2024-03-04</lastmod></url></urlset>"""
SITEMAP_GZ = gzip.compress(b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a5.html</loc></url></urlset>""")
INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>/sitemap2.xml.gz</loc></sitemap></sitemapindex>"""
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class _Handler(BaseHTTPRequestHandler):
    server_version = "fixture/1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        srv = self.server
        srv.log.append((self.path, time.monotonic(), self.headers.get("User-Agent")))  # type: ignore[attr-defined]
        path = self.path
        try:
            if path in PAGES:
                self._send(200, PAGES[path])
            elif path == "/robots.txt":
                self._send(200, ROBOTS, "text/plain")
            elif path == "/feed.rss":
                self._send(200, RSS, "application/rss+xml")
            elif path == "/feed-as-html":
                self._send(200, RSS, "text/html")  # misconfigured, but still a feed
            elif path == "/atom.xml":
                self._send(200, ATOM, "application/atom+xml")
            elif path == "/sitemap.xml":
                self._send(200, SITEMAP, "application/xml")
            elif path == "/sitemap_index.xml":
                self._send(200, INDEX, "text/xml")
            elif path == "/sitemap2.xml.gz":
                self._send(200, SITEMAP_GZ, "application/x-gzip")
            elif path == "/old":
                self._send(301, b"", headers={"Location": "/a1.html"})
            elif path == "/loop":
                self._send(302, b"", headers={"Location": "/loop"})
            elif path == "/to-private":
                self._send(302, b"", headers={"Location": f"http://127.0.0.2:{srv.server_port}/a2.html"})
            elif path == "/big":
                # claims 100 MB; the client must refuse on the header without reading
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(100 * 2**20))
                self.end_headers()
                self.wfile.write(b"<html>")
            elif path == "/stream":
                # no Content-Length: the cap is enforced while reading
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                for _ in range(64):
                    self.wfile.write(b"<p>" + b"x" * 1021)
            elif path == "/gzipped":
                body = gzip.compress(PAGES["/a1.html"])
                self._send(200, body, headers={"Content-Encoding": "gzip"})
            elif path == "/slow":
                time.sleep(2.0)
                self._send(200, PAGES["/a1.html"])
            elif path == "/image.png":
                self._send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
            elif path == "/private/secret.html":
                self._send(200, _article(99))
            else:
                self._send(404, b"not here", "text/plain")
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.block_on_close = False
    srv.log = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _base(srv: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{srv.server_port}"


def _requests(srv: ThreadingHTTPServer, since: int = 0) -> list[str]:
    return [p for p, _t, _ua in srv.log[since:]]  # type: ignore[attr-defined]


FAST = dict(allow_private=True, rate=0, timeout=0.5)


# --------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize("ip, problem", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("::ffff:127.0.0.1", "loopback"),
    ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("100.64.0.1", "non-public"),
    ("8.8.8.8", None), ("2606:4700:4700::1111", None),
])
def test_address_problem(ip, problem):
    assert address_problem(ip) == problem


def test_feed_and_sitemap_links():
    base = "https://news.example/feeds/x"
    assert links_of(parse_xml(RSS), base) == ["https://news.example/a1.html", "https://news.example/a2.html"]
    assert links_of(parse_xml(ATOM), base) == ["https://news.example/a3.html"]
    assert links_of(parse_xml(SITEMAP), base) == ["https://news.example/a1.html", "https://news.example/a4.html"]
    assert links_of(parse_xml(INDEX), base) == ["https://news.example/sitemap2.xml.gz"]
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
    <channel/><item><link>https://news.example/r1</link></item></rdf:RDF>"""
    assert links_of(parse_xml(rdf), base) == ["https://news.example/r1"]
    with pytest.raises(ValueError):
        parse_xml(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><rss>&a;</rss>')


def test_url_list_detection(tmp_path):
    (tmp_path / "a.urls").write_text("# nothing yet\n")
    (tmp_path / "list.txt").write_text("# reading\nhttps://a.example/1\n\nhttp://b.example/2\n")
    (tmp_path / "prose.txt").write_text("A headline\n\nhttps://a.example/1 is where it was said.\n")
    assert is_url_list(tmp_path / "a.urls") and is_url_list(tmp_path / "list.txt")
    assert not is_url_list(tmp_path / "prose.txt")


def test_user_agent():
    from nutgraf import __version__

    assert user_agent().startswith(f"nutgraf/{__version__} (+https://")


# --------------------------------------------------------------------------- fetcher against the server


def test_fetch_page_redirect_robots_and_user_agent(server):
    before = len(server.log)
    f = Fetcher(FetchOptions(**FAST))
    r = f.get(_base(server) + "/old")
    assert r.url == _base(server) + "/a1.html" and r.body == PAGES["/a1.html"] and r.status == 200
    assert r.media_type == "text/html" and r.fetched_at.endswith("+00:00")
    f.get(_base(server) + "/a2.html")
    with pytest.raises(FetchError) as exc:
        f.get(_base(server) + "/private/secret.html")
    assert exc.value.status == "skipped" and "robots.txt" in exc.value.reason
    seen = _requests(server, before)
    assert seen.count("/robots.txt") == 1  # cached per host
    assert "/private/secret.html" not in seen  # disallowed: never requested
    assert {ua for _p, _t, ua in server.log[before:]} == {user_agent()}


def test_fetch_failures(server):
    f = Fetcher(FetchOptions(**FAST, max_bytes=16 * 1024))
    cases = {"/missing": "HTTP 404 Not Found", "/loop": "more than 5 redirects", "/big": "over the",
             "/stream": "over the 16384 bytes limit", "/slow": "timed out after 0.5s"}
    for path, reason in cases.items():
        with pytest.raises(FetchError) as exc:
            f.get(_base(server) + path)
        assert exc.value.status == "failed" and reason in exc.value.reason, (path, exc.value.reason)
    # gzip Content-Encoding is undone
    assert f.get(_base(server) + "/gzipped").body == PAGES["/a1.html"]


def test_private_addresses_refused_without_a_request(server):
    before = len(server.log)
    records = list(iter_sources([_base(server) + "/a1.html", f"http://localhost:{server.server_port}/a2.html"]))
    assert [type(r) for r in records] == [Issue, Issue]
    for r in records:
        assert r.status == "skipped" and "loopback" in r.reason and "--allow-private" in r.reason
        assert r.origin.kind == "web"
    assert len(server.log) == before  # nothing, not even robots.txt, reached the server


def test_every_redirect_hop_is_checked(server, monkeypatch):
    # pretend 127.0.0.1 is public: the first hop is allowed, the redirect to 127.0.0.2 is not
    real = web.address_problem
    monkeypatch.setattr(web, "address_problem", lambda ip: None if ip == "127.0.0.1" else real(ip))
    before = len(server.log)
    with pytest.raises(FetchError) as exc:
        Fetcher(FetchOptions(rate=0, timeout=0.5)).get(_base(server) + "/to-private")
    assert exc.value.status == "skipped" and "127.0.0.2" in exc.value.reason
    assert "/a2.html" not in _requests(server, before)


def test_rate_limit_per_host(server):
    before = len(server.log)
    source = WebSource(FetchOptions(allow_private=True, rate=5, timeout=1))
    records = [r for u in ("/a1.html", "/a2.html", "/a3.html") for r in source.iter_url(_base(server) + u)]
    assert all(isinstance(r, Capture) for r in records)
    times = [t for _p, t, _ua in server.log[before:]]
    assert len(times) == 4  # robots.txt + 3 pages
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.17, gaps  # 1/5 s apart, less scheduling jitter


def test_feeds_and_sitemaps_expand(server):
    source = WebSource(FetchOptions(**FAST))
    got = {}
    for u in ("/feed.rss", "/atom.xml", "/sitemap_index.xml", "/sitemap.xml"):
        got[u] = [(type(r).__name__, r.url) for r in source.iter_url(_base(server) + u)]
    b = _base(server)
    assert got["/feed.rss"] == [("Capture", b + "/a1.html"), ("Capture", b + "/a2.html")]
    assert got["/atom.xml"] == [("Capture", b + "/a3.html")]
    assert got["/sitemap_index.xml"] == [("Capture", b + "/a5.html")]
    assert got["/sitemap.xml"] == [("Capture", b + "/a4.html")]  # a1 already fetched in this run
    again = WebSource(FetchOptions(**FAST)).iter_url(b + "/feed-as-html")
    assert [(type(r).__name__, r.url) for r in again] == got["/feed.rss"]


# --------------------------------------------------------------------------- through the CLI


def test_ingest_url_list_through_cli(server, tmp_path):
    b = _base(server)
    lst = tmp_path / "reading.urls"
    lst.write_text("\n".join([
        "# a feed, an Atom feed, a sitemap index (-> .xml.gz) and a sitemap", f"{b}/feed.rss", f"{b}/atom.xml",
        f"{b}/sitemap_index.xml", f"{b}/sitemap.xml", "",
        f"{b}/old", f"{b}/private/secret.html", f"{b}/image.png", f"{b}/missing", f"{b}/loop", f"{b}/big",
        f"{b}/slow", "ftp://example.com/file", ""]))
    db = tmp_path / "web.db"
    args = ["ingest", str(lst), "--db", str(db), "--allow-private", "--rate", "0", "--timeout", "0.5",
            "--workers", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output + str(result.exception)
    assert "5 ingested, 1 unchanged, 2 skipped, 5 failed" in result.stderr
    with open_store(db) as store:
        rows = {r["origin_path"].replace(b, ""): dict(r) for r in store.conn.execute(
            "SELECT * FROM captures WHERE origin_kind = 'web'")}
        assert {p for p, r in rows.items() if r["status"] == "ok"} == {f"/a{i}.html" for i in range(1, 6)}
        reasons = {p: (r["status"], r["error"]) for p, r in rows.items() if r["status"] != "ok"}
        assert reasons["/private/secret.html"][0] == "skipped" and "robots.txt" in reasons["/private/secret.html"][1]
        assert reasons["/image.png"] == ("skipped", "content type image/png is not HTML, text, a feed or a sitemap")
        assert reasons["/missing"] == ("failed", "HTTP 404 Not Found")
        assert "redirects" in reasons["/loop"][1] and "over the" in reasons["/big"][1]
        assert "timed out" in reasons["/slow"][1]
        bad = [r for p, r in rows.items() if p == str(lst)]
        assert bad and bad[0]["status"] == "failed" and "not an http(s) URL" in bad[0]["error"]
        assert bad[0]["origin_line"] == 14
        a1 = rows["/a1.html"]
        assert a1["url"] == b + "/a1.html" and a1["content_type"].startswith("text/html")
        assert a1["fetched_at"] and a1["size"] == len(PAGES["/a1.html"])
        assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5

    # again: the same pages are unchanged, recorded failures and skips stay as they are
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "0 ingested, 13 unchanged, 0 skipped, 0 failed" in again.stderr


def test_ingest_loopback_refused_through_cli(server, tmp_path):
    before = len(server.log)
    db = tmp_path / "n.db"
    result = CliRunner().invoke(main, ["ingest", _base(server) + "/a1.html", "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "0 ingested, 0 unchanged, 1 skipped, 0 failed" in result.stderr
    assert "loopback address 127.0.0.1" in result.stderr and "--allow-private" in result.stderr
    assert len(server.log) == before
    with open_store(db) as store:
        row = store.conn.execute("SELECT status, error, origin_kind, url FROM captures").fetchone()
        assert row["status"] == "skipped" and row["origin_kind"] == "web" and row["url"].endswith("/a1.html")


def test_url_list_missing_is_source_error(tmp_path):
    errors: list = []
    assert list(iter_sources([str(tmp_path / "nope.urls")], errors)) == []
    assert errors and "no such file" in str(errors[0])


def test_folder_walk_never_fetches(server, tmp_path):
    (tmp_path / "list.txt").write_text(_base(server) + "/a1.html\n")
    before = len(server.log)
    records = list(iter_sources([str(tmp_path)], fetch=FetchOptions(**FAST)))
    assert len(records) == 1 and records[0].origin.kind == "file"  # read as a text document
    assert len(server.log) == before
    named = list(iter_sources([str(tmp_path / "list.txt")], fetch=FetchOptions(**FAST)))
    assert [r.origin.kind for r in named] == ["web"] and isinstance(named[0], Capture)


def test_path_like_urls_stay_files(tmp_path):
    # a file argument is never mistaken for a URL
    p = tmp_path / "http_page.html"
    p.write_bytes(PAGES["/a1.html"])
    assert [r.origin.kind for r in iter_sources([str(p)])] == ["file"]
