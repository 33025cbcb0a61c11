"""Pick requests: every shipment committed to the Orders table (stream INSERT, filtered) becomes
one message on the fulfilment queue, for dispatch to tell its location.

The Orders stream is the outbox: the request is produced from the committed shipment itself,
not sent by allocation after its commit, so a crash between the two, or an entry SQS reports
`Failed`, still ends with the location told. A failed entry fails its record, and the stream
delivers it (and those after it) again; dispatch recognises a repeat by shipment id.

The whole batch goes in one SendMessageBatch per ten records (powertools' BatchProcessor
would make one call per record).
"""

from __future__ import annotations

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source
from botocore.exceptions import BotoCoreError, ClientError

from oms.dispatch import PickRequest
from oms.settings import PickRequestSettings

settings = PickRequestSettings.model_validate(dict(os.environ))
logger = Logger()
sqs = boto3.client("sqs")
# Entries SQS reports Failed are sent again this many times before their records fail.
RESENDS = 2


@logger.inject_lambda_context(clear_state=True)
@event_source(data_class=DynamoDBStreamEvent)
def handler(event: DynamoDBStreamEvent, context) -> dict:
    records = list(event.records)
    pending = {record.dynamodb.sequence_number: _request(record.dynamodb.new_image) for record in records}
    for _ in range(1 + RESENDS):
        if not pending:
            break
        pending = {number: request for number, request in pending.items() if number in _send(pending)}
    if pending:
        logger.warning("pick requests not queued; the stream delivers them again",
                       extra={"shipments": sorted(request.shipment_id for request in pending.values())})
    logger.info("pick requests queued", extra={"queued": len(records) - len(pending)})
    return {"batchItemFailures": [{"itemIdentifier": number} for number in pending]}


def _request(image: dict) -> PickRequest:
    return PickRequest(shipment_id=image["shipment_id"], order_id=image["order_id"], location_id=image["location_id"])


def _send(requests: dict[str, PickRequest]) -> set[str]:
    """Sends every request; returns the sequence numbers of those not queued."""
    failed: set[str] = set()
    numbers = list(requests)
    for start in range(0, len(numbers), 10):
        chunk = numbers[start:start + 10]
        entries = [{"Id": str(index), "MessageBody": requests[number].model_dump_json(),
                    "MessageAttributes": {"location_id": {"DataType": "String",
                                                          "StringValue": requests[number].location_id}}}
                   for index, number in enumerate(chunk)]
        try:
            response = sqs.send_message_batch(QueueUrl=settings.fulfilment_queue, Entries=entries)
        except (BotoCoreError, ClientError) as error:
            logger.warning("SendMessageBatch failed", extra={"error": type(error).__name__})
            failed.update(chunk)
            continue
        failed.update(chunk[int(entry["Id"])] for entry in response.get("Failed", []))
    return failed
