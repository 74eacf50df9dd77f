"""Pre and post: per student and category, the change in score, hit rate, false-alarm
rate and d′ from the pre form to the post (and delayed) form, and for the class the
mean paired change with its 95 % interval (formats.md, "Pre and post").

Scores are those of every other screen (``classview.choose_attempts`` picks the graded
attempt through ``app.core.attempts`` and grades it on the current key; the override
counts for ``all``); the discrimination of a form is ``app.core.discrimination`` over
its lessons together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from app.core.discrimination import ALL, Counts, add_up, tally
from app.core.errors import UserError
from app.core.lessons import Lesson
from app.core.prepost import COMPARISONS, MEASURES, Change, Form, Pairing, paired_change
from app.core.record import record
from app.core.scoring import score_of
from app.services.results.classview import choose_attempts, shown_score
from app.services.results.discrimination import TrialsCache, keyed_lessons, trials_of
from app.store.repo import Repo


@record
class FormResult:
    """One student's figures on one form (complete or not)."""
    taken: int  # lessons of the form with a graded attempt that fits
    total: int  # lessons of the form with a key here
    scores: Mapping[str, float]  # per category and "all": mean lesson score
    counts: Mapping[str, Counts]

    @property
    def complete(self) -> bool:
        return self.taken == self.total

    def value(self, category: str, measure: str) -> float | None:
        if measure == "score":
            return self.scores.get(category)
        c = self.counts.get(category)
        return None if c is None else getattr(c.rates, measure)


@record
class StudentRow:
    student_id: int
    name: str
    category: str
    comparison: str  # "post" or "delayed"
    measure: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@record
class Missing:
    student_id: int
    name: str
    comparison: str
    what: str  # "post: 1 of 3 lessons taken", "post not taken"


@record
class PrePost:
    pairing: Pairing
    lessons: Mapping[str, tuple[str, ...]]  # form ("pre", "post", "delayed") -> lesson ids
    titles: Mapping[str, str]  # lesson id -> title
    categories: tuple[str, ...]
    comparisons: tuple[str, ...]
    rows: tuple[StudentRow, ...]  # students with both forms, by name
    missing: tuple[Missing, ...]
    summary: Mapping[tuple[str, str, str], Change]  # (category, comparison, measure)

    def paired(self, comparison: str) -> list[tuple[int, str]]:
        """(id, name) of the students with both forms of ``comparison``, by name."""
        seen = dict.fromkeys((r.student_id, r.name) for r in self.rows
                             if r.comparison == comparison)
        return list(seen)


def form_lessons(repo: Repo, form: Form) -> list[Lesson]:
    if form.unit is None and not form.lessons:
        raise UserError("a form is a unit or at least one lesson")
    lessons = keyed_lessons(repo, form.unit, form.lessons)
    if not lessons:
        raise UserError(f"the {form.describe()} has no lesson with a key here")
    return lessons


def form_results(repo: Repo, lessons: Sequence[Lesson], cache: TrialsCache
                 ) -> tuple[dict[int, FormResult], dict[int, str]]:
    """Per student with any graded attempt on the form's lessons: their figures."""
    scores: dict[int, dict[str, list[float]]] = {}
    parts: dict[int, list[Mapping[str, Counts]]] = {}
    names: dict[int, str] = {}
    for lesson in lessons:
        trials = trials_of(repo, lesson, cache)
        chosen, _ = choose_attempts(repo.submissions(lesson_id=lesson.id, with_reports=False),
                                    lesson)
        for sid, (sub, report) in chosen.items():
            names[sid] = sub.student
            per = scores.setdefault(sid, {})
            per.setdefault(ALL, []).append(float(shown_score(sub, report)))
            for cat in lesson.categories:
                per.setdefault(cat, []).append(float(score_of(report.by_label[cat].f1)))
            parts.setdefault(sid, []).append(tally(trials, sub.highlights))
    out = {sid: FormResult(len(parts[sid]), len(lessons),
                           {c: sum(v) / len(v) for c, v in per.items()}, add_up(parts[sid]))
           for sid, per in scores.items()}
    return out, names


def prepost(repo: Repo, pairing: Pairing,
            progress: Callable[[int, int], None] | None = None) -> PrePost:
    forms = pairing.forms()
    cache: TrialsCache = {}
    lessons = {name: form_lessons(repo, f) for name, f in forms.items()}
    results: dict[str, dict[int, FormResult]] = {}
    names: dict[int, str] = {}
    for i, (name, ls) in enumerate(lessons.items()):
        if progress is not None:
            progress(i, len(lessons))
        results[name], got = form_results(repo, ls, cache)
        names.update(got)
    order = {c: i for i, c in enumerate(repo.categories())}
    offered = {c for ls in lessons.values() for le in ls for c in le.categories}
    cats = (*sorted(offered, key=lambda c: (order.get(c, len(order)), c)), ALL)
    comparisons = tuple(c for c in COMPARISONS if c in forms)
    rows: list[StudentRow] = []
    missing: list[Missing] = []
    by_name = sorted(names, key=lambda sid: (names[sid].casefold(), sid))
    for comp in comparisons:
        for sid in by_name:
            pre, post = results["pre"].get(sid), results[comp].get(sid)
            if pre is None and post is None:
                continue
            lacking = [_lacking(f, r, len(lessons[f])) for f, r in (("pre", pre), (comp, post))
                       if r is None or not r.complete]
            if lacking:
                missing.append(Missing(sid, names[sid], comp, "; ".join(lacking)))
                continue
            assert pre is not None and post is not None
            rows += [StudentRow(sid, names[sid], cat, comp, m, pre.value(cat, m),
                                post.value(cat, m)) for cat in cats for m in MEASURES]
    summary = {}
    for cat in cats:
        for comp in comparisons:
            for m in MEASURES:
                pairs = [(r.before, r.after) for r in rows if r.category == cat and
                         r.comparison == comp and r.measure == m and r.change is not None]
                summary[(cat, comp, m)] = paired_change(pairs)  # type: ignore[arg-type]
    titles = {le.id: le.title for ls in lessons.values() for le in ls}
    return PrePost(pairing, {f: tuple(le.id for le in ls) for f, ls in lessons.items()},
                   titles, cats, comparisons, tuple(rows), tuple(missing), summary)


def _lacking(form: str, r: FormResult | None, total: int) -> str:
    taken = 0 if r is None else r.taken
    if total == 1:
        return f"{form} not taken"
    return f"{form}: {taken} of {total} lessons taken"
