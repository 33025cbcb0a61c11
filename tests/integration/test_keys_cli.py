"""`oms keys` against in-process moto: issued keys work in the authorizer, and only digests are stored."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from infra.cli import main
from oms.api_keys import key_digest, principal_for_key
from oms.principals import Principal

KEYS_PATH = "/oms/dev/api-keys"


@pytest.fixture
def ssm(monkeypatch):
    monkeypatch.delenv("OMS_STAGE", raising=False)
    with mock_aws():
        yield boto3.client("ssm")


def oms_keys(*argv: str) -> int:
    try:
        return main(["keys", *argv])
    except SystemExit as exit:  # argparse's verdict on malformed command lines
        return exit.code


def registry(ssm, keys_path: str = KEYS_PATH) -> dict[str, str]:
    """What the authorizer reads: every digest under the path, with its principal's JSON."""
    parameters = ssm.get_parameters_by_path(Path=keys_path, WithDecryption=True)["Parameters"]
    return {parameter["Name"].rsplit("/", 1)[-1]: parameter["Value"] for parameter in parameters}


def everything_stored(ssm) -> str:
    described = ssm.describe_parameters()["Parameters"]
    values = ssm.get_parameters_by_path(Path="/", Recursive=True, WithDecryption=True)["Parameters"]
    return repr(described) + repr(values)


def issue(capsys, *argv: str) -> str:
    assert oms_keys(*argv) == 0
    return capsys.readouterr().out.strip()


def test_a_created_key_is_printed_once_and_stands_for_its_principal(ssm, capsys):
    # WHEN an operator creates a key for the Shopify channel
    assert oms_keys("create", "--kind", "channel", "--channel", "shopify") == 0
    printed = capsys.readouterr()
    key = printed.out.strip()

    # THEN stdout is the key alone, with a warning beside it that it will not be shown again
    assert key.startswith("oms_")
    assert "cannot be shown again" in printed.err
    assert key not in printed.err
    # AND the authorizer's registry resolves it to the channel
    assert principal_for_key(key, registry(ssm)) == Principal(kind="channel", channel="shopify")
    # AND SSM holds its digest as a described SecureString, and the key nowhere
    (parameter,) = ssm.describe_parameters()["Parameters"]
    assert parameter["Name"] == f"{KEYS_PATH}/{key_digest(key)}"
    assert parameter["Type"] == "SecureString"
    assert parameter["Description"].startswith("API key for channel:shopify, created ")
    assert key not in everything_stored(ssm)
    assert key.removeprefix("oms_") not in everything_stored(ssm)


@pytest.mark.parametrize(
    ("argv", "principal"),
    [
        (["--kind", "location", "--location", "store-sf"], Principal(kind="location", location_id="store-sf")),
        (["--kind", "admin"], Principal(kind="admin")),
    ],
)
def test_location_and_admin_keys(ssm, capsys, argv, principal):
    # WHEN a key is created for a location or for operations
    key = issue(capsys, "create", *argv)

    # THEN it resolves to that principal
    assert principal_for_key(key, registry(ssm)) == principal


def test_the_stage_chooses_the_registry(ssm, capsys, monkeypatch):
    # GIVEN keys created for prod, by option and by environment
    by_option = issue(capsys, "create", "--stage", "prod", "--kind", "admin")
    monkeypatch.setenv("OMS_STAGE", "prod")
    by_environment = issue(capsys, "create", "--kind", "admin")

    # THEN both are prod keys, and dev has none
    assert principal_for_key(by_option, registry(ssm, "/oms/prod/api-keys")) == Principal(kind="admin")
    assert principal_for_key(by_environment, registry(ssm, "/oms/prod/api-keys")) == Principal(kind="admin")
    assert registry(ssm) == {}


def test_a_rotation_leaves_two_keys_for_one_principal_until_the_old_is_revoked(ssm, capsys):
    # GIVEN a Shopify key
    old = issue(capsys, "create", "--kind", "channel", "--channel", "shopify")

    # WHEN it is rotated
    assert oms_keys("rotate", old) == 0
    rotated = capsys.readouterr()
    new = rotated.out.strip()

    # THEN both keys stand for Shopify, and the operator is told how and when to revoke the old one
    assert new != old
    assert principal_for_key(new, registry(ssm)) == principal_for_key(old, registry(ssm)) == Principal(
        kind="channel", channel="shopify"
    )
    assert f"oms keys revoke --stage dev {key_digest(old)[:12]}" in rotated.err
    assert "~6 minutes" in rotated.err
    assert old not in rotated.err

    # WHEN the old key is revoked by its digest
    assert oms_keys("revoke", key_digest(old)) == 0

    # THEN it no longer resolves, and the new one still does
    assert principal_for_key(old, registry(ssm)) is None
    assert principal_for_key(new, registry(ssm)) == Principal(kind="channel", channel="shopify")


def test_a_key_rotates_and_revokes_by_its_digest_prefix_too(ssm, capsys):
    # GIVEN an admin key, rotated by its listed digest prefix
    old = issue(capsys, "create", "--kind", "admin")
    assert oms_keys("rotate", key_digest(old)[:12]) == 0
    new = capsys.readouterr().out.strip()

    # WHEN the old one is revoked by the key itself
    assert oms_keys("revoke", old) == 0

    # THEN only the new key remains
    assert list(registry(ssm)) == [key_digest(new)]


def test_the_list_shows_digest_prefixes_principals_and_creation_times_never_keys(ssm, capsys):
    # GIVEN two keys
    shopify = issue(capsys, "create", "--kind", "channel", "--channel", "shopify")
    admin = issue(capsys, "create", "--kind", "admin")

    # WHEN they are listed
    assert oms_keys("list") == 0
    listed = capsys.readouterr()

    # THEN one line each, oldest first: digest prefix, principal, creation time
    lines = [line.split() for line in listed.out.splitlines()]
    assert [line[:2] for line in lines] == [
        [key_digest(shopify)[:12], "channel:shopify"],
        [key_digest(admin)[:12], "admin"],
    ]
    assert all(line[2].endswith("Z") for line in lines)
    # AND neither key, nor any whole digest, is printed
    for secret in (shopify, admin, key_digest(shopify), key_digest(admin)):
        assert secret not in listed.out + listed.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["create", "--kind", "root"], "--kind: Input should be 'channel', 'location', 'admin' or 'chat'"),
        (["create", "--kind", "channel", "--channel", "ebay"], "--channel: Input should be 'web', "),
        (["create", "--kind", "channel"], "a channel principal names its channel"),
        (["create", "--kind", "location", "--location", "Store SF"], "--location: String should match"),
    ],
)
def test_a_key_for_no_valid_principal_is_refused_in_one_line(ssm, capsys, argv, message):
    # WHEN a key is asked for a principal that cannot exist
    exit_code = oms_keys(*argv)
    refused = capsys.readouterr()

    # THEN nothing is printed or stored but a one-line error
    assert exit_code != 0
    assert refused.out == ""
    assert refused.err.startswith("oms keys: error: invalid principal: ")
    assert message in refused.err
    assert refused.err.count("\n") == 1
    assert registry(ssm) == {}


def test_a_command_line_argparse_cannot_read_is_refused(ssm, capsys):
    # WHEN create is missing its kind
    exit_code = oms_keys("create", "--channel", "web")

    # THEN argparse refuses it, naming the missing option
    assert exit_code != 0
    assert "--kind" in capsys.readouterr().err


def test_an_ambiguous_prefix_revokes_nothing(ssm, capsys):
    # GIVEN two stored digests sharing their first 8 hex digits
    for digest in ("abcdef01" + "0" * 56, "abcdef01" + "1" * 56):
        ssm.put_parameter(Name=f"{KEYS_PATH}/{digest}", Value='{"kind": "admin"}', Type="SecureString")

    # WHEN the shared prefix is revoked
    exit_code = oms_keys("revoke", "abcdef01")

    # THEN the command fails in one line, and both keys remain
    assert exit_code != 0
    assert capsys.readouterr().err == (
        "oms keys: error: digest prefix abcdef01 is ambiguous (abcdef010000, abcdef011111): give more of the digest\n"
    )
    assert len(registry(ssm)) == 2


def test_revoking_an_unknown_key_fails_clearly(ssm, capsys):
    # GIVEN one key
    issue(capsys, "create", "--kind", "admin")

    # WHEN another, never stored, is revoked
    exit_code = oms_keys("revoke", "oms_never-issued")

    # THEN it fails without echoing it, and the stored key remains
    assert exit_code != 0
    assert capsys.readouterr().err == (
        "oms keys: error: no stored API key matches that key or digest (see `oms keys list`)\n"
    )
    assert len(registry(ssm)) == 1
