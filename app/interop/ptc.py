"""PTC folders: the SemEval-2020 Task 11 technique-classification layout.

The layout, from the PTC corpus README (Propaganda Techniques Corpus, version 2, "Data
format"; Da San Martino et al., 2019/2020) and the Hugging Face loader
``huggingface/datasets: datasets/sem_eval_2020_task_11/sem_eval_2020_task_11.py``:
one plain-text file per article and a tab-separated annotation file whose columns are

    C1 article id   C2 technique   C3 start offset (inclusive)   C4 end offset (exclusive)

e.g. ``111111111<TAB>Loaded_Language<TAB>265<TAB>323``. The corpus ships them as
``train-articles/article<n>.txt`` and
``train-labels-task-flc-tc/article<n>.task-flc-tc.labels``; Close Reader writes
``article<n>.labels`` beside the text (formats.md) and reads either.

**Offsets are characters (Unicode code points), not bytes.** The task's scorers and
the Hugging Face loader read each article with ``open(path, encoding="utf-8").read()``
and slice the resulting ``str`` (``start_char_offset``/``end_char_offset``), so an
offset counts code points of the text as Python reads it: UTF-8 decoded, ``\\r\\n`` and
``\\r`` turned into ``\\n`` (universal newlines). We read the same way, so a span after
an emoji lands on the same characters as in their tools; a leading byte-order mark,
which that reading would keep as character 0, is dropped and the offsets moved back by
one. We write UTF-8 without a BOM and with ``\\n`` line ends, so our offsets are the
lesson's offsets exactly.

A folder also holds ``lessons.json`` (``{"1": "<lesson id>", …}``: article number to
lesson id) and ``close-reader-pack.json``, the same lessons as a lesson pack: a round
trip keeps titles, sources, categories' names and the key spans' explanations. The
``.labels`` files are authoritative for the spans (a research team may have edited
them); explanations are attached where a span is unchanged. A corpus folder without
those files becomes a unit named after the folder: ids ``article<n>``, each title the
article's first line (PTC puts the title there), each technique a category.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.errors import FormatError
from app.core.jsonfile import load_json_bytes, show
from app.core.lessons import Category, Lesson
from app.core.outpaths import check_output, write_text_atomic
from app.core.packs import Pack, pack_to_json, parse_pack
from app.core.textrules import LIMITS, plain_line
from app.interop.common import build_pack, category_id, category_name, key_json, merge_same_label
from app.interop.files import decode_text, read_bytes

MAP_FILE = "lessons.json"
PACK_FILE = "close-reader-pack.json"
LABEL_SUFFIXES = (".labels", ".task-flc-tc.labels", ".task2-TC.labels")
ARTICLE_RE = re.compile(r"article([0-9]{1,18})\.txt")
MAX_ARTICLES = 5000
# an offset: ASCII digits only ("²" and other Unicode digits pass str.isdigit but not
# int()), and few enough of them (int() refuses 4,300 digits; a text has 200,000 chars)
MAX_OFFSET_DIGITS = 9
_OFFSET = re.compile(rf"[0-9]{{1,{MAX_OFFSET_DIGITS}}}", re.ASCII)
_NUMBER = re.compile(r"[0-9]{1,18}", re.ASCII)


# -- writing ------------------------------------------------------------------
def labels_text(number: int, lesson: Lesson) -> str:
    rows = sorted(lesson.key or (), key=lambda k: (k.start, k.end, k.label))
    return "".join(f"{number}\t{k.label}\t{k.start}\t{k.end}\n" for k in rows)


def write_folder(folder: str | os.PathLike[str], pack: Pack, include_keys: bool = True,
                 include_notes: bool = False) -> list[Path]:
    """Write ``article<n>.txt`` / ``article<n>.labels`` per lesson (n = 1, 2, … in the
    pack's order), ``lessons.json`` and ``close-reader-pack.json``. Returns the files."""
    out = check_output(folder, folder=True)  # a folder, or nothing yet (not a database)
    if out.is_dir() and any(ARTICLE_RE.fullmatch(p.name) or p.name in (MAP_FILE, PACK_FILE)
                            for p in out.iterdir()):
        raise FormatError(f"{out.name}: already holds a PTC folder; choose an empty folder")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    mapping: dict[str, str] = {}
    for n, le in enumerate(pack.lessons, 1):
        mapping[str(n)] = le.id
        written.append(_write(out / f"article{n}.txt", le.text))
        if include_keys and le.key is not None:  # no labels file: no key (not an empty one)
            written.append(_write(out / f"article{n}.labels", labels_text(n, le)))
    written.append(_write(out / MAP_FILE, json.dumps(mapping, indent=2) + "\n"))
    written.append(_write(out / PACK_FILE, json.dumps(
        pack_to_json(pack, include_keys, include_notes), ensure_ascii=False, indent=2) + "\n"))
    return written


def _write(path: Path, text: str) -> Path:
    write_text_atomic(path, text)
    return path


# -- reading ------------------------------------------------------------------
def read_folder(folder: str | os.PathLike[str],
                known: Sequence[Category] = ()) -> tuple[Pack, int]:
    """A PTC folder as a validated pack, and how many overlapping spans of one
    technique were merged. ``known``: categories already in the database (they keep
    their names). Raises ``FormatError`` naming the file and line."""
    root = Path(folder)
    if not root.is_dir():
        raise FormatError(f"{root.name}: is not a folder")
    articles = sorted(((int(m.group(1)), p) for p in root.iterdir()
                       if (m := ARTICLE_RE.fullmatch(p.name))), key=lambda t: t[0])
    if not articles:
        raise FormatError(f"{root.name}: the folder holds no article<n>.txt files")
    if len(articles) > MAX_ARTICLES:
        raise FormatError(f"{root.name}: holds {len(articles)} articles; the limit is "
                          f"{MAX_ARTICLES}")
    numbers = {n for n, _ in articles}
    if len(numbers) != len(articles):
        raise FormatError(f"{root.name}: two article files have the same number")
    mapping = _read_mapping(root, numbers)
    side, side_cats = _read_sidecar(root)
    labels: dict[str, str] = {}
    lessons: list[dict[str, Any]] = []
    merged_total = 0
    parsed: list[tuple[int, str, list[tuple[int, int, str]] | None]] = []
    for n, path in articles:
        text, shift = _read_article(path)
        spans = _read_labels(root, n, path.name, text, shift, labels)
        parsed.append((n, text, spans))
    all_cats = list(labels)
    for n, text, spans in parsed:
        key = None
        lid = mapping.get(n, f"article{n}")
        base = side.get(lid)
        if spans is not None:
            spans, merged = merge_same_label(spans)
            merged_total += merged
            notes = {(k.start, k.end, k.label): {"explanation": k.explanation,
                                                 "required": k.required}
                     for k in (base.key or ())} if base else None
            key = key_json(text, spans, notes)
        lessons.append(_lesson_json(lid, n, text, key, base, all_cats, root.name))
    return build_pack(lessons, labels, side_cats, known), merged_total


def _read_article(path: Path) -> tuple[str, int]:
    """The text as Python's ``open(…, encoding="utf-8")`` reads it, without a BOM; and
    by how much the file's offsets run ahead (1 when a BOM was dropped)."""
    text, bom = decode_text(read_bytes(path), path.name)
    return text.replace("\r\n", "\n").replace("\r", "\n"), int(bom)


def label_folders(root: Path) -> list[Path]:
    """Where an article's labels may be: beside it, or (the corpus as distributed:
    ``train-articles/`` with ``train-labels-task-flc-tc/``) in the sibling folder."""
    out = [root]
    if root.name.endswith("-articles"):
        split = root.name[: -len("-articles")]
        out += [root.parent / f"{split}-labels-task-flc-tc", root.parent / f"{split}-labels-task2-TC"]
    return [p for p in out if p.is_dir()]


def _read_labels(root: Path, n: int, article: str, text: str, shift: int,
                 labels: dict[str, str]) -> list[tuple[int, int, str]] | None:
    path = next((d / f"article{n}{suffix}" for d in label_folders(root)
                 for suffix in LABEL_SUFFIXES if (d / f"article{n}{suffix}").is_file()), None)
    if path is None:
        return None  # an article without annotations (a test split): no key yet
    body, _ = decode_text(read_bytes(path), path.name)
    spans: list[tuple[int, int, str]] = []
    for i, line in enumerate(body.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}: line {i}"
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) != 4:
            hint = (" (a span-identification file has no technique column)"
                    if len(cols) == 3 else "")
            raise FormatError(f"{where}: expected 4 tab-separated fields (article id, "
                              f"technique, start, end), got {len(cols)}{hint}")
        art, label, start_s, end_s = (c.strip() for c in cols)
        if art != str(n) and art.lstrip("0") != str(n):
            raise FormatError(f"{where}: article id {show(art, 20)} is not {n} "
                              f"(the number in {article})")
        if not (_OFFSET.fullmatch(start_s) and _OFFSET.fullmatch(end_s)):
            raise FormatError(f"{where}: start and end must be whole numbers of at most "
                              f"{MAX_OFFSET_DIGITS} digits 0-9, got {show(start_s, 20)} and "
                              f"{show(end_s, 20)}")
        start, end = int(start_s), int(end_s)
        if not 0 <= start < end <= len(text) + shift:
            why = ("reversed or empty" if end <= start
                   else f"outside the text of {article} (0..{len(text) + shift})")
            raise FormatError(f"{where}: offsets [{start}, {end}) are {why}")
        start, end = max(0, start - shift), end - shift
        if end <= start:
            raise FormatError(f"{where}: the span covers only the file's byte-order mark")
        cid = category_id(label, where)
        labels.setdefault(cid, category_name(label))
        spans.append((start, end, cid))
    return spans


def _read_mapping(root: Path, numbers: set[int]) -> dict[int, str]:
    path = root / MAP_FILE
    if not path.exists():
        return {}
    data = load_json_bytes(read_bytes(path), MAP_FILE)
    if not isinstance(data, dict):
        raise FormatError(f"{MAP_FILE}: expected an object of article numbers to lesson ids")
    out: dict[int, str] = {}
    for k, v in data.items():
        if not (isinstance(k, str) and _NUMBER.fullmatch(k)) or not isinstance(v, str):
            raise FormatError(f"{MAP_FILE}: entry {show(str(k), 20)} must map an article "
                              "number to a lesson id")
        if int(k) not in numbers:
            raise FormatError(f"{MAP_FILE}: article {k} has no article{k}.txt")
        out[int(k)] = v
    if len(set(out.values())) != len(out):
        raise FormatError(f"{MAP_FILE}: two articles map to the same lesson id")
    return out


def _read_sidecar(root: Path) -> tuple[dict[str, Lesson], list[dict[str, Any]]]:
    """The lessons of ``close-reader-pack.json`` by id, and its categories as given."""
    path = root / PACK_FILE
    if not path.exists():
        return {}, []
    try:
        raw = load_json_bytes(read_bytes(path), PACK_FILE)
        pack = parse_pack(raw)
    except FormatError as e:
        msg = str(e)
        raise FormatError(msg if msg.startswith(PACK_FILE) else f"{PACK_FILE}: {msg}") from None
    return ({le.id: le for le in pack.lessons},
            [c for c in raw.get("categories") or [] if isinstance(c, dict)])


def _lesson_json(lid: str, n: int, text: str, key: list[dict] | None, base: Lesson | None,
                 all_cats: list[str], folder: str) -> dict[str, Any]:
    if base is not None:
        used = {k["label"] for k in key or ()}
        cats = list(base.categories) + sorted(used - set(base.categories))
        d: dict[str, Any] = {
            "id": lid, "title": base.title, "text": text, "categories": cats,
            "source": {k: v for k, v in vars(base.source).items() if v},
            "level": base.level, "unit": base.unit, "instructions": base.instructions,
            "teacher_notes": base.teacher_notes, "mode": base.mode,
        }
    else:
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), f"Article {n}")
        d = {"id": lid, "title": plain_line(first, LIMITS["title"]) or f"Article {n}",
             "text": text, "unit": plain_line(f"PTC: {folder}", LIMITS["unit"])}
        if all_cats:
            d["categories"] = all_cats
    if key is not None:
        d["key"] = key
    return d
