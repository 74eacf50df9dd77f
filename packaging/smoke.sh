#!/usr/bin/env bash
# Smoke tests for the built bundle: the checks live in packaging/smoke.py (the same on
# Linux, Windows and macOS; only the host's python3 is needed, never the bundle's).
#
#   packaging/smoke.sh [BUNDLE_DIR|APP] [--cli PATH] [--gui PATH]   (default: dist/close-reader)
#
# Environment: SMOKE_RUNS, SMOKE_MAX_STARTUP_S, SMOKE_NATIVE_GUI (see smoke.py).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null 2>&1 ||
  { echo "smoke: FAIL: this script needs python3 on the host (the bundle does not)" >&2; exit 1; }
exec python3 "$here/smoke.py" "$@"
