"""JSON Lines corpora (``.jsonl``, ``.ndjson``, optionally ``.gz``): one document per line,

    {"url": "https://...", "html": "<html>..."}          or
    {"url": "https://...", "text": "Headline\\n\\nBody..."}

with optional ``title``, ``published`` (ISO-8601, used when the page itself gives no
date/title) and ``fetched_at``.  ``html`` wins when both are present.  A line that is not a
JSON object with a string ``html`` or ``text`` is a failed ``Issue`` recorded against that
line (its id is the hash of the line's bytes, so it is not recorded twice); blank lines are
passed over.  A cut-off ``.jsonl.gz`` raises ``SourceError`` after the lines before it.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

from nutgraf.extract.limits import MAX_INPUT_BYTES
from nutgraf.sources.capture import Capture, Issue, Origin, SourceError

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


def is_jsonl(path: Path | str) -> bool:
    return Path(path).name.lower().endswith(JSONL_SUFFIXES)


def _optional_str(record: dict, key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value.strip() else None


def parse_line(raw: bytes, origin: Origin) -> Capture | Issue | None:
    """One line into a Capture, a failed Issue, or None for a blank line."""
    if not raw.strip():
        return None
    if len(raw) > 2 * MAX_INPUT_BYTES:
        return Issue(origin, "failed", "line is over the size limit", data=raw)
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return Issue(origin, "failed", f"not valid JSON: {exc}", data=raw)
    if not isinstance(record, dict):
        return Issue(origin, "failed", f"not a JSON object but a {type(record).__name__}", data=raw)
    url = _optional_str(record, "url")
    html, text = record.get("html"), record.get("text")
    if isinstance(html, str) and html.strip():
        body, ctype = html, "text/html"
    elif isinstance(text, str) and text.strip():
        body, ctype = text, "text/plain"
    else:
        return Issue(origin, "failed", 'no "html" or "text" string in the record', data=raw, url=url)
    hints = {k: v for k in ("title", "published") if (v := _optional_str(record, k))}
    return Capture(data=body.encode("utf-8"), origin=origin, content_type=ctype, url=url,
                   fetched_at=_optional_str(record, "fetched_at"), hints=hints)


def iter_jsonl(path: Path | str, label: str | None = None) -> Iterator[Capture | Issue]:
    path = Path(path)
    label = label or str(path)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    line_no = 0
    try:
        with opener(path, "rb") as fh:
            for raw in fh:
                line_no += 1
                item = parse_line(raw, Origin("jsonl", label, line=line_no))
                if item is not None:
                    yield item
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise SourceError(label, f"truncated or corrupt gzip after line {line_no}: {exc}") from exc
    except OSError as exc:
        raise SourceError(label, f"cannot read: {exc.strerror or exc}") from exc
