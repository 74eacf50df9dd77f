"""Accessibility (docs/quality.md; WCAG 2.1 AA): every focusable control of every
window and dialog of the student flow has an accessible name; the whole flow works
with the keyboard alone; text contrast is at least 4.5:1 on every category and status
colour in both palettes; categories differ by more than colour; highlights expose their
category to assistive technology; layouts survive 200 % text.

Screenshots at 200 % go to a temporary folder, or to ``$CLOSE_READER_SCREENSHOTS``
(e.g. ``docs/screenshots``) when that is set.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible, QAction, QColor, QPalette, QTextCharFormat
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QMenu,
    QWidget,
)

from app.core.lessons import BUILTIN_CATEGORIES, Category
from app.core.packs import read_pack
from app.services.library import import_pack
from app.ui import theme
from app.ui.theme import (
    CATEGORY_COLOURS,
    STATUS_STYLE,
    TEXT_DARK,
    TEXT_LIGHT,
    apply_palette,
    blend,
    contrast,
    styles_for,
)
from tests.uihelpers import action, by_name

pytestmark = pytest.mark.usefixtures("qapp")
AA = 4.5


# --------------------------------------------------------------------------- helpers
def accessible_name(w: QWidget) -> str:
    """What a screen reader announces as the control's name."""
    name = w.accessibleName().strip()
    if not name and isinstance(w, QAbstractButton):
        name = w.text().replace("&", "").strip()
    if not name:
        for label in w.window().findChildren(QLabel):
            if label.buddy() is w and label.text().strip():
                name = label.text().replace("&", "").strip()
    if not name:
        iface = QAccessible.queryAccessibleInterface(w)
        if iface is not None and iface.isValid():
            name = (iface.text(QAccessible.Text.Name) or "").strip()
    return name


def unnamed(root: QWidget) -> list[str]:
    """Visible widgets that can take focus but have no accessible name."""
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible() or w.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(w, QMenu):
            continue  # menus are named by the menu bar entry that opens them
        if not accessible_name(w):
            parent = w.parentWidget()
            out.append(f"{type(w).__name__}(objectName={w.objectName()!r}) in "
                       f"{type(parent).__name__ if parent else 'no parent'}")
    return out


def on_next_dialog(inspect: Callable[[QWidget], None]) -> None:
    """Run ``inspect`` on the next modal dialog as soon as it is shown."""

    def go() -> None:
        d = QApplication.activeModalWidget()
        if d is None:
            QTimer.singleShot(20, go)
            return
        inspect(d)

    QTimer.singleShot(20, go)


def focused() -> QWidget:
    w = QApplication.focusWidget()
    assert w is not None, "nothing has the keyboard focus"
    return w


def press(key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
          times: int = 1) -> None:
    for _ in range(times):
        QTest.keyClick(focused(), key, mods)


@pytest.fixture
def new_window(qtbot, db_path, sample_pack):
    """The app on a database holding the sample pack, asking who you are."""
    from app.store.repo import open_repo
    from app.ui import create_main_window

    r = open_repo(db_path)
    import_pack(r, read_pack(sample_pack))
    r.database.close()

    def make(student: str | None = None):
        w = create_main_window(db_path, student=student)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow, timeout=10_000)
        return w

    return make


def open_with_return(qtbot, w, title: str) -> None:
    lib = by_name(w, "Lesson library")
    model = lib.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == title)
    lib.setCurrentIndex(model.index(row, 0))
    lib.setFocus()
    QTest.keyClick(lib, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: by_name(w, "Article").isVisible(), timeout=10_000)


# --------------------------------------------------------------------------- names
def test_every_focusable_control_of_the_student_flow_has_an_accessible_name(qtbot,
                                                                            new_window):
    w = new_window()
    problems: dict[str, list[str]] = {}
    problems["sign-in"] = unnamed(w)
    name = by_name(w, "Your name")
    qtbot.keyClicks(name, "Zoe K.")
    QTest.keyClick(name, Qt.Key.Key_Return)
    problems["library"] = unnamed(w)
    open_with_return(qtbot, w, "A sample budget story")
    article = by_name(w, "Article")
    text = article.toPlainText()
    i = text.index("reckless")
    article.select_range(i, i + 8)
    QTest.keyClick(article, Qt.Key.Key_2)
    article.select_range(i + 1, i + 1)  # the highlight's editor is enabled now
    assert by_name(w, "Note for the selected highlight").isEnabled()
    problems["reader"] = unnamed(w)

    seen: dict[str, list[str]] = {}

    action(w, "Keyboard shortcuts").trigger()  # a table of its own, not blocking (issue 23)
    d = w._shortcuts_dialog
    qtbot.waitUntil(d.isVisible)
    seen[f"dialog {d.windowTitle()!r}"] = unnamed(d)
    d.accept()

    def confirmation(d: QWidget) -> None:
        seen[f"dialog {d.windowTitle()!r}"] = unnamed(d)
        QTest.keyClick(d, Qt.Key.Key_Return)  # formats.md: Return accepts

    w.activateWindow()  # the offscreen platform does not reactivate it after a dialog
    qtbot.waitUntil(w.isActiveWindow, timeout=10_000)
    article.setFocus()
    on_next_dialog(confirmation)
    QTest.keyClick(article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: by_name(w, "Feedback").isVisible(), timeout=10_000)
    explanations = by_name(w, "Key explanations")
    explanations.setCurrentRow(0)
    problems["feedback"] = unnamed(w)

    instructor = [a for a in w.findChildren(QAction) if a.text().startswith("Instructor mode")]
    if instructor:  # reachable from the student window: the password dialog
        def gate(d: QWidget) -> None:
            seen[f"dialog {d.windowTitle()!r}"] = unnamed(d)
            d.reject()

        on_next_dialog(gate)
        instructor[0].trigger()
    problems.update(seen)
    assert len(seen) >= 2, seen
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_library_rows_and_the_highlights_expose_their_text(qtbot, new_window):
    w = new_window("Ana P.")
    lib = by_name(w, "Lesson library")
    idx = lib.model().index(0, 0)
    said = idx.data(Qt.ItemDataRole.AccessibleTextRole)
    assert idx.data() in said and "Not started" in said
    open_with_return(qtbot, w, "A sample budget story")
    article = by_name(w, "Article")
    text = article.toPlainText()
    for needle, key in (("reckless", Qt.Key.Key_2), ("Experts warn", Qt.Key.Key_1)):
        i = text.index(needle)
        article.select_range(i, i + len(needle))
        QTest.keyClick(article, key)
    names = {c.id: c.name for c in BUILTIN_CATEGORIES}
    rows = by_name(w, "Highlights")
    model = rows.model()
    assert model.rowCount() == 2
    for r in range(2):
        index = model.index(r, 0)
        h = w.reader.draft.highlights[r]
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                     Qt.ItemDataRole.ToolTipRole):
            shown = index.data(role)
            assert shown.startswith(names[h.label]), (role, shown)
            assert text[h.start:h.end] in shown


# --------------------------------------------------------------------------- keyboard only
def test_the_whole_student_flow_with_the_keyboard_alone(qtbot, new_window):
    """Every key goes to whatever has the focus, as with a real keyboard."""
    w = new_window()
    assert focused() is by_name(w, "Your name")
    QTest.keyClicks(focused(), "Kai M.")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is by_name(w, "Lesson library"), timeout=10_000)
    lib = by_name(w, "Lesson library")
    titles = [lib.model().index(r, 0).data() for r in range(lib.model().rowCount())]
    press(Qt.Key.Key_Down, times=titles.index("A sample budget story"))
    press(Qt.Key.Key_Return)
    article = by_name(w, "Article")
    qtbot.waitUntil(lambda: focused() is article, timeout=10_000)
    text = article.toPlainText()

    # select the third word with Ctrl+Shift+Right and highlight it as loaded language
    press(Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    press(Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier, times=2)
    press(Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier
          | Qt.KeyboardModifier.ShiftModifier)
    press(Qt.Key.Key_2)
    hl = w.reader.draft.highlights
    assert len(hl) == 1 and hl[0].label == "loaded_language"
    word = text[hl[0].start:hl[0].end]
    assert word.strip() and " " not in word.strip()

    # Tab reaches the Highlights list, then the highlight's category, note and buttons
    order = []
    for _ in range(12):
        press(Qt.Key.Key_Tab)
        order.append(accessible_name(focused()))
        if focused() is article:
            break
    for expected in ("Highlights", "Submit answers", "Back to the lesson library"):
        assert expected in order, order
    # back to the list, choose the highlight, write a note
    while accessible_name(focused()) != "Highlights":
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Return)
    while accessible_name(focused()) != "Note for the selected highlight":
        press(Qt.Key.Key_Tab)
    QTest.keyClicks(focused(), "feeling word")
    press(Qt.Key.Key_Return)
    assert w.reader.draft.highlights[0].note == "feeling word"

    # back in the article: remove with Delete, undo with Ctrl+Z
    while focused() is not article:
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    press(Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier, times=2)
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Delete)
    assert w.reader.draft.highlights == ()
    press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(w.reader.draft.highlights) == 1

    # submit with Ctrl+Return, confirm with Return
    on_next_dialog(lambda d: QTest.keyClick(QApplication.focusWidget() or d,
                                            Qt.Key.Key_Return))
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    feedback = by_name(w, "Feedback")
    qtbot.waitUntil(feedback.isVisible, timeout=10_000)
    assert re.search(r"Score: \d+", feedback.findChild(QLabel, "scoreLabel").text())
    w.activateWindow()  # a window manager does this when the dialog closes; offscreen not
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=10_000)

    # the explanations are reachable, then Try again with the keyboard
    for _ in range(10):
        if accessible_name(focused()) == "Key explanations":
            break
        press(Qt.Key.Key_Tab)
    assert accessible_name(focused()) == "Key explanations"
    press(Qt.Key.Key_Down)
    for _ in range(10):
        if accessible_name(focused()) == "Try again":
            break
        press(Qt.Key.Key_Tab)
    assert accessible_name(focused()) == "Try again"
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: by_name(w, "Article").isVisible(), timeout=10_000)
    assert w.reader.draft.highlights == ()


# --------------------------------------------------------------------------- colour
class _PaletteHolder:
    """Stands in for the QApplication so ``apply_palette`` can be read, not applied."""

    def __init__(self) -> None:
        self.p = QPalette(QApplication.palette())

    def palette(self) -> QPalette:
        return self.p

    def setPalette(self, p: QPalette) -> None:  # noqa: N802
        self.p = QPalette(p)


def palette(dark: bool) -> QPalette:
    holder = _PaletteHolder()
    apply_palette(holder, dark)
    return holder.p


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_on_every_category_colour_and_their_overlaps(dark):
    text = TEXT_DARK if dark else TEXT_LIGHT
    backgrounds = [d if dark else lt for lt, d in CATEGORY_COLOURS]
    low = [(bg, round(contrast(text, bg), 2)) for bg in backgrounds if contrast(text, bg) < AA]
    assert not low
    # overlapping highlights of different categories are painted in their blend
    for a, b in itertools.combinations(backgrounds, 2):
        mixed = blend([QColor(a), QColor(b)]).name()
        assert contrast(text, mixed) >= AA, (a, b, mixed)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_on_every_feedback_status_colour(dark):
    text = TEXT_DARK if dark else TEXT_LIGHT
    for status, (light, dark_bg, tag) in STATUS_STYLE.items():
        bg = dark_bg if dark else light
        assert contrast(text, bg) >= AA, (status, bg, contrast(text, bg))
        assert tag.strip() and not tag[0].isalnum(), "each status has a symbol, not colour alone"
    tags = [t for _, _, t in STATUS_STYLE.values()]
    assert len(set(tags)) == len(tags), "every status has its own words"


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_palette_keeps_its_text_readable(dark):
    p = palette(dark)
    R = QPalette.ColorRole
    pairs = [(R.Text, R.Base), (R.WindowText, R.Window), (R.ButtonText, R.Button),
             (R.HighlightedText, R.Highlight), (R.PlaceholderText, R.Base),
             (R.PlaceholderText, R.Window), (R.PlaceholderText, R.AlternateBase),
             (R.Text, R.AlternateBase), (R.WindowText, R.AlternateBase)]
    low = []
    for fg, bg in pairs:
        c = contrast(p.color(fg).name(), p.color(bg).name())
        if c < AA:
            low.append((fg.name, bg.name, round(c, 2)))
    assert not low
    error = theme.ERROR_DARK if dark else theme.ERROR_LIGHT
    assert contrast(error, p.color(R.Window).name()) >= AA


def test_the_style_sheet_uses_the_error_colour_of_the_palette():
    from app.ui.application import ensure_application

    app = ensure_application()
    sheet = app.styleSheet()
    assert "ERROR_COLOUR" not in sheet
    assert theme.ERROR_LIGHT in sheet or theme.ERROR_DARK in sheet


@pytest.mark.parametrize("colour", ["#000000", "#ff0000", "#0000ff", "#777777", "#ffffff",
                                    "#ffff00", "#123456", "#00ff00"])
def test_a_packs_own_category_colour_keeps_text_readable(colour):
    st = styles_for([Category("mine", "Mine", color=colour)])["mine"]
    assert contrast(TEXT_LIGHT, st.light) >= AA, st.light
    assert contrast(TEXT_DARK, st.dark) >= AA, st.dark


def test_categories_differ_by_more_than_colour():
    cats = [Category(f"c{i}", f"Category {i}") for i in range(6)]
    styles = styles_for(cats)
    underlines = [s.underline_qt() for s in styles.values()]
    assert len(set(underlines)) == len(underlines), "each of six categories its own underline"
    assert QTextCharFormat.UnderlineStyle.NoUnderline not in underlines
    builtin = styles_for(list(BUILTIN_CATEGORIES))
    assert len({s.underline for s in builtin.values()}) == 2


def test_painted_highlights_carry_underline_and_category_name(qtbot, new_window):
    w = new_window("Ana P.")
    open_with_return(qtbot, w, "A sample budget story")
    article = by_name(w, "Article")
    text = article.toPlainText()
    spans = {}
    for needle, key, label in (("reckless", Qt.Key.Key_2, "loaded_language"),
                               ("Experts warn", Qt.Key.Key_1, "unsupported_claim")):
        i = text.index(needle)
        article.select_range(i, i + len(needle))
        QTest.keyClick(article, key)
        spans[label] = (i, i + len(needle))
    names = {c.id: c.name for c in BUILTIN_CATEGORIES}
    doc = article.document()
    seen = {}
    for label, (s, _) in spans.items():
        block = doc.findBlock(s)
        pos = s - block.position()
        ranges = block.layout().formats()  # keep the ranges alive while reading them
        fmts = [QTextCharFormat(f.format) for f in ranges
                if f.start <= pos < f.start + f.length]
        assert fmts, label
        fmt = fmts[0]
        assert fmt.underlineStyle() != QTextCharFormat.UnderlineStyle.NoUnderline
        assert names[label] in fmt.toolTip(), fmt.toolTip()
        seen[label] = fmt.underlineStyle()
    assert len(set(seen.values())) == 2, "the two categories are underlined differently"


# --------------------------------------------------------------------------- 200 %
def clipped(page: QWidget) -> list[str]:
    """Widgets on ``page`` shown smaller than they need: below their minimum size hint,
    word-wrapped labels shorter than their text, or sticking out of their parent."""
    out = []
    for w in page.findChildren(QWidget):
        if not w.isVisible() or isinstance(w, QMenu):
            continue
        parent = w.parentWidget()
        if parent is not None and isinstance(parent.parentWidget(), QAbstractScrollArea):
            continue  # viewports and scroll bars of scroll areas scroll by design
        hint = w.minimumSizeHint()
        where = f"{type(w).__name__}({w.objectName() or accessible_name(w)[:30]!r})"
        if hint.isValid() and (w.width() < hint.width() - 1 or w.height() < hint.height() - 1):
            out.append(f"{where} {w.width()}x{w.height()} < minimum {hint.width()}x"
                       f"{hint.height()}")
        if isinstance(w, QLabel) and w.wordWrap() and w.text():
            need = w.heightForWidth(w.width())
            if need > w.height() + 1:
                out.append(f"{where} text needs {need} px, has {w.height()}")
        if parent is not None and not parent.rect().adjusted(-1, -1, 1, 1).contains(
                w.geometry()):
            out.append(f"{where} sticks out of its parent")
        if isinstance(w, QAbstractItemView) and w.horizontalScrollBar().isVisible():
            out.append(f"{where} scrolls sideways: its rows are wider than the view")
    return out


@pytest.fixture
def double_system_font(qapp):
    from app.ui.application import ensure_application

    app = ensure_application()
    old = app.font()
    big = app.font()
    big.setPointSizeF(old.pointSizeF() * 2)
    app.setFont(big)
    yield big.pointSizeF()
    app.setFont(old)


def screenshot_dir(tmp_path: Path) -> Path:
    d = Path(os.environ.get("CLOSE_READER_SCREENSHOTS") or tmp_path)
    d.mkdir(parents=True, exist_ok=True)
    return d


def test_layouts_survive_200_percent_text(qtbot, db_path, tmp_path, double_system_font):
    """The system font at twice its size: library, reader and feedback in a 1280×800
    window; nothing clipped, the window not forced wider or taller than that."""
    from app.services.grading import submit
    from app.ui import create_main_window

    w = create_main_window(db_path, student="Ana P.")  # the bundled lessons
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    shots = screenshot_dir(tmp_path)
    assert by_name(w, "Lesson library").font().pointSizeF() >= double_system_font - 0.1

    def check(page: str) -> None:
        QApplication.processEvents()
        w.grab().save(str(shots / f"{page}-200.png"))
        assert (w.width(), w.height()) == (1280, 800), f"{page}: window forced to {w.size()}"
        assert clipped(w.centralWidget()) == [], page

    check("library")
    lesson_id = w.repo.lesson_ids()[0]
    w.open_lesson(lesson_id)
    article = by_name(w, "Article")
    text = article.toPlainText()
    words = [m.span() for m in re.finditer(r"\w+", text)]
    for k in range(0, 60, 7):
        article.select_range(words[k][0], words[k + 1][1])
        w.reader.highlight_actions[k % 2].trigger()
    article.select_range(words[7][0] + 1, words[7][0] + 1)
    check("reader")
    w.reader.flush()
    submit(w.repo, w.student.id, w.student.name, lesson_id, w.reader.draft.highlights)
    w.reader.lesson = None
    w.show_feedback(lesson_id)
    check("feedback")


def test_in_app_zoom_enlarges_every_text(qtbot, new_window):
    w = new_window("Ana P.")
    before = {id(x): x.font().pointSizeF() for x in w.findChildren(QWidget)}
    w.apply_zoom(2.0)
    QApplication.processEvents()
    small = [type(x).__name__ for x in w.findChildren(QWidget)
             if x.isVisible() and id(x) in before
             and x.font().pointSizeF() < 1.9 * before[id(x)]]
    assert small == []
