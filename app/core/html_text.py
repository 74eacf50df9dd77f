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

NOT_ARTICLE = "Not part of the main article on the saved page (menus, side boxes, link lists)."
FALLBACK = ("Could not tell the article apart from the rest of the page: all of the page's "
            "text is shown, with likely clutter proposed for removal.")
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
_SITE_SUFFIX = re.compile(r"\s+(?:\||-|–|—|::|•|·)\s+")


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


def _metadata(root) -> tuple[str | None, str | None]:
    """Title (og:title, then the first h1, then <title> without the site name) and author."""

    def meta(*names: str) -> str | None:
        for name in names:
            for attr in ("property", "name"):
                for el in root.iterfind(f".//meta[@{attr}='{name}']"):
                    value = (el.get("content") or "").strip()
                    if value and not value.startswith(("http://", "https://", "/")):
                        return value
        return None

    title = meta("og:title", "twitter:title")
    if not title:
        h1 = next(root.iter("h1"), None)
        title = h1.text_content().strip() if h1 is not None else None
    if not title:
        el = next(root.iter("title"), None)
        if el is not None and el.text_content().strip():
            parts = _SITE_SUFFIX.split(el.text_content().strip())
            title = max(parts, key=len)
    author = meta("author", "article:author", "dc.creator", "byl", "sailthru.author")
    if author and author.lower().startswith("by "):
        author = author[3:].strip()
    return title or None, author


def _sanitise(root) -> None:
    """Drop scripts, styles, forms, frames, navigation, footers, asides, hidden parts."""
    doomed = [el for el in root.iter() if not isinstance(el.tag, str) or el.tag in _DROP
              or el.get("hidden") is not None or el.get("aria-hidden") == "true"
              or _HIDDEN_STYLE.search(el.get("style") or "")]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the text that follows the element


def _blocks(root) -> list[str]:
    """The page's visible text, one string per block element, in document order."""
    from lxml import etree

    blocks: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        lines = ("".join(buffer)).split("\n")
        text = "\n".join(" ".join(line.split()) for line in lines).strip()
        if re.search(r"\w", text):
            blocks.append(text)
        buffer.clear()

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK:
                flush()
            elif tag == "br":
                buffer.append("\n")
            buffer.append(el.text or "")
        else:
            if tag in _BLOCK:
                flush()
            buffer.append(el.tail or "")
    flush()
    return blocks


def _main_text(root) -> list[str]:
    """Trafilatura's article paragraphs (an empty list when it finds none).

    Trafilatura reads the sanitised page, as a string: what was dropped cannot reappear.
    """
    import trafilatura
    from lxml import html as lxml_html

    html = lxml_html.tostring(root, encoding="unicode")
    try:
        doc = trafilatura.bare_extraction(
            html, url=None, include_comments=False, include_tables=False, include_images=False,
            include_links=False, include_formatting=False, favor_precision=True,
            with_metadata=False, deduplicate=False)
    except Exception:  # a parser failure deep inside trafilatura: use our own blocks
        return []
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _why_dropped(block: str) -> str:
    """The most telling reason for a page block trafilatura left out."""
    from app.core import clutter

    rule = clutter.match_rule(block)
    if rule is not None:
        return rule.reason
    if clutter.looks_like_file_name(block):
        return clutter.FILE_NAME
    byline = clutter.parse_byline(block)
    return byline[0] if byline else NOT_ARTICLE


def _merge(blocks: list[str], main: list[str], title: str | None) -> list[tuple[str, str | None]]:
    """Interleave trafilatura's paragraphs with the page blocks it left out."""
    keys = [_key(m) for m in main]
    where: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        where[k].append(i)
    items: list[tuple[str, str | None]] = []
    j = listed = 0
    for block in blocks:
        kb = _key(block)
        spots = where.get(kb, [])
        at = bisect.bisect_left(spots, j)
        if at < len(spots):
            k = spots[at]
            items.extend((m, None) for m in main[j:k + 1])
            j = k + 1
        elif any(kb in keys[x] or (len(keys[x]) > 20 and keys[x] in kb)
                 for x in range(max(j - 1, 0), min(j + 6, len(main)))):
            continue  # trafilatura kept it, split or joined differently
        elif j == 0 and title and kb == _key(title):
            items.append((block, None))  # the headline stays, as in a pasted article
        elif listed < _MAX_LISTED:
            items.append((block, _why_dropped(block)))
            listed += 1
    items.extend((m, None) for m in main[j:])
    return items


def html_items(html: str, check: Callable[[str], None] | None = None
               ) -> tuple[list[tuple[str, str | None]], str | None, str | None, list[str]]:
    """``(blocks, title, author, warnings)`` for a saved web page given as a string.

    Blocks are ``(text, None)`` to keep or ``(text, reason)`` proposed for removal.
    ``check`` sees all the page's visible text before the (slower) article extraction
    and may raise to stop there.
    """
    root = _parse(html)
    if root is None:
        if check is not None:
            check(re.sub(r"<[^>]*>", " ", html))
        return [], None, None, []
    title, author = _metadata(root)
    _sanitise(root)
    blocks = _blocks(root)
    if check is not None:
        # The parser gives up on absurd pages (a 10 MB text node): estimate from the source.
        check("\n\n".join(blocks) if blocks else re.sub(r"<[^>]*>", " ", html))
    main = _main_text(root) if blocks else []
    if not main:
        return [(b, None) for b in blocks], title, author, [FALLBACK] if blocks else []
    return _merge(blocks, main, title), title, author, []
