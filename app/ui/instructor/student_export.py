"""*Export for students*: one pack for students' machines that is always right.

Practice lessons go with their keys (students see feedback as soon as they submit);
assessment lessons go without theirs (the key stays here until you release feedback);
teacher notes never leave. The dialog says so before anything is written; it calls the
pack writer with those options explicitly, whatever the other export's check box says.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.lessons import Lesson
from app.core.packs import Pack, write_pack
from app.store.repo import Repo
from app.ui.plain import warn

PACK_FILTER = "Lesson packs (*.crpack *.json);;All files (*)"
EXPLAIN = ("This pack is for students' computers. Practice lessons go with their answer "
           "keys, so students see their feedback as soon as they submit. Assessment lessons "
           "go without their keys: students submit once, and you release the feedback "
           "later. Teacher notes are never included.")


def for_students(lesson: Lesson) -> Lesson:
    """The lesson as a student's machine may hold it: the key of a practice lesson only,
    no teacher notes."""
    return replace(lesson, teacher_notes="",
                   key=lesson.key if lesson.mode != "assessment" else None)


def student_pack(repo: Repo, ids: list[str]) -> Pack:
    from app.services.compare.packs import with_articles

    ids, _ = with_articles(repo, ids)  # a comparison takes its articles along
    lessons = tuple(for_students(repo.get_lesson(i, with_key=True)) for i in ids)
    cats = repo.categories()
    used = {c for le in lessons for c in le.categories}
    return Pack(tuple(c for cid, c in cats.items() if cid in used), lessons)


def summary(pack: Pack) -> str:
    practice = [le for le in pack.lessons if le.mode != "assessment"]
    keyed = sum(1 for le in practice if le.key is not None)
    held = len(pack.lessons) - len(practice)
    parts = [f"{len(pack.lessons)} lesson{'s' * (len(pack.lessons) != 1)}",
             f"{keyed} practice key{'s' * (keyed != 1)} included"]
    if held:
        parts.append(f"{held} assessment key{'s' * (held != 1)} kept here")
    unkeyed = len(practice) - keyed
    if unkeyed:
        parts.append(f"{unkeyed} practice lesson{'s' * (unkeyed != 1)} without a key yet")
    return ", ".join(parts) + "; no teacher notes."


class StudentExportDialog(QDialog):
    def __init__(self, parent: QWidget | None, lessons: list[tuple[str, str, str]],
                 chosen: set[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export for students")
        self.resize(600, 460)
        info = QLabel(EXPLAIN)
        info.setWordWrap(True)
        info.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget()
        self.list.setAccessibleName("Lessons for students")
        for lid, title, mode in lessons:
            it = QListWidgetItem(f"{title} — {'Assessment' if mode == 'assessment' else 'Practice'}")
            it.setData(Qt.ItemDataRole.UserRole, lid)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if lid in chosen or not chosen
                             else Qt.CheckState.Unchecked)
            self.list.addItem(it)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export for students…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(info)
        lay.addWidget(QLabel("Choose the lessons:"))
        lay.addWidget(self.list, 1)
        lay.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]


def export_for_students(parent: QWidget, repo: Repo, chosen: set[str],
                        path: str | None = None) -> tuple[str, str] | None:
    """Ask which lessons, where to, and write the pack; returns (path, summary)."""
    rows = [(s.id, s.title, s.mode) for s in repo.list_lessons()]
    d = StudentExportDialog(parent, rows, chosen)
    if d.exec() != QDialog.DialogCode.Accepted or not d.chosen():
        return None
    if path is None:
        from app.ui import filedialogs

        path = filedialogs.save_file(parent, "Save the pack for students",
                                     "lessons-for-students.crpack", PACK_FILTER)
    if not path:
        return None
    try:
        from app.services.trust import session_signer

        pack = student_pack(repo, d.chosen())
        # the keys left in: practice ones only; no teacher notes; signed as every pack for
        # students is (formats.md, "Signatures")
        write_pack(path, pack, include_keys=True, include_notes=False,
                   signer=session_signer(repo))
    except (UserError, OSError) as e:
        warn(parent, "Could not export", str(e))
        return None
    return path, summary(pack)
