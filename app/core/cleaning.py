"""Article import and clean-up: pasted text, ``.txt``, ``.md``, ``.html`` and ``.docx``.

The importer splits the article into paragraphs, proposes what to drop (site furniture:
comment forms, theme adverts, share buttons, repeated headlines, image file names used
as captions, bylines…) and keeps every proposal as a :class:`Removal`, so the
instructor can put any of it back with :meth:`ImportedArticle.with_restored`.

Pure Python: nothing here imports Qt, spaCy or SQL. ``trafilatura``, ``lxml`` and
``python-docx`` are imported only inside the functions that need them. Nothing is ever
fetched over the network and no script in an imported page is run.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from app.core import clutter
from app.core.dates import parse_date
from app.core.held_files import is_held
from app.core.page_meta import PageMeta
from app.core.record import record

MAX_FILE_BYTES = 10 * 1024 * 1024  # larger files are refused before they are read
MAX_TEXT_CHARS = 200_000  # the lesson-pack limit on a lesson's text (formats.md)
_MAX_RAW_CHARS = 1_000_000  # text this long is refused before any clean-up work
_MAX_UNZIPPED = 100 * 1024 * 1024  # a .docx unpacking to more than this is a zip bomb
_MAX_RATIO = 200  # compression ratio above which a big .docx entry is a zip bomb

MD_IMAGE = "An image in the Markdown file; only its description or file name is shown here."
DOCX_TABLE = "Text from a table in the document."
ALL_CLUTTER = "Everything looked like web-page clutter, so nothing was removed."


class ArticleImportError(ValueError):
    """An article could not be imported. ``str(error)`` is one line: ``"<file>: <problem>"``."""


@record
class Removal:
    """A paragraph the importer proposes to drop.

    ``reason`` is a sentence an instructor understands; ``index`` is the paragraph's
    position in :attr:`ImportedArticle.paragraphs`, where it goes back when restored.
    """

    text: str
    reason: str
    index: int


@record
class ImportedArticle:
    """An imported article: the kept text plus everything needed to restore removals.

    ``paragraphs`` holds every candidate paragraph in the original order; ``text`` is
    the paragraphs not listed in ``removals``, joined with exactly one blank line.
    ``title``, ``author``, ``outlet``, ``published`` (``YYYY-MM-DD``) and ``url`` are
    what the file says about itself (a web page's metadata, or the headline, byline and
    dateline at the top of a text), ``None`` where it says nothing.
    """

    text: str
    title: str | None
    author: str | None
    paragraphs: tuple[str, ...]
    removals: tuple[Removal, ...]
    warnings: tuple[str, ...] = ()
    outlet: str | None = None
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None

    def with_restored(self, indices: Iterable[int]) -> ImportedArticle:
        """This article with the removals at ``indices`` put back in place.

        Indices that are not currently removed are ignored.
        """
        restore = set(indices)
        removals = tuple(r for r in self.removals if r.index not in restore)
        return replace(self, text=_join(self.paragraphs, removals), removals=removals)


def _join(paragraphs: Sequence[str], removals: Iterable[Removal]) -> str:
    dropped = {r.index for r in removals}
    return "\n\n".join(p for i, p in enumerate(paragraphs) if i not in dropped)


# --- text normalisation and paragraphs -------------------------------------------------
_LINE_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
                              "\u2028": "\n", "\u2029": "\n\n", "\ufeff": None})
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BULLET = re.compile(r"^(?:[-*•·–+]|\d+[.)])\s")


def _normalise(raw: str) -> tuple[str, int]:
    """Unix newlines, no BOM, no control characters but newline and tab, NFC.

    Returns the text and how many control characters were removed.
    """
    text = raw.replace("\r\n", "\n").translate(_LINE_BREAKS)
    text, removed = _CONTROL.subn("", text)
    text = _SURROGATE.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text), removed


def _control_warnings(removed: int) -> list[str]:
    if not removed:
        return []
    return [f"Removed {removed:,} invisible control character(s), such as NUL bytes."]


def _unwrap(lines: list[str]) -> list[str]:
    """One paragraph per line, unless the block was hard-wrapped at a fixed width."""
    if len(lines) < 2 or sum(bool(_BULLET.match(line)) for line in lines) >= 2:
        return lines
    width = max(map(len, lines))
    if not 30 <= width <= 100 or (len(lines) == 2 and not lines[1][:1].islower()):
        return lines
    # A wrapped line ends where the next word would not have fitted.
    full = sum(len(a) + 1 + len(b.split()[0]) > width for a, b in zip(lines, lines[1:], strict=False))
    return [" ".join(lines)] if full >= 0.8 * (len(lines) - 1) else lines


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of normalised ``text``: split at blank lines and, unless a block is
    hard-wrapped, at single newlines too. Each paragraph is stripped and one line."""
    paragraphs: list[str] = []
    block: list[str] = []
    for line in [*text.split("\n"), ""]:
        line = line.strip()
        if line:
            block.append(line)
        elif block:
            paragraphs.extend(_unwrap(block))
            block = []
    return paragraphs


# --- clutter proposals -----------------------------------------------------------------
def _assemble(items: Sequence[tuple[str, str | None]], source: str, *,
              meta: PageMeta | None = None, page: bool = False,
              warnings: Sequence[str] = ()) -> ImportedArticle:
    """Build the article from ``(paragraph, reason or None)`` items.

    Clutter detection runs on the paragraphs still kept until it proposes nothing more,
    so cleaning the result again changes nothing. ``meta`` is what the file declared
    (a web page's metadata, a Markdown front matter); what it leaves out comes from the
    head of the text: the headline, a byline, a dateline. For a web ``page`` the page's
    metadata is the whole answer (it has read the same lines in their place on the
    page, sidebars and comments told apart).
    """
    meta = meta or PageMeta()
    paragraphs = tuple(text for text, _ in items)
    given = {i: reason for i, (_, reason) in enumerate(items) if reason}
    candidates = [i for i in range(len(items)) if i not in given]
    found: dict[int, tuple[str, str | None]] = {}
    while True:
        kept = [i for i in candidates if i not in found]
        proposals = clutter.detect([paragraphs[i] for i in kept])
        if not proposals:
            break
        found.update({kept[k]: v for k, v in proposals.items()})
    notes = list(warnings)
    if candidates and len(found) == len(candidates):
        found, kept = {}, candidates
        notes.append(ALL_CLUTTER)
    reasons = {**given, **{i: reason for i, (reason, _) in found.items()}}
    removals = tuple(Removal(paragraphs[i], reasons[i], i) for i in sorted(reasons))
    text = _join(paragraphs, removals)
    if len(text) > MAX_TEXT_CHARS:
        raise ArticleImportError(
            f"{source}: the article is {len(text):,} characters long after clean-up; "
            f"a lesson can hold at most {MAX_TEXT_CHARS:,}")
    head = PageMeta() if page else head_metadata(paragraphs, reasons, found, kept)
    author = meta.author or head.author
    return ImportedArticle(
        text, _one_line(meta.title or head.title), _one_line(_name_case(author)), paragraphs,
        removals, tuple(notes), _one_line(meta.outlet or head.outlet),
        meta.published or head.published, _one_line(meta.url))


def head_metadata(paragraphs: Sequence[str], reasons: dict[int, str],
                  found: dict[int, tuple[str, str | None]], kept: Sequence[int]) -> PageMeta:
    """Title, author, outlet and date from the head of a text: the headline, the first
    byline, the first dateline ("Associated Press December 2, 2016", "26 January 2020";
    never the site's date of the day or an "Updated" line)."""
    author = next((f[1] for _, f in sorted(found.items()) if f[1]), None)
    if author is None:  # a byline the file reader proposed (a Markdown front matter…)
        author = next((b[1] for i, why in sorted(reasons.items()) if why == clutter.BYLINE
                       and (b := clutter.parse_byline(paragraphs[i])) and b[1]), None)
    published = outlet = None
    for i, why in sorted(reasons.items()):
        if i >= clutter.HEAD_LIMIT + 4 or why not in (clutter.DATELINE, clutter.BYLINE):
            continue
        line = paragraphs[i]
        if re.match(r"^\W*(?:updated|last updated|modified)\b", line, re.I):
            continue
        published = published or parse_date(line)
        outlet = outlet or clutter.dateline_outlet(line)
    return PageMeta(clutter.guess_title([paragraphs[i] for i in kept]), outlet, author,
                    published)


def _name_case(name: str | None) -> str | None:
    """"NATALIYA VASILYEVA" as "Nataliya Vasilyeva" (an all-capitals byline)."""
    if name and name.isupper() and len(name) > 3:
        return " ".join(w.capitalize() if w.isalpha() else w.title() for w in name.split())
    return name


def _one_line(value: str | None, limit: int = 300) -> str | None:
    value = " ".join((value or "").split())[:limit].strip()
    return value or None


def _check_length(text: str, source: str) -> None:
    if len(text) > _MAX_RAW_CHARS:
        raise ArticleImportError(
            f"{source}: far too long for a lesson ({len(text):,} characters; "
            f"a lesson can hold at most {MAX_TEXT_CHARS:,})")


def clean_text(raw: str) -> ImportedArticle:
    """Clean pasted text: normalise it, split paragraphs and propose what to drop.

    Raises :class:`ArticleImportError` only when the text is too long for a lesson.
    """
    _check_length(raw, "pasted text")
    text, removed = _normalise(raw)
    return _assemble([(p, None) for p in split_paragraphs(text)], "pasted text",
                     warnings=_control_warnings(removed))


# --- files -------------------------------------------------------------------------------
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of Latin text is NUL."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0) / len(head[0::2]), head[1::2].count(0) / len(head[1::2])
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode a file's bytes: by its BOM (UTF-8/16/32), as UTF-16 when every other byte
    is NUL, as UTF-8, in the charset an HTML page declares, and otherwise as
    Windows-1252 with a warning. Never raises. Returns ``(text, warnings)``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
            bad = ["Some bytes could not be read and were replaced with �."] if "\ufffd" in text else []
            return text, bad
    sniffed = _sniff_utf16(data)
    for encoding in filter(None, (sniffed, "utf-8")):
        try:
            return data.decode(encoding), []
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            name = codecs.lookup(declared).name
            if name not in ("utf-8", "cp1252") and not name.startswith(("utf-16", "utf-32")):
                return data.decode(declared, errors="replace"), []
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace"), [
        f"{source} is not UTF-8 text; it was read as Windows-1252 (Western European). "
        "Check accented letters and quotation marks."]


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    odd = sum(1 for c in sample if c == "\ufffd" or (c < " " and c not in "\n\r\t"))
    return bool(sample) and odd > (0.1 if len(sample) >= 512 else 0.34) * len(sample)


def _read_bytes(path: Path, source: str) -> bytes:
    if is_held(path):  # opening it would drop the open database's locks (app.store.db)
        raise ArticleImportError(f"{source}: this is Close Reader's own database, which is "
                                 "open; choose an article file")
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # never opened: a pipe or device never ends
            kind = ("a folder" if stat.S_ISDIR(info.st_mode) else "a pipe"
                    if stat.S_ISFIFO(info.st_mode) else "a device"
                    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "not plain")
            raise ArticleImportError(f"{source}: not a regular file ({kind}), so it cannot "
                                     "be imported")
        if info.st_size > MAX_FILE_BYTES:
            raise ArticleImportError(f"{source}: {_too_big(info.st_size)}")
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ArticleImportError(f"{source}: can't read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ArticleImportError(f"{source}: {_too_big(len(data))}")
    return data


def _too_big(size: int) -> str:
    return (f"the file is too large to be an article (over {MAX_FILE_BYTES // 1024 // 1024} MB: "
            f"{size / 1024 / 1024:.1f} MB)")


def _text_file(data: bytes, source: str) -> ImportedArticle:
    raw, warnings = _decode_text(data, source)
    text, removed = _normalise(raw)
    return _assemble([(p, None) for p in split_paragraphs(text)], source,
                     warnings=warnings + _control_warnings(removed))


def _decode_text(data: bytes, source: str, declared: str | None = None,
                 markup: bool = False) -> tuple[str, list[str]]:
    raw, warnings = decode_bytes(data, source, declared)
    if _looks_binary(raw):
        raise ArticleImportError(f"{source}: doesn't look like a text file (it holds binary data)")
    if not markup:  # a web page's size is bounded by the file limit, its text below
        _check_length(raw, source)
    return raw, warnings


def _markdown_file(data: bytes, source: str) -> ImportedArticle:
    from app.core.markdown_text import markdown_items

    raw, warnings = _decode_text(data, source)
    text, removed = _normalise(raw)
    blocks, title, author = markdown_items(text, MD_IMAGE)
    items = [(p, reason) for block, reason in blocks for p in split_paragraphs(block)]
    return _assemble(items, source, meta=PageMeta(title=title, author=author),
                     warnings=warnings + _control_warnings(removed))


def _html_file(data: bytes, source: str) -> ImportedArticle:
    from app.core.html_text import declared_charset, html_items, why_dropped

    raw, warnings = _decode_text(data, source, declared_charset(data), markup=True)
    html, _ = _normalise(raw)
    blocks, meta, notes = html_items(html, lambda text: _check_length(text, source))
    items = []
    for block, reason in blocks:
        parts = split_paragraphs(block)
        # a removed block of several lines: each line gets its own reason where it has one
        items.extend((p, why_dropped(p, reason) if reason and len(parts) > 1 else reason)
                     for p in parts)
    # Control characters in markup (scripts, attributes) are no news to the instructor.
    return _assemble(items, source, meta=meta, page=True, warnings=warnings + notes)


def _check_zip(data: bytes, source: str) -> None:
    """Refuse what is not a zip, a damaged zip, zip-slip names and zip bombs."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ArticleImportError(f"{source}: an old Word .doc file, not .docx; "
                                 "save it as .docx (Word document) and import that")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        why = "corrupt zip" if data.startswith(b"PK") else "not a zip archive"
        raise ArticleImportError(f"{source}: not a valid .docx file ({why})") from None
    with archive:
        entries = archive.infolist()
    if len(entries) > 5000:
        raise ArticleImportError(f"{source}: not a valid .docx file (too many parts)")
    for entry in entries:
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in re.split(r"[\\/]", name) or re.match(r"[A-Za-z]:", name):
            raise ArticleImportError(f"{source}: not a safe .docx file (the entry {name!r} "
                                     "points outside the document)")
    unpacked = sum(entry.file_size for entry in entries)
    bomb = any(e.file_size > 1_000_000 and e.file_size > _MAX_RATIO * max(e.compress_size, 1)
               for e in entries)
    if unpacked > _MAX_UNZIPPED or bomb:
        raise ArticleImportError(f"{source}: not a safe .docx file (it would unpack to "
                                 f"{unpacked / 1024 / 1024:,.0f} MB: a possible zip bomb)")


def _docx_file(data: bytes, source: str) -> ImportedArticle:
    _check_zip(data, source)
    import docx  # python-docx reads every part into memory; nothing is written to disk
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        title = document.core_properties.title or None
        blocks: list[tuple[str, str | None]] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                cells = {cell._tc: cell.text for row in block.rows for cell in row.cells}
                blocks.extend((text, DOCX_TABLE) for text in cells.values())
                continue
            blocks.append((block.text, None))
            style = (block.style.name if block.style is not None else "") or ""
            if title is None and style in ("Title", "Heading 1") and block.text.strip():
                title = block.text
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise ArticleImportError(f"{source}: not a valid .docx file ({_docx_problem(exc)})") from None
    items: list[tuple[str, str | None]] = []
    removed = 0
    for block, reason in blocks:
        text, count = _normalise(block)
        removed += count
        items.extend((p, reason) for p in split_paragraphs(text))
    _check_length("\n\n".join(p for p, _ in items), source)
    return _assemble(items, source, meta=PageMeta(title=title),
                     warnings=_control_warnings(removed))


def _docx_problem(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return "corrupt zip"
    if isinstance(exc, KeyError):
        return "a part of the document is missing"
    text = str(exc)
    if "content type" in text.lower() or "not a Word file" in text:
        return "it is not a Word document"
    return f"damaged document: {type(exc).__name__}"


_READERS = {".txt": _text_file, ".text": _text_file, ".md": _markdown_file,
            ".markdown": _markdown_file, ".html": _html_file, ".htm": _html_file,
            ".docx": _docx_file}


def import_file(path: str | os.PathLike[str], any_as_text: bool = False) -> ImportedArticle:
    """Import an article from a ``.txt``, ``.md``/``.markdown``, ``.html``/``.htm``
    (a saved web page) or ``.docx`` file, chosen by extension (any case); with
    ``any_as_text`` a file of another kind is read as a ``.txt``.

    Raises :class:`ArticleImportError` with a one-line message naming the file and the
    problem: unknown type, unreadable, over 10 MB, empty, binary, damaged or unsafe
    ``.docx``, or a text over 200,000 characters after clean-up.
    """
    file = Path(path)
    source = re.sub(r"[\x00-\x1f\x7f]", "?", file.name or str(file))
    reader = _READERS.get(file.suffix.lower(), _text_file if any_as_text else None)
    if reader is None:
        kind = f"{file.suffix} files" if file.suffix else "files without an extension"
        raise ArticleImportError(f"{source}: can't import {kind}; use .txt, .md, .html or .docx")
    data = _read_bytes(file, source)
    if not data:
        raise ArticleImportError(f"{source}: the file is empty")
    article = reader(data, source)
    if not article.text:
        raise ArticleImportError(f"{source}: no article text found in the file")
    return article
