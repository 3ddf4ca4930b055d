"""Signed bookmark tokens: how a client carries its writes' Neo4j bookmarks to its next request.

A write response's ``X-Graph-Bookmarks`` header contains the driver's bookmarks for that write,
encoded and signed with a key derived from the API key. A client that sends the token back is
served by a query that waits for those writes, on any worker process and any cluster member.
The signature means that only bookmarks this service issued ever reach Neo4j, so a forged
value can neither fail inside the server nor make a query wait for a transaction that will
never come.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

HEADER = "X-Graph-Bookmarks"
MAX_TOKEN_LENGTH = 4096
TOKEN_PATTERN = r"^[A-Za-z0-9_-]+\.[0-9a-f]{32}$"
_SIGNATURE_HEX_DIGITS = 32


class InvalidBookmarksError(ValueError):
    """A bookmark token that this service did not issue, or that was changed."""


def encode(bookmarks: list[str], api_key: str) -> str:
    """Return a token that carries ``bookmarks`` and a signature made with ``api_key``."""
    payload = base64.urlsafe_b64encode(json.dumps(sorted(bookmarks)).encode()).decode().rstrip("=")
    return f"{payload}.{_signature(payload, api_key)}"


def decode(token: str, api_key: str | None) -> list[str]:
    """Return the bookmarks in ``token``; raise InvalidBookmarksError unless this service issued it."""
    payload, _, signature = token.partition(".")
    if api_key is None or len(token) > MAX_TOKEN_LENGTH or not payload or not signature:
        raise InvalidBookmarksError(token)
    if not hmac.compare_digest(signature.encode(), _signature(payload, api_key).encode()):
        raise InvalidBookmarksError(token)
    try:
        bookmarks = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError) as error:
        raise InvalidBookmarksError(token) from error
    if not isinstance(bookmarks, list) or not all(isinstance(value, str) for value in bookmarks):
        raise InvalidBookmarksError(token)
    return bookmarks


def _signature(payload: str, api_key: str) -> str:
    key = hashlib.sha256(b"graph_rec bookmarks\0" + api_key.encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:_SIGNATURE_HEX_DIGITS]
