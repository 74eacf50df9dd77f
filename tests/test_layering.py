"""Layering: the core, the store and the command line load neither the GUI toolkit nor
spaCy (spaCy costs about a second to import; quality.md). Checked in a fresh
interpreter, where nothing else has imported them yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
HEAVY = ("PySide6", "shiboken6", "spacy", "thinc")

PROBE = """
import json, sys
{body}
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))
"""


def loaded_after(body: str, tmp_path: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k != "CLOSE_READER_DB"}
    env["PYTHONPATH"] = str(ROOT)
    env["CLOSE_READER_DB"] = str(tmp_path / "probe.db")
    p = subprocess.run([sys.executable, "-c", PROBE.format(body=body)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return set(json.loads(p.stdout.strip().splitlines()[-1]))


def assert_light(mods: set[str]) -> None:
    heavy = sorted(m for m in mods if m in HEAVY)
    assert not heavy, f"loaded {heavy}"


@pytest.mark.parametrize("modules", [
    "app.core",
    "app.core, app.core.packs, app.core.scoring, app.core.answers, app.core.spans, "
    "app.core.lessons, app.core.errors, app.core.jsonfile",
    "app.store, app.store.db, app.store.migrations, app.store.repo",
    "app.cli, app.commands.lessons, app.commands.grade, app.services.library, app.services.grading, app.paths",
])
def test_imports_stay_light(tmp_path, modules):
    mods = loaded_after(f"import {modules}", tmp_path)
    assert "app" in mods
    assert_light(mods)


def test_building_the_command_line_stays_light(tmp_path):
    assert_light(loaded_after("from app.cli import build_parser; build_parser()", tmp_path))


def test_listing_and_grading_stay_light(tmp_path):
    """Running real commands on a database that already holds its lessons."""
    # fill the database first, here (importing may use spaCy to tokenize)
    from app.core.packs import read_pack
    from app.services.library import import_pack, seed_if_new
    from app.store.repo import open_repo

    repo = open_repo(tmp_path / "probe.db")
    seed_if_new(repo)
    import_pack(repo, read_pack(DATA / "sample-pack.json"))
    repo.database.close()
    body = (
        "import contextlib, io\n"
        "from app.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['lessons', 'list', '--json']) == 0\n"
        f"    assert main(['grade', '--answers', {str(DATA / 'sample-answers.json')!r}]) == 0\n"
    )
    assert_light(loaded_after(body, tmp_path))


def test_opening_the_library_imports_nothing_it_does_not_need(tmp_path):
    """The library shows before the feedback, results, instructor and PDF code, spaCy
    and sqlite-utils are imported (issue 14: they load on first use)."""
    body = (
        "import os\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from app.ui import create_main_window\n"
        f"w = create_main_window({str(tmp_path / 'lib.db')!r}, student='Ana P.')\n"
        "w.show()\n"
        "QApplication.processEvents()\n"
        "assert w.library.model_.rowCount() > 0\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CLOSE_READER_DB"}
    env["PYTHONPATH"] = str(ROOT)
    p = subprocess.run([sys.executable, "-c", PROBE.format(body=body)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    loaded = set(json.loads(p.stdout.strip().splitlines()[-2]))
    unwanted = ("app.ui.feedback_page", "app.services.results", "app.ui.instructor",
                "app.ui.results", "fpdf", "spacy", "sqlite_utils", "dateutil")
    found = sorted(m for m in loaded if any(m == u or m.startswith(u + ".") for u in unwanted))
    assert found == []
