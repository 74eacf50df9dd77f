"""Reading what a saved web page declares about itself, before anything is decided:
``<meta>`` tags, JSON-LD, ``<title>``, ``<h1>`` (and its lines), byline elements, the
canonical link, the copyright footer and trafilatura's ``extract_metadata`` (which asks
htmldate's ``find_date``). :mod:`app.core.page_meta` decides from what this collects.
``trafilatura`` is imported lazily; nothing is fetched."""

from __future__ import annotations

import copy
import html as html_lib
import json
import re
from collections.abc import Sequence
from typing import Any

from app.core.record import record

ARTICLE_TYPES = frozenset({
    "newsarticle", "article", "blogposting", "opinionnewsarticle", "reportagenewsarticle",
    "analysisnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "report",
    "scholarlyarticle", "socialmediaposting", "liveblogposting", "techarticle"})
_ASIDE_CLASS = re.compile(r"comment|reply|related|sidebar|widget|recommend|teaser|promo|popular|"
                          r"trending|more-stories|footer|menu|avatar", re.I)
_AUTHOR_CLASS = re.compile(r"(?:^|[\s_-])(?:author|byline|byl|writer|creator)(?:$|[\s_-])", re.I)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


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
        _h1s(root), tuple(authors),
        publisher, _ld_first(article, "datePublished"),
        _ld_first(article, "url") or _ld_first(article, "mainEntityOfPage"),
        tuple(dom_authors), canonical, traf, _copyright(root))


def _h1s(root: Any) -> tuple[str, ...]:
    """The texts of the page's ``<h1>`` elements; one written on several lines (a
    headline with the writer's name under a ``<br>``) gives each line after it."""
    out: list[str] = []
    for h in root.iter("h1"):
        whole = _text(h)
        if not whole:
            continue
        out.append(whole)
        if any(True for _ in h.iter("br")):
            copied = copy.deepcopy(h)
            for br in copied.iter("br"):
                br.tail = "\n" + (br.tail or "")
            lines = [" ".join(x.split()) for x in copied.text_content().split("\n")]
            lines = [x for x in lines if x]
            if len(lines) > 1:
                out += lines
    return tuple(out[:12])


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
