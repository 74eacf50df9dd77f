"""Screenshots of issue 26's views for docs/screenshots/: the discrimination view, a
student's progress in words and the pre/post table, at 100 % and 200 % text, on a class
of 18 students' bundles (``bench.prepost_class``) over the bundled units.

    python bench/learning_screenshots.py [folder]   (default: docs/screenshots)
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

PAIRING = "Loaded or careful? (autumn)"


def class_database(folder: Path) -> Path:
    """The class's database: the bundled lessons, both machines' bundles imported, and
    the twins' three pairs marked as pre, post and delayed forms."""
    from app.core.prepost import Form, Pairing
    from app.services.open_db import open_library
    from app.services.results.bundles import import_bundles
    from app.store.prepost_repo import save_pairing
    from bench.prepost_class import DELAYED, POST, PRE, write_class

    db = folder / "class.db"
    repo = open_library(db)
    paths, _ = write_class(folder, repo)
    import_bundles(repo, paths)
    save_pairing(repo, Pairing(None, PAIRING, Form(lessons=PRE), Form(lessons=POST),
                               Form(lessons=DELAYED)))
    repo.database.close()
    return db


def shoot(folder: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from app.store.repo import open_repo
    from app.ui.application import ensure_application
    from app.ui.fonts import set_app_font, ui_font
    from app.ui.results.window import ResultsWindow

    ensure_application()
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = open_repo(class_database(Path(tmp)))
        for suffix, zoom in (("", 1.0), ("-200", 2.0)):
            set_app_font(ui_font(zoom))
            w = ResultsWindow(repo)
            w.resize(1280, 860)
            w.show()
            w.tabs.setCurrentWidget(w.discrimination)
            w.discrimination.choose_scope("unit", "Same facts, two ways")
            row = w.discrimination.model.row_of(
                next(s.student_id for s in w.discrimination.result.students
                     if s.name == "Ema Novak"))
            w.discrimination.table.selectRow(row)
            shots = [("discrimination", w)]
            QApplication.processEvents()
            path = folder / f"discrimination{suffix}.png"
            w.grab().save(str(path))
            out.append(path)
            w.tabs.setCurrentWidget(w.prepost)
            QApplication.processEvents()
            path = folder / f"prepost{suffix}.png"
            w.grab().save(str(path))
            out.append(path)
            w.tabs.setCurrentWidget(w.progress)
            w.progress.choose_student(next(s.id for s in repo.students()
                                           if s.name == "Ema Novak"))
            QApplication.processEvents()
            path = folder / f"progress-words{suffix}.png"
            w.grab().save(str(path))
            out.append(path)
            del shots
            w.close()
        set_app_font(ui_font(1.0))
        repo.database.close()
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    for p in shoot(target):
        print(p)
