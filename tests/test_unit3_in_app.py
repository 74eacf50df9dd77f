"""Unit 3 ("Calm but misleading, heated but accurate") as a student meets it in the app.

A student who reads tone instead of evidence marks the angry story's sourced claims and
leaves the calm story's conclusions alone; one who reads evidence does the opposite. Both
highlight with the keyboard in the real reader, submit, and read the feedback. Screenshots of
the feedback go to ``docs/screenshots/`` (referenced from lessons/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.uihelpers import action, by_name, on_next_dialog

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "lessons" / "unit3-calm-heated.json"
SHOTS = ROOT / "docs" / "screenshots"
UC, LL = Qt.Key.Key_1, Qt.Key.Key_2  # the categories' shortcuts, in pack order


def _lesson(lesson_id: str) -> dict:
    return next(le for le in json.loads(PACK.read_text(encoding="utf-8"))["lessons"]
                if le["id"] == lesson_id)


def _window(qtbot, db_path):  # noqa: ANN001, ANN202
    from app.ui import create_main_window

    w = create_main_window(db_path, student="Ana P.")  # the bundled lessons, unit 3 among them
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def _highlight_and_submit(qtbot, w, lesson_id: str, marks: list[tuple[str, Qt.Key]]):  # noqa: ANN001, ANN202
    w.open_lesson(lesson_id)
    art = by_name(w, "Article")
    qtbot.waitUntil(art.isVisible)
    text = art.toPlainText()
    assert text == _lesson(lesson_id)["text"]
    art.setFocus()
    for needle, key in marks:
        i = text.index(needle)
        art.select_range(i, i + len(needle))
        QTest.keyClick(art, key)
    art.moveCursor(art.textCursor().MoveOperation.End)

    def press_submit(d) -> None:  # noqa: ANN001
        next(b for b in d.buttons() if "Submit" in b.text()).click()

    on_next_dialog(press_submit)
    action(w, "Submit answers").trigger()
    fb = by_name(w, "Feedback")
    qtbot.waitUntil(fb.isVisible, timeout=10_000)
    QApplication.processEvents()
    return fb


def _feedback_words(fb) -> str:  # noqa: ANN001
    from tests.uihelpers import labels_text

    return labels_text(fb)


@pytest.mark.parametrize(("lesson_id", "marks", "score"), [
    # reading evidence: the calm story's unsupported conclusions, nothing else
    ("tone-speed-cameras-calm",
     [("Speed cameras cut Orchard Road crashes by two-thirds", UC),
      ("a fall of more than two-thirds", UC),
      ("The cameras have made Orchard Road safer for the families who live along it", UC),
      ("Orchard Road’s crash problem has been solved", UC)], 100),
    # reading tone: the calm story's plain, sourced sentences, and none of its conclusions
    ("tone-speed-cameras-calm",
     [("The speed limit is 30 mph", UC),
      ("Sergeant Tom Okafor of Fernhollow police’s traffic unit said", UC)], 0),
    # reading evidence in the angry story: its loaded words only
    ("tone-parking-charges-heated",
     [("hand-wringing", LL), ("a scare figure", LL), ("doom merchants", LL),
      ("panicking over two empty windows", LL)], 100),
    # reading tone in the angry story: its sourced claims as unsupported
    ("tone-parking-charges-heated",
     [("According to the same register, 4 of Main Street’s 52 shops were empty in September",
       UC),
      ("That is a dip of about 2 percent", UC)], 0),
])
def test_evidence_readers_pass_and_tone_readers_do_not(qtbot, db_path, lesson_id, marks, score):
    w = _window(qtbot, db_path)
    fb = _highlight_and_submit(qtbot, w, lesson_id, marks)
    assert fb.score_label.text() == f"Score: {score}"
    words = _feedback_words(fb)
    if score == 0:
        # the false alarms are named as such, kindly, and the key's reasons are on screen
        assert "words the key leaves alone" in words, words
    kind = "calm" if lesson_id.endswith("-calm") else "heated"
    good = "evidence" if score == 100 else "tone"
    w.grab().save(str(SHOTS / f"unit3-{kind}-{good}-feedback.png"))
    w.repo.database.close()
