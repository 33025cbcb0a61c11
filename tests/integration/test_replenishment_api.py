"""Replenishment over the admin API: proposals listed and accepted, transfers reserved, shipped
and received, purchases received delivery by delivery, each step once however often it is sent."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest

from oms.planning import Proposal, ProposalLine
from oms.store.audit import audit
from oms.store.inventory import InventoryStore
from oms.store.proposals import ProposalStore
from oms.store.stock_orders import StockOrders
from tests.factories import ADMIN_PRINCIPAL, api_event, channel_principal
from tests.integration.test_inventory import call

DAY = date(2026, 3, 2)
# Demo stock: wh-reno holds 120 TSHIRT-RED-M (10 safety) and 4 HOODIE-GREY-S; store-sf 12 TSHIRT-RED-M (2 safety).
SHIRT = "TSHIRT-RED-M"
ACCEPT = "/replenishment/{proposal_id}/accept"
TRANSFER = "/transfers/{transfer_id}"
RECEIVE_PURCHASE = "/purchase-orders/{purchase_id}/receive"


def location_principal(location_id: str) -> dict:
    return {"principalId": f"location:{location_id}", "kind": "location", "location_id": location_id}


def transfer_proposal(tag: str = "shirt", sku: str = SHIRT, units: int = 30, run_on: date = DAY) -> Proposal:
    return Proposal(proposal_id=f"trp_{run_on:%Y%m%d}-{tag}", kind="transfer", run_on=run_on, from_location="wh-reno",
                    to_location="store-sf", lines=(ProposalLine(sku=sku, units=units, reorder_point=5, position=10),),
                    reason="store-sf is under its reorder point", created_at=datetime.now(UTC))


def purchase_proposal(tag: str = "acme") -> Proposal:
    return Proposal(proposal_id=f"pup_{DAY:%Y%m%d}-{tag}", kind="purchase", run_on=DAY, supplier_id="acme",
                    to_location="wh-reno", lines=(ProposalLine(sku="MUG-LOGO", units=144),
                                                  ProposalLine(sku="CAP-BLACK", units=48)),
                    reason="wh-reno is short", arrives_by=date(2026, 3, 16), created_at=datetime.now(UTC))


@pytest.fixture
def replenishment(deployed):
    return deployed.function("ReplenishmentApiFunction")


@pytest.fixture
def proposals(deployed):
    return ProposalStore(deployed.name_of("PlanningTable"), deployed.client("dynamodb"))


@pytest.fixture
def stock(deployed):
    return InventoryStore(deployed.name_of("InventoryTable"), deployed.client("dynamodb"))


@pytest.fixture
def orders(deployed):
    return StockOrders(deployed.name_of("InventoryTable"), deployed.name_of("PlanningTable"),
                       deployed.client("dynamodb"))


def entities(deployed, entity: str) -> list[dict]:
    return [item for item in deployed.items("InventoryTable") if item.get("entity", {}).get("S") == entity]


def levels(stock, sku: str, location_id: str) -> tuple[int, int, int]:
    record = stock.stock_at(sku, location_id)
    return record.on_hand, record.reserved, record.available


def accepted(replenishment, proposal: Proposal, principal=ADMIN_PRINCIPAL) -> tuple[int, dict]:
    return call(replenishment, "POST", ACCEPT, {"proposal_id": proposal.proposal_id}, principal=principal)


def step(replenishment, transfer_id: str, action: str, principal=ADMIN_PRINCIPAL) -> tuple[int, dict]:
    return call(replenishment, "POST", f"{TRANSFER}/{action}", {"transfer_id": transfer_id}, principal=principal)


# ---------------------------------------------------------------- transfers

def test_accepting_a_transfer_reserves_its_units_at_the_source_and_counts_them_inbound_at_the_destination(
        deployed, replenishment, proposals, stock, orders):
    proposal = transfer_proposal()
    proposals.replace_open(DAY, [proposal])

    status, transfer = accepted(replenishment, proposal)

    assert status == 200 and transfer["transfer_id"] == "tro_20260302-shirt" and transfer["status"] == "reserved"
    assert levels(stock, SHIRT, "wh-reno") == (120, 30, 80)
    assert orders.inbound(SHIRT) == {"store-sf": 30}
    [reserve], _ = stock.movements(SHIRT, "wh-reno", limit=1)
    assert (reserve.kind, reserve.reserved_change, reserve.reference) == ("reserve", 30, "tro_20260302-shirt")
    now = proposals.get(proposal.proposal_id)
    assert (now.status, now.order_id, now.accepted_by) == ("accepted", "tro_20260302-shirt", "admin")


def test_accepting_twice_makes_one_transfer_order_and_reserves_its_units_once(deployed, replenishment, proposals,
                                                                               stock):
    proposal = transfer_proposal()
    proposals.replace_open(DAY, [proposal])

    first, second = accepted(replenishment, proposal), accepted(replenishment, proposal)

    assert first == second and first[0] == 200
    assert len(entities(deployed, "transfer")) == 1
    assert levels(stock, SHIRT, "wh-reno") == (120, 30, 80)
    assert [m.kind for m in stock.movements(SHIRT, "wh-reno")[0]].count("reserve") == 1


def test_eight_concurrent_accepts_make_one_transfer_order(deployed, proposals, stock):
    proposal = transfer_proposal()
    proposals.replace_open(DAY, [proposal])
    pool = deployed.pool("ReplenishmentApiFunction", instances=8).warm()
    start = threading.Barrier(8)
    answers = []

    def accept_once():
        start.wait()
        event = api_event("POST", ACCEPT, f"/replenishment/{proposal.proposal_id}/accept", principal=ADMIN_PRINCIPAL,
                          path_parameters={"proposal_id": proposal.proposal_id})
        answers.append(pool.invoke(event))

    threads = [threading.Thread(target=accept_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [answer["statusCode"] for answer in answers] == [200] * 8
    assert len({answer["body"] for answer in answers}) == 1
    assert len(entities(deployed, "transfer")) == 1
    assert levels(stock, SHIRT, "wh-reno") == (120, 30, 80)


def test_shipping_takes_the_units_off_the_sources_shelves_and_leaves_what_it_promises(
        deployed, replenishment, proposals, stock):
    proposals.replace_open(DAY, [transfer_proposal()])
    _, transfer = accepted(replenishment, transfer_proposal())

    status, shipped = step(replenishment, transfer["transfer_id"], "ship")

    assert status == 200 and shipped["status"] == "in_transit" and shipped["shipped_at"]
    assert levels(stock, SHIRT, "wh-reno") == (90, 0, 80)
    [ship], _ = stock.movements(SHIRT, "wh-reno", limit=1)
    assert (ship.kind, ship.on_hand_change, ship.reserved_change, ship.reference) == (
        "ship", -30, -30, transfer["transfer_id"])


def test_receiving_adds_the_units_at_the_destination_once_however_often_it_is_sent(
        deployed, replenishment, proposals, stock, orders):
    proposals.replace_open(DAY, [transfer_proposal()])
    transfer_id = accepted(replenishment, transfer_proposal())[1]["transfer_id"]
    step(replenishment, transfer_id, "ship")

    first = step(replenishment, transfer_id, "receive")
    again = step(replenishment, transfer_id, "receive")

    assert first[0] == again[0] == 200 and first[1] == again[1] and first[1]["status"] == "received"
    assert levels(stock, SHIRT, "store-sf") == (42, 0, 40)
    assert orders.inbound(SHIRT) == {}
    received = [m for m in stock.movements(SHIRT, "store-sf")[0] if m.kind == "receive"]
    assert [(m.on_hand_change, m.reference) for m in received] == [(30, transfer_id)]
    assert step(replenishment, transfer_id, "ship") == first  # shipped long since: answered as it is


def test_oms_check_finds_a_transfers_reservation_held_at_every_step(deployed, replenishment, proposals):
    proposals.replace_open(DAY, [transfer_proposal()])
    transfer_id = accepted(replenishment, transfer_proposal())[1]["transfer_id"]

    def violations() -> list:
        return list(audit(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"),
                          deployed.client("dynamodb")).violations)

    reserved = violations()
    step(replenishment, transfer_id, "ship")
    shipped = violations()
    step(replenishment, transfer_id, "receive")

    assert reserved == shipped == violations() == []


def test_a_transfer_to_a_location_that_never_held_the_sku_makes_its_stock_there(deployed, replenishment, proposals,
                                                                                stock):
    proposal = transfer_proposal("mugs", sku="MUG-LOGO", units=20)
    proposals.replace_open(DAY, [proposal])
    transfer_id = accepted(replenishment, proposal)[1]["transfer_id"]

    step(replenishment, transfer_id, "ship")
    step(replenishment, transfer_id, "receive")

    assert levels(stock, "MUG-LOGO", "store-sf") == (20, 0, 20)
    assert levels(stock, "MUG-LOGO", "wh-reno") == (280, 0, 260)


def test_a_source_without_the_units_is_409_naming_the_sku_and_nothing_is_written(deployed, replenishment, proposals,
                                                                                 stock, orders):
    proposal = transfer_proposal("hoodies", sku="HOODIE-GREY-S", units=10)  # wh-reno holds 4
    proposals.replace_open(DAY, [proposal])
    before = deployed.items("InventoryTable")

    status, refusal = accepted(replenishment, proposal)

    assert status == 409 and "HOODIE-GREY-S" in refusal["message"] and refusal["skus"] == ["HOODIE-GREY-S"]
    assert deployed.items("InventoryTable") == before
    assert proposals.get(proposal.proposal_id).status == "open"
    assert orders.inbound("HOODIE-GREY-S") == {}


def test_cancelling_before_shipping_gives_the_reservation_back_and_after_is_409(deployed, replenishment, proposals,
                                                                                stock, orders):
    first, second = transfer_proposal("one", units=30), transfer_proposal("two", units=20)
    proposals.replace_open(DAY, [first, second])
    cancelled_id = accepted(replenishment, first)[1]["transfer_id"]
    shipped_id = accepted(replenishment, second)[1]["transfer_id"]
    step(replenishment, shipped_id, "ship")

    status, cancelled = step(replenishment, cancelled_id, "cancel")

    assert status == 200 and cancelled["status"] == "cancelled"
    assert step(replenishment, cancelled_id, "cancel") == (status, cancelled)
    assert levels(stock, SHIRT, "wh-reno") == (100, 0, 90)
    assert orders.inbound(SHIRT) == {"store-sf": 20}
    assert step(replenishment, shipped_id, "cancel")[0] == 409
    assert step(replenishment, cancelled_id, "ship")[0] == 409


def test_a_superseded_proposal_cannot_be_accepted(deployed, replenishment, proposals):
    proposals.replace_open(DAY, [transfer_proposal("yesterday")])
    proposals.replace_open(date(2026, 3, 3), [transfer_proposal("today", run_on=date(2026, 3, 3))])

    status, refusal = accepted(replenishment, transfer_proposal("yesterday"))

    assert status == 409 and "superseded" in refusal["message"]
    assert len(entities(deployed, "transfer")) == 0


def test_an_unknown_proposal_or_transfer_is_404(replenishment):
    assert accepted(replenishment, transfer_proposal("never"))[0] == 404
    assert step(replenishment, "tro_20260302-never", "ship")[0] == 404
    assert call(replenishment, "GET", TRANSFER, {"transfer_id": "tro_20260302-never"})[0] == 404


# ---------------------------------------------------------------- who may act

def test_a_location_ships_what_it_sends_and_receives_what_it_is_sent_and_nothing_else(deployed, replenishment,
                                                                                      proposals):
    proposals.replace_open(DAY, [transfer_proposal()])
    transfer_id = accepted(replenishment, transfer_proposal())[1]["transfer_id"]
    reno, sf, nyc = (location_principal(location) for location in ("wh-reno", "store-sf", "store-nyc"))

    assert step(replenishment, transfer_id, "ship", sf)[0] == 403
    assert call(replenishment, "GET", TRANSFER, {"transfer_id": transfer_id}, principal=nyc)[0] == 403
    assert step(replenishment, transfer_id, "ship", reno)[0] == 200
    assert step(replenishment, transfer_id, "receive", reno)[0] == 403
    assert step(replenishment, transfer_id, "receive", sf)[1]["status"] == "received"
    assert call(replenishment, "GET", TRANSFER, {"transfer_id": transfer_id}, principal=reno)[0] == 200
    assert step(replenishment, transfer_id, "cancel", reno)[0] == 403
    assert accepted(replenishment, transfer_proposal("other"), principal=sf)[0] == 403


@pytest.mark.parametrize(("method", "resource", "params"), [
    ("GET", "/replenishment", {}),
    ("GET", "/replenishment/{proposal_id}", {"proposal_id": "trp_20260302-shirt"}),
    ("POST", ACCEPT, {"proposal_id": "trp_20260302-shirt"}),
    ("GET", TRANSFER, {"transfer_id": "tro_20260302-shirt"}),
    ("POST", TRANSFER + "/ship", {"transfer_id": "tro_20260302-shirt"}),
    ("POST", TRANSFER + "/receive", {"transfer_id": "tro_20260302-shirt"}),
    ("POST", TRANSFER + "/cancel", {"transfer_id": "tro_20260302-shirt"}),
    ("GET", "/purchase-orders/{purchase_id}", {"purchase_id": "poo_20260302-acme"}),
    ("POST", RECEIVE_PURCHASE, {"purchase_id": "poo_20260302-acme"}),
])
def test_a_channel_key_is_403_everywhere(deployed, replenishment, proposals, method, resource, params):
    proposals.replace_open(DAY, [transfer_proposal()])

    assert call(replenishment, method, resource, params, {"receipt_id": "DN-1"} if method == "POST" else None,
                principal=channel_principal("web"))[0] == 403
    assert proposals.get("trp_20260302-shirt").status == "open"


# ---------------------------------------------------------------- purchases

def test_a_purchase_is_received_in_parts_each_delivery_once(deployed, replenishment, proposals, stock, orders):
    proposals.replace_open(DAY, [purchase_proposal()])
    status, purchase = accepted(replenishment, purchase_proposal())
    where = {"purchase_id": purchase["purchase_id"]}

    assert status == 200 and purchase["status"] == "open" and purchase["expected_on"] == "2026-03-16"
    assert orders.inbound("MUG-LOGO") == {"wh-reno": 144} and levels(stock, "MUG-LOGO", "wh-reno") == (300, 0, 280)

    _, partly = call(replenishment, "POST", RECEIVE_PURCHASE, where,
                     {"receipt_id": "DN-1", "lines": [{"sku": "MUG-LOGO", "units": 100}]})
    assert partly["status"] == "partly_received"
    assert [(line["sku"], line["received"]) for line in partly["lines"]] == [("MUG-LOGO", 100), ("CAP-BLACK", 0)]
    assert levels(stock, "MUG-LOGO", "wh-reno") == (400, 0, 380)
    assert orders.inbound("MUG-LOGO") == {"wh-reno": 44}

    _, whole = call(replenishment, "POST", RECEIVE_PURCHASE, where, {"receipt_id": "DN-2"})
    again = call(replenishment, "POST", RECEIVE_PURCHASE, where, {"receipt_id": "DN-2"})

    assert whole["status"] == "received" and again == (200, whole)
    assert levels(stock, "MUG-LOGO", "wh-reno") == (444, 0, 424)
    assert levels(stock, "CAP-BLACK", "wh-reno") == (48, 0, 48)  # never held there before
    assert orders.inbound("MUG-LOGO") == {} and orders.inbound("CAP-BLACK") == {}
    assert [(m.on_hand_change, m.reference) for m in stock.movements("MUG-LOGO", "wh-reno")[0]
            if m.kind == "receive"] == [(44, purchase["purchase_id"]), (100, purchase["purchase_id"])]
    assert len(entities(deployed, "purchase_receipt")) == 2
    assert call(replenishment, "POST", RECEIVE_PURCHASE, where, {"receipt_id": "DN-3"})[0] == 409


def test_concurrent_deliveries_never_receive_more_than_was_ordered(deployed, replenishment, proposals, stock):
    proposals.replace_open(DAY, [purchase_proposal()])
    purchase_id = accepted(replenishment, purchase_proposal())[1]["purchase_id"]
    pool = deployed.pool("ReplenishmentApiFunction", instances=4).warm()
    start = threading.Barrier(4)
    statuses = []

    def deliver(number: int):
        start.wait()
        body = {"receipt_id": f"DN-{number}", "lines": [{"sku": "MUG-LOGO", "units": 40}]}
        event = api_event("POST", RECEIVE_PURCHASE, f"/purchase-orders/{purchase_id}/receive", body=body,
                          principal=ADMIN_PRINCIPAL, path_parameters={"purchase_id": purchase_id})
        statuses.append(pool.invoke(event)["statusCode"])

    threads = [threading.Thread(target=deliver, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # 144 ordered: three deliveries of 40 fit, the fourth is more than the 24 outstanding.
    assert sorted(statuses) == [200, 200, 200, 422]
    _, purchase = call(replenishment, "GET", "/purchase-orders/{purchase_id}", {"purchase_id": purchase_id})
    assert purchase["lines"][0]["received"] == 120
    assert levels(stock, "MUG-LOGO", "wh-reno") == (420, 0, 400)


@pytest.mark.parametrize(("body", "status", "field"), [
    ({}, 422, "receipt_id"),
    ({"receipt_id": ""}, 422, "receipt_id"),
    ({"receipt_id": "DN-1", "lines": [{"sku": "MUG-LOGO", "units": 0}]}, 422, "lines.0.units"),
    ({"receipt_id": "DN-1", "lines": []}, 422, "lines"),
    ({"receipt_id": "DN-1", "lines": [{"sku": "NOPE", "units": 1}]}, 422, "lines.0.sku"),
    ({"receipt_id": "DN-1", "lines": [{"sku": "CAP-BLACK", "units": 49}]}, 422, "lines.0.units"),
    ({"receipt_id": "DN-1", "colour": "red"}, 422, "colour"),
    ("{not json", 400, None),
])
def test_a_delivery_that_does_not_validate_names_the_field_and_receives_nothing(deployed, replenishment, proposals,
                                                                                stock, body, status, field):
    proposals.replace_open(DAY, [purchase_proposal()])
    purchase_id = accepted(replenishment, purchase_proposal())[1]["purchase_id"]

    answer, refusal = call(replenishment, "POST", RECEIVE_PURCHASE, {"purchase_id": purchase_id}, body)

    assert answer == status
    assert field is None or field in [error["field"] for error in refusal["errors"]]
    assert levels(stock, "MUG-LOGO", "wh-reno") == (300, 0, 280)
    assert entities(deployed, "purchase_receipt") == []


def test_a_location_receives_the_purchases_delivered_to_it_only(deployed, replenishment, proposals):
    proposals.replace_open(DAY, [purchase_proposal()])
    where = {"purchase_id": accepted(replenishment, purchase_proposal())[1]["purchase_id"]}

    assert call(replenishment, "POST", RECEIVE_PURCHASE, where, {"receipt_id": "DN-1"},
                principal=location_principal("store-sf"))[0] == 403
    assert call(replenishment, "POST", RECEIVE_PURCHASE, where, {"receipt_id": "DN-1"},
                principal=location_principal("wh-reno"))[1]["status"] == "received"


# ---------------------------------------------------------------- listing

def test_open_proposals_are_listed_page_by_page_and_superseded_ones_only_when_asked(deployed, replenishment,
                                                                                   proposals):
    proposals.replace_open(DAY, [transfer_proposal(f"old-{n}") for n in range(3)])
    today = date(2026, 3, 3)
    proposals.replace_open(today, [transfer_proposal(f"new-{n}", run_on=today) for n in range(5)])

    pages, after = [], None
    while True:
        _, page = call(replenishment, "GET", "/replenishment", {}, query={"limit": "2", **({"after": after} if after
                                                                                         else {})})
        pages.append([proposal["proposal_id"] for proposal in page["proposals"]])
        after = page["after"]
        if after is None:
            break

    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(sum(pages, [])) == [f"trp_20260303-new-{n}" for n in range(5)]
    _, everything = call(replenishment, "GET", "/replenishment", {}, query={"status": "all", "limit": "100"})
    assert {p["status"] for p in everything["proposals"]} == {"open", "superseded"}
    assert len(everything["proposals"]) == 8
    assert call(replenishment, "GET", "/replenishment", {}, query={"status": "closed"})[0] == 400
    assert call(replenishment, "GET", "/replenishment", {}, query={"after": "not-a-cursor"})[0] == 400


def test_a_rerun_overwrites_its_open_proposals_but_never_an_accepted_one(deployed, replenishment, proposals):
    proposals.replace_open(DAY, [transfer_proposal("kept", units=30), transfer_proposal("redone", units=30)])
    accepted(replenishment, transfer_proposal("kept"))

    superseded = proposals.replace_open(DAY, [transfer_proposal("kept", units=5), transfer_proposal("redone", units=5)])

    assert superseded == 0
    kept, redone = proposals.get("trp_20260302-kept"), proposals.get("trp_20260302-redone")
    assert (kept.status, kept.lines[0].units) == ("accepted", 30)
    assert (redone.status, redone.lines[0].units) == ("open", 5)
    status, read = call(replenishment, "GET", "/replenishment/{proposal_id}", {"proposal_id": "trp_20260302-redone"})
    assert status == 200 and read["lines"][0]["units"] == 5
