"""What ``tomllib`` must not be given: checks on a provider file's text before parsing.

``tomllib`` handles a dotted key (``a.b.c = 1``, ``[a.b.c]``) in time and memory
quadratic in its number of parts: a 200 KB file holding one key of 100,000 parts
takes tens of gigabytes, so one such file in the user's providers folder would kill
the app at start-up. No provider needs more parts than it may nest levels, so longer
keys are refused here, in one linear pass, before the parser sees them.
"""

from __future__ import annotations

import re

_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
)
"""TOML strings (their dots are not key separators) and comments, removed first."""
_OUTSIDE_KEYS = re.compile(r"[\n=,\[\]{}]")
"""What ends a key: what is left between two of these is at most one dotted key, or a
value (a number or date has at most one dot)."""


def longest_dotted_key(text: str) -> int:
    """The most parts any dotted key of ``text`` has (1 for ``a``, 3 for ``a."b.c".d``)."""
    bare = _STRINGS_AND_COMMENTS.sub("", text)
    return max((piece.count(".") for piece in _OUTSIDE_KEYS.split(bare)), default=0) + 1
