"""Fonts on this computer for characters the bundled DejaVu fonts lack (CJK,
Devanagari, Arabic, Thai…), so that a student's name prints in its own script.

fontconfig (``fc-match``) chooses a font per missing character where it is installed
(Linux, most BSDs); otherwise (Windows, macOS) the system's font folders are scanned
(``font_folders``). Every candidate is checked against its own character map: a font is only used
for characters it really has.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from app.core.record import record

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
_MAX_SCAN = 2000  # font files looked at when there is no fontconfig


@record
class FontFile:
    path: Path
    index: int = 0  # face number inside a .ttc collection


def font_folders(platform: str = sys.platform, home: Path | None = None,
                 env: Mapping[str, str] | None = None, system: Path = Path("/")) -> list[Path]:
    """Where fonts are installed on ``platform`` (those folders that exist), the system's
    own first. ``home``, ``env`` and ``system`` (the file system's root) stand in for the
    real ones in tests, so that each system's layout can be laid out in a temp folder.

    - Windows: ``%WINDIR%\\Fonts``, then the fonts a user installed without admin rights
      (``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``, Windows 10 1809 and later).
    - macOS: ``/System/Library/Fonts`` (with ``Supplemental/``), the fonts macOS
      downloads on demand (``/System/Library/AssetsV2/com_apple_MobileAsset_Font*``,
      where most CJK and Indic faces live), ``/Library/Fonts``, ``~/Library/Fonts``.
    - Linux, ChromeOS's Linux and the BSDs: the XDG folders (used only when fontconfig
      is missing: ``fc-match`` knows them better).
    """
    home = Path.home() if home is None else home
    env = os.environ if env is None else env
    folders: list[Path] = []
    if platform == "win32":
        windir = env.get("WINDIR") or env.get("SYSTEMROOT") or "C:/Windows"
        folders.append(Path(windir) / "Fonts")
        local = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
        folders.append(local / "Microsoft" / "Windows" / "Fonts")
    elif platform == "darwin":
        lib = system / "System" / "Library"
        folders += [lib / "Fonts"]
        assets = lib / "AssetsV2"
        if assets.is_dir():
            folders += sorted(assets.glob("com_apple_MobileAsset_Font*"))
        folders += [system / "Library" / "Fonts", home / "Library" / "Fonts"]
    else:
        data_home = env.get("XDG_DATA_HOME") or str(home / ".local" / "share")
        data_dirs = (env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
        folders += [system / d.lstrip("/") / "fonts" for d in data_dirs if d]
        folders += [Path(data_home) / "fonts", home / ".fonts"]
    seen: set[Path] = set()
    out = []
    for f in folders:
        if f not in seen and f.is_dir():
            seen.add(f)
            out.append(f)
    return out


@functools.lru_cache(maxsize=256)
def font_cmap(font: FontFile) -> frozenset[int]:
    """The code points ``font`` draws (empty when it cannot be read or has no outlines
    fpdf2 can embed, such as a bitmap-only colour emoji font)."""
    from fontTools.ttLib import TTFont

    try:  # the file opened here, so that a font TTFont refuses is closed all the same
        with open(font.path, "rb") as fh, TTFont(fh, fontNumber=font.index, lazy=True) as tt:
            if not any(t in tt for t in ("glyf", "CFF ", "CFF2")):
                return frozenset()
            return frozenset(tt.getBestCmap() or ())
    except Exception:  # noqa: BLE001 - a broken font file on the machine is just skipped
        return frozenset()


@functools.lru_cache(maxsize=4096)
def _fc_match(ch: str) -> FontFile | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{file}|%{index}", f":charset={ord(ch):x}"],
                             capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = out.strip().rpartition("|")
    if not path or not path.lower().endswith(FONT_SUFFIXES):
        return None
    return FontFile(Path(path), int(index) if index.isdigit() else 0)


@functools.lru_cache(maxsize=1)
def _scanned() -> tuple[FontFile, ...]:
    """Font files in the font folders, regular faces first."""
    found: list[Path] = []
    for folder in font_folders():
        for root, _dirs, files in os.walk(folder):
            found += [Path(root) / f for f in files if f.lower().endswith(FONT_SUFFIXES)]
            if len(found) >= _MAX_SCAN:
                break

    def rank(p: Path) -> tuple[int, str]:
        n = p.stem.lower()
        styled = any(w in n for w in ("bold", "italic", "oblique", "light", "thin", "black",
                                      "condensed", "mono"))
        return (styled, n)

    return tuple(FontFile(p) for p in sorted(found, key=rank))


def find_fonts(chars: Iterable[str], exclude: Iterable[FontFile] = ()) -> list[FontFile]:
    """Fonts that between them draw as many of ``chars`` as this computer can, chosen per
    missing character (fontconfig's choice first, else the first scanned font that has
    it). Characters no font has are simply not covered."""
    todo = sorted(set(chars))
    skip = set(exclude)
    chosen: list[FontFile] = []
    use_fc = shutil.which("fc-match") is not None
    while todo:
        ch = todo[0]
        font = _fc_match(ch) if use_fc else None
        if font is None:  # no fontconfig (or it failed): look in the font folders
            font = next((f for f in _scanned() if ord(ch) in font_cmap(f)), None)
        elif ord(ch) not in font_cmap(font):
            font = None  # fontconfig's best match lacks it: no font here has it
        if font is None or font in skip:
            todo.pop(0)
            continue
        cmap = font_cmap(font)
        chosen.append(font)
        skip.add(font)
        todo = [c for c in todo if ord(c) not in cmap]
    return chosen
