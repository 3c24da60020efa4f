"""The local stack's emulation of API Gateway and Lambda's event source mappings,
in process, against a fixture template whose handlers tests can steer
(tests/e2e/fixtures/). The e2e tests drive the real template over HTTP."""
from __future__ import annotations

import http.client
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from infra.local import LocalStack

FIXTURE_TEMPLATE = Path(__file__).resolve().parents[1] / "e2e" / "fixtures" / "template.yaml"


@pytest.fixture(scope="module")
def stack():
    with LocalStack(port=0, template=FIXTURE_TEMPLATE) as running:
        yield running


@pytest.fixture
def handlers(stack):
    """The fixture handler modules, their records cleared, once the stack is quiet."""
    stack.wait_until_quiet()
    modules = {name: sys.modules[name] for name in ("fixture_authorizer", "fixture_stream", "fixture_queue",
                                                    "fixture_schedule")}
    modules["fixture_authorizer"].CALLS.clear()
    modules["fixture_stream"].BATCHES.clear()
    modules["fixture_stream"].RECORDS.clear()
    modules["fixture_queue"].RECEIVED.clear()
    modules["fixture_queue"].RECORDS.clear()
    modules["fixture_schedule"].EVENTS.clear()
    return modules


def call(stack, method, path, *, token=None, body=None, headers=None):
    url = urlsplit(stack.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    payload = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    connection.request(method, path, body=payload, headers=all_headers)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, response, content


def call_json(stack, method, path, **kwargs):
    status, _, content = call(stack, method, path, **kwargs)
    return status, json.loads(content)


def received_messages(stack, queue_logical_id):
    sqs = stack.client("sqs")
    url = stack.resources.queues[queue_logical_id].url
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in messages]


def put_items(stack, *items):
    """Write items straight to the table (one request), as a handler would."""
    stack.client("dynamodb").batch_write_item(RequestItems={stack.resources.tables["Table"]: [
        {"PutRequest": {"Item": {"pk": {"S": pk}, "sk": {"S": "ITEM"}, "type": {"S": "signal"},
                                 "behaviour": {"S": behaviour}}}} for pk, behaviour in items]})


# --------------------------------------------------------------------------- resources

def test_resources_are_created_from_the_template(stack):
    ddb, sqs = stack.client("dynamodb"), stack.client("sqs")
    table = ddb.describe_table(TableName="vroegsignaal-Table")["Table"]
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["gsi1"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    ttl = ddb.describe_time_to_live(TableName="vroegsignaal-Table")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    assert stack.client("s3").get_bucket_versioning(Bucket="vroegsignaal-databucket")["Status"] == "Enabled"
    work = stack.resources.queues["WorkQueue"]
    redrive = json.loads(sqs.get_queue_attributes(QueueUrl=work.url, AttributeNames=["RedrivePolicy"])
                         ["Attributes"]["RedrivePolicy"])
    assert redrive == {"deadLetterTargetArn": stack.resources.queues["WorkDeadLetterQueue"].arn, "maxReceiveCount": 2}
    assert "fixture@example.nl" in stack.client("ses").list_identities()["Identities"]


def test_functions_get_the_resolved_environment_and_a_context(stack, handlers):
    status, echo = call_json(stack, "GET", "/items/x", token="allow")
    assert status == 200
    environment = echo["environment"]
    assert environment["TABLE_NAME"] == "vroegsignaal-Table"
    assert environment["BUCKET_NAME"] == "vroegsignaal-databucket"
    assert environment["WORK_QUEUE_URL"] == stack.resources.queues["WorkQueue"].url
    assert environment["SENDER_EMAIL"] == "fixture@example.nl"
    assert environment["POWERTOOLS_SERVICE_NAME"] == "fixture"
    secret = environment["HOUSEHOLD_KEY_SECRET"]  # the generated secret, not the {{resolve:...}} text
    assert len(secret) == 48 and secret.isalnum()
    assert echo["function_name"] == "vroegsignaal-ApiFunction"
    assert 0 < echo["remaining_ms"] <= 10_000
    assert echo["stage"] == "test"


def test_a_function_without_its_module_is_skipped(stack):
    assert not stack.functions["NotWrittenYetFunction"].available
    assert stack.functions["QueueFunction"].available


# --------------------------------------------------------------------------- routing

def test_literal_segments_win_over_parameters(stack, handlers):
    status, echo = call_json(stack, "POST", "/items/batch", token="allow", body={"x": 1})
    assert (status, echo["resource"], echo["pathParameters"]) == (200, "/items/batch", None)
    status, echo = call_json(stack, "GET", "/items/abc", token="allow")
    assert (status, echo["resource"], echo["pathParameters"]) == (200, "/items/{id}", {"id": "abc"})


def test_the_most_specific_resource_decides_even_without_the_method(stack, handlers):
    # /items/batch has POST only: API Gateway does not fall back to GET /items/{id}.
    status, body = call_json(stack, "GET", "/items/batch", token="allow")
    assert (status, body) == (404, {"error": "not_found", "message": "unknown route"})


def test_unknown_route_is_the_templates_missing_authentication_token_response(stack, handlers):
    assert call_json(stack, "GET", "/nowhere", token="allow") == (
        404, {"error": "not_found", "message": "unknown route"})
    assert call_json(stack, "DELETE", "/items/abc") == (404, {"error": "not_found", "message": "unknown route"})
    assert handlers["fixture_authorizer"].CALLS == []


def test_greedy_path_parameter(stack, handlers):
    status, echo = call_json(stack, "GET", "/files/a/b/c.txt", token="allow")
    assert (status, echo["resource"], echo["pathParameters"]) == (200, "/files/{proxy+}", {"proxy": "a/b/c.txt"})


def test_query_strings_single_and_multi_valued(stack, handlers):
    status, echo = call_json(stack, "GET", "/items/x?a=1&a=2&b=", token="allow")
    assert echo["queryStringParameters"] == {"a": "2", "b": ""}
    assert echo["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": [""]}


def test_bodies_reach_the_function_as_text_or_base64(stack, handlers):
    _, echo = call_json(stack, "POST", "/items/batch", token="allow", body="héllo".encode())
    assert (echo["body"], echo["isBase64Encoded"]) == ("héllo", False)
    _, echo = call_json(stack, "POST", "/items/batch", token="allow", body=b"\xff\xfe")
    assert (echo["body"], echo["isBase64Encoded"]) == ("//4=", True)


# --------------------------------------------------------------------------- authorizer

def test_missing_authorization_is_401_without_calling_the_authorizer(stack, handlers):
    assert call_json(stack, "GET", "/items/x") == (
        401, {"error": "unauthorized", "message": "missing or unknown API key"})
    assert handlers["fixture_authorizer"].CALLS == []


def test_an_authorizer_raising_unauthorized_is_401(stack, handlers):
    status, body = call_json(stack, "GET", "/items/x", token="unknown")
    assert (status, body["error"]) == (401, "unauthorized")


def test_a_deny_policy_is_403_with_the_templates_body(stack, handlers):
    assert call_json(stack, "GET", "/items/x", token="deny") == (
        403, {"error": "forbidden",
              "message": "User is not authorized to access this resource with an explicit deny"})


def test_a_failing_or_invalid_authorizer_is_500(stack, handlers):
    assert call(stack, "GET", "/items/x", token="broken")[0] == 500
    assert call(stack, "GET", "/items/x", token="nested")[0] == 500


def test_the_authorizer_context_reaches_the_function_as_strings(stack, handlers):
    _, echo = call_json(stack, "GET", "/items/x", token="allow")
    authorizer = echo["authorizer"]
    assert authorizer["principalId"] == "tester"
    assert (authorizer["kind"], authorizer["admin"], authorizer["level"]) == ("tester", "true", "3")


def test_the_authorizer_result_is_cached_per_key_and_its_policy_reevaluated(stack, handlers):
    assert call(stack, "GET", "/items/one", token="narrow")[0] == 200
    # The cached policy allows only GET /items/one: another route is denied, as on AWS.
    assert call(stack, "GET", "/items/two", token="narrow")[0] == 403
    assert call(stack, "GET", "/items/one", token="narrow")[0] == 200
    assert handlers["fixture_authorizer"].CALLS == ["narrow"]


def test_a_route_with_auth_none_is_open(stack, handlers):
    status, echo = call_json(stack, "PATCH", "/open")
    assert (status, echo["resource"], echo["authorizer"]) == (200, "/open", None)


# --------------------------------------------------------------------------- responses

def test_a_failing_handler_is_502(stack, handlers):
    assert call_json(stack, "GET", "/boom", token="allow") == (
        502, {"error": "internal", "message": "Internal server error"})


def test_a_body_that_is_not_a_string_is_502_as_on_aws(stack, handlers):
    assert call(stack, "GET", "/bad-body", token="allow")[0] == 502


def test_headers_and_multi_value_headers_are_returned(stack, handlers):
    _, response, _ = call(stack, "GET", "/items/x", token="allow")
    assert response.getheader("Content-Type") == "application/json"
    assert response.headers.get_all("X-Echo") == ["a", "b"]


def test_base64_bodies_are_decoded_for_a_binary_accept_type(stack, handlers):
    status, response, content = call(stack, "GET", "/pdf", token="allow", headers={"Accept": "application/pdf"})
    assert (status, response.getheader("Content-Type")) == (200, "application/pdf")
    assert content.startswith(b"%PDF-1.4\n%\xe2\xe3")
    # Accept */* is not a binary media type of the API: API Gateway passes the base64 text.
    _, _, content = call(stack, "GET", "/pdf", token="allow", headers={"Accept": "*/*"})
    assert content.startswith(b"JVBERi0xLjQ")


# --------------------------------------------------------------------------- the stream

def test_stream_records_are_filtered_and_shaped_as_lambda_shapes_them(stack, handlers):
    assert call(stack, "POST", "/items", token="allow", body={"pk": "S1", "type": "signal"})[0] == 201
    assert call(stack, "POST", "/items", token="allow", body={"pk": "O1", "type": "other"})[0] == 201
    stack.wait_until_quiet()
    assert call(stack, "POST", "/items", token="allow", body={"pk": "S1", "type": "signal", "behaviour": "x"})[0] == 201
    stack.wait_until_quiet()  # a MODIFY: filtered out like the non-signal item
    stream = handlers["fixture_stream"]
    assert [pk for batch in stream.BATCHES for pk in batch] == ["S1"]
    record = stream.RECORDS[0]
    assert record["eventSourceARN"] == stack.resources.stream_arns["Table"]
    assert (record["eventName"], record["eventSource"], record["awsRegion"]) == ("INSERT", "aws:dynamodb", "eu-west-1")
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    assert record["dynamodb"]["Keys"] == {"pk": {"S": "S1"}, "sk": {"S": "ITEM"}}
    assert record["dynamodb"]["NewImage"]["type"] == {"S": "signal"}
    assert {"SequenceNumber", "SizeBytes", "StreamViewType"} <= set(record["dynamodb"])


def test_partial_batch_failures_are_retried_from_the_failed_record_then_described(stack, handlers):
    put_items(stack, ("P-good", "ok"), ("P-bad", "fail-item"), ("P-after", "ok"))
    stack.wait_until_quiet()
    delivered = [pk for batch in handlers["fixture_stream"].BATCHES for pk in batch]
    assert delivered.count("P-good") == 1               # before the failure: checkpointed
    assert delivered.count("P-bad") == 3                 # 1 + MaximumRetryAttempts 2
    failures = received_messages(stack, "StreamFailureQueue")
    assert len(failures) == 1
    bad = next(r for r in handlers["fixture_stream"].RECORDS if r["dynamodb"]["Keys"]["pk"]["S"] == "P-bad")
    info = failures[0]["DDBStreamBatchInfo"]
    assert info["startSequenceNumber"] == bad["dynamodb"]["SequenceNumber"]
    assert info["streamArn"] == stack.resources.stream_arns["Table"]
    assert failures[0]["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failures[0]["requestContext"]["functionArn"] == stack.functions["StreamFunction"].arn


def test_a_poison_record_is_bisected_out_and_the_rest_is_processed(stack, handlers):
    put_items(stack, ("B-1", "ok"), ("B-poison", "raise"), ("B-2", "ok"), ("B-3", "ok"))
    stack.wait_until_quiet()
    batches = handlers["fixture_stream"].BATCHES
    succeeded = {pk for batch in batches if "B-poison" not in batch for pk in batch}
    assert succeeded == {"B-1", "B-2", "B-3"}
    assert batches.count(["B-poison"]) == 3              # alone: 1 + MaximumRetryAttempts 2
    failures = received_messages(stack, "StreamFailureQueue")
    assert len(failures) == 1
    info = failures[0]["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1 and info["startSequenceNumber"] == info["endSequenceNumber"]
    assert failures[0]["responseContext"]["functionError"] == "Unhandled"


# --------------------------------------------------------------------------- queues

def test_sqs_partial_failures_are_retried_then_dead_lettered(stack, handlers):
    sqs = stack.client("sqs")
    work = stack.resources.queues["WorkQueue"].url
    sqs.send_message(QueueUrl=work, MessageBody=json.dumps({"id": "good"}))
    sqs.send_message(QueueUrl=work, MessageBody=json.dumps({"id": "bad", "fail": True}))
    stack.wait_until_quiet()
    received = handlers["fixture_queue"].RECEIVED
    assert [count for body, count in received if body["id"] == "good"] == ["1"]
    assert [count for body, count in received if body["id"] == "bad"] == ["1", "2"]   # maxReceiveCount 2
    assert received_messages(stack, "WorkDeadLetterQueue") == [{"id": "bad", "fail": True}]
    record = handlers["fixture_queue"].RECORDS[0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == stack.resources.queues["WorkQueue"].arn
    assert {"messageId", "receiptHandle", "body", "md5OfBody", "awsRegion", "messageAttributes"} <= set(record)


def test_a_stream_handler_sending_to_a_queue_is_quiet_only_when_both_are_done(stack, handlers):
    put_items(stack, ("Q-1", "send"), ("Q-2", "send"))
    stack.wait_until_quiet()
    assert sorted(body["pk"] for body, _ in handlers["fixture_queue"].RECEIVED) == ["Q-1", "Q-2"]


# --------------------------------------------------------------------------- the clock

def test_advancing_the_clock_runs_the_schedule(stack, handlers):
    before = datetime.now(UTC)
    now = stack.advance_clock(2)
    assert now - before >= timedelta(days=2)
    [(event, seen_at)] = handlers["fixture_schedule"].EVENTS
    assert (event["source"], event["detail-type"]) == ("aws.events", "Scheduled Event")
    # The event's time is the system's (moved) time when it ran, to the second.
    assert (before + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ") <= event["time"]
    assert event["time"][:19] <= seen_at[:19]


def test_a_clock_move_not_quiet_in_time_is_a_504_with_the_moved_time(stack, monkeypatch):
    def busy(timeout):
        raise TimeoutError(f"not quiet after {timeout:g} s: 1 invocation(s) running")

    monkeypatch.setattr(stack, "wait_until_quiet", busy)
    status, body = call_json(stack, "POST", "/_local/clock", body={"advance_days": 0, "timeout": 5})
    assert status == 504 and body["quiet"] is False and body["message"].startswith("not quiet after 5 s")
    assert body["now"].endswith("Z")


def test_local_routes_over_http(stack, handlers):
    status, body = call_json(stack, "POST", "/_local/clock", body={"advance_days": 1})
    assert status == 200 and body["now"].endswith("Z")
    assert len(handlers["fixture_schedule"].EVENTS) == 1
    assert call_json(stack, "POST", "/_local/clock", body={"advance_days": "soon"})[0] == 422
    status, body = call_json(stack, "POST", "/_local/clock", body={"advance_days": -1, "timeout": 0})
    assert status == 422 and [d["loc"] for d in body["details"]] == [["advance_days"], ["timeout"]]
    status, body = call_json(stack, "POST", "/_local/clock", body={"advance_days": 0, "timeout": float("nan")})
    assert status == 422 and [d["loc"] for d in body["details"]] == [["timeout"]]  # would wait for ever
    assert call_json(stack, "POST", "/_local/drain") == (200, {"quiet": True})


def test_a_drain_with_a_timeout_that_is_not_a_number_above_0_is_a_422(stack):
    for timeout in (float("nan"), float("inf"), 0, -1, "30", True):
        status, body = call_json(stack, "POST", "/_local/drain", body={"timeout": timeout})
        assert (status, [d["loc"] for d in body["details"]]) == (422, [["timeout"]]), timeout


def test_a_local_route_with_a_body_that_is_not_an_object_is_a_422(stack):
    for route in ("/_local/drain", "/_local/clock"):
        status, body = call_json(stack, "POST", route, body=[1])
        assert (status, [d["loc"] for d in body["details"]]) == (422, [["body"]]), route
