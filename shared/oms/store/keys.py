"""Every key and index attribute of the Orders and Inventory tables, in one place.

Orders table, one item collection per order:
    ORDER#<order_id>           ORDER                    the header
                               LINE#<nnn>               a line
                               SHIPMENT#<shipment_id>   a shipment
                               RETURN#<return_id>       a return
                               REFUND#<refund_id>       a refund
                               HISTORY#<at>#<nn><rand>  a history event: ordered by time, then by its
                                                        place in its change; never two on one key
    CHANNEL_ORDER#<ch>#<id>    CHANNEL_ORDER            uniqueness of a channel's order
    WAITING#<sku>              <placed_at>#<order_id>   an order waits for units of the SKU, oldest first
    CHECKPOINT#<name>          CHECKPOINT               where a poller got to
    PARKED#<tracking number>   UPDATE#<provider>#<hash> carrier events for a number no shipment has yet
    TRANSIT#<carrier>#<service> LANE#<from>#<to>        transit days of delivered parcels, counted
  index attributes: status_key (ByStatus), order_number_key (ByChannelOrderNumber),
  customer_key (ByCustomer), open_pick_key (OpenPicks: a shipment while its location has work to do),
  tracking_key (ByTracking: a shipment by its tracking number)

Chat table:
    CONVERSATION#<shop>#<digest of the sender id>  STATE   a conversation's state (expires)
    RATE#<scope>#<window>      RATE                     turns counted in one window (expires)
    CASE#<case_id>             CASE                     a customer handed to a person

Alerts table:
    CONDITIONS                 <condition>              a condition ops were alerted to that still holds
    MEMBERS#<condition>        <member>                 an order, SKU, shipment or case it holds for

Inventory table:
    SKU#<sku>                  CATALOGUE                the SKU is known
                               LOC#<location_id>        its stock at a location
    CATALOGUE                  SKU#<sku>                every SKU stocked, listed in one place
    LOCATIONS                  LOC#<location_id>        a location
    CAPACITY#<location_id>     DAY#<yyyy-mm-dd>         units the location committed to pick that day
    MOVES#<sku>#<location_id>  <at>#<rand>              a stock movement, newest last
    SUPPLIERS                  SUPPLIER#<supplier_id>   a supplier and its terms
    TRANSFER#<transfer_id>     TRANSFER                 a transfer order between two locations
    PURCHASE#<purchase_id>     PURCHASE                 a purchase order for one location
                               RECEIPT#<receipt_id>     a delivery against it, counted once
    INBOUND#<sku>              <location_id>#<order>    units of a transfer or purchase on their way

Planning table:
    DEMAND#<sku>#LOC#<loc>     DAY#<yyyy-mm-dd>         a SKU's daily demand at a location
    DEMAND#<sku>#CH#<channel>  DAY#<yyyy-mm-dd>         a SKU's daily demand on a channel
    COUNTED#<event>            COUNTED                  an order line's event already counted (expires)
    PROPOSALS                  <proposal_id>            a replenishment proposal
    RUN#<yyyy-mm-dd>           RUN                      a day's planning run, whose summary ops were sent
"""

from __future__ import annotations

from datetime import date

from oms.ids import unique_suffix

Key = dict[str, dict[str, str]]

HEADER = "ORDER"
UNIQUE = "CHANNEL_ORDER"
LOCATIONS = "LOCATIONS"
CATALOGUE = "CATALOGUE"
_ORDER = "ORDER#"


def key(pk: str, sk: str) -> Key:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


# ---------------------------------------------------------------- Orders table


def order_pk(order_id: str) -> str:
    return _ORDER + order_id


def order_id_from_pk(pk: str) -> str:
    return pk.removeprefix(_ORDER)


def source_of(item_keys: dict[str, str]) -> str:
    """What a stream record's item is, from its keys: `stock` (a SKU at a location), `case` (a chat
    case) or `order` (anything of an order's collection)."""
    if item_keys["pk"].startswith("SKU#") and item_keys["sk"].startswith("LOC#"):
        return "stock"
    if item_keys["pk"].startswith("CASE#"):
        return "case"
    return "order"


def order_id_of_item(item_keys: dict[str, str]) -> str:
    """The order an item of the Orders table belongs to, from its keys as a stream record gives them."""
    return order_id_from_pk(item_keys["pk"])


def order_header(order_id: str) -> Key:
    return key(order_pk(order_id), HEADER)


LINE_SK_PREFIX = "LINE#"


def line_sk(number: int) -> str:
    return f"{LINE_SK_PREFIX}{number:03d}"


def line_key(order_id: str, number: int) -> Key:
    return key(order_pk(order_id), line_sk(number))


def return_key(order_id: str, return_id: str) -> Key:
    return key(order_pk(order_id), f"RETURN#{return_id}")


def refund_key(order_id: str, refund_id: str) -> Key:
    return key(order_pk(order_id), f"REFUND#{refund_id}")


def history_sk(at: str, place: int = 0) -> str:
    return f"HISTORY#{at}#{place:02d}{unique_suffix()}"


def shipment_key(order_id: str, shipment_id: str) -> Key:
    return key(order_pk(order_id), f"SHIPMENT#{shipment_id}")


def channel_order(channel: str, channel_order_id: str) -> Key:
    return key(f"CHANNEL_ORDER#{channel}#{channel_order_id}", UNIQUE)


def waiting_pk(sku: str) -> str:
    return f"WAITING#{sku}"


def waiting(sku: str, placed_at: str, order_id: str) -> Key:
    """`placed_at` as utc_iso writes it, so the sort key orders by time."""
    return key(waiting_pk(sku), f"{placed_at}#{order_id}")


def checkpoint(name: str) -> Key:
    return key(f"CHECKPOINT#{name}", "CHECKPOINT")


def status_key(status: str) -> str:
    return f"STATUS#{status}"


def customer_key(email_hash: str) -> str:
    return f"CUSTOMER#{email_hash}"


def order_number_key(order_number: str) -> str:
    """What support and chat look an order up by: the number without its decoration."""
    return "ORDERNO#" + order_number.strip().lstrip("#").upper()


def open_pick_key(location_id: str, status: str) -> str:
    return f"OPEN#{location_id}#{status}"


def tracking_key(tracking_number: str) -> str:
    """A tracking number as stored (`oms.carriers.normal_tracking_number`) is its own key."""
    return f"TRACK#{tracking_number}"


def parked_pk(tracking_number: str) -> str:
    return f"PARKED#{tracking_number}"


def parked(tracking_number: str, provider: str, digest: str) -> Key:
    return key(parked_pk(tracking_number), f"UPDATE#{provider}#{digest}")


def transit(lane: tuple[str, ...]) -> Key:
    """A lane's transit histogram: (carrier, service) and, as specific as it is, from and to."""
    carrier, service, *places = lane
    return key(f"TRANSIT#{carrier}#{service}", "LANE#" + ("#".join(places) if places else "*"))


# ---------------------------------------------------------------- Inventory table


def catalogue(sku: str) -> Key:
    return key(f"SKU#{sku}", CATALOGUE)


def catalogue_listing(sku: str) -> Key:
    return key(CATALOGUE, f"SKU#{sku}")


def stock(sku: str, location_id: str) -> Key:
    return key(f"SKU#{sku}", f"LOC#{location_id}")


def sku_pk(sku: str) -> str:
    return f"SKU#{sku}"


STOCK_SK_PREFIX = "LOC#"


def location(location_id: str) -> Key:
    return key(LOCATIONS, f"LOC#{location_id}")


def capacity(location_id: str, day: date) -> Key:
    return key(f"CAPACITY#{location_id}", f"DAY#{day.isoformat()}")


def movements_pk(sku: str, location_id: str) -> str:
    return f"MOVES#{sku}#{location_id}"


def movement(sku: str, location_id: str, at: str) -> Key:
    return key(movements_pk(sku, location_id), f"{at}#{unique_suffix()}")


SUPPLIERS = "SUPPLIERS"


def supplier(supplier_id: str) -> Key:
    return key(SUPPLIERS, f"SUPPLIER#{supplier_id}")


def transfer_order(transfer_id: str) -> Key:
    return key(f"TRANSFER#{transfer_id}", "TRANSFER")


def purchase_pk(purchase_id: str) -> str:
    return f"PURCHASE#{purchase_id}"


def purchase_order(purchase_id: str) -> Key:
    return key(purchase_pk(purchase_id), "PURCHASE")


def purchase_receipt(purchase_id: str, receipt_id: str) -> Key:
    return key(purchase_pk(purchase_id), f"RECEIPT#{receipt_id}")


def inbound_pk(sku: str) -> str:
    return f"INBOUND#{sku}"


def inbound(sku: str, location_id: str, order_id: str) -> Key:
    """`order_id`: the transfer's or purchase's id, whose prefix says which it is."""
    return key(inbound_pk(sku), f"{location_id}#{order_id}")


# ---------------------------------------------------------------- Planning table

PROPOSALS = "PROPOSALS"
DAY_SK_PREFIX = "DAY#"


def demand_at_location_pk(sku: str, location_id: str) -> str:
    return f"DEMAND#{sku}#LOC#{location_id}"


def demand_on_channel_pk(sku: str, channel: str) -> str:
    return f"DEMAND#{sku}#CH#{channel}"


def demand_day(pk: str, day: date) -> Key:
    return key(pk, DAY_SK_PREFIX + day.isoformat())


def counted(event: str) -> Key:
    return key(f"COUNTED#{event}", "COUNTED")


def proposal(proposal_id: str) -> Key:
    return key(PROPOSALS, proposal_id)


def planning_run(day: date) -> Key:
    return key(f"RUN#{day.isoformat()}", "RUN")


# ---------------------------------------------------------------- Chat table


def conversation(shop: str, sender_digest: str) -> Key:
    return key(f"CONVERSATION#{shop}#{sender_digest}", "STATE")


def rate(scope: str, window: int) -> Key:
    return key(f"RATE#{scope}#{window}", "RATE")


def support_case(case_id: str) -> Key:
    return key(f"CASE#{case_id}", "CASE")


# ---------------------------------------------------------------- Alerts table

CONDITIONS = "CONDITIONS"


def alert_condition(condition: str) -> Key:
    return key(CONDITIONS, condition)


def alert_members_pk(condition: str) -> str:
    return "MEMBERS#" + condition


def alert_member(condition: str, member: str) -> Key:
    return key(alert_members_pk(condition), member)
