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
