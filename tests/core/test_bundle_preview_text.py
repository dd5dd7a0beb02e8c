"""The bundle preview indents JSON and renders Markdown without losing a redaction."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.bundle_model import PlannedFile
from desktop.core.bundle_preview import markdown_source, marker_texts, preview_text


def planned(name: str, text: str, media_type: str = "application/json") -> PlannedFile:
    data = text.encode()
    return PlannedFile(name, data, media_type, hashlib.sha256(data).hexdigest())


HAR = ('{"log": {"version": "1.2", "entries": [\n'
       + json.dumps({"request": {"headers": [{"name": "Authorization",
                                              "value": "Bearer [REDACTED:access_token]"}],
                                 "url": "https://h/x?key=%5BREDACTED:api_key%5D"},
                     "response": {"text": "{\"to\": \"+1******0123\"}"}},
                    separators=(",", ":"))
       + "\n]}}\n")


def test_compact_json_is_shown_indented_with_every_redaction_found_again() -> None:
    file = planned("har.json", HAR)
    shown = preview_text(file)
    assert shown is not None
    assert shown.kind == "json"
    assert max(len(line) for line in shown.text.splitlines()) < 90
    assert json.loads(shown.text) == json.loads(HAR)
    before = marker_texts(file.text, file.markers())
    after = marker_texts(shown.text, shown.markers)
    assert len(before) == 3
    assert after == before
    assert "compact" in shown.note


def test_json_already_indented_and_text_files_are_shown_as_written() -> None:
    indented = json.dumps({"a": "[REDACTED:token]"}, indent=2)
    shown = preview_text(planned("checklist.json", indented + "\n"))
    assert shown is not None
    assert shown.text == indented + "\n"
    assert shown.note == ""
    csv = preview_text(planned("ratelimits.csv", "time,remaining\n1,2\n", "text/csv"))
    assert csv is not None
    assert csv.kind == "text"
    assert preview_text(planned("ratelimits.png", "x", "image/png")) is None


def test_markdown_keeps_masks_and_markers_literal() -> None:
    text = "# Summary\n\n- Recipient: +1******0123\n- Token: [REDACTED:access_token]\n"
    file = planned("summary.md", text, "text/markdown")
    shown = preview_text(file)
    assert shown is not None
    assert shown.kind == "markdown"
    assert r"+1\*\*\*\*\*\*0123" in shown.text
    assert r"\[REDACTED:access\_token\]" in shown.text
    assert markdown_source("no markers", []) == "no markers"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["[REDACTED:token]", "%5BREDACTED:api_key%5D", "+1******0123",
                                 "****d4e5", "**", "REDACTED", "\n", "  ", "(", "+", "7",
                                 "0123", "-", "*", "a", "\u00e9", ")"]), max_size=40))
def test_markers_found_line_by_line_are_those_of_the_whole_text(parts: list[str]) -> None:
    from desktop.core.bundle_model import _MARKERS

    file = planned("har.json", "".join(parts))
    everywhere = [(m.start(), m.end()) for m in _MARKERS.finditer(file.text)]
    assert [(m.start, m.end) for m in file.markers()] == everywhere


def test_json_nested_deeper_than_the_encoders_go_is_shown_as_written() -> None:
    """orjson reads 1,000 levels but writes only 255, and json gives up at Python's
    recursion limit: the preview shows the file's own text, without a traceback."""
    for depth in (300, 1000, 5000):
        text = "[" * depth + "]" * depth
        shown = preview_text(planned("deep.json", text))
        assert shown is not None
        if depth == 300:  # deeper than orjson writes: json indents it
            assert json.loads(shown.text) == json.loads(text)
        else:
            assert shown.text == text
