"""Suggestions that learn from this teacher: the verdicts a key save records (core and a
real SQLite database), the phrase model (real spaCy), the key editor's Suggestions tab
driven offscreen (Accept, Accept as optional, Reject, the count, reasons in full, a
span without explanation, forgetting), and ``close-reader suggest`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.lessons import KeySpan, Lesson
from app.core.training import (
    ACCEPTED,
    MARKED,
    REJECTED,
    Reviewed,
    TrainingLesson,
    TrainingSpan,
    spans_for_key,
    still_placed,
)

REPO = Path(__file__).resolve().parent.parent
LL, UC = "loaded_language", "unsupported_claim"


def _key(text: str, words: str, label: str = LL, required: bool = True) -> KeySpan:
    i = text.index(words)
    return KeySpan(i, i + len(words), label, words, "why", required)


# -- what a key save records ------------------------------------------------------------
def test_spans_for_key_sorts_accepted_marked_and_rejected():
    text = "The reckless plan is a disaster, experts warn, and a scandal."
    reckless, scandal = _key(text, "reckless plan"), _key(text, "scandal")
    disaster = text.index("disaster")
    spans = spans_for_key(
        text, [reckless, scandal],
        accepted=[Reviewed(reckless.start, reckless.end, LL, "reckless")],
        rejected=[Reviewed(disaster, disaster + 8, LL, "disaster"),
                  Reviewed(reckless.start, reckless.start + 8, LL, "reckless")])
    by = {(text[s.start:s.end], s.verdict, s.cue) for s in spans}
    assert by == {("reckless plan", ACCEPTED, "reckless"), ("scandal", MARKED, ""),
                  ("disaster", REJECTED, "disaster")}  # a rejection the key overlaps: dropped


def test_earlier_verdicts_are_kept_until_the_words_change():
    text = "The reckless plan is a disaster."
    before = [TrainingSpan(4, 17, LL, ACCEPTED, True, "reckless"),
              TrainingSpan(23, 31, LL, REJECTED, True, "disaster")]
    spans = spans_for_key(text, [_key(text, "reckless plan")], [], [], before)
    assert {(s.verdict, s.cue) for s in spans} == {(ACCEPTED, "reckless"), (REJECTED, "disaster")}
    edited = "The reckless plan is a failure!."
    assert [s.verdict for s in still_placed(before, text, edited)] == [ACCEPTED]


def test_store_keeps_reads_and_forgets_training(tmp_path):
    from app.store import training
    from app.store.repo import open_repo

    repo = open_repo(tmp_path / "cr.db")
    le = TrainingLesson("a", "A", "hello world", (TrainingSpan(0, 5, LL, MARKED),))
    training.save_lesson(repo, le)
    training.save_lesson(repo, TrainingLesson("a", "A", "hello world",
                                              (TrainingSpan(6, 11, LL, REJECTED, True, "x"),)))
    assert training.all_lessons(repo)[0].spans == (TrainingSpan(6, 11, LL, REJECTED, True, "x"),)
    assert training.read_at(tmp_path / "cr.db")[0].lesson_id == "a"  # the worker's way
    assert training.counts(repo) == {"lessons": 1, "rejected": 1}
    assert training.forget_all(repo) == 1 and training.all_lessons(repo) == []
    assert training.read_at(tmp_path / "nothing.db") == []


# -- the phrase model ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def nlp():
    from app.nlp.suggest import load_pipeline

    model, notice = load_pipeline()
    assert notice == ""
    return model


def _taught(texts_and_keys):  # noqa: ANN001
    """Training as the app records it: the teacher marked these spans by hand."""
    out = []
    for n, (text, marks) in enumerate(texts_and_keys):
        key = [_key(text, w, label) for w, label in marks]
        out.append(TrainingLesson(f"l{n}", f"Lesson {n}", text, spans_for_key(text, key, [], [])))
    return out


def test_a_phrase_the_teacher_marks_is_suggested_in_a_new_text(nlp):
    from app.nlp.learning import PhraseModel
    from app.nlp.suggest import suggest

    texts = [("The council's penny-pinching scheme shut the pool.",
              [("penny-pinching scheme", LL)]),
             ("Critics say the penny-pinching scheme will cost more.",
              [("penny-pinching scheme", LL)])]
    model = PhraseModel.build(nlp, _taught(texts))
    new = "Now the penny-pinching scheme reaches the library."
    rules = suggest(new, nlp)
    assert not any("penny" in s.quote for s in rules)
    learned = [s for s in suggest(new, nlp, model=model) if "penny" in s.quote]
    assert len(learned) == 1
    s = learned[0]
    assert s.source == "learned" and s.label == LL and s.quote == "penny-pinching scheme"
    assert "you marked ‘penny-pinching scheme’" in s.reason and "“Lesson 0”" in s.reason


def test_a_rule_the_teacher_keeps_rejecting_is_set_aside(nlp):
    from app.nlp.learning import PhraseModel, simulate_review
    from app.nlp.suggest import suggest

    lessons = []
    for n, text in enumerate(["The 'Neutral' panel met.", "A 'modern' library opened.",
                              "The 'reform' passed."]):
        le = Lesson(f"s{n}", f"S{n}", text, key=())
        lessons.append(simulate_review(le, suggest(text, nlp)))
    assert all(s.verdict == REJECTED and s.cue == "scare quotes" for le in lessons
               for s in le.spans)
    model = PhraseModel.build(nlp, lessons)
    assert (LL, "scare quotes") in model.suppressed
    new = "The 'independent' review found nothing."
    assert any(s.cue == "scare quotes" for s in suggest(new, nlp))
    assert not any(s.cue == "scare quotes" for s in suggest(new, nlp, model=model))


def test_learning_improves_the_bundled_lessons_leave_one_out(nlp):
    """The benchmark's measure, asserted: with learning, F1 over both labels is not
    lower than the rules' (bench/suggest_bench.py prints the figures)."""
    sys.path.insert(0, str(REPO / "bench"))
    import suggest_bench

    lessons = suggest_bench.bundled_lessons()
    rules = suggest_bench.quality(lessons, nlp, learn=False)["pooled"]["all"]
    learned = suggest_bench.quality(lessons, nlp, learn=True)["pooled"]["all"]
    assert learned["f1"] > rules["f1"], (rules, learned)


# -- the key editor's Suggestions tab, offscreen -------------------------------------------
@pytest.fixture
def window(qtbot, db_path, sample_pack):
    from app.core.packs import read_pack
    from app.services.library import import_pack
    from app.store.repo import open_repo
    from app.ui.instructor.suggest_worker import SuggestionWorker, SyncExecutor
    from app.ui.instructor.window import InstructorWindow

    repo = open_repo(db_path)
    import_pack(repo, read_pack(sample_pack))
    w = InstructorWindow(repo, worker=SuggestionWorker(executor=SyncExecutor()),
                         executor=SyncExecutor())
    w.show()
    yield w
    w.editor.discard_changes()
    w.close()
    w.deleteLater()
    repo.database.close()


@pytest.mark.usefixtures("qapp")
def test_accept_optional_reject_count_reasons_and_what_is_learned(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.store import training
    from tests.uihelpers import by_name

    window.edit_key("sample-budget")
    ed = window.editor
    for k in list(ed.key.spans):
        ed.key.remove(k)
    ed.request_suggestions()
    lst = ed.suggestions
    n = lst.count()
    assert n >= 3
    status = ed.panel.status
    assert status.text().startswith(f"{n} suggestions to review")
    rows = [lst.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(n)]
    for i, s in enumerate(rows):  # each row and the detail hold the reason in full
        assert s.reason in lst.item(i).text() and "…" not in lst.item(i).text()
    lst.setCurrentRow(0)
    assert by_name(window, "The chosen suggestion").text().endswith(rows[0].reason)
    # Accept (the button, clicked), Accept as optional, Reject: the count follows
    QTest.mouseClick(by_name(window, "Accept the suggestion"), Qt.MouseButton.LeftButton)
    assert lst.count() == n - 1 and status.text().startswith(f"{n - 1} suggestion")
    lst.setCurrentRow(0)
    optional_one = lst.currentItem().data(Qt.ItemDataRole.UserRole + 1)
    QTest.mouseClick(by_name(window, "Accept the suggestion as an optional key span"),
                     Qt.MouseButton.LeftButton)
    k = next(k for k in ed.key.spans if (k.start, k.end) == (optional_one.start, optional_one.end))
    assert k.required is False
    lst.setCurrentRow(0)
    rejected = lst.currentItem().data(Qt.ItemDataRole.UserRole + 1)
    QTest.mouseClick(by_name(window, "Reject the suggestion"), Qt.MouseButton.LeftButton)
    left = lst.count()
    assert left == n - 3 and (status.text().startswith(f"{left} suggestion") if left
                              else status.text().startswith("No suggestions left"))
    # save (explanations come from the reasons): the verdicts are learned from
    ed.save()
    stored = training.all_lessons(window.repo)
    assert [le.lesson_id for le in stored] == ["sample-budget"]
    verdicts = {(s.start, s.end, s.verdict) for s in stored[0].spans}
    assert (rejected.start, rejected.end, REJECTED) in verdicts
    assert (optional_one.start, optional_one.end, ACCEPTED) in verdicts
    assert "1 lesson" in ed.panel.learned_label.text()
    # forgetting, asked first
    from tests.uihelpers import accept_next_dialog

    accept_next_dialog()  # Yes is the default button of the question
    QTest.mouseClick(by_name(window, "Forget what the suggestions learned from your keys"),
                     Qt.MouseButton.LeftButton)
    assert training.all_lessons(window.repo) == []
    assert "learn from your keys each time" in ed.panel.learned_label.text()


@pytest.mark.usefixtures("qapp")
def test_a_span_without_explanation_asks_before_saving(qtbot, window):
    window.edit_key("sample-budget")
    ed = window.editor
    text = ed.lesson.text
    i = text.index("budget")
    ed.article.select_range(i, i + len("budget"))
    k = ed.mark_selection("loaded_language")
    assert k is not None and not k.explanation
    asked: list[str] = []
    ed.ask_unexplained = lambda t: (asked.append(t), False)[1]
    assert ed.save() is None  # Cancel: nothing saved
    assert "1 key span has no explanation" in asked[0] and "“budget”" in asked[0]
    assert window.repo.get_lesson("sample-budget", with_key=True).key != ed.key.spans
    ed.ask_unexplained = lambda t: True  # Save anyway
    assert ed.save() is not None
    assert window.repo.get_lesson("sample-budget", with_key=True).key == ed.key.spans


# -- the command line uses what was learned -------------------------------------------------
def test_cli_suggest_uses_what_the_instructor_taught(tmp_path, nlp):
    from app.core.packs import read_pack
    from app.services.learning import record_key_save
    from app.services.library import import_pack
    from app.store.repo import open_repo

    db = tmp_path / "cr.db"
    repo = open_repo(db)
    import_pack(repo, read_pack(REPO / "tests/data/sample-pack.json"))
    for n, text in enumerate(["The council's penny-pinching scheme shut the pool.",
                              "Critics say the penny-pinching scheme will cost more."]):
        key = (_key(text, "penny-pinching scheme"),)
        record_key_save(repo, Lesson(f"l{n}", f"Lesson {n}", text, key=key))
    repo.database.close()
    f = tmp_path / "new.txt"
    f.write_text("Now the penny-pinching scheme reaches the library.\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "app", "--db", str(db), "suggest", "--text",
                        str(f), "--json"], capture_output=True, text=True, encoding="utf-8",
                       cwd=REPO, timeout=240)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [(o["quote"], o["source"]) for o in out] == [("penny-pinching scheme", "learned")]
