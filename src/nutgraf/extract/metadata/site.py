"""The site's name, and every name the site goes by (for telling its name from a headline's or
an author's).

``og:site_name`` / ``application-name`` first, then the JSON-LD publisher, then the host."""

from __future__ import annotations

from nutgraf.extract.metadata.jsonld import ORG_TYPES, ld_str, types_of
from nutgraf.extract.metadata.markup import fold
from nutgraf.extract.metadata.signals import PageSignals
from nutgraf.model import Evidence

# a longer "site name" is a slogan or a description, not a name
MAX_SITE_NAME = 80

_BLOG_HOSTS = {"wordpress", "blogspot", "blogger", "tumblr", "medium", "substack", "wixsite", "jimdo", "jimdofree",
               "over-blog", "typepad", "livejournal", "hatenablog", "ghost", "weebly", "home", "twoday", "blog"}
# a subdomain label this long or longer names the site (or the blog); shorter ones are "m", "www2", "news"
MIN_SUBDOMAIN_NAME = 5
# a domain's core label this short ("bz", "t") is too ambiguous to take a headline part for the site
MIN_CORE_NAME = 3


def pick(signals: PageSignals) -> tuple[str | None, Evidence | None]:
    return signals.once("site", _pick)


def _pick(signals: PageSignals) -> tuple[str | None, Evidence | None]:
    for k in ("og:site_name", "application-name"):
        hit = signals.meta(k)
        if hit and len(hit[1]) <= MAX_SITE_NAME:
            return hit[1], Evidence(f"meta:{k}", hit[1])
    ld_objs = signals.ld_objects
    for o in signals.ld_ranked + [o for o in ld_objs if types_of(o) & ORG_TYPES]:
        pub = o.get("publisher") if not (types_of(o) & ORG_TYPES) else o
        name = ld_str(pub) if pub is not None else ""
        if name and len(name) <= MAX_SITE_NAME:
            return name, Evidence("json-ld:publisher", name)
    if signals.host:
        return signals.host, Evidence("url", signals.host)
    return None, None


def known_names(signals: PageSignals) -> set[str]:
    """Every name the site goes by, folded (``markup.fold``): meta tags, JSON-LD organisations and
    publishers, the host and its labels.  A title part or an 'author' that is one of these is the site."""
    return signals.once("site_names", _known_names)


def _known_names(signals: PageSignals) -> set[str]:
    site, _ = pick(signals)
    metas, host = signals.metas, signals.host
    sites: set[str] = set()
    if site:
        sites.add(fold(site))
    for k in ("og:site_name", "application-name", "twitter:site"):
        for v in metas.get(k, ()):
            f = fold(v)
            if f:
                sites.add(f)
    for o in signals.ld_objects:
        types = types_of(o)
        if types & ORG_TYPES and "person" not in types:
            f = fold(ld_str(o.get("name")))
            if f:
                sites.add(f)
        pub = o.get("publisher")
        if isinstance(pub, dict) and "person" not in types_of(pub):
            f = fold(ld_str(pub))
            if f:
                sites.add(f)
    if host:
        labels = host.split(".")
        sites.add(fold(host))
        core = labels[-2] if len(labels) >= 2 else labels[0]
        if len(core) >= MIN_CORE_NAME:
            sites.add(fold(core))
        # "seglerblog.example.de": a subdomain names the site (or the blog) as much as the domain does;
        # not on blog hosts, where the subdomain is the writer's own name (creeny.wordpress.com)
        if core not in _BLOG_HOSTS:
            for label in labels[:-2]:
                if len(label) >= MIN_SUBDOMAIN_NAME and label not in ("blogs", "media", "static"):
                    sites.add(fold(label))
    sites.discard("")
    return sites
