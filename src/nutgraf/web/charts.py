"""Charts drawn on the server: numbers for inline SVG that the templates draw (the macros
``bar_chart`` and ``time_strip`` in ``_macros.html``).  No script and no CDN, so they work
under the site's CSP and offline; every bar carries a ``<title>`` with its numbers in words.

- ``month_chart``: bars per month (an entity's mentions, a search's matches over time);
- ``time_strip``: articles as dots along a date axis (a story's timeline).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable


def plural(n: Any, word: str, many: str | None = None) -> str:
    """``1 article``, ``2 articles``, ``1,200 articles`` (``many``: an irregular plural)."""
    try:
        one = int(n) == 1
    except (TypeError, ValueError):
        one = False
    shown = f"{n:,}" if isinstance(n, int) else n
    return f"{shown} {word if one else (many or word + 's')}"


def month_chart(timeline: list[dict[str, Any]], *, value: str = "mentions",
                title: Callable[[dict[str, Any]], str] | None = None, width: int = 720,
                height: int = 180) -> dict[str, Any] | None:
    """Bars for ``value`` per month of ``timeline`` (dicts with ``month`` and ``value``, the
    months in order, gaps filled), as numbers for an inline SVG; ``title`` says a bar's numbers
    in words.  None for an empty timeline."""
    if not timeline:
        return None
    title = title or (lambda t: f"{t['month']}: {plural(t[value], value.rstrip('s'))}")
    left, bottom, top = 36, 24, 10
    n = len(timeline)
    plot_w = width - left - 8
    plot_h = height - bottom - top
    peak = max(t[value] for t in timeline) or 1
    step = plot_w / n
    bar_w = max(1.0, min(step * 0.8, 48.0))
    bars = []
    every = max(1, math.ceil(n / 8))  # at most about eight month labels under the axis
    for i, t in enumerate(timeline):
        h = plot_h * t[value] / peak
        x = left + i * step + (step - bar_w) / 2
        bars.append({"x": round(x, 1), "y": round(top + plot_h - h, 1), "w": round(bar_w, 1), "h": round(h, 1),
                     "title": title(t), "label": t["month"] if i % every == 0 else None,
                     "lx": round(x + bar_w / 2, 1), "month": t["month"], "value": t[value],
                     "mentions": t[value]})
    return {"width": width, "height": height, "left": left, "top": top, "bottom": height - bottom,
            "peak": peak, "bars": bars, "axis_y": height - bottom + 14}


def mentions_chart(timeline: list[dict[str, Any]]) -> dict[str, Any] | None:
    """An entity's mentions per month (``timeline``: month, mentions, articles)."""
    return month_chart(timeline, value="mentions", title=lambda t: f"{t['month']}: {plural(t['mentions'], 'mention')}"
                       f" in {plural(t['articles'], 'article')}")


def matches_chart(series: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A search's matching articles per month (``query.month_series``: month, count)."""
    return month_chart(series, value="count",
                       title=lambda t: f"{t['month']}: {plural(t['count'], 'matching article')}")


def time_strip(articles: list[dict[str, Any]], width: int = 720, height: int = 56) -> dict[str, Any] | None:
    """Articles as dots along a date axis (the story timeline)."""
    pts = []
    for a in articles:
        try:
            d = dt.date.fromisoformat(str(a.get("published") or "")[:10])
        except ValueError:
            continue
        pts.append((d, a))
    if not pts:
        return None
    first = min(d for d, _ in pts)
    last = max(d for d, _ in pts)
    span = max(1, (last - first).days)
    left, right = 12, width - 12
    dots = []
    seen: dict[int, int] = {}
    for d, a in pts:
        x = round(left + (right - left) * (d - first).days / span, 1) if last != first else width / 2
        k = int(x)
        stack = seen.get(k, 0)  # dots on one day stack upwards, at most four high
        seen[k] = stack + 1
        dots.append({"x": x, "y": height - 18 - 9 * min(stack, 3), "id": a["id"],
                     "title": f"{d.isoformat()} · {a.get('site_name') or ''} · {a.get('title') or '(no title)'}"})
    return {"width": width, "height": height, "first": first.isoformat(), "last": last.isoformat(), "dots": dots,
            "axis": height - 8}
