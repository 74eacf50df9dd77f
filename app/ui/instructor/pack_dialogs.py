"""Lesson packs in the app: export chosen lessons (with or without keys); import a pack
after a preview of what it adds or replaces."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.packs import Pack, read_pack
from app.services.library import Tokenizer
from app.store.repo import Repo

PACK_FILTER = "Lesson packs (*.crpack *.json);;All files (*)"


class ImportPreview(QDialog):
    def __init__(self, parent: QWidget | None, pack: Pack, existing: set[str],
                 name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {name}")
        self.resize(640, 420)
        clash = [le for le in pack.lessons if le.id in existing]
        lst = QListWidget()
        lst.setAccessibleName("Lessons in the pack")
        for le in pack.lessons:
            what = "replaces the lesson already here" if le.id in existing else "new"
            key = "with key" if le.key is not None else "no key"
            lst.addItem(f"{le.title}  [{le.id}] — {what}, {key}")
        self.replace_box = QCheckBox(f"Replace the {len(clash)} lesson(s) that already exist")
        self.replace_box.setVisible(bool(clash))
        info = QLabel(f"This pack holds {len(pack.lessons)} lesson(s). Nothing is written "
                      "unless all of them can be imported.")
        info.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not clash)
        self.replace_box.toggled.connect(ok.setEnabled)
        lay = QVBoxLayout(self)
        lay.addWidget(info)
        lay.addWidget(lst, 1)
        lay.addWidget(self.replace_box)
        lay.addWidget(self.buttons)


def import_pack_interactive(parent: QWidget, repo: Repo, path: str | None = None,
                            compute: Tokenizer | None = None) -> list[str]:
    from app.services.library import import_pack

    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "Import a lesson pack", "", PACK_FILTER)
        if not path:
            return []
    try:
        pack = read_pack(path)
    except UserError as e:
        QMessageBox.warning(parent, "This pack cannot be imported", str(e))
        return []
    d = ImportPreview(parent, pack, set(repo.lesson_ids()), path.rsplit("/", 1)[-1])
    if d.exec() != QDialog.DialogCode.Accepted:
        return []
    try:
        ids = import_pack(repo, pack, replace_existing=d.replace_box.isChecked(),
                          compute=compute)
    except UserError as e:
        QMessageBox.warning(parent, "This pack cannot be imported", str(e))
        return []
    from app.services.grading import regrade_stale

    regrade_stale(repo)
    return ids


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None, lessons: list[tuple[str, str]],
                 chosen: set[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export lessons")
        self.resize(560, 420)
        self.list = QListWidget()
        self.list.setAccessibleName("Lessons to export")
        for lid, title in lessons:
            it = QListWidgetItem(title)
            it.setData(Qt.ItemDataRole.UserRole, lid)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if lid in chosen or not chosen
                             else Qt.CheckState.Unchecked)
            self.list.addItem(it)
        self.keys = QCheckBox("Include the answer keys (for another instructor; leave this "
                              "off for students' machines)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Choose the lessons for the pack:"))
        lay.addWidget(self.list, 1)
        lay.addWidget(self.keys)
        lay.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]


def export_interactive(parent: QWidget, repo: Repo, chosen: set[str]) -> str | None:
    from app.services.library import export_pack

    d = ExportDialog(parent, [(s.id, s.title) for s in repo.list_lessons()], chosen)
    if d.exec() != QDialog.DialogCode.Accepted or not d.chosen():
        return None
    path, _ = QFileDialog.getSaveFileName(parent, "Save the lesson pack", "lessons.crpack",
                                          PACK_FILTER)
    if not path:
        return None
    try:
        export_pack(repo, d.chosen(), path, include_keys=d.keys.isChecked())
    except (UserError, OSError) as e:
        QMessageBox.warning(parent, "Could not export", str(e))
        return None
    return path
