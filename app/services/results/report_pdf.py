"""Printable PDF reports: one student's feedback on one lesson, and a class summary.

The student report is the feedback view on paper: score, counts in words, the article
with the student's highlights underlined and the key's passages in [brackets] tagged
with their number and status in words ("2 missed"), then every key passage's
explanation. Colour only repeats what the words and shapes already say.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core import feedback_text as words
from app.core.attempts import attempt_label, graded_attempt
from app.core.errors import UserError
from app.core.lessons import Category, Lesson
from app.core.scoring import Report
from app.services.grading import grade_lesson
from app.services.results import learning_pdf
from app.services.results.classview import BINS, ClassView, class_view
from app.services.results.pdfdoc import GREY, Bracket, Mark, SchoolPDF, local_time, today
from app.store.repo import Repo, Submission

# the key's passages as the feedback view shows them (app.core.feedback_text): an
# optional passage left unmarked is "optional, not marked — no penalty", never "missed"
STATUS_COLORS = {"found": (20, 110, 45), "partial": (150, 90, 0), "missed": (170, 30, 30),
                 "wrong_label": (110, 50, 140), "optional": GREY}
BRACKET_TAGS = {"found": "✓ found", "partial": "◐ partly found", "missed": "✗ missed",
                "wrong_label": "↔ other category", "optional": "○ optional, not marked"}
HL_WORDS = {"match": "in the key", "wrong_label": "on a key passage of another category",
            "extra": "not in the key"}
HL_TAGS = {"match": "", "wrong_label": "other category", "extra": "not in the key"}
LEGEND = ("How to read this: your highlights are underlined (solid where the key agrees, "
          "dashed where it does not). The answer key's passages are in bold [brackets]; the "
          "tag after each gives its number and how you did: ✓ found, ◐ partly found, "
          "✗ missed, ↔ you marked it with another category, ○ optional, not marked — no "
          "penalty (optional passages count only in your favour). “not in the key” marks a "
          "highlight of yours that the key leaves alone; the list at the end says why.")


def _names(repo: Repo) -> dict[str, str]:
    return {c.id: c.name for c in repo.categories().values()}


def _lesson(repo: Repo, lesson_id: str) -> Lesson:
    lesson = repo.get_lesson(lesson_id, with_key=True)
    if lesson.key is None:
        raise UserError(f"lesson '{lesson_id}' has no answer key on this machine yet")
    return lesson


def student_report_pdf(repo: Repo, student_id: int, lesson_id: str,
                       path: str | os.PathLike[str], attempt: int | None = None) -> Path:
    """The feedback report for one student's attempt (default: the graded one)."""
    lesson = _lesson(repo, lesson_id)
    if lesson.is_compare:  # a graded grid (formats.md, "Comparisons")
        from app.services.compare.pdf import student_report

        return student_report(repo, lesson, student_id, path, attempt)
    subs = repo.submissions(student_id=student_id, lesson_id=lesson_id, with_reports=False)
    if not subs:
        raise UserError(f"this student has not submitted lesson '{lesson_id}'")
    chosen = [s for s in subs if attempt is None or s.attempt == attempt]
    if not chosen:
        raise UserError(f"no attempt {attempt} at lesson '{lesson_id}' for this student")
    graded = graded_attempt(subs)
    if attempt is None and graded is not None:
        sub = graded
    else:
        sub = max(chosen, key=lambda s: s.attempt)
    is_graded = graded is not None and sub.submission_id == graded.submission_id
    report = grade_lesson(lesson, sub.highlights, "this attempt")
    names = _names(repo)

    pdf = SchoolPDF("Feedback report", f"{sub.student} · {lesson.title}")
    pdf.title_block(lesson.title, lesson.source.line())
    pdf.facts([("Student", sub.student),
               ("Attempt", attempt_label(sub.attempt, sub.after_key, is_graded)
                + f" (of {len(subs)}), submitted {local_time(sub.submitted_at)}"),
               ("Date", today())])
    override = sub.override_score if is_graded else None
    _score_box(pdf, report, override)
    if override is not None:
        pdf.para(f"Your teacher set this score (the comparison with the key gave "
                 f"{report.score}): {sub.override_reason}", size=9.5, color=GREY)
    if is_graded and sub.comment:
        pdf.para(f"Your teacher's comment: {sub.comment}", size=10.5)
    pdf.para(words.summary(report, where="the last section of this report"), size=10.5)
    cats = [Category(lab, names.get(lab, lab)) for lab in lesson.categories]
    if len(cats) > 1:
        for c in words.ordered(cats, report):
            pdf.bullet(words.category_line(c, report))
    learning_pdf.student_report_extras(pdf, repo, lesson, sub.highlights)  # issue 26

    pdf.heading("Your highlights and the key")
    pdf.para(LEGEND, size=8.5, color=GREY, h=4.4, keep=10)
    pdf.ln(2)
    shown = [words.key_status(report, k) for k in report.key]
    brackets = [Bracket(k.span.start, k.span.end, f"{i} {BRACKET_TAGS[st]}", STATUS_COLORS[st])
                for i, (k, st) in enumerate(zip(report.key, shown, strict=True), 1)]
    marks = [Mark(h.span.start, h.span.end, HL_TAGS[h.status],
                  "solid" if h.status == "match" else "dash") for h in report.highlights]
    pdf.article(lesson.text, brackets, marks)

    pdf.heading("The key, explained")
    for i, (k, st) in enumerate(zip(report.key, shown, strict=True), 1):
        _key_entry(pdf, i, k.span.label, names, st, k.coverage, k.span.required,
                   k.span.quote, k.span.explanation)
    _student_highlights(pdf, sub, report, lesson, names, repo.categories())
    pdf.save(path)
    return Path(path)


def _score_box(pdf: SchoolPDF, report: Report, override: int | None = None) -> None:
    shown = report.score if override is None else override
    y = pdf.get_y()
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.3)
    pdf.rect(pdf.l_margin, y, pdf.epw, 20)
    pdf.set_xy(pdf.l_margin + 4, y + 3)
    pdf.set_font("sans", "B", 22)
    pdf.cell(48, 14, f"Score: {shown}")
    pdf.set_font("sans", "", 10)
    pdf.set_xy(pdf.l_margin + 56, y + 4)
    c = words.counts(report)
    found = (f"found {c.found} of {c.required} required passage{'s' * (c.required != 1)}"
             if c.required else "no required passage to find")
    pdf.cell(0, 6, f"out of 100  ·  {found}")
    pdf.bar(pdf.l_margin + 56, y + 11.5, pdf.epw - 62, 4, shown / 100)
    pdf.set_xy(pdf.l_margin, y + 24)


def _key_entry(pdf: SchoolPDF, i: int, label: str, names: dict[str, str], status: str,
               coverage: float, required: bool, quote: str, explanation: str) -> None:
    if status == "optional":
        head = f"{i}.  {names.get(label, label)} — ○ optional, not marked — no penalty"
    else:
        head = (f"{i}.  {names.get(label, label)} — {words.tag(status)}"
                f" ({coverage:.0%} of it highlighted)")
    optional = not required and status != "optional"
    shown = f"“{_short(quote, 600)}”"
    pdf.keep_together(
        pdf.para_height(head, style="B", size=10)
        + (pdf.para_height("Optional", size=9, indent=6) if optional else 0)
        + pdf.para_height(shown, family="serif", style="I", size=10, indent=6)
        + (pdf.para_height(explanation, size=10, indent=6) if explanation else 0))
    pdf.para(head, style="B", size=10, color=STATUS_COLORS[status])
    if optional:
        pdf.para("Optional: it counts only in your favour.", size=9, color=GREY, indent=6)
    pdf.para(shown, family="serif", style="I", size=10, indent=6)
    if explanation:
        pdf.para(explanation, size=10, indent=6)
    pdf.ln(2.5)


def _student_highlights(pdf: SchoolPDF, sub: Submission, report: Report, lesson: Lesson,
                        names: dict[str, str], cats: dict[str, Category]) -> None:
    pdf.heading("Your highlights")
    if not report.highlights:
        pdf.para("You made no highlights in this attempt.")
        return
    for h in report.highlights:
        s = h.span
        line = f"{names.get(s.label, s.label)} — {HL_WORDS[h.status]}"
        why = ""
        if words.is_wide(h):
            why = words.wide_note(h)
        elif h.status == "wrong_label":
            why = words.wrong_label_note(report, h, names)
        elif h.status == "extra":
            why = words.why_not_in_key(cats.get(s.label))
        shown = f"“{_short(lesson.text[s.start:s.end], 600)}”"
        notes = [f"Your note: {n}" for n in dict.fromkeys(
            x.note for x in sub.highlights if x.note and x.label == s.label
            and s.start <= x.start < s.end)]
        pdf.keep_together(  # the entry on one page: its heading never ends a page alone
            pdf.para_height(line, style="B", size=9.5)
            + pdf.para_height(shown, family="serif", style="I", size=9.5, indent=6)
            + (pdf.para_height(why, size=9.5, indent=6) if why else 0)
            + sum(pdf.para_height(n, size=9.5, indent=6) for n in notes))
        pdf.para(line, style="B", size=9.5)
        pdf.para(shown, family="serif", style="I", size=9.5, indent=6)
        if why:
            pdf.para(why, size=9.5, indent=6)
        for note in notes:
            pdf.para(note, size=9.5, indent=6, color=GREY)
        pdf.ln(1.5)


# -- class summary --------------------------------------------------------------
def class_summary_pdf(repo: Repo, lesson_id: str, path: str | os.PathLike[str],
                      rule: str = "graded") -> Path:
    if repo.get_lesson(lesson_id).is_compare:  # per claim (formats.md, "Comparisons")
        from app.services.compare.pdf import class_summary

        return class_summary(repo, repo.get_lesson(lesson_id, with_key=True), path)
    view = class_view(repo, lesson_id, rule)
    lesson, names = view.lesson, _names(repo)
    pdf = SchoolPDF("Class summary", f"Class summary · {lesson.title}")
    pdf.title_block(lesson.title, lesson.source.line())
    mean = "–" if view.mean_score is None else f"{view.mean_score:.0f} out of 100"
    pdf.facts([("Students", str(len(view.scores))),
               ("Counted", "each student's graded attempt: the first, before seeing the key"),
               ("Mean score", mean), ("Date", today())], label_w=34)
    if view.not_graded:
        pdf.para("Not graded (their highlights do not fit this version of the text): "
                 + ", ".join(view.not_graded), size=9, color=GREY)
    _histogram(pdf, view)
    _category_table(pdf, view, names)
    learning_pdf.class_summary_extras(pdf, repo, lesson)  # issue 26
    _key_table(pdf, view, names)
    pdf.heading("The article: how many found each passage")
    pdf.para("Key passages are in bold [brackets]; the tag gives the passage number and the "
             "share of students who found it. The darker the grey behind a passage, the "
             "more students missed it.", size=8.5, color=GREY, h=4.4, keep=10)
    pdf.ln(2)
    pdf.article(lesson.text, [Bracket(s.span.start, s.span.end,
                                      f"{s.number} · {s.share('found'):.0%} found",
                                      _share_color(s.share("found")), _shade(s.share("missed")))
                              for s in view.key])
    _extras(pdf, view, names)
    pdf.save(path)
    return Path(path)


def _share_color(share: float) -> tuple[int, int, int]:
    return STATUS_COLORS["found" if share >= 0.67 else "partial" if share >= 0.34 else "missed"]


def _shade(missed: float) -> tuple[int, int, int] | None:
    if missed <= 0:
        return None
    g = round(245 - 55 * missed)
    return (g, g, g)


def _histogram(pdf: SchoolPDF, view: ClassView) -> None:
    pdf.heading("Scores", keep=75)
    total = sum(view.histogram) or 1
    for label, n in zip(BINS, view.histogram, strict=True):
        y = pdf.get_y()
        pdf.set_font("sans", "", 9)
        pdf.cell(18, 5.5, label, align="R")
        pdf.bar(pdf.l_margin + 21, y + 1, 110, 3.5, n / total)
        pdf.set_x(pdf.l_margin + 134)
        pdf.cell(0, 5.5, f"{n} student{'s' * (n != 1)} ({n / total:.0%})" if n else "–")
        pdf.ln(5.5)
    pdf.para("Score range, and the number of students in it; bars show the share of "
             "the class.", size=8.5, color=GREY, h=4.4, keep=10)


def _short(text: str, limit: int) -> str:
    """A quote on one line (paragraph breaks folded), cut with "…" past ``limit``."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def _category_table(pdf: SchoolPDF, view: ClassView, names: dict[str, str]) -> None:
    pdf.heading("By category (class means)", keep=40)
    rows = [["Category", "Key found", "Marks in the key", "Students marking"]]
    for lab, f in [*view.by_label.items(), ("", view.overall)]:
        rows.append([names.get(lab, lab) if lab else "All categories", _pct(f.recall),
                     _pct(f.precision), str(f.marking)])
    pdf.grid(rows, (64, 32, 38, 36), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))
    pdf.para("Key found: how much of the key's required passages students highlighted, on "
             "average over all students. Marks in the key: how much of what students "
             "highlighted lies in the key's passages, on average over the students who "
             "highlighted anything in the category.", size=8.5, color=GREY, h=4.4, keep=10)


def _key_table(pdf: SchoolPDF, view: ClassView, names: dict[str, str]) -> None:
    pdf.heading("Key passages", keep=45)
    rows = [["#", "Category", "Passage", "Found", "Partly", "Missed", "Other category"]]
    for s in view.key:
        quote = _short(s.span.quote, 160)
        opt = " (optional)" if not s.span.required else ""
        rows.append([str(s.number), names.get(s.span.label, s.span.label) + opt, f"“{quote}”",
                     f"{s.share('found'):.0%}", f"{s.share('partial'):.0%}",
                     f"{s.share('missed'):.0%}", str(s.wrong_label) if s.wrong_label else "–"])
    pdf.grid(rows, (8, 36, 58, 16, 16, 16, 20),
             ("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), size=9, line_height=5)
    pdf.para("Share of students who found, partly found or missed each passage. Other "
             "category: students who missed it but marked it with a different category.",
             size=8.5, color=GREY, h=4.4, keep=10)


def _extras(pdf: SchoolPDF, view: ClassView, names: dict[str, str], top: int = 8) -> None:
    pdf.heading("Marked by students, not in the key")
    shared = [e for e in view.extras if e.students >= 2][:top] or list(view.extras[:top])
    if not shared:
        if view.wrong_label_students:
            n = view.wrong_label_students
            pdf.para(f"No highlight lies outside the key's passages, but {n} "
                     f"student{'s' * (n != 1)} marked a key passage with another category "
                     "(see Key passages, “Other category”).")
        else:
            pdf.para("No student marked anything outside the key.")
        return
    pdf.para("Where the class disagrees with the key: often the best place to start a "
             "discussion.", size=8.5, color=GREY, h=4.4, keep=10)
    pdf.ln(1)
    for i, e in enumerate(shared, 1):
        how = ", ".join(f"{names.get(lab, lab)} {n}" for lab, n in
                        sorted(e.labels.items(), key=lambda x: -x[1]))
        pdf.para(f"{i}.  {e.students} student{'s' * (e.students != 1)}  ({how})",
                 style="B", size=9.5)
        quote = _short(e.quote, 300)
        pdf.para(f"“{quote}”", family="serif", style="I", size=9.5, indent=6)
        pdf.ln(1.5)
