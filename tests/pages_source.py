"""The importer's test pages, obtained from PyPI when the tests run.

The saved pages are newspaper4k's test pages (MIT licence; the articles remain their
publishers'), shipped in its 0.9.6 source distribution under
``newspaper4k-0.9.6/tests/data/html/``. Nothing of them is committed here: the sdist is
downloaded from PyPI at its pinned address, checked against its pinned SHA-256, kept in
``tests/.pages-cache/`` (ignored by git) and the chosen pages are extracted to a
temporary folder.

CI reaches PyPI, so a failed download fails the tests with a clear message; with
``CLOSE_READER_OFFLINE=1`` in the environment they are skipped instead.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import urllib.request
from collections.abc import Iterable
from pathlib import Path

SDIST = "newspaper4k-0.9.6.tar.gz"
SHA256 = "a3f2f0e017dddb6f1019ee77aaa8980e13e6ecea0b949abc7167aae4770d2d0e"
URL = ("https://files.pythonhosted.org/packages/b6/20/"
       "733d9dd3adfb6295454e6ba81f6407d96bf66bfda36c75c99b1f99accbf0/" + SDIST)
MEMBER = "newspaper4k-0.9.6/tests/data/html/{}"
CACHE = Path(__file__).parent / ".pages-cache"
OFFLINE = "CLOSE_READER_OFFLINE"


class PagesUnavailable(RuntimeError):
    """The sdist could not be downloaded or is not the pinned file."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sdist(cache: Path = CACHE, url: str = URL, timeout: float = 120) -> Path:
    """The pinned sdist, from the cache or downloaded into it (checked either way)."""
    path = cache / SDIST
    if path.is_file() and _sha256(path) == SHA256:
        return path
    cache.mkdir(parents=True, exist_ok=True)
    part = cache / (SDIST + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
    except (OSError, ValueError) as exc:  # URLError, HTTPError and timeouts are OSErrors
        part.unlink(missing_ok=True)
        raise PagesUnavailable(f"could not download {url}: {exc}") from None
    got = _sha256(part)
    if got != SHA256:
        part.unlink(missing_ok=True)
        raise PagesUnavailable(f"{url} has SHA-256 {got}, not the pinned {SHA256}")
    part.replace(path)
    return path


def extract(names: Iterable[str], dest: Path, archive: Path | None = None) -> dict[str, Path]:
    """Write the named pages of ``tests/data/html/`` to ``dest``; {name: path}."""
    archive = archive or sdist()
    dest.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for name in names:
            if "/" in name or "\\" in name or name.startswith("."):
                raise ValueError(f"not a page name: {name!r}")
            member = tar.getmember(MEMBER.format(name))  # KeyError: not in the sdist
            data = tar.extractfile(member)
            if data is None:
                raise PagesUnavailable(f"{member.name} is not a file in {archive.name}")
            (dest / name).write_bytes(data.read())
            out[name] = dest / name
    return out


def pages_or_skip(names: Iterable[str], dest: Path) -> dict[str, Path]:
    """:func:`extract`, failing the test when the sdist cannot be had, or skipping it
    when ``CLOSE_READER_OFFLINE=1``."""
    import pytest

    try:
        return extract(names, dest)
    except PagesUnavailable as exc:
        if os.environ.get(OFFLINE) == "1":
            pytest.skip(f"{OFFLINE}=1 and the test pages are not cached: {exc}")
        pytest.fail(f"The importer's test pages could not be obtained from PyPI ({exc}). "
                    f"They are downloaded once into {CACHE}; set {OFFLINE}=1 to skip "
                    "these tests on a machine without network access.", pytrace=False)
