"""Interchange with other tools: LMS rosters and gradebooks, W3C Web Annotation,
PTC (SemEval-2020 Task 11) folders and doccano JSONL (formats.md, "Gradebooks for an
LMS, and the roster" and "Annotation interchange").

Pure format modules: no Qt, no SQL. Importers are all-or-nothing, raise
``app.core.errors.FormatError`` with one line naming the problem, and build lessons
through the same validation as lesson packs (``app.core.packs.parse_pack``).
"""
