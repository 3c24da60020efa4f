"""The edge over HTTP, as curl sends it: letters are PDF bytes whatever the Accept,
JSON stays text, a percent-encoded reference finds its signal."""
from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from tests.e2e.test_werkbakjes import WOERDEN, Product
from tests.factories import signal_body

pytestmark = pytest.mark.e2e


def raw_get(stack, path: str, key: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """A GET as `curl -o` makes it: no Accept header unless given."""
    url = urlsplit(stack.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.putheader("Authorization", f"Bearer {key}")
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, content


@pytest.fixture(scope="module")
def letter_path(local_stack):
    product = Product(local_stack)
    signal = product.send("energie-noord", amount="75.00")
    product.drain()
    case = product.case_of(WOERDEN, signal)
    (letter,) = case["letters"]
    return f"/municipalities/{WOERDEN}/cases/{case['case_id']}/letters/{letter['letter_id']}"


@pytest.mark.parametrize("accept", [None, "*/*", "text/html,application/xhtml+xml"], ids=["none", "any", "browser"])
def test_a_letter_is_pdf_bytes_whatever_the_accept(local_stack, letter_path, accept):
    status, headers, content = raw_get(local_stack, letter_path, local_stack.municipality_keys[WOERDEN],
                                       {"Accept": accept} if accept else None)
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert content.startswith(b"%PDF") and content.rstrip().endswith(b"%%EOF")


def test_json_routes_still_answer_json_text(local_stack):
    status, headers, content = raw_get(local_stack, f"/municipalities/{WOERDEN}/baskets",
                                       local_stack.municipality_keys[WOERDEN])
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert content.startswith(b'{"baskets"')


def test_a_percent_encoded_reference_finds_the_partners_own_signal(local_stack):
    import json
    key = local_stack.partner_keys["energie-noord"]
    body = signal_body(reference="EN:2026:E2E-ENC")
    url = urlsplit(local_stack.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    connection.request("POST", "/signals", body=json.dumps(body).encode(),
                       headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    assert connection.getresponse().status in (200, 201)
    connection.close()
    status, _, content = raw_get(local_stack, "/signals/EN%3A2026%3AE2E-ENC", key)
    assert status == 200 and json.loads(content)["reference"] == "EN:2026:E2E-ENC"
