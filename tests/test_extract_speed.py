"""The extraction speed-ups (issue 14 part 4) compute exactly what the code they replaced did.

Each fast path is checked against the plain regex or XPath it stands for, on random strings
built from the pieces that matter (the odd case folds 'İ', 'ı', 'ſ', unclosed spans, final
newlines) and on hand-written pages.  bench/extract_speed.py checks the whole pipeline's output
on the 181 ScrapingHub pages against recorded hashes.
"""

from __future__ import annotations

import random

from lxml import etree

from nutgraf.extract import blocks, dom, metadata, prose, provenance
from nutgraf.extract.blocks import Block
from nutgraf.extract.dom import parse_html


def _strings(atoms: list[str], n: int, seed: int, most: int = 10):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(atoms) for _ in range(rnd.randint(0, most)))


def test_opaque_spans_match_the_regex():
    atoms = ["<!--", "-->", "--", "<script", "<SCRIPT ", "</script>", "</scrİpt >", "</ſcript>", "</scrıpt>",
             "<ſcript>", "<style>", "</STYLE\n>", "<title>", "</title>", "<titles>", "<textarea>", "</textarea>",
             "<xmp>", "</xmp>", "<template>", "</template >", "x", "\n", " ", "<", ">", "</", "<p>", "é"]
    for s in _strings(atoms, 20000, 1, 12):
        assert provenance._blank_opaque(s) == provenance._OPAQUE.sub(provenance._blank, s), repr(s)


def test_bad_chars_and_huge_tags_match_the_regexes():
    n = dom.MAX_TAG_CHARS
    atoms = ["<", ">", "a", "Z", "1", " ", "\x00", "\x1f", "\x0b", "\r", "\x7f", "\x85", "\t", "\n", "\ud800", "\udfff",
             "é", "中", "😀", "<a",
             "a" * (n // 2), "b" * (n - 3), "<p" + "x" * n + ">", "<1" + "x" * n + ">", "<p" + "y" * (n - 1) + ">",
             "<" + "z" * n, "z" * n + ">"]
    for s in _strings(atoms, 3000, 2, 8):
        assert dom._has_bad_chars(s) == (dom._BAD_CHARS.search(s) is not None), repr(s[:60])
        assert dom._may_have_huge_tag(s) == (dom._HUGE_TAG.search(s) is not None), repr(s[:60])


def test_copyright_lines_match_the_regex():
    atoms = ["©", "(c)", "(C)", "(c", "Copyright", "COPYRIGHT", "copyrİght", "ſite by", "theme by", "Theme  \n by",
             "webdesign von", "site par", "design", "designed", "by", " ", "\n", ".", "|", "x", "İ", "ı", "é",
             "website\tby", "powered by", "template by", "(copyright", "abc " * 30]
    for s in _strings(atoms, 20000, 3):
        assert metadata._strip_copyright(s) == metadata._COPYRIGHT_LINE.sub(" ", s), repr(s)


def test_block_weight_shortcuts_match_the_regexes():
    atoms = ["We use cookies", " to ", "accept", " cookie policy", "COOKIES", "unsubscribe", "UnſubScribe", "e-mail",
             " address ", "Adresse électronique", " to follow", "folgen", "Creative Commons", " licence", "licensed under",
             "opt-out at any time", "İ", "ı", "...", "…", "[…]", "[...]", "word", ".", "!", "  ", "\n", "\t", "x,",
             "suscripción", "mailing list", "Impressum"]
    for s in _strings(atoms, 20000, 4, 8):
        want = bool(prose._COOKIE_NOTICE.search(s) or prose._MAILING_NOTICE.search(s))
        assert prose._notice(s) == want, repr(s)
        assert prose._ends(prose._TRUNCATED, s, 6) == (prose._TRUNCATED.search(s) is not None), repr(s)
        assert prose._ends(prose._SENTENCE_END, s, 1) == (prose._SENTENCE_END.search(s) is not None), repr(s)


_OLD_CAND_XPATH = (
    "//*[contains(@class,'uthor') or contains(@class,'yline') or contains(@class,'utor') or contains(@id,'uthor') "
    "or contains(@id,'yline') or contains(@class,'date') or contains(@class,'Date') or contains(@id,'date') "
    "or contains(@class,'time') or contains(@class,'posted') or contains(@class,'ublish') or contains(@class,'meta') "
    "or contains(@class,'datum') or contains(@class,'Datum') or @itemprop or @rel='author' or contains(@class,'vcard')]"
)


def test_byline_candidates_match_the_xpath():
    page = """<html><head><meta name="x" content="y"></head><body>
      <div class="post-meta"><span class="byline">By <a rel="author" href="/a">Jane Roe</a></span>
      <time class="entry-date" datetime="2020-01-02">2 Jan</time></div>
      <p id="dateline">X</p><p id="Date">not an id match (case)</p><span itemprop="name">N</span>
      <div class="DATE">no</div><div class="vcard"><b class="fn">A</b></div><i class="Datum">d</i>
      <div class="tutorial">utor</div><a rel="nofollow author">no</a>
      """ + "".join(f'<p class="c{i} time">t</p>' for i in range(450)) + "</body></html>"
    tree = parse_html(page)
    assert metadata._candidates(tree) == tree.xpath(_OLD_CAND_XPATH)[:400]
    small = parse_html(page.split("<p class=\"c0")[0] + "</body></html>")
    assert metadata._candidates(small) == small.xpath(_OLD_CAND_XPATH)


def test_plain_element_classes_and_cached_furniture_words():
    tree = parse_html("<html><body><form><input name=q><select><option>a</option></select></form>"
                      "<div class='share-tools main'>x</div><div class='share-tools main'>y</div></body></html>")
    assert {type(el) for el in tree.iter(etree.Element)} == {type(tree)}
    a, b = tree.xpath("//div")
    assert blocks.furniture_words(a) == blocks.furniture_words(b) == (frozenset({"share"}), True)
    assert blocks._furniture_words("liveblog-comment x") == (frozenset(), False)


def test_line_starts():
    for html in ["", "a", "\n", "a\nb", "a\n", "\n\n", "ab\ncd\n\nef"]:
        src = provenance.SourceMap(html)
        src._line_of(0)
        assert src._line_starts == [0] + [i + 1 for i, ch in enumerate(html) if ch == "\n"]


def test_block_weight_on_plain_blocks():
    el = parse_html("<p>x</p>")
    cases = {
        "We use cookies to give you the best experience. By continuing you accept our cookie policy.": -91.0,
        "A teaser that stops in the middle of its sentence and so...": 0.0,
        "Short sentence here.": None,
    }
    for text, want in cases.items():
        w = prose.block_weight(Block(el, text, 0, "p"))
        if want is not None:
            assert w == want
        else:
            assert w > 0
