"""The seed unit, lessons/kursk-unit.json: format, exact keys, clean article texts.

See lessons/README.md for how the keys were made.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

import pytest

from app.core.spans import snap
from app.nlp.pipeline import token_bounds

PACK = Path(__file__).resolve().parents[1] / "lessons" / "kursk-unit.json"

BUILTINS = ("unsupported_claim", "loaded_language")
LEVELS = ("beginner", "intermediate", "advanced")
SOURCE_FIELDS = {"outlet", "author", "published", "url"}
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
UNIT = "Same event, five framings"

EXPECTED_IDS = (
    "kursk-anonymous-sources",
    "kursk-new-axis-opinion",
    "kursk-wire-report",
    "kursk-state-media-retelling",
    "kursk-multipolar-commentary",
)

# Web clutter that came with the raw pastes and was removed from the lesson texts.
CLUTTER = (
    # comment form
    "Your email address will not be published",
    "Required fields are marked",
    # theme advert and newsletter box
    "Zeen is a next generation WordPress theme",
    "WordPress",
    "engage your visitors and increase conversions",
    "Zeen Subscribe",
    "A customizable subscription slide-in box to promote your newsletter",
    "mc4wp_form",
    # unrelated link
    "Kevin Franke",
    "I Can't Even Put Into Words How Hurt I Am",
    # image file name used as a caption
    "Kim_Jung_Un_Dictator_of_North_Korea",
    # a second, alternative headline pasted above that image
    "North Korea Sends Troops to Ukraine in Support of Russia",
)
# Headlines that appeared twice in a paste: one copy is kept.
ONCE_ONLY = ("North Korea and Russia Highlight Military Collaboration in Post-Kursk Narrative",)
# Bylines moved from the text into source.author.
BYLINES = {"kursk-multipolar-commentary": "Lucas Leiroz"}

MIN_REQUIRED, MAX_REQUIRED = 8, 20
MIN_EXPLANATION = 40
ENDS_WITH_PUNCTUATION = re.compile(r"[.!?][\"”’)]?$")


@lru_cache(maxsize=1)
def _pack() -> dict:
    return json.loads(PACK.read_text(encoding="utf-8"))


def _lesson(lesson_id: str) -> dict:
    matches = [lesson for lesson in _pack()["lessons"] if lesson.get("id") == lesson_id]
    assert len(matches) == 1, f"expected exactly one lesson {lesson_id!r}"
    return matches[0]


@cache
def _bounds(lesson_id: str) -> list[tuple[int, int]]:
    return token_bounds(_lesson(lesson_id)["text"])


by_lesson = pytest.mark.parametrize("lesson_id", EXPECTED_IDS)


def test_pack_parses_with_format_and_version():
    data = json.loads(PACK.read_text(encoding="utf-8"))
    assert data["format"] == "close-reader/lesson-pack"
    assert data["version"] == 1
    assert isinstance(data["lessons"], list) and len(data["lessons"]) == len(EXPECTED_IDS)


def test_pack_categories_describe_the_builtins():
    cats = {c["id"]: c for c in _pack()["categories"]}
    assert set(cats) == set(BUILTINS)
    assert cats["unsupported_claim"]["name"] == "Unsupported claim"
    assert cats["loaded_language"]["name"] == "Loaded language"
    for cat in cats.values():
        assert len(cat["description"]) >= MIN_EXPLANATION


def test_lesson_ids_are_unique_valid_and_expected():
    ids = [lesson["id"] for lesson in _pack()["lessons"]]
    assert len(ids) == len(set(ids))
    for lesson_id in ids:
        assert ID_RE.fullmatch(lesson_id), lesson_id
    assert tuple(ids) == EXPECTED_IDS


@by_lesson
def test_lesson_metadata(lesson_id):
    lesson = _lesson(lesson_id)
    for field in ("title", "instructions", "teacher_notes", "text"):
        assert isinstance(lesson[field], str) and lesson[field].strip(), field
    assert lesson["level"] in LEVELS
    assert lesson["unit"] == UNIT
    assert tuple(lesson["categories"]) == BUILTINS
    source = lesson["source"]
    assert set(source) <= SOURCE_FIELDS
    # only what is known: no empty placeholders
    assert all(isinstance(v, str) and v.strip() for v in source.values())


@by_lesson
def test_key_spans_are_exact(lesson_id):
    lesson = _lesson(lesson_id)
    text = lesson["text"]
    assert lesson["key"], "every seed lesson has a key"
    for i, span in enumerate(lesson["key"]):
        where = f"{lesson_id} span {i} [{span['start']}, {span['end']})"
        assert isinstance(span["start"], int) and isinstance(span["end"], int), where
        assert 0 <= span["start"] < span["end"] <= len(text), where
        assert span["quote"] == text[span["start"] : span["end"]], where
        assert span["label"] in lesson["categories"], where
        assert isinstance(span["required"], bool), where


@by_lesson
def test_spans_of_one_label_do_not_overlap(lesson_id):
    key = _lesson(lesson_id)["key"]
    for label in BUILTINS:
        spans = sorted((s["start"], s["end"], s["quote"]) for s in key if s["label"] == label)
        for a, b in pairwise(spans):
            assert a[1] <= b[0], f"{lesson_id}: {label} spans overlap: {a[2]!r} / {b[2]!r}"


@by_lesson
def test_spans_sit_on_snapped_token_boundaries(lesson_id):
    lesson = _lesson(lesson_id)
    text, bounds = lesson["text"], _bounds(lesson_id)
    for span in lesson["key"]:
        s, e = span["start"], span["end"]
        assert snap(text, s, e, bounds) == (s, e), f"{lesson_id}: not snapped: {span['quote']!r}"


@by_lesson
def test_text_is_the_clean_article(lesson_id):
    text = _lesson(lesson_id)["text"]
    for junk in CLUTTER:
        assert junk.lower() not in text.lower(), f"{lesson_id}: clutter left: {junk!r}"
    for headline in ONCE_ONLY:
        assert text.count(headline) <= 1, f"{lesson_id}: duplicated headline"
    if lesson_id in BYLINES:
        assert BYLINES[lesson_id] not in text
        assert _lesson(lesson_id)["source"]["author"] == BYLINES[lesson_id]
    # paragraphs separated by exactly one blank line, no stray whitespace
    assert text == text.strip()
    assert "\r" not in text and "\t" not in text
    assert "\n\n\n" not in text
    paragraphs = text.split("\n\n")
    for para in paragraphs:
        assert para and "\n" not in para, f"{lesson_id}: single line break inside {para[:40]!r}"
        assert para == para.strip(), f"{lesson_id}: stray whitespace around {para[:40]!r}"
    assert len(paragraphs) == len(set(paragraphs)), f"{lesson_id}: a paragraph appears twice"


@by_lesson
def test_both_categories_have_required_spans(lesson_id):
    key = _lesson(lesson_id)["key"]
    for label in BUILTINS:
        assert any(s["label"] == label and s["required"] for s in key), f"{lesson_id}: {label}"


@by_lesson
def test_required_span_count_fits_a_lesson(lesson_id):
    required = sum(1 for s in _lesson(lesson_id)["key"] if s["required"])
    assert MIN_REQUIRED <= required <= MAX_REQUIRED, f"{lesson_id}: {required} required spans"


@by_lesson
def test_every_span_is_explained(lesson_id):
    for span in _lesson(lesson_id)["key"]:
        explanation = span["explanation"]
        assert explanation == explanation.strip()
        assert len(explanation) >= MIN_EXPLANATION, f"{lesson_id}: short: {span['quote']!r}"
        assert ENDS_WITH_PUNCTUATION.search(explanation), f"{lesson_id}: {explanation!r}"


def test_pack_passes_the_project_validator():
    packs = pytest.importorskip("app.core.packs")
    try:
        result = packs.read_pack(PACK)
    except packs.PackError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"lessons/kursk-unit.json does not validate: {exc}")
    assert len(result.lessons) == len(EXPECTED_IDS)
