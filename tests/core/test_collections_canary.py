"""Canary secrets never reach a collection file or an export, in any form.

Secrets are planted where they travel — an Authorization header, an API-key
header, a token in the query, a password in a JSON body, in a form body and
in the URL, the profile's own secret values in free text, headers and
bodies, secret-named collection variables, imported auth helpers — then
every operation that writes runs, and every byte under the app's folders
(and the Postman export) is scanned for the canaries, plain, URL-encoded
and base64-encoded.
"""

from __future__ import annotations

import base64
import json
import string
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.client.spec import RequestSpec
from desktop.core.collections import (
    CollectionLibrary,
    SavedRequest,
    apply_to_collection,
    export_text,
    preview_file,
)
from desktop.core.collections.safety import default_redactor
from desktop.core.redact import Redactor

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"
BEARER = "cnry-bearer-4f1d9a7c2e"
API_KEY = "cnry-apikey-8b2e6d1f0a"
QUERY_TOKEN = "cnry-qtoken-5c7a9e3b1d"
JSON_PASSWORD = "cnry-jsonpw-2d8f4a6c0e"
FORM_PASSWORD = "cnry-formpw-9e1b3d5f7a"
URL_PASSWORD = "cnry-urlpw-6a0c2e4b8d"
CLIENT_SECRET = "cnry-clientsecret-3f5b7d9a1c"
CANARIES = (BEARER, API_KEY, QUERY_TOKEN, JSON_PASSWORD, FORM_PASSWORD, URL_PASSWORD,
            CLIENT_SECRET)
IMPORTED_SECRETS = ("D+EdQ-gs$-%@2Nu7", "exampleClientSecret")
"""An OAuth1 consumer secret and an OAuth2 client secret in the Postman fixtures."""


def forms(secret: str) -> set[str]:
    raw = secret.encode()
    return {secret, quote(secret, safe=""), quote_plus(secret),
            base64.b64encode(raw).decode().rstrip("="),
            base64.urlsafe_b64encode(raw).decode().rstrip("=")}


def scan(root: Path, secrets: tuple[str, ...], extra: dict[str, str] | None = None) -> list[str]:
    """Every (file, secret) pair where a form of a secret appears, in a file or its name."""
    leaks = []
    texts = {str(p): str(p.relative_to(root)) + "\n" + p.read_bytes().decode("utf-8", "replace")
             for p in root.rglob("*") if p.is_file()}
    texts.update(extra or {})
    for name, text in texts.items():
        for secret in secrets:
            if any(form in text for form in forms(secret) if len(form) >= 6):
                leaks.append(f"{name}: {secret}")
    return leaks


def planted_spec() -> RequestSpec:
    body = json.dumps({"to": ["+14155550123"], "password": JSON_PASSWORD,
                       "note": f"secret is {CLIENT_SECRET}",
                       "nested": {"client_secret": CLIENT_SECRET}}).encode()
    return RequestSpec(
        "POST", f"https://user:{URL_PASSWORD}@api.test/api/send?access_token={QUERY_TOKEN}&x=1",
        headers=(("Authorization", f"Bearer {BEARER}"), ("X-Api-Key", API_KEY),
                 ("X-Trace", CLIENT_SECRET), ("Content-Type", "application/json")),
        body=body)


def test_every_byte_written_is_free_of_the_canaries(isolated_home: Path, tmp_path: Path) -> None:
    redactor = Redactor({"client_secret": CLIENT_SECRET}, mask_phones=False)
    library = CollectionLibrary(redactor=redactor)
    collection = library.create(f"Canary {CLIENT_SECRET}", f"curl -H 'Authorization: Bearer "
                                f"{BEARER}'",
                                {"password": JSON_PASSWORD, "note": CLIENT_SECRET,
                                 "recipient": "+14155550123"})
    collection._trash_dir = isolated_home / "data" / "trash"
    first = collection.save_spec(planted_spec(), f"Send {CLIENT_SECRET}",
                                 base_url="https://api.test")
    assert any("Authorization" in d for d in first.dropped)
    assert any("X-Api-Key" in d for d in first.dropped)
    form = RequestSpec("POST", "https://api.test/token",
                       headers=(("Content-Type", "application/x-www-form-urlencoded"),
                                ("Cookie", f"session={BEARER}")),
                       body=f"grant_type=password&password={FORM_PASSWORD}&u=me".encode())
    second = collection.save_spec(form, "Form login")
    folder = collection.add_folder(f"Folder {CLIENT_SECRET}")
    renamed = collection.rename(second.path, f"Renamed {CLIENT_SECRET}")
    copy = collection.duplicate(first.path)
    collection.move(copy, folder)
    collection.reorder("", [renamed])
    deleted = collection.delete(renamed)
    collection.restore(deleted)
    for fixture in ("postman/nested-entities.postman_collection.json",
                    "postman/oauth2-export.postman_collection.json",
                    "insomnia/insomnia_v4.json"):
        apply_to_collection(preview_file(IMPORTS / fixture), library,
                            into=collection.name)
    exported = export_text(collection, base_url="https://api.test")
    saved = collection.read(first.path)
    assert "access_token=%5BREDACTED" in saved.url
    assert "@api.test/api/send" in saved.url
    assert "+14155550123" in saved.body.text  # a saved test recipient is kept
    leaks = scan(isolated_home, CANARIES + IMPORTED_SECRETS, {"export": exported})
    assert leaks == [], "\n".join(leaks)


def test_placeholders_in_secret_fields_are_kept(isolated_home: Path) -> None:
    collection = CollectionLibrary().create("Placeholders")
    spec = RequestSpec("POST", "https://api.test/login?api_key={{api_key}}",
                       headers=(("Content-Type", "application/json"),),
                       body=b'{"username": "{{user}}", "password": "{{password}}"}')
    saved = collection.read(collection.save_spec(spec, "Login").path)
    assert saved.url == "https://api.test/login?api_key={{api_key}}"
    assert json.loads(saved.body.text) == {"username": "{{user}}", "password": "{{password}}"}


SECRET_TEXT = st.text(string.ascii_letters + string.digits + "-_.~+/=!$*@:%", min_size=12,
                      max_size=40).filter(lambda s: s.strip() == s and "{{" not in s)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(secret=SECRET_TEXT, place=st.sampled_from(
    ["authorization", "api_key_header", "query", "json", "form", "userinfo", "known_text"]))
def test_a_random_canary_in_any_place_is_never_written(tmp_path: Path, secret: str,
                                                       place: str) -> None:
    home = tmp_path / place / str(abs(hash(secret)))
    redactor = default_redactor()
    redactor.add_secret(secret, "client_secret")
    library = CollectionLibrary(home / "collections", home / "registry.json", redactor=redactor)
    collection = library.create("Random canary")
    url, headers, body, content_type = "https://api.test/x", [], b"", "application/json"
    if place == "authorization":
        headers.append(("Authorization", f"Bearer {secret}"))
    elif place == "api_key_header":
        headers.append(("X-Api-Key", secret))
    elif place == "query":
        url += "?token=" + quote(secret, safe="")
    elif place == "json":
        body = json.dumps({"password": secret}).encode()
    elif place == "form":
        body, content_type = f"password={quote(secret, safe='')}".encode(), \
            "application/x-www-form-urlencoded"
    elif place == "userinfo":
        url = f"https://me:{quote(secret, safe='')}@api.test/x"
    else:
        body = f"free text with {secret} inside".encode()
        content_type = "text/plain"
    headers.append(("Content-Type", content_type))
    collection.save_spec(RequestSpec("POST", url, headers=tuple(headers), body=body), "Req")
    assert scan(home, (secret,), {"export": export_text(collection)}) == []


def test_a_save_that_would_leak_a_known_secret_is_refused(isolated_home: Path) -> None:
    from desktop.core.collections import UnsafeWriteError
    from desktop.core.collections.files import request_text
    from desktop.core.collections.safety import check_clean

    redactor = Redactor({"api_key": API_KEY})
    text = request_text(SavedRequest("x", "GET", "/x?k=" + API_KEY))
    with pytest.raises(UnsafeWriteError, match="nothing was") as caught:
        check_clean(text, redactor, "x.toml")
    assert API_KEY not in str(caught.value)


def test_a_collection_bound_to_a_session_redacts_with_the_profile_secrets(
        isolated_home: Path) -> None:
    from desktop.core.collections import bind_to_session
    from desktop.core.profiles import Profile
    from desktop.core.provider import load_registry
    from desktop.core.sessions import ProfileSession

    provider = load_registry().get("generic-apikey")
    profile = Profile("Keyed", provider.id, provider.environments[0].id,
                      base_url="https://api.test")
    session = ProfileSession(profile, provider, {"api_key": API_KEY}.get)
    collection = CollectionLibrary().create("Bound")
    bind_to_session(collection, session)
    spec = RequestSpec("GET", "https://api.test/x", headers=(
        ("X-API-Key", API_KEY), ("X-Echo", f"k={API_KEY}")))
    result = collection.save_spec(spec, "Keyed request", base_url="https://api.test")
    assert any("X-API-Key" in d for d in result.dropped)
    assert scan(collection.root, (API_KEY,)) == []
