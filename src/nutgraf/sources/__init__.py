"""Where documents come from: each input kind yields ``Capture`` records (and ``Issue``
records for what it saw but will not extract).

- ``files``: .html/.htm/.txt files and their .gz, named, in folders (walked recursively),
  or shell-style patterns;
- ``warc``: WARC / WARC.gz response and resource records (FastWARC, warcio fallback);
- ``jsonl``: JSON Lines, one ``{url, html}`` or ``{url, text}`` object per line.

- ``web``: http(s) URLs, URL-list files (``*.urls``, or a named ``.txt`` of URLs), RSS/Atom
  feeds and sitemaps, fetched politely (robots.txt, per-host rate, no private addresses).

``iter_sources(paths)`` dispatches by name: an ``http(s)://`` argument is fetched, a named
URL-list file is read for URLs, a folder is walked for files, WARC and JSONL (never for URL
lists: a folder walk makes no network requests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from nutgraf.sources.capture import Capture, Issue, Known, Origin, SourceError
from nutgraf.sources.files import EXTENSIONS, STDIN, expand, read_file
from nutgraf.sources.jsonl import JSONL_SUFFIXES, is_jsonl, iter_jsonl
from nutgraf.sources.warc import WARC_SUFFIXES, is_warc, iter_warc
from nutgraf.sources.web import FetchOptions, WebSource, is_url, is_url_list

__all__ = ["Capture", "Issue", "Known", "Origin", "SourceError", "iter_sources", "iter_path", "kind_of",
           "ALL_EXTENSIONS", "FetchOptions"]

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


def iter_sources(paths: list[str] | tuple[str, ...], errors: list[SourceError] | None = None, *,
                 fetch: FetchOptions | None = None,
                 known: Callable[[str], bool] | None = None) -> Iterator[Capture | Issue | Known]:
    """Every record of every source, in order.  A source that cannot be read (missing path,
    truncated WARC) is appended to ``errors`` (raised when ``errors`` is None) after the
    records it did give; the other sources are still read.  ``fetch`` says how URLs are
    fetched (default ``FetchOptions()``: polite, public addresses only); all URL sources of
    one call share one fetcher (robots.txt cache, per-host rate).  A page URL for which
    ``known(url)`` is true is not fetched: it is yielded as a ``Known`` record."""
    web: WebSource | None = None
    for raw in paths:
        if is_url(raw) or (Path(raw).is_file() and is_url_list(Path(raw))):
            web = web or WebSource(fetch, known=known)
            try:
                yield from web.iter_url(raw) if is_url(raw) else web.iter_url_list(Path(raw), raw)
                continue
            except SourceError as exc:
                if errors is None:
                    raise
                errors.append(exc)
                continue
        yield from _iter_files([raw], errors)


def _iter_files(paths: list[str], errors: list[SourceError] | None) -> Iterator[Capture | Issue]:
    for item in expand(paths, ALL_EXTENSIONS):
        if item == STDIN:
            err = SourceError(STDIN, "standard input is not supported by ingest; save it to a file")
        elif isinstance(item, Path):
            try:
                yield from iter_path(item)
                continue
            except SourceError as exc:
                err = exc
            except Exception as exc:  # noqa: BLE001 - a reader's bug costs this file, not the run
                err = SourceError(str(item), f"internal error reading it ({type(exc).__name__}: {exc}); "
                                             f"the records before it were read")
        else:
            label, message = item  # type: ignore[misc]
            err = SourceError(label, message)
        if errors is None:
            raise err
        errors.append(err)
