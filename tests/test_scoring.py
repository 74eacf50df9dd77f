"""Scoring exactly as formats.md defines it, checked three ways: hand-computed examples,
an independent character-set reference implementation (exact fractions), and
hypothesis properties."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.lessons import Highlight, KeySpan
from app.core.scoring import grade, score_of

A, B, C = "unsupported_claim", "loaded_language", "appeal_to_fear"
LABELS = (A, B)
approx = pytest.approx


def K(start, end, label=A, required=True):
    return KeySpan(start, end, label, "", "", required)


def H(start, end, label=A):
    return Highlight(start, end, label)


def figures(f):
    return (f.precision, f.recall, f.f1)


def check(report, p, r, f1=None):
    if f1 is None:
        f1 = 2 * p * r / (p + r) if p > 0 and r > 0 else 0.0
    assert figures(report.overall) == approx((p, r, f1), abs=1e-12)
    assert report.score == math.floor(100 * Fraction(f1).limit_denominator(10**9)
                                      + Fraction(1, 2))


# --------------------------------------------------------------------------- reference


def reference(key, highlights, labels):
    """formats.md's Scoring section, straight from the text, on sets of positions.

    Returns {"overall": (P, R, F1), "by_label": {label: (P, R, F1)}, "score": int,
    "key": [(status, coverage) in key order], "highlights": {(start, end, label): status}}
    with exact fractions.
    """
    # merge a student's same-label highlights that share at least one character
    merged = []  # (label, frozenset)
    for label in {h.label for h in highlights}:
        groups = [set(range(h.start, h.end)) for h in highlights if h.label == label]
        changed = True
        while changed:
            changed = False
            for i in range(len(groups)):
                for j in range(i + 1, len(groups)):
                    if groups[i] & groups[j]:
                        groups[i] |= groups.pop(j)
                        changed = True
                        break
                if changed:
                    break
        merged += [(label, frozenset(g)) for g in groups]
    keys = [(k.label, frozenset(range(k.start, k.end)), k.required) for k in key]

    def prf(lbls):
        S = [(lab, s) for lab, s in merged if lab in lbls]
        T = [(lab, t) for lab, t, req in keys if req and lab in lbls]
        TO = [(lab, t) for lab, t, _ in keys if lab in lbls]
        P = (sum(Fraction(len(s & t), len(s)) for ls, s in S for lt, t in TO if lt == ls)
             / len(S)) if S else Fraction(0)
        R = (sum(Fraction(len(s & t), len(t)) for lt, t in T for ls, s in S if ls == lt)
             / len(T)) if T else Fraction(0)
        if not S and not T:
            F = Fraction(1)
        elif P > 0 and R > 0:
            F = 2 * P * R / (P + R)
        else:
            F = Fraction(0)
        return P, R, F

    every = set(labels) | {k.label for k in key} | {h.label for h in highlights}
    overall = prf(every)
    key_view = []
    for lab, t, _ in keys:
        covered = set().union(*[s for ls, s in merged if ls == lab]) & t
        cov = Fraction(len(covered), len(t))
        key_view.append(("found" if cov >= Fraction(1, 2) else "partial" if cov > 0
                         else "missed", cov))
    hl_view = {}
    for lab, s in merged:
        if any(lt == lab and s & t for lt, t, _ in keys):
            st_ = "match"
        elif any(s & t for _, t, _ in keys):
            st_ = "wrong_label"
        else:
            st_ = "extra"
        hl_view[(min(s), max(s) + 1, lab)] = st_
    return {
        "overall": overall,
        "by_label": {lab: prf({lab}) for lab in labels},
        "score": math.floor(100 * overall[2] + Fraction(1, 2)),
        "key": key_view,
        "highlights": hl_view,
    }


def same_as_reference(key, highlights, labels, tol=1e-9):
    rep = grade(key, highlights, labels)
    ref = reference(key, highlights, labels)
    assert figures(rep.overall) == approx(tuple(map(float, ref["overall"])), abs=tol)
    assert set(rep.by_label) == set(labels)
    for lab in labels:
        assert figures(rep.by_label[lab]) == approx(tuple(map(float, ref["by_label"][lab])),
                                                    abs=tol)
    assert rep.score == ref["score"]
    by_span = {(r.span.start, r.span.end, r.span.label, r.span.required): r for r in rep.key}
    assert len(rep.key) == len(key)
    for k, (status, cov) in zip(key, ref["key"], strict=True):
        got = by_span[(k.start, k.end, k.label, k.required)]
        assert got.status == status
        assert got.coverage == approx(float(cov), abs=tol)
    assert {(h.span.start, h.span.end, h.span.label): h.status
            for h in rep.highlights} == ref["highlights"]
    return rep


# --------------------------------------------------------------------------- hand examples


def test_exact_match_scores_100():
    rep = grade([K(0, 10)], [H(0, 10)], LABELS)
    check(rep, 1.0, 1.0, 1.0)
    assert rep.score == 100


def test_partial_overlap():
    # key [10, 30) (20 chars), highlight [20, 40) (20 chars): they share [20, 30) = 10.
    # P = 10/20 = 0.5, R = 10/20 = 0.5, F1 = 0.5, score ⌊50 + 0.5⌋ = 50
    rep = same_as_reference([K(10, 30)], [H(20, 40)], LABELS)
    check(rep, 0.5, 0.5, 0.5)
    assert rep.score == 50
    assert rep.key[0].status == "found" and rep.key[0].coverage == approx(0.5)  # ≥ 0.5


def test_highlight_covering_a_key_span_and_much_more():
    # key [10, 20) (10 chars), highlight [0, 100): P = 10/100 = 0.1, R = 10/10 = 1
    # F1 = 2·0.1·1/1.1 = 0.2/1.1 = 0.181818…, score ⌊18.18 + 0.5⌋ = 18
    rep = same_as_reference([K(10, 20)], [H(0, 100)], LABELS)
    check(rep, 0.1, 1.0, 0.2 / 1.1)
    assert rep.score == 18
    assert rep.key[0].status == "found" and rep.key[0].coverage == 1.0
    assert rep.highlights[0].status == "match"


def test_two_key_spans_one_highlight_over_both():
    # keys [0, 10) and [20, 30) (same label), highlight [5, 25) (20 chars)
    # P = (5 + 5)/20 = 0.5; R = (5/10 + 5/10)/2 = 0.5; F1 = 0.5
    rep = same_as_reference([K(0, 10), K(20, 30)], [H(5, 25)], LABELS)
    check(rep, 0.5, 0.5, 0.5)


def test_optional_spans_count_in_precision_not_in_recall():
    # required [0, 10), optional [20, 30); highlights [0, 10) and [20, 30)
    # P = (10/10 + 10/10)/2 = 1; R = (10/10)/1 = 1 (the optional span is not in T)
    rep = same_as_reference([K(0, 10), K(20, 30, required=False)], [H(0, 10), H(20, 30)],
                            LABELS)
    check(rep, 1.0, 1.0, 1.0)
    # only the optional span highlighted: P = 1, R = 0/1 = 0 → F1 = 0
    rep = same_as_reference([K(0, 10), K(20, 30, required=False)], [H(20, 30)], LABELS)
    check(rep, 1.0, 0.0, 0.0)
    assert rep.score == 0
    # only the required span highlighted: the missed optional span costs nothing
    # P = (10/10)/1 = 1, R = (10/10)/1 = 1 → F1 = 1
    rep = same_as_reference([K(0, 10), K(20, 30, required=False)], [H(0, 10)], LABELS)
    check(rep, 1.0, 1.0, 1.0)
    assert [k.status for k in rep.key] == ["found", "missed"]


def test_only_optional_key_spans_and_no_highlights_is_perfect():
    # T is empty and S is empty → F1 = 1 (O does not count)
    rep = same_as_reference([K(0, 10, required=False)], [], LABELS)
    check(rep, 0.0, 0.0, 1.0)
    assert rep.score == 100


def test_overlapping_same_label_highlights_are_merged():
    # highlights [0, 6) and [4, 10) merge into [0, 10) before scoring: |S| = 1
    # key [0, 10): P = 10/10 = 1, R = 1 (unmerged they would give P = (6/6+6/6)/2 too,
    # but R would count [4, 6) twice: (6 + 6)/10 = 1.2)
    rep = same_as_reference([K(0, 10)], [H(0, 6), H(4, 10)], LABELS)
    check(rep, 1.0, 1.0, 1.0)
    assert len(rep.highlights) == 1
    assert (rep.highlights[0].span.start, rep.highlights[0].span.end) == (0, 10)
    assert rep.overall.highlights == 1


def test_merged_highlight_spreading_past_the_key():
    # highlights [0, 8) and [5, 20) merge to [0, 20); key [0, 10)
    # P = 10/20 = 0.5, R = 1, F1 = 2·0.5/1.5 = 2/3, score ⌊66.67 + 0.5⌋ = 67
    rep = same_as_reference([K(0, 10)], [H(0, 8), H(5, 20)], LABELS)
    check(rep, 0.5, 1.0, 2 / 3)
    assert rep.score == 67


def test_touching_highlights_stay_apart():
    # highlights [0, 5) and [5, 20) touch: |S| = 2; key [0, 5)
    # P = (5/5 + 0/15)/2 = 0.5; R = 5/5 = 1; F1 = 2/3
    rep = same_as_reference([K(0, 5)], [H(0, 5), H(5, 20)], LABELS)
    check(rep, 0.5, 1.0, 2 / 3)
    assert [h.status for h in rep.highlights] == ["match", "extra"]


def test_different_labels_are_never_merged():
    # [0, 10) as A and [5, 15) as B stay two spans; key [0, 10) A
    # P = (10/10 + 0)/2 = 0.5; R = 1; F1 = 2/3
    rep = same_as_reference([K(0, 10, A)], [H(0, 10, A), H(5, 15, B)], LABELS)
    check(rep, 0.5, 1.0, 2 / 3)
    assert [h.status for h in rep.highlights] == ["match", "wrong_label"]


def test_wrong_label_earns_nothing():
    # the right characters with the wrong label: P = 0, R = 0 → F1 = 0
    rep = same_as_reference([K(0, 10, A)], [H(0, 10, B)], LABELS)
    check(rep, 0.0, 0.0, 0.0)
    assert rep.score == 0
    assert rep.highlights[0].status == "wrong_label"
    assert rep.key[0].status == "missed" and rep.key[0].coverage == 0


def test_empty_student_answers():
    # S empty → P = 0; T non-empty → R = 0; F1 = 0
    rep = same_as_reference([K(0, 10)], [], LABELS)
    check(rep, 0.0, 0.0, 0.0)
    assert rep.score == 0
    assert rep.key[0].status == "missed"


def test_empty_key():
    # T empty → R = 0; S non-empty → F1 = 0
    rep = same_as_reference([], [H(0, 10)], LABELS)
    check(rep, 0.0, 0.0, 0.0)
    assert rep.highlights[0].status == "extra"


def test_both_empty_is_perfect():
    rep = same_as_reference([], [], LABELS)
    check(rep, 0.0, 0.0, 1.0)
    assert rep.score == 100
    for lab in LABELS:
        assert rep.by_label[lab].f1 == 1.0


def test_rounding_is_half_up_exactly():
    # key [0, 8), highlight [7, 15): share 1 char. P = 1/8, R = 1/8, F1 = 1/8 = 0.125
    # score = ⌊12.5 + 0.5⌋ = 13 (not banker's 12)
    rep = same_as_reference([K(0, 8)], [H(7, 15)], LABELS)
    check(rep, 0.125, 0.125, 0.125)
    assert rep.score == 13
    # key [0, 200), highlight [143, 343): share 57. P = R = F1 = 57/200 = 0.285 exactly
    # score = ⌊28.5 + 0.5⌋ = 29 — although 100 * 0.285 is 28.499999999999996 in floats
    rep = same_as_reference([K(0, 200)], [H(143, 343)], LABELS)
    check(rep, 0.285, 0.285, 0.285)
    assert rep.score == 29
    # key [0, 40), highlight [17, 57): share 23. F1 = 23/40 = 0.575 → ⌊57.5 + 0.5⌋ = 58
    assert grade([K(0, 40)], [H(17, 57)], LABELS).score == 58
    # F1 = 1/200 = 0.005 → ⌊0.5 + 0.5⌋ = 1
    assert grade([K(0, 200)], [H(199, 399)], LABELS).score == 1
    # just under a half: share 57 of 201 → 28.358… → 28
    assert grade([K(0, 201)], [H(144, 345)], LABELS).score == 28


@pytest.mark.parametrize("n", [8, 40, 80, 120, 160, 200, 400])
def test_every_exact_half_rounds_up(n):
    # key [0, n), highlight sharing m chars: P = R = F1 = m/n; score = ⌊100·m/n + ½⌋
    for m in range(n + 1):
        rep = grade([K(0, n)], [H(n - m, 2 * n - m)], LABELS)
        assert rep.score == math.floor(Fraction(100 * m, n) + Fraction(1, 2)), (m, n)


def test_score_of():
    assert score_of(0.0) == 0
    assert score_of(1.0) == 100
    assert score_of(0.125) == 13
    assert score_of(0.994) == 99
    assert score_of(Fraction(199, 200)) == 100  # exactly 99.5 → 100
    assert score_of(0.285, lambda: Fraction(57, 200)) == 29  # the float is 28.4999…


def test_micro_average_over_labels():
    # A: key [0, 10); highlight [0, 5)          → contributes P 5/5, R 5/10
    # B: keys [20, 30) and [40, 50); highlight [20, 30) and [60, 70)
    #                                           → P 10/10 and 0/10, R 10/10 and 0/10
    # micro: |S| = 3, P = (1 + 1 + 0)/3 = 2/3; |T| = 3, R = (0.5 + 1 + 0)/3 = 0.5
    # F1 = 2·(2/3)·0.5/(2/3 + 0.5) = (2/3)/(7/6) = 4/7 ≈ 0.5714, score 57
    key = [K(0, 10, A), K(20, 30, B), K(40, 50, B)]
    hls = [H(0, 5, A), H(20, 30, B), H(60, 70, B)]
    rep = same_as_reference(key, hls, LABELS)
    check(rep, 2 / 3, 0.5, 4 / 7)
    assert rep.score == 57
    # per label: A: P = 1, R = 0.5, F1 = 2/3;  B: P = 0.5, R = 0.5, F1 = 0.5
    assert figures(rep.by_label[A]) == approx((1.0, 0.5, 2 / 3), abs=1e-12)
    assert figures(rep.by_label[B]) == approx((0.5, 0.5, 0.5), abs=1e-12)
    assert (rep.by_label[B].found, rep.by_label[B].required) == (1, 2)
    assert (rep.by_label[B].matched, rep.by_label[B].highlights) == (1, 2)


def test_by_label_has_every_category_of_the_lesson():
    labels = (A, B, C)
    # only A has key spans and highlights; B has a stray highlight; C has nothing
    rep = same_as_reference([K(0, 10, A)], [H(0, 10, A), H(30, 40, B)], labels)
    assert list(rep.by_label) == [A, B, C]
    assert figures(rep.by_label[A]) == approx((1.0, 1.0, 1.0))
    assert figures(rep.by_label[B]) == approx((0.0, 0.0, 0.0))  # S non-empty, T empty
    assert figures(rep.by_label[C]) == approx((0.0, 0.0, 1.0))  # both empty
    # overall: P = (1 + 0)/2 = 0.5, R = 1, F1 = 2/3
    check(rep, 0.5, 1.0, 2 / 3)


def test_by_label_with_a_custom_category():
    # C key [0, 10) optional, [10, 20) required; highlight C [5, 15)
    # P = (5 + 5)/10 = 1; R = (5/10)/1 = 0.5; F1 = 2/3
    rep = same_as_reference([K(0, 10, C, False), K(10, 20, C)], [H(5, 15, C)], (B, C))
    assert figures(rep.by_label[C]) == approx((1.0, 0.5, 2 / 3), abs=1e-12)
    assert figures(rep.by_label[B]) == approx((0.0, 0.0, 1.0), abs=1e-12)


def test_teaching_statuses():
    key = [K(0, 10, A), K(20, 30, A), K(40, 50, A), K(60, 70, B, False)]
    hls = [
        H(0, 5, A),    # covers 5/10 of key 0 → found (≥ 0.5)
        H(20, 24, A),  # covers 4/10 of key 1 → partial
        H(40, 50, B),  # wrong label over key 2 → key 2 missed, highlight wrong_label
        H(80, 90, A),  # nothing there → extra
        H(65, 66, B),  # optional B span: match, coverage 0.1 → partial
    ]
    rep = same_as_reference(key, hls, LABELS)
    status = {(k.span.start, k.span.label): (k.status, k.coverage) for k in rep.key}
    assert status[(0, A)] == ("found", 0.5)
    assert status[(20, A)] == ("partial", 0.4)
    assert status[(40, A)] == ("missed", 0.0)
    assert status[(60, B)] == ("partial", approx(0.1))
    hs = {(h.span.start, h.span.label): h.status for h in rep.highlights}
    assert hs == {(0, A): "match", (20, A): "match", (40, B): "wrong_label",
                  (80, A): "extra", (65, B): "match"}
    assert rep.by_label[A].found == 1 and rep.by_label[A].partial == 1
    assert rep.by_label[A].required == 3


def test_wrong_label_needs_no_same_label_overlap():
    # a highlight over a B key span and an A key span, labelled A: it is a match
    rep = grade([K(0, 10, A), K(5, 20, B)], [H(8, 18, A)], LABELS)
    assert rep.highlights[0].status == "match"


def test_coverage_counts_merged_highlights_once():
    # highlights [0, 6) and [2, 8) merge to [0, 8): coverage of key [0, 10) = 0.8
    rep = grade([K(0, 10)], [H(0, 6), H(2, 8)], LABELS)
    assert rep.key[0].coverage == approx(0.8)


def test_report_json_shape():
    rep = grade([K(0, 10, A), K(20, 30, B, False)], [H(0, 5, A)], LABELS)
    j = rep.as_json("lesson-x", "Ana")
    assert j["lesson"] == "lesson-x" and j["student"] == "Ana" and j["score"] == rep.score
    assert set(j["overall"]) == {"precision", "recall", "f1"}
    assert set(j["by_label"]) == set(LABELS)
    assert all(isinstance(v, float) for f in j["by_label"].values() for v in f.values())
    assert j["key"][0] == {"start": 0, "end": 10, "label": A, "required": True,
                           "status": "found", "coverage": 0.5, "explanation": ""}
    assert j["key"][1]["required"] is False
    assert j["highlights"] == [{"start": 0, "end": 5, "label": A, "status": "match"}]


# --------------------------------------------------------------------------- properties

N = 60


@st.composite
def keys(draw, labels=(A, B, C)):
    """Key spans; same-label spans never overlap (they may touch)."""
    out: list[KeySpan] = []
    for _ in range(draw(st.integers(0, 6))):
        s = draw(st.integers(0, N - 1))
        e = draw(st.integers(s + 1, min(N, s + 20)))
        lab = draw(st.sampled_from(labels))
        if any(k.label == lab and k.start < e and s < k.end for k in out):
            continue
        out.append(K(s, e, lab, draw(st.booleans())))
    return out


@st.composite
def highlights(draw, labels=(A, B, C)):
    out = []
    for _ in range(draw(st.integers(0, 7))):
        s = draw(st.integers(0, N - 1))
        e = draw(st.integers(s + 1, min(N, s + 25)))
        out.append(H(s, e, draw(st.sampled_from(labels))))
    return out


lesson_labels = st.sampled_from([(A, B, C), (A, B), (C, A)])
SETTINGS = settings(max_examples=200, deadline=None)
LIGHT = settings(max_examples=120, deadline=None)


@SETTINGS
@given(keys(), highlights(), lesson_labels)
def test_matches_the_reference(key, hls, labels):
    same_as_reference(key, hls, labels)


@SETTINGS
@given(keys(), highlights(), lesson_labels)
def test_figures_between_zero_and_one(key, hls, labels):
    rep = grade(key, hls, labels)
    for f in [rep.overall, *rep.by_label.values()]:
        for v in figures(f):
            assert 0.0 <= v <= 1.0
    assert 0 <= rep.score <= 100
    for k in rep.key:
        assert 0.0 <= k.coverage <= 1.0


@SETTINGS
@given(keys(), lesson_labels)
def test_the_key_itself_scores_100(key, labels):
    answers = [H(k.start, k.end, k.label) for k in key if k.required]
    rep = grade(key, answers, labels)
    assert rep.score == 100
    assert rep.overall.f1 == approx(1.0, abs=1e-12)
    for k in rep.key:
        if k.span.required:
            assert k.status == "found" and k.coverage == 1.0
    assert all(h.status == "match" for h in rep.highlights)


@LIGHT
@given(keys(), highlights(), lesson_labels, st.randoms(use_true_random=False))
def test_order_of_highlights_never_matters(key, hls, labels, rnd):
    shuffled = list(hls)
    rnd.shuffle(shuffled)
    key2 = list(key)
    rnd.shuffle(key2)
    a = grade(key, hls, labels).as_json()
    b = grade(key2, shuffled, labels).as_json()
    assert a == b


@LIGHT
@given(keys(), highlights(), lesson_labels, st.data())
def test_splitting_a_highlight_into_overlapping_pieces_changes_nothing(key, hls, labels, data):
    hls = [h for h in hls if h.end - h.start >= 2]
    if not hls:
        hls = [H(0, 10)]
    i = data.draw(st.integers(0, len(hls) - 1))
    h = hls[i]
    cut = data.draw(st.integers(h.start + 1, h.end - 1))
    back = data.draw(st.integers(1, cut - h.start))  # the second piece starts before `cut`
    pieces = [Highlight(h.start, cut, h.label), Highlight(cut - back, h.end, h.label)]
    split = hls[:i] + pieces + hls[i + 1:]
    assert grade(key, split, labels).as_json() == grade(key, hls, labels).as_json()


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32))
def test_larger_random_cases_match_the_reference(seed):
    rnd = random.Random(seed)
    n = 400
    key: list[KeySpan] = []
    for lab in (A, B):
        pos = 0
        while True:
            pos += rnd.randint(0, 60)
            e = pos + rnd.randint(1, 40)
            if e > n:
                break
            key.append(K(pos, e, lab, rnd.random() < 0.7))
            pos = e
    hls = []
    for _ in range(rnd.randint(0, 15)):
        s = rnd.randrange(n)
        hls.append(H(s, min(n, s + rnd.randint(1, 80)), rnd.choice((A, B))))
    same_as_reference(key, hls, (A, B))


def test_a_big_grading_rests_the_collector_and_gives_the_same_report(monkeypatch):
    """Above ``PAUSE_GC_AT`` spans the cyclic collector rests while grading (no cycles
    are made); the report is the same, and the collector is as it was after."""
    import gc

    from app.core import scoring

    labels = ("unsupported_claim", "loaded_language")
    key = [KeySpan(10 * i + 2, 10 * i + 7, labels[i % 2], "x", "", required=i % 7 != 3)
           for i in range(300)]
    hs = [Highlight(10 * i, 10 * i + 5, labels[(i // 3) % 2]) for i in range(300) if i % 5]
    small = grade(key, hs, labels)
    seen: list[bool] = []
    real = scoring._grade
    monkeypatch.setattr(scoring, "_grade", lambda *a: seen.append(gc.isenabled()) or real(*a))
    monkeypatch.setattr(scoring, "PAUSE_GC_AT", 100)
    assert gc.isenabled()
    assert grade(key, hs, labels) == small and seen == [False] and gc.isenabled()
    gc.disable()
    try:  # off before: off after
        assert grade(key, iter(hs), labels) == small and not gc.isenabled()
    finally:
        gc.enable()
    monkeypatch.setattr(scoring, "PAUSE_GC_AT", 10_000)
    seen.clear()
    assert grade(key, hs, labels) == small and seen == [True]  # small: left alone
