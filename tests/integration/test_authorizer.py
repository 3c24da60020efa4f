"""The key authorizer: 401 for a missing or unknown key, the principal for a known one."""
import pytest

from tests.integration.events import LambdaContext

METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/signals"


@pytest.fixture
def authorize():
    import authorizer
    return lambda headers: authorizer.lambda_handler(
        {"type": "REQUEST", "methodArn": METHOD_ARN, "headers": headers}, LambdaContext())


@pytest.mark.parametrize("headers", [{}, {"Authorization": ""}, {"Authorization": "Bearer "},
                                     {"Authorization": "Basic abc"}, {"Authorization": "Bearer not-a-key"}])
def test_missing_or_unknown_key_is_unauthorized(tenants, authorize, headers):
    with pytest.raises(Exception, match="^Unauthorized$"):
        authorize(headers)


def test_partner_key_gives_its_partner_for_the_whole_api(tenants, authorize):
    result = authorize({"authorization": f"Bearer {tenants['energie-noord']}"})
    context = result["context"]
    assert context == {"kind": "partner", "partner_id": "energie-noord", "partner_type": "energy",
                       "key_id": context["key_id"]}
    statement = result["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*/*"


def test_municipality_key_gives_its_municipality(tenants, authorize):
    result = authorize({"Authorization": f"Bearer {tenants['GM0632']}"})
    context = result["context"]
    assert context == {"kind": "municipality", "municipality_code": "GM0632", "key_id": context["key_id"]}


def test_keys_are_stored_only_as_hashes(tenants):
    from vroegsignaal.adapters import aws, table
    items = aws.client("dynamodb").scan(TableName=table.table_name())["Items"]
    dump = repr(items)
    for key in tenants.values():
        assert key not in dump


# --------------------------------------------------------------------------- usage plan (issue 8, item 4)


def test_a_tenant_without_a_usage_key_gets_no_usage_identifier(tenants, authorize):
    """The local stack has no usage plans: registration stores no usage key."""
    assert "usageIdentifierKey" not in authorize({"Authorization": f"Bearer {tenants['GM0632']}"})


@pytest.fixture
def usage_plan(aws):
    from vroegsignaal.adapters.aws import client

    gateway = client("apigateway")
    api = gateway.create_rest_api(name="vroegsignaal-test")
    root = gateway.get_resources(restApiId=api["id"])["items"][0]["id"]
    gateway.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET", authorizationType="NONE")
    gateway.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="MOCK")
    gateway.create_deployment(restApiId=api["id"], stageName="prod")
    plan = gateway.create_usage_plan(name="plan", apiStages=[{"apiId": api["id"], "stage": "prod"}],
                                     throttle={"rateLimit": 50.0, "burstLimit": 100})
    return plan["id"]


def test_registration_with_a_usage_plan_meters_each_tenant_on_its_own(usage_plan, authorize):
    """infra.admin --usage-plan: each tenant its own API Gateway key in the plan, whose
    value the authorizer returns as the usage identifier (API key source AUTHORIZER)."""
    from vroegsignaal.adapters import registry
    from vroegsignaal.adapters.aws import client

    from infra import admin

    keys = {
        "partner": registry.register_partner("energie-noord", "energy", "Energie Noord",
                                            usage_key=admin._usage_key(usage_plan, "partner-energie-noord")),
        "municipality": registry.register_municipality(
            "GM0632", "Woerden", usage_key=admin._usage_key(usage_plan, "municipality-GM0632")),
    }
    gateway = client("apigateway")
    in_plan = {k["value"] for k in gateway.get_usage_plan_keys(usagePlanId=usage_plan)["items"]}
    identifiers = {kind: authorize({"Authorization": f"Bearer {key}"})["usageIdentifierKey"]
                   for kind, key in keys.items()}
    assert len(set(identifiers.values())) == 2 and set(identifiers.values()) == in_plan
    names = {k["name"] for k in gateway.get_api_keys(includeValues=True)["items"]}
    assert {"partner-energie-noord", "municipality-GM0632"} <= names
    # the tenant's own key is not the usage key, and the usage key is not its hash
    assert not set(keys.values()) & set(identifiers.values())


def test_admin_reads_the_usage_plan_from_the_stack_outputs(aws, usage_plan, monkeypatch, capsys, authorize):
    import os

    from infra import admin

    monkeypatch.setattr(admin, "stack_outputs", lambda stack: {"TableName": os.environ["TABLE_NAME"],
                                                               "UsagePlanId": usage_plan})
    assert admin.main(["--stack", "vroegsignaal", "register-partner", "--id", "vitens", "--type", "water",
                       "--name", "Vitens"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert authorize({"Authorization": f"Bearer {key}"})["usageIdentifierKey"]


def test_tenants_registered_before_the_usage_plan_get_their_keys_once(tenants, usage_plan, authorize):
    from vroegsignaal.adapters import registry

    from infra import admin

    assert admin.main(["--usage-plan", usage_plan, "attach-usage-keys"]) == 0
    identifiers = {authorize({"Authorization": f"Bearer {key}"})["usageIdentifierKey"] for key in tenants.values()}
    assert len(identifiers) == len(tenants)
    assert registry.attach_usage_keys(usage_plan) == 0  # run again: nothing to add
