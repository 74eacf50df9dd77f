"""Text from outside is shown as plain text everywhere (quality.md, Bad input): hostile
names, titles, categories, explanations and notes arrive through a real pack and a real
submission bundle; every window is opened and every label, tooltip, text view and item
model is checked. A widget fails when it would render the markup (bold, an image that
loads a local file) instead of showing it literally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMessageBox,
    QTextEdit,
    QWidget,
)

from app.core.lessons import Highlight

pytestmark = pytest.mark.usefixtures("qapp")

MARK = "HOSTILE"
EVIL = f'<b>{MARK}</b><img src="file:///etc/passwd">'
CAT = "hostile_cat"


def hostile_pack(path: Path) -> Path:
    text = (f"Officials say {EVIL} the plan is a disaster. Nobody can check this claim at "
            "all. The budget rose last year.")
    i = text.index("disaster")
    j = text.index("Nobody can check this claim")
    pack = {
        "format": "close-reader/lesson-pack", "version": 1,
        "categories": [{"id": CAT, "name": f"Cat {EVIL}", "description": f"Desc {EVIL}"}],
        "lessons": [{
            "id": "hostile", "title": f"Title {EVIL}",
            "source": {"outlet": f"Outlet {EVIL}", "author": f"Author {EVIL}"},
            "level": "beginner", "unit": f"Unit {EVIL}",
            "instructions": f"Instructions {EVIL}", "teacher_notes": f"Notes {EVIL}",
            "text": text, "categories": ["loaded_language", CAT],
            "key": [
                {"start": i, "end": i + 8, "label": "loaded_language", "quote": "disaster",
                 "explanation": f"Explanation {EVIL}", "required": True},
                {"start": j, "end": j + 27, "label": CAT,
                 "quote": "Nobody can check this claim", "explanation": f"Why {EVIL}",
                 "required": True},
            ],
        }],
    }
    path.write_text(json.dumps(pack), encoding="utf-8")
    return path


@pytest.fixture
def hostile_db(tmp_path):
    """An instructor's database: the hostile pack, and a hostile student's attempt that
    arrived in a submission bundle from a student machine."""
    from app.core.packs import read_pack
    from app.services.grading import submit
    from app.services.library import import_pack
    from app.services.results.bundles import export_bundle, import_bundles
    from app.store.repo import open_repo

    pack = hostile_pack(tmp_path / "pack.json")
    student = open_repo(tmp_path / "student.db")
    import_pack(student, read_pack(pack))
    st = student.student(f"Name {EVIL}")
    le = student.get_lesson("hostile", with_key=True)
    hs = [Highlight(k.start, k.end, k.label, f"Note {EVIL}") for k in le.key]
    submit(student, st.id, st.name, "hostile", hs)
    student.save_draft(st.id, "hostile", hs[:1])
    export_bundle(student, tmp_path / "bundle.json")
    student.database.close()
    db = tmp_path / "teacher.db"
    repo = open_repo(db)
    import_pack(repo, read_pack(pack))
    import_bundles(repo, [tmp_path / "bundle.json"])
    repo.database.close()
    return db, pack


# --------------------------------------------------------------------------- the check
def renders_markup(text: str, fmt: Qt.TextFormat | None) -> bool:
    """True when Qt would interpret hostile markup in ``text`` shown with ``fmt``
    (None: a tooltip, which guesses like AutoText)."""
    if MARK not in text or fmt == Qt.TextFormat.PlainText:
        return False
    if fmt == Qt.TextFormat.MarkdownText:
        return True
    if fmt in (None, Qt.TextFormat.AutoText) and not GuiQt.mightBeRichText(text):
        return False
    doc = QTextDocument()
    doc.setHtml(text)
    return f"<b>{MARK}</b>" not in doc.toPlainText()


def model_problems(view: QAbstractItemView, where: str) -> list[str]:
    model = view.model()
    out: list[str] = []
    if model is None:
        return out

    def columns(parent: QModelIndex) -> int:
        try:
            return model.columnCount(parent)
        except TypeError:  # a list model
            return 1

    def children(idx: QModelIndex) -> bool:
        try:
            return model.hasChildren(idx)
        except TypeError:
            return False

    def walk(parent: QModelIndex, depth: int = 0) -> None:
        for r in range(min(model.rowCount(parent), 300)):
            for c in range(min(columns(parent), 60)):
                idx = model.index(r, c, parent)
                tip = idx.data(Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str) and renders_markup(tip, None):
                    out.append(f"{where}: tooltip of row {r}, column {c}: {tip[:80]!r}")
                if c == 0 and depth < 3 and children(idx):
                    walk(idx, depth + 1)

    walk(QModelIndex())
    return out


def problems(root: QWidget) -> list[str]:
    out: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        where = f"{type(w).__name__}({w.objectName() or w.accessibleName()})"
        if isinstance(w, QLabel) and renders_markup(w.text(), w.textFormat()):
            out.append(f"{where}: label {w.text()[:80]!r}")
        if isinstance(w, QMessageBox):
            for part in (w.text(), w.informativeText()):
                if renders_markup(part, w.textFormat()):
                    out.append(f"{where}: message {part[:80]!r}")
        if renders_markup(w.toolTip(), None):
            out.append(f"{where}: tooltip {w.toolTip()[:80]!r}")
        if isinstance(w, QTextEdit):
            plain = w.document().toPlainText()
            if MARK in plain and f"<b>{MARK}</b>" not in plain:
                out.append(f"{where}: text view shows markup as formatting")
            if any(f.isImageFormat() for f in _char_formats(w.document())):
                out.append(f"{where}: text view holds an image")
            for f in _layout_formats(w.document()):  # highlighter formats (marks)
                if renders_markup(f.toolTip(), None):
                    out.append(f"{where}: mark tooltip {f.toolTip()[:80]!r}")
        if hasattr(w, "tooltip_at"):  # the article: the tooltip over each mark
            for m in w.highlighter._marks:
                text = w.tooltip_at(m.start)
                if renders_markup(text, None):
                    out.append(f"{where}: tooltip over a mark {text[:80]!r}")
        if isinstance(w, QAbstractItemView):
            out += model_problems(w, where)
    for a in root.findChildren(QAction):
        if renders_markup(a.toolTip(), None):
            out.append(f"action {a.text()[:40]!r}: tooltip {a.toolTip()[:80]!r}")
    return out


def _char_formats(doc: QTextDocument):
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            yield it.fragment().charFormat()
            it += 1
        block = block.next()


def _layout_formats(doc: QTextDocument):
    block = doc.begin()
    while block.isValid():
        for r in block.layout().formats():
            yield r.format
        block = block.next()


def assert_plain(root: QWidget) -> None:
    found = problems(root)
    assert not found, "\n".join(found)


def test_the_check_catches_what_qt_would_render(qtbot):
    bad = QLabel(f"Hello, {EVIL}")
    good = QLabel(f"Hello, {EVIL}")
    good.setTextFormat(Qt.TextFormat.PlainText)
    qtbot.addWidget(bad)
    assert problems(bad) and not problems(good)
    escaped = QLabel("<i>Hello</i>, &lt;b&gt;HOSTILE&lt;/b&gt;")
    qtbot.addWidget(escaped)
    assert not problems(escaped)
    good.setToolTip(f"Cat {EVIL}")
    assert problems(good)


# --------------------------------------------------------------------------- the windows
def test_student_windows_show_outside_text_as_plain_text(qtbot, hostile_db):
    from app.ui import create_main_window

    db, _ = hostile_db
    w = create_main_window(db, student=f"Name {EVIL}")
    qtbot.addWidget(w)
    w.show()
    assert MARK in w.greeting.text()
    assert_plain(w)  # the library
    key = w.repo.get_lesson("hostile", with_key=True).key
    assert len(w.repo.submissions(student_id=w.student.id)) == 1  # the bundle's student
    draft = tuple(Highlight(k.start, k.end, k.label, f"Note {EVIL}") for k in key)
    w.open_reader("hostile", draft)
    w.reader._show_detail(w.reader.draft.highlights[0])
    assert MARK in w.reader.title.text()
    assert_plain(w)  # the reader, a highlight with its note selected
    w.show_feedback("hostile")
    assert_plain(w)  # the feedback view


def test_instructor_windows_show_outside_text_as_plain_text(qtbot, hostile_db):
    from app.core.packs import read_pack
    from app.services.lesson_edit import set_unplaced_key
    from app.store.repo import open_repo
    from app.ui.instructor.categories_dialog import CategoriesDialog
    from app.ui.instructor.lesson_dialog import LessonDialog
    from app.ui.instructor.pack_dialogs import ExportDialog, ImportPreview
    from app.ui.instructor.preview import PreviewDialog
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    db, pack_path = hostile_db
    repo = open_repo(db)
    lesson = repo.get_lesson("hostile", with_key=True)
    set_unplaced_key(repo, "hostile", list(lesson.key[:1]))
    w = InstructorWindow(repo, worker=SuggestionWorker(executor=SyncExecutor()),
                         executor=SyncExecutor())
    qtbot.addWidget(w)
    w.show()
    assert_plain(w)  # the lesson list
    w.edit_key("hostile")
    ed = w.editor
    ed.spans.setCurrentRow(0)
    ed._select(ed.key.spans[0])
    assert MARK in ed.title.text()
    assert_plain(w)  # the key editor, with a span to place
    cats = repo.categories()
    pack = read_pack(pack_path)
    dialogs = [LessonDialog(w, cats, set(repo.lesson_ids()), [lesson.unit], lesson),
               CategoriesDialog(w, cats),
               ImportPreview(w, pack, set(repo.lesson_ids()), pack_path.name),
               ExportDialog(w, [(s.id, s.title) for s in repo.list_lessons()], set()),
               PreviewDialog(w, lesson, cats, repo.tokens("hostile"))]
    for d in dialogs:
        qtbot.addWidget(d)
        d.show()
        assert_plain(d)
    # a text edit that loses key spans: the notice lists their quotes
    from dataclasses import replace

    w._save(replace(lesson, text=lesson.text.replace("disaster", "mess")), is_new=False)
    assert w.notice is not None and "could not be placed" in w.notice.text()
    assert_plain(w.notice)
    w.notice.close()
    ed.discard_changes()
    w.close()
    repo.database.close()


def test_results_window_shows_outside_text_as_plain_text(qtbot, hostile_db):
    from app.store.repo import open_repo
    from app.ui.results.window import ResultsWindow

    db, _ = hostile_db
    repo = open_repo(db)
    w = ResultsWindow(repo)
    qtbot.addWidget(w)
    w.show()
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
        assert_plain(w)
    assert MARK in w.report_for.text()
    repo.database.close()
