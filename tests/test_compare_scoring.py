"""The comparison grid's scoring rule (docs/formats.md, "Scoring a comparison"), with
examples worked by hand, and properties that must hold for any grid."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.compare.model import (
    CHOICES,
    VERDICTS,
    CellAnswer,
    CellKey,
    Claim,
    CompareKey,
    Comparison,
    DossierEntry,
    GridAnswer,
    VerdictAnswer,
    VerdictKey,
)
from app.core.compare.scoring import backing_f1, cell_credit, claim_credit, grade_grid, score_of

F = Fraction


@pytest.mark.parametrize("choice, support, accept, credit", [
    ("named", "named", (), F(1)),
    ("unnamed", "named", (), F(1, 2)),  # makes it: right; on what: wrong
    ("makes", "none", (), F(1, 2)),  # the prefill's "makes it, source not chosen"
    ("against", "named", (), F(0)),  # the other way round
    ("absent", "unnamed", (), F(0)),
    ("absent", "absent", (), F(1)),
    ("against", "against", (), F(1)),
    ("none", "against", ("none",), F(1)),  # accepted
    ("named", "absent", (), F(0)),
    ("", "absent", (), F(0)),  # unanswered earns nothing, even where the key is "absent"
])
def test_cell_credit(choice, support, accept, credit):
    assert cell_credit(choice, support, accept) == credit


def test_backing_f1_like_spans_with_optional_ones():
    assert backing_f1([], []) == 1  # nothing to cite, nothing cited
    assert backing_f1([], ["a"]) == 0
    assert backing_f1(["a"], ["a", "b"]) == F(2, 3)  # P 1, R 1/2
    assert backing_f1(["a", "x"], ["a"]) == F(2, 3)  # P 1/2, R 1
    assert backing_f1(["a", "r"], ["a"], ["r"]) == 1  # a relevant entry costs nothing
    assert backing_f1(["x"], []) == 0  # P 0, R 1 (nothing required)
    assert backing_f1(["r"], [], ["r"]) == 1


def test_claim_credit_needs_a_verdict():
    assert claim_credit("", "confirmed", F(1)) == 0
    assert claim_credit("confirmed", "confirmed", F(1)) == 1
    assert claim_credit("contested", "confirmed", F(1)) == F(1, 2)
    assert claim_credit("confirmed", "confirmed", F(2, 3)) == F(5, 6)


def _cmp() -> tuple[Comparison, CompareKey]:
    cmp = Comparison(("a", "b"), (Claim("c1", "One."), Claim("c2", "Two.")),
                     (DossierEntry("d1", "fact", "D1", says="x"),
                      DossierEntry("d2", "fact", "D2", says="y")))
    key = CompareKey((CellKey("c1", "a", "named"), CellKey("c1", "b", "unnamed"),
                      CellKey("c2", "a", "against")),  # (c2, b): absent
                     (VerdictKey("c1", "confirmed", ("d1", "d2")),
                      VerdictKey("c2", "unsupported")))
    return cmp, key


def test_a_grid_worked_by_hand():
    cmp, key = _cmp()
    grid = GridAnswer(
        (CellAnswer("c1", "a", "named"),  # 1
         CellAnswer("c1", "b", "none"),  # 1/2
         CellAnswer("c2", "a", "absent")),  # 0;  (c2, b) unanswered: 0
        (VerdictAnswer("c1", "confirmed", ("d1",)),  # 1/2 + 1/2 · 2/3 = 5/6
         VerdictAnswer("c2", "unsupported", ())))  # 1/2 + 1/2 · 1 = 1
    r = grade_grid(cmp, key, grid)
    assert r.cell_credit == F(3, 2) / 4 == F(3, 8)
    assert r.claim_credit == (F(5, 6) + 1) / 2 == F(11, 12)
    # 100 · (3/16 + 11/24) = 100 · 31/48 = 64.58… → 65
    assert r.score == 65
    assert [c.status for c in r.cells] == ["right", "partly", "wrong", "unanswered"]
    assert r.claim("c1").missing == ("d2",) and r.claim("c1").found == ("d1",)
    js = r.as_json("L", "Ana")
    assert js["kind"] == "compare" and js["grid"]["cells_right"] == 1 and js["score"] == 65


def test_score_rounds_half_up_exactly():
    assert score_of(F(1, 200) * 2 * 57, F(1, 200) * 2 * 57) == 57  # 0.57 → 57
    assert score_of(F(57, 100) + F(1, 100), F(57, 100)) == 58  # 57.5 → 58
    assert score_of(F(0), F(0)) == 0 and score_of(F(1), F(1)) == 100


def test_the_key_as_answer_scores_100_and_nothing_scores_0():
    cmp, key = _cmp()
    perfect = GridAnswer(
        tuple(CellAnswer(c.id, a, key.cell(c.id, a).support) for c in cmp.claims
              for a in cmp.articles),
        tuple(VerdictAnswer(v.claim, v.verdict, v.backing) for v in key.verdicts))
    assert grade_grid(cmp, key, perfect).score == 100
    assert grade_grid(cmp, key, GridAnswer()).score == 0


cell = st.sampled_from(("",) + CHOICES)


@given(st.lists(cell, min_size=4, max_size=4), st.lists(st.sampled_from(("",) + VERDICTS),
       min_size=2, max_size=2), st.lists(st.sets(st.sampled_from(("d1", "d2"))),
                                        min_size=2, max_size=2))
def test_any_grid_scores_between_0_and_100_and_improving_a_cell_never_lowers_it(cells, vs, bs):
    cmp, key = _cmp()
    pairs = [(c.id, a) for c in cmp.claims for a in cmp.articles]
    grid = GridAnswer(tuple(CellAnswer(c, a, ch) for (c, a), ch in zip(pairs, cells,
                                                                          strict=True) if ch),
                      tuple(VerdictAnswer(c.id, v, tuple(sorted(b)))
                            for c, v, b in zip(cmp.claims, vs, bs, strict=True)))
    r = grade_grid(cmp, key, grid)
    assert 0 <= r.score <= 100
    for c, a in pairs:  # putting the key's answer into any cell never lowers the score
        better = grid.with_choice(c, a, key.cell(c, a).support)
        assert grade_grid(cmp, key, better).score >= r.score
