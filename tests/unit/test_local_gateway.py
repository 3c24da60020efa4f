"""The local stack's pure pieces behind its API Gateway: route matching, the
authorizer's policy and context, and the template resolver it reads routes with."""
from __future__ import annotations

import pytest

from infra.local.api_routes import Route, match_route
from infra.local.cfn import Resolver, load_template, merge_globals
from infra.local.policies import authorizer_context, evaluate_policy

METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/signals/EN-1"


def routes(*specs):
    return [Route(api=None, resource=path, method=method, function=None, authorizer=None)
            for method, path in specs]


INTAKE = routes(("POST", "/signals"), ("POST", "/signals/batch"), ("GET", "/signals/{reference}"),
                ("GET", "/municipalities/{code}/cases/{case_id}"), ("POST", "/municipalities/{code}/cases/{case_id}/close"),
                ("GET", "/files/{proxy+}"), ("ANY", "/anything"))


def matched(method, path):
    found = match_route(INTAKE, method, path)
    return None if found is None else (found[0].resource, found[1])


def test_a_literal_segment_wins_over_a_parameter():
    assert matched("POST", "/signals/batch") == ("/signals/batch", {})
    assert matched("GET", "/signals/EN-1") == ("/signals/{reference}", {"reference": "EN-1"})


def test_the_most_specific_resource_without_the_method_is_not_found():
    assert matched("GET", "/signals/batch") is None


def test_unknown_paths_methods_and_lengths():
    assert matched("GET", "/nowhere") is None
    assert matched("DELETE", "/signals") is None
    assert matched("GET", "/signals/EN-1/extra") is None
    assert matched("POST", "/municipalities/GM0632/cases") is None


def test_parameters_stay_percent_encoded_as_a_rest_api_hands_them_over_and_trailing_slashes_are_ignored():
    assert matched("GET", "/signals/EN%3A1/") == ("/signals/{reference}", {"reference": "EN%3A1"})


def test_literal_segments_match_decoded():
    assert matched("POST", "/signals/b%61tch") == ("/signals/batch", {})


def test_a_greedy_parameter_keeps_encoded_slashes_and_spaces():
    assert matched("GET", "/files/a%2Fb/c%20d") == ("/files/{proxy+}", {"proxy": "a%2Fb/c%20d"})
    assert matched("POST", "/municipalities/GM0632/cases/c-1/close") == (
        "/municipalities/{code}/cases/{case_id}/close", {"code": "GM0632", "case_id": "c-1"})


def test_greedy_parameters_and_any():
    assert matched("GET", "/files/a/b") == ("/files/{proxy+}", {"proxy": "a/b"})
    assert matched("GET", "/files") is None
    assert matched("PATCH", "/anything") == ("/anything", {})


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def statement(effect, resource, action="execute-api:Invoke"):
    return {"Effect": effect, "Action": action, "Resource": resource}


@pytest.mark.parametrize(("document", "expected"), [
    (policy(statement("Allow", METHOD_ARN)), "Allow"),
    (policy(statement("Allow", "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*/*")), "Allow"),
    (policy(statement("Allow", "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/*")), "NotAllowed"),
    (policy(statement("Allow", "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/signals/EN-2")),
     "NotAllowed"),
    (policy(statement("Allow", "*"), statement("Deny", METHOD_ARN)), "Deny"),
    (policy(statement("Allow", [METHOD_ARN], action=["execute-api:*"])), "Allow"),
    (policy(statement("Allow", METHOD_ARN, action="s3:GetObject")), "NotAllowed"),
    ({"Version": "2012-10-17", "Statement": statement("Allow", "arn:aws:execute-api:*:*:abc123/*")}, "Allow"),
    (policy(), "NotAllowed"),
])
def test_policy_evaluation(document, expected):
    assert evaluate_policy(document, METHOD_ARN) == expected


def test_the_authorizer_context_becomes_strings():
    output = {"context": {"kind": "partner", "crisis": False, "count": 2, "ratio": 1.5, "none": None}}
    assert authorizer_context(output) == {"kind": "partner", "crisis": "false", "count": "2", "ratio": "1.5"}
    assert authorizer_context({}) == {}


def test_a_nested_authorizer_context_is_invalid():
    with pytest.raises(ValueError):
        authorizer_context({"context": {"principal": {"kind": "partner"}}})


# --------------------------------------------------------------------------- the template

TEMPLATE = """
Parameters:
  Stage: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    Timeout: 30
    Environment: {Variables: {TABLE_NAME: !Ref Table, SHARED: x}}
    Layers: [!Ref Layer]
Resources:
  Table: {Type: AWS::DynamoDB::Table}
  Queue: {Type: AWS::SQS::Queue}
  OnlyInProd: {Type: AWS::SQS::Queue, Condition: IsProd}
Outputs:
  Url: {Value: !Sub "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/${Stage}"}
  Joined: {Value: !Join ["/", [!Select [1, !Split [",", "a,b,c"]], !GetAtt Queue.Arn]]}
  Maybe: {Value: !If [IsProd, yes-prod, !Ref "AWS::NoValue"]}
  Literal: {Value: !Sub "${!NotAVariable}-${Table}"}
  Secret: {Value: !Sub "{{resolve:secretsmanager:${Table}:SecretString}}"}
  Version: {Value: 2010-09-09}
"""


@pytest.fixture
def template(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return load_template(path)


def test_short_tags_sub_and_dynamic_references(template):
    resolver = Resolver(template, dynamic_reference=lambda service, ref: f"<{service}|{ref}>")
    resolver.attributes.update({"Table": {"Ref": "vroegsignaal-Table"}, "Api": {"Ref": "abc123"},
                                "Queue": {"Ref": "http://q", "Arn": "arn:aws:sqs:eu-west-1:1:q"}})
    outputs = {name: resolver.resolve(spec["Value"]) for name, spec in template["Outputs"].items()}
    assert outputs["Url"] == "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"
    assert outputs["Joined"] == "b/arn:aws:sqs:eu-west-1:1:q"
    assert outputs["Maybe"] == "yes-prod"
    assert outputs["Literal"] == "${NotAVariable}-vroegsignaal-Table"
    assert outputs["Secret"] == "<secretsmanager|vroegsignaal-Table:SecretString>"
    assert outputs["Version"] == "2010-09-09"  # a string, as CloudFormation reads it


def test_parameters_conditions_and_no_value(template):
    resolver = Resolver(template, parameters={"Stage": "test"})
    assert not resolver.resource_enabled(template["Resources"]["OnlyInProd"])
    assert resolver.resolve({"a": template["Outputs"]["Maybe"]["Value"], "b": 1}) == {"b": 1}


def test_globals_merge_as_sam_merges_them(template):
    merged = merge_globals(template["Globals"]["Function"], {
        "Timeout": 120, "Environment": {"Variables": {"SHARED": "own"}}, "Layers": [{"Ref": "Other"}]})
    assert merged["Timeout"] == 120
    assert merged["Environment"]["Variables"] == {"TABLE_NAME": {"Ref": "Table"}, "SHARED": "own"}
    assert merged["Layers"] == [{"Ref": "Layer"}, {"Ref": "Other"}]
