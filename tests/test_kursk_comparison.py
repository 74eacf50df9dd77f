"""The Kursk unit's comparison (issue 25): 8–12 claims, passages that quote the five
articles exactly, a verdict for every claim backed by dossier entries, every fact entry
dated and cited, the same three questions asked of every outlet and author, and the key's
spans linked. Checked on the pack as shipped and in a new database made from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.compare.model import VERDICTS
from app.core.compare.parse import DATE_RE
from app.core.packs import read_pack

PACK = Path(__file__).resolve().parents[1] / "lessons" / "kursk-unit.json"
ARTICLES = ("kursk-anonymous-sources", "kursk-new-axis-opinion", "kursk-wire-report",
            "kursk-state-media-retelling", "kursk-multipolar-commentary")


@pytest.fixture(scope="module")
def pack():
    return read_pack(PACK)  # the app's own reader: every passage quotes its article


@pytest.fixture(scope="module")
def cmp(pack):
    le = next(x for x in pack.lessons if x.is_compare)
    assert le.id == "kursk-compare" and le.unit == "Same event, five framings"
    assert le.key is not None and le.comparison.key is not None
    return le.comparison


def test_claims_and_articles(cmp):
    assert cmp.articles == ARTICLES
    assert 8 <= len(cmp.claims) <= 12
    for c in cmp.claims:
        assert c.statement.endswith(".") and len(c.statement) <= 120, c.id
        assert c.passages, f"claim {c.id} has no passage to show"
    for a in ARTICLES:  # every article takes part in the comparison
        assert any(c.passages_in(a) for c in cmp.claims), a


def test_every_verdict_is_explained_and_backed(cmp):
    kinds = set()
    for c in cmp.claims:
        v = cmp.key.verdict(c.id)
        assert v is not None and v.verdict in VERDICTS
        kinds.add(v.verdict)
        assert v.backing, f"{c.id}: a verdict rests on named entries of the dossier"
        assert len(v.explanation) >= 80, c.id
    assert kinds == set(VERDICTS), "the unit teaches all four verdicts"
    confirmed = [cmp.key.verdict(c.id) for c in cmp.claims
                 if cmp.key.verdict(c.id).verdict == "confirmed"]
    for v in confirmed:  # "independent named sources": more than one
        assert len(v.backing) >= 2, v.claim


def test_cells_agree_with_passages(cmp):
    for c in cmp.claims:
        for a in ARTICLES:
            k = cmp.key.cell(c.id, a)
            if k.support != "absent":
                assert c.passages_in(a), f"{c.id} × {a}: a support with no passage to show"
                assert len(k.explanation) >= 30, (c.id, a)


def test_dossier_facts_are_dated_and_cited(cmp):
    facts = [e for e in cmp.dossier if e.kind == "fact"]
    assert len(facts) >= 12
    for e in facts:
        assert DATE_RE.fullmatch(e.date), e.id
        assert e.url.startswith(("https://", "http://")), e.id
        assert e.outlet and len(e.says) >= 60, e.id
    cited = {b for v in cmp.key.verdicts for b in (*v.backing, *v.relevant)}
    unused = [e.id for e in facts if e.id not in cited]
    assert not unused, f"entries no verdict uses: {unused}"


def test_every_outlet_and_author_gets_the_same_questions(cmp):
    who = [e for e in cmp.dossier if e.kind in ("outlet", "author")]
    covered = [a for e in who for a in e.articles]
    assert sorted(covered) == sorted(ARTICLES), "one entry per article's outlet or author"
    for e in who:
        for field in ("owner", "funding", "track_record"):
            assert getattr(e, field).strip(), f"{e.id}: {field} unanswered"
        assert e.unconfirmed, f"{e.id}: says what could not be confirmed"


def test_unconfirmed_facts_say_so(cmp):
    """Where a fact could not be confirmed, the entry says so (issue 25)."""
    flagged = {e.id for e in cmp.dossier if e.unconfirmed}
    assert {"yang-uk", "msmt-2025-05", "nis-2025-04"} <= flagged


def test_key_spans_are_linked(pack, cmp):
    """The articles' key spans that carry a claim are among its passages."""
    lessons = {le.id: le for le in pack.lessons}
    linked = 0
    for c in cmp.claims:
        for p in c.passages:
            spans = {(k.start, k.end) for k in lessons[p.article].key}
            linked += (p.start, p.end) in spans
    assert linked >= 12


def test_bundled_database_holds_the_comparison(tmp_path):
    from app.services.library import seed_if_new
    from app.store.repo import open_repo

    repo = open_repo(tmp_path / "new.db")
    seed_if_new(repo, PACK.parent)
    le = repo.get_lesson("kursk-compare", with_key=True)
    assert le.comparison == read_pack(PACK).lessons[-1].comparison
    assert json.loads(PACK.read_text(encoding="utf-8"))["version"] == 3
    repo.database.close()
