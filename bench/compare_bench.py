"""Comparisons, measured (nothing here is a test; medians of several runs):

- grading the largest grid the format allows (40 claims × 8 articles, 200 dossier
  entries), in ``app.core.compare.scoring.grade_grid`` (budget: as grading one
  submission, ≤ 1 ms for the Kursk unit's 11 × 5);
- the class view of a class (30 students) on the Kursk comparison, from the database;
- opening the Kursk Compare page for a student, painted (≤ 100 ms, as the feedback view).

    python bench/compare_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _median_ms(fn, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _grid(cmp, key, right: float = 0.7):  # noqa: ANN001, ANN202
    import random

    from app.core.compare.model import CHOICES, VERDICTS, CellAnswer, GridAnswer, VerdictAnswer

    rnd = random.Random(1)
    cells = [CellAnswer(c.id, a, key.cell(c.id, a).support if rnd.random() < right
                        else rnd.choice(CHOICES)) for c in cmp.claims for a in cmp.articles]
    verdicts = [VerdictAnswer(c.id, rnd.choice(VERDICTS),
                              tuple(e.id for e in cmp.dossier[: rnd.randint(0, 4)]))
                for c in cmp.claims]
    return GridAnswer(tuple(cells), tuple(verdicts))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    runs = ap.parse_args().runs
    from app.core.compare.model import (
        CellKey,
        Claim,
        CompareKey,
        Comparison,
        DossierEntry,
        VerdictKey,
    )
    from app.core.compare.scoring import grade_grid
    from app.core.packs import read_pack

    arts = tuple(f"a{i}" for i in range(8))
    big = Comparison(arts, tuple(Claim(f"c{i}", f"Claim {i}.") for i in range(40)),
                     tuple(DossierEntry(f"d{i}", "fact", f"D{i}", says="x") for i in range(200)))
    big_key = CompareKey(tuple(CellKey(c.id, a, "unnamed") for c in big.claims for a in arts),
                         tuple(VerdictKey(c.id, "confirmed", ("d1", "d2", "d3"))
                               for c in big.claims))
    g = _grid(big, big_key)
    print(f"grade 40 claims x 8 articles: {_median_ms(lambda: grade_grid(big, big_key, g), runs):.2f} ms")
    kursk = next(le for le in read_pack(ROOT / "lessons" / "kursk-unit.json").lessons
                 if le.is_compare)
    kg = _grid(kursk.comparison, kursk.comparison.key)
    t = _median_ms(lambda: grade_grid(kursk.comparison, kursk.comparison.key, kg), runs)
    print(f"grade the Kursk grid (11 x 5): {t:.3f} ms (budget 1 ms)")

    from app.services.compare.grading import submit_grid
    from app.services.open_db import open_library
    from app.services.results.classview import class_view

    with tempfile.TemporaryDirectory() as tmp:
        repo = open_library(Path(tmp) / "b.db")
        lesson = repo.get_lesson("kursk-compare", with_key=True)
        for i in range(30):
            st = repo.student(f"Student {i:02d}")
            submit_grid(repo, st.id, st.name, lesson.id, _grid(lesson.comparison,
                                                                 lesson.comparison.key))
        t = _median_ms(lambda: class_view(repo, "kursk-compare"), max(5, runs // 3))
        print(f"class view, 30 students: {t:.1f} ms")
        repo.database.close()

        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from app.ui import create_main_window

        w = create_main_window(Path(tmp) / "b.db", student="Student 00b")
        w.resize(1280, 800)
        w.show()
        app = QApplication.instance()

        def open_page() -> None:
            w.show_library()
            w.open_lesson("kursk-compare")
            w.compare.repaint()
            app.processEvents()

        open_page()  # the first build of the page is not what a second opening costs
        print(f"open the Kursk Compare page, painted: {_median_ms(open_page, 9):.1f} ms "
              "(budget 100 ms, as the feedback view)")
        w.close()


if __name__ == "__main__":
    main()
