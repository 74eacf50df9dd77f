"""Everything that imports PySide6. ``create_main_window`` is the public entry point."""

from app.ui.application import create_main_window

__all__ = ["create_main_window"]
