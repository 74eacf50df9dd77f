"""Every example a teacher judged in issue 24, one by one: what the suggestions got
wrong (now not suggested, or only as optional and saying why), what they missed (now
found), the claim cues, would-be, and the words loaded in one use and descriptive in
another. The sentences are written here after the issue's descriptions (the teacher's
articles are not ours to copy)."""

from __future__ import annotations

import pytest

UC, LL = "unsupported_claim", "loaded_language"


@pytest.fixture(scope="module")
def nlp():
    from app.nlp.suggest import load_pipeline

    model, notice = load_pipeline()
    assert notice == ""
    return model


def run(nlp, text):  # noqa: ANN001
    from app.nlp.suggest import suggest

    return suggest(text, nlp)


def covering(found, text, words, label=None):  # noqa: ANN001
    i = text.index(words)
    return [s for s in found if (label is None or s.label == label)
            and s.start < i + len(words) and i < s.end]


# -- wrong before: now not the writer's loaded language or claim -------------------------
def test_quoted_name_of_a_programme_is_not_name_calling(nlp):
    text = ('Facebook said on Thursday that its "fake news" program would label disputed '
            "stories with a warning from outside fact-checkers.")
    hits = covering(run(nlp, text), text, "fake news", LL)
    assert hits and all(not s.required for s in hits)
    assert all(s.reason.startswith("Quoted from Facebook.") for s in hits)
    text = 'The company calls it a "fake news" filter.'
    hits = covering(run(nlp, text), text, "fake news", LL)
    assert hits and all(not s.required and s.reason.startswith("In quotation marks")
                        for s in hits)


def test_unnamed_authority_inside_a_quoted_tweet_is_the_tweeters(nlp):
    text = ('Emery tweeted: "Some people actually think the election was stolen. Sad!" '
            "The post was shared 4,000 times.")
    hits = covering(run(nlp, text), text, "Some people actually think", UC)
    assert hits and all(not s.required for s in hits)
    assert hits[0].reason.startswith("Quoted from Emery.")


def test_speaker_named_after_the_quotation_and_through_a_pronoun(nlp):
    text = ('Council member Dana Ortiz spoke last. "This budget is a disaster for our '
            'schools," she said.')
    (hit,) = covering(run(nlp, text), text, "disaster", LL)
    assert not hit.required and hit.reason.startswith("Quoted from Dana Ortiz.")


def test_writer_using_a_term_of_themself_is_not_name_calling(nlp):
    for text in ("Call me a conspiracy theorist if you like, but the nut jobs on the school "
                 "board want to ban books.",
                 "I am a conspiracy theorist, and proud of it.",
                 "As a conspiracy theorist, I read every footnote."):
        assert not covering(run(nlp, text), text, "conspiracy theorist", LL), text


# -- missed before: now found --------------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("Call me a conspiracy theorist if you like, but the nut jobs on the school board want "
     "to ban books.", "nut jobs"),
    ("The extreme left has taken over the party.", "extreme left"),
    ("Radicals want to rewrite our history.", "Radicals"),
    ("They want to indoctrinate children in our schools.", "indoctrinate children"),
    ("This agenda will destroy the family.", "destroy the family"),
    ("The board usurps the rights of parents.", "usurps"),
    ("It is an insidious campaign.", "insidious"),
    ("They cut the budget under the guise of safety.", "under the guise of"),
    ("We heard the rantings of a bitter man.", "rantings"),
    ("The course teaches climate dogma.", "dogma"),
])
def test_missed_loaded_words_are_found(nlp, text, words):
    hits = covering(run(nlp, text), text, words, LL)
    assert hits and any(s.required for s in hits), text
    assert any(text[s.start:s.end].lower().find(words.lower()) >= 0 for s in hits)


def test_both_far_left_and_extreme_left(nlp):
    text = "The far left cheered while the extreme left marched."
    assert {text[s.start:s.end] for s in run(nlp, text) if s.label == LL} == \
        {"far left", "extreme left"}


def test_a_hit_is_widened_to_its_phrase_with_scare_quotes(nlp):
    text = 'The site relies on partisan "fact-checking" to silence its critics.'
    (hit,) = covering(run(nlp, text), text, "partisan", LL)
    assert text[hit.start:hit.end] == 'partisan "fact-checking' and hit.required


def test_scare_quotes_are_offered(nlp):
    text = "The network's 'Neutral' panel included three party donors."
    (hit,) = covering(run(nlp, text), text, "Neutral", LL)
    assert hit.quote == "Neutral" and not hit.required
    assert hit.reason.startswith("Scare quotes")


def test_intensifiers(nlp):
    text = "It is an extremely dangerous plan, a very bad idea and absolutely disgraceful."
    found = {s.quote: s.required for s in run(nlp, text) if s.label == LL}
    assert found == {"extremely dangerous": True, "very bad": False,
                     "absolutely disgraceful": True}


def test_stacked_modifiers(nlp):
    text = "The mayor's vile, hateful rhetoric filled the hall."
    (hit,) = covering(run(nlp, text), text, "rhetoric", LL)
    assert hit.quote == "vile, hateful rhetoric" and hit.required


# -- claim cues ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("The article falsely attributes the quote to the governor.", "falsely attributes"),
    ("They know that the policy will fail, but they push it anyway.", "They know that"),
    ("Immigration is largely responsible for the rise in crime.", "largely responsible"),
])
def test_claim_cues(nlp, text, words):
    hits = covering(run(nlp, text), text, words, UC)
    assert hits and hits[0].required, text


def test_claim_cues_with_a_source_are_not_flagged(nlp):
    for text in ("Police said the driver was largely responsible for the crash.",
                 "They know the town well."):
        assert not [s for s in run(nlp, text) if s.label == UC], text


# -- false alarms of the measured corpus -----------------------------------------------
def test_would_be_is_not_the_modal(nlp):
    text = "The plan would be expensive, and it would be late."
    assert not run(nlp, text)
    text = "The would-be assassin was arrested on Friday."
    (hit,) = run(nlp, text)
    assert hit.quote == "would-be" and not hit.required


def test_words_loaded_in_one_use_are_optional(nlp):
    text = "The regime said the massacre never happened."
    found = {s.quote: s.required for s in run(nlp, text) if s.label == LL}
    assert found == {"regime": False, "massacre": False}


def test_reasons_are_whole_sentences(nlp):
    text = ('Emery tweeted: "Some people actually think the election was stolen." '
            "It is an insidious campaign.")
    for s in run(nlp, text):
        assert "…" not in s.reason and s.reason.rstrip().endswith((".", ")"))


# -- both AP reports: nothing required ---------------------------------------------------
AP_REPORT = (
    "MOSCOW (AP) — Russia's Defense Ministry said Friday that it had moved additional air "
    "defense units to the region, a step it described as routine.\n\n"
    "The ministry said in a statement that the units would remain there until the end of "
    "the month. It did not say how many troops were involved.\n\n"
    "Ukraine's Foreign Ministry spokesman Oleg Nikolenko said the move was "
    '"a provocation" and called on Moscow to explain it.\n\n'
    "The two countries' foreign ministers are due to meet in Geneva next week, both "
    "ministries confirmed.")


def test_a_wire_report_gets_no_required_suggestion(nlp):
    found = run(nlp, AP_REPORT)
    assert not [s for s in found if s.required], [(s.quote, s.reason) for s in found]
    quoted = covering(found, AP_REPORT, "provocation")
    assert all(s.reason.startswith("Quoted from Oleg Nikolenko.") for s in quoted)
