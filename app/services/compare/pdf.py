"""PDF reports of a comparison: one student's graded grid (each cell and verdict with
the key's answer and reason, and the dossier entries named in full), and the class
summary per claim. The same words and numbers as the screens (``app.core.compare``)."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.attempts import attempt_label, graded_attempt
from app.core.compare import words
from app.core.compare.model import CHOICE_SHORT, VERDICT_SHORT
from app.core.compare.scoring import CompareReport
from app.core.errors import UserError
from app.core.lessons import Lesson
from app.services.compare.classview import CompareClassView, compare_class_view
from app.services.compare.student import articles_of
from app.services.grading import grade_attempt
from app.services.results.pdfdoc import GREY, SchoolPDF, local_time, today
from app.store.repo import Repo

TAG = {"right": "✓ right", "partly": "◐ partly", "wrong": "✗ not the key's",
       "unanswered": "— blank"}


def _titles(repo: Repo, lesson: Lesson) -> dict[str, str]:
    assert lesson.comparison is not None
    arts, _ = articles_of(repo, lesson.comparison)
    by_id = {a.id: a.title for a in arts}
    return {a: f"{chr(65 + i)}. {by_id.get(a, a)}"
            for i, a in enumerate(lesson.comparison.articles)}


def student_report(repo: Repo, lesson: Lesson, student_id: int,
                   path: str | os.PathLike[str], attempt: int | None = None) -> Path:
    cmp = lesson.comparison
    if cmp is None or lesson.key is None:
        raise UserError(f"lesson '{lesson.id}' has no answer key on this machine yet")
    subs = repo.submissions(student_id=student_id, lesson_id=lesson.id, with_reports=False)
    if not subs:
        raise UserError(f"this student has not submitted lesson '{lesson.id}'")
    graded = graded_attempt(subs)
    chosen = [s for s in subs if attempt is None or s.attempt == attempt]
    if not chosen:
        raise UserError(f"no attempt {attempt} at lesson '{lesson.id}' for this student")
    sub = graded if attempt is None and graded is not None else max(chosen,
                                                                    key=lambda s: s.attempt)
    is_graded = graded is not None and sub.submission_id == graded.submission_id
    report = grade_attempt(lesson, sub, "this attempt")
    assert isinstance(report, CompareReport)
    titles = _titles(repo, lesson)
    entries = words.entry_titles(cmp)
    pdf = SchoolPDF("Feedback report", f"{sub.student} · {lesson.title}")
    pdf.title_block(lesson.title, "A comparison of " + ", ".join(titles.values()))
    pdf.facts([("Student", sub.student),
               ("Attempt", attempt_label(sub.attempt, sub.after_key, is_graded)
                + f" (of {len(subs)}), submitted {local_time(sub.submitted_at)}"),
               ("Date", today())])
    override = sub.override_score if is_graded else None
    shown = report.score if override is None else override
    pdf.para(f"Score: {shown} out of 100", style="B", size=16)
    if override is not None:
        pdf.para(f"Your teacher set this score (the grid gave {report.score}): "
                 f"{sub.override_reason}", size=9.5, color=GREY)
    if is_graded and sub.comment:
        pdf.para(f"Your teacher's comment: {sub.comment}", size=10.5)
    pdf.para(words.summary(report), size=10.5)
    pdf.para("How the score is made: each cell is worth one half for whether (and which "
             "way) the article makes the claim and one half for what it rests on; each "
             "claim one half for the verdict and one half for the dossier entries cited. "
             "The grid and the verdicts count half each.", size=8.5, color=GREY, h=4.4)
    pdf.heading("The grid")
    rows = [["Claim", *[t[:28] for t in titles.values()], "Verdict"]]
    for c in cmp.claims:
        row = [c.statement[:70]]
        for a in cmp.articles:
            r = report.cell(c.id, a)
            row.append(("— blank" if r.status == "unanswered" else
                        f"{TAG[r.status]}: {CHOICE_SHORT[r.choice]}") if r else "")
        v = report.claim(c.id)
        row.append(("— blank" if v.status == "unanswered" else
                    f"{TAG[v.status]}: {VERDICT_SHORT[v.verdict]}") if v else "")
        rows.append(row)
    n = len(cmp.articles) + 2
    first = 46.0
    rest = (pdf.epw - first - 0.5) / (n - 1)
    pdf.grid(rows, (first, *([rest] * (n - 1))), ("LEFT",) * n, size=8, line_height=4.4)
    pdf.heading("Each claim, explained")
    for i, c in enumerate(cmp.claims, 1):
        if pdf.get_y() + 30 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.para(f"{i}. {c.statement}", style="B", size=10.5)
        v = report.claim(c.id)
        if v is not None:
            pdf.para(words.claim_line(v, c.statement, entries), size=9.5, indent=4)
        for a in cmp.articles:
            r = report.cell(c.id, a)
            if r is not None:
                pdf.para(words.cell_line(r, c.statement, titles[a]), size=9, indent=4)
        pdf.ln(2)
    pdf.heading("The dossier")
    for e in cmp.dossier:
        if pdf.get_y() + 20 > pdf.page_break_trigger:
            pdf.add_page()
        lines = e.text().split("\n")
        pdf.para(lines[0], style="B", size=9.5)
        for line in lines[1:]:
            pdf.para(line, size=9, indent=4)
        pdf.ln(1)
    pdf.output(str(path))
    return Path(path)


def class_summary(repo: Repo, lesson: Lesson, path: str | os.PathLike[str]) -> Path:
    view: CompareClassView = compare_class_view(repo, lesson)
    cmp = lesson.comparison
    assert cmp is not None
    titles = _titles(repo, lesson)
    pdf = SchoolPDF("Class summary", f"Class summary · {lesson.title}")
    pdf.title_block(lesson.title, "A comparison of " + ", ".join(titles.values()))
    mean = "–" if view.mean_score is None else f"{view.mean_score:.0f} out of 100"
    pdf.facts([("Students", str(len(view.scores))),
               ("Counted", "each student's graded attempt: the first, before seeing the key"),
               ("Mean score", mean), ("Date", today())], label_w=34)
    from app.services.results.report_pdf import _histogram

    _histogram(pdf, view)  # type: ignore[arg-type]
    pdf.heading("Per claim: students right, out of " + str(len(view.scores)))
    rows = [["Claim", *[t[:28] for t in titles.values()], "Verdict", "Evidence"]]
    for c in view.claims:
        row = [c.statement[:70]]
        for s in c.cells:
            row.append(f"{s.right}" + (f" (+{s.partly} partly)" if s.partly else "")
                       + f" · key: {CHOICE_SHORT[s.support]}")
        row.append(f"{c.verdict_right} · key: {VERDICT_SHORT.get(c.verdict, c.verdict)}")
        row.append(f"{c.backing_f1:.0%}")
        rows.append(row)
    n = len(cmp.articles) + 3
    first = 42.0
    rest = (pdf.epw - first - 0.5) / (n - 1)
    pdf.grid(rows, (first, *([rest] * (n - 1))), ("LEFT",) * n, size=8, line_height=4.4)
    pdf.para("Each cell: students who gave the key's answer (and who got half of it: that "
             "the article makes the claim, not on what). Evidence: how well the students "
             "who gave a verdict cited the dossier entries behind the key's (F1, mean).",
             size=8.5, color=GREY, h=4.4)
    pdf.heading("What the class answered instead")
    for i, c in enumerate(view.claims, 1):
        pdf.para(f"{i}. {c.statement}", style="B", size=9.5)
        pdf.para("Verdicts: " + words_of(dict(c.verdicts), VERDICT_SHORT), size=9, indent=4)
        for s in c.cells:
            pdf.para(f"{titles[s.article]}: " + words_of(dict(s.choices), CHOICE_SHORT),
                     size=9, indent=4)
    pdf.output(str(path))
    return Path(path)


def words_of(counts: dict[str, int], names: dict[str, str]) -> str:
    if not counts:
        return "no answers"
    return ", ".join(f"{names.get(k, k)} {n}" for k, n in sorted(counts.items(),
                                                                   key=lambda x: -x[1]))
