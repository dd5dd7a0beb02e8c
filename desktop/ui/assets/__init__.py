"""Files the window loads at run time: its icon, rendered from resources/icons/switchboard.svg.

PNGs rather than the SVG keep Qt's SVG module out of the process (see
``installer.icons.write_window_icons``, which writes them).
"""

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent
WINDOW_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def window_icon_paths() -> list[Path]:
    """The window icon's PNG files, smallest first."""
    return [ASSETS_DIR / f"window-{size}.png" for size in WINDOW_ICON_SIZES]
