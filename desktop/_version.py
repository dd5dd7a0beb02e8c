"""The version, in one place: pyproject.toml reads it from here (setuptools dynamic metadata).

A literal rather than importlib.metadata: looking the installed metadata up
costs ~40 ms at every start-up.
"""

__version__ = "0.1.0"
