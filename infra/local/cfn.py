"""Reading a SAM/CloudFormation template: YAML short tags, Globals, intrinsics.

The local stack reads template.yaml instead of repeating its resources, so it
needs just enough of CloudFormation to know names, ARNs and URLs: the short
tags (!Ref, !GetAtt, !Sub, ...), SAM's Globals, conditions, parameters with
their defaults, and `{{resolve:...}}` dynamic references.
"""
from __future__ import annotations

import base64
import copy
import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"
STACK_NAME = "vroegsignaal"


# --------------------------------------------------------------------------- loading

# libyaml's parser where PyYAML has it (the same documents, about ten times faster:
# the local stack and every integration test's fresh moto read the template).
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CfnLoader(_SafeLoader):  # type: ignore[misc]
    """A YAML loader that turns CloudFormation short tags into their long form."""


def _construct_tag(loader: CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if name == "Fn::GetAtt":  # !GetAtt Resource.Attribute
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _construct_tag)

# YAML 1.1 reads `2010-09-09` as a date and `on`/`yes` as booleans; CloudFormation
# reads them as strings. Keep timestamps as strings at least.
CfnLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_template(path: str | Path) -> dict[str, Any]:
    """The template as a document of its own (callers change theirs: Resolver, assign_attributes)."""
    file = Path(path).resolve()
    status = file.stat()
    return copy.deepcopy(_parsed(file, status.st_mtime_ns, status.st_size))


@functools.lru_cache(maxsize=8)
def _parsed(file: Path, _mtime_ns: int, _size: int) -> dict[str, Any]:
    """One parse per version of the file (its modification time and size in the key)."""
    document: dict[str, Any] = yaml.load(file.read_text(encoding="utf-8"), Loader=CfnLoader)  # noqa: S506 - a SafeLoader
    return document


# --------------------------------------------------------------------------- SAM Globals

def merge_globals(global_props: dict[str, Any] | None, own: dict[str, Any] | None) -> dict[str, Any]:
    """SAM's Globals rules: maps merge (own keys win), lists add up (globals first),
    anything else is overridden by the resource's own value."""
    merged = copy.deepcopy(global_props or {})
    for key, value in (own or {}).items():
        if key in merged and isinstance(merged[key], dict) and isinstance(value, dict) \
                and not _is_intrinsic(value) and not _is_intrinsic(merged[key]):
            merged[key] = merge_globals(merged[key], value)
        elif key in merged and isinstance(merged[key], list) and isinstance(value, list):
            merged[key] = merged[key] + value
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key in ("Ref", "Condition") or key.startswith("Fn::")


# --------------------------------------------------------------------------- resolving

class UnresolvedReference(KeyError):
    """A Ref or GetAtt to something the local stack does not know (yet)."""


_NO_VALUE = object()  # AWS::NoValue: the property disappears
_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:([a-z-]+):([^}]*)\}\}")


class Resolver:
    """Evaluates intrinsic functions against what the local stack created.

    `attributes[logical_id]` maps "Ref" and attribute names (Arn, StreamArn, ...)
    to values; `dynamic_reference(service, reference)` answers `{{resolve:...}}`.
    """

    def __init__(self, template: dict[str, Any], *, parameters: dict[str, Any] | None = None,
                 dynamic_reference: Callable[[str, str], str] | None = None):
        self.template = template
        self.attributes: dict[str, dict[str, Any]] = {}
        self.parameters = self._parameter_values(parameters or {})
        self.pseudo = {
            "AWS::Region": REGION, "AWS::AccountId": ACCOUNT_ID, "AWS::StackName": STACK_NAME,
            "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{STACK_NAME}/local",
            "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NotificationARNs": [],
            "AWS::NoValue": _NO_VALUE,
        }
        self.dynamic_reference = dynamic_reference or (lambda service, ref: "")
        self._conditions: dict[str, bool] = {}

    # ---- parameters and conditions

    def _parameter_values(self, overrides: dict[str, Any]) -> dict[str, Any]:
        values = {}
        for name, spec in (self.template.get("Parameters") or {}).items():
            value = overrides.get(name, spec.get("Default"))
            if value is None:
                continue
            if str(spec.get("Type", "")).startswith(("List<", "CommaDelimitedList")) and isinstance(value, str):
                value = [part.strip() for part in value.split(",")]
            elif not isinstance(value, list):
                value = str(value) if not isinstance(value, bool) else str(value).lower()
            values[name] = value
        return values

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            spec = (self.template.get("Conditions") or {})[name]
            self._conditions[name] = bool(self.resolve(spec))
        return self._conditions[name]

    def resource_enabled(self, resource: dict[str, Any]) -> bool:
        return "Condition" not in resource or self.condition(resource["Condition"])

    # ---- values

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                (key, argument), = value.items()
                if key == "Ref":
                    return self.ref(argument)
                if key == "Condition":
                    return self.condition(argument)
                if key.startswith("Fn::"):
                    return self._function(key[4:], argument)
            resolved = {k: self.resolve(v) for k, v in value.items()}
            return {k: v for k, v in resolved.items() if v is not _NO_VALUE}
        if isinstance(value, list):
            return [v for v in (self.resolve(item) for item in value) if v is not _NO_VALUE]
        if isinstance(value, str) and "{{resolve:" in value:
            return _DYNAMIC_REFERENCE.sub(lambda m: self.dynamic_reference(m.group(1), m.group(2)), value)
        return value

    def ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        try:
            return self.attributes[name]["Ref"]
        except KeyError:
            raise UnresolvedReference(f"Ref {name}") from None

    def get_att(self, name: str, attribute: str) -> Any:
        try:
            return self.attributes[name][attribute]
        except KeyError:
            raise UnresolvedReference(f"GetAtt {name}.{attribute}") from None

    def _function(self, name: str, argument: Any) -> Any:
        if name == "GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return self.get_att(self.resolve(logical_id), self.resolve(attribute))
        if name == "Sub":
            return self._sub(argument)
        if name == "Join":
            delimiter, items = argument
            return self.resolve(delimiter).join(str(item) for item in self.resolve(items))
        if name == "Select":
            index, items = argument
            return self.resolve(items)[int(self.resolve(index))]
        if name == "Split":
            delimiter, text = argument
            return self.resolve(text).split(self.resolve(delimiter))
        if name == "If":
            condition, when_true, when_false = argument
            return self.resolve(when_true if self.condition(condition) else when_false)
        if name == "Equals":
            left, right = (self.resolve(item) for item in argument)
            return str(left) == str(right)
        if name == "Not":
            return not self.resolve(argument[0])
        if name == "And":
            return all(self.resolve(item) for item in argument)
        if name == "Or":
            return any(self.resolve(item) for item in argument)
        if name == "FindInMap":
            mapping, first, second = (self.resolve(item) for item in argument)
            return self.template["Mappings"][mapping][first][second]
        if name == "Base64":
            return base64.b64encode(str(self.resolve(argument)).encode()).decode()
        if name == "GetAZs":
            return [f"{REGION}a", f"{REGION}b", f"{REGION}c"]
        if name == "ImportValue":
            # Another stack's output: nothing local can know it; a stable stand-in.
            return f"imported-{self.resolve(argument)}"
        if name == "ToJsonString":
            return json.dumps(self.resolve(argument), separators=(",", ":"))
        raise NotImplementedError(f"Fn::{name} is not supported by the local stack")

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], {k: self.resolve(v) for k, v in argument[1].items()}
        else:
            text, variables = argument, {}

        def replace(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("!"):  # ${!Literal} stays as ${Literal}
                return "${" + str(expression[1:]) + "}"
            if expression in variables:
                return str(variables[expression])
            if "." in expression and expression.split(".", 1)[0] not in self.pseudo:
                logical_id, attribute = expression.split(".", 1)
                return str(self.get_att(logical_id, attribute))
            return str(self.ref(expression))

        return str(self.resolve(_SUB_VARIABLE.sub(replace, text)))


def physical_name(logical_id: str, *, lower: bool = False) -> str:
    """The name the local stack gives a resource that does not name itself."""
    name = f"{STACK_NAME}-{logical_id}"
    return name.lower() if lower else name


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{resource}"
