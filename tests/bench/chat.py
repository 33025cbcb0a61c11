"""The chat assistant: how well its built-in NLU understands people (on a held-out split of
data/nlu.yml it was never trained on), how fast a turn is answered in-process without AWS, the
size of its model, and its cold start from the built layers."""

from __future__ import annotations

import secrets
import statistics
import time

from chatbot.actions.backend import use
from chatbot.assistant import assistant
from chatbot.nlu.build import ensure_model
from chatbot.nlu.evaluate import evaluate
from tests.bench import cold_start
from tests.bench.figures import Figure
from tests.unit.chat.backends import memory_backend, memory_store, placed

CONVERSATIONS = 60
# A customer's conversation: small talk, a tracked order proved by email, a cancellation asked
# and declined, stock, and the same in Chinese.
SCRIPT = ("hi there", "where is my order {number}", "{email}", "can I cancel it", "no", "is MUG-LOGO in stock",
          "thanks", "你好", "我的订单{number}到哪了", "谢谢", "bye")


def _turn_times() -> list[float]:
    store = memory_store()
    backend = memory_backend(store)
    use(backend)
    try:
        dialogue, times = assistant(), []
        for number in range(CONVERSATIONS):
            order_ref, email = f"#{50_000 + number}", f"c{number}@example.com"
            placed(store, backend, order_ref, email)
            state, sender = {}, secrets.token_urlsafe(18)
            for line in SCRIPT:
                started = time.perf_counter()
                turn = dialogue.respond(sender, line.format(number=order_ref, email=email), state,
                                        metadata={"shop": "bench"}, now=backend.clock().timestamp())
                times.append(time.perf_counter() - started)
                state = turn.state
        return times
    finally:
        use(None)


def figures() -> list[Figure]:
    quality = evaluate()
    times = sorted(_turn_times())
    p95 = times[int(len(times) * 0.95)] * 1000
    model_bytes = ensure_model().stat().st_size
    layers = [cold_start.build_layer(), cold_start.build_layer("chatbot", "ChatLayer", "bench-chat-layer")]
    baseline, chat = cold_start.measure(layers, "ChatFunction")
    return [
        Figure("chat_intent_accuracy_en", quality["chat_intent_accuracy_en"], "%", "",
               "held-out split of data/nlu.yml, never trained on"),
        Figure("chat_intent_accuracy_zh", quality["chat_intent_accuracy_zh"], "%"),
        Figure("chat_intent_macro_f1_en", quality["chat_intent_macro_f1_en"], "%"),
        Figure("chat_intent_macro_f1_zh", quality["chat_intent_macro_f1_zh"], "%"),
        Figure("chat_entity_f1", quality["chat_entity_f1"], "%", "", "exact span and entity, held-out examples"),
        Figure("chat_turn_p95_ms", round(p95, 2), "ms", "<= 5",
               f"{len(times)} turns in-process, in-memory store; median {statistics.median(times) * 1000:.2f} ms"),
        Figure("chat_model_bytes", model_bytes, "bytes", "<= 2000000"),
        Figure("cold_start_ratio_chat", round(chat / baseline, 2), "x", "<= 1.5",
               f"chat {chat * 1000:.0f} ms vs boto3 + DynamoDB client {baseline * 1000:.0f} ms"),
    ]
