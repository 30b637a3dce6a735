"""The ``nutgraf`` command line.

Every command is a thin shell over the Python API (``nutgraf.extract`` and friends): it
finds the inputs, reads their bytes, calls the API and prints what came back.  Nothing
here changes what an article is, so the CLI and the API always agree.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

import nutgraf
from nutgraf.model import Article, ExtractionError

# File discovery and reading live in nutgraf.sources.files (ingest uses them too); the
# names stay importable from here.
from nutgraf.sources.files import STDIN, Input, collect_inputs, read_input  # noqa: E402,F401


def extract_input(item: Input, *, url: str | None, content_type: str | None) -> Article:
    data = read_input(item)
    return nutgraf.extract(data, url=url, content_type=content_type or item.content_type)


def analyze_input(item: Input, *, url: str | None, content_type: str | None, clean: bool = True) -> Article:
    data = read_input(item)
    return nutgraf.analyze(data, url=url, content_type=content_type or item.content_type, clean=clean)


# --------------------------------------------------------------------------- output

# Terminal-safe output and progress bars are the console module's (shared with the demo).
from nutgraf.console import IngestProgress as _IngestProgress  # noqa: E402,F401
from nutgraf.console import Progress as _Progress  # noqa: E402
from nutgraf.console import print_ingest_summary  # noqa: E402,F401
from nutgraf.console import terminal_safe as _terminal_safe  # noqa: E402
from nutgraf.console import write as _write  # noqa: E402


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
    lines += ["", f"## places ({len(article.places)})"]
    for p in article.places:
        where = f"{p.lat:.2f},{p.lon:.2f}" if p.lat is not None else "no point"
        region = ", ".join(x for x in (p.admin1_name, p.country_code) if x and x != p.name)
        lines.append(f"[{p.start}:{p.end}] {p.text} -> {p.name}{f' ({region})' if region else ''} {where}"
                     f"  geonames:{p.geonames_id or '-'} {p.kind}, {p.evidence}")
    lines += ["", f"## events ({len(article.events)})"]
    for e in article.events:
        lines.append(f"[{e.start}:{e.end}] {e.category}{'/' + e.mode if e.mode else ''}"
                     f"{' NOT' if e.negated else ''} {_actor(e.source)} -> {_actor(e.target)}"
                     f"  \"{_short(e.text, 60)}\"  cameo {e.cameo or '-'}"
                     f"{', at ' + e.place.name if e.place else ''}{', on ' + e.date.value if e.date and e.date.value else ''}")
    return lines


def _actor(actor: Any) -> str:
    if actor is None:
        return "(none)"
    code = "".join(x for x in (actor.country, actor.sector) if x)
    return f"{actor.name}{f' [{code}]' if code else ''}"


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- commands


class _Command(click.Command):
    """Every subcommand: an ordinary mistake or mishap (a --db that is a folder, a read-only
    database, a full disk, an unwritable --out, a number too large to store) ends it with one
    line on stderr and exit status 1 (``nutgraf.errors``); ``nutgraf --debug`` shows the
    traceback instead."""

    def invoke(self, ctx: click.Context) -> Any:
        from nutgraf import errors

        problem = errors.check_params(ctx.command.name or "", ctx.params)
        if problem:
            raise click.ClickException(problem)
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if _debug(ctx):
                raise
            raise click.ClickException(errors.describe(exc)) from exc


class _Group(click.Group):
    command_class = _Command
    group_class = type  # subgroups (gazetteer) are _Groups too


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.find_root().params.get("debug")) or os.environ.get("NUTGRAF_DEBUG") == "1"


@click.group(
    "nutgraf",
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(nutgraf.__version__, "--version", "-V", prog_name="nutgraf")
@click.option("--debug", is_flag=True, help="Show the full traceback when a command fails (for bug reports).")
def main(debug: bool) -> None:
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
      nutgraf ingest pages/ crawl.warc.gz --db news.db
      nutgraf search impeachment --db news.db
      nutgraf export --db news.db --format parquet --out news-parquet/
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
                    err.print(_terminal_safe(f"nutgraf: {label}: {error}"), markup=False, soft_wrap=True)
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
speakers, amounts with who reported them, dates, places on the map
(GeoNames, offline) and events (who did what to whom, PLOVER-coded).

PATH is read as for `nutgraf extract` (files, directories, '-', .gz).
Every fact carries its character span in the article's text, so
text[start:end] is its evidence.

\b
Formats:
  json   (default) the Article with .entities, .quotes, .amounts, .dates,
         .places, .events
  jsonl  one Article per line
  text   the article followed by its facts, one per line

--no-clean takes each input as an already-clean article text (no
boilerplate removal); use it for text you have cleaned yourself.

The spaCy model (en_core_web_sm 3.8.0, pinned) is loaded once per run;
nothing is downloaded.  NUTGRAF_SKIP_PASSES=places,events leaves out
those two passes (faster; their lists stay empty).

\b
Examples:
  nutgraf analyze story.html
  nutgraf analyze scrape.txt --format text
  nutgraf analyze pages/ --format jsonl > facts.jsonl
  nutgraf analyze clean.txt --no-clean
"""


def _skipped_passes() -> frozenset[str]:
    """NUTGRAF_SKIP_PASSES, checked once up front: a typo is one message, not a failure per document."""
    from nutgraf.facts import skipped_passes

    try:
        return skipped_passes()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


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

    from nutgraf.facts.places.gazetteer import open_gazetteer

    try:
        load()  # once, up front: a missing model is one clear message, not one per file
        if "places" not in _skipped_passes():
            open_gazetteer()  # and so is a missing place gazetteer
    except ModelMissing as exc:
        raise click.ClickException(str(exc)) from exc
    _run(paths, fmt, url,
         lambda item: analyze_input(item, url=url, content_type=content_type, clean=clean),
         facts=True, verb="analyzing")


# --------------------------------------------------------------------------- corpus commands


def _default_workers() -> int:
    # one core stays with the main process (reading sources, writing the store); on a
    # 2-core machine a pool measured slower than in-process work (see README)
    return max(1, min(4, (os.cpu_count() or 1) - 1))


_INGEST_HELP = """Ingest documents into a database: extract each article, find its facts
(entities, quotes, amounts, dates, places, events) and store them.
NUTGRAF_SKIP_PASSES=places,events leaves those two passes out (recorded
in each article's settings hash; set it on Dask workers too).

\b
SOURCE may be:
  - .html/.htm/.txt files, gzipped or not, or folders of them (recursive)
  - WARC files (.warc, .warc.gz): HTML and text response records
  - JSON Lines (.jsonl, .ndjson, optionally .gz): {"url", "html"} or
    {"url", "text"} per line, optional "title", "published"
  - glob patterns ('crawl/*.warc.gz'); a folder is walked for all kinds
  - http(s) URLs: a page, an RSS/Atom feed (its items are fetched) or a
    sitemap / sitemap index (.xml, .xml.gz); URL lists (FILE.urls, or a
    .txt of URLs, one per line, # comments) name many

The database (a SQLite file, created if missing, or a postgresql:// URL)
is content-addressed: a document
already in it is skipped before any work, so running the same command again
resumes an interrupted ingest and adds nothing twice.  Each document is
written in its own transaction.  Failed and skipped documents are recorded
with their reason (table captures).  Plain-text files of one folder (or
JSONL/WARC texts of one host) are cleaned together, so lines the site
repeats are removed as furniture.

\b
Exit status: 0 when every source was read (failed documents are recorded,
not fatal), 1 when a source could not be read to its end, 2 usage error.

\b
Examples:
  nutgraf ingest pages/ --db news.db
  nutgraf ingest crawl.warc.gz more/*.warc.gz --db news.db --workers 4
  nutgraf ingest articles.jsonl --db news.db --workers 1
  nutgraf ingest crawl/ --db postgresql://me@dbhost/news --dask tcp://sched:8786
  nutgraf ingest https://example.com/feed.xml reading.urls --db news.db

\b
Fetching obeys robots.txt, waits 1/--rate seconds between requests to
one host, sends User-Agent nutgraf/VERSION (--user-agent), and refuses
private, loopback and link-local addresses (every redirect hop is
checked) unless --allow-private. Each URL that fails (HTTP error,
timeout, too large, disallowed, not HTML) is recorded with its reason
and the run goes on. A page whose URL already has a stored article is
not fetched again (counted unchanged) unless --refetch; feeds and
sitemaps are always fetched, so only new links are.
"""


@main.command("ingest", help=_INGEST_HELP, short_help="Ingest files, WARC, JSONL or URLs into a database.")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--db", required=True, metavar="PATH",
              help="SQLite database file (created if missing) or a postgresql:// URL.")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for extraction and facts (default: CPU cores - 1, at most 4); "
                   "1 runs everything in this process.")
@click.option("--retry-failed", is_flag=True, help="Process documents that failed before again.")
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS",
              help="Run extraction and facts on the Dask cluster whose scheduler is at ADDRESS "
                   "(tcp://host:8786) instead of local worker processes; this process still writes.")
@click.option("--allow-private", is_flag=True,
              help="Fetch from private, loopback and link-local addresses too (refused by default).")
@click.option("--rate", type=click.FloatRange(min=0), default=1.0, show_default=True, metavar="N",
              help="Requests per second to one host when fetching URLs (0: no limit).")
@click.option("--timeout", "fetch_timeout", type=click.FloatRange(min=0, min_open=True), default=10.0,
              show_default=True, metavar="SECONDS", help="Connect and read timeout for each request.")
@click.option("--refetch", is_flag=True,
              help="Fetch pages again even when their URL is already stored; a changed page becomes "
                   "a new capture.")
@click.option("--user-agent", "user_agent", default=None, metavar="TEXT",
              help="User-Agent header of every request; robots.txt rules are matched against it too "
                   "(default: nutgraf/VERSION and the project URL).")
def ingest_command(sources: tuple[str, ...], db: str, workers: int | None, retry_failed: bool,
                   dask_address: str | None, allow_private: bool = False, rate: float = 1.0,
                   fetch_timeout: float = 10.0, refetch: bool = False, user_agent: str | None = None) -> None:
    from nutgraf.facts.nlp import ModelMissing, load
    from nutgraf.run.local import ingest
    from nutgraf.sources.web import FetchOptions
    from nutgraf.sources.web import user_agent as default_user_agent
    from nutgraf.store import StoreError

    from nutgraf.run.dask import DaskError
    from nutgraf.store.postgres import redact

    if dask_address and workers:
        raise click.UsageError("--workers and --dask exclude each other (with --dask the cluster's "
                               "workers do the work).")
    if user_agent is not None and (not user_agent.strip() or any(c in user_agent for c in "\r\n")):
        raise click.BadParameter("must be a non-empty single line", param_hint="--user-agent")
    workers = workers or (1 if dask_address else _default_workers())
    fetch = FetchOptions(allow_private=allow_private, rate=rate, timeout=fetch_timeout,
                         total_timeout=max(60.0, 6 * fetch_timeout),
                         user_agent=user_agent or default_user_agent())
    err = Console(stderr=True, highlight=False)
    from nutgraf.facts.places.gazetteer import open_gazetteer

    try:
        if not dask_address and "places" not in _skipped_passes():
            open_gazetteer()  # checked here: a missing gazetteer is one message, not a failure per document
        if workers == 1 and not dask_address:
            load()
    except ModelMissing as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        with _IngestProgress(err) as bar:
            if dask_address:
                from nutgraf.run.dask import ingest_dask

                stats = ingest_dask(list(sources), db, dask_address, retry_failed=retry_failed,
                                    on_progress=bar.update, fetch=fetch, refetch=refetch)
            else:
                stats = ingest(list(sources), db, workers=workers, retry_failed=retry_failed,
                               on_progress=bar.update, fetch=fetch, refetch=refetch)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    except DaskError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        err.print("nutgraf: interrupted; the documents stored so far are kept, run the same command to resume",
                  markup=False)
        sys.exit(130)
    print_ingest_summary(stats, err, redact(db))
    sys.exit(1 if stats.source_errors else 0)


# PLOVER 2021's categories, written here so `--help` costs no import of the event coder
# (tests check they are the coder's).
_PLOVER_CATEGORIES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                      "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


def _plover_category(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--event, upper-cased; anything else is a usage error (exit 2) listing the categories."""
    if value is None:
        return None
    if value.strip().upper() not in _PLOVER_CATEGORIES:
        raise click.BadParameter(f"{value!r} is not a PLOVER category: one of {', '.join(_PLOVER_CATEGORIES)}")
    return value.strip().upper()

_SEARCH_HELP = """Full-text search over the articles in a database (title and text).

QUERY uses SQLite FTS5 syntax: words (all must match), "exact phrases",
OR, NOT, prefix* and NEAR(a b).  Without QUERY, the filters alone list
articles, newest first.

Places are the article's place mentions as geocoded at ingest (GeoNames,
offline).  --place NAME finds articles with a place called NAME or
written NAME in the text, case ignored ("--place Georgia"; "--place
Russia" also finds "Russian", read as Russia); a number is a GeoNames id
("--place 614540": Georgia the country, not the US state).  --country CC
finds articles naming any place in that country, by ISO 3166-1 alpha-2
code (GE: Georgia itself, Tbilisi, Batumi, ...).

Events are who did what to whom, coded at ingest in PLOVER's sixteen
categories.  --event CATEGORY finds articles with an event of that
category (case ignored).  --actor NAME finds articles with an event whose
source or target is NAME: each word must begin a word of the actor's
name or entity (Putin finds "President Vladimir Putin"), or NAME is the
actor's country code, ISO alpha-3 (RUS).  Given together, one event
must match both.

\b
Examples:
  nutgraf search impeachment --db news.db
  nutgraf search '"climate change" OR warming' --db news.db --since 2019-01-01
  nutgraf search --speaker Putin --db news.db --format json
  nutgraf search refugees --entity Syria --site polygraph --db news.db
  nutgraf search border --place Georgia --db news.db
  nutgraf search --country GE --since 2022-09 --db news.db
  nutgraf search --event MOBILIZE --actor Putin --db news.db
  nutgraf search sanctions --event sanction --actor RUS --since 2022 --db news.db
"""


@main.command("search", help=_SEARCH_HELP, short_help="Full-text search over an ingested database.")
@click.argument("query", required=False, default="")
@click.option("--db", required=True, metavar="PATH", help="Database made by `nutgraf ingest`.")
@click.option("--site", default=None, help="Site name or URL containing this text.")
@click.option("--since", default=None, metavar="DATE", help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", default=None, metavar="DATE", help="Published on or before.")
@click.option("--entity", default=None, metavar="NAME", help="Articles naming this entity.")
@click.option("--speaker", default=None, metavar="NAME", help="Articles quoting this speaker.")
@click.option("--place", default=None, metavar="NAME",
              help="Articles naming this place (its name or the words in the text, case ignored), "
                   "or a GeoNames id given as digits.")
@click.option("--country", default=None, metavar="CC",
              help="Articles naming a place in this country (ISO 3166-1 alpha-2 code, e.g. GE).")
@click.option("--event", default=None, metavar="CATEGORY",
              callback=_plover_category,
              help="Articles with an event of this PLOVER category (e.g. MOBILIZE, ASSAULT, AGREE).")
@click.option("--actor", default=None, metavar="NAME",
              help="Articles with an event whose source or target is NAME (words of its name) "
                   "or has this country code (ISO alpha-3, e.g. RUS).")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def search_command(query: str, db: str, site: str | None, since: str | None, until: str | None,
                   entity: str | None, speaker: str | None, place: str | None, country: str | None,
                   event: str | None, actor: str | None, limit: int, fmt: str) -> None:
    from nutgraf.store import StoreError, open_store

    if country is not None and not (len(country.strip()) == 2 and country.strip().isascii()
                                    and country.strip().isalpha()):
        raise click.BadParameter(f"{country!r}: give an ISO 3166-1 alpha-2 code such as GE or US",
                                 param_hint="--country")

    try:
        store = open_store(db, readonly=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    from nutgraf.store.query import Query, SearchFilters, brackets

    with store:
        # the query layer the web's /api/search uses: same ranking, same snippets, same order
        found = Query.of(store).search(query, SearchFilters(
            site=site, since=since, until=until, entity=entity, speaker=speaker, place=place, country=country,
            event=event, actor=actor), per_page=limit, most=limit)
    hits = [{**{k: v for k, v in h.items() if k != "title_hl"}, "snippet": brackets(h["snippet"])}
            for h in found["results"]]
    if fmt == "json":
        _write(json.dumps(hits, ensure_ascii=False, indent=2) + "\n")
        return
    if not hits:
        Console(stderr=True).print("nutgraf: no matching articles", markup=False)
        sys.exit(1)
    for h in hits:
        date = (h["published"] or "")[:10] or "----------"
        where = h["url"] or h["site_name"] or h["capture_id"][:12]
        _write(f"{date}  {h['title'] or '(no title)'}\n            {where}\n"
               f"            {_short(h['snippet'] or '', 160)}\n")


_EXPORT_HELP = """Export a database: articles with their entities, quotes, amounts, dates, places and events.

\b
Formats (--out):
  jsonl    one article per line, facts (events too) nested (FILE, or -
           for stdout)
  csv      one CSV per table in the folder OUT: captures, articles,
           entities, mentions, quotes, amounts, dates, places (one row
           per place mention), article_places (one per distinct place
           of an article) and events (one per event), joined by ids
  parquet  the same tables as Parquet files in the folder OUT
  gkg      GDELT GKG 2.1: one tab-separated 27-column row per article
           (persons, organisations, geocoded locations with FIPS
           codes and coordinates, quotations, amounts, names and dates
           with character offsets), FILE or -
  events   GDELT 2.0 Event: one tab-separated 61-column row per event
           (CAMEO actor and event codes, QuadClass, Goldstein scale,
           geocoded action and actor places), FILE or -.  GlobalEventID
           is the events table's id: the events table and the JSONL keep
           each event's trigger and sentence spans.  Day is the event's
           own date when the text gives the day, else the article's
           publication date.  GDELT has no negation column, so negated
           events ("did not attack") are left out unless
           --include-negated

\b
Examples:
  nutgraf export --db news.db --format jsonl --out articles.jsonl
  nutgraf export --db news.db --format parquet --out news-parquet/
  nutgraf export --db news.db --format gkg --out news.gkg.csv
  nutgraf export --db news.db --format events --out news.export.csv
"""


@main.command("export", help=_EXPORT_HELP, short_help="Export a database as JSONL, CSV, Parquet, GDELT GKG or GDELT events.")
@click.option("--db", required=True, metavar="PATH", help="Database made by `nutgraf ingest`.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "gkg", "events"]), required=True)
@click.option("--out", required=True, metavar="PATH", help="Output file (jsonl, gkg, events; - for stdout) or folder.")
@click.option("--include-negated", is_flag=True,
              help="events: also write negated events (GDELT rows cannot mark them; the events table can).")
def export_command(db: str, fmt: str, out: str, include_negated: bool) -> None:
    from nutgraf.store import StoreError, open_store
    from nutgraf.store.export import export

    if out == "-" and fmt in ("csv", "parquet"):
        raise click.UsageError(f"--format {fmt} writes one file per table: give a folder to --out")
    try:
        store = open_store(db, readonly=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    with store:
        written = export(store, fmt, out, include_negated=include_negated)
    if out != "-":
        parts = ", ".join(f"{n} {t}" for t, n in written.items())
        Console(stderr=True, highlight=False).print(f"nutgraf: wrote {parts} to {out}", markup=False)


_SERVE_HELP = """Browse a database in a web browser, and query it over HTTP.

Opens the database read-only and serves, at http://HOST:PORT/, pages to
search the articles, read one with its quotes, figures and names
highlighted, and explore entities, quotes, figures and stories; and a JSON
API under /api (OpenAPI at /openapi.json, a reference page at /docs). The
database is an SQLite file or a postgresql:// URL.

\b
Examples:
  nutgraf serve --db demo.db
  nutgraf serve --db news.db --host 0.0.0.0 --port 8080
  nutgraf serve --db postgresql://user@localhost/news
"""


@main.group("gazetteer", short_help="Build or inspect the offline place gazetteer.")
def gazetteer_group() -> None:
    """The offline gazetteer that places are resolved against: GeoNames countries, divisions and
    places of 500+ people (with alternate names and demonyms), built once from pinned packages
    into one SQLite file. `make install` builds it; nothing is downloaded."""


@gazetteer_group.command("build")
@click.option("--path", default=None, metavar="FILE",
              help="Where to write it (default: the environment's share/nutgraf/, or $NUTGRAF_GAZETTEER).")
@click.option("--if-stale", is_flag=True, help="Do nothing when the file is already built by this version.")
def gazetteer_build_command(path: str | None, if_stale: bool) -> None:
    """Build the gazetteer from the installed packages (about 20 s, 65 MB)."""
    from nutgraf.facts.places.build import BuildError, main as build_main

    try:
        build_main(([path] if path else []) + (["--if-stale"] if if_stale else []))
    except BuildError as err:
        raise click.ClickException(str(err)) from err


@gazetteer_group.command("info")
def gazetteer_info_command() -> None:
    """Where the gazetteer is, what it was built from, and how many places it holds."""
    from nutgraf.facts.places.gazetteer import GazetteerMissing, default_path, open_gazetteer

    try:
        gaz = open_gazetteer()
    except GazetteerMissing as err:
        raise click.ClickException(str(err)) from err
    _write(f"path: {default_path()}\n" + "".join(f"{k}: {v}\n" for k, v in sorted(gaz.meta.items())))


@main.command("serve", help=_SERVE_HELP, short_help="Web UI and JSON API over a database (read-only).")
@click.option("--db", required=True, metavar="PATH", help="Database made by `nutgraf ingest`.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True)
def serve_command(db: str, host: str, port: int) -> None:
    import uvicorn

    from nutgraf.store import StoreError
    from nutgraf.web.app import create_app

    try:
        app = create_app(db)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    Console(stderr=True, highlight=False).print(f"nutgraf: serving {db} (read-only) at http://{host}:{port}/",
                                                markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command("demo", short_help="Ingest the bundled samples into demo.db and summarise them.")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--db", default="demo.db", show_default=True, metavar="PATH",
              help="Database to create (an existing one is replaced).")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: 1; the sample corpus is too small to repay a pool).")
def demo_command(directory: Path | None, db: str, workers: int | None) -> None:
    """Ingest every document in DIRECTORY (default: the bundled samples/ folder) into
    demo.db, together with a small WARC built from its pages, and print what was found:
    articles, top speakers, top sources of figures, failures, and how to search it.

    \b
    Example:
      nutgraf demo samples/
      nutgraf search impeachment --db demo.db
    """
    from nutgraf.demo import run_demo  # late: ingest and rich tables load only for the demo

    sys.exit(run_demo(directory, db=db, workers=workers))


def _corpus_store(db: str) -> Any:
    """A read-only store (SQLite or PostgreSQL) whose corpus tables (``nutgraf.corpus``) can be read."""
    from nutgraf.corpus import sql
    from nutgraf.store import StoreError, open_store

    try:
        store = open_store(db, readonly=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        # asked of the table itself: the one question both databases answer alike
        sql.connect(store).execute("SELECT 1 FROM corpus_articles LIMIT 1").fetchone()
    except sql.missing_table():
        store.close()
        shown = getattr(store, "path", db)  # a PostgreSQL URL without its password
        raise click.ClickException(f"{shown}: made by an older nutgraf; run `nutgraf ingest ... --db {shown}` "
                                   "once to add stories and syndication") from None
    return store


_STORIES_HELP = """List stories: articles about one event within a few days, grouped at ingest
(shared entities, key terms; copies of one text always share a story).

\b
Each story: its label (the headline of its most central article), the span of
its articles' days, how many articles, and the first of them.

\b
Examples:
  nutgraf stories --db news.db
  nutgraf stories --db news.db --min-members 3 --since 2024-03
  nutgraf stories --db news.db --format json
"""


@main.command("stories", help=_STORIES_HELP, short_help="List the stories of a database.")
@click.option("--db", required=True, metavar="PATH", help="Database made by `nutgraf ingest`.")
@click.option("--min-members", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only stories with at least this many articles.")
@click.option("--since", default=None, metavar="DATE", help="Stories going on at or after this day.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stories_command(db: str, min_members: int, since: str | None, limit: int, fmt: str) -> None:
    from nutgraf.corpus import report
    from nutgraf.store.query import Query

    with _corpus_store(db) as store:
        data = Query.of(store).stories(limit=limit, min_members=min_members, since=since)
    if fmt == "json":
        _write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif data:
        _write(report.stories_text(data))
    else:
        Console(stderr=True).print("nutgraf: no stories", markup=False)
        sys.exit(1)


_TRACE_HELP = """Where a quote or a figure travelled: its first appearance, every later one
(who, where, when, url), and figures for the same thing that disagree.

\b
A short query with a number is a figure ('98,000', '98,000 Russians',
'$1.2bn'); anything else is a quote, matched by its words (80% of them,
in order, as 3-word runs).  --kind forces one reading.

\b
Examples:
  nutgraf trace "we will not turn them away" --db news.db
  nutgraf trace "98,000" --db news.db --format json
"""


@main.command("trace", help=_TRACE_HELP, short_help="Trace a quote or a figure across articles.")
@click.argument("query")
@click.option("--db", required=True, metavar="PATH", help="Database made by `nutgraf ingest`.")
@click.option("--kind", type=click.Choice(["quote", "figure"]), default=None, help="Read QUERY as this.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def trace_command(query: str, db: str, kind: str | None, limit: int, fmt: str) -> None:
    from nutgraf.corpus import report
    from nutgraf.store.query import Query

    with _corpus_store(db) as store:
        data = Query.of(store).trace(query, kind=kind, limit=limit)
    if fmt == "json":
        _write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif data:
        _write(report.trace_text(data))
    if not data:
        if fmt != "json":
            Console(stderr=True).print("nutgraf: not found", markup=False)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
