"""Replaces the community hook for spaCy, which collects every submodule (all ~75
languages and the test suite) and every data file.

spaCy is mostly Cython: imports made by compiled modules are invisible to PyInstaller's
analysis, so submodules are still collected, but without ``spacy.tests`` and without
languages other than English. ``spacy.registrations`` imports the tokenizer factories of
ja/ko/th/vi/zh, so the analysis still picks up those five packages' ``__init__`` and what
they import at module level (pure Python, a few hundred KB); their optional back ends
(sudachipy, natto, pythainlp, pyvi, spacy-pkuseg) are not installed and stay out.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules


def _wanted(name: str) -> bool:
    if ".tests" in name or name.endswith(".examples"):
        return False
    if name.startswith("spacy.lang."):
        return name == "spacy.lang.en" or name.startswith("spacy.lang.en.") \
            or name in ("spacy.lang.char_classes", "spacy.lang.lex_attrs",
                        "spacy.lang.norm_exceptions", "spacy.lang.punctuation",
                        "spacy.lang.tokenizer_exceptions")
    return True


hiddenimports = collect_submodules("spacy", filter=_wanted)
# default_config.cfg and friends, and the CLI templates spacy.cli.init_config reads at
# import (spacy/__init__ imports spacy.cli); not the .pyx/.pxd/.c sources
datas = collect_data_files("spacy", includes=["*.cfg", "cli/templates/*"])
excludedimports = ["spacy.tests"]
