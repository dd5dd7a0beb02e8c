"""Every log handler redacts, from the first record on (issue 17.2, the log).

The window's log was redacted only once the profile-aware filter was added after the
first paint, and the stderr mirror (``SWITCHBOARD_LOG_STDERR``) and the handlers of a
headless command had no filter at all. Now each handler ``configure_logging`` or
``command_logging`` installs applies the redactor's shape rules from its first record,
and the caller's filter (the one that knows the profile's secrets) on top.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.logsetup import command_logging, configure_logging
from desktop.core.redact import Redactor, redacting_log_filter

MARK = "_switchboard_handler"


@pytest.fixture
def clean_root() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def secrets() -> tuple[str, str, str]:
    return (f"canary{uuid.uuid4().hex}", f"canary{uuid.uuid4().hex}",
            f"canary{uuid.uuid4().hex}")


def log_lines(logger: logging.Logger, plain: str, bearer: str, known: str) -> None:
    logger.warning("posting client_secret=%s", plain)
    logger.warning("retrying with Authorization: Bearer %s", bearer)
    logger.warning("the profile's key is %s", known)
    try:
        raise RuntimeError(f"the token request with client_secret={plain} failed")
    except RuntimeError:
        logger.exception("traceback follows")


def test_every_handler_of_configure_logging_redacts_without_being_told(
        clean_root, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SWITCHBOARD_LOG_STDERR", "1")
    plain, bearer, _ = secrets()
    path = configure_logging(level=logging.INFO)
    ours = [h for h in clean_root.handlers if getattr(h, MARK, False)]
    assert len(ours) == 2
    assert all(h.filters for h in ours)
    log_lines(logging.getLogger("desktop.test.shapes"), plain, bearer, "nothing-secret")
    for handler in ours:
        handler.flush()
    written = Path(path).read_text() + capsys.readouterr().err
    assert "posting client_secret=" in written
    assert "traceback follows" in written
    assert plain not in written
    assert bearer not in written


def test_a_command_logs_through_the_profile_redactor_and_tidies_up(clean_root,
                                                                     capsys) -> None:
    plain, bearer, known = secrets()
    redactor = Redactor({"api_key": known})
    before = list(clean_root.handlers)
    with command_logging(redacting_log_filter(lambda: redactor)) as path:
        assert path is not None
        log_lines(logging.getLogger("desktop.test.command"), plain, bearer, known)
    assert clean_root.handlers == before
    written = Path(path).read_text() + capsys.readouterr().err
    assert "the profile's key is" in written  # on stderr too: warnings reach the terminal
    for secret in (plain, bearer, known):
        assert secret not in written
