"""Hits beside false alarms across a unit (pedagogy.md, "Discrimination, not
suspicion"): a student who marks everything finds every key span and learns nothing, so
for each lesson of a unit the class view shows how much of the key the class found
*and* how many of their highlights marked words the key leaves alone. In a unit of
"twins" (the same facts written carefully and with loaded words; a lesson's teacher
notes say "Twin of <id>") the two versions stand side by side.

Graded attempts only (``app.core.attempts``), graded afresh against the current key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.core.errors import UserError
from app.core.record import record
from app.services.results.classview import choose_attempts
from app.store.repo import Repo

TWIN_RE = re.compile(r"\bTwin of ([a-z0-9][a-z0-9-]{0,63})\b")


@record
class LessonSignal:
    lesson_id: str
    title: str
    students: int  # graded attempts on it
    required: int  # required key spans
    hit_rate: float | None  # share of required passages found (mean over students)
    false_alarms: float | None  # highlights outside the key, per student
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
    for summary in repo.list_lessons():
        if summary.unit != unit or not summary.has_key or summary.kind == "compare":
            continue
        lesson = repo.get_lesson(summary.id, with_key=True)
        assert lesson.key is not None
        chosen, _ = choose_attempts(
            repo.submissions(lesson_id=lesson.id, with_reports=False), lesson)
        reports = [r for _, r in chosen.values()]
        required = sum(1 for k in lesson.key if k.required)
        n = len(reports)
        hits = ([r.overall.found / r.overall.required for r in reports]
                if required else [])
        alarms = [sum(1 for h in r.highlights if h.status == "extra") for r in reports]
        out.append(LessonSignal(
            lesson.id, lesson.title, n, required,
            sum(hits) / n if n and hits else None,
            sum(alarms) / n if n else None, twin_of(lesson.teacher_notes)))
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
        return "–" if s.hit_rate is None else f"{s.hit_rate:.0%} of the required passages found"

    def alarm(s: LessonSignal) -> str:
        v = s.false_alarms or 0.0
        return f"{v:.1f} highlight{'s' * (round(v, 1) != 1)} per student outside the key"

    lines = []
    paired = pairs(signals)
    done: set[str] = set()
    for loaded, careful in paired:
        done |= {loaded.lesson_id, careful.lesson_id}
        lines.append(f"{loaded.title} (loaded) — {hit(loaded)}; {alarm(loaded)}.  "
                     f"Its careful twin {careful.title} — {alarm(careful)}.")
    for s in signals:
        if s.lesson_id not in done:
            lines.append(f"{s.title} — {hit(s)}; {alarm(s)}.")
    return lines
