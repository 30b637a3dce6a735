"""The ``nutgraf`` command line.

Every command is a thin shell over the Python API (``nutgraf.extract`` and friends): it
finds the inputs, reads their bytes, calls the API and prints what came back.  Nothing
here changes what an article is, so the CLI and the API always agree.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console

import nutgraf
from nutgraf.extract.limits import MAX_INPUT_BYTES
from nutgraf.model import Article, ExtractionError

# What a directory walk picks up.  Named files are read whatever their extension: the
# user asked for them, and extract() decides HTML vs text from the content.
_EXTENSIONS = (".html", ".htm", ".txt")
_GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"


# --------------------------------------------------------------------------- inputs


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
        name = self.path.name.lower()
        if name.endswith(".gz"):
            name = name[:-3]
        if name.endswith(".txt"):
            return "text/plain"
        return None


def _wanted(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.endswith(_EXTENSIONS)


def collect_inputs(paths: tuple[str, ...] | list[str]) -> Iterator[Input | tuple[str, str]]:
    """Expand the command-line paths into documents, in a stable order.

    Yields an ``Input`` per document, or ``(label, error)`` for a path that cannot be
    used (missing, unreadable directory): reported like a failed document rather than
    aborting, so one typo does not cost the rest of a long run.
    """
    for raw in paths:
        if raw == STDIN:
            yield Input(STDIN, None)
            continue
        path = Path(raw)
        if path.is_dir():
            found = []
            # os.walk with an onerror hook: an unreadable subfolder is reported, not fatal.
            errors: list[OSError] = []
            for root, dirs, files in os.walk(path, onerror=errors.append):
                dirs.sort()
                for name in files:
                    candidate = Path(root) / name
                    if _wanted(candidate) and candidate.is_file():
                        found.append(candidate)
            for err in errors:
                yield (str(err.filename or raw), f"cannot read directory: {err.strerror or err}")
            for candidate in sorted(found):
                yield Input(str(candidate), candidate)
        elif path.exists():
            yield Input(raw, path)
        else:
            yield (raw, "no such file or directory")


def _read_limited(stream: Any) -> bytes:
    # One byte over the cap is enough for extract() to refuse the document with its own
    # message; reading more would only let a huge file (or a gzip bomb) eat the memory.
    return stream.read(MAX_INPUT_BYTES + 1)


def read_input(item: Input) -> bytes:
    """The document's bytes, gunzipped when they are gzip (by content, not by name:
    stdin and misnamed files are handled too)."""
    if item.path is None:
        data = _read_limited(sys.stdin.buffer)
    else:
        with open(item.path, "rb") as fh:
            data = _read_limited(fh)
    if data[:2] == _GZIP_MAGIC:
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


def extract_input(item: Input, *, url: str | None, content_type: str | None) -> Article:
    data = read_input(item)
    return nutgraf.extract(data, url=url, content_type=content_type or item.content_type)


def analyze_input(item: Input, *, url: str | None, content_type: str | None, clean: bool = True) -> Article:
    data = read_input(item)
    return nutgraf.analyze(data, url=url, content_type=content_type or item.content_type, clean=clean)


# --------------------------------------------------------------------------- output


def _write(text: str) -> None:
    # sys.stdout is looked up on every call: rich's live display and click's test runner
    # both swap it, and the output must follow.
    sys.stdout.write(text)


def _record(label: str, article: Article) -> dict[str, Any]:
    record: dict[str, Any] = {"path": label}
    record.update(article.to_dict())
    return record


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _text_block(label: str, article: Article, *, many: bool, facts: bool = False) -> str:
    lines = []
    if many:
        lines.append(f"==> {label} <==")
    lines.append(f"# {article.title}" if article.title else "# (no title)")
    meta = [
        ("url", article.url),
        ("published", article.published),
        ("authors", ", ".join(article.authors) if article.authors else None),
        ("site", article.site_name),
        ("language", article.language),
    ]
    for key, value in meta:
        if value:
            lines.append(f"{key}: {value}")
    lines.append(f"words: {article.words}")
    for warning in article.warnings:
        lines.append(f"warning: {warning}")
    lines.append("")
    lines.append(article.text)
    if facts:
        lines.extend(_facts_lines(article))
    return "\n".join(lines) + "\n"


def _facts_lines(article: Article) -> list[str]:
    """The facts as a reader would list them, each with its character span."""
    lines = ["", f"## entities ({len(article.entities)})"]
    for e in article.entities:
        aliases = [a for a in e.aliases if a != e.name]
        also = f"  (also: {'; '.join(aliases)})" if aliases else ""
        lines.append(f"{e.label:<7} {e.name}  x{len(e.mentions)}{also}")
    lines += ["", f"## quotes ({len(article.quotes)})"]
    for q in article.quotes:
        who = q.speaker or "(unknown speaker)"
        lines.append(f"[{q.start}:{q.end}] {q.kind:<8} {who} ({q.cue or '-'}): {_short(q.text)}")
    lines += ["", f"## amounts ({len(article.amounts)})"]
    for a in article.amounts:
        value = "vague" if a.value is None else f"{a.value:g}"
        unit = f" {a.unit}" if a.unit else ""
        per = f" per {a.per}" if a.per else ""
        src = f"  <- {a.source}" if a.source else ""
        lines.append(f"[{a.start}:{a.end}] {value}{unit}{per}  \"{_short(a.text)}\"{src}")
    lines += ["", f"## dates ({len(article.dates)})"]
    for d in article.dates:
        lines.append(f"[{d.start}:{d.end}] {d.text} -> {d.value or '?'}")
    return lines


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Progress:
    """A rich progress bar on stderr, or nothing.  Shown only for more than one document
    and only when stderr is a terminal, so pipes, logs and CI output stay clean."""

    def __init__(self, console: Console, total: int, verb: str = "extracting") -> None:
        self._bar = None
        if total > 1 and console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
                # When stdout is the same terminal, route it through the live display so
                # the articles scroll above the bar instead of through it.  When stdout is
                # a pipe or file it must not be touched.
                redirect_stdout=sys.stdout.isatty(),
                redirect_stderr=False,
            )
            self._task = self._bar.add_task(verb, total=total)

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)


# --------------------------------------------------------------------------- commands


@click.group(
    "nutgraf",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(nutgraf.__version__, "--version", "-V", prog_name="nutgraf")
def main() -> None:
    """nutgraf: raw news pages and text scrapes into clean articles and
    attributed, traceable facts.

    `nutgraf extract` does what the Python function nutgraf.extract does, and
    `nutgraf analyze` what nutgraf.analyze does, for many files at once; run
    `nutgraf COMMAND --help` for options and examples.

    \b
    Examples:
      nutgraf extract story.html
      nutgraf extract pages/ --format jsonl > articles.jsonl
      nutgraf analyze story.html --format text
      nutgraf demo
    """


_EXTRACT_HELP = """Extract the article from each page or text scrape in PATH...

\b
PATH may be:
  - a file: .html, .htm or .txt, optionally gzipped (.gz is unpacked);
    a file named explicitly is read whatever its extension
  - a directory: searched recursively for those extensions
  - '-': standard input (HTML or text, gzipped or not)

\b
Formats:
  text   a header (title, url, date, authors, site, language, words) and
         the clean text, one block per document
  json   one JSON object for a single file; a JSON list when several
         PATHs or a directory are given
  jsonl  one JSON object per line, one line per document

Each JSON object is the Article (see the README) with a "path" field
first.  A document that cannot be read or extracted (binary data, too
large, missing file) does not stop the run: it becomes
{"path": ..., "error": ...} in json/jsonl output and a message on
stderr in text output.

\b
Exit status:
  0  every document was extracted
  1  at least one document failed (the others are still printed),
     or the directories held no documents
  2  usage error (bad option, --url with more than one document)

\b
Examples:
  nutgraf extract story.html
  nutgraf extract story.html --url https://example.com/story --format json
  nutgraf extract pages/ --format jsonl > articles.jsonl
  curl -s https://example.com/story | nutgraf extract - --format json
  nutgraf extract scrape.txt.gz
"""


@main.command("extract", help=_EXTRACT_HELP, short_help="Extract clean articles from HTML or text files.")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="The page's address, for metadata and relative links. Only with a single document.",
)
@click.option(
    "--content-type",
    default=None,
    metavar="TYPE",
    help="Treat every input as this type, e.g. text/plain or text/html "
    "(default: .txt files are text, others are judged by their content).",
)
def extract_command(paths: tuple[str, ...], fmt: str, url: str | None, content_type: str | None) -> None:
    _run(paths, fmt, url, lambda item: extract_input(item, url=url, content_type=content_type))


def _run(paths: tuple[str, ...], fmt: str, url: str | None, process: Any, *, facts: bool = False,
         verb: str = "extracting") -> None:
    """Read each input, turn it into an Article with ``process`` and print it; a document
    that fails is reported and the run goes on."""
    items = list(collect_inputs(paths))
    if url is not None and len(items) != 1:
        raise click.UsageError(
            f"--url applies to one document, but {len(items)} were given; "
            "run once per page to give each its url."
        )
    if sum(1 for item in items if isinstance(item, Input) and item.path is None) > 1:
        raise click.UsageError("'-' (standard input) can be given only once.")
    as_list = fmt == "json" and (len(paths) > 1 or any(Path(p).is_dir() for p in paths if p != STDIN))

    err = Console(stderr=True, highlight=False)
    failed = 0
    first = True
    if as_list:
        _write("[")
    with _Progress(err, len(items), verb) as progress:
        for item in items:
            if isinstance(item, Input):
                label = item.label
                try:
                    article = process(item)
                    error = None
                except (ExtractionError, OSError) as exc:
                    article, error = None, str(exc) or type(exc).__name__
                except Exception as exc:  # noqa: BLE001
                    # A bug in the extractor on one odd page must not cost a long run its
                    # other documents; it is still reported, and the exit status says so.
                    article, error = None, f"internal error ({type(exc).__name__}: {exc}); please report it"
            else:
                label, error = item
                article = None

            if error is not None:
                failed += 1
                if fmt == "text":
                    err.print(f"nutgraf: {label}: {error}", markup=False, soft_wrap=True)
                record: dict[str, Any] = {"path": label, "error": error}
            else:
                assert article is not None
                record = _record(label, article) if fmt != "text" else {}

            if fmt == "text":
                if article is not None:
                    block = _text_block(label, article, many=len(items) > 1, facts=facts)
                    _write(("" if first else "\n") + block)
                    first = False
            elif fmt == "jsonl":
                _write(_dumps(record) + "\n")
            elif as_list:
                _write(("\n" if first else ",\n") + _dumps(record))
                first = False
            else:
                _write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
            sys.stdout.flush()
            progress.advance()
    if as_list:
        _write("\n]\n" if not first else "]\n")
    if not items:
        err.print("nutgraf: no .html, .htm or .txt files (or .gz of them) found", markup=False)
        sys.exit(1)
    if failed:
        if fmt != "text" or len(items) > 1:
            err.print(f"nutgraf: {failed} of {len(items)} document(s) failed", markup=False)
        sys.exit(1)


_ANALYZE_HELP = """Extract each article and find its facts: entities, quotes with their
speakers, amounts with who reported them, and dates.

PATH is read as for `nutgraf extract` (files, directories, '-', .gz).
Every fact carries its character span in the article's text, so
text[start:end] is its evidence.

\b
Formats:
  json   (default) the Article with .entities, .quotes, .amounts, .dates
  jsonl  one Article per line
  text   the article followed by its facts, one per line

--no-clean takes each input as an already-clean article text (no
boilerplate removal); use it for text you have cleaned yourself.

The spaCy model (en_core_web_sm 3.8.0, pinned) is loaded once per run;
nothing is downloaded.

\b
Examples:
  nutgraf analyze story.html
  nutgraf analyze scrape.txt --format text
  nutgraf analyze pages/ --format jsonl > facts.jsonl
  nutgraf analyze clean.txt --no-clean
"""


@main.command("analyze", help=_ANALYZE_HELP, short_help="Extract articles and their facts (entities, quotes, amounts, dates).")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "text"]), default="json",
              show_default=True, help="Output format.")
@click.option("--url", default=None, metavar="URL",
              help="The page's address, for metadata. Only with a single document.")
@click.option("--content-type", default=None, metavar="TYPE",
              help="Treat every input as this type, e.g. text/plain or text/html.")
@click.option("--clean/--no-clean", default=True, show_default=True,
              help="Remove page furniture first (--no-clean: the input is already the article text).")
def analyze_command(paths: tuple[str, ...], fmt: str, url: str | None, content_type: str | None,
                    clean: bool) -> None:
    from nutgraf.facts.nlp import ModelMissing, load

    try:
        load()  # once, up front: a missing model is one clear message, not one per file
    except ModelMissing as exc:
        raise click.ClickException(str(exc)) from exc
    _run(paths, fmt, url,
         lambda item: analyze_input(item, url=url, content_type=content_type, clean=clean),
         facts=True, verb="analyzing")


@main.command("demo", short_help="Extract the bundled samples and show a summary table.")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def demo_command(directory: Path | None) -> None:
    """Extract every document in DIRECTORY (default: the bundled samples/ folder) and
    print a table of what was found: file, title, date, authors, words.

    \b
    Example:
      nutgraf demo samples/
    """
    from nutgraf.demo import run_demo  # late: demo imports this module

    sys.exit(run_demo(directory))


if __name__ == "__main__":  # pragma: no cover
    main()
