"""Feedback in words a 14-year-old understands: counts before percentages, praise
before misses, and over-highlighting named rather than hidden. Pure Python."""

from __future__ import annotations

from app.core.lessons import Category
from app.core.scoring import Figures, Report

PLURALS = {"unsupported_claim": "unsupported claims", "loaded_language": "loaded phrases"}


def plural(cat: Category) -> str:
    return PLURALS.get(cat.id, f"examples of “{cat.name.lower()}”")


def in_ten(x: float) -> int:
    return int(round(x * 10))


def category_line(cat: Category, f: Figures) -> str:
    if f.required == 0:
        if f.highlights == 0:
            return f"{cat.name}: the key has none here, and you marked none. Well judged."
        return (f"{cat.name}: the key has none to find here; you marked {f.highlights}.")
    found = f"You found {f.found} of {f.required} {plural(cat)}"
    if f.partial:
        found += f" and partly found {f.partial} more"
    found += "."
    if f.highlights:
        extra = f.highlights - f.matched
        found += (f" {f.matched} of your {f.highlights} highlight{'s' * (f.highlights != 1)}"
                  " matched the key" + (f"; {extra} did not." if extra else "."))
    else:
        found += " You did not mark any."
    return f"{cat.name}: {found}"


def plain_rates(f: Figures) -> str:
    """Precision and recall in plain words."""
    return (f"Of what you marked, about {in_ten(f.precision)} in 10 parts matched the key. "
            f"Of what the key marks, you covered about {in_ten(f.recall)} in 10.")


def headline(report: Report) -> str:
    s = report.score
    if s >= 85:
        return "Excellent close reading."
    if s >= 65:
        return "Good work — you caught most of it."
    if s >= 40:
        return "A solid start. Look at what you missed below."
    return "This one was tricky. The explanations below show what to look for."


def summary(report: Report) -> str:
    o = report.overall
    extra = sum(1 for h in report.highlights if h.status != "match")
    parts = [f"You found {o.found} of {o.required} things the key marks"
             + (f" (and partly found {o.partial} more)." if o.partial else ".")]
    if o.highlights:
        parts.append(f"{extra} of your {o.highlights} highlight{'s' * (o.highlights != 1)} "
                     f"{'is' if extra == 1 else 'are'} not in the key." if extra else
                     "Every one of your highlights is in the key.")
    return " ".join(parts)


def overreach_notes(report: Report, text: str) -> list[str]:
    """Name highlights that match the key but lie mostly outside it."""
    notes = []
    for h in report.highlights:
        if h.status == "match" and h.inside < 0.5:
            words = " ".join(text[h.span.start:h.span.end].split())
            if len(words) > 70:
                words = words[:69] + "…"
            notes.append(f"“{words}” covers a key span, but about {in_ten(1 - h.inside)} in 10 "
                         "parts of it are ordinary reporting. Try marking just the words "
                         "that do the work.")
    return notes
