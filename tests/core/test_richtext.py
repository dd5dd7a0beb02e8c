"""``richtext.escape`` is ``html.escape`` without importing ``html.entities``."""

from __future__ import annotations

import html
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from desktop.core.richtext import escape


@given(st.text(), st.booleans())
def test_escape_gives_what_html_escape_gives(text: str, quote: bool) -> None:
    assert escape(text, quote) == html.escape(text, quote)


def test_markup_and_quotes_are_escaped() -> None:
    assert escape("<a href='x'>\"&\"</a>") == (
        "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&quot;&lt;/a&gt;")
    assert escape("'\"<&>", quote=False) == "'\"&lt;&amp;&gt;"


def test_importing_it_leaves_html_entities_unloaded() -> None:
    code = "import sys, desktop.core.richtext; print('html.entities' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
