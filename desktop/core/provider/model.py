"""The provider model: one API's knowledge, loaded from a TOML data file.

Everything Switchboard knows about a provider (where it lives, how it
authenticates, the order to debug it in, what its errors mean, what a
valid request looks like) is data in ``desktop/providers/*.toml`` or the
user's config dir. Adding a provider needs no Python: this module only
describes the shape, ``loader`` checks a file against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

BUILTIN_VARIABLES: tuple[str, ...] = (
    "base_url", "environment", "region", "uuid", "run_id", "now_utc", "now_iso",
)
"""Template variables every run has besides the profile settings and extracted values."""


DEFAULT_REQUEST_ID_HEADERS = ("X-Request-Id", "Request-Id", "X-Correlation-Id")
DEFAULT_ERROR_CODE_FIELDS = ("error.code", "code", "error")
DEFAULT_ERROR_MESSAGE_FIELDS = ("error.message", "error_description", "message")


class AuthType(StrEnum):
    OAUTH2_CLIENT_CREDENTIALS = "oauth2_client_credentials"
    API_KEY = "api_key"
    BEARER = "bearer"
    NONE = "none"


class StepKind(StrEnum):
    CREDENTIALS = "credentials"
    """Local check of the secrets' shape (whitespace, key format); sends nothing."""
    REACHABILITY = "reachability"
    """Can we open a connection to the base URL at all? Any HTTP answer passes."""
    TOKEN = "token"
    """Acquire a token through the profile's auth (OAuth2) or check the key is accepted."""
    REQUEST = "request"
    """A templated HTTP request with expectations and values to extract."""
    WEBHOOK = "webhook"
    """Wait for a signed webhook about the message sent by an earlier step."""
    MANUAL = "manual"
    """Something only the provider's web console can answer: an instruction to tick."""


@dataclass(frozen=True, slots=True)
class Region:
    id: str
    name: str
    base_url: str | None = None


@dataclass(frozen=True, slots=True)
class Environment:
    id: str
    name: str
    production: bool = False
    base_url: str | None = None
    """Base URL when the environment has one (and no regions), else None."""
    host_pattern: str | None = None
    """Regex a base URL's host must match for this environment (mismatch is flagged)."""
    regions: tuple[Region, ...] = ()
    note: str = ""
    per_customer: bool = False
    """The provider gives each customer its own host: the profile must supply the base URL."""

    def region(self, region_id: str | None) -> Region | None:
        for region in self.regions:
            if region.id == region_id:
                return region
        return None

    def base_url_for(self, region_id: str | None) -> str | None:
        region = self.region(region_id)
        if region is not None and region.base_url:
            return region.base_url
        return self.base_url


@dataclass(frozen=True, slots=True)
class Auth:
    type: AuthType
    token_path: str = ""
    body: str = "form"
    """OAuth2 token request body encoding: ``form`` or ``json``."""
    credentials: str = "body"
    """Where the client credentials go: ``body`` or ``basic`` (HTTP Basic)."""
    lifetime: int | None = None
    """The token lifetime the provider documents, in seconds; None when it documents none.
    Shown (and used to plan a refresh) when a token response states no ``expires_in``."""
    scope: str = ""
    header: str = "Authorization"
    """API-key header name (api_key auth)."""
    prefix: str = ""
    """Text before the key in the header, e.g. ``Bearer `` (api_key auth)."""
    key_pattern: str | None = None
    """Regex a well-formed key matches in full, e.g. ``trk_[A-Za-z0-9]{32}``."""
    key_format: str = ""
    """The key format in words, for findings."""

    @property
    def uses_token(self) -> bool:
        return self.type is AuthType.OAUTH2_CLIENT_CREDENTIALS


@dataclass(frozen=True, slots=True)
class RequestTemplate:
    """An HTTP request with ``{{name}}`` placeholders filled at run time."""

    method: str = "GET"
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    json: Any = None
    form: tuple[tuple[str, str], ...] | None = None
    body: str | None = None
    auth: bool = True
    """Whether the profile's credentials are attached."""


@dataclass(frozen=True, slots=True)
class Cause:
    text: str
    when: str | None = None
    """JMESPath over the diagnosis context; causes that hold are ranked first."""


@dataclass(frozen=True, slots=True)
class Expectation:
    that: str
    """JMESPath over ``{status, headers, json, text, vars}`` that must be truthy."""
    severity: str = "fail"
    """``fail`` stops the run; ``warn`` marks the step and continues."""
    says: str = ""
    """What it means when the expectation does not hold (the finding's title)."""
    causes: tuple[Cause, ...] = ()
    """Ranked like catalog causes: those whose ``when`` holds first, then the plain ones;
    a conditional cause whose condition does not hold is left out."""
    next_action: str = ""
    doc: str | None = None


@dataclass(frozen=True, slots=True)
class Poll:
    """Send a step's request again until ``until`` holds or ``timeout`` seconds pass.

    For states that move on their own (a message Pending, then Sending, then
    sent or Failed): judging the first answer would report a moment, not the outcome.
    """

    until: str
    """JMESPath over the response document (``vars`` included) that ends the polling."""
    every: float = 2.0
    timeout: float = 20.0


@dataclass(frozen=True, slots=True)
class WebhookWait:
    timeout: float = 30.0
    events: tuple[str, ...] = ()
    message_id: str = "message_id"
    """Name of the run variable holding the message id to wait for."""


@dataclass(frozen=True, slots=True)
class ChecklistStep:
    id: str
    title: str
    kind: StepKind
    explain: str = ""
    """What this step checks and why it comes here in the order."""
    blocks: str = ""
    """Why later steps are skipped when this one fails, e.g. "fix token acquisition first"."""
    request: RequestTemplate | None = None
    expect: tuple[Expectation, ...] = ()
    extract: tuple[tuple[str, str], ...] = ()
    """(variable name, JMESPath) pairs; values flow to later steps."""
    requires: tuple[str, ...] = ()
    """Settings or variables without which the step is skipped (not failed)."""
    sends_message: bool = False
    """A real message leaves on production: confirmation required."""
    instruction: str = ""
    """For manual steps: what to look at and where."""
    webhook: WebhookWait | None = None
    poll: Poll | None = None
    note: str = ""
    """Expected behaviour worth stating when the step passes (e.g. staging never delivers)."""
    doc: str | None = None
    assumes: tuple[str, ...] = ()
    """What the step relies on that the provider's public documentation does not say, and
    how it copes (candidates accepted, or the setting that overrides it)."""


@dataclass(frozen=True, slots=True)
class ErrorMatch:
    status: tuple[int, ...] = ()
    code: tuple[str, ...] = ()
    message: str | None = None
    """Regex searched in the error message (or the whole body when none was found)."""
    path: str | None = None
    """fnmatch pattern on the request path (without query)."""
    step: tuple[str, ...] = ()
    transport: tuple[str, ...] = ()
    """Transport error kinds (``connect_refused``, ``dns``, ...) instead of a response."""


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    id: str
    title: str
    match: ErrorMatch
    causes: tuple[Cause, ...] = ()
    next_action: str = ""
    doc: str | None = None
    severity: str = "error"
    retry: str = "no"
    """``no``, ``fresh_token_once``, ``after_wait``, ``backoff`` or ``same_key``."""
    symptoms: tuple[str, ...] = ()
    """The seed's own symptom names this entry answers (checked by coverage tests)."""


@dataclass(frozen=True, slots=True)
class LintRule:
    id: str
    rule: str
    """Rule kind, implemented generically in ``desktop.core.lint``."""
    method: tuple[str, ...] = ()
    path: str | None = None
    severity: str = "warn"
    message: str = ""
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class WebhookScheme:
    scheme: str = "none"
    """``redcloud``, ``standard``, ``stripe``, ``github``, ``twilio``, ``hmac`` or ``none``."""
    options: dict[str, Any] = field(default_factory=dict, hash=False)
    # Candidate JMESPath expressions for each fact, tried before the built-in ones
    # (desktop.core.webhooks.events.WebhookFields): empty means the built-in ones only.
    event_type: tuple[str, ...] = ()
    message_id: tuple[str, ...] = ()
    sequence: tuple[str, ...] = ()
    external_reference: tuple[str, ...] = ()
    lifecycle: tuple[str, ...] = ()
    terminal: tuple[str, ...] = ()
    failure: tuple[str, ...] = ()
    tolerance: int = 300


@dataclass(frozen=True, slots=True)
class RateLimitConfig:
    reset: str = "auto"
    """How X-RateLimit-Reset is meant: ``auto``, ``delta``, ``epoch`` or ``epoch_ms``."""
    min_wait_after_429: float = 0.0
    body_fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A common request offered as a template in the composer."""

    name: str
    request: RequestTemplate
    description: str = ""


@dataclass(frozen=True, slots=True)
class Setting:
    """A non-secret profile setting the provider's checklist or templates use."""

    name: str
    label: str
    default: str = ""
    choices: tuple[str, ...] = ()
    help: str = ""
    assumed: str = ""
    """Why the default is a guess (the public documentation does not give the value); empty
    for documented values. A 404 or 405 on a path built from an assumed setting is
    diagnosed as a wrong guess to correct in this setting, not as a missing resource."""


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    summary: str = ""
    source: str = ""
    """File the definition was loaded from."""
    builtin: bool = True
    docs: tuple[tuple[str, str], ...] = ()
    environments: tuple[Environment, ...] = ()
    auth: Auth = Auth(type=AuthType.NONE)
    settings: tuple[Setting, ...] = ()
    """Non-secret profile settings this provider uses, in display order."""
    request_id_headers: tuple[str, ...] = DEFAULT_REQUEST_ID_HEADERS
    request_id_body: tuple[str, ...] = ()
    error_code_fields: tuple[str, ...] = DEFAULT_ERROR_CODE_FIELDS
    error_message_fields: tuple[str, ...] = DEFAULT_ERROR_MESSAGE_FIELDS
    checklist: tuple[ChecklistStep, ...] = ()
    errors: tuple[CatalogEntry, ...] = ()
    lint: tuple[LintRule, ...] = ()
    ratelimit: RateLimitConfig = RateLimitConfig()
    webhooks: WebhookScheme = WebhookScheme()
    secret_patterns: tuple[tuple[str, str], ...] = ()
    """(kind, regex) of provider-specific secrets for the redactor."""
    endpoints: tuple[Endpoint, ...] = ()
    timestamp_format: str | None = None
    """strftime format the API expects for timestamps, e.g. ``%Y-%m-%d %H:%M:%S``."""
    sandbox: bool = False
    """The embedded simulated API: its base URL comes from the running sandbox."""

    def environment(self, env_id: str | None) -> Environment | None:
        for env in self.environments:
            if env.id == env_id:
                return env
        return None

    def step(self, step_id: str) -> ChecklistStep | None:
        for step in self.checklist:
            if step.id == step_id:
                return step
        return None

    def setting_defaults(self) -> dict[str, str]:
        return {s.name: s.default for s in self.settings}

    def doc_url(self, ref: str | None) -> str | None:
        """Resolve a doc reference: a key of ``[docs]`` or a URL as is."""
        if not ref:
            return None
        for key, url in self.docs:
            if key == ref:
                return url
        return ref
