"""The public contract of ``nutgraf.extract`` (DESIGN.md, "Contracts other code relies on").

These tests pin shapes and invariants, not extraction quality: the extractor is being
improved, and every improvement must still pass them.  Quality is measured by bench/.
"""

from __future__ import annotations

import json
import re

import pytest

import nutgraf
from nutgraf import Article, ExtractionError, Paragraph

PARAS = [
    "The harbour authority said on Monday that it would reopen the northern pier to ferries "
    "next month, after repairs that took longer than planned because of winter storms.",
    "About 4,000 passengers a day used the pier before it closed, according to the authority, "
    "and local shops said they had lost most of their weekday trade since the closure.",
    "“We are glad to see the boats coming back,” said Maria Keller, who runs a café near the "
    "terminal. “It has been a long, quiet winter for everyone on this street.”",
]
PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Northern pier to reopen | Harbour Gazette</title>
  <meta property="og:title" content="Northern pier to reopen">
  <meta property="og:site_name" content="Harbour Gazette">
  <meta name="author" content="Jo Smith">
  <meta property="article:published_time" content="2024-03-04T09:30:00Z">
</head>
<body>
  <header><nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav></header>
  <main><article>
    <h1>Northern pier to reopen</h1>
    <p class="byline">By Jo Smith</p>
    <p>{PARAS[0]}</p>
    <p>{PARAS[1]}</p>
    <p>{PARAS[2]}</p>
  </article></main>
  <aside><h2>Most read</h2><ul><li><a href="/a">Council tax rises</a></li><li><a href="/b">Storm warning</a></li></ul></aside>
  <footer>© 2024 Harbour Gazette. All rights reserved.</footer>
</body>
</html>
"""
TEXT = "Northern pier to reopen\n\n" + "\n\n".join(PARAS) + "\n"

FIELD_TYPES = {
    "text": str,
    "title": (str, type(None)),
    "authors": list,
    "published": (str, type(None)),
    "site_name": (str, type(None)),
    "language": (str, type(None)),
    "url": (str, type(None)),
    "paragraphs": list,
    "evidence": dict,
    "warnings": list,
    "source_kind": str,
    "encoding": (str, type(None)),
    "entities": list,
    "quotes": list,
    "amounts": list,
}


def _check_article(article: Article) -> None:
    assert isinstance(article, Article)
    for name, kind in FIELD_TYPES.items():
        assert isinstance(getattr(article, name), kind), name
    assert all(isinstance(a, str) and a for a in article.authors)
    assert all(isinstance(w, str) for w in article.warnings)
    assert article.source_kind in ("html", "text")
    assert isinstance(article.words, int)
    if article.published is not None:
        # ISO-8601: a date, optionally with a time
        assert re.match(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$", article.published)
    for name, evidence in article.evidence.items():
        assert isinstance(name, str)
        assert isinstance(evidence.source, str) and isinstance(evidence.raw, str)
    _check_paragraphs(article)


def _check_paragraphs(article: Article) -> None:
    """Paragraph offsets are the provenance everything downstream relies on: each
    paragraph's [start, end) is exactly one block of ``text``, in order, and the blocks
    joined by blank lines are the whole text."""
    text = article.text
    if not text:
        assert article.paragraphs == []
        return
    assert article.paragraphs, "text without a paragraph map"
    previous_end = -1
    blocks = []
    for p in article.paragraphs:
        assert isinstance(p, Paragraph)
        assert 0 <= p.start < p.end <= len(text)
        assert p.start > previous_end
        block = text[p.start : p.end]
        assert block == block.strip(), f"paragraph {p} has surrounding whitespace"
        assert "\n\n" not in block
        blocks.append(block)
        previous_end = p.end
        if p.source_start is not None:
            assert p.source_end is not None and 0 <= p.source_start <= p.source_end
    assert "\n\n".join(blocks) == text


def test_html_article():
    article = nutgraf.extract(PAGE, url="https://gazette.example/local/pier")
    _check_article(article)
    assert article.source_kind == "html"
    assert article.url == "https://gazette.example/local/pier"
    assert article.title and "Northern pier to reopen" in article.title
    # the article body is kept (exact boundaries are the extractor's business)
    assert "northern pier to ferries" in article.text
    assert "About 4,000 passengers" in article.text


def test_html_paragraph_provenance_points_into_the_page():
    article = nutgraf.extract(PAGE)
    for p in article.paragraphs:
        if p.source_start is None:
            continue
        # the element's range in the page contains the paragraph's words
        source = PAGE[p.source_start : p.source_end]
        block = article.text[p.start : p.end]
        for word in block.split()[:5]:
            assert word in source or word.strip("“”\"'") in source


def test_to_dict_is_json_serialisable():
    for article in (nutgraf.extract(PAGE), nutgraf.extract(TEXT, content_type="text/plain")):
        data = article.to_dict()
        again = json.loads(json.dumps(data))
        assert again == data
        for name in FIELD_TYPES:
            assert name in data
        assert data["text"] == article.text
        assert len(data["paragraphs"]) == len(article.paragraphs)
        for p in data["paragraphs"]:
            assert {"start", "end", "kind", "path", "source_start", "source_end"} <= set(p)


def test_text_path_by_content_type():
    article = nutgraf.extract(TEXT, content_type="text/plain")
    _check_article(article)
    assert article.source_kind == "text"
    assert PARAS[1] in article.text


def test_text_path_when_no_markup():
    article = nutgraf.extract(TEXT)
    _check_article(article)
    assert article.source_kind == "text"
    # a "<" in prose is not markup
    article = nutgraf.extract("Turnout was < 40% in the city.\n\n" + TEXT)
    assert article.source_kind == "text"


def test_text_content_type_wins_over_markup_looking_text():
    article = nutgraf.extract("<b>not html</b>\n\n" + TEXT, content_type="text/plain; charset=utf-8")
    assert article.source_kind == "text"


def test_text_paragraphs_point_at_lines():
    article = nutgraf.extract(TEXT, content_type="text/plain")
    lines = TEXT.split("\n")
    for p in article.paragraphs:
        match = re.fullmatch(r"lines:(\d+)-(\d+)", p.path)
        assert match, p.path
        first, last = int(match.group(1)), int(match.group(2))
        source = "\n".join(lines[first - 1 : last])
        assert article.text[p.start : p.end].split() == source.split()


def test_str_and_bytes_are_both_accepted():
    from_str = nutgraf.extract(PAGE)
    from_bytes = nutgraf.extract(PAGE.encode("utf-8"))
    _check_article(from_bytes)
    assert from_bytes.text == from_str.text
    assert from_bytes.title == from_str.title
    text_bytes = nutgraf.extract(TEXT.encode("utf-8"), content_type="text/plain")
    assert text_bytes.source_kind == "text"
    assert PARAS[0] in text_bytes.text


@pytest.mark.parametrize("bad", [None, 42, ["<p>x</p>"], {"html": "<p>x</p>"}])
def test_other_types_raise_type_error(bad):
    with pytest.raises(TypeError):
        nutgraf.extract(bad)


def test_binary_input_raises_extraction_error():
    with pytest.raises(ExtractionError) as info:
        nutgraf.extract(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    assert str(info.value)  # the message says why, for recording against the document


def test_page_without_article_is_not_an_error():
    article = nutgraf.extract("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    _check_article(article)
    assert article.source_kind == "html"


def test_empty_input():
    for empty in ("", b""):
        article = nutgraf.extract(empty)
        _check_article(article)
        assert article.text == ""
