"""Small hand-made corpora for the corpus-pass tests (no spaCy needed)."""

from __future__ import annotations

import itertools
import re

from nutgraf.model import Amount, Article, Entity, Quote
from nutgraf.sources.capture import Capture, Origin

_ids = itertools.count()

WIRE = (
    "KYIV (AP) \u2014 Thousands of Russian men have crossed into Kazakhstan since the Kremlin announced a partial "
    "mobilisation of reservists, border officials said on Tuesday, as long queues of cars formed at the frontier "
    "posts in the north of the country.\n\n"
    "The interior ministry in Astana said that 98,000 Russians had entered Kazakhstan in the week since the "
    "decree was signed, and that most of them had travelled on to other countries by train and by plane.\n\n"
    "\u201cWe will not turn them away, they are in a hopeless situation,\u201d President Kassym-Jomart Tokayev "
    "told a meeting of his security council, promising shelter to anyone fleeing the call-up.\n\n"
    "Vladimir Putin ordered the call-up last week after a string of battlefield defeats in the east of Ukraine, "
    "and the defence ministry has said that about 300,000 reservists with combat experience will be summoned.\n\n"
    "Hotels in the border city of Uralsk were full, and volunteers handed out tea and blankets to families "
    "waiting in the cold at the railway station, local reporters said."
)

UNRELATED = [
    "The city council approved a new budget for the public library on Monday, adding funds for longer opening "
    "hours at weekends and a mobile service that will visit villages in the valley twice a month. Librarians "
    "welcomed the plan but warned that the roof of the main building still leaks whenever heavy rain falls, "
    "and that repairs have been postponed for three years in a row because of rising costs elsewhere.",
    "A local bakery has won a national prize for its sourdough loaf, beating more than four hundred entries "
    "from across the country in a blind tasting held at the annual food fair. The owners, who opened the shop "
    "in a former garage eleven years ago, said the secret was patience and a starter kept alive since their "
    "grandmother brought it from the coast, and they plan to offer bread making classes in the spring.",
    "Fishermen in the harbour say the mackerel season started late this year after an unusually warm summer "
    "pushed the shoals further north, and prices at the morning auction have doubled as a result. Scientists "
    "at the marine laboratory are tagging fish to follow their routes, and hope the data will help the fleet "
    "plan trips that burn less fuel and avoid the spawning grounds during the most sensitive weeks of autumn.",
]

SITE_FOOTER = "Sign up for our daily newsletter to get the best of Valley News in your inbox every morning."


def capture_for(article: Article) -> Capture:
    n = next(_ids)
    return Capture(data=f"<html>{n} {article.url}</html>".encode(), origin=Origin("file", f"/corpus/{n}.html"),
                   content_type="text/html", url=article.url)


def entity(text: str, name: str, label: str, *forms: str) -> Entity | None:
    spans = []
    for form in forms or (name,):
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(form), text)]
    if not spans:
        return None
    return Entity(name, label, sorted(set(spans)), list(forms or (name,)))


def make(text: str, *, title: str, published: str | None, url: str, site: str = "Example News",
         entities: list[tuple] = (), quotes: list[tuple] = (), amounts: list[tuple] = ()) -> Article:
    ents = [e for e in (entity(text, *spec) for spec in entities) if e is not None]
    qs = []
    for qtext, speaker, label in quotes:
        i = text.index(qtext)
        qs.append(Quote(qtext, i, i + len(qtext), "direct", speaker, None, "said", None, [], label))
    ams = []
    for atext, value, unit, obj in amounts:
        i = text.index(atext)
        ams.append(Amount(atext, i, i + len(atext), value, unit, obj, value_text=atext.split()[0]))
    return Article(text=text, title=title, published=published, url=url, site_name=site, language="en",
                   entities=ents, quotes=qs, amounts=ams)


def store_all(store, articles: list[Article], *, passes: bool = True) -> list[int]:
    from nutgraf import corpus

    ids = []
    for a in articles:
        aid = store.add_article(capture_for(a), a, version="test", settings_hash="test")
        ids.append(aid)
        if passes:
            corpus.update(store, aid)
    return ids


def wrap_template(text: str, title: str, site: str) -> str:
    """The same text in another site's page template (nav, teasers, footer)."""
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (f"<html><head><title>{title} | {site}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
            f"<main><article><h1>{title}</h1>{paras}</article></main>"
            f"<aside><h3>Most read</h3><ul><li><a href='/a'>Another story entirely</a></li></ul></aside>"
            f"<footer>&copy; {site} 2024. All rights reserved. <a href='/privacy'>Privacy</a></footer>"
            f"</body></html>")
