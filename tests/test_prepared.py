"""A new database starts as a copy of ``lessons/prepared.db`` only when that copy is what
importing the bundled packs would make now (``app.store.prepared``)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.paths import lessons_dir
from app.services.library import seed_if_new, write_prepared_database
from app.store.db import SCHEMA_VERSION
from app.store.prepared import DIGEST, PREPARED, packs_digest, place_prepared, prepared_current
from app.store.repo import SEEDED, open_repo


def _bundled_lessons() -> int:
    """How many lessons the bundled packs hold (every ``lessons/*.json`` but the token cache)."""
    return sum(len(json.loads(p.read_text(encoding="utf-8"))["lessons"])
               for p in lessons_dir().glob("*.json") if p.name != "tokens.json")


REGENERATE = ('.venv/bin/python -c "from app.services.library import write_prepared_database;'
              ' from app.paths import lessons_dir; write_prepared_database(lessons_dir())"')


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, in order, without the moments they were written."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for t in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]  # noqa: S608
            keep = [c for c in cols if c not in ("updated_at", "created_at")]
            names = ", ".join('"' + c + '"' for c in keep)
            rows = conn.execute(f"SELECT {names} FROM {t} ORDER BY 1, 2")  # noqa: S608
            out[t] = [r for r in rows if not (t == "settings" and r[0] == DIGEST)]
        out["schema"] = sorted(conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
        out["user_version"] = conn.execute("PRAGMA user_version").fetchall()
        return out
    finally:
        conn.close()


def test_the_prepared_database_is_current():
    assert prepared_current(lessons_dir() / PREPARED, lessons_dir(), SCHEMA_VERSION), (
        "lessons/prepared.db is not what the bundled packs and this schema make: "
        f"regenerate it with {REGENERATE}")


def test_a_copy_holds_what_importing_the_packs_makes(tmp_path):
    copied, imported = tmp_path / "copied.db", tmp_path / "imported.db"
    assert place_prepared(copied) is True
    repo = open_repo(copied)
    assert repo.setting(SEEDED) and seed_if_new(repo) == []  # nothing left to import
    repo.database.close()
    repo = open_repo(imported)
    assert len(seed_if_new(repo)) == _bundled_lessons() == 17
    repo.database.close()
    assert _dump(copied) == _dump(imported)


def test_regenerating_makes_the_same_contents(tmp_path):
    folder = tmp_path / "lessons"
    shutil.copytree(lessons_dir(), folder)
    (folder / PREPARED).unlink()
    write_prepared_database(folder)
    assert prepared_current(folder / PREPARED, folder, SCHEMA_VERSION)
    assert _dump(folder / PREPARED) == _dump(lessons_dir() / PREPARED)


@pytest.mark.parametrize("change", ["pack", "new pack", "schema", "damaged", "missing"])
def test_a_stale_or_broken_copy_is_not_used_and_the_packs_are_imported(tmp_path, change):
    folder = tmp_path / "lessons"
    shutil.copytree(lessons_dir(), folder)
    schema = SCHEMA_VERSION
    if change == "pack":  # a pack edited after the copy was made
        f = folder / "twins-unit.json"
        f.write_text(f.read_text(encoding="utf-8").replace("Same facts", "Same fact", 1),
                     encoding="utf-8")
    elif change == "new pack":
        shutil.copy(folder / "twins-unit.json", folder / "zz-more.json")
    elif change == "schema":  # made by an older schema than this version's
        schema = SCHEMA_VERSION + 1
    elif change == "damaged":
        head = (folder / PREPARED).read_bytes()[:100]  # the right header, then rubbish
        (folder / PREPARED).write_bytes(head + b"\xff" * 8192)
    else:
        (folder / PREPARED).unlink()
    db = tmp_path / "new.db"
    assert place_prepared(db, folder, schema) is False
    assert not db.exists() and list(tmp_path.glob(".new.db.*")) == []


def test_never_over_a_file_that_is_there(tmp_path):
    db = tmp_path / "there.db"
    db.write_bytes(b"")
    assert place_prepared(db) is False
    assert db.read_bytes() == b""


def test_the_digest_names_every_pack_and_the_token_cache():
    digest = packs_digest(lessons_dir())
    names = [part.split(":")[0] for part in digest.split()]
    assert names == sorted(p.name for p in lessons_dir().glob("*.json"))
    assert "tokens.json" in names


def test_the_app_and_the_command_line_start_a_new_database_from_the_copy(tmp_path, qapp):
    from app.cli import main
    from app.ui.application import create_main_window

    win = create_main_window(tmp_path / "app.db")
    assert win.repo.setting(DIGEST) == packs_digest(lessons_dir())
    assert win.library.model_.rowCount() == 0  # nobody signed in yet
    win.repo.database.close()
    win.deleteLater()
    assert main(["--db", str(tmp_path / "cli.db"), "lessons", "list"]) == 0
    repo = open_repo(tmp_path / "cli.db")
    assert repo.setting(DIGEST) == packs_digest(lessons_dir()) and len(repo.lesson_ids()) == _bundled_lessons()
    repo.database.close()
