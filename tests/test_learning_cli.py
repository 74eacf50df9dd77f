"""Discrimination and pre/post end to end (issue 26): a class of 18 students on the
bundled units, their bundles written by hand and imported through the real
``close-reader submissions import``, then ``close-reader report discrimination`` and
``report prepost`` in real subprocesses; every figure recomputed here from the counts
the CSV prints and from what the class did by construction."""

from __future__ import annotations

import csv
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from bench.prepost_class import ABSENT_POST, DELAYED, HALF_POST, NO_DELAYED, POST, PRE, write_class
from tests.test_cli import ROOT, run, user_error

Z = statistics.NormalDist().inv_cdf
TWINS = "Same facts, two ways"
FORMS = ["--pre", "lesson:" + ",".join(PRE), "--post", "lesson:" + ",".join(POST),
         "--delayed", "lesson:" + ",".join(DELAYED)]
T_975_15 = 2.131  # Student's t, 15 degrees of freedom (printed table)


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    """The class's database (bundled lessons, both machines' bundles imported by the
    command) and what each graded attempt holds by construction."""
    from app.services.open_db import open_library

    folder = tmp_path_factory.mktemp("class")
    db = folder / "class.db"
    repo = open_library(db)
    bundles, expected = write_class(folder, repo)
    repo.database.close()
    p = run("submissions", "import", *bundles, db=db)
    assert p.returncode == 0, p.stderr
    assert "Imported 231 new attempts" in p.stdout  # 189 graded + 42 practice after the key
    return db, expected, folder


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, for spreadsheets
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_report_discrimination_matches_the_formula_and_the_class(school, tmp_path):
    db, expected, _ = school
    out = tmp_path / "d.csv"
    p = run("report", "discrimination", "--unit", TWINS, "--csv", out, db=db)
    assert p.returncode == 0, p.stderr
    assert "Wrote 54 rows" in p.stdout  # 18 students × (2 categories + all)
    rows = read_csv(out)
    assert list(rows[0]) == ["student", "category", "hits", "signal", "false_alarms", "noise",
                             "hit_rate", "false_alarm_rate", "d_prime", "criterion"]
    for r in rows:
        h, s, fa, n = (int(r[k]) for k in ("hits", "signal", "false_alarms", "noise"))
        hr, fr = (h + 0.5) / (s + 1), (fa + 0.5) / (n + 1)
        assert float(r["hit_rate"]) == pytest.approx(hr, abs=5e-5)
        assert float(r["false_alarm_rate"]) == pytest.approx(fr, abs=5e-5)
        assert float(r["d_prime"]) == pytest.approx(Z(hr) - Z(fr), abs=5e-5)
        assert float(r["criterion"]) == pytest.approx(-(Z(hr) + Z(fr)) / 2, abs=5e-5)
    # the pooled counts are what each student did, by construction: their graded
    # attempts only (the practice attempts after the key copy the key, and do not count)
    twins = PRE + POST + DELAYED
    for r in (r for r in rows if r["category"] == "all"):
        done = [expected[(r["student"], lid)] for lid in twins if (r["student"], lid) in expected]
        assert (int(r["hits"]), int(r["false_alarms"])) == (sum(d[0] for d in done),
                                                           sum(d[1] for d in done))
    ana = {r["category"]: r for r in rows if r["student"] == "Ana Ruiz"}
    assert set(ana) == {"unsupported_claim", "loaded_language", "all"}
    # signal sentences of the two categories make up the pooled ones (no sentence of the
    # twins holds required passages of both kinds)
    assert int(ana["all"]["signal"]) == sum(int(ana[c]["signal"]) for c in
                                            ("unsupported_claim", "loaded_language"))


def test_report_discrimination_prints_a_table_and_lesson_choices(school):
    db, _, _ = school
    p = run("report", "discrimination", "--lesson", PRE[0], PRE[1], db=db)
    assert p.returncode == 0, p.stderr
    assert "18 students, 2 lessons" in p.stdout and "Class mean" in p.stdout
    assert "d′ = z(H) − z(F)" in p.stdout
    assert user_error(run("report", "discrimination", "--lesson", "no-such", db=db),
                      "no lesson 'no-such'")
    assert user_error(run("report", "discrimination", "--unit", "Nope", db=db),
                      "no unit 'Nope'", TWINS)
    p = run("report", "discrimination", "--unit", TWINS, "--csv", "-", db=db)
    assert p.returncode == 0 and p.stdout.startswith("student,category,hits")


def test_report_prepost_end_to_end(school, tmp_path):
    db, expected, _ = school
    out = tmp_path / "pp.csv"
    p = run("report", "prepost", *FORMS, "--csv", out, db=db)
    assert p.returncode == 0, p.stderr
    rows = read_csv(out)
    assert list(rows[0]) == ["row", "student", "category", "comparison", "measure", "before",
                             "after", "change", "n", "ci_low", "ci_high", "note"]
    students = [r for r in rows if r["row"] == "student" and r["measure"]]
    missing = {(r["student"], r["comparison"]): r["note"] for r in rows
               if r["row"] == "student" and not r["measure"]}
    assert missing == {
        (ABSENT_POST, "post"): "missing post: 0 of 2 lessons taken",
        (HALF_POST, "post"): "missing post: 1 of 2 lessons taken",
        (ABSENT_POST, "delayed"): "missing delayed: 0 of 2 lessons taken",
        **{(n, "delayed"): "missing delayed: 0 of 2 lessons taken" for n in NO_DELAYED}}
    post = [r for r in students if r["comparison"] == "post"]
    assert len({r["student"] for r in post}) == 16
    # each student's pooled hit rate before and after, from what they did (construction)
    for r in (r for r in post if r["category"] == "all" and r["measure"] == "hit_rate"):
        for form, col in ((PRE, "before"), (POST, "after")):
            hits = sum(expected[(r["student"], lid)][0] for lid in form)
            signal = int(next(x["signal"] for x in discrimination_rows(db, form, tmp_path)
                              if x["student"] == r["student"] and x["category"] == "all"))
            assert float(r[col]) == pytest.approx((hits + 0.5) / (signal + 1), abs=5e-5)
        assert float(r["change"]) == pytest.approx(float(r["after"]) - float(r["before"]),
                                                   abs=2e-4)
    # the class: mean paired change of d′ with its t interval, recomputed
    cls = {(r["category"], r["comparison"], r["measure"]): r for r in rows if r["row"] == "class"}
    changes = [float(r["change"]) for r in post
               if r["category"] == "all" and r["measure"] == "d_prime"]
    d = cls[("all", "post", "d_prime")]
    assert int(d["n"]) == len(changes) == 16
    mean = statistics.fmean(changes)
    half = T_975_15 * statistics.stdev(changes) / math.sqrt(16)
    assert float(d["change"]) == pytest.approx(mean, abs=1e-3)
    assert float(d["ci_low"]) == pytest.approx(mean - half, abs=2e-3)
    assert float(d["ci_high"]) == pytest.approx(mean + half, abs=2e-3)
    assert int(cls[("all", "delayed", "score")]["n"]) == 15
    # the score is the graded score (as the gradebook shows it), averaged over the form
    gb = run("gradebook", "--csv", "-", db=db)
    grades = list(csv.DictReader(gb.stdout.splitlines()))
    ana = next(g for g in grades if g["Student"] == "Ana Ruiz")
    score = next(r for r in post if r["student"] == "Ana Ruiz" and r["category"] == "all"
                 and r["measure"] == "score")
    assert float(score["before"]) == pytest.approx(
        (int(ana[PRE[0]]) + int(ana[PRE[1]])) / 2, abs=0.005)


def discrimination_rows(db: Path, lessons: tuple[str, ...], tmp: Path) -> list[dict]:
    out = tmp / f"d-{len(lessons)}-{lessons[0]}.csv"
    p = run("report", "discrimination", "--lesson", *lessons, "--csv", out, db=db)
    assert p.returncode == 0, p.stderr
    return read_csv(out)


def test_prepost_with_one_student_says_there_is_no_interval(tmp_path):
    from app.services.open_db import open_library

    db = tmp_path / "one.db"
    open_library(db).database.close()
    sub = {"format": "close-reader/submissions", "version": 1, "machine": "m",
           "exported_at": "2026-11-21T11:00:00Z", "submissions": [
               {"submission_id": f"00000000-0000-4000-8000-00000000000{i}", "attempt": 1,
                "lesson": lid, "student": "Solo", "submitted_at": f"2026-11-2{i}T10:00:00Z",
                "highlights": []} for i, lid in enumerate((PRE[0], POST[0]), 1)]}
    (tmp_path / "b.json").write_text(json.dumps(sub), encoding="utf-8")
    assert run("submissions", "import", tmp_path / "b.json", db=db).returncode == 0
    p = run("report", "prepost", "--pre", f"lesson:{PRE[0]}", "--post", f"lesson:{POST[0]}",
            db=db)
    assert p.returncode == 0, p.stderr
    assert "fewer than 2 students with both forms: no interval" in p.stdout
    assert "nan" not in p.stdout.lower() and "inf" not in p.stdout.lower()


def test_prepost_from_the_stored_pairing_and_its_errors(school, tmp_path):
    db, _, _ = school
    assert user_error(run("report", "prepost", db=db), "no pre/post pairing is marked yet")
    with sqlite3.connect(db) as c:  # as the window stores it, written here by hand
        c.execute("INSERT INTO prepost(name, pre, post, delayed, created_at) VALUES "
                  "(?, ?, ?, NULL, '2026-12-01T00:00:00Z')",
                  ["Autumn", json.dumps({"unit": TWINS}),
                   json.dumps({"unit": "Same event, five framings"})])
    p = run("report", "prepost", "--csv", "-", db=db)  # the only pairing
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("row,student,category,comparison")
    assert "missing pre: 2 of 6 lessons taken" in p.stdout  # Quinn Lee: no post, no delayed
    with sqlite3.connect(db) as c:  # a damaged row: a clear message, no traceback
        c.execute("INSERT INTO prepost(name, pre, post, created_at) VALUES "
                  "('Broken', '{not json', '[]', 'x')")
    assert user_error(run("report", "prepost", "--pairing", "Broken", db=db),
                      "stored pre/post form is damaged")
    assert user_error(run("report", "prepost", db=db), "stored pre/post form is damaged")
    with sqlite3.connect(db) as c:
        c.execute("DELETE FROM prepost WHERE name = 'Broken'")
    assert user_error(run("report", "prepost", "--pairing", "Nope", db=db),
                      "no pre/post pairing named 'Nope'", "Autumn")
    assert run("report", "prepost", "--pre", "unit:x", db=db).returncode == 2
    assert user_error(run("report", "prepost", "--pre", "oops", "--post", "unit:x", db=db),
                      "a form is 'unit:NAME' or 'lesson:ID")


def test_reports_need_the_password_and_never_write_over_the_database(school, tmp_path):
    import shutil

    db0, _, _ = school
    db = tmp_path / "locked.db"
    shutil.copy(db0, db)
    env = {**os.environ, "CLOSE_READER_PASSWORD_NEW": "correct horse 42",
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("CLOSE_READER_DB", None)
    assert subprocess.run([sys.executable, "-m", "app", "--db", str(db), "instructor",
                           "set-password"], env=env, capture_output=True,
                          cwd=ROOT).returncode == 0
    for args in (["report", "discrimination"], ["report", "prepost", *FORMS]):
        assert user_error(run(*args, db=db), "needs the instructor password")
    env["CLOSE_READER_PASSWORD"] = "correct horse 42"
    ok = subprocess.run([sys.executable, "-m", "app", "--db", str(db), "report",
                         "discrimination", "--csv", str(db)], env=env, capture_output=True,
                        text=True, cwd=ROOT)
    assert ok.returncode == 1 and "is the open database" in ok.stderr
    assert "Traceback" not in ok.stderr
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    bad = subprocess.run([sys.executable, "-m", "app", "--db", str(db), "report",
                          "discrimination", "--csv", str(folder)], env=env,
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and "not a regular file" in bad.stderr
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
