"""The unit every source yields: a ``Capture`` (bytes to extract) or an ``Issue`` (a record
that was seen but cannot be extracted, with the reason); the web source may also yield a
``Known`` (a page URL already stored, so not fetched again).

A capture is immutable input: its raw bytes, what they claim to be, where and when they
were fetched, and where in the corpus they were read (``Origin``).  Its ``id`` is the
SHA-256 of the bytes, so the same page read twice, from the same file or from a WARC
and a folder, is one capture: the store keeps it once and re-ingesting adds nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from nutgraf.extract.decode import valid_text

KINDS = ("file", "warc", "jsonl", "web")

# os.fsdecode() turns the bytes of a file name that are not UTF-8 into lone surrogates
# U+DC80..U+DCFF ("surrogateescape"); any other lone surrogate comes from a JSON escape.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def safe_label(name: str) -> str:
    """A path or label that can be printed and stored: each byte of a file name that was not
    UTF-8 (kept by Python as a surrogate escape) is shown as ``\\xNN``, and any other lone
    surrogate becomes U+FFFD.  Labels only: the file itself is opened by its ``Path``."""
    if name.isascii():
        return name
    name = _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", name)
    return valid_text(name)


def _opt(value: str | None) -> str | None:
    return valid_text(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Origin:
    """Where a capture was read: ``kind`` file | warc | jsonl | web, the file ``path`` (for
    web: the URL as asked for, before redirects), and within it
    the WARC ``record_id`` and byte ``offset`` (of the record, in the file as stored, so
    compressed offsets for .warc.gz) or the JSONL ``line`` (1-based)."""

    kind: str
    path: str
    record_id: str | None = None
    offset: int | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"origin kind must be one of {KINDS}, not {self.kind!r}")
        # every string a source hands on must be valid Unicode (storable, printable)
        object.__setattr__(self, "path", safe_label(self.path))
        object.__setattr__(self, "record_id", _opt(self.record_id))

    def label(self) -> str:
        """A short human-readable locator: ``path``, ``path@offset`` or ``path:line``."""
        if self.line is not None:
            return f"{self.path}:{self.line}"
        if self.offset is not None:
            return f"{self.path}@{self.offset}"
        return self.path

    def key(self) -> str:
        return f"{self.kind}\x00{self.path}\x00{self.record_id or ''}\x00{self.offset}\x00{self.line}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "record_id": self.record_id,
                "offset": self.offset, "line": self.line}


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Capture:
    """One document to extract.  ``data`` is the payload as served (HTTP and transfer
    encodings removed, gzip of .gz files undone); ``content_type`` the declared type
    (``text/plain`` for .txt files, the HTTP header for WARC records, ``None`` to let
    extraction judge by content); ``fetched_at`` ISO-8601 or None.

    ``hints`` carries metadata the source knows better than the page (a JSONL record's
    ``title``/``published``): the pipeline uses them where extraction found nothing.
    """

    data: bytes
    origin: Origin
    content_type: str | None = None
    url: str | None = None
    fetched_at: str | None = None
    hints: dict[str, str] = field(default_factory=dict)
    id: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", content_id(self.data))
        for name in ("content_type", "url", "fetched_at"):
            object.__setattr__(self, name, _opt(getattr(self, name)))
        if any(not (k.isascii() and v.isascii()) for k, v in self.hints.items()):
            object.__setattr__(self, "hints", {valid_text(k): valid_text(v) for k, v in self.hints.items()})

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def is_text(self) -> bool:
        """A plain-text scrape (cleaned with the per-site pass), not HTML."""
        return (self.content_type or "").split(";")[0].strip().lower() == "text/plain"


@dataclass(frozen=True)
class Issue:
    """A record a source saw but will not hand to extraction: ``status`` is ``skipped``
    (not a document we extract: an image, a redirect, a request record) or ``failed``
    (broken: an unparseable JSONL line, an unreadable gzip file).  It is stored like a
    capture, so the reason stays with the corpus and re-ingesting skips it again.

    ``id`` is the SHA-256 of the record's bytes when there are any, else of its origin."""

    origin: Origin
    status: str
    reason: str
    data: bytes | None = None
    url: str | None = None
    content_type: str | None = None
    fetched_at: str | None = None
    id: str = field(init=False)

    def __post_init__(self) -> None:
        if self.status not in ("skipped", "failed"):
            raise ValueError(f"issue status must be skipped or failed, not {self.status!r}")
        for name in ("reason", "content_type", "url", "fetched_at"):
            object.__setattr__(self, name, _opt(getattr(self, name)))
        basis = self.data if self.data is not None else ("origin\x00" + self.origin.key()).encode()
        object.__setattr__(self, "id", content_id(basis))

    @property
    def size(self) -> int | None:
        return None if self.data is None else len(self.data)


@dataclass(frozen=True)
class Known:
    """A page a source did not fetch because the store already holds an article captured
    from its ``url`` (``ingest`` counts it ``unchanged``).  It has no bytes and nothing is
    written for it: the stored capture keeps its own origin and time."""

    url: str
    origin: Origin


class SourceError(Exception):
    """A source that cannot be read on (missing file, truncated WARC).  Records read before
    the problem have already been yielded and are kept; the message says where it stopped."""

    def __init__(self, path: str, message: str) -> None:
        path, message = safe_label(str(path)), valid_text(str(message))
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
