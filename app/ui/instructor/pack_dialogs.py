"""Lesson packs in the app: export chosen lessons (with or without keys); import a pack
after a preview of what it adds or replaces."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.packs import Pack, read_pack
from app.services.library import ImportReport, import_pack_report
from app.store.repo import Repo
from app.ui.filedialogs import open_file, save_file
from app.ui.operations import Operation
from app.ui.plain import message_box, warn

PACK_FILTER = "Lesson packs (*.crpack *.json);;All files (*)"


class ImportPreview(QDialog):
    def __init__(self, parent: QWidget | None, pack: Pack, existing: set[str],
                 name: str, repo: Repo | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {name}")
        self.resize(640, 420)
        clash = [le for le in pack.lessons if le.id in existing]
        lst = QListWidget()
        lst.setAccessibleName("Lessons in the pack")
        for le in pack.lessons:
            what = "replaces the lesson already here" if le.id in existing else "new"
            n = len(le.key or ())
            key = ("no key" if le.key is None else "a key with no spans" if not n
                   else f"key of {n} span{'s' * (n != 1)}")
            lst.addItem(f"{le.title}  [{le.id}] — {what}, {le.mode}, {key}")
        self.replace_box = QCheckBox(f"Replace the {len(clash)} lesson(s) that already exist "
                                     "(keys, drafts and attempts move to the new text; a "
                                     "backup is taken first)")
        self.replace_box.setVisible(bool(clash))
        keyless = [le for le in clash if le.key is None]
        self.drop_keys_box = QCheckBox(f"Drop the stored key of the {len(keyless)} replaced "
                                       "lesson(s) that arrive without one")
        self.drop_keys_box.setVisible(bool(keyless))
        self.drop_keys_box.setEnabled(False)
        self.replace_box.toggled.connect(self.drop_keys_box.setEnabled)
        info = QLabel(f"This pack holds {len(pack.lessons)} lesson(s). Nothing is written "
                      "unless all of them can be imported.")
        info.setWordWrap(True)
        self.trust_box = QCheckBox()
        self.trust_box.setVisible(False)
        if pack.signed_by is not None and repo is not None:
            from app.services.trust import fingerprint_of
            from app.store.trust_repo import is_instructors, own_public_key, trusted_key

            fp = fingerprint_of(pack.signed_by)
            mine = pack.signed_by == own_public_key(repo)
            trusted = trusted_key(repo)
            self.trust_box.setText(
                f"Trust feedback signed by this pack's instructor key, {fp}, on this "
                "computer (compare it with Help › About on the teacher's computer)"
                + (f"; it replaces the key trusted now, {fingerprint_of(trusted)}"
                   if trusted is not None and trusted != pack.signed_by else ""))
            self.trust_box.setVisible(not mine and not is_instructors(repo)
                                      and trusted != pack.signed_by)
            info.setText(info.text() + (
                " It is signed by this database's own key." if mine else
                f" It is signed by the instructor key {fp}"
                + (", which this computer trusts." if trusted == pack.signed_by else ".")))
        else:
            info.setText(info.text() + " It is not signed.")
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
        lay.addWidget(self.drop_keys_box)
        lay.addWidget(self.trust_box)
        lay.addWidget(self.buttons)


def import_pack_interactive(window, path: str | None = None,  # noqa: ANN001
                            on_done: Callable[[ImportReport], object] | None = None) -> None:
    """Choose a pack, read it (in the background), preview it, import it (an operation
    in the window: tokenized in the spaCy worker process, stored in one transaction with
    the regrading it causes, a backup first when it replaces lessons)."""
    if path is None:
        path = open_file(window, "Import a lesson pack", PACK_FILTER)
        if not path:
            return
    name = str(path).replace("\\", "/").rsplit("/", 1)[-1]

    def read_failed(e: BaseException) -> None:
        if not isinstance(e, UserError):
            raise e
        window.notice = message_box(window, QMessageBox.Icon.Warning,
                                    "This pack cannot be imported", str(e))

    def preview(pack: Pack) -> None:
        d = ImportPreview(window, pack, set(window.repo.lesson_ids()), name, window.repo)
        if d.exec() != QDialog.DialogCode.Accepted:
            return
        replace = d.replace_box.isChecked()
        trust = d.trust_box.isVisibleTo(d) and d.trust_box.isChecked()
        drop = d.drop_keys_box.isChecked()
        compute = window.worker.token_bounds

        def work(repo: Repo) -> ImportReport:
            return import_pack_report(repo, pack, replace_existing=replace, compute=compute,
                                      drop_keys=drop and replace, regrade=True, trust=trust)

        window.run_op(work, "Importing the lesson pack…", on_done or (lambda _r: None))

    Operation(window, lambda: read_pack(path), window.executor) \
        .success(preview).failure(read_failed).disabling(window.write_controls) \
        .with_progress("Reading the lesson pack…").run_in_background()


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
        self.keys = QCheckBox("Include the answer keys of practice lessons (assessment keys "
                              "and teacher notes never leave here this way)")
        self.keys.setChecked(True)
        hint = QLabel("Students' computers need the practice keys to show feedback at once: "
                      "Export for students… writes exactly what they need, and says so.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Choose the lessons for the pack:"))
        lay.addWidget(self.list, 1)
        lay.addWidget(self.keys)
        lay.addWidget(hint)
        lay.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]


def export_interactive(parent: QWidget, repo: Repo, chosen: set[str]) -> str | None:
    from app.services.library import export_pack

    d = ExportDialog(parent, [(s.id, s.title) for s in repo.list_lessons()], chosen)
    if d.exec() != QDialog.DialogCode.Accepted or not d.chosen():
        return None
    path = save_file(parent, "Save the lesson pack", "lessons.crpack", PACK_FILTER)
    if not path:
        return None
    try:
        from app.services.trust import session_signer

        export_pack(repo, d.chosen(), path, include_keys=d.keys.isChecked(),
                    signer=session_signer(repo))
    except (UserError, OSError) as e:
        warn(parent, "Could not export", str(e))
        return None
    return path
