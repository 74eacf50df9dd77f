"""Review and release: the instructor's feedback reaches students' machines.

``export_feedback`` writes the keys of some lessons and the result (score, override,
comment) of every graded attempt on them, and marks those attempts released here;
``import_feedback`` on a student machine stores the keys and attaches each result to
the submission with its ``submission_id``. Importing the same file twice changes nothing.
On a shared database ``release`` does the same in place.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from app.core.errors import FormatError, UserError
from app.core.feedback_file import Feedback, Result, read_feedback, write_feedback
from app.core.record import record
from app.services.grading import refresh_grades
from app.services.library import tokens_for
from app.store.repo import Repo, now_iso


@record
class FeedbackImport:
    lessons: int  # lessons whose key arrived or was already here
    attached: int  # results attached to a submission on this machine (new or changed)
    unchanged: int  # results already here as they are
    skipped: int  # results for submissions this machine does not hold

    def line(self) -> str:
        return (f"Feedback imported: keys for {self.lessons} lesson"
                f"{'s' * (self.lessons != 1)}; {self.attached} result"
                f"{'s' * (self.attached != 1)} released to students here"
                + (f", {self.unchanged} already here" if self.unchanged else "")
                + (f", {self.skipped} for submissions not on this computer (skipped)"
                   if self.skipped else ""))


def graded_results(repo: Repo, lesson_ids: Sequence[str] | None = None) -> list[Result]:
    """The result of every graded attempt (on these lessons), as the feedback file has it."""
    grades = repo.grades()
    names = {s.id: s.name for s in repo.students()}
    wanted = set(lesson_ids) if lesson_ids else None
    out = []
    for (student_id, lesson_id), g in sorted(grades.items(),
                                             key=lambda kv: (kv[0][1], names.get(kv[0][0], ""))):
        if g.submission_id is None or (wanted is not None and lesson_id not in wanted):
            continue
        out.append(Result(g.submission_id, lesson_id, names.get(student_id, ""), g.score,
                          g.override, g.reason if g.override is not None else "", g.comment))
    return out


def export_feedback(repo: Repo, path: str | os.PathLike[str],
                    lesson_ids: Sequence[str] | None = None) -> Feedback:
    """Write the feedback file and mark its attempts released on this database."""
    refresh_grades(repo)
    results = graded_results(repo, lesson_ids)
    ids = list(lesson_ids) if lesson_ids else list(dict.fromkeys(r.lesson for r in results))
    here = set(repo.lesson_ids())
    for lid in ids:
        if lid not in here:
            raise UserError(f"no lesson with id '{lid}' on this machine")
    lessons = [repo.get_lesson(lid, with_key=True) for lid in ids]
    lessons = [le for le in lessons if le.key is not None]
    if not lessons:
        raise UserError("there is no graded attempt to release yet (import the students' "
                        "submissions first)")
    keyed = {le.id for le in lessons}
    results = [r for r in results if r.lesson in keyed]
    cats = repo.categories()
    used = {c for le in lessons for c in le.categories}
    fb = Feedback(now_iso(), tuple(c for c in cats.values() if c.id in used),
                  tuple(replace(le, teacher_notes="") for le in lessons), tuple(results))
    write_feedback(path, fb)
    with repo.database.transaction():
        repo.release([r.submission_id for r in results])
    return fb


def release(repo: Repo, lesson_ids: Sequence[str] | None = None) -> int:
    """Release feedback in place (a shared database): returns attempts newly released."""
    with repo.database.transaction():
        return repo.release([r.submission_id for r in graded_results(repo, lesson_ids)])


def _same_key(repo: Repo, le) -> bool:
    old = repo.get_lesson(le.id, with_key=True)
    order = sorted(le.key or (), key=lambda k: (k.start, k.end, k.label))
    return (old.mode == le.mode and old.key is not None and tuple(order) == old.key
            and old.comparison == le.comparison)  # (a comparison's key: formats.md)


def import_feedback(repo: Repo, path: str | os.PathLike[str]) -> FeedbackImport:
    """Store the file's keys and results, all or nothing."""
    fb = read_feedback(path)
    here = {le.id: le for le in (repo.get_lesson(i) for i in repo.lesson_ids())}
    for le in fb.lessons:
        old = here.get(le.id)
        if old is not None and old.text != le.text:
            raise FormatError(f"feedback: lesson '{le.id}' on this computer has another text; "
                              "import the teacher's new lesson pack first")
    toks = tokens_for([le for le in fb.lessons if le.id not in here])
    attached = unchanged = skipped = 0
    with repo.database.transaction():
        repo.save_categories(fb.categories)
        for le in fb.lessons:
            keep = here.get(le.id)
            if keep is not None and _same_key(repo, le):
                continue
            lesson = replace(le, teacher_notes=keep.teacher_notes if keep else "")
            tok = {le.id: repo.tokens(le.id)} if keep else toks
            repo.save_lessons([lesson], tok, replace=True)
        for r in fb.results:
            sub = repo.submission(r.submission_id)
            if sub is None or sub.lesson_id != r.lesson:
                skipped += 1
                continue
            same = (sub.override_score == r.override and sub.comment == r.comment
                    and (r.override is None or sub.override_reason == r.reason)
                    and sub.released_at is not None)
            if same:
                unchanged += 1
                continue
            repo.set_review(r.submission_id, r.override, r.reason or "set by your teacher",
                            r.comment)
            repo.release([r.submission_id], fb.exported_at or None)
            attached += 1
        refresh_grades(repo)
    return FeedbackImport(len(fb.lessons), attached, unchanged, skipped)
