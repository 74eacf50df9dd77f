"""Suggestions that learn from this teacher: a phrase model over the teacher's own keys.

From every lesson the instructor has keyed (``app.core.training``: spans accepted from a
suggestion, marked by hand, or rejected), the model learns

- **phrases** the teacher marks: the words of each loaded-language span (as lemmas:
  "neo-Nazi forces", "reckless provocation"), single words that the teacher's loaded
  spans share in three lessons or more, and sequences of two or three words that open
  the teacher's unsupported claims in two lessons or more ("parents are outraged",
  "experts warn that"); each is kept only if, in the teacher's own texts, it is marked
  where it occurs (at least half the time for loaded language, four times in five for
  claims);
- **cues the teacher keeps rejecting**: a rule (a lexicon entry, scare quotes, an
  intensifier) whose suggestions the teacher rejected at least twice and accepted
  less than a quarter of the time is not suggested again, nor a phrase rejected and
  never marked.

``PhraseModel.build`` takes a few hundred milliseconds for a dozen lessons (each
lesson's parse is cached by its text, so a key save re-parses one lesson), and applying
it adds a few milliseconds to ``suggest``. It is combined with the rules in
``app.nlp.suggest.suggest(text, nlp, model=...)``. Why a phrase model and not a spaCy
``spancat``: on the bundled lessons, leave one lesson out, the phrase model improves F1
on a dozen lessons of keys, where a span categorizer has far too few examples to learn
from (and would need a training loop, minutes of CPU and a model file per instructor);
see ``bench/suggest_bench.py``.

spaCy objects are passed in; nothing here imports spaCy.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from app.core.record import record
from app.core.training import ACCEPTED, MARKED, REJECTED, Reviewed, TrainingLesson, spans_for_key
from app.nlp.lexicon import Entry, Match

LOADED, UNSUPPORTED = "loaded_language", "unsupported_claim"
NAMES = {LOADED: "loaded language", UNSUPPORTED: "an unsupported claim"}
MAX_PHRASE = 6  # tokens of a loaded span learned as a whole phrase
CLAIM_GRAMS = 3  # longest word sequence learned as a claim cue
CLAIM_HEAD = 5  # ... taken from the first words of the teacher's claim spans
MIN_LESSONS_WORD = 3  # lessons in which a single loaded word must have been marked
MIN_PRECISION = {LOADED: 0.5, UNSUPPORTED: 0.8}
MIN_PRECISION_WORD = 0.6
SUPPRESS_AFTER = 2  # rejections of a rule's cue before it is not suggested again
SUPPRESS_BELOW = 0.25  # ... when it was accepted less often than this
_STOP = frozenset(str.split(
    "the a an of to in on at by for with from as and or but is are was were be been being "
    "it its this that these those he she they we you i his her their our your my not no "
    "have has had do does did will would can could may might must shall should there here "
    "who which what when where how than then so if into over about after before up down "
    "out off also just only very more most some any all each s 's"))
_CONTENT_POS = frozenset({"ADJ", "NOUN", "VERB", "ADV", "PROPN"})
# one-word claim cues are left to the rules, which check them (is the expert named?):
# learned alone they flagged every clause with "source" or "parent" in it
_CUE_POS: frozenset[str] = frozenset()


@record
class Parsed:
    """A training text as the model needs it: a key per token (its lemma, or None for
    punctuation), token offsets and parts of speech."""

    text: str
    keys: tuple[str | None, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    pos: tuple[str, ...]


@record
class Cue:
    label: str
    words: tuple[str, ...]  # the lemmas
    example: str  # the words of one span the teacher marked with it
    title: str  # the lesson it was marked in
    marked: int  # spans of the teacher's that hold it
    lessons: int  # lessons they are in
    required: bool  # most of those spans were required
    pos: frozenset[str] = frozenset()  # parts of speech where a one-word cue was marked


def token_key(tok: Any, lemmas: bool) -> str | None:
    if tok.is_punct or tok.is_space or tok.is_quote:
        return None
    return (tok.lemma_ if lemmas and tok.lemma_ else tok.text).lower()


_cache: dict[tuple[int, str, int], Parsed] = {}
_cache_lock = threading.Lock()


def parse(nlp: Any, text: str) -> Parsed:
    """The training text parsed once per pipeline and text (the suggestions' parse)."""
    from app.nlp.suggest import _SAME_LENGTH, _parse

    key = (id(nlp), text[:64], hash(text))
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    doc = _parse(nlp, text.translate(_SAME_LENGTH))
    lemmas = doc.has_annotation("LEMMA")
    out = Parsed(text, tuple(token_key(t, lemmas) for t in doc), tuple(t.idx for t in doc),
                 tuple(t.idx + len(t.text) for t in doc), tuple(t.pos_ for t in doc))
    with _cache_lock:
        if len(_cache) > 500:
            _cache.clear()
        _cache[key] = out
    return out


def _tokens_in(p: Parsed, start: int, end: int) -> list[int]:
    return [i for i, (s, e) in enumerate(zip(p.starts, p.ends, strict=True))
            if s >= start and e <= end and p.keys[i] is not None]


def _content(words: Sequence[str]) -> bool:
    return any(w not in _STOP and any(c.isalpha() for c in w) for w in words)


class PhraseModel:
    """What was learned from the teacher's keys (see the module's docstring)."""

    def __init__(self, cues: dict[str, list[Cue]], suppressed: set[tuple[str, str]],
                 rejected: set[tuple[str, tuple[str, ...]]], lessons: int, spans: int) -> None:
        self.cues = cues
        self.suppressed = suppressed
        self.rejected = rejected
        self.lessons = lessons
        self.spans = spans
        first: dict[str, list[Cue]] = defaultdict(list)
        for cs in cues.values():
            for c in cs:
                first[c.words[0]].append(c)
        self._first = {k: sorted(v, key=lambda c: -len(c.words)) for k, v in first.items()}

    def __repr__(self) -> str:
        n = sum(map(len, self.cues.values()))
        return (f"PhraseModel({self.lessons} lessons, {self.spans} spans: {n} phrases, "
                f"{len(self.suppressed)} cues set aside)")

    @property
    def empty(self) -> bool:
        return not any(self.cues.values()) and not self.suppressed and not self.rejected

    # -- learning -------------------------------------------------------------------------
    @classmethod
    def build(cls, nlp: Any, lessons: Sequence[TrainingLesson]) -> PhraseModel:
        parsed = [(le, parse(nlp, le.text)) for le in lessons if le.text.strip()]
        positive: dict[str, list[tuple[int, Parsed, list[int], bool, str]]] = defaultdict(list)
        covered: dict[tuple[int, str], set[int]] = defaultdict(set)
        verdicts: Counter[tuple[str, str, str]] = Counter()
        rejected_phrases: Counter[tuple[str, tuple[str, ...]]] = Counter()
        spans = 0
        for n, (le, p) in enumerate(parsed):
            for s in le.spans:
                spans += 1
                toks = _tokens_in(p, s.start, s.end)
                if not toks:
                    continue
                if s.cue:
                    verdicts[(s.label, s.cue, s.verdict)] += 1
                if s.verdict == REJECTED:
                    rejected_phrases[(s.label, tuple(p.keys[i] for i in toks))] += 1
                    continue
                # where a cue counts as marked: the whole span of loaded language, the
                # opening words of a claim (its attribution), not the claim's every word
                region = toks if s.label != UNSUPPORTED else toks[:CLAIM_HEAD]
                covered[(n, s.label)].update(range(region[0], region[-1] + 1))
                positive[s.label].append((n, p, toks, s.required, le.title))
        cues: dict[str, list[Cue]] = {}
        for label, spans_ in positive.items():
            cands = _candidates(label, spans_)
            counts = _occurrences(cands, parsed)
            kept = []
            for words, info in cands.items():
                occ = counts.get(words, [])
                inside = sum(1 for n, i in occ if i in covered[(n, label)])
                # marked more often than not where it occurs in the teacher's own texts
                least = MIN_PRECISION_WORD if len(words) == 1 else MIN_PRECISION[label]
                if not occ or inside < least * len(occ):
                    continue
                kept.append(replace(info, marked=max(info.marked, inside)))
            cues[label] = kept
        suppressed = set()
        for (label, cue, verdict), n in verdicts.items():
            if verdict != REJECTED or n < SUPPRESS_AFTER:
                continue
            took = verdicts[(label, cue, ACCEPTED)] + verdicts[(label, cue, MARKED)]
            if took < SUPPRESS_BELOW * (took + n):
                suppressed.add((label, cue))
        positives = {(label, tuple(p.keys[i] for i in toks))
                     for label, sp in positive.items() for _, p, toks, _, _ in sp}
        rejected = {k for k in rejected_phrases if k not in positives}
        return cls(cues, suppressed, rejected, len(parsed), spans)

    # -- applying ---------------------------------------------------------------------------
    def apply(self, doc: Any, text: str, found: dict[str, list[Any]]) -> dict[str, list[Any]]:
        """``found`` (the rules' candidates per label) without what the teacher keeps
        rejecting, plus the learned suggestions."""
        lemmas = doc.has_annotation("LEMMA")
        keys = [token_key(t, lemmas) for t in doc]
        starts = [t.idx for t in doc]
        out: dict[str, list[Any]] = {}
        for label, cands in found.items():
            out[label] = [c for c in cands if not self._rejects(label, c, keys, starts, doc)]
        for label, cands in self._matches(doc, keys).items():
            out.setdefault(label, []).extend(cands)
        return out

    def _rejects(self, label: str, c: Any, keys: list[str | None], starts: list[int],
                 doc: Any) -> bool:
        if getattr(c, "source", "rules") != "rules":
            return False
        if c.cue and (label, c.cue) in self.suppressed:
            return True
        words = tuple(k for t, k in zip(doc, keys, strict=True)
                      if k is not None and c.start <= t.idx < c.end)
        return (label, words) in self.rejected

    def _matches(self, doc: Any, keys: list[str | None]) -> dict[str, list[Any]]:
        from app.nlp.clauses import claim_span
        from app.nlp.suggest import LEARNED, Cand, _phrase_around

        parsed = doc.has_annotation("DEP")
        out: dict[str, list[Any]] = defaultdict(list)
        content = [(i, k) for i, k in enumerate(keys) if k is not None]
        for n, (i, k) in enumerate(content):
            for cue in self._first.get(k, ()):
                length = len(cue.words)
                got = content[n:n + length]
                if len(got) < length or tuple(x for _, x in got) != cue.words:
                    continue
                if length == 1 and cue.pos and doc[i].pos_ not in cue.pos:
                    continue
                lo, hi = got[0][0], got[-1][0]
                if cue.label == UNSUPPORTED:
                    entry = Entry(cue.words, "learned", _claim_reason(cue))
                    m = Match(lo, hi + 1, entry)
                    lo, hi = claim_span(doc, m, doc[lo].sent, parsed)
                elif length == 1 and parsed:
                    lo, hi = _phrase_around(doc, lo, hi)
                s, e = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
                reason = _claim_reason(cue) if cue.label == UNSUPPORTED else _loaded_reason(cue)
                out[cue.label].append(Cand(s, e, reason, cue.required, " ".join(cue.words),
                                           LEARNED))
                break
        return out


def _loaded_reason(c: Cue) -> str:
    more = (f" (you marked it {c.marked} times in {c.lessons} lessons)" if c.marked > 1
            else "")
    return (f"Learned from your keys: you marked ‘{c.example}’ as {NAMES.get(c.label, c.label)} "
            f"in “{c.title}”{more}.")


def _claim_reason(c: Cue) -> str:
    words = " ".join(c.words)
    return (f"Learned from your keys: spans with ‘{words}’ are ones you mark as "
            f"{NAMES.get(c.label, c.label)} (for example ‘{c.example}’ in “{c.title}”); "
            "check who says so and what the reader can verify.")


def _candidates(label: str, spans: Sequence[tuple[int, Parsed, list[int], bool, str]]
                ) -> dict[tuple[str, ...], Cue]:
    """Phrases and words the teacher's spans of ``label`` hold, each with how many spans
    and lessons hold it."""
    found: dict[tuple[str, ...], list[tuple[int, bool, str, str, str]]] = defaultdict(list)
    for n, p, toks, required, title in spans:
        words = [p.keys[i] for i in toks]
        example = _text_of(p, toks)
        grams: set[tuple[tuple[str, ...], str]] = set()
        if label == UNSUPPORTED:
            head = toks[:CLAIM_HEAD]
            for size in range(1, CLAIM_GRAMS + 1):
                for a in range(len(head) - size + 1):
                    g = tuple(words[a:a + size])
                    if size == 1 and (g[0] in _STOP or p.pos[head[a]] not in _CUE_POS):
                        continue
                    if _content(g):
                        grams.add((g, p.pos[head[a]] if size == 1 else ""))
        else:
            if len(toks) <= MAX_PHRASE and _content(words):
                grams.add((tuple(words), ""))
            for i, w in zip(toks, words, strict=True):
                if w not in _STOP and p.pos[i] in _CONTENT_POS and len(w) > 2:
                    grams.add(((w,), p.pos[i]))
        for g, pos in grams:
            found[g].append((n, required, title, example, pos))
    out = {}
    for g, hits in found.items():
        lessons = {n for n, *_ in hits}
        if len(g) == 1 and len(lessons) < MIN_LESSONS_WORD:
            continue  # one word alone, marked in one lesson: too weak to generalise
        if label == UNSUPPORTED and len(lessons) < 2:
            continue
        req = sum(1 for _, r, *_ in hits if r)
        _, _, title, example, _ = hits[0]
        pos = frozenset(p for *_, p in hits if p)
        out[g] = Cue(label, g, example, title, len(hits), len(lessons), req * 2 >= len(hits),
                     pos)
    return out


def _occurrences(cands: dict[tuple[str, ...], Cue], parsed: Sequence[tuple[Any, Parsed]]
                 ) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """Where each candidate occurs in the teacher's texts: (lesson, first token)."""
    if not cands:
        return {}
    lengths = sorted({len(g) for g in cands})
    out: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    for n, (_, p) in enumerate(parsed):
        content = [(i, k) for i, k in enumerate(p.keys) if k is not None]
        words = [k for _, k in content]
        for a in range(len(content)):
            for size in lengths:
                g = tuple(words[a:a + size])
                if len(g) == size and g in cands:
                    out[g].append((n, content[a][0]))
    return out


def _text_of(p: Parsed, toks: Sequence[int]) -> str:
    return " ".join(p.text[p.starts[toks[0]]:p.ends[toks[-1]]].split())


def simulate_review(lesson: Any, suggestions: Iterable[Any]) -> TrainingLesson:
    """The training an instructor's review of ``lesson`` would leave: each suggestion
    overlapping a key span of its category accepted (the key span, with the
    suggestion's cue), each other one rejected, the key spans no suggestion found
    marked by hand. For the benchmark and tests."""
    key = tuple(lesson.key or ())
    accepted: list[Reviewed] = []
    rejected: list[Reviewed] = []
    for s in suggestions:
        hit = next((k for k in key if k.label == s.label and k.start < s.end
                    and s.start < k.end), None)
        if hit is None:
            rejected.append(Reviewed(s.start, s.end, s.label, s.cue))
        elif not any((a.start, a.end, a.label) == (hit.start, hit.end, hit.label)
                     for a in accepted):
            accepted.append(Reviewed(hit.start, hit.end, hit.label, s.cue))
    return TrainingLesson(lesson.id, lesson.title, lesson.text,
                          spans_for_key(lesson.text, key, accepted, rejected))
