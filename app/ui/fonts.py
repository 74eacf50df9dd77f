"""The bundled fonts, registered the same way in the app and in tests."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app import paths

READING_FAMILY = "DejaVu Serif"
UI_FAMILY = "DejaVu Sans"


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, ...]:
    families: list[str] = []
    for f in sorted(paths.fonts_dir().glob("*.ttf")):
        fid = QFontDatabase.addApplicationFont(str(f))
        if fid >= 0:
            families += QFontDatabase.applicationFontFamilies(fid)
    return tuple(dict.fromkeys(families))


def base_point_size() -> float:
    """The system's font size (follows the desktop setting)."""
    app = QApplication.instance()
    size = app.font().pointSizeF() if app is not None else 10.0
    return size if size > 0 else 10.0


def ui_font(zoom: float = 1.0) -> QFont:
    f = QFont(UI_FAMILY)
    f.setPointSizeF(max(8.0, base_point_size()) * zoom)
    return f


def reading_font(zoom: float = 1.0) -> QFont:
    f = QFont(READING_FAMILY)
    f.setPointSizeF(max(8.0, base_point_size()) * 1.3 * zoom)
    return f
