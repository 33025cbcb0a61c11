"""`python -m chatbot.build`: what the assistant needs at run time, made from its sources — the
NLU model from data/nlu.yml and the compiled domain from domain.yml."""

from __future__ import annotations

from chatbot.dialogue.domain import compile_domain
from chatbot.nlu.build import ensure_model


def main() -> None:
    print(f"model: {ensure_model()}")
    print(f"domain: {compile_domain()}")


if __name__ == "__main__":
    main()
