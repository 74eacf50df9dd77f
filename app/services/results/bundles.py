"""Submission bundles: export this machine's attempts; import many bundles at once.

Import is all-or-nothing per call: every file is read and validated before anything
is written, and the whole import is one transaction. ``submission_id`` (in lower case)
is the identity of an attempt, so importing the same bundle (or an overlapping later
export from the same machine) twice adds nothing.

Files from student machines are untrusted (formats.md, "Threat model"): which attempt is
graded is decided here, by ``app.core.attempts.admit``, from the order in which attempts
arrive; an attempt that would change a recorded grade, or that its student's class code
does not sign, is kept aside as a conflict for the instructor (``conflicts.py``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from app.core.answers import Bundle, BundledSubmission, read_bundle, write_bundle
from app.core.attempts import admit
from app.core.classcodes import attempt_message, key_id, verifies
from app.core.compare.parse import grid_identity
from app.core.errors import FormatError, UserError
from app.core.lessons import LESSON_ID_RE, Highlight, Lesson
from app.core.names import name_key
from app.core.outpaths import check_output
from app.core.record import record
from app.services.grading import grade_attempt, refresh_grades
from app.store.repo import Repo, now_iso
from app.store.trust_repo import keys_by_student

BUNDLE_SUFFIXES = (".json", ".crsub")


@record
class ImportSummary:
    files: int
    added: int
    duplicates: int
    unknown_lessons: tuple[tuple[str, str], ...]  # (student, lesson) stored ungraded
    no_key: tuple[tuple[str, str], ...]  # lesson here but without its key: ungraded
    regraded: int  # earlier attempts regraded against the current key
    errors: tuple[str, ...]  # attempts stored ungraded: they do not fit the lesson here
    conflicts: tuple[str, ...] = ()  # attempts kept aside, each "id8 (student, lesson: why)"
    unsigned: int = 0  # attempts stored unsigned (their student has no class code here)

    def line(self) -> str:
        """One line for the command line and the status bar."""
        n = self.added
        text = (f"Imported {n} new attempt{'s' * (n != 1)} from {self.files} "
                f"file{'s' * (self.files != 1)}")
        notes = []
        if self.duplicates:
            notes.append(f"{self.duplicates} already here")
        if self.unknown_lessons:
            ids = sorted({lesson for _, lesson in self.unknown_lessons})
            notes.append(f"{len(self.unknown_lessons)} for "
                         f"{'a lesson' if len(ids) == 1 else 'lessons'} not on this machine: "
                         + ", ".join(ids))
        if self.no_key:
            ids = sorted({lesson for _, lesson in self.no_key})
            notes.append(f"{len(self.no_key)} ungraded until the key arrives: " + ", ".join(ids))
        if self.errors:
            notes.append(f"{len(self.errors)} not graded (they do not fit the lesson here)")
        if self.conflicts:
            notes.append(f"{len(self.conflicts)} kept aside for you to decide in Class "
                         "results › Review & release: " + ", ".join(self.conflicts[:5])
                         + (" …" if len(self.conflicts) > 5 else ""))
        if self.unsigned:
            notes.append(f"{self.unsigned} unsigned: no class code")
        if self.regraded:
            notes.append(f"{self.regraded} earlier attempt{'s' * (self.regraded != 1)} "
                         "regraded against the current key")
        return text + (f" ({'; '.join(notes)})" if notes else "")


# -- export -------------------------------------------------------------------
def export_bundle(repo: Repo, path: str | os.PathLike[str], student: str | None = None) -> int:
    """Write this machine's submitted attempts (all students, or one) to a bundle.

    Attempts imported from other machines are not exported again. Returns the number
    of attempts written; the file is written atomically (even when there are none).
    """
    from app.core.signing import fingerprint
    from app.store.trust_repo import trusted_key

    check_output(path)  # refused before anything is written, a new machine id too
    sid = repo.student(student, create=False).id if student is not None else None
    machine = repo.machine_id()
    subs = [s for s in repo.submissions(student_id=sid, with_reports=False)
            if s.machine == machine]
    subs.sort(key=lambda s: (s.student, s.lesson_id, s.attempt))
    trusted = trusted_key(repo)
    bundle = Bundle(machine=machine, exported_at=now_iso(), submissions=tuple(
        BundledSubmission(submission_id=s.submission_id, attempt=s.attempt,
                          lesson=s.lesson_id, student=s.student, submitted_at=s.submitted_at,
                          highlights=s.highlights, after_key=s.after_key,
                          signature=_signature(s.signature), grid=s.grid)
        for s in subs), instructor_key=fingerprint(trusted) if trusted else "")
    write_bundle(path, bundle)
    return len(subs)


def _signature(stored: str) -> dict | None:
    if not stored:
        return None
    try:
        value = json.loads(stored)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# -- import -------------------------------------------------------------------
def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; a folder stands for the bundle files directly inside it
    (Windows shells do not expand ``*.json``, and teachers collect into a folder)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir()
                           if f.is_file() and f.suffix.lower() in BUNDLE_SUFFIXES
                           and not f.name.startswith("."))
            if not found:
                raise UserError(f"{p}: the folder holds no submission files (*.json)")
            out += found
        else:
            out.append(p)
    return out


def load_bundles(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, Bundle]]:
    """Read and validate every file; the first bad one raises, naming the file."""
    files = expand_paths(paths)
    if not files:
        raise UserError("no submission files given")
    loaded = []
    for f in files:
        bundle = read_bundle(f)
        for i, s in enumerate(bundle.submissions):
            if not LESSON_ID_RE.fullmatch(s.lesson):
                raise FormatError(f"{f.name}: submissions[{i}]: field 'lesson' "
                                  f"'{s.lesson[:40]}' is not a lesson id")
        loaded.append((f, bundle))
    return loaded


Step = Callable[[int, int], None]  # (done, total); may raise to cancel (nothing written)


def import_bundles(repo: Repo, paths: Iterable[str | os.PathLike[str]],
                   progress: Step | None = None) -> ImportSummary:
    """Validate every bundle, then store, grade and report their new attempts."""
    return import_loaded(repo, load_bundles(paths), progress)


def import_loaded(repo: Repo, loaded: Sequence[tuple[Path, Bundle]],
                  progress: Step | None = None) -> ImportSummary:
    lessons: dict[str, Lesson | None] = {}

    def lesson(lid: str) -> Lesson | None:
        if lid not in lessons:
            try:
                lessons[lid] = repo.get_lesson(lid, with_key=True)
            except UserError:
                lessons[lid] = None
        return lessons[lid]

    added = dups = unsigned = 0
    unknown: list[tuple[str, str]] = []
    no_key: list[tuple[str, str]] = []
    errors: list[str] = []
    conflicts: list[str] = []
    seen: dict[str, tuple] = {}
    total = sum(len(b.submissions) for _, b in loaded)
    done = 0
    codes = keys_by_student(repo)
    names = {st.id: st.name for st in repo.students()} if codes else {}
    with repo.database.transaction():
        # 1. duplicates, id conflicts and signatures, attempt by attempt, in file order;
        #    what passes is grouped by (student, lesson), keeping the files' order
        groups: dict[tuple[str, str], list[tuple[Path, Bundle, BundledSubmission]]] = {}
        for path, bundle in loaded:
            for s in bundle.submissions:
                done += 1
                if progress is not None and done % 250 == 0:
                    progress(done, total)  # raising here rolls the whole import back
                known = seen.get(s.submission_id) or _stored_identity(repo, s.submission_id)
                if known is not None:
                    if known == _identity(s):
                        dups += 1
                    else:
                        repo.add_conflict(s, bundle.machine, path.name, "id")
                        conflicts.append(_named(s, "id"))
                    continue
                problem = _signature_problem(repo, s, bundle.machine, codes, names)
                if problem:  # kept aside; its id claims nothing (a forged copy in the
                    # same import must not pre-empt the genuine attempt)
                    repo.add_conflict(s, bundle.machine, path.name, "signature", problem)
                    conflicts.append(_named(s, "signature"))
                    continue
                seen[s.submission_id] = _identity(s)
                groups.setdefault((name_key(s.student), s.lesson), []).append(
                    (path, bundle, s))
        # 2. which attempt of each group is graded, which are practice, which kept aside
        for (_, lesson_id), items in groups.items():
            st = repo.student(items[0][2].student)
            le = lesson(lesson_id)
            recorded = repo.submissions(student_id=st.id, lesson_id=lesson_id,
                                        with_reports=False)
            verdict = admit(recorded, [s for _, _, s in items],
                            assessment=le is not None and le.is_assessment)
            aside = dict(verdict.conflicts)
            for path, bundle, s in items:
                if s.submission_id in aside:
                    repo.add_conflict(s, bundle.machine, path.name, aside[s.submission_id])
                    conflicts.append(_named(s, aside[s.submission_id]))
                    continue
                score = report = version = None
                if le is None:
                    unknown.append((st.name, s.lesson))
                elif le.key is None:
                    no_key.append((st.name, s.lesson))
                else:
                    try:
                        rep = grade_attempt(le, s, f"{path.name}: {s.student}")
                    except UserError as e:
                        errors.append(str(e))
                    else:
                        score, report = rep.score, rep.as_json(le.id, st.name)
                        version = repo.key_version(le.id)
                graded = s.submission_id == verdict.graded
                repo.add_submission(
                    st.id, s.lesson, s.highlights, score=score, report=report,
                    key_version=version, submission_id=s.submission_id,
                    submitted_at=s.submitted_at, machine=bundle.machine, imported=True,
                    after_key=not graded, graded=graded,
                    signature=json.dumps(s.signature) if s.signature else "",
                    signed=st.id in codes, grid=s.grid)
                unsigned += st.id not in codes
                added += 1
        regraded = refresh_grades(repo)
    return ImportSummary(files=len(loaded), added=added, duplicates=dups,
                         unknown_lessons=tuple(unknown), no_key=tuple(no_key),
                         regraded=regraded, errors=tuple(errors), conflicts=tuple(conflicts),
                         unsigned=unsigned)


WHY = {"id": "its id is here with other content",
       "earlier": "claims to be earlier than an attempt already here",
       "assessment": "a second assessment submission",
       "signature": "not signed by its student's class code"}


def _named(s: BundledSubmission, kind: str) -> str:
    return f"{s.submission_id[:8]} ({s.student}, {s.lesson}: {WHY.get(kind, kind)})"


def _signature_problem(repo: Repo, s: BundledSubmission, machine: str,
                       codes: dict[int, bytes], names: dict[int, str]) -> str:
    """Why this attempt cannot be taken as its student's ("" when it can): a student with
    a class code here must have signed it with that code (formats.md, "Class codes")."""
    if not codes:
        return ""
    try:
        st = repo.student(s.student, create=False)
    except UserError:
        return ""  # a student unknown here has no code: the attempt is unsigned
    key = codes.get(st.id)
    if key is None:
        return ""
    msg = attempt_message(s.submission_id, s.lesson, s.student, s.attempt, s.submitted_at,
                          s.after_key, machine, s.highlights, s.grid)
    if verifies(key, msg, s.signature):
        return ""
    if not s.signature:
        return f"unsigned, but {st.name} has a class code"
    for other, k in codes.items():
        if other != st.id and s.signature.get("code") == key_id(k):
            return f"signed with the class code of {names.get(other, 'another student')}"
    return f"the signature is not {st.name}'s (a wrong code, or the attempt was changed)"


def _identity(s: BundledSubmission) -> tuple:
    """What makes two copies of an attempt the same attempt (formats.md)."""
    return (name_key(s.student), s.lesson, tuple(sorted(s.highlights, key=_hl_order)),
            grid_identity(s.grid))


def _hl_order(h: Highlight) -> tuple:
    return (h.start, h.end, h.label, h.note)


def _stored_identity(repo: Repo, submission_id: str) -> tuple | None:
    sub = repo.submission(submission_id)
    if sub is None:
        return None
    return (name_key(sub.student), sub.lesson_id, tuple(sorted(sub.highlights, key=_hl_order)),
            grid_identity(sub.grid))




def keep_both(repo: Repo, conflict_id: int) -> str:
    """Store an attempt kept aside for its id as an attempt of its own (a new id)."""
    from app.services.results.conflicts import resolve

    return resolve(repo, conflict_id, "both")


def discard(repo: Repo, conflict_id: int) -> None:
    from app.services.results.conflicts import resolve

    resolve(repo, conflict_id, "discard")
