"""Tenant isolation on every route of the municipality API: a partner key is
403, another municipality's key on this `{code}` is 403, and an id (case,
task, letter, criteria version, basket) of another municipality is 404 with
none of its data, and leaves it unchanged."""
from __future__ import annotations

import json

import pytest

from tests.integration.events import PARTNERS, municipality
from tests.integration.test_municipality_api import (
    GM,
    OLD,
    OTHER,
    add_letter,
    add_task,
    open_case,
    raw_case,
    request,
    snapshot,
    upload_example,
)
from tests.integration.test_preview_jobs import queued_job

pytestmark = [pytest.mark.usefixtures("tenants"), pytest.mark.long]  # long: a file of minutes

# Every route of the template's MunicipalityFunction: (method, resource, body).
ROUTES = [
    ("GET", "/criteria", None),
    ("PUT", "/criteria", {"schema_version": 1, "baskets": [{"id": "alles", "name": "Alles", "action": "none"}]}),
    ("GET", "/criteria/versions", None),
    ("POST", "/criteria/versions/{version}/activate", None),
    ("POST", "/criteria/preview", {"schema_version": 1, "baskets": [{"id": "alles", "name": "Alles", "action": "none"}]}),
    ("GET", "/criteria/preview/{job_id}", None),
    ("GET", "/baskets", None),
    ("GET", "/baskets/{basket_id}/cases", None),
    ("GET", "/cases", None),
    ("GET", "/cases/{case_id}", None),
    ("POST", "/cases/{case_id}/move", {"basket_id": "crisis", "reason": "test"}),
    ("POST", "/cases/{case_id}/contact-attempts", {"type": "Telefoon", "reached": True}),
    ("POST", "/cases/{case_id}/close", {"outcome": "Verwijzing zonder contact"}),
    ("GET", "/cases/{case_id}/letters/{letter_id}", None),
    ("GET", "/tasks", None),
    ("PATCH", "/tasks/{task_id}", {"assignee": "jan"}),
    ("PUT", "/letter-template", {"template": "Beste {{ naam }},\n\nGroet\n"}),
    ("GET", "/letter-template", None),
    ("DELETE", "/letter-template", None),
    ("GET", "/exports/ddas", None),
    ("GET", "/users", None),
    ("GET", "/audit", None),
    ("GET", "/reports/monthly", None),
]
ROUTE_IDS = [f"{method} {resource}" for method, resource, _ in ROUTES]


@pytest.fixture
def world(h):  # noqa: F811
    """A case with a task and a letter in each municipality; the other one has its own criteria."""
    own = open_case(h, reference="EN-OWN", debtor__date_of_birth=OLD)
    theirs = open_case(h, reference="EN-THEIRS", municipality_code=OTHER, debtor__date_of_birth=OLD,
                       debtor__last_name="Geheimnaam", debtor__address__postcode="3511 AA")
    upload_example(h, code=OTHER, label="Utrecht eigen")
    return {
        "own": {"case_id": own, "task_id": add_task(own, step="s1"), "letter_id": add_letter(own),
                "job_id": queued_job(GM, "pj-" + "b" * 24)},
        "theirs": {"case_id": theirs, "task_id": add_task(theirs, code=OTHER, step="s1"),
                   "letter_id": add_letter(theirs, code=OTHER), "version": "v1", "basket_id": "jongeren",
                   "job_id": queued_job(OTHER, "pj-" + "c" * 24)},
    }


def _params(resource: str, ids: dict) -> dict:
    names = ("version", "basket_id", "case_id", "task_id", "letter_id", "job_id")
    defaults = {"version": "default", "basket_id": "enkelvoudig"}
    return {name: ids.get(name, defaults.get(name)) for name in names if "{" + name + "}" in resource}


@pytest.mark.parametrize("method,resource,body", ROUTES, ids=ROUTE_IDS)
def test_a_partner_key_is_403(h, world, method, resource, body):  # noqa: F811
    before = snapshot()
    status, answer = request(h, method, resource, _params(resource, world["own"]), body=body,
                             principal=PARTNERS["energie-noord"])
    assert status == 403 and answer["error"] == "forbidden"
    assert snapshot() == before  # every table item and bucket object (cases, tasks, criteria, letters)


@pytest.mark.parametrize("method,resource,body", ROUTES, ids=ROUTE_IDS)
def test_another_municipalitys_key_on_this_code_is_403(h, world, method, resource, body):  # noqa: F811
    before = snapshot()
    status, answer = request(h, method, resource, _params(resource, world["own"]), body=body,
                             principal=municipality(OTHER))
    assert status == 403 and answer["error"] == "forbidden"
    assert snapshot() == before  # every table item and bucket object (cases, tasks, criteria, letters)


def test_every_route_is_covered():
    """The template's routes of the MunicipalityFunction are exactly these."""
    from pathlib import Path

    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((Path(__file__).resolve().parents[2] / "template.yaml").read_text(), Loader=Loader)
    events = template["Resources"]["MunicipalityFunction"]["Properties"]["Events"].values()
    declared = {(e["Properties"]["Method"].upper(), e["Properties"]["Path"]) for e in events}
    assert declared == {(method, "/municipalities/{code}" + resource) for method, resource, _ in ROUTES}


# Routes that take an id of the other municipality: all must answer 404.
FOREIGN = [
    ("POST", "/criteria/versions/{version}/activate", None, "version"),
    ("GET", "/baskets/{basket_id}/cases", None, "basket_id"),
    ("GET", "/cases/{case_id}", None, "case_id"),
    ("POST", "/cases/{case_id}/move", {"basket_id": "crisis", "reason": "test"}, "case_id"),
    ("POST", "/cases/{case_id}/contact-attempts", {"type": "Telefoon", "reached": True}, "case_id"),
    ("POST", "/cases/{case_id}/close", {"outcome": "Verwijzing zonder contact"}, "case_id"),
    ("GET", "/cases/{case_id}/letters/{letter_id}", None, "case_id"),
    ("GET", "/cases/{case_id}/letters/{letter_id}", None, "letter_id"),
    ("PATCH", "/tasks/{task_id}", {"assignee": "jan"}, "task_id"),
    ("PATCH", "/tasks/{task_id}", {"status": "done"}, "task_id"),
    ("GET", "/criteria/preview/{job_id}", None, "job_id"),
]


@pytest.mark.parametrize("method,resource,body,foreign", FOREIGN,
                         ids=[f"{m} {r} ({f})" for m, r, _, f in FOREIGN])
def test_an_id_of_another_municipality_is_404_without_its_data(h, world, method, resource, body, foreign):  # noqa: F811
    from vroegsignaal.adapters import tasks
    theirs = world["theirs"]
    before = (raw_case(theirs["case_id"], OTHER), tasks.get(theirs["task_id"]))
    params = _params(resource, {**world["own"], foreign: theirs[foreign]})
    status, answer = request(h, method, resource, params, body=body)
    assert status == 404 and answer["error"] == "not_found"
    text = json.dumps(answer)
    for secret in ("Geheimnaam", "3511", theirs["case_id"], theirs["task_id"], "GM0344", "Utrecht"):
        assert secret not in text
    assert (raw_case(theirs["case_id"], OTHER), tasks.get(theirs["task_id"])) == before


def test_lists_show_only_the_municipalitys_own(h, world):  # noqa: F811
    theirs = world["theirs"]
    everything = json.dumps([
        request(h, "GET", "/baskets")[1],
        request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"}, query={"status": "all"})[1],
        request(h, "GET", "/tasks")[1],
        request(h, "GET", "/criteria/versions")[1],
        request(h, "GET", "/criteria")[1],
        request(h, "POST", "/criteria/preview", body=ROUTES[4][2])[1],
        request(h, "GET", "/cases/{case_id}", {"case_id": world["own"]["case_id"]})[1],
        request(h, "GET", "/cases", query={"name": "geheim"})[1],
        request(h, "GET", "/cases", query={"postcode": "3511AA", "house_number": "12"})[1],
        request(h, "GET", "/cases", query={"kenmerk": raw_case(theirs["case_id"], OTHER)["kenmerk"]})[1],
        request(h, "GET", "/cases", query={"name": "dijk"})[1],
    ])
    for secret in ("Geheimnaam", "3511", theirs["case_id"], theirs["task_id"], theirs["letter_id"], "Utrecht eigen"):
        assert secret not in everything
    assert world["own"]["case_id"] in everything and world["own"]["task_id"] in everything
