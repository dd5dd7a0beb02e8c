"""The installer recipes, checked without running PyInstaller (.ci/deb-smoke does that).

Covers the files the recipes name, the desktop entry, the icon writers (read
back with Qt's own readers), the .deb's control file, Depends resolution and
layout, and the rules that trim the frozen bundle.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import os
import plistlib
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import APP_ID
from installer import build, deb, freeze, icons

ROOT = Path(__file__).resolve().parents[1]
DESKTOP_FILE = ROOT / "resources" / "switchboard.desktop"


# -- files the recipes name --------------------------------------------------------------


def test_every_file_build_py_reads_exists() -> None:
    missing = [str(path) for path in build.REPO_FILES if not path.is_file()]
    assert missing == []


def test_every_repository_path_in_the_spec_exists() -> None:
    spec = (ROOT / "installer" / "switchboard.spec").read_text()
    paths = [
        Path(*re.findall(r'"([^"]+)"', chain))
        for chain in re.findall(r'REPO((?:\s*/\s*"[^"]+")+)', spec)
    ]
    sources = [path for path in paths if path.parts[:2] != ("installer", "out")]  # not generated
    assert len(sources) >= 5
    assert [str(path) for path in sources if not (ROOT / path).exists()] == []


def test_window_icon_pngs_are_the_svg_rendered(qapp: object) -> None:
    """The committed window PNGs still show resources/icons/switchboard.svg at every size."""
    from PySide6.QtGui import QImage

    from desktop.ui.assets import window_icon_paths
    from installer.icons import WINDOW_ICON_SIZES, render_png

    source = ROOT / "resources" / "icons" / "switchboard.svg"
    paths = window_icon_paths()
    assert [path.name for path in paths] == [f"window-{size}.png" for size in WINDOW_ICON_SIZES]
    for size, path in zip(WINDOW_ICON_SIZES, paths, strict=True):
        committed = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
        fresh = QImage.fromData(render_png(source, size)).convertToFormat(
            QImage.Format.Format_ARGB32)
        assert (committed.width(), committed.height()) == (size, size), path.name
        differing = sum(
            1 for y in range(size) for x in range(size)
            if _channel_gap(committed.pixel(x, y), fresh.pixel(x, y)) > 16
        )
        assert differing <= size * size // 100, (
            f"{path.name} no longer matches the SVG: run "
            "python -m installer.icons --window resources/icons/switchboard.svg desktop/ui/assets")


def _channel_gap(a: int, b: int) -> int:
    return max(abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)) for shift in (0, 8, 16, 24))


def test_deb_smoke_script_is_executable_bash() -> None:
    script = ROOT / ".ci" / "deb-smoke"
    assert os.access(script, os.X_OK)
    assert script.read_text().startswith("#!/usr/bin/env bash")
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0


# -- desktop entry -----------------------------------------------------------------------


def test_desktop_entry_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        if os.environ.get("CI") == "true":
            pytest.fail("desktop-file-validate is missing on CI (apt package desktop-file-utils)")
        pytest.skip("desktop-file-validate is not installed")
    result = subprocess.run([tool, str(DESKTOP_FILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error:" not in result.stdout
    assert "warning:" not in result.stdout


def test_desktop_entry_starts_the_command_with_the_app_icon_and_window_class() -> None:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP_FILE, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Exec"] == "switchboard"
    assert entry["Icon"] == "switchboard"
    assert entry["Terminal"] == "false"
    assert entry["StartupWMClass"] == APP_ID  # the app's desktop file name
    assert entry["Categories"].split(";")[:2] == ["Development", "Network"]
    assert entry["Keywords"].endswith(";")


# -- version -----------------------------------------------------------------------------


def test_build_version_is_the_package_metadata_version() -> None:
    assert build.package_version() == importlib.metadata.version("switchboard")


def test_build_version_asked_of_an_interpreter_is_its_metadata_version() -> None:
    assert build.package_version(sys.executable) == importlib.metadata.version("switchboard")


@pytest.mark.parametrize(
    ("pep440", "debian"),
    [
        ("0.1.0", "0.1.0"),
        ("1.2.0rc1", "1.2.0~rc1"),
        ("1.2.0b2", "1.2.0~b2"),
        ("1.2.0.dev3", "1.2.0~dev3"),
        ("1.2.0.post1", "1.2.0.post1"),
        ("1.2.0+local.rc1", "1.2.0+local.rc1"),
    ],
)
def test_debian_version_of_a_pep440_version(pep440: str, debian: str) -> None:
    assert deb.debian_version(pep440) == debian


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs dpkg")
def test_dpkg_orders_a_pre_release_before_its_release() -> None:
    earlier, later = deb.debian_version("1.0.0rc1"), deb.debian_version("1.0.0")
    result = subprocess.run(["dpkg", "--compare-versions", earlier, "lt", later], check=False)
    assert result.returncode == 0


def test_debian_architecture_names() -> None:
    assert deb.debian_architecture("x86_64") == "amd64"
    assert deb.debian_architecture("aarch64") == "arm64"
    with pytest.raises(ValueError, match="sparc"):
        deb.debian_architecture("sparc")


# -- control file and Depends ------------------------------------------------------------


def _control(**overrides: object) -> dict[str, str]:
    arguments: dict[str, object] = {
        "version": "1.2.0rc1",
        "architecture": "amd64",
        "depends": ["libc6 (>= 2.34)", "libegl1"],
        "installed_size_kib": 123456,
        "maintainer": "Switchboard developers <dev@example.invalid>",
        "summary": "Desktop diagnostic console",
        "description": "First line.\n\nAfter a blank line.",
    }
    arguments.update(overrides)
    return deb.control_fields(**arguments)  # type: ignore[arg-type]


def _parse_control(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = ""
    for line in text.splitlines():
        if line.startswith(" "):
            fields[key] += "\n" + line
        else:
            key, _, value = line.partition(": ")
            fields[key] = value
    return fields


def test_control_file_has_the_fields_dpkg_requires() -> None:
    parsed = _parse_control(deb.control_text(_control()))
    assert parsed["Package"] == "switchboard"
    assert parsed["Version"] == "1.2.0~rc1"
    assert parsed["Architecture"] == "amd64"
    assert parsed["Maintainer"] == "Switchboard developers <dev@example.invalid>"
    assert parsed["Installed-Size"] == "123456"
    assert parsed["Depends"] == "libc6 (>= 2.34), libegl1"
    assert parsed["Description"].splitlines()[0] == "Desktop diagnostic console"


def test_control_description_continues_with_a_space_and_marks_blank_lines_with_a_dot() -> None:
    text = deb.control_text(_control())
    assert text.endswith("\n")
    assert "\n\n" not in text
    assert text.splitlines()[-3:] == [" First line.", " .", " After a blank line."]


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")
def test_dpkg_deb_reads_the_generated_control_file(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text(deb.control_text(_control()))
    package = deb.build(root, tmp_path / "t.deb", compression="gzip")
    shown = subprocess.run(
        ["dpkg-deb", "--field", str(package), "Version", "Depends"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "Version: 1.2.0~rc1" in shown
    assert "Depends: libc6 (>= 2.34), libegl1" in shown


def test_depends_name_the_package_of_each_needed_system_library() -> None:
    scan = deb.ElfScan(
        needed={"libc.so.6", "libxcb-cursor.so.0", "libQt6Gui.so.6", "libxkbcommon-x11.so.0"},
        glibc_versions={"2.17", "2.34", "2.4"},
        bundled={"libQt6Gui.so.6"},
    )
    assert deb.resolve_depends(scan) == [
        "libc6 (>= 2.34)",
        "libxcb-cursor0",
        "libxkbcommon-x11-0",
    ]


def test_depends_refuse_a_library_with_no_known_package() -> None:
    scan = deb.ElfScan(needed={"libc.so.6", "libmystery.so.3"})
    with pytest.raises(deb.UnknownLibraryError, match=r"libmystery\.so\.3") as raised:
        deb.resolve_depends(scan)
    assert raised.value.names == ["libmystery.so.3"]


def test_objdump_output_gives_needed_libraries_and_glibc_versions() -> None:
    output = """
Dynamic Section:
  NEEDED               libxcb-cursor.so.0
  NEEDED               libc.so.6
  SONAME               libqxcb.so

Version References:
  required from libc.so.6:
    0x06969194 0x00 05 GLIBC_2.14
    0x069691b4 0x00 03 GLIBC_2.34
  required from libstdc++.so.6:
    0x0297f871 0x00 04 GLIBCXX_3.4.21
"""
    needed, versions = deb.parse_objdump(output)
    assert needed == {"libxcb-cursor.so.0", "libc.so.6"}
    assert versions == {"2.14", "2.34"}


def test_the_libraries_the_brief_names_are_depends() -> None:
    packages = set(freeze.SYSTEM_LIBRARIES.values())
    assert {
        "libc6", "libegl1", "libgl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1",
        "libfreetype6", "libdbus-1-3", "libxcb-cursor0",
    } <= packages


def test_maintainer_comes_from_author_email_or_is_a_placeholder() -> None:
    assert build.maintainer_from("Ann <ann@example.org>") == "Ann <ann@example.org>"
    assert build.maintainer_from("") == deb.DEFAULT_MAINTAINER


def test_maintainer_scripts_are_valid_sh_and_postrm_clears_opt_only_on_removal() -> None:
    for script in (deb.POSTINST, deb.POSTRM):
        assert script.startswith("#!/bin/sh\n")
        assert subprocess.run(["sh", "-n"], input=script, text=True, check=False).returncode == 0
    assert "rm -rf /opt/switchboard" in deb.POSTRM.split("remove|purge)", 1)[1]
    assert "command -v gtk-update-icon-cache" in deb.POSTINST
    assert "command -v update-desktop-database" in deb.POSTINST


# -- the .deb's layout -------------------------------------------------------------------


def _fake_app(tmp_path: Path) -> tuple[Path, Path]:
    app = tmp_path / "dist" / "switchboard"
    (app / "_internal").mkdir(parents=True)
    (app / "switchboard").write_bytes(b"#!/bin/sh\n")
    (app / "switchboard").chmod(0o700)
    (app / "_internal" / "data.txt").write_text("x" * 3000)
    icon_dir = tmp_path / "icons"
    icon_dir.mkdir()
    for size in icons.PNG_SIZES:
        (icon_dir / f"switchboard-{size}.png").write_bytes(b"png")
    (icon_dir / "switchboard.svg").write_text("<svg/>")
    return app, icon_dir


def test_staged_tree_installs_where_the_desktop_expects(tmp_path: Path) -> None:
    app, icon_dir = _fake_app(tmp_path)
    root = tmp_path / "root"
    deb.stage(root, app_dir=app, icon_dir=icon_dir, desktop_file=DESKTOP_FILE,
              png_sizes=icons.PNG_SIZES)
    assert os.access(root / "opt/switchboard/switchboard", os.X_OK)
    assert os.readlink(root / "usr/bin/switchboard") == "/opt/switchboard/switchboard"
    assert (root / "usr/share/applications/switchboard.desktop").read_bytes() == (
        DESKTOP_FILE.read_bytes()
    )
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (root / f"usr/share/icons/hicolor/{size}x{size}/apps/switchboard.png").is_file()
    assert (root / "usr/share/icons/hicolor/scalable/apps/switchboard.svg").is_file()
    assert (root / "opt/switchboard/_internal/data.txt").stat().st_mode & 0o777 == 0o644


def test_installed_size_counts_kib_per_file_rounded_up(tmp_path: Path) -> None:
    app, icon_dir = _fake_app(tmp_path)
    root = tmp_path / "root"
    deb.stage(root, app_dir=app, icon_dir=icon_dir, desktop_file=DESKTOP_FILE, png_sizes=(16,))
    desktop_kib = -(-DESKTOP_FILE.stat().st_size // 1024)
    # switchboard (1) + data.txt (3) + the /usr/bin symlink (1) + png (1) + svg (1) + desktop entry
    assert deb.installed_size_kib(root) == 7 + desktop_kib


def test_md5sums_list_every_regular_file_outside_debian(tmp_path: Path) -> None:
    app, icon_dir = _fake_app(tmp_path)
    root = tmp_path / "root"
    deb.stage(root, app_dir=app, icon_dir=icon_dir, desktop_file=DESKTOP_FILE, png_sizes=(16,))
    deb.write_debian_dir(root, _control())
    listed = [line.split("  ", 1)[1] for line in (root / "DEBIAN/md5sums").read_text().splitlines()]
    assert "opt/switchboard/_internal/data.txt" in listed
    assert "usr/bin/switchboard" not in listed  # a symlink
    assert not any(name.startswith("DEBIAN") for name in listed)
    assert os.access(root / "DEBIAN/postrm", os.X_OK)


# -- what the spec keeps in the bundle ---------------------------------------------------


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/imageformats/libqico.so",
        "PySide6/Qt/plugins/imageformats/libqicns.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/Qt/lib/libQt6Gui.so.6",
    ],
)
def test_plugins_the_app_loads_are_kept(dest: str) -> None:
    assert freeze.keep_binary(dest, linux=True)


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/plugins/qmltooling/libqmldbg_tcp.so",
        "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6/Qt/plugins/wayland-graphics-integration-server/libqt-wayland-compositor-wayland-egl.so",
    ],
)
def test_plugins_the_app_never_loads_are_dropped(dest: str) -> None:
    assert not freeze.keep_binary(dest, linux=True)


def test_system_libraries_leave_the_bundle_on_linux_only() -> None:
    assert not freeze.keep_binary("libxcb-cursor.so.0", linux=True)
    assert not freeze.keep_binary("libstdc++.so.6", linux=True)
    assert freeze.keep_binary("libstdc++.so.6", linux=False)
    assert freeze.keep_binary("libssl.so.3", linux=True)  # Python's own: stays bundled


def test_qt_translations_are_dropped_and_other_data_kept() -> None:
    assert not freeze.keep_data("PySide6/Qt/translations/qtbase_de.qm")
    assert freeze.keep_data("desktop/providers/sandbox.toml")


def test_libraries_only_a_dropped_plugin_needed_are_pruned() -> None:
    kept = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("libgtk-3.so.0", "/src/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
    ]
    dropped = [("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY")]
    needed = {
        "/src/libqxcb.so": ["libQt6Gui.so.6"],
        "/src/libQt6Gui.so.6": [],
        "/src/libgtk-3.so.0": ["libcairo.so.2"],
        "/src/libcairo.so.2": [],
        "/src/libqgtk3.so": ["libgtk-3.so.0", "libQt6Gui.so.6"],
    }
    pruned = freeze.prune_orphans(kept, dropped, lambda source: needed[source])
    assert [dest for dest, _, _ in pruned] == [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "libQt6Gui.so.6",
    ]


def test_symlinks_to_removed_files_are_dropped() -> None:
    entries = [
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("desktop/providers/sandbox.toml", "/src/sandbox.toml", "DATA"),
    ]
    kept = freeze.without_dangling_symlinks(
        entries, {"PySide6/Qt/lib/libQt6Gui.so.6", "desktop/providers/sandbox.toml"}
    )
    assert [dest for dest, _, _ in kept] == ["libQt6Gui.so.6", "desktop/providers/sandbox.toml"]


def test_every_subcommand_module_is_named_for_pyinstaller() -> None:
    modules = freeze.desktop_modules(ROOT / "desktop")
    commands = sorted((ROOT / "desktop" / "commands").glob("*.py"))
    assert "desktop.cli" in modules
    assert "desktop" in modules
    for path in commands:
        name = "desktop.commands" if path.stem == "__init__" else f"desktop.commands.{path.stem}"
        assert name in modules


def test_unused_phonenumbers_tables_are_excluded_but_its_metadata_is_required() -> None:
    assert "phonenumbers.geodata" in freeze.EXCLUDED_MODULES
    assert "phonenumbers.data" not in freeze.EXCLUDED_MODULES
    assert "phonenumbers.data" in build.REQUIRED_MODULES
    assert "pygments.lexers.data" in build.REQUIRED_MODULES  # the JSON lexer


def test_pyz_toc_lists_module_names_and_missing_ones_are_reported() -> None:
    toc = repr(("/out/PYZ-00.pyz", [("desktop.cli", "/src/cli.py", "PYMODULE"),
                                    ("qasync", "/src/qasync.py", "PYMODULE")]))
    found = build.pyz_modules(toc)
    assert found == {"desktop.cli", "qasync"}
    assert build.missing_modules(found, ["qasync", "pyqtgraph", "desktop.cli"]) == ["pyqtgraph"]


def test_smoke_output_gives_first_paint_seconds_and_sandbox_url() -> None:
    text = "first paint: 1.234 s\nsandbox: http://127.0.0.1:40123\n"
    assert build.parse_smoke_output(text) == (1.234, "http://127.0.0.1:40123")
    with pytest.raises(ValueError, match="first-paint"):
        build.parse_smoke_output("sandbox: not started: port in use\n")


# -- Windows and macOS recipes -----------------------------------------------------------


def test_inno_script_installs_per_user_with_menu_entry_and_uninstaller_icon() -> None:
    iss = (ROOT / "installer" / "windows" / "switchboard.iss").read_text()
    assert re.search(r"^PrivilegesRequired=lowest$", iss, re.MULTILINE)
    assert re.search(r"^DefaultDirName=\{autopf\}\\", iss, re.MULTILINE)
    assert re.search(r"^AppVersion=\{#AppVersion\}$", iss, re.MULTILINE)
    assert re.search(r"^SetupIconFile=\{#IconFile\}$", iss, re.MULTILINE)
    assert re.search(r"^UninstallDisplayIcon=", iss, re.MULTILINE)
    assert re.search(r'^Name: "\{autoprograms\}\\', iss, re.MULTILINE)


def test_build_py_passes_every_define_the_inno_script_requires() -> None:
    iss = (ROOT / "installer" / "windows" / "switchboard.iss").read_text()
    required = set(re.findall(r"^#ifndef (\w+)", iss, re.MULTILINE))
    command = build.inno_command(
        "iscc", version="1.0.0", dist_dir=Path("d"), icon=Path("i.ico"), out_dir=Path("o")
    )
    passed = {arg[2:].split("=", 1)[0] for arg in command if arg.startswith("/D")}
    assert required <= passed
    assert "/DAppVersion=1.0.0" in command
    assert command[-1] == str(ROOT / "installer" / "windows" / "switchboard.iss")


def test_info_plist_declares_identifier_retina_and_minimum_macos() -> None:
    with (ROOT / "installer" / "macos" / "Info.plist").open("rb") as handle:
        plist = plistlib.load(handle)
    assert re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", plist["CFBundleIdentifier"])
    assert plist["NSHighResolutionCapable"] is True
    assert re.fullmatch(r"\d+\.\d+", plist["LSMinimumSystemVersion"])


def test_minimum_macos_follows_the_qt_wheel_tag() -> None:
    wheel = ["Wheel-Version: 1.0", "Tag: cp310-abi3-macosx_14_0_arm64"]
    assert freeze.macos_minimum_version(wheel, default="13.0") == "14.0"
    assert freeze.macos_minimum_version(["Tag: cp310-abi3-win_amd64"], default="13.0") == "13.0"


def test_dmg_command_makes_a_compressed_image_of_the_folder() -> None:
    command = build.dmg_command(Path("root"), Path("Switchboard-1.0.dmg"))
    assert command[:2] == ["hdiutil", "create"]
    assert command[command.index("-srcfolder") + 1] == "root"
    assert command[command.index("-format") + 1] == "UDZO"


# -- icon set ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_pngs() -> dict[int, bytes]:
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    svg = ROOT / "resources" / "icons" / "switchboard.svg"
    return {size: icons.render_png(svg, size) for size in (16, 32, 48, 64, 256)}


def test_rendered_png_has_the_requested_size(small_pngs: dict[int, bytes]) -> None:
    for size, data in small_pngs.items():
        width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
        assert (width, height) == (size, size)


def test_ico_holds_every_size_and_qt_reads_them_all(
    small_pngs: dict[int, bytes], tmp_path: Path
) -> None:
    path = tmp_path / "switchboard.ico"
    path.write_bytes(icons.ico_bytes(small_pngs))
    assert sorted(icons.image_sizes(path)) == [16, 32, 48, 64, 256]


def test_ico_refuses_an_image_larger_than_256(small_pngs: dict[int, bytes]) -> None:
    with pytest.raises(ValueError, match="512"):
        icons.ico_bytes({512: small_pngs[16]})


def test_icns_length_field_matches_and_qt_reads_it(
    small_pngs: dict[int, bytes], tmp_path: Path
) -> None:
    data = icons.icns_bytes(small_pngs)
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    path = tmp_path / "switchboard.icns"
    path.write_bytes(data)
    assert 16 in icons.image_sizes(path)
    assert 256 in icons.image_sizes(path)


def test_icon_writers_refuse_data_that_is_not_png() -> None:
    with pytest.raises(ValueError, match="PNG"):
        icons.ico_bytes({16: b"GIF89a"})
