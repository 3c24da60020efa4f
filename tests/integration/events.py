"""Lambda events and context as API Gateway and the runtime shape them."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

PARTNERS = {
    "energie-noord": {"kind": "partner", "partner_id": "energie-noord", "partner_type": "energy"},
    "woonstede": {"kind": "partner", "partner_id": "woonstede", "partner_type": "housing"},
    "vitens": {"kind": "partner", "partner_id": "vitens", "partner_type": "water"},
}


def municipality(code: str) -> dict[str, Any]:
    return {"kind": "municipality", "municipality_code": code}


@dataclass
class LambdaContext:
    function_name: str = "test-function"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:test-function"
    aws_request_id: str = ""

    def __post_init__(self):
        self.aws_request_id = self.aws_request_id or str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def api_event(method: str, resource: str, path_params: dict | None = None, *, body: Any = None,
              principal: dict | None = None, query: dict | None = None, raw_body: str | None = None) -> dict:
    path = resource
    for name, value in (path_params or {}).items():
        path = path.replace("{" + name + "}", value)
    if raw_body is None and body is not None:
        raw_body = json.dumps(body)
    return {
        "resource": resource, "path": path, "httpMethod": method,
        "headers": {"Content-Type": "application/json", "Authorization": "Bearer x"},
        "multiValueHeaders": {"Content-Type": ["application/json"], "Authorization": ["Bearer x"]},
        "queryStringParameters": query, "multiValueQueryStringParameters":
            {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_params, "stageVariables": None,
        "requestContext": {"requestId": str(uuid.uuid4()), "stage": "prod", "resourcePath": resource,
                           "httpMethod": method, "path": f"/prod{path}", "identity": {"sourceIp": "127.0.0.1"},
                           "authorizer": ({"principalId": principal.get("partner_id") or principal.get("municipality_code"),
                                           **principal} if principal else None)},
        "body": raw_body, "isBase64Encoded": False,
    }


def call(handler, event) -> tuple[int, Any]:
    response = handler(event, LambdaContext())
    body = response.get("body")
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    headers.update({k.lower(): v[-1] for k, v in (response.get("multiValueHeaders") or {}).items() if v})
    content_type = headers.get("content-type", "")
    return response["statusCode"], json.loads(body) if body and "json" in content_type else body


def stream_event(items: list[dict]) -> dict:
    """A DynamoDB stream event (INSERTs) for items as the low-level client returns them."""
    records = []
    for number, item in enumerate(items, start=1):
        records.append({
            "eventID": uuid.uuid4().hex, "eventName": "INSERT", "eventVersion": "1.1",
            "eventSource": "aws:dynamodb", "awsRegion": "eu-west-1",
            "eventSourceARN": "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2026-11-27T00:00:00.000",
            "dynamodb": {"ApproximateCreationDateTime": 1795760000, "Keys": {"pk": item["pk"], "sk": item["sk"]},
                         "NewImage": item, "SequenceNumber": f"{number:021d}", "SizeBytes": 1000,
                         "StreamViewType": "NEW_IMAGE"},
        })
    return {"Records": records}


def sqs_event(bodies: list[dict], queue: str = "vroegsignaal-LettersQueue") -> dict:
    """An SQS event as Lambda delivers it."""
    return {"Records": [{
        "messageId": str(uuid.uuid4()), "receiptHandle": uuid.uuid4().hex, "body": json.dumps(body),
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795760000000"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:eu-west-1:123456789012:{queue}", "awsRegion": "eu-west-1",
    } for body in bodies]}
