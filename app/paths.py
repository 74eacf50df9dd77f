"""The one place that finds bundled data (lessons/, assets/, the spaCy model) and the
user's folders — in a checkout, an installed package, and a PyInstaller bundle.

Nothing is ever written beside the program: an installed copy lives in a folder its
users cannot write to (``C:\\Program Files``, ``/Applications``, ``/opt``), often on a
read-only or shared disk. The database, its backups and the logs go to the user's data
folder (``user_data_dir``); the file dialogs start in the user's own folders
(``start_folder``)."""

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


def icon_files() -> list[Path]:
    """The app's icon as PNG files of several sizes (window icon; crisp at 200 %)."""
    folder = assets_dir() / "icons"
    return sorted(folder.glob("close-reader-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def data_dir_for(platform: str) -> Path:
    """The user data folder on ``platform`` (a ``sys.platform`` value), by each system's
    own convention: ``%LOCALAPPDATA%\\CloseReader`` on Windows (not roaming: a school's
    roaming profile must not carry a database between machines),
    ``~/Library/Application Support/CloseReader`` on macOS, ``$XDG_DATA_HOME/CloseReader``
    (``~/.local/share/CloseReader``) on Linux and ChromeOS."""
    if platform == "win32":
        from platformdirs.windows import Windows as Dirs
    elif platform == "darwin":
        from platformdirs.macos import MacOS as Dirs
    else:
        from platformdirs.unix import Unix as Dirs
    return Path(Dirs(APP_NAME, appauthor=False, roaming=False).user_data_dir)


def user_data_dir() -> Path:
    return data_dir_for(sys.platform)


def install_dir() -> Path | None:
    """The folder the frozen program runs from (None when running from source)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def start_folder(cwd: Path | None = None) -> Path:
    """Where the window's file dialogs open and relative file names land: the working
    folder when it is the user's own, else the user's Documents folder (else home). A
    program started from the Start menu, the Dock or a desktop menu runs in its install
    folder (``C:\\Program Files\\Close Reader``), in ``/`` (macOS) or wherever the
    launcher was: a pack saved there would fail, or land where nobody looks."""
    try:
        here = (cwd or Path.cwd()).resolve()
    except OSError:  # the working folder was deleted
        here = None
    if (here is not None and here != Path(here.anchor) and here.is_dir()
            and os.access(here, os.W_OK)
            and not _inside(here, install_dir())):
        return here
    from platformdirs import user_documents_dir

    docs = Path(user_documents_dir())
    return docs if docs.is_dir() else Path.home()


def default_db_path() -> Path:
    env = os.environ.get("CLOSE_READER_DB")
    if env:
        return Path(env)
    return user_data_dir() / "close-reader.db"


def log_dir() -> Path:
    return user_data_dir() / "logs"
