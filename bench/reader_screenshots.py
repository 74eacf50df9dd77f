"""Screenshots of the reader for docs/screenshots/: light, dark, and 200 % text, in a
1280×800 window, on a bundled lesson with a few highlights (one of them selected).

    python bench/reader_screenshots.py [folder]   (default: docs/screenshots)
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def shoot(folder: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from app.ui import create_main_window
    from app.ui.application import ensure_application
    from app.ui.theme import apply_palette

    app = ensure_application()
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, zoom, dark in (("reader", 1.0, False), ("reader-200", 2.0, False),
                                 ("reader-dark", 1.0, True)):
            apply_palette(app, dark)
            w = create_main_window(Path(tmp) / f"{name}.db", student="Ana P.")
            w.resize(1280, 800)
            w.show()
            w.apply_zoom(zoom)
            w.open_lesson(w.repo.lesson_ids()[0])
            article = w.reader.article
            text = article.toPlainText()
            words = [m.span() for m in re.finditer(r"\w+", text)]
            for k in range(3, 90, 11):
                article.select_range(words[k][0], words[k + 2][1])
                w.reader.highlight_actions[k % len(w.reader.highlight_actions)].trigger()
            article.select_range(words[47][0] + 1, words[47][0] + 1)  # on one highlight
            for _ in range(3):
                QApplication.processEvents()
            path = folder / f"{name}.png"
            w.grab().save(str(path))
            out.append(path)
            w.close()
            w.repo.database.close()
        apply_palette(app, False)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    for p in shoot(target):
        print(p)
