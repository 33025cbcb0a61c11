"""Each task end to end on moto, in English and in Chinese: the customer proves the order is
theirs, then the bot answers and acts through the OMS's own rules."""

from __future__ import annotations

import json

from tests.emf import counted
from tests.integration.chat.conftest import TEE_AND_MUG, Chat


def buttons(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]


def test_track_with_the_carrier_tracking_and_expected_day(chat, shop):
    order_id, number, email = shop.order()
    tracking = shop.ship(order_id)

    asked = chat.ask(f"hi where is my order {number}")
    assert "email" in asked and tracking not in asked
    told = chat.ask(email)

    assert "on its way" in told and "UPS" in told and tracking in told
    assert "ups.com/track" in told and "Expected" in told


def test_track_in_chinese(chat, shop):
    order_id, number, email = shop.order()
    tracking = shop.ship(order_id)

    asked = chat.ask(f"我的订单{number}到哪了")
    assert "邮箱" in asked
    told = chat.ask(f"邮箱是{email}")

    assert "已发货" in told and tracking in told and "预计" in told


def test_cancel_one_line_says_what_and_the_refund_then_cancels_on_yes(chat, shop, tables):
    order_id, number, email = shop.order(**TEE_AND_MUG)

    chat.ask(f"I want to cancel the mug from order {number}")
    replies = chat.say(email)
    asked = replies[-1]["text"]

    assert "Logo mug" in asked and "Blue tee" not in asked and "12.96 USD" in asked
    assert buttons(replies) == ["/affirm", "/deny"]
    assert tables.order(order_id).lines[1].cancelled == 0  # nothing before the yes
    done = chat.ask("yes please")

    assert "cancelled" in done
    order = tables.order(order_id)
    assert order.lines[1].cancelled == 1 and order.lines[0].cancelled == 0
    assert order.history[-1].actor == "customer via chat:demo"


def test_a_no_cancels_nothing(chat, shop, tables):
    order_id, number, email = shop.order()
    chat.ask(f"cancel order {number}")
    chat.ask(email)

    assert "haven't changed anything" in chat.ask("no")
    assert tables.order(order_id).status != "cancelled"


def test_cancel_in_chinese(chat, shop, tables):
    order_id, number, email = shop.order()
    chat.ask(f"帮我取消订单{number}")
    asked = chat.ask(email)
    assert "确认取消" in asked or "取消" in asked

    done = chat.ask("确认")

    assert "已取消" in done and tables.order(order_id).status == "cancelled"


def test_cancel_after_shipment_is_refused_with_a_return_offered(chat, shop, tables):
    order_id, number, email = shop.order()
    shop.ship(order_id)

    chat.ask(f"please cancel my order {number}")
    replies = chat.say(email)
    told = " ".join(reply["text"] for reply in replies)

    assert "can't cancel" in told and "return" in told
    assert "/return_order" in buttons(replies)
    assert tables.order(order_id).status == "shipped"


def test_cancel_refused_in_chinese_offers_a_return(chat, shop):
    order_id, number, email = shop.order()
    shop.ship(order_id)

    chat.ask(f"订单{number}不想要了 能取消吗")
    told = chat.ask(email)

    assert "无法取消" in told and "退货" in told


def test_a_return_asks_why_states_the_refund_and_is_authorised_on_yes(chat, shop, tables):
    order_id, number, email = shop.order()
    shop.deliver(order_id)

    chat.ask(f"I'd like to return order {number}")
    why = chat.say(email)
    assert any("/inform" in payload for payload in buttons(why))
    asked = chat.ask("it arrived damaged")
    assert "43.18 USD" in asked  # the goods and their tax; shipping stays paid

    done = chat.ask("yes")

    assert "authorised" in done and "send it back" in done
    (started,) = tables.order(order_id).returns
    assert started.status == "authorised" and started.lines[0].reason == "damaged"


def test_a_return_in_chinese(chat, shop, tables):
    order_id, number, email = shop.order()
    shop.deliver(order_id)

    chat.ask(f"订单{number}我要退货")
    chat.ask(email)
    chat.ask("尺码太小了")
    done = chat.ask("好的")

    assert "已批准" in done
    assert tables.order(order_id).returns[0].lines[0].reason == "too_small"


def test_change_address_asks_each_part_confirms_masked_and_changes(chat, shop, deployed):
    order_id, number, email = shop.order()

    chat.ask(f"can you change the delivery address on {number}")
    assert "street" in chat.ask(email)
    assert "city" in chat.ask("9 Park Avenue").lower()
    assert "postcode" in chat.ask("New York")
    asked = chat.ask("10016")

    assert "Park Avenue" not in asked and "Pa••" in asked and "New York" in asked
    done = chat.ask("yes")

    assert "New York" in done
    sealed = _opened(deployed, order_id)
    assert sealed.shipping_address.line1 == "9 Park Avenue" and sealed.shipping_address.postal_code == "10016"
    assert sealed.customer.name == "Ada Lovelace"


def test_change_address_in_chinese(chat, shop, deployed):
    order_id, number, email = shop.order()

    chat.ask(f"订单{number}的收货地址填错了 想改一下")
    assert "街道" in chat.ask(email)
    assert "城市" in chat.ask("9 Park Avenue")
    assert "邮编" in chat.ask("New York")
    assert "确认修改" in chat.ask("10016")
    assert "已修改" in chat.ask("是的")
    assert _opened(deployed, order_id).shipping_address.postal_code == "10016"


def test_an_address_cannot_change_once_the_parcel_has_left(chat, shop):
    order_id, number, email = shop.order()
    shop.ship(order_id)

    chat.ask(f"change the shipping address for order {number}")
    assert "can't change the address" in chat.ask(email)


def test_stock_for_pickup_near_the_customer(chat):
    told = chat.ask("do you have the red t-shirt in stock? I'm near 94103")

    assert "TSHIRT-RED-M is in stock" in told and "pick it up at" in told


def test_stock_in_chinese_by_sku(chat):
    told = chat.ask("TSHIRT-RED-M还有货吗")

    assert "TSHIRT-RED-M 有货" in told


def test_a_stock_question_without_a_product_asks_which(chat, capsys):
    assert "Which product" in chat.ask("is it in stock?")
    assert "MUG-LOGO" in chat.ask("the logo mug")
    output = capsys.readouterr().out
    assert counted(output, "ChatConversations", service="chat") == 1
    assert counted(output, "ChatTurns", service="chat") == 2


def test_handoff_opens_a_case_and_ops_hear_which_conversation_never_what_was_said(chat, deployed):
    sqs, inbox = deployed.client("sqs"), deployed.inbox("OpsTopic", "ops-inbox")

    told = chat.ask("this is useless, my parcel is lost, I want to talk to a real person")

    assert "case_" in told
    cases = [item for item in deployed.items("ChatTable") if item["pk"]["S"].startswith("CASE#")]
    assert len(cases) == 1 and cases[0]["status"]["S"] == "open"
    alerts = deployed.function("AlertFunction")
    assert alerts.invoke(deployed.stream_event("AlertFunction", "ChatCases")) == {"batchItemFailures": []}
    (message,) = sqs.receive_message(QueueUrl=inbox)["Messages"]
    alert = json.loads(message["Body"])
    assert alert["alert"] == "chat_handoff" and alert["case_ids"] == [cases[0]["case_id"]["S"]]
    assert "parcel" not in message["Body"] and chat.sender not in message["Body"]


def test_handoff_in_chinese(chat):
    assert "人工客服" in chat.ask("转人工")


def test_replies_follow_a_switch_of_language(chat):
    assert "您好" in chat.ask("你好")
    assert "Hi" in chat.ask("hello there")


def test_small_talk_and_options(chat):
    assert "delivery" in chat.ask("what shipping options do you have?").lower()
    assert "card" in chat.ask("can I pay with paypal")
    assert "微信" in chat.ask("可以用微信支付吗")


def test_out_of_scope_is_said_helpfully_not_acted_on(chat):
    replies = chat.say("what's the weather like in paris tomorrow")

    assert "can't help with that" in replies[0]["text"] and "/track_order" in buttons(replies)


def _opened(deployed, order_id):
    from oms.intake import pii_vault
    from oms.settings import SealingSettings
    from oms.store.orders import OrderStore

    settings = SealingSettings.model_validate(deployed.environment("ChatFunction"))
    return OrderStore(deployed.name_of("OrdersTable"), deployed.client("dynamodb"),
                      pii_vault(settings, deployed.client("kms"))).get(order_id)


def test_conversations_are_kept_apart(deployed, shop):
    order_id, number, email = shop.order()
    first, second = Chat(deployed), Chat(deployed)
    first.ask(f"where is order {number}")
    first.ask(email)

    told = second.ask(f"where is order {number}")

    assert "email" in told and "being prepared" not in told and "confirmed" not in told
