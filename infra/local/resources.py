"""Creates every table, stream, queue, topic and parameter of template.yaml on moto.

Only what template.yaml declares is created, with the properties it declares; the
physical names are `oms-local-<LogicalId>` where the template leaves naming to
CloudFormation.
"""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

import boto3

from infra.local.template import (
    ACCOUNT_ID,
    REGION,
    STACK_NAME,
    Intrinsics,
    Physical,
    Template,
    function_physical,
    json_policy,
)

_TABLE_KEYS = (
    "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
    "BillingMode", "ProvisionedThroughput", "SSESpecification", "StreamSpecification",
)
_QUEUE_ATTRIBUTES = (
    "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout", "FifoQueue", "ContentBasedDeduplication", "KmsMasterKeyId",
)


def physical_name(logical_id: str) -> str:
    return f"{STACK_NAME}-{logical_id}"


class LocalResources:
    """Creates the template's resources on one moto endpoint and resolves references to them."""

    def __init__(self, template: Template, endpoint_url: str | None = None):
        self.template = template
        self.endpoint_url = endpoint_url
        self.physical: dict[str, Physical] = {
            logical_id: function_physical(logical_id)
            for logical_id in template.resources_of("AWS::Serverless::Function")
        }
        self.intrinsics = Intrinsics(template.parameters, self.physical)

    def client(self, service: str):
        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint_url)

    def create_all(self) -> Intrinsics:
        for logical_id, properties in self.template.resources_of("AWS::DynamoDB::Table").items():
            self._create_table(logical_id, properties)
        # Before what they encrypt: a topic or queue may name its key.
        for logical_id, properties in self.template.resources_of("AWS::KMS::Key").items():
            self._create_key(logical_id, properties)
        for logical_id, properties in self.template.resources_of("AWS::KMS::Alias").items():
            self._create_alias(logical_id, properties)
        queues = self.template.resources_of("AWS::SQS::Queue")
        for logical_id, properties in queues.items():
            self._create_queue(logical_id, properties)
        for logical_id, properties in queues.items():
            self._apply_redrive(logical_id, properties)
        for logical_id, properties in self.template.resources_of("AWS::SNS::Topic").items():
            self._create_topic(logical_id, properties)
        for logical_id, properties in self.template.resources_of("AWS::SSM::Parameter").items():
            self._put_parameter(logical_id, properties)
        for logical_id, properties in self.template.resources_of("AWS::SecretsManager::Secret").items():
            self._create_secret(logical_id, properties)
        return self.intrinsics

    def _resolve(self, value: Any) -> Any:
        return self.intrinsics.resolve(value)

    def _create_table(self, logical_id: str, properties: dict) -> None:
        properties = self._resolve(properties)
        name = properties.get("TableName", physical_name(logical_id))
        request = {key: properties[key] for key in _TABLE_KEYS if key in properties}
        if "SSESpecification" in request:  # CloudFormation's names differ from the API's here
            sse = dict(request["SSESpecification"])
            request["SSESpecification"] = {"Enabled": sse.pop("SSEEnabled", False), **sse}
        if "StreamSpecification" in request:
            request["StreamSpecification"] = {"StreamEnabled": True, **request["StreamSpecification"]}
        if "Tags" in properties:
            request["Tags"] = properties["Tags"]
        dynamodb = self.client("dynamodb")
        table = dynamodb.create_table(TableName=name, **request)["TableDescription"]
        if ttl := properties.get("TimeToLiveSpecification"):
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        attributes = {"Arn": table["TableArn"]}
        if "LatestStreamArn" in table:
            attributes["StreamArn"] = table["LatestStreamArn"]
        self.physical[logical_id] = Physical(name, attributes)

    def _create_queue(self, logical_id: str, properties: dict) -> None:
        properties = self._resolve({k: v for k, v in properties.items() if k != "RedrivePolicy"})
        name = properties.get("QueueName", physical_name(logical_id))
        if properties.get("FifoQueue") and not name.endswith(".fifo"):
            name += ".fifo"
        attributes = {key: str(properties[key]).lower() if isinstance(properties[key], bool)
                      else str(properties[key]) for key in _QUEUE_ATTRIBUTES if key in properties}
        tags = {tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])}
        url = self.client("sqs").create_queue(QueueName=name, Attributes=attributes, tags=tags)["QueueUrl"]
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
        self.physical[logical_id] = Physical(url, {"Arn": arn, "QueueName": name, "QueueUrl": url})

    def _apply_redrive(self, logical_id: str, properties: dict) -> None:
        if "RedrivePolicy" not in properties:
            return
        policy = self._resolve(properties["RedrivePolicy"])
        self.client("sqs").set_queue_attributes(
            QueueUrl=self.physical[logical_id].ref,
            Attributes={"RedrivePolicy": json_policy(policy)},
        )

    def _create_topic(self, logical_id: str, properties: dict) -> None:
        properties = self._resolve(properties)
        name = properties.get("TopicName", physical_name(logical_id))
        tags = properties.get("Tags", [])
        arn = self.client("sns").create_topic(Name=name, Tags=tags)["TopicArn"]
        self.physical[logical_id] = Physical(arn, {"TopicArn": arn, "TopicName": name})

    def _put_parameter(self, logical_id: str, properties: dict) -> None:
        properties = self._resolve(properties)
        name = properties.get("Name", f"/{STACK_NAME}/{logical_id}")
        value = properties["Value"]
        self.client("ssm").put_parameter(
            Name=name,
            Value=value if isinstance(value, str) else json.dumps(value),
            Type=properties.get("Type", "String"),
            Description=properties.get("Description", ""),
            Overwrite=True,
        )
        self.physical[logical_id] = Physical(name, {"Type": properties.get("Type", "String"), "Value": value})

    def _create_key(self, logical_id: str, properties: dict) -> None:
        # The key policy names roles SAM generates at deploy time; moto enforces no key
        # policy, so the local key is created without one.
        description = self._resolve(properties.get("Description", logical_id))
        key = self.client("kms").create_key(Description=description)["KeyMetadata"]
        if properties.get("EnableKeyRotation"):
            self.client("kms").enable_key_rotation(KeyId=key["KeyId"])
        self.physical[logical_id] = Physical(key["KeyId"], {"Arn": key["Arn"], "KeyId": key["KeyId"]})

    def _create_alias(self, logical_id: str, properties: dict) -> None:
        properties = self._resolve(properties)
        self.client("kms").create_alias(AliasName=properties["AliasName"], TargetKeyId=properties["TargetKeyId"])
        self.physical[logical_id] = Physical(properties["AliasName"])

    def _create_secret(self, logical_id: str, properties: dict) -> None:
        properties = self._resolve(properties)
        name = properties.get("Name", physical_name(logical_id))
        if "SecretString" in properties:
            value = properties["SecretString"]
        else:
            length = int(properties.get("GenerateSecretString", {}).get("PasswordLength", 32))
            value = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))
        arn = self.client("secretsmanager").create_secret(
            Name=name, SecretString=value, Description=properties.get("Description", "")
        )["ARN"]
        self.physical[logical_id] = Physical(arn, {"Id": arn})
