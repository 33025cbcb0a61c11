"""template.yaml: valid SAM, valid CloudFormation once translated, and the house rules."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint, lint_file
from samtranslator.translator.transform import transform

from infra.local.template import Template, load_yaml
from oms.models import CHANNELS

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"


class NoManagedPolicies:
    """Translation stays offline: the template names no AWS managed policies."""

    def load(self) -> dict[str, str]:
        return {}


def with_placeholder_code(body: dict) -> dict:
    """SAM wants deployable code locations; an s3:// placeholder keeps it offline ."""
    for resource in body["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in properties:
                properties[key] = "s3://oms-artifacts/placeholder.zip"
    return body


@pytest.fixture(scope="module")
def translated() -> dict:
    return transform(with_placeholder_code(load_yaml(TEMPLATE)), {}, NoManagedPolicies())


def describe(matches) -> list[str]:
    return [f"{m.rule.id} {m.message} ({'/'.join(map(str, m.path))})" for m in matches]


def test_cfn_lint_passes_on_the_template():
    assert describe(lint_file(TEMPLATE, config=ManualArgs(regions=["us-east-1"]))) == []


def test_cfn_lint_passes_on_the_translated_cloudformation(translated):
    assert describe(lint(json.dumps(translated), config=ManualArgs(regions=["us-east-1"]))) == []


def test_every_function_logs_to_a_group_with_retention():
    body = load_yaml(TEMPLATE)
    groups = {
        json.dumps(resource["Properties"]["LogGroupName"])
        for resource in body["Resources"].values()
        if resource["Type"] == "AWS::Logs::LogGroup" and "LogGroupName" in resource["Properties"]
        and "RetentionInDays" in resource["Properties"]
    }
    for function in Template(TEMPLATE).functions():
        assert json.dumps({"Fn::Sub": f"/aws/lambda/${{{function.logical_id}}}"}) in groups, function.logical_id


def test_no_policy_grants_every_action(translated):
    for logical_id, resource in translated["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert not [a for a in actions if a == "*" or a.endswith(":*")], logical_id


def test_every_handler_exists_where_the_template_says():
    for function in Template(TEMPLATE).functions():
        source = function.module_file.read_text()
        assert re.search(rf"^def {function.handler_attribute}\(|^{function.handler_attribute} = ", source, re.M), (
            function.logical_id
        )


def test_names_reach_code_only_through_the_environment():
    body = load_yaml(TEMPLATE)
    for logical_id, resource in body["Resources"].items():
        for name_property in ("TableName", "QueueName", "TopicName", "FunctionName"):
            assert name_property not in resource.get("Properties", {}), f"{logical_id} fixes its {name_property}"
    code = "\n".join(p.read_text() for p in (ROOT / "functions").rglob("*.py"))
    assert "oms-local" not in code and "Table-" not in code


def test_the_layer_carries_the_run_time_dependencies_and_nothing_for_tests():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    layer = [line.strip() for line in (ROOT / "shared" / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    # chalice is vendored as its runtime module alone by shared/Makefile, not installed whole.
    assert sorted(layer + ["chalice==1.34.0"]) == sorted(project["dependencies"])
    assert not any(re.match(r"(moto|pytest|cfn-lint|aws-sam-translator|rasa)", line) for line in layer)


def test_only_the_functions_that_read_pii_may_use_its_key():
    key = load_yaml(TEMPLATE)["Resources"]["PiiKey"]["Properties"]["KeyPolicy"]
    statements = [s for s in key["Statement"] if "Fn::If" not in s]
    optional = [s["Fn::If"][1] for s in key["Statement"] if "Fn::If" in s]
    using = [s for s in statements + optional
             if {"kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"} & set(s["Action"])]

    def principals(granting: set[str]) -> list:
        chosen = [s for s in using if set(s["Action"]) == granting]
        return [p for s in chosen for p in (s["Principal"]["AWS"] if isinstance(s["Principal"]["AWS"], list)
                                             else [s["Principal"]["AWS"]])]

    # Those that receive orders, and customer service (a new address), seal and open.
    assert principals({"kms:GenerateDataKey", "kms:Decrypt"}) == [
        {"Fn::GetAtt": ["IntakeFunctionRole", "Arn"]}, {"Fn::GetAtt": ["ChannelFetchFunctionRole", "Arn"]},
        {"Fn::GetAtt": ["ServiceFunctionRole", "Arn"]}, {"Ref": "PiiImportRoleArn"}]
    # Picks are only opened; so is the customer's email, by the optional notice sender.
    assert principals({"kms:Decrypt"}) == [{"Fn::GetAtt": ["FulfilmentFunctionRole", "Arn"]},
                                           {"Fn::GetAtt": ["DispatchFunctionRole", "Arn"]},
                                           {"Fn::GetAtt": ["NoticeEmailFunctionRole", "Arn"]}]
    assert len(using) == 4  # no other statement grants any use of the key
    assert all(s["Condition"]["StringEquals"]["kms:EncryptionContext:purpose"] == "oms-customer-pii" for s in using)


# ---------------------------------------------------------------- operations: alarms and dashboard

# The OMS metrics the code emits (EMF, namespace POWERTOOLS_METRICS_NAMESPACE), by the dimension
# `service` powertools adds to each: the emitting function's POWERTOOLS_SERVICE_NAME.
EMITTED = {
    "alerts": {"OrdersReceived", "OrdersApproved", "OrdersHeld", "OrdersAllocated", "OrdersBackordered",
               "SplitShipments", "PicksRejected", "ShipmentsShipped", "DeliveredOnTime", "DeliveredLate",
               "DeliveryExceptions", "OrdersCancelled", "ReturnsRequested", "LowStockSkus", "ChatHandoffs",
               "AlertsSent"},
    "alert-sweep": {"StuckOrders", "AlertsSent"},
    "chat": {"ChatConversations", "ChatTurns"},
    "authorizer": {"KeysRefused"},
}
# Emitted with a further dimension besides `service`.
EMITTED_BY_CHANNEL = {("alerts", "OrdersReceived")}


@pytest.fixture(scope="module")
def body() -> dict:
    return load_yaml(TEMPLATE)


def resources_of(body: dict, resource_type: str) -> dict[str, dict]:
    return {logical_id: resource for logical_id, resource in body["Resources"].items()
            if resource["Type"] == resource_type}


def events_of(function: dict, event_type: str) -> list[dict]:
    return [event["Properties"] for event in function["Properties"].get("Events", {}).values()
            if event["Type"] == event_type]


def metrics_watched(alarm: dict) -> list[dict]:
    """Each metric an alarm reads, plain or in metric math: its namespace, name and dimensions."""
    properties = alarm["Properties"]
    if "MetricName" in properties:
        return [{"Namespace": properties["Namespace"], "MetricName": properties["MetricName"],
                 "Dimensions": properties.get("Dimensions", [])}]
    return [query["MetricStat"]["Metric"] for query in properties.get("Metrics", []) if "MetricStat" in query]


def alarms_on(body: dict, namespace: str, metric_name: str, dimension: str, value) -> list[dict]:
    return [alarm for alarm in resources_of(body, "AWS::CloudWatch::Alarm").values()
            if any(m["Namespace"] == namespace and m["MetricName"] == metric_name
                   and {"Name": dimension, "Value": value} in m["Dimensions"] for m in metrics_watched(alarm))]


def consumed_queues(body: dict) -> set[str]:
    return {event["Queue"]["Fn::GetAtt"][0] for function in resources_of(body, "AWS::Serverless::Function").values()
            for event in events_of(function, "SQS")}


def dead_letter_queues(body: dict) -> set[str]:
    """Queues work is given up into: redrive targets, and failure destinations of event sources."""
    redrive = {queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
               for queue in resources_of(body, "AWS::SQS::Queue").values() if "RedrivePolicy" in queue["Properties"]}
    configs = []
    for function in resources_of(body, "AWS::Serverless::Function").values():
        configs += [event["Properties"].get("DestinationConfig", {})
                    for event in function["Properties"].get("Events", {}).values()]
        configs.append(function["Properties"].get("EventInvokeConfig", {}).get("DestinationConfig", {}))
    failure = {config["OnFailure"]["Destination"]["Fn::GetAtt"][0] for config in configs if "OnFailure" in config}
    return redrive | failure


def authorizers(body: dict) -> set[str]:
    return {authorizer["FunctionArn"]["Fn::GetAtt"][0]
            for api in resources_of(body, "AWS::Serverless::Api").values()
            for authorizer in api["Properties"].get("Auth", {}).get("Authorizers", {}).values()}


def timeout_of(body: dict, function: dict) -> int:
    return function["Properties"].get("Timeout", body["Globals"]["Function"]["Timeout"])


def test_every_queue_a_function_consumes_has_a_dead_letter_queue(body):
    queues = body["Resources"]
    assert consumed_queues(body)
    for queue_id in consumed_queues(body):
        redrive = queues[queue_id]["Properties"].get("RedrivePolicy", {})
        assert "deadLetterTargetArn" in redrive and redrive.get("maxReceiveCount", 0) >= 1, queue_id


def test_every_dead_letter_or_failure_queue_alarms_on_the_messages_in_it(body):
    assert dead_letter_queues(body)
    for queue_id in dead_letter_queues(body):
        alarms = alarms_on(body, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
                           {"Fn::GetAtt": [queue_id, "QueueName"]})
        assert [a for a in alarms if a["Properties"]["Statistic"] == "Maximum" and a["Properties"]["Threshold"] == 0
                and a["Properties"]["ComparisonOperator"] == "GreaterThanThreshold"], queue_id


def test_every_work_queue_alarms_on_the_age_of_its_oldest_message(body):
    for queue_id in consumed_queues(body):
        assert alarms_on(body, "AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName",
                         {"Fn::GetAtt": [queue_id, "QueueName"]}), queue_id


def test_every_function_alarms_on_its_errors_and_throttles(body):
    for function_id in resources_of(body, "AWS::Serverless::Function"):
        function = {"Ref": function_id}
        assert alarms_on(body, "AWS/Lambda", "Errors", "FunctionName", function), function_id
        assert alarms_on(body, "AWS/Lambda", "Throttles", "FunctionName", function), function_id


def test_an_authorizers_errors_alarm_leaves_out_the_keys_it_refused(body):
    assert authorizers(body)
    for function_id in authorizers(body):
        service = body["Resources"][function_id]["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        for alarm in alarms_on(body, "AWS/Lambda", "Errors", "FunctionName", {"Ref": function_id}):
            assert "Metrics" in alarm["Properties"], f"{function_id}: its plain Errors count every refused key"
            queries = {query["Id"]: query for query in alarm["Properties"]["Metrics"]}
            refused = [i for i, q in queries.items() if q.get("MetricStat", {}).get("Metric", {}).get("MetricName")
                       == "KeysRefused" and {"Name": "service", "Value": service} in q["MetricStat"]["Metric"]["Dimensions"]]
            [errors] = [i for i, q in queries.items() if q.get("MetricStat", {}).get("Metric", {}).get("MetricName")
                        == "Errors"]
            [returned] = [q for q in queries.values() if q.get("ReturnData", True)]
            assert refused and returned["Expression"].replace(" ", "") == f"{errors}-FILL({refused[0]},0)", function_id


def test_every_function_alarms_when_it_nears_its_timeout(body):
    for function_id, function in resources_of(body, "AWS::Serverless::Function").items():
        alarms = alarms_on(body, "AWS/Lambda", "Duration", "FunctionName", {"Ref": function_id})
        assert [a for a in alarms if a["Properties"]["ExtendedStatistic"] == "p90"
                and a["Properties"]["Threshold"] == 0.9 * timeout_of(body, function) * 1000], function_id


def test_every_stream_event_retries_a_bounded_number_of_times_then_keeps_the_batch(body):
    streams = [(function_id, event) for function_id, function in resources_of(body, "AWS::Serverless::Function").items()
               for event in events_of(function, "DynamoDB")]
    assert streams
    for function_id, event in streams:
        assert event.get("MaximumRetryAttempts", -1) >= 0, function_id
        assert event.get("BisectBatchOnFunctionError") is True, function_id
        assert "OnFailure" in event.get("DestinationConfig", {}), function_id


def test_every_stream_consumer_alarms_on_its_iterator_age(body):
    for function_id, function in resources_of(body, "AWS::Serverless::Function").items():
        if events_of(function, "DynamoDB"):
            assert alarms_on(body, "AWS/Lambda", "IteratorAge", "FunctionName", {"Ref": function_id}), function_id


def test_every_alarm_tells_the_ops_topic(body):
    alarms = resources_of(body, "AWS::CloudWatch::Alarm")
    assert alarms
    for logical_id, alarm in alarms.items():
        assert {"Ref": "OpsTopic"} in alarm["Properties"].get("AlarmActions", []), logical_id


def test_an_alarm_on_a_conditional_resource_has_its_condition(body):
    for logical_id, alarm in resources_of(body, "AWS::CloudWatch::Alarm").items():
        for watched in metrics_watched(alarm):
            for dimension in watched["Dimensions"]:
                value = dimension["Value"] if isinstance(dimension["Value"], dict) else {}
                target = value.get("Ref") or value.get("Fn::GetAtt", [None])[0]
                condition = body["Resources"].get(target, {}).get("Condition")
                assert condition is None or alarm.get("Condition") == condition, logical_id


def emitted(namespace: str, metric_name: str, dimensions: dict[str, str]) -> bool:
    """An AWS metric, or an OMS one the code emits with exactly these dimensions."""
    if namespace.startswith("AWS/"):
        return True
    if namespace != "OMS" or metric_name not in EMITTED.get(dimensions.get("service"), set()):
        return False
    others = set(dimensions) - {"service"}
    return not others or (others == {"channel"} and (dimensions["service"], metric_name) in EMITTED_BY_CHANNEL
                          and dimensions["channel"] in CHANNELS)


def test_the_metrics_named_emitted_are_in_the_namespace_of_services_the_template_runs(body):
    assert body["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"] == "OMS"
    services = {function["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
                for function in resources_of(body, "AWS::Serverless::Function").values()}
    assert set(EMITTED) <= services


def test_alarms_watch_only_aws_metrics_or_those_the_code_emits(body):
    for logical_id, alarm in resources_of(body, "AWS::CloudWatch::Alarm").items():
        for watched in metrics_watched(alarm):
            dimensions = {d["Name"]: d["Value"] for d in watched["Dimensions"]}
            assert emitted(watched["Namespace"], watched["MetricName"], dimensions), logical_id


def test_the_ops_email_subscription_exists_only_when_an_address_is_given(body):
    assert body["Parameters"]["OpsAlertEmail"]["Default"] == ""
    [subscription] = resources_of(body, "AWS::SNS::Subscription").values()
    assert subscription["Properties"] == {"TopicArn": {"Ref": "OpsTopic"}, "Protocol": "email",
                                          "Endpoint": {"Ref": "OpsAlertEmail"}}
    assert body["Conditions"][subscription["Condition"]] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "OpsAlertEmail"}, ""]}]}


SUBSTITUTION = re.compile(r"\$\{([^}!]+)\}")


def substituted(body: dict, sub) -> tuple[str, dict[str, str]]:
    """An Fn::Sub resolved with a placeholder per name, as `<Name>`; and the names' references."""
    text, variables = (sub, {}) if isinstance(sub, str) else sub
    references = {}
    for name in set(SUBSTITUTION.findall(text)):
        if name in variables:
            value = variables[name]
            if_true = value["Fn::If"][1] if "Fn::If" in value else value
            references[name] = if_true["Ref"]
        else:
            assert name.startswith("AWS::") or name in body["Parameters"] or name.split(".")[0] in body["Resources"], name
            references[name] = name.split(".")[0]
    return SUBSTITUTION.sub(lambda match: f"<{match[1]}>", text), references


def dashboard_rows(widget: dict) -> list[tuple[str, str, dict[str, str]]]:
    """A metric widget's metrics as (namespace, name, dimensions), "." repeating the row above."""
    rows, previous = [], []
    for row in widget["properties"]["metrics"]:
        if isinstance(row[0], dict):  # a math expression over the others
            continue
        fields = [f for f in row if not isinstance(f, dict)]
        fields = [previous[i] if f == "." else f for i, f in enumerate(fields)]
        previous = fields
        rows.append((fields[0], fields[1], dict(zip(fields[2::2], fields[3::2], strict=True))))
    return rows


def test_the_dashboard_is_json_of_metrics_the_code_or_aws_emits(body):
    [dashboard] = resources_of(body, "AWS::CloudWatch::Dashboard").values()
    text, references = substituted(body, dashboard["Properties"]["DashboardBody"]["Fn::Sub"])
    widgets = json.loads(text)["widgets"]
    charts = [w for w in widgets if w["type"] == "metric"]
    assert charts and all(w["properties"]["region"] == "<AWS::Region>" for w in charts)
    for widget in charts:
        for namespace, name, dimensions in dashboard_rows(widget):
            assert emitted(namespace, name, dimensions), (widget["properties"]["title"], name, dimensions)

    functions = set(resources_of(body, "AWS::Serverless::Function"))
    for metric_name in ("Errors", "Throttles", "Duration"):
        shown = {references[value.strip("<>")] for widget in charts for namespace, name, dimensions in dashboard_rows(widget)
                 if (namespace, name) == ("AWS/Lambda", metric_name) for value in [dimensions["FunctionName"]]}
        assert shown == functions, metric_name
    channels = {dimensions["channel"] for widget in charts for _, name, dimensions in dashboard_rows(widget)
                if name == "OrdersReceived" and "channel" in dimensions}
    assert channels == set(CHANNELS)
