"""Discrimination and pre/post in the core, against values worked out by hand (z from a
printed normal table, t from a printed t table; issue 26 items 1 and 2)."""

from __future__ import annotations

import pytest

from app.core.discrimination import ALL, Counts, add_up, lesson_trials, rates, tally
from app.core.discrimination_words import student_words
from app.core.errors import UserError
from app.core.lessons import Highlight, KeySpan, Lesson
from app.core.prepost import (
    Form,
    Pairing,
    check_pairing,
    form_from_arg,
    form_from_json,
    paired_change,
    t_quantile,
)
from app.core.sentences import fallback_tokens, sentence_bounds

UC, LL = "unsupported_claim", "loaded_language"


# -- the formula ---------------------------------------------------------------------
def test_rates_match_hand_computed_values():
    # 1 hit of 1, 0 false alarms of 1: H = 1.5/2 = .75, F = .5/2 = .25;
    # z(.75) = 0.6745, z(.25) = -0.6745 (table) -> d' = 1.3490, c = 0
    r = rates(1, 1, 0, 1)
    assert (r.hit_rate, r.false_alarm_rate) == (0.75, 0.25)
    assert r.d_prime == pytest.approx(1.3490, abs=1e-4)
    assert r.criterion == 0.0 and str(r.criterion) == "0.0"  # never -0.0
    # 1 of 2, 1 of 9: H = 1.5/3 = .5, F = 1.5/10 = .15; z(.15) = -1.0364
    r = rates(1, 2, 1, 9)
    assert (r.hit_rate, r.false_alarm_rate) == (0.5, 0.15)
    assert r.d_prime == pytest.approx(1.0364, abs=1e-4)
    assert r.criterion == pytest.approx(0.5182, abs=1e-4)
    # every sentence marked: H = 9.5/10, F = 40.5/41 — finite, and d' small
    r = rates(9, 9, 40, 40)
    assert r.d_prime == pytest.approx(1.6449 - 2.2513, abs=1e-3)  # z(.95) - z(.9878)
    assert r.criterion < -1.5  # marks everything: a very liberal criterion


def test_no_signal_or_no_noise_gives_no_d_prime():
    assert rates(0, 0, 2, 10).hit_rate is None and rates(0, 0, 2, 10).d_prime is None
    r = rates(3, 4, 0, 0)
    assert r.hit_rate == 0.7 and r.false_alarm_rate is None and r.criterion is None
    with pytest.raises(ValueError):
        rates(5, 4, 0, 1)
    with pytest.raises(ValueError):
        rates(0, 1, -1, 1)


# -- sentences ---------------------------------------------------------------------
def cut(text: str, tokens=None) -> list[str]:  # noqa: ANN001
    return [text[a:b] for a, b in sentence_bounds(text, tokens)]


def spacy_tokens(text: str):  # noqa: ANN201
    from app.nlp.pipeline import token_bounds

    return token_bounds(text)


@pytest.mark.parametrize("tokens", [spacy_tokens, None], ids=["spacy", "fallback"])
def test_sentences_of_news_text(tokens):
    text = ("Pool repairs go ahead\n\nThe pool opens at 9 a.m. and shuts at 7 p.m. Hardly a "
            "hardship. Mr. Marsh of the U.S. Army said it costs $3.5 million! Really? "
            "“It is fine,” he said. “Next year.” (The report is online.) Done")
    toks = tokens(text) if tokens else None
    assert cut(text, toks) == [
        "Pool repairs go ahead",
        "The pool opens at 9 a.m. and shuts at 7 p.m.",
        "Hardly a hardship.",
        "Mr. Marsh of the U.S. Army said it costs $3.5 million!",
        "Really?",
        "“It is fine,” he said.",
        "“Next year.”",
        "(The report is online.)",
        "Done",
    ]


def test_sentences_edge_cases():
    assert sentence_bounds("") == [] and sentence_bounds("   \n ") == []
    assert cut("Wait... what?! No.") == ["Wait...", "what?!", "No."]
    assert cut("One line\nTwo line") == ["One line", "Two line"]
    text = "Emoji 🙂 here. Next"
    assert cut(text, spacy_tokens(text)) == ["Emoji 🙂 here.", "Next"]
    assert fallback_tokens("a.m. x") == [(0, 4), (5, 6)]


# -- trials and counts ---------------------------------------------------------------
TEXT = ("Officials said the plan works. Critics called it a disastrous grab. Some say it "
        "may help. Experts warn it will fail and cost jobs. The vote is on Monday.\n"
        "Next steps follow")


def span(quote: str, label: str, required: bool = True) -> KeySpan:
    i = TEXT.index(quote)
    return KeySpan(i, i + len(quote), label, quote, "", required)


def hl(quote: str, label: str) -> Highlight:
    i = TEXT.index(quote)
    return Highlight(i, i + len(quote), label)


LESSON = Lesson("t", "T", TEXT, key=(
    span("Officials said the plan works", UC),  # s0: UC signal
    span("disastrous grab", LL),  # s1: LL signal
    span("Some say it may help", UC, required=False),  # s2: optional only: left out
    span("Experts warn it will fail", UC),  # s3: UC signal
    span("cost jobs", LL, required=False),  # s3: LL optional (s3 left out for LL)
))  # s4 "The vote is on Monday." and s5 "Next steps follow": noise


def test_trials_and_tally_by_hand():
    trials = lesson_trials(LESSON, sentence_bounds(TEXT, spacy_tokens(TEXT)))
    assert {c: (t.signal, len(t.noise)) for c, t in trials.items()} == {
        UC: (2, 2), LL: (1, 2), ALL: (3, 2)}
    got = tally(trials, [
        hl("plan works", UC),  # UC hit (s0), and a hit for all
        hl("Experts warn", LL),  # s3 is left out for LL; for all, a hit on the UC span
        hl("vote", UC),  # false alarm (s4)
        hl("Critics", LL),  # s1 is LL signal, but this misses the key span: no hit
    ])
    assert got == {UC: Counts(1, 2, 1, 2), LL: Counts(0, 1, 0, 2), ALL: Counts(2, 3, 1, 2)}
    # UC: H = 1.5/3, F = 1.5/3 -> d' 0; LL: H = .5/2 = .25, F = .5/3 -> z(.25) = -0.6745,
    # z(1/6) = -0.9674; all: H = 2.5/4 = .625 (z 0.3186), F = .5 (z 0)
    assert got[UC].rates.d_prime == 0.0
    assert got[LL].rates.d_prime == pytest.approx(0.2929, abs=1e-4)
    assert got[LL].rates.criterion == pytest.approx(0.8210, abs=1e-4)
    assert got[ALL].rates.d_prime == pytest.approx(0.3186, abs=1e-4)
    assert got[ALL].rates.criterion == pytest.approx(-0.1593, abs=1e-4)


def test_one_highlight_over_two_noise_sentences_is_two_false_alarms():
    trials = lesson_trials(LESSON, sentence_bounds(TEXT))
    i = TEXT.index("Monday")
    got = tally(trials, [Highlight(i, len(TEXT), UC), Highlight(i, i + 3, UC)])
    assert got[UC] == Counts(0, 2, 2, 2) and got[ALL] == Counts(0, 3, 2, 2)


def test_a_key_span_across_two_sentences_makes_both_signal():
    text = "Alpha beta gamma. Delta epsilon. Zeta eta."
    i, j = text.index("gamma"), text.index("Delta") + len("Delta")
    le = Lesson("x", "X", text, key=(KeySpan(i, j, UC, text[i:j]),))
    trials = lesson_trials(le, sentence_bounds(text))
    assert trials[UC].signal == 2 and len(trials[UC].noise) == 1
    # marking only "gamma" finds the first sentence's part, not the second's
    got = tally(trials, [Highlight(i, i + 5, UC)])
    assert got[UC] == Counts(1, 2, 0, 1)
    assert add_up([got, got])[UC] == Counts(2, 4, 0, 2)


# -- words -------------------------------------------------------------------------
def test_words_for_a_student():
    good = student_words(Counts(9, 10, 1, 40), LL)
    assert good.startswith("You marked 9 of the 10 sentences with loaded writing, and 1 of "
                           "the 40 careful sentences")
    assert "You find loaded writing well and rarely mark careful writing." in good
    assert "tell the two apart well" in good
    everything = student_words(Counts(10, 10, 40, 40), ALL)
    assert "often mark careful writing too" in everything and "You mark a lot" in everything
    shy = student_words(Counts(1, 10, 0, 40), UC)
    assert "miss most of the claims with no support given" in shy and "only a little" in shy
    assert "nothing to compare" in student_words(Counts(2, 3, 0, 0), UC)


# -- pre/post ------------------------------------------------------------------------
def test_t_quantiles_match_the_printed_table():
    for df, t in ((1, 12.706), (2, 4.303), (3, 3.182), (5, 2.571), (10, 2.228),
                  (20, 2.086), (30, 2.042), (120, 1.980)):
        assert t_quantile(0.975, df) == pytest.approx(t, abs=5e-4)
    assert t_quantile(0.025, 4) == pytest.approx(-2.776, abs=5e-4)
    assert t_quantile(0.5, 7) == pytest.approx(0.0, abs=1e-9)


def test_paired_change_by_hand():
    # changes 1, 2, 0: mean 1, s = 1, t(.975, 2) = 4.3027 -> half width 4.3027/√3 = 2.4842
    ch = paired_change([(1.0, 2.0), (2.0, 4.0), (3.0, 3.0)])
    assert (ch.n, ch.before, ch.after, ch.change) == (3, 2.0, 3.0, 1.0)
    assert ch.ci_low == pytest.approx(-1.4842, abs=1e-4)
    assert ch.ci_high == pytest.approx(3.4842, abs=1e-4)
    one = paired_change([(10.0, 30.0)])
    assert one.change == 20.0 and one.ci_low is None and "no interval" in one.note
    assert paired_change([]).n == 0 and "no student" in paired_change([]).note


def test_forms_from_the_command_line_and_the_database():
    assert form_from_arg("unit:Same facts, two ways") == Form(unit="Same facts, two ways")
    assert form_from_arg("lesson:a-1, b-2,a-1") == Form(lessons=("a-1", "b-2"))
    for bad in ("a-1", "unit:", "lesson:", "lesson:Bad Id", "class:x"):
        with pytest.raises(UserError):
            form_from_arg(bad)
    f = Form(lessons=("x", "y"))
    assert form_from_json(f.to_json()) == f
    assert form_from_json(Form(unit="Ünit “1”").to_json()).unit == "Ünit “1”"
    for damaged in ("", "{", "[]", '{"unit": 3}', '{"lessons": []}', '{"lessons": ["../x"]}',
                    "null"):
        with pytest.raises(UserError):
            form_from_json(damaged)
    with pytest.raises(UserError, match="differ"):
        check_pairing(Pairing(None, "x", f, f))
    with pytest.raises(UserError, match="name"):
        check_pairing(Pairing(None, "  ", f, Form(unit="u")))
