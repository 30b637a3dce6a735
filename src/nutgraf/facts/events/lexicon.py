"""The trigger lexicon: which lemmas start an event, read from ``data/lexicon.tsv`` (the file's
header says what each column and kind means).  Words are data, in one place; the coder holds
only the grammar."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from nutgraf.facts.events.plover import CATEGORIES

DATA = Path(__file__).resolve().parent / "data"

KINDS = frozenset({"act", "intent", "threat", "refuse", "request", "accuse", "light", "undo",
                   "aspect", "speech", "object", "command", "prepare"})


@dataclass(frozen=True)
class Entry:
    lemma: str          # the first word ('call' for 'call for')
    particle: str       # the second word, '' for one-word entries
    pos: str            # V | N | A
    kind: str
    category: str | None
    mode: str | None
    objects: frozenset[str] | None  # None: always; frozenset({'*'}): any object; else these lemmas

    def fits(self, obj: tuple[str, ...] | None) -> float:
        """How well the entry fits an object (its lemma and its compounds' lemmas): 2 named,
        1.5 any object, 1 no object needed, -1 not at all."""
        if self.objects is None:
            return 1
        if not obj:
            return -1
        if "*" in self.objects:
            return 1.5
        return 2 if any(o in self.objects for o in obj) else -1


@dataclass(frozen=True)
class Lexicon:
    entries: dict[tuple[str, str], tuple[Entry, ...]]  # (lemma, pos) → entries
    words: frozenset[str]  # every first word, for the cheap lemma check

    def candidates(self, lemma: str, pos: str) -> tuple[Entry, ...]:
        return self.entries.get((lemma, pos), ())


def _parse(path: Path) -> Lexicon:
    entries: dict[tuple[str, str], list[Entry]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = (line.split("\t") + [""] * 6)[:6]
        lemma, pos, kind, category, mode, objects = (c.strip() for c in cells)
        if kind not in KINDS or pos not in ("V", "N", "A") or (category and category not in CATEGORIES) \
                or mode == "*":
            raise ValueError(f"{path.name}:{n}: bad entry {line!r}")
        first, _, second = lemma.partition(" ")
        objs = frozenset(o.strip() for o in objects.split(",") if o.strip()) or None
        entry = Entry(first, second, pos, kind, category or None, mode or None, objs)
        entries.setdefault((first, pos), []).append(entry)
    return Lexicon({k: tuple(v) for k, v in entries.items()}, frozenset(k[0] for k in entries))


@functools.lru_cache(maxsize=1)
def load() -> Lexicon:
    return _parse(DATA / "lexicon.tsv")


def choose(entries: tuple[Entry, ...], particles: set[str], obj: tuple[str, ...] | None) -> Entry | None:
    """The most specific entry that fits: a matching particle and a named object beat a
    general entry; entries whose particle or object is absent do not fit."""
    best, best_fit = None, 0
    for e in entries:
        if e.particle and e.particle not in particles:
            continue
        fit = e.fits(obj) + (2 if e.particle else 0)
        if fit > best_fit:
            best, best_fit = e, fit
    return best
