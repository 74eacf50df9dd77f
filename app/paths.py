"""The one place that finds bundled data (lessons/, assets/, the spaCy model) and the
user's data folder — in a checkout, an installed package, and a PyInstaller bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "CloseReader"


def root() -> Path:
    """Folder holding ``lessons/`` and ``assets/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    here = Path(__file__).resolve().parent
    # checkout or editable install: repo root is the parent of app/;
    # a wheel install ships data inside the package (app/_data)
    if (here.parent / "lessons").is_dir():
        return here.parent
    return here / "_data"


def lessons_dir() -> Path:
    return root() / "lessons"


def assets_dir() -> Path:
    return root() / "assets"


def fonts_dir() -> Path:
    return assets_dir() / "fonts"


def lexicons_dir() -> Path:
    return assets_dir() / "lexicons"


def bundled_model_dir() -> Path | None:
    """The spaCy English model shipped inside a frozen bundle, if any."""
    p = root() / "models" / "en_core_web_sm"
    return p if (p / "config.cfg").is_file() else None


def user_data_dir() -> Path:
    from platformdirs import user_data_dir as _udd

    return Path(_udd(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    env = os.environ.get("CLOSE_READER_DB")
    if env:
        return Path(env)
    return user_data_dir() / "close-reader.db"


def log_dir() -> Path:
    return user_data_dir() / "logs"
