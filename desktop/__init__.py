"""Switchboard: a desktop diagnostic console for messaging REST APIs."""

from __future__ import annotations

from desktop._version import __version__ as __version__

APP_NAME = "Switchboard"
APP_ID = "switchboard"
ORG_NAME = "Switchboard"
