"""Who is calling: the principal the API key authorizer resolved, and what it may touch."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from oms.models import Channel

Kind = Literal["channel", "location", "admin", "chat"]
LocationId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
ShopName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


class Principal(BaseModel):
    """Carried from the authorizer to the handlers in API Gateway's authorizer context.

    A channel key is scoped to its channel's orders, a location key to its location's
    shipments; an admin key runs operations (stock, reports, review, erasure). A chat key is a
    shop's publishable key for its chat widget: it names the shop and grants nothing about any
    order, which a customer must prove in the conversation.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: Kind
    channel: Channel | None = None
    location_id: LocationId | None = None
    shop: ShopName | None = None

    @model_validator(mode="after")
    def _scope_matches_kind(self) -> Principal:
        if (self.kind == "channel") != (self.channel is not None):
            raise ValueError("a channel principal names its channel, and only it does")
        if (self.kind == "location") != (self.location_id is not None):
            raise ValueError("a location principal names its location, and only it does")
        if (self.kind == "chat") != (self.shop is not None):
            raise ValueError("a chat principal names its shop, and only it does")
        return self

    @property
    def name(self) -> str:
        scope = self.channel or self.location_id or self.shop
        return f"{self.kind}:{scope}" if scope else self.kind

    def may_read_channel(self, channel: str) -> bool:
        return self.kind == "admin" or self.channel == channel
