"""Reliability probes of issue 17 that are not about one hostile input: a worker process
that dies mid-ingest, slow and stalling web servers, extraction bounded by size rather
than by the clock, and command-line mistakes reported as one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nutgraf.run import local
from nutgraf.run.local import WORKER_DIED, ingest

MARKER = "WORKER-KILLER-7f3a"


def _page(i: int, extra: str = "") -> str:
    body = "".join(
        f"<p>Paragraph {j} of story {i}: the council of Porttown met on Tuesday and voted to repair "
        f"the old harbour wall, which storms damaged twice last winter.</p>" for j in range(4))
    return (f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
            f"{body}{extra}</article></body></html>")


def _failures(db: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT origin_path, error FROM captures WHERE status = 'failed'").fetchall()
    finally:
        con.close()


def test_a_dead_worker_is_replaced_and_its_document_recorded(tmp_path, monkeypatch):
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(7):
        (pages / f"p{i}.html").write_text(_page(i, f"<p>{MARKER}</p>" if i == 3 else ""))
    monkeypatch.setenv(local._DIE_ON_ENV, MARKER)
    monkeypatch.setenv("NUTGRAF_SKIP_PASSES", "places,events")
    db = tmp_path / "w.db"
    # batches of two, two workers: several documents are in flight when the worker dies
    stats = ingest([str(pages)], db, workers=2, html_batch=2)
    assert stats.counts() == {"ingested": 6, "unchanged": 0, "skipped": 0, "failed": 1}
    failed = _failures(db)
    assert len(failed) == 1 and failed[0][0].endswith("p3.html") and failed[0][1] == WORKER_DIED
    # resuming finds every document settled: nothing lost, nothing twice
    again = ingest([str(pages)], db, workers=1)
    assert again.counts() == {"ingested": 0, "unchanged": 7, "skipped": 0, "failed": 0}
