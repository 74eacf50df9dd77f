#!/usr/bin/env bash
# Smoke tests for the PyInstaller bundle (dist/close-reader), run the way a school's
# machine would: a clean environment, no Python and nothing else on PATH, no network
# needed. Any problem -> a message on stderr and a non-zero exit.
#
#   packaging/smoke.sh [BUNDLE_DIR]        (default: dist/close-reader)
#
# Environment: SMOKE_RUNS (selftest runs for the median, default 5);
# SMOKE_MAX_STARTUP_S (fail when the median cold start exceeds it; default: only warn
# above the 2 s budget, since shared CI machines are noisy).
set -uo pipefail
cd "$(dirname "$0")/.."

BUNDLE=${1:-dist/close-reader}
EXE="$BUNDLE/close-reader"
RUNS=${SMOKE_RUNS:-5}
MAX_BYTES=$((300 * 1000 * 1000))
BUDGET_S=2.0

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
note() { echo "smoke: $*"; }

[ -x "$EXE" ] || fail "$EXE is missing or not executable (build it: pyinstaller --noconfirm --clean build.spec)"
command -v python3 >/dev/null 2>&1 && HOST_PY=python3 || HOST_PY=""
[ -n "$HOST_PY" ] || fail "this script needs python3 on the *host* to check JSON (the bundle does not)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/close-reader-smoke.XXXXXX")
GUI_PID=""
cleanup() {
  [ -n "$GUI_PID" ] && kill "$GUI_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/home" "$WORK/emptybin"

# A clean environment: nothing inherited, an empty PATH folder (no python), a fresh HOME.
run() {
  env -i HOME="$WORK/home" PATH="$WORK/emptybin" QT_QPA_PLATFORM=offscreen "$EXE" "$@"
}

# --- 1. size on disk ------------------------------------------------------------------
bytes=$(( $(du -sk "$BUNDLE" | cut -f1) * 1024 ))
note "bundle size on disk: $((bytes / 1000000)) MB ($(du -sh "$BUNDLE" | cut -f1))"
[ "$bytes" -le "$MAX_BYTES" ] || fail "bundle is $((bytes / 1000000)) MB, over the 300 MB budget"

# --- 2. every bundled shared library resolves -----------------------------------------
if command -v ldd >/dev/null 2>&1; then
  internal="$BUNDLE/_internal"
  missing=$(find "$internal" -type f \( -name '*.so' -o -name '*.so.*' \) -print0 |
    while IFS= read -r -d '' f; do
      LD_LIBRARY_PATH="$internal:$internal/PySide6/Qt/lib" ldd "$f" 2>/dev/null |
        awk -v f="${f#"$internal"/}" '/not found/ {print "  " f ": " $1}'
    done | sort -u)
  [ -z "$missing" ] || fail "shared libraries neither bundled nor on this build machine
$missing
(install them on the build machine, e.g. libxcb-icccm4 libxcb-keysyms1 libwayland-cursor0, and rebuild)"
  note "all bundled shared libraries resolve"
fi

# --- 3. selftest: JSON with startup_s, library not empty, spaCy not loaded ------------
startups=()
for i in $(seq "$RUNS"); do
  out=$(run selftest 2>"$WORK/selftest.err") || {
    cat "$WORK/selftest.err" >&2; fail "selftest exited non-zero (run $i)"; }
  s=$(printf '%s' "$out" | tail -n 1 | $HOST_PY -c '
import json, sys
d = json.loads(sys.stdin.read())
assert isinstance(d.get("startup_s"), (int, float)), "no numeric startup_s"
assert d.get("lessons", 0) > 0, "the lesson library is empty"
assert d.get("text_matches") is True, "the opened lesson text does not match"
assert d.get("spacy_loaded") is False, "spaCy was imported on the student path"
print(d["startup_s"])
' 2>&1) || fail "selftest output is wrong: $s
output was: $out"
  startups+=("$s")
done
note "selftest (last run): $out"
median=$(printf '%s\n' "${startups[@]}" | $HOST_PY -c '
import statistics, sys
print(f"{statistics.median(float(x) for x in sys.stdin.read().split()):.3f}")')
note "selftest startup_s over $RUNS runs: ${startups[*]} -> median ${median} s (budget ${BUDGET_S} s)"
if [ -n "${SMOKE_MAX_STARTUP_S:-}" ]; then
  $HOST_PY -c "import sys; sys.exit(not $median <= $SMOKE_MAX_STARTUP_S)" ||
    fail "median cold start ${median} s is over ${SMOKE_MAX_STARTUP_S} s"
elif ! $HOST_PY -c "import sys; sys.exit(not $median <= $BUDGET_S)"; then
  note "WARNING: median cold start ${median} s is over the ${BUDGET_S} s budget"
fi

# --- 4. suggest: the full English model loads from the bundle and finds something -----
printf '%s\n' "Experts warn that the reckless plan will fail, according to sources." \
  "Critics called the budget a disaster." > "$WORK/article.txt"
out=$(run --db "$WORK/suggest.db" suggest --text "$WORK/article.txt" --json 2>"$WORK/suggest.err") || {
  cat "$WORK/suggest.err" >&2; fail "suggest exited non-zero"; }
if grep -qi "could not be loaded\|suggestions are limited" "$WORK/suggest.err"; then
  cat "$WORK/suggest.err" >&2
  fail "suggest fell back to the limited pipeline: the bundled model did not load"
fi
summary=$(printf '%s' "$out" | $HOST_PY -c '
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
got = json.loads(sys.stdin.read())
assert isinstance(got, list) and got, "no suggestions"
for s in got:
    assert text[s["start"]:s["end"]] == s["quote"], f"offsets do not match the quote: {s}"
labels = sorted({s["label"] for s in got})
assert "unsupported_claim" in labels, f"no unsupported_claim (labels: {labels})"
print(f"{len(got)} suggestions, labels {labels}")
' "$WORK/article.txt" 2>&1) || fail "suggest output is wrong: $summary
output was: $out"
note "suggest: $summary"

# --- 4b. the instructor's spaCy worker process starts from the frozen bundle ----------
out=$(run --db "$WORK/worker.db" selftest --suggestions 2>"$WORK/worker.err") || {
  cat "$WORK/worker.err" >&2; fail "selftest --suggestions failed (the spaCy worker process)"; }
n=$(printf '%s' "$out" | $HOST_PY -c 'import json,sys; print(json.load(sys.stdin).get("suggestions", 0))') ||
  fail "selftest --suggestions printed no JSON: $out"
[ "$n" -gt 0 ] || fail "the spaCy worker process returned no suggestions: $out"
note "instructor worker process: $n suggestions for the first lesson ($out)"

# --- 5. lessons list --------------------------------------------------------------------
out=$(run --db "$WORK/lessons.db" lessons list 2>"$WORK/lessons.err") || {
  cat "$WORK/lessons.err" >&2; fail "lessons list exited non-zero"; }
[ -n "$out" ] || fail "lessons list printed nothing"
note "lessons list: $(printf '%s\n' "$out" | wc -l) lessons"

# --- 6. the GUI opens and stays up ------------------------------------------------------
gui_check() {  # $1: label; the rest: env assignments for the platform
  local label=$1; shift
  env -i HOME="$WORK/home" PATH="$WORK/emptybin" "$@" \
    "$EXE" --db "$WORK/gui.db" >"$WORK/gui.out" 2>"$WORK/gui.err" &
  GUI_PID=$!
  sleep 4
  if ! kill -0 "$GUI_PID" 2>/dev/null; then
    wait "$GUI_PID"; local rc=$?; GUI_PID=""
    cat "$WORK/gui.out" "$WORK/gui.err" >&2
    fail "the GUI ($label) exited within 4 s (exit code $rc)"
  fi
  kill "$GUI_PID"; wait "$GUI_PID" 2>/dev/null; GUI_PID=""
  if grep -q "Traceback\|Could not load the Qt platform plugin" "$WORK/gui.err"; then
    cat "$WORK/gui.err" >&2; fail "the GUI ($label) reported an error"
  fi
  note "GUI ($label): started and stayed up"
}
gui_check offscreen QT_QPA_PLATFORM=offscreen
if command -v Xvfb >/dev/null 2>&1; then
  # a real X server too, so that the xcb platform plugin and its libraries are exercised
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$WORK/xvfb.display" 2>/dev/null &
  XVFB_PID=$!
  trap 'kill $XVFB_PID 2>/dev/null; cleanup' EXIT
  for _ in $(seq 50); do [ -s "$WORK/xvfb.display" ] && break; sleep 0.1; done
  [ -s "$WORK/xvfb.display" ] || fail "Xvfb did not start"
  gui_check "X11/xcb on Xvfb" DISPLAY=":$(head -n1 "$WORK/xvfb.display")" QT_QPA_PLATFORM=xcb
else
  note "Xvfb not installed: the GUI was checked offscreen only"
fi

note "OK: $BUNDLE passed its smoke tests"
