"""Files the window loads at run time (a copy of resources/icons/switchboard.svg)."""

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent
ICON_SVG = ASSETS_DIR / "switchboard.svg"
