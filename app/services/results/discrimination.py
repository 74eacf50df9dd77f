"""Discrimination of a class: per student and category, the sentences of the key found
(hits) beside the sentences it leaves alone that were marked (false alarms), with d′
and the criterion (formats.md, "Discrimination: sentences as trials"; the numbers come
from ``app.core.discrimination``). Also the class view's line per lesson of a unit, with
the "twins" (the same facts written carefully and with loaded words; a lesson's teacher
notes say "Twin of <id>") side by side.

Graded attempts only (``app.core.attempts.graded_attempt``); an attempt whose
highlights do not fit the lesson's text is left out and named, as in the class view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from app.core.answers import check_highlights
from app.core.attempts import graded_attempt
from app.core.discrimination import ALL, Counts, Rates, Trials, add_up, lesson_trials, mean, tally
from app.core.errors import UserError
from app.core.lessons import Lesson
from app.core.record import record
from app.core.sentences import sentence_bounds
from app.store.repo import Repo, Submission

TWIN_RE = re.compile(r"\bTwin of ([a-z0-9][a-z0-9-]{0,63})\b")
TrialsCache = dict[str, Mapping[str, Trials]]


@record
class StudentDiscrimination:
    student_id: int
    name: str
    lessons: tuple[str, ...]  # the lessons counted (graded attempts that fit)
    counts: Mapping[str, Counts]  # per category id, and "all"


@record
class ClassDiscrimination:
    lesson_ids: tuple[str, ...]  # the lessons asked for (with a key here)
    categories: tuple[str, ...]  # ids in the library's order, then "all"
    students: tuple[StudentDiscrimination, ...]  # by name
    not_graded: tuple[str, ...] = ()  # "name (lesson)": highlights that do not fit

    def class_rates(self, category: str) -> Rates:
        """The class: the mean of its students' H, F, d′ and c in ``category``."""
        rs = [s.counts[category].rates for s in self.students if category in s.counts]
        return Rates(mean(r.hit_rate for r in rs), mean(r.false_alarm_rate for r in rs),
                     mean(r.d_prime for r in rs), mean(r.criterion for r in rs))


def keyed_lessons(repo: Repo, unit: str | None = None,
                  lesson_ids: Iterable[str] = ()) -> list[Lesson]:
    """The lessons of ``unit`` and those named, with their keys, in library order;
    neither given: every lesson with a key here."""
    ids = list(dict.fromkeys(lesson_ids))
    summaries = repo.list_lessons()
    known = {s.id for s in summaries}
    for lid in ids:
        if lid not in known:
            raise UserError(f"no lesson '{lid}' here (close-reader lessons list names them)")
    if unit is not None and not any(s.unit == unit for s in summaries):
        units = sorted({s.unit for s in summaries if s.unit})
        raise UserError(f"no unit '{unit}' here; the units are: " + "; ".join(units))
    everything = unit is None and not ids
    chosen = [s for s in summaries
              if everything or s.id in ids or (unit is not None and s.unit == unit)]
    out = [repo.get_lesson(s.id, with_key=True) for s in chosen]
    for le in out:
        if le.key is None and le.id in ids:
            raise UserError(f"lesson '{le.id}' has no answer key on this machine yet")
    return [le for le in out if le.key is not None]


def trials_of(repo: Repo, lesson: Lesson, cache: TrialsCache | None = None
              ) -> Mapping[str, Trials]:
    """The lesson's trials from its stored word boundaries (kept in ``cache``)."""
    if cache is not None and lesson.id in cache:
        return cache[lesson.id]
    t = lesson_trials(lesson, sentence_bounds(lesson.text, repo.tokens(lesson.id)))
    if cache is not None:
        cache[lesson.id] = t
    return t


def graded_fitting(subs: Sequence[Submission], lesson: Lesson
                   ) -> tuple[dict[int, Submission], list[str]]:
    """Per student: the graded attempt on ``lesson``, when its highlights fit the text;
    the names of those whose do not."""
    by_student: dict[int, list[Submission]] = {}
    for s in subs:
        by_student.setdefault(s.student_id, []).append(s)
    out: dict[int, Submission] = {}
    failed: list[str] = []
    for sid, attempts in by_student.items():
        g = graded_attempt(attempts)
        if g is None:
            continue
        try:
            check_highlights(lesson, g.highlights)
        except UserError:
            failed.append(g.student)
            continue
        out[sid] = g
    return out, failed


def class_discrimination(repo: Repo, lessons: Sequence[Lesson],
                         cache: TrialsCache | None = None,
                         student_id: int | None = None,
                         progress: Callable[[int, int], None] | None = None
                         ) -> ClassDiscrimination:
    """Every student with a graded attempt on any of ``lessons`` (or only
    ``student_id``), their counts added up over those lessons."""
    cache = {} if cache is None else cache
    parts: dict[int, list[Mapping[str, Counts]]] = {}
    taken: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    failed: list[str] = []
    for n, lesson in enumerate(lessons):
        if progress is not None:
            progress(n, len(lessons))
        trials = trials_of(repo, lesson, cache)
        subs = repo.submissions(student_id=student_id, lesson_id=lesson.id,
                                with_reports=False)
        chosen, bad = graded_fitting(subs, lesson)
        failed += [f"{name} ({lesson.id})" for name in bad]
        for sid, sub in chosen.items():
            names[sid] = sub.student
            parts.setdefault(sid, []).append(tally(trials, sub.highlights))
            taken.setdefault(sid, []).append(lesson.id)
    order = {c: i for i, c in enumerate(repo.categories())}
    offered = {c for le in lessons for c in le.categories}
    cats = (*sorted(offered, key=lambda c: (order.get(c, len(order)), c)), ALL)
    students = sorted((StudentDiscrimination(sid, names[sid], tuple(taken[sid]),
                                             add_up(ps)) for sid, ps in parts.items()),
                      key=lambda s: (s.name.casefold(), s.student_id))
    return ClassDiscrimination(tuple(le.id for le in lessons), cats, tuple(students),
                               tuple(sorted(failed)))


def student_units(repo: Repo, student_id: int, lessons: Mapping[str, Lesson | None],
                  cache: TrialsCache | None = None
                  ) -> list[tuple[str, tuple[str, ...], Mapping[str, Counts]]]:
    """One student's counts per unit (``""``: lessons in no unit), over their graded
    attempts on the lessons in ``lessons`` with a key: (unit, lesson ids, counts)."""
    cache = {} if cache is None else cache
    subs = repo.submissions(student_id=student_id, with_reports=False)
    by_unit: dict[str, list[tuple[str, Mapping[str, Counts]]]] = {}
    for lid in dict.fromkeys(s.lesson_id for s in subs):
        lesson = lessons.get(lid)
        if lesson is None or lesson.key is None:
            continue
        chosen, _ = graded_fitting([s for s in subs if s.lesson_id == lid], lesson)
        for sub in chosen.values():
            by_unit.setdefault(lesson.unit, []).append(
                (lid, tally(trials_of(repo, lesson, cache), sub.highlights)))
    return [(unit, tuple(lid for lid, _ in parts), add_up(c for _, c in parts))
            for unit, parts in by_unit.items()]


# -- the class view's line per lesson of a unit -----------------------------------
@record
class LessonSignal:
    lesson_id: str
    title: str
    students: int  # graded attempts on it
    required: int  # required key spans
    hits: float | None  # signal sentences marked, mean per student
    signal: int  # sentences holding a required key span
    false_alarms: float | None  # noise sentences marked, mean per student
    noise: int  # sentences holding no key span
    twin: str | None  # the other version's lesson id, when the notes name one

    @property
    def careful(self) -> bool:
        """The careful twin of a pair: the one whose key marks less."""
        return self.required <= 3


def twin_of(teacher_notes: str) -> str | None:
    m = TWIN_RE.search(teacher_notes or "")
    return m.group(1) if m else None


def unit_signals(repo: Repo, unit: str) -> list[LessonSignal]:
    """Every lesson of ``unit`` here with its key, in library order."""
    out: list[LessonSignal] = []
    cache: TrialsCache = {}
    for lesson in keyed_lessons(repo, unit):
        cd = class_discrimination(repo, [lesson], cache)
        counts = [s.counts[ALL] for s in cd.students]
        n = len(counts)
        t = cache[lesson.id][ALL]
        out.append(LessonSignal(
            lesson.id, lesson.title, n, sum(1 for k in lesson.key or () if k.required),
            sum(c.hits for c in counts) / n if n else None, t.signal,
            sum(c.false_alarms for c in counts) / n if n else None, len(t.noise),
            twin_of(lesson.teacher_notes)))
    return out


def pairs(signals: Sequence[LessonSignal]) -> list[tuple[LessonSignal, LessonSignal]]:
    """(loaded, careful) pairs of twins named in the teacher notes, each pair once."""
    by_id = {s.lesson_id: s for s in signals}
    seen: set[str] = set()
    out = []
    for s in signals:
        other = by_id.get(s.twin or "")
        if other is None or s.lesson_id in seen:
            continue
        seen |= {s.lesson_id, other.lesson_id}
        careful, loaded = sorted((s, other), key=lambda x: x.required)
        out.append((loaded, careful))
    return out


def signal_lines(repo: Repo, lesson_id: str) -> list[str]:
    """What the class view shows under "Across the unit": one line a lesson or pair."""
    try:
        unit = repo.get_lesson(lesson_id).unit
    except UserError:
        return []
    if not unit:
        return []
    signals = [s for s in unit_signals(repo, unit) if s.students]
    if len(signals) < 2:
        return []

    def hit(s: LessonSignal) -> str:
        if not s.signal:
            return "no sentence holds a required key passage"
        return (f"students marked on average {s.hits or 0:.1f} of the {s.signal} "
                f"sentence{'s' * (s.signal != 1)} its key marks")

    def alarm(s: LessonSignal) -> str:
        return (f"{s.false_alarms or 0:.1f} of the {s.noise} sentence{'s' * (s.noise != 1)} "
                "it leaves alone")

    lines = []
    done: set[str] = set()
    for loaded, careful in pairs(signals):
        done |= {loaded.lesson_id, careful.lesson_id}
        lines.append(f"{loaded.title} (loaded): {hit(loaded)} and {alarm(loaded)}. "
                     f"Its careful twin, {careful.title}: {alarm(careful)}.")
    for s in signals:
        if s.lesson_id not in done:
            lines.append(f"{s.title}: {hit(s)} and {alarm(s)}.")
    return lines
