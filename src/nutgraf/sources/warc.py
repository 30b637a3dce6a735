"""WARC files (``.warc``, ``.warc.gz``): each HTML or plain-text ``response`` (or
``resource``) record becomes a ``Capture``.

- Read with FastWARC (resiliparse) when it is installed, else with warcio.
- ``request``, ``warcinfo``, ``metadata`` and other bookkeeping records are passed over
  silently; ``response``/``resource``/``revisit`` records that are not documents to
  extract (an image, a redirect, an HTTP error, a revisit without payload) become a
  skipped ``Issue`` with the reason, so the store can say what a WARC held.
- HTTP ``Content-Encoding`` (gzip, deflate, br) and chunked transfer encoding are undone:
  the capture's bytes are the document as a browser would see it, so a page archived twice
  hashes the same.
- A truncated file (a download cut short, a gzip member cut off) raises ``SourceError``
  after the complete records before the cut have been yielded; the cut record itself is
  dropped.  Neither FastWARC nor warcio report this on their own (both end silently), so
  the tail of the file is checked after the last record: it must be exactly one complete
  record.
- Memory is bounded whatever the file holds: a record body is read up to
  ``MAX_RECORD_BYTES`` (one byte more tells it is over), a Content-Encoding is undone up to
  ``MAX_INPUT_BYTES``, and the truncation check streams the last record instead of
  inflating it.  An oversized record is a failed ``Issue``; the records after it are read.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from nutgraf.extract.limits import MAX_INPUT_BYTES, MAX_RECORD_BYTES
from nutgraf.sources.capture import Capture, Issue, Origin, SourceError

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc.gz")  # .arc.gz only through warcio
DOCUMENT_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
_CANDIDATE_TYPES = {"response", "resource"}

try:  # pragma: no cover - which branch runs depends on the environment
    from fastwarc.warc import ArchiveIterator as _FastIterator

    BACKEND = "fastwarc"
except ImportError:  # pragma: no cover
    _FastIterator = None
    BACKEND = "warcio"


def is_warc(path: Path | str) -> bool:
    return Path(path).name.lower().endswith(WARC_SUFFIXES)


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _dechunk(body: bytes) -> bytes:
    """Undo HTTP/1.1 chunked transfer encoding; the input unchanged when it is not chunked."""
    out = bytearray()
    pos = 0
    try:
        while True:
            eol = body.index(b"\r\n", pos)
            size = int(body[pos:eol].split(b";")[0].strip() or b"x", 16)
            if size == 0:
                return bytes(out)
            start = eol + 2
            out += body[start:start + size]
            pos = start + size + 2
            if pos > len(body):
                return bytes(out)
    except ValueError:
        return body


def _decode_content(body: bytes, encoding: str | None) -> bytes:
    """Undo Content-Encoding; raises ValueError when the body cannot be decoded."""
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity"):
        return body
    try:
        if enc in ("gzip", "x-gzip"):
            return zlib.decompressobj(wbits=47).decompress(body, MAX_INPUT_BYTES + 1)
        if enc == "deflate":
            try:
                return zlib.decompressobj().decompress(body, MAX_INPUT_BYTES + 1)
            except zlib.error:
                return zlib.decompressobj(wbits=-15).decompress(body, MAX_INPUT_BYTES + 1)
        if enc == "br":
            import brotli  # installed with fastwarc

            d = brotli.Decompressor()
            try:
                out = d.process(body, output_buffer_limit=MAX_INPUT_BYTES + 1)
            except TypeError:  # brotli < 1.2: no output bound; a short input keeps it small
                if len(body) > MAX_INPUT_BYTES // 1024:
                    raise ValueError("brotli body too large to undo safely") from None
                out = d.process(body)
            return out[:MAX_INPUT_BYTES + 1]
    except Exception as exc:  # noqa: BLE001 - any decoder failure is a bad record
        raise ValueError(f"cannot undo Content-Encoding {enc}: {exc}") from exc
    raise ValueError(f"unsupported Content-Encoding {enc}")


def _classify(path: str, rec_type: str, record_id: str | None, offset: int | None, url: str | None,
              date: str | None, status: int | None, content_type: str | None,
              content_encoding: str | None, transfer_encoding: str | None,
              body: bytes) -> Capture | Issue | None:
    """One WARC record's fields into a Capture, an Issue, or None (bookkeeping record)."""
    origin = Origin("warc", path, record_id=record_id, offset=offset)
    common = dict(url=url, fetched_at=date)
    if rec_type in _CANDIDATE_TYPES and len(body) > MAX_RECORD_BYTES:
        # the body was read up to the cap and no further: it is cut, so nothing is kept
        return Issue(origin, "failed", f"record body is over the {MAX_RECORD_BYTES // 2**20} MiB limit; skipped",
                     content_type=content_type, **common)
    if rec_type == "revisit":
        return Issue(origin, "skipped", "revisit record (no payload; the content is in an earlier record)",
                     content_type=content_type, **common)
    if rec_type not in _CANDIDATE_TYPES:
        return None
    if status is not None and not 200 <= status < 300:
        return Issue(origin, "skipped", f"HTTP status {status}", data=body or None,
                     content_type=content_type, **common)
    mime = _mime(content_type)
    if mime and mime not in DOCUMENT_TYPES:
        return Issue(origin, "skipped", f"content type {mime} is not HTML or text", data=body or None,
                     content_type=content_type, **common)
    if transfer_encoding and "chunked" in transfer_encoding.lower():
        body = _dechunk(body)
    try:
        body = _decode_content(body, content_encoding)
    except ValueError as exc:
        return Issue(origin, "failed", str(exc), data=body, content_type=content_type, **common)
    if not body.strip():
        return Issue(origin, "skipped", "empty payload", content_type=content_type, **common)
    if len(body) > MAX_INPUT_BYTES:
        return Issue(origin, "failed", f"payload is over the {MAX_INPUT_BYTES // 2**20} MiB limit",
                     content_type=content_type, **common)
    return Capture(data=body, origin=origin, content_type=content_type or None, **common)


# --------------------------------------------------------------------------- readers


def _fastwarc_records(fh, path: str) -> Iterator[tuple[int, Capture | Issue | None]]:
    for rec in _FastIterator(fh, parse_http=True):
        headers = rec.headers
        rec_type = str(rec.record_type)  # "response", "request", ...
        http = rec.http_headers if rec.is_http else None
        if http is not None:
            status = http.status_code
            ctype = http.get("Content-Type")
            cenc = http.get("Content-Encoding")
            tenc = http.get("Transfer-Encoding")
        else:
            status, cenc, tenc = None, None, None
            ctype = headers.get("Content-Type") if rec_type == "resource" else None
        body = rec.reader.read(MAX_RECORD_BYTES + 1) if rec_type in _CANDIDATE_TYPES else b""
        yield rec.stream_pos, _classify(
            path, rec_type, headers.get("WARC-Record-ID"), rec.stream_pos, headers.get("WARC-Target-URI"),
            headers.get("WARC-Date"), status, ctype, cenc, tenc, body)


def _warcio_records(fh, path: str) -> Iterator[tuple[int, Capture | Issue | None]]:
    from warcio.archiveiterator import ArchiveIterator

    it = ArchiveIterator(fh, arc2warc=True)
    for rec in it:
        rh = rec.rec_headers
        http = rec.http_headers if rec.rec_type in _CANDIDATE_TYPES else None
        if http is not None and rec.rec_type == "response":
            code = http.get_statuscode()
            status = int(code) if code and code.isdigit() else None
            ctype = http.get_header("Content-Type")
        else:
            status = None
            ctype = rh.get_header("Content-Type") if rec.rec_type == "resource" else None
        # content_stream() already undoes chunked and Content-Encoding
        body = rec.content_stream().read(MAX_RECORD_BYTES + 1) if rec.rec_type in _CANDIDATE_TYPES else b""
        offset = it.get_record_offset()  # after the read: asking first empties the stream
        yield offset, _classify(
            path, rec.rec_type, rh.get_header("WARC-Record-ID"), offset, rh.get_header("WARC-Target-URI"),
            rh.get_header("WARC-Date"), status, ctype, None, None, body)


# --------------------------------------------------------------------------- truncation


_CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)\s*$", re.I | re.M)


_CHUNK = 1 << 20
_HEAD_MAX = 1 << 20  # a WARC header block longer than this is not a header


class _Members:
    """The decompressed data of concatenated gzip members read from ``fh``, in chunks of at
    most ``_CHUNK`` (never the whole: a record can inflate to gigabytes).  After the
    iteration, ``complete`` is False when the data ended inside a member and ``members``
    counts the members that ended.  Raises ``zlib.error`` on corrupt data."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.complete = True
        self.members = 0

    def __iter__(self) -> Iterator[bytes]:
        pending = b""
        d = None
        while True:
            if d is None:
                while len(pending) < 2:
                    more = self.fh.read(_CHUNK)
                    if not more:
                        break
                    pending += more
                if pending[:2] != b"\x1f\x8b":
                    return  # the end, or data after the last member (ignored, as before)
                d = zlib.decompressobj(wbits=31)
            if not pending:
                pending = self.fh.read(_CHUNK)
                if not pending:
                    self.complete = False
                    return
            out = d.decompress(pending, _CHUNK)
            pending = d.unconsumed_tail
            if out:
                yield out
            if d.eof:
                pending = d.unused_data + pending
                d = None
                self.members += 1


def _tail_problem(path: Path, offset: int, gz: bool) -> tuple[str | None, bool]:
    """What is wrong with the file from ``offset`` (the last record's start) to its end
    (None when it is exactly one complete record), and whether that last record itself is
    complete (when the damage comes after it).  Streams the data: memory stays bounded."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        first = fh.read(2)
        if not first:
            return None, True
        if gz and first != b"\x1f\x8b":
            return None, True  # not one gzip member per record: offsets are not member starts
        fh.seek(offset)
        members = _Members(fh) if gz else None
        chunks = iter(members) if members is not None else iter(lambda: fh.read(_CHUNK), b"")
        head = bytearray()
        need: int | None = None
        length = 0
        total = 0
        junk = False
        header_problem: str | None = None
        try:
            for chunk in chunks:
                if need is None and header_problem is None:
                    head += chunk
                    total = len(head)
                    head_end = head.find(b"\r\n\r\n")
                    if head_end < 0:
                        if len(head) > _HEAD_MAX:
                            header_problem = f"the record at byte {offset} has no complete WARC header"
                            head = bytearray()
                        continue
                    if not head.startswith(b"WARC/"):
                        header_problem = f"the record at byte {offset} has no complete WARC header"
                        head = bytearray()
                        continue
                    m = _CONTENT_LENGTH.search(bytes(head[:head_end + 2]))
                    if m is None:
                        header_problem = f"the record at byte {offset} has no Content-Length"
                        head = bytearray()
                        continue
                    length = int(m.group(1))
                    need = head_end + 4 + length
                    if len(head) > need and bytes(head[need:]).strip(b"\r\n"):
                        junk = True
                    head = bytearray()
                    continue
                start = total
                total += len(chunk)
                if need is not None and not junk and total > need:
                    if chunk[max(0, need - start):].strip(b"\r\n"):
                        junk = True
        except zlib.error as exc:
            return f"corrupt gzip data after byte {offset}: {exc}", False
    if members is not None and not members.complete:
        if members.members:
            return f"the gzip stream is cut off after the record at byte {offset}", True
        return f"the gzip stream is cut off in the record at byte {offset}", False
    if header_problem is not None:
        return header_problem, False
    if need is None:
        return f"the record at byte {offset} has no complete WARC header", False
    if total < need:
        got = total - (need - length)
        return f"the record at byte {offset} is cut off ({got} of {length} bytes)", False
    if junk:
        return f"unreadable or cut-off data after the record at byte {offset}", True
    return None, True


def iter_warc(path: Path | str, label: str | None = None, backend: str | None = None) -> Iterator[Capture | Issue]:
    """Captures and issues from one WARC file, in file order; ``SourceError`` at the end
    when the file is truncated or not a WARC (the complete records before that were
    yielded)."""
    path = Path(path)
    label = label or str(path)
    backend = backend or BACKEND
    gz = path.name.lower().endswith(".gz")
    reader = _fastwarc_records if backend == "fastwarc" else _warcio_records
    held: tuple[int, Capture | Issue] | None = None
    last_offset: int | None = None
    try:
        with open(path, "rb") as fh:
            for offset, item in reader(fh, label):
                last_offset = offset
                if held is not None:
                    yield held[1]
                    held = None
                if item is not None:
                    held = (offset, item)
    except OSError as exc:
        raise SourceError(label, f"cannot read: {exc.strerror or exc}") from exc
    except Exception as exc:  # noqa: BLE001 - a reader's own error on broken input
        if held is not None:
            yield held[1]
        raise SourceError(label, f"unreadable WARC data: {exc}") from exc
    if last_offset is None:
        if path.stat().st_size:
            raise SourceError(label, "not a WARC file (no record could be read)")
        return
    problem, last_complete = _tail_problem(path, last_offset, gz)
    if held is not None and (last_complete or held[0] != last_offset):
        yield held[1]
    if problem is None:
        return
    # A cut-off last record is dropped; the complete ones before it are kept.
    raise SourceError(label, f"truncated WARC: {problem}; the records before it were read")
