"""A saved web page to article paragraphs: used by ``cleaning`` for ``.html`` files.

``trafilatura`` finds the main article; every other visible block of the page becomes a
proposed removal in its place, so the instructor can restore what it left out. When
trafilatura finds nothing, every visible block is kept and the clutter heuristics do
the work. The page is only ever parsed: it is given to lxml and trafilatura as a
string (never a URL), nothing is fetched (no images, styles or frames) and no script
runs. Scripts, styles, forms, frames, navigation, footers, asides and hidden elements
never reach the text. ``lxml`` and ``trafilatura`` are imported lazily.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable

from app.core.page_meta import PageMeta

NOT_ARTICLE = "Not part of the main article on the saved page (menus, side boxes, link lists)."
FALLBACK = ("Could not tell the article apart from the rest of the page: all of the page's "
            "text is shown, with likely clutter proposed for removal.")
ABOVE_HEADLINE = "Above the headline: looks like the site's name, a section or a tagline."
_MAX_LISTED = 2000  # page blocks listed as removals at most

_DROP = ("script", "style", "noscript", "template", "head", "form", "nav", "footer", "aside",
         "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "canvas",
         "video", "audio", "button", "select", "textarea", "input", "label", "option",
         "dialog", "menu", "map", "noembed", "noframes", "link", "meta", "base", "img",
         "picture", "source", "track", "area")
_BLOCK_NAMES = (
    "address article blockquote body caption center dd details dialog div dl dt fieldset "
    "figcaption figure h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main ol p pre section "
    "summary table tbody td tfoot th thead tr ul"
)
_BLOCK = frozenset(_BLOCK_NAMES.split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
HEADLINE_ROLE, CAPTION_ROLE, BIO_ROLE, DISCLAIMER_ROLE = "headline", "caption", "bio", "disclaimer"
ASIDE_ROLE = "aside"  # a sidebar, widget, comment or teaser box: another article's byline
_ROLE_MARKS = (
    (CAPTION_ROLE, re.compile(r"caption|photo-?credit|image-?credit|img-?credit|media-?credit|"
                              r"img-author|photographer", re.I)),
    (BIO_ROLE, re.compile(r"author-?bio|(?:^|[\s_-])bio(?:$|[\s_-])|about-?(?:the-?)?author|"
                          r"author-?box|author-?description|contributor-?bio|author-?about|"
                          r"author-?details|author-?card", re.I)),
    (DISCLAIMER_ROLE, re.compile(r"disclaimer", re.I)),
    (ASIDE_ROLE, re.compile(r"comment|reply|related|sidebar|widget|recommend|teaser|promo|"
                            r"popular|trending|more-stories|most-read|newsletter", re.I)),
)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag near its start, if any."""
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _parse(html: str):  # -> lxml.html.HtmlElement | None
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  recover=True, default_doctype=False)
    try:
        return lxml_html.document_fromstring(_XML_DECL.sub("", html, count=1), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _sanitise(root) -> None:
    """Drop scripts, styles, forms, frames, navigation, footers, asides, hidden parts."""
    doomed = [el for el in root.iter() if not isinstance(el.tag, str) or el.tag in _DROP
              or el.get("hidden") is not None or el.get("aria-hidden") == "true"
              or _HIDDEN_STYLE.search(el.get("style") or "")]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the text that follows the element


def _role(el) -> str | None:  # noqa: ANN001 — an lxml element
    """What a page element holds besides article text: a headline, a photo caption or
    credit, a note about the author, a disclaimer (from its tag and class names)."""
    tag = el.tag
    if tag == "figcaption":
        return CAPTION_ROLE
    if tag == "h1":
        return HEADLINE_ROLE
    marks = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("itemprop"))))
    if not marks:
        return None
    for role, rx in _ROLE_MARKS:
        if rx.search(marks):
            return role
    return None


def _blocks(root) -> list[tuple[str, str | None]]:  # noqa: ANN001
    """The page's visible text, one ``(text, role)`` per block element, in document
    order; ``role`` is what the innermost marked element around it holds (``_role``)."""
    from lxml import etree

    blocks: list[tuple[str, str | None]] = []
    buffer: list[str] = []
    roles: list[str | None] = [None]

    def flush() -> None:
        lines = ("".join(buffer)).split("\n")
        text = "\n".join(" ".join(line.split()) for line in lines).strip()
        if re.search(r"\w", text):
            inner = next((r for r in reversed(roles) if r and r != ASIDE_ROLE), None)
            blocks.append((text, inner or (ASIDE_ROLE if ASIDE_ROLE in roles else None)))
        buffer.clear()

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK:
                flush()
            elif tag == "br":
                buffer.append("\n")
            roles.append(_role(el) if tag else None)
            buffer.append(el.text or "")
        else:
            if tag in _BLOCK:
                flush()
            roles.pop()
            buffer.append(el.tail or "")
    flush()
    return blocks


def _main_text(root, precision: bool = True) -> list[str]:  # noqa: ANN001
    """Trafilatura's article paragraphs (an empty list when it finds none).

    Trafilatura reads the sanitised page, as a string: what was dropped cannot reappear.
    """
    import trafilatura
    from lxml import html as lxml_html

    html = lxml_html.tostring(root, encoding="unicode")
    try:
        doc = trafilatura.bare_extraction(
            html, url=None, include_comments=False, include_tables=False, include_images=False,
            include_links=False, include_formatting=False, favor_precision=precision,
            with_metadata=False, deduplicate=False)
    except Exception:  # a parser failure deep inside trafilatura: use our own blocks
        return []
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    return [line.strip() for line in text.split("\n") if line.strip()]


def why_dropped(line: str, reason: str) -> str:
    """The reason for one line of a removed block: its own, else the block's."""
    own = _why_dropped(line)
    return own if own != NOT_ARTICLE else reason


def _enough(main: list[str]) -> bool:
    """An article, not a caption or a teaser: several sentences of running text."""
    return sum(len(m.split()) for m in main) >= 120 or len(main) >= 4


_ROLE_REASON = {CAPTION_ROLE: "CAPTION", BIO_ROLE: "BIO", DISCLAIMER_ROLE: "DISCLAIMER"}


def _role_reason(role: str | None) -> str | None:
    from app.core import clutter

    name = _ROLE_REASON.get(role or "")
    return getattr(clutter, name) if name else None


def _why_dropped(block: str, role: str | None = None) -> str:
    """The most telling reason for a page block trafilatura left out."""
    from app.core import clutter

    rule = clutter.match_rule(block)
    if rule is not None:
        return rule.reason
    if clutter.looks_like_file_name(block):
        return clutter.FILE_NAME
    byline = clutter.parse_byline(" ".join(block.split()))
    if byline:
        return byline[0]
    return _role_reason(role) or NOT_ARTICLE


def _merge(blocks: list[tuple[str, str | None]], main: list[str], headline: str | None,
           title: str | None) -> list[tuple[str, str | None]]:
    """Interleave trafilatura's paragraphs with the page blocks it left out. A paragraph
    that the page marks as a photo caption, an author's bio or a disclaimer is proposed
    for removal even when trafilatura kept it; the headline is kept, first."""
    keys = [_key(m) for m in main]
    where: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        where[k].append(i)
    marked = {_key(b): reason for b, role in blocks if (reason := _role_reason(role))}
    items: list[tuple[str, str | None]] = []

    def keep(paragraphs: list[str]) -> None:
        items.extend((m, marked.get(_key(m))) for m in paragraphs)

    j = listed = 0
    for block, role in blocks:
        kb = _key(block)
        spots = where.get(kb, [])
        at = bisect.bisect_left(spots, j)
        if at < len(spots):
            k = spots[at]
            keep(main[j:k + 1])
            j = k + 1
        elif any(kb in keys[x] or (len(keys[x]) > 20 and keys[x] in kb)
                 for x in range(max(j - 1, 0), min(j + 6, len(main)))):
            continue  # trafilatura kept it, split or joined differently
        elif listed < _MAX_LISTED:
            items.append((block, _why_dropped(block, role)))
            listed += 1
    keep(main[j:])
    return _with_headline(items, headline, title)


def _with_headline(items: list[tuple[str, str | None]], headline: str | None,
                   title: str | None) -> list[tuple[str, str | None]]:
    """The headline kept, first, as the title reads ("Local News | Title" and "Title -
    Breitbart" become "Title"); never dropped."""
    shown = title or headline
    if not shown:
        return items
    keys = {_key(x) for x in (headline, title) if x}
    at = next((i for i, (t, r) in enumerate(items) if r is None and _key(t) in keys), None)
    if at is not None and at < 8:
        from app.core.clutter import is_body

        # short lines the article extraction kept above the headline: the site's name,
        # its tagline, a section ("Security Blog", "The latest news from …")
        return [(t, ABOVE_HEADLINE if r is None and not is_body(t) else r)
                for t, r in items[:at]] + [(shown, None)] + list(items[at + 1:])
    items = [(t, r) for t, r in items if _key(t) not in keys]
    return [(shown, None), *items]


def html_items(html: str, check: Callable[[str], None] | None = None
               ) -> tuple[list[tuple[str, str | None]], PageMeta, list[str]]:
    """``(blocks, metadata, warnings)`` for a saved web page given as a string.

    Blocks are ``(text, None)`` to keep or ``(text, reason)`` proposed for removal.
    ``check`` sees all the page's visible text before the (slower) article extraction
    and may raise to stop there.
    """
    from app.core import page_meta

    root = _parse(html)
    if root is None:
        if check is not None:
            check(re.sub(r"<[^>]*>", " ", html))
        return [], PageMeta(), []
    raw = page_meta.collect(root)  # before the page is stripped of its head and scripts
    _sanitise(root)
    blocks = _blocks(root)
    texts = [b for b, _ in blocks]
    meta = page_meta.decide(raw, texts, [b for b, role in blocks if role != ASIDE_ROLE])
    if check is not None:
        # The parser gives up on absurd pages (a 10 MB text node): estimate from the source.
        check("\n\n".join(texts) if blocks else re.sub(r"<[^>]*>", " ", html))
    main = _main_text(root) if blocks else []
    if main and not _enough(main):
        main = max(main, _main_text(root, precision=False), key=lambda m: sum(map(len, m)))
    if not main:
        items = _with_headline([(b, None) for b in texts], meta.headline, meta.title)
        return items, meta, [FALLBACK] if blocks else []
    return _merge(blocks, main, meta.headline, meta.title), meta, []
