"""docs/api/openapi.json and docs/api/index.html are what their generators make
from the code today, and the page stands on its own."""
import json
import re
from pathlib import Path

from infra import openapi_docs, openapi_document

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_document_is_current():
    assert (ROOT / "docs/api/openapi.json").read_text(encoding="utf-8") == openapi_document.rendered(), \
        "run python -m infra.openapi_document"


def test_the_committed_page_is_current():
    assert (ROOT / "docs/api/index.html").read_text(encoding="utf-8") == openapi_docs.rendered(), \
        "run python -m infra.openapi_docs"


def test_the_document_is_a_valid_openapi_3_1_document():
    from jsonschema import Draft202012Validator
    document = json.loads((ROOT / "docs/api/openapi.json").read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1")
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["responses"] and operation["security"], f"{method} {path}"
            assert all(status.isdigit() for status in operation["responses"])


def test_the_page_loads_nothing_from_another_host():
    page = (ROOT / "docs/api/index.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert set(re.findall(r"https?://[^\"'<> ]+", page)) <= {"http://127.0.0.1:3000"}


def test_the_page_shows_every_route_and_status():
    document = json.loads((ROOT / "docs/api/openapi.json").read_text(encoding="utf-8"))
    page = (ROOT / "docs/api/index.html").read_text(encoding="utf-8")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert f'{method.upper()}</span>{path}' in page
            section = page.split(f'{method.upper()}</span>{path}</h3>', 1)[1].split('<div class="op"', 1)[0]
            for status in operation["responses"]:
                assert f"<strong>{status}</strong>" in section, (method, path, status)


def curl_pattern(path: str) -> re.Pattern:
    """A curl line's URL for this route: $M for /municipalities/{code}, $API before the rest,
    each parameter filled in with anything but / ? or a space."""
    prefix, rest = (r"\$M", path[len("/municipalities/{code}"):]) if path.startswith("/municipalities/") \
        else (r"\$API", path)
    parts = [r"[^/ ?\"]+" if part.startswith("{") else re.escape(part) for part in rest.split("/")]
    return re.compile(prefix + "/".join(parts) + r"(?=[\s\"?]|$)")


def test_docs_api_md_names_every_route_and_gives_it_a_curl_line():
    document = json.loads((ROOT / "docs/api/openapi.json").read_text(encoding="utf-8"))
    page = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    curl_lines = [line for line in page.splitlines() if line.startswith("curl ")]
    for path, item in document["paths"].items():
        for method in item:
            assert f"`{method.upper()} {path}" in page, f"{method.upper()} {path} is not in docs/api.md"
            pattern = curl_pattern(path)
            assert any(pattern.search(line) and ((f"-X {method.upper()} " in line) == (method != "get"))
                       for line in curl_lines), f"no curl line for {method.upper()} {path}"


def test_every_example_in_the_document_is_valid_for_its_schema():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    document = json.loads((ROOT / "docs/api/openapi.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(document,
                                                                              default_specification=DRAFT202012))
    examples = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for kind, media in operation.get("requestBody", {}).get("content", {}).items():
                if "example" in media:
                    where = "/".join(part.replace("~", "~0").replace("/", "~1")
                                     for part in ("paths", path, method, "requestBody", "content", kind, "schema"))
                    validator = Draft202012Validator({"$ref": f"urn:openapi#/{where}"}, registry=registry)
                    assert [e.message for e in validator.iter_errors(media["example"])] == [], (method, path)
                    examples += 1
    assert examples >= 8
