"""Hits beside false alarms across a unit of twins (pedagogy.md, "Discrimination, not
suspicion"; issue: the class view of a unit of twins)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.lessons import Highlight
from app.core.packs import read_pack
from app.services.grading import submit
from app.services.library import import_pack
from app.services.results.discrimination import pairs, signal_lines, twin_of, unit_signals

TWINS = Path(__file__).resolve().parent.parent / "lessons" / "twins-unit.json"
UNIT = "Same facts, two ways"
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture
def twins(repo):
    pack = read_pack(TWINS)
    import_pack(repo, pack)
    lessons = {le.id: le for le in pack.lessons}
    # Ana marks every sentence of both library stories: she "finds" the loaded key and
    # raises many false alarms on the careful one. Ben marks exactly the key on both.
    for name, everything in (("Ana", True), ("Ben", False)):
        st = repo.student(name)
        for lid in ("twins-library-hours-loaded", "twins-library-hours-careful"):
            le = lessons[lid]
            if everything:
                hs, pos = [], 0
                for part in le.text.split(". "):
                    if part.strip():
                        hs.append(Highlight(pos, pos + len(part), "unsupported_claim"))
                    pos += len(part) + 2
            else:
                hs = [Highlight(k.start, k.end, k.label) for k in le.key or () if k.required]
            submit(repo, st.id, st.name, lid, hs)
    return repo


def test_twin_notes_pair_the_versions(twins):
    assert twin_of("Twin of twins-pool-repairs-careful (loaded version).") == \
        "twins-pool-repairs-careful"
    sig = [s for s in unit_signals(twins, UNIT) if s.students]
    (loaded, careful), = pairs(sig)
    assert (loaded.lesson_id, careful.lesson_id) == ("twins-library-hours-loaded",
                                                     "twins-library-hours-careful")
    assert careful.careful and not loaded.careful
    # Ben's exact key on both: no false alarm; Ana's everything: every sentence of both
    # (two students: the means are half of Ana's counts)
    assert careful.false_alarms == careful.noise / 2 and loaded.hits == loaded.signal
    assert loaded.false_alarms == loaded.noise / 2 and careful.noise > 10
    line, = [x for x in signal_lines(twins, loaded.lesson_id) if "careful twin" in x]
    assert "(loaded)" in line and f"of the {careful.noise} sentences" in line


def test_the_class_view_shows_the_unit(qtbot, twins):
    from app.ui.results.window import ResultsWindow

    w = ResultsWindow(twins)
    qtbot.addWidget(w)
    w.resize(1280, 860)
    w.show()
    w.tabs.setCurrentWidget(w.classes)
    w.classes.choose_lesson("twins-library-hours-careful")
    text = w.classes.unit_signals.text()
    assert "Its careful twin" in text and "tells manipulative writing" in text
    w.grab().save(str(SHOTS / "class-view-twins.png"))
