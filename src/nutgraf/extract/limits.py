"""Bounds that keep one hostile document from stalling a whole run.

Extraction work is bounded by **size and structure**, never first by the clock, so the
same document passes or fails the same way on an idle laptop and on a loaded server (a
50 MB page used to pass the time limit in one run and fail it in the next):

- the input: ``MAX_INPUT_BYTES`` (bytes, or characters of a str);
- an HTML page: ``MAX_ELEMENTS`` elements once parsed (extraction costs up to ~35 µs of
  one core per element holding text);
- a plain-text scrape: ``MAX_TEXT_LINES`` lines and ``MAX_TEXT_CHARS`` characters (20-60 µs
  per line: 1.7 million two-letter lines took 38 s before this bound).

Each failure is an ``ExtractionError`` that names the bound.  ``Deadline`` stays as a
last-resort guard for what the bounds do not foresee, and says so in its error.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import islice
from typing import Any

from nutgraf.model import ExtractionError

# Pages above this are refused with a clear error rather than parsed: no real article
# needs more, and parsing 100+ MB of markup costs seconds and gigabytes.
MAX_INPUT_BYTES = 64 * 1024 * 1024
# One JSON Lines line (a document JSON-escaped: ``\uXXXX`` and ``\"`` make it longer than
# the page) and one WARC record body are read up to these bounds, never whole.
MAX_LINE_BYTES = 2 * MAX_INPUT_BYTES
MAX_RECORD_BYTES = MAX_INPUT_BYTES
# Structure: the largest of 910 ScrapingHub and trafilatura-eval pages has 10,106 elements,
# and a text scrape has a few hundred lines; these leave ten times that and more.  At the
# bounds extraction costs about 3 s of one core.
MAX_ELEMENTS = 100_000
MAX_TEXT_LINES = 50_000
MAX_TEXT_CHARS = 16 * 2**20
# The last-resort wall-clock guard for one document's extraction: well above what the
# bounds above allow on a loaded machine, so it only stops what they did not foresee.
DEFAULT_TIMEOUT_S = 60.0


def check_elements(tree: Any) -> None:
    """Raise when a parsed page has more than ``MAX_ELEMENTS`` elements (counting stops
    there, so a huge page costs no more than the bound)."""
    if sum(1 for _ in islice(tree.iter(), MAX_ELEMENTS + 1)) > MAX_ELEMENTS:
        raise ExtractionError(f"page has more than {MAX_ELEMENTS:,} HTML elements (size bound); "
                              f"not extracted")


def check_text(text: str) -> None:
    """Raise when a plain-text scrape is over ``MAX_TEXT_CHARS`` characters or
    ``MAX_TEXT_LINES`` lines."""
    if len(text) > MAX_TEXT_CHARS:
        raise ExtractionError(f"text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} bound; "
                              f"not extracted")
    lines = text.count("\n") + 1
    if lines > MAX_TEXT_LINES:
        raise ExtractionError(f"text has {lines:,} lines, over the {MAX_TEXT_LINES:,} bound; not extracted")


@dataclass
class Deadline:
    """Checked inside the extractor's loops; raises once the budget is spent.  A guard, not
    a limit: the size bounds are what make results the same on every machine."""

    seconds: float = DEFAULT_TIMEOUT_S

    def __post_init__(self) -> None:
        self._until = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self._until:
            raise ExtractionError(f"extraction took longer than {self.seconds:g}s (last-resort wall-clock guard: "
                                  f"the size bounds did not stop this document; the result may depend on "
                                  f"machine load); document abandoned")
