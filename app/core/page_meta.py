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
tree, not an address). ``lxml`` and ``trafilatura`` are imported lazily. What the page
declares is read by :mod:`app.core.page_read`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from app.core import clutter
from app.core.dates import DATE_PATTERN, parse_date
from app.core.page_read import RawMeta, collect, norm  # noqa: F401 (collect: html_text)
from app.core.record import record

_SEPARATOR = re.compile(r"\s+[|/–—•·:-]\s+|\s*\|\s*|\s+::\s+|\s+--\s+")
# what a title's site part may follow when the title is the headline and more: "…需求-新华网"
_TAIL_CUT = re.compile(r"^\s*(?:[-|/–—•·:：»_]+|--)\s*")
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
_LABELLED_DATE = re.compile(rf"(?:^|[|•·–—]\s*)(?:published|posted|first published|date|dated)"
                            rf"(?:\s+on)?\b\W*.{{0,24}}?({DATE_PATTERN})", re.I | re.M)
_MONTHS_DAYS = (r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|"
                r"thur|thurs|fri|sat|sun)[a-z]*\.?|\b(?:utc|gmt|[ecmp][sd]t|am|pm)\b")
_NOT_PUBLISHED = re.compile(r"^\W*(?:updated|last updated|modified|today|now)\b", re.I)
_NOT_AUTHORS = frozenset({"submitted", "posted", "published", "updated", "by", "written",
                          "author", "admin", "share", "print", "email"})


@record
class PageMeta:
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    headline: str | None = None  # the visible headline, word for word, when found


# -- deciding ---------------------------------------------------------------------------
def _site_names(raw: RawMeta) -> list[tuple[str, str]]:
    """Outlet candidates as (source, name), strongest source first."""
    m = raw.metas
    out = [("ld", raw.ld_publisher), ("og", m.get("og:site_name")),
           ("app", m.get("application-name")), ("traf", raw.traf.get("sitename")),
           ("twitter", (m.get("twitter:site") or "").lstrip("@") or None)]
    for t in (raw.html_title, m.get("og:title")):
        parts = [p for p in _suffixes(t or "")
                 if not any(norm(h).endswith(norm(p)) and len(norm(p)) >= 0.5 * len(norm(h))
                            for h in raw.h1s)]  # not the headline's
        out += [("suffix" if len(parts) == 1 else "suffix2", p) for p in parts]
    if raw.copyright:
        out.append(("copyright", raw.copyright))
    out += _after_headline(raw)
    url = raw.canonical or m.get("og:url") or raw.traf.get("url") or ""
    host = re.match(r"https?://(?:www\.)?([^/:]+)", url)
    if host:
        out.append(("domain", host.group(1)))
    # "WSVN 7News | Miami News, Weather, Sports | Fort Lauderdale": the name comes first
    named = [(s, _SEPARATOR.split(" ".join(v.split()))[0].strip() if s in ("og", "app", "traf", "ld")
              else " ".join(v.split())) for s, v in out if v and v.strip()]
    # a site name that is the headline (trafilatura's guess on a page without one) is none
    heads = {norm(t) for t in raw.titles} | {norm(h) for h in raw.h1s}
    return [(s, v) for s, v in named if norm(v) not in heads or s == "domain"]


def _after_headline(raw: RawMeta) -> list[tuple[str, str]]:
    """What a title holds after the page's visible headline ("Headline-新华网", "Headline »
    Local » Ultima Hora Mallorca") or an ``<h1>`` after a title ("HeadlineUltima Hora
    Mallorca", the site's name glued to it): the site's name, first and last part."""
    found: list[tuple[str, str]] = []
    pairs = [(t, h) for t in (raw.html_title, raw.metas.get("og:title")) if t for h in raw.h1s]
    pairs += [(h, t) for h in raw.h1s for t in raw.titles if len(t.split()) >= 3]
    for longer, head in pairs:
        longer, head = " ".join(longer.split()), " ".join(head.split())
        if len(head) < 8 or len(longer) <= len(head) or not longer.startswith(head):
            continue
        cut = _TAIL_CUT.match(longer[len(head):])
        glued = longer[len(head):len(head) + 1].isalnum()
        if not cut and not glued:
            continue
        rest = longer[len(head) + (cut.end() if cut else 0):]
        parts = [p.strip() for p in _SEPARATOR.split(_guillemets(rest)) if p.strip()]
        parts = [p for p in parts if not (parse_date(p) and len(p.split()) <= 4)]
        named = list(dict.fromkeys(p for p in parts[:1] + parts[-1:] if len(p.split()) <= 5))
        found += [("suffix" if len(named) == 1 else "suffix2", p) for p in named]
    return list(dict.fromkeys(found))


def _guillemets(title: str) -> str:
    """ " » " as a separator, unless the title quotes with « »; the same length."""
    return title if "«" in title else title.replace(" » ", " | ")


def _suffixes(title: str) -> list[str]:
    """Where a page title names the site after the headline: the part right after it
    ("X - WSVN 7News | Miami News | Fort Lauderdale") and the last part ("X | Section |
    DW | 19.01.2020", a date passed over); one or two names."""
    parts = [p.strip() for p in _SEPARATOR.split(_guillemets(title))[1:] if p.strip()]
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
        cuts = list(_SEPARATOR.finditer(_guillemets(t)))
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
    na, nb = norm(a), norm(b)
    if len(na) >= 8 and nb.startswith(na) and len(na) >= 0.6 * len(nb):
        return 1.0
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
        # the best match with any title; of equals, the one most titles agree with
        score, _, _, h1 = max(((max(sims), sum(sims), -i, h) for i, h in enumerate(h1s)
                               for sims in [[_similar(h, t) for t in metas]]))
        if score >= 0.6:  # "Local News | Headline": the headline without the section
            glued = [t for t in metas if len(norm(t)) >= 8 and norm(h1).startswith(norm(t))
                     and norm(h1) != norm(t) and h1.startswith(t)
                     and norm(h1[len(t):]) in sites]
            if glued:  # "HeadlineUltima Hora Mallorca": the site's name glued after it
                return glued[0], glued[0]
            kicker = [t for t in metas if norm(t) != norm(h1) and norm(h1).endswith(norm(t))
                      and len(norm(t)) >= 0.5 * len(norm(h1))
                      and not h1[:-len(t)][-1:].isspace()]
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
    text = re.sub(r"\s+,", ",", " ".join(text.split()))
    names = clutter.byline_names(text)
    if not names and "," in text:  # the desk or outlet after the names: ", CNN"
        head, _, last = text.rpartition(",")
        if len(last.split()) <= 3 and not clutter.is_bare_name(last.strip()):
            names = clutter.byline_names(head)
    if names:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    parsed = clutter.parse_byline(" ".join(text.split()))
    return parsed[1] if parsed and parsed[1] else None


def decide_author(raw: RawMeta, blocks: Sequence[str], outlet: str | None,
                  headlines: Sequence[str | None] = ()) -> str | None:
    """``blocks``: the page's text blocks outside sidebars, teasers and comments;
    ``headlines``: the title and visible headline, under which a byline may stand."""
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
    found = _name_under(blocks, headlines)
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
    return next((n for n in persons if 0 < len(n) <= 40 and len(n.split()) <= 3
                 and n.casefold() not in _NOT_AUTHORS), None)


def _name_under(blocks: Sequence[str], headlines: Sequence[str | None]) -> str | None:
    """A person's name alone on a line right under the headline, with a date in its
    block or the next ("Max Blumenthal / The Grayzone / Thu, 14 May 2020", "Patricio
    Candia | Palma de Mallorca | 08/01/2014"): the byline without a "By"."""
    keys = {norm(h) for h in headlines if h} - {""}
    for i, b in enumerate(blocks):
        if norm(b) not in keys:
            continue
        for j in range(i + 1, min(i + 4, len(blocks))):
            line = blocks[j].split("\n")[0].strip()
            name = re.split(r"\s+[|•·–—]\s+|\s*\|\s*", line)[0].strip()
            dated = re.search(DATE_PATTERN, " ".join(blocks[j:j + 2]))
            if dated and len(blocks[j]) <= 200 and clutter.is_bare_name(name) \
                    and not any(name in b[1:] for b in blocks if len(b) > 200):
                return name  # in the body ("… North Korea's newspaper …"): a place or topic
    return None


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
    # a line that is only a date, right under the headline ("Thu, 14 May 2020 17:55 UTC")
    if start:
        for b in blocks[start + 1:start + 4]:
            for line in b.split("\n")[:4]:
                d = _date(line) if len(line.split()) <= 8 and not _NOT_PUBLISHED.match(line) else None
                if d and not re.search(r"[^\W\d_]{3,}", re.sub(rf"(?i){_MONTHS_DAYS}", "", line)):
                    return d
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
        d = _date(value)
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


def _date(value: str | None) -> str | None:
    """:func:`parse_date`, and the forms only machine-readable stamps and East Asian pages
    use: "20180619T055000+0900", "2018/6/19 5:50", "2012年12月10日"."""
    m = re.match(r"\s*(\d{4})(\d{2})(\d{2})T\d", value or "") or re.search(
        r"(?<!\d)(\d{4})\s*(?:/|年)\s*(\d{1,2})\s*(?:/|月)\s*(\d{1,2})(?!\d)", value or "")
    if m:
        d = parse_date(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
        if d:
            return d
    return parse_date(value)


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
    author = decide_author(raw, blocks if main is None else main, outlet, (title, headline))
    return PageMeta(title, outlet, author,
                    decide_published(raw, blocks, headline), decide_url(raw), headline)
