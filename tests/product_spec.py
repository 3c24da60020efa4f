"""The product contract's documents (`shared/spec/`), read where the contract keeps
them (never copied into the repo): `$VS_SPEC` (the spec directory), else `shared/spec/`
beside the repo or one of its parents (a worktree sits deeper than the main checkout).
As with the DDAS schema (tests/ddas_schema.py), a missing spec fails the test that
needs it rather than skipping it."""
from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]


def spec_file(name: str) -> Path:
    configured = os.environ.get("VS_SPEC")
    candidates = [Path(configured)] if configured else [parent / "shared" / "spec" for parent in _ROOT.parents]
    for directory in candidates:
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"no {name}: set VS_SPEC to the product spec's directory (shared/spec)")
