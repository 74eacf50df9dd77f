"""Shared test setup: offscreen Qt before any QApplication, the bundled fonts, and a
fresh database per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("CLOSE_READER_DB", None)

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


_FONT_PROPERTIES = ("system_point_size", "close_reader_font_size")


@pytest.fixture(autouse=True)
def _normal_text_size():
    """A test that zooms the text, or plays the desktop's larger font, leaves the app's
    font as it found it: the font is the application's, shared by every later test's
    windows (a test of 200 % text once left its size behind as "the system's", and the
    later screenshots of other screens came out at 200 %)."""
    import sys

    before = None
    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            before = (QApplication.font(), {p: app.property(p) for p in _FONT_PROPERTIES})
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    if before is not None:
        font, props = before
        QApplication.setFont(font)
        for name, value in props.items():
            app.setProperty(name, value)
    if app.property("close_reader_ready"):
        from app.ui.fonts import set_app_font, ui_font

        set_app_font(ui_font(1.0))


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def sample_pack() -> Path:
    return DATA / "sample-pack.json"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "close-reader.db"


@pytest.fixture
def repo(db_path: Path):
    """An open repository on a new real database file (bundled lessons not seeded)."""
    from app.store.repo import open_repo

    r = open_repo(db_path)
    yield r
    r.database.close()


@pytest.fixture
def sample_repo(repo):
    """A repository holding the sample pack."""
    from app.core.packs import read_pack
    from app.services.library import import_pack

    import_pack(repo, read_pack(DATA / "sample-pack.json"))
    return repo
