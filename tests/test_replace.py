"""Replacing a lesson with ``lessons import --replace`` (or the app's import dialog)
never destroys work: the key, every draft and every attempt are kept or re-anchored to
the same words of the new text; what cannot be placed is set aside and listed; a keyless
pack keeps the stored key unless ``--drop-keys``; a backup is taken first (quality.md,
Reliability)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.lessons import Highlight
from app.core.packs import Pack, read_pack
from app.services import library
from app.services.grading import refresh_grades, submit
from app.services.lesson_edit import unplaced_key
from app.store.db import list_backups
from app.store.repo import open_repo

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample-pack.json"
PREFIX = "UPDATED 12 January: this story has been corrected.\n\n"


def toks(texts):  # a whitespace tokenizer: these tests need no spaCy
    out = []
    for t in texts:
        bounds, i = [], 0
        for w in t.split():
            i = t.index(w, i)
            bounds.append((i, i + len(w)))
            i += len(w)
        out.append(bounds)
    return out


@pytest.fixture
def pack() -> Pack:
    return read_pack(SAMPLE)


def budget(pack: Pack):
    return next(le for le in pack.lessons if le.id == "sample-budget")


def shifted(le, prefix: str = PREFIX, with_key: bool = True):
    """The same lesson with ``prefix`` before its text (the pack's key moved with it)."""
    n = len(prefix)
    key = tuple(replace(k, start=k.start + n, end=k.end + n) for k in le.key or ())
    return replace(le, text=prefix + le.text, key=key if with_key else None)


def perfect(le) -> list[Highlight]:
    return [Highlight(k.start, k.end, k.label) for k in le.key if k.required]


def class_db(path: Path, pack: Pack):
    """A database with the sample pack, Ana's perfect attempt and Ben's draft."""
    repo = open_repo(path)
    library.import_pack(repo, pack, compute=toks)
    le = repo.get_lesson("sample-budget", with_key=True)
    ana = repo.student("Ana")
    submit(repo, ana.id, "Ana", le.id, perfect(le))
    ben = repo.student("Ben")
    i = le.text.index("disastrous")
    repo.save_draft(ben.id, le.id, [Highlight(i, i + len("disastrous"), "loaded_language",
                                              "too strong")])
    return repo


def write_pack(path: Path, pack: Pack, lessons) -> Path:
    from app.core.packs import write_pack as wp

    wp(path, Pack(pack.categories, tuple(lessons)),
       include_keys=any(le.key is not None for le in lessons))
    return path


# --------------------------------------------------------------------------- service
def test_a_prefix_does_not_regrade_attempts_against_other_words(tmp_path, pack):
    """Before: the attempt kept its old offsets and the pack's key moved: 100 → 45."""
    repo = class_db(tmp_path / "c.db", pack)
    assert [s.score for s in repo.submissions()] == [100]
    new = shifted(budget(pack))
    rep = library.import_pack_report(repo, Pack(pack.categories, (new,)),
                                     replace_existing=True, compute=toks)
    refresh_grades(repo)
    sub = repo.submissions()[0]
    assert sub.score == 100
    text = repo.get_lesson("sample-budget").text
    assert [text[h.start:h.end] for h in sub.highlights] == \
        [k.quote for k in budget(pack).key if k.required]
    (moved,) = rep.replaced
    assert (moved.attempts.kept, moved.attempts.moved, moved.attempts.set_aside) == (0, 3, 0)
    assert (moved.drafts.moved, moved.drafts.set_aside) == (1, 0)
    draft = repo.drafts_for_lesson("sample-budget")[0][1]
    assert [(text[h.start:h.end], h.note) for h in draft] == [("disastrous", "too strong")]
    assert rep.backup is not None and rep.backup.exists()
    repo.database.close()


def test_a_keyless_pack_with_slightly_different_text_keeps_the_key(tmp_path, pack):
    repo = class_db(tmp_path / "c.db", pack)
    old = repo.get_lesson("sample-budget", with_key=True)
    text = old.text.replace("4% last year", "4 % last year")  # an edit after the spans
    text = text.replace("Experts warn", "Experts  warn")  # and one inside a span
    new = replace(budget(pack), text=text, key=None)
    rep = library.import_pack_report(repo, Pack(pack.categories, (new,)),
                                     replace_existing=True, compute=toks)
    got = repo.get_lesson("sample-budget", with_key=True)
    assert got.text == text and got.key is not None
    assert {k.quote for k in got.key} == {"reckless", "disastrous power grab", "Critics call it"}
    assert all(text[k.start:k.end] == k.quote for k in got.key)
    lost = unplaced_key(repo, "sample-budget")
    assert [k.quote for k in lost] == ["Experts warn that the reckless plan will fail"]
    (moved,) = rep.replaced
    assert (moved.key_tally.kept, moved.key_tally.moved, moved.key_tally.set_aside) == (0, 3, 1)
    assert any("Experts warn" in a for a in rep.lines())
    # Ana's attempt on the span that is gone is set aside with its quote, and listed
    assert any("Ana's attempt 1" in a for a in moved.aside)
    sid = repo.submissions()[0].submission_id
    kept = repo.unplaced_spans("sample-budget", "attempt", sid)
    assert [d["quote"] for d in kept] == ["Experts warn that the reckless plan will fail"]
    repo.database.close()


def test_drop_keys_drops_the_key_only_when_asked(tmp_path, pack):
    repo = class_db(tmp_path / "c.db", pack)
    new = replace(budget(pack), key=None)
    library.import_pack(repo, Pack(pack.categories, (new,)), replace_existing=True,
                        compute=toks)
    assert set(repo.get_lesson("sample-budget", with_key=True).key) == set(budget(pack).key)
    library.import_pack(repo, Pack(pack.categories, (new,)), replace_existing=True,
                        compute=toks, drop_keys=True)
    assert repo.get_lesson("sample-budget", with_key=True).key is None
    repo.database.close()


def test_a_failing_replace_writes_nothing(tmp_path, pack, monkeypatch):
    import sqlite3

    from app.store.repo import Repo

    repo = class_db(tmp_path / "c.db", pack)
    before = (repo.submissions(), repo.drafts_for_lesson("sample-budget"),
              repo.get_lesson("sample-budget", with_key=True))

    def boom(self, *a, **k):
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(Repo, "_write_lesson", boom)
    from app.store.db import StoreError

    with pytest.raises(StoreError):  # the store names the fault (quality.md)
        library.import_pack(repo, Pack(pack.categories, (shifted(budget(pack)),)),
                            replace_existing=True, compute=toks)
    assert (repo.submissions(), repo.drafts_for_lesson("sample-budget"),
            repo.get_lesson("sample-budget", with_key=True)) == before
    assert repo.db.execute("SELECT COUNT(*) FROM unplaced_spans").fetchone()[0] == 0
    repo.database.close()


def test_text_edit_in_the_app_keeps_students_lost_highlights_aside(tmp_path, pack):
    from app.services.lesson_edit import save_lesson

    repo = class_db(tmp_path / "c.db", pack)
    le = repo.get_lesson("sample-budget", with_key=True)
    res = save_lesson(repo, replace(le, text=le.text.replace("disastrous", "bold")), False,
                      compute=toks)
    assert res.unplaced_student == 2  # Ana's attempt and Ben's draft
    ben = repo.student("Ben").id
    assert [d["quote"] for d in repo.unplaced_spans(le.id, "draft", str(ben))] == ["disastrous"]
    repo.delete_lesson(le.id)  # what was set aside goes with the lesson
    assert repo.db.execute("SELECT COUNT(*) FROM unplaced_spans").fetchone()[0] == 0
    repo.database.close()


# --------------------------------------------------------------------------- command line
def cli(*args, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CLOSE_READER_DB"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *map(str, args)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
                          encoding="utf-8")


def test_cli_prefix_case_keeps_the_score_and_says_what_moved(tmp_path, pack):
    db = tmp_path / "c.db"
    class_db(db, pack).database.close()
    p = cli("lessons", "import", write_pack(tmp_path / "new.json", pack,
                                            [shifted(budget(pack))]), "--replace", db=db)
    assert p.returncode == 0, p.stderr
    assert "sample-budget: key from the pack (4 spans); drafts 0 kept, 1 moved, 0 set aside; " \
           "attempts 0 kept, 3 moved, 0 set aside" in p.stdout, p.stdout
    assert "Backup of the database before replacing:" in p.stdout
    g = cli("gradebook", db=db)
    assert g.returncode == 0, g.stderr
    repo = open_repo(db)
    assert [s.score for s in repo.submissions()] == [100]
    assert len(list_backups(db)) == 1
    repo.database.close()


def test_cli_keyless_slightly_different_text_keeps_and_lists(tmp_path, pack):
    db = tmp_path / "c.db"
    class_db(db, pack).database.close()
    le = budget(pack)
    text = le.text.replace("Experts warn", "Experts  warn")
    p = cli("lessons", "import", write_pack(tmp_path / "new.json", pack,
                                            [replace(le, text=text, key=None)]),
            "--replace", db=db)
    assert p.returncode == 0, p.stderr
    assert "key 0 kept, 3 moved, 1 set aside" in p.stdout, p.stdout
    assert "set aside" in p.stdout and "key span (unsupported_claim) “Experts warn" in p.stdout
    repo = open_repo(db)
    got = repo.get_lesson("sample-budget", with_key=True)
    assert len(got.key) == 3 and got.text == text
    repo.database.close()


def test_cli_drop_keys_needs_replace_and_drops(tmp_path, pack):
    db = tmp_path / "c.db"
    class_db(db, pack).database.close()
    f = write_pack(tmp_path / "new.json", pack, [replace(budget(pack), key=None)])
    p = cli("lessons", "import", f, "--drop-keys", db=db)
    assert p.returncode == 2 and "--drop-keys only applies with --replace" in p.stderr
    p = cli("lessons", "import", f, "--replace", "--drop-keys", db=db)
    assert p.returncode == 0, p.stderr
    assert "key dropped (--drop-keys; 4 spans)" in p.stdout
    out = json.loads(cli("lessons", "list", "--json", db=db).stdout)
    assert next(r for r in out if r["id"] == "sample-budget")["has_key"] is False
