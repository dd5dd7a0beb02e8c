"""Nothing secret reaches a collection file: every write passes through the one redactor.

Before a request is written its credential headers are dropped (the
profile's auth adds them when it is sent), and its name, URL, other headers
and body go through ``Redactor``. A value that is only a placeholder
(``"password": "{{password}}"``) is not a secret, whatever its field is
called, so it is put back after redaction: that is how Postman and Bruno
users keep secrets out of their files, and it must keep working here.
Last, the text about to be written is searched for every secret the
redactor knows; a hit refuses the write.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from desktop.core.collections.model import Body, BodyType, Header, SavedRequest
from desktop.core.redact import Redactor, secret_kind
from desktop.core.templates import PLACEHOLDER

CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_MAX_RESTORE_DEPTH = 64


class UnsafeWriteError(ValueError):
    """A known secret would have been written; nothing was."""


@dataclass(frozen=True, slots=True)
class Scrubbed:
    request: SavedRequest
    dropped: tuple[str, ...] = ()
    """What was left out, in words (``header Authorization: ...``)."""


def default_redactor() -> Redactor:
    """A redactor for collection files: secrets by name and shape; phone numbers kept
    (a saved test recipient is the point of saving the request)."""
    return Redactor(mask_phones=False)


def is_credential(name: str, extra: Iterable[str] = ()) -> bool:
    lowered = name.strip().lower()
    return (lowered in CREDENTIAL_HEADERS or lowered in {e.lower() for e in extra}
            or secret_kind(name) is not None)


def scrub(saved: SavedRequest, redactor: Redactor, *,
          credential_headers: Iterable[str] = ()) -> Scrubbed:
    """The request as it may be written: credentials out, everything else redacted."""
    extra = tuple(credential_headers)
    dropped: list[str] = []
    kept: list[Header] = []
    for header in saved.headers:
        if is_credential(header.name, extra):
            dropped.append(f"header {header.name}: credentials come from the profile when "
                           "the request is sent")
        else:
            kept.append(header)
    redacted = redactor.redact_headers([(h.name, h.value) for h in kept])
    headers = tuple(replace(h, value=h.value if _placeholder(h.value) else value)
                    for h, (_, value) in zip(kept, redacted, strict=True))
    content_type = saved.header("Content-Type") or _type_for(saved.body.type)
    clean = replace(
        saved,
        name=redactor.redact_text(saved.name),
        description=redactor.redact_text(saved.description),
        url=_restore_pairs(saved.url, redactor.redact_url(saved.url), url=True),
        headers=headers,
        body=_scrub_body(saved.body, content_type, redactor),
        extras={k: redactor.redact_text(v) for k, v in saved.extras.items()},
    )
    return Scrubbed(clean, tuple(dropped))


def scrub_text(text: str, redactor: Redactor) -> str:
    return redactor.redact_text(text)


def scrub_variables(variables: dict[str, str], redactor: Redactor) -> tuple[dict[str, str],
                                                                              list[str]]:
    """Collection variables as they may be written: secret-named ones are left out."""
    kept: dict[str, str] = {}
    dropped: list[str] = []
    for name, value in variables.items():
        if secret_kind(name) is not None and not _placeholder(value):
            dropped.append(name)
            continue
        kept[name] = value if _placeholder(value) else redactor.redact_text(value)
    return kept, dropped


def check_clean(text: str, redactor: Redactor, where: str) -> None:
    """Refuse to write ``text`` when a secret the redactor knows is in it, in any form."""
    kind = redactor.find_known_secret(text)
    if kind is not None:
        raise UnsafeWriteError(f"{where}: a secret ({kind}) would have been written; "
                               "nothing was")


def _type_for(body_type: BodyType) -> str:
    return {BodyType.JSON: "application/json",
            BodyType.FORM: "application/x-www-form-urlencoded"}.get(body_type, "text/plain")


def _placeholder(value: str) -> bool:
    return PLACEHOLDER.fullmatch(value.strip()) is not None


def _scrub_body(body: Body, content_type: str, redactor: Redactor) -> Body:
    if body.type is BodyType.NONE or not body.text:
        return body
    if body.type is BodyType.BASE64:
        data = body.to_bytes()
        clean = redactor.redact_bytes(data, content_type)
        return body if clean == data else replace(body, text=base64.b64encode(clean).decode())
    redacted = redactor.redact_bytes(body.text.encode("utf-8"), content_type).decode(
        "utf-8", "replace")
    if redacted == body.text:
        return body
    if body.type is BodyType.JSON:
        redacted = _restore_json(body.text, redacted)
    elif body.type is BodyType.FORM:
        redacted = _restore_pairs(body.text, redacted, url=False)
    return replace(body, text=redacted)


def _restore_pairs(original: str, redacted: str, *, url: bool) -> str:
    """Put back query or form values that were only a placeholder, segment by segment."""
    if original == redacted:
        return redacted
    if url:
        _, sep, query = original.partition("?")
        r_head, r_sep, r_query = redacted.partition("?")
        if not sep or not r_sep or "#" in original:
            return redacted
        return r_head + "?" + _restore_pairs(query, r_query, url=False)
    ours, theirs = original.split("&"), redacted.split("&")
    if len(ours) != len(theirs):
        return redacted
    out = []
    for mine, clean in zip(ours, theirs, strict=True):
        _, eq, value = mine.partition("=")
        out.append(mine if eq and _placeholder(value) and mine.split("=")[0] ==
                   clean.split("=")[0] else clean)
    return "&".join(out)


def _restore_json(original: str, redacted: str) -> str:
    try:
        before, after = json.loads(original), json.loads(redacted)
    except (ValueError, RecursionError):
        return redacted
    restored, changed = _restore(before, after, 0)
    if not changed:
        return redacted
    indent = 2 if "\n" in original.strip() else None
    return json.dumps(restored, indent=indent, ensure_ascii=False)


def _restore(before: Any, after: Any, depth: int) -> tuple[Any, bool]:
    if depth > _MAX_RESTORE_DEPTH:
        return after, False
    if isinstance(before, str) and isinstance(after, str):
        return (before, True) if before != after and _placeholder(before) else (after, False)
    if isinstance(before, dict) and isinstance(after, dict) and list(before) == list(after):
        changed = False
        out = {}
        for name in after:
            out[name], child = _restore(before[name], after[name], depth + 1)
            changed |= child
        return out, changed
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs = [_restore(b, a, depth + 1) for b, a in zip(before, after, strict=True)]
        return [p[0] for p in pairs], any(p[1] for p in pairs)
    return after, False
