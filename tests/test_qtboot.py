"""PySide6's ``__feature__`` import hook is gone once the app's UI is imported."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
import textwrap


def test_the_feature_hook_is_replaced_by_the_import_it_wrapped():
    import app.ui  # noqa: F401 — the import under test
    from app.ui.qtboot import drop_feature_hook

    assert builtins.__import__ is not getattr(builtins, "__feature_import__", None)
    assert drop_feature_hook() is False  # already done: nothing to do


def test_in_a_fresh_process_imports_after_it_are_not_read_for_pyside():
    code = textwrap.dedent("""
        import builtins, json, sys
        import PySide6.QtCore
        hooked = builtins.__import__ is builtins.__feature_import__
        import app.ui
        from shibokensupport import feature
        before = set(feature.pyside_feature_dict)
        import calendar, app.core.scoring  # not yet imported: the hook would read them
        from PySide6.QtWidgets import *  # star imports of Qt modules still work
        print(json.dumps({"hooked": hooked,
                          "now": builtins.__import__ is builtins.__feature_import__,
                          "read": sorted(set(feature.pyside_feature_dict) - before),
                          "star": "QPushButton" in dir()}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"hooked": True, "now": False, "read": [], "star": True}
