"""Benchmark of the instructor suggestions: quality against the seed keys, and speed.

    python bench/suggest_bench.py [--json]

(a) Quality: for every lesson of ``lessons/kursk-unit.json`` (or, while that pack does
    not exist, ``tests/data/sample-pack.json``), the suggestions are graded against the
    lesson's key with the project's own scoring (``app.core.scoring.grade``, the
    suggestions standing in for a student's highlights): precision and recall per
    category, per lesson and pooled over the pack, with the English model and, for
    comparison, with the blank pipeline the app falls back to. Target: recall >= 0.6 at
    precision >= 0.4 for each category.
(b) Speed: a 1,000-word article built from the lesson texts, pipeline warm; the median
    of several runs of ``suggest()`` beside the median of spaCy's own ``nlp(text)``,
    measured in the same run. Budget: <= 0.5 s.

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

SEED_PACK = ROOT / "lessons" / "kursk-unit.json"
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


def quality(pack_path: Path, nlp: Any) -> dict[str, Any]:
    from app.core.lessons import Highlight
    from app.core.packs import read_pack
    from app.core.scoring import grade
    from app.nlp.suggest import suggest

    pack = read_pack(pack_path)
    sums = {c: {"p": 0.0, "n_s": 0, "r": 0.0, "n_t": 0, "found": 0} for c in CATEGORIES}
    lessons = []
    for le in pack.lessons:
        if not le.key:
            continue
        labels = [c for c in CATEGORIES if c in le.categories]
        if not labels:
            continue
        found = suggest(le.text, nlp)
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
    pooled = {}
    for c, a in sums.items():
        p = a["p"] / a["n_s"] if a["n_s"] else 0.0
        r = a["r"] / a["n_t"] if a["n_t"] else 0.0
        pooled[c] = {"precision": p, "recall": r, "suggestions": a["n_s"],
                     "required": a["n_t"], "found": a["found"],
                     "target_met": r >= TARGET_RECALL and p >= TARGET_PRECISION}
    return {"pack": _rel(pack_path), "lessons": lessons, "pooled": pooled,
            "target": {"recall": TARGET_RECALL, "precision": TARGET_PRECISION}}


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
    parts = text.split(" ")
    # keep exactly `words` whitespace-separated words
    count, cut = 0, len(text)
    pos = 0
    for part in parts:
        count += len(part.split())
        pos += len(part) + 1
        if count >= words:
            cut = pos - 1
            break
    return text[:cut]


def speed(text: str, nlp: Any, full: Any = None, runs: int = RUNS) -> dict[str, Any]:
    """Medians of ``suggest(text)`` and of ``nlp(text)`` (the suggestion pipeline), and of
    the full model's ``nlp(text)`` when ``full`` is given, interleaved in one run."""
    from app.nlp.suggest import suggest

    suggest(text, nlp)  # warm: matchers built, caches filled
    nlp(text)
    if full is not None:
        full(text)
    t_nlp, t_sug, t_full = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        nlp(text)
        t_nlp.append(time.perf_counter() - t0)
        if full is not None:
            t0 = time.perf_counter()
            full(text)
            t_full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        n = len(suggest(text, nlp))
        t_sug.append(time.perf_counter() - t0)
    med_s, med_n = statistics.median(t_sug), statistics.median(t_nlp)
    out = {"words": len(text.split()), "runs": runs, "suggestions": n,
           "suggest_median_s": med_s, "nlp_median_s": med_n,
           "ratio_to_nlp": med_s / med_n if med_n else None,
           "budget_s": BUDGET_S, "within_budget": med_s <= BUDGET_S}
    if t_full:
        med_f = statistics.median(t_full)
        out.update({"nlp_full_model_median_s": med_f,
                    "ratio_to_full_model": med_s / med_f if med_f else None})
    return out


def run(json_out: bool = False) -> dict[str, Any]:
    """Run both parts; print a table (or one JSON object) and return the results."""
    from app.core.packs import read_pack
    from app.nlp.suggest import load_pipeline

    t0 = time.perf_counter()
    nlp, notice = load_pipeline()
    load_s = time.perf_counter() - t0
    pack_path, note = _pack_path()
    q = quality(pack_path, nlp)
    texts = [le.text for le in read_pack(pack_path).lessons]
    full = None
    if not notice:
        import spacy

        from app.nlp import pipeline

        full = spacy.load(pipeline.MODEL_PACKAGE)  # every component, as shipped
    sp = speed(article(texts), nlp, full)
    pipeline = "+".join(nlp.pipe_names) or "blank"
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    fallback = quality(pack_path, blank)["pooled"]
    result = {"name": "suggestions", "pipeline": pipeline, "model_load_s": load_s,
              "notice": notice, "note": note, "quality": q,
              "quality_blank_pipeline": fallback, "speed": sp}
    if json_out:
        print(json.dumps(result, indent=2))
    else:
        _print_table(result)
    return result


def _print_table(r: dict[str, Any]) -> None:
    q, sp = r["quality"], r["speed"]
    print(f"Suggestions benchmark  (pipeline: {r['pipeline']}; model load "
          f"{r['model_load_s']:.2f} s)")
    for msg in (r["notice"], r["note"]):
        if msg:
            print(f"NOTE: {msg}")
    print(f"\n(a) Quality on {q['pack']}  (target: recall >= {TARGET_RECALL} at "
          f"precision >= {TARGET_PRECISION})")
    print(f"  {'lesson':<34} {'category':<18} {'sugg':>4} {'key':>4} {'found':>5} "
          f"{'prec':>5} {'recall':>6}")
    for row in q["lessons"]:
        for c, f in row["by_label"].items():
            print(f"  {row['lesson'][:34]:<34} {c:<18} {f['suggestions']:>4} "
                  f"{f['required']:>4} {f['found']:>5} {f['precision']:>5.2f} "
                  f"{f['recall']:>6.2f}")
    for c, f in q["pooled"].items():
        ok = "met" if f["target_met"] else "NOT met"
        print(f"  {'ALL LESSONS':<34} {c:<18} {f['suggestions']:>4} {f['required']:>4} "
              f"{f['found']:>5} {f['precision']:>5.2f} {f['recall']:>6.2f}  target {ok}")
    print("  with the blank English pipeline (the fallback when the model is missing):")
    for c, f in r["quality_blank_pipeline"].items():
        ok = "met" if f["target_met"] else "NOT met"
        print(f"  {'ALL LESSONS (blank pipeline)':<34} {c:<18} {f['suggestions']:>4} "
              f"{f['required']:>4} {f['found']:>5} {f['precision']:>5.2f} "
              f"{f['recall']:>6.2f}  target {ok}")
    print(f"\n(b) Speed: {sp['words']}-word article, pipeline warm, median of "
          f"{sp['runs']} runs")
    print(f"  spaCy nlp(text)   {sp['nlp_median_s'] * 1000:8.1f} ms  (the suggestion pipeline)")
    if "nlp_full_model_median_s" in sp:
        print(f"  spaCy nlp(text)   {sp['nlp_full_model_median_s'] * 1000:8.1f} ms  "
              "(the full model, with entity recognition)")
    print(f"  suggest(text)     {sp['suggest_median_s'] * 1000:8.1f} ms  "
          f"({sp['ratio_to_nlp']:.2f}x its nlp; budget {BUDGET_S * 1000:.0f} ms: "
          f"{'within' if sp['within_budget'] else 'OVER'})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    run(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
