"""Stop PySide6 from keeping the source of every imported module in memory.

PySide6 (``shibokensupport.feature``, PYSIDE-2029) asks of each module
imported after it whether the module "uses PySide" by calling
``inspect.getsource(module)`` and searching it for ``"PySide6"``. That goes
through ``linecache``, which keeps every line of every module's source for
the life of the process: about 5 MiB of strings for Switchboard's imports
(a tenth of a bare PySide6 window's whole footprint, measured by the idle
RSS benchmark), and a slower import of each module.

The replacement asks the same question of the same text, read from the
module's file as bytes and dropped at once. Anything it cannot answer (no
``.py`` file: built-ins, extensions, a frozen app's archive) goes to the
original. If PySide6 ever drops or renames the hook this does nothing.
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from types import ModuleType

_MARK = "_switchboard_uncached"


def scan_without_caching() -> bool:
    """Swap PySide6's source scan for one that caches nothing; True if it was swapped.

    Also drops what the scan cached before the swap (PySide6 scans every
    module already loaded when it is first imported).
    """
    import PySide6.QtCore  # noqa: F401  (loads shibokensupport.feature)

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if getattr(original, _MARK, False):
        return True
    feature._mod_uses_pyside = _uncached(original)
    linecache.clearcache()
    return True


def _uncached(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return original(module)

    setattr(mod_uses_pyside, _MARK, True)
    return mod_uses_pyside
