"""Lesson packs handed to the app by the system: a ``.crpack`` double-clicked in the file
manager, or opened with Close Reader.

Windows and Linux start ``close-reader FILE.crpack`` (the installer's and the desktop
entry's association; ``app.cli`` takes the file off the command line); macOS sends the
running app a file-open event instead (Finder, the Dock), at start-up as well. Either way
the pack goes through instructor mode exactly as *Import lesson pack…* does: the password
first, then the preview of what the pack adds or replaces; nothing is imported until the
instructor confirms it there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

PACK_SUFFIX = ".crpack"


def offer_pack(win, path: Path) -> bool:  # noqa: ANN001 - app.ui.main_window.MainWindow
    """Open instructor mode on ``win`` (behind its password, unless it is open already)
    and preview importing ``path``. False when instructor mode stayed locked."""
    from shiboken6 import isValid

    ins = getattr(win, "instructor", None)
    if ins is not None and isValid(ins):
        ins.raise_()  # open already: bring it forward
        ins.activateWindow()
    else:
        win.open_instructor()
        ins = getattr(win, "instructor", None)
        if ins is None or not isValid(ins):
            win.statusBar().showMessage(f"{path.name} was not imported: importing a lesson "
                                        "pack needs instructor mode.", 15000)
            return False
    ins.import_pack(str(path))
    return True


class PackOpener(QObject):
    """Previews the packs the system asks the app to open (see the module's text)."""

    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def open_later(self, path: Path) -> None:
        """Once the event loop runs (the window painted first, the dialogs on top)."""
        QTimer.singleShot(0, self, lambda: offer_pack(self.win, path))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FileOpen and obj is QApplication.instance():
            name = event.file()  # type: ignore[attr-defined] - a QFileOpenEvent
            if name and name.lower().endswith(PACK_SUFFIX):
                self.open_later(Path(name))
                return True
        return False
