"""Every icon file of Close Reader, made from one SVG (``assets/icons/close-reader.svg``).

    .venv/bin/python packaging/make_icons.py          (rewrites the files listed below)

Writes, beside the SVG:

- ``close-reader-<N>.png`` for N in PNG_SIZES: the window icon (``app.ui.application``)
  and the Linux package's hicolor theme icons;
- ``close-reader.ico``: the Windows executables, installer and ``.crpack`` association
  (16-48 px as 32-bit bitmaps, which every Windows tool reads; 64-256 px as PNG);
- ``close-reader.icns``: the macOS app bundle and its ``.crpack`` document type (PNG
  entries, macOS 10.7 and later).

Rendered with Qt's own SVG renderer (QtSvg is part of PySide6-Essentials), so every
build machine that can build the app can remake them; the files are committed anyway,
so a build never depends on this script. The container layouts follow Microsoft's ICO
format (ICONDIR/ICONDIRENTRY, BITMAPINFOHEADER with an AND mask) and Apple's ICNS
(big-endian type/length records; ``icp4``... ``ic14`` hold PNG data).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "assets" / "icons"
SVG = ICONS / "close-reader.svg"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_BITMAP_MAX = 48  # sizes up to this go in the .ico as bitmaps, larger ones as PNG
# ICNS entry types holding PNG data, by pixel size (the @2x types reuse the larger size)
ICNS_TYPES = ((b"icp4", 16), (b"ic11", 32), (b"icp5", 32), (b"ic12", 64), (b"ic07", 128),
              (b"ic13", 256), (b"ic08", 256), (b"ic14", 512), (b"ic09", 512),
              (b"ic10", 1024))


def render(size: int, svg: Path = SVG):  # noqa: ANN201 - a QImage (Qt imported lazily)
    """The SVG drawn on a transparent ``size`` x ``size`` image."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(p)
    p.end()
    return img


def png_bytes(img) -> bytes:  # noqa: ANN001 - QImage
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not img.save(buf, "PNG"):
        raise SystemExit("make_icons: Qt could not write a PNG")
    buf.close()
    return bytes(data.data())


def bmp_entry(img) -> bytes:  # noqa: ANN001 - QImage
    """One ICO image as a DIB: BITMAPINFOHEADER (height doubled: colour + mask), 32-bit
    BGRA rows bottom-up, then the 1-bit AND mask (all zero: the alpha channel rules)."""
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_ARGB32)  # BGRA bytes in memory
    w, h = img.width(), img.height()
    header = struct.pack("<IiiHHIIiiII", 40, w, h * 2, 1, 32, 0, w * h * 4, 0, 0, 0, 0)
    rows = [bytes(img.constScanLine(y))[: w * 4] for y in range(h)]
    mask_row = ((w + 31) // 32) * 4
    return header + b"".join(reversed(rows)) + bytes(mask_row * h)


def ico_bytes(images: dict[int, object]) -> bytes:
    entries, blobs = [], []
    offset = 6 + 16 * len(images)
    for size in sorted(images):
        blob = bmp_entry(images[size]) if size <= ICO_BITMAP_MAX else png_bytes(images[size])
        dim = 0 if size >= 256 else size  # 0 means 256
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return struct.pack("<HHH", 0, 1, len(images)) + b"".join(entries) + b"".join(blobs)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                    for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make(out: Path = ICONS, svg: Path = SVG) -> list[Path]:
    """Write every icon file into ``out``; returns the paths written."""
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | {s for _, s in ICNS_TYPES})
    images = {s: render(s, svg) for s in sizes}
    pngs = {s: png_bytes(images[s]) for s in sizes}
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for s in PNG_SIZES:
        written.append(out / f"close-reader-{s}.png")
        written[-1].write_bytes(pngs[s])
    written.append(out / "close-reader.ico")
    written[-1].write_bytes(ico_bytes({s: images[s] for s in ICO_SIZES}))
    written.append(out / "close-reader.icns")
    written[-1].write_bytes(icns_bytes(pngs))
    return written


if __name__ == "__main__":
    for path in make():
        print(f"make_icons: wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
