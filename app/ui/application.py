"""Starting the app: the QApplication, fonts, palette, the main window, and the ways out
when the database cannot be opened. ``create_main_window`` is the public entry."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import paths
from app.store.db import StoreError
from app.ui.fonts import base_point_size, register_fonts, set_app_font, ui_font
from app.ui.main_window import MainWindow
from app.ui.theme import (
    ERROR_DARK,
    ERROR_LIGHT,
    SCROLL_HANDLE_DARK,
    SCROLL_HANDLE_LIGHT,
    apply_palette,
    is_dark,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QWidget

# the message boxes below (and logging, traceback) load when one is needed: the library
# shows without them


STYLE = """
QLabel#lessonTitle { margin: 4px 0 2px 0; }
QLabel#sourceLine { color: palette(placeholder-text); }
QLabel#instructions { background: palette(alternate-base); border-radius: 6px; padding: 8px; }
QLabel#error { color: ERROR_COLOUR; }
QPushButton { padding: 6px 14px; }
QPushButton#primary { font-weight: 600; }
QListWidget::item { padding: 6px 4px; border-bottom: 1px solid palette(midlight); }
QListWidget::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QListView, QListWidget { border: 1px solid palette(mid); border-radius: 6px; }
QToolBar { border: none; spacing: 4px; padding: 4px 0; }
QTextEdit { border: 1px solid palette(mid); border-radius: 6px; }
*:focus { outline: none; }
QListView:focus, QListWidget:focus, QTextEdit:focus, QLineEdit:focus {
    border: 2px solid palette(highlight); }
QScrollBar { background: transparent; margin: 0; }
QScrollBar:vertical { width: 14px; }
QScrollBar:horizontal { height: 14px; }
QScrollBar::handle { background: SCROLL_HANDLE; border-radius: 4px; margin: 3px; }
QScrollBar::handle:vertical { min-height: 24px; }
QScrollBar::handle:horizontal { min-width: 24px; }
QScrollBar::handle:hover, QScrollBar::handle:pressed { background: palette(highlight); }
QScrollBar::handle:disabled { background: transparent; }
QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; border: none; }
QScrollBar::add-page, QScrollBar::sub-page { background: none; }
"""
# the scroll bars: a flat handle, 3:1 or more against the window and the page (WCAG
# 2.1 1.4.11), no arrow buttons (clicking the track pages, the keys scroll). Fusion's
# own bar, gradients and arrows, took 1.5-3.8 ms to paint, twice before the library
# first shows; this one 0.02 ms.


def ensure_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    if not app.property("close_reader_ready"):
        app.setApplicationName("Close Reader")
        app.setOrganizationName("Close Reader")
        app.setWindowIcon(app_icon())
        app.setDesktopFileName("close-reader")  # Wayland: the desktop entry's icon
        register_fonts()
        base_point_size()  # remember the system's size before the app sets its own
        dark = is_dark(app.palette()) or _system_prefers_dark(app)
        apply_palette(app, dark)
        app.setProperty("close_reader_style", style_sheet(dark))
        set_app_font(ui_font(1.0))  # the style sheet, with headings at the normal size
        app.setProperty("close_reader_ready", True)
    return app


def app_icon() -> QIcon:
    """The app's icon (assets/icons, made from one SVG by packaging/make_icons.py)."""
    icon = QIcon()
    for f in paths.icon_files():
        icon.addFile(str(f))
    return icon


def style_sheet(dark: bool) -> str:
    """The app's style sheet in the light or the dark scheme (headings are added by
    ``fonts.set_app_font``)."""
    return (STYLE.replace("ERROR_COLOUR", ERROR_DARK if dark else ERROR_LIGHT)
            .replace("SCROLL_HANDLE", SCROLL_HANDLE_DARK if dark else SCROLL_HANDLE_LIGHT))


def _system_prefers_dark(app: QApplication) -> bool:
    try:
        return app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    except AttributeError:
        return False


def create_main_window(db_path: str | Path, student: str | None = None) -> MainWindow:
    """The main window on that database, not yet shown (formats.md's entry point)."""
    from app.services.open_db import open_library

    ensure_application()
    return MainWindow(open_library(db_path), student=student)


def run_app(db_path: Path, student: str | None = None, pack: Path | None = None) -> int:
    """The app; with ``pack`` (a ``.crpack`` opened from the file manager), its import
    preview in instructor mode once the window is up (``app.ui.file_open``)."""
    import os

    from app.ui.file_open import PackOpener

    app = ensure_application()
    _install_crash_handler()
    # the file dialogs open in, and relative names land in, the user's own folders,
    # never the install folder a menu started the program in (paths.start_folder)
    db_path = Path(db_path).absolute()
    pack = Path(pack).absolute() if pack else None
    os.chdir(paths.start_folder())
    while True:
        try:
            win = create_main_window(db_path, student)
            break
        except StoreError as e:
            choice = _database_problem(e)
            if choice is None:
                return 1
            db_path = choice
    win.show()
    show_store_warnings(win, win.repo)
    opener = PackOpener(win)  # also the packs macOS's Finder sends while the app runs
    if pack is not None:
        opener.open_later(pack)
    started()
    return app.exec()


def started() -> None:
    """The window is up: what start-up made lives as long as the app, so it moves to
    the permanent generation, which the collector never scans again (each full
    collection would; see ``app.ui.operations._resume_gc``), and collecting resumes
    (``app.cli.main`` paused it). Start-up leaves ~360 objects of cyclic garbage
    (measured: a collection here frees 359 and costs 6-14 ms); they stay."""
    import gc

    gc.freeze()
    gc.enable()


def _database_problem(e: StoreError) -> Path | None:
    """Explain; offer to open another database or restore a backup. Returns the path to try."""
    from PySide6.QtWidgets import QMessageBox

    from app.store.db import list_backups, restore_backup
    from app.ui.filedialogs import save_file

    box = QMessageBox(QMessageBox.Icon.Warning, "Close Reader cannot open its database", str(e))
    box.setTextFormat(Qt.TextFormat.PlainText)  # a path or a name is not markup
    other = box.addButton("Open another database…", QMessageBox.ButtonRole.AcceptRole)
    backups = list_backups(e.path) if e.path else []
    restore = (box.addButton("Restore the latest backup", QMessageBox.ButtonRole.ActionRole)
               if backups and e.kind in ("corrupt", "newer", "error") else None)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is other:
        name = save_file(None, "Open or create a database", "close-reader.db",
                         "Close Reader database (*.db)", confirm_overwrite=False,
                         folder=str(paths.user_data_dir()))
        return Path(name) if name else None
    if restore is not None and box.clickedButton() is restore and e.path:
        restore_backup(backups[0], e.path)
        return e.path
    return None


def show_store_warnings(parent: QWidget | None, repo) -> QMessageBox | None:  # noqa: ANN001
    """What the store warns about on opening (a database on a network drive), once."""
    warnings = getattr(repo.database, "warnings", ())
    if not warnings:
        return None
    from PySide6.QtWidgets import QMessageBox
    box = QMessageBox(QMessageBox.Icon.Warning, "Close Reader: database on a network drive",
                      "\n\n".join(w.message for w in warnings), QMessageBox.StandardButton.Ok,
                      parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.open()  # not exec(): no nested event loop
    _open_boxes.append(box)
    box.finished.connect(lambda _=0, b=box: _open_boxes.remove(b))
    return box


_open_boxes: list[QMessageBox] = []


def report_store_fault(exc: BaseException, parent: QWidget | None = None) -> QMessageBox | None:
    """A database fault met while the app runs (locked past the busy timeout, disk full,
    a damaged row) as one dialog that says what to do — not a traceback. Returns the
    dialog, or None when ``exc`` is not such a fault. While one such dialog is open,
    further faults (the autosave timer retrying) add no second one."""
    from app.store.db import store_fault

    fault = store_fault(exc)
    if fault is None:
        return None
    import logging

    from PySide6.QtWidgets import QMessageBox

    logging.getLogger("close_reader").warning("database fault: %s", fault)
    if any(b.property("store_fault") for b in _open_boxes):
        return _open_boxes[-1]
    titles = {"locked": "The database is busy", "full": "The disk is full",
              "damaged": "Part of the database is damaged"}
    box = QMessageBox(QMessageBox.Icon.Warning, titles.get(fault.kind, "Close Reader could "
                      "not use its database"), str(fault), QMessageBox.StandardButton.Ok,
                      parent or QApplication.activeWindow())
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setProperty("store_fault", fault.kind)
    box.open()
    _open_boxes.append(box)
    box.finished.connect(lambda _=0, b=box: _open_boxes.remove(b))
    return box


def _install_crash_handler() -> None:
    def hook(exc_type, exc, tb) -> None:  # noqa: ANN001
        if report_store_fault(exc) is not None:
            return
        import traceback

        from PySide6.QtWidgets import QMessageBox

        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log_file = paths.log_dir() / "crash.log"
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            with log_file.open("a", encoding="utf-8") as f:
                f.write(text + "\n")
        except OSError:
            log_file = None  # type: ignore[assignment]
        sys.__stderr__ and sys.__stderr__.write(text)
        where = f"\n\nDetails were saved to {log_file}." if log_file else ""
        box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong",
                          "Close Reader hit an unexpected problem. Your highlights are saved "
                          f"as you go, so little or nothing is lost.{where}\n\n{exc}")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    sys.excepthook = hook
