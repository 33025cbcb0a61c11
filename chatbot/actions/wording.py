"""The parts of replies that actions compose from an order, in English and Chinese.

Whole sentences live in domain.yml, where Rasa renders them too; these are the pieces that
depend on what an order holds (statuses, lines, dates, money) and go into those sentences.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from oms.models import Order, Shipment

STATUS = {
    "en": {
        "received": "received", "on_hold": "being checked", "approved": "confirmed", "allocated": "being prepared",
        "partially_allocated": "partly being prepared, partly waiting for stock",
        "backordered": "waiting for stock", "partially_shipped": "partly on its way", "shipped": "on its way",
        "delivered": "delivered", "cancelled": "cancelled", "return_requested": "being returned",
        "returned": "returned", "refunded": "refunded",
    },
    "zh": {
        "received": "已收到", "on_hold": "审核中", "approved": "已确认", "allocated": "备货中",
        "partially_allocated": "部分备货中、部分等待到货", "backordered": "等待到货",
        "partially_shipped": "部分已发货", "shipped": "已发货", "delivered": "已送达", "cancelled": "已取消",
        "return_requested": "退货处理中", "returned": "已退货", "refunded": "已退款",
    },
}

PARCEL = {
    "en": {
        "pending": "being prepared", "accepted": "being prepared", "picked": "packed", "shipped": "on its way",
        "in_transit": "in transit", "out_for_delivery": "out for delivery", "delivered": "delivered",
        "exception": "held up by the carrier", "returned": "returned to us", "info_received": "label created",
        "available_for_pickup": "waiting for you at a pickup point", "attempt_failed": "a delivery attempt failed",
        "returning": "on its way back to us",
    },
    "zh": {
        "pending": "备货中", "accepted": "备货中", "picked": "已打包", "shipped": "已发货", "in_transit": "运输中",
        "out_for_delivery": "派送中", "delivered": "已签收", "exception": "物流异常", "returned": "已退回",
        "info_received": "已揽收信息", "available_for_pickup": "待自提", "attempt_failed": "派送未成功",
        "returning": "退回中",
    },
}

REFUSAL = {
    "en": {
        "gone": "the order is already {status}",
        "all_left": "everything in the order has already left us",
        "some_left": "{line} has already left us",
        "nothing_delivered": "nothing of the order has been delivered yet; returns open once it arrives",
        "all_returned": "everything delivered is already on a return",
        "pickup": "it is a store pickup, with no address to change",
        "packed": "the parcel is already packed or on its way",
        "no_line": "I couldn't find that item in the order",
    },
    "zh": {
        "gone": "订单已{status}",
        "all_left": "订单中的商品都已发出",
        "some_left": "{line}已经发出",
        "nothing_delivered": "订单还没有送达，收到后才能退货",
        "all_returned": "已送达的商品都已在退货中",
        "pickup": "这是门店自提订单，没有收货地址可改",
        "packed": "包裹已打包或已发出",
        "no_line": "订单里没有找到这件商品",
    },
}


def day(value: date | datetime, language: str) -> str:
    if language == "zh":
        return f"{value.month}月{value.day}日"
    return f"{value.day} {value.strftime('%b')}"


def moment(value: datetime, language: str) -> str:
    return f"{day(value, language)} {value.strftime('%H:%M')} UTC"


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def line_text(order: Order, line_no: int, units: int, language: str) -> str:
    line = order.lines[line_no - 1]
    name = line.name or line.sku
    return f"{units} × {name}" if language != "zh" else f"{name} × {units}"


def lines_text(order: Order, units: dict[int, int], language: str) -> str:
    parts = [line_text(order, number, count, language) for number, count in sorted(units.items())]
    return ("、" if language == "zh" else ", ").join(parts)


def order_name(order: Order) -> str:
    return f"#{order.channel_order_number.lstrip('#')}" if order.channel_order_number else order.order_id


def status_summary(order: Order, parcels: list[str], language: str) -> str:
    status = STATUS[language].get(order.status, order.status)
    head = (f"订单 {order_name(order)}：{status}。" if language == "zh"
            else f"Order {order_name(order)} is {status}.")
    return " ".join([head, *parcels])


def parcel_summary(shipment: Shipment, number: int, count: int, language: str, link: str) -> str:
    """One shipment: where it is, the latest scan, when it comes, and any delay."""
    zh = language == "zh"
    tracking = shipment.tracking
    state = PARCEL[language].get(tracking.status or shipment.status, shipment.status)
    label = (f"包裹 {number}/{count}" if zh else f"Parcel {number} of {count}") if count > 1 else ("包裹" if zh else "Your parcel")
    parts = [f"{label}（{shipment.units} 件）：{state}" if zh else f"{label} ({shipment.units} item(s)) is {state}"]
    if shipment.carrier and shipment.tracking_number:
        parts.append(f"承运商 {shipment.carrier}，单号 {shipment.tracking_number}" if zh
                     else f"with {shipment.carrier}, tracking {shipment.tracking_number}")
    if link:
        parts.append(f"跟踪：{link}" if zh else f"track it at {link}")
    text = ("，".join(parts) + "。") if zh else (", ".join(parts) + ".")
    for event in tracking.events[-3:][::-1]:
        place = ", ".join(part for part in (event.place.city, event.place.region) if part) if event.place else ""
        what = event.description or PARCEL[language].get(event.status, event.status)
        where = f" — {place}" if place else ""
        text += f" {moment(event.at, language)}：{what}{where}。" if zh else f" {moment(event.at, language)}: {what}{where}."
    delivered = shipment.delivered_at
    if delivered:
        text += f" 已于 {day(delivered, language)} 送达。" if zh else f" Delivered on {day(delivered, language)}."
    elif tracking.eta:
        latest = tracking.eta_latest
        if zh:
            text += f" 预计 {day(tracking.eta, language)} 送达" + (f"（最晚 {day(latest, language)}）" if latest and latest != tracking.eta else "") + "。"
        else:
            text += f" Expected on {day(tracking.eta, language)}" + (f" (by {day(latest, language)} at the latest)" if latest and latest != tracking.eta else "") + "."
    elif shipment.promised_by:
        text += (f" 预计 {day(shipment.promised_by, language)} 前送达。" if zh
                 else f" Expected by {day(shipment.promised_by, language)}.")
    delay = tracking.delay
    if delay and not delivered and tracking.status not in ("delivered",):
        why = delay.detail or PARCEL[language].get(str(delay.reason), str(delay.reason))
        text += (f" 抱歉，包裹有延误（{why}）。" if zh else f" Sorry, it is delayed ({why}).")
    return text
