"""Reliability probes of issue 17 that are not about one hostile input: a worker process
that dies mid-ingest, slow and stalling web servers, extraction bounded by size rather
than by the clock, and command-line mistakes reported as one line."""

from __future__ import annotations

import os
import socket
import socketserver
import sqlite3
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import pytest

from nutgraf.run import local
from nutgraf.run.local import WORKER_DIED, ingest
from nutgraf.sources.capture import Capture, Issue
from nutgraf.sources.web import FetchError, Fetcher, FetchOptions, WebSource

MARKER = "WORKER-KILLER-7f3a"


def _page(i: int, extra: str = "") -> str:
    body = "".join(
        f"<p>Paragraph {j} of story {i}: the council of Porttown met on Tuesday and voted to repair "
        f"the old harbour wall, which storms damaged twice last winter.</p>" for j in range(4))
    return (f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
            f"{body}{extra}</article></body></html>")


def _failures(db: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT origin_path, error FROM captures WHERE status = 'failed'").fetchall()
    finally:
        con.close()


def test_a_dead_worker_is_replaced_and_its_document_recorded(tmp_path, monkeypatch):
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(7):
        (pages / f"p{i}.html").write_text(_page(i, f"<p>{MARKER}</p>" if i == 3 else ""))
    monkeypatch.setenv(local._DIE_ON_ENV, MARKER)
    monkeypatch.setenv("NUTGRAF_SKIP_PASSES", "places,events")
    db = tmp_path / "w.db"
    # batches of two, two workers: several documents are in flight when the worker dies
    stats = ingest([str(pages)], db, workers=2, html_batch=2)
    assert stats.counts() == {"ingested": 6, "unchanged": 0, "skipped": 0, "failed": 1}
    failed = _failures(db)
    assert len(failed) == 1 and failed[0][0].endswith("p3.html") and failed[0][1] == WORKER_DIED
    # resuming finds every document settled: nothing lost, nothing twice
    again = ingest([str(pages)], db, workers=1)
    assert again.counts() == {"ingested": 0, "unchanged": 7, "skipped": 0, "failed": 0}


# --------------------------------------------------------------------------- slow servers


class _Dribbler(socketserver.BaseRequestHandler):
    """Answers any request by sending ``server.reply`` one byte every ``server.pause`` seconds
    (headers included), as a hostile or broken server may."""

    def handle(self) -> None:
        request = self.request.recv(65536)
        srv = self.server
        if request.startswith(b"GET /robots.txt "):
            self.request.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        try:
            for i in range(len(srv.reply)):  # type: ignore[attr-defined]
                self.request.sendall(srv.reply[i:i + 1])  # type: ignore[attr-defined]
                time.sleep(srv.pause)  # type: ignore[attr-defined]
        except OSError:  # the client gave up: that is the point
            pass


@contextmanager
def dribbling_server(reply: bytes, pause: float):
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Dribbler)
    srv.daemon_threads = True
    srv.reply, srv.pause = reply, pause  # type: ignore[attr-defined]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


SLOW_HEADERS = b"HTTP/1.0 200 OK\r\n" + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"y" * 20) for i in range(40)) + \
    b"Content-Type: text/html\r\n\r\n<html><body><p>late</p></body></html>"


def _timed_fetch(url: str, **opts: float) -> tuple[float, FetchError]:
    fetcher = Fetcher(FetchOptions(allow_private=True, rate=0, **opts))
    fetcher._robots[("http",) + _host_port(url)] = _allow_all()  # the probe is the page, not robots.txt
    t0 = time.monotonic()
    with pytest.raises(FetchError) as exc:
        fetcher.get(url + "/page.html")
    return time.monotonic() - t0, exc.value


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or 80


def _allow_all() -> RobotFileParser:
    rules = RobotFileParser()
    rules.allow_all = True
    return rules


def test_headers_one_byte_at_a_time_cost_at_most_the_timeout():
    # every byte comes well within the 0.5 s read timeout, so only a total deadline stops it
    with dribbling_server(SLOW_HEADERS, 0.05) as base:
        took, err = _timed_fetch(base, timeout=0.5, total_timeout=30)
    assert err.status == "failed" and "timed out after 0.5s waiting for the response headers" in err.reason
    assert took < 1.5, took


def test_a_dribbled_body_without_length_fails_at_the_total_deadline_not_truncated():
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
    with dribbling_server(head + b"<p>" + b"z" * 5000, 0.002) as base:
        took, err = _timed_fetch(base, timeout=0.5, total_timeout=1.0)
    assert "response took longer than 1s" in err.reason
    assert took < 2.5, took


class _Pages(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.server.log.append((self.path, time.monotonic()))  # type: ignore[attr-defined]
        body = b"" if self.path == "/robots.txt" else _page(len(self.server.log)).encode()  # type: ignore[attr-defined]
        self.send_response(404 if self.path == "/robots.txt" else 200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _loopback(host: str, port: int, *_args: object) -> list:
    """Every test host name is 127.0.0.1: two names, two hosts for the fetcher."""
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]


def test_one_slow_host_does_not_stall_the_others(tmp_path):
    fast = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    fast.log = []  # type: ignore[attr-defined]
    threading.Thread(target=fast.serve_forever, daemon=True).start()
    try:
        with dribbling_server(SLOW_HEADERS, 0.05) as slow_base:
            slow = f"http://slow.test:{urlsplit(slow_base).port}"
            quick = f"http://fast.test:{fast.server_address[1]}"
            urls = [f"{slow}/s1.html", f"{slow}/s2.html"] + [f"{quick}/p{i}.html" for i in range(3)]
            (tmp_path / "list.urls").write_text("\n".join(urls))
            opts = FetchOptions(allow_private=True, rate=10, timeout=1.0)
            source = WebSource(fetcher=Fetcher(opts, resolver=_loopback))
            t0 = time.monotonic()
            records = list(source.iter_url_list(tmp_path / "list.urls"))
            took = time.monotonic() - t0
    finally:
        fast.shutdown()
        fast.server_close()
    kinds = [(type(r).__name__, r.origin.path.split(":")[1][2:]) for r in records]
    # the fast host's pages, in their order, all before the slow host's first failure
    assert kinds == [("Capture", "fast.test")] * 3 + [("Issue", "slow.test")] * 2, kinds
    assert [r.origin.path.rsplit("/", 1)[1] for r in records[:3]] == ["p0.html", "p1.html", "p2.html"]
    assert all(isinstance(r, Issue) and "waiting for the response headers" in r.reason for r in records[3:])
    assert all(isinstance(r, Capture) for r in records[:3])
    # the slow host's two pages cost two timeouts one after the other, the fast host nothing more
    assert took < 2 * 1.0 + 1.0, took
    times = [t for _path, t in fast.log]  # type: ignore[attr-defined]
    assert len(times) == 4 and min(b - a for a, b in zip(times, times[1:])) >= 0.08  # the rate per host holds


# --------------------------------------------------------------------------- CLI errors


def _ok_db(tmp_path: Path) -> Path:
    from nutgraf.sources.capture import Capture, Origin
    from nutgraf.store import open_store
    import nutgraf

    db = tmp_path / "ok.db"
    capture = Capture(data=_page(1).encode(), origin=Origin("file", "p1.html"), content_type="text/html")
    with open_store(db) as store:
        store.add_article(capture, nutgraf.extract(capture.data), version="test", settings_hash="test")
    return db


def _one_line_error(result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture()
def cli():
    from click.testing import CliRunner

    from nutgraf.cli import main

    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_cli_db_that_is_a_folder_or_under_a_missing_folder(cli, tmp_path):
    (tmp_path / "p.html").write_text(_page(1))
    for cmd in (["ingest", tmp_path / "p.html", "--workers", "1"], ["search", "pier"], ["export", "--format",
                                                                                           "jsonl", "--out", "-"]):
        line = _one_line_error(cli(*cmd, "--db", tmp_path))
        assert "is a folder, not a database file" in line, line
    line = _one_line_error(cli("ingest", tmp_path / "p.html", "--workers", "1", "--db", tmp_path / "no" / "x.db"))
    assert "folder" in line and "does not exist" in line


def test_cli_number_too_large_is_named(cli, tmp_path):
    line = _one_line_error(cli("search", "pier", "--db", _ok_db(tmp_path), "--limit", "99999999999999999999"))
    assert line == "Error: --limit: 99999999999999999999 is too large (at most 9223372036854775807)"


def test_cli_export_to_an_unwritable_path_and_a_full_disk(cli, tmp_path):
    db = _ok_db(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    line = _one_line_error(cli("export", "--db", db, "--format", "jsonl", "--out", blocker / "out.jsonl"))
    assert str(blocker) in line
    if Path("/dev/full").exists():  # writes to /dev/full fail as on a full disk (ENOSPC)
        line = _one_line_error(cli("export", "--db", db, "--format", "jsonl", "--out", "/dev/full"))
        assert "the disk is full" in line


def test_cli_debug_shows_the_traceback(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = cli("--debug", "export", "--db", _ok_db(tmp_path), "--format", "jsonl", "--out", blocker / "o.jsonl")
    assert result.exit_code != 0 and isinstance(result.exception, OSError)


def test_cli_read_only_database(cli, tmp_path, monkeypatch):
    from nutgraf import errors

    db = _ok_db(tmp_path)
    (tmp_path / "p.html").write_text(_page(2))
    # tests may run as root, for whom chmod does not make a file read-only: ask os.access
    real = os.access
    monkeypatch.setattr(errors.os, "access", lambda p, mode: False if Path(p) == db else real(p, mode))
    line = _one_line_error(cli("ingest", tmp_path / "p.html", "--workers", "1", "--db", db))
    assert "read-only" in line and "not a SQLite database" not in line


def test_describe_read_only_and_full_disk_from_sqlite():
    from nutgraf.errors import describe
    from nutgraf.store import StoreError

    try:
        try:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        except sqlite3.Error as exc:
            raise StoreError(f"news.db: not a SQLite database ({exc})") from exc
    except StoreError as outer:
        assert describe(outer) == ("news.db: the database is read-only (no write permission to the file or "
                                   "its folder)")
    assert describe(sqlite3.OperationalError("database or disk is full")).startswith("the disk is full")
    assert "\n" not in describe(RuntimeError("two\nlines\x1b[31m"))


# --------------------------------------------------------------------------- deterministic extraction bounds


def test_html_bounded_by_elements_not_by_the_clock(monkeypatch):
    import nutgraf
    from nutgraf.extract import limits
    from nutgraf.model import ExtractionError

    monkeypatch.setattr(limits, "MAX_ELEMENTS", 60)
    small = _page(1)  # about 15 elements
    big = "<html><body><article>" + "<p>word</p>" * 80 + "</article></body></html>"
    assert nutgraf.extract(small, timeout=1e6).text
    for timeout in (1e6, 30.0):  # the same answer however long it may take
        with pytest.raises(ExtractionError, match=r"more than 60 HTML elements \(size bound\)"):
            nutgraf.extract(big, timeout=timeout)


def test_plain_text_bounded_by_lines_and_characters(monkeypatch):
    import nutgraf
    from nutgraf.extract import limits
    from nutgraf.extract.text import clean_site
    from nutgraf.model import ExtractionError

    monkeypatch.setattr(limits, "MAX_TEXT_LINES", 100)
    with pytest.raises(ExtractionError, match="lines, over the 100 bound"):
        nutgraf.extract("ab\n" * 200, content_type="text/plain")
    with pytest.raises(ExtractionError, match="lines, over the 100 bound"):
        clean_site(["ok text\n", "ab\n" * 200])
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 1000)
    with pytest.raises(ExtractionError, match="characters, over the 1,000 bound"):
        nutgraf.extract("word " * 400, content_type="text/plain")


def test_the_clock_is_a_last_resort_guard_and_says_so():
    from nutgraf.extract.limits import Deadline
    from nutgraf.model import ExtractionError

    guard = Deadline(0.0)
    time.sleep(0.001)
    with pytest.raises(ExtractionError, match="last-resort wall-clock guard"):
        guard.check()


def test_the_bounds_are_part_of_the_settings_hash(monkeypatch):
    from nutgraf.extract import limits

    before = local.settings_hash("html")
    monkeypatch.setattr(limits, "MAX_ELEMENTS", limits.MAX_ELEMENTS + 1)
    assert local.settings_hash("html") != before
