"""Moved to ``app.core.feedback_text`` (the PDF report uses the same words); this
module re-exports it for code that still imports the old name."""

from app.core.feedback_text import (  # noqa: F401
    PLURALS,
    Counts,
    category_line,
    counts,
    headline,
    key_status,
    plural,
    summary,
)
