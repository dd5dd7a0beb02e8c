"""PyInstaller's entry script: the frozen `switchboard` is exactly `python -m desktop`.

A separate file rather than desktop/__main__.py, because PyInstaller puts the
script's folder on its search path, and desktop/'s subfolders (core, ui,
sandbox...) must not become top-level module names.
"""

import multiprocessing
import sys

from desktop.cli import main

if __name__ == "__main__":
    # A frozen app's worker processes (large bundle exports) start through this same
    # executable: freeze_support() runs the worker instead of the app in them.
    multiprocessing.freeze_support()
    sys.exit(main())
