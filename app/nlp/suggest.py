"""Suggestions for key authors: candidate spans, each with the reason it was suggested.

``loaded_language`` comes from the curated lexicons (``assets/lexicons``), matched on
lower-case forms and, with the full model, on lemmas; ``unsupported_claim`` comes from
the sentence's structure (``app.nlp.claims``). Every suggestion is snapped to token
bounds, and suggestions of one label never overlap. Nothing here enters a key: the
instructor accepts, edits or rejects each.

spaCy is imported only inside functions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from app.core.record import record
from app.core.spans import snap

LOADED = "loaded_language"
UNSUPPORTED = "unsupported_claim"
LIMITED_NOTICE = ("The English language model (en_core_web_sm) could not be loaded, so "
                  "suggestions are limited: word lists and simple patterns only, without "
                  "sentence structure.")
# entity recognition costs ~40% of the parse and the suggestions do not need it (names are
# told by the parse: proper nouns in apposition or compound)
EXCLUDE = ("ner",)
# an adjective from the lexicon takes in the noun it describes ("reckless provocation")
EXTEND_TO_NOUN = True


# Same-length substitutions before parsing, so offsets stay those of the text: odd spaces
# (no-break, thin, ...) become plain spaces and curly apostrophes straight ones, so that
# "World on\u00a0Edge" and "it\u2019s" match the lexicons.
_SAME_LENGTH = {cp: " " for cp in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F,
                                    0x3000)}
_SAME_LENGTH.update({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})


@record
class Suggestion:
    start: int
    end: int
    label: str
    quote: str
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "label": self.label,
                "quote": self.quote, "reason": self.reason}


def load_pipeline() -> tuple[Any, str]:
    """The English model and a notice ("" when all is well).

    The model (without the components in ``EXCLUDE``) comes from the bundled folder (a
    frozen app) or the installed package; when neither loads, a blank English pipeline
    with a sentencizer is returned with a notice that suggestions are limited.
    """
    import spacy

    from app import paths
    from app.nlp import pipeline

    folder = paths.bundled_model_dir()
    try:
        return spacy.load(folder or pipeline.MODEL_PACKAGE, exclude=list(EXCLUDE)), ""
    except (OSError, ImportError, ValueError, KeyError):
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp, LIMITED_NOTICE


_default: tuple[Any, str] | None = None
_default_lock = threading.Lock()


def default_pipeline() -> tuple[Any, str]:
    """``load_pipeline()``, once per process."""
    global _default
    with _default_lock:
        if _default is None:
            _default = load_pipeline()
        return _default


def suggest(text: str, nlp: Any = None) -> list[Suggestion]:
    """Suggestions for ``text``, sorted by (start, end, label)."""
    if not text.strip():
        return []
    if nlp is None:
        nlp = default_pipeline()[0]
    from app.nlp import claims
    from app.nlp.pipeline import token_bounds

    doc = _parse(nlp, text.translate(_SAME_LENGTH))
    bounds = token_bounds(text)
    loaded = [_snapped(text, bounds, s, e, r) for s, e, r in _loaded_spans(doc, nlp)]
    claimed = [_snapped(text, bounds, c.start, c.end, c.reason)
               for c in claims.find_claims(doc, nlp)]
    out = [Suggestion(s, e, LOADED, text[s:e], r)
           for s, e, r in _keep_apart([x for x in loaded if x])]
    out += [Suggestion(s, e, UNSUPPORTED, text[s:e], r)
            for s, e, r in _merge([x for x in claimed if x])]
    out.sort(key=lambda s: (s.start, s.end, s.label))
    return out


def _parse(nlp: Any, text: str) -> Any:
    """Run the pipeline with every line break a sentence boundary, so that headlines and
    paragraphs never run into each other (the parser respects boundaries set before it)."""
    doc = nlp.make_doc(text)
    for tok in doc[1:]:
        if "\n" in doc[tok.i - 1].text_with_ws:
            tok.is_sent_start = True
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    if not any(n in ("parser", "senter", "sentencizer") for n in nlp.pipe_names):
        from spacy.pipeline import Sentencizer

        doc = Sentencizer()(doc)  # keeps the line breaks set above
    return doc


def _snapped(text: str, bounds: list[tuple[int, int]], s: int, e: int,
             reason: str) -> tuple[int, int, str] | None:
    got = snap(text, s, e, bounds)
    return (got[0], got[1], reason) if got else None


def _loaded_spans(doc: Any, nlp: Any) -> list[tuple[int, int, str]]:
    from app.nlp import lexicon

    parsed = doc.has_annotation("DEP")
    out = []
    for m in lexicon.matcher_for(nlp, lexicon.LOADED_FILE)(doc):
        lo, hi = m.start, m.end - 1
        quote = doc[lo:hi + 1].text
        if EXTEND_TO_NOUN and parsed:
            lo, hi = _phrase_around(doc, lo, hi)
        out.append((doc[lo].idx, doc[hi].idx + len(doc[hi].text), m.entry.reason_for(quote)))
    return out


def _phrase_around(doc: Any, lo: int, hi: int) -> tuple[int, int]:
    """Widen a lexicon match to the phrase it colours: a modifier takes in the noun it
    describes and the modifiers coordinated with it ("new and dangerous alliance",
    "neo-Nazi forces"); a noun after "of" takes in the noun before ("coalition of
    aggressors")."""
    last = doc[hi]
    if last.dep_ in ("amod", "compound", "conj") and last.pos_ in ("ADJ", "PROPN", "NOUN"):
        head = last.head
        while head.dep_ in ("amod", "conj") and head.pos_ == "ADJ" and head.i > hi:
            head = head.head
        if last.dep_ == "conj" and last.head.pos_ == "ADJ" and last.head.i < lo:
            first = last.head  # "new and dangerous": the first of the coordinated modifiers
            head = first.head
            if head.i > hi and hi - first.i <= 3:
                lo = first.i
        if (head.pos_ in ("NOUN", "PROPN") and hi < head.i <= hi + 3
                and not any(t.is_punct for t in doc[hi + 1:head.i])):
            hi = head.i
    elif last.dep_ == "pobj" and last.head.lower_ == "of" and lo >= 2:
        of = last.head
        if of.i == lo - 1 and of.head.i == lo - 2 and of.head.pos_ == "NOUN":
            lo = of.head.i
    return lo, hi


def _keep_apart(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Loaded language: of overlapping spans keep the longest (then the earliest)."""
    kept: list[tuple[int, int, str]] = []
    for s in sorted(set(spans), key=lambda x: (-(x[1] - x[0]), x[0])):
        if all(s[1] <= k[0] or s[0] >= k[1] for k in kept):
            kept.append(s)
    return sorted(kept)


def _merge(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Unsupported claims: overlapping spans become one, their reasons joined."""
    out: list[tuple[int, int, list[str]]] = []
    for s, e, r in sorted(spans):
        if out and s < out[-1][1]:
            ps, pe, reasons = out[-1]
            if r not in reasons:
                reasons.append(r)
            out[-1] = (ps, max(pe, e), reasons)
        else:
            out.append((s, e, [r]))
    return [(s, e, " ".join(rs)) for s, e, rs in out]
