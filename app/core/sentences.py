"""A lesson's sentences, from the word boundaries stored with it (formats.md,
"Discrimination: sentences as trials").

The rule is spaCy's rule-based ``Sentencizer`` (a sentence starts at the first token
that is not punctuation after a token of sentence-final marks; its list of marks is
copied below), run over the tokens stored when the lesson was imported, so no spaCy is
needed here, with three additions for news text: every line break ends a sentence (a
headline has no full stop), a lowercase abbreviation ending in "." before a capitalised
word ends one ("… until 7 p.m. Hardly a hardship."), and an opening quote or bracket
belongs to the sentence it opens, not to the one before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# spacy/pipeline/sentencizer.pyx, Sentencizer.default_punct_chars (spaCy 3.7)
FINAL_MARKS = frozenset(
    "!.?։؟۔܀܁܂߹।॥၊။።፧፨᙮᜵᜶᠃᠉᥄᥅᪨᪩᪪᪫᭚᭛᭞᭟᰻᰼᱾᱿‼‽⁇⁈⁉⸮⸼꓿꘎꘏꛳꛷꡶꡷꣎꣏꤯꧈꧉꩝꩞꩟꫰꫱꯫﹒﹖﹗！．？"
    "𐩖𐩗𑁇𑁈𑂾𑂿𑃀𑃁𑅁𑅂𑅃𑇅𑇆𑇍𑇞𑇟𑈸𑈹𑈻𑈼𑊩𑑋𑑌𑗂𑗃𑗉𑗊𑗋𑗌𑗍𑗎𑗏𑗐𑗑𑗒𑗓𑗔𑗕𑗖𑗗𑙁𑙂𑜼𑜽𑜾𑩂𑩃𑪛𑪜𑱁𑱂𖩮𖩯𖫵𖬷𖬸𖭄𛲟𝪈｡。")
# without stored tokens: words ("a.m.", "U.S.", "3.5", "9,000" whole; titles keep their dot,
# as spaCy's tokenizer exceptions do) and single punctuation marks
_FALLBACK_TOKEN = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|St|Prof|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Jr|Sr|Mt|vs)\.(?!\w)"
    r"|(?:[^\W\d_]\.){2,}(?!\w)|\w+(?:[.,'’\-]\w+)*|[^\w\s]", re.UNICODE)


def _is_punct(tok: str) -> bool:
    return all(unicodedata.category(ch).startswith("P") for ch in tok)


def _is_final(tok: str) -> bool:
    return all(ch in FINAL_MARKS for ch in tok)


def _opens(tok: str, text: str, start: int) -> bool:
    """An opening quote or bracket: “ ‘ « ( [ …, or a straight quote after a space."""
    if len(tok) != 1:
        return False
    cat = unicodedata.category(tok)
    if cat in ("Ps", "Pi"):
        return True
    return tok in "\"'" and (start == 0 or text[start - 1].isspace())


def _abbreviation_end(tok: str, nxt: str) -> bool:
    """"p.m." or "etc." before a capitalised word (never "Mr." or "U.S.")."""
    return (len(tok) >= 2 and tok.endswith(".") and tok[0].islower()
            and nxt[:1].isupper())


def fallback_tokens(text: str) -> list[tuple[int, int]]:
    """Word and punctuation boundaries for a text stored without tokens (never the case
    for a lesson imported by the app; a hand-made database may lack them)."""
    return [m.span() for m in _FALLBACK_TOKEN.finditer(text)]


def sentence_bounds(text: str, tokens: Sequence[tuple[int, int]] | None = None
                    ) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence of ``text``, in order, not overlapping.

    ``tokens``: the lesson's stored word boundaries (sorted ``(start, end)`` code-point
    pairs); without them, ``fallback_tokens``."""
    toks = [t for t in (tokens if tokens else fallback_tokens(text))
            if 0 <= t[0] < t[1] <= len(text)]
    if not toks:
        return []
    words = [text[s:e] for s, e in toks]
    # most tokens are words: one character test settles them (a lesson of 30,000 words
    # is cut in ~20 ms)
    wordlike = [w[0].isalnum() for w in words]
    final = [not wl and _is_final(w) for w, wl in zip(words, wordlike, strict=True)]
    punct = [not wl and _is_punct(w) for w, wl in zip(words, wordlike, strict=True)]
    starts = [0]  # token indices where a sentence starts
    seen_final = False
    find = text.find
    for i in range(1, len(toks)):
        if find("\n", toks[i - 1][1], toks[i][0]) >= 0:
            starts.append(i)
            seen_final = False
            continue
        if final[i - 1]:
            seen_final = True
        if seen_final:
            if not punct[i]:
                starts.append(_back_over_openers(i, toks, words, text, starts[-1]))
                seen_final = False
        elif words[i - 1][-1] == "." and _abbreviation_end(words[i - 1], words[i]):
            starts.append(i)
    out = []
    for a, b in zip(starts, [*starts[1:], len(toks)], strict=True):
        if a < b:
            out.append((toks[a][0], toks[b - 1][1]))
    return out


def _back_over_openers(i: int, toks: Sequence[tuple[int, int]], words: Sequence[str],
                       text: str, floor: int) -> int:
    """The sentence starting at token ``i`` takes the opening quotes or brackets right
    before it (never past the previous sentence's final mark)."""
    j = i
    while j - 1 > floor and _opens(words[j - 1], text, toks[j - 1][0]) \
            and not _is_final(words[j - 1]):
        j -= 1
    return j
