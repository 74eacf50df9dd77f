"""The class view of a comparison: per claim, how many students got each cell and the
verdict right, what they answered, and how well they cited the dossier.

Each student's graded attempt counts (``app.core.attempts``), graded afresh against the
current key, and a score is the override where there is one: the same numbers as the
gradebook, its CSV and the PDF reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from app.core.compare.scoring import CompareReport
from app.core.lessons import Lesson
from app.core.record import record
from app.store.repo import Repo


@record
class CellStat:
    article: str
    support: str  # the key's
    right: int
    partly: int
    wrong: int
    unanswered: int
    choices: Mapping[str, int]  # what the students answered -> how many


@record
class ClaimStat:
    claim: str
    statement: str
    verdict: str  # the key's
    verdict_right: int
    verdicts: Mapping[str, int]  # what the students answered -> how many
    backing_f1: float  # mean over the students who gave a verdict (0 when none did)
    cells: tuple[CellStat, ...]
    students: int


@record
class CompareClassView:
    lesson: Lesson
    rule: str
    students: tuple[str, ...]
    scores: tuple[int, ...]
    claims: tuple[ClaimStat, ...]
    histogram: tuple[int, ...]
    not_graded: tuple[str, ...]
    titles: Mapping[str, str]  # article id -> title (the id when not here)
    kind: str = "compare"

    @property
    def mean_score(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


def compare_class_view(repo: Repo, lesson: Lesson) -> CompareClassView:
    from app.core.errors import UserError
    from app.services.results.classview import choose_attempts, shown_score

    if lesson.key is None or lesson.comparison is None or lesson.comparison.key is None:
        raise UserError(f"lesson '{lesson.id}' has no answer key on this machine yet")
    cmp = lesson.comparison
    chosen, failed = choose_attempts(repo.submissions(lesson_id=lesson.id, with_reports=False),
                                     lesson)
    graded = sorted(chosen.values(), key=lambda g: g[0].student.casefold())
    reports: list[CompareReport] = [r for _, r in graded]  # type: ignore[misc]
    stats = []
    by_cell = [{(c.claim, c.article): c for c in r.cells} for r in reports]
    by_claim = [{c.claim: c for c in r.claims} for r in reports]
    for claim in cmp.claims:
        results = [d.get(claim.id) for d in by_claim]
        judged = [c for c in results if c is not None and c.verdict]
        cells = []
        for article in cmp.articles:
            got = [d.get((claim.id, article)) for d in by_cell]
            got = [c for c in got if c is not None]
            status = Counter(c.status for c in got)
            cells.append(CellStat(article, cmp.key.cell(claim.id, article).support,
                                  status["right"], status["partly"], status["wrong"],
                                  status["unanswered"],
                                  dict(Counter(c.choice for c in got if c.choice))))
        v = cmp.key.verdict(claim.id)
        stats.append(ClaimStat(
            claim.id, claim.statement, v.verdict if v else "",
            sum(1 for c in judged if c.status == "right"),
            dict(Counter(c.verdict for c in judged)),
            sum(float(c.backing_f1) for c in judged) / len(judged) if judged else 0.0,
            tuple(cells), len(reports)))
    scores = [shown_score(sub, r) for sub, r in graded]  # type: ignore[arg-type]
    hist = [0] * 10
    for s in scores:
        hist[min(s // 10, 9)] += 1
    titles = {}
    for a in cmp.articles:
        try:
            titles[a] = repo.get_lesson(a).title
        except UserError:
            titles[a] = a
    return CompareClassView(lesson, "graded", tuple(s.student for s, _ in graded),
                            tuple(scores), tuple(stats), tuple(hist), tuple(sorted(failed)),
                            titles)
