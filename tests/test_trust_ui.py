"""Issue 22 in the app: class codes (the instructor's dialog and sheet, the student's
entry), attempts kept aside with their reason and the instructor's decision, *About*
with the keys, and the student's feedback import refusing what it must, as plain text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from results_helpers import LESSON, UC, attempt, bundle, hl, make_instructor, pack_with, write

from app.core.packs import parse_pack
from app.services.library import export_pack, import_pack
from app.services.results.bundles import import_bundles
from app.store.repo import open_repo
from tests.uihelpers import on_next_dialog, student_window

pytestmark = pytest.mark.usefixtures("qapp")
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def test_class_codes_dialog_makes_codes_and_prints_the_sheet(qtbot, tmp_path):
    from test_results_pdf_cli import pdf_text

    from app.ui.results.codes_dialog import ClassCodesDialog

    r = open_repo(tmp_path / "t.db")
    try:
        for name in ("Ana P.", "Ben K.", "Cleo Z."):
            r.student(name)
        d = ClassCodesDialog(r)
        qtbot.addWidget(d)
        d.show()
        assert d.table.rowCount() == 3 and d.table.item(0, 1).text() == "no code yet"
        assert d.make_missing() == 3
        codes = [d.table.item(i, 1).text() for i in range(3)]
        assert all(len(c) == 11 and c[5] == "-" for c in codes) and len(set(codes)) == 3
        d.name.setText("Dan L.")
        d.add_student()
        assert d.table.rowCount() == 4 and "Added Dan L." in d.status.text()
        d.table.selectRow(0)
        old = d.table.item(0, 1).text()
        assert d.renew_selected(confirm=False) and d.table.item(0, 1).text() != old
        d.grab().save(str(SHOTS / "class-codes.png"))
        out = d.save_sheet(tmp_path / "sheet.pdf")
        assert out and Path(out).stat().st_size > 1000
        text = pdf_text(Path(out))
        if text is not None:
            assert "Ana P." in text and d.table.item(0, 1).text() in text
            assert "Enter my class code" in text
    finally:
        r.database.close()


def test_a_student_enters_a_code_once_and_their_answers_are_signed(qtbot, db_path, tmp_path):
    from app.services.grading import submit
    from app.ui.trust_dialogs import ClassCodeDialog

    w = student_window(qtbot, db_path, pack_with(), student="Ana P.")
    d = ClassCodeDialog(w, w.repo, w.student.id, w.student.name)
    qtbot.addWidget(d)
    d.show()
    d.code.setText("not a code")
    d._on_save()
    assert "not a class code" in d.error.text() and d.result() != d.DialogCode.Accepted
    from PySide6.QtTest import QTest

    from app.core.classcodes import new_code

    code = new_code()
    d.code.selectAll()
    QTest.keyClicks(d.code, code.lower().replace("-", " "))  # case and spacing do not matter
    assert d.error.text() == ""
    d.grab().save(str(SHOTS / "class-code-entry.png"))
    d._on_save()
    assert d.result() == d.DialogCode.Accepted
    sid, _ = submit(w.repo, w.student.id, w.student.name, LESSON, [])
    sub = w.repo.submission(sid)
    assert sub.signed and json.loads(sub.signature)["alg"] == "HMAC-SHA256"
    # the teacher, holding the same code for Ana, takes the attempt as hers
    from app.services.results.bundles import export_bundle
    from app.store import trust_repo

    export_bundle(w.repo, tmp_path / "b.json")
    teacher = open_repo(tmp_path / "t.db")
    try:
        import_pack(teacher, parse_pack(pack_with()))
        ana = teacher.student("Ana P.")
        from app.core.classcodes import derive_key

        trust_repo.set_code(teacher, ana.id, code, derive_key(code, "Ana P."))
        s = import_bundles(teacher, [tmp_path / "b.json"])
        assert (s.added, s.conflicts) == (1, ())
        assert teacher.submissions(with_reports=False)[0].signed
    finally:
        teacher.database.close()


def test_kept_aside_attempts_show_why_and_the_teacher_decides(qtbot, tmp_path):
    from app.ui.results.review_page import ReviewPage

    r = open_repo(tmp_path / "t.db")
    try:
        import_pack(r, parse_pack(pack_with()))
        first = bundle("m1", attempt(1, "Ana P.", [hl(0, 12, UC)], at="2026-11-21T10:00:00Z"))
        import_bundles(r, [write(tmp_path / "a.json", first)])
        graded = r.grades()[(r.student("Ana P.").id, LESSON)].value
        perfect = [hl(0, 45, UC), hl(22, 30, "loaded_language"), hl(124, 145, "loaded_language")]
        back = bundle("evil", attempt(2, "Ana P.", perfect, at="1970-01-01T00:00:00Z"))
        s = import_bundles(r, [write(tmp_path / "b.json", back)])
        assert s.added == 0 and len(s.conflicts) == 1
        page = ReviewPage(r)
        qtbot.addWidget(page)
        page.resize(1100, 700)
        page.show()
        panel = page.conflicts
        assert panel.list.count() == 1
        text = panel.list.item(0).text()
        assert "Claims to be earlier" in text and f"from {graded} to 100" in text, text
        assert panel.buttons["graded"].isVisible() and not panel.buttons["both"].isVisible()
        page.grab().save(str(SHOTS / "review-kept-aside.png"))
        assert r.grades()[(r.student("Ana P.").id, LESSON)].value == graded  # unchanged
        line = panel.decide("practice", confirm=False)
        assert "practice" in line and panel.list.count() == 0
        g = r.grades()[(r.student("Ana P.").id, LESSON)]
        assert g.value == graded and len(r.submissions(with_reports=False)) == 2
    finally:
        r.database.close()


def test_about_shows_this_computers_id_and_the_trusted_key(qtbot, db_path, tmp_path):
    from app.services.trust import fingerprint_of
    from app.ui.trust_dialogs import about_text

    teacher = open_repo(tmp_path / "t.db")
    signer = make_instructor(teacher)
    import_pack(teacher, parse_pack(pack_with()))
    export_pack(teacher, [LESSON], tmp_path / "p.crpack", signer=signer)
    teacher.database.close()
    w = student_window(qtbot, db_path, tmp_path / "p.crpack")
    assert "No instructor key trusted yet" in about_text(w.repo)  # a pack alone trusts none
    from app.core.packs import read_pack
    from app.services.trust import pack_signature

    assert "now takes feedback" in pack_signature(
        w.repo, read_pack(tmp_path / "p.crpack").signed_by, trust=True)
    text = about_text(w.repo)
    assert fingerprint_of(signer.public) in text and "This computer's id" in text
    seen = {}

    def inspect(box):
        seen["text"] = box.text()
        seen["format"] = box.textFormat()
        box.accept()

    on_next_dialog(inspect)
    w.show_about()
    qtbot.waitUntil(lambda: "text" in seen)
    assert seen["format"] == Qt.TextFormat.PlainText and signer.fingerprint in seen["text"]


def test_a_forged_feedback_file_is_refused_in_plain_words(qtbot, db_path, tmp_path):
    """A feedback file a classmate signed with their own key, with markup in it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.core.canonical import canonical

    teacher = open_repo(tmp_path / "t.db")
    signer = make_instructor(teacher)
    import_pack(teacher, parse_pack(pack_with()))
    export_pack(teacher, [LESSON], tmp_path / "p.crpack", signer=signer)
    teacher.database.close()
    w = student_window(qtbot, db_path, tmp_path / "p.crpack")
    from app.core.packs import read_pack
    from app.services.trust import pack_signature

    pack_signature(w.repo, read_pack(tmp_path / "p.crpack").signed_by, trust=True)
    forged = {"format": "close-reader/feedback", "version": 2,
              "exported_at": "2026-11-21T12:00:00Z", "machine": w.repo.machine_id(),
              "sequence": 99, "categories": [], "results": [],
              "lessons": [{"id": LESSON, "title": "<img src=x><b>t</b>", "text": "x"}]}
    import base64

    key = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization

    pub = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    forged["signature"] = {"alg": "Ed25519", "key": base64.b64encode(pub).decode(),
                           "sig": base64.b64encode(key.sign(canonical(forged))).decode()}
    path = write(tmp_path / "feedback-forged.json", forged)
    seen = {}

    def inspect(box):
        seen["text"] = box.text()
        seen["format"] = box.textFormat()
        box.accept()

    on_next_dialog(inspect)
    assert w.import_feedback(str(path)) is None
    qtbot.waitUntil(lambda: "text" in seen)
    assert "not signed by your teacher's key" in seen["text"]
    assert seen["format"] == Qt.TextFormat.PlainText
    for lab in w.findChildren(QLabel):
        assert "<img" not in lab.text() or lab.textFormat() == Qt.TextFormat.PlainText
    QApplication.processEvents()
    assert isinstance(QMessageBox, type)
