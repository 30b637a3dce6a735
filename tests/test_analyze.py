"""nutgraf.analyze and `nutgraf analyze`: extraction, then facts, every fact a span."""

import json

from click.testing import CliRunner

import nutgraf
from nutgraf.cli import main

STORY = """Storm closes northern ports

By Anna Berg

The Norwegian Coastal Administration said on Monday that 14 ports would stay closed until the storm passes.

“We will not risk lives for cargo,” said Erik Dahl, the agency’s director. He added that ferries would resume on Wednesday.

According to the ministry, some 3,500 passengers were stranded and losses could reach $12 million.
"""


def _spans_ok(article):
    text = article.text
    for e in article.entities:
        for s, t in e.mentions:
            assert 0 <= s < t <= len(text)
    for q in article.quotes:
        assert text[q.start:q.end] == q.text
        if q.speaker_span:
            s, t = q.speaker_span
            assert 0 <= s < t <= len(text)
    for a in article.amounts:
        assert text[a.start:a.end] == a.text
    for d in article.dates:
        assert text[d.start:d.end] == d.text


def test_analyze_plain_text_finds_speaker_amounts_and_dates():
    article = nutgraf.analyze(STORY, content_type="text/plain")
    _spans_ok(article)
    assert any(e.name == "Erik Dahl" and e.label == "PERSON" for e in article.entities)
    quote = next(q for q in article.quotes if q.text.startswith("We will not risk lives"))
    assert quote.kind == "direct" and quote.speaker == "Erik Dahl"
    values = {a.value for a in article.amounts}
    assert {3500.0, 12e6} <= values
    money = next(a for a in article.amounts if a.value == 12e6)
    assert money.unit == "USD"
    passengers = next(a for a in article.amounts if a.value == 3500.0)
    assert passengers.approximate
    assert any(d.text == "Monday" for d in article.dates)


def test_clean_false_takes_the_text_as_the_article():
    text = "Mayor Ines Roth said the bridge would reopen. It cost 40 million euros."
    article = nutgraf.analyze(text, clean=False)
    assert article.text == text
    assert article.paragraphs and article.paragraphs[0].start == 0
    _spans_ok(article)
    assert any(a.value == 40e6 for a in article.amounts)


def test_analyze_html_bytes():
    html = ("<html><head><title>Ports closed</title></head><body><article><h1>Ports closed</h1>"
            + "".join(f"<p>{p}</p>" for p in STORY.split("\n\n")[2:]) + "</article></body></html>")
    article = nutgraf.analyze(html.encode("utf-8"))
    assert article.title == "Ports closed"
    _spans_ok(article)
    assert article.quotes


def test_cli_analyze_json(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["path"] == str(path)
    for key in ("entities", "quotes", "amounts", "dates"):
        assert key in record
    assert any(q["speaker"] == "Erik Dahl" for q in record["quotes"])


def test_cli_analyze_text_lists_facts(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(path), "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "## quotes" in result.output and "Erik Dahl" in result.output
    assert "## amounts" in result.output
