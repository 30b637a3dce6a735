"""``make demo``: extract every bundled sample and show what nutgraf found.

Run as ``python -m nutgraf.demo [DIRECTORY]`` or ``nutgraf demo [DIRECTORY]``.  The default
directory is the repository's ``samples/`` (found next to ``src/``, which is where an
editable install or a checkout keeps it).  Exit status 1 when any document failed, so a
regression in the extractor shows up in ``make demo`` too.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from nutgraf.cli import Input, collect_inputs, extract_input
from nutgraf.model import ExtractionError


def default_samples() -> Path | None:
    # src/nutgraf/demo.py -> repository root; a wheel install has no samples/.
    candidate = Path(__file__).resolve().parents[2] / "samples"
    return candidate if candidate.is_dir() else None


def _short_label(label: str, root: Path) -> str:
    try:
        name = str(Path(label).relative_to(root))
    except ValueError:
        name = label
    # ScrapingHub files are named by a 64-hex digest: its first 10 digits identify them.
    folder, _, base = name.rpartition("/")
    stem = base.partition(".")[0]
    if len(stem) == 64:
        name = (folder + "/" if folder else "") + stem[:10]
    return name


def run_demo(directory: Path | None = None, console: Console | None = None) -> int:
    if console is None:
        # Piped output (make, CI logs) has no width of its own; rich would assume 80.
        wide = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 120
        console = Console(width=wide)
    directory = directory or default_samples()
    if directory is None:
        console.print("[red]No samples/ folder found; pass a directory: nutgraf demo DIR[/red]")
        return 2
    directory = Path(directory)

    table = Table(title=f"nutgraf extract — {directory}", expand=True)
    # One line per document: long titles and author lists are cut with an ellipsis
    # rather than wrapped, so the table stays readable at 80 columns.
    table.add_column("file", no_wrap=True, overflow="ellipsis", min_width=22)
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=3)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("authors", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("words", no_wrap=True, justify="right", min_width=5)

    count = failed = words = 0
    started = time.perf_counter()
    with console.status("extracting samples…"):
        for item in collect_inputs([str(directory)]):
            count += 1
            if not isinstance(item, Input):
                label, error = item
                failed += 1
                table.add_row(_short_label(label, directory), f"[red]error: {error}[/red]", "", "", "")
                continue
            name = _short_label(item.label, directory)
            try:
                article = extract_input(item, url=None, content_type=None)
            except (ExtractionError, OSError) as exc:
                failed += 1
                table.add_row(name, f"[red]error: {exc}[/red]", "", "", "")
                continue
            words += article.words
            table.add_row(
                name,
                article.title or "[dim](no title)[/dim]",
                (article.published or "")[:10] or "[dim]–[/dim]",
                ", ".join(article.authors) or "[dim]–[/dim]",
                str(article.words),
            )
    elapsed = time.perf_counter() - started

    console.print(table)
    summary = f"{count} documents, {words:,} words of article text, {elapsed:.2f}s"
    if failed:
        summary += f", [red]{failed} failed[/red]"
    console.print(summary)
    if count == 0:
        console.print(f"[red]No .html/.htm/.txt(.gz) files under {directory}[/red]")
        return 1
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    return run_demo(Path(args[0]) if args else None)


if __name__ == "__main__":
    sys.exit(main())
