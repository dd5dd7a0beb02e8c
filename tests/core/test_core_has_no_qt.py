"""desktop/core must never import Qt, directly or through a dependency."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "desktop" / "core"
BLOCKED = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph", "qasync")


def core_modules() -> list[str]:
    modules = []
    for path in sorted(CORE.rglob("*.py")):
        relative = path.relative_to(CORE.parent.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules.append(".".join(parts))
    return modules


def test_there_are_core_modules_to_check() -> None:
    assert "desktop.core.exchange" in core_modules()
    assert len(core_modules()) > 10


def test_every_core_module_imports_with_qt_blocked() -> None:
    script = textwrap.dedent(
        f"""
        import importlib, importlib.abc, sys
        BLOCKED = {BLOCKED!r}

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"desktop.core pulled in {{name}}")
                return None

        sys.meta_path.insert(0, Block())
        failures = []
        for module in {core_modules()!r}:
            try:
                importlib.import_module(module)
            except ImportError as exc:
                failures.append(f"{{module}}: {{exc}}")
        leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
        print("\\n".join(failures))
        sys.exit(1 if failures or leaked else 0)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=CORE.parent.parent, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_blocker_really_blocks() -> None:
    """Guard against a blocker that never fires: importing Qt under it must fail."""
    script = textwrap.dedent(
        f"""
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {BLOCKED!r}:
                    raise ImportError(name)
                return None
        sys.meta_path.insert(0, Block())
        import PySide6.QtCore
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
