"""Allocation: each newly approved order (Orders stream, filtered) is sourced, its stock reserved
and a fulfilment request sent to each chosen location."""

from __future__ import annotations

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from oms.allocation import allocate
from oms.models import Shipment
from oms.settings import AllocationSettings
from oms.store.allocations import AllocationStore
from oms.store.inventory import InventoryStore
from oms.store.orders import OrderStore

settings = AllocationSettings.model_validate(dict(os.environ))
logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
# Allocation reads places and lines, never personal data: the store is given no vault.
orders = OrderStore(settings.orders_table, dynamodb, vault=None)
inventory = InventoryStore(settings.inventory_table, dynamodb)
allocations = AllocationStore(settings.orders_table, settings.inventory_table, dynamodb)


def request_fulfilment(shipments: tuple[Shipment, ...]) -> None:
    for start in range(0, len(shipments), 10):
        sqs.send_message_batch(QueueUrl=settings.fulfilment_queue, Entries=[
            {"Id": str(number), "MessageBody": shipment.model_dump_json(exclude={"trace"}),
             "MessageAttributes": {"location_id": {"DataType": "String", "StringValue": shipment.location_id}}}
            for number, shipment in enumerate(shipments[start:start + 10])
        ])


def allocate_record(record: DynamoDBRecord) -> None:
    order_id = record.dynamodb.keys["pk"].removeprefix("ORDER#")
    allocated = allocate(order_id, orders, inventory, allocations, request_fulfilment)
    if allocated:
        logger.info("order allocated", extra={"order_id": order_id, "status": allocated.status,
                                               "shipments": len(allocated.shipments)})


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=allocate_record, processor=processor, context=context)
