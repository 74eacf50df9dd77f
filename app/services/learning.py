"""Suggestions that learn from this instructor: recording the verdicts of each key save,
forgetting them, and the suggester's side (``learn_from`` and ``suggest_with_learning``
run in the instructor app's spaCy worker process, and in ``close-reader suggest``).

Everything stays on the instructor's machine, in the instructor's database
(``app.store.training``); nothing is sent anywhere.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from typing import Any

from app.core.lessons import Lesson
from app.core.training import Reviewed, TrainingLesson, spans_for_key, still_placed
from app.store import training as store
from app.store.repo import Repo


def record_key_save(repo: Repo, lesson: Lesson, accepted: Iterable[Reviewed] = (),
                    rejected: Iterable[Reviewed] = ()) -> TrainingLesson:
    """What a key save teaches: every span of the saved key (accepted from a suggestion
    or marked by hand) and every suggestion rejected for this lesson, on its text."""
    before = store.lesson(repo, lesson.id)
    prior = list(before.spans) if before is not None else []
    if before is not None and before.text != lesson.text:
        prior = still_placed(prior, before.text, lesson.text)
    spans = spans_for_key(lesson.text, lesson.key or (), accepted, rejected, prior)
    learned = TrainingLesson(lesson.id, lesson.title, lesson.text, spans)
    store.save_lesson(repo, learned)
    return learned


def forget(repo: Repo) -> int:
    """Delete everything the suggestions learned; returns how many spans were kept."""
    return store.forget_all(repo)


def summary(repo: Repo) -> dict[str, int]:
    return store.counts(repo)


# -- the suggester's side (the worker process, the command line) ------------------------
_model: Any = None
_learned: tuple[int, int] = (0, 0)  # lessons, spans
_lock = threading.Lock()


def learn_from(db_path: str | os.PathLike[str] | None) -> dict[str, int]:
    """(Re)build what is learned from the database's training data; returns
    ``{"lessons": …, "spans": …}``. ``None``: forget (rules only)."""
    global _model, _learned
    from app.nlp.learning import PhraseModel
    from app.nlp.suggest import default_pipeline

    lessons = store.read_at(db_path) if db_path else []
    nlp = default_pipeline()[0]
    model = PhraseModel.build(nlp, lessons) if lessons else None
    with _lock:
        _model = model if model is not None and not model.empty else None
        _learned = (len(lessons), sum(len(le.spans) for le in lessons))
    return {"lessons": _learned[0], "spans": _learned[1]}


def suggest_with_learning(text: str) -> list:
    """Suggestions for ``text``: the rules plus what was learned (``learn_from``)."""
    from app.nlp.suggest import default_pipeline, suggest

    with _lock:
        model = _model
    return suggest(text, default_pipeline()[0], model=model)
