"""Fuzzing from the contract: schemathesis generates requests to every route of
docs/api/openapi.json (valid ones and invalid ones) and sends them, with valid
keys, to the local stack started in this process. No answer may be a 5xx, every
answer conforms to the document, and a batch's counts are what it stored.

Bounded: EXAMPLES_PER_OPERATION generated requests per route and mode. The seed
is printed (VS_FUZZ_SEED=<seed> repeats a run), and so is the request count.
"""
from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "api" / "openapi.json"
TENANTS = ROOT / "infra" / "tenants.demo.json"
EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 40, GenerationMode.NEGATIVE: 20}
MIN_REQUESTS = 1000
GM = "GM0632"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def stack():
    from infra.local.stack import LocalStack
    with LocalStack(port=0, tenants=str(TENANTS)) as running:
        yield running


@pytest.fixture(scope="module")
def keys(stack):
    by_kind = {tenant.kind: {} for tenant in stack.tenants}
    for tenant in stack.tenants:
        by_kind[tenant.kind][tenant.id] = tenant.api_key
    return {"partner": by_kind["partner"]["energie-noord"], "municipality": by_kind["municipality"][GM]}


@pytest.fixture(scope="module")
def real_ids(stack, keys):
    """Ids that exist, so generated requests reach real cases, tasks and letters too."""
    from tests.factories import signal_body
    session = requests.Session()
    partner = {"Authorization": f"Bearer {keys['partner']}"}
    mine = {"Authorization": f"Bearer {keys['municipality']}"}
    for number, flags in enumerate(({}, {"crisis": True})):
        body = signal_body(reference=f"FUZZ-{number}", debtor__address__house_number=700 + number, **flags)
        assert session.post(f"{stack.base_url}/signals", json=body, headers=partner, timeout=30).status_code == 201
    stack.wait_until_quiet(60)
    ids = {"code": GM, "reference": "FUZZ-0"}
    for basket in session.get(f"{stack.base_url}/municipalities/{GM}/baskets", headers=mine, timeout=30).json()["baskets"]:
        cases = session.get(f"{stack.base_url}/municipalities/{GM}/baskets/{basket['id']}/cases", headers=mine,
                            timeout=30).json()["cases"]
        for summary in cases:
            case = session.get(f"{stack.base_url}/municipalities/{GM}/cases/{summary['case_id']}", headers=mine,
                               timeout=30).json()
            ids.setdefault("case_id", case["case_id"])
            ids.setdefault("basket_id", case["basket_id"])
            if case["letters"]:
                ids["letter_id"] = case["letters"][0]["letter_id"]
                ids["case_id"] = case["case_id"]
            if case["tasks"]:
                ids["task_id"] = case["tasks"][0]["task_id"]
    ids.setdefault("version", "default")
    return ids


def check_batch_counts(session: requests.Session, base_url: str, partner_key: str, answer: dict) -> int:
    """received/duplicates/rejected count the results, and every 201 and 200 is stored under its id;
    the number of stored signals checked."""
    statuses = Counter(result["status"] for result in answer["results"])
    assert answer["received"] == statuses[201]
    assert answer["duplicates"] == statuses[200]
    assert answer["rejected"] == len(answer["results"]) - statuses[201] - statuses[200]
    for result in answer["results"]:
        if result["status"] in (200, 201):
            stored = session.get(f"{base_url}/signals/{result['reference']}",
                                 headers={"Authorization": f"Bearer {partner_key}"}, timeout=30)
            assert stored.status_code == 200 and stored.json()["signal_id"] == result["signal_id"]
    return statuses[201] + statuses[200]


def fuzz(operation, mode, *, examples: int, run_seed: int, send_one) -> None:
    """Up to `examples` generated requests to one operation in one mode."""
    strategy = operation.as_strategy(generation_mode=mode, path_parameters={"code": GM})

    @seed(run_seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        send_one(case)

    run()


def test_generated_requests_to_every_route_get_documented_answers(stack, keys, real_ids, capsys):
    schema = schemathesis.openapi.from_path(DOCUMENT)
    run_seed = int(os.environ.get("VS_FUZZ_SEED") or random.randrange(2**32))
    with capsys.disabled():  # shown in every run, not only when it fails
        print(f"\nfuzz seed: {run_seed} (VS_FUZZ_SEED={run_seed} repeats this run)")
    session = requests.Session()
    sent: Counter[str] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        key = keys["partner"] if operation.path.startswith("/signals") else keys["municipality"]
        headers = {"Authorization": f"Bearer {key}"}
        known = {name: value for name, value in real_ids.items() if "{" + name + "}" in operation.path}

        def send_one(case, label=label, headers=headers, known=known, operation=operation):
            if known and random.Random(hash(repr(case.path_parameters))).random() < 0.5:
                case.path_parameters = {**case.path_parameters, **known}  # half of them reach real resources
            response = case.call(base_url=stack.base_url, session=session, headers=headers, timeout=60)
            sent[label] += 1
            if "501" in operation.definition.raw["responses"]:
                # A route the document marks as not available yet (the DDAS export): its one 5xx.
                assert response.status_code == 501 or response.status_code < 500
                case.validate_response(response, checks=CHECKS[1:])
            else:
                case.validate_response(response, checks=CHECKS)
            if label == "POST /signals/batch" and response.status_code == 200:
                sent["stored signals of batches checked"] += check_batch_counts(
                    session, stack.base_url, keys["partner"], response.json())

        for mode, examples in EXAMPLES_PER_OPERATION.items():
            fuzz(operation, mode, examples=examples, run_seed=run_seed, send_one=send_one)
    checked_stored = sent.pop("stored signals of batches checked", 0)
    total = sum(sent.values())
    with capsys.disabled():
        print(f"\nfuzz requests: {total} over {len(sent)} routes, seed {run_seed}; "
              f"{checked_stored} stored batch signals checked")
    assert len(sent) == len(operations)
    assert total >= MIN_REQUESTS
    assert checked_stored > 0  # the document's example batch at least: the counts check was not vacuous
