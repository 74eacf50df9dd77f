"""Security (docs/quality.md: a classroom, not a bank, but keys are the exam):
parameterised SQL everywhere, key secrecy on the student's path, the instructor password
stored as a salted slow hash and compared in constant time, and what comes from a pack
shown as text, never as markup.

Zip slip (``.docx`` entries with ``../``) and hostile HTML (scripts, remote images, forms:
nothing fetched or run) are covered in ``test_cleaning.py``:
``test_docx_zip_slip_is_refused_and_nothing_is_written`` and
``test_hostile_html_is_parsed_never_run_or_fetched``; the last test here checks that
they are still there.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.core.packs import read_pack
from app.services.library import import_pack
from tests.uihelpers import accept_next_dialog, by_name

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
SQL_METHODS = {"execute", "executemany", "executescript", "query", "execute_returning_dicts"}


# --------------------------------------------------------------------------- SQL
class SqlSource:
    """Decides whether an expression used as SQL is built from constants only.

    Constants are string literals, UPPER_CASE module names, integers from ``range()``,
    and local names whose every assignment (or ``append``) in the function is itself
    built from constants; ``" AND ".join(name)`` of such a list is one too. Anything
    else (a parameter, an attribute, a call) may carry input and is refused.
    """

    def __init__(self, func: ast.AST) -> None:
        self.func = func

    def safe(self, e: ast.AST, seen: frozenset[str] = frozenset()) -> bool:
        if isinstance(e, ast.Constant):
            return isinstance(e.value, (str, int))
        if isinstance(e, ast.JoinedStr):
            return all(self.safe(v, seen) for v in e.values)
        if isinstance(e, ast.FormattedValue):
            return self.safe(e.value, seen)
        if isinstance(e, ast.BinOp) and isinstance(e.op, (ast.Add, ast.Mod)):
            return self.safe(e.left, seen) and self.safe(e.right, seen)
        if isinstance(e, ast.IfExp):
            return self.safe(e.body, seen) and self.safe(e.orelse, seen)
        if isinstance(e, (ast.Tuple, ast.List)):
            return all(self.safe(x, seen) for x in e.elts)
        if (isinstance(e, ast.Call) and isinstance(e.func, ast.Attribute)
                and e.func.attr == "join" and isinstance(e.func.value, ast.Constant)):
            return all(self.safe(a, seen) for a in e.args)
        if isinstance(e, ast.Name):
            return self.safe_name(e.id, seen)
        return False

    def safe_name(self, name: str, seen: frozenset[str]) -> bool:
        if name.isupper():
            return True  # a module constant
        if name in seen:
            return True
        seen = seen | {name}
        args = self.func.args  # type: ignore[attr-defined]
        if name in {a.arg for a in [*args.args, *args.kwonlyargs, *args.posonlyargs]}:
            return False  # a parameter: input
        sources: list[ast.AST] = []
        for node in ast.walk(self.func):
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in node.targets) or isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(
                    node.target, ast.Name) and node.target.id == name and node.value:
                sources.append(node.value)
            elif isinstance(node, ast.For) and isinstance(node.target, ast.Name) \
                    and node.target.id == name:
                it = node.iter
                if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) \
                        and it.func.id == "range":
                    sources.append(ast.Constant(0))  # an integer
                else:
                    sources.append(it)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("append", "extend")
                  and isinstance(node.func.value, ast.Name) and node.func.value.id == name):
                sources.extend(node.args)
        return bool(sources) and all(self.safe(s, seen) for s in sources)


def sql_calls(path: Path) -> list[tuple[str, int, str, bool]]:
    """(function, line, SQL source, built from constants) of every SQL call in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SQL_METHODS and node.args):
                sql = node.args[0]
                out.append((func.name, node.lineno, ast.unparse(sql)[:90],
                            SqlSource(func).safe(sql)))
    return out


def test_all_sql_is_built_from_constants_and_takes_input_as_parameters():
    unsafe, total = [], 0
    for path in sorted(APP.rglob("*.py")):
        for func, line, sql, ok in sql_calls(path):
            total += 1
            if not ok:
                unsafe.append(f"{path.relative_to(ROOT)}:{line} in {func}(): {sql}")
    assert total > 30, "the scan found the store's SQL"
    assert unsafe == []


def test_the_sql_check_catches_sql_built_from_input(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def find(db, name):\n"
        "    db.execute(f\"SELECT * FROM students WHERE name = '{name}'\")\n"
        "def find2(db, name):\n"
        "    sql = 'SELECT * FROM students WHERE name = ' + name\n"
        "    return db.query(sql)\n"
        "def find3(db, name):\n"
        "    return db.execute('SELECT %s' % name)\n"
        "def find4(db, table):\n"
        "    parts = ['SELECT *']\n"
        "    parts.append(table.name)\n"
        "    return db.execute(' '.join(parts))\n"
        "def fine(db, name):\n"
        "    sql = 'SELECT * FROM students WHERE name = ?'\n"
        "    for step in range(3):\n"
        "        db.execute(f'PRAGMA user_version={step + 1}')\n"
        "    return db.execute(sql, [name])\n", encoding="utf-8")
    verdicts = {func: ok for func, _, _, ok in sql_calls(bad)}
    assert verdicts == {"find": False, "find2": False, "find3": False, "find4": False,
                        "fine": True}


HOSTILE_NAMES = ["Robert'); DROP TABLE students;--", 'Ana "the" P.', "x' OR '1'='1",
                 "%_*?\\", "😀 Émile", "name; ATTACH DATABASE '/tmp/x' AS x"]


def test_hostile_names_and_notes_are_stored_as_data(repo):
    from app.core.lessons import Highlight

    import_pack(repo, read_pack(ROOT / "tests" / "data" / "sample-pack.json"))
    for name in HOSTILE_NAMES:
        st = repo.student(name)
        assert repo.student(name.upper() if name.isascii() else name).id == st.id
        repo.save_draft(st.id, "sample-budget",
                        [Highlight(0, 7, "unsupported_claim", note=name)])
        assert repo.draft(st.id, "sample-budget")[0].note == name
    assert sorted(s.name for s in repo.students()) == sorted(
        " ".join(n.split()) for n in HOSTILE_NAMES)
    tables = {r[0] for r in repo.database.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"students", "lessons", "drafts", "submissions", "key_spans"} <= tables


# --------------------------------------------------------------------------- key secrecy
@pytest.fixture
def window(qtbot, db_path, sample_pack):
    from app.store.repo import open_repo
    from app.ui import create_main_window

    r = open_repo(db_path)
    import_pack(r, read_pack(sample_pack))
    r.database.close()

    def make(student: str):
        w = create_main_window(db_path, student=student)
        qtbot.addWidget(w)
        show_active(qtbot, w)
        return w

    return make


def show_active(qtbot, w) -> None:  # noqa: ANN001
    """Shown and active: shortcuts such as Ctrl+Return work only in the active window."""
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=10_000)


def secrets_of(repo, lesson_id: str) -> list[str]:
    lesson = repo.get_lesson(lesson_id, with_key=True)
    out = [k.explanation for k in lesson.key or () if len(k.explanation) > 8]
    if len(lesson.teacher_notes) > 3:
        out.append(lesson.teacher_notes)
    assert out, "the sample lesson has explanations to keep secret"
    return out


def everything_shown(root: QWidget) -> str:
    """Every text the window can show or tell a screen reader: labels, buttons, fields,
    list rows in every role, the article with its tooltips, actions, the status bar."""
    parts = [root.windowTitle()]
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
             Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.StatusTipRole)
    for w in [root, *root.findChildren(QWidget)]:
        parts += [w.accessibleName(), w.accessibleDescription(), w.toolTip(),
                  w.whatsThis(), w.statusTip()]
        if isinstance(w, (QLabel, QAbstractButton, QLineEdit)):
            parts.append(w.text())
        if isinstance(w, QComboBox):
            parts += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            for r in range(m.rowCount()):
                parts += [str(m.index(r, 0).data(role) or "") for role in roles]
        if hasattr(w, "toPlainText") and hasattr(w, "document"):
            parts.append(w.toPlainText())
            block = w.document().begin()
            while block.isValid():
                ranges = block.layout().formats()
                parts += [f.format.toolTip() for f in ranges]
                block = block.next()
    for a in root.findChildren(QAction):
        parts += [a.text(), a.toolTip(), a.statusTip(), a.whatsThis()]
    parts.append(root.statusBar().currentMessage())
    return "\n".join(p for p in parts if p)


def test_the_student_path_never_holds_or_shows_the_key_before_submitting(qtbot, window,
                                                                          monkeypatch):
    from app.store.repo import KeyLocked
    from app.ui.reader_page import ReaderPage

    given = []
    real = ReaderPage.set_lesson

    def spy(self, lesson, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        given.append(lesson)
        return real(self, lesson, *args, **kwargs)

    monkeypatch.setattr(ReaderPage, "set_lesson", spy)
    w = window("Ana P.")
    secrets = secrets_of(w.repo, "sample-budget")
    assert not any(s in everything_shown(w) for s in secrets)
    w.open_lesson("sample-budget")
    assert given and given[-1].key is None and given[-1].teacher_notes == ""
    article = by_name(w, "Article")
    text = article.toPlainText()
    for needle, key in (("Experts warn", Qt.Key.Key_1), ("reckless", Qt.Key.Key_2)):
        i = text.index(needle)
        article.select_range(i, i + len(needle))
        QTest.keyClick(article, key)
    article.select_range(text.index("reckless") + 1, text.index("reckless") + 1)
    shown = everything_shown(w)
    leaked = [s for s in secrets if s in shown]
    assert leaked == []
    with pytest.raises(KeyLocked):
        w.repo.key_for_student(w.student.id, "sample-budget")
    w.show_library()
    assert not any(s in everything_shown(w) for s in secrets)

    # after her submission Ana sees the explanations ...
    accept_next_dialog()
    w.open_lesson("sample-budget")
    QTest.keyClick(by_name(w, "Article"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: by_name(w, "Feedback").isVisible(), timeout=10_000)
    assert any(s in everything_shown(w) for s in secrets)
    assert w.repo.key_for_student(w.student.id, "sample-budget").key
    ana = w.student.id
    w.close()

    # ... but Ben, on the same machine, still does not
    b = window("Ben Q.")
    with pytest.raises(KeyLocked):
        b.repo.key_for_student(b.student.id, "sample-budget")
    b.open_lesson("sample-budget")
    assert b.reader.isVisible() and b.reader.lesson.key is None
    assert not any(s in everything_shown(b) for s in secrets)
    assert b.reader.draft.highlights == ()  # not Ana's work either
    statuses = b.repo.statuses(b.student.id)
    assert statuses["sample-budget"].attempts == 0
    assert b.repo.statuses(ana)["sample-budget"].attempts == 1


def test_student_mode_offers_no_way_to_edit_lessons_keys_or_others_work(window):
    w = window("Ana P.")
    editing = re.compile(r"\bimport|\bexport|\bdelete|\bkeys?\b|lesson pack|gradebook|"
                         r"password|\bedit (a |the )?(lesson|key|categor|student)|student's")
    gated = {"Instructor mode…"}  # behind the password
    # read-only: they write the machine's submitted attempts to a file for the teacher
    # (issue 6, student side) and change nothing stored
    gated |= {"Export my submissions…", "Export all submissions on this computer…"}
    # the teacher's released feedback (formats.md, "Feedback file"): it adds keys and
    # results the teacher wrote; the grade of record stays on the teacher's machine
    gated |= {"Import feedback from your teacher…"}
    # the reader and the feedback view are built on first use: build them, so their
    # actions are scanned too
    assert w.reader is not None and w.feedback is not None
    texts = [a.text().replace("&", "") for a in w.findChildren(QAction)]
    assert "Switch student…" in texts and "Undo" in texts  # the scan sees the actions
    offered = [t for t in texts if t not in gated and editing.search(t.lower())]
    assert offered == []


def test_instructor_mode_stays_locked_without_the_password(qtbot, window):
    from app.core.password import hash_password

    w = window("Ana P.")
    instructor = [a for a in w.findChildren(QAction) if a.text().startswith("Instructor mode")]
    if not instructor:
        pytest.skip("no instructor mode in this build")
    from app.ui.instructor import gate

    w.repo.set_setting(gate.SETTING, hash_password("correct horse"))
    answered = []

    def wrong_then_cancel() -> None:
        d = QApplication.activeModalWidget()
        if d is None:
            QTimer.singleShot(20, wrong_then_cancel)
            return
        field = next(f for f in d.findChildren(QLineEdit)
                     if f.echoMode() == QLineEdit.EchoMode.Password)
        field.setText("guess123")
        QTest.keyClick(field, Qt.Key.Key_Return)
        answered.append(d.isVisible())  # a wrong password: still asking
        d.reject()

    QTimer.singleShot(20, wrong_then_cancel)
    instructor[0].trigger()
    assert answered == [True]
    opened = [x for x in QApplication.topLevelWidgets()
              if type(x).__name__ == "InstructorWindow" and x.isVisible()]
    assert opened == []


# --------------------------------------------------------------------------- password
def test_the_instructor_password_is_a_salted_slow_hash_compared_in_constant_time():
    from app.core import password as pw

    a, b = pw.hash_password("correct horse"), pw.hash_password("correct horse")
    assert a != b, "a fresh salt each time"
    assert "correct horse" not in a
    scheme, n, r, p, salt, digest = a.split("$")
    assert scheme == "scrypt" and int(n) >= 2**14 and int(r) >= 8 and int(p) >= 1
    assert len(salt) >= 16 and len(digest) >= 32
    assert pw.verify_password("correct horse", a)
    assert not pw.verify_password("correct horsE", a)
    assert not pw.verify_password("", a)
    for junk in ("", "plain", "scrypt$1$1$1$$", "pbkdf2$1$x", a.replace("scrypt", "md5"),
                 "scrypt$1099511627776$8$1$AAAA$AAAA"):
        assert pw.verify_password("correct horse", junk) is False
    src = inspect.getsource(pw.verify_password)
    assert "hmac.compare_digest" in src
    tree = ast.parse(inspect.getsource(pw))
    eq_on_digests = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Compare)
                     and any(isinstance(o, (ast.Eq, ast.NotEq)) for o in n.ops)
                     and "digest" in ast.unparse(n)]
    assert eq_on_digests == []


def test_the_stored_password_setting_holds_only_the_hash(repo):
    from app.core.password import hash_password, verify_password

    try:
        from app.ui.instructor import gate
    except ImportError:
        pytest.skip("no instructor mode in this build")
    repo.set_setting(gate.SETTING, hash_password("s3cret-pass"))
    raw = repo.database.conn.execute("SELECT value FROM settings WHERE key = ?",
                                     [gate.SETTING]).fetchone()[0]
    assert "s3cret-pass" not in raw and verify_password("s3cret-pass", raw)
    dump = "\n".join(repo.database.conn.iterdump())
    assert "s3cret-pass" not in dump


# --------------------------------------------------------------------------- markup
HOSTILE_TEXT = ("Officials said <b>BOLD</b> and <img src='file:///etc/hostname'> "
                "<a href='http://evil.example/'>click</a> <script>alert(1)</script> "
                "&amp; the reckless plan would fail.\n\nA second paragraph.")


@pytest.fixture
def hostile_db(db_path, tmp_path):
    from app.store.repo import open_repo

    pack = {"format": "close-reader/lesson-pack", "version": 1,
            "categories": [{"id": "hostile_cat", "name": "Loaded <i>language</i>"}],
            "lessons": [{"id": "hostile", "title": "<h1>Big</h1> <b>title</b>",
                         "text": HOSTILE_TEXT,
                         "instructions": "Read <b>BOLD</b> <img src='file:///etc/hostname'>",
                         "categories": ["unsupported_claim", "loaded_language", "hostile_cat"],
                         "key": [
                             {"start": HOSTILE_TEXT.index("reckless"),
                              "end": HOSTILE_TEXT.index("reckless") + 8,
                              "label": "hostile_cat", "quote": "reckless",
                              "explanation": "<b>feeling</b> word"}]}]}
    p = tmp_path / "hostile.json"
    p.write_text(json.dumps(pack), encoding="utf-8")
    r = open_repo(db_path)
    import_pack(r, read_pack(p))
    r.database.close()
    return db_path


def markup_rendered(root: QWidget) -> list[str]:
    """Labels that would render a pack's markup instead of showing it."""
    out = []
    for label in root.findChildren(QLabel):
        if not label.isVisible():
            continue
        t = label.text()
        if any(m in t for m in ("<b>BOLD", "<img", "<h1>", "<i>language", "<script")) and \
                label.textFormat() != Qt.TextFormat.PlainText:
            out.append(f"{label.objectName() or 'QLabel'}: {t[:80]}")
    return out


def test_the_article_shows_markup_as_text_and_loads_nothing(qtbot, hostile_db):
    from PySide6.QtGui import QTextFormat

    from app.ui import create_main_window

    w = create_main_window(hostile_db, student="Ana P.")
    qtbot.addWidget(w)
    w.show()
    w.open_lesson("hostile")
    article = by_name(w, "Article")
    assert article.toPlainText() == HOSTILE_TEXT
    block = article.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            assert not fmt.isImageFormat() and not fmt.isAnchor()
            assert fmt.objectType() == QTextFormat.ObjectTypes.NoObject
            it += 1
        block = block.next()


def test_the_feedback_shows_a_packs_markup_as_text(qtbot, hostile_db):
    from app.ui import create_main_window

    w = create_main_window(hostile_db, student="Ana P.")
    qtbot.addWidget(w)
    show_active(qtbot, w)
    w.open_lesson("hostile")
    article = by_name(w, "Article")
    text = article.toPlainText()
    i = text.index("<b>BOLD")  # a long highlight over the markup and the key's word:
    article.select_range(i, text.index("plan"))  # the feedback quotes it back
    QTest.keyClick(article, Qt.Key.Key_3)
    accept_next_dialog()
    QTest.keyClick(article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    feedback = by_name(w, "Feedback")
    qtbot.waitUntil(feedback.isVisible, timeout=10_000)
    # the long highlight is quoted back, in full, in the (plain-text) list beside the
    # article; category names with markup are shown as text in the legend
    rows = by_name(w, "Key explanations")
    quoted = "\n".join(rows.item(i).text() for i in range(rows.count()))
    assert "<b>BOLD" in quoted
    shown = "\n".join(lb.text() for lb in feedback.findChildren(QLabel))
    assert "Loaded <i>language</i>" in shown
    assert markup_rendered(feedback) == []


def test_the_reader_shows_a_packs_markup_as_text(qtbot, hostile_db):
    from app.ui import create_main_window

    w = create_main_window(hostile_db, student="Ana P.")
    qtbot.addWidget(w)
    w.show()
    w.open_lesson("hostile")
    article = by_name(w, "Article")
    text = article.toPlainText()
    article.select_range(text.index("<b>BOLD"), text.index("plan"))
    QTest.keyClick(article, Qt.Key.Key_1)
    article.select_range(text.index("BOLD"), text.index("BOLD"))
    assert markup_rendered(w.reader) == []


def test_zip_slip_and_hostile_html_stay_covered():
    """quality.md names them; their tests live in test_cleaning.py."""
    tree = ast.parse((ROOT / "tests" / "test_cleaning.py").read_text(encoding="utf-8"))
    names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert "test_docx_zip_slip_is_refused_and_nothing_is_written" in names
    assert "test_hostile_html_is_parsed_never_run_or_fetched" in names
    src = (ROOT / "tests" / "test_cleaning.py").read_text(encoding="utf-8")
    for case in ("../evil", "<script", "EVILIMG", "<form", "no_network"):
        assert case in src, case


def test_sqlite_files_are_opened_only_by_the_store():
    """Only app/store speaks SQL (architecture.md), so the checks above cover it all."""
    users = []
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("app/store/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for n in ast.walk(tree):
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in n.names] if isinstance(n, ast.Import) else [n.module]
                if any(m and m.split(".")[0] in ("sqlite3", "sqlite_utils") for m in mods):
                    users.append(rel)
    assert users == []
