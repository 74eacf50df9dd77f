"""The teacher's review dialog at 200 % text: nothing drawn over anything else, nothing
squeezed below the size it needs (a run at 200 % once showed the feedback's summary, the
Show buttons and the legend painted on top of one another)."""

from __future__ import annotations

import pytest
from results_helpers import LESSON, PACK
from test_accessibility import clipped

from app.core.packs import read_pack
from app.services.library import import_pack
from app.store.repo import open_repo


@pytest.mark.parametrize("zoom", [1.0, 2.0])
def test_review_dialog_fits_at_every_text_size(qtbot, db_path, tmp_path, zoom):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget

    from app.services.grading import submit
    from app.ui.application import ensure_application
    from app.ui.fonts import set_app_font, ui_font
    from app.ui.results.review_page import ReviewDialog, ReviewPage

    ensure_application()
    set_app_font(ui_font(zoom))
    r = open_repo(db_path)
    import_pack(r, read_pack(PACK))
    ana = r.student("Ana")
    submit(r, ana.id, ana.name, LESSON, [])
    page = ReviewPage(r)
    qtbot.addWidget(page)
    sub = r.submission(page.model.index(0, 0).data(Qt.ItemDataRole.UserRole + 1))
    d = ReviewDialog(r, sub)
    qtbot.addWidget(d)
    d.resize(1100, 760)  # a laptop's screen, less the taskbar
    d.show()
    qtbot.waitExposed(d)
    qtbot.wait(50)  # the feedback page fits its lists once more after its first size
    QApplication.processEvents()
    d.grab().save(str(tmp_path / f"review-{zoom}.png"))
    # widgets given a fixed height on purpose (the attempts list fitted to its rows, the
    # legend's share) and the spin box's own inner line edit are not squeezed
    fixed = {f"{type(w).__name__}({w.objectName() or w.accessibleName()[:30]!r})"
             for w in d.findChildren(QWidget) if w.minimumHeight() == w.maximumHeight()}
    problems = [c for c in clipped(d) if not c.startswith(("QHeaderView", "QLineEdit('qt_"))
                and not (" < minimum " in c and c.rsplit(" ", 4)[0] in fixed)]
    assert problems == [], problems
    r.database.close()
