"""Plain-text scrapes into articles.  (Minimal: blocks separated by blank lines; the
furniture-removing cleaner is issue 3.)"""

from __future__ import annotations

from nutgraf.extract.limits import Deadline
from nutgraf.model import Article, Paragraph


def extract_plain_text(text: str, *, url: str | None = None, deadline: Deadline | None = None) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    blocks: list[tuple[int, int, str]] = []  # first line, last line, text
    current: list[str] = []
    first = 0
    for i, line in enumerate(lines + [""]):
        if line.strip():
            if not current:
                first = i
            current.append(line.strip())
        elif current:
            blocks.append((first, i - 1, " ".join(current)))
            current = []
    article = Article(url=url, source_kind="text")
    if not blocks:
        article.warnings.append("no text")
        return article
    article.title = blocks[0][2]
    parts: list[str] = []
    offset = 0
    for first, last, block in blocks[1:]:
        article.paragraphs.append(Paragraph(offset, offset + len(block), "p", f"lines:{first + 1}-{last + 1}"))
        parts.append(block)
        offset += len(block) + 2
    article.text = "\n\n".join(parts)
    return article
