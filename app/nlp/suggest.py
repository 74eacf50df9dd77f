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
from dataclasses import replace
from typing import Any

from app.core.record import record
from app.core.spans import snap

LOADED = "loaded_language"
UNSUPPORTED = "unsupported_claim"
RULES, LEARNED = "rules", "learned"
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
    required: bool = True  # False: offered as an optional key span
    source: str = RULES  # RULES (lexicons and patterns) or LEARNED (this teacher's keys)
    cue: str = ""  # what set it off (a lexicon entry, a pattern), lower-case

    def as_json(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "label": self.label,
                "quote": self.quote, "reason": self.reason, "required": self.required,
                "source": self.source}


@record
class Cand:
    """A candidate span in characters, before snapping and merging."""

    start: int
    end: int
    reason: str
    required: bool = True
    cue: str = ""
    source: str = RULES


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


def suggest(text: str, nlp: Any = None, model: Any = None) -> list[Suggestion]:
    """Suggestions for ``text``, sorted by (start, end, label). ``model``: what the
    suggester learned from this teacher's keys (``app.nlp.learning.PhraseModel``), whose
    suggestions join the rules' and whose verdicts drop rules the teacher keeps
    rejecting."""
    if not text.strip():
        return []
    if nlp is None:
        nlp = default_pipeline()[0]
    from app.nlp import claims, devices
    from app.nlp.pipeline import token_bounds
    from app.nlp.quotes import find_quotes

    doc = _parse(nlp, text.translate(_SAME_LENGTH))
    bounds = token_bounds(text)
    quotes = find_quotes(doc)
    loaded = [_quoted(c, quotes, LOADED) for c in _loaded_spans(doc, nlp, quotes)]
    loaded += devices.intensifiers(doc, quotes)
    for f in devices.stacked_modifiers(doc, quotes):  # "vile, hateful rhetoric"
        inner = [c for c in loaded if f.start <= c.start and c.end <= f.end and c.required]
        loaded.append(replace(f, required=True, reason=f"{inner[0].reason} {f.reason}")
                      if inner else f)
    loaded += [f for f in devices.scare_quotes(doc, quotes)
               if not any(f.start <= c.start and c.end <= f.end for c in loaded)]
    claimed = [_quoted(Cand(c.start, c.end, c.reason, True, c.cue), quotes, UNSUPPORTED)
               for c in claims.find_claims(doc, nlp)]
    found = {LOADED: [_cand(x) for x in loaded], UNSUPPORTED: claimed}
    if model is not None:
        found = model.apply(doc, text, found)
    out: list[Suggestion] = []
    for label, cands in found.items():
        snapped = [x for x in (_snapped(text, bounds, c) for c in cands) if x]
        merged = _keep_apart(snapped) if label != UNSUPPORTED else _merge(snapped)
        out += [Suggestion(c.start, c.end, label, text[c.start:c.end], c.reason, c.required,
                           c.source, c.cue) for c in merged]
    out.sort(key=lambda s: (s.start, s.end, s.label))
    return out


def _cand(x: Any) -> Cand:
    return x if isinstance(x, Cand) else Cand(x.start, x.end, x.reason, x.required, x.cue)


QUOTED_LOADED = (" These are {whose} words, not the writer's: mark them (optional) only if "
                 "the article uses the quotation to stir feeling rather than to report it.")
QUOTED_CLAIM = (" The claim is {whose}, not the writer's: mark it (optional) only if the "
                "article leans on it as if it were established.")


def _quoted(c: Any, quotes: Any, label: str) -> Cand:
    """A span inside a quotation is the speaker's: optional, and its reason says whose
    ("Quoted from Emery")."""
    c = _cand(c)
    q = next((q for q in quotes if q.holds(c.start, c.end)), None)
    if q is None:
        return c
    if q.kind == "speech":
        head = f"Quoted from {q.speaker}." if q.speaker else "Quoted from someone the article cites."
        whose = "the speaker's"
    else:
        head = "In quotation marks (someone else's words, a name or a title)."
        whose = "the quoted"
    tail = (QUOTED_CLAIM if label == UNSUPPORTED else QUOTED_LOADED).format(whose=whose)
    return replace(c, reason=f"{head} {c.reason}{tail}", required=False)


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


def _snapped(text: str, bounds: list[tuple[int, int]], c: Cand) -> Cand | None:
    got = snap(text, c.start, c.end, bounds)
    return replace(c, start=got[0], end=got[1]) if got else None


def _loaded_spans(doc: Any, nlp: Any, quotes: Any) -> list[Cand]:
    from app.nlp import lexicon
    from app.nlp.devices import of_the_writer

    parsed = doc.has_annotation("DEP")
    scare = [q for q in quotes if q.kind == "scare"]
    out = []
    for m in lexicon.matcher_for(nlp, lexicon.LOADED_FILE)(doc):
        lo, hi = m.start, m.end - 1
        if parsed and m.entry.kind == "name_calling" and of_the_writer(doc[hi]):
            continue  # "call me a conspiracy theorist": the writer of themself
        quote = doc[lo:hi + 1].text
        if EXTEND_TO_NOUN and parsed:
            lo, hi = _phrase_around(doc, lo, hi)
        s, e = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
        required = not m.entry.optional
        # a word the lexicon calls loaded only sometimes, stacked on a scare quote:
        # partisan "fact-checking"
        if not required and any(s <= q.start and q.end <= e for q in scare):
            required = True
        out.append(Cand(s, e, m.entry.reason_for(quote), required, m.entry.forms[0]))
    return out


def _phrase_around(doc: Any, lo: int, hi: int) -> tuple[int, int]:
    """Widen a lexicon match to the phrase it colours: a modifier takes in the noun it
    describes and the modifiers coordinated with it ("new and dangerous alliance",
    "neo-Nazi forces", partisan "fact-checking"); a noun after "of" takes in the noun
    before ("coalition of aggressors"); a verb takes in its object ("indoctrinate
    children")."""
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
        between = doc[hi + 1:head.i]
        noun = head.pos_ in ("NOUN", "PROPN") or (head.tag_ == "VBG" and head.dep_ in (
            "pobj", "dobj", "nsubj", "nsubjpass", "attr"))  # a gerund: "fact-checking"
        if (noun and hi < head.i and sum(not t.is_punct for t in between) <= 2
                and not any(t.is_punct and not t.is_quote and t.text != "-" for t in between)):
            hi = head.i
    elif last.dep_ == "pobj" and last.head.lower_ == "of" and lo >= 2:
        of = last.head
        if of.i == lo - 1 and of.head.i == lo - 2 and of.head.pos_ == "NOUN":
            lo = of.head.i
    elif last.pos_ == "VERB" and lo == hi:
        obj = next((c for c in last.children if c.dep_ == "dobj" and hi < c.i <= hi + 3), None)
        if obj is not None and obj.right_edge.i - hi <= 3 and not any(
                t.is_punct for t in doc[hi + 1:obj.right_edge.i + 1]):
            hi = obj.right_edge.i
    return lo, hi


def _keep_apart(spans: Iterable[Cand]) -> list[Cand]:
    """Loaded language: of overlapping spans keep a required one before an optional
    one, then the longest (then the earliest)."""
    kept: list[Cand] = []
    for c in sorted(set(spans), key=lambda x: (not x.required, -(x.end - x.start), x.start)):
        if all(c.end <= k.start or c.start >= k.end for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: (c.start, c.end))


def _merge(spans: Iterable[Cand]) -> list[Cand]:
    """Unsupported claims: overlapping spans become one, their reasons joined; required
    when any of them is."""
    out: list[Cand] = []
    for c in sorted(spans, key=lambda c: (c.start, c.end)):
        if out and c.start < out[-1].end:
            p = out[-1]
            reason = p.reason if c.reason in p.reason else f"{p.reason} {c.reason}"
            out[-1] = replace(p, end=max(p.end, c.end), reason=reason,
                              required=p.required or c.required,
                              source=p.source if p.source == c.source else LEARNED,
                              cue=p.cue or c.cue)
        else:
            out.append(c)
    return out
