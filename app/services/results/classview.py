"""The class view of one lesson, and one student's progress across lessons.

Which attempt counts: each student's **graded** attempt, decided once, in
``app.core.attempts`` (the first attempt, never one made after seeing the key), and its
score is the instructor's override where there is one — the same number as the
gradebook, its CSV and the PDF reports. Practice after the key is not counted here.

Everything is graded afresh against the current key (grading is ~1 ms per attempt),
so the figures never come from a report made against an older key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from app.core.attempts import graded_attempt, time_key
from app.core.errors import UserError
from app.core.lessons import KeySpan, Lesson
from app.core.record import record
from app.core.scoring import Figures, Report
from app.core.spans import Span
from app.services.grading import grade_attempt
from app.store.repo import Repo, Submission

RULES = ("graded", "first")  # "first": the first version's name for the same rule
BINS = tuple(f"{10 * i}–{10 * i + 9}" for i in range(9)) + ("90–100",)


@record
class KeySpanStat:
    number: int  # 1-based, in text order: the number printed beside the span
    span: KeySpan
    found: int  # students with status "found" (coverage ≥ 0.5)
    partial: int  # students with status "partial"
    missed: int
    wrong_label: int  # of the missed: marked it, but with another category
    students: int

    def share(self, status: str) -> float:
        return getattr(self, status) / self.students if self.students else 0.0


@record
class ExtraGroup:
    """Overlapping "extra" highlights (the key marks none of it) of several students."""
    start: int  # extent of the group
    end: int
    core_start: int  # the stretch marked by the most students
    core_end: int
    quote: str  # the core's text
    students: int  # distinct students with an extra highlight in the group
    labels: Mapping[str, int]  # category -> students who marked it so


@record
class ClassFigures:
    precision: float | None  # mean over the students who marked anything in the category
    recall: float | None  # mean over all students; None: the key has no required span
    marking: int  # students with at least one highlight in the category


@record
class ClassView:
    lesson: Lesson
    rule: str
    students: tuple[str, ...]  # names, in the order of ``scores``
    scores: tuple[int, ...]
    key: tuple[KeySpanStat, ...]
    extras: tuple[ExtraGroup, ...]  # most-marked first
    histogram: tuple[int, ...]  # ten bins: 0–9, 10–19, …, 90–100
    by_label: Mapping[str, ClassFigures]
    overall: ClassFigures
    not_graded: tuple[str, ...]  # students whose attempt does not fit this lesson's text
    # students with a highlight on a key passage of another category only ("wrong_label"):
    # marked outside the key too, though not in ``extras``
    wrong_label_students: int = 0

    @property
    def mean_score(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


@record
class ProgressPoint:
    lesson_id: str
    title: str
    attempt: int
    submitted_at: str
    score: int
    by_label: Mapping[str, Figures]  # precision, recall, found / required, …


def choose_attempts(subs: Sequence[Submission], lesson: Lesson,
                    rule: str = "graded") -> tuple[dict[int, tuple[Submission, Report]], list[str]]:
    """Per student id: the graded attempt (``app.core.attempts``), graded on the current
    key. Students whose graded attempt does not fit the lesson's text are listed."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}")
    by_student: dict[int, list[Submission]] = {}
    for s in subs:
        by_student.setdefault(s.student_id, []).append(s)
    chosen: dict[int, tuple[Submission, Report]] = {}
    failed: list[str] = []
    for sid, attempts in by_student.items():
        g = graded_attempt(attempts)
        if g is None:
            continue
        try:
            chosen[sid] = (g, grade_attempt(lesson, g))
        except UserError:
            failed.append(g.student)
    return chosen, failed


def shown_score(sub: Submission, report: Report) -> int:
    """The number shown for a graded attempt: the override, else the formula's score."""
    return sub.override_score if sub.override_score is not None else report.score


def class_view(repo: Repo, lesson_id: str, rule: str = "graded") -> ClassView:
    lesson = repo.get_lesson(lesson_id, with_key=True)
    if lesson.is_compare:  # per claim, not per key span (formats.md, "Comparisons")
        from app.services.compare.classview import compare_class_view

        return compare_class_view(repo, lesson)  # type: ignore[return-value]
    if lesson.key is None:
        raise UserError(f"lesson '{lesson_id}' has no answer key on this machine yet")
    chosen, failed = choose_attempts(repo.submissions(lesson_id=lesson_id, with_reports=False),
                                     lesson, rule)
    graded = sorted(chosen.values(), key=lambda g: g[0].student.casefold())
    reports = [r for _, r in graded]
    n = len(reports)
    stats = []
    for i, t in enumerate(sorted(lesson.key, key=lambda k: (k.start, k.end, k.label))):
        results = [r.key[i] for r in reports]
        wrong = sum(1 for r, k in zip(reports, results, strict=True) if k.status == "missed"
                    and any(h.span.label != t.label and _ov(h.span, t) for h in r.highlights))
        stats.append(KeySpanStat(i + 1, t, *(sum(k.status == st for k in results)
                                             for st in ("found", "partial", "missed")),
                                 wrong, n))
    scores = [shown_score(sub, r) for sub, r in graded]
    hist = [0] * 10
    for v in scores:
        hist[min(v // 10, 9)] += 1
    extras = [(h.span.start, h.span.end, h.span.label, j) for j, r in enumerate(reports)
              for h in r.highlights if h.status == "extra"]
    return ClassView(
        lesson=lesson, rule="graded", students=tuple(s.student for s, _ in graded),
        scores=tuple(scores), key=tuple(stats),
        extras=tuple(group_extras(extras, lesson.text)), histogram=tuple(hist),
        by_label={lab: class_figures([r.by_label[lab] for r in reports])
                  for lab in lesson.categories},
        overall=class_figures([r.overall for r in reports]), not_graded=tuple(sorted(failed)),
        wrong_label_students=sum(any(h.status == "wrong_label" for h in r.highlights)
                                 for r in reports))


def class_figures(figs: Sequence[Figures]) -> ClassFigures:
    marking = [f for f in figs if f.highlights]
    p = sum(f.precision for f in marking) / len(marking) if marking else None
    r = sum(f.recall for f in figs) / len(figs) if figs and figs[0].required else None
    return ClassFigures(p, r, len(marking))


def group_extras(spans: Sequence[tuple[int, int, str, int]], text: str) -> list[ExtraGroup]:
    """Cluster overlapping ``(start, end, label, student)`` spans; rank by students."""
    groups: list[list[tuple[int, int, str, int]]] = []
    end = -1
    for sp in sorted(spans):
        if groups and sp[0] < end:
            groups[-1].append(sp)
            end = max(end, sp[1])
        else:
            groups.append([sp])
            end = sp[1]
    out = []
    for g in groups:
        cuts = sorted({x for s in g for x in s[:2]})
        best, core = 0, (g[0][0], g[0][1])
        for a, b in zip(cuts, cuts[1:], strict=False):
            depth = len({s[3] for s in g if s[0] <= a and b <= s[1]})
            if depth > best:
                best, core = depth, (a, b)
            elif depth == best and a == core[1]:
                core = (core[0], b)  # extend a run of equally marked stretches
        labels = Counter(lab for lab, _ in {(s[2], s[3]) for s in g})
        out.append(ExtraGroup(g[0][0], max(s[1] for s in g), core[0], core[1],
                              text[core[0]:core[1]].strip(), len({s[3] for s in g}),
                              dict(labels)))
    out.sort(key=lambda e: (-e.students, e.start))
    return out


def read_lessons(repo: Repo, lesson_ids: Iterable[str],
                 into: dict[str, Lesson | None] | None = None) -> dict[str, Lesson | None]:
    """Each lesson with its key (None for one not here), added to ``into`` when given:
    the cache ``student_progress`` keeps (the results window fills it on its worker)."""
    read = into if into is not None else {}
    for lid in lesson_ids:
        if lid not in read:
            try:
                read[lid] = repo.get_lesson(lid, with_key=True)
            except UserError:
                read[lid] = None
    return read


def student_progress(repo: Repo, student_id: int, rule: str = "graded",
                     lessons: dict[str, Lesson | None] | None = None) -> list[ProgressPoint]:
    """Per lesson (with its key here), the graded attempt's figures per category,
    in submission order. Different lessons are different articles: compare the counts
    per category, not as "better" or "worse" (``app.ui.results.progress_page``).

    ``lessons`` keeps the lessons read (with their keys; None for one not here) for the
    next student: a window showing one student after another reads each lesson once."""
    subs = repo.submissions(student_id=student_id, with_reports=False)
    points: list[tuple[tuple, ProgressPoint]] = []
    ids = list(dict.fromkeys(s.lesson_id for s in subs))
    read = read_lessons(repo, ids, lessons)
    for lid in ids:
        lesson = read[lid]
        if lesson is None:
            continue
        if lesson.key is None:
            continue
        chosen, _ = choose_attempts([s for s in subs if s.lesson_id == lid], lesson, rule)
        for sub, rep in chosen.values():
            points.append(((time_key(sub.submitted_at), lid), ProgressPoint(
                lid, lesson.title, sub.attempt, sub.submitted_at, shown_score(sub, rep),
                dict(rep.by_label))))
    return [p for _, p in sorted(points, key=lambda x: x[0])]


def _ov(a: Span, b: KeySpan) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))
