"""JSON Lines corpora (``.jsonl``, ``.ndjson``, optionally ``.gz``): one document per line,

    {"url": "https://...", "html": "<html>..."}          or
    {"url": "https://...", "text": "Headline\\n\\nBody..."}

with optional ``title``, ``published`` (ISO-8601, used when the page itself gives no
date/title) and ``fetched_at``.  ``html`` wins when both are present.  A line that is not a
JSON object with a string ``html`` or ``text`` is a failed ``Issue`` recorded against that
line (its id is the hash of the line's bytes, so it is not recorded twice); blank lines are
passed over.  A cut-off ``.jsonl.gz`` raises ``SourceError`` after the lines before it.

Lines are read with a bound (``MAX_LINE_BYTES``): a longer line is never held in memory, it
is read past and recorded as a failed ``Issue``, and the lines after it are read as usual.
Strings are made valid Unicode (a ``"\\ud800"`` escape becomes U+FFFD) before anything
else sees them.  ``published`` is only a hint: ``check_published`` drops a value that is
not an ISO-8601 date (``run.local`` says so in the article's warnings).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from nutgraf.extract.decode import valid_text
from nutgraf.extract.limits import MAX_INPUT_BYTES, MAX_LINE_BYTES
from nutgraf.sources.capture import Capture, Issue, Origin, SourceError

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
_SKIP_CHUNK = 1 << 20
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"
                       r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)?", re.ASCII)


def check_published(value: str) -> str | None:
    """``value`` (stripped) when it is an ISO-8601 date or date-time of a real day between
    the years 1800 and 2200, else None."""
    value = value.strip()
    if len(value) > 40 or not _ISO_DATE.fullmatch(value):
        return None
    try:
        day = dt.datetime.fromisoformat(value.replace(",", ".").replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if 1800 <= day.year <= 2200 else None


def is_jsonl(path: Path | str) -> bool:
    return Path(path).name.lower().endswith(JSONL_SUFFIXES)


def _optional_str(record: dict, key: str) -> str | None:
    value = record.get(key)
    return valid_text(value) if isinstance(value, str) and value.strip() else None


def parse_line(raw: bytes, origin: Origin) -> Capture | Issue | None:
    """One line into a Capture, a failed Issue, or None for a blank line."""
    if not raw.strip():
        return None
    if len(raw) > MAX_LINE_BYTES:
        return Issue(origin, "failed", f"line is over the {MAX_LINE_BYTES // 2**20} MiB limit")
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return Issue(origin, "failed", f"not valid JSON: {exc}", data=raw)
    if not isinstance(record, dict):
        return Issue(origin, "failed", f"not a JSON object but a {type(record).__name__}", data=raw)
    url = _optional_str(record, "url")
    html, text = record.get("html"), record.get("text")
    if isinstance(html, str) and html.strip():
        body, ctype = valid_text(html), "text/html"
    elif isinstance(text, str) and text.strip():
        body, ctype = valid_text(text), "text/plain"
    else:
        return Issue(origin, "failed", 'no "html" or "text" string in the record', data=raw, url=url)
    hints = {k: v for k in ("title", "published") if (v := _optional_str(record, k))}
    data = body.encode("utf-8")
    if len(data) > MAX_INPUT_BYTES:
        return Issue(origin, "failed", f"document is over the {MAX_INPUT_BYTES // 2**20} MiB limit", url=url)
    return Capture(data=data, origin=origin, content_type=ctype, url=url,
                   fetched_at=_optional_str(record, "fetched_at"), hints=hints)


def _lines(fh: IO[bytes], limit: int) -> Iterator[tuple[bytes, bool]]:
    """``(line, whole)`` for each line of ``fh``, holding at most ``limit`` bytes of one:
    a longer line is read past in chunks and given as ``(b"", False)``."""
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw, True
            continue
        del raw
        while True:
            rest = fh.readline(_SKIP_CHUNK)
            if not rest or rest.endswith(b"\n"):
                break
        yield b"", False


def _parse(raw: bytes, origin: Origin) -> Capture | Issue | None:
    try:
        return parse_line(raw, origin)
    except (MemoryError, RecursionError) as exc:
        return Issue(origin, "failed", f"cannot parse the line ({type(exc).__name__})")
    except Exception as exc:  # noqa: BLE001 - one odd line must not end the file
        return Issue(origin, "failed", f"internal error ({type(exc).__name__}: {valid_text(str(exc))[:200]})")


def iter_jsonl(path: Path | str, label: str | None = None) -> Iterator[Capture | Issue]:
    path = Path(path)
    label = label or str(path)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    line_no = 0
    try:
        with opener(path, "rb") as fh:
            for raw, whole in _lines(fh, MAX_LINE_BYTES):
                line_no += 1
                origin = Origin("jsonl", label, line=line_no)
                if not whole:
                    yield Issue(origin, "failed", f"line is over the {MAX_LINE_BYTES // 2**20} MiB limit; skipped")
                    continue
                item = _parse(raw, origin)
                if item is not None:
                    yield item
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise SourceError(label, f"truncated or corrupt gzip after line {line_no}: {exc}") from exc
    except OSError as exc:
        raise SourceError(label, f"cannot read: {exc.strerror or exc}") from exc
