"""Every budget of docs/quality.md, measured: medians of several runs, with the natural
baseline measured beside it in the same run.

    python bench/run.py [--json] [--runs N]

Prints a table (figure, measured, budget, baseline, result); with ``--json``, one JSON
object keyed by budget name. Timings come from this machine as it is (shared, noisy):
read them as medians, and compare a figure with its baseline rather than in isolation.
Nothing here is a test; tests never assert on time.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BUNDLE_DIR = ROOT / "dist" / "close-reader"
ENV = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
       "PYTHONPATH": str(ROOT)}
ENV.pop("CLOSE_READER_DB", None)
# as installed: compiled modules are cached (a checkout compiles them on its first run)
ENV.pop("PYTHONDONTWRITEBYTECODE", None)

# name -> (what, unit, budget or None); quality.md's rows
BUDGETS: dict[str, tuple[str, str, float | None]] = {
    "cold_start_s": ("cold start to a usable library (selftest, new database)", "s", 0.8),
    "cold_start_existing_db_s": ("cold start, database already filled", "s", 0.8),
    "open_lesson_ms": ("open 5,000-word lesson with 200 highlights, painted", "ms", 60.0),
    "open_long_lesson_ms": ("open 200,000-character lesson, 2,000 highlights, painted",
                            "ms", 500.0),
    "highlight_add_ms": ("add one highlight on the 200-highlight lesson, repainted", "ms", 8.0),
    "highlight_remove_ms": ("remove one highlight on it, repainted", "ms", 8.0),
    "long_highlight_add_ms": ("add one highlight on the longest lesson (2,000)", "ms", 16.0),
    "long_highlight_remove_ms": ("remove one highlight on the longest lesson", "ms", 16.0),
    "feedback_ms": ("show the feedback view for the 5,000-word lesson", "ms", 100.0),
    "grade_ms": ("grade one submission (200 highlights, 60 key spans)", "ms", 1.0),
    "grade_large_s": ("grade 200,000 highlights against 200,000 key spans", "s", 2.0),
    "gradebook_s": ("gradebook 30 × 20 = 600 submissions from the database", "s", 0.1),
    "school_gradebook_s": ("gradebook of a school: 60,000 submissions (100 × 30 × 20)", "s",
                           2.0),
    "bundle_import_s": ("import one bundle of 10,000 submissions", "s", 10.0),
    "suggest_s": ("suggestions, 1,000-word article, pipeline warm", "s", 0.5),
    "gui_stall_ms": ("longest GUI-thread stall while spaCy loads or works", "ms", 50.0),
    "school_window_stall_ms": ("longest GUI stall: results window on 60,000 attempts, "
                               "tabs, sort, 10,000 imported", "ms", 50.0),
    "rss_mb": ("resident memory with the 5,000-word lesson open", "MB", 250.0),
    "bundle_mb": ("PyInstaller bundle on disk", "MB", 300.0),
    "bundle_start_s": ("bundle cold start to library (selftest)", "s", 2.0),
}
# rows that also have a budget as a ratio to their baseline (quality.md)
RATIO_BUDGETS = {"cold_start_s": 1.6, "cold_start_existing_db_s": 1.6}
# size tables: how cost grows (filled in by the benches that measure them)
TABLES: dict[str, list[dict[str, Any]]] = {}


def entry(name: str, value: float | None, *, baseline: float | None = None,
          baseline_what: str = "", runs: list[float] | None = None, status: str = "",
          note: str = "", ratio: float | None = None, **extra: Any) -> dict[str, Any]:
    """One row. ``ratio``: the ratio to the baseline, when the row measures it better
    than ``value / baseline`` (the cold start: see ``bench_cold_start``)."""
    what, unit, budget = BUDGETS[name]
    ok = None if value is None or budget is None else value <= budget
    ratio_budget = RATIO_BUDGETS.get(name)
    if ratio is None and value and baseline:
        ratio = value / baseline
    if ok is not None and ratio_budget is not None and ratio is not None:
        ok = ok and ratio <= ratio_budget
    if not status:
        status = "pass" if ok else ("FAIL" if ok is False else "n/a")
    out: dict[str, Any] = {"what": what, "value": value, "unit": unit, "budget": budget,
                           "pass": ok, "status": status}
    if baseline is not None:
        out["baseline"] = baseline
        out["baseline_what"] = baseline_what
        out["ratio_to_baseline"] = ratio
        if ratio_budget is not None:
            out["ratio_budget"] = ratio_budget
    if runs is not None:
        out["runs"] = runs
    if note:
        out["note"] = note
    out.update(extra)
    return out


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def _python_json(code: str, timeout: float = 120, cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; its last stdout line is a JSON object."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=_launch_env(), cwd=cwd, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"subprocess failed ({out.returncode}): {out.stderr.strip()[-600:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- cold start -------------------------------------------------------------------
PROCESS_AGE = textwrap.dedent('''
    # the same computation as selftest's
    from app.commands.selftest import process_age_s, startup_s
''')

BARE_QT = PROCESS_AGE + textwrap.dedent('''
    import json, os, time
    t_entry = time.perf_counter()
    age_at_entry = process_age_s()
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication([])
    win = QMainWindow()
    win.resize(1180, 800)
    win.show()
    QApplication.processEvents()
    win.repaint()
    shown, clock = startup_s(age_at_entry, t_entry, time.perf_counter())
    import psutil
    print(json.dumps({"startup_s": shown, "startup_clock": clock,
                      "rss_mb": psutil.Process().memory_info().rss / 2**20}))
''')


def _launch_env() -> dict[str, str]:
    """The environment for one timed start: the clock read now, just before the process
    starts (selftest and the baseline count from it: no /proc 10 ms ticks)."""
    return {**ENV, "CLOSE_READER_LAUNCHED_AT": repr(time.monotonic())}


def _selftest(cmd: list[str], db: Path | None = None) -> dict[str, Any]:
    args = [*cmd, *(["--db", str(db)] if db else []), "selftest"]
    out = subprocess.run(args, capture_output=True, text=True, env=_launch_env(), cwd=ROOT,
                         timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"selftest failed: {out.stderr.strip()[-400:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_cold_start(runs: int) -> dict[str, dict[str, Any]]:
    cmd = [sys.executable, "-m", "app"]
    bare, fresh, filled, opened, spacy = [], [], [], [], []
    # a round is three starts of ~0.2 s. This 2-core VM has slow spells of a second or
    # two that hit single starts (a median over 15 rounds moved by up to 15 % between
    # runs of the same code); 25 rounds hold it within a few per cent
    rounds = max(5 * runs, 25)
    with tempfile.TemporaryDirectory(prefix="cr-bench-") as tmp:
        db = Path(tmp) / "filled.db"
        _selftest(cmd, db)  # fills the database once (bundled lessons)
        for _ in range(rounds):  # interleaved, so load on the machine hits all alike
            bare.append(_python_json(BARE_QT)["startup_s"])
            r = _selftest(cmd)
            fresh.append(r["startup_s"])
            spacy.append(bool(r.get("spacy_loaded")))
            r = _selftest(cmd, db)
            filled.append(r["startup_s"])
            opened.append(r["open_lesson_s"])
            spacy.append(bool(r.get("spacy_loaded")))
    b = median(bare)
    note = ("spaCy was imported during start-up (quality.md: the student path must not "
            "import it)" if any(spacy) else "spaCy not imported during start-up")
    # the ratio judged is the median of each round's own ratio (a start and the bare
    # start launched beside it): this VM has slow spells of a second or two that hit
    # single launches, and the bare start, a short process, most. The ratio of the two
    # medians, reported beside, moved between 1.50 and 1.64 over five runs of 25 rounds
    # on the same code; the paired ratio between 1.51 and 1.57.
    def paired(xs: list[float]) -> float:
        return round(median([x / y for x, y in zip(xs, bare, strict=True)]), 3)

    return {
        "cold_start_s": entry("cold_start_s", median(fresh), baseline=b,
                              baseline_what="bare QApplication + empty QMainWindow shown",
                              ratio=paired(fresh), runs=fresh, baseline_runs=bare, note=note,
                              spacy_loaded=any(spacy),
                              ratio_of_medians=round(median(fresh) / b, 3)),
        "cold_start_existing_db_s": entry(
            "cold_start_existing_db_s", median(filled), baseline=b,
            baseline_what="bare QApplication + empty QMainWindow shown",
            ratio=paired(filled), runs=filled, baseline_runs=bare,
            selftest_open_lesson_s=median(opened),
            ratio_of_medians=round(median(filled) / b, 3)),
    }


# -- the reader: open, add, remove ------------------------------------------------
def _reader_case(runs: int, words: int = 5000, highlights: int = 200,
                 long: bool = False, feedback: bool = False) -> dict[str, Any]:
    """Open the lesson (draft from the database) and add and remove highlights on it,
    each painted; medians in ms. ``long``: the 200,000-character lesson."""
    from PySide6.QtWidgets import QApplication

    from app.ui import create_main_window
    from bench.synthetic import STUDENT, long_text, make_db, words_of

    tmp = tempfile.TemporaryDirectory(prefix="cr-bench-")
    db = Path(tmp.name) / "reader.db"
    text = long_text() if long else None
    lesson_id, sid = make_db(db, words=words, highlights=highlights, text=text)
    win = create_main_window(db, student=STUDENT)
    win.resize(1280, 800)
    win.show()
    QApplication.processEvents()
    reader, article = win.reader, win.reader.article

    def painted() -> None:
        QApplication.processEvents()
        article.viewport().repaint()

    opens = []
    for _ in range(runs + 1):
        win.show_library()
        QApplication.processEvents()
        t0 = time.perf_counter()
        win.open_lesson(lesson_id)  # draft from the database, lesson, tokens, set_lesson
        painted()
        opens.append(time.perf_counter() - t0)
    first_open, opens = opens[0], opens[1:]
    assert len(reader.draft.highlights) == highlights, len(reader.draft.highlights)

    text = reader.lesson.text
    taken = sorted((h.start, h.end) for h in reader.draft.highlights)
    starts = [a for a, _ in taken]
    import bisect

    def free(w: tuple[int, int]) -> bool:
        i = bisect.bisect_left(starts, w[1])
        return not any(s < w[1] and w[0] < e for s, e in taken[max(0, i - 8):i])

    words_free = [w for w in words_of(text) if free(w)]
    n = 4 * runs + 4
    step = max(1, len(words_free) // (n + 4))
    adds, removes, saves = [], [], []
    for k, (s, e) in enumerate(words_free[::step][:n]):
        article.select_range(s, e)  # scrolls there, as the student's selection would
        painted()
        action = reader.highlight_actions[k % len(reader.highlight_actions)]
        t0 = time.perf_counter()
        action.trigger()
        painted()
        adds.append(time.perf_counter() - t0)
        h = next(x for x in reader.draft.at(s))
        t0 = time.perf_counter()
        reader.flush()  # the autosave write, normally 300 ms later
        saves.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        reader.remove(h)
        painted()
        removes.append(time.perf_counter() - t0)
        reader.flush()
    out: dict[str, Any] = {
        "words": len(text.split()), "chars": len(text), "highlights": highlights,
        "open_ms": median(opens) * 1000, "open_runs": [x * 1000 for x in opens],
        "first_open_ms": first_open * 1000,
        "add_ms": median(adds) * 1000, "add_max_ms": max(adds) * 1000,
        "add_runs": [x * 1000 for x in adds],
        "remove_ms": median(removes) * 1000, "remove_max_ms": max(removes) * 1000,
        "remove_runs": [x * 1000 for x in removes],
        "autosave_write_ms": median(saves) * 1000,
    }
    if feedback:
        out.update(_feedback_case(win, runs))
    win.close()
    win.repo.database.close()
    QApplication.processEvents()
    tmp.cleanup()
    return out


def _feedback_case(win: Any, runs: int) -> dict[str, Any]:
    """The feedback view of the open lesson (its key, the draft graded), painted."""
    from PySide6.QtWidgets import QApplication

    from app.core.scoring import grade
    from bench.synthetic import lesson_for

    lesson = lesson_for(win.reader.lesson.text, win.reader.lesson.id)
    hs = win.reader.draft.highlights
    cats = win.repo.categories()
    times = []
    for _ in range(runs + 1):
        win.show_library()
        QApplication.processEvents()
        t0 = time.perf_counter()
        report = grade(lesson.key, hs, lesson.categories)
        win.feedback.show_result(lesson, cats, report, [])
        win.stack.setCurrentWidget(win.feedback)
        QApplication.processEvents()
        win.feedback.article.viewport().repaint()
        times.append(time.perf_counter() - t0)
    return {"feedback_ms": median(times[1:]) * 1000, "feedback_first_ms": times[0] * 1000,
            "feedback_runs": [x * 1000 for x in times[1:]]}


def bench_reader(runs: int) -> dict[str, dict[str, Any]]:
    base = _reader_case(runs, feedback=True)
    long = _reader_case(runs, highlights=2000, long=True)
    table = [{"highlights": base["highlights"], "chars": base["chars"],
              "open_ms": base["open_ms"], "add_ms": base["add_ms"],
              "remove_ms": base["remove_ms"]},
             {"highlights": 2000, "chars": long["chars"], "open_ms": long["open_ms"],
              "add_ms": long["add_ms"], "remove_ms": long["remove_ms"]}]
    dense = _reader_case(max(2, runs // 2), highlights=20_000, long=True)
    table.append({"highlights": 20_000, "chars": dense["chars"], "open_ms": dense["open_ms"],
                  "add_ms": dense["add_ms"], "remove_ms": dense["remove_ms"]})
    TABLES["highlights (reader, painted)"] = table
    lengths = [{"words": base["words"], "chars": base["chars"], "highlights": 200,
                "open_ms": base["open_ms"]}]
    for words in (15_000,):
        r = _reader_case(max(2, runs // 2), words=words, highlights=200)
        lengths.append({"words": r["words"], "chars": r["chars"], "highlights": 200,
                        "open_ms": r["open_ms"], "add_ms": r["add_ms"]})
    r = _reader_case(max(2, runs // 2), highlights=200, long=True)
    lengths.append({"words": r["words"], "chars": r["chars"], "highlights": 200,
                    "open_ms": r["open_ms"], "add_ms": r["add_ms"]})
    TABLES["lesson length (reader, painted)"] = lengths
    return {
        "open_lesson_ms": entry("open_lesson_ms", base["open_ms"], runs=base["open_runs"],
                                first_open_ms=base["first_open_ms"], highlights=200),
        "open_long_lesson_ms": entry("open_long_lesson_ms", long["open_ms"],
                                     runs=long["open_runs"], chars=long["chars"],
                                     first_open_ms=long["first_open_ms"], highlights=2000),
        "highlight_add_ms": entry("highlight_add_ms", base["add_ms"], runs=base["add_runs"],
                                  max_ms=base["add_max_ms"],
                                  autosave_write_ms=base["autosave_write_ms"]),
        "highlight_remove_ms": entry("highlight_remove_ms", base["remove_ms"],
                                     runs=base["remove_runs"], max_ms=base["remove_max_ms"]),
        "long_highlight_add_ms": entry("long_highlight_add_ms", long["add_ms"],
                                       runs=long["add_runs"], max_ms=long["add_max_ms"],
                                       autosave_write_ms=long["autosave_write_ms"]),
        "long_highlight_remove_ms": entry("long_highlight_remove_ms", long["remove_ms"],
                                          runs=long["remove_runs"],
                                          max_ms=long["remove_max_ms"]),
        "feedback_ms": entry("feedback_ms", base["feedback_ms"], runs=base["feedback_runs"],
                             first_ms=base["feedback_first_ms"],
                             note="grade + FeedbackPage.show_result + painted; the first "
                                  "also builds the page (first_ms)"),
    }


# -- grading ------------------------------------------------------------------------
def bench_grade(runs: int) -> dict[str, dict[str, Any]]:
    from app.core.scoring import grade
    from bench.synthetic import synthetic_lesson

    lesson, _, hs = synthetic_lesson()
    assert lesson.key is not None
    times = []
    for _ in range(max(101, 40 * runs)):
        t0 = time.perf_counter()
        grade(lesson.key, hs, lesson.categories)
        times.append(time.perf_counter() - t0)
    ms = median(times) * 1000
    typical = _typical_grade_ms(max(101, 40 * runs))
    return {"grade_ms": entry("grade_ms", ms, max_ms=max(times) * 1000, samples=len(times),
                              typical_ms=typical,
                              note=(f"a typical submission (a bundled lesson's key, 12 "
                                    f"highlights): {typical:.2f} ms" if typical else ""))}


def _grade_case(n: int) -> float:
    """Seconds to grade ``n`` highlights against ``n`` key spans (offsets only)."""
    from app.core.lessons import Highlight, KeySpan
    from app.core.scoring import grade

    labels = ("unsupported_claim", "loaded_language")
    key = [KeySpan(10 * i + 2, 10 * i + 7, labels[i % 2], "x", "", required=i % 7 != 3)
           for i in range(n)]
    hs = [Highlight(10 * i, 10 * i + 5, labels[(i // 3) % 2]) for i in range(n) if i % 5]
    t0 = time.perf_counter()
    grade(key, hs, labels)
    return time.perf_counter() - t0


def bench_grade_scale(runs: int) -> dict[str, dict[str, Any]]:
    table = []
    for n in (200, 2_000, 20_000, 200_000):
        reps = max(3, min(runs, 5)) if n >= 200_000 else max(5, runs)
        t = median([_grade_case(n) for _ in range(reps)])
        table.append({"highlights": n, "key_spans": n, "grade_ms": t * 1000,
                      "us_per_span": t * 1e6 / n})
    TABLES["grading (highlights × key spans)"] = table
    big = table[-1]["grade_ms"] / 1000
    growth = table[-1]["us_per_span"] / max(table[1]["us_per_span"], 1e-9)
    return {"grade_large_s": entry(
        "grade_large_s", big, per_span_growth_2k_to_200k=growth,
        note=f"cost per span at 200,000 is {growth:.2f}× that at 2,000 (1.0 = linear)")}


def _typical_grade_ms(n: int) -> float | None:
    """A bundled lesson with its key, graded against 12 highlights on its key's words."""
    from app import paths
    from app.core.lessons import Highlight
    from app.core.packs import read_pack
    from app.core.scoring import grade

    packs = sorted(p for p in paths.lessons_dir().glob("*.json") if p.name != "tokens.json")
    lessons = [le for p in packs for le in read_pack(p).lessons if le.key] if packs else []
    if not lessons:
        return None
    le = lessons[0]
    hs = [Highlight(k.start, k.end, k.label) for k in le.key[::2]][:12]
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        grade(le.key, hs, le.categories)
        times.append(time.perf_counter() - t0)
    return median(times) * 1000


# -- benches owned by other modules ---------------------------------------------------
def _bench_module(name: str) -> Any | None:
    if not (BENCH / f"{name}.py").is_file():
        return None
    return importlib.import_module(f"bench.{name}")


def _quiet(fn: Callable[[], Any]) -> Any:
    with contextlib.redirect_stdout(io.StringIO()):
        return fn()


def bench_gradebook(runs: int) -> dict[str, dict[str, Any]]:
    mod = _bench_module("gradebook_bench")
    if mod is None:
        return {"gradebook_s": entry("gradebook_s", None, status="not built yet",
                                     note="bench/gradebook_bench.py does not exist yet")}
    r = _quiet(lambda: mod.run(False, max(5, runs)))
    value = r.get("open_and_build_gradebook_s")
    return {"gradebook_s": entry(
        "gradebook_s", value, submissions=r.get("submissions"),
        open_refresh_and_build_s=r.get("open_refresh_and_build_s"),
        cli_gradebook_process_s=r.get("cli_gradebook_process_s"),
        note="open the database + build_gradebook (bench/gradebook_bench.py)")}


def bench_school(runs: int) -> dict[str, dict[str, Any]]:
    mod = _bench_module("school_bench")
    r = _quiet(lambda: mod.run(False, max(3, min(runs, 5))))
    TABLES["gradebook (submissions)"] = [
        {"submissions": row["submissions"], "gradebook_ms": row["gradebook_s"] * 1000}
        for row in r["table"]]
    return {
        "school_gradebook_s": entry("school_gradebook_s", r["school_gradebook_s"],
                                    note="open the database + build_gradebook "
                                         "(bench/school_bench.py)"),
        "bundle_import_s": entry("bundle_import_s", r["bundle_import_s"],
                                 added=r["bundle_added"],
                                 note="validate, store and grade in one transaction"),
    }


def bench_suggest(runs: int) -> dict[str, dict[str, Any]]:
    mod = _bench_module("suggest_bench")
    if mod is None:
        return {"suggest_s": entry("suggest_s", None, status="not built yet",
                                   note="bench/suggest_bench.py does not exist yet")}
    r = _quiet(lambda: mod.run(False))
    sp = r.get("speed", {})
    pooled = {k: {"precision": v["precision"], "recall": v["recall"],
                  "target_met": v["target_met"]}
              for k, v in r.get("quality", {}).get("pooled", {}).items()}
    return {"suggest_s": entry(
        "suggest_s", sp.get("suggest_median_s"), baseline=sp.get("nlp_median_s"),
        baseline_what="spaCy's own nlp(text), same article, same run",
        words=sp.get("words"), pipeline=r.get("pipeline"),
        model_load_s=r.get("model_load_s"), quality=pooled)}


def bench_window(runs: int) -> dict[str, dict[str, Any]]:
    """The results window on a school's database, in a fresh interpreter (as the app)."""
    rs = []
    for _ in range(max(1, min(runs, 3))):
        out = subprocess.run([sys.executable, str(BENCH / "window_bench.py"), "--json"],
                             capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=900)
        if out.returncode != 0:
            return {"school_window_stall_ms": entry(
                "school_window_stall_ms", None, status="error", note=out.stderr[-400:])}
        rs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    stalls = [r["stall_ms"] for r in rs]
    return {"school_window_stall_ms": entry(
        "school_window_stall_ms", median(stalls), runs=stalls,
        window_open_ms=median([r["window_open_ms"] for r in rs]),
        class_window_open_ms=median([r["second_window_open_ms"] for r in rs]),
        by_phase_ms=rs[0]["stall_by_phase_ms"],
        note="5 ms ticks on the GUI thread (bench/window_bench.py); building a window is "
             "reported beside (window_open_ms, class_window_open_ms), not in the stall")}


# -- the GUI thread while spaCy loads and works --------------------------------------
STALL = textwrap.dedent('''
    import json, os, sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    text = open(sys.argv[1], encoding="utf-8").read()
    app = QApplication([])
    win = QMainWindow()
    win.show()
    gaps = {"load": [], "work": []}
    phase = ["idle"]
    last = [time.perf_counter()]
    marks = {}

    def tick():
        now = time.perf_counter()
        if phase[0] in gaps:
            gaps[phase[0]].append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()

    def done(kind):
        phase[0] = "done"
        marks["end"] = time.perf_counter()
        QTimer.singleShot(0, app.quit)

    try:
        from app.ui.instructor.suggest_worker import SuggestionWorker
        harness = "app.ui.instructor.suggest_worker.SuggestionWorker"
    except ImportError:
        SuggestionWorker = None
        harness = "a QThread loading spaCy (no instructor suggestion worker yet)"

    if SuggestionWorker is not None:
        worker = SuggestionWorker()

        def on_ready(_notice):
            marks["loaded"] = time.perf_counter()
            phase[0] = "work"
            worker.request(text)

        worker.model_ready.connect(on_ready)
        worker.suggestions_ready.connect(lambda rid, found: (marks.__setitem__("n", len(found)),
                                                              done("ok")))
        worker.failed.connect(lambda rid, msg: (marks.__setitem__("error", msg), done("fail")))

        def start():
            phase[0] = "load"
            last[0] = marks["start"] = time.perf_counter()
            worker.preload()
    else:
        from PySide6.QtCore import QThread, Signal

        class Loader(QThread):
            loaded = Signal()
            worked = Signal(int)

            def run(self):
                from app.nlp.suggest import default_pipeline
                nlp = default_pipeline()[0]
                self.loaded.emit()
                self.worked.emit(len(nlp(text)))

        worker = Loader()

        def on_loaded():
            marks["loaded"] = time.perf_counter()
            phase[0] = "work"

        worker.loaded.connect(on_loaded)
        worker.worked.connect(lambda n: (marks.__setitem__("n", n), done("ok")))

        def start():
            phase[0] = "load"
            last[0] = marks["start"] = time.perf_counter()
            worker.start()

    QTimer.singleShot(300, start)
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    out = {"harness": harness,
           "load_max_gap_ms": max(gaps["load"], default=0) * 1000,
           "work_max_gap_ms": max(gaps["work"], default=0) * 1000,
           "load_s": marks.get("loaded", 0) - marks.get("start", 0),
           "work_s": marks.get("end", 0) - marks.get("loaded", 0),
           "ticks": len(gaps["load"]) + len(gaps["work"]), "error": marks.get("error")}
    print(json.dumps(out))
    os._exit(0)
''')


def _article_1000_words() -> str:
    try:
        sb = _bench_module("suggest_bench")
        if sb is not None:
            from app.core.packs import read_pack

            pack_path, _ = sb._pack_path()
            return sb.article([le.text for le in read_pack(pack_path).lessons])
    except Exception:  # noqa: BLE001 — fall back to synthetic text
        pass
    from bench.synthetic import synthetic_text

    return synthetic_text(1000)


def bench_stall(runs: int) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="cr-bench-") as tmp:
        f = Path(tmp) / "article.txt"
        f.write_text(_article_1000_words(), encoding="utf-8")
        results = []
        for _ in range(max(1, min(3, runs))):
            out = subprocess.run([sys.executable, "-c", STALL, str(f)], capture_output=True,
                                 text=True, env=ENV, cwd=ROOT, timeout=180)
            if out.returncode != 0:
                return {"gui_stall_ms": entry("gui_stall_ms", None, status="error",
                                              note=out.stderr.strip()[-400:])}
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    # a gap is the time between two 5 ms ticks: the stall is the gap beyond the interval
    stalls = [max(r["load_max_gap_ms"], r["work_max_gap_ms"]) - 5 for r in results]
    worst = max(results, key=lambda r: max(r["load_max_gap_ms"], r["work_max_gap_ms"]))
    return {"gui_stall_ms": entry(
        "gui_stall_ms", median(stalls), runs=stalls, harness=results[0]["harness"],
        load_stall_ms=median([r["load_max_gap_ms"] - 5 for r in results]),
        work_stall_ms=median([r["work_max_gap_ms"] - 5 for r in results]),
        load_s=median([r["load_s"] for r in results]),
        work_s=median([r["work_s"] for r in results]),
        worst_run=worst, note="largest gap of a 5 ms QTimer on the GUI thread, minus 5 ms")}


# -- memory -------------------------------------------------------------------------
RSS = textwrap.dedent('''
    import json, sys
    import psutil
    from PySide6.QtWidgets import QApplication
    from app.ui import create_main_window
    win = create_main_window(sys.argv[1], student=sys.argv[2])
    win.resize(1280, 800)
    win.show()
    win.open_lesson(sys.argv[3])
    QApplication.processEvents()
    win.reader.article.viewport().repaint()
    win.reader.article.verticalScrollBar().setValue(
        win.reader.article.verticalScrollBar().maximum())  # lay out the whole document
    QApplication.processEvents()
    win.reader.article.viewport().repaint()
    rss = psutil.Process().memory_info().rss / 2**20
    print(json.dumps({"rss_mb": rss, "highlights": len(win.reader.draft.highlights),
                      "spacy_loaded": "spacy" in sys.modules}))
''')


def bench_memory(runs: int) -> dict[str, dict[str, Any]]:
    from bench.synthetic import STUDENT, make_db

    with tempfile.TemporaryDirectory(prefix="cr-bench-") as tmp:
        db = Path(tmp) / "rss.db"
        lesson_id, _ = make_db(db)
        rs, base = [], []
        for _ in range(max(3, min(5, runs))):
            out = subprocess.run([sys.executable, "-c", RSS, str(db), STUDENT, lesson_id],
                                 capture_output=True, text=True, env=ENV, cwd=ROOT,
                                 timeout=120)
            if out.returncode != 0:
                return {"rss_mb": entry("rss_mb", None, status="error",
                                        note=out.stderr.strip()[-400:])}
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rs.append(r["rss_mb"])
            base.append(_python_json(BARE_QT)["rss_mb"])
    return {"rss_mb": entry("rss_mb", median(rs), baseline=median(base),
                            baseline_what="bare QApplication + empty QMainWindow shown",
                            runs=rs, spacy_loaded=r["spacy_loaded"])}


# -- the PyInstaller bundle ------------------------------------------------------------
def bench_bundle(runs: int) -> dict[str, dict[str, Any]]:
    exe = BUNDLE_DIR / ("close-reader.exe" if os.name == "nt" else "close-reader")
    if not exe.is_file():
        note = f"{BUNDLE_DIR.relative_to(ROOT)} does not exist (build it with PyInstaller)"
        return {"bundle_mb": entry("bundle_mb", None, status="not built", note=note),
                "bundle_start_s": entry("bundle_start_s", None, status="not built",
                                        note=note)}
    size = 0
    for folder, _, files in os.walk(BUNDLE_DIR):
        for name in files:
            with contextlib.suppress(OSError):
                size += os.lstat(os.path.join(folder, name)).st_size
    starts, spacy = [], []
    with tempfile.TemporaryDirectory(prefix="cr-bench-") as tmp:
        db = Path(tmp) / "bundle.db"
        try:
            _selftest([str(exe)], db)  # fill once
            for _ in range(runs):
                r = _selftest([str(exe)], db)
                starts.append(r["startup_s"])
                spacy.append(bool(r.get("spacy_loaded")))
        except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
            return {"bundle_mb": entry("bundle_mb", size / 2**20),
                    "bundle_start_s": entry("bundle_start_s", None, status="error",
                                            note=str(e)[-400:])}
    return {"bundle_mb": entry("bundle_mb", size / 2**20),
            "bundle_start_s": entry("bundle_start_s", median(starts), runs=starts,
                                    spacy_loaded=any(spacy))}


# -- report -------------------------------------------------------------------------
STEPS: list[tuple[Callable[[int], dict[str, dict[str, Any]]], tuple[str, ...]]] = [
    (bench_cold_start, ("cold_start_s", "cold_start_existing_db_s")),
    (bench_reader, ("open_lesson_ms", "open_long_lesson_ms", "highlight_add_ms",
                    "highlight_remove_ms", "long_highlight_add_ms", "long_highlight_remove_ms",
                    "feedback_ms")),
    (bench_grade, ("grade_ms",)),
    (bench_grade_scale, ("grade_large_s",)),
    (bench_gradebook, ("gradebook_s",)),
    (bench_school, ("school_gradebook_s", "bundle_import_s")),
    (bench_suggest, ("suggest_s",)),
    (bench_stall, ("gui_stall_ms",)),
    (bench_window, ("school_window_stall_ms",)),
    (bench_memory, ("rss_mb",)),
    (bench_bundle, ("bundle_mb", "bundle_start_s")),
]


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    return f"{v:.3f} {unit}" if unit == "s" else f"{v:.1f} {unit}"


def print_table(results: dict[str, dict[str, Any]], runs: int, elapsed: float) -> None:
    print(f"Close Reader budgets (docs/quality.md): medians of {runs} runs; "
          f"{os.cpu_count()} CPUs; Qt platform {ENV['QT_QPA_PLATFORM']}; "
          f"took {elapsed:.0f} s\n")
    head = f"{'figure':<58} {'measured':>11} {'budget':>9} {'baseline':>24}  result"
    print(head)
    print("-" * len(head))
    for name, (what, unit, budget) in BUDGETS.items():
        r = results.get(name)
        if r is None:
            continue
        base = _fmt(r.get("baseline"), unit) if r.get("baseline") is not None else ""
        b = f"≤ {budget:g} {unit}" if budget is not None else ""
        if r.get("ratio_budget") and r.get("ratio_to_baseline"):
            base = f"{base} ({r['ratio_to_baseline']:.2f}×, ≤{r['ratio_budget']:g}×)"
        print(f"{what[:58]:<58} {_fmt(r['value'], unit):>11} {b:>9} {base:>24}  "
              f"{r['status']}")
    print()
    for name, r in results.items():
        extra = []
        if r.get("ratio_to_baseline"):
            extra.append(f"{r['ratio_to_baseline']:.2f}× the baseline "
                         f"({r.get('baseline_what')})")
            if r.get("ratio_of_medians"):
                extra.append(f"each round's own ratio, median; the ratio of the medians "
                             f"{r['ratio_of_medians']:.2f}×")
        if r.get("note"):
            extra.append(r["note"])
        if extra:
            print(f"  {name}: " + "; ".join(extra))
    for title, rows in TABLES.items():
        print(f"\nsize against time — {title}")
        cols = list(rows[0])
        print("  " + "  ".join(f"{c:>14}" for c in cols))
        for r in rows:
            print("  " + "  ".join(f"{_cell(r.get(c)):>14}" for c in cols))


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return "" if v is None else str(v)


def run(runs: int = 5, json_out: bool = False,
        only: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    t0 = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    for step, names in STEPS:
        if only and step.__name__.removeprefix("bench_") not in only:
            continue
        try:
            results.update(step(runs))
        except Exception as e:  # noqa: BLE001 — one broken measure must not hide the rest
            for n in names:
                results[n] = entry(n, None, status="error", note=f"{type(e).__name__}: {e}")
    elapsed = time.perf_counter() - t0
    if json_out:
        print(json.dumps({"runs": runs, "elapsed_s": elapsed, **results, "tables": TABLES},
                         indent=2, default=str))
    else:
        print_table(results, runs, elapsed)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    ap.add_argument("--only", default="", help="comma-separated steps, e.g. cold_start,reader")
    args = ap.parse_args(argv)
    run(max(1, args.runs), args.json, tuple(x for x in args.only.split(",") if x))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
