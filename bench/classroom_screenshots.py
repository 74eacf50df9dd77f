"""Screenshots of the screens issue 23 changed, at 100 % and 200 % text, in a
1280×800 window (1366×768 for the reader at 200 %): the library, the reader, the
feedback view, an assessment's Submitted page, F1's table, the lesson dialog's
question, the password dialog, the instructor's lesson list, the key editor with
set-aside spans, and the results window's gradebook, class view and Review & release,
and the roster dialog.

    python bench/classroom_screenshots.py [folder]      (default: /tmp/classroom-shots)
    python bench/classroom_screenshots.py --docs        (the README's, in docs/screenshots)
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

KURSK1, WIRE = "kursk-anonymous-sources", "kursk-wire-report"
DOCS = {"library", "library-200", "feedback", "feedback-200", "key-editor",
        "instructor-lessons"}  # the ones the README shows


def _class(repo) -> None:  # noqa: ANN001
    """Eight students, four lessons, highlights drawn from the keys and beside them."""
    from app.core.lessons import Highlight
    from app.services.grading import submit

    rnd = random.Random(4)
    names = ["Ana P.", "Ben Q.", "Cleo R.", "Sam K.", "Dev S.", "Eli T.", "Fatima U.",
             "Gus V."]
    for name in names:
        st = repo.student(name)
        for lid in (KURSK1, WIRE, "twins-pool-repairs-loaded", "twins-pool-repairs-careful"):
            les = repo.get_lesson(lid, with_key=True)
            out: list[Highlight] = []
            for k in les.key or ():
                if rnd.random() < 0.45:
                    out.append(Highlight(k.start, k.end, k.label))
            toks = repo.tokens(lid)
            for _ in range(rnd.randint(0, 3)):
                a = rnd.randrange(len(toks) - 3)
                h = Highlight(toks[a][0], toks[a + 2][1], "loaded_language")
                if not any(o.start < h.end and h.start < o.end for o in out):
                    out.append(h)
            submit(repo, st.id, name, lid, tuple(sorted(out, key=lambda h: h.start)))
    grades = repo.grades()
    first = next(iter(grades.values()))
    repo.set_review(first.submission_id, 40, "found the passages, wrong category",
                    "Good eye for the vague sources; check the category descriptions.")


def shoot(folder: Path) -> list[Path]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.services.open_db import open_library
    from app.ui import create_main_window
    from app.ui.application import ensure_application
    from app.ui.fonts import set_app_font, ui_font

    ensure_application()
    out: list[Path] = []

    def save(widget, name: str) -> None:  # noqa: ANN001
        for _ in range(3):
            QApplication.processEvents()
        QTest.qWait(60)
        path = folder / f"{name}.png"
        widget.grab().save(str(path))
        out.append(path)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "class.db"
        repo = open_library(db)
        _class(repo)
        repo.database.close()
        for zoom, tag in ((1.0, ""), (2.0, "-200")):
            w = create_main_window(db, student="Ana P.")
            w.resize(1280, 800)
            w.show()
            w.apply_zoom(zoom)
            w.show_library()
            save(w, f"library{tag}")
            w.open_lesson("kursk-state-media-retelling")
            if zoom == 2.0:
                w.resize(1366, 768)
            save(w, f"reader-headline{tag}")
            w.resize(1280, 800)
            w.show_feedback(KURSK1)
            save(w, f"feedback{tag}")
            w.show_shortcuts()
            save(w._shortcuts_dialog, f"shortcuts{tag}")
            w._shortcuts_dialog.close()
            w.apply_zoom(1.0)
            w.close()
            w.repo.database.close()

        # instructor mode: the lesson list, the lesson dialog's question, the key editor
        from PySide6.QtWidgets import QMessageBox

        from app.services.lesson_edit import set_unplaced_key
        from app.ui.instructor.gate import SetPasswordDialog
        from app.ui.instructor.lesson_dialog import LessonDialog
        from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
        from app.ui.instructor.window import InstructorWindow
        from app.ui.results.window import ResultsWindow

        repo = open_library(db)
        lesson = repo.get_lesson(WIRE, with_key=True)
        set_unplaced_key(repo, WIRE, list(lesson.key[:2]))
        for zoom, tag in ((1.0, ""), (2.0, "-200")):
            set_app_font(ui_font(zoom))
            iw = InstructorWindow(repo, worker=SuggestionWorker(executor=SyncExecutor()),
                                  executor=SyncExecutor())
            iw.resize(1280, 800)
            iw.show()
            save(iw, f"instructor-lessons{tag}")
            iw.edit_key(KURSK1)
            save(iw, f"key-editor{tag}")
            iw.edit_key(WIRE)  # two spans whose words changed, kept aside to place or discard
            save(iw, f"key-editor-set-aside{tag}")
            d = LessonDialog(iw, repo.categories(), set(), [])
            d.show()
            d.title.setText("Budget row")
            box = QMessageBox(QMessageBox.Icon.Question, "New lesson", "Discard what you typed?",
                              parent=d)
            box.setInformativeText("Keep editing to go back to the lesson; nothing is saved "
                                   "until you choose Save.")
            box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole))
            box.show()
            save(box, f"lesson-discard-question{tag}")
            box.close()
            d.done(0)
            pw = SetPasswordDialog(None, first=True)
            pw.show()
            save(pw, f"password-dialog{tag}")
            pw.close()
            rw = ResultsWindow(repo, iw, executor=SyncExecutor())
            rw.resize(1280, 800)
            rw.show()
            for page, name in ((rw.grades, "results-gradebook"), (rw.classes, "results-class"),
                               (rw.review, "results-review")):
                rw.tabs.setCurrentWidget(page)
                if page is rw.review:
                    page.select_submission(page.model.rows[0][0])
                    page.say("Review saved for Ana P.: score set to 40, comment saved. Release "
                             "it (Export feedback file… or Release here) for the student to "
                             "see it.")
                save(rw, f"{name}{tag}")
            from app.interop.roster import Identity
            from app.services.roster import Entry
            from app.ui.results.roster_dialog import RosterMatchDialog

            rd = RosterMatchDialog([Entry(1, Identity("canvas", "Sam Kowalski", "Kowalski, Sam",
                                                      sis_id="s-1044"), None, "")],
                                   repo.students(), {}, rw)
            rd.show()
            save(rd, f"roster-match{tag}")
            rd.close()
            rw.close()
            iw.editor.discard_changes()
            iw.close()
        set_app_font(ui_font(1.0))
        repo.database.close()
    del Qt
    return out


if __name__ == "__main__":
    docs = "--docs" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--docs"]
    target = Path(args[0]) if args else Path("/tmp/classroom-shots")
    target.mkdir(parents=True, exist_ok=True)
    made = shoot(target)
    for p in made:
        print(p)
    if docs:
        import shutil

        for p in made:
            if p.stem in DOCS:
                shutil.copy(p, ROOT / "docs" / "screenshots" / p.name)
                print("docs:", p.name)
