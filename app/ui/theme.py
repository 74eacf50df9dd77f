"""Colours and underline styles of categories and feedback statuses, light and dark.

Every highlight colour keeps the text on it at a contrast of at least 4.5:1 (WCAG AA);
``tests/test_accessibility.py`` computes it. Categories never differ by colour alone:
each also has its own underline style and its name on hover and in the Highlights list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from app.core.lessons import UNDERLINE_STYLES, Category
from app.core.record import record

if TYPE_CHECKING:
    from PySide6.QtGui import QTextCharFormat

TEXT_LIGHT = "#1b1b1f"
TEXT_DARK = "#ececf1"
BASE_LIGHT = "#fbfaf7"
BASE_DARK = "#1e1f24"
ERROR_LIGHT = "#b00020"  # 6.4:1 on the light window colour
ERROR_DARK = "#ff8a80"  # 6.5:1 on the dark window colour (#b00020 would be 2.0:1)
SCROLL_HANDLE_LIGHT = "#7f828a"  # 3.4:1 on the light window colour, 3.7:1 on the page
SCROLL_HANDLE_DARK = "#7d808a"  # 3.8:1 on the dark window colour, 4.2:1 on the page
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal text

# (light background, dark background), in category order
CATEGORY_COLOURS: list[tuple[str, str]] = [
    ("#ffd9a8", "#6a3f00"),  # amber   — unsupported claim
    ("#c9dcff", "#1f3f78"),  # blue    — loaded language
    ("#cdeccd", "#1d5a2a"),  # green
    ("#f6c9dc", "#6b1f43"),  # pink
    ("#e2d4ff", "#47317a"),  # violet
    ("#c8eef0", "#0f5458"),  # teal
    ("#f0e3b6", "#5a4a0c"),  # sand
    ("#ffd0c2", "#74301c"),  # coral
    ("#dcdcdc", "#4a4a4a"),  # grey
]
DEFAULT_UNDERLINES = ["dash", "wave", "dot", "solid", "dashdot", "double"]

# Qt's underline style of each of ours; QTextCharFormat's enums are built on first use
# (after the library is on screen), so this is looked up, not made at import
_QT_UNDERLINE_NAMES = {
    "solid": "SingleUnderline",
    "wave": "WaveUnderline",
    "dash": "DashUnderline",
    "dot": "DotLine",
    "dashdot": "DashDotLine",
    "double": "DashDotDotLine",
}
assert set(_QT_UNDERLINE_NAMES) == set(UNDERLINE_STYLES)


def qt_underline(underline: str) -> QTextCharFormat.UnderlineStyle:
    """Qt's underline style for one of ``UNDERLINE_STYLES``."""
    from PySide6.QtGui import QTextCharFormat  # imported, its enums are built (~2 ms)

    return getattr(QTextCharFormat.UnderlineStyle, _QT_UNDERLINE_NAMES[underline])
# the same styles as pen strokes, for samples drawn outside the text (toolbar buttons);
# "wave" is drawn as a zigzag by its painter
_PEN = {
    "solid": Qt.PenStyle.SolidLine,
    "wave": Qt.PenStyle.SolidLine,
    "dash": Qt.PenStyle.DashLine,
    "dot": Qt.PenStyle.DotLine,
    "dashdot": Qt.PenStyle.DashDotLine,
    "double": Qt.PenStyle.DashDotDotLine,
}


def pen_style(underline: str) -> Qt.PenStyle:
    return _PEN.get(underline, Qt.PenStyle.DashLine)

# feedback statuses: (light, dark) background and a text tag that is not colour.
# Tints of the Okabe–Ito palette (safe for the common colour-vision deficiencies), chosen
# so that text on each keeps ≥ 4.5:1 and every pair (and the page) stays apart by a
# CIEDE2000 difference ≥ 7.5 in normal vision and simulated protan-, deutan- and tritanopia
# (tests/test_feedback_colours.py). Colour is never alone: each status has its symbol,
# its words and its underline pattern (STATUS_UNDERLINE), drawn in the text colour.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "found": ("#4cbb9d", "#144b3f", "✓ found"),
    "partial": ("#f4ec7b", "#58552c", "◐ partly found"),
    "missed": ("#e28e4c", "#a74e09", "✗ missed"),
    "wrong_label": ("#dba1c1", "#8b5776", "↔ marked with another category"),
    "optional": ("#d1d1d1", "#58585b", "○ optional, not marked — no penalty"),
    "match": ("#4cbb9d", "#144b3f", "✓ your highlight, in the key"),
    "extra": ("#89cbf0", "#066196", "+ your highlight, not in the key"),
}
# the pattern of each status, so that it never rests on colour alone
STATUS_UNDERLINE: dict[str, str] = {
    "found": "solid", "partial": "dash", "missed": "wave", "wrong_label": "dashdot",
    "optional": "dot", "match": "solid", "extra": "double",
}


@record
class CategoryStyle:
    category: Category
    index: int
    light: str
    dark: str
    underline: str

    def background(self, dark: bool) -> QColor:
        return QColor(self.dark if dark else self.light)

    def underline_qt(self) -> QTextCharFormat.UnderlineStyle:
        return qt_underline(self.underline)


def styles_for(categories: list[Category]) -> dict[str, CategoryStyle]:
    out: dict[str, CategoryStyle] = {}
    for i, c in enumerate(categories):
        light, dark = CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]
        if c.color:  # a pack's own colour: keep its hue, but keep the text readable
            light = readable_background(c.color, TEXT_LIGHT, toward="#ffffff")
            dark = readable_background(_darken(c.color), TEXT_DARK, toward="#000000")
        underline = c.underline or DEFAULT_UNDERLINES[i % len(DEFAULT_UNDERLINES)]
        out[c.id] = CategoryStyle(c, i, light, dark, underline)
    return out


def _darken(hex_colour: str) -> str:
    c = QColor(hex_colour)
    h, s, v, _ = c.getHsvF()
    return QColor.fromHsvF(h, min(1.0, s * 1.1 + 0.1), 0.35).name()


def readable_background(colour: str, text: str, toward: str) -> str:
    """``colour``, mixed step by step with ``toward`` until ``text`` on it has a contrast
    of at least ``MIN_CONTRAST`` (a pack may ask for black or pure red)."""
    c, t = QColor(colour), QColor(toward)
    for k in range(21):
        f = k / 20
        mixed = QColor(round(c.red() + (t.red() - c.red()) * f),
                       round(c.green() + (t.green() - c.green()) * f),
                       round(c.blue() + (t.blue() - c.blue()) * f)).name()
        if contrast(text, mixed) >= MIN_CONTRAST + 0.1:
            return mixed
    return toward


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def relative_luminance(hex_colour: str) -> float:
    c = QColor(hex_colour)

    def chan(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * chan(c.redF()) + 0.7152 * chan(c.greenF()) + 0.0722 * chan(c.blueF())


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(colours: list[QColor]) -> QColor:
    n = len(colours)
    return QColor(sum(c.red() for c in colours) // n, sum(c.green() for c in colours) // n,
                  sum(c.blue() for c in colours) // n)


def apply_palette(app, dark: bool) -> None:  # app: QApplication
    """Reading palette: warm paper in light mode, soft charcoal in dark mode."""
    p = app.palette()
    text, base = (TEXT_DARK, BASE_DARK) if dark else (TEXT_LIGHT, BASE_LIGHT)
    p.setColor(QPalette.ColorRole.Base, QColor(base))
    p.setColor(QPalette.ColorRole.Text, QColor(text))
    if dark:
        p.setColor(QPalette.ColorRole.Window, QColor("#26272d"))
        p.setColor(QPalette.ColorRole.WindowText, QColor(TEXT_DARK))
        p.setColor(QPalette.ColorRole.Button, QColor("#30323a"))
        p.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT_DARK))
        p.setColor(QPalette.ColorRole.AlternateBase, QColor("#2b2c33"))
        p.setColor(QPalette.ColorRole.Highlight, QColor("#4470b8"))  # white on it: 4.9:1
        p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#a0a3ad"))
    else:
        p.setColor(QPalette.ColorRole.Window, QColor("#f1efea"))
        p.setColor(QPalette.ColorRole.WindowText, QColor(TEXT_LIGHT))
        p.setColor(QPalette.ColorRole.Highlight, QColor("#2f5fb3"))
        p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#5f6168"))
    # disabled controls must look disabled: a flat field on the window colour, greyed
    # text (still 3:1 or more, WCAG's minimum for inactive parts is none, but readable)
    dis = QPalette.ColorGroup.Disabled
    window = p.color(QPalette.ColorRole.Window)
    grey = QColor("#8b8d94") if dark else QColor("#767880")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText, QPalette.ColorRole.PlaceholderText):
        p.setColor(dis, role, grey)
    p.setColor(dis, QPalette.ColorRole.Base, window)
    p.setColor(dis, QPalette.ColorRole.Button, window)
    app.setPalette(p)
