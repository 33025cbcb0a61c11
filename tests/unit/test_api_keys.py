"""API keys are kept only as digests and resolve to exactly one principal."""

import pytest
from pydantic import ValidationError

from oms.api_keys import key_digest, parameter_name, principal_for_key
from oms.principals import Principal

REGISTRY = {
    key_digest("web-key"): '{"kind": "channel", "channel": "web"}',
    key_digest("web-key-next"): '{"kind": "channel", "channel": "web"}',
    key_digest("admin-key"): '{"kind": "admin"}',
    key_digest("broken-key"): '{"kind": "channel"}',
}


def test_a_channel_key_stands_for_its_channel():
    assert principal_for_key("web-key", REGISTRY) == Principal(kind="channel", channel="web")


def test_both_keys_work_during_a_rotation():
    assert principal_for_key("web-key-next", REGISTRY) == principal_for_key("web-key", REGISTRY)


@pytest.mark.parametrize("key", [None, "", "unknown-key", "broken-key", key_digest("web-key")])
def test_missing_unknown_or_malformed_keys_stand_for_nobody(key):
    assert principal_for_key(key, REGISTRY) is None


def test_the_parameter_holds_the_digest_never_the_key():
    name = parameter_name("/oms/dev/api-keys/", "web-key")

    assert name == f"/oms/dev/api-keys/{key_digest('web-key')}"
    assert "web-key" not in name


@pytest.mark.parametrize("fields", [{"kind": "channel"}, {"kind": "admin", "channel": "web"}, {"kind": "root"}])
def test_a_principal_is_either_a_channel_with_its_name_or_an_admin(fields):
    with pytest.raises(ValidationError):
        Principal.model_validate(fields)


def test_an_admin_reads_every_channel_and_a_channel_only_its_own():
    admin, web = Principal(kind="admin"), Principal(kind="channel", channel="web")

    assert admin.may_read_channel("shopify")
    assert web.may_read_channel("web") and not web.may_read_channel("shopify")
