"""Gradebook benchmark: 30 students × 20 lessons × 1 attempt (600 graded submissions).

Builds the database in a temporary folder (realistic ~650-word lessons with 12 key
spans each, ~9 highlights per attempt, full grade reports stored), then times, as
medians of several runs, each from a freshly opened database:

- open + ``build_gradebook``            (budget: ≤ 1 s, quality.md)
- open + stale check + ``build_gradebook`` (what the app and the CLI do)
- ``class_view`` of one lesson (30 attempts graded afresh)
- the long CSV (one row per attempt)
- ``close-reader gradebook`` as a process (Python start-up included)

    python bench/gradebook_bench.py [--json] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STUDENTS, LESSONS, KEY_SPANS = 30, 20, 12
BUDGET_S = 1.0
VOCABULARY = ("the officials said that a report on troops in the region was released on monday "
         "while analysts noted sources close to the ministry claimed an unprecedented "
         "brutal offensive according to insiders reportedly experts warn that the shocking "
         "plan would devastate families across the border and critics call it a reckless "
         "power grab although the statement offered no evidence for these figures")
WORDS = VOCABULARY.split()


def _lesson(i: int, rng: random.Random):
    from app.core.lessons import KeySpan, Lesson, Source

    paras = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(50, 80))).capitalize() + "."
             for _ in range(10)]
    text = "\n\n".join(paras)
    words = [(m, m + len(w)) for m, w in _word_spans(text)]
    key, taken = [], set()
    for _ in range(KEY_SPANS):
        j = rng.randrange(0, len(words) - 8)
        if any(k in taken for k in range(j - 1, j + 9)):
            continue
        n = rng.randint(1, 7)
        taken.update(range(j, j + n))
        s, e = words[j][0], words[j + n - 1][1]
        key.append(KeySpan(s, e, rng.choice(("unsupported_claim", "loaded_language")),
                           text[s:e], "Why this passage matters, in a sentence or two.",
                           rng.random() > 0.15))
    lesson = Lesson(id=f"bench-lesson-{i:02d}", title=f"Benchmark lesson {i}", text=text,
                    source=Source("Bench Times", "A. Writer", "2026-01-01"), key=tuple(key))
    return lesson, words


def _word_spans(text: str):
    import re

    return [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]


def build_db(path: Path, seed: int = 7) -> None:
    from app.core.lessons import Highlight
    from app.core.scoring import grade
    from app.store.repo import open_repo

    rng = random.Random(seed)
    repo = open_repo(path)
    repo.set_setting("seeded_bundled_lessons", "1")  # a teacher's database, seeded long ago
    made = [_lesson(i, rng) for i in range(1, LESSONS + 1)]
    repo.save_lessons([le for le, _ in made], {le.id: w for le, w in made})
    students = [repo.student(f"Student {n:02d}") for n in range(1, STUDENTS + 1)]
    with repo.database.transaction():
        for lesson, words in made:
            for st in students:
                hs = []
                for k in lesson.key or ():
                    if rng.random() < 0.65:  # found, with ragged edges
                        hs.append(Highlight(max(0, k.start - rng.choice((0, 0, 4))), k.end,
                                            k.label if rng.random() < 0.85 else
                                            "loaded_language"))
                for _ in range(rng.randint(1, 4)):  # extras
                    j = rng.randrange(0, len(words) - 5)
                    hs.append(Highlight(words[j][0], words[j + rng.randint(0, 4)][1],
                                        rng.choice(("unsupported_claim", "loaded_language"))))
                rep = grade(lesson.key or (), hs, lesson.categories)
                repo.add_submission(st.id, lesson.id, hs, rep.score,
                                    rep.as_json(lesson.id, st.name), 1,
                                    submitted_at=f"2026-03-{1 + int(lesson.id[-2:]):02d}T09:00:00Z",
                                    graded=True)
    repo.database.close()


def _median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(json_out: bool = False, runs: int = 7) -> dict:
    from app.services.grading import refresh_grades
    from app.services.results.classview import class_view
    from app.services.results.gradebook import build_gradebook, csv_rows
    from app.store.repo import open_repo

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build_db(db)
        setup = time.perf_counter() - t0
        cells = 0

        def cold(fresh: bool = False):
            nonlocal cells
            repo = open_repo(db)
            if fresh:
                refresh_grades(repo)
            gb = build_gradebook(repo)
            cells = len(gb.cells)
            repo.database.close()

        def with_repo(fn):
            def go():
                repo = open_repo(db)
                fn(repo)
                repo.database.close()
            return go

        env = {**os.environ, "CLOSE_READER_DB": str(db), "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "app", "gradebook"]
        result = {
            "benchmark": "gradebook",
            "students": STUDENTS, "lessons": LESSONS, "submissions": STUDENTS * LESSONS,
            "cells": 0, "runs": runs, "budget_s": BUDGET_S,
            "open_and_build_gradebook_s": _median_time(cold, runs),
            "open_refresh_and_build_s": _median_time(lambda: cold(True), runs),
            "class_view_one_lesson_s": _median_time(
                with_repo(lambda r: class_view(r, "bench-lesson-01")), runs),
            "long_csv_rows_s": _median_time(
                with_repo(lambda r: csv_rows(build_gradebook(r), long=True)), runs),
            "cli_gradebook_process_s": _median_time(
                lambda: subprocess.run(cmd, env=env, cwd=ROOT, check=True,
                                       capture_output=True), max(3, runs // 2)),
            "setup_s": setup,
        }
        result["cells"] = cells
        result["within_budget"] = result["open_and_build_gradebook_s"] <= BUDGET_S
    if json_out:
        print(json.dumps(result))
    else:
        print(f"Gradebook benchmark: {STUDENTS} students × {LESSONS} lessons = "
              f"{STUDENTS * LESSONS} submissions ({cells} cells); median of {runs} runs")
        print(f"{'measure':<38}{'median':>12}")
        for k, v in result.items():
            if k.endswith("_s") and k not in ("budget_s", "setup_s"):
                print(f"{k:<38}{v * 1000:>9.1f} ms")
        print(f"{'budget (open + build)':<38}{BUDGET_S * 1000:>9.0f} ms  "
              f"{'OK' if result['within_budget'] else 'OVER'}")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--runs", type=int, default=7, help="runs per measure (at least 5)")
    a = ap.parse_args(argv)
    run(a.json, max(5, a.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
