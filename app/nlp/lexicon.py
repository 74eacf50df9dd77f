"""The curated lexicons in ``assets/lexicons/`` and spaCy phrase matchers over them.

A lexicon is a tab-separated file: ``phrase<TAB>kind<TAB>reason[<TAB>optional]``;
``phrase`` holds the forms of one entry separated by ``|``, ``reason`` one sentence in
which ``{quote}`` becomes the matched words; the fourth column ``optional`` marks words
loaded in one use and descriptive in another (suggested as optional key spans). A word
of a form ending in ``*`` is a stem: ``indoctrinat*`` matches indoctrinate,
indoctrinated, indoctrinating, indoctrination. Lines starting with ``#`` are comments.
spaCy is imported only inside functions.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from app import paths
from app.core.record import record

LOADED_FILE = "loaded_language.tsv"
VAGUE_FILE = "vague_attribution.tsv"


@record
class Entry:
    forms: tuple[str, ...]  # lower-case; the first is the base form
    kind: str  # the technique (loaded) or the cue kind (vague attribution)
    reason: str  # with "{quote}"
    optional: bool = False  # loaded in one use, descriptive in another

    def reason_for(self, quote: str) -> str:
        q = " ".join(quote.split())
        return self.reason.replace("{quote}", q)


@record
class Match:
    start: int  # token index
    end: int  # token index, exclusive
    entry: Entry


def parse_lexicon(lines: Iterable[str], source: str = "lexicon") -> list[Entry]:
    """Parse lexicon lines; a malformed line raises ``ValueError`` naming it."""
    out: list[Entry] = []
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\n\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) not in (3, 4) or not all(c.strip() for c in cols[:3]) or (
                len(cols) == 4 and cols[3].strip() not in ("optional", "")):
            raise ValueError(f"{source}, line {n}: expected phrase<TAB>kind<TAB>reason"
                             "[<TAB>optional]")
        forms = tuple(dict.fromkeys(v for f in cols[0].split("|") if f.strip()
                                    for v in _spellings(f.strip().lower())))
        if any(w.endswith("*") and len(w) < 5 for f in forms for w in f.split()):
            raise ValueError(f"{source}, line {n}: a stem needs at least four letters")
        out.append(Entry(forms, cols[1].strip(), cols[2].strip(),
                         len(cols) == 4 and cols[3].strip() == "optional"))
    return out


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# never a spaced twin of a hyphenated form with one of these: "would-be" is not the modal
# "would be", "so-called" not "so called"
_FUNCTION_WORDS = _words("would could should might must will shall can may be been being is "
                            "are was were am do did so to the a an of in on at by for it as "
                            "not no well self")


def _spellings(form: str) -> tuple[str, ...]:
    """A form and its hyphenated or spaced twin: "far right" / "far-right" (not when a
    part is a function word: "would-be" never becomes the modal "would be")."""
    words = form.split()
    parts = form.split("-")
    if "*" in form:
        return (form,)
    if len(words) == 2 and "-" not in form and not set(words) & _FUNCTION_WORDS:
        return form, "-".join(words)
    if (form.count("-") == 1 and " " not in form and all(parts)
            and not set(parts) & _FUNCTION_WORDS):
        return form, form.replace("-", " ")
    return (form,)


@lru_cache(maxsize=8)
def load_lexicon(name: str, folder: str | None = None) -> tuple[Entry, ...]:
    path = Path(folder) if folder else paths.lexicons_dir()
    f = path / name
    with open(f, encoding="utf-8") as fh:
        return tuple(parse_lexicon(fh, source=str(f)))


def loaded_entries() -> tuple[Entry, ...]:
    return load_lexicon(LOADED_FILE)


def vague_entries() -> tuple[Entry, ...]:
    return load_lexicon(VAGUE_FILE)


@lru_cache(maxsize=8)
def verb_list(kind: str = "verb") -> tuple[frozenset[str], frozenset[str]]:
    """(base forms, all forms) of the vague-attribution entries of ``kind`` (verb lists
    such as the reporting verbs)."""
    verbs = [e for e in vague_entries() if e.kind == kind]
    return (frozenset(e.forms[0] for e in verbs),
            frozenset(f for e in verbs for f in e.forms))


def has_lemmas(nlp: Any) -> bool:
    return "lemmatizer" in getattr(nlp, "pipe_names", ())


class LexiconMatcher:
    """Phrase matchers over one lexicon for one pipeline: every form on ``LOWER``, and,
    when the pipeline has a lemmatizer, the base form on ``LEMMA`` (so "demonizes"
    matches "demonize"); forms with a stem (``indoctrinat*``) through a token matcher."""

    def __init__(self, nlp: Any, entries: Iterable[Entry]) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.entries = tuple(entries)
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(nlp.vocab, attr="LEMMA") if has_lemmas(nlp) else None
        self._stems = Matcher(nlp.vocab)
        self._by_key: dict[int, Entry] = {}
        make = nlp.tokenizer
        for i, e in enumerate(self.entries):
            key = f"lex{id(self)}-{i}"
            plain = [f for f in e.forms if "*" not in f]
            stemmed = [f for f in e.forms if "*" in f]
            if plain:
                self._lower.add(key, [make(f) for f in plain])
            if stemmed:
                self._stems.add(key, [_stem_pattern(make, f) for f in stemmed])
            if self._lemma is not None and plain and plain[0] == e.forms[0]:
                doc = make(e.forms[0])
                for tok in doc:
                    tok.lemma_ = tok.lower_
                self._lemma.add(key, [doc])
            self._by_key[nlp.vocab.strings[key]] = e

    def __call__(self, doc: Any) -> list[Match]:
        """Matches, longest first where they overlap, in text order."""
        raw = list(self._lower(doc))
        if len(self._stems):
            raw += list(self._stems(doc))
        if self._lemma is not None:
            raw += list(self._lemma(doc))
        found = {(s, e, k) for k, s, e in raw}
        return longest_first([Match(s, e, self._by_key[k]) for s, e, k in found])


def _stem_pattern(make: Any, form: str) -> list[dict[str, Any]]:
    """Token patterns of a form whose words may be stems: ``indoctrinat* children``."""
    import re

    out: list[dict[str, Any]] = []
    for word in form.split():
        if word.endswith("*"):
            out.append({"LOWER": {"REGEX": f"^{re.escape(word[:-1])}"}})
        else:
            out.extend({"LOWER": t.lower_} for t in make(word))
    return out


def longest_first(matches: Iterable[Match]) -> list[Match]:
    """Keep the longest of overlapping matches (earlier first on ties), in text order."""
    taken: list[Match] = []
    used: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if used.isdisjoint(range(m.start, m.end)):
            taken.append(m)
            used.update(range(m.start, m.end))
    return sorted(taken, key=lambda m: m.start)


_cache: weakref.WeakKeyDictionary[Any, dict[str, LexiconMatcher]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def matcher_for(nlp: Any, name: str, skip_kinds: tuple[str, ...] = ()) -> LexiconMatcher:
    """The (cached) matcher of lexicon ``name`` for pipeline ``nlp``, leaving out the
    entries of ``skip_kinds``."""
    with _cache_lock:
        per = _cache.setdefault(nlp, {})
        key = f"{name}:{','.join(skip_kinds)}"
        if key not in per:
            entries = [e for e in load_lexicon(name) if e.kind not in skip_kinds]
            per[key] = LexiconMatcher(nlp, entries)
        return per[key]
