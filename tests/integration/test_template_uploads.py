"""The uploads block of template.yaml: what cfn-lint and `sam validate` do not check."""
from __future__ import annotations

from pathlib import Path

import pytest

from infra.local.cfn import load_template

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def resources():
    return load_template(ROOT / "template.yaml")["Resources"]


def statements(function):
    return [s for policy in function["Properties"]["Policies"] for s in policy["Statement"]]


def test_the_import_starts_on_objects_under_the_uploads_prefix_of_the_uploads_bucket(resources):
    (event,) = resources["ImportFunction"]["Properties"]["Events"].values()
    assert event["Type"] == "S3"
    assert event["Properties"]["Bucket"] == {"Ref": "UploadsBucket"}  # SAM needs a Ref to a bucket of this stack
    assert event["Properties"]["Events"] == "s3:ObjectCreated:*"
    assert event["Properties"]["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "uploads/"}]


def test_the_import_reads_the_bucket_by_its_derived_name_not_by_ref(resources):
    """A Ref or GetAtt of the bucket in the import's policy would be a circular dependency
    (bucket -> notification -> function -> role -> bucket)."""
    name = resources["UploadsBucket"]["Properties"]["BucketName"]
    stack_uuid = name["Fn::Join"][1][1]
    (read,) = [s for s in statements(resources["ImportFunction"]) if s["Action"] == ["s3:GetObject"]]
    text, variables = read["Resource"]["Fn::Sub"]
    assert text == f"arn:${{AWS::Partition}}:s3:::{name['Fn::Join'][1][0]}-${{StackUuid}}/uploads/*"
    assert variables == {"StackUuid": stack_uuid}
    assert "UploadsBucket" not in str(resources["ImportFunction"]["Properties"]["Policies"])


def test_the_import_has_time_for_50000_rows_and_is_retried(resources):
    props = resources["ImportFunction"]["Properties"]
    assert props["Timeout"] == 900 and props["EventInvokeConfig"]["MaximumRetryAttempts"] == 2


def test_the_uploads_bucket_is_private_encrypted_and_forgets_files(resources):
    props = resources["UploadsBucket"]["Properties"]
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert any(r.get("ExpirationInDays") == 7 for r in props["LifecycleConfiguration"]["Rules"])
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedMethods"] == ["PUT"]


def test_the_uploads_function_presigns_puts_and_touches_upload_items_only(resources):
    props = resources["UploadsFunction"]["Properties"]
    assert props["Environment"]["Variables"] == {"UPLOADS_BUCKET_NAME": {"Ref": "UploadsBucket"}}
    by_sid = {s["Sid"]: s for s in statements(resources["UploadsFunction"])}
    assert by_sid["PresignedPut"]["Resource"] == {"Fn::Sub": "${UploadsBucket.Arn}/uploads/*"}
    assert by_sid["UploadItemsOnly"]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["UPLOAD#*"]
    assert "kms:GenerateDataKey" in by_sid["DataKey"]["Action"]  # the partner's PUT encrypts with the signer's rights
