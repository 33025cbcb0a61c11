"""Typed settings: the environment template.yaml gives each function, parsed once."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True)


class InventorySettings(_Settings):
    inventory_table: str = Field(alias="OMS_INVENTORY_TABLE", min_length=1)


class StockAndLocationSettings(InventorySettings):
    """The inventory function: stock, and locations with the secrets their pick requests are signed with."""

    location_secrets_path: str = Field(alias="OMS_LOCATION_SECRETS_PATH", min_length=1)


class TablesSettings(InventorySettings):
    """Both tables: what review, fulfilment and backorders work on."""

    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)


class SealingSettings(TablesSettings):
    """What every function that seals customers' personal data needs: the PII key and hash secret."""

    pii_key_id: str = Field(alias="OMS_PII_KEY_ID", min_length=1)
    pii_hash_secret: str = Field(alias="OMS_PII_HASH_SECRET", min_length=1)


class ServiceSettings(SealingSettings):
    return_rules: str = Field(alias="OMS_RETURN_RULES", min_length=1)


class ReceivingSettings(SealingSettings):
    """What every function that receives orders needs: stores, the PII key and secret, the rules."""

    screening_rules: str = Field(alias="OMS_SCREENING_RULES", min_length=1)
    channel_fetch_queue: str = Field(alias="OMS_CHANNEL_FETCH_QUEUE", min_length=1)


class IntakeSettings(ReceivingSettings):
    webhook_secrets_path: str = Field(alias="OMS_WEBHOOK_SECRETS_PATH", min_length=1)


class ChannelFetchSettings(ReceivingSettings):
    channel_credentials: str = Field(alias="OMS_CHANNEL_CREDENTIALS", min_length=1)


class FulfilmentSettings(TablesSettings):
    """Locations' own work: the ship-to of an open pick is opened for them (decrypt only)."""

    pii_key_id: str = Field(alias="OMS_PII_KEY_ID", min_length=1)


class AlertSettings(InventorySettings):
    ops_topic: str = Field(alias="OMS_OPS_TOPIC", min_length=1)
    alerts_table: str = Field(alias="OMS_ALERTS_TABLE", min_length=1)


class AlertSweepSettings(AlertSettings):
    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    service_levels: str = Field(alias="OMS_SERVICE_LEVELS", min_length=1)


class RefundRequestSettings(_Settings):
    refund_requests_topic: str = Field(alias="OMS_REFUND_REQUESTS_TOPIC", min_length=1)


class PickRequestSettings(_Settings):
    fulfilment_queue: str = Field(alias="OMS_FULFILMENT_QUEUE", min_length=1)


class DispatchSettings(FulfilmentSettings):
    fulfilment_queue: str = Field(alias="OMS_FULFILMENT_QUEUE", min_length=1)
    idempotency_table: str = Field(alias="OMS_IDEMPOTENCY_TABLE", min_length=1)
    location_secrets_path: str = Field(alias="OMS_LOCATION_SECRETS_PATH", min_length=1)
    # The first retry of a failed push waits this long; each next one three times longer.
    retry_base_seconds: int = Field(alias="OMS_DISPATCH_RETRY_BASE_SECONDS", default=10, ge=0)


class PrivacySettings(_Settings):
    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    retention_days: int = Field(alias="OMS_PII_RETENTION_DAYS", ge=1)


class CarrierWebhookSettings(_Settings):
    carrier_secrets_path: str = Field(alias="OMS_CARRIER_SECRETS_PATH", min_length=1)
    carrier_events_queue: str = Field(alias="OMS_CARRIER_EVENTS_QUEUE", min_length=1)


class CarrierUpdateSettings(TablesSettings):
    """Carriers' events applied to shipments: both tables (a delivery teaches transit times)."""


class NoticeSettings(_Settings):
    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    idempotency_table: str = Field(alias="OMS_IDEMPOTENCY_TABLE", min_length=1)
    customer_notices_topic: str = Field(alias="OMS_CUSTOMER_NOTICES_TOPIC", min_length=1)


class NoticeEmailSettings(_Settings):
    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    pii_key_id: str = Field(alias="OMS_PII_KEY_ID", min_length=1)
    sender: str = Field(alias="OMS_NOTICE_SENDER", min_length=3)


class TrackingSweepSettings(TablesSettings):
    carrier_credentials: str = Field(alias="OMS_CARRIER_CREDENTIALS", min_length=1)
    silent_after_days: int = Field(alias="OMS_SILENT_AFTER_DAYS", ge=1)


class ChatSettings(ServiceSettings):
    """The chat assistant: orders and stock to answer from, what it needs to act (the PII key to
    seal a new address, the return rules) and its own table."""

    chat_table: str = Field(alias="OMS_CHAT_TABLE", min_length=1)
    # Turns per minute one conversation, and one shop's key, may take.
    turns_per_sender: int = Field(alias="OMS_CHAT_TURNS_PER_SENDER", default=20, ge=1)
    turns_per_key: int = Field(alias="OMS_CHAT_TURNS_PER_KEY", default=600, ge=1)


class DemandSettings(_Settings):
    """Demand history: order lines read from the Orders table, counted into the Planning table."""

    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    planning_table: str = Field(alias="OMS_PLANNING_TABLE", min_length=1)


class PlanningSettings(InventorySettings):
    """The daily replenishment run: stock and catalogue, demand and proposals, the ops topic, its rules."""

    planning_table: str = Field(alias="OMS_PLANNING_TABLE", min_length=1)
    ops_topic: str = Field(alias="OMS_OPS_TOPIC", min_length=1)
    replenishment_rules: str = Field(alias="OMS_REPLENISHMENT_RULES", min_length=1)


class ReplenishmentApiSettings(InventorySettings):
    """The replenishment API: proposals in the Planning table; the transfer and purchase orders they
    become, and the stock those move, in the Inventory table."""

    planning_table: str = Field(alias="OMS_PLANNING_TABLE", min_length=1)
