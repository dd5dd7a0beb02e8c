"""One command per native installer: ``python installer/build.py deb|windows|macos``.

Steps: (1) a build environment: by default a venv at installer/out/venv,
created with the Python running this script, into which the checkout is
installed with its ``build`` extra (PyInstaller) — so a fresh clone needs
nothing but Python; ``--current-env`` uses the running interpreter instead
(it must have the package and PyInstaller installed, as the release workflow
does); (2) the icon set from resources/icons/switchboard.svg; (3) PyInstaller
with installer/switchboard.spec, then a check that the modules loaded by name
at run time are in the bundle; (4) the wrapper: a .deb (dpkg-deb), an Inno
Setup installer (iscc) or a .app in a .dmg (hdiutil).

Everything is written under installer/out/ (git-ignored), or ``--out``.
This script itself needs only the standard library.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make `installer` importable
    sys.path.insert(0, str(REPO))

from installer import deb, freeze, icons  # noqa: E402

OUT = REPO / "installer" / "out"
SPEC = REPO / "installer" / "switchboard.spec"
ISS = REPO / "installer" / "windows" / "switchboard.iss"
INFO_PLIST = REPO / "installer" / "macos" / "Info.plist"
DESKTOP_FILE = REPO / "resources" / "switchboard.desktop"
ICON_SVG = REPO / "resources" / "icons" / "switchboard.svg"
WINDOW_ICON = REPO / "desktop" / "ui" / "assets" / "window-256.png"
REPO_FILES = (SPEC, ISS, INFO_PLIST, DESKTOP_FILE, ICON_SVG, WINDOW_ICON)
"""Files the recipes read; tests check that each exists."""

APP_NAME = "Switchboard"
DESCRIPTION = (
    "Switchboard runs each messaging provider's troubleshooting checklist in its\n"
    "documented order (token, identity, number ownership, send, webhook delivery),\n"
    "explains every failure in plain words and exports a redacted diagnostic\n"
    "bundle for support tickets. A built-in sandbox API works with no account."
)

# Loaded by name at run time (importlib, entry points, lexer names), so
# PyInstaller cannot see them: the build fails if one is missing from the bundle.
REQUIRED_MODULES: tuple[str, ...] = (
    "desktop.cli",
    "keyring.backends.chainer",
    "keyring.backends.fail",
    "pygments.lexers.data",
    "phonenumbers.data",
    "phonenumbers.shortdata",
    "pyqtgraph",
    "qasync",
    "aiohttp",
    "httpx",
    "jmespath",
    "http_sfv",
    "numpy",
)
PLATFORM_MODULES = {
    "deb": ("keyring.backends.SecretService",),
    "windows": ("keyring.backends.Windows",),
    "macos": ("keyring.backends.macOS",),
}

_FIRST_PAINT = re.compile(r"^first paint: (\d+(?:\.\d+)?) s$", re.MULTILINE)
_SANDBOX = re.compile(r"^sandbox: (http://127\.0\.0\.1:\d+)", re.MULTILINE)


# -- pure helpers (unit-tested) ---------------------------------------------------------


def package_version(python: str | None = None) -> str:
    """The version in the package metadata (pyproject.toml is its source).

    With ``python``, asks that interpreter: the build environment's metadata is
    what PyInstaller freezes into the app.
    """
    if python is None:
        from importlib.metadata import version

        return version("switchboard")
    return package_metadata(python)["version"]


def package_metadata(python: str) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json; d = m.metadata('switchboard'); "
        "print(json.dumps({'version': d['Version'], 'summary': d['Summary'] or '', "
        "'author_email': d['Author-email'] or ''}))"
    )
    output = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def maintainer_from(author_email: str) -> str:
    """Debian's "Name <address>" from Author-email metadata; a placeholder when there is none."""
    first = author_email.split(",")[0].strip()
    return first if "<" in first and "@" in first else deb.DEFAULT_MAINTAINER


def parse_smoke_output(text: str) -> tuple[float, str]:
    """(seconds to first paint, sandbox URL) from ``switchboard --smoke``; ValueError if absent."""
    paint, sandbox = _FIRST_PAINT.search(text), _SANDBOX.search(text)
    if paint is None or sandbox is None:
        raise ValueError(f"--smoke printed no first-paint time or sandbox URL:\n{text}")
    return float(paint[1]), sandbox[1]


def pyz_modules(toc_text: str) -> set[str]:
    """Module names in PyInstaller's PYZ-00.toc (a Python literal: (archive path, entries))."""
    _, entries = ast.literal_eval(toc_text)
    return {name for name, _, _ in entries}


def missing_modules(found: set[str], required: Iterable[str]) -> list[str]:
    return sorted(name for name in required if name not in found)


def inno_command(
    iscc: str, *, version: str, dist_dir: Path, icon: Path, out_dir: Path
) -> list[str]:
    return [
        iscc,
        f"/DAppVersion={version}",
        f"/DDistDir={dist_dir}",
        f"/DIconFile={icon}",
        f"/DOutputDir={out_dir}",
        str(ISS),
    ]


def dmg_command(source_dir: Path, dmg: Path) -> list[str]:
    return [
        "hdiutil", "create", "-volname", APP_NAME, "-srcfolder", str(source_dir),
        "-fs", "HFS+", "-format", "UDZO", "-ov", str(dmg),
    ]


def human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


# -- steps ------------------------------------------------------------------------------


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("+ " + " ".join(command), flush=True)
    started = time.monotonic()
    result = subprocess.run(command, check=True, text=True, **kwargs)  # type: ignore[call-overload]
    print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
    return result


def build_python(out: Path, current_env: bool) -> str:
    """The interpreter that renders the icons and runs PyInstaller."""
    if current_env:
        return sys.executable
    venv = out / "venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        run([sys.executable, "-m", "venv", str(venv)])
    # Editable, like the development venv: setuptools then writes only the
    # (git-ignored) egg-info into the checkout, no build/ folder.
    run([str(python), "-m", "pip", "install", "--quiet", "-e", f"{REPO}[build]"])
    return str(python)


def freeze_app(python: str, out: Path, target: str) -> tuple[Path, Path]:
    """Icons, then PyInstaller; returns (icon dir, PyInstaller's dist dir)."""
    icon_dir, dist, work = out / "icons", out / "dist", out / "work"
    run([python, "-m", "installer.icons", str(ICON_SVG), str(icon_dir)], cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")})
    run(
        [python, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        cwd=REPO, env={**os.environ, "SWITCHBOARD_ICON_DIR": str(icon_dir)},
    )
    found = pyz_modules((work / "switchboard" / "PYZ-00.toc").read_text())
    required = [*REQUIRED_MODULES, *PLATFORM_MODULES[target],
                *freeze.desktop_modules(REPO / "desktop")]
    missing = missing_modules(found, required)
    if missing:
        raise SystemExit(f"build: modules missing from the bundle: {', '.join(missing)}")
    return icon_dir, dist


def smoke(executable: Path) -> tuple[float, str]:
    """Start the frozen app offscreen with --smoke in a throw-away home folder."""
    with tempfile.TemporaryDirectory(prefix="switchboard-smoke-") as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SWITCHBOARD_HOME": home}
        result = subprocess.run([str(executable), "--smoke"], capture_output=True, text=True,
                                env=env, timeout=180, check=False)
    if result.returncode != 0:
        raise SystemExit(f"build: {executable} --smoke exited {result.returncode}:\n"
                         f"{result.stdout}{result.stderr}")
    return parse_smoke_output(result.stdout)


def build_deb(python: str, out: Path, maintainer: str | None, compression: str) -> None:
    icon_dir, dist = freeze_app(python, out, "deb")
    metadata = package_metadata(python)
    stage_dir = out / "deb-root"
    deb.stage(stage_dir, app_dir=dist / "switchboard", icon_dir=icon_dir,
              desktop_file=DESKTOP_FILE, png_sizes=icons.PNG_SIZES)
    saved = deb.strip_debug_info(stage_dir / deb.INSTALL_DIR)
    print(f"deb: stripped {human_size(saved)} of debug info")
    depends = deb.resolve_depends(deb.elf_scan(stage_dir / deb.INSTALL_DIR))
    # Before packing: a bundle that cannot start is not worth compressing.
    paint, _ = smoke(stage_dir / deb.INSTALL_DIR / "switchboard")
    architecture = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                                  text=True, check=False).stdout.strip()
    fields = deb.control_fields(
        version=metadata["version"],
        architecture=architecture or deb.debian_architecture(platform.machine()),
        depends=depends,
        installed_size_kib=deb.installed_size_kib(stage_dir),
        maintainer=maintainer or maintainer_from(metadata["author_email"]),
        summary=metadata["summary"],
        description=DESCRIPTION,
    )
    deb.write_debian_dir(stage_dir, fields)
    package = out / f"{deb.PACKAGE}_{fields['Version']}_{fields['Architecture']}.deb"
    deb.build(stage_dir, package, compression=compression)
    installed = subprocess.run(["du", "-sh", "--exclude=DEBIAN", str(stage_dir)],
                               capture_output=True, text=True, check=True).stdout.split()[0]
    print(f"deb: {package}")
    print(f"deb: package size {human_size(package.stat().st_size)} ({compression}), "
          f"installed size {installed}")
    print(f"deb: Depends: {fields['Depends']}")
    print(f"deb: installed app's first paint (offscreen, --smoke): {paint:.3f} s")


def find_iscc() -> str | None:
    found = shutil.which("iscc")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        candidate = Path(base or "") / "Inno Setup 6" / "ISCC.exe"
        if base and candidate.exists():
            return str(candidate)
    return None


def build_windows(python: str, out: Path) -> None:
    icon_dir, dist = freeze_app(python, out, "windows")
    version = package_version(python)
    iscc = find_iscc()
    command = inno_command(iscc or "iscc", version=version, dist_dir=dist / "switchboard",
                           icon=icon_dir / "switchboard.ico", out_dir=out)
    if iscc is None:
        print("windows: Inno Setup's iscc was not found; install it, then run:")
        print("  " + subprocess.list2cmdline(command))
        return
    run(command)
    print(f"windows: {out / f'{APP_NAME}-{version}-setup.exe'}")


def build_macos(python: str, out: Path) -> None:
    _, dist = freeze_app(python, out, "macos")
    version = package_version(python)
    app = dist / f"{APP_NAME}.app"
    root = out / "dmg-root"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copytree(app, root / app.name, symlinks=True)
    (root / "Applications").symlink_to("/Applications")  # drag-to-install target
    dmg = out / f"{APP_NAME}-{version}.dmg"
    run(dmg_command(root, dmg))
    print(f"macos: {dmg} ({human_size(dmg.stat().st_size)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=("deb", "windows", "macos"))
    parser.add_argument("--current-env", action="store_true",
                        help="build with this Python's environment instead of installer/out/venv")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="output folder (default: %(default)s)")
    parser.add_argument("--maintainer", help='deb Maintainer, "Name <address>"')
    parser.add_argument(
        "--compression", choices=deb.COMPRESSIONS, default="xz",
        help="deb compression: xz (smallest, the release default) or gzip (4x faster, "
        "35%% larger: what CI's smoke test uses)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    python = build_python(out, args.current_env)
    if args.target == "deb":
        build_deb(python, out, args.maintainer, args.compression)
    elif args.target == "windows":
        build_windows(python, out)
    else:
        build_macos(python, out)
    print(f"build: {args.target} done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
