"""The DDAS v0.9 Uitwisselmodel schema and its shipped examples, read where the
product contract keeps them (never copied into the repo): `$DDAS_SCHEMA` (the
schema file or its directory), else `shared/ddas/v0.9/` beside the repo or one
of its parents (a worktree sits deeper than the main checkout)."""
from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_FILE = "json_schema_Uitwisselmodel.json"
EXAMPLES = ("enkelvoudigVoorbeeld.json", "meervoudigVoorbeeld.json")
_ROOT = Path(__file__).resolve().parents[1]


def schema_directory() -> Path:
    configured = os.environ.get("DDAS_SCHEMA")
    if configured:
        path = Path(configured)
        return path.parent if path.is_file() else path
    for parent in _ROOT.parents:
        candidate = parent / "shared" / "ddas" / "v0.9"
        if (candidate / SCHEMA_FILE).is_file():
            return candidate
    raise FileNotFoundError(f"no {SCHEMA_FILE}: set DDAS_SCHEMA to the DDAS v0.9 schema")


@cache
def validator() -> Draft202012Validator:
    """One validator for the examples and our export alike, formats (dates) checked."""
    schema = json.loads((schema_directory() / SCHEMA_FILE).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(document: Any) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator().iter_errors(document)]


def example(name: str) -> Any:
    return json.loads((schema_directory() / name).read_text(encoding="utf-8"))
