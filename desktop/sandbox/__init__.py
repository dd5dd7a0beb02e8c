"""The Sandbox: a simulated Red Cloud–shaped messaging API with fault switches.

It is what a first launch talks to when nobody has an account yet, and what
the test-suite uses over real sockets. The window imports it only after its
first paint, and the CLI reads fault names for ``--help``, so this package
imports nothing on its own: each name below loads its module on first use
(``Sandbox`` brings aiohttp; ``FAULTS`` and ``SandboxConfig`` stay light).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig
    from desktop.sandbox.faults import FAULTS, Fault, Faults
    from desktop.sandbox.server import Sandbox

_HOMES = {
    "DEMO_CLIENT_ID": "config",
    "DEMO_CLIENT_SECRET": "config",
    "SandboxConfig": "config",
    "FAULTS": "faults",
    "Fault": "faults",
    "Faults": "faults",
    "Sandbox": "server",
}

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "FAULTS",
    "Fault",
    "Faults",
    "Sandbox",
    "SandboxConfig",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
