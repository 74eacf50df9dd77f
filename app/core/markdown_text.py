"""Markdown to plain paragraphs, keeping the words: used by ``cleaning`` for ``.md`` files.

Headings lose their ``#``, emphasis and code marks go, links keep their text, code
fences keep their lines, and images become separate blocks carrying a removal reason
(their description or file name), so the instructor sees them and can keep them.
Front matter (``---`` … ``---`` at the top) gives the title and author. Standard library
only; this is not a full CommonMark parser, just enough to read an article.
"""

from __future__ import annotations

import re

_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)\n]*[\"')])?\s*\)"
                    r"|!\[([^\]\n]*)\]\[[^\]\n]*\]")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+[\"'(][^)\n]*[\"')])?\s*\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S+")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>", re.I)
_HTML = re.compile(
    r"<!--.*?-->|</?(?:a|abbr|b|br|center|cite|code|del|details|div|em|font|hr|i|img|ins|kbd|"
    r"mark|p|q|s|small|span|strong|sub|summary|sup|u)\b[^<>]*>", re.I)
_CODE = re.compile(r"(`+)(.+?)\1")
_EMPHASIS = (
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w\\])_(?=[^\s_])(.+?)(?<=[^\s_\\])_(?!\w)"), r"\1"),
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^ {0,3}>\s?")
_BULLET = re.compile(r"^\s*[-*+•]\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$")
_FRONT_KEY = re.compile(r"^(title|author|authors?|byline)\s*:\s*(.+)$", re.I)


def _inline(text: str, images: list[str]) -> str:
    """Strip inline Markdown from one line; image descriptions are appended to ``images``."""

    def image(m: re.Match[str]) -> str:
        alt = (m.group(1) if m.group(1) is not None else m.group(3) or "").strip()
        name = (m.group(2) or "").rstrip("/").rsplit("/", 1)[-1]
        images.append(alt or name or "image")
        return " "

    text = _IMAGE.sub(image, text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    text = _CODE.sub(lambda m: m.group(2).strip(), text)
    for pattern, repl in _EMPHASIS:
        text = pattern.sub(repl, text)
    return " ".join(_ESCAPE.sub(r"\1", text).split())


def _front_matter(lines: list[str]) -> tuple[int, str | None, str | None]:
    if not lines or lines[0].strip() != "---":
        return 0, None, None
    end = next((i for i in range(1, min(len(lines), 80)) if lines[i].strip() in ("---", "...")), 0)
    title = author = None
    for line in lines[1:end]:
        m = _FRONT_KEY.match(line.strip())
        if m:
            value = m.group(2).strip().strip("\"'") or None
            if m.group(1).lower() == "title":
                title = title or value
            else:
                author = author or value
    return (end + 1 if end else 0), title, author


def markdown_items(text: str, image_reason: str) -> tuple[list[tuple[str, str | None]], str | None, str | None]:
    """``(blocks, title, author)`` for normalised Markdown ``text``.

    Each block is ``(text, None)`` to keep or ``(description, image_reason)`` for an image.
    """
    lines = text.split("\n")
    start, title, author = _front_matter(lines)
    blocks: list[tuple[str, str | None]] = []
    para: list[str] = []
    images: list[str] = []
    fence: str | None = None
    heading_title: str | None = None

    def flush() -> None:
        if para:
            blocks.append((" ".join(para), None))
            para.clear()
        blocks.extend((name, image_reason) for name in images)
        images.clear()

    for line in lines[start:]:
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            elif line.strip():
                blocks.append((line, None))
            continue
        m = _FENCE.match(line)
        if m:
            flush()
            fence = m.group(1)[0] * 3
            continue
        while _QUOTE.match(line):
            line = _QUOTE.sub("", line, count=1)
        if not line.strip():
            flush()
            continue
        atx = _ATX.match(line)
        if para and _SETEXT.match(line):  # the paragraph above was a heading
            heading = " ".join(para)
            if line.strip()[0] == "=" and heading_title is None:
                heading_title = heading
            flush()
            continue
        if _RULE.match(line) or _REF_DEF.match(line) or _TABLE_RULE.match(line):
            flush()
            continue
        if atx or _BULLET.match(line) or re.match(r"^\s*\d+[.)]\s", line):
            flush()
        if atx:
            heading = _inline(atx.group(2) or "", images)
            if heading and heading_title is None:
                heading_title = heading
            if heading:
                para.append(heading)
            flush()
            continue
        content = _inline(_BULLET.sub("", line), images)
        if content:
            para.append(content)
    flush()
    return blocks, title or heading_title, author
