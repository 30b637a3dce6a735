"""Hostile input at the ingest's front door (issue 17): strings that are not valid Unicode,
readers fed decompression bombs, unchecked source hints, IPv6 hosts and huge robots.txt
files, and terminal escapes in what the CLI prints.  Self-contained: every input is made
here, in tmp_path; the only network is a server on the loopback address."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import zlib
from pathlib import Path

import pytest

from nutgraf.sources import Capture, FetchOptions, Issue, iter_sources
from nutgraf.sources.capture import Origin, safe_label
from nutgraf.sources.jsonl import check_published, iter_jsonl
from nutgraf.sources.web import Fetcher, FetchError

PAGE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        "<p>The harbour council said on Tuesday that pier number {i} will reopen on Friday after "
        "two years of repairs, with new beams, a new deck and a wider walkway for visitors.</p>"
        "<p>Engineers replaced the rotten beams and the whole deck, according to the contractor, "
        "who said the work came in under budget and ahead of the schedule agreed in spring.</p>"
        "</article></body></html>")


def page(i: int, title: str | None = None) -> str:
    return PAGE.format(i=i, title=title or f"Pier {i} reopens")


# --------------------------------------------------------------------------- 1. bad strings


def _jsonl(path: Path, records: list[dict]) -> None:
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile file would
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="ascii")


def test_lone_surrogates_in_jsonl_become_replacement_characters(tmp_path):
    src = tmp_path / "docs.jsonl"
    _jsonl(src, [{"url": "https://a.example/1", "html": page(1)},
                 {"url": "https://a.example/2", "html": page(2, "x \ud800 y")},
                 {"url": "https://a.example/3\ud800", "text": "Head\n\nx \udfff y body."},
                 {"url": "https://a.example/4", "html": page(4), "title": "t \ud800", "published": "2024-01-02"},
                 {"url": "https://a.example/5", "html": page(5)}])
    items = list(iter_jsonl(src))
    assert [type(i) for i in items] == [Capture] * 5
    assert "x \ufffd y" in items[1].data.decode("utf-8")
    assert items[2].url == "https://a.example/3\ufffd" and b"x \xef\xbf\xbd y" in items[2].data
    assert items[3].hints == {"title": "t \ufffd", "published": "2024-01-02"}
    for item in items:  # everything a store or a terminal will see encodes
        json.dumps(item.origin.to_dict(), ensure_ascii=False).encode("utf-8")
        (item.url or "").encode("utf-8")


def test_file_name_not_utf8_is_read_and_labelled_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = os.path.join(os.fsencode(folder), b"bad\xff\xfename.html")
    with open(bad, "wb") as fh:
        fh.write(page(1).encode())
    (folder / "good.html").write_text(page(2))
    items = list(iter_sources([str(folder)]))
    assert len(items) == 2 and all(isinstance(i, Capture) for i in items)
    labels = sorted(i.origin.path for i in items)
    assert labels[0].endswith("bad\\xff\\xfename.html"), labels
    labels[0].encode("utf-8")
    assert safe_label("a\udcffb\ud800") == "a\\xffb\ufffd"


def test_origin_capture_issue_and_source_error_strings_are_valid():
    o = Origin("jsonl", "x\udc80.jsonl", record_id="<urn:\ud800>", line=3)
    assert o.path == "x\\x80.jsonl" and o.record_id == "<urn:\ufffd>"
    c = Capture(b"x", o, url="https://e.example/\ud800", hints={"title": "a\udc00"})
    assert c.url.endswith("\ufffd") and c.hints["title"] == "a\ufffd"
    i = Issue(o, "failed", "bad \ud800", url="u\ud800")
    assert i.reason == "bad \ufffd" and i.url == "u\ufffd"
    from nutgraf.sources import SourceError

    assert str(SourceError("p\udcff", "m\ud800")) == "p\\xff: m\ufffd"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """One ingest of a folder holding every string-level trap, shared by the tests below."""
    root = tmp_path_factory.mktemp("hostile")
    _jsonl(root / "docs.jsonl", [
        {"url": "https://a.example/1", "html": page(1)},
        {"url": "https://a.example/2", "html": page(2, "x \ud800 y")},
        {"url": "https://a.example/3\ud800", "text": "Pier three\n\nThe harbour council said x \udfff y today."},
        # a title hint is not cleaned by extraction: its escapes reach the store
        {"url": "https://a.example/4", "html": page(4, " "), "title": "t \ud800 \x1b[2J\x1b]0;pwned\x07 hint"},
        {"url": "https://a.example/5", "html": page(5), "published": "not a date at all"},
        {"url": "https://a.example/6", "html": page(6), "published": "99999-99-99T99:99"},
        {"url": "https://a.example/7", "html": page(7), "published": "<b>2024-01-01</b>"},
        {"url": "https://a.example/8", "html": page(8), "published": "2024-03-05T10:00:00Z"},
        {"url": "https://a.example/9", "html": page(9, "Evil \x1b[2J\x1b]0;pwned\x07 title \x9b31m")},
    ])
    with open(os.path.join(os.fsencode(root), b"name\xff.html"), "wb") as fh:
        fh.write(page(10).encode())
    from nutgraf.run.local import ingest

    db = root / "n.db"
    first = ingest([str(root)], db, workers=1)
    again = ingest([str(root)], db, workers=1)
    return db, first, again


def _rows(db: Path, sql: str) -> list[sqlite3.Row]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_ingest_with_bad_strings_goes_on_and_reruns(hostile_db):
    db, first, again = hostile_db
    assert not first.source_errors, first.source_errors
    assert first.ingested == 10 and first.failed == 0, (first.counts(), first.examples)
    assert again.ingested == 0 and again.unchanged == 10 and not again.source_errors
    titles = {r["url"]: r["title"] for r in _rows(db, "SELECT url, title FROM articles")}
    assert titles["https://a.example/2"] == "x \ufffd y"
    assert "https://a.example/3\ufffd" in titles
    paths = [r["origin_path"] for r in _rows(db, "SELECT origin_path FROM captures")]
    assert any(p.endswith("name\\xff.html") for p in paths), paths


def test_published_hints_are_checked(hostile_db):
    db, _, _ = hostile_db
    rows = {r["url"]: r for r in _rows(db, "SELECT url, published, warnings FROM articles")}
    for n in (5, 6, 7):
        row = rows[f"https://a.example/{n}"]
        assert row["published"] is None
        assert any("published hint" in w and "ignored" in w for w in json.loads(row["warnings"]))
    assert rows["https://a.example/8"]["published"] == "2024-03-05T10:00:00Z"
    from nutgraf.store import open_store

    with open_store(str(db), readonly=True) as store:
        hits = store.search("harbour", since="2000-01-01", limit=50)
    assert {h["url"] for h in hits} == {"https://a.example/8"}


def test_check_published():
    assert check_published(" 2024-01-02 ") == "2024-01-02"
    assert check_published("2024-01-02T03:04:05+02:00") == "2024-01-02T03:04:05+02:00"
    for bad in ("not a date at all", "99999-99-99T99:99", "<b>2024-01-01</b>", "2024-02-30", "0001-01-01",
                "2024-01-02<script>", ""):
        assert check_published(bad) is None, bad


def test_store_refusing_one_document_records_it_failed(tmp_path, monkeypatch):
    """A document the store cannot write is a failed capture with the reason; the documents
    of the same batch after it are still stored."""
    from nutgraf.run.local import ingest
    from nutgraf.store.sqlite import SQLiteStore

    _jsonl(tmp_path / "d.jsonl", [{"url": f"https://b.example/{i}", "html": page(i)} for i in range(4)])
    real = SQLiteStore.add_article

    def add_article(self, capture, article, **kw):
        if capture.url == "https://b.example/1":
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return real(self, capture, article, **kw)

    monkeypatch.setattr(SQLiteStore, "add_article", add_article)
    db = tmp_path / "n.db"
    stats = ingest([str(tmp_path / "d.jsonl")], db, workers=1)
    assert stats.ingested == 3 and stats.failed == 1
    rows = _rows(db, "SELECT url, status, error FROM captures WHERE status = 'failed'")
    assert [r["url"] for r in rows] == ["https://b.example/1"]
    assert rows[0]["error"].startswith("cannot store:") and "UnicodeEncodeError" in rows[0]["error"]


def test_analyze_bytes_with_encoded_surrogates_is_handled():
    import nutgraf

    data = page(1, "t").replace("pier number", "pier \udcff number").encode("utf-8", "surrogatepass")
    article = nutgraf.analyze(data)  # the bytes are not UTF-8: decoded some way, never raising
    assert "number 1 will reopen" in article.text
    article.text.encode("utf-8")


def test_analyze_str_with_lone_surrogate_is_handled():
    import nutgraf

    text = "The harbour council said on Tuesday that pier x \ud800 y will reopen.\n\nIt will.\n"
    for clean in (True, False):
        article = nutgraf.analyze(text, clean=clean)
        article.text.encode("utf-8")


# --------------------------------------------------------------------------- 2. bombs


def _zeros_gz(fh, n: int, prefix: bytes = b"", suffix: bytes = b"") -> None:
    """One gzip member: prefix, ``n`` zero bytes (a multiple of 1 MiB), suffix; about 1 KiB
    per MiB, made in well under a second (a full flush makes every 1 MiB block compress to the
    same bytes, so one is compressed and repeated)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    mib = bytes(1 << 20)
    fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")
    fh.write(c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH))
    block = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH) == block
    crc = zlib.crc32(prefix)
    crc = zlib.crc32(mib, crc)
    crc = zlib.crc32(mib, crc)
    fh.write(block * 2)
    for _ in range((n >> 20) - 2):
        fh.write(block)
        crc = zlib.crc32(mib, crc)
    fh.write(c.compress(suffix) + c.flush())
    crc = zlib.crc32(suffix, crc)
    fh.write(crc.to_bytes(4, "little") + ((len(prefix) + n + len(suffix)) & 0xFFFFFFFF).to_bytes(4, "little"))


def _warc_head(uri: str, length: int, rec_id: str) -> bytes:
    return (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{rec_id}>\r\n"
            f"WARC-Target-URI: {uri}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n\r\n").encode()


GB = 1 << 30


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    root = tmp_path_factory.mktemp("bombs")
    http_head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    good = page(1).encode()
    with open(root / "bomb.warc.gz", "wb") as fh:
        _zeros_gz(fh, GB, _warc_head("https://w.example/bomb", len(http_head) + GB, "1") + http_head, b"\r\n\r\n")
        body = http_head + good
        fh.write(gzip.compress(_warc_head("https://w.example/good", len(body), "2") + body + b"\r\n\r\n"))
    with open(root / "last.warc.gz", "wb") as fh:  # the truncation check reads the last record
        body = http_head + good
        fh.write(gzip.compress(_warc_head("https://w.example/good", len(body), "2") + body + b"\r\n\r\n"))
        _zeros_gz(fh, GB, _warc_head("https://w.example/bomb", len(http_head) + GB, "1") + http_head, b"\r\n\r\n")
    with open(root / "bomb.jsonl.gz", "wb") as fh:
        _zeros_gz(fh, GB, b'{"url": "https://j.example/bomb", "html": "', b'"}\n')
        fh.write(gzip.compress(json.dumps({"url": "https://j.example/good", "html": page(1)}).encode() + b"\n"))
    with open(root / "bomb.urls.gz", "wb") as fh:
        _zeros_gz(fh, GB, b"https://u.example/1\n")
    with open(root / "bomb.html.gz", "wb") as fh:
        _zeros_gz(fh, GB, b"<html><body><p>")
    for p in root.iterdir():
        assert p.stat().st_size < 2 << 20
    return root


_PROBE = textwrap.dedent("""
    import json, resource, sys
    from nutgraf.sources import Capture, iter_sources
    errors, out = [], []
    for item in iter_sources([sys.argv[1]], errors):
        out.append([type(item).__name__, getattr(item, "status", None), getattr(item, "reason", None),
                    item.url])
    # VmHWM: this process's own peak (ru_maxrss is inherited from the parent across fork on Linux,
    # so a test run that grew big earlier would be counted here)
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
    rss = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    print(json.dumps({"items": out, "errors": [str(e) for e in errors], "rss_mb": rss / 1024}))
""")


def _probe(path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize("name", ["bomb.warc.gz", "last.warc.gz", "bomb.jsonl.gz", "bomb.urls.gz", "bomb.html.gz"])
def test_readers_bound_memory_on_bombs(bombs, name):
    got = _probe(bombs / name)
    assert got["rss_mb"] < 500, got
    items = got["items"]
    if name == "last.warc.gz":
        assert not got["errors"], got
        assert [i[:2] for i in items] == [["Capture", None], ["Issue", "failed"]] and "limit" in items[1][2], got
        return
    if name == "bomb.urls.gz":
        assert items == [] and len(got["errors"]) == 1 and "limit" in got["errors"][0], got
        return
    assert not got["errors"], got
    assert items[0][0] == "Issue" and items[0][1] == "failed" and "limit" in items[0][2], got
    if name != "bomb.html.gz":  # the record after the oversized one is read
        assert len(items) == 2 and items[1][0] == "Capture" and items[1][3].endswith("/good"), got


# --------------------------------------------------------------------------- 4. web


def _ipv6_loopback() -> str | None:
    """Why an IPv6 loopback server cannot run here, or None when it can."""
    if not socket.has_ipv6:
        return "Python was built without IPv6"
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError as exc:
        return f"cannot bind ::1 on this machine ({exc})"
    return None


class _Handler(http.server.BaseHTTPRequestHandler):
    robots = b"User-agent: *\nDisallow: /private\n"
    seen: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).seen.append(self.path)
        if self.path == "/robots.txt":
            body, ctype = type(self).robots, "text/plain"
        else:
            body, ctype = page(1).encode(), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(family: int, host: str, handler: type) -> http.server.ThreadingHTTPServer:
    class Server(http.server.ThreadingHTTPServer):
        address_family = family

    srv = Server((host, 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def test_ipv6_literal_url_is_fetched_with_its_robots_txt():
    why = _ipv6_loopback()
    if why:
        pytest.skip(why)

    class H(_Handler):
        seen: list[str] = []

    srv = _serve(socket.AF_INET6, "::1", H)
    try:
        base = f"http://[::1]:{srv.server_address[1]}"
        fetcher = Fetcher(FetchOptions(allow_private=True, rate=0, timeout=5))
        resp = fetcher.get(base + "/story")
        assert resp.status == 200 and b"Pier 1" in resp.body
        with pytest.raises(FetchError) as exc:
            fetcher.get(base + "/private/x")
        assert exc.value.status == "skipped" and "robots.txt" in exc.value.reason
        assert H.seen == ["/robots.txt", "/story"]
        items = list(iter_sources([base + "/story2"], fetch=FetchOptions(allow_private=True, rate=0)))
        assert len(items) == 1 and isinstance(items[0], Capture) and items[0].url == base + "/story2"
    finally:
        srv.shutdown()
        srv.server_close()


def test_robots_txt_over_the_limit_is_parsed_up_to_500_kib():
    class H(_Handler):
        seen: list[str] = []
        # the rules that count, then padding past 500 KiB, then a rule a crawler may ignore
        robots = (b"User-agent: *\nDisallow: /private\n" + b"# padding padding padding\n" * 24000
                  + b"Disallow: /late\n")

    assert len(H.robots) > 512 * 1024
    srv = _serve(socket.AF_INET, "127.0.0.1", H)
    try:
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        fetcher = Fetcher(FetchOptions(allow_private=True, rate=0, timeout=5))
        with pytest.raises(FetchError) as exc:
            fetcher.get(base + "/private/1")
        assert exc.value.status == "skipped" and "disallows" in exc.value.reason
        assert fetcher.get(base + "/late").status == 200  # beyond the first 500 KiB
        assert fetcher.get(base + "/ok").status == 200
    finally:
        srv.shutdown()
        srv.server_close()


# --------------------------------------------------------------------------- 5. terminal


ESCAPES = ("\x1b", "\x07", "\x9b", "\x08", "\r")


def test_cli_text_output_strips_terminal_controls(tmp_path, hostile_db):
    from click.testing import CliRunner

    from nutgraf.cli import _terminal_safe, main

    assert _terminal_safe("a\x1b[31mb\x07c\td\ne\x9b\ud800") == "a[31mbc\td\ne\\u009b\ufffd"
    # JSON stays exact: a C1 control is written as its JSON escape
    assert json.loads(_terminal_safe(json.dumps({"t": "x\x9by"}, ensure_ascii=False))) == {"t": "x\x9by"}

    evil = tmp_path / "evil.html"
    evil.write_text(page(1, "Evil \x1b]0;pwned\x07\x1b[2J title"), encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(main, ["extract", str(evil)])
    assert out.exit_code == 0, out.output
    assert "# Evil ]0;pwned" in out.output and "[2J title" in out.output
    assert not any(c in out.output for c in ESCAPES)
    out = runner.invoke(main, ["extract", "--format", "json", str(evil)])
    assert "pwned" in json.loads(out.output)["title"]

    db, _, _ = hostile_db
    out = runner.invoke(main, ["extract", "--format", "jsonl", str(db.parent)])  # holds name\xff.html
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["path"].endswith("name\\xff.html")

    out = runner.invoke(main, ["search", "harbour", "--db", str(db), "-n", "50"])
    assert out.exit_code == 0, out.output
    assert "t \ufffd [2J]0;pwned hint" in out.output, out.output
    assert not any(c in out.output for c in ESCAPES)
