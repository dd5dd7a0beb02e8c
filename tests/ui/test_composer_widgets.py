"""The composer's parts on their own: editor fields, JSON validation in place, the body
viewer's limits and search, findings cards, the 429 bar, the highlighter."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QTextDocument

from desktop.core.client.spec import RequestSpec
from desktop.core.exchange import ErrorKind
from desktop.core.finding import Finding, Severity
from desktop.core.ratelimit import RetryPlan
from desktop.core.ratelimit.sample import RateLimitSample
from tests.factories import make_error_exchange, make_exchange, make_response

BASE = "https://api.example.test"


@pytest.fixture
def editor(qtbot):
    from desktop.ui.composer.request_editor import RequestEditor

    widget = RequestEditor()
    widget.base_url = BASE
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def view(qtbot):
    from desktop.ui.composer.response_view import ResponseView

    widget = ResponseView()
    qtbot.addWidget(widget)
    widget.resize(700, 600)
    widget.show()
    return widget


def test_a_path_is_joined_to_the_profile_base_url_and_the_full_url_is_shown(editor) -> None:
    editor.method.setCurrentText("GET")
    editor.url.setText("/api/core/whoami")
    assert editor.spec().url == f"{BASE}/api/core/whoami"
    assert editor.full_url.text() == f"GET {BASE}/api/core/whoami"


def test_the_full_url_line_hides_passwords_and_secret_query_values(editor) -> None:
    editor.url.setText("https://bob:Hunter2-canary@api.example.test/x?api_key=K3y-canary-77")
    shown = editor.full_url.text()
    assert "Hunter2-canary" not in shown
    assert "K3y-canary-77" not in shown
    assert shown == ("GET https://bob:[REDACTED:password]@api.example.test/x"
                     "?api_key=[REDACTED:api_key]")
    assert "K3y-canary-77" in editor.spec().url  # what is sent is what was typed


def test_switched_off_rows_stay_in_the_table_but_leave_the_request(editor) -> None:
    editor.url.setText("/api/core/numbers")
    editor.params.add_row("page", "2")
    editor.params.add_row("debug", "1", enabled=False)
    editor.headers.add_row("Accept", "application/json")
    editor.headers.add_row("X-Trace", "off", enabled=False)
    spec = editor.spec()
    assert spec.url == f"{BASE}/api/core/numbers?page=2"
    assert spec.headers == (("Accept", "application/json"),)
    editor.set_spec(spec)  # a lint fix re-sets the spec: the switched-off rows survive
    assert (False, "debug", "1") in editor.params.rows()
    assert (False, "X-Trace", "off") in editor.headers.rows()


def test_a_query_typed_into_the_url_moves_to_the_parameter_table(editor) -> None:
    editor.url.setText("/api/core/numbers?status=ACTIVE&q=a b")
    editor.url.editingFinished.emit()
    assert editor.url.text() == "/api/core/numbers"
    assert editor.params.pairs() == [("status", "ACTIVE"), ("q", "a b")]
    assert editor.spec().url == f"{BASE}/api/core/numbers?status=ACTIVE&q=a%20b"


def test_a_spec_under_the_base_url_is_shown_as_a_path(editor) -> None:
    editor.set_spec(RequestSpec("DELETE", f"{BASE}/v1/x?a=1", (("Accept", "*/*"),), b"",
                                attach_auth=False))
    assert editor.method.currentText() == "DELETE"
    assert editor.url.text() == "/v1/x"
    assert editor.params.pairs() == [("a", "1")]
    assert not editor.attach_auth.isChecked()
    assert editor.spec() == RequestSpec("DELETE", f"{BASE}/v1/x?a=1", (("Accept", "*/*"),),
                                        b"", attach_auth=False)


def test_invalid_json_shows_line_and_column_in_place(editor, qtbot) -> None:
    body = editor.body
    body.edit.setPlainText('{\n  "to": ["+12025550123"]\n  "text": "hi"\n}')
    qtbot.waitUntil(lambda: "Invalid JSON" in body.status.text())
    assert "line 3, column 3" in body.status.text()
    assert body.status.property("state") == "error"
    assert not body.format_button.isEnabled()
    body.status.linkActivated.emit("3:3")  # the line:column is a link to the spot
    cursor = body.edit.textCursor()
    assert (cursor.blockNumber(), cursor.positionInBlock()) == (2, 2)
    body.edit.setPlainText('{"to": ["+12025550123"], "text": "hi"}')
    qtbot.waitUntil(lambda: body.status.text() == "✓ Valid JSON")
    body.format_button.click()
    assert body.text() == json.dumps({"to": ["+12025550123"], "text": "hi"}, indent=2)


def test_the_body_editor_is_highlighted_once_shown(editor) -> None:
    editor.tabs.setCurrentWidget(editor.body)
    editor.body.edit.setPlainText('{"to": 1}')
    assert editor.body.highlighter is not None
    block = editor.body.edit.document().firstBlock()
    formats = block.layout().formats()
    assert formats, "the JSON key and number are coloured"


def test_a_large_body_is_shown_in_part_with_a_note_and_a_show_all(view) -> None:
    from desktop.ui.composer.body_viewer import DISPLAY_LIMIT

    body = b"x" * (DISPLAY_LIMIT + 5000)
    exchange = make_exchange(response=make_response(200, "OK", (("Content-Type", "text/plain"),),
                                                    body, truncated=True,
                                                    body_size=50 * 1024 * 1024))
    view.show_exchange(exchange, None)
    viewer = view.body
    assert len(viewer.shown_text()) == DISPLAY_LIMIT
    assert "5,000 more are hidden" in viewer.note.text()
    assert "of 50.0 MB were kept" in viewer.note.text()
    assert "50.0 MB received" in view.meta.text()
    assert viewer.show_all_button.isVisibleTo(view)
    viewer.show_all_button.click()
    assert len(viewer.shown_text()) == len(body)


def test_pretty_and_raw_and_search_in_the_body(view) -> None:
    raw = b'{"results":[{"messageId":"msg_1","status":"QUEUED"},{"messageId":"msg_2"}]}'
    view.show_exchange(make_exchange(response=make_response(202, body=raw)), None)
    viewer = view.body
    assert viewer.shown_text().startswith('{\n  "results": [')
    viewer.set_pretty(False)
    assert viewer.shown_text() == raw.decode()
    viewer.set_pretty(True)
    viewer.search.setText("messageId")
    assert viewer.text.textCursor().selectedText() == "messageId"
    first = viewer.text.textCursor().position()
    assert viewer.find_next()
    assert viewer.text.textCursor().position() > first
    assert viewer.find_previous()
    assert viewer.text.textCursor().position() == first
    viewer.search.setText("nowhere")
    assert viewer.match_label.text() == "No match"
    assert viewer.text.document().find("msg_2", 0, QTextDocument.FindFlag(0)).hasSelection()


def test_the_status_says_its_meaning_and_a_transport_error_says_why(view) -> None:
    view.show_exchange(make_exchange(response=make_response(404, reason="")), None)
    assert view.status.text() == "404 Not Found"
    assert view.status.property("kind") == "client"
    failed = make_error_exchange(ErrorKind.CONNECT_REFUSED)
    view.show_exchange(failed, None)
    assert view.status.text() == "✗ Connect refused"
    assert "Connection refused" in view.message.text()
    assert view.tabs.currentWidget() is view.findings
    assert view.findings.cards[0].finding.title == "Nothing is listening at the base URL"


def test_an_incomplete_body_says_so(view) -> None:
    response = make_response(200, "OK")
    response.incomplete = "the body was cut short: peer closed connection"
    view.show_exchange(make_exchange(response=response), None)
    assert "incomplete: the body was cut short" in view.message.text()


def test_a_finding_card_numbers_its_causes_and_links_its_doc(qtbot) -> None:
    from desktop.ui.composer.findings_panel import FindingsPanel

    panel = FindingsPanel()
    qtbot.addWidget(panel)
    finding = Finding(code="x", severity=Severity.WARN, title="Something <odd>",
                      causes=("first", "second"), next_action="Do this.",
                      doc="https://docs.example.test/a?b=1&c=2", evidence="HTTP 418")
    panel.set_findings([finding], None)
    [card] = panel.cards
    assert "Something &lt;odd&gt;" in card.title.text()
    html = card.body.text()
    assert "<ol" in html
    assert html.index("first") < html.index("second")
    assert "<b>What we saw:</b> HTTP 418" in html
    assert "href='https://docs.example.test/a?b=1&amp;c=2'" in html


def test_the_retry_bar_counts_down_and_fires_once_armed(qtbot) -> None:
    from desktop.ui.composer.retry_bar import RetryBar

    now = {"t": 1000.0}
    bar = RetryBar(clock=lambda: now["t"])
    qtbot.addWidget(bar)
    sample = RateLimitSample(at=1000.0, status=429, retry_after=30.0,
                             retry_after_source="header")
    bar.set_plan(RetryPlan.from_sample(sample, min_wait_after_429=60.0))
    assert "retry allowed in 60 s" in bar.text()  # the provider's floor beats Retry-After
    bar.arm()
    now["t"] = 1045.0
    with qtbot.assertNotEmitted(bar.retry_requested, wait=300):
        pass
    assert "15 s" in bar.text()
    now["t"] = 1060.5
    with qtbot.waitSignal(bar.retry_requested):
        pass
    assert not bar.armed
    assert bar.button.text() == "Retry now"


def test_lint_rows_offer_their_fix_and_a_long_list_is_summarised(qtbot) -> None:
    from desktop.ui.composer.lint_list import LintList, fix_label

    findings = [Finding(code=f"lint.x{i}", severity=Severity.WARN, title=f"Problem {i}")
                for i in range(8)]
    findings[0] = Finding(code="lint.key", severity=Severity.ERROR, title="No key",
                          location="header:Idempotency-Key", fix="generate_uuid")
    lint = LintList()
    qtbot.addWidget(lint)
    lint.set_findings(findings)
    assert len(lint.rows) == LintList.MAX_ROWS
    assert lint.more.text().startswith("…and 3 more")
    [button] = lint.fix_buttons()
    with qtbot.waitSignal(lint.fix_requested) as fixed:
        button.click()
    assert fixed.args == [findings[0]]
    assert fix_label(Finding(code="c", severity=Severity.WARN, title="t", fix="replace_value",
                             fix_value="+14155550123")) == "Use +14155550123"


def test_a_binary_body_is_named_not_dumped(view) -> None:
    from tests.factories import make_binary_exchange

    view.show_exchange(make_binary_exchange(), None)
    assert view.body.shown_text().startswith("[binary body: ")
    assert "image/png" in view.body.shown_text()
