"""Bad input end to end (docs/quality.md, "Bad input"): mutated lesson packs, answers
and submission bundles go through the command line and the library functions the app
uses. Each one is imported correctly or refused with one clear line
(``UserError``/``FormatError``, exit 1), never another exception, and a refusal leaves
the database exactly as it was (same lessons, same rows).

The parsers themselves (every field rule, random bytes into the JSON reader, hostile
values in one field) are covered by ``test_packs.py``; articles (txt, md, html, docx,
zip slip, scripts) by ``test_cleaning.py``. This file adds several mutations at once,
encodings and truncation of whole files, and what reaches the database.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main as cli
from app.core.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
TEXT = ("Officials said the reckless plan 🙂 would fail, according to insiders.\n\n"
        "Critics call it a disastrous power grab. 𝔘nicode is fine.")


def span(part: str, label: str, **extra: Any) -> dict:
    i = TEXT.index(part)
    return {"start": i, "end": i + len(part), "label": label, "quote": part, **extra}


PACK = {
    "format": "close-reader/lesson-pack", "version": 1,
    "categories": [{"id": "appeal_to_fear", "name": "Appeal to fear",
                    "description": "Builds anxiety.", "color": "#ffccaa"}],
    "lessons": [
        {"id": "fuzz-one", "title": "Fuzz one", "text": TEXT, "level": "beginner",
         "unit": "Fuzz", "source": {"outlet": "Gazette", "author": "A. B."},
         "categories": ["unsupported_claim", "loaded_language", "appeal_to_fear"],
         "key": [span("according to insiders", "unsupported_claim"),
                 span("reckless", "loaded_language", explanation="feeling"),
                 span("disastrous power grab", "loaded_language", required=False)]},
        {"id": "fuzz-two", "title": "Fuzz two", "text": "A short second text."},
    ],
}
ANSWERS = {
    "format": "close-reader/answers", "version": 1, "lesson": "fuzz-one",
    "student": "Ana P.", "submitted_at": "2026-11-21T10:15:00Z",
    "highlights": [span("reckless", "loaded_language") | {"note": "why"},
                   span("according to insiders", "unsupported_claim")],
}
BUNDLE = {
    "format": "close-reader/submissions", "version": 1, "machine": "machine-1",
    "exported_at": "2026-11-21T11:00:00Z",
    "submissions": [
        {"submission_id": "0b8f6a5e-1b1c-4d8e-9a43-2f9e3c6b7a10", "attempt": 1,
         "lesson": "fuzz-one", "student": "Ana P.", "submitted_at": "2026-11-21T10:15:00Z",
         "highlights": [span("reckless", "loaded_language")]},
        {"submission_id": "9c1d2e3f-1b1c-4d8e-9a43-2f9e3c6b7a11", "attempt": 2,
         "lesson": "kursk-wire-report", "student": "Ben Q.", "submitted_at": "2026-11-21",
         "highlights": []},
    ],
}
for d in (ANSWERS, BUNDLE):
    for h in d.get("highlights", []):
        h.pop("quote", None)
for sub in BUNDLE["submissions"]:
    for h in sub["highlights"]:
        h.pop("quote", None)

HOSTILE: list[Any] = [
    None, True, False, 0, -1, 1, 7, 2**31, 2**63, 10**30, -(10**30), 1.5, -0.0, 1e308,
    float("inf"), float("nan"), "", " ", "\x00", "a\x00b", "\ud800", "😀𝔘", "x" * 3000,
    [], {}, [1, 2], {"a": 1}, "close-reader/lesson-pack", "../../etc/passwd",
    "<script>alert(1)</script>", "'; DROP TABLE lessons; --", "fuzz-one", "loaded_language",
    "\u202eevil", "\r\n", "\ufeff",
]


# --------------------------------------------------------------------------- mutation
def nodes(obj: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += nodes(v, (*path, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += nodes(v, (*path, i))
    return out


def get(obj: Any, path: tuple) -> Any:
    for p in path:
        obj = obj[p]
    return obj


def mutate(rng: random.Random, obj: Any) -> Any:
    """One random structural mutation of a JSON document, in place; returns it."""
    paths = [p for p in nodes(obj) if p]
    if not paths:
        return obj
    path = rng.choice(paths)
    parent, last = get(obj, path[:-1]), path[-1]
    op = rng.choice(["drop", "replace", "replace", "swap", "shift", "dup", "nest", "type"])
    if op == "drop":
        del parent[last]
    elif op == "replace":
        parent[last] = copy.deepcopy(rng.choice(HOSTILE))
    elif op == "swap":  # reverse the offsets of some span
        spans = [p for p in nodes(obj) if isinstance(get(obj, p), dict)
                 and {"start", "end"} <= set(get(obj, p))]
        if spans:
            s = get(obj, rng.choice(spans))
            s["start"], s["end"] = s["end"], s["start"]
    elif op == "shift":  # offsets out of range, negative, or just off by a few
        spans = [p for p in nodes(obj) if isinstance(get(obj, p), dict)
                 and {"start", "end"} <= set(get(obj, p))]
        if spans:
            s = get(obj, rng.choice(spans))
            field = rng.choice(["start", "end"])
            if isinstance(s[field], int):
                s[field] += rng.choice([-10**6, -100, -1, 1, 3, 500, 10**9])
    elif op == "dup" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))  # duplicate ids, spans, submissions
    elif op == "nest":
        v = parent[last]
        for _ in range(rng.choice([2, 40, 70])):
            v = [v]
        parent[last] = v
    elif op == "type":
        v = parent[last]
        parent[last] = (str(v) if not isinstance(v, str) else
                        int(v) if v.isdigit() else [v])
    return obj


def encode(rng: random.Random, obj: Any) -> bytes:
    """The document as a file: usually UTF-8 JSON, sometimes damaged or oddly encoded."""
    text = json.dumps(obj, ensure_ascii=rng.random() < 0.3)
    data = text.encode("utf-8", "surrogatepass")
    how = rng.choice(["plain"] * 18 + ["bom", "utf16", "latin1", "truncate", "nul",
                                       "garbage", "random"])
    if how == "plain":
        return data
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "utf16":
        return text.encode("utf-16", "surrogatepass")
    if how == "latin1":
        return text.encode("latin-1", "replace")
    if how == "truncate":
        return data[: rng.randrange(len(data))]
    if how == "nul":
        i = rng.randrange(len(data) + 1)
        return data[:i] + b"\x00" + data[i:]
    if how == "garbage":
        return data + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
    return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))


# (seed, number of mutations): none leaves a valid file, to reach the success path too
documents = st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 3))


def make_file(folder: Path, base: dict, seed: int, n: int, name: str) -> Path:
    rng = random.Random(seed)
    obj = copy.deepcopy(base)
    for _ in range(n):
        obj = mutate(rng, obj)
    path = folder / name
    path.write_bytes(encode(rng, obj))
    return path


# --------------------------------------------------------------------------- database
def snapshot(db: Path) -> tuple[list[str], str]:
    """Lesson ids, and a checksum of every row of every table."""
    con = sqlite3.connect(db)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM lessons ORDER BY id")]
        h = hashlib.sha256()
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for t in tables:
            h.update(t.encode())
            for row in con.execute(f'SELECT * FROM "{t}" ORDER BY rowid'):
                h.update(repr(row).encode("utf-8", "surrogatepass"))
        return ids, h.hexdigest()
    finally:
        con.close()


@pytest.fixture(scope="module")
def class_db(tmp_path_factory) -> Path:
    """A classroom database: the bundled lessons, the sample pack, a submission."""
    folder = tmp_path_factory.mktemp("bad-input")
    db = folder / "class.db"
    pack = folder / "pack.json"
    pack.write_text(json.dumps(PACK), encoding="utf-8")
    with quiet():
        assert cli(["--db", str(db), "lessons", "import", str(ROOT / "tests" / "data" /
                                                              "sample-pack.json")]) == 0
        assert cli(["--db", str(db), "lessons", "import", str(pack)]) == 0
    return db


@contextlib.contextmanager
def quiet():
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        yield err


def run_cli(args: list[str]) -> tuple[int, str]:
    """Run the command line in this process; any exception but SystemExit fails."""
    with quiet() as err:
        try:
            code = cli(args)
        except SystemExit as e:  # argparse: wrong usage
            code = e.code
    return int(code or 0), err.getvalue()


def one_line_refusal(code: int, err: str) -> None:
    assert code == 1, (code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("close-reader: "), err[-2000:]
    assert "Traceback" not in err and len(lines[0]) < 600


def known_overflow(exc: BaseException, path: Path) -> bool:
    """The one known bug (see test_a_bundle_with_a_huge_attempt_number_is_refused):
    an attempt number too large for SQLite reaches the database."""
    return isinstance(exc, OverflowError) and b"attempt" in path.read_bytes()


# --------------------------------------------------------------------------- packs
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents, st.booleans())
def test_mutated_packs_through_the_command_line(class_db, tmp_path_factory, doc, replace):
    folder = tmp_path_factory.mktemp("packs")
    path = make_file(folder, PACK, *doc, "pack.crpack")
    before = snapshot(class_db)
    code, err = run_cli(["--db", str(class_db), "lessons", "import", str(path),
                         *(["--replace"] if replace else [])])
    if code == 0:
        check_imported_pack(class_db, path)
    else:
        one_line_refusal(code, err)
        assert snapshot(class_db) == before, "a refused pack changed the database"


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents, st.booleans())
def test_mutated_packs_through_the_library(class_db, tmp_path_factory, doc, replace):
    from app.core.packs import read_pack
    from app.services.library import import_pack
    from app.store.repo import open_repo

    folder = tmp_path_factory.mktemp("packs")
    path = make_file(folder, PACK, *doc, "pack.json")
    before = snapshot(class_db)
    repo = open_repo(class_db)
    try:
        import_pack(repo, read_pack(path), replace_existing=replace)
    except UserError as e:
        assert "\n" not in str(e) and str(e).strip()
        assert snapshot(class_db) == before, "a refused pack changed the database"
    else:
        check_imported_pack(class_db, path)
    finally:
        repo.database.close()


def check_imported_pack(db: Path, path: Path) -> None:
    """What was imported is all there and obeys formats.md."""
    from app.core.packs import read_pack
    from app.store.repo import open_repo

    pack = read_pack(path)
    repo = open_repo(db)
    try:
        for le in pack.lessons:
            got = repo.get_lesson(le.id, with_key=True)
            assert got.text == le.text and got.categories == le.categories
            for k in got.key or ():
                assert 0 <= k.start < k.end <= len(got.text)
                assert got.text[k.start:k.end] == k.quote
                assert k.label in got.categories
            tokens = repo.tokens(le.id)
            assert all(0 <= s < e <= len(got.text) for s, e in tokens)
    finally:
        repo.database.close()


# --------------------------------------------------------------------------- answers
@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents, st.booleans())
def test_mutated_answers_through_grade(class_db, tmp_path_factory, doc, as_json):
    folder = tmp_path_factory.mktemp("answers")
    path = make_file(folder, ANSWERS, *doc, "answers.json")
    before = snapshot(class_db)
    code, err = run_cli(["--db", str(class_db), "grade", "--answers", str(path),
                         *(["--json"] if as_json else [])])
    if code != 0:
        one_line_refusal(code, err)
    assert snapshot(class_db) == before, "grading must not write to the database"


# --------------------------------------------------------------------------- bundles
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents)
def test_mutated_bundles_through_the_command_line(class_db, tmp_path_factory, doc):
    folder = tmp_path_factory.mktemp("bundles")
    path = make_file(folder, BUNDLE, *doc, "bundle.json")
    before = snapshot(class_db)
    try:
        code, err = run_cli(["--db", str(class_db), "submissions", "import", str(path)])
    except OverflowError as e:
        assert known_overflow(e, path), e
        assert snapshot(class_db) == before
        return
    if code == 0:
        check_imported_bundle(class_db, path)
    else:
        one_line_refusal(code, err)
        assert snapshot(class_db) == before, "a refused bundle changed the database"


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents)
def test_mutated_bundles_through_the_results_import(class_db, tmp_path_factory, doc):
    from app.services.results.bundles import import_bundles
    from app.store.repo import open_repo

    folder = tmp_path_factory.mktemp("bundles")
    path = make_file(folder, BUNDLE, *doc, "bundle.crsub")
    before = snapshot(class_db)
    repo = open_repo(class_db)
    try:
        import_bundles(repo, [path])
    except UserError as e:
        assert "\n" not in str(e) and str(e).strip()
        assert snapshot(class_db) == before, "a refused bundle changed the database"
    except OverflowError as e:
        assert known_overflow(e, path), e
        assert snapshot(class_db) == before
    else:
        check_imported_bundle(class_db, path)
    finally:
        repo.database.close()


def check_imported_bundle(db: Path, path: Path) -> None:
    from app.core.answers import read_bundle
    from app.store.repo import open_repo

    repo = open_repo(db)
    try:
        for s in read_bundle(path).submissions:
            assert repo.has_submission(s.submission_id)
    finally:
        repo.database.close()


# --------------------------------------------------------------------------- named cases
def pack_with(**lesson_changes: Any) -> dict:
    d = copy.deepcopy(PACK)
    d["lessons"][0].update(lesson_changes)
    d["lessons"][0]["id"] = "named-case"
    d["lessons"].pop(1)
    return d


def key_with(**span_changes: Any) -> dict:
    d = pack_with()
    d["lessons"][0]["key"][0].update(span_changes)
    return d


NAMED_PACKS = {
    "offsets out of range": key_with(end=10_000),
    "negative offsets": key_with(start=-3),
    "reversed offsets": key_with(start=20, end=10),
    "quote mismatch": key_with(quote="not these words"),
    "unknown label": key_with(label="propaganda"),
    "wrong type": key_with(start="12"),
    "duplicate ids": {**PACK, "lessons": [PACK["lessons"][1], PACK["lessons"][1]]},
    "same-label overlap": pack_with(key=[span("reckless plan", "loaded_language"),
                                         span("plan", "loaded_language")]),
    "NUL in a field": pack_with(title="Fuzz\x00one"),
    "text over 200,000 characters": pack_with(text="word " * 40_001),
}


@pytest.mark.parametrize("case", list(NAMED_PACKS))
def test_named_bad_packs_are_refused_in_one_line_and_write_nothing(class_db, tmp_path, case):
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(NAMED_PACKS[case]), encoding="utf-8")
    before = snapshot(class_db)
    one_line_refusal(*run_cli(["--db", str(class_db), "lessons", "import", str(path)]))
    assert snapshot(class_db) == before


NAMED_FILES = {
    "deeply nested": b'{"format": "close-reader/lesson-pack", "lessons": ' + b"[" * 5000
    + b"]" * 5000 + b"}",
    "not UTF-8": json.dumps(PACK).replace("Gazette", "Gaz\u00e9tte").encode("latin-1",
                                                                            "replace"),
    "UTF-16": json.dumps(PACK).encode("utf-16"),
    "NUL bytes": json.dumps(PACK).encode()[:50] + b"\x00\x00" + json.dumps(PACK).encode()[50:],
    "truncated": json.dumps(PACK).encode()[:-40],
    "10 MB in one line": b'{"format": "close-reader/lesson-pack", "version": 1, '
    b'"lessons": [{"id": "big", "title": "Big", "text": "' + b"x" * 10_000_000 + b'"}]}',
    "empty": b"",
    "a zip archive": b"PK\x03\x04" + bytes(200),
}


@pytest.mark.parametrize("case", list(NAMED_FILES))
@pytest.mark.parametrize("command", ["lessons import", "grade --answers",
                                     "submissions import"])
def test_named_bad_files_are_refused_by_every_command(class_db, tmp_path, case, command):
    path = tmp_path / "file.json"
    path.write_bytes(NAMED_FILES[case])
    before = snapshot(class_db)
    words = command.split()
    one_line_refusal(*run_cli(["--db", str(class_db), *words, str(path)]))
    assert snapshot(class_db) == before


def test_a_bom_and_text_outside_the_bmp_import_correctly(class_db, tmp_path):
    d = pack_with(id="bom-case")
    d["lessons"][0]["id"] = "bom-case"
    path = tmp_path / "pack.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(d, ensure_ascii=False).encode())
    code, err = run_cli(["--db", str(class_db), "lessons", "import", str(path), "--replace"])
    assert code == 0, err
    check_imported_pack(class_db, path)


def test_a_bundle_with_a_huge_attempt_number_is_refused(class_db, tmp_path):
    d = copy.deepcopy(BUNDLE)
    d["submissions"][0]["attempt"] = 10**30
    d["submissions"][0]["submission_id"] = "1234abcd-1b1c-4d8e-9a43-2f9e3c6b7a10"
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    before = snapshot(class_db)
    one_line_refusal(*run_cli(["--db", str(class_db), "submissions", "import", str(path)]))
    assert snapshot(class_db) == before


@pytest.mark.parametrize("odd", ["\r\n", "\r", "\u2029", "\ufdd0"])
def test_line_ends_the_reader_cannot_show_are_refused_or_shown_exactly(qapp, class_db,
                                                                       tmp_path, odd):
    from app.store.repo import open_repo
    from app.ui.article import ArticleView

    text = f"First line.{odd}Second line with loaded words."
    d = pack_with(id="odd-lines", text=text, key=[])
    d["lessons"][0]["id"] = "odd-lines"
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    code, err = run_cli(["--db", str(class_db), "lessons", "import", str(path), "--replace"])
    if code == 1:
        one_line_refusal(code, err)
        return
    repo = open_repo(class_db)
    try:
        stored = repo.get_lesson("odd-lines").text
    finally:
        repo.database.close()
    view = ArticleView()
    view.set_article(stored)
    assert view.toPlainText() == stored
