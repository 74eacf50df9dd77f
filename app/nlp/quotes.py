"""Quotations in an article, and whose words they are.

Words inside quotation marks are the speaker's, not the writer's: a teacher does not
mark a loaded word the article reports someone saying as the article's loaded
language. This module finds each quotation (curly or straight, double or single, a
quotation running on to the end of its paragraph as in news style) and tells

- **speech**: someone's words, with a reporting verb ("Emery said", "Emery tweeted:",
  "according to Emery"); ``speaker`` is who, when the sentence names them (a pronoun
  is resolved to the last name before it);
- **scare**: a word or two in quotation marks inside the writer's own sentence, with no
  one saying them ("the 'Neutral' panel", "so-called “experts”") — scare quotes, or
  a name;
- **quoted**: anything else in quotation marks (a title, a slogan, words of someone
  the sentence does not name).

Offsets are characters of the text. spaCy objects are passed in; nothing is imported.
"""

from __future__ import annotations

import bisect
from typing import Any

from app.core.record import record


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


SPEECH, SCARE, QUOTED = "speech", "scare", "quoted"
SPEECH_VERBS = _words(
    "say said says tell told tweet tweeted tweets post posted posts write wrote writes "
    "add added adds ask asked asks declare declared insist insisted claim claimed argue "
    "argued explain explained reply replied respond responded note noted recall recalled "
    "joke joked quip quipped shout shouted scream screamed chant chanted warn warned "
    "complain complained announce announced state stated describe described report "
    "reported confirm confirmed allege alleged acknowledge acknowledged admit admitted "
    "deny denied predict predicted")
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_LEFT_SINGLE = frozenset(" \t\n([{“\"—–-/")


@record
class Quote:
    start: int  # first character inside the marks
    end: int  # end of the words inside the marks
    kind: str  # SPEECH, SCARE or QUOTED
    speaker: str = ""  # who says them, when the sentence names them
    words: int = 0

    def holds(self, s: int, e: int) -> bool:
        return self.start <= s and e <= self.end


def quote_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the words inside each pair of quotation marks, paragraph by
    paragraph; a quotation left open at the end of a paragraph ends there."""
    out: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        out += [(pos + s, pos + e) for s, e in _in_paragraph(para)]
        pos += len(para) + 1
    return sorted(out)


def _in_paragraph(p: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    double: int | None = None
    single: int | None = None
    n = len(p)
    for i, ch in enumerate(p):
        before = p[i - 1] if i else " "
        after = p[i + 1] if i + 1 < n else " "
        if ch == "“" or (ch == '"' and double is None):
            if double is None:
                double = i + 1
        elif ch in "”\"" and double is not None:
            found.append((double, i))
            double = single = None
        elif (ch == "‘" or ch == "'" and before in _LEFT_SINGLE) and after.isalnum() \
                and single is None:
            single = i + 1
        elif ch in "’'" and single is not None and not after.isalnum() \
                and not before.isspace():
            found.append((single, i))
            single = None
    if double is not None and n - double > 1:
        found.append((double, n))
    return [(s, e) for s, e in (_trim(p, s, e) for s, e in found) if e > s]


def _trim(p: str, s: int, e: int) -> tuple[int, int]:
    while s < e and not p[s].isalnum():
        s += 1
    while e > s and not p[e - 1].isalnum():
        e -= 1
    return s, e


def find_quotes(doc: Any) -> list[Quote]:
    """Every quotation of the parsed ``doc``, with its kind and speaker."""
    spans = quote_spans(doc.text)
    if not spans:
        return []
    starts = [t.idx for t in doc]
    names = _name_runs(doc)
    out: list[Quote] = []
    for s, e in spans:
        toks = list(doc[bisect.bisect_left(starts, s):bisect.bisect_left(starts, e)])
        if not toks:
            continue
        words = sum(1 for t in toks if not t.is_punct)
        verb = _reporting_verb(doc, toks, s, e)
        # someone's sentence, not a word or a name: several words, or a finite verb
        clause = words >= 4 or any(t.tag_ in _FINITE for t in toks)
        # a phrase quoted from what someone said ("…said the move was "a provocation"")
        reported = verb is not None and verb.lower_ != "according" and \
            verb.left_edge.i <= toks[0].i and toks[-1].i <= verb.right_edge.i
        if verb is not None and (clause or reported):
            out.append(Quote(s, e, SPEECH, _speaker(doc, verb, s, names), words))
            continue
        sent = toks[0].sent
        inside_sentence = any(not (s <= t.idx < e) and not t.is_punct for t in sent)
        named = all(t.pos_ == "PROPN" or t.is_punct for t in toks) and words > 1
        if words <= 4 and inside_sentence and not named and not clause:
            out.append(Quote(s, e, SCARE, "", words))
        else:
            out.append(Quote(s, e, QUOTED, "", words))
    return out


def _reporting_verb(doc: Any, toks: list[Any], s: int, e: int) -> Any | None:
    """The verb outside the quotation that reports it: in the sentence where the
    quotation starts or ends, or just after it ("…," Emery said.)."""
    sents = {toks[0].sent.start, toks[-1].sent.start}
    nxt = toks[-1].i + 1
    while nxt < len(doc) and doc[nxt].is_punct:
        nxt += 1
    if nxt < len(doc):
        sents.add(doc[nxt].sent.start)
    best = None
    for st in sorted(sents):
        for t in doc[st].sent:
            if s <= t.idx < e or t.pos_ not in ("VERB", "AUX"):
                continue
            if t.lemma_.lower() in SPEECH_VERBS or t.lower_ in SPEECH_VERBS:
                if best is None or abs(t.i - toks[0].i) < abs(best.i - toks[0].i):
                    best = t
    if best is None:
        for t in toks[0].sent:
            if t.lower_ == "according" and not (s <= t.idx < e):
                return t
    return best


def _speaker(doc: Any, verb: Any, quote_start: int,
             names: list[tuple[int, str]]) -> str:
    """Who the reporting verb's subject is: a name ("Emery", "Jane Doe"), a described
    person ("a spokesman"), or, for a pronoun, the last name the article gave before."""
    subj = None
    if verb.lower_ == "according":
        to = next((c for c in verb.children if c.lower_ == "to"), None)
        subj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    else:
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        return ""
    if subj.pos_ == "PRON":
        if subj.lower_ in ("i", "we"):
            return ""
        at = bisect.bisect_left(names, (quote_start, ""))
        return names[at - 1][1] if at else ""
    name = _name_at(doc, subj)
    if name:
        return name
    for c in subj.children:  # "spokesman Oleg Nikolenko", "a spokesman, John Kirby,"
        if c.dep_ in ("appos", "compound", "flat") and c.pos_ == "PROPN":
            name = _name_at(doc, c)
            if name:
                return name
    span = list(subj.subtree)[:6]
    text = " ".join(t.text for t in span)
    # "the company", "a spokesman": a description, not a name, keeps its small letter
    return text[0].lower() + text[1:] if span[0].pos_ == "DET" else text


def _name_at(doc: Any, tok: Any) -> str:
    """The run of proper nouns ending at ``tok`` ("Oleg Nikolenko"), or ""."""
    if tok.pos_ != "PROPN":
        return ""
    lo = tok.i
    while lo > 0 and doc[lo - 1].pos_ == "PROPN" and tok.i - lo < 3 and not doc[lo - 1].is_punct:
        lo -= 1
    while lo < tok.i and doc[lo + 1].text in ("'s", "’s"):
        lo += 1
    return " ".join(t.text for t in doc[lo:tok.i + 1])


def _name_runs(doc: Any) -> list[tuple[int, str]]:
    """(start, text) of every run of proper nouns (names, most often), in order."""
    out: list[tuple[int, str]] = []
    run: list[Any] = []
    for t in [*doc, None]:
        if t is not None and t.pos_ == "PROPN" and t.text[:1].isupper():
            run.append(t)
            continue
        if run:
            out.append((run[0].idx, " ".join(x.text for x in run[:4])))
        run = []
    return out
