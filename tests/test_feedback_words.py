"""Counts in words (app/core/feedback_text.py): they add up, keep required and optional
apart, praise before misses, name over-highlighting, count false alarms kindly."""

from __future__ import annotations

import re

from app.core import feedback_text as words
from app.core.lessons import BUILTIN_CATEGORIES, Highlight, KeySpan
from app.core.scoring import grade

UC, LL = "unsupported_claim", "loaded_language"
LABELS = (UC, LL)


def key_of(n_req: int, n_opt: int) -> list[KeySpan]:
    """Required then optional spans, ten characters each, twenty apart."""
    return [KeySpan(20 * i, 20 * i + 10, LL, f"q{i}", required=i < n_req)
            for i in range(n_req + n_opt)]


def test_seven_of_nine_required_and_two_of_five_optional():
    key = key_of(9, 5)
    mine = [Highlight(20 * i, 20 * i + 10, LL) for i in (*range(7), 9, 10)]
    r = grade(key, mine, LABELS)
    text = words.summary(r)
    assert text.startswith("You found 7 of 9 required passages, and 2 of 5 optional ones.")
    assert "You missed 2." in text
    assert "All 9 of your highlights are in the key." in text


def test_counts_add_up_and_praise_comes_first():
    key = key_of(4, 0)
    mine = [Highlight(0, 10, LL), Highlight(20, 23, LL),  # found, partly found
            Highlight(40, 50, UC),  # the right passage, another category
            Highlight(200, 210, LL), Highlight(230, 240, LL)]  # outside the key
    r = grade(key, mine, LABELS)
    c = words.counts(r)
    assert c.found + c.partial + c.missed == c.required == 4
    assert c.matched + c.wrong_label + c.extra == c.highlights == 5
    text = words.summary(r)
    assert text.index("You found 1 of 4") < text.index("missed")
    assert "You partly found 1 more and missed 2." in text
    assert "1 is on a passage the key marks with another category" in text
    assert "2 of your highlights mark words the key leaves alone" in text
    assert words.key_status(r, r.key[2]) == "wrong_label"  # marked, but as the other kind
    assert words.key_status(r, r.key[3]) == "missed"


def test_no_tenths_and_no_zero_in_ten_on_a_score_of_zero():
    r = grade(key_of(3, 0), [Highlight(200, 210, LL)], LABELS)
    assert r.score == 0
    text = words.summary(r) + " ".join(words.category_line(c, r) for c in BUILTIN_CATEGORIES)
    assert not re.search(r"\bin 10\b", text) and "about" not in text
    assert "precision" not in text.lower() and "recall" not in text.lower()
    assert "You did not find the key's 3 required passages this time" in text


def test_optional_spans_are_never_missed():
    r = grade(key_of(1, 2), [Highlight(0, 10, LL)], LABELS)
    assert [words.key_status(r, k) for k in r.key] == ["found", "optional", "optional"]
    assert words.tag("optional") == "○ optional, not marked — no penalty"


def test_over_highlighting_is_named():
    r = grade([KeySpan(100, 110, LL, "q")], [Highlight(60, 140, LL)], LABELS)
    assert r.highlights[0].status == "match" and words.is_wide(r.highlights[0])
    assert "most of this highlight is ordinary reporting" in words.summary(r)
    assert "Most of this highlight is ordinary reporting: about 88 %" in \
        words.wide_note(r.highlights[0])


def test_category_lines_use_the_same_counts():
    key = [KeySpan(0, 10, UC, "a"), KeySpan(20, 30, LL, "b"), KeySpan(40, 50, LL, "c"),
           KeySpan(60, 70, LL, "d", required=False)]
    r = grade(key, [Highlight(20, 30, LL), Highlight(60, 70, LL), Highlight(80, 90, UC)],
              LABELS)
    uc, ll = BUILTIN_CATEGORIES
    assert words.category_line(ll, r) == (
        "Loaded language: found 1 of 2 required passages, missed 1; 1 of 1 optional one "
        "marked. 2 of your 2 highlights here are in the key.")
    assert words.category_line(uc, r) == (
        "Unsupported claim: found 0 of 1 required passage, missed 1. Your highlight here is "
        "not in the key.")


def test_caret_words():
    assert words.caret_words("Loaded language", "mine", "match") == \
        "Loaded language: your highlight, found in the key"
    assert words.caret_words("Unsupported claim", "key", "optional") == \
        "Unsupported claim: key passage, optional, not marked — no penalty"


def test_feedback_words_still_re_exports():
    from app.ui import feedback_words

    assert feedback_words.summary is words.summary
