"""The gradebook: students × lessons with the graded score, attempts and practice.

Built from one query over ``submissions`` (plus the student and lesson lists) without
loading grade reports: 600 attempts take a few milliseconds.

CSV layouts (decided for spreadsheets and LMS grade imports):

- **wide** (default): a header row ``Student, <lesson id>, …``, then one row per
  student with the *graded* score of each lesson (the first attempt, or the
  instructor's override of it: ``app.core.attempts``; never a retry after the key), an empty cell where the student has
  no graded attempt (an LMS reads empty as "no grade", not as zero). Columns are lesson
  **ids**, not titles: ids never change when an instructor edits a title, so the same
  column lines up with the same LMS grade item every time the file is re-imported,
  and they hold no commas or quotes. Only lessons with at least one graded attempt get
  a column (an empty column would create an empty grade item in the LMS).
- **long** (``long=True``): one row per attempt: ``Student, Lesson, Lesson title,
  Attempt, Submitted at, Kind, Score, Grade`` (kind ``graded`` or ``practice after the
  key``; grade: the override or score on the graded row only) and a precision and a
  recall column per category.

Files are UTF-8 **with a BOM** and CRLF line ends (RFC 4180): Excel, the teacher's
most likely tool, reads a CSV without a BOM as the local ANSI code page and garbles
names such as "Zoë" or "Łucja"; Google Sheets, LibreOffice, Moodle and Canvas skip the
BOM. Every cell, headers included, beginning with ``= + - @``, their full-width forms
(``＝ ＋ － ＠``) or a tab, carriage return or line feed (also after leading spaces) gets
a leading apostrophe, so a student named ``=HYPERLINK(…)`` or a category named
``＝1+1`` cannot become a formula.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import field

from app.core.lessons import Category
from app.core.names import lookalikes
from app.core.outpaths import write_text_atomic
from app.core.record import record
from app.core.terminal import clean
from app.store.repo import Repo, Student

# what a spreadsheet may read as the start of a formula: the ASCII signs, their
# full-width forms (which Excel with an East Asian input method turns into ASCII), and
# the tab, carriage return and line feed that some applications skip over first
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n",
                 "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe62", "\ufe63", "\ufe66",
                 "\u2212")


@record
class Cell:
    grade: int | None  # the graded attempt's score or its override (None: no grade yet)
    latest: int | None  # score of the latest attempt (None: not graded yet)
    attempts: int
    last_submitted: str
    graded_submission: str | None = None
    score: int | None = None  # the formula's score of the graded attempt
    override: int | None = None
    practice_best: int | None = None  # best attempt after the key: practice, not a grade
    comment: str = ""

    @property
    def best(self) -> int | None:
        """The first version's name for the number a cell shows: now the grade."""
        return self.grade


@record
class GradebookLesson:
    id: str
    title: str
    here: bool  # the lesson is on this machine (else its attempts wait ungraded)


@record
class Attempt:
    student_id: int
    lesson_id: str
    attempt: int
    submitted_at: str
    score: int | None
    by_label: Mapping[str, tuple[float, float]]  # label -> (precision, recall)
    submission_id: str = ""
    after_key: bool = False
    graded: bool = False


@record
class Gradebook:
    students: tuple[Student, ...]
    lessons: tuple[GradebookLesson, ...]
    cells: Mapping[tuple[int, str], Cell]
    attempts: tuple[Attempt, ...]
    categories: tuple[Category, ...]  # categories of the lessons shown, in app order
    flags: Mapping[int, str] = field(default_factory=dict)  # student id -> look-alike warning
    # per-category figures of every attempt, by submission id, fetched when first needed
    load_figures: Callable[[], Mapping[str, Mapping[str, tuple[float, float]]]] | None = None

    def cell(self, student_id: int, lesson_id: str) -> Cell | None:
        return self.cells.get((student_id, lesson_id))

    def lesson_mean(self, lesson_id: str, which: str = "grade") -> float | None:
        vals = [getattr(c, which) for (_, lid), c in self.cells.items() if lid == lesson_id]
        vals = [v for v in vals if v is not None]
        return sum(vals) / len(vals) if vals else None

    def student_mean(self, student_id: int, which: str = "grade") -> float | None:
        vals = [getattr(c, which) for (sid, _), c in self.cells.items() if sid == student_id]
        vals = [v for v in vals if v is not None]
        return sum(vals) / len(vals) if vals else None

    def matching(self, text: str) -> tuple[Student, ...]:
        """Students whose name contains ``text`` (case ignored): the filter box."""
        needle = " ".join(text.split()).casefold()
        return tuple(s for s in self.students if needle in s.name.casefold())

    def sorted_students(self, lesson_id: str | None = None, which: str = "grade",
                        descending: bool = True) -> tuple[Student, ...]:
        """By name (``lesson_id=None``) or by a lesson's score; ungraded always last."""
        if lesson_id is None:
            return tuple(sorted(self.students, key=lambda s: s.name.casefold(),
                                reverse=not descending))
        def key(s: Student) -> tuple[bool, int, str]:
            c = self.cell(s.id, lesson_id)
            v = getattr(c, which) if c else None
            return (v is None, -(v or 0) if descending else (v or 0), s.name.casefold())
        return tuple(sorted(self.students, key=key))


def build_gradebook(repo: Repo, all_lessons: bool = False, figures: bool = False) -> Gradebook:
    """Students × lessons. Lessons: those with attempts (``all_lessons``: every lesson
    here too), in library order, then any lesson not on this machine with attempts.
    ``figures``: each attempt's per-category figures too (the long CSV loads them on
    first use otherwise)."""
    rows, grades = repo.attempts_and_grades(figures)
    graded_ids = {g.submission_id for g in grades.values() if g.submission_id}
    attempts = tuple(_attempt(r, graded_ids) for r in rows)
    cells: dict[tuple[int, str], Cell] = {}
    for a in attempts:  # in attempt order, so the last one seen is the latest
        k = (a.student_id, a.lesson_id)
        old = cells.get(k)
        g = grades.get(k)
        practice = old.practice_best if old else None
        if a.after_key and not a.graded:
            practice = _max(practice, a.score)
        cells[k] = Cell(
            grade=g.value if g else None, latest=a.score,
            attempts=(old.attempts if old else 0) + 1, last_submitted=a.submitted_at,
            graded_submission=g.submission_id if g else None, score=g.score if g else None,
            override=g.override if g else None, practice_best=practice,
            comment=g.comment if g else "")
    attempted = {lid for _, lid in cells}
    library = repo.list_lessons()
    here = {le.id for le in library}
    lessons = [GradebookLesson(le.id, le.title, True) for le in library
               if all_lessons or le.id in attempted]
    lessons += [GradebookLesson(lid, lid, False) for lid in sorted(attempted - here)]
    of_lesson = repo.lesson_categories()
    used = {lab for lid in attempted for lab in of_lesson.get(lid, ())}
    cats = tuple(c for c in repo.categories().values() if c.id in used)
    students = tuple(repo.students())
    warn = lookalikes(s.name for s in students)
    flags = {s.id: warn[s.name] for s in students if s.name in warn}
    return Gradebook(students, tuple(lessons), cells, attempts, cats, flags,
                     None if figures else figures_loader(repo))


def figures_loader(repo: Repo) -> Callable[[], dict[str, Mapping[str, tuple[float, float]]]]:
    """Every attempt's per-category figures by submission id, read when called (on
    ``repo``'s connection: a gradebook built in a worker gets one on the GUI's)."""
    return lambda: {r["submission_id"]: _attempt(r, set()).by_label
                    for r in repo.attempt_rows(True)}


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _attempt(r: Mapping, graded: set[str]) -> Attempt:
    figures: dict[str, tuple[float, float]] = {}
    if r["by_label"]:
        for lab, f in json.loads(r["by_label"]).items():
            figures[lab] = (float(f.get("precision", 0.0)), float(f.get("recall", 0.0)))
    return Attempt(r["student_id"], r["lesson_id"], r["attempt"], r["submitted_at"],
                   r["score"], figures, r["submission_id"], bool(r["after_key"]),
                   r["submission_id"] in graded)


# -- CSV ----------------------------------------------------------------------
def safe_cell(value: object) -> str:
    """A cell's text, neutralised when a spreadsheet would read it as a formula (also
    after leading spaces, which some spreadsheets skip). Control characters, escape
    sequences and bidi overrides are removed first (``app.core.terminal.clean``: a
    name cannot reorder or hide what a spreadsheet or a terminal shows), and line breaks
    become spaces, so a formula cannot hide behind them either."""
    text = "" if value is None else clean(str(value))
    return "'" + text if text.lstrip(" \u3000").startswith(FORMULA_START) else text


def _safe_rows(rows: list[list[str]]) -> list[list[str]]:
    """Every cell through the formula guard: headers too (category names and lesson ids
    come from outside), not only the data cells."""
    return [[safe_cell(c) for c in row] for row in rows]


def csv_rows(gb: Gradebook, long: bool = False) -> list[list[str]]:
    if long:
        return _safe_rows(_long_rows(gb))
    lessons = [le for le in gb.lessons
               if any(c.grade is not None for (_, lid), c in gb.cells.items() if lid == le.id)]
    rows = [["Student", *(le.id for le in lessons)]]
    for s in gb.sorted_students():
        cells = [gb.cell(s.id, le.id) for le in lessons]
        rows.append([s.name,
                     *("" if c is None or c.grade is None else str(c.grade) for c in cells)])
    return _safe_rows(rows)


def _long_rows(gb: Gradebook) -> list[list[str]]:
    names = {s.id: s.name for s in gb.students}
    titles = {le.id: le.title if le.here else "" for le in gb.lessons}
    header = ["Student", "Lesson", "Lesson title", "Attempt", "Submitted at", "Kind", "Score",
              "Grade"]
    for c in gb.categories:
        header += [f"{c.name} precision", f"{c.name} recall"]
    rows = [header]
    figures = gb.load_figures() if gb.load_figures is not None else None
    order = sorted(gb.attempts, key=lambda a: (names.get(a.student_id, "").casefold(),
                                                a.student_id, a.lesson_id, a.attempt))
    for a in order:
        row = [names.get(a.student_id, ""), a.lesson_id, titles.get(a.lesson_id, ""),
               str(a.attempt), a.submitted_at, _kind(a), "" if a.score is None else str(a.score),
               _grade_text(gb, a)]
        for c in gb.categories:
            by_label = figures.get(a.submission_id, {}) if figures is not None else a.by_label
            f = by_label.get(c.id) if a.score is not None else None
            row += [f"{f[0]:.3f}", f"{f[1]:.3f}"] if f else ["", ""]
        rows.append(row)
    return rows


def _kind(a: Attempt) -> str:
    if a.graded:
        return "graded"
    return "practice after the key" if a.after_key else "not graded"


def _grade_text(gb: Gradebook, a: Attempt) -> str:
    if not a.graded:
        return ""
    c = gb.cell(a.student_id, a.lesson_id)
    return "" if c is None or c.grade is None else str(c.grade)


def write_csv(gb: Gradebook, path: str | os.PathLike[str], long: bool = False) -> int:
    """Write the wide (or long) CSV atomically; returns the number of data rows."""
    rows = csv_rows(gb, long)
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    write_text_atomic(path, buf.getvalue(), encoding="utf-8-sig")
    return len(rows) - 1


# -- text table (the command line) --------------------------------------------
def format_table(gb: Gradebook) -> str:
    """A readable table: the grade (* overridden), practice best in brackets, ×n attempts."""
    if not gb.students or not gb.lessons:
        return "No attempts yet. Import submission files: close-reader submissions import FILE"

    def show(c: Cell | None) -> str:
        if c is None:
            return "–"
        if c.grade is None:
            return "ungraded" + (f" ×{c.attempts}" if c.attempts > 1 else "")
        text = str(c.grade) + ("*" if c.override is not None else "")
        if c.practice_best is not None:
            text += f" (p{c.practice_best})"
        return text + (f" ×{c.attempts}" if c.attempts > 1 else "")

    tags = [f"L{i}" for i in range(1, len(gb.lessons) + 1)]
    grid = [["Student", *tags]]
    for s in gb.sorted_students():
        grid.append([clean(s.name), *(show(gb.cell(s.id, le.id)) for le in gb.lessons)])
    means = [gb.lesson_mean(le.id) for le in gb.lessons]
    grid.append(["Class mean (graded)", *("–" if m is None else f"{m:.0f}" for m in means)])
    widths = [max(len(r[i]) for r in grid) for i in range(len(grid[0]))]
    lines = [f"Gradebook: {len(gb.students)} students × {len(gb.lessons)} lessons "
             "(graded score = first attempt; * = overridden by the instructor; "
             "(pN) = best practice after the key, not a grade; ×n = attempts)", ""]
    for i, r in enumerate(grid):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
        if i == 0 or i == len(grid) - 2:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    tw = max(len(le.id) for le in gb.lessons)
    for tag, le in zip(tags, gb.lessons, strict=True):
        title = clean(le.title) if le.here else "(not on this machine: attempts wait ungraded)"
        lines.append(f"{tag:<4}{clean(le.id):<{tw}}  {title}")
    return "\n".join(lines)
