"""Candidate ``unsupported_claim`` spans from the sentence's structure.

Cues come from the vague-attribution lexicon (anonymous sources, unnamed authorities,
hedges, evidence named but not shown, certainty, absence used as proof), plus one
pattern of the parse (a country or institution said to fear or want something). Each
cue is checked here (is the authority unnamed, does it report?) and widened to its
clause by ``app.nlp.clauses``.
"""

from __future__ import annotations

from typing import Any

from app.core.record import record
from app.nlp import lexicon
from app.nlp.clauses import SUBJ, claim_span, head_of
from app.nlp.lexicon import Match, verb_list

# cue kinds flagged wherever they occur; the others need a check
ALWAYS = frozenset({"hedge", "evidence", "anonymity", "certainty", "absence", "verdict"})
WEAK = frozenset({"sweeping", "collective"})  # flagged only beside another cue
VERB_KINDS = ("verb", "motive", "mind")  # verb lists, never matched alone
COLLECTIVE_ENTS = frozenset({"GPE", "ORG", "NORP"})
DOCUMENTS = frozenset({"report", "study", "estimate", "claim", "rumour", "rumor", "account",
                       "research", "assessment", "document"})
NOT_PEOPLE = frozenset({"energy", "power", "water", "food", "income", "light", "heat",
                        "open", "revenue", "funding", "data", "primary", "secondary",
                        "renewable", "fuel", "protein", "information", "news"})
FUNCTION_AFTER = frozenset({"who", "with", "within", "from", "in", "at", "close", "familiar",
                            "for", "of", "inside", "told", "say", "said", "says"})


@record
class Claim:
    start: int  # characters
    end: int
    reason: str
    cue: str = ""  # the lexicon entry (its base form) or pattern that set it off


@record
class Cue:
    match: Match
    quote: str  # the words the reason quotes

    @property
    def kind(self) -> str:
        return self.match.entry.kind


def find_claims(doc: Any, nlp: Any) -> list[Claim]:
    """Unsupported-claim candidates in ``doc`` (may overlap; the caller merges)."""
    matches = lexicon.matcher_for(nlp, lexicon.VAGUE_FILE, skip_kinds=VERB_KINDS)(doc)
    parsed = doc.has_annotation("DEP")
    out: list[Claim] = []
    for sent in doc.sents:
        cues = [m for m in matches if sent.start <= m.start < sent.end]
        checked = [c for c in (_check(doc, m, parsed) for m in cues) if c is not None]
        if parsed:
            checked += _motives(doc, sent, checked)
        weak = {c.kind for c in checked if c.kind in WEAK}
        if not any(c.kind not in WEAK for c in checked) and len(weak) < 2:
            continue
        spans = []
        for cue in checked:
            spans.append((cue, *claim_span(doc, cue.match, sent, parsed)))
        strong = [(lo, hi) for cue, lo, hi in spans if cue.kind not in WEAK]
        for cue, lo, hi in spans:
            if cue.kind in WEAK and strong and not any(lo <= b and a <= hi for a, b in strong):
                continue  # a weak cue only adds its reason to a claim found otherwise
            out.append(Claim(doc[lo].idx, doc[hi].idx + len(doc[hi].text),
                             cue.match.entry.reason_for(cue.quote),
                             cue.match.entry.forms[0] if cue.kind not in ("motive", "mind")
                             else cue.kind))
    return out


# -- checking a cue ---------------------------------------------------------------------

def _check(doc: Any, m: Match, parsed: bool) -> Cue | None:
    kind = m.entry.kind
    text = doc[m.start:m.end].text
    if kind in ALWAYS or kind == "sweeping":
        return Cue(m, text)
    if kind == "causation":  # "largely responsible": unless the sentence says who says so
        sent = doc[m.start].sent
        return None if _attributed(sent) else Cue(m, text)
    if kind == "collective":
        if not parsed:
            return None
        n = head_of(doc, m)
        v = n.head
        if n.dep_ not in SUBJ or v.pos_ not in ("VERB", "AUX") or _prescriptive(v):
            return None
        return Cue(m, text)
    if kind not in ("source", "authority"):
        return None
    if not parsed:
        return Cue(m, text) if _flat_person_cue(doc, m, kind) else None
    n = head_of(doc, m)
    if n.pos_ not in ("NOUN", "PROPN", "PRON", "ADJ", "DET", "NUM") or _named(n):
        return None
    if n.pos_ == "ADJ" and n.dep_ == "amod":
        return None  # "official figures", "critical analysts"
    if kind == "source":
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in n.children):
            return None  # "sources of income", "the source of the leak"
        if any(c.dep_ in ("compound", "amod") and c.lower_ in NOT_PEOPLE for c in n.children):
            return None
        if n.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that")
                                  or c.lower_ == "same" for c in n.children):
            return None  # "the source said": a source already introduced
        return Cue(m, _np_quote(doc, n))
    if n.lemma_.lower() in DOCUMENTS and _specific(n):
        return None
    if _affiliated(n):
        return None
    return Cue(m, _np_quote(doc, n)) if _reports(n) else None


def _affiliated(n: Any) -> bool:
    """Named by their institution, which the reader can check: "scientists at the
    University of Oslo", "analysts from Reuters"."""
    return any(c.dep_ == "prep" and c.i > n.i and c.lower_ in ("at", "from", "of")
               and any(t.pos_ == "PROPN" for t in c.subtree) for c in n.children)


def _specific(n: Any) -> bool:
    """A document the reader could find: "the department's 2023 report", "a Reuters
    study", "this report" (one already introduced)."""
    if any(c.dep_ == "poss" for c in n.children):
        return True
    near = list(n.doc[n.left_edge.i:n.i])
    for c in n.children:
        if c.dep_ == "prep" and c.i > n.i and c.lower_ in ("by", "from", "of", "in"):
            near += list(c.subtree)
    if any(t.pos_ in ("PROPN", "NUM") for t in near):
        return True
    return n.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that")
                                  for c in n.children)


def _motives(doc: Any, sent: Any, cues: list[Cue]) -> list[Cue]:
    """A country, an institution, a bloc, or "they" and a group of people said to fear,
    want, intend or know something ("They know that the policy will fail"), in a
    sentence that gives no source for it."""
    lemmas, forms = verb_list("motive")
    mind_lemmas, mind_forms = verb_list("mind")
    entries = {e.kind: e for e in lexicon.vague_entries() if e.kind in ("motive", "mind")}
    if "motive" not in entries or _attributed(sent):
        return []
    out = []
    for v in sent:
        if v.pos_ != "VERB":
            continue
        low, lem = v.lower_, v.lemma_.lower()
        mind = lem in mind_lemmas or low in mind_forms
        if not (mind or lem in lemmas or low in forms):
            continue
        if mind and not any(c.dep_ == "ccomp" for c in v.children):
            continue  # "they know the town well": no claim about what they think
        for c in v.children:
            if c.dep_ != "nsubj":
                continue
            group = _group(c)
            if _proper_non_person(c) or group or any(
                    cu.kind == "collective" and cu.match.start <= c.i < cu.match.end
                    for cu in cues):
                if mind and not group:
                    continue
                lo = c.left_edge.i
                entry = entries["mind" if mind else "motive"]
                out.append(Cue(Match(lo, v.i + 1, entry), doc[lo:c.i + 1].text))
    return out


def _group(t: Any) -> bool:
    """"They", or a plural group of people named by a common noun ("liberals",
    "the activists"), not a named or counted one."""
    if t.pos_ == "PRON":
        return t.lower_ == "they"
    return (t.tag_ == "NNS" and t.pos_ == "NOUN" and not _named(t)
            and not any(c.like_num or c.dep_ == "nummod" for c in t.children))


SAYING = frozenset({"say", "tell", "report", "write", "add", "note", "claim", "argue",
                    "state", "confirm", "announce", "explain", "insist", "warn", "estimate",
                    "tweet", "post", "testify", "conclude", "find", "show", "acknowledge",
                    "admit", "allege", "contend", "assert", "maintain", "suggest"})


def _attributed(sent: Any) -> bool:
    """The sentence says who says so: a verb of saying with a subject ("police said"),
    or "according to" (a verb of knowing or wanting is no source)."""
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            return True
        if (t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in SAYING
                and any(c.dep_ in SUBJ for c in t.children)):
            return True
    return False


def _prescriptive(v: Any) -> bool:
    """"The West must act": advice, not a claim of fact."""
    return any(c.dep_ == "aux" and c.lower_ in ("must", "should", "ought", "shall")
               for c in v.children)


def _proper_non_person(t: Any) -> bool:
    """A proper noun that is not a person's name (a country, a capital, an institution);
    without entity recognition, any proper noun."""
    return t.pos_ == "PROPN" and (t.ent_type_ in COLLECTIVE_ENTS or not t.doc.has_annotation(
        "ENT_IOB"))


def _named(n: Any) -> bool:
    """An identified person goes with the noun: a name inside it or beside it
    ("Yang Uk, a specialist", "spokesman John Kirby")."""
    if any(t.ent_type_ == "PERSON" for t in n.subtree):
        return True
    if n.dep_ in ("compound", "nmod") and n.head.pos_ == "PROPN" and n.head.i > n.i:
        return True
    if any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in n.children):
        return True
    return n.dep_ == "appos" and n.head.pos_ == "PROPN"


def _is_report_verb(v: Any) -> bool:
    lemmas, forms = verb_list("verb")
    return v.pos_ in ("VERB", "AUX") and (v.lemma_.lower() in lemmas or v.lower_ in forms)


def _reports(n: Any) -> bool:
    """The unnamed authority says something: subject or agent of a reporting verb,
    after "according to", or with a reporting relative clause ("experts who warn")."""
    x = n
    while x.dep_ == "conj" and x.head.i != x.i:
        x = x.head
    if x.dep_ in SUBJ and _is_report_verb(x.head):
        return True
    if x.dep_ == "pobj":
        p = x.head
        if p.dep_ == "agent" and _is_report_verb(p.head):
            return True
        if p.lower_ == "to" and p.head.lower_ == "according":
            return True
        if p.lower_ in ("among", "by") and _is_report_verb(p.head):
            return True
    if x.dep_ == "dobj" and x.lemma_.lower() in DOCUMENTS and _is_report_verb(x.head):
        return True  # "has confirmed reports": which reports?
    return any(c.dep_ in ("relcl", "acl") and _is_report_verb(c) for c in x.children)


def _np_quote(doc: Any, n: Any) -> str:
    """The noun phrase of a source for the reason: "insiders with privileged access"."""
    lo = n.left_edge.i
    hi = n.i
    for c in n.rights:
        if c.dep_ in ("prep", "amod", "acl", "compound") and c.right_edge.i - lo < 10:
            hi = c.right_edge.i
        else:
            break
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].dep_ in ("case", "cc")):
        lo += 1
    return doc[lo:hi + 1].text


def _flat_person_cue(doc: Any, m: Match, kind: str) -> bool:
    """Without a parse: a source or authority noun that reports, is reported by, or is
    introduced by "according to" (a few words either side)."""
    _, forms = verb_list("verb")
    after = [t.lower_ for t in doc[m.end:m.end + 3] if not t.is_punct]
    before = [t.lower_ for t in doc[max(0, m.start - 4):m.start]]
    if "according" in before or (before and before[-1] == "by"):
        return True
    if after and (after[0] in forms or (len(after) > 1 and after[1] in forms)):
        return True
    if kind == "source":  # "sources within the ministry", "insiders who ..."
        nxt = doc[m.end].lower_ if m.end < len(doc) else ""
        return nxt in FUNCTION_AFTER or nxt in ("", ".", ",")
    return False
