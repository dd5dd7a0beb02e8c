"""What goes into the frozen app: the rules switchboard.spec applies to PyInstaller's analysis.

PyInstaller's Qt hooks collect every plugin of a category (all platforms, all
image formats, QML tooling...) and every shared library the build machine can
resolve. These pure functions trim that to what Switchboard loads, and keep
the Linux desktop stack (X11, Wayland, GL, fontconfig, glib, libstdc++) out of
the bundle so the .deb's Depends supply it: a bundled fontconfig or libstdc++
from the build machine is the classic way a PyInstaller app breaks on another
distribution. The spec imports this module; tests import it too.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

# Python modules Switchboard never imports that PyInstaller would otherwise
# follow (optional imports in pyqtgraph and qasync, Qt modules shipped in
# PySide6-Essentials). Each one drags in Qt libraries, plugins or QML files.
EXCLUDED_MODULES: tuple[str, ...] = (
    "tkinter",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "PySide6.QtConcurrent",
    "PySide6.QtDBus",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtLabsStyleKit",
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtPrintSupport",
    "PySide6.QtQml",
    "PySide6.QtQmlFeatures",
    "PySide6.QtQuick",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest",
    "PySide6.QtQuickWidgets",
    "PySide6.QtSql",
    "PySide6.QtSvgWidgets",
    "PySide6.QtTest",
    "PySide6.QtUiTools",
    "PySide6.QtXml",
    # phonenumbers: Switchboard parses, validates, formats and finds numbers
    # (phonenumbers.data, .shortdata stay in); it never geocodes or names a
    # carrier or time zone, whose tables are 43 MB of the package's 48 MB.
    # Excluding the modules (not only their data) makes a future use fail at
    # import instead of at lookup time.
    "phonenumbers.geocoder",
    "phonenumbers.geodata",
    "phonenumbers.carrier",
    "phonenumbers.carrierdata",
    "phonenumbers.timezone",
    "phonenumbers.tzdata",
)

# Plugin categories whose files we choose one by one: only these stems are
# kept ("lib" prefix and extension removed). Categories not listed here are
# kept whole (e.g. Windows "styles", which gives the native look).
QT_PLUGIN_ALLOWLIST: dict[str, frozenset[str]] = {
    # offscreen: --smoke and CI; xcb/wayland: Linux desktops (older Qt 6 releases split
    # wayland into -egl and -generic); windows/cocoa: the others.
    "platforms": frozenset(
        {"qoffscreen", "qxcb", "qwayland", "qwayland-egl", "qwayland-generic", "qwindows", "qcocoa"}
    ),
    "xcbglintegrations": frozenset({"qxcb-glx-integration", "qxcb-egl-integration"}),
    "wayland-shell-integration": frozenset({"xdg-shell"}),
    "wayland-decoration-client": frozenset({"adwaita", "bradient"}),
    "wayland-graphics-integration-client": frozenset({"qt-plugin-wayland-egl"}),
    # svg: pyqtgraph's own icons; ico/icns: the icon set build.py writes. PNG is built into QtGui.
    "imageformats": frozenset({"qsvg", "qico", "qicns"}),
    "iconengines": frozenset({"qsvgicon"}),
    # The GTK3 theme would pull all of GTK into the Depends; the portal theme
    # gives native file dialogs on GNOME and KDE through D-Bus alone.
    "platformthemes": frozenset({"qxdgdesktopportal"}),
    # compose: dead keys and accented characters; ibus: input methods.
    "platforminputcontexts": frozenset(
        {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"}
    ),
}

# Whole categories Switchboard never loads (EGLFS, evdev input, network
# information, TLS back-ends for QtNetwork, QML debugging, SQL, printing...).
QT_PLUGIN_DROPPED: frozenset[str] = frozenset(
    {
        "designer",
        "egldeviceintegrations",
        "generic",
        "networkinformation",
        "printsupport",
        "qmltooling",
        "sqldrivers",
        "tls",
        "vectorimageformats",
        "wayland-graphics-integration-server",
    }
)

# Shared libraries the target system provides, with the Debian package that
# provides each one (Debian 12 names; Ubuntu 24.04's "t64" packages Provide
# the same names). They are dropped from the bundle and become Depends.
# Found with `objdump -p` on the bundled Qt libraries and plugins
# (build.py re-checks every build and stops on a library missing here).
SYSTEM_LIBRARIES: dict[str, str] = {
    # glibc
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libpthread.so.0": "libc6",
    "libdl.so.2": "libc6",
    "librt.so.1": "libc6",
    "libutil.so.1": "libc6",
    "libresolv.so.2": "libc6",
    "ld-linux-x86-64.so.2": "libc6",
    "ld-linux-aarch64.so.1": "libc6",
    "libcrypt.so.1": "libcrypt1",
    # The C++ runtime: Mesa's drivers load the system one, so a bundled older
    # copy breaks GL ("GLIBCXX_3.4.30 not found").
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    # compression, shared by Qt and Python's extension modules
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libbz2.so.1.0": "libbz2-1.0",
    "liblzma.so.5": "liblzma5",
    "libuuid.so.1": "libuuid1",
    # GL (libglvnd)
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    # fonts
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libpng16.so.16": "libpng16-16",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libexpat.so.1": "libexpat1",
    # glib (Qt's event dispatcher) and D-Bus (QtDBus, portals, ibus)
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libpcre2-8.so.0": "libpcre2-8-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libsystemd.so.0": "libsystemd0",
    "libcap.so.2": "libcap2",
    "libgcrypt.so.20": "libgcrypt20",
    "libgpg-error.so.0": "libgpg-error0",
    "liblz4.so.1": "liblz4-1",
    # keyboard
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    # X11 and the xcb platform plugin
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libbsd.so.0": "libbsd0",
    "libmd.so.0": "libmd0",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    # Wayland
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}

_PLUGIN_STEM = re.compile(r"^(?:lib)?(?P<stem>.+?)(?:\.so|\.dll|\.dylib)$")
_MACOS_TAG = re.compile(r"macosx_(\d+)_(\d+)_")


def qt_plugin(dest: str) -> tuple[str, str] | None:
    """(category, stem) of a collected Qt plugin, from its destination path; None if not one."""
    parts = PurePosixPath(_posix(dest)).parts
    if "plugins" not in parts[:-1]:
        return None
    at = len(parts) - 1 - parts[::-1].index("plugins")
    if at + 2 >= len(parts) or parts[0] not in ("PySide6",):
        return None
    match = _PLUGIN_STEM.match(parts[-1])
    return (parts[at + 1], match["stem"]) if match else None


def keep_qt_plugin(dest: str) -> bool:
    """Whether a collected file is wanted, judged only if it is a Qt plugin."""
    plugin = qt_plugin(dest)
    if plugin is None:
        return True
    category, stem = plugin
    if category in QT_PLUGIN_DROPPED:
        return False
    allowed = QT_PLUGIN_ALLOWLIST.get(category)
    return allowed is None or stem in allowed


def is_system_library(dest: str) -> bool:
    """Whether a collected binary is one the .deb's Depends provide instead (Linux only)."""
    return PurePosixPath(_posix(dest)).name in SYSTEM_LIBRARIES


def is_qt_translation(dest: str) -> bool:
    """Qt's own translations: the UI is English only and installs no QTranslator."""
    path = PurePosixPath(_posix(dest))
    return path.suffix == ".qm" and "translations" in path.parts


def keep_binary(dest: str, *, linux: bool) -> bool:
    return keep_qt_plugin(dest) and not (linux and is_system_library(dest))


def keep_data(dest: str) -> bool:
    return keep_qt_plugin(dest) and not is_qt_translation(dest)


Entry = tuple[str, str, str]
"""A PyInstaller TOC entry: (destination name, source path, type code)."""


def prune_orphans(
    kept: list[Entry], dropped: list[Entry], needed_of: Callable[[str], Iterable[str]]
) -> list[Entry]:
    """Remove the libraries collected only because a dropped file needed them.

    Dropping the GTK theme plugin, say, leaves GTK, cairo and pango behind:
    PyInstaller collected them as its dependencies. A kept library goes too
    when something dropped needs it (directly or not) and nothing else that
    is kept does. ``needed_of(source_path)`` gives a file's DT_NEEDED names.
    """
    files = [entry for entry in kept if entry[2] != "SYMLINK"]
    by_name = {_name(dest): dest for dest, _, _ in files}
    sources = {dest: src for dest, src, code in [*kept, *dropped] if code != "SYMLINK"}

    def closure(starts: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(starts)
        while todo:
            dest = todo.pop()
            for name in needed_of(sources[dest]):
                found = by_name.get(name)
                if found is not None and found not in seen:
                    seen.add(found)
                    todo.append(found)
        return seen

    candidates = closure(dest for dest, _, code in dropped if code != "SYMLINK")
    orphans = candidates - closure(dest for dest, _, _ in files if dest not in candidates)
    return [entry for entry in kept if entry[0] not in orphans]


def without_dangling_symlinks(entries: list[Entry], existing: set[str]) -> list[Entry]:
    """Drop PyInstaller's SYMLINK entries (source: the target's destination) left without target."""
    targets = {_posix(dest) for dest in existing}
    return [entry for entry in entries if entry[2] != "SYMLINK" or _posix(entry[1]) in targets]


def _posix(dest: str) -> str:
    return dest.replace("\\", "/")


def _name(dest: str) -> str:
    return PurePosixPath(_posix(dest)).name


def elf_needed(path: str) -> list[str]:
    """DT_NEEDED entries of an ELF file, read with binutils' objdump (PyInstaller needs it too)."""
    result = subprocess.run(
        ["objdump", "-p", path], capture_output=True, text=True, check=False
    )
    return [
        line.split()[1]
        for line in result.stdout.splitlines()
        if line.strip().startswith("NEEDED") and len(line.split()) == 2
    ]


def desktop_modules(package_dir: Path) -> list[str]:
    """Every module of the app's package, from its files (nothing is imported).

    PyInstaller only sees static imports; the CLI finds its subcommands with
    importlib, so the spec names them all.
    """
    root = package_dir.parent
    names = []
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def macos_minimum_version(wheel_tags: Iterable[str], default: str) -> str:
    """LSMinimumSystemVersion from the macOS wheel tag of the bundled Qt ("macosx_14_0_arm64")."""
    versions = [
        (int(match[1]), int(match[2]))
        for tag in wheel_tags
        if (match := _MACOS_TAG.search(tag))
    ]
    if not versions:
        return default
    major, minor = max(versions)
    return f"{major}.{minor}"
