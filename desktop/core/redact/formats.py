"""Well-known secret key formats (``sk_live_…``, ``AKIA…``, ``ghp_…``, ``xoxb-…``) and the
one linear-time gate for every secret *shape* that has no name in front of it.

Why a table here rather than ``detect-secrets`` at run time: its regexes are the
reference and most rows below are copied from its plugins' ``denylist`` (each row
names the plugin and keeps the upstream pattern in ``upstream``;
tests/hostile/test_hostile_redact_formats.py fails when detect-secrets changes one),
but importing it costs ~150 ms and pulls in requests and PyYAML, in the window and in
every bundle worker, and several plugins are wrong for messaging traffic:

* Twilio's ``AC…``/``SK…`` are account and key *ids* support needs to read;
* Artifactory's ``AP[0-9A-F]…`` matches order and product codes;
* the high-entropy and keyword plugins flag request ids, message ids and UUIDs;
* npm's pattern spans a whole ``.npmrc`` line (``_authToken=`` is a secret *name* here);
* its fixed-length patterns stop inside longer keys (Stripe's keys are now 99
  characters, the plugin matches 24): matches are widened to the whole token.

Added privately (no detect-secrets plugin): Stripe test keys, fine-grained GitHub
tokens, npm tokens, Google API keys, TRK SMS keys and PEM private-key blocks.

The gate (``gate_source``, part of the one RE2 pass of ``hits``) is loose on purpose:
a prefix or short run per format, so it compiles fast and scans at DFA speed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from desktop.core.redact.views import re2_text, search_set

Counted = Callable[..., None]

_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


@dataclass(frozen=True, slots=True)
class KeyFormat:
    """One key format: what it is called in markers and how it is found."""

    kind: str
    pattern: str
    """A Python regex (RE2-compatible too: it is part of the gate); when it has a group
    named ``secret`` only that group is replaced."""
    literal: str | None
    """A substring every match contains: a cheap ``in`` test before the regex runs."""
    gate: str
    """A loose RE2 pattern every match contains (a prefix, mostly): the gate's part."""
    plugin: str | None = None
    """The detect-secrets plugin the pattern comes from (None: private)."""
    upstream: str | None = None
    """That plugin's pattern as of detect-secrets 1.5, when ours differs or is a copy."""
    widen: bool = True
    """Extend a match over the token characters after it (keys are longer than the
    patterns say)."""
    bounded: bool = False
    """Refuse a match glued to a letter or digit on either side."""


_GL = r"[A-Za-z0-9_\-]"

FORMATS: tuple[KeyFormat, ...] = (
    KeyFormat("stripe_key", r"(?:r|s)k_live_[0-9a-zA-Z]{24}", "k_live_", "k_live_",
              "StripeDetector", r"(?:r|s)k_live_[0-9a-zA-Z]{24}"),
    KeyFormat("stripe_key", r"(?:r|s)k_test_[0-9a-zA-Z]{24}", "k_test_", "k_test_"),
    KeyFormat("aws_access_key", r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}", None,
              r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{4}", "AWSKeyDetector",
              r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}", widen=False, bounded=True),
    KeyFormat("github_token", r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}", None, "gh[pousr]_",
              "GitHubTokenDetector", r"(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}"),
    KeyFormat("github_token", r"github_pat_[A-Za-z0-9_]{22,}", "github_pat_", "github_pat_"),
    KeyFormat("gitlab_token", r"(?:glpat|gldt|glft|glsoat|glrt)-" + _GL + "{20,50}", "gl",
              "gl(?:pat|dt|ft|soat|rt)-", "GitLabTokenDetector",
              r"(glpat|gldt|glft|glsoat|glrt)-" + _GL + r"{20,50}(?!\w)"),
    KeyFormat("gitlab_token", "GR1348941" + _GL + "{20,50}", "GR1348941", "GR1348941",
              "GitLabTokenDetector", "GR1348941" + _GL + r"{20,50}(?!\w)"),
    KeyFormat("gitlab_token", r"glcbt-(?:[0-9a-fA-F]{2}_)?" + _GL + "{20,50}", "glcbt-",
              "glcbt-", "GitLabTokenDetector",
              r"glcbt-([0-9a-fA-F]{2}_)?" + _GL + r"{20,50}(?!\w)"),
    KeyFormat("gitlab_token", "glimt-" + _GL + "{25}", "glimt-", "glimt-",
              "GitLabTokenDetector", "glimt-" + _GL + r"{25}(?!\w)"),
    KeyFormat("gitlab_token", "glptt-" + _GL + "{40}", "glptt-", "glptt-",
              "GitLabTokenDetector", "glptt-" + _GL + r"{40}(?!\w)"),
    KeyFormat("gitlab_token", "glagent-" + _GL + "{50,}", "glagent-", "glagent-",
              "GitLabTokenDetector", "glagent-" + _GL + r"{50,1024}(?!\w)"),
    KeyFormat("gitlab_token", "gloas-" + _GL + "{64}", "gloas-", "gloas-",
              "GitLabTokenDetector", "gloas-" + _GL + r"{64}(?!\w)"),
    KeyFormat("slack_token", r"(?i:xox(?:a|b|p|o|s|r)-(?:\d+-)+[a-z0-9]+)", None,
              "(?i:xox[abposr]-)", "SlackDetector", r"xox(?:a|b|p|o|s|r)-(?:\d+-)+[a-z0-9]+"),
    KeyFormat("slack_webhook", r"(?i:https://hooks\.slack\.com/services/T[a-zA-Z0-9_]+/"
              r"B[a-zA-Z0-9_]+/)(?P<secret>[a-zA-Z0-9_]+)", None,
              r"(?i:hooks\.slack\.com/services/)", "SlackDetector",
              r"https://hooks\.slack\.com/services/T[a-zA-Z0-9_]+/B[a-zA-Z0-9_]+/[a-zA-Z0-9_]+"),
    KeyFormat("sendgrid_key", r"SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}", "SG.", r"SG\.",
              "SendGridDetector", r"SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}"),
    KeyFormat("npm_token", r"npm_[A-Za-z0-9]{36}", "npm_", "npm_"),
    KeyFormat("pypi_token", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9-_]{70,}", "pypi-AgE", "pypi-AgE",
              "PypiTokenDetector", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9-_]{70,}"),
    KeyFormat("pypi_token", r"pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9-_]{70,}", "pypi-AgE",
              "pypi-AgE", "PypiTokenDetector",
              r"pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9-_]{70,}"),
    KeyFormat("openai_key", r"sk-[A-Za-z0-9-_]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
              "T3BlbkFJ", "T3BlbkFJ", "OpenAIDetector",
              r"sk-[A-Za-z0-9-_]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"),
    KeyFormat("square_secret", r"sq0csp-[0-9A-Za-z\\\-_]{43}", "sq0csp-", "sq0csp-",
              "SquareOAuthDetector", r"sq0csp-[0-9A-Za-z\\\-_]{43}"),
    KeyFormat("mailchimp_key", r"[0-9a-z]{32}-us[0-9]{1,2}", "-us", r"[0-9a-z]{4}-us[0-9]",
              "MailchimpDetector", r"[0-9a-z]{32}-us[0-9]{1,2}", widen=False, bounded=True),
    KeyFormat("azure_storage_key", r"AccountKey=(?P<secret>[a-zA-Z0-9+/=]{88})", "AccountKey=",
              "AccountKey=", "AzureStorageKeyDetector", r"AccountKey=[a-zA-Z0-9+\/=]{88}",
              widen=False),
    KeyFormat("discord_token", r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}",
              None, r"[a-zA-Z\d_-]{20}\.[a-zA-Z\d_-]{6}\.", "DiscordBotTokenDetector",
              r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}", widen=False,
              bounded=True),
    KeyFormat("telegram_bot_token", r"\d{8,10}:[0-9A-Za-z_-]{35}", None,
              r"\d{8}:[0-9A-Za-z_-]{30}", "TelegramBotTokenDetector",
              r"\d{8,10}:[0-9A-Za-z_-]{35}", widen=False, bounded=True),
    KeyFormat("google_api_key", r"AIza[0-9A-Za-z_-]{35}", "AIza", "AIza"),
    KeyFormat("trk_api_key", r"trk_[A-Za-z0-9]{32}", "trk_", "trk_", widen=False, bounded=True),
)
"""Twilio (ids, not secrets), Artifactory (order codes), IBM, Cloudant and SoftLayer
(keyword-in-context: our secret names cover them), keyword and high-entropy plugins
(noise) are left out on purpose; ``BasicAuthDetector``, ``JwtTokenDetector`` and
``PrivateKeyDetector`` have richer rules of their own in ``shapes``."""

OTHER_SHAPES = (
    r"e(?:yA|w[o0k])[A-Za-z0-9_-]{2}",  # JWTs not starting eyJ
    r"://[^\s/?#@]*:[^\s/?#@]*@",  # URL userinfo
    r"(?:^|[^\w-])-(?:u|U|-user|-proxy-user|-oauth2-bearer)",  # curl credentials
    r"PRIVATE KEY|PuTTY-User-Key-File-",  # key files
)
"""Gates of the shapes without a name in front of them whose rules live in ``shapes``."""


def gate_source() -> str:
    """Every format's and shape's gate in one RE2 alternation: prefixes and short runs, so
    it compiles in under a millisecond (the full patterns take 50 ms) and scans at DFA
    speed. A match is only a reason to run the rules, which check properly."""
    return "|".join(f"(?:{gate})" for gate in (*(f.gate for f in FORMATS), *OTHER_SHAPES))


@cache
def _compiled() -> tuple[tuple[KeyFormat, re.Pattern[str]], ...]:
    return tuple((f, re.compile(f.pattern, re.ASCII)) for f in FORMATS)  # RE2's \d, \w


@cache
def _which() -> Any:
    """An RE2 set of the formats' gates: one pass says which formats' regexes to run."""
    return search_set(fmt.gate for fmt in FORMATS)


def redact_formats(text: str, counted: Counted, marker: Callable[[str], str]) -> str:
    """Replace every well-known key in ``text`` with ``marker(kind)``."""
    try:
        matched = _which()(text)
    except UnicodeEncodeError:  # lone surrogates from a body that is not UTF-8
        matched = _which()(re2_text(text))
    compiled = _compiled()
    for index in sorted(matched):
        fmt, pattern = compiled[index]
        if fmt.literal is None or fmt.literal in text:
            text = _replace(text, fmt, pattern, counted, marker)
    return text


def _replace(text: str, fmt: KeyFormat, pattern: re.Pattern[str], counted: Counted,
             marker: Callable[[str], str]) -> str:
    out: list[str] = []
    last = 0
    size = len(text)
    for match in pattern.finditer(text):
        start, end = match.span("secret") if "secret" in pattern.groupindex else match.span()
        if start < last:
            continue
        if fmt.bounded and ((start > 0 and text[start - 1] in _ALNUM)
                            or (end < size and text[end] in _ALNUM)):
            continue
        if fmt.widen:
            while end < size and text[end] in _TOKEN_CHARS:
                end += 1
        out.append(text[last:start])
        out.append(marker(fmt.kind))
        counted(fmt.kind)
        last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)
