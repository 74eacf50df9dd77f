"""The discrimination and pre/post figures as text: tables for the terminal, and the
words the views and PDF reports share (names cleaned of terminal controls)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core.discrimination import ALL, Counts
from app.core.discrimination_words import category_line, student_words
from app.core.lessons import Category
from app.core.prepost import Change
from app.core.terminal import clean
from app.services.results.discrimination import ClassDiscrimination
from app.services.results.learning_csv import num
from app.services.results.prepost import PrePost

MEASURE_NAMES = {"score": "Score", "hit_rate": "Hit rate", "false_alarm_rate":
                 "False-alarm rate", "d_prime": "d′"}
COMPARISON_NAMES = {"post": "pre → post", "delayed": "pre → delayed"}


def category_name(cat: str, cats: Mapping[str, Category]) -> str:
    if cat == ALL:
        return "All categories"
    c = cats.get(cat)
    return c.name if c is not None else cat


def signed(x: float | None, places: int) -> str:
    """"+0.42", "−0.10" (a true minus sign), "0.00"; "–" for none."""
    if x is None:
        return "–"
    text = num(abs(x), places)
    if not text.strip("0."):
        return text
    return ("+" if x > 0 else "−") + text


def shown(x: float | None, places: int) -> str:
    """A number for reading: a true minus sign, "–" for none."""
    return "–" if x is None else num(x, places).replace("-", "−", 1)


def places_of(measure: str) -> int:
    return 1 if measure == "score" else 2


def interval_words(ch: Change, measure: str) -> str:
    p = places_of(measure)
    if ch.n == 0:
        return "no student has both forms"
    head = f"{signed(ch.change, p)} (n = {ch.n}"
    if ch.ci_low is None or ch.ci_high is None:
        return head + "; fewer than 2 students with both forms: no interval)"
    return head + f"; 95 % CI {signed(ch.ci_low, p)} to {signed(ch.ci_high, p)})"


def _table(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.rjust(w) if ra else c.ljust(w) for c, w, ra in zip(r, widths, right,
                                                                     strict=True)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def discrimination_table(cd: ClassDiscrimination, cats: Mapping[str, Category]) -> str:
    if not cd.students:
        return ("No graded attempts on these lessons yet. Import submission files: "
                "close-reader submissions import FILE")
    rows = [["Student", "Category", "Hits", "Signal", "False alarms", "Noise", "H", "F",
             "d′", "c"]]
    for s in cd.students:
        for cat in cd.categories:
            c = s.counts.get(cat)
            if c is None:
                continue
            r = c.rates
            rows.append([clean(s.name), category_name(cat, cats), str(c.hits), str(c.signal),
                         str(c.false_alarms), str(c.noise), num(r.hit_rate),
                         num(r.false_alarm_rate), num(r.d_prime), num(r.criterion)])
    for cat in cd.categories:
        r = cd.class_rates(cat)
        rows.append(["Class mean", category_name(cat, cats), "", "", "", "",
                     num(r.hit_rate), num(r.false_alarm_rate), num(r.d_prime),
                     num(r.criterion)])
    n = len(cd.students)
    head = (f"{n} student{'s' * (n != 1)}, {len(cd.lesson_ids)} lesson"
            f"{'s' * (len(cd.lesson_ids) != 1)}. H = (hits + 0.5) / (signal + 1), "
            "F = (false alarms + 0.5) / (noise + 1), d′ = z(H) − z(F), c = −(z(H) + z(F)) / 2.")
    return head + "\n\n" + _table(rows, [False, False, *[True] * 8])


def progress_words(units: Sequence[tuple[str, Sequence[str], Mapping[str, Counts]]],
                   cats: Mapping[str, Category]) -> str:
    """A student's discrimination per unit, in words a 14-year-old understands."""
    if not units:
        return ""
    names = {c: cat.name for c, cat in cats.items()}
    paras = []
    for unit, lesson_ids, counts in units:
        n = len(lesson_ids)
        where = f"“{clean(unit)}”" if unit else "Lessons outside a unit"
        lines = [f"{where} ({n} lesson{'s' * (n != 1)}) — telling the key's sentences "
                 "from careful ones:",
                 "• Altogether: " + student_words(counts[ALL], ALL, names)]
        lines += ["• " + category_line(counts[c], c, names) for c in counts
                  if c != ALL and (counts[c].signal or counts[c].noise)]
        paras.append("\n".join(lines))
    return "\n\n".join(paras)


def forms_line(pp: PrePost, sep: str = "; ") -> str:
    """"Pre: unit “…”; Post: lessons “…”, “…”" (``sep`` between the forms)."""
    forms = pp.pairing.forms()
    return sep.join(f"{f.capitalize()}: {clean(forms[f].describe(dict(pp.titles)))}"
                    for f in forms)


def missing_lines(pp: PrePost, comparison: str | None = None) -> list[str]:
    """"Quinn Lee (post: 0 of 2 lessons taken)", each student and gap once."""
    seen = dict.fromkeys(f"{clean(m.name)} ({m.what})" for m in pp.missing
                         if comparison is None or m.comparison == comparison)
    return list(seen)


def prepost_text(pp: PrePost, cats: Mapping[str, Category]) -> str:
    lines = [f"Pre and post: {clean(pp.pairing.name)}", forms_line(pp), ""]
    for comp in pp.comparisons:
        n = len(pp.paired(comp))
        lines.append(f"{COMPARISON_NAMES[comp]}: {n} student{'s' * (n != 1)} with both forms")
        rows = [["Category", "Measure", "Before", "After", "Mean change (95 % CI)"]]
        for cat in pp.categories:
            for m in MEASURE_NAMES:
                ch = pp.summary[(cat, comp, m)]
                p = places_of(m)
                rows.append([category_name(cat, cats), MEASURE_NAMES[m], shown(ch.before, p),
                             shown(ch.after, p), interval_words(ch, m)])
        lines += ["  " + x for x in _table(rows, [False, False, True, True, False])
                  .splitlines()]
        lines.append("")
    miss = missing_lines(pp)
    lines.append("Missing a form (not counted above):" if miss else
                 "Every student who took one form took the other.")
    lines += ["  " + x for x in miss]
    return "\n".join(lines)
