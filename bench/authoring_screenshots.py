"""Screenshots of the authoring screens of issue 24, at 100 % and 200 % text:

- the New lesson dialog after importing a saved page (what was found and removed);
- the key editor's Suggestions tab (reasons in full, optional and learned suggestions);
- editing a lesson's text with its key spans shaded;
- Export for students.

    python bench/authoring_screenshots.py [folder]   (default: /tmp/authoring-shots)

With ``--docs`` the 100 % pictures the README shows are also written to
docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DOCS = {"new-lesson": "new-lesson.png", "suggestions": "suggestions.png",
        "export-for-students": "export-for-students.png"}


def _settle() -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(5):
        QApplication.processEvents()


def shoot(folder: Path, docs: Path | None = None) -> list[Path]:
    from PySide6.QtCore import QTimer

    from app.core.lessons import BUILTIN_CATEGORIES
    from app.core.packs import read_pack
    from app.services.learning import record_key_save
    from app.services.library import import_pack
    from app.store.repo import open_repo
    from app.ui.application import ensure_application
    from app.ui.fonts import set_app_font, ui_font
    from app.ui.instructor.lesson_dialog import LessonDialog
    from app.ui.instructor.student_export import StudentExportDialog
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    ensure_application()
    out: list[Path] = []

    def save(widget, name: str, zoom: float) -> None:  # noqa: ANN001
        _settle()
        path = folder / f"{name}{'' if zoom == 1 else '-200'}.png"
        widget.grab().save(str(path))
        out.append(path)
        if docs is not None and zoom == 1 and name in DOCS:
            widget.grab().save(str(docs / DOCS[name]))

    with tempfile.TemporaryDirectory() as tmp:
        # a saved page of one of the seed articles (the project's own text), with its
        # site's menus, sharing buttons and an image-name caption for the importer to remove
        page = ROOT / "tests" / "data" / "saved_page.html"
        repo = open_repo(Path(tmp) / "shots.db")
        import_pack(repo, read_pack(ROOT / "lessons" / "kursk-unit.json"))
        import_pack(repo, read_pack(ROOT / "lessons" / "twins-unit.json"))
        # what a teacher taught: the keys of the unit's other lessons
        for le in read_pack(ROOT / "lessons" / "twins-unit.json").lessons:
            record_key_save(repo, le)
        worker = SuggestionWorker(executor=SyncExecutor())
        for zoom in (1.0, 2.0):
            set_app_font(ui_font(zoom))
            cats = {c.id: c for c in BUILTIN_CATEGORIES}
            d = LessonDialog(None, cats, set(), ["Same event, five framings"])
            d.resize(1200, 800)
            d.show()
            d.import_path(str(page))
            save(d, "new-lesson", zoom)
            d.close()
            w = InstructorWindow(repo, worker=worker, executor=SyncExecutor())
            w.resize(1280, 820)
            w.show()
            w.edit_key("kursk-multipolar-commentary")
            ed = w.editor
            for k in list(ed.key.spans)[::2]:
                ed.key.remove(k)
            ed._refresh()
            ed.request_suggestions()
            ed.suggestions.setCurrentRow(min(2, ed.suggestions.count() - 1))
            save(w, "suggestions", zoom)
            ed.discard_changes()
            lesson = repo.get_lesson("kursk-wire-report", with_key=True)
            d2 = LessonDialog(w, cats, set(repo.lesson_ids()), [], lesson)
            d2.resize(1200, 800)
            d2.show()
            save(d2, "edit-text-with-key", zoom)
            d2.close()
            rows = [(s.id, s.title, s.mode) for s in repo.list_lessons()]
            d3 = StudentExportDialog(w, rows, set())
            d3.show()
            save(d3, "export-for-students", zoom)
            d3.close()
            QTimer.singleShot(0, lambda: None)
            w.close()
        set_app_font(ui_font(1.0))
        repo.database.close()
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--docs"]
    target = Path(args[0]) if args else Path("/tmp/authoring-shots")
    target.mkdir(parents=True, exist_ok=True)
    docs = ROOT / "docs" / "screenshots" if "--docs" in sys.argv else None
    for p in shoot(target, docs):
        print(p)
