"""What the SQLite and PostgreSQL stores share beyond SQL dialect: decisions made from
their answers, written once."""

from __future__ import annotations

from typing import Any

from nutgraf.store.schema import TABLES


class StoreBase:
    """Each store answers ``status(capture_id)``; the rules built on it live here."""

    def status(self, capture_id: str) -> str | None:  # pragma: no cover - each store has its own
        raise NotImplementedError

    def _scalar(self, sql: str, args: tuple[Any, ...] = ()) -> Any:  # pragma: no cover
        """The first column of the first row; ``sql`` marks parameters with ``?``."""
        raise NotImplementedError

    def counts(self) -> dict[str, int]:
        """Rows per table, and captures per status."""
        out = {t: self._scalar(f"SELECT count(*) FROM {t}") for t in TABLES}
        for status in ("ok", "failed", "skipped"):
            out[f"captures_{status}"] = self._scalar("SELECT count(*) FROM captures WHERE status = ?", (status,))
        return out

    def has(self, capture_id: str, *, retry_failed: bool = False) -> bool:
        """Whether this capture needs no work: stored, and (with ``retry_failed``) not failed."""
        status = self.status(capture_id)
        if status is None:
            return False
        return not (retry_failed and status == "failed")

    def has_stored_url(self, url: str) -> bool:
        """Whether an article captured from ``url`` is stored: a capture with status ``ok``
        whose URL (after redirects) is ``url``, or which was fetched from ``url`` (the URL as
        asked for, before redirects: a feed's tracking links, http -> https).  Failed and
        skipped captures do not count, so their URLs are fetched again.  Two indexed lookups
        (``captures_url``, ``captures_origin``), cheap next to the request they save."""
        return bool(self._scalar(
            "SELECT EXISTS (SELECT 1 FROM captures WHERE url = ? AND status = 'ok')"
            " OR EXISTS (SELECT 1 FROM captures WHERE origin_kind = 'web' AND origin_path = ? AND status = 'ok')",
            (url, url)))
