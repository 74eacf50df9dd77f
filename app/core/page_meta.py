"""What a saved web page says about itself: title, outlet, author, date and address.

trafilatura (``extract_metadata``, which asks htmldate's ``find_date`` for the date)
reads the usual places: ``<title>``, Open Graph and other ``<meta>`` tags, JSON-LD,
byline elements. On top of it, this module settles what pages disagree about, in the
order a careful reader would trust them:

- **title**: the page's own headline (the ``<h1>`` that matches the ``og:title``,
  JSON-LD ``headline`` or ``<title>``), else those without the site's name or date
  ("… | Reuters", "… - Breitbart", "… | DW | 19.01.2020"); a generic site title
  ("Yahoo News - Latest News & Headlines") never wins over the headline;
- **outlet**: the name most sources agree on (JSON-LD ``publisher``, ``og:site_name``,
  ``application-name``, the ``<title>``'s suffix, trafilatura's site name, the address),
  so one odd ``og:site_name`` ("U.S.") is outvoted;
- **author**: a person before an organisation: JSON-LD ``author`` persons, then the
  page's byline lines ("By …", "Author: …", "Written by: …"; the most frequent), then
  byline elements, ``<meta name="author">`` and trafilatura's answer; the outlet or a
  news desk only when no person is named;
- **published**: the publication date the page declares (JSON-LD ``datePublished``,
  ``article:published_time``), else the dateline printed near the headline, else
  htmldate's guess of the original date; never the date it was last modified;
- **url**: ``<link rel="canonical">``, else ``og:url``, else JSON-LD.

The page is only parsed, never fetched (trafilatura and htmldate are handed the parsed
tree, not an address). ``lxml`` and ``trafilatura`` are imported lazily.
"""

from __future__ import annotations

import copy
import html as html_lib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from app.core import clutter
from app.core.dates import DATE_PATTERN, parse_date
from app.core.record import record

ARTICLE_TYPES = frozenset({
    "newsarticle", "article", "blogposting", "opinionnewsarticle", "reportagenewsarticle",
    "analysisnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "report",
    "scholarlyarticle", "socialmediaposting", "liveblogposting", "techarticle"})
_SEPARATOR = re.compile(r"\s+[|/–—•·:-]\s+|\s*\|\s*|\s+::\s+")
_GENERIC = re.compile(r"\b(?:latest news|breaking news|news (?:&|and) headlines|home ?page|"
                      r"official site|homepage)\b", re.I)
_ORG_WORDS = clutter.word_set(
    "news desk staff media press foundation team editors editorial agency reuters "
    "associated afp bloomberg newsroom wire service services inc ltd llc group network "
    "online magazine times post journal gazette herald tribune daily weekly radio tv "
    "television broadcasting corporation company institute university society")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished",
                   "published_time", "publish-date", "publishdate", "pubdate",
                   "dc.date.issued", "prism.publicationdate", "citation_publication_date",
                   "parsely-pub-date", "sailthru.date.published")
_AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "byl",
                "parsely-author", "sailthru.author", "citation_author")
_LABELLED_DATE = re.compile(rf"(?:^|\b)(?:published|posted|first published|^date|^dated)"
                            rf"(?:\s+on)?\b\W*.{{0,24}}?({DATE_PATTERN})", re.I)
_NOT_PUBLISHED = re.compile(r"^\W*(?:updated|last updated|modified|today|now)\b", re.I)
_ASIDE_CLASS = re.compile(r"comment|reply|related|sidebar|widget|recommend|teaser|promo|popular|"
                          r"trending|more-stories|footer|menu|avatar", re.I)
_AUTHOR_CLASS = re.compile(r"(?:^|[\s_-])(?:author|byline|byl|writer|creator)(?:$|[\s_-])", re.I)


@record
class PageMeta:
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    headline: str | None = None  # the visible headline, word for word, when found


@record
class RawMeta:
    """What the page declares, before deciding (``collect``; the unsanitised tree)."""

    metas: dict[str, str]
    titles: tuple[str, ...]  # og:title, twitter:title, JSON-LD headline, <title>, trafilatura
    html_title: str | None
    h1s: tuple[str, ...]
    ld_authors: tuple[tuple[str, bool], ...]  # (name, is a person)
    ld_publisher: str | None
    ld_published: str | None
    ld_url: str | None
    dom_authors: tuple[str, ...]  # texts of author/byline elements
    canonical: str | None
    traf: dict[str, str | None]
    copyright: str | None = None  # the name in the page's "© 2020 Name" footer


def norm(name: str | None) -> str:
    """A site or person name for comparison: case, "the", ".com" and punctuation gone."""
    s = (name or "").casefold().strip()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"^(?:https?://)?(?:www\.)?", "", s)
    s = re.sub(r"\.(?:com|org|net|co\.uk|co|de|fr|info|news|uk)/?$", "", s)
    s = "".join(_WORD.findall(s))
    return s[3:] if s.startswith("the") and len(s) > 6 else s  # "thenervousbreakdown.com"


def _text(el: Any) -> str:
    return " ".join(el.text_content().split())


def _metas(root: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = " ".join(html_lib.unescape(el.get("content") or "").split())
        if key and value and key not in out:
            out[key] = value
    return out


def _ld_objects(root: Any) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, nested ``@graph`` lists flattened."""
    found: list[dict[str, Any]] = []

    def walk(x: Any, depth: int = 0) -> None:
        if depth > 6 or len(found) > 200:
            return
        if isinstance(x, list):
            for y in x[:100]:
                walk(y, depth + 1)
        elif isinstance(x, dict):
            found.append(x)
            if "@graph" in x:
                walk(x["@graph"], depth + 1)

    for el in root.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json":
            continue
        body = (el.text or "").strip()
        if not body or len(body) > 500_000:
            continue
        try:
            walk(json.loads(body))
        except (ValueError, RecursionError):
            continue
    return found


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    items = t if isinstance(t, list) else [t]
    return {x.lower() for x in items if isinstance(x, str)}


def _names(value: Any) -> list[tuple[str, bool]]:
    """(name, is a person) of a JSON-LD author or publisher value."""
    out: list[tuple[str, bool]] = []
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, str) and v.strip():
            out.append((html_lib.unescape(v.strip()), True))
        elif isinstance(v, dict) and isinstance(v.get("name"), str) and v["name"].strip():
            out.append((html_lib.unescape(v["name"].strip()), "person" in _types(v)))
    return out[:10]


def _ld_first(objects: Sequence[dict[str, Any]], key: str) -> str | None:
    for o in objects:
        v = o.get(key)
        if isinstance(v, dict):
            v = v.get("@id") or v.get("url")
        if isinstance(v, str) and v.strip():
            return html_lib.unescape(v.strip())
    return None


def _trafilatura(root: Any) -> dict[str, str | None]:
    try:
        from trafilatura import extract_metadata

        doc = extract_metadata(copy.deepcopy(root), date_config={
            "original_date": True, "extensive_search": False})
    except Exception:  # a parser failure deep inside: what we read ourselves is enough
        return {}
    if doc is None:
        return {}
    return {k: (getattr(doc, k, None) or None) for k in ("title", "author", "sitename",
                                                        "date", "url")}


def collect(root: Any) -> RawMeta:
    """What the (unsanitised) parsed page declares about itself."""
    metas = _metas(root)
    objects = _ld_objects(root)
    article = [o for o in objects if _types(o) & ARTICLE_TYPES]
    authors = [n for o in article for n in _names(o.get("author"))]
    publisher = next((n for o in article for n, _ in _names(o.get("publisher"))), None)
    el = next(root.iter("title"), None)
    html_title = _text(el) if el is not None else None
    traf = _trafilatura(root)
    titles = [metas.get("og:title"), metas.get("twitter:title"),
              _ld_first(article, "headline"), html_title, traf.get("title")]
    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = (link.get("href") or "").strip() or None
            break
    dom_authors = []
    for e in root.iter():
        if not isinstance(e.tag, str) or e.tag in ("meta", "link", "script", "style"):
            continue
        marks = " ".join(filter(None, (e.get("class"), e.get("rel"), e.get("itemprop"))))
        if marks and _AUTHOR_CLASS.search(marks) and not _ASIDE_CLASS.search(marks):
            t = _text(e)
            if 0 < len(t) <= 120:
                dom_authors.append(t)
        if len(dom_authors) >= 40:
            break
    return RawMeta(
        metas, tuple(t for t in titles if t), html_title,
        tuple(t for t in (_text(h) for h in root.iter("h1")) if t)[:10], tuple(authors),
        publisher, _ld_first(article, "datePublished"),
        _ld_first(article, "url") or _ld_first(article, "mainEntityOfPage"),
        tuple(dom_authors), canonical, traf, _copyright(root))


_COPYRIGHT = re.compile(r"(?:©|\(c\)|&copy;|copyright)\s*(?:copyright\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?"
                        r"\s*,?\s*)?(?P<name>[A-Z][^.,|\n©;:]{1,50}?)(?=\s*[.,|;]|\s+all rights"
                        r"|\s*$|\s+\d)", re.I)


def _copyright(root: Any) -> str | None:
    """The name in the page's last copyright line ("© 2020 The Nervous Breakdown.")."""
    for el in reversed(list(root.iter("footer", "p", "div", "span", "small", "li"))[-400:]):
        t = " ".join((el.text_content() or "").split()) if len(el) < 8 else ""
        if 3 < len(t) <= 200 and ("©" in t or "copyright" in t.lower()):
            m = _COPYRIGHT.search(t)
            if m and not re.match(r"(?i)all rights|by\b", m.group("name")):
                return m.group("name").strip()
    return None


# -- deciding ---------------------------------------------------------------------------
def _site_names(raw: RawMeta) -> list[tuple[str, str]]:
    """Outlet candidates as (source, name), strongest source first."""
    m = raw.metas
    out = [("ld", raw.ld_publisher), ("og", m.get("og:site_name")),
           ("app", m.get("application-name")), ("traf", raw.traf.get("sitename")),
           ("twitter", (m.get("twitter:site") or "").lstrip("@") or None)]
    for t in (raw.html_title, m.get("og:title")):
        parts = [p for p in _suffixes(t or "")
                 if not any(norm(h).endswith(norm(p)) for h in raw.h1s)]  # not the headline's
        out += [("suffix" if len(parts) == 1 else "suffix2", p) for p in parts]
    if raw.copyright:
        out.append(("copyright", raw.copyright))
    url = raw.canonical or m.get("og:url") or raw.traf.get("url") or ""
    host = re.match(r"https?://(?:www\.)?([^/:]+)", url)
    if host:
        out.append(("domain", host.group(1)))
    # "WSVN 7News | Miami News, Weather, Sports | Fort Lauderdale": the name comes first
    return [(s, _SEPARATOR.split(" ".join(v.split()))[0].strip() if s in ("og", "app", "traf", "ld")
             else " ".join(v.split())) for s, v in out if v and v.strip()]


def _suffixes(title: str) -> list[str]:
    """Where a page title names the site after the headline: the part right after it
    ("X - WSVN 7News | Miami News | Fort Lauderdale") and the last part ("X | Section |
    DW | 19.01.2020", a date passed over); one or two names."""
    parts = [p.strip() for p in _SEPARATOR.split(title)[1:] if p.strip()]
    while parts and parse_date(parts[-1]) and len(parts[-1].split()) <= 4:
        parts.pop()
    return list(dict.fromkeys(p for p in parts[:1] + parts[-1:] if len(p.split()) <= 5))


_WEIGHT = {"ld": 1.0, "og": 1.0, "app": 1.0, "suffix": 1.0, "suffix2": 0.5, "traf": 0.5,
           "twitter": 0.4, "domain": 0.5, "copyright": 0.5}
_SHOW = ("suffix", "suffix2", "app", "ld", "og", "traf", "twitter", "domain", "copyright")


def decide_outlet(raw: RawMeta, blocks: Sequence[str] = ()) -> str | None:
    cands = _site_names(raw)
    if not cands:
        return None
    domain = next((norm(n) for s, n in cands if s == "domain"), "")
    handle = next((norm(n) for s, n in cands if s == "twitter"), "")
    score: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, (src, name) in enumerate(cands):
        n = norm(name)
        if not n or _GENERIC.search(name):
            continue
        # trafilatura's site name is often the address again: it adds nothing then
        score[n] += 0.0 if src == "traf" and n in (domain, handle) else _WEIGHT[src]
        first.setdefault(n, i)
    if not score:
        return None
    best = max(score, key=lambda n: (score[n], -first[n]))
    shown = [(src, name) for src, name in cands if norm(name) == best]
    if all(src == "domain" for src, _ in shown):  # the name as the page writes it, if it does
        shown += [("suffix", b) for b in blocks[:80] if norm(b) == best and len(b) <= 60]

    def looks(item: tuple[str, str]) -> tuple[int, int]:
        src, name = item  # a name as the outlet writes it: "DW", not "DW.COM" or "dw"
        domain_like = "." in name and (name.islower() or name.isupper())
        return ((not domain_like) * 2 + (not name.islower())
                + (not name.isupper() or len(name) <= 4), -_SHOW.index(src))

    name = max(shown, key=looks)[1]
    return name.title() if name.isupper() and len(name) > 4 else name


def _site_like(part: str, sites: set[str]) -> bool:
    p = part.strip()
    return (not p or norm(p) in sites or bool(parse_date(p)) and len(p.split()) <= 4
            or bool(re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", p)) or bool(_GENERIC.search(p)))


def strip_site(title: str, sites: set[str]) -> str:
    """``title`` without a leading or trailing site name, section or date."""
    t = " ".join(title.split())
    for _ in range(6):
        cuts = list(_SEPARATOR.finditer(t))
        if not cuts:
            break
        last, first = cuts[-1], cuts[0]
        if _site_like(t[last.end():], sites):
            t = t[:last.start()].strip()
        elif _site_like(t[:first.start()], sites):
            t = t[first.end():].strip()
        else:
            break
    return t


def _around(h1: str, titles: Sequence[str]) -> set[str]:
    """What an ``<h1>`` holds besides a title ("Local News" in "Local News | Title")."""
    out = set()
    for t in titles:
        for cut in _SEPARATOR.finditer(h1):
            before, after = h1[:cut.start()].strip(), h1[cut.end():].strip()
            if norm(after) == norm(t):
                out.add(norm(before))
            elif norm(before) == norm(t):
                out.add(norm(after))
    out.discard("")
    return out


def _similar(a: str, b: str) -> float:
    """How much headline ``a`` and title ``b`` agree: their shared words over the longer,
    or, when every word of a headline of three words or more is in the title (a title
    with a long site name after it), fully."""
    wa, wb = set(_WORD.findall(a.casefold())), set(_WORD.findall(b.casefold()))
    if not wa or not wb:
        return 0.0
    if len(wa) >= 3 and wa <= wb:
        return 1.0
    return len(wa & wb) / max(len(wa), len(wb))


def decide_title(raw: RawMeta, outlet: str | None) -> tuple[str | None, str | None]:
    """(title, the visible headline it came from or None)."""
    sites = {norm(n) for _, n in _site_names(raw)} | {norm(outlet)}
    sites.discard("")
    metas = [strip_site(t, sites) for t in raw.titles]
    metas = [t for t in metas if t and not _site_like(t, sites)]
    h1s = [h for h in raw.h1s if not _site_like(h, sites) and len(h) <= 400]
    if metas and h1s:
        score, h1 = max(((max(_similar(h, t) for t in metas), -i, h)
                         for i, h in enumerate(h1s)))[::2]
        if score >= 0.6:  # "Local News | Headline": the headline without the section
            kicker = [t for t in metas if norm(t) != norm(h1) and norm(h1).endswith(norm(t))
                      and len(norm(t)) >= 0.5 * len(norm(h1))]
            if kicker:  # "Open ProgressWhy collaborative…": a kicker glued to the headline
                return max(kicker, key=len), h1
            return strip_site(h1, sites | _around(h1, metas)), h1
    if metas:
        return metas[0], next((h for h in h1s if _similar(h, metas[0]) >= 0.9), None)
    if h1s:
        return h1s[0], h1s[0]
    return None, None


def _is_org(name: str, outlet: str | None) -> bool:
    words = {w.casefold() for w in _WORD.findall(name)}
    return (norm(name) == norm(outlet) and bool(outlet)) or bool(words & _ORG_WORDS) \
        or "www" in name.casefold() or "@" in name or "/" in name


def _person(name: str | None) -> str | None:
    """``name`` when it reads as a person's name (two to five capitalised words)."""
    if not name:
        return None
    name = re.sub(r"\s*\((?:[^)]{0,40})\)\s*$", "", " ".join(name.split())).strip(" ,;|•·-")
    if name.isupper() and len(name) > 3:
        name = name.title()
    return name if clutter.is_bare_name(name) else None


def _byline_name(text: str) -> str | None:
    names = clutter.byline_names(text)
    if names:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    parsed = clutter.parse_byline(" ".join(text.split()))
    return parsed[1] if parsed and parsed[1] else None


def decide_author(raw: RawMeta, blocks: Sequence[str], outlet: str | None) -> str | None:
    """``blocks``: the page's text blocks outside sidebars, teasers and comments."""
    persons: list[str] = []
    orgs: list[str] = []

    def add(names: Iterable[str | None]) -> None:
        for n in names:
            if not n or n.startswith(("http://", "https://")) or n.startswith("@"):
                continue
            n = " ".join(n.split()).strip(" ,;|•·-")
            if n.lower().startswith("by "):
                n = n[3:].strip()
            (orgs if _is_org(n, outlet) else persons).append(n)

    ld_people = [n for n, is_person in raw.ld_authors if is_person and not _is_org(n, outlet)]
    if ld_people:
        names = list(dict.fromkeys(ld_people))[:4]
        for value in (raw.metas.get(k) for k in _AUTHOR_META):  # "April Roach, Daniel O'Mahony"
            more = [x.strip() for x in re.split(r",\s*|\s+and\s+|;\s*", value or "") if x.strip()]
            if len(more) > len(names) and {norm(n) for n in names} <= {norm(x) for x in more} \
                    and all(_person(x) for x in more):
                names = more[:6]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    # the page's own byline lines ("By …", "Written by …"), the most frequent first: a
    # person if they name one, else the desk or outlet they name
    counted = Counter(n for n in (_byline_name(b) for b in blocks if len(b) <= 200) if n)
    add(sorted(counted, key=lambda n: -counted[n]))
    found = _first_person(persons) or (orgs[0] if orgs else None)
    if found:
        return found
    add(n for n, _ in raw.ld_authors)
    add(_byline_name(t) or _person(t) for t in raw.dom_authors)
    add(raw.metas.get(k) for k in _AUTHOR_META)
    add([raw.traf.get("author")])
    found = _first_person(persons) or (orgs[0] if orgs else None)
    if found:
        return found
    # a byline of one word or initials ("By IWB") is still what the page says
    return next((n for n in persons if 0 < len(n) <= 40 and len(n.split()) <= 3), None)


def _first_person(names: Iterable[str]) -> str | None:
    for n in names:
        several = re.split(r",\s*|\s+and\s+", n)
        p = n if len(several) > 1 and all(_person(x) for x in several) else _person(n)
        if p:
            return p
    return None


def _visible_date(blocks: Sequence[str], start: int) -> str | None:
    """The date printed with the article: a "Published …" line first, else a dateline
    or byline with a date, near the headline (never "Updated …" or the site's today)."""
    near = [b for b in list(blocks[start:start + 60]) + list(blocks[:start])
            if len(b) <= 120 and not _NOT_PUBLISHED.match(b)]
    for b in near:
        m = _LABELLED_DATE.search(b)
        if m:
            return parse_date(m.group(1))
    for b in near:
        if clutter.match_rule(b) is None and clutter.parse_byline(" ".join(b.split())):
            d = parse_date(b)
            if d:
                return d
    return None


def decide_published(raw: RawMeta, blocks: Sequence[str], headline: str | None) -> str | None:
    start = 0
    if headline:
        start = next((i for i, b in enumerate(blocks) if norm(b) == norm(headline)), 0)
    visible = _visible_date(blocks, start)
    for value in [raw.ld_published] + [raw.metas.get(k) for k in _PUBLISHED_META]:
        d = parse_date(value)
        if d:
            # a time stamp in UTC may fall on the next day where the outlet is: the date
            # printed on the page then says which day it was there
            utc = bool(re.search(r"(?:Z|[+-]00:?00)$", (value or "").strip()))
            if utc and visible and abs(_days(visible) - _days(d)) == 1:
                return visible
            return d
    if visible:
        return visible
    for t in raw.titles:
        for part in _SEPARATOR.split(t)[1:]:
            d = parse_date(part) if len(part.split()) <= 3 else None
            if d:
                return d
    return parse_date(raw.traf.get("date"))


def _days(iso: str) -> int:
    import datetime as dt

    return dt.date.fromisoformat(iso).toordinal()


def decide_url(raw: RawMeta) -> str | None:
    for u in (raw.canonical, raw.metas.get("og:url"), raw.ld_url, raw.traf.get("url")):
        if u and re.match(r"https?://[^\s/]+", u):
            return u.strip()
    return None


def decide(raw: RawMeta, blocks: Sequence[str], main: Sequence[str] | None = None) -> PageMeta:
    """Settle the page's metadata; ``blocks`` are its visible text blocks in order,
    ``main`` those outside sidebars, teasers and comments (all of them if not given)."""
    outlet = decide_outlet(raw, blocks)
    title, headline = decide_title(raw, outlet)
    return PageMeta(title, outlet, decide_author(raw, blocks if main is None else main, outlet),
                    decide_published(raw, blocks, headline), decide_url(raw), headline)
