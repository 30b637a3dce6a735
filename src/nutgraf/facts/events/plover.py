"""PLOVER 2021: the sixteen categories, which are conflictual, their conflict–cooperation
scores, and the nearest CAMEO code for a category and mode (from the public CAMEO → PLOVER
table shipped in ``data/cameo_plover.tsv``).

Scores: PLOVER defines no numeric scale, so nutgraf gives each category one Goldstein-like value
on [-10, +10] (negative = conflict), the mean of the Goldstein (1992) weights that GDELT uses
for the CAMEO root codes the category gathers: AGREE (CAMEO 03 intentions) +4.0, CONSULT (04)
+1.0, SUPPORT (05) +3.5, COOPERATE (06) +6.0, AID (07) +7.0, CONCEDE and RETREAT (08) +5.0,
REQUEST (02 appeals +3.0 and 10 demands -5.0) -1.0, ACCUSE (09 investigate -2.0, 11 disapprove
-2.0) -2.0, REJECT (12) -4.0, THREATEN (13) -6.0, PROTEST (14) -6.5, SANCTION (16) -4.0,
MOBILIZE (15) -7.2, COERCE (17) -7.0, ASSAULT (18-20) -9.5.
"""

from __future__ import annotations

import functools
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

CATEGORIES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
              "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")

# PLOVER's four quadrants
VERBAL_COOPERATION = frozenset({"AGREE", "CONSULT", "SUPPORT"})
MATERIAL_COOPERATION = frozenset({"CONCEDE", "COOPERATE", "AID", "RETREAT"})
VERBAL_CONFLICT = frozenset({"REQUEST", "ACCUSE", "REJECT", "THREATEN"})
MATERIAL_CONFLICT = frozenset({"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
COOPERATIVE = VERBAL_COOPERATION | MATERIAL_COOPERATION
# what an intention to do makes a threat ('will attack', 'threatened to cut ties')
CONFLICTUAL = MATERIAL_CONFLICT | frozenset({"REJECT"})

SCORES = {
    "AGREE": 4.0, "CONSULT": 1.0, "SUPPORT": 3.5, "COOPERATE": 6.0, "AID": 7.0, "CONCEDE": 5.0,
    "RETREAT": 5.0, "REQUEST": -1.0, "ACCUSE": -2.0, "REJECT": -4.0, "THREATEN": -6.0,
    "PROTEST": -6.5, "SANCTION": -4.0, "MOBILIZE": -7.2, "COERCE": -7.0, "ASSAULT": -9.5,
}

# THREATEN's mode from what is threatened (PLOVER 2021 / CAMEO 13x)
THREAT_MODES = {
    "ASSAULT": "violence", "MOBILIZE": "violence", "COERCE": "restrict", "SANCTION": "relations",
    "PROTEST": "relations", "REJECT": "relations",
}
# what ending something is: ending a conflictual act concedes or retreats (CAMEO 08x),
# ending a cooperative one reduces relations (CAMEO 16x)
UNDO = {
    "COERCE": ("CONCEDE", None), "PROTEST": ("CONCEDE", None), "THREATEN": ("CONCEDE", None),
    "SANCTION": ("RETREAT", "ease"), "ASSAULT": ("RETREAT", "ceasefire"),
    "MOBILIZE": ("RETREAT", "disarm"), "REJECT": ("CONCEDE", None),
    "CONSULT": ("SANCTION", "withdraw"), "AID": ("SANCTION", "discontinue"),
    "COOPERATE": ("SANCTION", "discontinue"), "AGREE": ("SANCTION", "withdraw"),
    "SUPPORT": ("SANCTION", "withdraw"), "RETREAT": ("ASSAULT", None),
}


@functools.lru_cache(maxsize=1)
def cameo_table() -> tuple[tuple[str, str, str, str, str], ...]:
    """(cameo, category, mode, context, description) rows, in the table's order."""
    rows = []
    for line in (DATA / "cameo_plover.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = (line.split("\t") + [""] * 5)[:5]
        rows.append(tuple(cells))
    return tuple(rows)


@functools.lru_cache(maxsize=1)
def _nearest() -> tuple[dict, dict]:
    by_mode: dict[tuple[str, str], str] = {}
    by_category: dict[str, str] = {}
    for code, category, mode, _context, _desc in cameo_table():
        by_mode.setdefault((category, mode), code)
        if not mode:
            # the most general code: the shortest, first listed
            old = by_category.get(category)
            if old is None or len(code) < len(old):
                by_category[category] = code
    for code, category, *_ in cameo_table():
        by_category.setdefault(category, code)
    return by_mode, by_category


def cameo(category: str, mode: str | None = None) -> str | None:
    """The nearest CAMEO code: the table's first code for this category and mode, else the
    category's most general code."""
    by_mode, by_category = _nearest()
    if mode and (category, mode) in by_mode:
        return by_mode[(category, mode)]
    return by_category.get(category)


def score(category: str) -> float | None:
    return SCORES.get(category)


def quad(category: str) -> int:
    """GDELT's QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
    4 material conflict."""
    if category in VERBAL_COOPERATION:
        return 1
    if category in MATERIAL_COOPERATION:
        return 2
    if category in VERBAL_CONFLICT:
        return 3
    return 4
