"""School-scale benchmark: the gradebook of 600, 6,000 and 60,000 submissions (up to 100
classes × 30 students × 20 lessons in one database), and one submission bundle of
10,000 attempts imported (quality.md).

The databases are filled directly (real schema, real grade reports from
``app.core.scoring``), so building them takes seconds, not minutes.

    python bench/school_bench.py [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LESSONS = 20
SIZES = (30, 300, 3000)  # students: 600, 6,000, 60,000 submissions
BUNDLE = 10_000


def _lessons(rng: random.Random):
    from bench.gradebook_bench import _lesson

    return [_lesson(i, rng) for i in range(1, LESSONS + 1)]


def _highlights(lesson, words, rng: random.Random):
    from app.core.lessons import Highlight

    hs = [Highlight(k.start, k.end, k.label) for k in lesson.key or () if rng.random() < 0.6]
    for _ in range(rng.randint(1, 3)):
        j = rng.randrange(0, len(words) - 5)
        hs.append(Highlight(words[j][0], words[j + rng.randint(0, 4)][1], "loaded_language"))
    return hs


def build(path: Path, students: int, seed: int = 11) -> list:
    """A database with ``students`` × 20 graded submissions; returns the lessons."""
    from app.core.scoring import grade
    from app.store.repo import _hl_json, now_iso, open_repo

    rng = random.Random(seed)
    repo = open_repo(path)
    repo.set_setting("seeded_bundled_lessons", "1")
    made = _lessons(rng)
    repo.save_lessons([le for le, _ in made], {le.id: w for le, w in made})
    now = now_iso()
    with repo.database.transaction() as db:
        db.conn.executemany(
            "INSERT INTO students(id, name, name_key, created_at) VALUES (?, ?, ?, ?)",
            [(n, f"Student {n:04d}", f"student {n:04d}", now) for n in range(1, students + 1)])
        rows = []
        for lesson, words in made:
            for n in range(1, students + 1):
                hs = _highlights(lesson, words, rng)
                rep = grade(lesson.key or (), hs, lesson.categories)
                rows.append((str(uuid.UUID(int=rng.getrandbits(128))), n, lesson.id, 1,
                             f"2026-03-{1 + int(lesson.id[-2:]):02d}T09:00:00Z",
                             _hl_json(hs), "m", 1, rep.score,
                             json.dumps(rep.as_json(lesson.id, "")), 1, 1))
        # each the first attempt of its student on its lesson: the graded one (schema v4)
        db.conn.executemany(
            "INSERT INTO submissions(submission_id, student_id, lesson_id, attempt, "
            "submitted_at, highlights, machine, imported, score, report, key_version, graded) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        db.execute("UPDATE lessons SET key_version = 1")
    repo.database.close()
    return made


def time_gradebook(path: Path, runs: int) -> float:
    from app.services.results.gradebook import build_gradebook
    from app.store.repo import open_repo

    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        repo = open_repo(path)
        build_gradebook(repo)
        repo.database.close()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def bundle_case(tmp: Path) -> tuple[Path, Path]:
    """A teacher's database (one class's lessons) and one bundle of 10,000 attempts
    from a school machine: (database, bundle)."""
    from app.core.answers import Bundle, BundledSubmission, write_bundle

    rng = random.Random(5)
    db = tmp / "teacher.db"
    made = build(db, 1)
    subs = []
    per = BUNDLE // LESSONS
    for lesson, words in made:
        for n in range(per):
            subs.append(BundledSubmission(str(uuid.UUID(int=rng.getrandbits(128))), 1,
                                          lesson.id, f"Pupil {n:04d}", "2026-04-01T10:00:00Z",
                                          tuple(_highlights(lesson, words, rng))))
    f = tmp / "bundle.json"
    write_bundle(f, Bundle("school-machine", "2026-04-01T12:00:00Z", tuple(subs)))
    return db, f


def time_bundle_import(tmp: Path) -> tuple[float, int]:
    """Seconds to import one bundle of 10,000 attempts into a teacher's database."""
    from app.services.results.bundles import import_bundles
    from app.store.repo import open_repo

    db, f = bundle_case(tmp)
    repo = open_repo(db)
    t0 = time.perf_counter()
    summary = import_bundles(repo, [f])
    took = time.perf_counter() - t0
    repo.database.close()
    return took, summary.added


def run(json_out: bool = False, runs: int = 3) -> dict:
    table = []
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for students in SIZES:
            db = tmp / f"school-{students}.db"
            build(db, students)
            table.append({"submissions": students * LESSONS, "students": students,
                          "gradebook_s": time_gradebook(db, runs if students < 3000 else
                                                        max(3, runs))})
        bundle_s, added = time_bundle_import(tmp)
    result = {"benchmark": "school", "table": table, "school_gradebook_s":
              table[-1]["gradebook_s"], "bundle_import_s": bundle_s, "bundle_added": added}
    if json_out:
        print(json.dumps(result))
    else:
        for row in table:
            print(f"gradebook of {row['submissions']:>6} submissions: "
                  f"{row['gradebook_s'] * 1000:8.1f} ms")
        print(f"import one bundle of {added} submissions: {bundle_s:.2f} s")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    run(args.json, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
