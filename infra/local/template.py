"""Reads template.yaml the way CloudFormation would, for the local stack.

The local stack creates nothing from its own idea of the schema: tables, queues,
topics, parameters, functions, routes and event sources all come from here, so the
deployed system and the local one cannot drift apart.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
STACK_NAME = "oms-local"

_SHORT_FORMS = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in (
            "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join",
            "Select", "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or",
        )
    },
}


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML loader that reads `!Ref x` as `{"Ref": "x"}`, as CloudFormation does."""


def _construct_short_form(tag: str) -> Callable[[yaml.Loader, yaml.Node], dict]:
    long_name = _SHORT_FORMS[tag]

    def construct(loader: yaml.Loader, node: yaml.Node) -> dict:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {long_name: value}

    return construct


for _tag in _SHORT_FORMS:
    _CloudFormationLoader.add_constructor(f"!{_tag}", _construct_short_form(_tag))


def load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 - SafeLoader subclass


@dataclass(frozen=True)
class Physical:
    """What a resource resolves to: `Ref` and each `Fn::GetAtt` attribute."""

    ref: str
    attributes: dict[str, str] = field(default_factory=dict)


class UnresolvedReference(LookupError):
    """A `Ref`/`GetAtt` names something the local stack has not created."""


class Intrinsics:
    """Resolves CloudFormation intrinsic functions against local physical ids."""

    def __init__(self, parameters: dict[str, str], physical: dict[str, Physical]):
        self.parameters = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::StackName": STACK_NAME,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
            **parameters,
        }
        self.physical = physical

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), = value.items()
            if key == "Ref":
                return self._ref(argument)
            if key == "Fn::GetAtt":
                return self._get_att(*self._get_att_parts(argument))
            if key == "Fn::Sub":
                return self._sub(argument)
            if key == "Fn::Join":
                delimiter, items = argument
                return delimiter.join(str(item) for item in self.resolve(items))
            if key == "Fn::Select":
                index, items = self.resolve(argument)
                return items[int(index)]
            if key == "Fn::Split":
                delimiter, text = self.resolve(argument)
                return text.split(delimiter)
        return {key: self.resolve(item) for key, item in value.items()}

    def _get_att_parts(self, argument: Any) -> tuple[str, str]:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        logical_id, attribute = argument
        return logical_id, self.resolve(attribute)

    def _ref(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical:
            return self.physical[name].ref
        raise UnresolvedReference(f"Ref {name}: nothing of that name exists locally")

    def _get_att(self, logical_id: str, attribute: str) -> str:
        try:
            return self.physical[logical_id].attributes[attribute]
        except KeyError:
            raise UnresolvedReference(f"GetAtt {logical_id}.{attribute}: not available locally") from None

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], self.resolve(argument[1])
        else:
            text, variables = argument, {}

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name:
                return str(self._get_att(*name.split(".", 1)))
            return str(self._ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)


@dataclass(frozen=True)
class EventSource:
    """One entry of a function's `Events`: its logical name, type and properties."""

    name: str
    type: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class LocalFunction:
    """An `AWS::Serverless::Function` with its Globals applied."""

    logical_id: str
    code_dir: Path
    handler: str
    properties: dict[str, Any]
    events: tuple[EventSource, ...]

    @property
    def module_file(self) -> Path:
        module, _, _ = self.handler.rpartition(".")
        return self.code_dir / (module.replace(".", "/") + ".py")

    @property
    def handler_attribute(self) -> str:
        return self.handler.rpartition(".")[2]

    def environment(self, intrinsics: Intrinsics) -> dict[str, str]:
        variables = self.properties.get("Environment", {}).get("Variables", {})
        return {name: str(intrinsics.resolve(value)) for name, value in variables.items()}

    def events_of(self, event_type: str) -> list[EventSource]:
        return [event for event in self.events if event.type == event_type]


def _merge_globals(global_properties: dict, properties: dict) -> dict:
    merged = copy.deepcopy(global_properties)
    for key, value in properties.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_globals(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class Template:
    """A parsed SAM template and the views of it the local stack needs."""

    def __init__(self, path: Path, parameter_overrides: dict[str, str] | None = None):
        self.path = Path(path)
        self.root = self.path.parent
        self.body = load_yaml(self.path)
        self.parameters = {
            name: str(spec["Default"])
            for name, spec in self.body.get("Parameters", {}).items()
            if "Default" in spec
        }
        self.parameters.update(parameter_overrides or {})
        # As CloudFormation does: a resource whose Condition is false is not created.
        self.resources: dict[str, dict] = {
            logical_id: resource for logical_id, resource in self.body.get("Resources", {}).items()
            if "Condition" not in resource or self.condition_holds(resource["Condition"])
        }

    def condition_holds(self, name: str) -> bool:
        return bool(self._condition(self.body.get("Conditions", {})[name]))

    def _condition(self, expression: Any) -> Any:
        """The condition functions (Fn::Equals, Not, And, Or, Condition) over parameters; Ref of a
        parameter is its value."""
        if not isinstance(expression, dict):
            return expression
        [(function, argument)] = expression.items()
        match function:
            case "Ref":
                return self.parameters.get(argument, argument)
            case "Condition":
                return self.condition_holds(argument)
            case "Fn::Equals":
                left, right = (self._condition(part) for part in argument)
                return str(left) == str(right)
            case "Fn::Not":
                return not self._condition(argument[0])
            case "Fn::And":
                return all(self._condition(part) for part in argument)
            case "Fn::Or":
                return any(self._condition(part) for part in argument)
        raise ValueError(f"{function} cannot be evaluated in a condition here")

    def resources_of(self, resource_type: str) -> dict[str, dict]:
        return {
            logical_id: resource.get("Properties", {})
            for logical_id, resource in self.resources.items()
            if resource["Type"] == resource_type
        }

    def functions(self) -> list[LocalFunction]:
        global_properties = self.body.get("Globals", {}).get("Function", {})
        functions = []
        for logical_id, properties in self.resources_of("AWS::Serverless::Function").items():
            merged = _merge_globals(global_properties, properties)
            functions.append(
                LocalFunction(
                    logical_id=logical_id,
                    code_dir=(self.root / merged["CodeUri"]).resolve(),
                    handler=merged["Handler"],
                    properties=merged,
                    events=tuple(
                        EventSource(name, event["Type"], event.get("Properties", {}))
                        for name, event in merged.get("Events", {}).items()
                    ),
                )
            )
        return functions

    def function(self, logical_id: str) -> LocalFunction:
        for function in self.functions():
            if function.logical_id == logical_id:
                return function
        raise KeyError(logical_id)


def function_physical(logical_id: str) -> Physical:
    name = f"{STACK_NAME}-{logical_id}"
    return Physical(name, {"Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"})


def json_policy(value: Any) -> str:
    """CloudFormation accepts SQS policies as objects or strings; SQS wants a string."""
    return value if isinstance(value, str) else json.dumps(value)
