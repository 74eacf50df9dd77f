"""New or edited lesson: paste or import the article, see what the importer removed
(and restore any of it), edit the metadata and the categories."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.lessons import LESSON_ID_RE, LEVELS, MAX_TEXT_CHARS, Category, Lesson, Source
from app.core.packs import UNSHOWABLE
from app.core.textrules import lesson_problems, plain_block, strip_line
from app.ui.filedialogs import open_file
from app.ui.plain import warn

IMPORT_FILTER = "Articles (*.txt *.md *.markdown *.html *.htm *.docx);;All files (*)"


# a field as lesson_problems names it -> as this dialog labels it
FIELD_WORDS = {"title": "the title", "unit": "the unit", "instructions": "the instructions",
               "teacher_notes": "the teacher notes", "source: outlet": "the outlet",
               "source: author": "the author", "source: published": "the date published",
               "source: url": "the address"}

def slug(title: str) -> str:
    from app.core.new_lesson import slug as _slug

    return _slug(title)


class LessonDialog(QDialog):
    def __init__(self, parent: QWidget | None, categories: dict[str, Category],
                 existing_ids: set[str], units: list[str], lesson: Lesson | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit lesson" if lesson else "New lesson")
        self.resize(1100, 760)
        self.original = lesson
        self.existing_ids = existing_ids - ({lesson.id} if lesson else set())
        self.imported = None  # ImportedArticle of the last import or clean-up
        self._text_at_import = ""  # the text as the import last put it in the box
        self.result_lesson: Lesson | None = None

        self.title = QLineEdit(lesson.title if lesson else "")
        self.title.setAccessibleName("Title")
        self.lesson_id = QLineEdit(lesson.id if lesson else "")
        self.lesson_id.setAccessibleName("Lesson id")
        self.lesson_id.setReadOnly(lesson is not None)
        self.lesson_id.setPlaceholderText("made from the title")
        self.title.textEdited.connect(self._on_title_edited)
        src = lesson.source if lesson else Source()
        self.outlet = QLineEdit(src.outlet)
        self.outlet.setAccessibleName("Outlet")
        self.author = QLineEdit(src.author)
        self.author.setAccessibleName("Author")
        self.published = QLineEdit(src.published)
        self.published.setAccessibleName("Published")
        self.published.setPlaceholderText("YYYY-MM-DD, if known")
        self.url = QLineEdit(src.url)
        self.url.setAccessibleName("Address (URL)")
        self.level = QComboBox()
        self.level.setAccessibleName("Level")
        self.level.addItem("—", "")
        for lv in LEVELS:
            self.level.addItem(lv.capitalize(), lv)
        self.level.setCurrentIndex(max(0, self.level.findData(lesson.level if lesson else "")))
        self.mode = QComboBox()
        self.mode.setAccessibleName("Mode")
        self.mode.addItem("Practice — feedback at once, retries are practice", "practice")
        self.mode.addItem("Assessment — submit once; you release the feedback", "assessment")
        self.mode.setCurrentIndex(max(0, self.mode.findData(lesson.mode if lesson else
                                                            "practice")))
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.setAccessibleName("Unit")
        self.unit.addItems([""] + units)
        self.unit.setCurrentText(lesson.unit if lesson else "")
        self.instructions = QPlainTextEdit(lesson.instructions if lesson else "")
        self.instructions.setAccessibleName("Instructions for students")
        self.instructions.setTabChangesFocus(True)
        self.instructions.setMaximumHeight(70)
        self.notes = QPlainTextEdit(lesson.teacher_notes if lesson else "")
        self.notes.setAccessibleName("Teacher notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)
        self.cats = QListWidget()
        self.cats.setAccessibleName("Categories students may use")
        self.cats.setMaximumHeight(90)
        chosen = set(lesson.categories) if lesson else {"unsupported_claim", "loaded_language"}
        for c in categories.values():
            it = QListWidgetItem(c.name)
            it.setData(Qt.ItemDataRole.UserRole, c.id)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if c.id in chosen else Qt.CheckState.Unchecked)
            self.cats.addItem(it)

        form = QFormLayout()
        form.addRow("Title:", self.title)
        form.addRow("Id:", self.lesson_id)
        form.addRow("Outlet:", self.outlet)
        form.addRow("Author:", self.author)
        form.addRow("Published:", self.published)
        form.addRow("Address:", self.url)
        form.addRow("Level:", self.level)
        form.addRow("Mode:", self.mode)
        form.addRow("Unit:", self.unit)
        form.addRow("Instructions:", self.instructions)
        form.addRow("Teacher notes:", self.notes)
        form.addRow("Categories:", self.cats)
        meta = QWidget()
        meta.setLayout(form)

        self.text = QPlainTextEdit(lesson.text if lesson else "")
        self.text.setAccessibleName("Article text")
        self.text.setPlaceholderText("Paste the article here, or import a file. "
                                     "Separate paragraphs with a blank line.")
        self.text.setTabChangesFocus(True)
        import_button = QPushButton("Import file…")
        import_button.setAccessibleName("Import an article file")
        import_button.clicked.connect(self._on_import_clicked)
        clean_button = QPushButton("Clean up pasted text")
        clean_button.clicked.connect(self._on_clean_clicked)
        self.removed = QListWidget()
        self.removed.setAccessibleName("Removed as not part of the article")
        self.removed.setWordWrap(True)
        self.removed.itemChanged.connect(self._on_removed_item_changed)
        self.removed_label = QLabel("The importer's removals appear here; tick one to put "
                                    "it back.")
        self.removed_label.setWordWrap(True)
        self.categories = categories
        self.key_note = QLabel()
        self.key_note.setTextFormat(Qt.TextFormat.PlainText)
        self.key_note.setWordWrap(True)
        self.key_note.setVisible(bool(lesson and lesson.key))
        tools = QHBoxLayout()
        tools.addWidget(import_button)
        tools.addWidget(clean_button)
        tools.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(tools)
        right.addWidget(self.text, 3)
        right.addWidget(self.key_note)
        right.addWidget(self.removed_label)
        right.addWidget(self.removed, 1)
        right_w = QWidget()
        right_w.setLayout(right)
        split = QSplitter()
        split.addWidget(meta)
        split.addWidget(right_w)
        split.setSizes([420, 680])
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # may quote the imported file
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.show_key()
        self._opened_as = self._state()  # what Cancel or Escape compares against

    # -- the key, shaded while the text is edited --------------------------------
    def show_key(self) -> None:
        """Shade the lesson's key spans in the text (they follow the words as you type;
        after the text is replaced they are placed again by their words)."""
        lesson = self.original
        if lesson is None or not lesson.key:
            return
        from app.ui.instructor.key_marks import show_key_spans

        cats = [self.categories[c] for c in lesson.categories if c in self.categories]
        shown, lost = show_key_spans(self.text, lesson.text, lesson.key, cats)
        note = (f"The {shown} key span{'s' * (shown != 1)} of this lesson are shaded in the "
                "text; they follow their words as you edit.")
        if lost:
            note += (f" {lost} key span{'s' * (lost != 1)} lost {'their' if lost != 1 else 'its'} "
                     "words in this text: saving keeps them aside for you to place again.")
        self.key_note.setText(note)

    # -- leaving without saving -----------------------------------------------
    def _state(self) -> tuple:
        """Everything the instructor can type or choose here."""
        cats = tuple(self.cats.item(i).checkState() == Qt.CheckState.Checked
                     for i in range(self.cats.count()))
        return (self.title.text(), self.lesson_id.text(), self.outlet.text(),
                self.author.text(), self.published.text(), self.url.text(),
                self.level.currentIndex(), self.mode.currentIndex(), self.unit.currentText(),
                self.instructions.toPlainText(), self.notes.toPlainText(), cats,
                self.text.toPlainText())

    def has_changes(self) -> bool:
        return self._state() != self._opened_as

    def reject(self) -> None:
        """Cancel, Escape and the window's close button: ask before typed work is lost."""
        if self.has_changes():
            box = QMessageBox(QMessageBox.Icon.Question,
                              "Edit lesson" if self.original else "New lesson",
                              "Discard what you typed?"
                              if self.original is None else "Discard your changes to this lesson?",
                              parent=self)
            box.setInformativeText("Keep editing to go back to the lesson; nothing is saved "
                                   "until you choose Save.")
            discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.setEscapeButton(keep)
            box.exec()
            if box.clickedButton() is not discard:
                return
        super().reject()

    # -- import and clean-up --------------------------------------------------
    def load_article(self, article) -> None:  # noqa: ANN001 — ImportedArticle
        self.imported = article
        self.text.setPlainText(article.text)
        self.show_key()
        self._text_at_import = article.text
        if article.title and not self.title.text():
            self.title.setText(article.title)
            self._on_title_edited(article.title)
        for box, value in ((self.author, article.author), (self.outlet, article.outlet),
                           (self.published, article.published), (self.url, article.url)):
            if value and not box.text():
                box.setText(value)
        for box in (self.title, self.lesson_id, self.author, self.outlet, self.url):
            box.setCursorPosition(0)  # a long title shows its beginning
        self.removed.blockSignals(True)
        self.removed.clear()
        for r in article.removals:
            it = QListWidgetItem(f"{r.reason.rstrip('.')}: “{r.text[:120]}”")
            it.setData(Qt.ItemDataRole.UserRole, r.index)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.removed.addItem(it)
        self.removed.blockSignals(False)
        n = len(article.removals)
        self.removed_label.setText(
            f"Removed {n} part{'s' * (n != 1)} that look{'s' * (n == 1)} like site clutter. "
            "Tick any to put it back." if n else "Nothing was removed.")
        if article.warnings:
            self.error.setText(" ".join(article.warnings))

    def import_path(self, path: str) -> bool:
        from app.core.cleaning import ArticleImportError, import_file
        from app.core.errors import UserError

        try:
            article = import_file(path)
        except (ArticleImportError, UserError, OSError) as e:
            warn(self, "Could not import", str(e))
            return False
        self.load_article(article)
        return True

    def _on_import_clicked(self) -> None:
        path = open_file(self, "Import an article", IMPORT_FILTER)
        if path:
            self.import_path(path)

    def _on_clean_clicked(self) -> None:
        from app.core.cleaning import ArticleImportError, clean_text

        try:
            self.load_article(clean_text(self.text.toPlainText()))
        except ArticleImportError as e:
            self.error.setText(str(e))

    def _on_removed_item_changed(self, item: QListWidgetItem) -> None:
        if self.imported is None:
            return
        # edited since the import (or the last tick)? compare with what was put in the box
        if self.text.toPlainText() != self._text_at_import:
            ok = self.ask_rebuild()
            if ok != QMessageBox.StandardButton.Yes:
                self.removed.blockSignals(True)  # No: the tick is undone, the text kept
                item.setCheckState(Qt.CheckState.Unchecked
                                   if item.checkState() == Qt.CheckState.Checked
                                   else Qt.CheckState.Checked)
                self.removed.blockSignals(False)
                return
        self._text_at_import = self._current_import_text()
        self.text.setPlainText(self._text_at_import)
        self.show_key()

    def ask_rebuild(self) -> QMessageBox.StandardButton:
        """Ask before a tick rebuilds a text the instructor has edited (tests answer)."""
        return QMessageBox.question(
            self, "Restore removed text",
            "You have edited the text since the import. Putting a removed part back "
            "rebuilds the text from the import and loses those edits. Go on?")

    def _current_import_text(self) -> str:
        keep = [self.removed.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.removed.count())
                if self.removed.item(i).checkState() == Qt.CheckState.Checked]
        return self.imported.with_restored(keep).text if self.imported else ""

    def _on_title_edited(self, title: str) -> None:
        if self.original is None:
            from app.core.new_lesson import free_id

            self.lesson_id.setText(free_id(title, self.existing_ids))

    # -- saving ---------------------------------------------------------------
    def _on_save(self) -> None:
        text = UNSHOWABLE.sub(lambda m: "\n" if m.group() in "\r\u2028\u2029" else "",
                              self.text.toPlainText().replace("\r\n", "\n")).strip()
        lid = self.lesson_id.text().strip()
        cats = tuple(self.cats.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(self.cats.count())
                     if self.cats.item(i).checkState() == Qt.CheckState.Checked)
        problem = None
        if not self.title.text().strip():
            problem = "Give the lesson a title."
        elif not text:
            problem = "The article text is empty."
        elif len(text) > MAX_TEXT_CHARS:
            problem = f"The article is longer than {MAX_TEXT_CHARS:,} characters."
        elif not LESSON_ID_RE.fullmatch(lid):
            problem = "The id may use lower-case letters, digits and '-' (up to 64)."
        elif lid in self.existing_ids:
            problem = f"Another lesson already has the id '{lid}'."
        elif not cats:
            problem = "Choose at least one category."
        if problem:
            self.error.setText(problem)
            return
        base = self.original or Lesson(id=lid, title="", text="")
        # pasted controls and bidi characters dropped; the pack rules' lengths checked
        lesson = replace(
            base, id=lid, title=strip_line(self.title.text()), text=text,
            source=Source(strip_line(self.outlet.text()), strip_line(self.author.text()),
                          strip_line(self.published.text()), strip_line(self.url.text())),
            level=self.level.currentData() or "", mode=self.mode.currentData() or "practice",
            unit=strip_line(self.unit.currentText()),
            instructions=plain_block(self.instructions.toPlainText()).strip(),
            teacher_notes=plain_block(self.notes.toPlainText()).strip(), categories=cats)
        problems = lesson_problems(replace(lesson, key=None))
        if problems:
            field, why = problems[0]
            what = FIELD_WORDS.get(field, field)
            if what.endswith("s") and why.startswith("is "):
                why = "are " + why[3:]
            self.error.setText(f"{what.capitalize()} {why}.")
            return
        self.result_lesson = lesson
        self.accept()
