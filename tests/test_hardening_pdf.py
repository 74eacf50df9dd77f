"""PDF reports print a student's name in its own script where this computer has a font
for it, and say so where none has (issue 13). Read back with pdftotext (poppler-utils,
installed by ``.ci/run`` with the small fonts-lohit-deva and fonts-droid-fallback
packages)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from results_helpers import LESSON, LL, UC, attempt, bundle, hl, write

from app.services.results import fontfinder, pdfdoc
from app.services.results.bundles import import_bundles
from app.services.results.report_pdf import class_summary_pdf, student_report_pdf

PDFTOTEXT = shutil.which("pdftotext")
DEVANAGARI = "नेहा शर्मा"
CJK = "王芳"
THAI = "สมชาย"
NOTE = "Some characters of this name could not be printed: no font on this computer has them."

needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed")


def pdf_text(path: Path) -> str:
    out = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True,
                         text=True)
    return " ".join(out.stdout.split())


def has_font_for(text: str) -> bool:
    chars = set(text) - {" "}
    fonts = fontfinder.find_fonts(chars)
    return all(any(ord(ch) in fontfinder.font_cmap(f) for f in fonts) for ch in chars)


@pytest.fixture
def world(sample_repo, tmp_path):
    names = [DEVANAGARI, CJK, f"Ana {THAI}"]
    import_bundles(sample_repo, [write(tmp_path / "w.json", bundle("m", *(
        attempt(i, n, [hl(22, 30, LL, f"note {n}"), hl(78, 92, UC)])
        for i, n in enumerate(names, 1))))])
    return sample_repo


@needs_pdftotext
@pytest.mark.parametrize("name", [DEVANAGARI, CJK])
def test_a_name_in_another_script_prints_as_its_characters(world, tmp_path, name):
    if not has_font_for(name.replace(" ", "")):
        pytest.skip(f"no font on this machine for {name!r} (see .ci/run)")
    st = world.student(name)
    text = pdf_text(student_report_pdf(world, st.id, LESSON, tmp_path / "r.pdf"))
    assert f"Student {name}" in text  # in the facts block
    assert f"{name} · A sample budget story" in text  # in every page's footer
    assert re.search(r"Page 1 of \d", text)  # the fallback font does not eat the total
    assert f"Your note: note {name}" in text  # in a paragraph
    assert "□" not in text and NOTE not in text


@needs_pdftotext
def test_the_class_summary_prints_names_in_the_article_flow_and_tables(world, tmp_path):
    if not has_font_for(CJK):
        pytest.skip("no CJK font on this machine")
    pack = world.get_lesson(LESSON, with_key=True)
    assert pack.key  # the class view draws the article with text(), run by run
    text = pdf_text(class_summary_pdf(world, LESSON, tmp_path / "c.pdf"))
    assert "Class summary" in text and "□" not in text


@needs_pdftotext
def test_with_no_font_for_a_script_the_report_says_so(world, tmp_path, monkeypatch):
    monkeypatch.setattr(pdfdoc, "find_fonts", lambda chars, exclude=(): [])
    st = world.student(CJK)
    text = pdf_text(student_report_pdf(world, st.id, LESSON, tmp_path / "r.pdf"))
    assert NOTE in text
    assert "□" not in text and CJK not in text
    assert "A sample budget story" in text  # the rest of the report is all there


@needs_pdftotext
def test_a_partly_printable_name_keeps_what_it_can(world, tmp_path, monkeypatch):
    monkeypatch.setattr(pdfdoc, "find_fonts", lambda chars, exclude=(): [])
    st = world.student(f"Ana {THAI}")
    text = pdf_text(student_report_pdf(world, st.id, LESSON, tmp_path / "r.pdf"))
    assert "Student Ana" in text and NOTE in text and THAI not in text


def test_fonts_are_chosen_per_missing_character(tmp_path):
    if not (has_font_for("王") and has_font_for("न")):
        pytest.skip("needs a CJK and a Devanagari font")
    fonts = fontfinder.find_fonts({"王", "芳", "न", "े"})
    assert 1 <= len(fonts) <= 2
    for ch in "王芳ने":
        assert any(ord(ch) in fontfinder.font_cmap(f) for f in fonts), ch
    assert fontfinder.find_fonts({"\U0010fffd"}) == []  # a private-use code point: none


def test_without_fontconfig_the_font_folders_are_scanned(monkeypatch):
    if not has_font_for("王"):
        pytest.skip("no CJK font on this machine")
    monkeypatch.setattr(fontfinder.shutil, "which", lambda name: None)
    fontfinder._scanned.cache_clear()
    try:
        fonts = fontfinder.find_fonts({"王"})
        assert fonts and ord("王") in fontfinder.font_cmap(fonts[0])
    finally:
        fontfinder._scanned.cache_clear()
