"""The assistant, assembled once per process: the built-in NLU, domain.yml's dialogue, and the
rasa-sdk actions registered in an executor exactly as `python -m rasa_sdk` registers them."""

from __future__ import annotations

import functools

from chatbot.dialogue.domain import load_domain
from chatbot.dialogue.engine import Dialogue
from chatbot.nlu import Interpreter


@functools.cache
def interpreter() -> Interpreter:
    return Interpreter.load()


@functools.cache
def assistant() -> Dialogue:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("chatbot.actions")
    return Dialogue(load_domain(), executor, interpreter().parse)
