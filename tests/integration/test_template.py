"""Properties of template.yaml that neither cfn-lint nor `sam validate` check.

The template is the single source of truth for resources (the local stack reads
it too), so the promises of docs/design.md and the architecture spec are
asserted here: partial batch responses, bounded stream retries with an
on-failure destination, dead-letter queues, encryption, the API's routes and
its authorizer, least-privilege policies.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from infra.local.cfn import load_template as read_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"


# --------------------------------------------------------------------------- loading

def load_template() -> dict[str, Any]:
    """The template as the local stack reads it (short tags in their long form)."""
    return read_template(TEMPLATE_PATH)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]


def of_type(resources: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in resources.items() if r["Type"] == type_}


def functions(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return of_type(resources, "AWS::Serverless::Function")


def events(resources: dict[str, Any], type_: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(function, event name, event properties) of every event of that type."""
    found = []
    for fname, fn in functions(resources).items():
        for ename, event in (fn["Properties"].get("Events") or {}).items():
            if event["Type"] == type_:
                found.append((fname, ename, event["Properties"]))
    return found


def ref_name(value: Any) -> str | None:
    """The logical id behind {"Ref": X} or {"Fn::GetAtt": [X, attr]}."""
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            return value["Fn::GetAtt"][0]
    return None


def function_timeout(template: dict[str, Any], fn: dict[str, Any]) -> int:
    return fn["Properties"].get("Timeout", template["Globals"]["Function"]["Timeout"])


# --------------------------------------------------------------------------- basics

def test_is_a_sam_template(template):
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    assert template["Parameters"]["Stage"]["Default"] == "prod"
    assert template["Parameters"]["SenderEmail"]["Default"] == "vroegsignalering@example.nl"


def test_globals_of_every_function(template):
    g = template["Globals"]["Function"]
    assert g["Runtime"] == "python3.12"
    assert g["Architectures"] == ["arm64"]
    assert g["Tracing"] == "Active"
    assert g["Layers"] == [{"Ref": "CommonLayer"}]
    env = g["Environment"]["Variables"]
    assert env["TABLE_NAME"] == {"Ref": "Table"}
    assert env["BUCKET_NAME"] == {"Ref": "DataBucket"}
    assert env["LETTERS_QUEUE_URL"] == {"Ref": "LettersQueue"}
    assert env["TASKS_QUEUE_URL"] == {"Ref": "TasksQueue"}
    assert env["SENDER_EMAIL"] == {"Ref": "SenderEmail"}
    assert env["POWERTOOLS_SERVICE_NAME"] == "vroegsignaal"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Vroegsignaal"
    assert not any("HouseholdKeySecret" in str(value) for value in env.values())  # not in every function
    assert "AWS_ENDPOINT_URL" not in env  # only the local stack and tests set it


def test_only_the_functions_that_hash_addresses_get_the_household_key(resources):
    # Functions inherit the environment from Globals; only intake and classify add the
    # household key's ARN (a reference, read at run time, never the value).
    for name, fn in functions(resources).items():
        own = fn["Properties"].get("Environment", {}).get("Variables", {})
        if name in ("IntakeFunction", "ClassifyFunction"):
            assert own == {"HOUSEHOLD_KEY_SECRET_ARN": {"Ref": "HouseholdKeySecret"}}, name
            assert any("secretsmanager:GetSecretValue" in _as_list(s["Action"]) for s in _statements(fn)), name
        elif name == "UploadsFunction":  # presigns PUTs into the uploads bucket
            assert own == {"UPLOADS_BUCKET_NAME": {"Ref": "UploadsBucket"}}, name
        elif name == "AuthorizerFunction":  # the pool and client whose ID tokens it accepts
            assert own == {"USER_POOL_ID": {"Ref": "UserPool"}, "USER_POOL_CLIENT_ID": {"Ref": "WebAppClient"}}, name
        elif name == "MunicipalityFunction":  # the people of a municipality (GET users, assignees)
            assert own == {"USER_POOL_ID": {"Ref": "UserPool"}}, name
        elif name in ("FollowUpsFunction", "FollowUpsWorkerFunction"):  # the follow-up work queue
            assert own == {"FOLLOWUPS_QUEUE_URL": {"Ref": "FollowUpsQueue"}}, name
        else:
            assert own == {}, name


def test_layer(resources):
    layer = resources["CommonLayer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Properties"]["ContentUri"] == "layers/common/"
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
    assert layer["Metadata"]["BuildMethod"] == "python3.12"
    assert layer["Metadata"]["BuildArchitecture"] == "arm64"
    assert (ROOT / "layers/common/requirements.txt").exists()


def test_layer_requirements_match_the_runtime_pins():
    def pins(path: Path) -> set[str]:
        lines = path.read_text(encoding="utf-8").splitlines()
        return {ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")}

    assert pins(ROOT / "layers/common/requirements.txt") == pins(ROOT / "requirements.txt")


# --------------------------------------------------------------------------- handlers

EXPECTED_HANDLERS = {  # docs/design.md
    "AuthorizerFunction": ("functions/authorizer/", "authorizer.lambda_handler"),
    "IntakeFunction": ("functions/intake/", "intake_api.lambda_handler"),
    "ClassifyFunction": ("functions/classify/", "classify_stream.lambda_handler"),
    "MunicipalityFunction": ("functions/municipality/", "municipality_api.lambda_handler"),
    "LettersFunction": ("functions/actions/", "letters_queue.lambda_handler"),
    "TasksFunction": ("functions/actions/", "tasks_queue.lambda_handler"),
    "FollowUpsFunction": ("functions/followups/", "followups_schedule.lambda_handler"),
    "FollowUpsWorkerFunction": ("functions/followups/", "followups_worker.lambda_handler"),
    "UploadsFunction": ("functions/uploads/", "uploads_api.lambda_handler"),
    "ImportFunction": ("functions/imports/", "import_file.lambda_handler"),
    "RetentionFunction": ("functions/retention/", "retention_stream.lambda_handler"),
    "PreviewFunction": ("functions/preview/", "preview_worker.lambda_handler"),
}


def test_functions_and_handlers_as_in_the_design(resources):
    actual = {
        name: (fn["Properties"]["CodeUri"], fn["Properties"]["Handler"])
        for name, fn in functions(resources).items()
    }
    assert actual == EXPECTED_HANDLERS


def test_handler_convention_and_unique_modules(resources):
    modules = []
    for name, fn in functions(resources).items():
        handler = fn["Properties"]["Handler"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*\.lambda_handler", handler), (name, handler)
        modules.append(handler.split(".")[0])
    assert not [m for m, n in Counter(modules).items() if n > 1], modules


def test_every_function_logs_to_its_own_group_with_retention(resources, template):
    groups = of_type(resources, "AWS::Logs::LogGroup")
    used = []
    for name, fn in functions(resources).items():
        group = ref_name(fn["Properties"]["LoggingConfig"]["LogGroup"])
        assert group in groups, name
        assert groups[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        used.append(group)
    assert len(set(used)) == len(used)


# --------------------------------------------------------------------------- event sources

def test_every_batch_event_source_reports_item_failures(resources):
    batch_events = events(resources, "SQS") + events(resources, "DynamoDB")
    assert {f for f, _, _ in batch_events} == {"ClassifyFunction", "LettersFunction", "TasksFunction",
                                               "RetentionFunction", "FollowUpsWorkerFunction",
                                               "PreviewFunction"}
    for fname, ename, props in batch_events:
        # Neither validator catches a typo here (architecture.md, pitfalls).
        assert props.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], (fname, ename)


def test_stream_event_sources(resources):
    assert {fname for fname, _, _ in events(resources, "DynamoDB")} == {"ClassifyFunction", "RetentionFunction"}
    for _, _, props in events(resources, "DynamoDB"):
        _check_stream_event_source(resources, props)


def _check_stream_event_source(resources, props):
    assert props["Stream"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert props["StartingPosition"] in ("TRIM_HORIZON", "LATEST")
    assert 1 <= props["BatchSize"] <= 1000
    assert 0 <= props.get("MaximumBatchingWindowInSeconds", 0) <= 300
    assert props["BisectBatchOnFunctionError"] is True
    assert isinstance(props["MaximumRetryAttempts"], int)
    assert 0 <= props["MaximumRetryAttempts"] <= 10
    assert props["MaximumRecordAgeInSeconds"] == -1  # never aged out: retries are bounded instead
    on_failure = props["DestinationConfig"]["OnFailure"]
    assert on_failure["Type"] == "SQS"
    destination = ref_name(on_failure["Destination"])
    assert resources[destination]["Type"] == "AWS::SQS::Queue"
    # the failure queue is kept, not consumed by anything
    assert destination not in {ref_name(p["Queue"]) for _, _, p in events(resources, "SQS")}


def _filter_admits(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
    """A small evaluator of Lambda event filter patterns (exact values only)."""
    for key, expected in pattern.items():
        if key not in record:
            return False
        if isinstance(expected, dict):
            if not isinstance(record[key], dict) or not _filter_admits(expected, record[key]):
                return False
        else:
            assert isinstance(expected, list) and all(isinstance(v, str) for v in expected)
            if record[key] not in expected:
                return False
    return True


def _stream_record(event_name: str, item_type: str) -> dict[str, Any]:
    return {
        "eventName": event_name,
        "dynamodb": {"NewImage": {"pk": {"S": "X"}, "sk": {"S": "Y"}, "type": {"S": item_type}}},
    }


def _stream_event_of(resources, function_name):
    (props,) = [p for f, _, p in events(resources, "DynamoDB") if f == function_name]
    return props


def test_stream_filter_only_admits_inserted_signals(resources):
    props = _stream_event_of(resources, "ClassifyFunction")
    filters = props["FilterCriteria"]["Filters"]
    assert len(filters) == 1
    pattern = json.loads(filters[0]["Pattern"])
    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["signal"]}}}}
    assert _filter_admits(pattern, _stream_record("INSERT", "signal"))
    for event_name, item_type in [("MODIFY", "signal"), ("REMOVE", "signal"),
                                  ("INSERT", "case"), ("INSERT", "task"), ("MODIFY", "case")]:
        assert not _filter_admits(pattern, _stream_record(event_name, item_type))


def _ttl_remove(sk: str, old_image: dict[str, Any], *, by_ttl: bool = True, event_name: str = "REMOVE"):
    record: dict[str, Any] = {"eventName": event_name,
                              "dynamodb": {"Keys": {"pk": {"S": "HH#h"}, "sk": {"S": sk}}, "OldImage": old_image}}
    if by_ttl:
        record["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    return record


def test_retention_filter_only_admits_ttl_removals_of_cases_and_signal_entries(resources):
    from infra.local.filters import compile_filters, passes_filters
    patterns = compile_filters(_stream_event_of(resources, "RetentionFunction")["FilterCriteria"])
    case, entry = {"type": {"S": "case"}}, {"type": {"S": "case_log"}, "kind": {"S": "signal"}}
    assert passes_filters(patterns, _ttl_remove("CASE#c1", case))
    assert passes_filters(patterns, _ttl_remove("LOG#c1#SIG#x", entry))
    for record in [_ttl_remove("CASE#c1", case, by_ttl=False),  # deleted by a function, not by TTL
                   _ttl_remove("CASE#c1", case, event_name="MODIFY"),
                   _ttl_remove("LOG#c1#CLS#x", {"type": {"S": "case_log"}, "kind": {"S": "classification"}}),
                   _ttl_remove("SIGNAL", {"type": {"S": "signal"}}), _ttl_remove("HEAD", {"type": {"S": "household"}})]:
        assert not passes_filters(patterns, record), record


def test_letters_expire_by_lifecycle_after_the_longest_retention(resources):
    rules = {r["Id"]: r for r in resources["DataBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]}
    letters = rules["ExpireLetters"]
    assert letters["Status"] == "Enabled" and letters["Prefix"] == "letters/"
    assert letters["ExpirationInDays"] > (6 + 18) * 31  # unpicked term plus the term after a close


def test_sqs_event_sources(resources, template):
    queues = of_type(resources, "AWS::SQS::Queue")
    sources = {ref_name(p["Queue"]) for _, _, p in events(resources, "SQS")}
    assert sources == {"LettersQueue", "TasksQueue", "FollowUpsQueue", "PreviewQueue"}
    for fname, ename, props in events(resources, "SQS"):
        assert 1 <= props["BatchSize"] <= 10, (fname, ename)
        queue = queues[ref_name(props["Queue"])]["Properties"]
        # a message stays invisible while the function may still be working on it
        assert queue["VisibilityTimeout"] >= 6 * function_timeout(template, functions(resources)[fname])


def test_event_source_queues_have_a_dead_letter_queue(resources):
    queues = of_type(resources, "AWS::SQS::Queue")
    sources = {ref_name(p["Queue"]) for _, _, p in events(resources, "SQS")}
    for name in sources:
        redrive = queues[name]["Properties"]["RedrivePolicy"]
        dlq = ref_name(redrive["deadLetterTargetArn"])
        assert dlq in queues and dlq not in sources, name
        assert 1 <= redrive["maxReceiveCount"] <= 10
        assert queues[dlq]["Properties"]["MessageRetentionPeriod"] == 1209600


def test_every_queue_is_encrypted_with_the_data_key(resources):
    queues = of_type(resources, "AWS::SQS::Queue")
    assert len(queues) == 10  # follow-up work and preview jobs: a queue and a dead-letter queue each
    for name, q in queues.items():
        assert ref_name(q["Properties"].get("KmsMasterKeyId")) == "DataKey", name


def test_follow_ups_run_on_a_schedule(resources):
    evts = [e for e in resources["FollowUpsFunction"]["Properties"]["Events"].values()]
    assert len(evts) == 1
    assert evts[0]["Type"] in ("Schedule", "ScheduleV2")
    # hourly, on the hour: a step falls due at midnight in Amsterdam, a whole hour in UTC
    assert evts[0]["Properties"]["ScheduleExpression"] == "cron(0 * * * ? *)"


def test_the_follow_up_worker_takes_its_pages_with_bounded_concurrency(resources):
    (props,) = [p for f, _, p in events(resources, "SQS") if f == "FollowUpsWorkerFunction"]
    assert ref_name(props["Queue"]) == "FollowUpsQueue"
    assert 2 <= props["ScalingConfig"]["MaximumConcurrency"] <= 1000  # Lambda's bounds


def test_the_schedule_and_its_worker_may_send_work_and_only_the_worker_steps(resources):
    def targets(name):
        return {ref_name(r) for s in _statements(resources[name]) if "sqs:SendMessage" in _as_list(s["Action"])
                for r in _as_list(s["Resource"])}
    assert targets("FollowUpsFunction") == {"FollowUpsQueue"}
    assert targets("FollowUpsWorkerFunction") == {"LettersQueue", "TasksQueue", "FollowUpsQueue"}


# --------------------------------------------------------------------------- storage

def test_table(resources):
    props = resources["Table"]["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    indexes = {i["IndexName"]: i for i in props["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"gsi1", "gsi2", "gsi3", "gsi4", "gsi5", "gsi6", "gsi7", "gsi8", "gsi9", "gsi10"}
    for name, index in indexes.items():
        assert index["KeySchema"] == [
            {"AttributeName": f"{name}pk", "KeyType": "HASH"},
            {"AttributeName": f"{name}sk", "KeyType": "RANGE"},
        ]
    # Lean indexes: each projects what its queries read (docs/design.md, "Indexes").
    from vroegsignaal.adapters.cases import LIST_FIELDS
    key_attrs = {"pk", "sk", "gsi1pk", "gsi1sk"}
    assert indexes["gsi1"]["Projection"]["ProjectionType"] == "INCLUDE"
    assert set(indexes["gsi1"]["Projection"]["NonKeyAttributes"]) == set(LIST_FIELDS) - key_attrs
    assert indexes["gsi3"]["Projection"] == {"ProjectionType": "INCLUDE",
                                             "NonKeyAttributes": ["municipality_code", "household"]}
    assert indexes["gsi4"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert indexes["gsi6"]["Projection"]["ProjectionType"] == "INCLUDE"  # the status feed: ids and statuses
    for name in ("gsi5", "gsi7", "gsi8", "gsi9", "gsi10"):  # lean: what a search or a task list reads
        assert indexes[name]["Projection"]["ProjectionType"] == "INCLUDE"
    from vroegsignaal.adapters.task_lists import LIST_FIELDS as TASK_LIST_FIELDS
    for name in ("gsi8", "gsi9", "gsi10"):  # a task list reads these of each task
        assert set(TASK_LIST_FIELDS) <= set(indexes[name]["Projection"]["NonKeyAttributes"])
    attributes = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    assert attributes == {k: "S" for k in
                          ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk",
                           "gsi5pk", "gsi5sk", "gsi6pk", "gsi6sk", "gsi7pk", "gsi7sk", "gsi8pk", "gsi8sk",
                           "gsi9pk", "gsi9sk", "gsi10pk", "gsi10sk"]}
    assert props["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"  # retention reads old images
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    sse = props["SSESpecification"]
    assert sse["SSEEnabled"] is True and sse["SSEType"] == "KMS"
    assert ref_name(sse["KMSMasterKeyId"]) == "DataKey"
    assert props["DeletionProtectionEnabled"] is True
    assert resources["Table"]["DeletionPolicy"] == "Retain"


def test_data_key(resources):
    key = resources["DataKey"]
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True


def test_bucket(resources):
    props = resources["DataBucket"]["Properties"]
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert ref_name(rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]) == "DataKey"
    assert rule["BucketKeyEnabled"] is True
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    rules = props["LifecycleConfiguration"]["Rules"]
    assert any("NoncurrentVersionExpiration" in r and r["Status"] == "Enabled" for r in rules)


def test_bucket_denies_insecure_transport(resources):
    policies = of_type(resources, "AWS::S3::BucketPolicy").values()
    assert {ref_name(p["Properties"]["Bucket"]) for p in policies} == set(of_type(resources, "AWS::S3::Bucket"))
    for policy in policies:
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                   for s in statements)


# --------------------------------------------------------------------------- web app (workspace.md)


def test_the_web_app_bucket_is_private_and_read_only_by_its_distribution(resources):
    props = resources["WebBucket"]["Properties"]
    assert set(props["PublicAccessBlockConfiguration"].values()) == {True}
    (policy,) = [p for p in of_type(resources, "AWS::S3::BucketPolicy").values()
                 if ref_name(p["Properties"]["Bucket"]) == "WebBucket"]
    (read,) = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"} and read["Action"] == "s3:GetObject"
    assert "${WebDistribution}" in read["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]


def test_the_distribution_reads_the_bucket_through_origin_access_control_over_tls(resources):
    config = resources["WebDistribution"]["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert ref_name(origin["DomainName"]) == "WebBucket" and ref_name(origin["OriginAccessControlId"]) == "WebOriginAccessControl"
    oac = resources["WebOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https" and behaviour["Compress"] is True
    assert ref_name(behaviour["ResponseHeadersPolicyId"]) == "WebHeadersPolicy"
    assert config["DefaultRootObject"] == "index.html"


def test_the_headers_policy_sends_a_csp_without_inline_scripts_hsts_and_no_framing(resources):
    headers = resources["WebHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ")}
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000 and hsts["IncludeSubdomains"] is True
    assert headers["ContentTypeOptions"]["Override"] is True
    assert all(header.get("Override") is True for header in headers.values())


def test_the_headers_policy_says_what_the_local_server_says(resources):
    """web/serving.py serves the app locally with the same policy, but for the API and Cognito origins."""
    from web.serving import content_security_policy
    csp = resources["WebHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"][
        "ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    origins = ("https://${Api}.execute-api.${AWS::Region}.amazonaws.com", "https://cognito-idp.${AWS::Region}.amazonaws.com",
               "https://*.auth.${AWS::Region}.amazoncognito.com")
    assert csp == content_security_policy(origins)


def test_the_web_app_address_is_a_stack_output(template):
    outputs = template["Outputs"]
    assert outputs["WebUrl"]["Value"] == {"Fn::Sub": "https://${WebDistribution.DomainName}/"}
    assert ref_name(outputs["WebBucketName"]["Value"]) == "WebBucket"


# --------------------------------------------------------------------------- API

EXPECTED_ROUTES = {  # signals-api.md, municipality-api.md
    ("POST", "/signals"): "IntakeFunction",
    ("POST", "/signals/batch"): "IntakeFunction",
    ("GET", "/signals/{reference}"): "IntakeFunction",
    ("GET", "/signals"): "IntakeFunction",  # the status feed
    ("POST", "/signals/uploads"): "UploadsFunction",
    ("GET", "/signals/uploads/{upload_id}"): "UploadsFunction",
    **{
        (method, "/municipalities/{code}" + path): "MunicipalityFunction"
        for method, path in [
            ("GET", "/criteria"),
            ("PUT", "/criteria"),
            ("GET", "/criteria/versions"),
            ("POST", "/criteria/versions/{version}/activate"),
            ("POST", "/criteria/preview"),
            ("GET", "/criteria/preview/{job_id}"),  # a large window's preview, as a job (docs/decisions.md)
            ("GET", "/baskets"),
            ("GET", "/baskets/{basket_id}/cases"),
            ("GET", "/cases"),
            ("GET", "/cases/{case_id}"),
            ("POST", "/cases/{case_id}/move"),
            ("POST", "/cases/{case_id}/contact-attempts"),
            ("POST", "/cases/{case_id}/close"),
            ("GET", "/cases/{case_id}/letters/{letter_id}"),
            ("GET", "/tasks"),
            ("PATCH", "/tasks/{task_id}"),
            ("PUT", "/letter-template"),
            ("GET", "/letter-template"),
            ("DELETE", "/letter-template"),
            ("GET", "/exports/ddas"),
            ("GET", "/users"),
            ("GET", "/audit"),
            ("GET", "/reports/monthly"),
        ]
    },
}


def api_routes(resources) -> list[tuple[str, str, str]]:
    return [(p["Method"].upper(), p["Path"], fname) for fname, _, p in events(resources, "Api")]


def test_every_api_event_belongs_to_the_api(resources):
    assert of_type(resources, "AWS::Serverless::Api").keys() == {"Api"}
    for fname, ename, props in events(resources, "Api"):
        assert props["RestApiId"] == {"Ref": "Api"}, (fname, ename)
        assert "{proxy+}" not in props["Path"] and props["Method"].lower() != "any", (fname, ename)


def test_no_route_is_declared_twice(resources):
    routes = [(m, p) for m, p, _ in api_routes(resources)]
    assert not [r for r, n in Counter(routes).items() if n > 1]


def test_the_audit_index_projects_what_an_entry_shows(resources):
    """gsi7 (roles): GET .../audit reads entries from the index alone, and nothing more."""
    from vroegsignaal.domain.audit import ENTRY_FIELDS

    (index,) = [i for i in resources["Table"]["Properties"]["GlobalSecondaryIndexes"] if i["IndexName"] == "gsi7"]
    assert index["Projection"]["ProjectionType"] == "INCLUDE"
    assert set(index["Projection"]["NonKeyAttributes"]) == set(ENTRY_FIELDS)


def test_routes_are_those_of_the_spec(resources):
    assert {(m, p): f for m, p, f in api_routes(resources)} == EXPECTED_ROUTES


def test_no_local_only_route_is_deployed(resources):
    assert not [p for _, p, _ in api_routes(resources) if p.startswith("/_local")]


def test_api_authorizer(resources):
    props = resources["Api"]["Properties"]
    auth = props["Auth"]
    assert auth["DefaultAuthorizer"] == "KeyAuthorizer"
    authorizer = auth["Authorizers"]["KeyAuthorizer"]
    assert authorizer["FunctionArn"] == {"Fn::GetAtt": ["AuthorizerFunction", "Arn"]}
    assert authorizer["FunctionPayloadType"] == "REQUEST"
    assert authorizer["Identity"]["Headers"] == ["Authorization"]
    assert 0 <= authorizer["Identity"]["ReauthorizeEvery"] <= 3600
    assert auth["UsagePlan"]["CreateUsagePlan"] == "PER_API"
    assert auth["ApiKeyRequired"] is True  # every route is metered by the usage plan
    assert props["StageName"] == {"Ref": "Stage"}
    assert props["TracingEnabled"] is True
    # no route opts out of the authorizer
    for fname, ename, p in events(resources, "Api"):
        assert "Auth" not in p, (fname, ename)
    # the authorizer itself is not routed
    assert "Events" not in resources["AuthorizerFunction"]["Properties"]


@pytest.mark.parametrize(
    "response_type, status, error",
    [
        ("UNAUTHORIZED", 401, "unauthorized"),
        ("ACCESS_DENIED", 403, "forbidden"),
        ("MISSING_AUTHENTICATION_TOKEN", 404, "not_found"),
        ("RESOURCE_NOT_FOUND", 404, "not_found"),
        ("INVALID_API_KEY", 403, "forbidden"),
        ("QUOTA_EXCEEDED", 429, "throttled"),
        ("THROTTLED", 429, "throttled"),
        ("DEFAULT_4XX", None, None),
        ("DEFAULT_5XX", None, None),
    ],
)
def test_gateway_responses_are_json_error_bodies(resources, response_type, status, error):
    response = resources["Api"]["Properties"]["GatewayResponses"][response_type]
    if status is not None:
        assert int(response["StatusCode"]) == status
    assert response["ResponseParameters"]["Headers"]["Content-Type"] == "'application/json'"
    body = json.loads(response["ResponseTemplates"]["application/json"])
    assert set(body) == {"error", "message"}
    if error is not None:
        assert body["error"] == error


def test_api_url_output(template):
    assert template["Outputs"]["ApiUrl"]["Value"] == {
        "Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/${Stage}"
    }
    for name in ["TableName", "BucketName", "LettersQueueUrl", "TasksQueueUrl"]:
        assert name in template["Outputs"]


# --------------------------------------------------------------------------- throttling (issue 8, item 4)

def test_the_usage_plan_meters_each_tenant_by_the_key_the_authorizer_names(resources, template):
    """API key source AUTHORIZER: the authorizer returns the tenant's usage plan key
    (usageIdentifierKey), so the plan's throttle and quota hold per partner and
    municipality, not for the whole stage."""
    props = resources["Api"]["Properties"]
    assert props["ApiKeySourceType"] == "AUTHORIZER"
    plan = props["Auth"]["UsagePlan"]
    stage = props["MethodSettings"][0]
    # one tenant cannot take the whole stage: its limits are a fraction of the stage's
    assert 0 < plan["Throttle"]["RateLimit"] < stage["ThrottlingRateLimit"]
    assert 0 < plan["Throttle"]["BurstLimit"] < stage["ThrottlingBurstLimit"]
    assert plan["Quota"]["Period"] in ("DAY", "WEEK", "MONTH") and plan["Quota"]["Limit"] > 0
    # registration (infra/admin.py --stack) finds the plan in the outputs
    assert template["Outputs"]["UsagePlanId"]["Value"] == {"Ref": "ApiUsagePlan"}


def test_the_web_acl_is_optional_and_off_by_default(template, resources):
    assert template["Parameters"]["EnableWaf"]["Default"] == "false"
    assert template["Conditions"]["WafEnabled"] == {"Fn::Equals": [{"Ref": "EnableWaf"}, "true"]}
    wafs = {name: r for name, r in resources.items() if r["Type"].startswith("AWS::WAFv2::")}
    assert set(wafs) == {"WebAcl", "WebAclAssociation"}
    assert all(r["Condition"] == "WafEnabled" for r in wafs.values())


def test_the_web_acl_guards_the_api_stage(resources):
    association = resources["WebAclAssociation"]["Properties"]
    assert association["WebACLArn"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    parts = association["ResourceArn"]["Fn::Join"][1]
    assert {"Ref": "Api"} in parts and {"Ref": "Api.Stage"} in parts
    acl = resources["WebAcl"]["Properties"]
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    assert len({rule["Priority"] for rule in acl["Rules"]}) == len(acl["Rules"])
    rate = rules["RatePerIp"]["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP" and rules["RatePerIp"]["Action"] == {"Block": {}}
    managed = rules["AwsCommonRules"]["Statement"]["ManagedRuleGroupStatement"]
    assert (managed["VendorName"], managed["Name"]) == ("AWS", "AWSManagedRulesCommonRuleSet")
    # its 8 KB body rule would refuse every batch of signals: counted, replaced by BodySize
    assert {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}} in managed["RuleActionOverrides"]
    size, exempt = rules["BodySize"]["Statement"]["AndStatement"]["Statements"]
    assert size["SizeConstraintStatement"]["FieldToMatch"] == {"Body": {"OversizeHandling": "MATCH"}}
    inspected = {"KB_16": 16, "KB_32": 32, "KB_48": 48, "KB_64": 64}[
        acl["AssociationConfig"]["RequestBody"]["API_GATEWAY"]["DefaultSizeInspectionLimit"]]
    assert size["SizeConstraintStatement"]["Size"] <= inspected * 1024
    assert exempt["NotStatement"]["Statement"]["ByteMatchStatement"]["SearchString"] == "/signals/batch"
    # sampled requests would keep request headers: the API keys
    assert not acl["VisibilityConfig"]["SampledRequestsEnabled"]
    assert not any(rule["VisibilityConfig"]["SampledRequestsEnabled"] for rule in acl["Rules"])


# --------------------------------------------------------------------------- policies

def _statements(fn: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for policy in fn["Properties"].get("Policies", []):
        if isinstance(policy, dict) and "Statement" in policy:
            found.extend(policy["Statement"])
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_wildcard_resource_for_data_services(resources):
    for name, fn in functions(resources).items():
        for statement in _statements(fn):
            actions = _as_list(statement["Action"])
            assert "*" not in actions, name
            services = {a.split(":")[0] for a in actions}
            if services & {"dynamodb", "s3", "sqs", "kms"}:
                for resource in _as_list(statement["Resource"]):
                    assert resource != "*", (name, statement.get("Sid"))
                    if isinstance(resource, str):  # literal ARNs would bypass the stack
                        pytest.fail(f"{name}: literal resource {resource!r}")


def test_policy_templates_target_the_table(resources):
    for name, fn in functions(resources).items():
        for policy in fn["Properties"].get("Policies", []):
            assert isinstance(policy, dict), (name, policy)  # no managed policy names
            if "Statement" in policy:
                continue
            ((template_name, params),) = policy.items()
            assert template_name.startswith("DynamoDB"), (name, template_name)
            assert params == {"TableName": {"Ref": "Table"}}, name


def _allowed(fn: dict[str, Any], action: str) -> bool:
    return any(action in _as_list(s["Action"]) for s in _statements(fn) if s["Effect"] == "Allow")


def test_functions_can_use_the_data_key(resources):
    for name, fn in functions(resources).items():
        assert _allowed(fn, "kms:Decrypt"), name


def test_senders_may_send_to_the_action_queues(resources):
    for name in ["ClassifyFunction", "FollowUpsWorkerFunction"]:
        fn = resources[name]
        statements = [s for s in _statements(fn) if "sqs:SendMessage" in _as_list(s["Action"])]
        targets = {ref_name(r) for s in statements for r in _as_list(s["Resource"])}
        assert {"LettersQueue", "TasksQueue"} <= targets, name
        assert _allowed(fn, "kms:GenerateDataKey"), name


@pytest.mark.parametrize("function,actions", [
    ("ClassifyFunction", ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "sqs:SendMessage"]),
    ("FollowUpsFunction", ["dynamodb:Query", "sqs:SendMessage"]),
    ("FollowUpsWorkerFunction", ["dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:PutItem", "sqs:SendMessage"]),
    ("LettersFunction", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "s3:PutObject", "ses:SendEmail"]),
    ("TasksFunction", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]),
])
def test_each_function_may_make_the_calls_its_code_makes(resources, function, actions):
    """moto does not enforce IAM: what each function's adapters call is listed here by hand."""
    for action in actions:
        assert _allowed(resources[function], action), f"{function} may not {action}"


# What each function's code calls on the table, traced through the integration tests
# (botocore calls per handler). TransactWriteItems needs the actions of its items
# (the municipality writes a case and a task together with two Puts). A function
# that calls something new must say so here and in the template, nothing more.
DYNAMODB_CALLS = {
    "AuthorizerFunction": {"GetItem", "UpdateItem"},            # the key item; its last use (KEYUSE#)
    "IntakeFunction": {"GetItem", "PutItem", "Query"},          # signals, their cases, municipalities
    "MunicipalityFunction": {"GetItem", "Query", "PutItem", "UpdateItem",
                             "BatchGetItem"},  # cases, logs, tasks, criteria; found cases and a preview's cases by key
    "ClassifyFunction": {"GetItem", "Query", "PutItem", "UpdateItem",
                         "DeleteItem"},  # the criteria pointer, households, cases, the head, search entries
    "LettersFunction": {"GetItem", "PutItem", "UpdateItem"},    # the case, the e-mail's send-once marker
    "TasksFunction": {"GetItem", "PutItem", "DeleteItem"},      # the case, the task (gone with a case gone)
    "FollowUpsFunction": {"Query"},                             # the municipality listing
    # a due page (gsi4, keys), its cases, a case changed meanwhile, the case
    "FollowUpsWorkerFunction": {"Query", "BatchGetItem", "GetItem", "PutItem"},
    "UploadsFunction": {"GetItem", "PutItem", "Query"},         # the upload and its result pages
    "ImportFunction": {"GetItem", "PutItem", "UpdateItem", "Query"},  # signals (the intake), the upload's progress
    # a case's items; its signals, tasks and log; the once-marker and monthly counters
    "RetentionFunction": {"Query", "DeleteItem", "BatchWriteItem", "PutItem", "UpdateItem"},
    # the job, the criteria pointer; the window's cases (gsi1), their heads; the job's status and result
    "PreviewFunction": {"GetItem", "Query", "BatchGetItem", "UpdateItem"},
}


def _dynamodb_actions(fn: dict[str, Any], effect: str) -> set[str]:
    return {a.split(":", 1)[1] for s in _statements(fn) if s["Effect"] == effect
            for a in _as_list(s["Action"]) if a.startswith("dynamodb:")}


def test_every_function_may_call_on_the_table_exactly_what_its_code_calls(resources):
    assert set(functions(resources)) == set(DYNAMODB_CALLS)  # a new function lists its calls above
    for name, fn in functions(resources).items():
        assert _dynamodb_actions(fn, "Allow") == DYNAMODB_CALLS[name], name


def test_only_functions_that_query_an_index_may_read_indexes(resources):
    for name, fn in functions(resources).items():
        may_read_indexes = any(
            isinstance(r, dict) and "/index/" in str(r.get("Fn::Sub", ""))
            for s in _statements(fn) if s["Effect"] == "Allow" for r in _as_list(s["Resource"]))
        assert may_read_indexes == (name in ("MunicipalityFunction", "ClassifyFunction", "FollowUpsWorkerFunction",
                                             "IntakeFunction", "PreviewFunction")), name  # intake: the status feed (gsi6)


def test_no_function_may_write_key_items(resources):
    """Only the administration (infra/admin.py) writes KEY# items: an explicit Deny in
    every function's role, so a flaw in any function cannot mint or remove API keys."""
    writes = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
    for name, fn in functions(resources).items():
        denies = [s for s in _statements(fn) if s["Effect"] == "Deny"
                  and s.get("Condition", {}).get("ForAnyValue:StringLike", {}).get("dynamodb:LeadingKeys") == ["KEY#*"]]
        assert len(denies) == 1, name
        assert writes <= set(_as_list(denies[0]["Action"])), name
        assert denies[0]["Resource"] == {"Fn::GetAtt": ["Table", "Arn"]}, name


def test_the_municipality_function_may_delete_the_letter_template_only(resources):
    deletes = [r for s in _statements(resources["MunicipalityFunction"])
               if "s3:DeleteObject" in _as_list(s["Action"]) for r in _as_list(s["Resource"])]
    assert {"Fn::Sub": "${DataBucket.Arn}/templates/*/letter.j2"} in deletes
    assert not any(r.get("Fn::Sub", "").endswith(("/letters/*", "/templates/*")) for r in deletes)


def test_intake_cannot_update_or_delete(resources):
    fn = resources["IntakeFunction"]
    assert _allowed(fn, "dynamodb:PutItem")
    for action in ["dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan"]:
        assert not _allowed(fn, action), action


# --------------------------------------------------------------------------- linters

def test_cfn_lint_reports_nothing():
    from cfnlint.api import lint

    matches = lint(TEMPLATE_PATH.read_text(encoding="utf-8"), regions=["eu-west-1"])
    problems = [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches]
    assert problems == []


@pytest.mark.parametrize("function,prefix", [("ClassifyFunction", "criteria/*"), ("LettersFunction", "templates/*"),
                                             ("MunicipalityFunction", "criteria/*")])
def test_functions_that_read_optional_objects_may_list_their_prefix(template, function, prefix):
    """A missing object (no own criteria, no own letter template) means "use the default";
    without s3:ListBucket S3 answers 403 instead of 404 and the default never applies."""
    listing = [s for s in _statements(template["Resources"][function]) if "s3:ListBucket" in _as_list(s["Action"])]
    assert any(prefix in s.get("Condition", {}).get("StringLike", {}).get("s3:prefix", []) for s in listing)


def test_municipality_function_may_remove_the_active_criteria_pointer(template):
    deletes = [s for s in _statements(template["Resources"]["MunicipalityFunction"])
               if "s3:DeleteObject" in _as_list(s["Action"])]
    assert deletes, "activating the default criteria deletes criteria/<code>/active.json"


def test_the_authorizer_reads_key_items_only(resources):
    """A key lookup is all it does: it must not be able to read signals or cases; it writes
    only a key's last use, never a key item."""
    statements = _statements(resources["AuthorizerFunction"])
    dynamodb = [s for s in statements if s["Effect"] == "Allow"
                and any(a.startswith("dynamodb:") for a in _as_list(s["Action"]))]
    assert [_as_list(s["Action"]) for s in dynamodb] == [["dynamodb:GetItem"], ["dynamodb:UpdateItem"]]
    assert dynamodb[0]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["KEY#*"]
    assert dynamodb[1]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["KEYUSE#*"]
    assert not any(isinstance(p, dict) and "DynamoDBReadPolicy" in p for p in resources["AuthorizerFunction"]["Properties"]["Policies"])


# --------------------------------------------------------------------------- sign-in (Cognito, issue 9)


def test_the_user_pool_lets_only_administrators_create_people(resources):
    pool = resources["UserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    assert pool["MfaConfiguration"] == {"Fn::If": ["MfaRequired", "ON", "OPTIONAL"]}


def test_mfa_is_required_by_a_parameter(template):
    assert template["Parameters"]["RequireMfa"]["AllowedValues"] == ["true", "false"]
    assert template["Conditions"]["MfaRequired"] == {"Fn::Equals": [{"Ref": "RequireMfa"}, "true"]}


def test_the_web_app_client_uses_the_code_flow_without_a_secret(resources):
    client = resources["WebAppClient"]["Properties"]
    assert client["UserPoolId"] == {"Ref": "UserPool"}
    assert client["AllowedOAuthFlows"] == ["code"]            # PKCE: a public client, no implicit flow
    assert client["GenerateSecret"] is False
    assert "openid" in client["AllowedOAuthScopes"]
    assert client["CallbackURLs"] == [{"Ref": "WebAppUrl"}]
    assert "ALLOW_USER_PASSWORD_AUTH" not in client["ExplicitAuthFlows"]   # on AWS: hosted sign-in, SRP
    assert resources["UserPoolDomain"]["Properties"]["UserPoolId"] == {"Ref": "UserPool"}


def test_a_federated_identity_provider_exists_only_when_given(template, resources):
    assert template["Conditions"]["HasIdentityProvider"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "IdentityProviderType"}, ""]}]}
    assert template["Parameters"]["IdentityProviderType"]["AllowedValues"] == ["", "OIDC", "SAML"]
    provider = template["Resources"]["FederatedIdentityProvider"]
    assert provider["Condition"] == "HasIdentityProvider"
    assert template["Parameters"]["OidcClientSecret"]["NoEcho"] is True
    providers = resources["WebAppClient"]["Properties"]["SupportedIdentityProviders"]
    assert providers == {"Fn::If": ["HasIdentityProvider", ["COGNITO", {"Ref": "FederatedIdentityProvider"}],
                                    ["COGNITO"]]}


def test_the_outputs_name_the_pool_the_client_and_the_sign_in_domain(template):
    outputs = template["Outputs"]
    assert outputs["UserPoolId"]["Value"] == {"Ref": "UserPool"}
    assert outputs["UserPoolClientId"]["Value"] == {"Ref": "WebAppClient"}
    assert "amazoncognito.com" in outputs["UserPoolDomain"]["Value"]["Fn::Sub"]


def test_the_gateway_caches_an_authorizer_answer_at_most_as_long_as_a_revocation_may_take(resources):
    """identity.md: a revoked key is refused within 5 minutes: API Gateway's result cache plus
    the authorizer's own key cache (adapters/registry.py)."""
    from vroegsignaal.adapters import registry

    every = resources["Api"]["Properties"]["Auth"]["Authorizers"]["KeyAuthorizer"]["Identity"]["ReauthorizeEvery"]
    assert every + registry.CACHE_SECONDS <= 300


def test_the_preview_worker_marks_a_job_failed_on_the_queues_last_attempt(resources):
    """A job whose message goes to the dead-letter queue must not stay `running` for its poller."""
    from vroegsignaal.domain.preview import JOB_ATTEMPTS

    redrive = resources["PreviewQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == JOB_ATTEMPTS


def test_a_preview_job_reads_as_failed_once_its_last_attempt_outlived_the_worker(resources):
    """A last attempt cut off by the timeout never marks the job failed itself (domain/preview.py)."""
    from vroegsignaal.domain.preview import JOB_ATTEMPT_SECONDS

    assert resources["PreviewFunction"]["Properties"]["Timeout"] == JOB_ATTEMPT_SECONDS
