"""`make bench` installs on a fresh machine (issue 14 item 6).

The venv's own pip (23.2 with Python 3.11) stopped inside the resolver on the bench extra:
jusText asks for ``lxml[html_clean]`` and readability-lxml for ``lxml[html-clean]``, the same
extra spelled two ways, and pip 23.2 raised "Internal issue: Candidate is not for this
requirement".  The Makefile pins a newer pip when it makes the venv.  These tests check the
pin, and replay the failing resolution offline on three hand-made wheels, so a pip that trips
over it fails here in CI, without the network.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the first pip whose resolver treats "html_clean" and "html-clean" as one extra (PEP 685)
FIXED_PIP = (23, 3)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def _makefile_pip_pin() -> str:
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    m = re.search(r"^PIP_PIN\s*:?=\s*pip==(\S+)\s*$", make, re.M)
    assert m, "the Makefile pins pip (PIP_PIN := pip==X.Y.Z)"
    # the pin is applied where the venv is made and before the bench extra is installed
    venv_rule = re.search(r"^\$\(PY\):\n((?:\t.*\n)+)", make, re.M)
    assert venv_rule and "$(PIP_PIN)" in venv_rule.group(1)
    bench_rule = re.search(r"^\$\(VENV\)/\.installed-bench:.*\n((?:\t.*\n)+)", make, re.M)
    assert bench_rule and bench_rule.group(1).index("$(PIP_PIN)") < bench_rule.group(1).index(".[bench")
    return m.group(1)


def test_makefile_pins_a_pip_that_resolves_the_bench_extra():
    assert _version(_makefile_pip_pin()) >= FIXED_PIP


def test_the_project_venv_has_the_pinned_pip():
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("not running in the Makefile's venv")
    assert metadata.version("pip") == _makefile_pip_pin()


def test_the_bench_extra_is_pinned_and_spelled_as_pip_reads_it():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    bench = extras["bench"]
    assert bench and "trafilatura" in " ".join(bench)
    for req in bench:
        # name==version: a bench result must be reproducible with the same anchors
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*(\[[a-z0-9_,-]+\])?==[0-9][0-9A-Za-z.]*", req), req


def _wheel(folder: Path, name: str, version: str, requires: list[str], extras: list[str] = ()) -> None:
    dist = f"{name}-{version}"
    files = {
        f"{dist}.dist-info/METADATA": "\n".join(
            ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
            + [f"Provides-Extra: {e}" for e in extras] + [f"Requires-Dist: {r}" for r in requires]) + "\n",
        f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: nutgraf-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{dist}.dist-info/RECORD"] = "".join(f"{k},,\n" for k in files) + f"{dist}.dist-info/RECORD,,\n"
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as z:
        for path, text in files.items():
            z.writestr(path, text)


def test_pip_resolves_one_extra_spelled_two_ways(tmp_path):
    # the bench extra's shape, offline: a library with an "html-clean" extra, asked for as both
    # "html_clean" (jusText) and "html-clean" (readability); the extra's own dependency must come too
    _wheel(tmp_path, "fakelxml", "6.0", ['fakeclean; extra == "html-clean"'], extras=["html-clean"])
    _wheel(tmp_path, "fakeclean", "1.0", [])
    _wheel(tmp_path, "fakejustext", "3.0", ["fakelxml[html_clean]>=4.4.2"])
    _wheel(tmp_path, "fakereadability", "0.9", ["fakelxml[html-clean]>=5.4,<7"])
    _wheel(tmp_path, "fakebench", "1.0", ["fakejustext==3.0", "fakereadability==0.9"])
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(tmp_path),
         "--ignore-installed", "--disable-pip-version-check", "--quiet", "--report", str(report), "fakebench"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = {item["metadata"]["name"] for item in json.loads(report.read_text())["install"]}
    assert names == {"fakebench", "fakelxml", "fakeclean", "fakejustext", "fakereadability"}


def test_an_installed_bench_extra_is_complete():
    # where `make bench` has run: every pinned anchor and every dependency of theirs (extras
    # included) is installed, so pip resolves the extra from this venv alone, without an index
    try:
        metadata.version("trafilatura")
    except metadata.PackageNotFoundError:
        pytest.skip("the bench extra is not installed here")
    bench = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["bench"]
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--disable-pip-version-check", "--quiet", *bench],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
