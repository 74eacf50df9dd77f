#!/usr/bin/env bash
# The Debian package (Debian, Ubuntu, and ChromeOS with Linux turned on) from a built
# bundle:
#
#   packaging/linux/build-deb.sh BUNDLE_DIR OUT_DIR   ->  OUT_DIR/close-reader_<version>_amd64.deb
#
# BUNDLE_DIR is PyInstaller's dist/close-reader (build.spec). The package holds:
#   /opt/close-reader/                    the bundle as built (never written to at run time)
#   /usr/bin/close-reader                 a link to /opt/close-reader/close-reader
#   /usr/share/applications/close-reader.desktop     menu entry, opens .crpack files
#   /usr/share/icons/hicolor/<N>x<N>/apps/close-reader.png (+ scalable/apps/*.svg)
#   /usr/share/mime/packages/close-reader.xml        the .crpack type
#   /usr/share/man/man1/close-reader.1.gz, /usr/share/doc/close-reader/{copyright,changelog.gz}
#   /usr/share/lintian/overrides/close-reader        the tags a bundled app cannot avoid
# No maintainer scripts: dpkg's triggers (desktop-file-utils, shared-mime-info,
# hicolor-icon-theme) refresh the menu, MIME and icon caches on install and removal.
#
# Depends: dpkg-shlibdeps over every ELF file of the bundle, each library resolved against
# this machine's packages (the bundle's own copies are used first at run time, through
# their RPATH; the dependencies also cover what Qt's xcb plugin loads from the system:
# libxcb1, libx11-6, libxkbcommon-x11-0, libxcb-cursor0, libegl1, libgl1...), plus the data
# files the bundled libraries read: fontconfig-config (fonts.conf) and xkb-data (keymaps).
# So build on the oldest Debian the package is for (the release workflow: Debian 12,
# which ChromeOS's Linux runs), with the libraries .ci/run installs.
#
# DEB_COMPRESSION=gzip builds in seconds instead of minutes (.ci/run); the default, xz,
# makes the smallest download (about 78 MB against 110), as the release workflow ships.
#
# Needs: dpkg-deb, dpkg-shlibdeps (dpkg-dev), gzip, od.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BUNDLE_DIR OUT_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
[ -x "$bundle/close-reader" ] || { echo "build-deb: $bundle/close-reader is missing" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps gzip; do
  command -v "$tool" >/dev/null || { echo "build-deb: needs $tool (apt-get install dpkg-dev)" >&2; exit 1; }
done

version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root/app/__init__.py")
project=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/pyproject.toml")
[ -n "$version" ] && [ "$version" = "$project" ] ||
  { echo "build-deb: app/__init__.py ($version) and pyproject.toml ($project) disagree" >&2; exit 1; }
arch=$(dpkg --print-architecture)
deb="$out/close-reader_${version}_${arch}.deb"

stage=$(mktemp -d "${TMPDIR:-/tmp}/close-reader-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
pkg="$stage/pkg"
umask 022

# -- files ------------------------------------------------------------------------------
install -d "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
  "$pkg/usr/share/mime/packages" "$pkg/usr/share/man/man1" \
  "$pkg/usr/share/doc/close-reader" "$pkg/usr/share/lintian/overrides" \
  "$pkg/usr/share/icons/hicolor/scalable/apps"
cp -a "$bundle" "$pkg/opt/close-reader"
# what PyInstaller wrote may carry the build user's modes: files 0644, programs and
# libraries 0755 (lintian: shared libraries are not executable), folders 0755
find "$pkg/opt/close-reader" -type d -exec chmod 0755 {} +
find "$pkg/opt/close-reader" -type f -exec chmod 0644 {} +
chmod 0755 "$pkg/opt/close-reader/close-reader"
ln -s /opt/close-reader/close-reader "$pkg/usr/bin/close-reader"

install -m 0644 "$here/close-reader.desktop" "$pkg/usr/share/applications/close-reader.desktop"
install -m 0644 "$here/close-reader-mime.xml" "$pkg/usr/share/mime/packages/close-reader.xml"
icons="$root/assets/icons"
for png in "$icons"/close-reader-*.png; do
  n=$(basename "$png" .png); n=${n#close-reader-}
  install -d "$pkg/usr/share/icons/hicolor/${n}x${n}/apps"
  install -m 0644 "$png" "$pkg/usr/share/icons/hicolor/${n}x${n}/apps/close-reader.png"
done
install -m 0644 "$icons/close-reader.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/close-reader.svg"

gzip -9n < "$here/close-reader.1" > "$pkg/usr/share/man/man1/close-reader.1.gz"
printf 'close-reader (%s) stable; urgency=medium\n\n  * Close Reader %s, built from the project'"'"'s release pipeline.\n\n -- Close Reader maintainers <maintainers@closereader.invalid>  %s\n' \
  "$version" "$version" "$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}")" |
  gzip -9n > "$pkg/usr/share/doc/close-reader/changelog.gz"
install -m 0644 "$here/copyright" "$pkg/usr/share/doc/close-reader/copyright"
install -m 0644 "$here/lintian-overrides" "$pkg/usr/share/lintian/overrides/close-reader"

# -- dependencies -----------------------------------------------------------------------
shl="$stage/shlibdeps"
mkdir -p "$shl/debian"
printf 'Source: close-reader\n\nPackage: close-reader\nArchitecture: any\n' > "$shl/debian/control"
elf_args=()
while IFS= read -r -d '' f; do
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && elf_args+=("-e$f")
done < <(find "$bundle" -type f -print0)
(cd "$shl" && dpkg-shlibdeps -O --ignore-missing-info -l"$bundle/_internal" \
  -l"$bundle/_internal/PySide6/Qt/lib" "${elf_args[@]}") >"$stage/shlibs.txt" 2>"$stage/shlibs.log" ||
  { echo "build-deb: dpkg-shlibdeps failed:" >&2; tail -20 "$stage/shlibs.log" >&2; exit 1; }
libs=$(sed -n 's/^shlibs:Depends=//p' "$stage/shlibs.txt")
[ -n "$libs" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
for needed in libc6 libxcb1 libxkbcommon-x11-0 libxcb-cursor0 libegl1; do
  case ", $libs" in *", $needed"*) ;; *)
    echo "build-deb: $needed is missing from the computed dependencies ($libs)" >&2; exit 1;;
  esac
done

size_kb=$(du -sk --apparent-size "$pkg" | cut -f1)
install -d "$pkg/DEBIAN"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: close-reader
Version: $version
Architecture: $arch
Maintainer: Close Reader maintainers <maintainers@closereader.invalid>
Installed-Size: $size_kb
Depends: $libs, fontconfig-config, xkb-data
Suggests: fonts-noto-core
Section: education
Priority: optional
Description: offline media-literacy lessons for the classroom
 Students read news articles as lessons and highlight unsupported claims and
 loaded language; Close Reader compares their highlights with the instructor's
 answer key and explains every difference, with a fair score and partial
 credit. Instructors write lessons and keys, move lessons and submissions
 between classroom machines as files, and review the class's results.
 .
 Everything runs offline: the program bundles Python, Qt, spaCy with its
 English model, the lessons and the fonts under /opt/close-reader.
CONTROL

dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-xz}" --build "$pkg" "$deb" >/dev/null
echo "build-deb: wrote $deb ($(du -h "$deb" | cut -f1); installed $((size_kb / 1024)) MB)"
