"""PTC folders and doccano JSONL there and back with the real command line: a lesson
keeps its mode, a lesson without a key stays without one (it is never shown as "key"),
an empty key stays empty, and a doccano export always gets a .jsonl name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "teacher-pass-24"
PACK = {"format": "close-reader/lesson-pack", "version": 1, "lessons": [
    {"id": "a-assess", "title": "Assessment one", "mode": "assessment",
     "text": "The reckless plan will fail, experts warn.",
     "key": [{"start": 4, "end": 12, "label": "loaded_language", "quote": "reckless",
              "explanation": "A feeling word."}]},
    {"id": "b-empty", "title": "Nothing to mark", "text": "A calm and careful report.",
     "key": []},
    {"id": "c-none", "title": "Not keyed yet", "text": "Another text here."}]}


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLOSE_READER_PASSWORD": PASSWORD,
           "CLOSE_READER_PASSWORD_NEW": PASSWORD}
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *args],
                          capture_output=True, text=True, encoding="utf-8", cwd=REPO,
                          timeout=240, env=env, stdin=subprocess.DEVNULL)


def _state(db: Path) -> dict[str, tuple[str, int | None]]:
    from app.store.repo import open_repo

    repo = open_repo(db)
    try:
        return {i: (repo.get_lesson(i, with_key=True).mode,
                    None if (k := repo.get_lesson(i, with_key=True).key) is None else len(k))
                for i in ("a-assess", "b-empty", "c-none")}
    finally:
        repo.database.close()


@pytest.mark.parametrize("fmt", ["ptc", "doccano"])
@pytest.mark.parametrize("keys", ["--with-assessment-keys", "--no-keys"])
def test_round_trip_keeps_mode_and_keylessness(tmp_path, fmt, keys):
    pack = tmp_path / "pack.json"
    pack.write_text(json.dumps(PACK), encoding="utf-8")
    src = tmp_path / "src.db"
    assert _cli(src, "lessons", "import", str(pack)).returncode == 0
    assert _cli(src, "instructor", "set-password").returncode == 0  # keys leave with it
    out = tmp_path / ("folder" if fmt == "ptc" else "lessons")
    r = _cli(src, "lessons", "export", "a-assess", "b-empty", "c-none", "-o", str(out),
             "--as", fmt, keys)
    assert r.returncode == 0, r.stderr
    if fmt == "doccano":
        assert not out.exists() and (tmp_path / "lessons.jsonl").is_file()
        assert "lessons.jsonl" in r.stdout
        out = tmp_path / "lessons.jsonl"
    dst = tmp_path / "dst.db"
    r = _cli(dst, "lessons", "import", str(out))
    assert r.returncode == 0, r.stderr
    with_keys = keys == "--with-assessment-keys"
    assert _state(dst) == {"a-assess": ("assessment", 1 if with_keys else None),
                           "b-empty": ("practice", 0 if with_keys else None),
                           "c-none": ("practice", None)}
    listed = {x["id"]: x["has_key"] for x in json.loads(_cli(dst, "lessons", "list",
                                                              "--json").stdout)}
    assert listed["c-none"] is False


def test_doccano_export_named_json_becomes_jsonl(tmp_path):
    pack = tmp_path / "pack.json"
    pack.write_text(json.dumps(PACK), encoding="utf-8")
    db = tmp_path / "cr.db"
    assert _cli(db, "lessons", "import", str(pack)).returncode == 0
    r = _cli(db, "lessons", "export", "b-empty", "-o", str(tmp_path / "out.json"), "--as",
             "doccano")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out.jsonl").is_file() and not (tmp_path / "out.json").exists()
