"""JSON-LD that does not parse (issue 17, probe 9).

An unescaped "</script>" inside a JSON-LD string ends the <script> element there: HTML has no
escapes inside a script.  The rest of the JSON then becomes page text ('"},"publisher":{"name":"'),
which read as the only prose on a page of short paragraphs and replaced the article, silently.
Now the script is read as one JSON value again, its spilled end is left out of the text, and
Article.warnings says what happened; JSON-LD that cannot be parsed at all gets a warning too.
"""

from __future__ import annotations

import json

import nutgraf

PARAS = ["Short one.", "Another short line.", "A third, with a comma."]
LONG = [f"Paragraph {i} of the real story, which has several sentences. It goes on for a while and says things."
        for i in range(4)]

# the probe: a "<script>" written inside two JSON strings (an article about embedding code)
PROBE = ('{"@context":"https://schema.org","@type":"NewsArticle","headline":"Real headline",'
         '"articleBody":{"@value":"Run <script>a()</script>"},"publisher":{"name":"<script>b()</script>"},'
         '"author":{"@type":"Person","name":"Jane Roe"},"datePublished":"2024-03-05T10:00:00Z"}')
LD_ONE_CLOSE = ('{"@context":"https://schema.org","@type":"NewsArticle","headline":"Real headline",'
                '"articleBody":"Paste <script src=x></script> into the page","publisher":{"name":"Example News"},'
                '"author":{"@type":"Person","name":"Jane Roe"},"datePublished":"2024-03-05T10:00:00Z"}')


def _script(ld: str) -> str:
    return f'<script type="application/ld+json">{ld}</script>'


def _page(ld: str, where: str, paras: list[str] = PARAS) -> str:
    ps = "".join(f"<p>{p}</p>" for p in paras)
    head = _script(ld) if where == "head" else ""
    body = _script(ld) if where == "body" else ""
    middle = ps if where != "article" else "".join(f"<p>{p}</p>" for p in paras[:2]) + _script(ld) + "".join(
        f"<p>{p}</p>" for p in paras[2:])
    return (f"<html><head><title>Real headline</title>{head}</head><body>{body}"
            f"<div class='article'><h1>Real headline</h1>{middle}</div></body></html>")


def _no_json_in(text: str) -> None:
    for debris in ('"publisher"', '"name"', '"},', '"}}', "Jane Roe", "@type"):
        assert debris not in text, text


def test_probe_9_script_tags_inside_json_strings():
    json.loads(PROBE)  # the JSON itself is valid: only HTML cuts it
    for where in ("head", "body"):
        a = nutgraf.extract(_page(PROBE, where), url="https://example.com/a")
        _no_json_in(a.text)
        assert a.text == "\n\n".join(PARAS), (where, a.text)
        assert a.authors == ["Jane Roe"]  # read from the rejoined JSON
        assert a.published and a.published.startswith("2024-03-05")
        assert any("JSON-LD" in w and "</script>" in w for w in a.warnings), a.warnings


def test_one_close_tag_in_a_string_anywhere():
    for where, paras in (("head", PARAS), ("body", PARAS), ("article", LONG)):
        a = nutgraf.extract(_page(LD_ONE_CLOSE, where, paras), url="https://example.com/a")
        _no_json_in(a.text)
        assert a.text == "\n\n".join(paras), (where, a.text)
        assert a.authors == ["Jane Roe"]
        assert any("unescaped '</script>'" in w for w in a.warnings), a.warnings


def test_cut_twice_is_still_no_text():
    # two "</script>" inside strings: the parser drops the second from the text after the first,
    # so the JSON is rejoined without it (its strings lose that tag, its fields are right)
    ld = ('{"@type":"NewsArticle","headline":"Real headline","articleBody":"a </script> b </script> c",'
          '"publisher":{"name":"Example News"},"author":{"@type":"Person","name":"Jane Roe"}}')
    a = nutgraf.extract(_page(ld, "head"), url="https://example.com/a")
    _no_json_in(a.text)
    assert a.text == "\n\n".join(PARAS)
    assert a.authors == ["Jane Roe"]
    assert any("JSON-LD script 1" in w for w in a.warnings), a.warnings


def test_cut_and_damaged_the_spill_is_still_no_text():
    # cut short and not valid JSON either (a comma missing): nothing parses, but a tail that is
    # the end of a JSON object is left out all the same
    ld = ('{"@type":"NewsArticle","headline":"Real headline","articleBody":"a </script> b"'
          '"publisher":{"name":"Example News"},"author":{"@type":"Person","name":"Jane Roe"}}')
    a = nutgraf.extract(_page(ld, "head"), url="https://example.com/a")
    _no_json_in(a.text)
    assert a.text == "\n\n".join(PARAS)
    assert any("could not be parsed: it is cut short" in w for w in a.warnings), a.warnings


def test_invalid_json_ld_is_warned_about_and_the_text_kept():
    ld = '{"@type":"NewsArticle","headline":"Real headline" "author":{"name":"Jane Roe"}'  # a comma missing
    a = nutgraf.extract(_page(ld, "head", LONG), url="https://example.com/a")
    assert a.text == "\n\n".join(LONG)
    assert a.title == "Real headline"
    assert any(w.startswith("JSON-LD script 1 could not be parsed") for w in a.warnings), a.warnings


def test_valid_json_ld_and_tolerated_damage_give_no_warning():
    ok = '{"@type":"NewsArticle","headline":"Real headline","author":{"@type":"Person","name":"Jane Roe"}}'
    trailing_comma = '{"@type":"NewsArticle","headline":"Real headline","author":{"@type":"Person","name":"Jane Roe"},}'
    escaped = '{"@type":"NewsArticle","headline":"Real headline","articleBody":"Paste <script><\\/script> in"}'
    for ld in (ok, trailing_comma, escaped):
        a = nutgraf.extract(_page(ld, "head", LONG), url="https://example.com/a")
        assert a.text == "\n\n".join(LONG)
        assert not [w for w in a.warnings if "JSON-LD" in w], a.warnings
