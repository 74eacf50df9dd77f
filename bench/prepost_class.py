"""A class of students on the bundled units, as submission bundles written by hand (plain
JSON, not the app's writer), for the pre/post tests and the learning bench.

Each student has a chance of marking a sentence the key marks and a chance of marking a
sentence it leaves alone, lower on the pre form and (for most) better on the post form.
What they mark is known by construction: ``expected[(student, lesson)]`` holds the
pooled (``all``) hits and false alarms of their graded attempt there.

    bundles, expected = write_class(folder)

Deterministic for a given seed. The sentences come from the app's own split
(``app.core.sentences``), tested on its own against hand-cut texts.
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

from app.core.discrimination import ALL, lesson_trials
from app.core.sentences import sentence_bounds

TWINS = "Same facts, two ways"
KURSK = "Same event, five framings"
PRE = ("twins-library-hours-loaded", "twins-library-hours-careful")
POST = ("twins-pool-repairs-loaded", "twins-pool-repairs-careful")
DELAYED = ("twins-school-lunch-loaded", "twins-school-lunch-careful")
NAMES = ("Ana Ruiz", "Ben Okafor", "Cleo Park", "Dev Shah", "Ema Novak", "Finn Byrne",
         "Gia Russo", "Hugo Lind", "Ines Costa", "Jon Weber", "Kai Tanaka", "Lena Berg",
         "Milo Stone", "Nia Adams", "Omar Haddad", "Pia Keller", "Quinn Lee", "Rosa Diaz")
ABSENT_POST = "Quinn Lee"  # took the pre form only
HALF_POST = "Rosa Diaz"  # took one of the post form's two lessons
NO_DELAYED = ("Omar Haddad", "Pia Keller")


def _lessons(repo) -> dict:  # noqa: ANN001 - a Repo
    return {s.id: repo.get_lesson(s.id, with_key=True) for s in repo.list_lessons()}


def _attempt(lesson, tokens, p_hit: float, p_fa: float, rng: random.Random
             ) -> tuple[list[dict], int, int]:
    """Highlights marking each signal sentence's first key piece with chance ``p_hit``
    and each noise sentence whole with chance ``p_fa``: (highlights, hits, alarms)."""
    trials = lesson_trials(lesson, sentence_bounds(lesson.text, tokens))[ALL]
    labels = {(k.start, k.end): k.label for k in lesson.key}
    hs, hits, alarms = [], 0, 0
    first: dict[int, tuple[int, int]] = {}
    for a, b, i in trials.pieces:
        first.setdefault(i, (a, b))
    for a, b in first.values():
        if rng.random() < p_hit:
            label = next(lab for (ks, ke), lab in labels.items() if ks <= a < ke)
            hs.append({"start": a, "end": b, "label": label})
            hits += 1
    for a, b in trials.noise:
        if rng.random() < p_fa:
            hs.append({"start": a, "end": b, "label": rng.choice(lesson.categories)})
            alarms += 1
    return hs, hits, alarms


def write_class(folder: Path, repo, seed: int = 26,  # noqa: ANN001
                students: int | None = None) -> tuple[list[Path], dict]:
    """Two machines' bundles for the class; returns their paths and what each graded
    attempt holds by construction: ``{(name, lesson_id): (hits, false_alarms)}``.
    ``students``: that many ("Student 0001", …) instead of the 18 named ones."""
    rng = random.Random(seed)
    names = NAMES if students is None else [f"Student {i:04d}" for i in range(1, students + 1)]
    lessons = _lessons(repo)
    kursk = [lid for lid, le in lessons.items() if le.unit == KURSK]
    subs: dict[str, list[dict]] = {"laptop-a": [], "laptop-b": []}
    expected: dict[tuple[str, str], tuple[int, int]] = {}
    day = 0
    for n, name in enumerate(names):
        machine = "laptop-a" if n % 2 == 0 else "laptop-b"
        skill = rng.uniform(0.35, 0.7)
        care = rng.uniform(0.1, 0.45)
        growth = rng.uniform(-0.05, 0.3)  # most get better; a few do not
        plan = [(PRE, 0.0), (POST, growth), (DELAYED, growth * 0.7), (tuple(kursk), growth)]
        for form, g in plan:
            for lid in form:
                if name == ABSENT_POST and form in (POST, DELAYED):
                    continue
                if name == HALF_POST and lid == POST[1]:
                    continue
                if name in NO_DELAYED and form is DELAYED:
                    continue
                le = lessons[lid]
                hs, hits, alarms = _attempt(le, repo.tokens(lid), min(skill + g, 0.98),
                                            max(care - g, 0.01), rng)
                day += 1
                stamp = (f"2026-{9 + day // 20000:02d}-{1 + day // 800 % 28:02d}T"
                         f"{9 + day // 60 % 12:02d}:{day % 60:02d}:00Z")
                subs[machine].append({"submission_id": str(uuid.UUID(int=rng.getrandbits(128),
                                                                     version=4)),
                                      "attempt": 1, "lesson": lid, "student": name,
                                      "submitted_at": stamp, "highlights": hs})
                expected[(name, lid)] = (hits, alarms)
                if n % 5 == 0:  # practice after seeing the key: every key passage
                    subs[machine].append({
                        "submission_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "attempt": 2, "lesson": lid, "student": name,
                        "submitted_at": stamp[:11] + "22" + stamp[13:],  # that evening
                        "highlights": [{"start": k.start, "end": k.end, "label": k.label}
                                       for k in le.key]})
    paths = []
    for machine, items in subs.items():
        p = folder / f"{machine}.json"
        p.write_text(json.dumps({"format": "close-reader/submissions", "version": 1,
                                 "machine": machine, "exported_at": "2026-12-01T12:00:00Z",
                                 "submissions": items}, ensure_ascii=False), encoding="utf-8")
        paths.append(p)
    return paths, expected
