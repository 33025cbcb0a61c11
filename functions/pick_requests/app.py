"""Pick requests: every shipment committed to the Orders table (stream INSERT, filtered) becomes
one message on the fulfilment queue, for dispatch to tell its location; an open shipment that is
cancelled (MODIFY to cancelled) becomes a withdrawal of its pick.

The Orders stream is the outbox: the request is produced from the committed shipment itself,
not sent by allocation after its commit, so a crash between the two, or an entry SQS reports
`Failed`, still ends with the location told. An entry still not queued after its resends fails
its record, and the stream delivers it (and those after it) again; dispatch recognises a
repeat by shipment id.

The batch goes in one SendMessageBatch per ten records (powertools' BatchProcessor would make
one call per record).
"""

from __future__ import annotations

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source

from oms.dispatch import REQUESTED, WITHDRAWN, PickRequest
from oms.queues import Message, relay, to_queue
from oms.settings import PickRequestSettings

settings = PickRequestSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
sqs = boto3.client("sqs")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=DynamoDBStreamEvent)
def handler(event: DynamoDBStreamEvent, context) -> dict:
    records = list(event.records)
    requests = [PickRequest.model_validate({
        **{name: record.dynamodb.new_image[name] for name in ("shipment_id", "order_id", "location_id")},
        "event": REQUESTED if record.event_name.name == "INSERT" else WITHDRAWN,
    }) for record in records]
    answer, unqueued = relay([record.dynamodb.sequence_number for record in records],
                             [Message(r.model_dump_json(), {"location_id": r.location_id}) for r in requests],
                             to_queue(sqs, settings.fulfilment_queue))
    if unqueued:
        logger.warning("pick requests not queued; the stream delivers them again",
                       extra={"shipments": [requests[index].shipment_id for index in unqueued]})
    queued = len(records) - len(unqueued)
    logger.info("pick requests queued", extra={"queued": queued})
    metrics.add_metric(name="PickRequestsQueued", unit=MetricUnit.Count, value=queued)
    return answer
