"""Switchboard: a desktop diagnostic console for messaging REST APIs."""

from __future__ import annotations

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("switchboard")
except _metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

APP_NAME = "Switchboard"
APP_ID = "switchboard"
ORG_NAME = "Switchboard"
