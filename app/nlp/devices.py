"""Loaded-language devices a word list cannot see: intensifiers, stacked modifiers,
scare quotes; and a writer's words about themself, which are not name-calling.

Each finder takes a parsed spaCy ``Doc`` (and the quotations of ``app.nlp.quotes``) and
returns candidate spans as ``Found`` records in characters. spaCy objects are passed
in; nothing here imports spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from app.core.record import record
from app.nlp.quotes import SCARE, Quote


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# turning the feeling up: "extremely dangerous", "absolutely disgraceful"
STRONG_INTENSIFIERS = _words(
    "extremely absolutely utterly totally incredibly unbelievably outrageously insanely "
    "ridiculously downright thoroughly wildly hugely enormously staggeringly shockingly "
    "horribly awfully terribly desperately fiercely")
# common enough in careful writing ("very few", "really new") to be only optional
MILD_INTENSIFIERS = _words("very really so deeply highly completely seriously")
_NOT_AFTER = _words("few little many much well same first last least most more less "
                       "likely unlikely different similar close long soon early late "
                       "often far near")
_FIRST_PERSON = frozenset({"i", "we", "me", "us", "myself", "ourselves"})
_KINDS = _words("new old big small large young public private local national foreign "
                "federal first last other own main former current recent early late "
                "major minor long short high low full annual daily")

INTENSIFIER = ("Intensifier: '{quote}' turns up the feeling instead of showing how much; "
               "a careful writer lets the facts say it.")
MILD = ("Intensifier (optional): '{quote}' adds emphasis; worth marking only if it pushes the "
        "reader's feeling rather than measuring something.")
STACKED = ("Stacked modifiers: '{quote}' piles judgement words onto one noun, so the reader "
           "is told what to think before being told what happened.")
SCARE_QUOTES = ("Scare quotes: putting '{quote}' in quotation marks, with no one saying it, "
                "can mock or cast doubt on the word without giving a reason (if it is a "
                "name or a title, reject this).")


@record
class Found:
    start: int
    end: int
    reason: str
    required: bool
    cue: str  # the words that set it off, lower-case


def _span(doc: Any, lo: int, hi: int) -> tuple[int, int]:
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _quoted(quotes: Sequence[Quote], s: int, e: int) -> Quote | None:
    return next((q for q in quotes if q.start <= s and e <= q.end), None)


def intensifiers(doc: Any, quotes: Sequence[Quote]) -> list[Found]:
    """An intensifying adverb and the word it turns up ("extremely dangerous"); never
    inside a quotation (the speaker's emphasis, not the writer's)."""
    out = []
    for t in doc:
        low = t.lower_
        if low not in STRONG_INTENSIFIERS and low not in MILD_INTENSIFIERS:
            continue
        head = t.head
        if t.dep_ != "advmod" or head.i != t.i + 1 or head.pos_ not in ("ADJ", "ADV"):
            continue
        if head.lower_ in _NOT_AFTER or head.like_num:
            continue
        s, e = _span(doc, t.i, head.i)
        if _quoted(quotes, s, e):
            continue
        strong = low in STRONG_INTENSIFIERS
        reason = (INTENSIFIER if strong else MILD).replace("{quote}", doc[t.i:head.i + 1].text)
        out.append(Found(s, e, reason, strong, low))
    return out


def stacked_modifiers(doc: Any, quotes: Sequence[Quote]) -> list[Found]:
    """Two or more adjectives set side by side on one noun with a comma or "and"
    between them ("vile, hateful rhetoric"); optional: a teacher judges the words."""
    out = []
    for noun in doc:
        if noun.pos_ not in ("NOUN", "PROPN"):
            continue
        mods = [c for c in noun.lefts if c.dep_ == "amod" and c.pos_ in ("ADJ", "NOUN")]
        if not mods:
            continue
        first = mods[0]
        chain = [first] + [c for c in first.subtree if c.dep_ == "conj" and c.pos_ == "ADJ"]
        chain += [m for m in mods[1:] if m not in chain]
        if len(chain) < 2:
            continue
        lo, hi = min(c.i for c in chain), noun.i
        between = doc[lo:hi]
        if not any(t.text in (",", "and") for t in between) or hi - lo > 7:
            continue
        judging = [c for c in chain if not _classifying(c)]
        if len(judging) < 2:
            continue  # "political, economic and military solidarity": kinds, not judgements
        s, e = _span(doc, lo, hi)
        if _quoted(quotes, s, e):
            continue
        out.append(Found(s, e, STACKED.replace("{quote}", doc[lo:hi + 1].text), False,
                         " ".join(c.lower_ for c in sorted(chain, key=lambda c: c.i))))
    return out


_CLASSIFYING = re.compile(r"(?:al|ic|ary|ory|ian|ese|ish|ern|ist|ed|ing|wide|based)$")


def _classifying(adj: Any) -> bool:
    """An adjective that sorts rather than judges: political, economic, limited,
    nationwide (a suffix test; judging words such as vile, hateful, reckless pass)."""
    return bool(_CLASSIFYING.search(adj.lower_)) or adj.like_num or adj.lower_ in _KINDS


def scare_quotes(doc: Any, quotes: Sequence[Quote]) -> list[Found]:
    """The words inside scare quotes (optional: a name in quotation marks looks the
    same)."""
    out = []
    for q in quotes:
        if q.kind != SCARE:
            continue
        toks = [t for t in doc if q.start <= t.idx < q.end and not t.is_punct]
        if not toks or any(t.like_num for t in toks):
            continue  # a quoted figure ("50 percent") is someone's number, not a sneer
        words = doc.text[q.start:q.end]
        out.append(Found(q.start, q.end, SCARE_QUOTES.replace("{quote}", words), False,
                         "scare quotes"))
    return out


def of_the_writer(tok: Any) -> bool:
    """The writer uses the word of themself: "I am a conspiracy theorist", "call me a
    conspiracy theorist", "as a conspiracy theorist, I…" (not name-calling)."""
    head = tok.head
    if tok.dep_ in ("attr", "acomp", "oprd", "appos"):
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _FIRST_PERSON
               for c in head.children):
            return True
        if head.lemma_.lower() in ("call", "label", "brand", "name", "dub") and any(
                c.dep_ in ("dobj", "nsubjpass") and c.lower_ in _FIRST_PERSON
                for c in head.children):
            return True
        if tok.dep_ == "appos" and head.lower_ in _FIRST_PERSON:
            return True
    if tok.dep_ == "pobj" and head.lower_ == "as":
        verb = head.head
        return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _FIRST_PERSON
                   for c in verb.children)
    return False
