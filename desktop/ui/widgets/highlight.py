"""Syntax colours from Pygments tokens, painted by a QSyntaxHighlighter.

Pygments does the lexing (rule 3: the well-kept library); this file only
maps token types to text formats. Pygments is imported the first time a
block is highlighted, never at start-up, so the window paints without it.
Qt asks for one block (line) at a time and only for the lines that
changed, which keeps typing in a large body cheap.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from desktop.core.palette import Colours
from desktop.ui.theme import colours, theme

MAX_HIGHLIGHT_CHARS = 200_000
"""Above this, a document is shown plain: Python-side highlighting of every line would
make setting the text take seconds."""

_COLOURS: tuple[tuple[str, str, bool], ...] = (
    # (token type path, colour role in desktop.core.palette, bold); the most specific wins.
    ("Name.Tag", "json_key", False),          # JSON keys
    ("Literal.String", "json_string", False),
    ("Literal.Number", "json_number", False),
    ("Keyword.Constant", "json_keyword", True),  # true, false, null
    ("Keyword", "json_keyword", True),
    ("Punctuation", "json_punctuation", False),
    ("Comment", "muted", False),
    ("Name.Attribute", "json_key", False),
    ("Error", "fail", False),
)


def _utf16_offsets(text: str) -> list[int] | None:
    """Qt counts UTF-16 units; Python counts code points. None when they agree."""
    if text.isascii() or all(ord(ch) < 0x10000 for ch in text):
        return None
    offsets, position = [], 0
    for ch in text:
        offsets.append(position)
        position += 2 if ord(ch) >= 0x10000 else 1
    offsets.append(position)
    return offsets


class PygmentsHighlighter(QSyntaxHighlighter):
    """Colours a QTextDocument with a Pygments lexer (``json`` by default)."""

    def __init__(self, document: QTextDocument, lexer: str = "json") -> None:
        super().__init__(document)
        self._lexer_name = lexer
        self._lexer: Any = None
        self._formats: dict[Any, QTextCharFormat] = {}
        self.enabled = True
        self._colours = colours()
        theme().changed.connect(self._recolour)

    def _recolour(self, new: Colours) -> None:
        """The scheme changed: new formats, and the document coloured again."""
        self._colours = new
        self._formats.clear()
        if self.enabled:
            self.rehighlight()

    def set_lexer(self, name: str) -> None:
        if name != self._lexer_name:
            self._lexer_name = name
            self._lexer = None
            self._formats.clear()
            self.rehighlight()

    def _ensure_lexer(self) -> Any:
        if self._lexer is None:
            from pygments.lexers import get_lexer_by_name  # first use only

            self._lexer = get_lexer_by_name(self._lexer_name, stripnl=False, ensurenl=False)
        return self._lexer

    def _format_for(self, token: Any) -> QTextCharFormat | None:
        if token in self._formats:
            return self._formats[token]
        from pygments.token import string_to_tokentype

        chosen: QTextCharFormat | None = None
        best = -1
        for path, role, bold in _COLOURS:
            kind = string_to_tokentype(path)
            if token in kind and len(path) > best:
                best = len(path)
                colour = getattr(self._colours, role)
                chosen = QTextCharFormat()
                chosen.setForeground(QColor(colour))
                if bold:
                    chosen.setFontWeight(QFont.Weight.DemiBold)
                if path == "Error":
                    chosen.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                    chosen.setUnderlineColor(QColor(colour))
        self._formats[token] = chosen  # type: ignore[assignment]
        return chosen

    def highlightBlock(self, text: str) -> None:
        if not self.enabled or not text:
            return
        document = self.document()
        if document is not None and document.characterCount() > MAX_HIGHLIGHT_CHARS:
            return
        lexer = self._ensure_lexer()
        offsets = _utf16_offsets(text)
        for index, token, value in lexer.get_tokens_unprocessed(text):
            fmt = self._format_for(token)
            if fmt is None or not value:
                continue
            if offsets is None:
                self.setFormat(index, len(value), fmt)
            else:
                start = offsets[index]
                self.setFormat(start, offsets[index + len(value)] - start, fmt)
