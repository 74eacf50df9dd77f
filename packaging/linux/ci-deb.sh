#!/usr/bin/env bash
# The .deb from end to end, as .ci/run (and so the release workflow's Linux job) runs it:
#
#   packaging/linux/ci-deb.sh BUNDLE_DIR OUT_DIR
#
# 1. build it (build-deb.sh) and check it with lintian: no error may remain;
# 2. install it with apt as a school's IT would (apt-get install ./close-reader_*.deb);
# 3. check what the system got: the /usr/bin link, the menu entry (desktop-file-validate),
#    the .crpack MIME type and its association, the icons;
# 4. smoke-test the installed program (packaging/smoke.py: also under Xvfb, and opening a
#    .crpack) and run it as an ordinary user, who cannot write to /opt;
# 5. remove it (apt-get purge) and check that nothing is left in /opt, /usr/bin,
#    /usr/share, nor in the MIME and menu caches.
# Steps 2-5 need root (CI runs as root); otherwise they are skipped, and said so.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 BUNDLE_DIR OUT_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fail() { echo "deb: FAIL: $*" >&2; exit 1; }
note() { echo "deb: $*"; }

t0=$SECONDS
"$here/build-deb.sh" "$1" "$2"
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root/app/__init__.py")
deb="$(cd "$2" && pwd)/close-reader_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "$deb was not written"
note "built in $((SECONDS - t0)) s"

# -- lintian ------------------------------------------------------------------------------
if command -v lintian >/dev/null 2>&1; then
  t0=$SECONDS
  log=$(mktemp)
  lintian --tag-display-limit 0 --show-overrides "$deb" >"$log" 2>&1 || true
  errors=$(grep -c '^E:' "$log" || true)
  warnings=$(grep '^W:' "$log" | awk '{print $3}' | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
  overridden=$(grep -c '^O:' "$log" || true)
  note "lintian ($((SECONDS - t0)) s): $errors errors; warnings: ${warnings:-none}; $overridden overridden (lintian-overrides)"
  if [ "$errors" -ne 0 ]; then grep '^E:' "$log" | head -40 >&2; fail "lintian found errors"; fi
  rm -f "$log"
else
  note "lintian is not installed: the package was not linted"
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  note "not root (or no apt): built and linted, not installed"
  exit 0
fi

# -- install ------------------------------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
if dpkg -s close-reader >/dev/null 2>&1; then apt-get purge -y -qq close-reader >/dev/null; fi
t0=$SECONDS
apt-get install -y -qq "$deb" >/tmp/ci-deb-install.log 2>&1 ||
  { tail -20 /tmp/ci-deb-install.log >&2; fail "apt-get install $deb failed"; }
note "installed with apt-get in $((SECONDS - t0)) s"

[ "$(readlink /usr/bin/close-reader)" = /opt/close-reader/close-reader ] ||
  fail "/usr/bin/close-reader is not the link to /opt/close-reader/close-reader"
desktop-file-validate /usr/share/applications/close-reader.desktop ||
  fail "the desktop entry does not validate"
[ -f /usr/share/mime/application/x-close-reader-pack.xml ] ||
  fail "the .crpack MIME type was not registered (shared-mime-info's trigger)"
grep -q '^application/x-close-reader-pack:\*\.crpack$' /usr/share/mime/globs ||
  fail "*.crpack is not in the MIME database's globs"
grep -q '^application/x-close-reader-pack=.*close-reader.desktop' /usr/share/applications/mimeinfo.cache ||
  fail "the menu cache does not open .crpack files with close-reader.desktop"
for n in 16 24 32 48 64 128 256 512; do
  [ -f "/usr/share/icons/hicolor/${n}x${n}/apps/close-reader.png" ] || fail "no ${n}x${n} icon"
done
note "installed: /usr/bin link, desktop entry (valid), .crpack MIME type and association, icons"

SMOKE_RUNS=${SMOKE_RUNS:-3} "$root/packaging/smoke.sh" /opt/close-reader \
  --cli /usr/bin/close-reader --gui /usr/bin/close-reader || fail "the installed program failed its smoke tests"

# an ordinary user: /opt is not theirs, their data goes to their own folder
user_home=$(mktemp -d)
chown nobody "$user_home"
as_user() {
  runuser -u nobody -- env -i HOME="$user_home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
    QT_QPA_PLATFORM=offscreen close-reader "$@" 2>>"$user_home/stderr.log"
}
out=$(as_user selftest) || fail "selftest as an ordinary user failed: $out $(cat "$user_home/stderr.log")"
as_user lessons list >/dev/null || fail "lessons list as an ordinary user failed: $(cat "$user_home/stderr.log")"
[ -f "$user_home/.local/share/CloseReader/close-reader.db" ] ||
  fail "an ordinary user's database is not in their own data folder"
rm -rf "$user_home"
note "an ordinary user runs it (selftest: $out)"

# -- remove -------------------------------------------------------------------------------
t0=$SECONDS
apt-get purge -y -qq close-reader >/tmp/ci-deb-remove.log 2>&1 ||
  { tail -20 /tmp/ci-deb-remove.log >&2; fail "apt-get purge close-reader failed"; }
! dpkg -s close-reader >/dev/null 2>&1 || fail "close-reader is still installed"
[ ! -e /opt/close-reader ] || fail "/opt/close-reader is left: $(find /opt/close-reader | head -5)"
[ ! -e /usr/bin/close-reader ] && [ ! -L /usr/bin/close-reader ] || fail "/usr/bin/close-reader is left"
left=$(find /usr/share -name '*close-reader*' 2>/dev/null | head -5)
[ -z "$left" ] || fail "files are left in /usr/share: $left"
[ ! -e /usr/share/mime/application/x-close-reader-pack.xml ] || fail "the MIME type is left"
! grep -q 'close-reader' /usr/share/applications/mimeinfo.cache 2>/dev/null ||
  fail "the menu cache still names close-reader.desktop"
note "removed with apt-get purge in $((SECONDS - t0)) s: nothing left in /opt, /usr/bin, /usr/share"
