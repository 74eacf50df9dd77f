"""Spans: merging a student's highlights, and snapping a selection to whole tokens.

Snapping uses the token boundaries the app stores with each lesson
(``app.nlp.pipeline.token_bounds``, spaCy's English tokenizer); offsets are Unicode
code points (formats.md, "Offsets").
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.spans import Span, is_snapped, merge_overlapping, merge_ranges, snap
from app.nlp.pipeline import token_bounds

# --------------------------------------------------------------------------- Span


def test_span_refuses_empty_reversed_and_negative():
    for a, b in [(3, 3), (5, 2), (-1, 4)]:
        with pytest.raises(ValueError):
            Span(a, b, "x")


def test_overlap_counts_shared_characters_only():
    a = Span(0, 5, "x")
    assert a.overlap(Span(3, 9, "x")) == 2
    assert a.overlap(Span(5, 9, "x")) == 0  # touching: nothing shared
    assert not a.overlaps(Span(5, 9, "x"))
    assert a.overlaps(Span(4, 5, "x"))
    assert a.overlap(Span(1, 2, "y")) == 1  # overlap ignores labels
    assert len(Span(2, 7)) == 5


# --------------------------------------------------------------------------- merge


def test_touching_spans_stay_apart():
    spans = [Span(0, 5, "a"), Span(5, 9, "a")]
    assert merge_overlapping(spans) == [Span(0, 5, "a"), Span(5, 9, "a")]


def test_overlapping_spans_merge():
    assert merge_overlapping([Span(0, 5, "a"), Span(4, 9, "a")]) == [Span(0, 9, "a")]


def test_contained_span_is_absorbed():
    assert merge_overlapping([Span(0, 10, "a"), Span(2, 4, "a")]) == [Span(0, 10, "a")]


def test_chain_of_overlaps_merges_into_one_in_any_order():
    spans = [Span(8, 12, "a"), Span(0, 3, "a"), Span(2, 6, "a"), Span(5, 9, "a")]
    assert merge_overlapping(spans) == [Span(0, 12, "a")]
    assert merge_overlapping(list(reversed(spans))) == [Span(0, 12, "a")]


def test_merge_is_per_label():
    spans = [Span(0, 5, "a"), Span(3, 8, "b"), Span(4, 10, "a")]
    assert merge_overlapping(spans) == [Span(0, 10, "a"), Span(3, 8, "b")]


def test_duplicates_merge_and_empty_input():
    assert merge_overlapping([Span(1, 4, "a"), Span(1, 4, "a")]) == [Span(1, 4, "a")]
    assert merge_overlapping([]) == []


def _chars(spans):
    return {(s.label, i) for s in spans for i in range(s.start, s.end)}


span_lists = st.lists(
    st.builds(
        lambda a, n, lab: Span(a, a + n, lab),
        st.integers(0, 40), st.integers(1, 10), st.sampled_from("ab"),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(span_lists)
def test_merge_properties(spans):
    merged = merge_overlapping(spans)
    # the same characters of the same labels, no more, no less
    assert _chars(merged) == _chars(spans)
    # no two merged spans of one label share a character; the result is sorted
    assert merged == sorted(merged)
    for i, a in enumerate(merged):
        for b in merged[i + 1:]:
            if a.label == b.label:
                assert not a.overlaps(b)
    # every merged span is a union of input spans (touching inputs are never joined)
    for m in merged:
        parts = [s for s in spans if s.label == m.label and m.start <= s.start and s.end <= m.end]
        assert min(p.start for p in parts) == m.start
        assert max(p.end for p in parts) == m.end
    assert merge_overlapping(merged) == merged  # idempotent
    # grading's path, on (start, end, label) triples: the same spans
    assert merge_ranges((s.start, s.end, s.label) for s in spans) == merged


@pytest.mark.parametrize("bad", [(3, 3, "a"), (5, 2, "a"), (-1, 2, "a")])
def test_merge_ranges_refuses_what_span_refuses(bad):
    with pytest.raises(ValueError, match="empty or reversed"):
        merge_ranges([(0, 2, "a"), bad])


# --------------------------------------------------------------------------- snap


def _snap(text: str, start: int, end: int):
    got = snap(text, start, end, token_bounds(text))
    return None if got is None else text[got[0]:got[1]]


def _sel(text: str, part: str, occurrence: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(occurrence + 1):
        i = text.index(part, i + 1)
    return i, i + len(part)


def test_token_bounds_are_code_point_offsets_of_non_space_tokens():
    text = "Fine 🙂 day,\u00a0really 𝒳!\n\nNext  paragraph."
    toks = token_bounds(text)
    assert toks == sorted(toks)
    for (s, e), (s2, _) in zip(toks, toks[1:], strict=False):
        assert s < e <= s2
    pieces = [text[s:e] for s, e in toks]
    assert "🙂" in pieces and "𝒳" in pieces and "day" in pieces and "really" in pieces
    assert all(p.strip() == p and p for p in pieces)


def test_snap_extends_to_whole_words():
    text = "Experts warn that the reckless plan will fail."
    # "xperts wa" -> both words whole
    assert _snap(text, 1, 10) == "Experts warn"
    # a single character inside a word selects that word
    a, _ = _sel(text, "reckless")
    assert _snap(text, a + 3, a + 4) == "reckless"


def test_snap_trims_whitespace_and_punctuation_at_the_edges():
    text = 'She said: "No, never!" — then left.'
    a, b = _sel(text, ': "No, never!" ')
    assert _snap(text, a, b) == "No, never"  # inner comma kept, edges trimmed
    a, b = _sel(text, " then left.")
    assert _snap(text, a, b) == "then left"
    a, b = _sel(text, "— then")
    assert _snap(text, a, b) == "then"


def test_snap_keeps_hyphenated_words_together_when_selected_across_the_hyphen():
    text = "A well-known, self-evident fact."
    a, _ = _sel(text, "well-known")
    # from inside "well" to inside "known": the whole hyphenated word, hyphen kept
    assert _snap(text, a + 1, a + 7) == "well-known"
    # a selection starting on the hyphen drops it (punctuation at the edge)
    a, b = _sel(text, "-known")
    assert _snap(text, a, b) == "known"
    # "well-known," : the trailing comma goes, the inner hyphen stays
    a, b = _sel(text, "well-known,")
    assert _snap(text, a, b) == "well-known"


def test_snap_with_apostrophes():
    text = "They don't know it's the students' own rock'n'roll."
    a, _ = _sel(text, "don't")
    assert _snap(text, a, a + 3) == "don't"  # "don" touches "n't": the whole contraction
    a, b = _sel(text, "it's")
    assert _snap(text, a, b) == "it's"
    a, b = _sel(text, "students'")
    assert _snap(text, a, b) == "students"  # a lone trailing apostrophe is punctuation
    a, b = _sel(text, "rock'n'roll.")
    assert _snap(text, a, b) == "rock'n'roll"


def test_snap_with_emoji_and_characters_outside_the_bmp():
    text = "🙂 Critics 𝒳 call it a disastrous 🙂 power grab. 中文字 ok"
    # offsets are code points: after each emoji, words still come out whole
    a, b = _sel(text, "Critics")
    assert _snap(text, a + 2, b - 1) == "Critics"
    a, _ = _sel(text, "disastrous")
    _, b = _sel(text, "power")
    assert _snap(text, a + 1, b - 1) == "disastrous 🙂 power"
    # an emoji is a symbol, not punctuation: selecting it alone keeps it
    a, b = _sel(text, "🙂", 1)
    assert _snap(text, a, b) == "🙂"
    assert _snap(text, 0, 3) == "🙂 Critics"
    a, b = _sel(text, "中文字")
    assert _snap(text, a + 1, a + 2) == "中文字"
    # every result is a slice of code points that starts and ends on a token edge
    toks = token_bounds(text)
    starts, ends = {s for s, _ in toks}, {e for _, e in toks}
    for i in range(len(text)):
        got = snap(text, i, min(len(text), i + 3), toks)
        if got:
            assert got[0] in starts and got[1] in ends


@pytest.mark.parametrize("piece", [", ", " — ", "... ", " ! ", "  ", ' " ', " \n\n", " (",
                                   "…"])
def test_selection_of_only_punctuation_or_whitespace_is_none(piece):
    text = f'Go home{piece}now! "Yes"... — fine, \n\nok'
    a, b = _sel(text, piece)
    assert _snap(text, a, b) is None


def test_snap_reversed_range_is_the_same_as_forward():
    text = "Experts warn that the reckless plan will fail."
    assert snap(text, 12, 3, token_bounds(text)) == snap(text, 3, 12, token_bounds(text))
    assert _snap(text, 12, 3) == "Experts warn"


def test_snap_empty_out_of_range_and_no_tokens():
    text = "Experts warn."
    toks = token_bounds(text)
    assert snap(text, 4, 4, toks) is None
    assert snap(text, 50, 60, toks) is None
    assert snap(text, -5, 3, toks) == (0, 7)  # clipped to the text
    assert snap(text, 8, 999, toks) == (8, 12)
    assert snap(text, 0, 5, []) is None
    assert snap("", 0, 0, []) is None


def test_is_snapped():
    text = "Experts warn that."
    toks = token_bounds(text)
    assert is_snapped(text, 0, 12, toks)
    assert not is_snapped(text, 0, 13, toks)  # trailing space
    assert not is_snapped(text, 1, 12, toks)


WORDS = ["plan", "well-known", "don't", "🙂", "𝒳yz", "中文", ",", ".", "—", '"', "(a)", "it's"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
       st.lists(st.sampled_from([" ", "  ", "\n\n", ""]), min_size=12, max_size=12),
       st.integers(0, 80), st.integers(0, 80))
def test_snap_properties(words, gaps, a, b):
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    toks = token_bounds(text)
    got = snap(text, a, b, toks)
    lo, hi = max(0, min(a, b)), min(len(text), max(a, b))
    touched = [t for t in toks if t[1] > lo and t[0] < hi]

    def trimmable(t):
        return all(ch.isspace() or unicodedata.category(ch)[0] in "PZ" for ch in text[t[0]:t[1]])

    kept = [t for t in touched if not trimmable(t)]
    if lo >= hi or not kept:
        assert got is None
        return
    assert got is not None
    s, e = got
    # from the first to the last non-punctuation token the selection touched, whole
    assert (s, e) == (kept[0][0], kept[-1][1])
    assert text[s:e] == text[s:e].strip()
    assert is_snapped(text, s, e, toks)  # snapping is idempotent
