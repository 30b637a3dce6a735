"""What the commands print on a terminal: text made safe to show (``terminal_safe``,
``write``), progress bars on stderr (``Progress`` for extract/analyze, ``IngestProgress`` for
ingest) and the ingest summary.  Shared by ``cli`` and ``demo``, so neither imports the other."""

from __future__ import annotations

import re
import sys
from typing import Any

from rich.console import Console

# Control characters that a terminal acts on (ESC sequences, BEL, backspace, carriage
# return, ...) and lone surrogates (which cannot be encoded).  \t and \n are kept.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _safe_char(m: re.Match[str]) -> str:
    c = m.group()
    if c < "\x20":
        return ""  # never raw in JSON output (json.dumps escapes them): text only, dropped
    if c < "\ud800":
        # DEL and C1 controls: json.dumps leaves them raw; an escape keeps JSON exact
        # and shows them harmlessly in text
        return f"\\u{ord(c):04x}"
    return "\ufffd"


def terminal_safe(text: str) -> str:
    """``text`` without what would let a stored title or error message drive the terminal:
    C0 controls other than tab and newline are dropped, DEL and C1 controls written as
    ``\\u00XX`` escapes, lone surrogates as U+FFFD.  The one place output is made safe."""
    return _UNSAFE.sub(_safe_char, text)


def write(text: str) -> None:
    # sys.stdout is looked up on every call: rich's live display and click's test runner
    # both swap it, and the output must follow.
    sys.stdout.write(terminal_safe(text))


class Progress:
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

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)


class IngestProgress:
    """Documents and documents/s on stderr while ingesting, when stderr is a terminal."""

    def __init__(self, console: Console) -> None:
        self._bar = None
        if console.is_terminal:
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                SpinnerColumn(), TextColumn("ingesting"), BarColumn(bar_width=None),
                TextColumn("{task.fields[line]}"), TimeElapsedColumn(),
                console=console, transient=True)
            self._task = self._bar.add_task("ingest", total=None, line="")

    def __enter__(self) -> IngestProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def update(self, stats: Any) -> None:
        if self._bar is not None:
            line = (f"{stats.seen} docs  {stats.ingested} new  {stats.unchanged} unchanged  "
                    f"{stats.skipped} skipped  {stats.failed} failed  {stats.rate():.1f} docs/s")
            self._bar.update(self._task, line=line)


def print_ingest_summary(stats: Any, console: Console, db: str) -> None:
    console.print(
        f"nutgraf: {stats.ingested} ingested, {stats.unchanged} unchanged, {stats.skipped} skipped, "
        f"{stats.failed} failed in {stats.elapsed:.1f}s ({stats.rate():.1f} docs/s) -> {db}",
        markup=False, highlight=False)
    if stats.reasons:
        for (status, reason), n in stats.reasons.most_common(10):
            console.print(terminal_safe(f"  {status} x{n}: {reason}"), markup=False, highlight=False)
        if len(stats.reasons) > 10:
            console.print(f"  ... and {len(stats.reasons) - 10} other reasons "
                          f"(SELECT status, error, count(*) FROM captures GROUP BY 1, 2)", markup=False)
    for err in stats.source_errors:
        console.print(terminal_safe(f"  source error: {err}"), markup=False, highlight=False)
