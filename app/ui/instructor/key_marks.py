"""Key spans shaded in a text being edited (*Edit details and text…*): the instructor
sees which words the key marks while changing the article. The shading is Qt extra
selections, whose cursors move with the words as the text is typed in; after the text
is replaced (an import, a removal put back) the spans are placed again by their quotes
(``app.core.anchoring``), as saving will place them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from app.core.anchoring import reanchor
from app.core.lessons import Category, KeySpan
from app.ui.textpos import PositionMap
from app.ui.theme import is_dark, styles_for


def show_key_spans(edit: QPlainTextEdit, original_text: str, key: Sequence[KeySpan],
                   categories: Sequence[Category]) -> tuple[int, int]:
    """Shade ``key`` (made on ``original_text``) in what ``edit`` holds now; returns
    (spans shown, spans whose words are no longer in the text)."""
    text = edit.toPlainText()
    placed = reanchor(original_text, text, list(key)) if text != original_text else None
    spans = list(placed.placed) if placed is not None else list(key)
    lost = len(placed.unplaced) if placed is not None else 0
    styles = styles_for(list(categories))
    dark = is_dark(edit.palette())
    pos = PositionMap(text)
    doc = edit.document()
    selections = []
    for k in spans:
        st = styles.get(k.label)
        fmt = QTextCharFormat()
        if st is not None:
            bg = QColor(st.background(dark))
            fmt.setBackground(bg if k.required else bg.lighter(108) if not dark else bg.darker(130))
            fmt.setUnderlineStyle(st.underline_qt())
        cur = QTextCursor(doc)
        cur.setPosition(pos.to_qt(k.start))
        cur.setPosition(pos.to_qt(k.end), QTextCursor.MoveMode.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = cur
        sel.format = fmt
        selections.append(sel)
    edit.setExtraSelections(selections)
    return len(spans), lost
