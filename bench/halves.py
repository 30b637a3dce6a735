"""The tuning and check halves of a development set, fixed by a hash of each item's id.

Every bench prints both halves: a change that lifts the tuning half and not the check half
is noise fitted to the pages it was written on, and stays out.
"""

from __future__ import annotations

import hashlib

HALVES = ("tune", "check")


def half(item_id: str) -> str:
    """'tune' or 'check' for an item id (a URL, a file name, a corpus id): stable across runs."""
    return HALVES[hashlib.sha256(str(item_id).encode("utf-8")).digest()[0] & 1]
