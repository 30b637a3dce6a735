"""Title, authors, publication date, site name and language of a page.  (Placeholder: being rewritten.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from nutgraf.model import Evidence


@dataclass
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    site_name: str | None = None
    language: str | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)


def extract_metadata(tree: HtmlElement, *, url: str | None = None) -> Metadata:
    meta = Metadata()
    titles = tree.xpath("//title/text()")
    if titles:
        meta.title = titles[0].strip() or None
        meta.evidence["title"] = Evidence("title", titles[0])
    return meta
