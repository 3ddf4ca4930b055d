"""Signed bookmark tokens: only tokens this service issued decode."""

import re

import pytest

from webapi.bookmarks import TOKEN_PATTERN, InvalidBookmarksError, decode, encode

KEY = "bookmark-key-0123456789"
BOOKMARKS = ["FB:kcwQy6k5Q0qQ4vJ3tSg0mXN0wgGQ", "FB:kcwQy6k5Q0qQ4vJ3tSg0mXN0wgGR"]


def test_round_trip_matches_the_documented_pattern():
    token = encode(BOOKMARKS, KEY)
    assert re.fullmatch(TOKEN_PATTERN, token)
    assert decode(token, KEY) == sorted(BOOKMARKS)
    assert decode(encode([], KEY), KEY) == []


@pytest.mark.parametrize(
    "token",
    [
        "",
        "0",
        "abc",
        "abc.",
        ".0123456789abcdef0123456789abcdef",
        "e30.0123456789abcdef0123456789abcdef",
        "x" * 5000,
    ],
)
def test_forged_tokens_rejected(token):
    with pytest.raises(InvalidBookmarksError):
        decode(token, KEY)


def test_changed_payload_or_other_key_rejected():
    payload, _, signature = encode(BOOKMARKS, KEY).partition(".")
    forged = encode(["FB:other"], KEY).partition(".")[0]
    with pytest.raises(InvalidBookmarksError):
        decode(f"{forged}.{signature}", KEY)
    with pytest.raises(InvalidBookmarksError):
        decode(f"{payload}.{signature}", "another-key-0123456789")
    with pytest.raises(InvalidBookmarksError):
        decode(f"{payload}.{signature}", None)
