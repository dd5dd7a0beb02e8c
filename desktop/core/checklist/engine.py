"""Run a provider's checklist for a profile, emitting events as each step moves.

The order is the provider's documented one. A failed step stops the run:
later steps are marked skipped with the reason (they are meaningless until
it is fixed). Values flow forward (token freshness, numberId, messageId).
A 401 gets one fresh token and one retry (the auth flow does that); a 429
waits its Retry-After, shown as a countdown, and retries once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from desktop.core.checklist.judge import judge, poll_done
from desktop.core.checklist.model import (
    ChecklistEvent,
    ChecklistRun,
    RunFinished,
    RunStarted,
    StepFinished,
    StepResult,
    StepStarted,
    StepStatus,
    StepWaiting,
)
from desktop.core.client.auth import MissingCredentialsError, TokenError
from desktop.core.client.client import ProfileClient
from desktop.core.client.findings import token_failure_findings
from desktop.core.client.spec import RequestSpec
from desktop.core.diagnosis import explain_context, synthetic_context
from desktop.core.exchange import Exchange
from desktop.core.finding import Finding, Severity
from desktop.core.profile_checks import check_profile, has_edge_whitespace, secret_kinds
from desktop.core.provider.model import AuthType, Poll, StepKind
from desktop.core.secrets import SecretKind
from desktop.core.templates import profile_values, render_request

MAX_RETRY_WAIT = 90.0
"""Longest Retry-After the checklist waits out by itself; longer fails with the wait named."""
DEFAULT_429_WAIT = 5.0


@dataclass(frozen=True, slots=True)
class WebhookOutcome:
    """What the webhook wait found, in the codes the catalog matches on."""

    code: str
    """``ok``, ``webhook_timeout``, ``webhook_signature_invalid``, ``webhook_failed_event``,
    ``webhook_wrong_type``."""
    summary: str
    details: tuple[str, ...] = ()
    event: object | None = None


class WebhookWaiter(Protocol):
    async def wait_for(self, message_id: str, types: tuple[str, ...],
                       timeout: float) -> WebhookOutcome: ...  # noqa: ASYNC109


@dataclass(frozen=True, slots=True)
class SendConfirmation:
    """What a production send is about to do, for the user to confirm."""

    provider: str
    environment: str
    profile: str
    recipient: str
    sender: str
    endpoint: str


Confirm = Callable[[SendConfirmation], Awaitable[bool]]


class ChecklistEngine:
    def __init__(
        self,
        client: ProfileClient,
        *,
        webhooks: WebhookWaiter | None = None,
        confirm: Confirm | None = None,
        lint: Callable[[RequestSpec], list[Finding]] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_retry_wait: float = MAX_RETRY_WAIT,
        webhook_timeout: float | None = None,
    ) -> None:
        self.client = client
        self.provider = client.provider
        self.profile = client.profile
        self.webhooks = webhooks
        self.confirm = confirm
        self.lint = lint
        self._sleep = sleep
        self._clock = clock
        """Reads the waits' deadlines (429 retry, polling); tests pair it with ``sleep``."""
        self.max_retry_wait = max_retry_wait
        self.webhook_timeout = webhook_timeout

    # -- set-up -------------------------------------------------------------------------------

    def new_run(self) -> ChecklistRun:
        environment = self.provider.environment(self.profile.environment)
        return ChecklistRun(
            provider_id=self.provider.id,
            provider_name=self.provider.name,
            profile_name=self.profile.name,
            environment=self.profile.environment,
            region=self.profile.region,
            base_url=self.profile.base_url,
            production=bool(environment and environment.production),
            results=[StepResult(step) for step in self.provider.checklist],
            values=self._initial_values(),
        )

    def _initial_values(self) -> dict[str, Any]:
        return profile_values(self.profile, self.provider)

    # -- the run ------------------------------------------------------------------------------

    async def run(
        self, run: ChecklistRun | None = None, *, start_from: str | None = None
    ) -> AsyncIterator[ChecklistEvent]:
        """Run every step (or re-run from ``start_from``, keeping earlier results)."""
        if run is None:
            run = self.new_run()
        else:
            run.attempt += 1
        start_index = 0
        if start_from is not None:
            start_index = next((i for i, r in enumerate(run.results)
                                if r.step.id == start_from), 0)
        for result in run.results[start_index:]:
            result.status, result.summary, result.finding = StepStatus.PENDING, "", None
            result.findings, result.exchanges, result.skip_reason = [], [], ""
        run.finished_at = None
        yield RunStarted(run)
        blocked: str | None = None
        for index in range(start_index, len(run.results)):
            result = run.results[index]
            if blocked is not None:
                result.status = StepStatus.SKIPPED
                result.skip_reason = blocked
                result.summary = f"Skipped: {blocked}"
                yield StepFinished(index, result)
                continue
            result.status = StepStatus.RUNNING
            result.started_at = time.time()
            started = time.perf_counter()
            yield StepStarted(index, result)
            try:
                async for waiting in self._run_step(index, result, run):
                    yield waiting
            except asyncio.CancelledError:
                result.status = StepStatus.FAIL
                result.summary = "Cancelled."
                result.duration_ms = (time.perf_counter() - started) * 1000
                run.finished_at = time.time()
                raise
            result.duration_ms = (time.perf_counter() - started) * 1000
            run.values.update(result.extracted)
            yield StepFinished(index, result)
            if result.status is StepStatus.FAIL:
                blocked = result.step.blocks or f"fix “{result.step.title}” first"
        run.finished_at = time.time()
        yield RunFinished(run)

    async def _run_step(self, index: int, result: StepResult,
                        run: ChecklistRun) -> AsyncIterator[StepWaiting]:
        step = result.step
        missing = [name for name in step.requires if not run.values.get(name)]
        if missing:
            result.status = StepStatus.SKIPPED
            result.skip_reason = f"set {', '.join(missing)} on the profile to run this step"
            result.summary = f"Skipped: {result.skip_reason}."
            return
        kind = step.kind
        if kind is StepKind.MANUAL:
            result.status = StepStatus.PASS if result.ticked else StepStatus.MANUAL
            result.summary = step.instruction
            return
        if kind is StepKind.CREDENTIALS:
            self._credentials(result)
            return
        if kind is StepKind.TOKEN and self.provider.auth.type is AuthType.OAUTH2_CLIENT_CREDENTIALS:
            await self._token(result)
            return
        if kind is StepKind.REACHABILITY:
            await self._reachability(result)
            return
        if kind is StepKind.WEBHOOK:
            async for waiting in self._webhook(index, result, run):
                yield waiting
            return
        if step.request is None:
            result.status = StepStatus.PASS
            result.summary = "Nothing to send for this authentication scheme."
            return
        try:
            async for waiting in self._request(index, result, run):
                yield waiting
        except TokenError as exc:  # no token, so nothing was sent: a finding, not a traceback
            result.status = StepStatus.FAIL
            result.exchanges += [exc.exchange] if exc.exchange is not None else []
            result.findings = token_failure_findings(exc)
            result.finding = result.findings[0]
            result.summary = result.finding.title

    # -- step kinds ---------------------------------------------------------------------------

    def _secrets(self) -> dict[SecretKind, str | None]:
        return {kind: self.client.secret(kind) for kind in SecretKind}

    def _credentials(self, result: StepResult) -> None:
        wanted = {kind.value for kind in secret_kinds(self.provider)} | {"client_id"}
        findings = [f for f in check_profile(self.profile, self.provider, self._secrets())
                    if (f.location or "") in wanted]
        errors = [self._in_provider_words(f, result.step.id) for f in findings
                  if f.severity is Severity.ERROR]
        result.findings = errors + [f for f in findings if f.severity is not Severity.ERROR]
        if errors:
            result.status = StepStatus.FAIL
            result.finding = errors[0]
            result.summary = errors[0].title
            return
        result.status = StepStatus.PASS
        fmt = self.provider.auth.key_format
        result.summary = "Credentials are present" + (f" and have the expected format ({fmt})."
                                                        if fmt else ", with no stray whitespace.")

    def _in_provider_words(self, finding: Finding, step_id: str) -> Finding:
        """A local credential problem, explained by the provider's catalog when it has an entry.

        The profile check knows what is wrong (``profile.api_key_whitespace``); the catalog
        knows what that means for this API. The check's title stays as the evidence.
        """
        code = finding.code.removeprefix("profile.")
        synthetic = ("credentials_whitespace" if code.endswith("_whitespace") else
                     "credentials_missing" if code.endswith("_missing") else code)
        ctx = synthetic_context(code=synthetic, step=step_id, message=finding.title)
        catalog = [f for f in explain_context(ctx, self.provider) if f.source == "catalog"]
        if not catalog:
            return finding
        return replace(catalog[0], evidence=finding.title, location=finding.location,
                       fix=finding.fix, fix_value=finding.fix_value)

    async def _token(self, result: StepResult) -> None:
        collected: list[Exchange] = []
        try:
            state = await self.client.acquire_token(step=result.step.id, collect=collected.append)
        except TokenError as exc:
            result.exchanges = collected
            result.status = StepStatus.FAIL
            exchange = collected[-1] if collected else None
            result.finding = (exchange.top_finding if exchange and exchange.findings
                              else _token_failure(exc, exchange))
            result.findings = list(exchange.findings) if exchange and exchange.findings \
                else [result.finding]
            result.summary = result.finding.title
            return
        result.exchanges = collected
        result.status = StepStatus.PASS
        answered = collected[-1].status if collected else None
        result.summary = (f"Token acquired (HTTP {answered}), " if answered else
                          "Token acquired, ") + state.lifetime_text() + "."
        result.extracted = {"token_lifetime": state.lifetime_text()}
        secret = self.client.secret(SecretKind.CLIENT_SECRET)
        if has_edge_whitespace(secret):
            result.status = StepStatus.WARN
            result.finding = Finding(
                code="checklist.secret_whitespace_accepted", severity=Severity.WARN,
                title="The client secret has leading or trailing whitespace; this server "
                      "accepted it, but others compare secrets exactly.",
                next_action="Trim the secret in the profile.", source="checklist",
                location="client_secret", fix="trim")
            result.findings.append(result.finding)

    async def _reachability(self, result: StepResult) -> None:
        spec = RequestSpec("GET", self.profile.base_url or "/", attach_auth=False)
        exchange = await self.client.send(spec, step=result.step.id)
        result.exchanges = [exchange]
        if exchange.error is not None:
            result.status = StepStatus.FAIL
            result.findings = list(exchange.findings)
            result.finding = exchange.top_finding
            result.summary = result.finding.title if result.finding else exchange.error.message
            return
        result.status = StepStatus.PASS
        result.summary = f"{self.profile.base_url} answered (HTTP {exchange.status})."

    async def _send_with_429_retry(self, index: int, result: StepResult,
                                   spec: RequestSpec) -> AsyncIterator[StepWaiting]:
        exchange = await self.client.send(spec, step=result.step.id)
        result.exchanges.append(exchange)
        if exchange.status != 429:
            return
        wait = self._retry_wait(exchange)
        if wait > self.max_retry_wait:
            return  # too long to wait here: the step fails with the wait in its finding
        deadline = self._clock() + wait
        while (left := deadline - self._clock()) > 0:
            yield StepWaiting(index, result, left, f"429: retrying in {left:.0f} s "
                              "(the server's Retry-After)")
            await self._sleep(min(1.0, left))
        exchange = await self.client.send(spec, step=result.step.id)
        result.exchanges.append(exchange)

    def _retry_wait(self, exchange: Exchange) -> float:
        sample = exchange.ratelimit
        wait = getattr(sample, "retry_after", None)
        minimum = self.provider.ratelimit.min_wait_after_429
        if not isinstance(wait, int | float):
            wait = DEFAULT_429_WAIT
        return max(float(wait), float(minimum))

    async def _request(self, index: int, result: StepResult,
                       run: ChecklistRun) -> AsyncIterator[StepWaiting]:
        step = result.step
        assert step.request is not None
        spec, missing = render_request(step.request, run.values, self.profile.base_url)
        if missing:
            result.status = StepStatus.FAIL
            result.finding = Finding(
                code="checklist.missing_values", severity=Severity.ERROR,
                title=f"This step needs {', '.join(missing)}, which no earlier step produced.",
                next_action="Set it on the profile, or fix the earlier step that should "
                            "provide it.", source="checklist")
            result.summary = result.finding.title
            return
        if self.lint is not None:
            problems = [f for f in self.lint(spec) if f.severity is Severity.ERROR]
            if problems:
                result.status = StepStatus.FAIL
                result.findings = problems
                result.finding = problems[0]
                result.summary = f"Not sent: {problems[0].title}"
                return
        if step.sends_message and run.production:
            confirmation = SendConfirmation(
                provider=self.provider.name, environment=self.profile.environment,
                profile=self.profile.name, recipient=str(run.values.get("recipient", "")),
                sender=str(run.values.get("sender_e164") or run.values.get("numberId")
                           or run.values.get("send_from") or "the default sender"),
                endpoint=f"{spec.method} {spec.path}")
            if self.confirm is None or not await self.confirm(confirmation):
                result.status = StepStatus.SKIPPED
                result.skip_reason = "sending a real message on production was not confirmed"
                result.summary = f"Skipped: {result.skip_reason}."
                return
        async for waiting in self._send_with_429_retry(index, result, spec):
            yield waiting
        if step.poll is not None:
            async for waiting in self._poll(index, result, run, spec, step.poll):
                yield waiting
        judge(result, run, self.provider)

    async def _poll(self, index: int, result: StepResult, run: ChecklistRun,
                    spec: RequestSpec, poll: Poll) -> AsyncIterator[StepWaiting]:
        """Ask again every ``poll.every`` seconds until ``poll.until`` holds or time is up."""
        deadline = self._clock() + poll.timeout
        while not poll_done(poll, result, run):
            left = deadline - self._clock()
            if left <= 0:
                return
            yield StepWaiting(index, result, left,
                              f"waiting for the state to settle ({left:.0f} s left)")
            await self._sleep(min(poll.every, left))
            exchange = await self.client.send(spec, step=result.step.id)
            result.exchanges.append(exchange)

    async def _webhook(self, index: int, result: StepResult,
                       run: ChecklistRun) -> AsyncIterator[StepWaiting]:
        wait = result.step.webhook
        assert wait is not None
        message_id = run.values.get(wait.message_id)
        if not message_id:
            result.status = StepStatus.SKIPPED
            result.skip_reason = "no message was sent in this run, so there is nothing to follow"
            result.summary = f"Skipped: {result.skip_reason}."
            return
        if self.webhooks is None:
            result.status = StepStatus.SKIPPED
            result.skip_reason = "no webhook receiver is running for this profile"
            result.summary = f"Skipped: {result.skip_reason}."
            return
        timeout = self.webhook_timeout if self.webhook_timeout is not None else wait.timeout
        task = asyncio.ensure_future(self.webhooks.wait_for(str(message_id), wait.events,
                                                            timeout))
        deadline = time.monotonic() + timeout
        try:
            while not task.done():
                left = max(0.0, deadline - time.monotonic())
                yield StepWaiting(index, result, left,
                                  f"waiting for a webhook about {message_id} ({left:.0f} s left)")
                await asyncio.wait({task}, timeout=min(1.0, left + 0.5))
        finally:
            if not task.done():
                task.cancel()
        outcome = task.result()
        if outcome.code == "ok":
            result.status = StepStatus.PASS
            result.summary = outcome.summary
            return
        ctx = synthetic_context(code=outcome.code, step=result.step.id, message=outcome.summary)
        findings = explain_context(ctx, self.provider) or [Finding(
            code=f"checklist.{outcome.code}", severity=Severity.ERROR, title=outcome.summary,
            source="checklist")]
        main = findings[0]
        if outcome.details:
            main = _with_evidence(main, "; ".join(outcome.details))
        result.finding = main
        result.findings = [main, *findings[1:]]
        result.summary = outcome.summary
        result.status = StepStatus.WARN if main.severity is Severity.WARN else StepStatus.FAIL


def _token_failure(exc: TokenError, exchange: Exchange | None) -> Finding:
    """The token step's finding when no catalog or HTTP rule spoke about the answer.

    Only a missing credential is the profile's fault; any other answer is quoted,
    so a response nobody anticipated is shown rather than explained away.
    """
    if isinstance(exc, MissingCredentialsError):
        return Finding(code="checklist.token_credentials_missing", severity=Severity.ERROR,
                       title=str(exc), next_action="Set the missing credential on the profile.",
                       source="checklist")
    status = exchange.status if exchange is not None else None
    return Finding(
        code="checklist.token_unexpected_answer", severity=Severity.ERROR, title=str(exc),
        causes=(
            "The token path answers, but not with an OAuth2 token: it may be another "
            "endpoint (check the base URL and the provider's token path).",
            "A proxy or gateway answered in the provider's place.",
            "The provider changed the shape of its token response.",
        ),
        next_action="Compare the answer quoted above with the provider's token documentation; "
                    "the History page shows the whole exchange.",
        source="checklist",
        evidence=f"HTTP {status}" if status is not None else "no HTTP answer")


def _with_evidence(finding: Finding, evidence: str) -> Finding:
    return replace(finding, evidence=evidence)
