"""The page's JSON-LD: every object of every ``application/ld+json`` script (``@graph``, lists
and nested ``mainEntity``/``hasPart`` walked), broken JSON tolerated.

A script that does not parse is not dropped silently: a trailing comma is forgiven, a script
cut short by an unescaped "</script>" inside a string is read again with what the HTML parser
made of its rest, and otherwise its headline, dates, language and author are looked for by
pattern.  Each of these is reported as a warning, which ends up in ``Article.warnings``.
"""

from __future__ import annotations

import json
import re

from lxml.html import HtmlElement

from nutgraf.extract.metadata.markup import clean

ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "scholarlyarticle",
    "techarticle", "report", "liveblogposting", "posting", "socialmediaposting", "discussionforumposting",
    "advertisercontentarticle", "satiricalarticle", "medicalscholarlyarticle", "creativework",
    "recipe", "review", "videoobject", "podcastepisode", "event",
}
PAGE_TYPES = {"webpage", "itempage", "aboutpage", "profilepage", "collectionpage", "qapage", "faqpage"}
ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "localbusiness", "website",
              "educationalorganization", "governmentorganization", "ngo", "brand"}


def types_of(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.rsplit("/", 1)[-1].casefold()}
    if isinstance(t, list):
        return {x.rsplit("/", 1)[-1].casefold() for x in t if isinstance(x, str)}
    return set()


def _walk_ld(node, out: list[dict], depth: int = 0) -> None:
    if depth > 6 or len(out) > 200:
        return
    if isinstance(node, list):
        for x in node:
            _walk_ld(x, out, depth + 1)
    elif isinstance(node, dict):
        out.append(node)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            child = node.get(key)
            if isinstance(child, (list, dict)):
                _walk_ld(child, out, depth + 1)


_TRAILING_COMMA = re.compile(r",\s*([\]}])")
_LD_FIELD = re.compile(r'"(headline|datePublished|dateCreated|inLanguage)"\s*:\s*"((?:[^"\\]|\\.){1,500})"')
_LD_AUTHOR_NAME = re.compile(r'"author"\s*:\s*[\[{]?\s*\{[^{}]*?"name"\s*:\s*"((?:[^"\\]|\\.){1,200})"')


_LD_FAILED = object()


def _ld_source(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    return raw.strip().rstrip(";")


def _parse_ld(raw: str):
    """The JSON value of a JSON-LD script's text (a trailing comma tolerated), or _LD_FAILED."""
    for attempt in (raw, _TRAILING_COMMA.sub(r"\1", raw)):
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    return _LD_FAILED


def _ld_fields(raw: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for m in _LD_FIELD.finditer(raw):
        fields.setdefault(m.group(1), m.group(2))
    m = _LD_AUTHOR_NAME.search(raw)
    if m:
        fields["author"] = m.group(1)
    return fields


_LD_DECODER = json.JSONDecoder(strict=False)
_CLOSE_SCRIPT = "</script>"
# the end of a JSON object or array, as the spilled remainder of a cut script ends
_JSON_DEBRIS = re.compile(r'"\s*:|"\s*,\s*"')


def _text_after(el: HtmlElement) -> tuple[HtmlElement, str]:
    """Where the page text right after ``el`` is: its tail, or, for the last element of <head>
    followed by text (which the parser moves into <body>, closing the head), body's text."""
    tail = el.tail
    parent = el.getparent()
    if (tail is None or not tail.strip()) and el.getnext() is None and parent is not None and parent.tag == "head":
        body = parent.getnext()
        if body is not None and body.tag == "body" and body.text and body.text.strip():
            return body, "text"
    return el, "tail"


def _rejoin(script: HtmlElement, holder: HtmlElement, attr: str, first: str):
    """The JSON value of a script cut short, from its text, "</script>" and what the parser made
    of the rest: (value, characters spilled, elements spilled, text left after), or None.

    The rest is the text after the script and, when the JSON held tags ("<script>a</script>"
    in a string), the elements those became and their tails, tried one more at a time."""
    import lxml.html

    text = script.text
    pieces = [text, _CLOSE_SCRIPT]
    start = len(text) - len(text.lstrip())
    following = script.itersiblings() if attr == "tail" else iter(holder)
    dropped: list[HtmlElement] = []
    last = first
    for _ in range(12):
        pieces.append(last)
        joined = "".join(pieces)
        try:
            data, end = _LD_DECODER.raw_decode(joined, start)
        except (ValueError, RecursionError):
            data = _LD_FAILED
        if data is not _LD_FAILED:
            used = end - (len(joined) - len(last))  # characters of ``last`` inside the JSON
            spilled = end - len(text) - len(_CLOSE_SCRIPT)
            if used <= 0 or spilled <= 0:
                return None
            return data, spilled, dropped, last[used:]
        nxt = next(following, None)
        if nxt is None or not isinstance(nxt.tag, str):
            return None
        pieces.append(lxml.html.tostring(nxt, encoding=str, with_tail=False))
        dropped.append(nxt)
        last = nxt.tail or ""
    return None
def read_ld_script(el: HtmlElement, number: int, warnings: list[str], spill: list) -> tuple[list[dict], dict[str, str]]:
    """Objects (or loose fields) from one JSON-LD ``<script>``, noting in ``warnings`` when its
    JSON is broken.

    An unescaped "</script>" inside a JSON string ends the element there (HTML has no escapes
    inside a script): the element holds the JSON's start, and the rest of it becomes page text
    in the script's tail, where it read as a paragraph of prose.  When the start, "</script>"
    and the tail parse as one JSON value, that value is used and the part of the tail it spans
    is marked as spill (``spill``) for the text extraction to leave out."""
    raw = _ld_source(el.text)
    data = _parse_ld(raw)
    if data is not _LD_FAILED:
        out: list[dict] = []
        _walk_ld(data, out)
        return out, {}
    holder, attr = _text_after(el)
    tail = getattr(holder, attr) or ""
    if tail.strip():
        repaired = _rejoin(el, holder, attr, tail)
        if repaired is not None:
            data, spilled, dropped, rest = repaired
            spill.append((holder, attr, dropped, rest))
            warnings.append(
                f"JSON-LD script {number} holds an unescaped '</script>' inside a string, which ends the script "
                f"there in HTML; read as one JSON value, and its {spilled} spilled characters left out of the text"
            )
            out = []
            _walk_ld(data, out)
            return out, {}
        # more than one "</script>" inside (the parser dropped the later ones from the tail), or
        # other damage: a tail that is the end of a JSON object is still no text of the page
        debris = tail.rstrip()
        if debris.endswith(("}", "]")) and _JSON_DEBRIS.search(debris):
            spill.append((holder, attr, [], tail[len(debris):]))
            warnings.append(
                f"JSON-LD script {number} could not be parsed: it is cut short (an unescaped '</script>' inside "
                f"a string?) and the {len(debris)} characters after it, the end of its JSON, were left out of the text; "
                f"only its headline, dates, language and author were looked for by pattern"
            )
            return [], _ld_fields(raw + _CLOSE_SCRIPT + debris)
    warnings.append(
        f"JSON-LD script {number} could not be parsed (not valid JSON); only its headline, dates, language "
        f"and author were looked for by pattern"
    )
    return [], _ld_fields(raw)


def ld_str(value) -> str:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        for v in value:
            s = ld_str(v)
            if s:
                return s
    if isinstance(value, dict):
        return ld_str(value.get("name") or value.get("@value"))
    return ""


def ld_people(value, ids: dict, depth: int = 0) -> list[tuple[str, bool]]:
    """Names from a JSON-LD ``author``/``creator`` value, each with whether it is a typed Person.

    ``{"@id": ...}`` references (Yoast's ``@graph``) are resolved through ``ids``."""
    if depth > 3:
        return []
    if isinstance(value, str):
        return [(value, False)]
    if isinstance(value, list):
        out: list[tuple[str, bool]] = []
        for v in value[:20]:
            out.extend(ld_people(v, ids, depth + 1))
        return out
    if isinstance(value, dict):
        ref = value.get("@id")
        if "name" not in value and isinstance(ref, str) and ref in ids and ids[ref] is not value:
            return ld_people(ids[ref], ids, depth + 1)
        types = types_of(value)
        if types & ORG_TYPES and "person" not in types:
            return []
        name = value.get("name")
        if isinstance(name, list):
            name = next((n for n in name if isinstance(n, str)), None)
        if not isinstance(name, str):
            given, family = value.get("givenName"), value.get("familyName")
            if isinstance(given, str) and isinstance(family, str):
                name = f"{given} {family}"
        if isinstance(name, str):
            return [(name, "person" in types)]
    return []
