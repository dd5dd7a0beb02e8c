"""Shared set-up for the collections window tests: a collection on disk in the temp config dir."""

from __future__ import annotations

from desktop.core.collections import Body, BodyType, CollectionLibrary, Header, SavedRequest


def smoke_collection(library: CollectionLibrary):
    """“Smoke tests”: Who am I, Messages / List numbers, Messages / Send a test SMS."""
    collection = library.create("Smoke tests", "after every deploy",
                                {"send_from": "num_sbx_0142", "recipient": "+14155550123"})
    collection.save(SavedRequest("Who am I", "GET", "{{base_url}}/api/core/whoami"))
    folder = collection.add_folder("Messages")
    collection.save(SavedRequest("List numbers", "GET", "/api/core/numbers"), folder)
    collection.save(SavedRequest(
        "Send a test SMS", "POST", "{{base_url}}/api/core/messages/send",
        headers=(Header("Idempotency-Key", "{{uuid}}"),),
        body=Body(BodyType.JSON, '{"sendFrom": "{{send_from}}", "to": ["{{recipient}}"], '
                                 '"messageType": "SMS", "text": "hi"}')), folder)
    return collection
