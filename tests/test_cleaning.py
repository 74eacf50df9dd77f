"""Article import and clean-up (app.core.cleaning): every file type, hostile input,
clutter detection on the seed articles, restoring removals, and properties."""

from __future__ import annotations

import codecs
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import clutter
from app.core.cleaning import (
    DOCX_TABLE,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    MD_IMAGE,
    ArticleImportError,
    ImportedArticle,
    Removal,
    clean_text,
    decode_bytes,
    import_file,
)
from app.core.html_text import NOT_ARTICLE

SEEDS = Path(__file__).parent / "data" / "seeds_raw"
REPO = Path(__file__).resolve().parent.parent


def paragraphs_of(article: ImportedArticle) -> list[str]:
    return article.text.split("\n\n") if article.text else []


def reasons(article: ImportedArticle) -> dict[str, str]:
    return {r.text: r.reason for r in article.removals}


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


# --- the seed articles ---------------------------------------------------------------
SEED_CLUTTER: dict[str, dict[str, str]] = {
    "000_0aa9ea4b92478c87.txt": {"Lucas Leiroz": clutter.BYLINE},
    "001_57b9494caedad5c5.txt": {},
    "002_419d2d4f65ee08ae.txt": {},
    "003_812b28cb18a5bb42.txt": {
        "North Korea and Russia Highlight Military Collaboration in Post-Kursk Narrative":
            clutter.HEADLINE_REPEAT,
        "Your email address will not be published. Required fields are marked *":
            clutter.COMMENT_FORM,
        "Zeen is a next generation WordPress theme. It’s powerful, beautifully designed and "
        "comes with everything you need to engage your visitors and increase conversions.":
            clutter.THEME_AD,
        "Kevin Franke: 'I Can't Even Put Into Words How Hurt I Am'": clutter.AFTER_END,
        "Zeen Subscribe": clutter.NEWSLETTER,
        "A customizable subscription slide-in box to promote your newsletter": clutter.NEWSLETTER,
        '[mc4wp_form id="314"]': clutter.SITE_CODE,
    },
    "004_17afdc1547c6129d.txt": {
        "North Korea Sends Troops to Ukraine in Support of Russia": clutter.HEADLINE_VARIANT,
        "Kim_Jung_Un_Dictator_of_North_Korea": clutter.FILE_NAME,
    },
}
SEED_TITLES = {
    "000_0aa9ea4b92478c87.txt": "The West fears the consequences of a strengthened Russia-North Korea alliance.",
    "001_57b9494caedad5c5.txt": None,
    "002_419d2d4f65ee08ae.txt": "North Korea Joins Russia: A New Axis in a World on Edge",  # nbsp → space in the title
    "003_812b28cb18a5bb42.txt": "North Korea and Russia Highlight Military Collaboration in Post-Kursk Narrative",
    "004_17afdc1547c6129d.txt": "North Korean Troops Fighting for Russia, U.S. Officials Confirm",
}


def test_seed_fixtures_are_present():
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == sorted(SEED_CLUTTER)


@pytest.mark.parametrize("name", sorted(SEED_CLUTTER))
def test_seed_clutter_is_proposed_and_every_article_line_survives(name):
    raw = (SEEDS / name).read_text(encoding="utf-8")
    article = clean_text(raw)
    assert reasons(article) == SEED_CLUTTER[name]
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    # The first of a repeated headline stays; every line that is not clutter survives
    # unchanged, as a paragraph of its own, in the original order.
    expected = []
    seen: set[str] = set()
    for line in lines:
        is_clutter = line in SEED_CLUTTER[name] and not (
            SEED_CLUTTER[name][line] == clutter.HEADLINE_REPEAT and line not in seen)
        if not is_clutter:
            expected.append(line)
        seen.add(line)
    assert paragraphs_of(article) == expected
    assert article.title == SEED_TITLES[name]
    for marker in ("email address", "WordPress", "mc4wp", "Kim_Jung_Un", "Subscribe"):
        assert marker not in article.text


def test_seed_author_from_bare_name_byline():
    article = clean_text((SEEDS / "000_0aa9ea4b92478c87.txt").read_text(encoding="utf-8"))
    assert article.author == "Lucas Leiroz"
    assert not article.text.startswith("Lucas Leiroz")


def test_seed_subheadings_inside_the_article_are_kept():
    article = clean_text((SEEDS / "004_17afdc1547c6129d.txt").read_text(encoding="utf-8"))
    for heading in ("Growing Russo-North Korean Cooperation", "Kim Jong-un’s Gambit",
                    "A Troubling Precedent", "What’s Next for the International Community?"):
        assert heading in paragraphs_of(article)


def test_seed_every_sentence_survives_word_for_word():
    raw = (SEEDS / "001_57b9494caedad5c5.txt").read_text(encoding="utf-8")
    article = clean_text(raw)
    assert article.text == "\n\n".join(line for line in raw.split("\n") if line.strip())
    assert "‘armed attack’" in article.text  # typographic quotes untouched


@pytest.mark.parametrize("name", sorted(SEED_CLUTTER))
def test_seed_import_file_matches_clean_text_and_is_idempotent(name):
    article = import_file(SEEDS / name)
    assert article == clean_text((SEEDS / name).read_text(encoding="utf-8"))
    again = clean_text(article.text)
    assert again.text == article.text
    assert again.removals == ()


def test_with_restored_puts_removals_back_in_place():
    article = clean_text((SEEDS / "003_812b28cb18a5bb42.txt").read_text(encoding="utf-8"))
    repeat = next(r for r in article.removals if r.reason == clutter.HEADLINE_REPEAT)
    assert repeat.index == 1 and article.paragraphs[1] == repeat.text
    restored = article.with_restored([repeat.index])
    assert paragraphs_of(restored)[:2] == [article.title, article.title]
    assert repeat not in restored.removals
    assert len(restored.removals) == len(article.removals) - 1
    kevin = next(r for r in article.removals if r.text.startswith("Kevin Franke"))
    middle = restored.with_restored([kevin.index])
    kept = [p for i, p in enumerate(article.paragraphs)
            if i not in {r.index for r in middle.removals}]
    assert paragraphs_of(middle) == kept
    everything = article.with_restored(r.index for r in article.removals)
    assert everything.text == "\n\n".join(article.paragraphs)
    assert everything.removals == ()
    assert article.with_restored([999, -1]) == article  # unknown indices change nothing
    assert (everything.title, everything.author) == (article.title, article.author)


def test_removal_and_article_are_frozen():
    article = clean_text("Hello world.")
    with pytest.raises(AttributeError):
        article.text = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Removal("a", "b", 0).index = 3  # type: ignore[misc]


# --- clean_text: normalisation --------------------------------------------------------
def test_newlines_bom_nul_and_control_characters():
    article = clean_text("\ufeffFirst line\r\nstill first?\rSecond\x00 para\x07\x1b\r\n\r\nThird\u2029Fourth")
    assert article.text == "First line\n\nstill first?\n\nSecond para\n\nThird\n\nFourth"
    assert any("control character" in w for w in article.warnings)


def test_nfc_emoji_and_typography_are_preserved():
    raw = "Cafe\u0301 “quoted” — it’s 😀 and 𝔘nicode 🇺🇦 👩‍👩‍👧\tend"
    article = clean_text(raw)
    assert article.text == "Café “quoted” — it’s 😀 and 𝔘nicode 🇺🇦 👩‍👩‍👧\tend"


def test_one_paragraph_per_line_and_hard_wrapped_blocks():
    per_line = "First paragraph here.\nSecond paragraph here.\nThird one."
    assert paragraphs_of(clean_text(per_line)) == per_line.split("\n")
    wrapped = ("This is a hard wrapped paragraph of text that goes on for a while and\n"
               "then wraps at about seventy characters because someone typed it in an\n"
               "old editor that wrapped the lines for them.\n\nSecond para.")
    assert paragraphs_of(clean_text(wrapped)) == [
        "This is a hard wrapped paragraph of text that goes on for a while and then wraps at "
        "about seventy characters because someone typed it in an old editor that wrapped the "
        "lines for them.", "Second para."]
    bullets = "- a first item in the list that is long\n- a second item in the list, also long"
    assert len(paragraphs_of(clean_text(bullets))) == 2


def test_blank_lines_collapse_and_whitespace_is_trimmed():
    assert clean_text("  One.  \n\n\n\n\t\n   Two.   \n\n\n").text == "One.\n\nTwo."
    assert clean_text("").text == ""
    assert clean_text(" \n\t\r\n ").paragraphs == ()


# --- clean_text: clutter beyond the seeds ---------------------------------------------
BODY = ("The troops arrived on Tuesday in the region, officials said, and more are "
        "expected to follow later this month according to the ministry.")


def test_bylines_dates_share_buttons_and_comment_forms():
    raw = "\n\n".join([
        "Troops Deployed to the Border", "By Jane Doe, Reuters",
        "Posted on March 3, 2024 by admin", "5 min read", "kim-jong-un-1200x800.jpg",
        "Photo: Jane Doe/Reuters", BODY, "Advertisement", "Second paragraph of the story with "
        "more details about what happened at the border on the day.",
        "Share this:\nFacebook\nTwitter\nClick to share on WhatsApp (Opens in new window)",
        "Related posts", "Troops Withdraw After Talks", "Leave a Reply", "Cancel reply",
        "You must be logged in to post a comment.", "© 2024 The Daily Site. All rights reserved.",
        "Proudly powered by WordPress | Theme: Newsup by Themeansar.",
    ])
    article = clean_text(raw)
    assert paragraphs_of(article) == [
        "Troops Deployed to the Border", BODY, "Second paragraph of the story with more "
        "details about what happened at the border on the day."]
    assert article.title == "Troops Deployed to the Border"
    assert article.author == "Jane Doe"
    why = reasons(article)
    assert why["By Jane Doe, Reuters"] == clutter.BYLINE
    assert why["Posted on March 3, 2024 by admin"] == clutter.DATELINE  # "admin" is no author
    assert why["5 min read"] == clutter.DATELINE
    assert why["kim-jong-un-1200x800.jpg"] == clutter.FILE_NAME
    assert why["Photo: Jane Doe/Reuters"] == clutter.IMAGE_CREDIT
    assert why["Advertisement"] == clutter.AD_LABEL
    assert why["Facebook"] == clutter.SHARE
    assert why["Related posts"] == clutter.RELATED
    assert why["Troops Withdraw After Talks"] == clutter.AFTER_END
    assert why["Leave a Reply"] == clutter.COMMENT_FORM
    assert why["© 2024 The Daily Site. All rights reserved."] == clutter.COPYRIGHT
    assert all(r.reason and r.reason[0].isupper() for r in article.removals)


def test_generic_byline_gives_no_author():
    article = clean_text(f"Troops Sent to Kursk\n\nPosted by admin\n\n{BODY}")
    assert reasons(article) == {"Posted by admin": clutter.BYLINE_NO_NAME}
    assert article.author is None and article.title == "Troops Sent to Kursk"


@pytest.mark.parametrize("name", ["IMG_20240312_101500.JPG", "DSC01234.jpeg", "Kim_Jong_Un_Portrait",
                                  "north-korean-troops-kursk-1024x683", "photo.webp?w=1200"])
def test_image_file_names_are_proposed(name):
    assert reasons(clean_text(f"{BODY}\n\n{name}\n\n{BODY} Again.")) == {name: clutter.FILE_NAME}


@pytest.mark.parametrize("sentence", [
    "By the time the troops arrived, the city had already fallen.",
    "Copyright law is complicated, the minister said on Monday.",
    "The group's newsletter said the troops had left.",
    "Share prices fell.",
    "COVID-19",
    "U.S. Officials Confirm",
    "Related to this, the ministry said nothing.",
])
def test_ordinary_sentences_are_not_clutter(sentence):
    article = clean_text(f"{BODY}\n\n{sentence}\n\n{BODY} Again.")
    assert article.removals == ()


def test_repeated_paragraph_and_tail_rule_needs_the_end_of_the_text():
    article = clean_text(f"{BODY}\n\n{BODY}")
    assert reasons(article) == {BODY: clutter.DUPLICATE}
    # a "Related" box in the middle of a long article does not end it
    long_tail = "\n\n".join([BODY, "Related articles", *[f"{BODY} ({i})" for i in range(5)]])
    assert paragraphs_of(clean_text(long_tail)) == [BODY, *[f"{BODY} ({i})" for i in range(5)]]


def test_everything_clutter_keeps_everything_with_a_warning():
    article = clean_text("Share\n\nFacebook\n\nTwitter")
    assert article.text == "Share\n\nFacebook\n\nTwitter"
    assert article.removals == ()
    assert any("nothing was removed" in w for w in article.warnings)


def test_pasted_text_too_long_is_refused_quickly():
    started = time.perf_counter()
    with pytest.raises(ArticleImportError, match=r"^pasted text: .*200,000"):
        clean_text("a" * 10 * 1024 * 1024)
    with pytest.raises(ArticleImportError, match=r"200,000"):
        clean_text("".join(f"Paragraph {i}: " + "word " * 20 + "\n\n" for i in range(2_500)))
    assert time.perf_counter() - started < 30  # generous: only guards against a hang


# --- files: text ------------------------------------------------------------------------
def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


TEXT = "Headline Here\n\nThe first paragraph — with “quotes”, café and 😀.\n\nThe second paragraph."


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""), ("utf-32-le", codecs.BOM_UTF32_LE),
])
def test_txt_encodings(tmp_path, encoding, bom):
    article = import_file(write(tmp_path, "story.txt", bom + TEXT.encode(encoding)))
    assert article.text == TEXT
    assert article.title == "Headline Here"
    assert article.warnings == ()


def test_txt_windows_1252_falls_back_with_a_warning(tmp_path):
    data = "Caf\u00e9 \u201cquoted\u201d \u2014 na\u00efve.\r\n\r\nSecond para.".encode("cp1252")
    article = import_file(write(tmp_path, "old.TXT", data))
    assert article.text == "Café “quoted” — naïve.\n\nSecond para."
    assert any("Windows-1252" in w and "old.TXT" in w for w in article.warnings)


def test_txt_nul_bytes_are_dropped(tmp_path):
    article = import_file(write(tmp_path, "nul.txt", b"One\x00 two.\n\nThree\x00\x00."))
    assert article.text == "One two.\n\nThree."
    assert any("NUL" in w for w in article.warnings)


@pytest.mark.parametrize("data,problem", [
    (b"", "nothing.txt: the file is empty"),
    (b"  \n\r\n\t ", "nothing.txt: no article text found in the file"),
    (codecs.BOM_UTF8, "nothing.txt: no article text found in the file"),
    (bytes(range(256)) * 40, "nothing.txt: doesn't look like a text file (it holds binary data)"),
])
def test_txt_empty_or_binary_is_refused_with_one_clear_line(tmp_path, data, problem):
    with pytest.raises(ArticleImportError) as caught:
        import_file(write(tmp_path, "nothing.txt", data))
    assert str(caught.value) == problem
    assert isinstance(caught.value, ValueError)


def test_ten_megabytes_in_one_line_is_refused_quickly(tmp_path):
    big = write(tmp_path, "big.txt", b"a" * MAX_FILE_BYTES)
    started = time.perf_counter()
    with pytest.raises(ArticleImportError, match=r"^big\.txt: .*200,000"):
        import_file(big)
    huge = write(tmp_path, "huge.txt", b"a" * (MAX_FILE_BYTES + 1))
    with pytest.raises(ArticleImportError, match=r"^huge\.txt: the file is too large .*10 MB"):
        import_file(huge)
    assert time.perf_counter() - started < 30  # generous: only guards against a hang


def test_text_just_under_the_limit_is_accepted(tmp_path):
    body = ("word " * 99 + "end.\n\n") * (MAX_TEXT_CHARS // 510)
    article = import_file(write(tmp_path, "long.txt", body.encode()))
    assert len(article.text) <= MAX_TEXT_CHARS


@pytest.mark.parametrize("name,problem", [
    ("story.pdf", "story.pdf: can't import .pdf files; use .txt, .md, .html or .docx"),
    ("README", "README: can't import files without an extension; use .txt, .md, .html or .docx"),
])
def test_unknown_file_types(tmp_path, name, problem):
    with pytest.raises(ArticleImportError) as caught:
        import_file(write(tmp_path, name, b"text"))
    assert str(caught.value) == problem


def test_error_message_is_one_line_even_for_odd_file_names(tmp_path):
    with pytest.raises(ArticleImportError) as caught:
        import_file(write(tmp_path, "two\nlines.pdf", b"x"))
    assert str(caught.value) == "two?lines.pdf: can't import .pdf files; use .txt, .md, .html or .docx"


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ArticleImportError, match=r"^gone\.txt: can't read the file"):
        import_file(tmp_path / "gone.txt")
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(ArticleImportError, match=r"^folder\.md: not a regular file \(a folder\)"):
        import_file(tmp_path / "folder.md")


# --- files: markdown ----------------------------------------------------------------------
MARKDOWN = """---
title: "Troops in Kursk"
author: Jane Doe
---
# Troops in *Kursk*

![Kim reviewing troops](http://example.com/images/kim-1200x800.jpg)

The **first** paragraph has a [link to the treaty](http://example.com/treaty "Treaty")
and _emphasis_, `code`, ~~strike~~ and a snake_case_word that stays.

> A quoted line from an official.

- a first item
- a second item

```
fenced code line
```

Sub-heading
-----------

![](./pictures/troops_at_the_border.png) Text after an image.

[ref]: http://example.com/ref
"""


def test_markdown_syntax_is_stripped_and_images_are_reported(tmp_path):
    article = import_file(write(tmp_path, "story.MD", MARKDOWN.encode()))
    assert article.title == "Troops in Kursk"
    assert article.author == "Jane Doe"
    assert paragraphs_of(article) == [
        "Troops in Kursk",
        "The first paragraph has a link to the treaty and emphasis, code, strike and a "
        "snake_case_word that stays.",
        "A quoted line from an official.", "a first item", "a second item",
        "fenced code line", "Sub-heading", "Text after an image."]
    images = [r for r in article.removals if r.reason == MD_IMAGE]
    assert [r.text for r in images] == ["Kim reviewing troops", "troops_at_the_border.png"]
    assert "http" not in article.text and "![" not in article.text and "#" not in article.text
    restored = article.with_restored([images[0].index])
    assert paragraphs_of(restored)[1] == "Kim reviewing troops"


def test_markdown_title_from_first_heading_without_front_matter(tmp_path):
    article = import_file(write(tmp_path, "a.markdown", b"## Second level\n\nBody text here."))
    assert article.title == "Second level"


# --- files: html ------------------------------------------------------------------------
def hostile_page(marker_file: Path) -> str:
    return f"""<!DOCTYPE html>
<html><head><title>Troops in Kursk, officials say | The Daily Site</title>
<meta charset="utf-8">
<meta property="og:title" content="Troops in Kursk, officials say">
<meta name="author" content="Jane Doe">
<meta http-equiv="refresh" content="0; url=http://evil.example/redirect">
<link rel="stylesheet" href="http://evil.example/EVILCSS.css">
<script>require('fs').writeFileSync({str(marker_file)!r}, 'x'); document.write('EVILSCRIPT');</script>
<script src="http://evil.example/EVILREMOTE.js"></script>
<style>body {{ background: url(http://evil.example/EVILBG.png) }}</style>
</head>
<body onload="fetch('http://evil.example/EVILONLOAD')">
<nav><a href="/">Home</a> <a href="/world">EVILNAV World</a></nav>
<div class="sidebar">Trending now: Celebrity gossip you missed this week</div>
<article>
<h1>Troops in Kursk, officials say</h1>
<p>North Korean troops were deployed to Kursk, according to officials who spoke on Tuesday.
The officials said the deployment was large and had been planned for months. 😀</p>
<img src="http://evil.example/EVILIMG.gif" alt="EVILALT" onerror="alert('EVILERR')">
<picture><source srcset="http://evil.example/EVILSRCSET.webp"></picture>
<p onclick="steal()">The second paragraph explains more about
<a href="javascript:alert('EVILHREF')" onmouseover="EVILHOVER()">the treaty</a> and its history,
which goes back to June 2024 when it was signed in Pyongyang.</p>
<iframe src="http://evil.example/frame.html">EVILIFRAME</iframe>
<form action="http://evil.example/post"><label>EVILFORM Your email</label>
<input name="e" value="EVILINPUT"><button>EVILBUTTON</button><textarea>EVILTEXTAREA</textarea></form>
<object data="http://evil.example/EVILOBJECT.swf">EVILOBJECT</object>
<noscript>EVILNOSCRIPT</noscript><template>EVILTEMPLATE</template>
<div hidden>EVILHIDDEN</div><div style="display: none">EVILDISPLAYNONE</div>
<svg><text>EVILSVG</text><script>EVILSVGSCRIPT</script></svg>
<p>A third paragraph with further reporting on the reaction in Washington and Brussels,
where officials are scrambling to respond to the news &amp; what it means.</p>
<p>&lt;script&gt;this is escaped text, shown as text&lt;/script&gt; said the analyst in a long quote.</p>
</article>
<aside>Related posts: <a href="/a">EVILASIDE</a></aside>
<footer>EVILFOOTER © 2024 The Daily Site. All rights reserved.</footer>
</body></html>"""


def test_hostile_html_is_parsed_never_run_or_fetched(tmp_path, no_network):
    marker = tmp_path / "pwned"
    page = write(tmp_path, "page.HTML", hostile_page(marker).encode())
    before = set(tmp_path.iterdir())
    article = import_file(page)
    assert no_network == []
    assert not marker.exists() and set(tmp_path.iterdir()) == before
    everything = article.text + "\n".join(article.paragraphs)
    assert "EVIL" not in everything
    assert "http" not in everything and "alert(" not in everything
    assert article.title == "Troops in Kursk, officials say"
    assert article.author == "Jane Doe"
    text = article.text
    assert text.startswith("Troops in Kursk, officials say\n\nNorth Korean troops were deployed")
    assert "planned for months. 😀" in text
    assert "more about the treaty and its history" in text
    assert "news & what it means." in text
    assert "<script>this is escaped text" in text  # entity text stays text
    trending = next(r for r in article.removals if r.text.startswith("Trending now"))
    assert trending.reason == NOT_ARTICLE
    assert "Trending" in article.with_restored([trending.index]).text


def test_html_fragment_falls_back_to_visible_blocks(tmp_path, no_network):
    html = ("<p>Only one paragraph here, written as a fragment without html or body tags.</p>"
            "<script>EVILSCRIPT</script><p>Leave a Reply</p>")
    article = import_file(write(tmp_path, "fragment.htm", html.encode()))
    assert article.text == "Only one paragraph here, written as a fragment without html or body tags."
    assert reasons(article) == {"Leave a Reply": clutter.COMMENT_FORM}


def test_html_declared_charset_and_xml_declaration(tmp_path, no_network):
    body = "<p>" + "Café “Pyongyang” — naïve reporting. " * 8 + "</p>"
    html = ('<?xml version="1.0" encoding="windows-1252"?>\n<html><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            f"<title>Caf\u00e9</title></head><body><article>{body}{body}</article></body></html>")
    article = import_file(write(tmp_path, "latin.html", html.encode("cp1252")))
    assert "Café “Pyongyang” — naïve reporting." in article.text
    assert article.title == "Café"


def test_saved_wordpress_page(no_network):
    article = import_file(Path(__file__).parent / "data" / "saved_page.html")
    assert article.title == "North Korea and Russia Highlight Military Collaboration in Post-Kursk Narrative"
    assert article.author == "Jane Doe"
    paragraphs = paragraphs_of(article)
    assert paragraphs[0] == article.title
    assert [p[:30] for p in paragraphs[1:]] == ["Inside a dimly lit press room ",
                                                "The document, dated just days ",
                                                "The text did not mention troop"]
    why = reasons(article)
    assert why["Posted on April 30, 2025 by Jane Doe"] == clutter.BYLINE
    assert why["kim-jong-un-1200x800.jpg"] == clutter.FILE_NAME
    assert why["Share this:"] == why["Facebook"] == clutter.SHARE
    assert why["Leave a Reply"] == clutter.COMMENT_FORM
    assert why["Kevin Franke: 'I Can't Even Put Into Words How Hurt I Am'"] == NOT_ARTICLE
    assert why[next(k for k in why if k.startswith("Zeen is"))] == clutter.THEME_AD
    assert "© 2025" not in "".join(article.paragraphs)  # the footer never even appears


def test_html_ten_megabytes_in_one_line_is_refused_quickly(tmp_path):
    page = b"<html><body><p>" + b"a" * (MAX_FILE_BYTES - 50) + b"</p></body></html>"
    started = time.perf_counter()
    with pytest.raises(ArticleImportError, match=r"^line\.html: far too long for a lesson"):
        import_file(write(tmp_path, "line.html", page))
    assert time.perf_counter() - started < 30  # generous: only guards against a hang


def test_html_without_text_is_refused(tmp_path):
    with pytest.raises(ArticleImportError, match=r"^empty\.html: no article text found"):
        import_file(write(tmp_path, "empty.html", b"<html><body><script>x()</script></body></html>"))


# --- files: docx ------------------------------------------------------------------------
def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.author = "The instructor's Word account"
    document.add_heading("Troops Sent to Kursk", level=1)
    document.add_paragraph("By Jane Doe")
    first = document.add_paragraph("The first paragraph, with “quotes” and 😀. ")
    first.add_run("Bold words").bold = True
    first.add_run(" stay in the same paragraph.")
    document.add_paragraph("")
    soft = document.add_paragraph("A line")
    soft.add_run().add_break()
    soft.add_run("and a second line after a soft break.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Cell one"
    table.cell(0, 1).text = "Cell two"
    document.add_paragraph("The last paragraph.")
    document.save(str(path))
    return path


def test_docx_paragraphs_title_byline_and_tables(tmp_path):
    article = import_file(make_docx(tmp_path / "story.DOCX"))
    assert paragraphs_of(article) == [
        "Troops Sent to Kursk",
        "The first paragraph, with “quotes” and 😀. Bold words stay in the same paragraph.",
        "A line", "and a second line after a soft break.", "The last paragraph."]
    assert article.title == "Troops Sent to Kursk"
    assert article.author == "Jane Doe"
    assert reasons(article) == {"By Jane Doe": clutter.BYLINE, "Cell one": DOCX_TABLE,
                                "Cell two": DOCX_TABLE}


def test_docx_corrupt_and_not_a_zip(tmp_path):
    good = make_docx(tmp_path / "good.docx").read_bytes()
    with pytest.raises(ArticleImportError) as caught:
        import_file(write(tmp_path, "story.docx", good[: len(good) // 2]))
    assert str(caught.value) == "story.docx: not a valid .docx file (corrupt zip)"
    with pytest.raises(ArticleImportError) as caught:
        import_file(write(tmp_path, "text.docx", b"just some text, renamed"))
    assert str(caught.value) == "text.docx: not a valid .docx file (not a zip archive)"
    with pytest.raises(ArticleImportError, match=r"^old\.docx: an old Word \.doc file"):
        import_file(write(tmp_path, "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600))


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("evil", ["../evil", "word/../../evil", "/abs/evil", "..\\evil", "C:/evil"])
def test_docx_zip_slip_is_refused_and_nothing_is_written(tmp_path, evil):
    good = zipfile.ZipFile(make_docx(tmp_path / "good.docx"))
    entries = {info.filename: good.read(info) for info in good.infolist()}
    entries[evil] = b"owned"
    inner = tmp_path / "inner"
    inner.mkdir()
    path = write(inner, "slip.docx", zipped(entries))
    before = sorted(tmp_path.rglob("*"))
    cwd = Path.cwd()
    cwd_before = sorted(p.name for p in cwd.iterdir())
    with pytest.raises(ArticleImportError) as caught:
        import_file(path)
    assert str(caught.value).startswith("slip.docx: not a safe .docx file")
    assert "outside the document" in str(caught.value)
    assert sorted(tmp_path.rglob("*")) == before
    assert sorted(p.name for p in cwd.iterdir()) == cwd_before
    assert not (tmp_path / "evil").exists()


def test_docx_zip_bomb_is_refused(tmp_path):
    bomb = write(tmp_path, "bomb.docx", zipped({"word/document.xml": b"\0" * 5_000_000}))
    with pytest.raises(ArticleImportError, match=r"^bomb\.docx: not a safe \.docx file .*zip bomb"):
        import_file(bomb)


def test_docx_zip_that_is_not_a_word_document(tmp_path):
    path = write(tmp_path, "sheet.docx", zipped({"xl/workbook.xml": b"<workbook/>"}))
    with pytest.raises(ArticleImportError, match=r"^sheet\.docx: not a valid \.docx file \("):
        import_file(path)


def test_empty_docx_is_refused(tmp_path):
    import docx

    docx.Document().save(str(tmp_path / "blank.docx"))
    with pytest.raises(ArticleImportError, match=r"^blank\.docx: no article text found"):
        import_file(tmp_path / "blank.docx")


# --- properties -----------------------------------------------------------------------
LINES = [
    "", " ", "\t", "Leave a Reply", "Share this:", "Facebook", "By Jane Doe", "Jane Doe",
    "Posted on March 3, 2024 by admin", "North Korea Sends Troops", "North Korean Troops Sent",
    "kim-jong-un-1200x800.jpg", "Related posts", "Your email address will not be published.",
    "[mc4wp_form id=\"1\"]", "Zeen Subscribe", BODY, BODY + " Again.", "Short line.",
    "Advertisement", "© 2024 Site", "Headline Case Words Here", "word " * 30,
    "a\r\nb\rc", "\ufeff", "\x00", "😀 𝔘", "e\u0301", "\u2028", "\u2029", "\x85",
]
messy_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list("ab .\n\r\t\x00\x0b\x0c\ufeff\u2028\u2029\x85\u0301😀-_"))),
    st.lists(st.sampled_from(LINES), max_size=40).map("\n".join),
    st.lists(st.sampled_from(LINES), max_size=40).map("\n\n".join),
)


@settings(max_examples=300, deadline=None)
@given(messy_text)
def test_clean_text_never_raises_and_is_clean_and_idempotent(raw):
    article = clean_text(raw)
    text = article.text
    assert "\r" not in text and "\x00" not in text and "\n\n\n" not in text
    assert text == text.strip()
    assert clean_text(text).text == text
    assert article.with_restored(r.index for r in article.removals).text == "\n\n".join(
        article.paragraphs)
    for removal in article.removals:
        assert article.paragraphs[removal.index] == removal.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".docx"]))
def test_import_file_raises_only_article_import_errors(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"any{suffix}"
        path.write_bytes(data)
        try:
            article = import_file(path)
        except ArticleImportError as error:
            assert "\n" not in str(error) and str(error).startswith(f"any{suffix}: ")
        else:
            assert article.text and "\x00" not in article.text


markupish = st.lists(st.sampled_from(
    list("<>/=\"' !-[]()*_#`~>|&;:\n\\") + ["<p>", "</p>", "<script>", "<br>", "<div>", "](",
                                             "![", "```", "---", "# ", "&amp;", "&#0;", "a", "é",
                                             "Leave a Reply", "By Jane Doe", BODY]),
    max_size=200).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=markupish, suffix=st.sampled_from([".md", ".html"]))
def test_markup_importers_never_crash(text, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"page{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            article = import_file(path)
        except ArticleImportError as error:
            assert "\n" not in str(error)
        else:
            assert "\n\n\n" not in article.text and "<script>" not in article.text.lower() or (
                suffix == ".md")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_bytes_never_raises(data):
    text, warnings = decode_bytes(data, "any.txt")
    assert isinstance(text, str) and all("any.txt" in w or "�" in w for w in warnings)


# --- architecture -----------------------------------------------------------------------
def test_core_cleaning_imports_no_heavy_or_gui_modules():
    code = ("import sys, app.core.cleaning, app.core.clutter; "
            "print(sorted(m for m in ('trafilatura', 'docx', 'lxml', 'PySide6', 'spacy', 'sqlite3') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "[]"
