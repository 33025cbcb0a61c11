"""Typed settings: the environment template.yaml gives a function, parsed once."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReceivingSettings(BaseModel):
    """What every function that receives orders needs: stores, the PII key and secret, the rules."""

    model_config = ConfigDict(frozen=True)

    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    inventory_table: str = Field(alias="OMS_INVENTORY_TABLE", min_length=1)
    pii_key_id: str = Field(alias="OMS_PII_KEY_ID", min_length=1)
    pii_hash_secret: str = Field(alias="OMS_PII_HASH_SECRET", min_length=1)
    screening_rules: str = Field(alias="OMS_SCREENING_RULES", min_length=1)
    channel_fetch_queue: str = Field(alias="OMS_CHANNEL_FETCH_QUEUE", min_length=1)


class IntakeSettings(ReceivingSettings):
    metrics_namespace: str = Field(alias="POWERTOOLS_METRICS_NAMESPACE", min_length=1)
    webhook_secrets_path: str = Field(alias="OMS_WEBHOOK_SECRETS_PATH", min_length=1)


class PrivacySettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    retention_days: int = Field(alias="OMS_PII_RETENTION_DAYS", ge=1)


class ReviewSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    inventory_table: str = Field(alias="OMS_INVENTORY_TABLE", min_length=1)


class ChannelFetchSettings(ReceivingSettings):
    channel_credentials: str = Field(alias="OMS_CHANNEL_CREDENTIALS", min_length=1)


class InventorySettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    inventory_table: str = Field(alias="OMS_INVENTORY_TABLE", min_length=1)


class AllocationSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    inventory_table: str = Field(alias="OMS_INVENTORY_TABLE", min_length=1)
    fulfilment_queue: str = Field(alias="OMS_FULFILMENT_QUEUE", min_length=1)


class FulfilmentSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    inventory_table: str = Field(alias="OMS_INVENTORY_TABLE", min_length=1)
