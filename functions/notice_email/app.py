"""Notice email: sends each customer notice to the order's customer through SES.

Deployed only when the stack is given a sender address (NoticeSenderEmail). It is the one
reader of the notices topic that needs the person: it opens the customer's email from the
order (KMS Decrypt only) and never logs it. An order with no email (a marketplace that masks
the buyer, a till sale) gets none.
"""

from __future__ import annotations

import json
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.data_classes import SNSEvent, event_source

from oms.pii import opening_vault
from oms.settings import NoticeEmailSettings
from oms.store.orders import OrderStore

settings = NoticeEmailSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
ses = boto3.client("ses")
orders = OrderStore(settings.orders_table, boto3.client("dynamodb"),
                    opening_vault(boto3.client("kms"), settings.pii_key_id))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=SNSEvent)
def handler(event: SNSEvent, context) -> None:
    for record in event.records:
        notice = json.loads(record.sns.message)
        order = orders.get(notice["order_id"])
        email = order.customer.email if order and order.customer else None
        if email is None:
            logger.info("notice not emailed: no address", extra={"notice": notice["notice"]})
            continue
        ses.send_email(Source=settings.sender, Destination={"ToAddresses": [email]},
                       Message={"Subject": {"Data": notice["subject"], "Charset": "UTF-8"},
                                "Body": {"Text": {"Data": notice["text"], "Charset": "UTF-8"}}})
        logger.info("notice emailed", extra={"notice": notice["notice"], "order_id": notice["order_id"]})
        metrics.add_metric(name="NoticeEmailsSent", unit=MetricUnit.Count, value=1)
