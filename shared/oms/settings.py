"""Typed settings: the environment template.yaml gives each function, parsed once."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True)


class InventorySettings(_Settings):
    inventory_table: str = Field(alias="OMS_INVENTORY_TABLE", min_length=1)


class TablesSettings(InventorySettings):
    """Both tables: what review, fulfilment and backorders work on."""

    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)


class ReceivingSettings(TablesSettings):
    """What every function that receives orders needs: stores, the PII key and secret, the rules."""

    pii_key_id: str = Field(alias="OMS_PII_KEY_ID", min_length=1)
    pii_hash_secret: str = Field(alias="OMS_PII_HASH_SECRET", min_length=1)
    screening_rules: str = Field(alias="OMS_SCREENING_RULES", min_length=1)
    channel_fetch_queue: str = Field(alias="OMS_CHANNEL_FETCH_QUEUE", min_length=1)


class IntakeSettings(ReceivingSettings):
    metrics_namespace: str = Field(alias="POWERTOOLS_METRICS_NAMESPACE", min_length=1)
    webhook_secrets_path: str = Field(alias="OMS_WEBHOOK_SECRETS_PATH", min_length=1)


class ChannelFetchSettings(ReceivingSettings):
    channel_credentials: str = Field(alias="OMS_CHANNEL_CREDENTIALS", min_length=1)


class AllocationSettings(TablesSettings):
    fulfilment_queue: str = Field(alias="OMS_FULFILMENT_QUEUE", min_length=1)


class PrivacySettings(_Settings):
    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    retention_days: int = Field(alias="OMS_PII_RETENTION_DAYS", ge=1)
