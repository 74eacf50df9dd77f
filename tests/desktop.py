"""A private desktop for tests that run the real program in a real window: an X server
(Xvfb, its display number chosen by Xvfb itself: ``-displayfd``), a D-Bus session, the
AT-SPI accessibility bus (at-spi2-core) and a window manager (openbox), all started in a
folder of the test's and stopped by process id when it ends. Keys and clicks go in with
xdotool (real X input events); ``listen`` records what a screen reader receives over
AT-SPI, running ``tests/atspi_listen.py`` under the system's Python, where Debian's
python3-pyatspi / gir1.2-atspi-2.0 live.

``python -m tests.desktop FOLDER`` starts one and waits (for using Orca by hand): it
writes ``FOLDER/dbus.env`` for the shell.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
REGISTRY = "/usr/libexec/at-spi2-registryd"
X_TOOLS = ("Xvfb", "xdotool", "dbus-daemon")


def missing_x() -> str | None:
    """Why a real-window test cannot run here, or None."""
    lost = [t for t in X_TOOLS if shutil.which(t) is None]
    return f"needs {', '.join(lost)} (see .ci/run)" if lost else None


def missing_atspi() -> str | None:
    why = missing_x()
    if why:
        return why
    if not (os.path.exists(BUS_LAUNCHER) and os.path.exists(REGISTRY)):
        return "needs at-spi2-core (see .ci/run)"
    if not os.path.exists(SYSTEM_PYTHON):
        return "needs the system's python3"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('Atspi', '2.0'); "
                              "from gi.repository import Atspi"],
        capture_output=True, timeout=60)
    if probe.returncode:
        return "needs python3-gi and gir1.2-atspi-2.0 for the system's python3 (see .ci/run)"
    return None


class Desktop:
    """Xvfb + D-Bus + AT-SPI + openbox in ``folder``; ``env`` is what programs on it need."""

    def __init__(self, folder: Path, size: str = "1600x1000", atspi: bool = True) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.size = size
        self.atspi = atspi
        self.procs: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}
        self.display = ""

    # -- starting and stopping ------------------------------------------------
    def _spawn(self, args: list[str], log: str, **kw) -> subprocess.Popen:  # noqa: ANN003
        with open(self.folder / log, "ab") as out:  # the child keeps its own copy
            p = subprocess.Popen(args, stdout=kw.pop("stdout", out), stderr=out,
                                 env=kw.pop("env", self.env), start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def start(self) -> Desktop:
        r, w = os.pipe()
        base = {k: v for k, v in os.environ.items()
                if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
                             "QT_QPA_PLATFORM", "AT_SPI_BUS_ADDRESS")}
        self.env = base
        self._spawn(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{self.size}x24",
                     "-nolisten", "tcp", "-noreset"], "xvfb.log", pass_fds=(w,))
        os.close(w)
        number = b""
        deadline = time.monotonic() + 30
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(r, 16)
            if not chunk:
                break
            number += chunk
        os.close(r)
        if not number.strip():
            self.stop()
            raise RuntimeError("Xvfb did not start: " + (self.folder / "xvfb.log").read_text())
        self.display = f":{int(number)}"
        self.env = dict(base, DISPLAY=self.display)
        bus = self._spawn(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                          "dbus.log", stdout=subprocess.PIPE)
        address = bus.stdout.readline().decode().strip()
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address
        if self.atspi:
            self._spawn([BUS_LAUNCHER, "--launch-immediately"], "atspi-bus.log")
            time.sleep(0.5)
            self._spawn([REGISTRY, "--use-gnome-session"], "atspi-registry.log")
        if shutil.which("openbox"):
            self._spawn(["openbox"], "openbox.log")
        time.sleep(1.0)
        with open(self.folder / "dbus.env", "w", encoding="utf-8") as f:
            f.write(f"export DBUS_SESSION_BUS_ADDRESS='{address}' DISPLAY={self.display} "
                    "NO_AT_BRIDGE=0\n")
        return self

    def stop(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except (ProcessLookupError, PermissionError):
                    p.terminate()
        for p in reversed(self.procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
            if p.stdout is not None:
                p.stdout.close()
        self.procs.clear()

    def __enter__(self) -> Desktop:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- using it -------------------------------------------------------------
    def app(self, db: Path, *args: str, python: str = sys.executable) -> subprocess.Popen:
        """The real program on this desktop, accessibility on, as a school runs it."""
        env = dict(self.env, QT_QPA_PLATFORM="xcb", QT_ACCESSIBILITY="1",
                   QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", NO_AT_BRIDGE="0")
        env.pop("CLOSE_READER_DB", None)
        return self._spawn([python, "-m", "app", "--db", str(db), *args], "app.log",
                           env=env, cwd=HERE.parent)

    def xdotool(self, *args: str) -> str:
        out = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True,
                             timeout=60)
        return out.stdout

    def keys(self, *keys: str, pause: float = 0.15) -> None:
        """Press keys as a person would (``ctrl+shift+Right``, ``Return``, ``2``)."""
        for k in keys:
            self.xdotool("key", "--clearmodifiers", k)
            time.sleep(pause)

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "40", text)

    def wait_window(self, name: str, timeout: float = 60) -> str:
        """The X window id of the first visible window whose title contains ``name``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.xdotool("search", "--onlyvisible", "--name", name).split()
            if found:
                return found[0]
            time.sleep(0.3)
        raise TimeoutError(f"no window named {name!r} appeared; app log:\n"
                           + (self.folder / "app.log").read_text(errors="replace")[-3000:])

    def listen(self, log: Path) -> Listener:
        """Record AT-SPI events, as a screen reader receives them, into ``log``."""
        p = self._spawn([SYSTEM_PYTHON, str(HERE / "atspi_listen.py"), str(log)],
                        "listener.log")
        listener = Listener(log, p)
        listener.wait_ready()
        return listener


class Listener:
    """The events ``tests/atspi_listen.py`` wrote, one JSON object a line."""

    def __init__(self, log: Path, proc: subprocess.Popen) -> None:
        self.log = log
        self.proc = proc
        self.seen = 0  # events before this index belong to earlier steps

    def events(self) -> list[dict]:
        if not self.log.exists():
            return []
        out = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e.get("type") == "ready" for e in self.events()):
                return
            if self.proc.poll() is not None:
                raise RuntimeError("the AT-SPI listener stopped")
            time.sleep(0.2)
        raise TimeoutError("the AT-SPI listener did not start")

    def since_mark(self) -> list[dict]:
        return self.events()[self.seen:]

    def mark(self) -> None:
        self.seen = len(self.events())

    def wait_for(self, match: Callable[[dict], bool], timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in self.since_mark():
                if match(e):
                    return e
            time.sleep(0.1)
        raise TimeoutError("\n".join(json.dumps(e, ensure_ascii=False)
                                     for e in self.since_mark()[-40:]))

    def iter_new(self) -> Iterator[dict]:
        yield from self.since_mark()


if __name__ == "__main__":  # a desktop for using Orca by hand
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/close-reader-desktop")
    d = Desktop(folder).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop what it started
    print(f"desktop on {d.display}; . {folder}/dbus.env", flush=True)
    try:
        signal.pause()
    finally:
        d.stop()
