"""Where documents come from: each input kind yields ``Capture`` records (and ``Issue``
records for what it saw but will not extract).

- ``files``: .html/.htm/.txt files and their .gz, named, in folders (walked recursively),
  or shell-style patterns;
- ``warc``: WARC / WARC.gz response and resource records (FastWARC, warcio fallback);
- ``jsonl``: JSON Lines, one ``{url, html}`` or ``{url, text}`` object per line.

``iter_sources(paths)`` dispatches by file name: a folder is walked for all three kinds.
Later: ``web`` (URL lists, RSS/Atom feeds, sitemaps fetched over HTTP) will yield the same
records, so nothing downstream changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from nutgraf.sources.capture import Capture, Issue, Origin, SourceError
from nutgraf.sources.files import EXTENSIONS, STDIN, expand, read_file
from nutgraf.sources.jsonl import JSONL_SUFFIXES, is_jsonl, iter_jsonl
from nutgraf.sources.warc import WARC_SUFFIXES, is_warc, iter_warc

__all__ = ["Capture", "Issue", "Origin", "SourceError", "iter_sources", "iter_path", "kind_of",
           "ALL_EXTENSIONS"]

# what a folder walk picks up for ingest (each also as .gz, where that makes sense)
ALL_EXTENSIONS = EXTENSIONS + tuple(s for s in WARC_SUFFIXES + JSONL_SUFFIXES if not s.endswith(".gz"))


def kind_of(path: Path | str) -> str:
    if is_warc(path):
        return "warc"
    if is_jsonl(path):
        return "jsonl"
    return "file"


def iter_path(path: Path, label: str | None = None) -> Iterator[Capture | Issue]:
    """The records of one file, by its kind.  May raise ``SourceError``."""
    kind = kind_of(path)
    if kind == "warc":
        yield from iter_warc(path, label)
    elif kind == "jsonl":
        yield from iter_jsonl(path, label)
    else:
        yield read_file(path, label)


def iter_sources(paths: list[str] | tuple[str, ...], errors: list[SourceError] | None = None
                 ) -> Iterator[Capture | Issue]:
    """Every record of every source, in order.  A source that cannot be read (missing path,
    truncated WARC) is appended to ``errors`` (raised when ``errors`` is None) after the
    records it did give; the other sources are still read."""
    for item in expand(list(paths), ALL_EXTENSIONS):
        if item == STDIN:
            err = SourceError(STDIN, "standard input is not supported by ingest; save it to a file")
        elif isinstance(item, Path):
            try:
                yield from iter_path(item)
                continue
            except SourceError as exc:
                err = exc
        else:
            label, message = item  # type: ignore[misc]
            err = SourceError(label, message)
        if errors is None:
            raise err
        errors.append(err)
