"""Discrimination and pre/post on paper: the sections the class summary and the student
report add, and the pre/post report of a pairing. The numbers are the views' and the
CSVs' (``app.core.discrimination``, ``app.services.results.prepost``); words for the
student are ``app.core.discrimination_words``."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from app.core.discrimination import ALL, Counts
from app.core.discrimination_words import student_words
from app.core.errors import UserError
from app.core.lessons import Category, Highlight, Lesson
from app.core.prepost import MEASURES
from app.services.results.discrimination import ClassDiscrimination
from app.services.results.learning_text import (
    COMPARISON_NAMES,
    MEASURE_NAMES,
    category_name,
    forms_line,
    missing_lines,
    places_of,
    shown,
    signed,
)
from app.services.results.pdfdoc import ACCENT, GREY, INK, RULE, SchoolPDF, today
from app.services.results.prepost import PrePost
from app.store.repo import Repo

HOW = ("Each sentence is one trial. Hits: sentences holding a required key passage that "
       "the student marked on that passage; false alarms: sentences the key leaves alone "
       "that the student marked. H = (hits + ½) / (key sentences + 1), F = (false alarms "
       "+ ½) / (sentences left alone + 1), d′ = z(H) − z(F) (0: cannot tell them apart; 2 "
       "or more: clearly can), c = −(z(H) + z(F)) / 2 (below 0: marks readily). Graded "
       "attempts only.")
PREPOST_HOW = ("Change = after − before, per student. The class figure is the mean of "
               "the paired changes with its 95 % confidence interval (t distribution, "
               "n − 1 degrees of freedom); with fewer than 2 students who took both forms "
               "there is no interval. A student counts when they have a graded attempt on "
               "every lesson of both forms; the others are listed.")


def scatter(pdf: SchoolPDF, points: Sequence[tuple[float, float]],
            mean: tuple[float, float] | None, side: float = 62) -> None:
    """Hit rate (up) against false-alarm rate (right): a dot per student, a diamond for
    the class mean, the dashed diagonal where both kinds are marked alike."""
    if pdf.get_y() + side + 16 > pdf.page_break_trigger:
        pdf.add_page()
    x0, y0 = pdf.l_margin + 14, pdf.get_y() + 2
    pdf.set_line_width(0.15)
    pdf.set_draw_color(*RULE)
    pdf.set_font("sans", "", 7.5)
    pdf.set_text_color(*GREY)
    for i in range(5):
        t = i / 4
        pdf.line(x0 + t * side, y0, x0 + t * side, y0 + side)
        pdf.line(x0, y0 + side - t * side, x0 + side, y0 + side - t * side)
        pdf.text(x0 + t * side - 2.5, y0 + side + 3.5, f"{t:g}")
        pdf.text(x0 - 6.5, y0 + side - t * side + 1, f"{t:g}")
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.rect(x0, y0, side, side)
    pdf.set_dash_pattern(dash=1.2, gap=1.0)
    pdf.line(x0, y0 + side, x0 + side, y0)
    pdf.set_dash_pattern()
    pdf.set_fill_color(*ACCENT)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.2)
    for f, h in points:
        pdf.ellipse(x0 + f * side - 1.1, y0 + side - h * side - 1.1, 2.2, 2.2, style="DF")
    if mean is not None:
        cx, cy, s = x0 + mean[0] * side, y0 + side - mean[1] * side, 2.4
        pdf.set_fill_color(255, 255, 255)
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.45)
        pdf.polygon([(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)], style="DF")
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "", 8.5)
    pdf.text(x0 + side + 5, y0 + 4, "each dot: a student")
    pdf.text(x0 + side + 5, y0 + 9, "◇ the class mean")
    pdf.text(x0 + side + 5, y0 + 14, "dashed: both kinds marked alike")
    pdf.text(x0 + side + 5, y0 + side - 1, "→ false-alarm rate F")
    pdf.text(x0 + side + 5, y0 + side - 6, "↑ hit rate H")
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(pdf.l_margin, y0 + side + 7)


def discrimination_section(pdf: SchoolPDF, cd: ClassDiscrimination,
                           cats: Mapping[str, Category], title: str) -> None:
    """The class's discrimination: the plot for all categories together, a row per
    student, the class means per category."""
    pdf.heading(title, keep=60)
    if not cd.students:
        pdf.para("No graded attempts to count yet.")
        return
    pdf.para(HOW, size=8.5, color=GREY, h=4.4, keep=10)
    pdf.ln(1)
    pts = [(r.false_alarm_rate, r.hit_rate) for r in
           (s.counts[ALL].rates for s in cd.students if ALL in s.counts)
           if r.hit_rate is not None and r.false_alarm_rate is not None]
    m = cd.class_rates(ALL)
    scatter(pdf, pts, (m.false_alarm_rate, m.hit_rate)
            if m.hit_rate is not None and m.false_alarm_rate is not None else None)
    rows = [["Student", "Hits", "False alarms", "H", "F", "d′", "c"]]
    for s in cd.students:
        c = s.counts.get(ALL)
        if c is None:
            continue
        r = c.rates
        rows.append([s.name, f"{c.hits} of {c.signal}", f"{c.false_alarms} of {c.noise}",
                     shown(r.hit_rate, 3), shown(r.false_alarm_rate, 3),
                     shown(r.d_prime, 2), shown(r.criterion, 2)])
    pdf.grid(rows, (52, 22, 26, 17, 17, 17, 19),
             ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), size=8.5,
             line_height=4.8)
    means = [["Class mean", "H", "F", "d′", "c"]]
    for cat in cd.categories:
        r = cd.class_rates(cat)
        means.append([category_name(cat, cats), shown(r.hit_rate, 3),
                      shown(r.false_alarm_rate, 3), shown(r.d_prime, 2),
                      shown(r.criterion, 2)])
    pdf.grid(means, (70, 24, 24, 24, 24), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
             size=8.5, line_height=4.8)


def student_section(pdf: SchoolPDF, counts: Mapping[str, Counts], order: Sequence[str],
                    cats: Mapping[str, Category]) -> None:
    """A student's discrimination on this lesson, in words."""
    if not counts:
        return
    pdf.heading("Telling the key's sentences from careful ones", keep=40)
    names = {c: cat.name for c, cat in cats.items()}
    pdf.para(student_words(counts[ALL], ALL, names), size=10.5)
    for cat in order:
        if cat != ALL and cat in counts and (counts[cat].signal or counts[cat].noise):
            pdf.bullet(f"{category_name(cat, cats)}: "
                       + student_words(counts[cat], cat, names), size=9.5)


def prepost_section(pdf: SchoolPDF, pp: PrePost, cats: Mapping[str, Category],
                    categories: Sequence[str] | None = None, title: str | None = None) -> None:
    """The class rows of every comparison (per category), then who is missing a form."""
    pdf.heading(title or f"Pre and post: {pp.pairing.name}", keep=60)
    if title is None:
        pdf.para(forms_line(pp), size=9.5)
    pdf.para(PREPOST_HOW, size=8.5, color=GREY, h=4.4, keep=10)
    pdf.ln(1)
    for comp in pp.comparisons:
        n = len(pp.paired(comp))
        for cat in categories or pp.categories:
            pdf.para(f"{COMPARISON_NAMES[comp]} · {category_name(cat, cats)} · {n} "
                     f"student{'s' * (n != 1)} with both forms", style="B", size=9.5,
                     keep=34)
            rows = [["Measure", "Before", "After", "Mean change", "95 % CI", "n"]]
            for m in MEASURES:
                ch = pp.summary[(cat, comp, m)]
                p = places_of(m)
                ci = (f"{signed(ch.ci_low, p)} to {signed(ch.ci_high, p)}"
                      if ch.ci_low is not None else ch.note or "–")
                rows.append([MEASURE_NAMES[m], shown(ch.before, p), shown(ch.after, p),
                             signed(ch.change, p), ci, str(ch.n)])
            pdf.grid(rows, (34, 20, 20, 26, 58, 12),
                     ("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "RIGHT"), size=8.5,
                     line_height=4.8)
    if pp.missing:
        pdf.para("Missing a form, so not counted: " + "; ".join(missing_lines(pp)) + ".",
                 size=9.5)
    else:
        pdf.para("Every student who took one form took the other.", size=9.5)


def class_summary_extras(pdf: SchoolPDF, repo: Repo, lesson: Lesson) -> None:
    """What the class summary of ``lesson`` adds: the class's discrimination on it, and
    every pre/post pairing one of whose forms holds it."""
    from app.services.results.discrimination import class_discrimination
    from app.services.results.prepost import form_lessons, prepost
    from app.store.prepost_repo import pairings

    cats = repo.categories()
    discrimination_section(pdf, class_discrimination(repo, [lesson]), cats,
                           "Telling the key's sentences from the rest")
    for p in pairings(repo):
        try:
            if any(lesson.id in {le.id for le in form_lessons(repo, f)}
                   for f in p.forms().values()):
                prepost_section(pdf, prepost(repo, p), cats, [ALL])
        except UserError as e:  # a form whose lessons are gone: say so, write the rest
            pdf.para(f"Pre and post “{p.name}”: {e}", size=9.5, color=GREY)


def student_report_extras(pdf: SchoolPDF, repo: Repo, lesson: Lesson,
                          highlights: Sequence[Highlight]) -> None:
    """What the student report adds: this attempt's discrimination, in words."""
    from app.core.discrimination import tally
    from app.services.results.discrimination import trials_of

    cats = repo.categories()
    counts = tally(trials_of(repo, lesson), highlights)
    student_section(pdf, counts, [*lesson.categories, ALL], cats)


def prepost_pdf(repo: Repo, pp: PrePost, path: str | os.PathLike[str]) -> Path:
    """The pre/post report of a pairing: the class rows, then a table per comparison
    of every student's change (all categories together)."""
    cats = repo.categories()
    pdf = SchoolPDF("Pre and post", f"Pre and post · {pp.pairing.name}")
    pdf.title_block(f"Pre and post: {pp.pairing.name}", forms_line(pp))
    pdf.facts([("Date", today())])
    prepost_section(pdf, pp, cats, title="The class: mean paired change")
    for comp in pp.comparisons:
        pdf.heading(f"Each student, {COMPARISON_NAMES[comp]} (all categories)", keep=40)
        rows = [["Student", *(MEASURE_NAMES[m] for m in MEASURES)]]
        cells: dict[int, dict[str, str]] = {}
        names: dict[int, str] = {}
        for r in pp.rows:
            if r.comparison == comp and r.category == ALL:
                p = places_of(r.measure)
                cells.setdefault(r.student_id, {})[r.measure] = (
                    f"{shown(r.before, p)} → {shown(r.after, p)}\n({signed(r.change, p)})")
                names[r.student_id] = r.name
        for sid, row in cells.items():
            rows.append([names[sid], *(row.get(m, "–") for m in MEASURES)])
        if len(rows) == 1:
            pdf.para("No student took both forms.")
            continue
        pdf.grid(rows, (46, 31, 31, 31, 31), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
                 size=8.5, line_height=4.8)
    pdf.output(str(path))
    return Path(path)
