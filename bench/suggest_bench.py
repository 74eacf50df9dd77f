"""Benchmark of the instructor suggestions: quality against the bundled keys, and speed.

    python bench/suggest_bench.py [--json] [--no-learning]

(a) Quality, leave one lesson out, over every bundled lesson with a key
    (``lessons/*.json``): for each lesson, the suggestions are graded against its key
    with the project's own scoring (``app.core.scoring.grade``, the suggestions standing
    in for a student's highlights), and pooled over the lessons (precision weighted by
    the number of suggestions, recall by the number of required key spans; F1 from the
    pooled pair), per category and for both together. Two ways:

    - **rules**: the lexicons and sentence patterns alone (what a new instructor gets);
    - **learning**: the rules plus what the suggester learned from the *other* lessons'
      keys, as the app learns from an instructor: each lesson held out in turn, the
      instructor's review of every other lesson simulated (a rule suggestion overlapping
      a key span of its category is accepted, any other is rejected, the key spans no
      suggestion found are marked by hand), so nothing of the held-out lesson is seen.

    The blank pipeline (the fallback when the English model is missing) is measured with
    rules alone, for comparison. Target for rules: recall >= 0.6 at precision >= 0.4 per
    category on the seed unit (the first version's target, kept for ``bench/run.py``).
(b) Speed: a 1,000-word article built from the lesson texts, pipeline warm; the median
    of several runs of ``suggest()`` (with and without a learned model) beside the median
    of spaCy's own ``nlp(text)``, measured in the same run. Budget: <= 0.5 s.

``run(json_out)`` returns the results as a dict (``bench/run.py`` imports it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LESSONS = ROOT / "lessons"
SEED_PACK = LESSONS / "kursk-unit.json"
FALLBACK_PACK = ROOT / "tests" / "data" / "sample-pack.json"
CATEGORIES = ("unsupported_claim", "loaded_language")
TARGET_RECALL, TARGET_PRECISION = 0.6, 0.4
BUDGET_S = 0.5
WORDS = 1000
RUNS = 7


def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def _pack_path() -> tuple[Path, str]:
    if SEED_PACK.is_file():
        return SEED_PACK, ""
    return FALLBACK_PACK, (f"{_rel(SEED_PACK)} does not exist yet: measured on "
                           f"{_rel(FALLBACK_PACK)} instead")


def bundled_lessons() -> list[Any]:
    """Every lesson with a key in the bundled packs (``lessons/*.json``), in pack order."""
    from app.core.packs import read_pack

    paths = sorted(p for p in LESSONS.glob("*.json") if p.name != "tokens.json")
    if not paths:
        paths = [FALLBACK_PACK]
    return [le for p in paths for le in read_pack(p).lessons if le.key]


def _learning() -> Any:
    """The learning module, or None where it does not exist (the code before it)."""
    try:
        from app.nlp import learning
    except ImportError:
        return None
    return learning


def _suggest(text: str, nlp: Any, model: Any = None) -> list[Any]:
    from app.nlp.suggest import suggest

    return suggest(text, nlp) if model is None else suggest(text, nlp, model=model)


def _score(rows: list[tuple[Any, list[Any]]]) -> dict[str, Any]:
    """Pooled precision, recall and F1 per category and overall, and per lesson."""
    from app.core.lessons import Highlight
    from app.core.scoring import grade

    sums = {c: {"p": 0.0, "n_s": 0, "r": 0.0, "n_t": 0, "found": 0} for c in CATEGORIES}
    lessons = []
    for le, found in rows:
        labels = [c for c in CATEGORIES if c in le.categories]
        hl = [Highlight(s.start, s.end, s.label) for s in found if s.label in labels]
        rep = grade(le.key, hl, list(le.categories))
        row: dict[str, Any] = {"lesson": le.id, "words": le.word_count, "by_label": {}}
        for c in labels:
            f = rep.by_label[c]
            row["by_label"][c] = {"precision": f.precision, "recall": f.recall,
                                  "suggestions": f.highlights, "required": f.required,
                                  "found": f.found, "partial": f.partial}
            acc = sums[c]
            acc["p"] += f.precision * f.highlights
            acc["n_s"] += f.highlights
            acc["r"] += f.recall * f.required
            acc["n_t"] += f.required
            acc["found"] += f.found
        lessons.append(row)
    pooled = {c: _figures(a) for c, a in sums.items()}
    total = {k: sum(a[k] for a in sums.values()) for k in ("p", "n_s", "r", "n_t", "found")}
    pooled["all"] = _figures(total)
    return {"lessons": lessons, "pooled": pooled}


def _figures(a: dict[str, float]) -> dict[str, Any]:
    p = a["p"] / a["n_s"] if a["n_s"] else 0.0
    r = a["r"] / a["n_t"] if a["n_t"] else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "suggestions": int(a["n_s"]),
            "required": int(a["n_t"]), "found": int(a["found"]),
            "target_met": r >= TARGET_RECALL and p >= TARGET_PRECISION}


def quality(lessons: list[Any], nlp: Any, learn: bool) -> dict[str, Any]:
    """Leave-one-lesson-out quality: rules alone, or rules + learning from the others."""
    learning = _learning() if learn else None
    rules = {le.id: _suggest(le.text, nlp) for le in lessons}
    rows = []
    t_build: list[float] = []
    for le in lessons:
        if learning is None:
            rows.append((le, rules[le.id]))
            continue
        # the instructor's review of every *other* lesson, as the app records it
        seen = [learning.simulate_review(o, rules[o.id]) for o in lessons if o.id != le.id]
        t0 = time.perf_counter()
        model = learning.PhraseModel.build(nlp, seen)
        t_build.append(time.perf_counter() - t0)
        rows.append((le, _suggest(le.text, nlp, model)))
    out = _score(rows)
    out["mode"] = "rules" if learning is None else "learning"
    # the same with only the suggestions offered as required (optional ones left out)
    out["required_only"] = _score([(le, [s for s in found if getattr(s, "required", True)])
                                   for le, found in rows])["pooled"]
    if t_build:
        out["model_build_median_s"] = statistics.median(t_build)
    return out


def article(texts: list[str], words: int = WORDS) -> str:
    """About ``words`` words of real article text: whole paragraphs, repeated as needed,
    cut at the end of the ``words``-th word."""
    paras = [p.strip() for t in texts for p in t.split("\n") if p.strip()]
    if not paras:
        raise ValueError("no text to build the article from")
    out: list[str] = []
    n = 0
    while n < words:
        for p in paras:
            out.append(p)
            n += len(p.split())
            if n >= words:
                break
    text = "\n\n".join(out)
    count, cut, pos = 0, len(text), 0
    for part in text.split(" "):
        count += len(part.split())
        pos += len(part) + 1
        if count >= words:
            cut = pos - 1
            break
    return text[:cut]


def speed(text: str, nlp: Any, full: Any = None, runs: int = RUNS,
          model: Any = None) -> dict[str, Any]:
    """Medians of ``suggest(text)`` (and with ``model``) and of ``nlp(text)`` (the
    suggestion pipeline), and of the full model's ``nlp(text)`` when ``full`` is given,
    interleaved in one run."""
    _suggest(text, nlp)  # warm: matchers built, caches filled
    if model is not None:
        _suggest(text, nlp, model)
    nlp(text)
    if full is not None:
        full(text)
    t_nlp, t_sug, t_full, t_learned = [], [], [], []
    n = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        nlp(text)
        t_nlp.append(time.perf_counter() - t0)
        if full is not None:
            t0 = time.perf_counter()
            full(text)
            t_full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        n = len(_suggest(text, nlp))
        t_sug.append(time.perf_counter() - t0)
        if model is not None:
            t0 = time.perf_counter()
            _suggest(text, nlp, model)
            t_learned.append(time.perf_counter() - t0)
    med_s, med_n = statistics.median(t_sug), statistics.median(t_nlp)
    out: dict[str, Any] = {
        "words": len(text.split()), "runs": runs, "suggestions": n,
        "suggest_median_s": med_s, "nlp_median_s": med_n,
        "ratio_to_nlp": med_s / med_n if med_n else None,
        "budget_s": BUDGET_S, "within_budget": med_s <= BUDGET_S}
    if t_learned:
        med_l = statistics.median(t_learned)
        out.update({"suggest_learned_median_s": med_l,
                    "within_budget": max(med_s, med_l) <= BUDGET_S})
    if t_full:
        med_f = statistics.median(t_full)
        out.update({"nlp_full_model_median_s": med_f,
                    "ratio_to_full_model": med_s / med_f if med_f else None})
    return out


def run(json_out: bool = False, learn: bool = True) -> dict[str, Any]:
    """Run both parts; print a table (or one JSON object) and return the results."""
    import spacy

    from app.nlp.suggest import load_pipeline

    t0 = time.perf_counter()
    nlp, notice = load_pipeline()
    load_s = time.perf_counter() - t0
    lessons = bundled_lessons()
    seed_ids = {le.id for le in lessons if le.unit == lessons[0].unit}
    rules = quality(lessons, nlp, learn=False)
    learned = quality(lessons, nlp, learn=True) if learn and _learning() else None
    # the first version's target, on the seed unit (bench/run.py reports it)
    seed = _score([(le, _suggest(le.text, nlp)) for le in lessons if le.id in seed_ids])
    full = None
    if not notice:
        from app.nlp import pipeline

        full = spacy.load(pipeline.MODEL_PACKAGE)  # every component, as shipped
    model = None
    learning = _learning()
    if learning is not None and learn:
        rule_found = {le.id: _suggest(le.text, nlp) for le in lessons}
        model = learning.PhraseModel.build(
            nlp, [learning.simulate_review(le, rule_found[le.id]) for le in lessons])
    sp = speed(article([le.text for le in lessons]), nlp, full, model=model)
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    fallback = quality(lessons, blank, learn=False)["pooled"]
    result = {"name": "suggestions", "pipeline": "+".join(nlp.pipe_names) or "blank",
              "model_load_s": load_s, "notice": notice, "lessons": len(lessons),
              "quality": {"pack": "lessons/*.json (seed unit for the target)",
                          "lessons": seed["lessons"], "pooled": seed["pooled"],
                          "target": {"recall": TARGET_RECALL,
                                     "precision": TARGET_PRECISION}},
              "leave_one_out": {"rules": rules, "learning": learned},
              "quality_blank_pipeline": fallback, "speed": sp}
    if json_out:
        print(json.dumps(result, indent=2))
    else:
        _print_table(result)
    return result


def _line(name: str, f: dict[str, Any]) -> str:
    return (f"  {name:<34} {f['suggestions']:>5} {f['required']:>5} {f['found']:>5} "
            f"{f['precision']:>6.3f} {f['recall']:>6.3f} {f['f1']:>6.3f}")


def _print_table(r: dict[str, Any]) -> None:
    loo, sp = r["leave_one_out"], r["speed"]
    print(f"Suggestions benchmark  (pipeline: {r['pipeline']}; model load "
          f"{r['model_load_s']:.2f} s; {r['lessons']} bundled lessons with keys)")
    if r["notice"]:
        print(f"NOTE: {r['notice']}")
    head = (f"  {'':<34} {'sugg':>5} {'req':>5} {'found':>5} {'prec':>6} {'recall':>6} "
            f"{'F1':>6}")
    print("\n(a) Quality, leave one lesson out")
    for mode in ("rules", "learning"):
        q = loo.get(mode)
        if q is None:
            print(f"  {mode}: not available in this version")
            continue
        extra = (f"; model built in {q['model_build_median_s'] * 1000:.0f} ms (median)"
                 if "model_build_median_s" in q else "")
        print(f" {mode}{extra}")
        print(head)
        for row in q["lessons"]:
            for c, f in row["by_label"].items():
                f1 = (2 * f["precision"] * f["recall"] / (f["precision"] + f["recall"])
                      if f["precision"] + f["recall"] else 0.0)
                print(_line(f"{row['lesson'][:22]} {c[:11]}", {**f, "f1": f1}))
        for c, f in q["pooled"].items():
            print(_line(f"ALL LESSONS {c}", f))
        for c, f in q["required_only"].items():
            print(_line(f"REQUIRED ONLY {c}", f))
    print(" rules, blank English pipeline (the fallback when the model is missing):")
    for c, f in r["quality_blank_pipeline"].items():
        print(_line(f"ALL LESSONS {c}", f))
    print(f"\n(b) Speed: {sp['words']}-word article, pipeline warm, median of "
          f"{sp['runs']} runs")
    print(f"  spaCy nlp(text)   {sp['nlp_median_s'] * 1000:8.1f} ms  (the suggestion pipeline)")
    if "nlp_full_model_median_s" in sp:
        print(f"  spaCy nlp(text)   {sp['nlp_full_model_median_s'] * 1000:8.1f} ms  "
              "(the full model, with entity recognition)")
    print(f"  suggest(text)     {sp['suggest_median_s'] * 1000:8.1f} ms  "
          f"({sp['ratio_to_nlp']:.2f}x its nlp)")
    if "suggest_learned_median_s" in sp:
        print(f"  suggest + learned {sp['suggest_learned_median_s'] * 1000:8.1f} ms  "
              "(model learned from every bundled key)")
    print(f"  budget {BUDGET_S * 1000:.0f} ms: {'within' if sp['within_budget'] else 'OVER'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--no-learning", action="store_true", help="rules only (quicker)")
    args = ap.parse_args(argv)
    run(args.json, learn=not args.no_learning)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
