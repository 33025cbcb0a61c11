"""Typed settings: the environment template.yaml gives a function, parsed once."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class IntakeSettings(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    orders_table: str = Field(alias="OMS_ORDERS_TABLE", min_length=1)
    metrics_namespace: str = Field(alias="POWERTOOLS_METRICS_NAMESPACE", min_length=1)
