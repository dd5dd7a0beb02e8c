"""A saved request edited in the Composer and saved back over itself.

The Composer shows a saved request resolved (``{{base_url}}``, ``{{uuid}}``
and the collection's variables filled in) so it can be sent as it is. Saving
it back must not bake those values into the file: a fresh ``{{uuid}}`` would
become one fixed Idempotency-Key, a staging host would replace
``{{base_url}}``. So what the user did not change keeps the text it had in
the file; what they changed is saved as edited. Disabled headers (not shown
in the Composer) are kept, as are the order, description and origin.
"""

from __future__ import annotations

from dataclasses import replace

from desktop.core.client.spec import RequestSpec
from desktop.core.collections.model import Header, SavedRequest, from_spec


def edited_request(original: SavedRequest, shown: RequestSpec, edited: RequestSpec, *,
                   base_url: str = "", name: str | None = None) -> SavedRequest:
    """``original`` as the file had it, ``shown`` the spec the Composer displayed for it,
    ``edited`` the Composer's spec now: the request to write over ``original``."""
    fresh = from_spec(edited, (name or original.name).strip(), base_url=base_url,
                      description=original.description)
    url = original.url if edited.url == shown.url else fresh.url
    body = original.body if edited.body == shown.body else fresh.body
    # Credentials withheld (another host) show as unticked: unchanged, the file keeps its auth.
    auth = original.auth if edited.attach_auth == shown.attach_auth else fresh.auth
    templated, added = _align([h for h in original.headers if h.enabled], shown.headers)
    headers: list[Header] = []
    for pair in edited.headers:
        kept = templated.get((pair[0], pair[1]))
        if kept:
            headers.append(kept.pop(0))
        elif pair in added:
            added.discard(pair)  # shown but not in the file (a default Content-Type, a
            # credential the file leaves out): unchanged, it stays out
        else:
            headers.append(Header(pair[0], pair[1]))
    headers += [h for h in original.headers if not h.enabled]
    return replace(fresh, url=url, body=body, auth=auth, headers=tuple(headers), seq=original.seq,
                   extras=dict(original.extras))


def _align(enabled: list[Header], shown: tuple[tuple[str, str], ...],
           ) -> tuple[dict[tuple[str, str], list[Header]], set[tuple[str, str]]]:
    """Which shown header each file header became (``resolve`` keeps their order; the file
    may lack some shown ones), and the shown headers no file header explains."""
    templated: dict[tuple[str, str], list[Header]] = {}
    used: set[int] = set()
    at = 0
    for header in enabled:
        while at < len(shown) and "{{" not in header.name and \
                shown[at][0].lower() != header.name.lower():
            at += 1
        if at >= len(shown):
            break
        templated.setdefault(shown[at], []).append(header)
        used.add(at)
        at += 1
    return templated, {pair for i, pair in enumerate(shown) if i not in used}
