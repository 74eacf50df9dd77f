"""Saying things to screen readers: what an action did, where the caret landed.

Screen readers do not read the status bar. Every result of an action goes out two ways,
both through ``announce`` (so tests can record them by wrapping it):

- as a ``QAccessibleAnnouncementEvent`` (Qt 6.8+): Windows' and macOS' readers, and
  newer Orcas, speak it as a live-region announcement;
- as the accessible *description* of the object that has keyboard focus. Orca 43
  (Debian's) never speaks announcements (44 sent, 0 spoken: issue 23); it speaks focus
  changes and changes of the focused object's name or description.

A description set this way lasts only while it is true: a widget gets its own resting
description back when focus leaves it, and the article views (``present_result``) keep
it only until the caret moves on. Widgets that can say more than a plain description
implement ``present_result(text)`` themselves.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

try:  # PySide6 >= 6.8
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
except ImportError:  # pragma: no cover - older Qt: announcements are skipped
    QAccessibleAnnouncementEvent = None  # type: ignore[assignment,misc]

RESTING = "close_reader_resting_description"  # a widget's own description, kept aside


def announce(source: QObject, message: str, assertive: bool = False) -> None:
    """Have assistive technology speak ``message`` (plain text) on behalf of ``source``:
    an announcement, and the focused widget's description."""
    if not message:
        return
    notify(source, message, assertive)
    target = QApplication.focusWidget()
    if target is None:
        return
    if isinstance(source, QWidget) and source.window() is not target.window():
        return  # a dialog has the focus: not the place for this window's news
    present(target, message)


def notify(source: QObject, message: str, assertive: bool = False) -> None:
    """The announcement alone: for a message that reaches Orca another way (the
    description of a widget about to take the focus)."""
    if QAccessibleAnnouncementEvent is None or not message:
        return
    event = QAccessibleAnnouncementEvent(source, message)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)


def present(widget: QWidget, message: str) -> None:
    """Put ``message`` in ``widget``'s accessible description (a change event even when
    the same words come twice), until it is no longer true."""
    speaker = getattr(widget, "present_result", None)
    if callable(speaker):
        speaker(message)
        return
    if isinstance(widget, QAbstractItemView):
        return  # a list's focus is its current row: the reader follows rows, not the list
    if widget.property(RESTING) is None:
        widget.setProperty(RESTING, widget.accessibleDescription())
        widget.installEventFilter(_restorer())
    set_description(widget, message)


def set_description(widget: QWidget, text: str) -> None:
    """Set the accessible description so that a reader hears it, even if it was the same."""
    if widget.accessibleDescription() == text and text:
        widget.setAccessibleDescription("")
    widget.setAccessibleDescription(text)


class _Restorer(QObject):
    """Gives a widget its own description back once focus leaves it (the message is
    then old news, and would be read again the next time the widget is focused)."""

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802
        if e.type() == QEvent.Type.FocusOut and isinstance(obj, QWidget):
            resting = obj.property(RESTING)
            if resting is not None:
                obj.setProperty(RESTING, None)
                obj.removeEventFilter(self)
                obj.setAccessibleDescription(str(resting))
        return False


_the_restorer: _Restorer | None = None


def _restorer() -> _Restorer:
    global _the_restorer
    if _the_restorer is None:
        _the_restorer = _Restorer(QApplication.instance())
    return _the_restorer
