"""Who may import whom (docs/contributing.md), checked on the source: the domain is
plain Python without AWS, services reach AWS only through ports, adapters never
call services, and nothing in the layer knows about HTTP but the edge."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAYER = Path(__file__).resolve().parents[2] / "layers" / "common" / "vroegsignaal"

# What each layer may not import (module prefixes).
FORBIDDEN = {
    "domain": ("boto3", "botocore", "aws_lambda_powertools", "vroegsignaal.adapters", "vroegsignaal.services",
               "vroegsignaal.api", "vroegsignaal.http", "vroegsignaal.observability"),
    "services": ("boto3", "botocore", "aws_lambda_powertools", "vroegsignaal.adapters", "vroegsignaal.api",
                 "vroegsignaal.http"),
    "adapters": ("vroegsignaal.services", "vroegsignaal.api", "vroegsignaal.http", "aws_lambda_powertools"),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(LAYER.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def _files(layer: str) -> list[Path]:
    return sorted((LAYER / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    offences = [f"{path.relative_to(LAYER)}:{line} imports {module}"
                for path in _files(layer) for line, module in _imports(path)
                if module.startswith(FORBIDDEN[layer])]
    assert offences == []


def test_the_checker_sees_a_forbidden_import() -> None:
    # The rule above could pass by reading nothing: make sure it reads imports at all.
    imports = [module for _, module in _imports(LAYER / "adapters" / "table.py")]
    assert any(module.startswith("boto3") for module in imports)
