"""The chatbot's built-in NLU: Rasa's parse answer, the entity extractors in both languages,
language detection, the model file and its rebuilds. The model is trained once, on the small
data below, so the tests do not move when data/nlu.yml does."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import chatbot.nlu
from chatbot.nlu import CONFIDENCE_THRESHOLD, Interpreter, build, evaluate, model, training
from chatbot.nlu.entities import EntityExtractor
from chatbot.nlu.text import language_of

ROOT = Path(__file__).resolve().parents[3]

DATA = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello
    - hey there
    - good morning
    - hello is anyone there
    - hiya
    - 你好
    - 您好
    - 在吗
    - 亲在吗
    - 早上好
- intent: goodbye
  examples: |
    - bye
    - goodbye
    - see you later
    - have a nice day
    - that's all bye
    - 再见
    - 拜拜
    - 先这样吧 再见
    - 回头见
- intent: thanks
  examples: |
    - thanks
    - thank you
    - thanks a lot
    - cheers that helps
    - many thanks
    - 谢谢
    - 多谢
    - 谢谢你
    - 感谢
- intent: affirm
  examples: |
    - yes
    - yes please
    - sure
    - that's right
    - correct
    - yep go ahead
    - 是的
    - 对
    - 好的
    - 可以
    - 没错
- intent: deny
  examples: |
    - no
    - no thanks
    - nope
    - not that one
    - don't do that
    - 不是
    - 不要
    - 不用了
    - 不对
- intent: track_order
  examples: |
    - where is my order
    - where is my order [#1001](order_ref)
    - track order [112-1234567-1234567](order_ref)
    - when will my [hoodie](product) arrive
    - has order [5590213](order_ref) shipped yet
    - what is the status of my order
    - my parcel has not arrived
    - 我的订单到哪了
    - 订单号[1001](order_ref)什么时候到
    - 帮我查一下物流
    - 我买的[卫衣](product)发货了没
    - 快递什么时候到
- intent: cancel_order
  examples: |
    - cancel my order
    - please cancel order [#58213](order_ref)
    - i want to cancel [ord_01JD3M5Y8Z2K7Q4W9E6R1T0P3N](order_ref)
    - cancel it i changed my mind
    - stop my order please
    - 取消订单
    - 我要取消订单[#1001](order_ref)
    - 帮我取消一下
    - 不想要了 取消吧
- intent: return_order
  examples: |
    - i want to return my order
    - how do i return the [t-shirt]{"entity": "product", "value": "tshirt"}
    - can i get a refund
    - the [mug](product) arrived broken i want a refund
    - send it back
    - 我要退货
    - 怎么退款
    - 收到的[T恤](product)破了 想退
    - 申请退货退款
- intent: change_address
  examples: |
    - change my delivery address
    - i need to update the shipping address
    - wrong address on order [#1001](order_ref)
    - can you ship it to a different address
    - my zip code is wrong it should be [94103](postcode)
    - 修改收货地址
    - 地址填错了
    - 帮我改一下地址
    - 邮编写错了 应该是[200120](postcode)
- intent: check_stock
  examples: |
    - do you have [hoodies](product) in stock
    - is [TSHIRT-RED-M](sku) available
    - any [mugs](product) left
    - when will the [cap](product) be back in stock
    - is it in stock near [10001](postcode)
    - 红色[T恤](product)有货吗
    - 还有库存吗
    - [卫衣](product)还有货吗
    - [HOODIE-GREY-L](sku)有吗
- intent: delivery_options
  examples: |
    - how long does shipping take
    - do you offer express delivery
    - what are the delivery options
    - can i collect in store
    - is shipping free
    - 多久能发货
    - 包邮吗
    - 可以到店自提吗
    - 有顺丰吗
- intent: payment_options
  examples: |
    - can i pay with paypal
    - which payment methods do you accept
    - do you take credit cards
    - can i pay cash on delivery
    - is apple pay ok
    - 可以用支付宝吗
    - 支持微信支付吗
    - 能刷信用卡吗
    - 怎么付款
- intent: human_handoff
  examples: |
    - talk to a human
    - i want a real person
    - connect me to an agent
    - can someone call me
    - let me speak to customer service
    - 转人工
    - 我要人工客服
    - 找个真人
    - 让客服打电话给我
- intent: inform
  examples: |
    - [#1001](order_ref)
    - it's [#58213](order_ref)
    - my email is [jane@example.com](email)
    - my phone number is [415 555 0132](phone)
    - postcode [SW1A 1AA](postcode)
    - the [blue](product) one
    - 邮箱是[a@example.com](email)
    - 手机[13812345678](phone)
    - 单号[8820164](order_ref)
- intent: out_of_scope
  examples: |
    - what's the weather like
    - tell me a joke
    - who won the football
    - write me a poem
    - what is the meaning of life
    - asdfghjkl
    - 今天天气怎么样
    - 讲个笑话
    - 帮我写作业
    - 你喜欢什么电影
- synonym: tshirt
  examples: |
    - t-shirt
    - tee
    - T恤
- synonym: hoodie
  examples: |
    - hoodies
    - 卫衣
- synonym: red
  examples: |
    - 红色
- synonym: m
  examples: |
    - medium
    - M码
- lookup: product
  examples: |
    - tshirt
    - hoodie
    - mug
    - cap
- regex: order_ref
  examples: |
    - #\\d{3,10}
"""


def entities(found: list[dict]) -> list[tuple[str, str, int, int]]:
    return [(entity["entity"], entity["value"], entity["start"], entity["end"]) for entity in found]


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("nlu") / "nlu.yml"
    path.write_text(DATA, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_path(data_file) -> Path:
    out = data_file.with_name("model.bin")
    build.build([data_file], out)
    return out


@pytest.fixture(scope="module")
def nlu(model_path) -> Interpreter:
    return Interpreter.load(model_path)


@pytest.fixture(scope="module")
def extractor(nlu) -> EntityExtractor:
    return nlu.entities


# --- the answer ------------------------------------------------------------------------------


def test_a_parse_answers_as_rasa_model_parse_does_plus_the_language(nlu):
    # WHEN a message is parsed
    parsed = nlu.parse("where is my order #1001")

    # THEN the answer has Rasa's keys, and the language
    assert set(parsed) == {"text", "intent", "intent_ranking", "entities", "language"}
    assert parsed["text"] == "where is my order #1001"
    assert parsed["intent"] == {"name": "track_order", "confidence": parsed["intent"]["confidence"]}
    assert parsed["intent"]["confidence"] >= CONFIDENCE_THRESHOLD
    # AND the ranking holds at most ten intents, most likely first, with confidences summing to no more than 1
    ranking = parsed["intent_ranking"]
    assert 1 < len(ranking) <= 10
    assert all(set(entry) == {"name", "confidence"} for entry in ranking)
    assert [entry["confidence"] for entry in ranking] == sorted((entry["confidence"] for entry in ranking),
                                                                 reverse=True)
    assert ranking[0]["name"] == "track_order" and sum(entry["confidence"] for entry in ranking) <= 1.0 + 1e-9
    assert parsed["entities"] == [{"entity": "order_ref", "start": 18, "end": 23, "value": "#1001",
                                   "extractor": "regex"}]
    assert parsed["language"] == "en"
    json.dumps(parsed)  # what the /chat function returns as it is


@pytest.mark.parametrize(("text", "intent", "language"), [
    ("hello", "greet", "en"),
    ("你好", "greet", "zh"),
    ("can you track order #77120", "track_order", "en"),
    ("我要退货", "return_order", "zh"),
    ("please cancel order 112-9876543-7654321", "cancel_order", "en"),
    ("帮我改一下地址", "change_address", "zh"),
    ("can i pay with paypal", "payment_options", "en"),
    ("转人工", "human_handoff", "zh"),
])
def test_clear_messages_get_their_intent_in_either_language(nlu, text, intent, language):
    parsed = nlu.parse(text)

    assert (parsed["intent"]["name"], parsed["language"]) == (intent, language)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_message_is_out_of_scope_for_certain(nlu, text):
    parsed = nlu.parse(text)

    assert parsed["intent"] == {"name": "out_of_scope", "confidence": 1.0}
    assert parsed["entities"] == []


@pytest.mark.parametrize("text", ["qwxz vbnm plkj", "zzzzzzzz", "ぷぴぺぽ", "🦜🦜🦜"])
def test_gibberish_is_out_of_scope(nlu, text):
    # GIVEN words the model never saw
    # WHEN they are parsed
    parsed = nlu.parse(text)

    # THEN nothing is acted on
    assert parsed["intent"]["name"] == "out_of_scope"


def test_an_unsure_guess_becomes_out_of_scope_and_the_ranking_stays(model_path):
    # GIVEN an interpreter that wants near certainty
    strict = Interpreter(model.load(model_path), threshold=0.999)

    # WHEN a message it is not that sure of is parsed
    parsed = strict.parse("hey can you check my parcel")

    # THEN the intent is the fallback at the threshold, as Rasa's FallbackClassifier answers
    assert parsed["intent"] == {"name": "out_of_scope", "confidence": 0.999}
    # AND the ranking is still the classifier's own
    assert parsed["intent_ranking"][0]["name"] != "out_of_scope"
    assert parsed["intent_ranking"][0]["confidence"] < 0.999


@pytest.mark.parametrize(("text", "entity", "value"), [
    ("#1001", "order_ref", "#1001"),
    ("ord_01JD3M5Y8Z2K7Q4W9E6R1T0P3N", "order_ref", "ord_01JD3M5Y8Z2K7Q4W9E6R1T0P3N"),
    (" 4417203 ", "order_ref", "4417203"),
    ("jane.doe@example.com", "email", "jane.doe@example.com"),
    ("+1 (415) 555-0132", "phone", "+14155550132"),
    ("13812345678", "phone", "+8613812345678"),
    ("SW1A 1AA.", "postcode", "SW1A 1AA"),
])
def test_a_message_that_only_gives_an_identifier_is_inform(nlu, text, entity, value):
    # GIVEN the reply to "what is your order number / email / phone / postcode?"
    parsed = nlu.parse(text)

    # THEN it informs, whatever the classifier would have made of it
    assert parsed["intent"] == {"name": "inform", "confidence": 1.0}
    assert [(found["entity"], found["value"]) for found in parsed["entities"]] == [(entity, value)]


def test_a_very_long_message_is_read_from_its_start_and_quickly(nlu):
    # GIVEN a message far past the length anyone types
    text = "where is my order #1001 " + "blah " * 2000

    # WHEN it is parsed
    started = time.perf_counter()
    parsed = nlu.parse(text)

    # THEN it is answered whole, from what the start says
    assert time.perf_counter() - started < 0.1
    assert parsed["text"] == text
    assert entities(parsed["entities"]) == [("order_ref", "#1001", 18, 23)]


def test_parsing_takes_well_under_five_milliseconds(nlu):
    messages = ["hi", "where is my order #1001", "订单号1001什么时候到", "我的手机13812345678 请打给我",
                "do you have TSHIRT-RED-M in stock near 94107?",
                "can i change the address to 1 Main St, Boston, MA 02108",
                "i ordered a hoodie last week and it still has not arrived, my email is jane@example.com"]
    nlu.parse("warm up")
    started = time.perf_counter()
    for _ in range(50):
        for message in messages:
            nlu.parse(message)

    assert (time.perf_counter() - started) / (50 * len(messages)) < 0.005


# --- buttons ---------------------------------------------------------------------------------


def test_a_button_payload_gives_its_intent_for_certain(nlu):
    parsed = nlu.parse("/affirm")

    assert parsed["intent"] == {"name": "affirm", "confidence": 1.0}
    assert parsed["intent_ranking"] == [{"name": "affirm", "confidence": 1.0}]
    assert parsed["entities"] == []
    assert parsed["text"] == "/affirm"


def test_a_button_payload_gives_its_entities_spanning_the_payload_as_rasa_does(nlu):
    text = '/track_order{"order_ref": "#1001", "sku": ["CAP-RED", "MUG-BLK"], "colour": "red"}'

    parsed = nlu.parse(text)

    assert parsed["intent"] == {"name": "track_order", "confidence": 1.0}
    # an unknown entity type is dropped; a list gives one entity per value
    assert parsed["entities"] == [
        {"entity": "order_ref", "value": "#1001", "start": 0, "end": len(text)},
        {"entity": "sku", "value": "CAP-RED", "start": 0, "end": len(text)},
        {"entity": "sku", "value": "MUG-BLK", "start": 0, "end": len(text)},
    ]


@pytest.mark.parametrize(("text", "confidence", "found"), [
    ("/deny@0.7", 0.7, []),
    ("/deny@3", 1.0, []),
    ('/inform{"order_ref": broken}', 1.0, []),
    ('/inform{"order_ref": "#1001"} thanks', 1.0, [{"entity": "order_ref", "value": "#1001", "start": 0, "end": 36}]),
])
def test_a_button_payload_with_odd_parts_still_gives_its_intent(nlu, text, confidence, found):
    parsed = nlu.parse(text)

    assert parsed["intent"]["confidence"] == confidence
    assert parsed["entities"] == found


def test_a_payload_naming_no_known_intent_is_read_as_words(nlu):
    parsed = nlu.parse("/chitchat")

    assert parsed["intent_ranking"] != [{"name": "chitchat", "confidence": 1.0}]
    assert parsed["intent"]["name"] != "chitchat"


# --- entities --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    # order references inside Chinese with no spaces, and full-width digits
    ("订单号1001什么时候到", [("order_ref", "1001", 3, 7)]),
    ("帮我查一下订单#58213的物流", [("order_ref", "#58213", 7, 13)]),
    ("订单号１００１", [("order_ref", "1001", 3, 7)]),
    ("查一下1457和1458两个单的物流", [("order_ref", "1457", 3, 7), ("order_ref", "1458", 8, 12)]),
    ("1311 这个单什么时候发", [("order_ref", "1311", 0, 4)]),
    ("我要取消1502", [("order_ref", "1502", 4, 8)]),
    ("where is order no. 4418273", [("order_ref", "4418273", 19, 26)]),
    ("my order number is 5590213", [("order_ref", "5590213", 19, 26)]),
    ("is 112-8745123-4410921 shipped", [("order_ref", "112-8745123-4410921", 3, 22)]),
    ("check ord_01jd3m5y8z2k7q4w9e6r1t0p3n", [("order_ref", "ord_01JD3M5Y8Z2K7Q4W9E6R1T0P3N", 6, 36)]),
    ("嗯 8820164", [("order_ref", "8820164", 2, 9)]),
    # a bare number is an order, a number after "zip" a postcode
    ("94107", [("order_ref", "94107", 0, 5)]),
    ("zip 94107", [("postcode", "94107", 4, 9)]),
    ("my zip code is wrong, it should be 94103", [("postcode", "94103", 35, 40)]),
    ("order 94107 and zip 10001-1234", [("order_ref", "94107", 6, 11), ("postcode", "10001-1234", 20, 30)]),
    ("1 Main St, San Francisco, ca 94105", [("postcode", "94105", 29, 34)]),
    ("stores near 60614?", [("postcode", "60614", 12, 17)]),
    ("邮编100080附近有店吗", [("postcode", "100080", 2, 8)]),
    ("邮编填错了 应该是200120", [("postcode", "200120", 9, 15)]),
    ("my postcode is sw1a 1aa", [("postcode", "SW1A 1AA", 15, 23)]),
    ("ship to m5v 3l9 please", [("postcode", "M5V 3L9", 8, 15)]),
    # numbers that are nothing of the kind
    ("886", []),
    ("i want 2 of them in size 10", []),
    ("the order of 100 items", []),
    ("ship to 1600 amphitheatre pkwy", []),
    # emails, in Chinese too
    ("我的邮箱是abc@example.com谢谢", [("email", "abc@example.com", 5, 20)]),
    ("email: Tom.Baker+shop@Example.co.uk.", [("email", "Tom.Baker+shop@Example.co.uk", 7, 35)]),
    # SKUs as the catalogue and as customers write them
    ("is TSHIRT-RED-M in stock", [("sku", "TSHIRT-RED-M", 3, 15)]),
    ("TSHIRT-RED-M有库存吗", [("sku", "TSHIRT-RED-M", 0, 12)]),
    ("do you have tshirt-red-m", [("sku", "TSHIRT-RED-M", 12, 24)]),
    ("shoe-white-42 please", [("sku", "SHOE-WHITE-42", 0, 13)]),
    ("is it out-of-stock? a follow-up", []),
    # products by the lookup and the synonyms, plural or not, in either script
    ("do you have Hoodies", [("product", "hoodie", 12, 19)]),
    ("红色T恤有货吗", [("product", "tshirt", 2, 4)]),
    # (a lookup entry without synonyms stays as written)
    ("a tee and two mugs", [("product", "tshirt", 2, 5), ("product", "mugs", 14, 18)]),
    ("the capital of France", []),
])
def test_entities_are_found_with_offsets_into_what_was_written(extractor, text, expected):
    assert entities(extractor.extract(text)) == expected


@pytest.mark.parametrize(("text", "value"), [
    ("我的手机13812345678", "+8613812345678"),
    ("电话：138-1234-5678谢谢", "+8613812345678"),
    ("+86 138 1234 5678", "+8613812345678"),
    ("座机010 8888 6666", "+861088886666"),
    ("call me on +1 (415) 555-0132", "+14155550132"),
    ("reach me at 415.555.0132", "+14155550132"),
    ("(212) 555-0148", "+12125550148"),
    ("my number is 07911 123456", "+447911123456"),
    ("+44 7700 900123", "+447700900123"),  # a range not allocated, but the country is given
    ("+44 20 7946 0958", "+442079460958"),
    ("0412 345 678", "+61412345678"),
    ("+33 1 23 45 67 89", "+33123456789"),
    ("+49 30 123456", "+4930123456"),
    ("+852 9123 4567", "+85291234567"),
])
def test_phone_numbers_in_many_formats_become_e164(extractor, text, value):
    found = extractor.extract(text)

    assert [(entity["entity"], entity["value"], entity["extractor"]) for entity in found] == \
        [("phone", value, "phonenumbers")]
    assert text[found[0]["start"]:found[0]["end"]].replace(" ", "")[-4:] == value[-4:]


def test_two_phone_numbers_in_one_message_are_both_found(extractor):
    found = extractor.extract("mobile +44 7700 900123 or office (212) 555-0148")

    assert [entity["value"] for entity in found] == ["+447700900123", "+12125550148"]


def test_an_order_number_in_amazon_format_is_not_read_as_a_phone(extractor):
    assert entities(extractor.extract("112-1234567-1234567")) == [("order_ref", "112-1234567-1234567", 0, 19)]


def test_extractors_need_no_tables(extractor):
    # GIVEN an extractor without a model's lookups and synonyms
    bare = EntityExtractor()

    # THEN codes are found; lower-case SKUs need a product word to tell them from hyphenated words
    assert entities(bare.extract("订单号1001 email a@b.co TSHIRT-RED-M")) == [
        ("order_ref", "1001", 3, 7), ("email", "a@b.co", 14, 20), ("sku", "TSHIRT-RED-M", 21, 33)]
    assert bare.extract("do you have tshirt-red-m") == []
    assert extractor.extract("do you have tshirt-red-m")[0]["value"] == "TSHIRT-RED-M"


# --- canonical words -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "words"), [
    ("I want a red T恤 in medium", ["red", "tshirt", "m"]),
    ("红色T恤 M码", ["red", "tshirt", "m"]),
    ("tshirt-red-m", ["tshirt", "red", "m"]),
    ("i'm after hoodies, a tee and another tee", ["hoodie", "tshirt"]),
    ("nothing known here", []),
])
def test_canonical_words_are_what_the_catalogue_calls_things(nlu, text, words):
    assert nlu.canonical_words(text) == words


def test_the_package_canonical_words_use_the_default_model(monkeypatch, data_file, model_path):
    # GIVEN the default model is the one built from this data
    monkeypatch.setenv(build.MODEL_VARIABLE, str(model_path))
    monkeypatch.setattr(build, "DEFAULT_DATA", (data_file,))
    chatbot.nlu.default_interpreter.cache_clear()
    try:
        # THEN the actions' canonical_words reads its tables
        assert chatbot.nlu.canonical_words("卫衣 medium") == ["hoodie", "m"]
    finally:
        chatbot.nlu.default_interpreter.cache_clear()


# --- language --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "language"), [
    ("where is my order", "en"),
    ("我的订单到哪了", "zh"),
    ("我的order什么时候到", "zh"),
    ("能cancel吗", "zh"),
    ("thx亲", "zh"),
    ("我要talk to a real person", "zh"),
    ("hello 你好", "zh"),
    ("ｗｈｅｒｅ ｉｓ ｍｙ ｏｒｄｅｒ", "en"),
    ("订单 ord_01JD3M5Y8Z2K7Q4W9E6R1T0P3N", "zh"),
    ("my name is 王伟 and i would like to know where my order has got to", "en"),
    ("1001", "en"),
    ("", "en"),
])
def test_the_language_is_chinese_when_enough_of_the_letters_are_han(text, language):
    assert language_of(text) == language


def test_a_message_in_english_naming_a_chinese_product_stays_english(nlu):
    assert nlu.parse("do you have the 卫衣 in stock")["language"] == "en"


# --- training data ---------------------------------------------------------------------------


def test_an_example_loses_its_markup_and_keeps_its_entities():
    text, found = training.parse_example(
        '订单号[1001](order_ref)的[T恤]{"entity": "product", "value": "tshirt"}和[mug](product:mug)')

    assert text == "订单号1001的T恤和mug"
    assert [(entity.entity, text[entity.start:entity.end], entity.value) for entity in found] == [
        ("order_ref", "1001", "1001"), ("product", "T恤", "tshirt"), ("product", "mug", "mug")]


def test_blocks_of_one_intent_and_several_files_are_merged(tmp_path):
    first, second = tmp_path / "en.yml", tmp_path / "zh.yml"
    first.write_text('nlu:\n- intent: greet\n  examples: |\n    - hi\n- intent: greet\n  examples: |\n    - hello\n'
                     '- synonym: tshirt\n  examples: |\n    - tee\n', encoding="utf-8")
    second.write_text('nlu:\n- intent: greet\n  examples: |\n    - 你好\n- lookup: product\n  examples: |\n    - 卫衣\n'
                      '- regex: sku\n  examples: |\n    - [A-Z]{2,}(-[A-Z0-9]+)+\n'
                      '- intent: return_order\n  examples: |\n    - the [tee](product) is [too small]'
                      '{"entity": "return_reason", "value": "too_small"}\n', encoding="utf-8")

    data = training.load([first, second])

    assert [(example.text, example.intent) for example in data.examples] == [
        ("hi", "greet"), ("hello", "greet"), ("你好", "greet"), ("the tee is too small", "return_order")]
    assert data.synonyms == {"tee": "tshirt", "too small": "too_small"}
    assert data.lookups == {"product": ["卫衣"]}
    assert data.regexes == {"sku": ["[A-Z]{2,}(-[A-Z0-9]+)+"]}


def test_an_intent_the_dialogue_does_not_know_is_refused(tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text("nlu:\n- intent: chitchat\n  examples: |\n    - how are you\n", encoding="utf-8")

    with pytest.raises(ValueError, match="chitchat"):
        training.load([path])


# --- the model file --------------------------------------------------------------------------


def test_the_model_file_is_small_and_records_its_training_data(model_path, data_file):
    assert model_path.stat().st_size <= model.MAX_BYTES
    assert model.built_from(model_path) == build.data_sha256([data_file])
    loaded = model.load(model_path)
    assert len(loaded.weights) == len(loaded.features) * len(loaded.intents)
    assert "out_of_scope" in loaded.intents


def test_the_model_loads_and_parses_without_numpy_yaml_or_pydantic(model_path):
    # GIVEN a fresh interpreter process, as a Lambda is
    script = (
        "import sys, json\n"
        "from chatbot.nlu import Interpreter\n"
        f"parsed = Interpreter.load({str(model_path)!r}).parse('订单号1001什么时候到')\n"
        "loaded = sorted(name for name in ('numpy', 'yaml', 'pydantic') if name in sys.modules)\n"
        "print(json.dumps([parsed['intent']['name'], loaded]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)

    # THEN it answers, and none of the build's libraries were imported
    assert json.loads(result.stdout) == ["track_order", []]


def test_importing_the_package_imports_neither_the_build_nor_phonenumbers():
    script = ("import sys, json, chatbot.nlu\n"
              "print(json.dumps([m for m in ('numpy', 'yaml', 'phonenumbers') if m in sys.modules]))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)

    assert json.loads(result.stdout) == []


def test_ensure_model_rebuilds_when_the_training_data_changes(tmp_path, monkeypatch):
    # GIVEN training data and no model yet
    data = tmp_path / "nlu.yml"
    data.write_text(DATA, encoding="utf-8")
    path = tmp_path / "model.bin"
    builds = []
    real_build = build.build
    monkeypatch.setattr(build, "build", lambda *args, **kwargs: builds.append(args) or real_build(*args, **kwargs))

    # WHEN the model is ensured, twice
    assert build.ensure_model(path, [data]) == path
    build.ensure_model(path, [data])

    # THEN it was built once, from that data
    assert len(builds) == 1
    assert model.built_from(path) == build.data_sha256([data])

    # WHEN the data changes
    data.write_text(DATA.replace("    - hiya\n", "    - hiya\n    - hey hey\n"), encoding="utf-8")
    build.ensure_model(path, [data])

    # THEN it is rebuilt from the new data
    assert len(builds) == 2
    assert model.built_from(path) == build.data_sha256([data])


def test_ensure_model_uses_the_file_it_has_where_there_is_no_training_data(tmp_path, model_path):
    # GIVEN a Lambda: the model shipped, the training data did not
    missing = tmp_path / "absent.yml"

    assert build.ensure_model(model_path, [missing]) == model_path
    with pytest.raises(FileNotFoundError):
        build.ensure_model(tmp_path / "none.bin", [missing])


def test_a_stale_model_is_kept_where_it_cannot_be_rebuilt(tmp_path, data_file, model_path, monkeypatch):
    # GIVEN training data newer than the model, and no numpy to rebuild it with
    stale = tmp_path / "model.bin"
    stale.write_bytes(model_path.read_bytes())
    changed = tmp_path / "nlu.yml"
    changed.write_text(DATA + "- lookup: product\n  examples: |\n    - scarf\n", encoding="utf-8")

    def no_numpy(*args, **kwargs):
        raise ImportError("No module named 'numpy'")

    monkeypatch.setattr(build, "build", no_numpy)

    # THEN the model it has is used, with a warning; without one there is nothing to use
    with pytest.warns(UserWarning, match="cannot be rebuilt"):
        assert build.ensure_model(stale, [changed]) == stale
    with pytest.raises(ImportError):
        build.ensure_model(tmp_path / "none.bin", [changed])


def test_the_build_command_writes_the_model_and_says_what_it_built(tmp_path, data_file, capsys):
    out = tmp_path / "quick.bin"

    assert build.main(["--data", str(data_file), "--out", str(out), "--no-tune"]) == 0

    summary = json.loads(capsys.readouterr().out)
    assert summary["model"] == str(out) and summary["bytes"] == out.stat().st_size
    assert summary["examples"] == len(training.load([data_file]).examples)
    assert Interpreter.load(out).parse("转人工")["intent"]["name"] == "human_handoff"


def test_the_default_model_path_can_be_moved(monkeypatch, tmp_path):
    monkeypatch.delenv(build.MODEL_VARIABLE, raising=False)
    assert build.default_model_path() == Path(build.__file__).parent / "model.bin"
    monkeypatch.setenv(build.MODEL_VARIABLE, str(tmp_path / "elsewhere.bin"))
    assert build.default_model_path() == tmp_path / "elsewhere.bin"


# --- evaluation ------------------------------------------------------------------------------


def test_the_evaluation_holds_out_a_fifth_of_each_intent_and_never_trains_on_it(data_file):
    examples = training.load([data_file]).examples

    train, held = evaluate.split(examples)

    assert {example.text for example in train}.isdisjoint(example.text for example in held)
    assert sorted(train + held, key=repr) == sorted(examples, key=repr)
    assert 0.1 <= len(held) / len(examples) <= 0.25
    # the split follows the texts, not their order in the file
    assert {example.text for example in evaluate.split(reversed(examples))[1]} == {example.text for example in held}


def test_the_evaluation_reports_the_figures(data_file):
    report = evaluate.evaluate(data_file)

    assert set(report) >= {"chat_intent_accuracy_en", "chat_intent_accuracy_zh", "chat_intent_macro_f1_en",
                           "chat_intent_macro_f1_zh", "chat_entity_f1", "chat_model_bytes"}
    assert all(0 <= report[key] <= 100 for key in report if key.startswith("chat_intent") or key == "chat_entity_f1")
    assert 0 < report["chat_model_bytes"] <= model.MAX_BYTES
