"""A printable school document on fpdf2 with the bundled DejaVu fonts: running header
and footer, headings, label/value blocks, and an article with bracketed, tagged
passages and underlined marks (told apart by shape and words, not by colour alone).

Characters the bundled fonts lack (CJK, Devanagari, Arabic…) are drawn with fonts
found on this computer (``fontfinder``), chosen per missing character. Characters no
font here has are left out, and the report says so in a note (beside the name or title,
or at the end) rather than printing boxes.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app import paths
from app.core.record import record
from app.services.results.fontfinder import FontFile, find_fonts, font_cmap

INK = (25, 25, 25)
GREY = (95, 95, 95)
RULE = (170, 170, 170)
ACCENT = (20, 70, 120)
NO_FONT = "no font on this computer has them"


FONT_FILES = {"sans": "DejaVuSans.ttf", "serif": "DejaVuSerif.ttf"}


@functools.lru_cache(maxsize=4)
def _covered(family: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    if family == "any":
        return _covered("sans") | _covered("serif")
    with TTFont(paths.fonts_dir() / FONT_FILES[family], lazy=True) as tt:
        return frozenset(tt.getBestCmap())


# control characters (ESC, C1) and bidi embeddings, overrides and isolates: a title or
# a name edited into a database by hand must not reorder or hide what is printed
_UNPRINTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _invisible(ch: str) -> bool:
    """Format characters (bidi controls among them), control characters (ESC, C1: a
    name edited into a database by hand) and variation selectors: no glyph needed,
    dropped quietly."""
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Cf", "Cc") or 0xFE00 <= cp <= 0xFE0F
            or 0xE0100 <= cp <= 0xE01EF)


def local_time(stamp: str) -> str:
    """An ISO time as a reader expects it: "21 Nov 2026, 11:15" in local time."""
    try:
        t = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if t.tzinfo is not None:
            t = t.astimezone()  # 9999-12-31T23:59:59-23:59 is past the last local date
    except (ValueError, OverflowError, OSError):
        return _plain_stamp(stamp)
    return f"{t.day} {t:%b %Y, %H:%M}"


def _plain_stamp(stamp: str) -> str:
    """A stored time that is not one, printed as its text: one line, at most 40
    characters, no control characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in stamp[:40])
    return " ".join(text.split()) or "unknown"


def today() -> str:
    t = datetime.now()
    return f"{t.day} {t:%B %Y}"


@record
class Bracket:
    """A passage printed in [brackets] with a small tag after the closing bracket."""
    start: int
    end: int
    tag: str
    color: tuple[int, int, int] = INK
    shade: tuple[int, int, int] | None = None  # background, for the class view


@record
class Mark:
    """A passage printed underlined (solid or dashed), with an optional tag after it."""
    start: int
    end: int
    tag: str = ""
    line: str = "solid"


class SchoolPDF(FPDF):
    def __init__(self, kind: str, footer_note: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.kind = kind
        self.footer_note = footer_note
        folder = paths.fonts_dir()
        self.add_font("sans", "", folder / "DejaVuSans.ttf")
        self.add_font("sans", "B", folder / "DejaVuSans-Bold.ttf")
        self.add_font("serif", "", folder / "DejaVuSerif.ttf")
        self.add_font("serif", "B", folder / "DejaVuSerif-Bold.ttf")
        self.add_font("serif", "I", folder / "DejaVuSerif-Italic.ttf")
        self.set_fallback_fonts(["sans"], exact_match=False)
        self._fallbacks: dict[str, frozenset[int]] = {}  # font id -> code points it has
        self._fallback_files: list[FontFile] = []
        self.lost: set[str] = set()  # characters no font on this computer has
        self._lost_noted: set[str] = set()
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=20)
        self.set_title(kind)
        self.set_creator("Close Reader")
        self.alias_nb_pages()
        self.add_page()

    # -- characters and fonts ---------------------------------------------------
    def printable(self, text: str, family: str = "any") -> str:
        """``text`` as it can be printed: characters the bundled fonts lack are drawn
        with a font found on this computer; those no font here has are left out and
        remembered in ``lost`` for a note. (``any``: the sans font fills in.)"""
        if _UNPRINTED.search(text):  # controls and bidi overrides: never printed
            text = _UNPRINTED.sub("", text)
        ok = _covered(family)
        missing = {ch for ch in text if ord(ch) not in ok and ch not in "\n\t"}
        if not missing:
            return text
        drop = {ch for ch in missing if _invisible(ch)}
        need = {ch for ch in missing - drop
                if ord(ch) not in _covered("sans") and not self._fallback_for(ch)}
        if need:
            self._add_fallbacks(need)
            lost = {ch for ch in need if not self._fallback_for(ch)}
            self.lost |= lost
            drop |= lost
        return "".join(ch for ch in text if ch not in drop) if drop else text

    def _fallback_for(self, ch: str) -> str | None:
        return next((fid for fid, cmap in self._fallbacks.items() if ord(ch) in cmap), None)

    def _add_fallbacks(self, chars: set[str]) -> None:
        for font in find_fonts(chars, exclude=self._fallback_files):
            fid = f"fallback{len(self._fallback_files)}"
            self._fallback_files.append(font)
            try:
                extra = {"collection_font_number": font.index} if font.index else {}
                self.add_font(fid, "", str(font.path), **extra)
            except Exception:  # noqa: BLE001 - a font fpdf2 cannot embed is skipped
                continue
            self._fallbacks[fid] = font_cmap(font)
        self.set_fallback_fonts(["sans", *self._fallbacks], exact_match=False)

    def _runs(self, p: Piece, text: str) -> list[tuple[str, str, str]]:
        """``text`` of piece ``p`` split into (family, style, text) by the font that
        draws it, for ``text()``, which (unlike cells) does not use fallback fonts."""
        own, sans = _covered(p.family), _covered("sans")
        runs: list[tuple[str, str, str]] = []
        for ch in text:
            cp = ord(ch)
            if cp in own:
                key = (p.family, p.style)
            elif cp in sans:
                key = ("sans", "B" if "B" in p.style else "")
            else:
                key = (self._fallback_for(ch) or p.family, "")
            if runs and runs[-1][:2] == key:
                runs[-1] = (*key, runs[-1][2] + ch)
            else:
                runs.append((*key, ch))
        return runs

    def note_lost(self, before: set[str], what: str) -> None:
        """A grey note line when characters of ``what`` printed just now were left out."""
        if self.lost <= before:
            return
        self._lost_noted |= self.lost
        self.set_font("sans", "", 8.5)
        self.set_text_color(*GREY)
        self.multi_cell(0, 4.6, f"Some characters of {what} could not be printed: {NO_FONT}.",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def output(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        """Closes the document, first noting characters left out elsewhere."""
        rest = self.lost - self._lost_noted
        if rest and self.page > 0:
            codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(rest)[:6])
            self.ln(2)
            self.para(f"Note: {len(rest)} kind{'s' * (len(rest) != 1)} of character in this "
                      f"report could not be printed and {'were' if len(rest) != 1 else 'was'} "
                      f"left out ({codes}): no font on this computer has "
                      f"{'them' if len(rest) != 1 else 'it'}. Installing a font for that script "
                      "(for example from the Noto family) lets them print.",
                      size=8.5, color=GREY, h=4.4)
            self._lost_noted |= rest
        return super().output(*args, **kwargs)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the document to ``path`` atomically, never over a database or a device
        (``app.core.outpaths``); returns the path written."""
        from app.core.outpaths import write_bytes_atomic

        data = bytes(self.output())
        write_bytes_atomic(path, data)
        return Path(path)

    # -- page furniture -------------------------------------------------------
    def header(self) -> None:
        self.set_font("sans", "", 8.5)
        self.set_text_color(*GREY)
        self.cell(self.epw / 2, 5, f"Close Reader · {self.kind}")
        self.cell(self.epw / 2, 5, f"Printed {today()}", align="R",
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(6)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("sans", "", 8.5)
        self.set_text_color(*GREY)
        self.cell(self.epw * 0.75, 5, self.printable(self.footer_note)[:110])
        self.set_font("sans", "", 8.5)  # a fallback font used just now stays current
        self.cell(self.epw * 0.25, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    # -- blocks ---------------------------------------------------------------
    def title_block(self, title: str, subtitle: str = "") -> None:
        before = set(self.lost)
        self.set_font("sans", "B", 18)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, 8.5, self.printable(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.set_font("sans", "", 10)
            self.set_text_color(*GREY)
            self.multi_cell(0, 5.5, self.printable(subtitle), new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.note_lost(before, "the title")
        self.ln(3)

    def facts(self, rows: Sequence[tuple[str, str]], label_w: float = 32) -> None:
        """Label/value lines: "Student   Ana P."."""
        for label, value in rows:
            before = set(self.lost)
            self.set_font("sans", "B", 10)
            self.cell(label_w, 6, label)
            self.set_font("sans", "", 10)
            self.multi_cell(0, 6, self.printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.note_lost(before, "this name" if label in ("Student", "Name") else
                           f"this {label.lower()}")
        self.ln(2)

    def heading(self, text: str, keep: float = 35) -> None:
        """A section heading; starts a new page when fewer than ``keep`` mm remain."""
        if self.get_y() + keep > self.page_break_trigger:
            self.add_page()
        self.ln(3)
        self.set_font("sans", "B", 13)
        self.set_text_color(*ACCENT)
        self.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.4)
        x = self.l_margin + self.c_margin
        self.line(x, self.get_y(), x + self.get_string_width(text), self.get_y())
        self.set_text_color(*INK)
        self.ln(3)

    def para(self, text: str, size: float = 10, style: str = "", family: str = "sans",
             color: tuple[int, int, int] = INK, h: float = 5.2, indent: float = 0,
             keep: float = 0) -> None:
        """A paragraph; starts a new page first when fewer than ``keep`` mm remain."""
        if keep and self.get_y() + keep > self.page_break_trigger:
            self.add_page()
        self.set_font(family, style, size)
        self.set_text_color(*color)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, h, self.printable(text), new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def para_height(self, text: str, size: float = 10, style: str = "", family: str = "sans",
                    h: float = 5.2, indent: float = 0) -> float:
        """How tall ``para`` would print ``text`` (mm), without printing it."""
        from fpdf.enums import MethodReturnValue

        self.set_font(family, style, size)
        lines = self.multi_cell(self.epw - indent, h, self.printable(text), dry_run=True,
                                output=MethodReturnValue.LINES)
        return h * max(1, len(lines))

    def keep_together(self, height: float, most: float = 80) -> None:
        """Start a new page unless ``height`` mm (up to ``most``) fit on this one: an
        entry's heading stays with its words, and no page ends up holding only the last
        line or word of one (issue 23)."""
        if self.get_y() + min(height, most) > self.page_break_trigger:
            self.add_page()

    def bullet(self, text: str, size: float = 10, h: float = 5.6) -> None:
        """A bulleted paragraph with a hanging indent."""
        self.set_font("sans", "", size)
        self.set_x(self.l_margin + 2)
        self.cell(5, h, "•")
        self.multi_cell(self.epw - 7, h, self.printable(text), new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)

    def bar(self, x: float, y: float, w: float, h: float, share: float,
            fill: tuple[int, int, int] = ACCENT) -> None:
        """A horizontal bar: outlined box, filled to ``share`` (0..1)."""
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.rect(x, y, w, h)
        if share > 0:
            self.set_fill_color(*fill)
            self.rect(x, y, w * min(1.0, share), h, style="F")
        self.set_fill_color(255, 255, 255)

    def grid(self, rows: Sequence[Sequence[str]], widths: Sequence[float],
             align: Sequence[str], size: float = 9.5, line_height: float = 5.5) -> None:
        """A ruled table with a shaded heading row and zebra rows."""
        from fpdf.fonts import FontFace

        self.set_font("sans", "", size)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        head = FontFace(family="sans", emphasis="BOLD", color=INK, fill_color=(226, 233, 242))
        with self.table(col_widths=tuple(widths), text_align=tuple(align),
                        line_height=line_height, headings_style=head,
                        cell_fill_color=(245, 245, 245), cell_fill_mode="ROWS",
                        padding=(1, 1.5), width=sum(widths), align="LEFT") as t:
            for r in rows:
                t.row([self.printable(c) for c in r])
        self.ln(1.5)

    # -- the article ----------------------------------------------------------
    def article(self, text: str, brackets: Sequence[Bracket], marks: Sequence[Mark] = (),
                size: float = 10.5, h: float = 6.4) -> None:
        """The text with key passages in bold [brackets] + tag, marks underlined + tag."""
        cuts = sorted({0, len(text), *(b.start for b in brackets), *(b.end for b in brackets),
                       *(m.start for m in marks), *(m.end for m in marks)})
        out: list[Piece] = []
        for i, pos in enumerate(cuts):
            for b in sorted((b for b in brackets if b.end == pos), key=lambda b: -b.start):
                out.append(Piece("]", "serif", "B", size, b.color, shade=b.shade))
                out.append(Piece(f"\u2009{b.tag}\u2009", "sans", "B", 7.5, b.color, glue=True))
            for m in marks:  # tags of marks ending here
                if m.end == pos and m.tag:
                    out.append(Piece(f"\u2009{m.tag}\u2009", "sans", "", 7.5, GREY, glue=True))
            for b in sorted((b for b in brackets if b.start == pos), key=lambda b: -b.end):
                out.append(Piece("[", "serif", "B", size, b.color, shade=b.shade))
            if i + 1 == len(cuts):
                break
            nxt = cuts[i + 1]
            inside = [b for b in brackets if b.start <= pos and nxt <= b.end]
            under = [m for m in marks if m.start <= pos and nxt <= m.end]
            inner = min(inside, key=lambda b: b.end - b.start) if inside else None
            out.append(Piece(text[pos:nxt], "serif", "B" if inside else "", size,
                             inner.color if inner else INK,
                             underline=under[0].line if under else "",
                             shade=inner.shade if inner else None))
        self.flow(out, h)
        self.ln(3)

    def flow(self, pieces: Sequence[Piece], h: float) -> None:
        """Lay styled pieces out in lines (breaking at spaces, never inside a word across
        style changes), with shading, baseline-aligned text and drawn underlines."""
        left, right = self.l_margin + self.c_margin, self.w - self.r_margin - self.c_margin
        line: list[tuple[float, Piece, str, float]] = []
        x, spaces, last_nl = left, [], False

        def flush(gap: float = 0.0) -> None:
            nonlocal line, x
            if self.get_y() + h > self.page_break_trigger:
                self.add_page()
            self._draw_line(line, h)
            self.set_xy(self.l_margin, self.get_y() + h + gap)
            line, x = [], left

        for kind, word in _tokens(pieces, self.printable):
            if kind == "nl":
                if not line and last_nl:
                    self.set_y(self.get_y() + h * 0.45)  # paragraph gap
                else:
                    flush()
                spaces, last_nl = [], True
                continue
            last_nl = False
            widths = [self._width(p, t) for p, t in word]
            if kind == "space":
                spaces += [(p, t, w) for (p, t), w in zip(word, widths, strict=True)]
                continue
            need = sum(w for *_, w in spaces) + sum(widths)
            if line and x + need > right:
                flush()
            elif line:
                for p, t, w in spaces:
                    line.append((x, p, t, w))
                    x += w
            spaces = []
            for (p, t), w in zip(word, widths, strict=True):
                line.append((x, p, t, w))
                x += w
        if line:
            flush()

    def _width(self, p: Piece, t: str) -> float:
        w = 0.0
        for family, style, run in self._runs(p, t):
            self.set_font(family, style, p.size)
            w += self.get_string_width(run)
        return w

    def _draw_line(self, line: Sequence[tuple[float, Piece, str, float]], h: float) -> None:
        y = self.get_y()
        base = y + h * 0.72
        for x, p, _t, w in line:
            if p.shade:
                self.set_fill_color(*p.shade)
                self.rect(x, y + 0.2, w, h - 0.4, style="F")
        for x, p, t, _w in line:
            self.set_text_color(*p.color)
            for family, style, run in self._runs(p, t):
                self.set_font(family, style, p.size)
                self.text(x, base, run)
                x += self.get_string_width(run)
        self.set_line_width(0.3)
        for x, p, _t, w in line:
            if p.underline:
                self.set_draw_color(*INK)
                if p.underline == "dash":
                    self.set_dash_pattern(dash=0.9, gap=0.7)
                self.line(x, base + 1.1, x + w, base + 1.1)
                self.set_dash_pattern()
        self.set_text_color(*INK)


@record
class Piece:
    text: str
    family: str
    style: str
    size: float
    color: tuple[int, int, int]
    underline: str = ""  # "", "solid" or "dash"
    shade: tuple[int, int, int] | None = None
    glue: bool = False  # a tag: never broken, and glued to the word before it


def _tokens(pieces: Sequence[Piece], printable: Callable[[str, str], str]
            ) -> list[tuple[str, list[tuple[Piece, str]]]]:
    """("word" | "space" | "nl", parts): a word may span several pieces."""
    out: list[tuple[str, list[tuple[Piece, str]]]] = []
    for p in pieces:
        found = [p.text] if p.glue else re.findall(r"\n|[^\S\n]+|\S+", p.text)
        for t in found:
            kind = "word" if p.glue else "nl" if t == "\n" else "space" if t.isspace() else "word"
            t = t if kind == "nl" else printable(t, p.family)
            if out and kind == out[-1][0] and kind != "nl":
                out[-1][1].append((p, t))
            else:
                out.append((kind, [(p, t)]))
    return out
