"""Small hand-made articles with facts, for store and export tests (no spaCy needed)."""

from __future__ import annotations

from nutgraf.model import Amount, Article, DateMention, Entity, Quote
from nutgraf.sources.capture import Capture, Origin


def make_article(i: int = 0) -> tuple[Capture, Article]:
    text = (f"Mayor Jo Smith said the pier in Brighton will reopen in {2020 + i}. "
            f"\u201cWe are ready,\u201d Smith said. The council counted 1,200 visitors a day, "
            f"according to Acme Corp.")
    jo = text.index("Jo Smith")
    smith2 = text.index("Smith said.")
    brighton = text.index("Brighton")
    acme = text.index("Acme Corp")
    q = text.index("We are ready")
    amt = text.index("1,200 visitors")
    year = text.index(str(2020 + i))
    article = Article(
        text=text, title=f"Pier to reopen #{i}", authors=["A. Writer"], published=f"2024-03-0{i + 1}",
        site_name="Example News", language="en", url=f"https://news.example/{i}",
        entities=[
            Entity("Jo Smith", "PERSON", [(jo, jo + 8), (smith2, smith2 + 5)], ["Jo Smith", "Smith"]),
            Entity("Brighton", "GPE", [(brighton, brighton + 8)], ["Brighton"]),
            Entity("Acme Corp", "ORG", [(acme, acme + 9)], ["Acme Corp"]),
        ],
        quotes=[Quote("We are ready,", q, q + 13, "direct", "Jo Smith", (smith2, smith2 + 5), "said",
                      (smith2 + 6, smith2 + 10), [(q, q + 13)], "PERSON")],
        amounts=[Amount("1,200 visitors a day", amt, amt + 20, 1200.0, "visitor", "visitors", "Acme Corp",
                        False, "day", "1,200", source_span=(acme, acme + 9))],
        dates=[DateMention(str(2020 + i), year, year + 4, str(2020 + i), False, "year")],
    )
    capture = Capture(data=f"<html>{i}</html>".encode(), origin=Origin("file", f"/corpus/{i}.html"),
                      content_type="text/html", url=article.url)
    return capture, article
