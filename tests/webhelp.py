"""The web tests' shared set-up: a small store built with the real ingest from bundled samples
plus hostile pages, and ``nutgraf serve`` running on it in a subprocess on a free port.

``web`` is a session fixture imported by both ``test_web_api.py`` and ``test_web_browser.py``;
pytest makes one fixture per importing module, so the store and the server are cached here
and shared (the last teardown stops the server).
"""

from __future__ import annotations

import hashlib
import json
import re
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEED = sorted((SAMPLES / "seed").glob("*.txt"))
PAGES = sorted((SAMPLES / "scrapinghub").glob("*.html.gz"))[:4]

# Markup in every field an article can carry.  The HTML source escapes it, so extraction
# turns it into literal text: the title, byline, site name and body all *contain* tags.
HOSTILE_TITLE = '"><img src=x onerror=alert(1)>'
HOSTILE_WORD = "Zorblaxian"  # to find these articles by search
_PARA = ("<p>The {word} harbour board met on Tuesday to approve the new budget, which includes funding "
         "for schools, roads and the ageing water system of the town, officials said at a meeting.</p>\n")
HOSTILE_HTML = f"""<!doctype html>
<html lang="en"><head>
<title>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</title>
<meta property="og:title" content="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">
<meta property="og:site_name" content="&lt;script&gt;alert('site')&lt;/script&gt;">
<meta name="author" content="Evil &lt;svg onload=alert(2)&gt; Writer">
<meta property="article:published_time" content="2022-09-30T10:00:00Z">
</head><body><article>
<h1>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</h1>
<p>Mayor Jo Smith said: “&lt;script&gt;alert(3)&lt;/script&gt; we will rebuild the {HOSTILE_WORD} pier
before winter, whatever it costs.”</p>
<p>Officials counted 1,200 &lt;img src=x onerror=alert(4)&gt; visitors a day in {HOSTILE_WORD},
according to the Acme &lt;b onmouseover=alert(5)&gt;Corporation.</p>
<p>“It is a &quot;&gt;&lt;a href=javascript:alert(6)&gt;trap&lt;/a&gt; for everyone,” said Jane
&lt;i&gt;Doe&lt;/i&gt;, a spokeswoman for the harbour board of {HOSTILE_WORD}.</p>
<p>Mixed markers \ue000 and \ue001 and ]]&gt; and &lt;!-- and {{{{ jinja }}}} and {{% raw %}} stay text.</p>
{_PARA.format(word=HOSTILE_WORD) * 3}
</article></body></html>
"""
# The same kind of page through JSONL, with a javascript: URL that must never become a link.
HOSTILE_JSONL = json.dumps({
    "url": "javascript:alert(document.domain)//",
    "html": HOSTILE_HTML.replace("Mayor Jo Smith", "Mayor Ann Lee").replace("1,200", "3,400"),
}) + "\n"


@dataclass
class Web:
    base: str  # http://127.0.0.1:PORT
    db: Path
    db_sha256: str
    seed_id: int
    hostile_ids: list[int]
    client: httpx.Client


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_store(root: Path) -> Path:
    """Ingest the seed article, a few bundled pages and the hostile pages with the real
    ingest (facts and corpus passes included)."""
    from nutgraf.run.local import ingest

    corpus = root / "corpus"
    (corpus / "seed").mkdir(parents=True)
    (corpus / "pages").mkdir()
    for p in SEED:
        shutil.copy(p, corpus / "seed" / p.name)
    for p in PAGES:
        shutil.copy(p, corpus / "pages" / p.name)
    (corpus / "pages" / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (corpus / "hostile.jsonl").write_text(HOSTILE_JSONL, encoding="utf-8")
    db = root / "web.db"
    stats = ingest([str(corpus)], db, workers=1)
    assert not stats.source_errors or all(e.startswith("corpus passes:") for e in stats.source_errors), \
        stats.source_errors
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``nutgraf serve`` in a subprocess, as a user would start it."""

    def __init__(self, db: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nutgraf", "serve", "--db", str(db), "--host", "127.0.0.1",
             "--port", str(self.port)],
            stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nutgraf serve exited ({self.proc.returncode}): {log.read_text()}")
            try:
                if httpx.get(self.base + "/api/stats", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nutgraf serve did not answer in 60 s: {log.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_state: dict = {"users": 0}


@pytest.fixture(scope="session")
def web(tmp_path_factory) -> Web:
    if "web" not in _state:
        root = tmp_path_factory.mktemp("web")
        db = build_store(root)
        digest = _sha256(db)
        server = Server(db, root / "server.log")
        client = httpx.Client(base_url=server.base, timeout=30)
        seed = client.get("/api/search", params={"q": '"Verkhny Lars"'}).json()["results"]
        hostile = client.get("/api/search", params={"q": HOSTILE_WORD, "per_page": 50}).json()["results"]
        _state.update(server=server, web=Web(server.base, db, digest, seed[0]["id"] if seed else -1,
                                             [h["id"] for h in hostile], client))
    _state["users"] += 1
    try:
        yield _state["web"]
    finally:
        _state["users"] -= 1
        if _state["users"] == 0:
            _state["web"].client.close()
            _state["server"].stop()
            del _state["web"]


# --------------------------------------------------------------------------- reading pages


class Page(HTMLParser):
    """Tags, attributes and the text of every element that has an id (or is a piece of one)."""

    VOID = {"meta", "link", "img", "br", "hr", "input", "source", "area", "base", "col", "embed", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[tuple[str, dict]] = []
        self.texts: dict[str, str] = {}
        self.errors: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag not in self.VOID:
            self.stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        for _, a in self.stack:
            key = a.get("id") or a.get("data-part-of")
            if key:
                self.texts[key] = self.texts.get(key, "") + data

    def find(self, tag=None, **attrs):
        return [a for t, a in self.tags if (tag is None or t == tag)
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def no_active_content(page: Page) -> None:
    """Only the elements and attributes the templates make: no img/iframe/object/embed/style/
    base, our one script, our stylesheet and icon, no on* handler, no link other than
    relative or http(s)."""
    for tag, attrs in page.tags:
        assert tag not in ("img", "iframe", "object", "embed", "style", "base", "frame", "video", "audio"), tag
        if tag == "script":
            assert attrs == {"src": "/static/app.js", "defer": None}, attrs
        if tag == "link":
            assert (attrs.get("href") or "").startswith("/static/"), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert name != "style", (tag, attrs)
            if name in ("href", "src", "action", "formaction") and value is not None:
                assert re.match(r"(/|#|\?|https?://)", value), (tag, name, value)


def assert_hostile_page_escaped(html: str) -> "Page":
    """The article page of the hostile fixture article: well-formed, no active content, and
    its script and attribute-breaking title shown as escaped text."""
    page = Page(html)
    assert not page.errors, page.errors
    no_active_content(page)
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html and "<img" not in html
    return page
