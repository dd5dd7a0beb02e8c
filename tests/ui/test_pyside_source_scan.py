"""PySide6's per-import source scan must not keep module sources in linecache."""

from __future__ import annotations

import importlib
import linecache
import sys
from pathlib import Path

import pytest

import desktop.ui  # noqa: F401  (installs the uncached scan)
from desktop.ui.pyside_source_scan import scan_without_caching

feature = sys.modules.get("shibokensupport.feature")
needs_hook = pytest.mark.skipif(
    feature is None or not hasattr(feature, "_mod_uses_pyside"),
    reason="this PySide6 has no per-import source scan",
)


@needs_hook
def test_importing_a_module_leaves_its_source_out_of_linecache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module_file = tmp_path / "sb_scan_probe_plain.py"
    module_file.write_text("VALUE = 1\n" + "# padding\n" * 200)
    monkeypatch.syspath_prepend(str(tmp_path))
    # An import statement: PySide6 hooks builtins.__import__, which importlib bypasses.
    exec("import sb_scan_probe_plain", {})
    assert str(module_file) not in linecache.cache
    assert feature.pyside_feature_dict["sb_scan_probe_plain"] == -1


@needs_hook
def test_scan_still_tells_pyside_users_from_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sb_scan_probe_qt.py").write_text("from PySide6 import QtCore\n")
    (tmp_path / "sb_scan_probe_other.py").write_text("import json\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    uses = feature._mod_uses_pyside
    assert uses(importlib.import_module("sb_scan_probe_qt")) is True
    assert uses(importlib.import_module("sb_scan_probe_other")) is False
    assert uses(sys) is False  # built-in: no source at all


@needs_hook
def test_swapping_twice_keeps_one_wrapper() -> None:
    before = feature._mod_uses_pyside
    assert scan_without_caching() is True
    assert feature._mod_uses_pyside is before
