#!/bin/bash
# What a screen reader hears: the app under Xvfb with Qt accessibility on, read over
# AT-SPI (Debian: xvfb at-spi2-core python3-pyatspi). Usage, from the repository root:
#   Xvfb :99 & dbus-run-session docs/a11y/run.sh [feedback|reader]
here=$(dirname "$0")
export DISPLAY=${DISPLAY:-:99} QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_QPA_PLATFORM=xcb
/usr/libexec/at-spi-bus-launcher --launch-immediately & sleep 1
/usr/libexec/at-spi2-registryd & sleep 1
.venv/bin/python "$here/launch.py" "${1:-feedback}" >/dev/null 2>&1 & app=$!
sleep 6
/usr/bin/python3 "$here/dump.py"
kill $app
