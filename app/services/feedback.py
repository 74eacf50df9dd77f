"""Review and release: the instructor's feedback reaches students' machines
(formats.md, "Feedback file", version 2).

``export_feedback`` releases the graded attempts on some lessons and writes one signed
file per student machine, each holding only what that machine's students may see;
``import_feedback`` on a student machine obeys only a file signed by the instructor key
it trusts, meant for it, and newer than the last one, and changes nothing but the release
state, override and comment of the attempts it names. On the instructor's own database
``release`` does it in place.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from app.core.errors import FormatError, UserError
from app.core.feedback_file import (
    OLD_VERSION,
    Feedback,
    Result,
    parse_feedback,
    write_feedback,
)
from app.core.jsonfile import read_json_file
from app.core.names import name_key
from app.core.outpaths import check_output
from app.core.record import record
from app.services.grading import refresh_grades
from app.services.trust import fingerprint_of
from app.store import trust_repo
from app.store.repo import Repo, now_iso

FEEDBACK_SUFFIXES = (".json", ".crfb")


@record
class FeedbackImport:
    lessons: int  # keys that arrived for lessons that had none here
    attached: int  # results released to students here (new or changed)
    unchanged: int  # results already here as they are
    skipped: int  # results for attempts this machine does not hold
    again: bool = False  # this very file was imported before

    def line(self) -> str:
        if self.again:
            return "This feedback file was already imported here; nothing changed."
        return (f"Feedback imported: {self.attached} result"
                f"{'s' * (self.attached != 1)} released to students here"
                + (f", {self.unchanged} already here" if self.unchanged else "")
                + (f", keys for {self.lessons} lesson{'s' * (self.lessons != 1)}"
                   if self.lessons else "")
                + (f", {self.skipped} for attempts not on this computer (skipped)"
                   if self.skipped else ""))


@record
class FeedbackExport:
    files: tuple[tuple[Path, str, int], ...]  # (file, machine, results in it)
    released: int  # attempts newly released by this export
    here: int  # released results whose attempts were made on this database
    sequence: int

    def line(self) -> str:
        n = sum(k for _, _, k in self.files)
        out = (f"Released {self.released} graded attempt{'s' * (self.released != 1)}; wrote "
               f"{len(self.files)} feedback file{'s' * (len(self.files) != 1)} "
               f"({n} result{'s' * (n != 1)}), one per student computer")
        if self.here:
            out += f"; {self.here} made on this computer are released here"
        return out


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


def check_lessons(repo: Repo, lesson_ids: Sequence[str] | None) -> None:
    here = set(repo.lesson_ids())
    for lid in lesson_ids or ():
        if lid not in here:
            raise UserError(f"no lesson with id '{lid}' on this machine")


def release(repo: Repo, lesson_ids: Sequence[str] | None = None,
            submission_ids: Iterable[str] | None = None) -> int:
    """Release in place (the instructor's database): the graded attempts on these
    lessons, or exactly these attempts. Returns attempts newly released."""
    check_lessons(repo, lesson_ids)
    graded = {r.submission_id for r in graded_results(repo, lesson_ids)}
    ids = graded if submission_ids is None else graded & set(submission_ids)
    with repo.database.transaction():
        return repo.release(sorted(ids))


def unsubmitted(repo: Repo, lesson_ids: Sequence[str] | None) -> dict[str, list[str]]:
    """Per lesson to release, the students known here (roster or attempts on any lesson)
    with no attempt on it: their classmates' machines will hold its key."""
    students = {s.id: s.name for s in repo.students()}
    with_attempt: dict[str, set[int]] = {}
    for r in repo.db.execute("SELECT DISTINCT lesson_id, student_id FROM submissions"):
        with_attempt.setdefault(r[0], set()).add(r[1])
    ids = list(lesson_ids) if lesson_ids else sorted(with_attempt)
    return {lid: sorted((n for sid, n in students.items()
                         if sid not in with_attempt.get(lid, set())), key=str.casefold)
            for lid in ids}


def export_feedback(repo: Repo, folder: str | os.PathLike[str],
                    lesson_ids: Sequence[str] | None = None, signer=None) -> FeedbackExport:
    """Release the graded attempts on these lessons, then write, into ``folder``, one
    signed file per student machine with every result released to it so far."""
    if signer is None:
        raise UserError("feedback files are signed with the instructor key: set the "
                        "instructor password first (Instructor mode, or close-reader "
                        "instructor set-password)")
    check_lessons(repo, lesson_ids)
    refresh_grades(repo)
    results = graded_results(repo, lesson_ids)
    if not results:
        raise UserError("there is no graded attempt to release yet (import the students' "
                        "submissions first)")
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: give a folder: one feedback file is written per student "
                        "computer")
    check_output(out, folder=True)  # a refused export releases nothing (app.core.outpaths)
    for lid in dict.fromkeys(r.lesson for r in results):  # a damaged lesson row too
        repo.get_lesson(lid, with_key=True)
    own = repo.machine_id()
    with repo.database.transaction():
        released = repo.release([r.submission_id for r in results])
        sequence = trust_repo.next_feedback_sequence(repo)
        trust_repo.mark_key_used(repo)
        per_machine = _released_by_machine(repo)
    out.mkdir(parents=True, exist_ok=True)
    here = len(per_machine.pop(own, []))
    cats = repo.categories()
    written: list[tuple[Path, str, int]] = []
    names: set[str] = set()
    for machine, rs in sorted(per_machine.items()):
        lessons = []
        for lid in dict.fromkeys(r.lesson for r in rs):
            le = repo.get_lesson(lid, with_key=True)
            if le.key is not None:
                lessons.append(replace(le, teacher_notes=""))
        keyed = {le.id for le in lessons}
        rs = [r for r in rs if r.lesson in keyed]
        if not rs:
            continue
        used = {c for le in lessons for c in le.categories}
        fb = Feedback(now_iso(), tuple(c for c in cats.values() if c.id in used),
                      tuple(lessons), tuple(rs), machine, sequence)
        path = out / f"feedback-{_file_id(machine, names)}.json"
        write_feedback(path, fb, signer)
        written.append((path, machine, len(rs)))
    return FeedbackExport(tuple(written), released, here, sequence)


def _released_by_machine(repo: Repo) -> dict[str, list[Result]]:
    grades = repo.grades()
    rows = {r[0]: (r[1], r[2]) for r in repo.db.execute(
        "SELECT submission_id, machine, released_at FROM submissions WHERE graded = 1")}
    names = {s.id: s.name for s in repo.students()}
    out: dict[str, list[Result]] = {}
    for (student_id, lesson_id), g in sorted(grades.items(), key=lambda kv: (kv[0][1],
                                             names.get(kv[0][0], ""))):
        if g.submission_id is None or rows.get(g.submission_id, ("", None))[1] is None:
            continue
        out.setdefault(rows[g.submission_id][0], []).append(Result(
            g.submission_id, lesson_id, names.get(student_id, ""), g.score, g.override,
            g.reason if g.override is not None else "", g.comment))
    return out


def _file_id(machine: str, taken: set[str]) -> str:
    """A file-name-safe id of a machine: the machine id itself when it is a UUID (as every
    machine makes them), else a hash of it — a made-up id can never take a real one's
    file name (machine ids come from students' files)."""
    from app.core.answers import UUID_RE

    if UUID_RE.fullmatch(machine) and machine.lower() not in taken:
        short = machine.lower()
    else:
        import hashlib

        short = "x" + hashlib.sha256(machine.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    taken.add(short)
    return short


# -- on a student machine ------------------------------------------------------------
def read_for_this_machine(repo: Repo, path: str | os.PathLike[str]) -> Feedback:
    """Read and check a feedback file (or find this machine's in a folder): who signed
    it, whether this computer trusts that key, the machine and the sequence. Refuses with
    one line; changes nothing."""
    if trust_repo.is_instructors(repo):
        raise UserError("this is the instructor's database (it signs packs and feedback), "
                        "so it takes no feedback files; here, use Release here in Class "
                        "results instead")
    p = Path(path)
    own_id = repo.setting("machine_id") or ""
    if p.is_dir():
        p = _this_machines_file(repo, p, own_id)
    try:
        data = read_json_file(p)
        if isinstance(data, dict) and data.get("format") == "close-reader/feedback" \
                and data.get("version") == 1:
            raise FormatError(OLD_VERSION)
        from app.core.signing import signed_by

        signer = signed_by(data, "feedback")  # who sent it, before what it says
    except FormatError as e:
        raise FormatError(f"{p.name}: {e}") from None
    if signer is None:
        raise UserError(f"{p.name}: this feedback file is not signed by your teacher; "
                        "nothing was imported")
    if signer == trust_repo.own_public_key(repo):
        raise UserError(f"{p.name}: this feedback was exported from this database; here, "
                        "use Release here in Class results instead")
    trusted = trust_repo.trusted_key(repo)
    if trusted is None:
        raise UserError(f"{p.name}: this computer does not trust an instructor key yet, so "
                        f"it cannot check who wrote this file (signed by "
                        f"{fingerprint_of(signer)}); your teacher imports a lesson pack here "
                        "with --trust first")
    if signer != trusted:
        raise UserError(f"{p.name}: not signed by your teacher's key (this file: "
                        f"{fingerprint_of(signer)}; trusted here: "
                        f"{fingerprint_of(trusted)}); nothing was imported")
    try:
        fb = parse_feedback(data)
    except FormatError as e:
        raise FormatError(f"{p.name}: {e}") from None
    if fb.machine != own_id:
        raise UserError(f"{p.name}: this feedback is for another computer "
                        f"({fb.machine[:8]}); this one is {own_id[:8] or 'new'}: its file is "
                        f"feedback-{_file_id(own_id, set())}.json")
    applied = trust_repo.applied_sequence(repo)
    if fb.sequence < applied:
        raise UserError(f"{p.name}: this feedback file is older than the one already "
                        f"imported here (number {fb.sequence}, here {applied}); importing it "
                        "could undo a newer release, so nothing was imported")
    return fb


def _this_machines_file(repo: Repo, folder: Path, own_id: str) -> Path:
    """In a folder of feedback files, the newest one for this machine signed by the key
    this computer trusts (a forged file beside it must not hide it); failing that, the
    first one naming this machine, so that its problem is what gets said."""
    from app.core.signing import signed_by

    trusted = trust_repo.trusted_key(repo)
    candidates = sorted(f for f in folder.iterdir() if f.is_file()
                        and f.suffix.lower() in FEEDBACK_SUFFIXES
                        and not f.name.startswith("."))
    naming: list[Path] = []
    best: tuple[int, Path] | None = None
    for f in candidates:
        try:
            data = read_json_file(f)
        except FormatError:
            continue
        if not (isinstance(data, dict) and own_id and data.get("machine") == own_id):
            continue
        naming.append(f)
        try:
            key = signed_by(data, "feedback")
        except FormatError:
            continue
        seq = data.get("sequence")
        if key is not None and key == trusted and isinstance(seq, int) \
                and not isinstance(seq, bool) and (best is None or seq > best[0]):
            best = (seq, f)
    if best is not None:
        return best[1]
    if naming:
        return naming[0]
    raise UserError(f"none of the {len(candidates)} feedback files in {folder.name} is for "
                    f"this computer ({own_id[:8] or 'no attempts made here yet'})")


def import_feedback(repo: Repo, path: str | os.PathLike[str]) -> FeedbackImport:
    """Apply a checked feedback file, all or nothing."""
    fb = read_for_this_machine(repo, path)
    if fb.sequence == trust_repo.applied_sequence(repo):
        return FeedbackImport(0, 0, 0, len(fb.results), again=True)
    attached = unchanged = skipped = keys = 0
    here = set(repo.lesson_ids())
    with repo.database.transaction():
        for le in fb.lessons:
            if le.id not in here:
                continue
            old = repo.get_lesson(le.id, with_key=True)
            if old.key is None and old.text == le.text:  # a released assessment's key
                if le.is_compare and not _same_comparison(old, le):
                    continue  # a grid key fits only the claims and dossier it was made for
                repo.save_lessons([replace(old, key=le.key, comparison=le.comparison)
                                   if le.is_compare else replace(old, key=le.key)],
                                  {le.id: repo.tokens(le.id)}, replace=True)
                keys += 1
        for r in fb.results:
            sub = repo.submission(r.submission_id)
            if sub is None or sub.lesson_id != r.lesson \
                    or name_key(sub.student) != name_key(r.student):
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
        trust_repo.set_applied_sequence(repo, fb.sequence)
        refresh_grades(repo)
    return FeedbackImport(keys, attached, unchanged, skipped)


def _same_comparison(old, new) -> bool:  # noqa: ANN001 — two Lessons
    """A comparison here and in the file: the same claims, passages and dossier (formats.md,
    "Comparisons"); only then may the file's grid key be stored here."""
    return (old.comparison is not None and new.comparison is not None
            and old.comparison.without_key() == new.comparison.without_key())
