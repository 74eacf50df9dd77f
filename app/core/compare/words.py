"""A graded grid in words a 14-year-old understands (pedagogy.md, "Feedback a student
can use"): counts before percentages, what went well first, the key's reasons in full.
The feedback view, the PDF report and the command line all say it this way."""

from __future__ import annotations

from collections.abc import Mapping

from app.core.compare.model import CHOICE_SHORT, CHOICE_WORDS, VERDICT_SHORT, Comparison
from app.core.compare.scoring import CellResult, ClaimResult, CompareReport

STATUS_TAGS = {"right": "✓ right", "partly": "◐ partly right", "wrong": "✗ not the key's answer",
               "unanswered": "— not answered"}


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'s' * (k != 1)}"


def summary(report: CompareReport) -> str:
    cells, claims = len(report.cells), len(report.claims)
    right, partly = report.count("cells", "right"), report.count("cells", "partly")
    verdicts = report.count("claims", "right")
    cited = sum(len(c.found) for c in report.claims)
    wanted = sum(len(c.expected_backing) for c in report.claims)
    out = (f"You judged {right} of {cells} cells right"
           + (f" and {partly} more partly" if partly else "")
           + f", and {verdicts} of {claims} verdicts right")
    if wanted:
        out += f", citing {cited} of the {wanted} dossier entries that back them"
    out += "."
    blank = report.count("cells", "unanswered") + report.count("claims", "unanswered")
    if blank:
        out += f" {_n(blank, 'answer')} left blank counted as not right."
    return out


def cell_line(c: CellResult, claim: str, article: str) -> str:
    """One cell, in full: what the student said, the key, the status, the reason."""
    said = CHOICE_WORDS.get(c.choice, "nothing") if c.choice else "nothing"
    key = CHOICE_WORDS[c.support]
    also = (" (also accepted: " + ", ".join(CHOICE_SHORT[a] for a in c.accept) + ")"
            if c.accept else "")
    text = (f"{claim} — {article}: you said “{said}”; the key says “{key}”{also}. "
            f"{STATUS_TAGS[c.status]}.")
    if c.status == "partly":
        text += (" You saw that the article makes the claim; the key differs on what it "
                 "rests on.")
    return text + (f" {c.explanation}" if c.explanation else "")


def _titles(ids: tuple[str, ...], titles: Mapping[str, str]) -> str:
    return "; ".join(f"“{titles.get(b, b)}”" for b in ids)


def claim_line(c: ClaimResult, statement: str, titles: Mapping[str, str]) -> str:
    """A claim's verdict and evidence, in full, naming the dossier entries."""
    said = VERDICT_SHORT.get(c.verdict, "") or "no verdict"
    parts = [f"{statement} — verdict: you said “{said}”; the key says "
             f"“{VERDICT_SHORT[c.expected]}”. {STATUS_TAGS[c.status]}."]
    if c.expected_backing:
        parts.append(f"You cited {len(c.found)} of the {len(c.expected_backing)} entries "
                     "that back it" + (": " + _titles(c.found, titles) if c.found else "")
                     + ".")
        if c.missing:
            parts.append("Not cited: " + _titles(c.missing, titles) + ".")
    elif c.backing:
        parts.append("The key cites no entry for this verdict.")
    if c.extra:
        parts.append("Cited, but it does not back this verdict: "
                     + _titles(c.extra, titles) + ".")
    if c.explanation:
        parts.append(c.explanation)
    return " ".join(parts)


def entry_titles(cmp: Comparison) -> dict[str, str]:
    return {e.id: e.title for e in cmp.dossier}
