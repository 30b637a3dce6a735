"""Sources: files and folders (gz), WARC (both readers, truncation), JSONL (bad lines)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from nutgraf.sources import iter_sources
from nutgraf.sources.capture import Capture, Issue, SourceError, content_id
from nutgraf.sources.jsonl import iter_jsonl
from nutgraf.sources.warc import iter_warc

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
HTML = "<html><head><title>T{i}</title></head><body><article><p>Story number {i}. " + "Words here. " * 40 + "</p></article></body></html>"


def write_warc(path: Path, n: int = 4, *, gz: bool = True, extra: bool = True) -> list[bytes]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    bodies = []
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        for i in range(n):
            body = HTML.format(i=i).encode()
            bodies.append(body)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(f"https://news.example/{i}", "response", payload=io.BytesIO(body),
                                                http_headers=http))
            w.write_record(w.create_warc_record(f"https://news.example/{i}", "request",
                                                payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        if extra:
            http = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record("https://news.example/a.png", "response",
                                                payload=io.BytesIO(b"\x89PNG fake"), http_headers=http))
            http = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record("https://news.example/gone", "response",
                                                payload=io.BytesIO(b"<html>gone</html>"), http_headers=http))
            gzbody = gzip.compress(HTML.format(i="gz").encode())
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                                    protocol="HTTP/1.1")
            w.write_record(w.create_warc_record("https://news.example/gz", "response",
                                                payload=io.BytesIO(gzbody), http_headers=http))
    return bodies


def test_folder_walk_reads_html_txt_and_gz(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text(HTML.format(i=1))
    (tmp_path / "sub" / "b.txt").write_text("Headline\n\nA paragraph of text.\n")
    (tmp_path / "sub" / "c.html.gz").write_bytes(gzip.compress(HTML.format(i=3).encode()))
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG")
    items = list(iter_sources([str(tmp_path)]))
    assert [Path(i.origin.path).name for i in items] == ["a.html", "b.txt", "c.html.gz"]
    assert all(isinstance(i, Capture) and i.origin.kind == "file" for i in items)
    txt = items[1]
    assert txt.content_type == "text/plain" and txt.is_text
    assert items[2].data == HTML.format(i=3).encode()  # gunzipped
    assert items[2].id == content_id(items[2].data)
    assert items[0].fetched_at  # file mtime


def test_sample_folder_and_glob():
    items = list(iter_sources([str(SAMPLES / "scrapinghub" / "*.html.gz")]))
    assert len(items) == 30 and len({i.id for i in items}) == 30


def test_missing_source_is_reported_not_fatal(tmp_path):
    (tmp_path / "a.html").write_text(HTML.format(i=1))
    errors: list[SourceError] = []
    items = list(iter_sources([str(tmp_path / "nope.html"), str(tmp_path)], errors))
    assert len(items) == 1
    assert len(errors) == 1 and "no such file" in str(errors[0])


def test_bad_gzip_file_is_a_failed_issue(tmp_path):
    (tmp_path / "bad.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    [item] = list(iter_sources([str(tmp_path)]))
    assert isinstance(item, Issue) and item.status == "failed" and "gzip" in item.reason


@pytest.mark.parametrize("backend", ["fastwarc", "warcio"])
@pytest.mark.parametrize("gz", [True, False])
def test_warc_records(tmp_path, backend, gz):
    if backend == "fastwarc":
        pytest.importorskip("fastwarc")
    path = tmp_path / ("x.warc.gz" if gz else "x.warc")
    bodies = write_warc(path, gz=gz)
    items = list(iter_warc(path, backend=backend))
    caps = [i for i in items if isinstance(i, Capture)]
    issues = [i for i in items if isinstance(i, Issue)]
    assert [c.data for c in caps[:4]] == bodies
    assert caps[4].data == HTML.format(i="gz").encode()  # Content-Encoding undone
    assert [c.url for c in caps] == [f"https://news.example/{i}" for i in range(4)] + ["https://news.example/gz"]
    assert all(c.origin.kind == "warc" and c.origin.record_id and c.fetched_at for c in caps)
    assert caps[0].content_type.startswith("text/html")
    reasons = sorted(i.reason for i in issues)
    assert reasons == ["HTTP status 404", "content type image/png is not HTML or text"]
    assert all(i.status == "skipped" for i in issues)
    # offsets point at the records: reading from there gives the same record first
    offsets = [c.origin.offset for c in caps]
    assert offsets == sorted(offsets) and offsets[0] > 0


@pytest.mark.parametrize("backend", ["fastwarc", "warcio"])
@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_keeps_records_before_the_cut(tmp_path, backend, gz):
    if backend == "fastwarc":
        pytest.importorskip("fastwarc")
    whole = tmp_path / ("w.warc.gz" if gz else "w.warc")
    bodies = write_warc(whole, n=6, gz=gz, extra=False)
    data = whole.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    cut.write_bytes(data[: int(len(data) * 0.7)])
    got = []
    with pytest.raises(SourceError, match="truncated"):
        for item in iter_warc(cut, backend=backend):
            got.append(item)
    assert got, "the records before the cut are kept"
    assert [c.data for c in got] == bodies[: len(got)]  # complete, in order, none cut short
    assert len(got) < 6


def test_not_a_warc(tmp_path):
    p = tmp_path / "x.warc"
    p.write_bytes(b"hello, this is not a WARC file at all\n" * 10)
    with pytest.raises(SourceError):
        list(iter_warc(p))


def test_jsonl_with_a_bad_line(tmp_path):
    p = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"url": "https://a.example/1", "html": HTML.format(i=1), "published": "2024-01-02"}),
        "",
        "{not json",
        json.dumps({"url": "https://a.example/2", "text": "Title\n\nBody text."}),
        json.dumps({"url": "https://a.example/3"}),
        json.dumps([1, 2]),
    ]
    p.write_text("\n".join(lines) + "\n")
    items = list(iter_jsonl(p))
    assert [type(i).__name__ for i in items] == ["Capture", "Issue", "Capture", "Issue", "Issue"]
    assert items[0].content_type == "text/html" and items[0].hints == {"published": "2024-01-02"}
    assert items[2].content_type == "text/plain" and items[2].url == "https://a.example/2"
    bad = items[1]
    assert bad.status == "failed" and bad.origin.line == 3 and "not valid JSON" in bad.reason
    assert items[3].origin.line == 5 and "html" in items[3].reason
    assert items[4].origin.line == 6


def test_jsonl_gz_truncated(tmp_path):
    p = tmp_path / "docs.jsonl.gz"
    body = "".join(json.dumps({"url": f"https://a.example/{i}", "text": f"T {i}\n\nBody {i} " * 50}) + "\n"
                   for i in range(50))
    data = gzip.compress(body.encode())
    p.write_bytes(data[: len(data) // 2])
    got = []
    with pytest.raises(SourceError, match="after line"):
        for item in iter_jsonl(p):
            got.append(item)
    assert all(isinstance(i, Capture) for i in got)
