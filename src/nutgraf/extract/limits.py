"""Bounds that keep one hostile document from stalling a whole run."""

from __future__ import annotations

import time
from dataclasses import dataclass

from nutgraf.model import ExtractionError

# Pages above this are refused with a clear error rather than parsed: no real article
# needs more, and parsing 100+ MB of markup costs seconds and gigabytes.
MAX_INPUT_BYTES = 64 * 1024 * 1024
# One JSON Lines line (a document JSON-escaped: ``\uXXXX`` and ``\"`` make it longer than
# the page) and one WARC record body are read up to these bounds, never whole.
MAX_LINE_BYTES = 2 * MAX_INPUT_BYTES
MAX_RECORD_BYTES = MAX_INPUT_BYTES
# Wall-clock budget for one document's extraction.
DEFAULT_TIMEOUT_S = 20.0


@dataclass
class Deadline:
    """Checked inside the extractor's loops; raises once the budget is spent."""

    seconds: float = DEFAULT_TIMEOUT_S

    def __post_init__(self) -> None:
        self._until = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self._until:
            raise ExtractionError(f"extraction took longer than {self.seconds:g}s; document abandoned")
