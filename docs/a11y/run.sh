#!/bin/bash
# What a screen reader hears: the app under Xvfb with Qt accessibility on, read over
# AT-SPI (Debian: xvfb at-spi2-core python3-pyatspi). Usage, from the repository root:
#   dbus-run-session docs/a11y/run.sh [feedback|reader]
# An X server is started on a display number Xvfb picks (-displayfd) unless DISPLAY is set.
here=$(dirname "$0")
started=()
if [ -z "${DISPLAY:-}" ]; then
  f=$(mktemp)
  Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$f" & started+=($!)
  while [ ! -s "$f" ]; do sleep 0.1; done
  export DISPLAY=":$(head -1 "$f")"; rm -f "$f"
fi
export QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_QPA_PLATFORM=xcb
/usr/libexec/at-spi-bus-launcher --launch-immediately & started+=($!); sleep 1
/usr/libexec/at-spi2-registryd & started+=($!); sleep 1
.venv/bin/python "$here/launch.py" "${1:-feedback}" >/dev/null 2>&1 & app=$!
sleep 6
/usr/bin/python3 "$here/dump.py"
kill $app "${started[@]}" 2>/dev/null
