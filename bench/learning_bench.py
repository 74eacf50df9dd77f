"""Issue 26 end to end, and what it costs: a class of 18 students' bundles on the bundled
units imported through the real ``close-reader submissions import``, then ``close-reader
report discrimination`` and ``report prepost`` (their output shown), timed as a teacher
runs them; then the same work in-process on a class of 600 students over the real
lessons and on a school's 60,000 synthetic submissions (``bench/school_bench.py``).

    python bench/learning_bench.py [--json] [--runs N] [--quiet]

Timings are medians of ``--runs`` runs on this machine as it is (shared, noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
ENV.pop("CLOSE_READER_DB", None)
TWINS, KURSK = "Same facts, two ways", "Same event, five framings"


def median_s(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cli(db: Path, *args: object) -> tuple[float, str]:
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "app", "--db", str(db), *map(str, args)],
                       env=ENV, capture_output=True, text=True, cwd=ROOT)
    took = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"close-reader {' '.join(map(str, args))} failed: {p.stderr}")
    return took, p.stdout


def class_db(folder: Path, students: int | None = None) -> tuple[Path, list[Path]]:
    from app.services.open_db import open_library
    from bench.prepost_class import write_class

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "class.db"
    repo = open_library(db)
    bundles, _ = write_class(folder, repo, students=students)
    repo.database.close()
    return db, bundles


def end_to_end(tmp: Path, show: bool) -> dict[str, float]:
    from bench.prepost_class import DELAYED, POST, PRE

    db, bundles = class_db(tmp / "class")
    out: dict[str, float] = {}
    out["cli_import_s"], text = cli(db, "submissions", "import", *bundles)
    if show:
        print(text.strip())
    out["cli_discrimination_s"], text = cli(db, "report", "discrimination", "--unit", TWINS)
    if show:
        print(f"\n$ close-reader report discrimination --unit '{TWINS}'\n{text}")
    forms = ["--pre", "lesson:" + ",".join(PRE), "--post", "lesson:" + ",".join(POST),
             "--delayed", "lesson:" + ",".join(DELAYED)]
    out["cli_prepost_s"], text = cli(db, "report", "prepost", *forms)
    if show:
        print(f"$ close-reader report prepost {' '.join(forms)}\n{text}")
    return out


def in_process(tmp: Path, runs: int) -> dict[str, float]:
    from app.core.prepost import Form, Pairing
    from app.services.results.bundles import import_bundles
    from app.services.results.discrimination import (
        class_discrimination,
        keyed_lessons,
        student_units,
    )
    from app.services.results.prepost import prepost
    from app.store.repo import open_repo
    from bench import school_bench

    out: dict[str, float] = {}
    db, bundles = class_db(tmp / "big-class", students=600)
    repo = open_repo(db)
    t0 = time.perf_counter()
    import_bundles(repo, bundles)
    out["import_600_students_s"] = time.perf_counter() - t0
    twins = keyed_lessons(repo, TWINS)
    out["discrimination_600x6_s"] = median_s(lambda: class_discrimination(repo, twins), runs)
    pairing = Pairing(None, "units", Form(unit=TWINS), Form(unit=KURSK))
    out["prepost_600_units_s"] = median_s(lambda: prepost(repo, pairing), runs)
    repo.database.close()

    school = tmp / "school.db"
    school_bench.build(school, 3000)
    repo = open_repo(school)
    # school_bench fills the table directly: one attempt per student and lesson, which
    # is the graded one (schema v4 records that as the attempt arrives; mark it here)
    with repo.database.transaction() as db:
        db.execute("UPDATE submissions SET graded = 1")
    every = keyed_lessons(repo)
    out["school_discrimination_60000_s"] = median_s(
        lambda: class_discrimination(repo, every), max(1, runs // 2))
    out["school_discrimination_one_lesson_s"] = median_s(
        lambda: class_discrimination(repo, every[:1]), runs)
    lessons = {le.id: le for le in every}
    sid = repo.students()[0].id
    out["school_student_units_cold_ms"] = 1000 * median_s(
        lambda: student_units(repo, sid, lessons, {}), runs)
    warm: dict = {}
    student_units(repo, sid, lessons, warm)
    out["school_student_units_warm_ms"] = 1000 * median_s(
        lambda: student_units(repo, sid, lessons, warm), runs)
    repo.database.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quiet", action="store_true", help="do not print the reports")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        figures = end_to_end(Path(tmp), show=not (args.quiet or args.json))
        figures |= in_process(Path(tmp), args.runs)
    if args.json:
        print(json.dumps(figures))
    else:
        print("figure                                   median")
        for k, v in figures.items():
            print(f"{k:40} {v:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
