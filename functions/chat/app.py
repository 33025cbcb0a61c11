"""The customer chat: Rasa's REST channel (`POST /webhooks/rest/webhook`) and NLU parse
(`POST /chat/parse`) without a Rasa server. The shop's publishable chat key names the shop; the
sender id names the conversation, so clients make it random. Turns are rate limited per
conversation and per key. Nothing a customer writes is logged or kept.
"""

import os

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from chalice import Response

from chatbot.actions.backend import from_environment, use
from chatbot.assistant import assistant, interpreter
from oms.settings import ChatSettings
from oms.store.conversations import ConversationChanged, TooManyTurns, sender_digest
from oms_http import Api, Problem

settings = ChatSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-chat")
chat = from_environment()
use(chat)  # the actions act through this function's stores
dialogue, understanding = assistant(), interpreter()  # model, domain and actions loaded once, at init


@app.route("/chat/parse", methods=["POST"])
def parse() -> Response:
    text = app.body().text
    _count(f"key:{app.principal.name}", settings.turns_per_key)
    return Response(body=understanding.parse(text), status_code=200)


@app.route("/webhooks/rest/webhook", methods=["POST"])
def webhook() -> Response:
    asked, shop = app.body(), app.principal.shop
    conversations = chat.conversations
    _count(f"key:{app.principal.name}", settings.turns_per_key)
    _count(f"conversation:{shop}:{sender_digest(asked.sender)}", settings.turns_per_sender)
    state, version = conversations.load(shop, asked.sender)
    turn = dialogue.respond(asked.sender, asked.message, state, metadata={"shop": shop})
    try:
        conversations.save(shop, asked.sender, turn.state, version)
    except ConversationChanged:
        raise Problem(409, "another message of this conversation was answered meanwhile; send it again") from None
    # Which conversation and what it did, never what was said.
    logger.info("chat turn", extra={"shop": shop, "conversation": sender_digest(asked.sender)[:16],
                                    "intent": turn.intent, "actions": turn.actions})
    if version == 0:  # no state was kept for this sender: the conversation starts with this turn
        metrics.add_metric(name="ChatConversations", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="ChatTurns", unit=MetricUnit.Count, value=1)
    return Response(body=turn.replies, status_code=200)


def _count(scope: str, limit: int) -> None:
    try:
        chat.conversations.count_turn(scope, limit)
    except TooManyTurns:
        raise Problem(429, "too many messages; wait a minute and try again") from None


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return app(event, context)
