"""Ordinary mistakes and mishaps as one clear line.

The command line shows a user one line for a database path that is a folder or under a
missing folder, a read-only database, a full disk, an output path that cannot be written
or a number too large to store, instead of a traceback (``nutgraf --debug`` shows that).
Two halves:

- ``check_params``: a command's options looked at before it runs, where the mistake is
  still plain (which option, which path);
- ``describe``: any exception that escaped a command, as one line saying what went wrong
  and, where it helps, what to do.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

# The largest integer SQLite and PostgreSQL store (a signed 64-bit integer).
MAX_INT = 2**63 - 1
MAX_LINE = 500
# Commands that create or write the database named by --db.
WRITES_DB = frozenset({"ingest", "demo"})
_POSTGRES = ("postgresql://", "postgres://")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def one_line(text: str) -> str:
    """``text`` on one line, without control characters, at most ``MAX_LINE`` characters."""
    text = _CONTROL.sub(" ", text.encode("utf-8", "replace").decode("utf-8")).strip()
    return text if len(text) <= MAX_LINE else text[:MAX_LINE - 1] + "…"


# --------------------------------------------------------------------------- before a command


def check_params(command: str, params: dict[str, Any]) -> str | None:
    """What is wrong with a command's options (None when nothing obvious is)."""
    for name, value in params.items():
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            return f"--{name.replace('_', '-')}: {value} is too large (at most {MAX_INT})"
    db = params.get("db")
    if isinstance(db, str) and db and not db.startswith(_POSTGRES):
        problem = db_path_problem(db, writes=command in WRITES_DB)
        if problem:
            return f"--db {db}: {problem}"
    return None


def db_path_problem(path: str, *, writes: bool) -> str | None:
    """Why a SQLite database cannot be at ``path`` (None when it can)."""
    p = Path(path)
    if p.is_dir():
        return "is a folder, not a database file (give a file name, e.g. news.db)"
    if not writes:
        return None  # a missing database is the store's to report
    folder = p.parent
    if not p.exists():
        if not folder.is_dir():
            return f"folder {folder} does not exist (create it first)"
        if not os.access(folder, os.W_OK):
            return f"cannot create the database: folder {folder} is not writable"
        return None
    if not os.access(p, os.W_OK):
        return "the database file is read-only (no write permission); a read-only database can be searched, " \
               "exported and served, not ingested into"
    if not os.access(folder, os.W_OK):
        return f"folder {folder} is not writable (SQLite writes its journal beside the database)"
    return None


# --------------------------------------------------------------------------- after a failure


def describe(exc: BaseException) -> str:
    """One line for an exception that ended a command."""
    return one_line(_describe(exc))


def _describe(exc: BaseException) -> str:
    if _disk_full(exc):
        where = f" writing {exc.filename}" if isinstance(exc, OSError) and exc.filename else ""
        return f"the disk is full{where} ({_text(exc)}); free some space and run the same command again"
    readonly = _readonly(exc)
    if readonly is not None:
        return f"{readonly + ': ' if readonly else ''}the database is read-only (no write permission to the " \
               f"file or its folder)"
    if isinstance(exc, OverflowError):
        return f"a number is too large: {_text(exc)} (integers go up to {MAX_INT})"
    if isinstance(exc, MemoryError):
        return "out of memory"
    if isinstance(exc, OSError):
        return _os_error(exc)
    if isinstance(exc, sqlite3.Error):
        return f"database error: {_text(exc)}"
    from nutgraf.model import ExtractionError
    from nutgraf.store import StoreError

    if isinstance(exc, (StoreError, ExtractionError)):
        return _text(exc)
    return f"internal error: {type(exc).__name__}: {_text(exc)} (run `nutgraf --debug ...` for the traceback)"


def _text(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out and len(out) < 8:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


def _disk_full(exc: BaseException) -> bool:
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(e, sqlite3.Error) and "disk is full" in str(e):
            return True
    return False


def _readonly(exc: BaseException) -> str | None:
    """The database named in a read-only failure ('' when unnamed), None for other errors.
    SQLite says "attempt to write a readonly database" (the store may wrap it as "not a
    SQLite database")."""
    for e in _chain(exc):
        if isinstance(e, sqlite3.Error) and "readonly database" in str(e):
            outer = str(exc)
            return outer.split(": ", 1)[0] if e is not exc and ": " in outer else ""
    return None


def _os_error(exc: OSError) -> str:
    what = exc.strerror or _text(exc)
    name = f"{exc.filename}: " if exc.filename else ""
    if isinstance(exc, PermissionError):
        return f"{name}permission denied"
    if isinstance(exc, IsADirectoryError):
        return f"{name}is a folder, not a file"
    return f"{name}{what}"


__all__ = ["MAX_INT", "check_params", "db_path_problem", "describe", "one_line"]
