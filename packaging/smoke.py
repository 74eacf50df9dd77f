"""Smoke tests for a built Close Reader, run the way a school's machine would: a clean
environment, no Python and nothing else on PATH, a fresh home folder, no network. The
same checks on Linux, Windows and macOS (the release workflow runs them on each); any
problem is one line on stderr and exit status 1.

    python3 packaging/smoke.py [BUNDLE]        (default: dist/close-reader)

BUNDLE is the PyInstaller folder (Linux, Windows), a macOS ``.app``, or an installed copy
(``/opt/close-reader``, ``C:\\Program Files\\Close Reader``). ``--cli PATH`` / ``--gui
PATH`` run other executables than the bundle's own (``/usr/bin/close-reader`` of the
.deb). Needs only the host's Python (3.8+, standard library), never the bundle's.

Checks: size (<= 300 MB); on Linux that every bundled library resolves; ``selftest`` (JSON,
median cold start against the 2 s budget); ``suggest`` with the bundled spaCy model; the
instructor's spaCy worker process; ``lessons list``; the instructor password preset as
school IT does it and a pack signed with it and imported; a missing ``.crpack`` refused
in one line; the window opening (offscreen, then the system's own display: X11 on Xvfb, Windows,
macOS) and opening with a ``.crpack`` as a file manager would; and that nothing was
written inside the bundle folder.

Environment: SMOKE_RUNS (selftest runs for the median, default 5); SMOKE_MAX_STARTUP_S
(fail above it; default: only warn above the 2 s budget, shared CI machines are noisy);
SMOKE_NATIVE_GUI=0 skips the native-display check.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAX_BYTES = 300 * 1000 * 1000
BUDGET_S = 2.0
GUI_WAIT_S = 4.0
WIN = sys.platform == "win32"
MAC = sys.platform == "darwin"


class SmokeFailure(Exception):
    pass


def note(msg: str) -> None:
    print(f"smoke: {msg}", flush=True)


def executables(bundle: Path) -> tuple[Path, Path, Path]:
    """(folder whose contents must not change, CLI executable, GUI executable)."""
    if bundle.suffix == ".app":
        exe = bundle / "Contents" / "MacOS" / "close-reader"
        return bundle, exe, exe
    if WIN:
        return bundle, bundle / "close-reader-cli.exe", bundle / "close-reader.exe"
    return bundle, bundle / "close-reader", bundle / "close-reader"


class Smoke:
    def __init__(self, bundle: Path, cli: Path, gui: Path, work: Path) -> None:
        self.bundle, self.cli, self.gui, self.work = bundle, cli, gui, work
        self.home = work / "home"
        self.home.mkdir()
        (work / "emptybin").mkdir()

    # -- running the program ---------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        """Nothing inherited but what the system itself needs to start a program."""
        env = {"HOME": str(self.home), "PATH": str(self.work / "emptybin"),
               "QT_QPA_PLATFORM": "offscreen"}
        if WIN:
            keep = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "NUMBER_OF_PROCESSORS",
                    "PROCESSOR_ARCHITECTURE")
            env.update({k: os.environ[k] for k in keep if k in os.environ})
            local, roaming = self.home / "AppData" / "Local", self.home / "AppData" / "Roaming"
            for folder in (local, roaming, self.home / "Temp"):
                folder.mkdir(parents=True, exist_ok=True)
            env.update(USERPROFILE=str(self.home), LOCALAPPDATA=str(local),
                       APPDATA=str(roaming), TEMP=str(self.home / "Temp"),
                       TMP=str(self.home / "Temp"))
        env.update(extra)
        return env

    def run(self, *args: str, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.cli), *args], env=self.env(**(env or {})),
                              capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=timeout, cwd=str(self.work))

    def ok(self, what: str, *args: str, env: dict[str, str] | None = None) -> str:
        r = self.run(*args, env=env)
        if r.returncode != 0:
            raise SmokeFailure(f"{what} exited {r.returncode}\n{r.stdout}{r.stderr}")
        return r.stdout

    # -- the checks --------------------------------------------------------------------
    def size(self) -> None:
        total = 0
        for root, _dirs, files in os.walk(self.bundle):
            for f in files:
                st = os.lstat(os.path.join(root, f))
                total += getattr(st, "st_blocks", 0) * 512 or st.st_size
        note(f"bundle size on disk: {total / 1e6:.0f} MB")
        if total > MAX_BYTES:
            raise SmokeFailure(f"bundle is {total / 1e6:.0f} MB, over the 300 MB budget")

    def libraries(self) -> None:
        """Linux: every bundled shared library finds what it links to."""
        if not sys.platform.startswith("linux") or not shutil.which("ldd"):
            return
        internal = self.bundle / "_internal"
        env = {**os.environ, "LD_LIBRARY_PATH": f"{internal}:{internal}/PySide6/Qt/lib"}
        missing = set()
        for f in internal.rglob("*.so*"):
            if f.is_symlink() or not f.is_file():
                continue
            out = subprocess.run(["ldd", str(f)], capture_output=True, text=True, env=env).stdout
            missing |= {f"{f.relative_to(internal)}: {line.split()[0]}"
                        for line in out.splitlines() if "not found" in line}
        if missing:
            raise SmokeFailure("shared libraries neither bundled nor on this machine:\n  "
                               + "\n  ".join(sorted(missing)) + "\n(install them on the "
                               "build machine, e.g. libxcb-icccm4 libxcb-keysyms1, and rebuild)")
        note("all bundled shared libraries resolve")

    def selftest(self, runs: int) -> None:
        startups = []
        for i in range(runs):
            out = self.ok(f"selftest (run {i + 1})", "selftest")
            try:
                d = json.loads(out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                raise SmokeFailure(f"selftest printed no JSON: {out!r}") from None
            problems = [m for bad, m in (
                (not isinstance(d.get("startup_s"), (int, float)), "no numeric startup_s"),
                (not d.get("lessons", 0) > 0, "the lesson library is empty"),
                (d.get("text_matches") is not True, "the opened lesson text does not match"),
                (d.get("spacy_loaded") is not False, "spaCy was imported on the student path"),
            ) if bad]
            if problems:
                raise SmokeFailure(f"selftest: {'; '.join(problems)}: {out.strip()}")
            startups.append(float(d["startup_s"]))
        median = statistics.median(startups)
        note(f"selftest (last run): {out.strip()}")
        note(f"selftest startup_s over {runs} runs: {' '.join(f'{s:.3f}' for s in startups)}"
             f" -> median {median:.3f} s (budget {BUDGET_S} s)")
        limit = os.environ.get("SMOKE_MAX_STARTUP_S")
        if limit and median > float(limit):
            raise SmokeFailure(f"median cold start {median:.3f} s is over {limit} s")
        if not limit and median > BUDGET_S:
            note(f"WARNING: median cold start {median:.3f} s is over the {BUDGET_S} s budget")

    def suggest(self) -> None:
        # `suggest --text` reads the file with the lesson importer, so its offsets are into
        # the text as imported: paragraphs separated by one blank line, as written here.
        text = ("Experts warn that the reckless plan will fail, according to sources.\n\n"
                "Critics called the budget a disaster.")
        article = self.work / "article.txt"
        article.write_text(text, encoding="utf-8")
        r = self.run("--db", str(self.work / "suggest.db"), "suggest", "--text", str(article),
                     "--json")
        if r.returncode != 0:
            raise SmokeFailure(f"suggest exited {r.returncode}\n{r.stderr}")
        if "could not be loaded" in r.stderr or "suggestions are limited" in r.stderr:
            raise SmokeFailure("suggest fell back to the limited pipeline: the bundled model "
                               f"did not load\n{r.stderr}")
        got = json.loads(r.stdout)
        if not isinstance(got, list) or not got:
            raise SmokeFailure(f"suggest found nothing: {r.stdout!r}")
        for s in got:
            if text[s["start"]:s["end"]] != s["quote"]:
                raise SmokeFailure(f"suggest: offsets do not match the quote: {s}")
        labels = sorted({s["label"] for s in got})
        if "unsupported_claim" not in labels:
            raise SmokeFailure(f"suggest: no unsupported_claim (labels: {labels})")
        note(f"suggest: {len(got)} suggestions, labels {labels}")

    def worker(self) -> None:
        out = self.ok("selftest --suggestions (the spaCy worker process)",
                      "--db", str(self.work / "worker.db"), "selftest", "--suggestions")
        n = json.loads(out.strip().splitlines()[-1]).get("suggestions", 0)
        if not n > 0:
            raise SmokeFailure(f"the spaCy worker process returned no suggestions: {out}")
        note(f"instructor worker process: {n} suggestions for the first lesson")

    def lessons(self) -> str:
        """``lessons list``; returns the first lesson's id."""
        out = self.ok("lessons list", "--db", str(self.work / "lessons.db"), "lessons", "list")
        if not out.strip():
            raise SmokeFailure("lessons list printed nothing")
        note(f"lessons list: {len(out.strip().splitlines())} lessons")
        listed = json.loads(self.ok("lessons list --json", "--db", str(self.work / "lessons.db"),
                                    "lessons", "list", "--json"))
        return listed[0]["id"]

    def signed_pack(self, lesson: str, pack: Path) -> None:
        """The IT preset of the instructor password (which makes the instructor's Ed25519
        key: cryptography in the bundle), a pack exported signed with it, and the pack
        imported on another machine's database, its signature checked."""
        teacher = str(self.work / "teacher.db")
        self.ok("instructor set-password (CLOSE_READER_PASSWORD_NEW)", "--db", teacher,
                "instructor", "set-password", env={"CLOSE_READER_PASSWORD_NEW": "smoke-pass-1"})
        out = self.ok("lessons export (signed)", "--db", teacher, "lessons", "export", lesson,
                      "-o", str(pack), "--no-keys", env={"CLOSE_READER_PASSWORD": "smoke-pass-1"})
        doc = json.loads(pack.read_text(encoding="utf-8"))
        if doc.get("signature", {}).get("alg") != "Ed25519":
            raise SmokeFailure(f"the exported pack is not signed: {out.strip()}")
        self.ok("lessons import (signed pack)", "--db", str(self.work / "student.db"),
                "lessons", "import", str(pack), "--replace")
        note("instructor password preset, pack signed and imported (Ed25519)")

    def missing_pack(self) -> None:
        r = self.run("--db", str(self.work / "pack.db"), str(self.work / "no such.crpack"))
        lines = r.stderr.strip().splitlines()
        if r.returncode != 1 or len(lines) != 1 or "no such lesson pack" not in lines[0]:
            raise SmokeFailure(f"a missing .crpack: exit {r.returncode}, stderr {r.stderr!r}")
        note("a missing .crpack is refused in one line")

    def window(self, label: str, *args: str, **env: str) -> None:
        """The window opens and stays up (``args``: e.g. a .crpack, as a file manager)."""
        out, err = self.work / "gui.out", self.work / "gui.err"
        with open(out, "w") as fo, open(err, "w") as fe:
            p = subprocess.Popen([str(self.gui), "--db", str(self.work / "gui.db"), *args],
                                 env=self.env(**env), stdout=fo, stderr=fe, cwd=str(self.work))
            try:
                p.wait(GUI_WAIT_S)
                ended = True
            except subprocess.TimeoutExpired:
                ended = False
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait(30)
        text = out.read_text(errors="replace") + err.read_text(errors="replace")
        if ended:
            raise SmokeFailure(f"the window ({label}) closed within {GUI_WAIT_S:.0f} s "
                               f"(exit {p.returncode})\n{text}")
        if "Traceback" in text or "Could not load the Qt platform plugin" in text:
            raise SmokeFailure(f"the window ({label}) reported an error\n{text}")
        note(f"window ({label}): opened and stayed up")

    def native_gui(self, pack: Path) -> None:
        if os.environ.get("SMOKE_NATIVE_GUI") == "0":
            return
        if WIN or MAC:
            self.window("Windows" if WIN else "macOS", QT_QPA_PLATFORM="windows" if WIN
                     else "cocoa")
            return
        if not shutil.which("Xvfb"):
            note("Xvfb not installed: the window was checked offscreen only")
            return
        r, w = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24",
                                 "-nolisten", "tcp"], pass_fds=(w,), stderr=subprocess.DEVNULL)
        os.close(w)
        try:
            display = os.read(r, 16).decode().strip()
            if not display:
                raise SmokeFailure("Xvfb did not start")
            self.window("X11/xcb on Xvfb", DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb")
            self.window("X11/xcb on Xvfb, opening a .crpack", str(pack),
                     DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb")
        finally:
            os.close(r)
            xvfb.kill()
            xvfb.wait(30)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            out[os.path.relpath(p, folder)] = (st.st_size, st.st_mtime_ns)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bundle", nargs="?", default="dist/close-reader", type=Path)
    ap.add_argument("--cli", type=Path, help="the executable for the subcommands")
    ap.add_argument("--gui", type=Path, help="the executable that opens the window")
    args = ap.parse_args(argv)
    folder, cli, gui = executables(args.bundle.resolve())
    cli, gui = (args.cli or cli).absolute(), (args.gui or gui).absolute()
    for exe in {cli, gui}:
        if not exe.is_file() or not os.access(exe, os.X_OK):
            print(f"smoke: FAIL: {exe} is missing or not executable (build it: "
                  "pyinstaller --noconfirm --clean build.spec)", file=sys.stderr)
            return 1
    runs = int(os.environ.get("SMOKE_RUNS", "5"))
    before = snapshot(folder)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="close-reader-smoke-") as tmp:
        s = Smoke(folder, cli, gui, Path(tmp))
        pack = Path(tmp) / "Unit 1.crpack"
        try:
            s.size()
            s.libraries()
            s.selftest(runs)
            s.suggest()
            s.worker()
            first = s.lessons()
            s.signed_pack(first, pack)
            s.missing_pack()
            s.window("offscreen")
            s.native_gui(pack)
            changed = sorted(set(snapshot(folder).items()) ^ set(before.items()))
            if changed:
                raise SmokeFailure("files inside the bundle folder were written: "
                                   + ", ".join(sorted({c[0] for c in changed})[:10]))
            note("nothing was written inside the bundle folder")
        except SmokeFailure as e:
            print(f"smoke: FAIL: {e}", file=sys.stderr)
            return 1
        except subprocess.TimeoutExpired as e:
            print(f"smoke: FAIL: {e.cmd[1:]} did not finish in {e.timeout:.0f} s",
                  file=sys.stderr)
            return 1
    note(f"OK: {args.bundle} passed its smoke tests in {time.monotonic() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
