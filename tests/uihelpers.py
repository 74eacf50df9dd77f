"""Finding widgets and actions the way a screen reader or an acceptance test does."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget


def by_name(root: QWidget, name: str) -> QWidget:
    found = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert found, f"no widget with accessible name {name!r}"
    visible = [w for w in found if w.isVisible()] or found
    return visible[0]


def action(root: QWidget, text: str) -> QAction:
    found = [a for a in root.findChildren(QAction) if a.text() == text]
    assert found, f"no action {text!r}"
    return found[0]


def accept_next_dialog(key_return: bool = True) -> None:
    """Press Return on the next modal dialog (e.g. the submit confirmation)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    def go() -> None:
        w = QApplication.activeModalWidget()
        if w is None:
            QTimer.singleShot(20, go)
            return
        QTest.keyClick(w, Qt.Key.Key_Return)

    QTimer.singleShot(20, go)


def labels_text(root: QWidget) -> str:
    from PySide6.QtWidgets import QLabel

    return "\n".join(lb.text() for lb in root.findChildren(QLabel))


def on_next_dialog(fn, after: QWidget | None = None) -> None:  # noqa: ANN001
    """Run ``fn(dialog)`` on the next modal dialog (other than ``after``) once shown."""

    def go() -> None:
        w = QApplication.activeModalWidget()
        if w is None or w is after or not w.isVisible():
            QTimer.singleShot(20, go)
            return
        fn(w)

    QTimer.singleShot(20, go)


def student_window(qtbot, db_path, pack, student: str = "Ana P.",  # noqa: ANN001
                   size: tuple[int, int] | None = (1280, 800), active: bool = False):
    """The app's main window, shown for ``student``, on a new database holding ``pack``
    (a pack file's path, or a pack as parsed JSON); ``active``: wait until it has focus."""
    from app.core.packs import parse_pack, read_pack
    from app.services.library import import_pack
    from app.store.repo import open_repo
    from app.ui import create_main_window

    r = open_repo(db_path)
    import_pack(r, parse_pack(pack) if isinstance(pack, dict) else read_pack(pack))
    r.database.close()
    w = create_main_window(db_path, student=student)
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    w.show()
    if active:
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow, timeout=10_000)
    return w
