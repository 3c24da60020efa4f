"""What a static host answers for the app (web/serving.py): its files with the security
headers, nothing else."""
from __future__ import annotations

import json

from web import serving


def test_the_root_is_the_app_with_a_csp_that_allows_no_inline_script():
    found = serving.static_file("/")
    assert found.content.startswith(b"<!doctype html>") and found.content_type.startswith("text/html")
    policy = found.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_modules_are_served_as_javascript():
    assert serving.static_file("/js/app.js").content_type.startswith("text/javascript")


def test_nothing_outside_the_app_or_of_another_kind_is_served():
    assert [serving.static_file(path) for path in ("/../README.md", "/size.py", "/__init__.py", "/nope.js")] == [None] * 4


def test_other_origins_the_app_calls_are_allowed_to_connect():
    policy = serving.content_security_policy(("https://api.example.nl", "https://cognito-idp.eu-west-1.amazonaws.com"))
    assert "connect-src 'self' blob: https://api.example.nl https://cognito-idp.eu-west-1.amazonaws.com;" in policy


def test_the_config_document_has_the_spec_shape():
    cognito = {"region": "eu-west-1", "user_pool_id": "p", "client_id": "c", "endpoint": None}
    assert json.loads(serving.config_document(api_url="https://api.example.nl", cognito=cognito)) == {
        "api_url": "https://api.example.nl", "cognito": cognito}
