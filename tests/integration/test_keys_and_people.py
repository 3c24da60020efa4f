"""Keys (rotation with overlap, revocation, last use, the per-container cache) and people
(the admin's Cognito commands; a signed-in person through the authorizer), against moto."""
from __future__ import annotations

import json

import pytest

from tests.integration import test_authorizer
from tests.integration.events import LambdaContext

METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/municipalities/GM0632/baskets"
ROOT_TENANTS = "infra/tenants.demo.json"
usage_plan = test_authorizer.usage_plan   # the fixture: an API with a usage plan in moto


@pytest.fixture
def authorize():
    import authorizer

    def call(token):
        return authorizer.lambda_handler({"type": "REQUEST", "methodArn": METHOD_ARN,
                                          "headers": {"Authorization": f"Bearer {token}"}}, LambdaContext())
    return call


@pytest.fixture
def clock():
    from vroegsignaal import clock as system_clock

    yield system_clock
    system_clock.reset()


def key_id_of(key):
    from vroegsignaal.adapters import registry

    return registry.principal_for_key(key)["key_id"]


def refused(authorize, key):
    with pytest.raises(Exception, match="^Unauthorized$"):
        authorize(key)
    return True


def test_a_rotated_key_works_during_the_overlap_and_not_after_it(tenants, authorize, clock):
    from vroegsignaal.adapters import registry

    old = tenants["GM0632"]
    new, new_id, _retires_at = registry.rotate_key(key_id_of(old), overlap_days=7)
    assert authorize(old)["context"]["municipality_code"] == "GM0632"
    assert authorize(new)["context"]["key_id"] == new_id
    clock.advance(7.01)
    assert refused(authorize, old)
    assert authorize(new)["context"]["municipality_code"] == "GM0632"


def test_a_revoked_key_is_refused_at_once(tenants, authorize):
    from vroegsignaal.adapters import registry

    key = tenants["energie-noord"]
    authorize(key)
    registry.revoke_key(key_id_of(key))
    assert refused(authorize, key)


def test_another_containers_revocation_reaches_this_one_within_the_cache_time(tenants, authorize, clock):
    """Another container (the admin) revoked it: this one's cached lookup lasts CACHE_SECONDS."""
    from vroegsignaal.adapters import keys, registry, table

    key = tenants["GM0344"]
    authorize(key)
    item = table.get(*keys.api_key(registry.hash_key(key)))
    table.put({**item, "revoked_at": "2026-01-01T00:00:00.000000Z"})   # not through this container's registry
    assert authorize(key)["context"]["municipality_code"] == "GM0344"
    clock.advance((registry.CACHE_SECONDS + 1) / 86400)
    assert refused(authorize, key)


def test_list_keys_shows_every_key_with_its_last_use(tenants, authorize):
    from vroegsignaal.adapters import registry

    authorize(tenants["woonstede"])
    rows = {row["key_id"]: row for row in registry.list_keys()}
    assert len(rows) == len(tenants)
    used = rows[key_id_of(tenants["woonstede"])]
    assert used["partner_id"] == "woonstede" and used["created_at"] and used["last_used_at"]
    assert rows[key_id_of(tenants["vitens"])]["last_used_at"] is None
    assert not any(key in json.dumps(rows) for key in tenants.values())   # never the key itself


def test_the_last_use_is_written_at_most_once_an_hour_per_key(tenants, authorize, monkeypatch):
    from vroegsignaal.adapters import table

    writes = []
    original = table.dynamodb().update_item
    monkeypatch.setattr(table.dynamodb(), "update_item", lambda **kw: (writes.append(kw["Key"]), original(**kw))[1])
    for _ in range(5):
        authorize(tenants["woonstede"])
    assert len(writes) == 1


def test_registering_again_with_the_same_brought_key_keeps_its_key_id(aws):
    from vroegsignaal.adapters import registry

    key = "vs_" + "Q" * 2 + "x9Kd81hPqL0zT5wYvB3nM7cR2fG6jH4sA1eU8iO0pZ"
    registry.register_municipality("GM0632", "Woerden", key)
    first = registry.principal_for_key(key)["key_id"]
    registry.register_municipality("GM0632", "Woerden", key)
    registry.clear_cache()
    assert registry.principal_for_key(key)["key_id"] == first
    assert len(registry.list_keys()) == 1


def test_the_demo_tenants_file_is_refused_outside_the_local_stack(aws):
    from vroegsignaal.adapters import registry

    from infra import admin

    with pytest.raises(registry.KeyRefused, match="demo key"):
        admin.load_tenants(ROOT_TENANTS)
    assert registry.list_keys() == []   # nothing half-loaded


def test_the_demo_tenants_file_loads_on_the_local_stack(aws):
    from infra import admin

    rows = admin.load_tenants(ROOT_TENANTS, local_stack=True)
    assert {kind for kind, *_ in rows} == {"partner", "municipality"}


# --------------------------------------------------------------------------- people


@pytest.fixture
def pool(aws, monkeypatch):
    """The template's user pool in moto, as the local stack makes it; the authorizer's env names it
    and fetches the JWKS through moto (in process: `requests`, which moto intercepts)."""
    import requests
    from joserfc.jwk import KeySet
    from vroegsignaal.adapters import aws as aws_clients
    from vroegsignaal.adapters import jwks

    from infra.local.cfn import Resolver, load_template
    from infra.local.cognito import create_user_pool
    from infra.local.resources import DynamicReferences, assign_attributes
    from tests.integration.conftest import ROOT

    template = load_template(ROOT / "template.yaml")
    resolver = Resolver(template, dynamic_reference=DynamicReferences())
    assign_attributes(template, resolver)
    created = create_user_pool(template, resolver, aws_clients.client("cognito-idp"), "https://cognito-idp.local")
    monkeypatch.setenv("USER_POOL_ID", created.pool_id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", created.client_id)
    monkeypatch.setattr(jwks, "_fetch_key_set", lambda url: KeySet.import_key_set(requests.get(url, timeout=5).json()))
    jwks.forget()
    return created


def admin(*argv):
    from infra import admin as admin_command

    return admin_command.main(list(argv))


def sign_in(pool, username, password):
    from vroegsignaal.adapters.aws import client

    answer = client("cognito-idp").initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=pool.client_id,
                                                 AuthParameters={"USERNAME": username, "PASSWORD": password})
    return answer["AuthenticationResult"]


def test_a_person_added_by_the_admin_signs_in_and_gets_their_memberships(pool, authorize, capsys):
    assert admin("--user-pool", pool.pool_id, "add-user", "--username", "fatima", "--name", "Fatima el Amrani",
                 "--email", "f@example.nl", "--role", "GM0632:consulent", "--role", "GM0344:bezoeker",
                 "--password", "Een-Goed-Wachtwoord-1") == 0
    context = authorize(sign_in(pool, "fatima", "Een-Goed-Wachtwoord-1")["IdToken"])["context"]
    assert context["kind"] == "user" and context["name"] == "Fatima el Amrani"
    assert json.loads(context["memberships"]) == {"GM0632": "consulent", "GM0344": "bezoeker"}
    assert context["user_id"] in capsys.readouterr().out


def test_an_access_token_is_refused_where_the_id_token_is_required(pool, authorize):
    from vroegsignaal.adapters import identity_pool

    identity_pool.add_user(pool.pool_id, "jeroen", "Jeroen", "j@example.nl", {"GM0632": "coordinator"},
                           password="Een-Goed-Wachtwoord-1")
    assert refused(authorize, sign_in(pool, "jeroen", "Een-Goed-Wachtwoord-1")["AccessToken"])


def test_set_role_replaces_the_role_in_that_municipality_only(pool, capsys):
    from vroegsignaal.adapters import identity_pool

    identity_pool.add_user(pool.pool_id, "sanne", "Sanne", "s@example.nl", {"GM0632": "consulent",
                                                                            "GM0344": "consulent"})
    assert admin("--user-pool", pool.pool_id, "set-role", "--username", "sanne", "--code", "GM0632",
                 "--role", "coordinator") == 0
    (person,) = identity_pool.list_users(pool.pool_id)
    assert person.memberships == {"GM0632": "coordinator", "GM0344": "consulent"}
    admin("--user-pool", pool.pool_id, "set-role", "--username", "sanne", "--code", "GM0344", "--role", "none")
    assert identity_pool.list_users(pool.pool_id)[0].memberships == {"GM0632": "coordinator"}
    admin("--user-pool", pool.pool_id, "list-users")
    assert "GM0632:coordinator" in capsys.readouterr().out


def test_a_removed_person_can_no_longer_sign_in(pool):
    from botocore.exceptions import ClientError
    from vroegsignaal.adapters import identity_pool

    identity_pool.add_user(pool.pool_id, "mo", "Mo", "m@example.nl", {"GM0344": "bezoeker"},
                           password="Een-Goed-Wachtwoord-1")
    assert admin("--user-pool", pool.pool_id, "remove-user", "--username", "mo") == 0
    with pytest.raises(ClientError):
        sign_in(pool, "mo", "Een-Goed-Wachtwoord-1")
    assert identity_pool.list_users(pool.pool_id) == []


def test_add_user_refuses_an_unknown_role(pool, capsys):
    with pytest.raises(SystemExit):
        admin("--user-pool", pool.pool_id, "add-user", "--username", "x", "--name", "X", "--email", "x@example.nl",
              "--role", "GM0632:admin")
    assert "unknown role" in capsys.readouterr().err


def test_the_key_commands_list_rotate_and_revoke(tenants, capsys, monkeypatch):
    from vroegsignaal.adapters import registry, table

    monkeypatch.setenv("TABLE_NAME", table.table_name())
    old_id = key_id_of(tenants["GM0632"])
    assert admin("rotate-key", "--key-id", old_id, "--overlap-days", "2") == 0
    new_key = capsys.readouterr().out.splitlines()[1]
    assert registry.principal_for_key(new_key)["municipality_code"] == "GM0632"
    assert admin("revoke-key", "--key-id", old_id) == 0
    assert registry.principal_for_key(tenants["GM0632"]) is None
    assert admin("list-keys") == 0
    listing = capsys.readouterr().out
    assert old_id in listing and "revoked" in listing
    assert admin("revoke-key", "--key-id", "key_unknown") == 2


def test_a_person_is_metered_with_their_first_municipalitys_usage_key(pool, usage_plan, authorize):
    from vroegsignaal.adapters import identity_pool, registry

    from infra import admin as admin_command

    usage_keys = {}
    for code in ("GM0632", "GM0344"):
        usage_keys[code] = admin_command._usage_key(usage_plan, f"municipality-{code}")
        registry.register_municipality(code, code, usage_key=usage_keys[code])
    identity_pool.add_user(pool.pool_id, "regio", "Regio", "r@example.nl", {"GM0632": "consulent", "GM0344": "consulent"},
                           password="Een-Goed-Wachtwoord-1")
    answer = authorize(sign_in(pool, "regio", "Een-Goed-Wachtwoord-1")["IdToken"])
    assert answer["usageIdentifierKey"] == usage_keys["GM0344"]


def test_attach_usage_keys_gives_municipalities_registered_before_sign_in_their_peoples_key(usage_plan):
    from vroegsignaal.adapters import keys, registry, table

    from infra import admin as admin_command

    usage_key = admin_command._usage_key(usage_plan, "municipality-GM0632")
    registry.register_municipality("GM0632", "Woerden", usage_key=usage_key)
    table.dynamodb().delete_item(TableName=table.table_name(), Key=table.key(*keys.municipality_usage_key("GM0632")))
    registry.clear_cache()
    assert registry.usage_key_for_municipality("GM0632") is None
    assert registry.attach_usage_keys(usage_plan) == 0     # every key had its usage key already
    registry.clear_cache()
    assert registry.usage_key_for_municipality("GM0632") == usage_key


def _store_legacy_key(api_key, code, usage_key=None):
    """A key item as registration wrote it before key ids (no key_id, no listing)."""
    from vroegsignaal.adapters import keys, registry, table

    pk, sk = keys.api_key(registry.hash_key(api_key))
    table.put({"pk": pk, "sk": sk, "type": "api_key", "kind": "municipality", "municipality_code": code,
               **({"usage_key": usage_key} if usage_key else {})})


def test_a_key_from_before_key_ids_keeps_one_stable_id_when_registered_again(aws):
    from vroegsignaal.adapters import registry

    key = "vs_demo_m6xZrkSj1bRhwa3fdzjo63w3Y3Hhv6EvAqBRHuQi"
    _store_legacy_key(key, "GM0344")
    reported = registry.principal_for_key(key)["key_id"]
    registry.register_municipality("GM0344", "Utrecht", key, local_stack=True)
    registry.clear_cache()
    assert [row["key_id"] for row in registry.list_keys()] == [reported]
    assert registry.principal_for_key(key)["key_id"] == reported


def test_attach_usage_keys_lists_keys_from_before_key_ids(usage_plan):
    from vroegsignaal.adapters import registry

    key = registry.new_api_key()
    _store_legacy_key(key, "GM0632", usage_key="already-metered")
    registry.attach_usage_keys(usage_plan)
    (row,) = registry.list_keys()
    assert row["municipality_code"] == "GM0632" and row["key_id"] == registry.principal_for_key(key)["key_id"]
    new_key, _, _ = registry.rotate_key(row["key_id"])
    assert registry.principal_for_key(new_key)["municipality_code"] == "GM0632"
