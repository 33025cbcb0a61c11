"""Who is calling: the principal the API key authorizer resolved, and what it may touch."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from oms.models import Channel


class Principal(BaseModel):
    """Carried from the authorizer to the handlers in API Gateway's authorizer context."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: Literal["channel", "admin"]
    channel: Channel | None = None

    @model_validator(mode="after")
    def _channel_iff_channel_principal(self) -> Principal:
        if (self.kind == "channel") != (self.channel is not None):
            raise ValueError("a channel principal names its channel, and only it does")
        return self

    @property
    def name(self) -> str:
        return f"channel:{self.channel}" if self.kind == "channel" else self.kind

    def may_read_channel(self, channel: str) -> bool:
        return self.kind == "admin" or self.channel == channel
