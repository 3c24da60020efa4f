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
    assert result["context"] == {"kind": "partner", "partner_id": "energie-noord", "partner_type": "energy"}
    statement = result["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*/*"


def test_municipality_key_gives_its_municipality(tenants, authorize):
    result = authorize({"Authorization": f"Bearer {tenants['GM0632']}"})
    assert result["context"] == {"kind": "municipality", "municipality_code": "GM0632"}


def test_keys_are_stored_only_as_hashes(tenants):
    from vroegsignaal.adapters import aws, table
    items = aws.client("dynamodb").scan(TableName=table.table_name())["Items"]
    dump = repr(items)
    for key in tenants.values():
        assert key not in dump
