"""The bundled fonts, registered the same way in the app and in tests."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app import paths

READING_FAMILY = "DejaVu Serif"
# (object name, size relative to the UI font, CSS weight)
HEADINGS = (("lessonTitle", 1.45, 600), ("scoreLabel", 2.2, 700), ("headline", 1.15, 600))
UI_FAMILY = "DejaVu Sans"


@lru_cache(maxsize=2)
def register_fonts(prefix: str = "DejaVuSans") -> tuple[str, ...]:
    """Register the bundled fonts whose file names start with ``prefix``: the UI's at
    start-up, the reading face (``DejaVuSerif``) when a text is first shown."""
    families: list[str] = []
    for f in sorted(paths.fonts_dir().glob(f"{prefix}*.ttf")):
        fid = QFontDatabase.addApplicationFont(str(f))
        if fid >= 0:
            families += QFontDatabase.applicationFontFamilies(fid)
    return tuple(dict.fromkeys(families))


def base_point_size() -> float:
    """The system's font size (follows the desktop setting).

    The in-app zoom sets the application font itself, so that size is not read back as
    the system's: only a font set by someone else (the desktop) counts.
    """
    app = QApplication.instance()
    if app is None:
        return 10.0
    current = app.font().pointSizeF()
    ours = app.property("close_reader_font_size")
    system = app.property("system_point_size")
    if system is None or ours is None or abs(current - float(ours)) > 0.01:
        system = current if current > 0 else 10.0
        app.setProperty("system_point_size", system)
    return float(system)


def set_app_font(font: QFont) -> None:
    """Give every widget this font (the in-app zoom)."""
    app = QApplication.instance()
    if app is None:
        return
    base_point_size()
    # headings are sized in the style sheet, relative to this font; re-applying the
    # sheet also makes styled widgets pick the new font up
    size = font.pointSizeF()
    headings = "".join(
        f"QLabel#{name} {{ font-size: {size * scale:.1f}pt; font-weight: {weight}; }}\n"
        for name, scale, weight in HEADINGS)
    sheet = (app.property("close_reader_style") or "") + headings
    if app.font() == font and app.styleSheet() == sheet:
        return  # the same again (the window's first zoom, at start): re-polishing costs ~2 ms
    app.setFont(font)
    app.setProperty("close_reader_font_size", font.pointSizeF())
    app.setStyleSheet(sheet)


def ui_font(zoom: float = 1.0) -> QFont:
    f = QFont(UI_FAMILY)
    f.setPointSizeF(max(8.0, base_point_size()) * zoom)
    return f


def reading_font(zoom: float = 1.0) -> QFont:
    register_fonts("DejaVuSerif")
    f = QFont(READING_FAMILY)
    f.setPointSizeF(max(8.0, base_point_size()) * 1.3 * zoom)
    return f
