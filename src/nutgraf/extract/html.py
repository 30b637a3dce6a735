"""Main content of an HTML page.  (Stub: being written.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from nutgraf.extract.limits import Deadline
from nutgraf.model import Paragraph


@dataclass
class MainContent:
    text: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def extract_main(tree: HtmlElement, html: str, *, title: str | None = None, deadline: Deadline | None = None) -> MainContent:
    parts = [p.text_content().strip() for p in tree.iter("p")]
    parts = [p for p in parts if p]
    out = MainContent()
    off = 0
    for p in parts:
        out.paragraphs.append(Paragraph(off, off + len(p)))
        off += len(p) + 2
    out.text = "\n\n".join(parts)
    return out
