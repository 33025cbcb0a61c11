"""Orders a channel announces by id only, queued to be fetched from the channel's API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from oms.models import Channel

# Which channels' notifications carry only an id, and the adapter function that reads it.
ID_ONLY_NOTICES = {"square": "order_id_from_webhook", "amazon": "order_id_from_notification"}


class FetchRequest(BaseModel):
    """One SQS message of the channel fetch queue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: Channel
    order_id: str = Field(min_length=1, max_length=128)


def notified_order_id(channel: str, adapter, payload: dict) -> str | None:
    """The order id when the payload is a notification with nothing but it, else None."""
    reader = ID_ONLY_NOTICES.get(channel)
    return getattr(adapter, reader)(payload) if reader and _looks_like_notice(channel, payload) else None


def _looks_like_notice(channel: str, payload: dict) -> bool:
    if channel == "square":  # an event envelope, not an Order object
        return "event_id" in payload and str(payload.get("type", "")).startswith("order.")
    return "NotificationType" in payload or "notificationType" in payload


def checkpoint_after(changed: list[tuple[str, str]], unqueued: list[int]) -> str | None:
    """How far a poll got: the newest update it saw, but never past an order it could not queue
    (`changed` is (order id, update time) in the order seen; `unqueued` their positions)."""
    held_back = [changed[index][1] for index in unqueued]
    if not all(held_back):
        return None  # an order not queued that says not when it changed: stay where we were
    reached = max((updated for _, updated in changed if updated), default=None)
    return min([reached, *held_back]) if held_back and reached else reached
