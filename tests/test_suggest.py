"""Instructor suggestions: the engine (app.nlp.suggest), its lexicons and its command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.spans import snap

REPO = Path(__file__).resolve().parent.parent
UC, LL = "unsupported_claim", "loaded_language"

SAMPLES = [
    "Experts warn that the reckless plan will fail.",
    "According to sources within the ministry, the minister will resign next week.",
    "The deal, which was signed in secret, has been confirmed by satellite imagery and "
    "intercepted communications, according to insiders with privileged access.",
    "One official, who asked not to be named, said the talks had collapsed.\n\n"
    "Analysts suggest that the budget is a disaster. The mayor, Ana Ruiz, said the budget "
    "rose 4% last year.",
    "Troops were reportedly moved to the border overnight. Critics call it a shameful "
    "power grab by a corrupt regime.",
    "Headline With No Full Stop\nExperts warn of a looming catastrophe",
]


@pytest.fixture(scope="module")
def nlp():
    from app.nlp.suggest import load_pipeline

    model, notice = load_pipeline()
    assert notice == "", "the English model should be installed in the test environment"
    return model


@pytest.fixture
def blank(monkeypatch):
    """The pipeline load_pipeline() gives when the model cannot be loaded."""
    from app import paths
    from app.nlp import pipeline
    from app.nlp.suggest import load_pipeline

    monkeypatch.setattr(pipeline, "MODEL_PACKAGE", "no_such_model_package_xyz")
    monkeypatch.setattr(paths, "bundled_model_dir", lambda: None)
    model, notice = load_pipeline()
    assert "limited" in notice
    assert "parser" not in model.pipe_names
    return model


def _check_invariants(text, found):
    from app.nlp.pipeline import token_bounds

    bounds = token_bounds(text)
    assert found == sorted(found, key=lambda s: (s.start, s.end, s.label))
    for s in found:
        assert s.label in (UC, LL)
        assert 0 <= s.start < s.end <= len(text)
        assert s.quote == text[s.start:s.end]
        assert snap(text, s.start, s.end, bounds) == (s.start, s.end), s
        assert isinstance(s.reason, str) and len(s.reason.strip()) > 20, s
        assert "{quote}" not in s.reason
        assert "\n" not in s.quote  # never across a headline or a paragraph break
    for label in (UC, LL):
        same = [s for s in found if s.label == label]
        for a, b in zip(same, same[1:], strict=False):
            assert a.end <= b.start, (a, b)


def _covering(found, label, text, words):
    """Suggestions of ``label`` whose span covers ``words`` (first occurrence)."""
    i = text.index(words)
    return [s for s in found if s.label == label and s.start <= i and i + len(words) <= s.end]


# -- invariants --------------------------------------------------------------------------

@pytest.mark.parametrize("text", SAMPLES)
def test_invariants_on_hand_written_texts(nlp, text):
    from app.nlp.suggest import suggest

    _check_invariants(text, suggest(text, nlp))


def test_invariants_on_bundled_lessons(nlp):
    from app.core.packs import read_pack
    from app.nlp.suggest import suggest

    packs = sorted((REPO / "lessons").glob("*.json")) + [REPO / "tests/data/sample-pack.json"]
    for f in packs:
        if f.name == "tokens.json":
            continue
        for le in read_pack(f).lessons:
            found = suggest(le.text, nlp)
            _check_invariants(le.text, found)


_WORDS = ["Experts", "warn", "that", "sources", "within", "the", "ministry", "reportedly",
          "according", "to", "reckless", "provocation", "satellite", "imagery", "said", "One",
          "official", ",", ".", "\u2014", "\u2019", "\n", "\n\n", "\u00a0", "\U0001F642",
          "neo-Nazi", "forces", "who", "requested", "anonymity", "The", "West", "fears", "(",
          ")", "never", "world", "no", "longer", "'", '"', "by", "legal", "experts", "has",
          "been", "confirmed", "a", "sacred", "mission", "\u200b", "e\u0301", "\t"]


def test_invariants_on_generated_texts(nlp, blank):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from app.nlp.suggest import suggest

    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.sampled_from(_WORDS), max_size=40),
           st.lists(st.sampled_from([" ", "", "  "]), min_size=40, max_size=40))
    def check(words, gaps):
        text = "".join(w + g for w, g in zip(words, gaps, strict=False))
        _check_invariants(text, suggest(text, nlp))
        _check_invariants(text, suggest(text, blank))

    check()


def test_empty_and_blank_texts_give_nothing(nlp):
    from app.nlp.suggest import suggest

    assert suggest("", nlp) == []
    assert suggest("   \n\n\t ", nlp) == []
    assert suggest("...!?", nlp) == []


def test_as_json_has_exactly_the_documented_fields(nlp):
    from app.nlp.suggest import suggest

    (s, *_) = suggest("Experts warn that the reckless plan will fail.", nlp)
    assert set(s.as_json()) == {"start", "end", "label", "quote", "reason", "required",
                                "source"}
    assert json.loads(json.dumps(s.as_json())) == s.as_json()


# -- cues --------------------------------------------------------------------------------

def test_unnamed_authority_with_reporting_verb(nlp):
    from app.nlp.suggest import suggest

    text = "Experts warn that the new dam will collapse within a decade."
    found = suggest(text, nlp)
    (claim,) = _covering(found, UC, text, "Experts warn that the new dam will collapse")
    assert claim.reason.startswith("Unnamed authority") and "'Experts'" in claim.reason
    text2 = "Observers note that the ceasefire is fragile, citing recent shelling."
    assert _covering(suggest(text2, nlp), UC, text2, "Observers note that the ceasefire")


def test_passive_agent_is_marked_with_its_verb(nlp):
    from app.nlp.suggest import suggest

    text = ("The clause, interpreted by legal experts as a licence to intervene, has never "
            "been used.")
    found = suggest(text, nlp)
    (claim,) = _covering(found, UC, text, "interpreted by legal experts")
    assert claim.quote.startswith("interpreted by legal experts")


def test_anonymous_sources(nlp):
    from app.nlp.suggest import suggest

    text = "According to sources within the ministry, the minister will resign next week."
    found = suggest(text, nlp)
    (claim,) = _covering(found, UC, text, "sources within the ministry")
    assert claim.reason.startswith("Anonymous source")
    text2 = "One aide, who asked not to be named, said the talks had collapsed."
    (c2,) = _covering(suggest(text2, nlp), UC, text2, "One aide, who asked not to be named")
    assert "anonym" in c2.reason.lower() or "named" in c2.reason


def test_evidence_named_but_not_shown(nlp):
    from app.nlp.suggest import suggest

    text = "The convoy's route has been confirmed by satellite imagery, the paper says."
    (claim,) = _covering(suggest(text, nlp), UC, text, "confirmed by satellite imagery")
    assert "Evidence named but not shown" in claim.reason


def test_hedge_stated_as_fact(nlp):
    from app.nlp.suggest import suggest

    text = "Inflation is falling, with the central bank reportedly planning a cut in June."
    found = suggest(text, nlp)
    (claim,) = _covering(found, UC, text, "reportedly planning a cut")
    assert "Hedged claim" in claim.reason
    assert not claim.quote.startswith("Inflation")  # the clause, not the whole sentence


def test_named_sources_are_not_flagged(nlp):
    from app.nlp.suggest import suggest

    text = ("The mayor, Ana Ruiz, said the budget rose 4% last year. Spokesman John Kirby "
            "said the talks would resume. Solar energy sources are growing.")
    assert [s for s in suggest(text, nlp) if s.label == UC] == []


def test_checkable_sources_and_documents_are_not_flagged(nlp):
    from app.nlp.suggest import suggest

    text = ("Scientists at the University of Oslo reported in Nature that glaciers shrank. "
            "According to the department's 2023 ridership report, trips rose 12%.")
    assert [s for s in suggest(text, nlp) if s.label == UC] == []
    text2 = "According to recent reports, trips rose 12%."
    assert _covering(suggest(text2, nlp), UC, text2, "According to recent reports")


def test_weak_cues_alone_are_not_claims(nlp):
    from app.nlp.suggest import suggest

    text = ("The bridge has never been closed. The West must act now. Everyone came to the "
            "party.")
    assert [s for s in suggest(text, nlp) if s.label == UC] == []
    text2 = "The clause, interpreted by legal experts as a licence, has never been used."
    (claim,) = [s for s in suggest(text2, nlp) if s.label == UC]
    assert "never been used" not in claim.quote


def test_motive_and_sweeping_claims(nlp):
    from app.nlp.suggest import suggest

    text = "Washington fears that the treaty will fail. The world no longer listens to Paris."
    found = suggest(text, nlp)
    (m,) = _covering(found, UC, text, "Washington fears")
    assert m.reason.startswith("Motive stated as fact")
    assert _covering(found, UC, text, "The world no longer listens")


def test_paragraph_breaks_bound_claims(nlp):
    from app.nlp.suggest import suggest

    text = ("\u2018It is a challenge to the West,\u2019 he said.\u2019\n\nBehind the scenes, "
            "the ministry has been preparing a visit.")
    found = suggest(text, nlp)
    (c,) = _covering(found, UC, text, "Behind the scenes")
    assert c.quote.startswith("Behind the scenes") and c.quote.endswith("visit")
    # every line starts a sentence for the parser, even after a headline with no stop
    from app.nlp.suggest import _parse

    doc = _parse(nlp, "A headline with no stop\nthe rest of the article follows here")
    assert [t.text for t in doc if t.is_sent_start] == ["A", "the"]


def test_loaded_words_with_their_reasons(nlp):
    from app.nlp.suggest import suggest

    text = "The minister called it a reckless provocation by a corrupt regime."
    found = suggest(text, nlp)
    (r,) = _covering(found, LL, text, "reckless")
    assert "reckless" in r.reason and r.reason.startswith("Loaded language")
    assert _covering(found, LL, text, "regime")


def test_lemma_matching_finds_inflections(nlp):
    from app.nlp.suggest import suggest

    text = "Officials were demonised by the press, which vilifies anyone who disagrees."
    found = suggest(text, nlp)
    assert _covering(found, LL, text, "demonised")
    assert _covering(found, LL, text, "vilifies")


def test_even_handed_loaded_language(nlp):
    """A loaded word is flagged, with the same reason, whichever side it describes."""
    from app.nlp.suggest import suggest

    pairs = [("Western", "Russian"), ("the opposition", "the government"),
             ("left-wing", "right-wing")]
    for a, b in pairs:
        ta = f"The heroic soldiers crushed the thugs of {a}, and the regime of {b} fell."
        tb = f"The heroic soldiers crushed the thugs of {b}, and the regime of {a} fell."
        for t in (ta, tb):
            found = suggest(t, nlp)
            for word in ("heroic", "thugs", "regime"):
                assert _covering(found, LL, t, word), (word, t)
        ra = {s.quote: s.reason for s in suggest(ta, nlp) if s.label == LL}
        rb = {s.quote: s.reason for s in suggest(tb, nlp) if s.label == LL}
        assert ra == rb


def test_non_bmp_text_keeps_code_point_offsets(nlp):
    from app.nlp.suggest import suggest

    text = "🙂🙂 Critics call it a 𝒹isastrous plan. 🚀 Experts warn that the reckless plan will fail."
    found = suggest(text, nlp)
    _check_invariants(text, found)
    (r,) = _covering(found, LL, text, "reckless")
    assert r.start == text.index("reckless")
    assert text[r.start:r.end].startswith("reckless")
    (c,) = _covering(found, UC, text, "Experts warn")
    assert c.start == text.index("Experts") and not c.quote.startswith("🚀")


def test_odd_spaces_and_curly_quotes_still_match(nlp):
    from app.nlp.suggest import suggest

    text = "A World on\u00a0Edge\n\nThey warned it was a \u2018sacred\u2019 war \u2014 before it\u2019s too late."
    found = suggest(text, nlp)
    _check_invariants(text, found)
    assert _covering(found, LL, text, "on\u00a0Edge")
    assert _covering(found, LL, text, "before it\u2019s too late")


# -- the blank pipeline -------------------------------------------------------------------

def test_blank_pipeline_still_suggests(blank):
    from app.nlp.suggest import suggest

    for text in SAMPLES:
        _check_invariants(text, suggest(text, blank))
    text = ("Experts warn that the reckless plan will fail. According to sources within the "
            "ministry, the minister will resign. The army was reportedly moved overnight.")
    found = suggest(text, blank)
    assert _covering(found, LL, text, "reckless")
    assert _covering(found, UC, text, "Experts warn that the reckless plan will fail")
    assert _covering(found, UC, text, "sources within the ministry")
    assert _covering(found, UC, text, "reportedly moved")
    assert suggest("", blank) == []


def test_blank_english_without_sentencizer_works():
    import spacy

    from app.nlp.suggest import suggest

    text = "Analysts say the reckless plan will fail.\n\nIt was a disaster."
    found = suggest(text, spacy.blank("en"))
    _check_invariants(text, found)
    assert _covering(found, LL, text, "reckless")


# -- lexicons ------------------------------------------------------------------------------

def test_lexicons_are_well_formed():
    from app.nlp import lexicon

    loaded, vague = lexicon.loaded_entries(), lexicon.vague_entries()
    assert len(loaded) >= 300 and len(vague) >= 100
    for e in (*loaded, *vague):
        assert e.forms and all(f == f.strip().lower() and f for f in e.forms)
        assert "{quote}" in e.reason and e.reason.rstrip().endswith((".", ")"))
    for name in (lexicon.LOADED_FILE, lexicon.VAGUE_FILE):
        first = (lexicon.paths.lexicons_dir() / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#")
    text = (lexicon.paths.lexicons_dir() / lexicon.LOADED_FILE).read_text(encoding="utf-8")
    assert "Da San Martino" in text


def test_bad_lexicon_line_is_named():
    from app.nlp.lexicon import parse_lexicon

    with pytest.raises(ValueError, match="line 2"):
        parse_lexicon(["# comment", "only two\tcolumns"], source="x.tsv")


def test_importing_the_engine_does_not_import_spacy():
    code = ("import sys, app.nlp.suggest, app.nlp.claims, app.nlp.lexicon, "
            "app.commands.suggest; assert 'spacy' not in sys.modules, 'spacy imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# -- the command line ----------------------------------------------------------------------

def _cli(db, *args):
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), "suggest", *args],
                          capture_output=True, text=True, encoding="utf-8", cwd=REPO,
                          timeout=240)


def test_cli_json_from_text_file_and_lesson(tmp_path):
    text = "🙂 Experts warn that the reckless plan will fail.\n"
    f = tmp_path / "article.txt"
    f.write_text(text, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    db = tmp_path / "cr.db"

    r = _cli(db, "--text", str(f), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out and all(set(o) == {"start", "end", "label", "quote", "reason", "required",
                                  "source"} for o in out)
    for o in out:
        assert text[o["start"]:o["end"]] == o["quote"] and o["reason"]
    assert {o["label"] for o in out} == {UC, LL}

    r = _cli(db, "--text", str(empty), "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []

    r = _cli(db, "--text", str(f))
    assert r.returncode == 0 and "Loaded language" in r.stdout and "reckless" in r.stdout

    imp = subprocess.run([sys.executable, "-m", "app", "--db", str(db), "lessons", "import",
                          str(REPO / "tests/data/sample-pack.json")],
                         capture_output=True, text=True, cwd=REPO, timeout=240)
    assert imp.returncode == 0, imp.stderr
    r = _cli(db, "--lesson", "sample-budget", "--json")
    assert r.returncode == 0, r.stderr
    assert any(o["quote"].startswith("reckless") for o in json.loads(r.stdout))


@pytest.mark.parametrize("content", [None, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50,
                                     "folder"])
def test_cli_bad_text_file_is_a_clear_error(tmp_path, content):
    f = tmp_path / "in.txt"
    if content == "folder":
        f.mkdir()
    elif content is not None:
        f.write_bytes(content)
    r = _cli(tmp_path / "cr.db", "--text", str(f), "--json")
    assert r.returncode == 1
    assert r.stderr.startswith("close-reader: ") and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_cli_unknown_lesson_and_usage(tmp_path):
    r = _cli(tmp_path / "cr.db", "--lesson", "no-such-lesson")
    assert r.returncode == 1 and "no-such-lesson" in r.stderr
    r = _cli(tmp_path / "cr.db")
    assert r.returncode == 2
    r = _cli(tmp_path / "cr.db", "--lesson", "x", "--text", "y")
    assert r.returncode == 2
