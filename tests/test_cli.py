"""The command line: inputs (files, .gz, directories, stdin), the three formats, and that
one bad document is reported without stopping the run.

These tests check the CLI's own behaviour, not extraction quality: they only rely on
the title (from <title>) and on a long body paragraph surviving extraction.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

import nutgraf
from nutgraf.cli import main

BODY = (
    "The city council voted on Tuesday to extend the night bus service for another year, "
    "after a study found that ridership had doubled since the trial began in the spring."
)
PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Night buses stay</title></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Night buses stay</h1><p>{BODY}</p>
<p>Officials said the extension would cost less than the original trial, because the routes
had been shortened and two of the depots were now shared with the daytime service.</p></article>
<footer>Copyright 2024 Example News</footer></body></html>
"""
TEXT = f"Night buses stay\n\n{BODY}\n"


def _runner() -> CliRunner:
    # click 8.2+ keeps stderr apart from stdout in result.output/result.stderr.
    return CliRunner()


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "story.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_help_and_version():
    runner = _runner()
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "extract" in result.output and "Usage: nutgraf" in result.output
    result = runner.invoke(main, ["extract", "--help"])
    assert result.exit_code == 0
    # the help documents the formats, the exit status and shows examples
    for word in ("jsonl", "Exit status", "Examples", "standard input"):
        assert word.lower() in result.output.lower()
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert nutgraf.__version__ in result.output


def test_text_format(page):
    result = _runner().invoke(main, ["extract", str(page)])
    assert result.exit_code == 0, result.output
    first_line = result.stdout.splitlines()[0]
    assert first_line == "# Night buses stay"
    assert "words:" in result.stdout
    assert BODY in result.stdout


def test_json_single_file_is_an_object(page):
    result = _runner().invoke(
        main, ["extract", str(page), "--format", "json", "--url", "https://example.com/night-buses"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert isinstance(record, dict)
    assert record["path"] == str(page)
    assert record["title"] == "Night buses stay"
    assert record["url"] == "https://example.com/night-buses"
    assert BODY in record["text"]
    assert isinstance(record["paragraphs"], list)


def test_jsonl_one_line_per_document(tmp_path, page):
    other = tmp_path / "other.htm"
    other.write_text(PAGE.replace("Night buses stay", "Second story"), encoding="utf-8")
    result = _runner().invoke(main, ["extract", str(page), str(other), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    titles = [json.loads(line)["title"] for line in lines]
    assert titles == ["Night buses stay", "Second story"]


def test_gzip_file(tmp_path):
    path = tmp_path / "story.html.gz"
    path.write_bytes(gzip.compress(PAGE.encode("utf-8")))
    result = _runner().invoke(main, ["extract", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["title"] == "Night buses stay"
    assert BODY in record["text"]


def test_txt_file_takes_the_text_path(tmp_path):
    path = tmp_path / "scrape.txt.gz"
    path.write_bytes(gzip.compress(TEXT.encode("utf-8")))
    result = _runner().invoke(main, ["extract", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["source_kind"] == "text"
    assert BODY in record["text"]


def test_directory_is_searched_recursively(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").mkdir()
    (tmp_path / "a" / "one.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "a" / "b" / "two.html.gz").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    (tmp_path / "a" / "b" / "three.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a" / "notes.md").write_text("# not picked up", encoding="utf-8")
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")

    result = _runner().invoke(main, ["extract", str(tmp_path / "a"), "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    # a directory always gives a list, even of one
    assert isinstance(records, list)
    names = sorted(r["path"].rsplit("/", 1)[-1] for r in records)
    assert names == ["one.html", "three.txt", "two.html.gz"]
    assert all("error" not in r for r in records)


def test_bad_file_is_reported_and_the_run_goes_on(tmp_path, page):
    bad = tmp_path / "broken.html"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 100)
    missing = tmp_path / "missing.html"

    for fmt in ("json", "jsonl"):
        result = _runner().invoke(main, ["extract", str(bad), str(page), str(missing), "--format", fmt])
        assert result.exit_code == 1
        if fmt == "json":
            records = json.loads(result.stdout)
        else:
            records = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r["path"] for r in records] == [str(bad), str(page), str(missing)]
        assert records[0]["error"] and "text" not in records[0]
        assert records[1]["title"] == "Night buses stay" and "error" not in records[1]
        assert records[2]["error"]

    result = _runner().invoke(main, ["extract", str(bad), str(page)])
    assert result.exit_code == 1
    assert BODY in result.stdout
    assert str(bad) in result.stderr
    assert "broken.html" not in result.stdout


def test_empty_directory_fails(tmp_path):
    result = _runner().invoke(main, ["extract", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "no .html" in result.stderr


def test_unexpected_extractor_error_is_reported_per_document(tmp_path, page, monkeypatch):
    other = tmp_path / "other.html"
    real = nutgraf.extract

    def flaky(data, **kwargs):
        if b"boom" in data:
            raise ValueError("boom")
        return real(data, **kwargs)

    other.write_text(PAGE.replace("Night buses", "boom"), encoding="utf-8")
    monkeypatch.setattr(nutgraf, "extract", flaky)
    result = _runner().invoke(main, ["extract", str(other), str(page), "--format", "jsonl"])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert "ValueError" in records[0]["error"]
    assert records[1]["title"] == "Night buses stay"


def test_stdin(page):
    result = _runner().invoke(main, ["extract", "-", "--format", "json"], input=PAGE.encode("utf-8"))
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["path"] == "-"
    assert record["title"] == "Night buses stay"

    gz = gzip.compress(PAGE.encode("utf-8"))
    result = _runner().invoke(main, ["extract", "-", "--format", "json"], input=gz)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "Night buses stay"


def test_content_type_option(tmp_path):
    # an .html name, but the caller says it is a text scrape
    path = tmp_path / "scrape.html"
    path.write_text(TEXT, encoding="utf-8")
    result = _runner().invoke(main, ["extract", str(path), "--format", "json", "--content-type", "text/plain"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["source_kind"] == "text"


def test_url_needs_a_single_document(tmp_path, page):
    other = tmp_path / "other.html"
    other.write_text(PAGE, encoding="utf-8")
    result = _runner().invoke(main, ["extract", str(page), str(other), "--url", "https://example.com/"])
    assert result.exit_code == 2
    assert "--url" in result.output


def test_python_dash_m(page):
    result = subprocess.run(
        [sys.executable, "-m", "nutgraf", "extract", str(page), "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "Night buses stay"
    # no progress bar or other noise on stderr when stderr is not a terminal
    assert result.stderr == ""
