"""The instructor's comparison editor: details and articles, claims (cells, verdicts,
passages) and the dossier of one compare lesson, edited as the pack's own JSON and
checked by the pack's own reader before it is saved. Unsaved work is kept in the
database as it is typed (a crash loses nothing)."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FormatError
from app.core.lessons import LEVELS, MODES, Lesson
from app.services.compare import editing
from app.store.repo import Repo
from app.ui.compare.editor_claims import ClaimsTab
from app.ui.compare.editor_dossier import DossierTab

ID_ROLE = Qt.ItemDataRole.UserRole + 1
AUTOSAVE_MS = 300


class CompareEditor(QWidget):
    save_requested = Signal(object, bool)  # Lesson, is_new
    preview_requested = Signal(object)  # Lesson
    back_requested = Signal()
    message = Signal(str)

    def __init__(self, repo: Repo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.doc: dict[str, Any] = {}
        self.saved: dict[str, Any] = {}
        self.is_new = False
        self._loading = False
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.flush_draft)
        self._build()

    def _build(self) -> None:
        back = QPushButton("← Lessons")
        back.setAccessibleName("Back to the lessons")
        back.clicked.connect(self.back_requested.emit)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setObjectName("lessonTitle")
        preview = QPushButton("Preview as a student")
        preview.clicked.connect(self._on_preview)
        self.save_button = QPushButton("Save comparison")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.heading, 1)
        top.addWidget(preview)
        top.addWidget(self.save_button)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("error")
        self.problem.setAccessibleName("Problems to fix before saving")

        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.unit = QLineEdit()
        self.unit.setAccessibleName("Unit")
        self.level = QComboBox()
        self.level.setAccessibleName("Level")
        self.level.addItem("—", "")
        for lv in LEVELS:
            self.level.addItem(lv.capitalize(), lv)
        self.mode = QComboBox()
        self.mode.setAccessibleName("Practice or assessment")
        for m in MODES:
            self.mode.addItem(m.capitalize(), m)
        self.instructions = QPlainTextEdit()
        self.instructions.setAccessibleName("Instructions")
        self.instructions.setTabChangesFocus(True)
        self.instructions.setMaximumHeight(90)
        self.intro = QPlainTextEdit()
        self.intro.setAccessibleName("Introduction shown above the grid")
        self.intro.setTabChangesFocus(True)
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Teacher notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.articles = QListWidget()
        self.articles.setAccessibleName("Articles compared (tick 2 to 8; order with Up and Down)")
        self.articles.itemChanged.connect(self._on_details_edit)
        up, down = QPushButton("Up"), QPushButton("Down")
        up.setAccessibleName("Move the article up")
        down.setAccessibleName("Move the article down")
        up.clicked.connect(lambda: self._move_article(-1))
        down.clicked.connect(lambda: self._move_article(+1))
        arow = QHBoxLayout()
        arow.addWidget(up)
        arow.addWidget(down)
        arow.addStretch(1)
        for w in (self.title, self.unit):
            w.textEdited.connect(self._on_details_edit)
        for w in (self.instructions, self.intro, self.notes):
            w.textChanged.connect(self._on_details_edit)
        self.level.activated.connect(self._on_details_edit)
        self.mode.activated.connect(self._on_details_edit)
        details = QWidget()
        form = QFormLayout(details)
        form.addRow("&Title:", self.title)
        form.addRow("&Unit:", self.unit)
        form.addRow("&Level:", self.level)
        form.addRow("&Mode:", self.mode)
        form.addRow("&Instructions:", self.instructions)
        form.addRow("Intro&duction:", self.intro)
        form.addRow("Teacher &notes:", self.notes)
        form.addRow("&Articles:", self.articles)
        form.addRow("", arow)

        self.claims = ClaimsTab()
        self.dossier = DossierTab()
        for tab in (self.claims, self.dossier):
            tab.changed.connect(self._changed)
            tab.message.connect(self.message.emit)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Comparison editor")
        self.tabs.addTab(details, "&Details and articles")
        self.tabs.addTab(self.claims, "&Claims")
        self.tabs.addTab(self.dossier, "D&ossier")
        self.tabs.currentChanged.connect(self._on_tab)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.problem)
        lay.addWidget(self.tabs, 1)

    # -- loading --------------------------------------------------------------
    def open_doc(self, doc: dict[str, Any], is_new: bool, saved: dict[str, Any] | None = None
                 ) -> None:
        self._autosave.stop()
        self.doc, self.is_new = doc, is_new
        self.saved = copy.deepcopy(saved if saved is not None else doc)
        self._loading = True
        self.heading.setText(f"Comparison: {doc.get('title', '')}")
        self.title.setText(doc.get("title", ""))
        self.unit.setText(doc.get("unit", ""))
        self.level.setCurrentIndex(max(0, self.level.findData(doc.get("level", ""))))
        self.mode.setCurrentIndex(max(0, self.mode.findData(doc.get("mode", "practice"))))
        self.instructions.setPlainText(doc.get("instructions", ""))
        self.intro.setPlainText(doc.get("text", ""))
        self.notes.setPlainText(doc.get("teacher_notes", ""))
        chosen = doc.get("comparison", {}).get("articles", [])
        readers = [s for s in self.repo.list_lessons() if s.kind != "compare"]
        order = [s for a in chosen for s in readers if s.id == a] + \
                [s for s in readers if s.id not in chosen]
        self.articles.clear()
        for s in order:
            it = QListWidgetItem(f"{s.title}  ({s.unit or 'no unit'})")
            it.setData(ID_ROLE, s.id)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                        | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if s.id in chosen else Qt.CheckState.Unchecked)
            self.articles.addItem(it)
        self._loading = False
        self._reload_tabs()
        self.problem.setText("")

    def _reload_tabs(self) -> None:
        arts = {}
        toks = {}
        for a in self.doc.get("comparison", {}).get("articles", []):
            try:
                arts[a] = self.repo.get_lesson(a)
                toks[a] = self.repo.tokens(a)
            except Exception:  # noqa: BLE001 — a missing article is named when saving
                continue
        self.claims.set_doc(self.doc, arts, toks)
        self.dossier.set_doc(self.doc, arts)

    # -- edits ----------------------------------------------------------------
    def _on_details_edit(self, *_a: object) -> None:
        if self._loading:
            return
        d = self.doc
        d["title"] = " ".join(self.title.text().split())
        for k, w in (("unit", self.unit),):
            v = " ".join(w.text().split())
            if v:
                d[k] = v
            else:
                d.pop(k, None)
        for k, v in (("level", self.level.currentData()), ("mode", self.mode.currentData()),
                     ("instructions", self.instructions.toPlainText().strip()),
                     ("teacher_notes", self.notes.toPlainText().strip())):
            if v and not (k == "mode" and v == "practice"):
                d[k] = v
            else:
                d.pop(k, None)
        d["text"] = self.intro.toPlainText().strip()
        arts = [self.articles.item(i).data(ID_ROLE) for i in range(self.articles.count())
                if self.articles.item(i).checkState() == Qt.CheckState.Checked]
        cmp = d.setdefault("comparison", {})
        if arts != cmp.get("articles"):
            cmp["articles"] = arts
            keep = set(arts)  # cells and passages of articles taken out go with them
            key = d.setdefault("key", {})
            key["cells"] = [c for c in key.get("cells", []) if c.get("article") in keep]
            for c in cmp.get("claims", []):
                c["passages"] = [p for p in c.get("passages", []) if p.get("article") in keep]
            self._reload_tabs()
        self.heading.setText(f"Comparison: {d['title']}")
        self._changed()

    def _move_article(self, step: int) -> None:
        i = self.articles.currentRow()
        j = i + step
        if not 0 <= i < self.articles.count() or not 0 <= j < self.articles.count():
            return
        it = self.articles.takeItem(i)
        self.articles.insertItem(j, it)
        self.articles.setCurrentRow(j)
        self._on_details_edit()

    def _on_tab(self, _i: int) -> None:
        self.commit()
        if self.tabs.currentWidget() is self.claims:
            self.claims.refresh()  # the dossier may have new entries to cite

    def commit(self) -> None:
        self.claims.commit()
        self.dossier.commit()

    def _changed(self) -> None:
        if not self._autosave.isActive():
            self._autosave.start()

    def is_dirty(self) -> bool:
        self.commit()
        return self.doc != self.saved

    def flush_draft(self) -> None:
        self._autosave.stop()
        lid = self.doc.get("id")
        if not lid or lid not in self.repo.lesson_ids():  # (a draft belongs to a lesson)
            return
        if self.is_dirty():
            editing.save_draft(self.repo, lid, self.doc)

    # -- saving ---------------------------------------------------------------
    def checked(self) -> Lesson | None:
        """The comparison as a lesson, if the pack's reader accepts it; else the problem
        is shown (one line naming the part and field) and None returned."""
        self.commit()
        try:
            lesson = editing.lesson_from_doc(self.repo, self.doc)
        except FormatError as e:
            self.problem.setText(f"Not saved: {e}")
            self.message.emit(str(e))
            return None
        self.problem.setText("")
        return lesson

    def save(self) -> Lesson | None:
        lesson = self.checked()
        if lesson is not None:
            self.save_requested.emit(lesson, self.is_new)
        return lesson

    def mark_saved(self) -> None:
        self._autosave.stop()
        self.is_new = False
        self.saved = copy.deepcopy(self.doc)
        self.message.emit("Comparison saved.")

    def discard_changes(self) -> None:
        self._autosave.stop()
        if self.doc.get("id"):
            editing.clear_draft(self.repo, self.doc["id"])
        self.saved = copy.deepcopy(self.doc)

    def _on_preview(self) -> None:
        lesson = self.checked()
        if lesson is not None:
            self.preview_requested.emit(lesson)
