"""What the suggester learns from: an instructor's verdicts on key spans.

Every key span the instructor accepted from a suggestion, rejected, or marked by hand
is a ``TrainingSpan`` of the lesson text it was made on (``TrainingLesson``). They are
kept on the instructor's machine only (``app.store.training``), and can be deleted.

Pure Python: records and the rules that turn a saved key and the suggestions
reviewed for it into training spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.core.lessons import KeySpan
from app.core.record import record

ACCEPTED, REJECTED, MARKED = "accepted", "rejected", "marked"
VERDICTS = (ACCEPTED, REJECTED, MARKED)


@record
class TrainingSpan:
    start: int
    end: int
    label: str
    verdict: str  # ACCEPTED, REJECTED or MARKED
    required: bool = True
    cue: str = ""  # what set off the suggestion (a lexicon entry, a pattern); "" by hand


@record
class TrainingLesson:
    lesson_id: str
    title: str
    text: str
    spans: tuple[TrainingSpan, ...]


@record
class Reviewed:
    """A suggestion the instructor accepted or rejected in the key editor."""

    start: int
    end: int
    label: str
    cue: str = ""


def _overlaps(a: TrainingSpan | KeySpan | Reviewed, b: TrainingSpan | KeySpan | Reviewed) -> bool:
    return a.label == b.label and a.start < b.end and b.start < a.end


def spans_for_key(text: str, key: Sequence[KeySpan], accepted: Iterable[Reviewed],
                  rejected: Iterable[Reviewed],
                  before: Sequence[TrainingSpan] = ()) -> tuple[TrainingSpan, ...]:
    """The training spans of a saved key: each key span accepted (it came from a
    suggestion, now or when last saved) or marked by hand; each rejected suggestion
    (now or before) that no key span of its category overlaps and whose words are still
    those it was made on."""
    accepted = list(accepted)
    old_accepted = {(s.start, s.end, s.label): s.cue for s in before if s.verdict == ACCEPTED}
    out: list[TrainingSpan] = []
    for k in key:
        took = next((a for a in accepted if (a.start, a.end, a.label) == (k.start, k.end, k.label)),
                    None)
        cue = took.cue if took is not None else old_accepted.get((k.start, k.end, k.label))
        out.append(TrainingSpan(k.start, k.end, k.label, ACCEPTED if cue is not None else MARKED,
                                k.required, cue or ""))
    seen: set[tuple[int, int, str]] = set()
    old_rejected = [r for r in before if r.verdict == REJECTED]
    for r in [*(TrainingSpan(x.start, x.end, x.label, REJECTED, True, x.cue) for x in rejected),
              *old_rejected]:
        where = (r.start, r.end, r.label)
        if where in seen or not 0 <= r.start < r.end <= len(text):
            continue
        if any(_overlaps(r, k) for k in key):
            continue  # the instructor marked these words after all (perhaps re-cut)
        seen.add(where)
        out.append(r)
    return tuple(out)


def still_placed(spans: Iterable[TrainingSpan], old_text: str, new_text: str) -> list[TrainingSpan]:
    """Rejections whose words are unchanged by a text edit (the others are dropped)."""
    return [s for s in spans if s.end <= len(new_text)
            and old_text[s.start:s.end] == new_text[s.start:s.end]]
