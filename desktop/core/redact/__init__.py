"""Redaction: removing secrets from everything that leaves the app.

``Redactor`` is the one path out (bundle, HAR, curl export, clipboard, log
file, history file). ``RedactionReport`` counts what it removed, by kind.
``leaks`` re-scans a bundle with the same rules (``scan``) for whatever the
redactor would still remove (``switchboard bundle inspect``).
"""

from desktop.core.redact.known import MIN_SECRET_LENGTH
from desktop.core.redact.logfilter import redacting_log_filter
from desktop.core.redact.names import secret_kind
from desktop.core.redact.phones import mask_phone
from desktop.core.redact.redactor import Redactor
from desktop.core.redact.report import RedactionReport
from desktop.core.redact.rules import MARKER_RE, URL_MARKER_RE, marker

__all__ = [
    "MARKER_RE",
    "MIN_SECRET_LENGTH",
    "URL_MARKER_RE",
    "RedactionReport",
    "Redactor",
    "marker",
    "mask_phone",
    "redacting_log_filter",
    "secret_kind",
]
