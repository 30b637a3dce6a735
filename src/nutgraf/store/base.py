"""What the SQLite and PostgreSQL stores share beyond SQL dialect: decisions made from
their answers, written once."""

from __future__ import annotations


class StoreBase:
    """Each store answers ``status(capture_id)``; the rules built on it live here."""

    def status(self, capture_id: str) -> str | None:  # pragma: no cover - each store has its own
        raise NotImplementedError

    def has(self, capture_id: str, *, retry_failed: bool = False) -> bool:
        """Whether this capture needs no work: stored, and (with ``retry_failed``) not failed."""
        status = self.status(capture_id)
        if status is None:
            return False
        return not (retry_failed and status == "failed")
