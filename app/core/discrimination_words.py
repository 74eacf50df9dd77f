"""A student's discrimination in words a 14-year-old understands: counts first, then
what they mean ("You find loaded writing well and rarely mark careful writing"), never
a verdict on the student. The thresholds read the same H, F and d′ that every table
and export shows (``app.core.discrimination``)."""

from __future__ import annotations

from collections.abc import Mapping

from app.core.discrimination import ALL, Counts

# what the key marks in a category, as a student says it
NOUNS = {"unsupported_claim": "claims with no support given",
         "loaded_language": "loaded writing", ALL: "what the key marks"}
FIND_WELL, FIND_SOME = 0.7, 0.4  # hit rate H
RARELY, SOMETIMES = 0.1, 0.25  # false-alarm rate F
APART_WELL, APART_SOME = 1.5, 0.75  # d′
READY, SPARING = -0.5, 0.5  # criterion c


SIGNAL = {ALL: "sentences the key marks"}  # else "sentences with <noun>"


def the(what: str) -> str:
    """"the loaded writing", but "what the key marks"."""
    return what if what.startswith("what ") else f"the {what}"


def noun(category: str, names: Mapping[str, str] | None = None) -> str:
    if category in NOUNS:
        return NOUNS[category]
    name = (names or {}).get(category, category.replace("_", " "))
    return name[:1].lower() + name[1:]


def counts_words(c: Counts, category: str, what: str) -> str:
    """"You marked 9 of the 12 sentences with loaded writing, and 3 of the 40 careful
    sentences (ones the key leaves alone).\""""
    sig = SIGNAL.get(category, f"sentences with {what}")
    if c.signal == 1:
        sig = sig.replace("sentences", "sentence", 1)
    n = "s" * (c.noise != 1)
    return (f"You marked {c.hits} of the {c.signal} {sig}, and {c.false_alarms} of the "
            f"{c.noise} careful sentence{n} (ones the key leaves alone).")


def find_and_mark(h: float, f: float, what: str) -> str:
    """E.g. "You find loaded writing well and rarely mark careful writing."."""
    find = (f"find {what} well" if h >= FIND_WELL else
            f"find some of {the(what)}" if h >= FIND_SOME else f"miss most of {the(what)}")
    mark = ("rarely mark careful writing" if f <= RARELY else
            "sometimes mark careful writing" if f <= SOMETIMES else
            "often mark careful writing too")
    return f"You {find} and {mark}."


def category_line(c: Counts, category: str, names: Mapping[str, str] | None = None) -> str:
    """One category in a sentence or two: counts, then what they mean."""
    what = noun(category, names)
    r = c.rates
    if r.hit_rate is None or r.false_alarm_rate is None:
        return (f"{what[:1].upper() + what[1:]}: {c.hits} of {c.signal} sentences found, "
                f"{c.false_alarms} of {c.noise} careful ones marked.")
    return (f"{what[:1].upper() + what[1:]}: {c.hits} of {c.signal} sentences found, "
            f"{c.false_alarms} of {c.noise} careful ones marked. "
            + find_and_mark(r.hit_rate, r.false_alarm_rate, what))


def student_words(c: Counts, category: str, names: Mapping[str, str] | None = None) -> str:
    """Two or three sentences on one category (or ``all``) for one student."""
    what = noun(category, names)
    if not c.signal and not c.noise:
        return f"No sentences to count for {what} yet."
    r = c.rates
    parts = [counts_words(c, category, what)]
    if r.hit_rate is None or r.false_alarm_rate is None:
        parts.append("There is nothing to compare them with yet: that needs sentences "
                     "of both kinds.")
        return " ".join(parts)
    h, f = r.hit_rate, r.false_alarm_rate
    parts.append(find_and_mark(h, f, what))
    d = r.d_prime or 0.0
    if d >= APART_WELL:
        parts.append("You tell the two apart well.")
    elif d >= APART_SOME:
        parts.append("You are starting to tell the two apart.")
    else:
        parts.append("So far you mark careful sentences about as often as the others: "
                     "before you highlight, ask what the words are doing.")
    crit = r.criterion or 0.0
    if crit <= READY and d < APART_WELL:
        parts.append("You mark a lot — try marking only what you could explain to a "
                     "friend.")
    elif crit >= SPARING and h < FIND_WELL:
        parts.append("You mark only a little — when a sentence makes you wonder, it is "
                     "worth marking and saying why in a note.")
    return " ".join(parts)
