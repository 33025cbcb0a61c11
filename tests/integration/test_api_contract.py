"""GET /openapi.json: the contract, served through the gateway to anyone, with no key."""

from __future__ import annotations

from pathlib import Path

from infra.local.gateway import LocalGateway

KEPT = Path(__file__).resolve().parents[2] / "openapi.json"


def test_the_contract_is_served_without_a_key(deployed):
    gateway = LocalGateway(deployed.template, deployed.intrinsics, log=lambda *args, **kwargs: None)

    status, headers, payload = gateway.handle("GET", "/openapi.json", [], b"")

    assert status == 200
    assert ("Content-Type", "application/json") in headers
    assert payload.decode() == KEPT.read_text(encoding="utf-8")
