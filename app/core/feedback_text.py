"""Feedback in words a 14-year-old understands, for the screen and the PDF alike.

pedagogy.md, "Feedback a student can use": what they did well before what they missed;
counts ("7 of 9") before any percentage; required and optional passages kept apart;
an extra highlight is never shamed — the key's view and why; over-highlighting named
("most of this highlight is ordinary reporting"). Every count here adds up: found +
partly found + missed = required, and matching + other category + not in the key = the
student's highlights. Pure Python: the Qt view and the PDF report both call it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core.lessons import Category
from app.core.record import record
from app.core.scoring import HighlightResult, KeyResult, Report

PLURALS = {"unsupported_claim": "unsupported claims", "loaded_language": "loaded phrases"}
WIDE_INSIDE = 0.5  # a matching highlight with less than this inside the key is "wide"

# display statuses: the key's spans (found, partial, missed, wrong_label, optional) and
# the student's highlights (match, wrong_label, extra); one symbol and words for each
STATUS_SYMBOL = {"found": "✓", "partial": "◐", "missed": "✗", "wrong_label": "↔",
                 "optional": "○", "match": "✓", "extra": "+"}
STATUS_WORDS = {
    "found": "found",
    "partial": "partly found",
    "missed": "missed",
    "wrong_label": "marked with another category",
    "optional": "optional, not marked — no penalty",
    "match": "in the key",
    "extra": "not in the key",
}
KEY_STATUSES = ("found", "partial", "missed", "wrong_label", "optional")
HIGHLIGHT_STATUSES = ("match", "wrong_label", "extra")


def tag(status: str) -> str:
    """"✓ found", "○ optional, not marked — no penalty", …"""
    return f"{STATUS_SYMBOL[status]} {STATUS_WORDS[status]}"


def plural(cat: Category) -> str:
    return PLURALS.get(cat.id, f"“{cat.name.lower()}” passages")


def _n(k: int, one: str, many: str | None = None) -> str:
    return f"{k} {one if k == 1 else (many or one + 's')}"


@record
class Counts:
    """Everything the words count, from one report (optionally one category)."""

    required: int = 0
    found: int = 0
    partial: int = 0
    missed: int = 0  # found + partial + missed == required
    wrong_on_required: int = 0  # of the missed: marked, but with another category
    optional: int = 0
    optional_marked: int = 0  # optional key spans with any of their words highlighted
    highlights: int = 0
    matched: int = 0
    wrong_label: int = 0
    extra: int = 0  # matched + wrong_label + extra == highlights
    wide: int = 0  # of the matched: mostly outside the key


def key_status(report: Report, k: KeyResult) -> str:
    """How the feedback shows a key span: ``found``/``partial`` as scored; an unmarked
    optional span is ``optional`` (never "missed"); a missed span that the student
    marked with another category is ``wrong_label``."""
    if k.status != "missed":
        return k.status
    if not k.span.required:
        return "optional"
    if any(h.status == "wrong_label" and h.span.label != k.span.label
           and h.span.start < k.span.end and k.span.start < h.span.end
           for h in report.highlights):
        return "wrong_label"
    return "missed"


def counts(report: Report, label: str | None = None) -> Counts:
    keys = [k for k in report.key if label is None or k.span.label == label]
    mine = [h for h in report.highlights if label is None or h.span.label == label]
    req = [k for k in keys if k.span.required]
    opt = [k for k in keys if not k.span.required]
    shown = [key_status(report, k) for k in req]
    return Counts(
        required=len(req),
        found=sum(k.status == "found" for k in req),
        partial=sum(k.status == "partial" for k in req),
        missed=sum(k.status == "missed" for k in req),
        wrong_on_required=sum(s == "wrong_label" for s in shown),
        optional=len(opt),
        optional_marked=sum(k.status != "missed" for k in opt),
        highlights=len(mine),
        matched=sum(h.status == "match" for h in mine),
        wrong_label=sum(h.status == "wrong_label" for h in mine),
        extra=sum(h.status == "extra" for h in mine),
        wide=sum(is_wide(h) for h in mine),
    )


def is_wide(h: HighlightResult) -> bool:
    return h.status == "match" and h.inside < WIDE_INSIDE


def found_sentence(c: Counts) -> str:
    """"You found 7 of 9 required passages, and 2 of 5 optional ones." and, after the
    praise, what is left: "You partly found 1 more and missed 1." """
    opt = (f", and {c.optional_marked} of {c.optional} optional "
           f"{'one' if c.optional == 1 else 'ones'}" if c.optional else "")
    if c.required == 0:
        head = "The key marks no passage you had to find here"
        if c.optional:
            head += f"; you marked {c.optional_marked} of its {_n(c.optional, 'optional one')}"
        return head + "."
    if c.found == 0 and c.partial == 0:
        them = "it" if c.required == 1 else "them"
        text = (f"You did not find the key's {_n(c.required, 'required passage')} this time"
                + (f"; you marked {c.optional_marked} of its {_n(c.optional, 'optional one')}"
                   if c.optional else "")
                + f". The article marks {them} ✗, and the list beside it explains {them}.")
        return text
    if c.found == 0:
        text = (f"You partly found {c.partial} of {c.required} required "
                f"passage{'s' * (c.required != 1)}{opt}.")
        return text + (f" You missed {c.missed}." if c.missed else "")
    text = f"You found {c.found} of {c.required} required passage{'s' * (c.required != 1)}{opt}."
    rest = []
    if c.partial:
        rest.append(f"partly found {c.partial} more")
    if c.missed:
        rest.append(f"missed {c.missed}")
    if rest:
        text += " You " + " and ".join(rest) + "."
    elif c.found == c.required:
        text += " You missed none."
    return text


BESIDE = "the list beside the article"


def highlights_sentence(c: Counts, where: str = BESIDE) -> str:
    """What became of the student's own highlights; false alarms counted kindly."""
    if c.highlights == 0:
        return "You made no highlights in this attempt."
    if c.matched == c.highlights:
        return ("Your highlight is in the key." if c.highlights == 1 else
                f"All {c.highlights} of your highlights are in the key.")
    parts = [f"{c.matched} of your {_n(c.highlights, 'highlight')} "
             f"{'matches' if c.matched == 1 else 'match'} the key."]
    if c.wrong_label:
        parts.append(f"{c.wrong_label} {'is' if c.wrong_label == 1 else 'are'} on a passage "
                     "the key marks with another category.")
    if c.extra:
        parts.append(f"{c.extra} of your highlights mark{'s' * (c.extra == 1)} words the key "
                     f"leaves alone — {where} says why the key leaves "
                     f"{'it' if c.extra == 1 else 'them'}.")
    return " ".join(parts)


def wide_sentence(c: Counts) -> str:
    if not c.wide:
        return ""
    if c.wide == 1:
        return ("One of your matching highlights is much longer than the key's passage: most "
                "of this highlight is ordinary reporting (marked ⚠).")
    return (f"{c.wide} of your matching highlights are much longer than the key's passages: "
            "most of each is ordinary reporting (marked ⚠).")


def headline(report: Report) -> str:
    s = report.score
    if s >= 85:
        return "Excellent close reading."
    if s >= 65:
        return "Good work — you caught most of it."
    if s >= 40:
        return "A solid start. The list beside the article shows what you missed."
    return "This one was tricky. The explanations beside the article show what to look for."


def summary(report: Report, where: str = BESIDE) -> str:
    """The summary in one paragraph: praise, then what is left, then the highlights.
    ``where``: where the explanations are ("the list beside the article")."""
    c = counts(report)
    return " ".join(p for p in (found_sentence(c), highlights_sentence(c, where),
                                wide_sentence(c)) if p)


def category_line(cat: Category, report: Report) -> str:
    """One category, in the same counts: "Loaded language: found 3 of 4 required
    passages, missed 1; 1 of 2 optional ones marked. 3 of your 4 highlights here are in
    the key." """
    c = counts(report, cat.id)
    if c.required == 0 and c.optional == 0:
        if c.highlights == 0:
            return f"{cat.name}: the key has none here, and you marked none. Well judged."
        return (f"{cat.name}: the key has none here; you marked "
                f"{_n(c.highlights, 'passage')}.")
    if c.required:
        parts = [f"found {c.found} of {c.required} required "
                 f"passage{'s' * (c.required != 1)}"]
        if c.partial:
            parts.append(f"partly found {c.partial}")
        if c.missed:
            parts.append(f"missed {c.missed}")
        text = f"{cat.name}: " + ", ".join(parts)
    else:
        text = f"{cat.name}: no required passage"
    if c.optional:
        text += (f"; {c.optional_marked} of {c.optional} optional "
                 f"{'one' if c.optional == 1 else 'ones'} marked")
    text += ". "
    if c.highlights == 0:
        text += "You marked none of this kind."
    elif c.highlights == 1:
        text += f"Your highlight here is {'' if c.matched else 'not '}in the key."
    else:
        text += f"{c.matched} of your {c.highlights} highlights here are in the key."
    return text


def wide_note(h: HighlightResult) -> str:
    """⚠ on a matching highlight that lies mostly outside the key."""
    outside = round(100 * (1 - h.inside))
    return (f"⚠ Most of this highlight is ordinary reporting: about {outside} % of it lies "
            "outside the key's passage. Try marking just the words that do the work.")


def why_not_in_key(cat: Category | None) -> str:
    """Why the key leaves an extra highlight alone, kindly."""
    if cat is None:
        return "The key leaves these words alone."
    what = cat.description.rstrip(".") if cat.description else ""
    text = f"The key leaves these words alone: it does not count them as {plural(cat)}"
    if what:
        text += f" ({what[0].lower()}{what[1:]})"
    return text + ". Read them again: are they ordinary reporting, or is there more to them?"


def wrong_label_note(report: Report, h: HighlightResult,
                     names: Mapping[str, str]) -> str:
    others = sorted({k.span.label for k in report.key if k.span.label != h.span.label
                     and k.span.start < h.span.end and h.span.start < k.span.end})
    where = " or ".join(names.get(x, x) for x in others) or "another category"
    return (f"The key marks these words too, but as {where}. Compare the two categories' "
            "descriptions: which one fits?")


def caret_words(category: str, layer: str, status: str) -> str:
    """What a screen reader hears when the caret enters a mark, e.g.
    "Loaded language: your highlight, found in the key"."""
    if layer == "mine":
        how = {"match": "found in the key", "wrong_label": "the key marks it with another "
               "category", "extra": "not in the key"}[status]
        return f"{category}: your highlight, {how}"
    return f"{category}: key passage, {STATUS_WORDS[status]}"


def ordered(cats: Sequence[Category], report: Report) -> list[Category]:
    return [c for c in cats if c.id in report.by_label]
