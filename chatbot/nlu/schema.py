"""The intents and entities the NLU answers with: the contract between the training data
(data/nlu.yml), the dialogue (domain.yml) and the actions."""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "greet", "goodbye", "thanks", "affirm", "deny",
    "track_order", "cancel_order", "return_order", "change_address",
    "check_stock", "delivery_options", "payment_options",
    "human_handoff", "inform", "out_of_scope",
)

# The entities the NLU extracts. The training data may annotate others (return_reason, for
# the Rasa pipeline); the actions read those from the text themselves.
ENTITIES: tuple[str, ...] = ("order_ref", "email", "phone", "postcode", "sku", "product")

# What a message the NLU cannot place is: the dialogue asks again rather than act on a guess.
FALLBACK_INTENT = "out_of_scope"

# What a message that only gives an identifier is: the answer to the question just asked.
INFORM_INTENT = "inform"
