"""What web clutter looks like: the pattern table and the detector used by ``cleaning``.

Pure Python, standard library only. Every rule gives the instructor a reason in plain
words. ``detect`` looks only at the paragraphs it is given (never at their original
positions), which is what makes cleaning idempotent: ``cleaning`` calls it repeatedly
on the paragraphs still kept until it proposes nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.core.dates import DATE_PATTERN
from app.core.record import record

# --- reasons shown to the instructor -------------------------------------------------
COMMENT_FORM = "Looks like comment-form text from the web page."
SHARE = "Looks like share buttons (Facebook, Twitter, email…)."
NEWSLETTER = "Looks like a newsletter sign-up box."
SITE_CODE = "Website code (a shortcode or template tag), not article text."
BARE_URL = "A bare web address on its own line."
THEME_AD = "Looks like an advert for the website's theme or software."
COPYRIGHT = "Looks like the website's copyright footer."
RELATED = "Looks like links to other articles (“Related posts”, “Read more”)."
AD_LABEL = "Looks like an advertising label."
NAVIGATION = "Looks like website menu or navigation text."
COOKIES = "Looks like a cookie notice."
TAGS = "Looks like the post's tags or categories."
IMAGE_CREDIT = "Looks like an image caption or photo credit."
CAPTION = "Looks like a photo caption (it describes a picture and ends with its credit)."
BIO = "Looks like a note about the author (a bio), not part of the article."
DISCLAIMER = "Looks like the site's disclaimer or a note on where the article first appeared."
SEPARATOR = "A separator line (like ___ or ***), not words."
TODAY = "Looks like the website's date of the day (when the page was saved), not the article's date."
FILE_NAME = "An image file name used as a caption (like photo-1200x800.jpg)."
BYLINE = "Looks like a byline; the name was put in the Author field."
BYLINE_NO_NAME = "Looks like a byline without a real name (such as “admin”)."
DATELINE = "Looks like the post's date or reading time."
HEADLINE_REPEAT = "The headline appears twice; this is the repeat."
HEADLINE_VARIANT = "Looks like a second version of the headline."
DUPLICATE = "Repeats an earlier paragraph word for word."
AFTER_END = "Comes after the end of the article, below the comment form or related links."


@record
class Rule:
    """Paragraphs of at most ``max_words`` words matching any pattern are clutter.

    ``edge``: such notes sit before or after the article; in the middle of it the same
    words are the article's own (a quoted statement, a person described).
    ``ends_article``: such a paragraph in the second half of the text marks the end of
    the article: ``"always"`` everything after it is clutter too (``AFTER_END``), as
    below a comment form; ``"if-short"`` only when no running prose follows it.
    """

    reason: str
    patterns: tuple[str, ...]
    max_words: int = 40
    ends_article: str = ""
    edge: bool = False  # only among the first or last EDGE paragraphs (bios, disclaimers)


_SOCIAL = (
    r"share|shares|share this|share this (?:article|post|story|page)|share on|share via|tweet|"
    r"facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|tumblr|pocket|flipboard|"
    r"messenger|email|e-mail|mail|print|copy link|copy|pin it|like this|loading\.\.\.|"
    r"opens in new window|share on \w+"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"

RULES: tuple[Rule, ...] = (
    Rule(COMMENT_FORM, (  # what only a comment form says: the article has ended
        r"your email address will not be published", r"required fields are marked",
        r"^leave a (?:reply|comment)\b", r"save my name,? email,? and website",
        r"logged in to post a comment", r"^\d+ (?:comments?|responses?|replies|thoughts on\b.*)$",
        r"^comments? (?:are )?closed\W*$",
    ), ends_article="always"),
    Rule(COMMENT_FORM, (
        r"^(?:post|submit) (?:a |your )?comment\W*$", r"^cancel reply$",
        r"^(?:no|one) (?:comments?|responses?)(?: yet)?\W*$",
        r"^join the (?:discussion|conversation)\W*$", r"notify me of (?:follow-up comments|new posts)",
        r"^(?:add|write|show|view|load|hide) (?:a |more |all )?comments?\W*$", r"^comments?\s*:?$",
        r"^(?:name|e-?mail|website)\s*\*?\s*:?$",
    )),
    Rule(SHARE, (rf"^(?:(?:{_SOCIAL})(?:[\s,:|·•/()\-–]+|$))+$", r"^click to (?:share|email|print)\b"),
         max_words=14),
    Rule(NEWSLETTER, (
        r"\b(?:subscribe|sign up|signup)\b.{0,40}\b(?:newsletter|updates|inbox|e-?mails?)\b",
        r"\bnewsletter\b.{0,40}\b(?:subscribe|sign up|inbox|promote)\b", r"promote your newsletter",
        r"\bsubscription\b.{0,60}\bnewsletter\b", r"enter your e-?mail", r"^(?:\S+ ){0,2}subscribe\W*$",
        r"\bslide-in box\b",
    ), max_words=25),
    Rule(SITE_CODE, (r"^\[/?[a-z][\w-]*(?:\s[^\]]*)?\]$", r"^\{\{.*\}\}$", r"^\{%.*%\}$",
                     r"^<!--.*-->$"), max_words=30),
    Rule(BARE_URL, (r"^(?:https?://|www\.)\S+$",), max_words=1),
    Rule(THEME_AD, (
        r"\bwordpress theme\b", r"\bnext generation\b.{0,40}\btheme\b", r"\bincrease conversions\b",
        r"\b(?:premium|responsive) (?:wordpress |blog |news )?theme\b", r"^theme(?: designed)? by\b",
        r"^(?:proudly )?powered by\b",
    ), max_words=40),
    Rule(COPYRIGHT, (r"\ball rights reserved\b", r"(?:©|\(c\)|^copyright)\s*(?:©\s*)?\d{4}"), max_words=25),
    Rule(RELATED, (
        r"^(?:related|similar|recommended|more|popular|trending|latest|recent|top)"
        r"(?: posts?| articles?| stories| news| reads?| content| for you| from [\w .’']+)?\W*$",
        r"^you (?:may|might) (?:also )?(?:like|enjoy|be interested in)\b",
        r"^(?:read|see) (?:more|also|next)\b", r"^also read\b", r"^continue reading\b",
        r"^(?:previous|next|older|newer) (?:post|article|story)\b", r"^don[’']?t miss\b",
    ), max_words=14, ends_article="if-short"),
    Rule(AD_LABEL, (
        r"^(?:advertisement|advertising|ads?|sponsored(?: content)?|promoted|paid content|"
        r"(?:story|article) continues below(?: advertisement)?|scroll (?:down )?to continue(?: reading)?)"
        r"\W*$",
    ), max_words=6),
    Rule(NAVIGATION, (
        r"^(?:skip to (?:main )?content|toggle navigation|main menu|menu|search|home|log ?in|sign ?in|"
        r"log ?out|register|close|back to top|go to top|open menu|close menu)\W*$",
        r"^home\s*[»>/|›]",
    ), max_words=12),
    Rule(COOKIES, (r"\b(?:we|this (?:web)?site) uses? cookies\b", r"^accept(?: all)?(?: cookies)?$",
                   r"\bcookie (?:policy|settings|preferences)\b"), max_words=40),
    Rule(TAGS, (r"^(?:tags?|tagged(?: with)?|filed under|categor(?:y|ies)|topics?)\s*[:|]",
                r"^posted in\b"), max_words=25),
    Rule(IMAGE_CREDIT, (
        r"^(?:image|photo|picture|illustration|graphic|video|photograph)(?: credit| source)?s?"
        r"\s*(?::|\||–|—| by\b)",
        r"^(?:photo |image )?(?:credit|courtesy)s?\s*(?::|of\b)",
        r"^\(?(?:ap photo|getty images|shutterstock|reuters/|afp photo|epa photo)\b",
        r"^[\w.’' -]{2,60}/(?:getty images|ap|afp|reuters|shutterstock|epa|alamy)\b[\w .’'/-]*$",
    ), max_words=25),
    Rule(CAPTION, (  # a caption ends with the picture's credit
        r"\((?:ap|afp|epa|upi|ap/[\w ]+)?\s*(?:photo|image|photograph|pool photo)s?\b[^()]{0,80}\)\W*$",
        r"\((?:[\w.’' -]{2,60}/)?(?:getty images|shutterstock|reuters|afp|ap|epa|alamy|"
        r"bloomberg|pool)(?: via [^()]{1,40})?\)\W*$",
        r"(?:^|\s)(?:photo|image|picture|photograph)\s*(?::|by)\s*[\w.’' -]{2,60}"
        r"(?:/[\w.’' -]{2,60})?\W*$",
        r"\b(?:getty images|shutterstock|ap photo|afp via getty)\W*$",
    ), max_words=90),
    Rule(BIO, (
        r"^(?-i:[A-Z])[\w.’'-]+(?: (?-i:[A-Z])[\w.’'-]+){0,3} (?:is|was) (?:an?|the) (?:[\w-]+ ){0,4}"
        r"(?:reporter|writer|editor|correspondent|columnist|journalist|contributor|author|"
        r"producer|host|analyst|commentator|blogger|freelancer)\b",
        r"\bfollow (?:him|her|them|me|us)? ?on (?:twitter|x|facebook|instagram|threads|bluesky)\b",
        r"^(?:you can )?(?:follow|reach|contact|email|e-mail) (?:him|her|them|the (?:author|writer))\b",
        r"^about the (?:author|writer)\W*$",
    ), max_words=70, edge=True),
    Rule(DISCLAIMER, (
        r"\bthe (?:views|opinions)(?: and (?:views|opinions))? expressed\b",
        r"\bopinions expressed (?:by|in)\b", r"\bdo(?:es)? not (?:necessarily )?reflect the "
        r"(?:views|opinions|position|policy)\b", r"^disclaimer\s*:",
        r"\b(?:this|the) (?:article|story|post|piece|column|op-ed|essay) (?:was )?"
        r"(?:originally|first) (?:appeared|published|ran)\b",
        r"^(?:originally|first) (?:published|appeared)\b", r"\brepublished (?:here )?with permission\b",
        r"\b(?:is|are) solely responsible for the content\b",
    ), max_words=80, edge=True),
    Rule(SEPARATOR, (r"^[\W_]{3,}$",), max_words=8),
    Rule(TODAY, (rf"^(?:today(?:'s date)?|today is|current date)\s*[:,]?\s*(?:\w+day,?\s*)?"
                 rf"(?:{_MONTH}\s*\d|\d)",), max_words=8),
)

_COMPILED = tuple((rule, re.compile("|".join(f"(?:{p})" for p in rule.patterns), re.I))
                  for rule in RULES)

_IMAGE_EXT = re.compile(r"\.(?:jpe?g|jfif|png|gif|webp|avif|svg|bmp|tiff?|heic)(?:\?\S*)?$", re.I)
_DIMENSIONS = re.compile(r"\d{2,5}x\d{2,5}", re.I)
_CAMERA = re.compile(r"^(?:img|dsc|dscn|pxl|photo|screenshot|image)[_-]?\d", re.I)

_BYLINE = re.compile(r"^(?:(?:written|posted|published|reported|story|words|text)\s+)?by\s*:?\s+(?P<name>.+)$", re.I)
_AUTHOR = re.compile(r"^(?:authors?|written by|reporter|words)\s*:?\s+(?P<name>.+)$", re.I)
_POSTED = re.compile(r"^(?:posted|published|updated|last updated)\b(?:\s+on)?\s*:?\s*(?P<date>.*?)"
                     r"(?:\s+by\s+(?P<name>[^|•·]+?))?(?:\s*[|•·].*)?$", re.I)
_DATELINE = re.compile(
    rf"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?"
    rf"\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\b"
    r"|^\d+\s+(?:min(?:ute)?s?|hours?|days?)\s+(?:read|ago)\b", re.I)


_ORG_DATELINE = re.compile(
    rf"^(?P<org>(?:(?:[A-Z]|[a-z]+[A-Z])[\w.&'’-]*\s+){{0,4}}(?:[A-Z]|[a-z]+[A-Z])[\w.&'’-]*)"
    rf"\s*[,|•·–—-]?\s*"
    rf"(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?P<date>{DATE_PATTERN})\W*$")


def word_set(spaced: str) -> frozenset[str]:
    """The words of ``spaced`` as a set."""
    return frozenset(spaced.split())


_set = word_set


_NAME_CUT = re.compile(rf"\s*(?:[|•·,;(]|\s[-–—]\s|\b(?:on|for|in|at|updated|published)\b|\d"
                       rf"|\b{_MONTH}\s+\d).*$", re.I)
_PARTICLES = _set("and de del der den da di du van von le la bin al ibn y & dos das")
_GENERIC_AUTHORS = _set("admin administrator editor editors staff guest webmaster author team "
                             "user root newsdesk")
_NOT_NAMES = _set(
    "the a an this that these those our your my his her its their we you it by of to in on at for "
    "home news menu search opinion analysis world politics breaking update updates live video "
    "share subscribe comments comment related latest more read sign log contact about editorial "
    "advertisement sponsored privacy terms cookies tags category categories")
_STOPWORDS = _PARTICLES | _set(
    "a an the of to in on at for with from by as is are was were be been or but not no its it "
    "this that over into after before up down out about than")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*", re.UNICODE)
_BODY_END = re.compile(r"[.!?…][\"'”’)\]]*$")

HEAD_LIMIT = 8  # paragraphs before the first body paragraph that count as the page head
EDGE = 4  # paragraphs at either end where bios and disclaimers are looked for


def words(p: str) -> int:
    """Number of whitespace-separated words."""
    return len(p.split())


def match_rule(p: str) -> Rule | None:
    """The first rule this paragraph matches, if it is short enough for it."""
    if len(p) > 400:
        return None
    n = words(p)
    for rule, rx in _COMPILED:
        if n <= rule.max_words and rx.search(p):
            return rule
    return None


def looks_like_file_name(p: str) -> bool:
    """An image file name or URL slug standing alone, e.g. ``Kim_Jong_Un_1200x800``."""
    if len(p) > 200 or not any(c.isalnum() for c in p):
        return False
    if _IMAGE_EXT.search(p) and words(p) <= 8:
        return True
    if words(p) != 1 or not re.fullmatch(r"[\w.\-~%+]+", p):
        return False
    return bool(
        _DIMENSIONS.search(p) and re.search(r"[_-]", p)
        or _CAMERA.match(p)
        or p.count("_") >= 2
        or (p.count("-") >= 3 and p == p.lower() and not p.replace("-", "").isdigit())
    )


def _clean_name(raw: str) -> str | None:
    """The person's name at the start of ``raw``; "" for a generic one such as "admin"."""
    name = _NAME_CUT.sub("", raw).strip(" .:-–—")
    if name.lower() in _GENERIC_AUTHORS:
        return ""
    tokens = name.split()
    if not 1 <= len(tokens) <= 6 or tokens[0].lower() in _NOT_NAMES:
        return None
    if not all(t.lower() in _PARTICLES or t[:1].isupper() for t in tokens):
        return None
    return name


def parse_byline(p: str) -> tuple[str, str | None] | None:
    """``(reason, author)`` when ``p`` is a byline or date line; ``author`` may be None."""
    if words(p) > 15:
        return None
    for rx in (_AUTHOR, _BYLINE):
        m = rx.match(p)
        if m:
            name = _clean_name(m.group("name"))
            if name is None:
                return None
            return (BYLINE, name) if name else (BYLINE_NO_NAME, None)
    m = _POSTED.match(p)
    if m and (re.search(r"\d", m.group("date")) or m.group("name")):
        name = _clean_name(m.group("name") or "-")
        return (BYLINE, name) if name else (DATELINE, None)
    if _DATELINE.match(p) and words(p) <= 8:
        return DATELINE, None
    if words(p) <= 12 and dateline_outlet(p):
        return DATELINE, None
    return None


def dateline_outlet(p: str) -> str | None:
    """The outlet or agency of a line such as "Associated Press December 2, 2016"."""
    m = _ORG_DATELINE.match(p.strip())
    if not m:
        return None
    org = m.group("org").strip(" ,")
    words_ = [w.lower() for w in org.split()]
    first = words_[1] if words_[0] == "the" and len(words_) > 1 else words_[0]
    if (first in _NOT_NAMES or first.endswith("day")
            or first in ("published", "posted", "updated", "today", "date", "dated")):
        return None
    return org


_BYLINE_LEAD = re.compile(r"^\W*(?:(?:written|posted|published|reported|story|words|text)\s+)?by\s*:?\s+"
                         r"|^\W*(?:authors?|written by|reporter)\s*:?\s+", re.I)
_BYLINE_END = re.compile(rf"\s+[-–—|•·]\s.*$|\s*[|•·(].*$|\s+(?:on|updated|published)\b.*$"
                         rf"|\s+{_MONTH}\s+\d.*$|\s+\d.*$", re.I)


def byline_names(p: str) -> list[str]:
    """Every person a byline names: "Posted by Ann Lee, Bo Chan and Cy Diaz - Team"
    gives the three; a line that is not a byline, or names no person, gives none."""
    p = " ".join(p.split())
    m = _BYLINE_LEAD.match(p)
    if not m or words(p) > 30:
        return []
    rest = _BYLINE_END.sub("", p[m.end():]).strip(" ,.;")
    parts = [x.strip() for x in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", rest) if x.strip()]
    return parts if parts and all(is_bare_name(x) for x in parts) else []


def is_bare_name(p: str) -> bool:
    """A line holding only a person's name, as a byline: ``Lucas Leiroz``."""
    tokens = p.split()
    if not 2 <= len(tokens) <= 4 or len(p) > 60:
        return False
    capitals = [t for t in tokens if t.lower() not in _PARTICLES]
    return len(capitals) >= 2 and all(
        t[:1].isupper() and t.lower() not in _NOT_NAMES and not t.endswith(("'s", "’s"))
        and all(c.isalpha() or c in "'’.-" for c in t) for t in capitals)


def is_body(p: str) -> bool:
    """A paragraph of running prose (the page head ends at the first one)."""
    return len(p) > 250 or (words(p) >= 15 and bool(re.search(r"[.!?…]", p)))


def looks_like_headline(p: str) -> bool:
    """Short enough for a headline and not cut off mid-sentence."""
    return 0 < words(p) <= 25 and len(p) <= 250 and not p.endswith((",", ";", ":"))


def is_title_case(p: str) -> bool:
    """Every word but the small ones capitalised, as headlines are written."""
    toks = [t for t in _WORD.findall(p) if t.lower() not in _STOPWORDS and t[:1].isalpha()]
    return len(toks) >= 2 and all(t[:1].isupper() for t in toks) and not _BODY_END.search(p)


def _stems(p: str) -> set[str]:
    return {t.lower()[:5] for t in _WORD.findall(p)
            if len(t) > 1 and t.lower() not in _STOPWORDS}


def _key(p: str) -> str:
    return " ".join(p.casefold().split()).rstrip(".!?:;,…")


def _head(paragraphs: Sequence[str]) -> range:
    n = len(paragraphs)
    body = next((i for i, p in enumerate(paragraphs) if is_body(p)), n)
    return range(min(body, HEAD_LIMIT, n))


def guess_title(paragraphs: Sequence[str]) -> str | None:
    """The first paragraph, when it sits in the page head and reads like a headline."""
    if len(paragraphs) > 1 and _head(paragraphs) and looks_like_headline(paragraphs[0]):
        return paragraphs[0]
    return None


def _ends_article(paragraphs: Sequence[str], i: int, rule: Rule,
                  found: dict[int, tuple[str, str | None]]) -> bool:
    after = paragraphs[i + 1:]
    if i == 0 or sum(map(len, after)) > sum(map(len, paragraphs[:i])):
        return False
    return rule.ends_article == "always" or all(
        i + 1 + k in found or not is_body(p) for k, p in enumerate(after))


def detect(paragraphs: Sequence[str]) -> dict[int, tuple[str, str | None]]:
    """Propose clutter among ``paragraphs``: ``{index: (reason, author or None)}``."""
    found: dict[int, tuple[str, str | None]] = {}
    n = len(paragraphs)
    markers: list[tuple[int, Rule]] = []
    for i, p in enumerate(paragraphs):
        rule = match_rule(p)
        if rule is not None and rule.edge and EDGE <= i < n - EDGE:
            rule = None
        if rule is not None:
            found[i] = (rule.reason, None)
            if rule.ends_article:
                markers.append((i, rule))
        elif looks_like_file_name(p):
            found[i] = (FILE_NAME, None)
    head = [i for i in _head(paragraphs) if i not in found]
    for i in head:
        byline = parse_byline(paragraphs[i])
        if byline is not None:
            found[i] = byline
    head = [i for i in head if i not in found]
    # A name alone is a byline only beside a headline: "Name, Headline, body…" or
    # "Headline, Name, …".
    if len(head) >= 2 and n > len(head):
        first, second = paragraphs[head[0]], paragraphs[head[1]]
        if (len(head) == 2 and is_bare_name(first) and looks_like_headline(second)
                and not is_bare_name(second)):
            found[head[0]] = (BYLINE, first)
        elif is_bare_name(second) and looks_like_headline(first) and not is_bare_name(first):
            found[head[1]] = (BYLINE, second)
    title = None
    for i in head:
        p = paragraphs[i]
        if i in found:
            continue
        if title is None:
            title = p if looks_like_headline(p) else ""
        elif title and _key(p) == _key(title):
            found[i] = (HEADLINE_REPEAT, None)
        elif title and is_title_case(p) and looks_like_headline(p):
            a, b = _stems(title), _stems(p)
            if min(len(a), len(b)) >= 3 and len(a & b) >= 0.5 * min(len(a), len(b)):
                found[i] = (HEADLINE_VARIANT, None)
    seen: set[str] = set()
    for i, p in enumerate(paragraphs):
        if i in found or words(p) < 3:
            continue
        k = _key(p)
        if k in seen:
            found[i] = (HEADLINE_REPEAT if title and k == _key(title) else DUPLICATE, None)
        seen.add(k)
    for i, rule in markers:
        if _ends_article(paragraphs, i, rule, found):
            for j in range(i + 1, n):
                found.setdefault(j, (AFTER_END, None))
            break
    return found
