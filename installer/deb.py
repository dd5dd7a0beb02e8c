"""The Debian package: file layout, DEBIAN/control, maintainer scripts, dpkg-deb.

Layout: the PyInstaller folder in /opt/switchboard, /usr/bin/switchboard a
symlink to its executable (PyInstaller finds its files through the real path),
the freedesktop entry and the hicolor icons under /usr/share. Depends is not
written by hand: every ELF file in the bundle is read with ``objdump -p``, and
each library it needs that the bundle does not carry is looked up in
installer/freeze.py's SYSTEM_LIBRARIES; an unknown one stops the build.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from installer.freeze import SYSTEM_LIBRARIES

PACKAGE = "switchboard"
INSTALL_DIR = "opt/switchboard"
DEFAULT_MAINTAINER = "Switchboard developers <switchboard@example.invalid>"
"""Used when the package metadata names no author e-mail; override with --maintainer."""

COMPRESSIONS = ("xz", "gzip")
"""Both are read by every dpkg; zstd is not (Debian 11 and older cannot install it)."""

_ARCHITECTURES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
_GLIBC_VERSION = re.compile(r"\bGLIBC_(\d+(?:\.\d+)+)\b")
_PRE_RELEASE = re.compile(r"(?<=\d)\.?(a|b|rc|dev)(\d*)")

POSTINST = """\
#!/bin/sh
# Refresh the menus and the icon cache. Debian's triggers usually do this
# already; calling the tools when they exist covers systems without them.
set -e
if [ "$1" = "configure" ]; then
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q /usr/share/applications || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
    fi
fi
exit 0
"""

POSTRM = """\
#!/bin/sh
# dpkg removes the packaged files; this removes whatever was created beside
# them under /opt/switchboard (e.g. Python bytecode caches), so uninstalling
# leaves nothing there. User settings in ~/.config/switchboard stay.
set -e
case "$1" in
    remove|purge)
        rm -rf /opt/switchboard
        if command -v update-desktop-database >/dev/null 2>&1; then
            update-desktop-database -q /usr/share/applications || true
        fi
        if command -v gtk-update-icon-cache >/dev/null 2>&1; then
            gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
        fi
        ;;
esac
exit 0
"""


class UnknownLibraryError(RuntimeError):
    """The bundle needs a system library whose Debian package we do not know."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(names)
        super().__init__(
            "the bundle needs libraries that are neither bundled nor listed in "
            f"installer/freeze.py SYSTEM_LIBRARIES: {', '.join(self.names)} "
            "(add each with its Debian package; `dpkg -S NAME` tells which)"
        )


@dataclass
class ElfScan:
    """What the bundle's ELF files need from the system."""

    needed: set[str] = field(default_factory=set)
    glibc_versions: set[str] = field(default_factory=set)
    bundled: set[str] = field(default_factory=set)


def debian_version(version: str) -> str:
    """A PEP 440 version as Debian orders it: pre-releases sort before the release ("~")."""
    public, plus, local = version.partition("+")
    return _PRE_RELEASE.sub(lambda match: f"~{match[1]}{match[2]}", public) + plus + local


def debian_architecture(machine: str) -> str:
    try:
        return _ARCHITECTURES[machine.lower()]
    except KeyError:
        raise ValueError(f"no Debian architecture known for machine {machine!r}") from None


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def resolve_depends(scan: ElfScan) -> list[str]:
    """The Depends list: one package per needed system library, libc6 versioned by GLIBC_x.y."""
    missing = scan.needed - scan.bundled
    unknown = {name for name in missing if name not in SYSTEM_LIBRARIES}
    if unknown:
        raise UnknownLibraryError(unknown)
    packages = {SYSTEM_LIBRARIES[name] for name in missing} | {"libc6"}
    depends = []
    for package in sorted(packages):
        if package == "libc6" and scan.glibc_versions:
            newest = max(scan.glibc_versions, key=version_key)
            package = f"libc6 (>= {newest})"
        depends.append(package)
    return depends


def control_fields(
    *,
    version: str,
    architecture: str,
    depends: Iterable[str],
    installed_size_kib: int,
    maintainer: str,
    summary: str,
    description: str,
) -> dict[str, str]:
    return {
        "Package": PACKAGE,
        "Version": debian_version(version),
        "Architecture": architecture,
        "Maintainer": maintainer,
        "Installed-Size": str(installed_size_kib),
        "Depends": ", ".join(depends),
        "Section": "devel",
        "Priority": "optional",
        "Description": f"{summary}\n{description}",
    }


def control_text(fields: Mapping[str, str]) -> str:
    """deb-control(5) syntax: continuation lines start with a space, an empty one is " ."."""
    lines = []
    for key, value in fields.items():
        first, *rest = value.strip().splitlines() or [""]
        lines.append(f"{key}: {first.strip()}")
        lines.extend(f" {line.rstrip()}" if line.strip() else " ." for line in rest)
    return "\n".join(lines) + "\n"


def elf_scan(root: Path) -> ElfScan:
    """Read DT_NEEDED and GLIBC version references of every ELF file under ``root``."""
    scan = ElfScan()
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or path.is_file():
            scan.bundled.add(path.name)
        if path.is_symlink() or not path.is_file() or not _is_elf(path):
            continue
        output = subprocess.run(
            ["objdump", "-p", str(path)], capture_output=True, text=True, check=True
        ).stdout
        needed, versions = parse_objdump(output)
        scan.needed |= needed
        scan.glibc_versions |= versions
    return scan


def parse_objdump(output: str) -> tuple[set[str], set[str]]:
    """(NEEDED names, GLIBC versions required) from `objdump -p` output."""
    needed = set()
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "NEEDED":
            needed.add(parts[1])
    versions = set()
    if "Version References:" in output:
        references = output.split("Version References:", 1)[1]
        versions = set(_GLIBC_VERSION.findall(references))
    return needed, versions


def _is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def strip_debug_info(root: Path) -> int:
    """Remove debug sections from ELF files that carry them; returns the bytes saved.

    A Python built from source (pyenv) ships libpython and its extension
    modules with DWARF data: 35 MB nobody runs. Files without a .debug_info
    section (Qt's, numpy's: stripped already) are not touched.
    """
    saved = 0
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or not _is_elf(path):
            continue
        sections = subprocess.run(
            ["objdump", "-h", str(path)], capture_output=True, text=True, check=False
        ).stdout
        if ".debug_info" not in sections:
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-debug", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def stage(
    stage_dir: Path, *, app_dir: Path, icon_dir: Path, desktop_file: Path, png_sizes: Iterable[int]
) -> None:
    """Lay out the package's files (everything but DEBIAN/) under ``stage_dir``."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    opt = stage_dir / INSTALL_DIR
    shutil.copytree(app_dir, opt, symlinks=True)
    usr_bin = stage_dir / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    (usr_bin / PACKAGE).symlink_to(f"/{INSTALL_DIR}/{PACKAGE}")
    applications = stage_dir / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copyfile(desktop_file, applications / f"{PACKAGE}.desktop")
    hicolor = stage_dir / "usr" / "share" / "icons" / "hicolor"
    for size in png_sizes:
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copyfile(icon_dir / f"switchboard-{size}.png", target / f"{PACKAGE}.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(icon_dir / "switchboard.svg", hicolor / "scalable" / "apps" / f"{PACKAGE}.svg")
    for path in stage_dir.rglob("*"):  # dpkg installs the modes it is given
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)


def installed_size_kib(stage_dir: Path) -> int:
    """Installed-Size as dpkg-gencontrol counts it: KiB per file rounded up, 1 per symlink."""
    total = 0
    for path in stage_dir.rglob("*"):
        if "DEBIAN" in path.relative_to(stage_dir).parts:
            continue
        if path.is_symlink():
            total += 1
        elif path.is_file():
            total += math.ceil(path.stat().st_size / 1024)
    return total


def md5sums(stage_dir: Path) -> str:
    lines = []
    for path in sorted(stage_dir.rglob("*")):
        relative = path.relative_to(stage_dir)
        if relative.parts[0] == "DEBIAN" or path.is_symlink() or not path.is_file():
            continue
        digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        lines.append(f"{digest}  {relative.as_posix()}")
    return "\n".join(lines) + "\n"


def write_debian_dir(stage_dir: Path, fields: Mapping[str, str]) -> None:
    debian = stage_dir / "DEBIAN"
    debian.mkdir(exist_ok=True)
    (debian / "md5sums").write_text(md5sums(stage_dir))
    (debian / "control").write_text(control_text(fields))
    for name, text in (("postinst", POSTINST), ("postrm", POSTRM)):
        (debian / name).write_text(text)
        (debian / name).chmod(0o755)
    (debian / "md5sums").chmod(0o644)
    (debian / "control").chmod(0o644)


def build(stage_dir: Path, deb_path: Path, compression: str = "xz") -> Path:
    """dpkg-deb with root:root ownership whatever user builds it."""
    if compression not in COMPRESSIONS:
        raise ValueError(f"compression is one of {COMPRESSIONS}, not {compression!r}")
    deb_path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(stage_dir),
         str(deb_path)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return deb_path
