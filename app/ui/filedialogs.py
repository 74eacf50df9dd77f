"""Every file dialog of the app: open one file, open several, save one.

Two rules live here, so that no dialog can break them:

- **Nothing in a dialog opens a file.** Qt's file dialog asks its icon provider for
  each file's icon and type, and Qt's provider finds them by reading the first bytes of
  every file without a known extension (MIME sniffing) — ``x.db-wal`` and ``x.db-shm``
  among them. Opening and closing those drops the database's POSIX locks (see
  ``app.store.db``): a second program then deletes the WAL under the app and every save
  fails. ``NameOnlyIcons`` decides from the name alone. Where POSIX locks are used
  (Linux, macOS) the dialog is Qt's own, with that provider: a platform dialog running
  in the app's process (GTK's) sniffs contents the same way.
- **Dialogs start in the user's Documents folder** (then wherever the last one was left
  during this run), never in the current folder, which may be the app's own.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from PySide6.QtCore import QFileInfo, QStandardPaths
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QWidget

_last_folder: str | None = None
POSIX_LOCKS = sys.platform != "win32"  # Windows locks files another way (LockFileEx)


class NameOnlyIcons(QAbstractFileIconProvider):
    """Icons and type names from a file's name and kind, never from its contents."""

    def __init__(self) -> None:
        super().__init__()
        style = QApplication.style()
        self._file = style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        self._folder = style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        self._drive = style.standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon)
        self._computer = style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)

    def icon(self, what: object) -> QIcon:  # (QAbstractFileIconProvider.IconType | QFileInfo)
        kinds = QAbstractFileIconProvider.IconType
        if isinstance(what, QFileInfo):
            if what.isRoot():
                return self._drive
            return self._folder if what.isDir() else self._file
        if what == kinds.Computer:
            return self._computer
        if what in (kinds.Drive, kinds.Network):
            return self._drive
        return self._folder if what in (kinds.Folder, kinds.Desktop, kinds.Trashcan) \
            else self._file

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


_icons: NameOnlyIcons | None = None


def name_only_icons() -> NameOnlyIcons:
    global _icons
    if _icons is None:
        _icons = NameOnlyIcons()
    return _icons


def documents_folder() -> str:
    """The user's Documents folder (their home folder if there is none)."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and os.path.isdir(docs):
        return docs
    return str(Path.home())


def start_folder() -> str:
    if _last_folder and os.path.isdir(_last_folder):
        return _last_folder
    return documents_folder()


def remember(folder: str | None) -> None:
    """Start the next dialog in ``folder`` (None: in Documents again)."""
    global _last_folder
    _last_folder = folder


def make_dialog(parent: QWidget | None, title: str, filters: str, mode: str,
                name: str = "", folder: str | None = None) -> QFileDialog:
    """The app's file dialog (``mode``: open, open_many or save), not yet shown."""
    d = QFileDialog(parent, title, folder or start_folder(), filters)
    d.setObjectName("closeReaderFileDialog")
    if POSIX_LOCKS:
        d.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        d.setIconProvider(name_only_icons())
    if mode == "save":
        d.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        d.setFileMode(QFileDialog.FileMode.AnyFile)
        ext = re.search(r"\*\.(\w+)", filters)
        if ext:  # "grades" is saved as grades.csv
            d.setDefaultSuffix(ext.group(1))
        if name:
            d.selectFile(name)
    else:
        d.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        d.setFileMode(QFileDialog.FileMode.ExistingFiles if mode == "open_many"
                      else QFileDialog.FileMode.ExistingFile)
    return d


def _run(d: QFileDialog) -> list[str]:
    """Show the dialog and wait: the files chosen, or [] (the one place a file dialog
    runs: tests answer for the user here)."""
    if not d.exec():
        return []
    chosen = d.selectedFiles()
    if chosen:
        remember(os.path.dirname(chosen[0]))
    return chosen


def open_file(parent: QWidget | None, title: str, filters: str) -> str:
    """A file to read, or "" when the dialog was cancelled."""
    chosen = _run(make_dialog(parent, title, filters, "open"))
    return chosen[0] if chosen else ""


def choose_folder(parent: QWidget | None, title: str) -> str:
    """A folder to write into, or "" when the dialog was cancelled."""
    d = make_dialog(parent, title, "", "open")
    d.setFileMode(QFileDialog.FileMode.Directory)
    d.setOption(QFileDialog.Option.ShowDirsOnly, True)
    chosen = _run(d)
    if chosen:
        remember(chosen[0])
    return chosen[0] if chosen else ""


def open_files(parent: QWidget | None, title: str, filters: str) -> list[str]:
    return _run(make_dialog(parent, title, filters, "open_many"))


def save_file(parent: QWidget | None, title: str, name: str, filters: str,
              confirm_overwrite: bool = True, folder: str | None = None) -> str:
    """Where to write, or "" when the dialog was cancelled. ``name`` is the file name
    offered, in ``folder`` (default: the start folder)."""
    d = make_dialog(parent, title, filters, "save", name, folder)
    if not confirm_overwrite:
        d.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
    chosen = _run(d)
    return chosen[0] if chosen else ""
