"""make deploy's upload of the web app (infra/deploy_web.py): what it syncs and the config it writes."""
from __future__ import annotations

import json
from pathlib import Path

from infra.deploy_web import SYNC_FILTERS, commands, config_for

OUTPUTS = {"WebBucketName": "web-bucket", "WebDistributionId": "E123", "ApiUrl": "https://abc.execute-api.eu-west-1.amazonaws.com/prod/",
           "WebUrl": "https://d1.cloudfront.net/"}


def test_the_app_is_synced_to_the_bucket_of_the_stack_output():
    sync, upload, invalidate = commands(OUTPUTS, Path("/tmp/config.json"), "eu-west-1")
    assert sync[:3] == ["aws", "s3", "sync"] and "s3://web-bucket" in sync and "--delete" in sync
    assert upload[4] == "s3://web-bucket/config.json" and "application/json" in upload
    assert invalidate[:3] == ["aws", "cloudfront", "create-invalidation"] and "E123" in invalidate


def test_only_the_apps_kinds_of_files_are_synced():
    assert SYNC_FILTERS[:2] == ["--exclude", "*"]
    included = {SYNC_FILTERS[i + 1] for i, flag in enumerate(SYNC_FILTERS) if flag == "--include"}
    assert included == {"*.html", "*.js", "*.css", "*.png", "*.svg"}  # never *.py


def test_the_config_names_the_api_and_the_user_pool_when_there_is_one():
    assert json.loads(config_for(OUTPUTS, "eu-west-1")) == {"api_url": OUTPUTS["ApiUrl"].rstrip("/"), "cognito": None}
    pool = {**OUTPUTS, "UserPoolId": "eu-west-1_X", "UserPoolClientId": "c1"}
    assert json.loads(config_for(pool, "eu-west-1"))["cognito"] == {
        "region": "eu-west-1", "user_pool_id": "eu-west-1_X", "client_id": "c1", "endpoint": None}
