"""The Rasa project is whole, and the built-in dialogue keeps its rules: every intent, entity,
action and response named anywhere exists, and each rule of data/rules.yml is what the
built-in policy does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from chatbot.dialogue import policy

PROJECT = Path(__file__).parents[3] / "chatbot"
DOMAIN = yaml.safe_load((PROJECT / "domain.yml").read_text())
RULES = yaml.safe_load((PROJECT / "data" / "rules.yml").read_text())["rules"]
STORIES = yaml.safe_load((PROJECT / "data" / "stories.yml").read_text())["stories"]
NLU = yaml.safe_load((PROJECT / "data" / "nlu.yml").read_text())["nlu"]
INTENTS = ("greet goodbye thanks affirm deny track_order cancel_order return_order change_address check_stock "
           "delivery_options payment_options human_handoff inform out_of_scope").split()
RASA_ACTIONS = {"action_listen", "action_deactivate_loop", "action_default_fallback"}


def test_the_intents_are_exactly_the_ones_asked_for_in_domain_and_data():
    assert DOMAIN["intents"] == INTENTS
    assert sorted({block["intent"] for block in NLU if "intent" in block}) == sorted(INTENTS)


def test_every_entity_annotated_in_the_data_is_in_the_domain():
    annotated = set()
    for block in NLU:
        for example in (block.get("examples") or "").splitlines():
            annotated |= set(re.findall(r"\]\((\w+)\)", example))
            annotated |= set(re.findall(r'\]\{"entity":\s*"(\w+)"', example))
    assert annotated <= set(DOMAIN["entities"]) and {"order_ref", "email", "phone", "postcode", "sku",
                                                     "product"} <= annotated


def test_every_custom_action_is_served_and_every_form_slot_is_asked_for():
    executor = ActionExecutor()
    executor.register_package("chatbot.actions")
    assert set(DOMAIN["actions"]) <= set(executor.actions)
    for form in DOMAIN["forms"].values():
        for slot in form["required_slots"]:
            assert f"utter_ask_{slot}" in DOMAIN["responses"]


def test_every_response_has_a_chinese_variation():
    dynamic = {"utter_order_status", "utter_stock"}  # their text is composed in the customer's language
    for name, variations in DOMAIN["responses"].items():
        languages = {c["value"] for v in variations for c in v.get("condition", []) if c["name"] == "language"}
        assert name in dynamic or languages == {"zh"}, name


def _steps_known(steps):
    for step in steps:
        if "action" in step:
            name = step["action"]
            assert (name in DOMAIN["actions"] or name in DOMAIN["responses"] or name in DOMAIN["forms"]
                    or name in RASA_ACTIONS), name
        if "intent" in step:
            assert step["intent"] in INTENTS or step["intent"] == "nlu_fallback"


@pytest.mark.parametrize("story", STORIES, ids=lambda story: story["story"])
def test_stories_name_only_what_exists(story):
    _steps_known(story["steps"])


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule["rule"])
def test_each_rule_is_what_the_built_in_dialogue_does(rule):
    _steps_known(rule["steps"])
    loop, slots = None, {}
    for condition in rule.get("condition", []):
        if "active_loop" in condition:
            loop = condition["active_loop"]
        for setting in condition.get("slot_was_set", []):
            slots.update(setting)
    steps = rule["steps"]
    actions = [step["action"] for step in steps if "action" in step]
    if "intent" in steps[0]:
        entities = frozenset(name for entity in steps[0].get("entities", [])
                             for name in (entity if isinstance(entity, dict) else {entity: None}))
        assert policy.first_actions(steps[0]["intent"], slots, loop, False, entities) == actions
    else:  # a form that is done, and what follows it
        assert actions[0] == loop
        assert policy.after_form(loop, slots) == actions[-1]
