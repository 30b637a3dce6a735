"""Plain-text renderings of the corpus passes' results, for ``nutgraf stories`` and
``nutgraf trace`` (the JSON forms are the dicts themselves).  The data is the query layer's
(``store/query.py``), as the web's ``/stories`` and ``/trace`` read it."""

from __future__ import annotations


def _short(text: str | None, limit: int = 100) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def stories_text(data: list[dict], *, max_members: int = 5) -> str:
    lines = []
    for s in data:
        span = s["first_day"] or "undated"
        if s["last_day"] and s["last_day"] != s["first_day"]:
            span += f" .. {s['last_day']}"
        lines.append(f"#{s['id']}  {s['label'] or '(no headline)'}")
        lines.append(f"      {span}   {s['members']} article{'s' if s['members'] != 1 else ''}")
        for a in s.get("articles", [])[:max_members]:
            date = (a["published"] or "")[:10] or "----------"
            lines.append(f"      {date}  {_short(a['site_name'] or '', 20):20}  {_short(a['title'], 70)}"
                         + (f"  {a['url']}" if a["url"] else ""))
        more = len(s.get("articles", [])) - max_members
        if more > 0:
            lines.append(f"      ... and {more} more")
    return "\n".join(lines) + ("\n" if lines else "")


def _appearance(tag: str, item: dict, who: str | None) -> str:
    date = (item.get("published") or "")[:10] or item.get("day") or "----------"
    site = _short(item.get("site_name") or "", 20)
    bits = [f"  {tag:6} {date}  {site:20}"]
    if who:
        bits.append(f" {who}:")
    bits.append(f" \u201c{_short(item.get('text'), 90)}\u201d")
    line = "".join(bits)
    extra = []
    if item.get("title"):
        extra.append(_short(item["title"], 80))
    if item.get("url"):
        extra.append(item["url"])
    if item.get("is_original") == 0 and item.get("syndication_group") is not None:
        extra.append(f"(copy, syndication group {item['syndication_group']})")
    return line + ("\n           " + "  ".join(extra) if extra else "")


def trace_text(results: list[dict]) -> str:
    lines = []
    for r in results:
        n, arts = r["appearances"], r["articles"]
        if r["kind"] == "quote":
            lines.append(f"quote by {r['speaker'] or 'unknown speaker'}: \u201c{_short(r['text'], 120)}\u201d  "
                         f"({n} appearance{'s' if n != 1 else ''} in {arts} article{'s' if arts != 1 else ''})")
            lines.append(_appearance("first", r["first"], r["first"].get("speaker")))
            lines += [_appearance("later", i, i.get("speaker")) for i in r["later"]]
        else:
            what = " ".join(x for x in (r.get("unit"), f"({r['object']})" if r.get("object") else None) if x)
            lines.append(f"figure {r['value']:,.10g} {what}  \u2014 \u201c{_short(r['text'], 60)}\u201d  "
                         f"({n} appearance{'s' if n != 1 else ''} in {arts} article{'s' if arts != 1 else ''})")
            lines.append(_appearance("first", r["first"], r["first"].get("source")))
            lines += [_appearance("later", i, i.get("source")) for i in r["later"]]
            for c in r.get("conflicts", []):
                lines.append(f"  CONFLICT in story {c['story_id']}: {c['value']:,.10g} reported "
                             f"{c['appearances']} time{'s' if c['appearances'] != 1 else ''}")
                lines.append(_appearance("first", c["first"], c["first"].get("source")))
                lines += [_appearance("later", i, i.get("source")) for i in c["later"]]
        lines.append("")
    return "\n".join(lines)
