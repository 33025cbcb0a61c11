"""Notices onto the ops topic: JSON for subscribers that parse it, a few lines for email."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from oms.alerting.messages import Notice
from oms.alerting.raising import Publish


def to_ops_topic(sns: Any, topic_arn: str) -> Publish:
    def publish(notice: Notice) -> bool:
        try:
            sns.publish(TopicArn=topic_arn, Subject=notice.subject(), MessageStructure="json",
                        Message=json.dumps({"default": notice.json(), "email": notice.text()}),
                        MessageAttributes={name: {"DataType": "String", "StringValue": value}
                                           for name, value in notice.attributes().items()})
        except (BotoCoreError, ClientError):
            return False
        return True

    return publish
