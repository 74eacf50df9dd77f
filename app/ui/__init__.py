"""Everything that imports PySide6. ``create_main_window`` is the public entry point."""

from app.ui.qtboot import drop_feature_hook

drop_feature_hook()

from app.ui.application import create_main_window  # noqa: E402 — after the hook is gone

__all__ = ["create_main_window"]
