"""A profile's journal masks every secret of the profile, and each token the session learns."""

from __future__ import annotations

import asyncio
import base64

import httpx

from desktop.core.paths import data_dir
from desktop.core.profiles import Profile
from desktop.core.provider import load_registry
from desktop.core.secrets import SecretKind
from desktop.core.sessions import ProfileSession

CLIENT_SECRET = "canary-client-secret-7f3a9c"
TOKEN = "canary-access-token-5b8e2d71"


def test_a_sender_echoing_the_client_secret_or_a_token_never_reaches_the_journal():
    provider = load_registry().require("redcloud")
    profile = Profile(name="p", provider="redcloud", environment="staging",
                      base_url="https://api.example.test", settings={"client_id": "c"})
    secrets = {SecretKind.CLIENT_SECRET: CLIENT_SECRET, SecretKind.WEBHOOK_SECRET: "whs-1"}
    session = ProfileSession(profile, provider, secrets.get, journal_name="canary")

    async def main() -> None:
        receiver = await session.start_receiver()
        session.secret_learned.emit(TOKEN)  # what the client does when a token arrives
        async with httpx.AsyncClient() as client:
            await client.post(f"{receiver.url}hooks?echo={CLIENT_SECRET}",
                              headers={"X-Echo": TOKEN}, content=b'{"type": "x"}')
        await session.aclose()

    asyncio.run(main())
    written = b"".join(path.read_bytes() for path in (data_dir() / "webhooks" / "canary")
                       .rglob("*") if path.is_file())
    assert written  # the event was journalled
    for canary in (CLIENT_SECRET, TOKEN):
        for form in (canary.encode(), base64.b64encode(canary.encode())):
            assert form not in written
