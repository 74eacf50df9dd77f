"""Lessons from article files: ``close-reader lessons new`` (a real subprocess on a real
database), ``suggest --text`` through the same importer, and the New lesson dialog
filling the fields and putting removed passages back (real clicks on the list)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = REPO / "tests" / "data" / "pages"


def _cli(db: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = {**os.environ, **(env or {})}
    e.pop("CLOSE_READER_PASSWORD", None) if env is None else None
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *args],
                          capture_output=True, text=True, encoding="utf-8", cwd=REPO,
                          timeout=300, env=e, stdin=subprocess.DEVNULL)


def _page(tmp_path: Path, name: str) -> Path:
    if not (PAGES / f"{name}.gz").is_file():
        pytest.skip("the real saved pages are not here")
    p = tmp_path / name
    p.write_bytes(gzip.decompress((PAGES / f"{name}.gz").read_bytes()))
    return p


@pytest.fixture
def files(tmp_path):
    reuters = _page(tmp_path, "reuters.com-parasite.html")
    txt = tmp_path / "ap-report.txt"
    txt.write_text("Storm knocks out power across the county\n\nBy Lee Park\n\n"
                   "Associated Press December 2, 2016\n\nThousands of homes lost power "
                   "overnight as the storm moved through the county, the utility said on "
                   "Friday morning in a short statement.\n", encoding="utf-8")
    return reuters, txt


def test_lessons_new_adds_lessons_and_says_what_it_found(tmp_path, files):
    db = tmp_path / "cr.db"
    r = _cli(db, "lessons", "new", *map(str, files), "--unit", "Imported", "--level",
             "beginner")
    assert r.returncode == 0, r.stderr
    assert "Added 2 lessons" in r.stdout
    assert "outlet: Reuters · author: Jill Serjeant · published: 2020-01-19" in r.stdout
    assert "author: Lee Park · published: 2016-12-02" in r.stdout
    assert "“By Jill Serjeant”" in r.stdout  # what it removed, quoted
    listed = json.loads(_cli(db, "lessons", "list", "--json").stdout)
    new = {x["id"]: x for x in listed if x["unit"] == "Imported"}
    assert set(new) == {"parasite-scores-historic-upset-at-sag-awards-boosting-oscar",
                        "storm-knocks-out-power-across-the-county"}
    assert all(not x["has_key"] and x["level"] == "beginner" for x in new.values())
    # the same files again: new ids, nothing replaced
    r = _cli(db, "lessons", "new", str(files[1]), "--json")
    assert r.returncode == 0, r.stderr
    (item,) = json.loads(r.stdout)
    assert item["id"] == "storm-knocks-out-power-across-the-county-2"


def test_lessons_new_json_is_the_lesson_as_in_a_pack_with_removed(tmp_path, files):
    r = _cli(tmp_path / "cr.db", "lessons", "new", *map(str, files), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [o["file"] for o in out] == [str(f) for f in files]
    reuters = out[0]
    assert reuters["id"] == "parasite-scores-historic-upset-at-sag-awards-boosting-oscar"
    assert reuters["title"].endswith("scores historic upset at SAG awards, boosting Oscar chances")
    assert reuters["source"] == {"outlet": "Reuters", "author": "Jill Serjeant",
                                 "published": "2020-01-19",
                                 "url": "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH"}
    assert reuters["text"].startswith("'Parasite' scores historic upset")
    assert "key" not in reuters and reuters["categories"]
    assert {"text": "By Jill Serjeant",
            "reason": "Looks like a byline; the name was put in the Author field."} \
        in reuters["removed"]
    # what the command prints is what a pack holds: it reads back as one
    from app.core.packs import parse_pack

    pack = parse_pack({"format": "close-reader/lesson-pack", "version": 1,
                       "lessons": [{k: v for k, v in o.items()
                                    if k not in ("file", "removed", "warnings")} for o in out]})
    assert pack.lessons[1].source.published == "2016-12-02"


def test_lessons_new_bad_file_adds_nothing(tmp_path, files):
    db = tmp_path / "cr.db"
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 binary")
    r = _cli(db, "lessons", "new", str(files[0]), str(bad))
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("close-reader: scan.pdf: ") and "no lesson was added" in r.stderr
    assert "Traceback" not in r.stderr
    listed = json.loads(_cli(db, "lessons", "list", "--json").stdout)
    assert not any(x["id"].startswith("parasite") for x in listed)


def test_lessons_new_needs_the_instructor_password(tmp_path, files):
    from app.core.password import SETTING, hash_password
    from app.store.repo import open_repo

    db = tmp_path / "cr.db"
    assert _cli(db, "lessons", "list").returncode == 0  # a new database with the bundled lessons
    repo = open_repo(db)
    repo.set_setting(SETTING, hash_password("teacher-pass"))
    repo.database.close()
    r = _cli(db, "lessons", "new", str(files[1]))
    assert r.returncode == 1 and "needs the instructor password" in r.stderr
    r = _cli(db, "lessons", "new", str(files[1]), env={"CLOSE_READER_PASSWORD": "nope"})
    assert r.returncode == 1 and "not the instructor password" in r.stderr
    r = _cli(db, "lessons", "new", str(files[1]),
             env={"CLOSE_READER_PASSWORD": "teacher-pass"})
    assert r.returncode == 0, r.stderr


def test_suggest_reads_a_saved_page_and_a_docx_through_the_importer(tmp_path):
    import docx

    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Row - Site</title></head><body><nav>Home</nav>"
                    "<article><h1>Budget row</h1><p>Law enforcement sources said the "
                    "<a rel=\"nofollow\" href=\"x\">reckless</a> plan would fail, according "
                    "to insiders with privileged access.</p><p>The mayor, Ana Ruiz, said "
                    "spending rose 4% last year.</p></article></body></html>",
                    encoding="utf-8")
    r = _cli(tmp_path / "cr.db", "suggest", "--text", str(page), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out
    assert not any("<" in o["quote"] or "nofollow" in o["quote"] for o in out)
    d = docx.Document()
    d.add_paragraph("Experts warn that the reckless plan will fail.")
    f = tmp_path / "oped.docx"
    d.save(f)
    r = _cli(tmp_path / "cr.db", "suggest", "--text", str(f), "--json")
    assert r.returncode == 0, r.stderr
    assert any(o["quote"].startswith("reckless") for o in json.loads(r.stdout))


# -- the New lesson dialog ----------------------------------------------------------------
def _tick(qtbot, lst, row: int) -> None:  # noqa: ANN001
    """Click the check box of ``row`` as a person would (its indicator's position)."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    item = lst.item(row)
    lst.scrollToItem(item)
    rect = lst.visualItemRect(item)
    opt = QStyleOptionViewItem()
    opt.initFrom(lst)
    opt.rect = rect
    opt.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = lst.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, opt, lst)
    QTest.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(box.center().x(), box.center().y()))


@pytest.mark.usefixtures("qapp")
def test_dialog_fills_the_fields_and_ticks_restore_without_a_false_warning(qtbot, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from app.core.lessons import BUILTIN_CATEGORIES
    from app.ui.instructor.lesson_dialog import LessonDialog
    from tests.uihelpers import by_name

    d = LessonDialog(None, {c.id: c for c in BUILTIN_CATEGORIES}, set(), [])
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    d.ask_rebuild = lambda: (asked.append("asked"), answers.pop(0))[1]
    assert d.import_path(str(_page(tmp_path, "reuters.com-parasite.html")))
    assert (by_name(d, "Title").text().endswith("boosting Oscar chances")
            and by_name(d, "Outlet").text() == "Reuters"
            and by_name(d, "Author").text() == "Jill Serjeant"
            and by_name(d, "Published").text() == "2020-01-19"
            and by_name(d, "Address (URL)").text().startswith("https://www.reuters.com/"))
    text_box = by_name(d, "Article text")
    removed = by_name(d, "Removed as not part of the article")
    rows = [removed.item(i).text() for i in range(removed.count())]
    row = next(i for i, t in enumerate(rows) if "By Jill Serjeant" in t)
    before = text_box.toPlainText()
    _tick(qtbot, removed, row)  # no edits: no question, the byline is back
    assert removed.item(row).checkState() == Qt.CheckState.Checked
    assert asked == [] and "By Jill Serjeant" in text_box.toPlainText()
    assert text_box.toPlainText() != before
    # untick: back as it was, still no question
    _tick(qtbot, removed, row)
    assert asked == [] and text_box.toPlainText() == before
    # an edit, then a tick: asked; No leaves the tick off and the edit in place
    text_box.setPlainText(before + "\n\nMy own note.")
    other = next(i for i, t in enumerate(rows) if "4 Min Read" in t)
    _tick(qtbot, removed, other)
    assert asked == ["asked"]
    assert removed.item(other).checkState() == Qt.CheckState.Unchecked
    assert text_box.toPlainText().endswith("My own note.")
    # Yes rebuilds from the import
    _tick(qtbot, removed, other)
    assert asked == ["asked", "asked"]
    assert removed.item(other).checkState() == Qt.CheckState.Checked
    assert "4 Min Read" in text_box.toPlainText() and "My own note." not in text_box.toPlainText()
    d.reject()
