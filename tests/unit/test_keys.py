"""`oms keys`' pure parts: new keys, principals from options, and which stored key a reference names."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from infra.keys import (
    REGISTRY_CACHE_SECONDS,
    VERDICT_CACHE_SECONDS,
    KeyCommandError,
    StoredKey,
    find_key,
    keys_path,
    new_key,
    principal_of,
)
from infra.local.template import load_yaml
from oms.api_keys import key_digest, parameter_name
from oms.principals import Principal

ROOT = Path(__file__).resolve().parents[2]
KEYS_PATH = "/oms/dev/api-keys"
WEB = Principal(kind="channel", channel="web")


def stored(digest: str, principal: Principal | None = WEB) -> StoredKey:
    return StoredKey(f"{KEYS_PATH}/{digest}", principal, datetime(2026, 11, 20, 10, 15, tzinfo=UTC))


def test_a_new_key_is_long_random_and_recognisable():
    # GIVEN two fresh keys
    first, second = new_key(), new_key()

    # THEN both carry the greppable prefix and 256 random bits, and differ
    assert re.fullmatch(r"oms_[A-Za-z0-9_-]{43}", first)
    assert first != second


@pytest.mark.parametrize(
    ("options", "principal"),
    [
        ({"kind": "channel", "channel": "shopify"}, Principal(kind="channel", channel="shopify")),
        ({"kind": "location", "location": "store-sf"}, Principal(kind="location", location_id="store-sf")),
        ({"kind": "admin"}, Principal(kind="admin")),
        ({"kind": "chat", "shop": "demo"}, Principal(kind="chat", shop="demo")),
    ],
)
def test_the_options_name_a_principal(options, principal):
    assert principal_of(**options) == principal


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "root"}, r"^invalid principal: --kind: Input should be 'channel', 'location', 'admin' or 'chat'$"),
        ({"kind": "chat"}, r"^invalid principal: a chat principal names its shop, and only it does$"),
        ({"kind": "channel", "channel": "ebay"}, r"^invalid principal: --channel: Input should be 'web', .*'pos'$"),
        ({"kind": "channel"}, r"^invalid principal: a channel principal names its channel, and only it does$"),
        ({"kind": "admin", "channel": "web"}, r"^invalid principal: a channel principal names its channel"),
        ({"kind": "location", "location": "Store SF"}, r"^invalid principal: --location: String should match"),
    ],
)
def test_options_naming_no_principal_are_refused_in_one_line(options, message):
    with pytest.raises(KeyCommandError, match=message) as refused:
        principal_of(**options)

    assert "\n" not in str(refused.value)


def test_a_key_its_digest_or_a_digest_prefix_finds_the_stored_key():
    # GIVEN the stored digests of two keys
    web, admin = stored(key_digest("web-key")), stored(key_digest("admin-key"), Principal(kind="admin"))

    # THEN the key, the whole digest, and any prefix of 8+ hex digits each find it
    for reference in ("admin-key", key_digest("admin-key"), key_digest("admin-key")[:8]):
        assert find_key([web, admin], reference) == admin


def test_an_ambiguous_prefix_is_refused_naming_the_candidates():
    # GIVEN two digests sharing their first 8 hex digits
    keys = [stored("abcdef01" + "0" * 56), stored("abcdef01" + "1" * 56)]

    # WHEN the shared prefix is given THEN neither is chosen
    with pytest.raises(KeyCommandError, match=r"ambiguous \(abcdef010000, abcdef011111\)"):
        find_key(keys, "abcdef01")


def test_a_prefix_shorter_than_8_hex_digits_is_refused():
    with pytest.raises(KeyCommandError, match="at least 8 hex digits"):
        find_key([stored(key_digest("web-key"))], key_digest("web-key")[:7])


def test_an_unknown_key_is_not_found_and_not_echoed():
    # WHEN a key nobody stored is given
    with pytest.raises(KeyCommandError, match="no stored API key matches") as refused:
        find_key([stored(key_digest("web-key"))], "oms_leaked-secret")

    # THEN the error does not repeat it
    assert "oms_leaked-secret" not in str(refused.value)


def test_a_listed_key_shows_its_digest_prefix_principal_and_creation_never_more():
    line = stored(key_digest("web-key")).describe()

    assert line.split() == [key_digest("web-key")[:12], "channel:web", "2026-11-20T10:15:00Z"]


def test_a_parameter_that_is_no_principal_is_listed_as_such():
    assert "(not a valid principal)" in stored(key_digest("broken-key"), None).describe()


def test_the_keys_path_is_the_one_the_authorizer_reads():
    environment = load_yaml(ROOT / "template.yaml")["Resources"]["AuthorizerFunction"]["Properties"]["Environment"]

    assert {"Fn::Sub": keys_path("${Stage}")} == environment["Variables"]["OMS_API_KEYS_PATH"]
    assert parameter_name(keys_path("dev"), "web-key") == f"/oms/dev/api-keys/{key_digest('web-key')}"


def test_the_promised_revocation_delay_is_both_caches():
    # GIVEN the caches as template.yaml and the authorizer configure them
    (api,) = (r for r in load_yaml(ROOT / "template.yaml")["Resources"].values() if r["Type"] == "AWS::Serverless::Api")
    authorizers = api["Properties"]["Auth"]["Authorizers"]
    authorizer_source = ast.parse((ROOT / "functions/authorizer/app.py").read_text())
    registry_max_age = next(
        node.value.value
        for node in authorizer_source.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "REGISTRY_MAX_AGE_SECONDS"
    )

    # THEN what `oms keys` tells operators matches them
    assert authorizers["ApiKeyAuthorizer"]["Identity"]["ReauthorizeEvery"] == VERDICT_CACHE_SECONDS
    assert registry_max_age == REGISTRY_CACHE_SECONDS
