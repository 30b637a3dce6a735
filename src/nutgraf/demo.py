"""``make demo``: ingest the bundled samples into ``demo.db`` and show what nutgraf found.

Run as ``nutgraf demo [DIRECTORY] [--db demo.db]`` or ``python -m nutgraf.demo``.  The
default directory is the repository's ``samples/`` (next to ``src/``).

What it does:

1. builds a small WARC from the HTML pages whose URLs are known (each folder's
   ``urls.json`` maps a file's id to its address), plus one image record that ingest must
   skip, and keeps it beside the database as ``demo.db.warc.gz`` (so the origins stored
   point at a real file);
2. ingests that WARC, then DIRECTORY itself, into a fresh ``demo.db``: the pages read from
   the WARC carry their URLs; the same pages met again as files have the same bytes, so
   they are ``unchanged`` (content addressing at work); the plain-text scrape in ``seed/``
   goes through the per-site text cleaner;
3. prints the articles, the top speakers, the top sources of figures, what failed or was
   skipped, and the commands to search the database.

Exit status 1 when a document failed or a source could not be read, so a regression in
extraction or ingest shows up in ``make demo``.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from nutgraf.sources.files import base_name, walk
from nutgraf.store import query

DEMO_DATE = "2019-11-20T00:00:00Z"
# a 1x1 transparent PNG: the WARC's non-document record
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def default_samples() -> Path | None:
    # src/nutgraf/demo.py -> repository root; a wheel install has no samples/.
    candidate = Path(__file__).resolve().parents[2] / "samples"
    return candidate if candidate.is_dir() else None


def known_urls(directory: Path) -> dict[Path, str]:
    """HTML files under ``directory`` whose address a ``urls.json`` beside them gives."""
    out: dict[Path, str] = {}
    for mapping in sorted(directory.rglob("urls.json")):
        try:
            urls = json.loads(mapping.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        files, _ = walk(mapping.parent, (".html", ".htm"))
        for f in files:
            stem = base_name(f).rsplit(".", 1)[0]
            if isinstance(urls.get(stem), str):
                out[f] = urls[stem]
    return out


def build_warc(pages: dict[Path, str], out: Path) -> int:
    """Write ``pages`` (file -> url) as WARC response records, plus one image record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from nutgraf.sources.files import read_bytes

    def record(writer: WARCWriter, url: str, body: bytes, ctype: str) -> None:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                        warc_headers_dict={"WARC-Date": DEMO_DATE})
        writer.write_record(rec)

    with open(out, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(out.name, {"software": "nutgraf demo"}))
        for path, url in sorted(pages.items()):
            record(writer, url, read_bytes(path), "text/html")
        record(writer, "https://example.org/pixel.png", _PNG, "image/png")
    return len(pages) + 1


def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db) + suffix)
        if p.exists():
            p.unlink()


def run_demo(directory: Path | None = None, console: Console | None = None, *, db: str | Path = "demo.db",
             workers: int | None = None) -> int:
    from nutgraf.console import IngestProgress, print_ingest_summary
    from nutgraf.run.local import ingest
    from nutgraf.store import open_store

    if console is None:
        # Piped output (make, CI logs) has no width of its own; rich would assume 80.
        wide = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 120
        console = Console(width=wide)
    directory = directory or default_samples()
    if directory is None:
        console.print("[red]No samples/ folder found; pass a directory: nutgraf demo DIR[/red]")
        return 2
    directory = Path(directory)
    db = Path(db)
    # 31 documents: starting worker processes (each loads spaCy) costs more than it saves
    workers = workers or 1
    _remove_db(db)
    warc = Path(str(db) + ".warc.gz")
    pages = known_urls(directory)
    sources = [str(directory)]
    if pages:
        build_warc(pages, warc)
        sources.insert(0, str(warc))
        console.print(f"Built {warc} ({len(pages)} pages with their URLs and one image) from {directory}")
    console.print(f"Ingesting {' + '.join(sources)} into {db} with {workers} worker(s)…")

    err = Console(stderr=True, highlight=False)
    with IngestProgress(err) as bar:
        stats = ingest(sources, db, workers=workers, on_progress=bar.update)
    print_ingest_summary(stats, console, str(db))
    if stats.unchanged and pages:
        console.print(f"  ({stats.unchanged} files had the same bytes as WARC records: stored once)")

    with open_store(db) as store:  # read-write: closing it folds the WAL back into demo.db
        conn = query.Query.of(store).conn  # the summary is the query layer's, as the web's and the CLI's
        _print_articles(console, conn)
        example = _print_facts(console, store, conn)
        _print_problems(console, conn)
    console.print()
    console.print("Search it:")
    console.print(f"  nutgraf search {example['word']} --db {db}", markup=False, highlight=False)
    if example.get("speaker"):
        console.print(f"  nutgraf search --speaker {_shell(example['speaker'])} --db {db}", markup=False,
                      highlight=False)
    if example.get("entity"):
        console.print(f"  nutgraf search --entity {_shell(example['entity'])} --since 2019 --db {db} "
                      "--format json", markup=False, highlight=False)
    if example.get("event"):
        console.print(f"  nutgraf search --event {example['event']} --db {db}", markup=False, highlight=False)
    console.print(f"  nutgraf export --db {db} --format gkg --out demo.gkg.csv", markup=False, highlight=False)
    console.print(f"  nutgraf export --db {db} --format events --out demo.events.tsv", markup=False,
                  highlight=False)
    console.print(f"  nutgraf serve --db {db}        # then /events and /places", markup=False, highlight=False)
    console.print(f"  sqlite3 {db} 'SELECT speaker, quote FROM quotes_with_speakers LIMIT 5'", markup=False,
                  highlight=False)
    if stats.failed == 0 and not stats.source_errors and stats.ingested == 0:
        console.print("[red]No documents were ingested[/red]")
        return 1
    return 1 if stats.failed or stats.source_errors else 0


def _shell(text: str) -> str:
    return f"'{text}'" if not text.replace("-", "").isalnum() else text


def _print_articles(console: Console, conn) -> None:
    rows = query.article_overview(conn)
    table = Table(title=f"{len(rows)} articles", expand=True)
    table.add_column("site", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=3)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("words", justify="right", no_wrap=True)
    table.add_column("ents", justify="right", no_wrap=True)
    table.add_column("quotes", justify="right", no_wrap=True)
    table.add_column("figures", justify="right", no_wrap=True)
    for r in rows:
        table.add_row(r["site"] or "[dim]–[/dim]", r["title"] or "[dim](no title)[/dim]",
                      (r["published"] or "")[:10] or "[dim]–[/dim]", str(r["words"]), str(r["entities"]),
                      str(r["quotes"]), str(r["amounts"]))
    console.print(table)
    console.print(f"{len(rows)} articles, {query.word_total(conn):,} words")


def _top_table(title: str, name: str, counted: str, rows: list[dict]) -> Table:
    t = Table(title=title)
    t.add_column(name)
    t.add_column(counted, justify="right")
    t.add_column("articles", justify="right")
    for r in rows:
        t.add_row(r["name"], str(r["n"]), str(r["docs"]))
    return t


def _print_facts(console: Console, store, conn) -> dict[str, str]:
    example: dict[str, str] = {"word": "president"}
    speakers = query.top_speakers(conn)
    console.print(_top_table("Top speakers", "speaker", "quotes", speakers))
    console.print(_top_table("Top sources of figures", "source", "figures", query.top_sources(conn)))
    _print_events(console, conn, example)
    counts = store.counts()
    console.print(f"{counts['entities']} entities ({counts['mentions']} mentions), {counts['quotes']} quotes, "
                  f"{counts['amounts']} figures, {counts['dates']} dates, {counts['places']} places "
                  f"({query.distinct_places(conn)} distinct), {counts['events']} events")
    multi = [r["name"] for r in speakers if " " in r["name"]]
    if multi:
        example["speaker"] = multi[0].split()[-1]
    entity = query.widest_place_entity(conn)
    if entity:
        example["entity"] = entity
    return example


def _print_events(console: Console, conn, example: dict[str, str]) -> None:
    """Who did what to whom: the events by PLOVER category, each with one example."""
    rows = query.event_overview(conn)
    t = Table(title="Events (PLOVER)")
    t.add_column("category")
    t.add_column("events", justify="right")
    t.add_column("articles", justify="right")
    t.add_column("for example", overflow="ellipsis", no_wrap=True, max_width=70)
    for r in rows:
        t.add_row(r["category"], str(r["n"]), str(r["docs"]), " ".join((r["example"] or "").split()))
    console.print(t)
    if rows:
        example["event"] = rows[0]["category"]


def _print_problems(console: Console, conn) -> None:
    rows = query.problems(conn)
    if not rows:
        console.print("No document failed or was skipped.")
        return
    t = Table(title="Failed or skipped")
    t.add_column("status")
    t.add_column("where", overflow="fold")
    t.add_column("why", overflow="fold")
    for r in rows:
        where = r["url"] or r["origin_path"]
        if r["origin_offset"] is not None:
            where += f" ({Path(r['origin_path']).name}@{r['origin_offset']})"
        t.add_row(("[red]" if r["status"] == "failed" else "[yellow]") + r["status"], where, r["error"] or "")
    console.print(t)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    return run_demo(Path(args[0]) if args else None)


if __name__ == "__main__":
    sys.exit(main())
