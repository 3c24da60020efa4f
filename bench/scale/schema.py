"""The table as template.yaml declares it: key schema and every GSI with its projection."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: str
    range_key: str | None
    projection: str  # ALL, KEYS_ONLY or INCLUDE
    non_key: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSchema:
    hash_key: str
    range_key: str | None
    indexes: tuple[Index, ...]

    @property
    def key_attrs(self) -> tuple[str, ...]:
        return (self.hash_key,) + ((self.range_key,) if self.range_key else ())


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, ...) read as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _any_tag)


def _keys(schema: list[dict[str, str]]) -> tuple[str, str | None]:
    hash_key = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
    range_key = next((k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"), None)
    return hash_key, range_key


def table_schema(template: Path = ROOT / "template.yaml") -> TableSchema:
    """The one DynamoDB table of the template (the single-table design)."""
    resources = yaml.load(template.read_text(), Loader=_CfnLoader)["Resources"]
    tables = [r["Properties"] for r in resources.values() if r.get("Type") == "AWS::DynamoDB::Table"]
    if len(tables) != 1:
        raise ValueError(f"expected one DynamoDB table in the template, found {len(tables)}")
    props = tables[0]
    hash_key, range_key = _keys(props["KeySchema"])
    indexes = []
    for gsi in props.get("GlobalSecondaryIndexes", []):
        gsi_hash, gsi_range = _keys(gsi["KeySchema"])
        projection = gsi.get("Projection", {})
        indexes.append(Index(gsi["IndexName"], gsi_hash, gsi_range, projection.get("ProjectionType", "ALL"),
                             tuple(projection.get("NonKeyAttributes", ()))))
    return TableSchema(hash_key, range_key, tuple(indexes))
