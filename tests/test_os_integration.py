"""What the installed app does on each system: the user's folders (never the install
folder), fonts for PDF reports found in Windows' and macOS's layouts, the icon made from
one SVG, and a ``.crpack`` opened from the file manager going through the import preview
behind the instructor password."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import paths
from app.services.results import fontfinder

ROOT = Path(__file__).resolve().parent.parent
DEVANAGARI = "नमस्ते"


# -- the user's folders ------------------------------------------------------------------
def test_data_folder_follows_each_systems_convention(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Users" / "ana" / "AppData" / "Local"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "Users" / "ana" / "AppData" / "Roaming"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    import platformdirs.windows as pw  # off Windows, the folders come from the variables

    monkeypatch.setattr(pw, "get_win_folder", pw.get_win_folder_from_env_vars)
    win = paths.data_dir_for("win32")
    assert win == tmp_path / "Users" / "ana" / "AppData" / "Local" / "CloseReader"  # not roaming
    mac = paths.data_dir_for("darwin")
    assert mac == tmp_path / "home" / "Library" / "Application Support" / "CloseReader"
    assert paths.data_dir_for("linux") == tmp_path / "home" / ".local" / "share" / "CloseReader"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.data_dir_for("linux") == tmp_path / "xdg" / "CloseReader"


def test_start_folder_is_never_the_install_folder_or_the_root(tmp_path, monkeypatch):
    docs = tmp_path / "Documents"
    docs.mkdir()
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(docs))
    mine = tmp_path / "work"
    mine.mkdir()
    assert paths.start_folder(mine) == mine.resolve()
    assert paths.start_folder(Path("/")) == docs  # a macOS app started from Finder
    install = tmp_path / "Program Files" / "Close Reader"
    install.mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(install / "close-reader.exe"))
    assert paths.start_folder(install) == docs  # a Start menu shortcut's working folder
    assert paths.start_folder(mine) == mine.resolve()
    shutil.rmtree(docs)
    assert paths.start_folder(install) == Path.home()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_read_only_program_folder_runs_and_is_left_as_it_was(tmp_path):
    """The app run from a copy of the program that nobody may write to (as an installed
    copy is for students): it starts, opens its library, writes only in the user's
    folders, and the program folder is file for file what it was (root ignores the
    permissions, so the comparison is what proves it; .ci/run also runs the installed
    package as an ordinary user)."""
    prog = tmp_path / "prog"
    for part in ("app", "lessons", "assets"):
        shutil.copytree(ROOT / part, prog / part,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for p in [*prog.rglob("*"), prog]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    before = sorted((str(p.relative_to(prog)), p.stat().st_size, p.stat().st_mtime_ns)
                    for p in prog.rglob("*"))
    home = tmp_path / "home"
    home.mkdir()
    # no __pycache__ (root could write one; a frozen bundle has no .py files to cache)
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(prog), "PYTHONDONTWRITEBYTECODE": "1"}
    for var in ("CLOSE_READER_DB", "XDG_DATA_HOME"):
        env.pop(var, None)
    where = subprocess.run([sys.executable, "-c", "import app; print(app.__file__)"],
                           cwd=str(prog), env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).parent == prog / "app"
    r = subprocess.run([sys.executable, "-m", "app", "selftest"], cwd=str(prog), env=env,
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1])["lessons"] > 0
    r = subprocess.run([sys.executable, "-m", "app", "lessons", "list"], cwd=str(prog),
                       env=env, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0 and r.stdout.strip(), r.stderr
    assert (home / ".local" / "share" / "CloseReader" / "close-reader.db").is_file()
    after = sorted((str(p.relative_to(prog)), p.stat().st_size, p.stat().st_mtime_ns)
                   for p in prog.rglob("*"))
    assert after == before
    for p in [*prog.rglob("*"), prog]:
        p.chmod(0o755 if p.is_dir() else 0o644)  # so that pytest can remove it


# -- fonts for PDF reports ---------------------------------------------------------------
def _a_devanagari_font() -> Path:
    found = [f for f in fontfinder.find_fonts(DEVANAGARI)]
    if not found:
        pytest.skip("no Devanagari font on this machine (CI installs fonts-lohit-deva)")
    return found[0].path


@pytest.fixture
def no_fontconfig(monkeypatch):
    """Windows and macOS have no fc-match: the font folders are scanned instead."""
    font = _a_devanagari_font()
    monkeypatch.setattr(fontfinder.shutil, "which", lambda name: None)
    fontfinder._scanned.cache_clear()
    yield font
    fontfinder._scanned.cache_clear()


def _lay_out(folder: Path, font: Path | None = None, name: str = "") -> Path:
    """A font folder with a Latin font, a broken file and, given, ``font`` as ``name``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "assets" / "fonts" / "DejaVuSans.ttf", folder / "arial.ttf")
    (folder / "broken.ttf").write_bytes(b"not a font at all")
    return Path(shutil.copy(font, folder / name)) if font else folder


def test_fonts_found_in_a_windows_layout(tmp_path, monkeypatch, no_fontconfig):
    windir = tmp_path / "C" / "Windows"
    placed = _lay_out(windir / "Fonts", no_fontconfig, "NIRMALA.TTF")  # upper case, as there
    local = tmp_path / "C" / "Users" / "ana" / "AppData" / "Local"
    user_fonts = _lay_out(local / "Microsoft" / "Windows" / "Fonts")
    env = {"WINDIR": str(windir), "LOCALAPPDATA": str(local)}
    folders = fontfinder.font_folders("win32", home=tmp_path / "C" / "Users" / "ana", env=env)
    assert folders == [windir / "Fonts", user_fonts]
    monkeypatch.setattr(fontfinder, "font_folders", lambda: folders)
    fonts = fontfinder.find_fonts(DEVANAGARI)
    assert fonts and fonts[0].path == placed
    assert all(ord(c) in fontfinder.font_cmap(fonts[0]) for c in DEVANAGARI)
    # a font a user installed for themselves (no admin rights) is found as well
    placed.unlink()
    mine = Path(shutil.copy(no_fontconfig, user_fonts / "Lohit Devanagari.ttf"))
    fontfinder._scanned.cache_clear()
    assert [f.path for f in fontfinder.find_fonts(DEVANAGARI)] == [mine]


def test_fonts_found_in_a_macos_layout(tmp_path, monkeypatch, no_fontconfig):
    system = tmp_path / "mac"
    home = system / "Users" / "ana"
    _lay_out(system / "System" / "Library" / "Fonts", no_fontconfig, "Helvetica.ttf")
    downloaded = (system / "System" / "Library" / "AssetsV2"
                  / "com_apple_MobileAsset_Font7" / "abc123.asset" / "AssetData")
    placed = _lay_out(downloaded, no_fontconfig, "Kohinoor.ttf")  # Devanagari, downloaded
    (system / "Library" / "Fonts").mkdir(parents=True)
    folders = fontfinder.font_folders("darwin", home=home, env={}, system=system)
    assert folders == [system / "System" / "Library" / "Fonts",
                       system / "System" / "Library" / "AssetsV2"
                       / "com_apple_MobileAsset_Font7", system / "Library" / "Fonts"]
    monkeypatch.setattr(fontfinder, "font_folders", lambda: folders)
    # Helvetica.ttf is itself a copy of a Devanagari font here: the scan prefers the first
    # folder; take it out to see the downloaded one found too
    (system / "System" / "Library" / "Fonts" / "Helvetica.ttf").unlink()
    fonts = fontfinder.find_fonts(DEVANAGARI)
    assert fonts and fonts[0].path == placed


def test_fonts_found_in_a_linux_layout_without_fontconfig(tmp_path, monkeypatch,
                                                          no_fontconfig):
    system = tmp_path / "linux"
    placed = _lay_out(system / "usr" / "share" / "fonts" / "truetype" / "lohit",
                      no_fontconfig, "Lohit-Devanagari.ttf")
    folders = fontfinder.font_folders("linux", home=tmp_path / "home", env={}, system=system)
    assert folders == [system / "usr" / "share" / "fonts"]
    monkeypatch.setattr(fontfinder, "font_folders", lambda: folders)
    assert [f.path for f in fontfinder.find_fonts(DEVANAGARI)] == [placed]


# -- the icon -----------------------------------------------------------------------------
def test_icon_files_are_made_from_the_svg(tmp_path, qapp):
    """The committed icon files are what packaging/make_icons.py makes of the SVG now
    (sizes, containers, and the same picture), and the app sets them as its icon."""
    from PIL import Image

    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import make_icons
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    fresh = make_icons.make(tmp_path)
    icons = ROOT / "assets" / "icons"
    for f in fresh:
        assert (icons / f.name).is_file(), f"{f.name} is not committed: run make_icons.py"
    def rgba(path: Path) -> Image.Image:
        with Image.open(path) as im:
            return im.convert("RGBA")

    for size in make_icons.PNG_SIZES:
        committed = rgba(icons / f"close-reader-{size}.png")
        new = rgba(tmp_path / f"close-reader-{size}.png")
        assert committed.size == (size, size)
        worst = max(abs(a - b) for a, b in zip(committed.tobytes(), new.tobytes(),
                                                strict=True))
        assert worst <= 8, f"close-reader-{size}.png differs from the SVG: run make_icons.py"
    with Image.open(icons / "close-reader.ico") as ico:
        assert sorted(ico.info["sizes"]) == [(s, s) for s in make_icons.ICO_SIZES]
        ico.size = (16, 16)  # a bitmap entry, decoded: the tile's blue, not transparent
        assert ico.convert("RGBA").getpixel((8, 2))[2] > 100
    with Image.open(icons / "close-reader.icns") as icns:
        assert (512, 512, 2) in icns.info["sizes"] and (16, 16, 1) in icns.info["sizes"]
    assert [int(p.stem.rsplit("-", 1)[1]) for p in paths.icon_files()] == list(
        make_icons.PNG_SIZES)
    from app.ui.application import ensure_application

    app = ensure_application()
    sizes = {(s.width(), s.height()) for s in app.windowIcon().availableSizes()}
    assert {(16, 16), (32, 32), (256, 256), (512, 512)} <= sizes


# -- a pack opened from the file manager --------------------------------------------------
def test_crpack_on_the_command_line(tmp_path):
    from app.cli import _pack_argument, main

    assert _pack_argument(["--db", "x.db", "Unit 3.CRPACK"]) == (Path("Unit 3.CRPACK"),
                                                                  ["--db", "x.db"])
    words = ["lessons", "import", "a.crpack"]
    assert _pack_argument(words) == (None, words)  # a command reads its own words
    assert main(["--db", str(tmp_path / "x.db"), str(tmp_path / "missing.crpack")]) == 1


@pytest.fixture
def pack_window(qtbot, db_path, monkeypatch):
    """The main window as a file-manager start makes it, with the spaCy worker run in the
    test's process (instructor mode would start a worker process)."""
    from app.ui import create_main_window
    from app.ui.instructor import window as ins_window
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor

    monkeypatch.setattr(ins_window, "SuggestionWorker",
                        lambda parent=None: SuggestionWorker(SyncExecutor(), parent))
    w = create_main_window(db_path)
    qtbot.addWidget(w)
    w.show()
    yield w
    ins = getattr(w, "instructor", None)
    from shiboken6 import isValid

    if ins is not None and isValid(ins):
        ins.close()


def _hand_written_pack(tmp_path: Path) -> Path:
    text = "The mayor said the plan is a disaster, according to people familiar with it."
    pack = {"format": "close-reader/lesson-pack", "version": 1, "lessons": [
        {"id": "opened-from-files", "title": "Opened from the file manager", "text": text,
         "key": [{"start": text.index("a disaster"), "end": text.index("a disaster") + 10,
                  "label": "loaded_language",
                  "quote": "a disaster", "explanation": "A loaded word."}]}]}
    p = tmp_path / "Unit 3.crpack"
    p.write_text(json.dumps(pack), encoding="utf-8")
    return p


def test_opened_pack_is_previewed_behind_the_password_then_imported(qtbot, pack_window,
                                                                    tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QListWidget

    from app.ui.file_open import PackOpener
    from tests.uihelpers import on_next_dialog

    pack = _hand_written_pack(tmp_path)
    seen: dict[str, object] = {}

    def password(d) -> None:  # noqa: ANN001 - first use: choose one
        seen["password_title"] = d.windowTitle()
        for f in d.findChildren(QLineEdit)[:2]:
            f.setText("teacher-pass")
        d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        on_next_dialog(preview, after=d)

    def preview(d) -> None:  # noqa: ANN001
        assert d.windowTitle().startswith("Import "), d.findChild(QLabel).text()
        seen["preview_title"] = d.windowTitle()
        lst = d.findChild(QListWidget)
        seen["rows"] = [lst.item(i).text() for i in range(lst.count())]
        seen["imported_before_ok"] = "opened-from-files" in pack_window.repo.lesson_ids()
        d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    on_next_dialog(password)
    PackOpener(pack_window).open_later(pack)
    qtbot.waitUntil(lambda: "opened-from-files" in pack_window.repo.lesson_ids(),
                    timeout=60_000)
    assert seen["password_title"] == "Choose the instructor password"
    assert seen["preview_title"] == "Import Unit 3.crpack"
    assert seen["rows"] == ["Opened from the file manager  [opened-from-files] — new, practice, "
                            "key of 1 span"]
    assert seen["imported_before_ok"] is False


def test_opened_pack_stays_out_when_the_password_is_refused(qtbot, pack_window, tmp_path):
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    from app.core.password import SETTING, hash_password
    from app.ui.file_open import PackOpener
    from tests.uihelpers import on_next_dialog

    pack = _hand_written_pack(tmp_path)
    pack_window.repo.set_setting(SETTING, hash_password("teacher-pass"))
    PackOpener(pack_window)
    asked = []

    def refuse(d) -> None:  # noqa: ANN001 - a student who double-clicked the pack
        asked.append(d.windowTitle())
        d.reject()

    on_next_dialog(refuse)
    # as macOS's Finder hands the running app a file
    QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(pack)))
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    qtbot.waitUntil(lambda: "needs instructor mode" in pack_window.statusBar().currentMessage(),
                    timeout=10_000)
    assert asked == ["Instructor mode"]
    assert "opened-from-files" not in pack_window.repo.lesson_ids()
