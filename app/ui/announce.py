"""Saying things to screen readers: what an action did, where the caret landed.

Screen readers speak focus and caret changes, not the status bar. ``announce`` sends a
``QAccessibleAnnouncementEvent`` (Qt 6.8+; AT-SPI and UIA pass it on as a live-region
announcement); on an older Qt it does nothing. Every announcement of the app goes
through this one function, so tests can record them by wrapping it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

try:  # PySide6 >= 6.8
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
except ImportError:  # pragma: no cover - older Qt: announcements are skipped
    QAccessibleAnnouncementEvent = None  # type: ignore[assignment,misc]


def announce(source: QObject, message: str, assertive: bool = False) -> None:
    """Have assistive technology speak ``message`` (plain text) on behalf of ``source``."""
    if QAccessibleAnnouncementEvent is None or not message:
        return
    event = QAccessibleAnnouncementEvent(source, message)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)
