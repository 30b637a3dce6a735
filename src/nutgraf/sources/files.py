"""Documents on disk: .html, .htm and .txt files, gzipped or not, named or found by walking
folders (and glob patterns the shell did not expand).

``collect_inputs`` and ``read_input`` are what ``nutgraf extract``/``analyze`` use;
``iter_files`` turns the same files into ``Capture`` records for ``nutgraf ingest``.
"""

from __future__ import annotations

import datetime as dt
import glob
import gzip
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nutgraf.extract.limits import MAX_INPUT_BYTES
from nutgraf.model import ExtractionError
from nutgraf.sources.capture import Capture, Issue, Origin, safe_label

# What a directory walk picks up.  Named files are read whatever their extension: the
# user asked for them, and extract() decides HTML vs text from the content.
EXTENSIONS = (".html", ".htm", ".txt")
GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Input:
    """One document to read: a file path, or ``-`` for standard input."""

    label: str  # what the user sees and what goes into the "path" field
    path: Path | None  # None for stdin

    @property
    def content_type(self) -> str | None:
        """The type the file name implies.  ``.txt`` is passed as text/plain so a scrape
        that happens to contain a ``<`` is not mistaken for HTML; for everything else we
        let extract() look at the content."""
        if self.path is None:
            return None
        return content_type_for(self.path)


def content_type_for(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(".txt"):
        return "text/plain"
    return None


def base_name(path: Path | str) -> str:
    """The file name, lower-case, without a trailing .gz."""
    name = Path(path).name.lower()
    return name[:-3] if name.endswith(".gz") else name


def wanted(path: Path, extensions: tuple[str, ...] = EXTENSIONS) -> bool:
    return base_name(path).endswith(extensions)


def walk(root: Path, extensions: tuple[str, ...] = EXTENSIONS) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files under ``root`` with one of ``extensions`` (optionally .gz), sorted; and
    ``(path, error)`` for subfolders that could not be read."""
    found: list[Path] = []
    # os.walk with an onerror hook: an unreadable subfolder is reported, not fatal.
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs.sort()
        for name in files:
            candidate = Path(folder) / name
            if wanted(candidate, extensions) and candidate.is_file():
                found.append(candidate)
    problems = [(str(err.filename or root), f"cannot read directory: {err.strerror or err}") for err in errors]
    return sorted(found), problems


def expand(paths: tuple[str, ...] | list[str], extensions: tuple[str, ...] = EXTENSIONS
           ) -> Iterator[Path | str | tuple[str, str]]:
    """Expand command-line paths in a stable order: ``Path`` per file, ``STDIN``, or
    ``(label, error)`` for a path that cannot be used.  Directories are walked for
    ``extensions``; a pattern with ``*?[`` that the shell left unexpanded is globbed."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_dir():
            found, problems = walk(path, extensions)
            yield from problems
            yield from found
        elif path.exists():
            yield path
        elif _GLOB_CHARS & set(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield (raw, "no file matches this pattern")
            for match in matches:
                m = Path(match)
                if m.is_dir():
                    found, problems = walk(m, extensions)
                    yield from problems
                    yield from found
                else:
                    yield m
        else:
            yield (raw, "no such file or directory")


def collect_inputs(paths: tuple[str, ...] | list[str]) -> Iterator[Input | tuple[str, str]]:
    """Expand the command-line paths into documents, in a stable order.

    Yields an ``Input`` per document, or ``(label, error)`` for a path that cannot be
    used (missing, unreadable directory): reported like a failed document rather than
    aborting, so one typo does not cost the rest of a long run.
    """
    for item in expand(paths):
        if item == STDIN:
            yield Input(STDIN, None)
        elif isinstance(item, Path):
            # a name that is not UTF-8 is shown with its bytes escaped; the file is opened by path
            yield Input(safe_label(str(item)), item)
        else:
            label, error = item  # type: ignore[misc]
            yield safe_label(label), error


def _read_limited(stream: Any) -> bytes:
    # One byte over the cap is enough for extract() to refuse the document with its own
    # message; reading more would only let a huge file (or a gzip bomb) eat the memory.
    return stream.read(MAX_INPUT_BYTES + 1)


def read_bytes(path: Path | None) -> bytes:
    """A document's bytes (``None``: standard input), gunzipped when they are gzip (by
    content, not by name: stdin and misnamed files are handled too)."""
    if path is None:
        data = _read_limited(sys.stdin.buffer)
    else:
        with open(path, "rb") as fh:
            data = _read_limited(fh)
    if data[:2] == GZIP_MAGIC:
        if len(data) > MAX_INPUT_BYTES:
            # truncated by _read_limited: gunzipping it would only fail with a
            # misleading "corrupt file" message
            raise ExtractionError(f"gzip file is over the {MAX_INPUT_BYTES // 2**20} MiB limit")
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = _read_limited(gz)
        except (OSError, EOFError) as exc:
            raise ExtractionError(f"not a valid gzip file: {exc}") from exc
    return data


def read_input(item: Input) -> bytes:
    return read_bytes(item.path)


def _mtime(path: Path) -> str | None:
    try:
        ts = path.stat().st_mtime
    except OSError:
        return None
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).replace(microsecond=0).isoformat()


def read_file(path: Path, label: str | None = None) -> Capture | Issue:
    """One file as a ``Capture`` (or an ``Issue`` when it cannot be read).  ``fetched_at``
    is the file's modification time; the url is unknown."""
    label = label or str(path)
    origin = Origin("file", label)
    try:
        data = read_bytes(path)
    except (ExtractionError, OSError) as exc:
        return Issue(origin, "failed", str(exc) or type(exc).__name__)
    if len(data) > MAX_INPUT_BYTES:
        # not kept: the store would otherwise hold the oversized bytes as the failure's record
        return Issue(origin, "failed", f"file is over the {MAX_INPUT_BYTES // 2**20} MiB limit")
    return Capture(data=data, origin=origin, content_type=content_type_for(path), fetched_at=_mtime(path))


def iter_files(paths: list[Path]) -> Iterator[Capture | Issue]:
    for path in paths:
        yield read_file(path)
