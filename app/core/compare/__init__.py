"""Comparisons: a unit's claims, an offline dossier, and a graded grid of claims ×
articles (docs/formats.md, "Comparisons"). Pure Python, like the rest of ``app.core``."""
