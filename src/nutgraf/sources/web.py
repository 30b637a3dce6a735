"""Documents fetched over HTTP(S): single URLs, URL-list files, RSS/Atom feeds and sitemaps.

Everything here yields the same ``Capture`` / ``Issue`` records as the file, WARC and JSONL
sources, so nothing downstream knows a page came from the network (``Origin.kind`` is
``web``, ``Origin.path`` the URL as asked for, ``Capture.url`` the URL after redirects).

- **Targets.**  A ``http(s)://`` source argument is fetched and looked at: an HTML (or plain
  text) page becomes a capture; an RSS 2.0 / RSS 1.0 / Atom feed has its item links fetched;
  a sitemap (``urlset``) has its ``loc`` pages fetched and a sitemap index its sitemaps
  (``.xml`` or ``.xml.gz``), up to ``max_depth`` levels.  A URL-list file (``*.urls``, or a
  named ``.txt`` file whose lines are all URLs) names one target per line; blank lines and
  lines starting with ``#`` are ignored.
- **Polite.**  robots.txt is obeyed (fetched once per host and cached; ``Crawl-delay`` is
  honoured, up to ``MAX_CRAWL_DELAY``), requests to one host are spaced by ``1/rate``
  seconds, and every request says who we are (``USER_AGENT``).
- **Bounded.**  Connect and read timeouts, a wall-clock cap on one response, a size cap (the
  extractor's ``MAX_INPUT_BYTES``, checked on Content-Length and while reading, and on
  what gzip/deflate inflate to), at most ``max_redirects`` redirects.
- **No private addresses.**  Each request (robots.txt and every redirect hop included)
  resolves the host, refuses loopback, private, link-local, multicast, reserved and other
  non-global addresses unless ``allow_private``, and connects to the address it checked,
  so a second DNS answer cannot swap in another one.  Environment proxies are not used.
- **Stored pages are not fetched again.**  Given a ``known`` predicate (``ingest`` passes
  the store's ``has_stored_url``), a page URL it accepts (a URL given directly, a URL-list
  line, a feed or sitemap link) yields a ``Known`` record instead of a request (the store
  knows a page both by the URL it was asked for and by the one it redirected to).  Feeds
  and sitemaps are expanded, never stored as articles, so they are always fetched: that is
  how new pages are found.
- **Failures are records.**  Robots disallow, a refused address, a non-HTML type are
  ``skipped`` Issues; timeouts, HTTP errors, oversize bodies, bad feeds are ``failed``
  Issues (``--retry-failed`` tries them again).  The run goes on.

Fetching is concurrent across hosts (``FetchOptions.concurrency`` threads, one request at a
time per host, each host's pages in order) in the process that reads the sources; the
records come back as fetches finish.  Every request has a total deadline (connect and
headers within ``timeout``, the whole response within ``total_timeout``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import io
import ipaddress
import re
import socket
import ssl
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from nutgraf.extract.limits import MAX_INPUT_BYTES
from nutgraf.sources.capture import Capture, Issue, Known, Origin, SourceError

PROJECT_URL = "https://github.com/nutgraf/nutgraf"
URL_LIST_SUFFIXES = (".urls", ".urls.gz")
REDIRECTS = (301, 302, 303, 307, 308)
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml",
             "application/rdf+xml")
OPAQUE_TYPES = ("", "application/octet-stream", "application/gzip", "application/x-gzip",
                "binary/octet-stream")
GZIP_MAGIC = b"\x1f\x8b"
# RFC 9309 2.5: crawlers must parse at least the first 500 KiB of a robots.txt; a longer
# file is cut there (at a line end), not ignored.
ROBOTS_MAX_BYTES = 500 * 1024
MAX_CRAWL_DELAY = 60.0
_CHUNK = 64 * 1024


def user_agent() -> str:
    from nutgraf import __version__

    return f"nutgraf/{__version__} (+{PROJECT_URL})"


def is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class FetchOptions:
    """How to fetch.  ``rate`` is requests per second per host (0: no limit); ``timeout``
    bounds connecting and each read, and connect + headers together; ``total_timeout`` caps
    one whole response.  ``concurrency`` hosts are fetched at once."""

    allow_private: bool = False
    rate: float = 1.0
    timeout: float = 10.0
    total_timeout: float = 60.0
    max_bytes: int = MAX_INPUT_BYTES
    max_redirects: int = 5
    max_depth: int = 3
    # hosts fetched at once (one request at a time per host); 1: all in the calling thread
    concurrency: int = 8
    user_agent: str = field(default_factory=user_agent)


class FetchError(Exception):
    """A URL that could not be fetched: ``status`` skipped (policy: robots, private address,
    not a document) or failed (network, HTTP error, too large)."""

    def __init__(self, status: str, reason: str, url: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.url = url


@dataclass
class Response:
    url: str  # after redirects
    status: int
    content_type: str | None
    body: bytes
    fetched_at: str

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";")[0].strip().lower()


# --------------------------------------------------------------------------- addresses


def address_problem(ip: str) -> str | None:
    """Why ``ip`` is not a public address we may connect to (None when it is)."""
    addr = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    # most specific first: Python counts loopback and link-local ranges as private too
    for attr, what in (("is_loopback", "loopback"), ("is_link_local", "link-local"),
                       ("is_unspecified", "unspecified"), ("is_multicast", "multicast"),
                       ("is_private", "private"), ("is_reserved", "reserved")):
        if getattr(addr, attr):
            return what
    if not addr.is_global:
        return "non-public"
    return None


# --------------------------------------------------------------------------- one connection


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a given IP address (the one we checked), with the URL's host
    name in the Host header."""

    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._ip = ip
        self._ctx = context

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        # the certificate is checked against the host name, not the address
        self.sock = self._ctx.wrap_socket(sock, server_hostname=self.host)


_SSL_CONTEXT: ssl.SSLContext | None = None


def _ssl_context() -> ssl.SSLContext:
    global _SSL_CONTEXT
    if _SSL_CONTEXT is None:
        _SSL_CONTEXT = ssl.create_default_context()
    return _SSL_CONTEXT


class _Inflater:
    """Undoes a gzip/deflate Content-Encoding chunk by chunk, refusing output over a cap."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.raw_deflate = False
        wbits = 16 + zlib.MAX_WBITS if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._d = zlib.decompressobj(wbits)
        self._deflate = encoding == "deflate"
        self._started = False
        self.last = b""  # the output of the last feed, also when it went over the limit

    def feed(self, data: bytes) -> bytes:
        if self._deflate and not self._started:
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate
            self._started = True
            try:
                return self._out(self._d.decompress(data, self.limit + 1 - self.size))
            except zlib.error:
                self._d = zlib.decompressobj(-zlib.MAX_WBITS)
        self._started = True
        return self._out(self._d.decompress(data, self.limit + 1 - self.size))

    def _out(self, out: bytes) -> bytes:
        self.last = out
        self.size += len(out)
        if self.size > self.limit or self._d.unconsumed_tail:
            raise FetchError("failed", f"response inflates to more than the {_mib(self.limit)} limit")
        return out


class _Watchdog:
    """The total deadline of one request.  A socket timeout bounds each read, not their sum:
    a server sending one header byte per second would never trip it.  The watchdog shuts the
    connection's socket down when the deadline passes, so a read blocked in ``http.client``
    returns at once, and says which deadline it was (``expired``).  ``arm`` (re)starts it:
    first for the headers, then for the whole response."""

    def __init__(self, conn: http.client.HTTPConnection) -> None:
        self._conn = conn
        self._timer: threading.Timer | None = None
        self.expired: str | None = None  # the reason, once the deadline passed

    def arm(self, seconds: float, reason: str) -> None:
        self.cancel()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire, args=(reason,))
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self, reason: str) -> None:
        self.expired = reason
        sock = self._conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed
                pass


def _mib(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n} bytes"


# --------------------------------------------------------------------------- the fetcher


class Fetcher:
    """Fetches URLs politely and safely (see the module text).  One per run: it holds the
    robots.txt cache and the time of each host's last request."""

    def __init__(self, options: FetchOptions | None = None, *,
                 resolver: Callable[..., list] = socket.getaddrinfo,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options or FetchOptions()
        self._resolve_fn = resolver
        self._clock = clock
        self._sleep = sleep
        self._next_slot: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._robots: dict[tuple[str, str, int], RobotFileParser | FetchError] = {}
        # several threads fetch at once (one per host, see WebSource): the slot book and the
        # robots.txt cache are shared, so their updates are locked
        self._slot_lock = threading.Lock()
        self._robots_locks: dict[tuple[str, str, int], threading.Lock] = {}
        self._count_lock = threading.Lock()
        self.requests = 0  # made, robots.txt included (for tests and summaries)

    # ---------------------------------------------------------------- public

    def get(self, url: str) -> Response:
        """Fetch ``url``, following redirects.  Raises ``FetchError``."""
        current = url
        for hop in range(self.options.max_redirects + 1):
            scheme, host, port = _split(current)
            ip = self._resolve(host, port)
            self._check_robots(current, scheme, host, port)
            status, headers, body = self._request(current, scheme, host, port, ip)
            if status in REDIRECTS:
                location = headers.get("location")
                if not location:
                    raise FetchError("failed", f"HTTP {status} redirect without a Location", current)
                current = urljoin(current, location.strip())
                continue
            if status >= 400 or status < 200:
                raise FetchError("failed", f"HTTP {status} {_reason(status)}".rstrip(), current)
            return Response(current, status, headers.get("content-type"), body, now_iso())
        raise FetchError("failed", f"more than {self.options.max_redirects} redirects", url)

    # ---------------------------------------------------------------- steps

    def _resolve(self, host: str, port: int) -> str:
        try:
            infos = self._resolve_fn(host, port, 0, socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise FetchError("failed", f"cannot resolve host {host}: {exc.strerror or exc}") from exc
        except UnicodeError as exc:
            raise FetchError("failed", f"bad host name {host!r}") from exc
        ips = []
        for family, _type, _proto, _name, sockaddr in infos:
            if family in (socket.AF_INET, socket.AF_INET6) and sockaddr[0] not in ips:
                ips.append(sockaddr[0])
        if not ips:
            raise FetchError("failed", f"host {host} has no address")
        if self.options.allow_private:
            return ips[0]
        problems = [(ip, address_problem(ip)) for ip in ips]
        for ip, problem in problems:
            if problem is None:
                return ip
        ip, problem = problems[0]
        raise FetchError("skipped", f"refused: {host} resolves to {problem} address {ip} "
                                    f"(use --allow-private to fetch from it)")

    def _wait_turn(self, host: str) -> None:
        """Sleep until this host's next request slot, and book the one after it.  The slot
        is booked under a lock and slept for outside it, so threads fetching other hosts
        never wait for this one."""
        interval = 1.0 / self.options.rate if self.options.rate > 0 else 0.0
        interval = max(interval, self._delay.get(host, 0.0))
        with self._slot_lock:
            now = self._clock()
            slot = max(self._next_slot.get(host, now), now)
            self._next_slot[host] = slot + interval
        if slot > now:
            self._sleep(slot - now)

    def _request(self, url: str, scheme: str, host: str, port: int, ip: str, *,
                 max_bytes: int | None = None, truncate: bool = False) -> tuple[int, dict[str, str], bytes]:
        """One GET, no redirects followed.  Returns (status, lower-cased headers, body);
        the body is only read for 2xx responses.  A body over the limit is an error, or with
        ``truncate`` its first ``max_bytes`` bytes."""
        opts = self.options
        limit = max_bytes if max_bytes is not None else opts.max_bytes
        parts = urlsplit(url)
        target = urlunsplit(("", "", parts.path or "/", parts.query, "")) or "/"
        self._wait_turn(host)
        with self._count_lock:
            self.requests += 1
        # no single read may outlast the whole request
        timeout = min(opts.timeout, opts.total_timeout)
        if scheme == "https":
            conn: http.client.HTTPConnection = _PinnedHTTPSConnection(host, port, ip, timeout, _ssl_context())
        else:
            conn = _PinnedHTTPConnection(host, port, ip, timeout)
        started = time.monotonic()
        dog = _Watchdog(conn)
        # connect + headers within the timeout: a server dribbling its headers costs no more
        dog.arm(timeout, f"timed out after {timeout:g}s waiting for the response headers")
        try:
            conn.request("GET", target, headers={
                "User-Agent": opts.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
                "Connection": "close",
            })
            resp = conn.getresponse()
            # then the whole response within total_timeout, counted from the start
            dog.arm(opts.total_timeout - (time.monotonic() - started),
                    f"response took longer than {opts.total_timeout:g}s")
            headers = {k.lower(): v for k, v in resp.getheaders()}
            if not 200 <= resp.status < 300:
                return resp.status, headers, b""
            length = headers.get("content-length", "").strip()
            encoding = headers.get("content-encoding", "").strip().lower()
            if length.isdigit() and int(length) > limit and encoding in ("", "identity") and not truncate:
                raise FetchError("failed", f"response is {_mib(int(length))}, over the {_mib(limit)} limit")
            inflater = _Inflater(encoding, limit) if encoding in ("gzip", "x-gzip", "deflate") else None
            if encoding not in ("", "identity") and inflater is None:
                raise FetchError("failed", f"unsupported Content-Encoding {encoding!r}")
            chunks, size = [], 0
            while True:
                if time.monotonic() - started > opts.total_timeout:
                    raise FetchError("failed", f"response took longer than {opts.total_timeout:g}s")
                chunk = resp.read1(_CHUNK) if hasattr(resp, "read1") else resp.read(_CHUNK)
                if not chunk:
                    break
                if inflater is not None:
                    try:
                        chunk = inflater.feed(chunk)
                    except FetchError:
                        if not truncate:
                            raise
                        chunk = inflater.last
                size += len(chunk)
                if size > limit:
                    if not truncate:
                        raise FetchError("failed", f"response is over the {_mib(limit)} limit")
                    chunks.append(chunk[:len(chunk) - (size - limit)])
                    break
                chunks.append(chunk)
            if dog.expired:  # a cut connection reads as the end of a body without a length
                raise FetchError("failed", dog.expired)
            return resp.status, headers, b"".join(chunks)
        except FetchError as exc:
            exc.url = exc.url or url
            raise
        except (OSError, http.client.HTTPException, zlib.error) as exc:
            if dog.expired:  # the watchdog cut the connection: that is the error
                raise FetchError("failed", dog.expired, url) from exc
            raise _network_error(exc, timeout, host, port, url) from exc
        finally:
            dog.cancel()
            conn.close()

    # ---------------------------------------------------------------- robots.txt

    def _check_robots(self, url: str, scheme: str, host: str, port: int) -> None:
        key = (scheme, host, port)
        with self._slot_lock:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:  # one robots.txt request per host, whichever thread asks first
            rules = self._robots.get(key)
            if rules is None:
                rules = self._robots[key] = self._load_robots(scheme, host, port)
        if isinstance(rules, FetchError):
            raise FetchError(rules.status, rules.reason, url)
        if not rules.can_fetch(self.options.user_agent, url):
            raise FetchError("skipped", f"robots.txt of {host} disallows this URL for nutgraf", url)

    def _load_robots(self, scheme: str, host: str, port: int) -> RobotFileParser | FetchError:
        """The host's robots.txt rules (RFC 9309): a 4xx means no rules (allow all); a 5xx
        or an unreachable host means we do not fetch from it in this run."""
        rules = RobotFileParser()
        default = 443 if scheme == "https" else 80
        url = f"{scheme}://{_netloc(host)}{'' if port == default else f':{port}'}/robots.txt"
        status, body = 0, b""
        try:
            for _hop in range(self.options.max_redirects + 1):
                s, h, p = _split(url)
                ip = self._resolve(h, p)
                status, headers, body = self._request(url, s, h, p, ip, max_bytes=ROBOTS_MAX_BYTES,
                                                      truncate=True)
                if status in REDIRECTS and headers.get("location"):
                    url = urljoin(url, headers["location"].strip())
                    continue
                break
        except FetchError as exc:
            if exc.status == "skipped":  # a refused address: the page itself will say so
                rules.allow_all = True
                return rules
            return FetchError("failed", f"robots.txt of {host} could not be read ({exc.reason}); not fetched")
        if 200 <= status < 300:
            if len(body) >= ROBOTS_MAX_BYTES:
                body = body[:body.rfind(b"\n") + 1]  # a cut-off last line is not a rule
            rules.parse(body.decode("utf-8", "replace").splitlines())
            delay = rules.crawl_delay(self.options.user_agent)
            if delay:
                self._delay[host] = min(float(delay), MAX_CRAWL_DELAY)
        elif 400 <= status < 500 or status in REDIRECTS:
            rules.allow_all = True
        else:
            return FetchError("failed", f"robots.txt of {host} unavailable (HTTP {status}); not fetched")
        return rules


def _network_error(exc: BaseException, timeout: float, host: str, port: int, url: str) -> FetchError:
    """A failed exchange as a ``failed`` FetchError with a reason a user can act on."""
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return FetchError("failed", f"timed out after {timeout:g}s", url)
    if isinstance(exc, ConnectionRefusedError):
        return FetchError("failed", f"connection refused by {host}:{port}", url)
    if isinstance(exc, ssl.SSLError):
        return FetchError("failed", f"TLS error: {exc.reason or exc}", url)
    if isinstance(exc, (http.client.HTTPException, zlib.error)):
        return FetchError("failed", f"bad HTTP response: {type(exc).__name__} {exc}".rstrip(), url)
    return FetchError("failed", f"network error: {getattr(exc, 'strerror', None) or exc}", url)


def _netloc(host: str) -> str:
    """``host`` as it is written in a URL: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host else host


def _split(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError("failed", f"bad URL: {exc}", url) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("failed", f"not an http(s) URL: {url[:200]}", url)
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError("failed", f"URL has no host: {url[:200]}", url)
    return scheme, host, port or (443 if scheme == "https" else 80)


def _reason(status: int) -> str:
    return http.client.responses.get(status, "")


# --------------------------------------------------------------------------- feeds and sitemaps


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_xml(body: bytes) -> ET.Element:
    if b"<!ENTITY" in body:  # no entity expansion bombs (XML keywords are case-sensitive)
        raise ValueError("XML with entity declarations is refused")
    return ET.fromstring(body)


def classify(root: ET.Element) -> str | None:
    """``feed`` (RSS 2.0/1.0, Atom), ``sitemap`` (urlset), ``sitemapindex``, ``html`` (XHTML)
    or None for any other XML."""
    name = _local(root.tag)
    if name in ("rss", "rdf", "feed"):
        return "feed"
    if name in ("urlset", "sitemapindex", "html"):
        return name.replace("urlset", "sitemap")
    return None


def links_of(root: ET.Element, base: str) -> list[str]:
    """The URLs a feed or sitemap names, in document order, resolved against ``base``."""
    kind = classify(root)
    out: list[str] = []
    if kind in ("sitemap", "sitemapindex"):
        for child in root:
            for sub in child:
                if _local(sub.tag) == "loc" and (sub.text or "").strip():
                    out.append(urljoin(base, sub.text.strip()))
    elif kind == "feed" and _local(root.tag) == "feed":  # Atom
        for entry in root.iter():
            if _local(entry.tag) != "entry":
                continue
            best = None
            for link in entry:
                if _local(link.tag) != "link" or not link.get("href"):
                    continue
                rel = (link.get("rel") or "alternate").lower()
                if rel == "alternate":
                    best = link.get("href")
                    break
            if best:
                entry_base = entry.get("{http://www.w3.org/XML/1998/namespace}base") or root.get(
                    "{http://www.w3.org/XML/1998/namespace}base") or base
                out.append(urljoin(urljoin(base, entry_base), best.strip()))
    elif kind == "feed":  # RSS 2.0 (channel/item) and RSS 1.0 (rdf:RDF/item)
        for item in root.iter():
            if _local(item.tag) != "item":
                continue
            link = guid = None
            for child in item:
                name = _local(child.tag)
                if name == "link" and (child.text or "").strip() and link is None:
                    link = child.text.strip()
                elif name == "guid" and (child.text or "").strip() and \
                        (child.get("isPermaLink") or "true").lower() != "false":
                    guid = child.text.strip()
            if link or guid:
                out.append(urljoin(base, link or guid))  # type: ignore[arg-type]
    seen: set[str] = set()
    return [u for u in out if not (u in seen or seen.add(u))]


def _gunzip(data: bytes, limit: int) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise FetchError("failed", f"not a valid gzip file: {exc}") from exc
    if len(out) > limit or d.unconsumed_tail:
        raise FetchError("failed", f"gzip content is over the {_mib(limit)} limit")
    return out


def _looks_xml(body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf:rdf"))


_FEED_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*)*"
                        rb"<(?:[\w.-]+:)?(?:rss|feed|urlset|sitemapindex|RDF)[\s>/]", re.S)


def _feed_like(body: bytes) -> bool:
    """A feed or sitemap served as text/html or text/plain (misconfigured servers do)."""
    return bool(_FEED_ROOT.match(body[:4096].lstrip(b"\xef\xbb\xbf")))


def _looks_html(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or b"<html" in head


# --------------------------------------------------------------------------- concurrent fetching


class _HostQueue:
    """URLs waiting to be fetched, one queue per host, at most ``threads`` requests at once
    and never two to one host: a slow host holds one thread, not the run, and each host's
    pages are fetched (and yielded) in the order they were queued, so what a run stores
    does not depend on which host answers first.  The fetcher still spaces each host's
    requests by its rate.  With ``threads`` 1 everything runs in the calling thread."""

    def __init__(self, fetch: Callable[[str], Response], threads: int) -> None:
        self._fetch = fetch
        self._threads = max(1, threads)
        self._waiting: dict[str, deque[tuple[str, int]]] = {}  # hosts in the order first met
        self._busy: dict[Future, tuple[str, str, int]] = {}  # future -> host, url, depth
        self._pool: ThreadPoolExecutor | None = None

    def add(self, url: str, depth: int) -> None:
        self._waiting.setdefault(_host_key(url), deque()).append((url, depth))

    def add_next(self, targets: list[tuple[str, int]]) -> None:
        """Queue a feed's links ahead of what its host had waiting, in their order: each
        host's pages are then fetched depth-first, as one sequential crawl would."""
        for url, depth in reversed(targets):
            self._waiting.setdefault(_host_key(url), deque()).appendleft((url, depth))

    def results(self) -> Iterator[tuple[str, int, Response | FetchError]]:
        """(url, depth, response or error) as fetches finish; targets added while this
        runs (a feed's links) are fetched too."""
        while True:
            if self._threads == 1:
                if not self._waiting:
                    return
                url, depth = self._pop(next(iter(self._waiting)))
                yield url, depth, self._get(url)
                continue
            self._start_some()
            if not self._busy:
                return
            done, _ = wait(list(self._busy), return_when=FIRST_COMPLETED)
            for fut in done:
                _host, url, depth = self._busy.pop(fut)
                yield url, depth, fut.result()

    def close(self) -> None:
        for fut in self._busy:
            fut.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def _start_some(self) -> None:
        busy_hosts = {host for host, _u, _d in self._busy.values()}
        for host in list(self._waiting):
            if len(self._busy) >= self._threads:
                break
            if host in busy_hosts:
                continue
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="nutgraf-fetch")
            url, depth = self._pop(host)
            self._busy[self._pool.submit(self._get, url)] = (host, url, depth)
            busy_hosts.add(host)

    def _pop(self, host: str) -> tuple[str, int]:
        queue = self._waiting[host]
        item = queue.popleft()
        if not queue:
            del self._waiting[host]
        return item

    def _get(self, url: str) -> Response | FetchError:
        try:
            return self._fetch(url)
        except FetchError as exc:
            return exc


def _host_key(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # a malformed URL fails in the fetcher, with its reason
        return ""


# --------------------------------------------------------------------------- sources


Record = Capture | Issue | Known


class WebSource:
    """Turns targets (URLs, URL-list files) into records, sharing one ``Fetcher``.
    ``known(url)`` says a page is already stored: it is then not fetched (``Known``)."""

    def __init__(self, options: FetchOptions | None = None, fetcher: Fetcher | None = None, *,
                 known: Callable[[str], bool] | None = None) -> None:
        self.fetcher = fetcher or Fetcher(options)
        self.options = self.fetcher.options
        self.known = known
        self._seen: set[str] = set()

    def iter_url(self, url: str, depth: int = 0) -> Iterator[Record]:
        """One target: a page, or a feed/sitemap whose links are fetched in turn."""
        yield from self._crawl([(url, depth)])

    def _crawl(self, targets: Iterable[tuple[str, int]]) -> Iterator[Record]:
        """Fetch ``targets`` and every link their feeds and sitemaps name, several hosts at
        once (``FetchOptions.concurrency``), one request at a time per host."""
        queue = _HostQueue(self.fetcher.get, self.options.concurrency)
        try:
            for url, depth in targets:
                yield from self._admit(queue, url, depth)
            for url, depth, result in queue.results():
                yield from self._handle(queue, url, depth, result)
        finally:
            queue.close()

    def _admit(self, queue: _HostQueue, url: str, depth: int,
               into: list[tuple[str, int]] | None = None) -> Iterator[Record]:
        """Queue ``url`` for fetching (or add it to ``into``) unless this run has met it or
        the store knows it."""
        url = url.strip()
        if url in self._seen:
            return
        self._seen.add(url)
        # Checked before the request, when we cannot yet tell a page from a feed: a feed or
        # sitemap URL is never stored as a capture, so it is fetched every time.
        if self.known is not None and self.known(url):
            yield Known(url, Origin("web", url))
            return
        if into is not None:
            into.append((url, depth))
        else:
            queue.add(url, depth)

    def _handle(self, queue: _HostQueue, url: str, depth: int, result: Response | FetchError) -> Iterator[Record]:
        """What one fetched target becomes: a capture, an issue, or its links queued."""
        origin = Origin("web", url)
        if isinstance(result, FetchError):
            yield Issue(origin, result.status, result.reason, url=url, fetched_at=now_iso())
            return
        resp = result
        body, media = resp.body, resp.media_type
        gz = body[:2] == GZIP_MAGIC and media not in HTML_TYPES + TEXT_TYPES
        if gz:
            try:
                body = _gunzip(body, self.options.max_bytes)
            except FetchError as exc:
                yield Issue(origin, exc.status, exc.reason, url=resp.url, content_type=resp.content_type,
                            fetched_at=resp.fetched_at)
                return
        if media in HTML_TYPES + TEXT_TYPES and not gz and not _feed_like(body):
            yield self._capture(origin, resp, body, resp.content_type)
            return
        if media in XML_TYPES or media.endswith("+xml") or _looks_xml(body) and (
                media in OPAQUE_TYPES + HTML_TYPES + TEXT_TYPES or gz):
            yield from self._expand(queue, origin, resp, body, depth)
            return
        if media in OPAQUE_TYPES and _looks_html(body):
            yield self._capture(origin, resp, body, "text/html" if gz else resp.content_type)
            return
        yield Issue(origin, "skipped", f"content type {resp.content_type or '(none)'} is not HTML, text, "
                                       f"a feed or a sitemap", url=resp.url, content_type=resp.content_type,
                    fetched_at=resp.fetched_at)

    def _capture(self, origin: Origin, resp: Response, body: bytes, content_type: str | None) -> Capture:
        return Capture(data=body, origin=origin, content_type=content_type, url=resp.url,
                       fetched_at=resp.fetched_at)

    def _expand(self, queue: _HostQueue, origin: Origin, resp: Response, body: bytes,
                depth: int) -> Iterator[Record]:
        def issue(status: str, reason: str) -> Issue:
            return Issue(origin, status, reason, url=resp.url, content_type=resp.content_type,
                         fetched_at=resp.fetched_at)

        try:
            root = parse_xml(body)
        except (ET.ParseError, ValueError) as exc:
            yield issue("failed", f"not a valid feed or sitemap (XML: {exc})")
            return
        kind = classify(root)
        if kind == "html":
            yield self._capture(origin, resp, body, resp.content_type)
            return
        if kind is None:
            yield issue("skipped", f"XML document <{_local(root.tag)}> is not a feed or a sitemap")
            return
        if depth >= self.options.max_depth:
            yield issue("skipped", f"{kind} nested more than {self.options.max_depth} levels deep; not followed")
            return
        links = links_of(root, resp.url)
        if not links:
            yield issue("skipped", f"{kind} lists no links")
            return
        fresh: list[tuple[str, int]] = []
        for link in links:
            yield from self._admit(queue, link, depth + 1, into=fresh)
        queue.add_next(fresh)

    def iter_url_list(self, path: Path, label: str | None = None) -> Iterator[Record]:
        """Every target of a URL-list file.  May raise ``SourceError``."""
        label = label or str(path)
        targets = []
        for line_no, line in enumerate(read_url_list(path), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not is_url(line):
                yield Issue(Origin("web", label, line=line_no), "failed", f"not an http(s) URL: {line[:200]}")
                continue
            targets.append((line, 0))
        yield from self._crawl(targets)


def read_url_list(path: Path) -> list[str]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise SourceError(str(path), f"cannot read URL list: {exc.strerror or exc}") from exc
    if len(data) > MAX_INPUT_BYTES:
        raise SourceError(str(path), f"URL list is over the {MAX_INPUT_BYTES // 2**20} MiB limit")
    if data[:2] == GZIP_MAGIC:
        # bounded: a small .urls.gz can inflate to gigabytes
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(MAX_INPUT_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(str(path), f"not a valid gzip file: {exc}") from exc
        if len(data) > MAX_INPUT_BYTES:
            raise SourceError(str(path), f"URL list inflates to more than the {MAX_INPUT_BYTES // 2**20} MiB limit; "
                                         f"not read")
    return data.decode("utf-8", "replace").splitlines()


def is_url_list(path: Path) -> bool:
    """A file named ``*.urls`` (``.urls.gz``), or a ``.txt`` file of at most 16 MiB whose
    non-blank, non-comment lines are all http(s) URLs (at least one)."""
    name = path.name.lower()
    if name.endswith(URL_LIST_SUFFIXES):
        return True
    if not name.endswith(".txt"):
        return False
    try:
        if path.stat().st_size > 16 * 2**20:
            return False
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return False
    lines = [ln.strip() for ln in data.decode("utf-8", "replace").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    return bool(lines) and all(is_url(ln) and not any(c.isspace() for c in ln) for ln in lines)


__all__ = ["FetchOptions", "Fetcher", "FetchError", "Response", "WebSource", "address_problem", "is_url",
           "is_url_list", "links_of", "classify", "user_agent", "PROJECT_URL"]
