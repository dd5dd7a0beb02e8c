"""How the bundle preview shows a planned file so every redaction can be seen.

A HAR entry is one long line of compact JSON (``bundle inspect`` names entries
by line): shown as written, its redactions sit far off to the right. The
preview indents JSON instead, finds the markers again in the indented text
(the same rules as the file's own ``markers()``), and says that the zip holds
the compact form. ``summary.md`` is meant to be read as Markdown; masks such
as ``+1******0123`` are escaped first so Markdown does not read their
asterisks as emphasis. Nothing here changes what is written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from desktop.core import jsondump
from desktop.core.bundle_model import Marker, PlannedFile


@dataclass(frozen=True, slots=True)
class PreviewText:
    text: str
    """What to put on screen (Markdown source when ``kind`` is ``markdown``)."""
    markers: list[Marker]
    """Redactions in ``text`` (for Markdown: in the source, before rendering)."""
    kind: str
    """``json``, ``markdown`` or ``text``."""
    note: str = ""
    """How the shown text differs from the written bytes, if it does."""


def preview_text(planned: PlannedFile, *, indent_json: bool = True) -> PreviewText | None:
    """The file as the preview shows it; None for an image."""
    text = planned.text
    if text is None:
        return None
    if planned.name.endswith(".md"):
        return PreviewText(markdown_source(text, planned.markers()), planned.markers(),
                           "markdown", "Shown as formatted Markdown; the file holds the text.")
    if indent_json and planned.name.endswith(".json"):
        if text.startswith(("{\n", "[\n")):  # indented already (every file but the HAR)
            return PreviewText(text, planned.markers(), "json")
        parsed, value = jsondump.parse(text)
        if parsed:
            try:
                data = jsondump.indented(value)
            except jsondump.TooDeepError:  # too deep to indent: shown as written
                return PreviewText(text, planned.markers(), "json")
            if data.decode("utf-8") == text.rstrip("\n"):  # "[]", "1": nothing to indent
                return PreviewText(text, planned.markers(), "json")
            shown = replace(planned, data=data)
            return PreviewText(data.decode("utf-8"), shown.markers(), "json",
                               "Shown indented; the file holds the same JSON, compact.")
    return PreviewText(text, planned.markers(), "text")


_MARKDOWN_SPECIAL = "\\*_`[]<>#"


def markdown_source(text: str, markers: list[Marker]) -> str:
    """``text`` with Markdown's special characters escaped inside each redaction marker,
    so ``+1******0123`` and ``[REDACTED:access_token]`` render exactly as written."""
    out = []
    position = 0
    for marker in sorted(markers, key=lambda m: m.start):
        if marker.start < position:
            continue
        out.append(text[position:marker.start])
        out.append("".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c
                           for c in text[marker.start:marker.end]))
        position = marker.end
    out.append(text[position:])
    return "".join(out)


def marker_texts(text: str, markers: list[Marker]) -> list[str]:
    """Each redaction as it reads on screen, in order (the preview finds them in a rendered
    document by these)."""
    return [text[m.start:m.end] for m in sorted(markers, key=lambda m: m.start)]
