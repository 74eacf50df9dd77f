"""A synthetic lesson for benchmarks and tests: N words of article-like text in paragraphs
(with a few characters outside the BMP, so the UTF-16 mapping is exercised), word
token bounds, a key, and a student's highlights that never overlap within a label.

    lesson, tokens, highlights = synthetic_lesson(words=5000, highlights=200)
    lesson_id, student_id = make_db(path)  # a database holding it, with the draft saved

Deterministic for a given seed; no spaCy: tokens come from a regular expression (words
and single punctuation marks), within a few tokens of spaCy's own split of this text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path

from app.core.lessons import Highlight, KeySpan, Lesson, Source

LESSON_ID = "synthetic-5000"
STUDENT = "Bench Student"
LABELS = ("unsupported_claim", "loaded_language")

_WORDS = (
    "officials said the deployment was large and had been planned for months while "
    "analysts in the region warned that troops would arrive before winter according to "
    "sources who asked not to be named because they were not authorised to speak "
    "critics called the move reckless and a disastrous power grab but supporters argued "
    "it was a necessary response to growing threats along the border where villages "
    "have been shelled repeatedly since the spring offensive began in earnest the "
    "ministry released a statement on Tuesday saying the exercises were defensive"
)
_VOCAB = tuple(_WORDS.split())
_EXTRA = ("🙂", "𝔘nicode", "naïve", "café", "—", "“quoted”")
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def synthetic_text(words: int = 5000, seed: int = 0) -> str:
    """Exactly ``words`` whitespace-separated words: sentences of 8–20 words, paragraphs
    of 3–6 sentences separated by a blank line."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    n = 0
    while n < words:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            k = min(rng.randint(8, 20), words - n)
            if k <= 0:
                break
            ws = [rng.choice(_VOCAB) for _ in range(k)]
            if rng.random() < 0.15:
                ws[rng.randrange(k)] = rng.choice(_EXTRA)
            ws[0] = ws[0].capitalize()
            sentences.append(" ".join(ws) + ".")
            n += k
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def word_bounds(text: str) -> list[tuple[int, int]]:
    """Code-point ``(start, end)`` of every word and punctuation token."""
    return [m.span() for m in _TOKEN.finditer(text)]


def words_of(text: str) -> list[tuple[int, int]]:
    """Spans of the whitespace-separated words (without a trailing full stop)."""
    out = []
    for m in re.finditer(r"\S+", text):
        s, e = m.span()
        if text[e - 1] == ".":
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def synthetic_highlights(text: str, n: int = 200, seed: int = 1) -> tuple[Highlight, ...]:
    """``n`` highlights spread over the text, 1–5 words each, alternating labels; every
    fifth one is overlapped by a highlight of the other label (allowed). Highlights of
    one label never overlap or touch, so a ``Draft`` keeps them all."""
    rng = random.Random(seed)
    words = words_of(text)
    stride = max(6, len(words) // max(1, n))
    out: list[Highlight] = []
    i = 0
    while len(out) < n and i < len(words) - 6:
        k = rng.randint(1, 5)
        s, e = words[i][0], words[min(i + k - 1, len(words) - 1)][1]
        label = LABELS[len(out) % 2]
        out.append(Highlight(s, e, label))
        if len(out) % 5 == 0 and len(out) < n:
            other = LABELS[len(out) % 2]
            out.append(Highlight(words[i + 1][0] if k > 1 else s, words[i + k][1], other))
        i += stride
    if len(out) < n:
        raise ValueError(f"text too short for {n} highlights")
    return tuple(out[:n])


def dense_highlights(text: str, n: int) -> tuple[Highlight, ...]:
    """Up to one highlight per word (labels alternate, so same-label highlights never
    touch): for sizes ``synthetic_highlights`` cannot spread out (20,000 on 30,000 words)."""
    words = words_of(text)
    if n > len(words):
        raise ValueError(f"text too short for {n} highlights")
    step = len(words) / n
    picked = sorted({int(k * step) for k in range(n)})
    return tuple(Highlight(words[i][0], words[i][1], LABELS[i % 2]) for i in picked)


def long_text(max_chars: int = 200_000, seed: int = 0) -> str:
    """The longest article the format allows: synthetic words up to ``max_chars``."""
    text = synthetic_text(max_chars // 5, seed)
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars - 1)
        text = text[:cut].rstrip() + "."
    return text


def synthetic_key(text: str, spans: int = 60, seed: int = 2) -> tuple[KeySpan, ...]:
    rng = random.Random(seed)
    words = words_of(text)
    stride = max(4, len(words) // max(1, spans))
    out: list[KeySpan] = []
    for j in range(spans):
        i = j * stride + rng.randrange(max(1, stride - 4))
        if i + 4 >= len(words):
            break
        s, e = words[i][0], words[i + rng.randint(0, 3)][1]
        out.append(KeySpan(s, e, LABELS[j % 2], text[s:e], f"Explanation {j}: why this "
                           "phrase is marked.", required=j % 7 != 3))
    return tuple(out)


def synthetic_lesson(words: int = 5000, highlights: int = 200, key_spans: int = 60,
                     seed: int = 0, lesson_id: str = LESSON_ID
                     ) -> tuple[Lesson, list[tuple[int, int]], tuple[Highlight, ...]]:
    text = synthetic_text(words, seed)
    lesson = Lesson(
        id=lesson_id, title=f"A synthetic {words:,}-word article",
        text=text, source=Source("The Benchmark Gazette", "A. Writer", "2026-01-01"),
        level="advanced", unit="Benchmarks",
        instructions="Highlight unsupported claims and loaded language.",
        key=synthetic_key(text, key_spans, seed + 2))
    hs = synthetic_highlights(text, highlights, seed + 1) if highlights else ()
    return lesson, word_bounds(text), hs


def lesson_for(text: str, lesson_id: str, key_spans: int = 60) -> Lesson:
    words = len(text.split())
    return Lesson(
        id=lesson_id, title=f"A synthetic {words:,}-word article", text=text,
        source=Source("The Benchmark Gazette", "A. Writer", "2026-01-01"), level="advanced",
        unit="Benchmarks", instructions="Highlight unsupported claims and loaded language.",
        key=synthetic_key(text, key_spans, 2))


def make_db(path: str | Path, words: int = 5000, highlights: int = 200,
            student: str = STUDENT, lesson_id: str = LESSON_ID,
            extra: Sequence[Lesson] = (), text: str | None = None) -> tuple[str, int]:
    """A database at ``path`` holding the synthetic lesson (tokens stored) and the
    student's saved draft. Marked as seeded, so opening it adds no bundled lessons.
    Returns ``(lesson_id, student_id)``."""
    from app.services.library import SEEDED
    from app.store.repo import open_repo

    if text is None:
        lesson, tokens, hs = synthetic_lesson(words, highlights, lesson_id=lesson_id)
    else:  # a given text (the longest lesson): dense highlights if need be
        lesson, tokens = lesson_for(text, lesson_id), word_bounds(text)
        try:
            hs = synthetic_highlights(text, highlights, 1) if highlights else ()
        except ValueError:
            hs = dense_highlights(text, highlights)
    repo = open_repo(path)
    try:
        toks = {lesson.id: tokens, **{le.id: word_bounds(le.text) for le in extra}}
        repo.save_lessons([lesson, *extra], toks, replace=True)
        repo.set_setting(SEEDED, "1")
        st = repo.student(student)
        repo.save_draft(st.id, lesson.id, hs)
        return lesson.id, st.id
    finally:
        repo.database.close()
