"""The icon set, rendered from resources/icons/switchboard.svg: PNGs, a Windows .ico, a macOS .icns.

Generated at build time, never committed: the SVG is the one source. PNGs
come from Qt's QSvgRenderer. The .ico and .icns are written here, because
Qt's own ICO and ICNS writers put exactly one image in a file, while Windows
and macOS pick the size they need from several. Both formats are a small
directory of PNG images (ICO: Windows Vista and later; ICNS: macOS 10.7 and
later), read back with Qt's readers after writing as a check.

Run inside the build environment (it needs PySide6):
``python -m installer.icons resources/icons/switchboard.svg installer/out/icons``;
after editing the SVG, refresh the window's committed PNGs with
``python -m installer.icons --window resources/icons/switchboard.svg desktop/ui/assets``.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Mapping
from pathlib import Path

WINDOW_ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)
"""The window's own icon, committed as PNGs in desktop/ui/assets (see write_window_icons)."""

PNG_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256, 512)
"""The hicolor theme sizes installed by the .deb."""

ICO_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)
"""256 is the largest an ICO directory entry can describe."""

ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),  # 512x512@2x
    (b"ic11", 32),  # 16x16@2x
    (b"ic12", 64),  # 32x32@2x
    (b"ic13", 256),  # 128x128@2x
    (b"ic14", 512),  # 256x256@2x
)
"""ICNS element types that hold PNG data, with their pixel size."""

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def ico_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """An ICO file holding one PNG image per size (ICONDIR, ICONDIRENTRYs, then the images)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        if not 1 <= size <= 256:
            raise ValueError(f"an ICO image is 1 to 256 pixels wide, not {size}")
        data = _png(pngs[size])
        side = size % 256  # 0 means 256
        # width, height, palette size, reserved, colour planes, bits per pixel, size, offset
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """An ICNS file with every PNG element type whose size is in ``pngs``."""
    body = b""
    for kind, size in ICNS_TYPES:
        if size in pngs:
            data = _png(pngs[size])
            body += kind + struct.pack(">I", 8 + len(data)) + data
    if not body:
        raise ValueError("no image of an ICNS size was given")
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def _png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("expected PNG data")
    return data


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn into a transparent square of ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG image Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"Qt could not encode a {size}px PNG")
    return bytes(buffer.data())


def image_sizes(path: Path) -> list[int]:
    """Widths of every image Qt reads from ``path`` (an .ico or .icns holds several)."""
    from PySide6.QtGui import QImageReader

    reader = QImageReader(str(path))
    widths = []
    while True:
        image = reader.read()
        if image.isNull():
            break
        widths.append(image.width())
        if not reader.jumpToNextImage():
            break
    return widths


def write_icon_set(svg: Path, out_dir: Path) -> dict[str, Path]:
    """Render every size, write switchboard-<size>.png, .ico and .icns; check them with Qt."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: render_png(svg, size) for size in sizes}
    written: dict[str, Path] = {}
    for size in PNG_SIZES:
        path = out_dir / f"switchboard-{size}.png"
        path.write_bytes(pngs[size])
        written[f"{size}"] = path
    written["ico"] = out_dir / "switchboard.ico"
    written["ico"].write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    written["icns"] = out_dir / "switchboard.icns"
    written["icns"].write_bytes(icns_bytes(pngs))
    written["svg"] = out_dir / "switchboard.svg"
    written["svg"].write_bytes(svg.read_bytes())
    read_back = sorted(image_sizes(written["ico"]))
    if read_back != sorted(ICO_SIZES):
        raise RuntimeError(f"Qt reads sizes {read_back} from {written['ico']}, not {ICO_SIZES}")
    if not image_sizes(written["icns"]):
        raise RuntimeError(f"Qt reads no image from {written['icns']}")
    return written


def write_window_icons(svg: Path, out_dir: Path) -> list[Path]:
    """Render the window icon's PNGs (``window-<size>.png``) from the SVG.

    The window sets its icon from these rather than the SVG: loading Qt's SVG
    module and icon engine at start-up costs about 1.3 MiB of resident memory
    for the whole session (the idle RSS benchmark). Committed, so a source
    checkout needs no build step; tests check they still match the SVG.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in WINDOW_ICON_SIZES:
        path = out_dir / f"window-{size}.png"
        path.write_bytes(render_png(svg, size))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    window = args[:1] == ["--window"]
    if window:
        args = args[1:]
    if len(args) != 2:
        print("usage: python -m installer.icons [--window] SVG OUT_DIR", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    if window:
        written = write_window_icons(Path(args[0]), Path(args[1]))
    else:
        written = write_icon_set(Path(args[0]), Path(args[1]))
    print(f"icons: {len(written)} files in {args[1]}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
