"""Record what a screen reader receives over AT-SPI, one JSON object a line.

Run by the system's Python (``/usr/bin/python3``), where Debian's gir1.2-atspi-2.0 and
python3-gi live, while the app runs from the virtual environment:
``/usr/bin/python3 tests/atspi_listen.py EVENTS.jsonl``. Only events from Close Reader
are kept. For each: the event type, the source's role, name, description and whether
it has keyboard focus, and the event's own text (an announcement, a new name).
Orca 43 speaks focus changes, and changes of the focused object's name or description;
it does not speak ``object:announcement``.
"""

import json
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

LOG = open(sys.argv[1], "a", buffering=1, encoding="utf-8")  # noqa: SIM115
EVENTS = ("object:state-changed:focused", "object:active-descendant-changed",
          "object:property-change:accessible-name",
          "object:property-change:accessible-description", "object:announcement",
          "window:activate", "object:state-changed:showing", "object:text-caret-moved",
          "object:state-changed:selected")


def _text(obj):
    try:
        return obj.get_name() or ""
    except Exception:  # noqa: BLE001 (a dead object)
        return ""


def _describe(obj):
    out = {}
    try:
        out["role"] = obj.get_role_name()
        out["name"] = obj.get_name() or ""
        out["description"] = obj.get_description() or ""
        states = obj.get_state_set()
        out["focused"] = states.contains(Atspi.StateType.FOCUSED)
        app = obj.get_application()
        out["app"] = app.get_name() if app is not None else ""
    except Exception as e:  # noqa: BLE001
        out["error"] = str(e)
    return out


def on_event(ev):
    try:
        src = _describe(ev.source)
        if src.get("app") != "Close Reader":
            return
        rec = {"t": round(time.time(), 3), "type": ev.type, "detail1": ev.detail1, **src}
        data = ev.any_data
        if isinstance(data, str):
            rec["data"] = data
        elif isinstance(data, Atspi.Accessible):
            rec["child"] = _describe(data)
        if ev.type.startswith("object:state-changed:showing"):
            if ev.detail1 != 1 or src.get("role") not in ("dialog", "alert", "frame", "window"):
                return
        if ev.type.startswith("object:state-changed:focused") and ev.detail1 != 1:
            return
        if ev.type.startswith("object:state-changed:selected") and ev.detail1 != 1:
            return
        if ev.type.startswith("object:text-caret-moved"):
            rec = {"t": rec["t"], "type": ev.type, "role": src.get("role"),
                   "name": src.get("name"), "detail1": ev.detail1}
        LOG.write(json.dumps(rec, ensure_ascii=False) + "\n")
    except Exception as e:  # noqa: BLE001
        LOG.write(json.dumps({"type": "listener-error", "error": str(e)}) + "\n")


listener = Atspi.EventListener.new(on_event)
for kind in EVENTS:
    listener.register(kind)
LOG.write(json.dumps({"type": "ready", "t": time.time()}) + "\n")
Atspi.event_main()
