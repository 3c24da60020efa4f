"""A readable, self-contained page of the API (docs/api/index.html) from docs/api/openapi.json:
static HTML with its own styles, nothing loaded from anywhere else.

    python -m infra.openapi_docs            # write docs/api/index.html
    python -m infra.openapi_docs --check    # exit 1 when the committed page is not current
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT_PATH = ROOT / "docs" / "api" / "openapi.json"
PAGE_PATH = ROOT / "docs" / "api" / "index.html"
METHODS = ("get", "put", "post", "patch", "delete")

STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#fafbfc}
header{background:#17324d;color:#fff;padding:24px 40px}header h1{margin:0 0 4px}header p{margin:4px 0;max-width:70em}
nav{position:fixed;top:0;bottom:0;left:0;width:290px;overflow:auto;background:#eef1f5;padding:16px;box-sizing:border-box;
font-size:13px}nav a{display:block;color:#17324d;text-decoration:none;padding:2px 0}nav h3{margin:14px 0 4px}
main{margin-left:290px}section{padding:8px 40px}.op{background:#fff;border:1px solid #d9dee5;border-radius:6px;
margin:18px 0;padding:14px 18px}.op h3{margin:0;font-size:16px;font-family:ui-monospace,Menlo,Consolas,monospace}
.m{display:inline-block;min-width:56px;text-align:center;border-radius:4px;color:#fff;padding:1px 6px;margin-right:8px;
font-size:13px}.get{background:#2f7d32}.post{background:#1f5fa8}.put{background:#a86a1f}.patch{background:#6a3fa8}
.delete{background:#a8321f}table{border-collapse:collapse;margin:8px 0;width:100%}th,td{text-align:left;
vertical-align:top;border-bottom:1px solid #e6e9ee;padding:4px 8px;font-size:14px}th{background:#f3f5f8}
pre{background:#f1f3f6;padding:8px;border-radius:4px;overflow:auto}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;background:#f1f3f6;padding:0 3px;border-radius:3px}
.s2{color:#2f7d32}.s4{color:#a8321f}.s5{color:#6a3fa8}.muted{color:#5b6675}.schema{background:#fff;
border:1px solid #d9dee5;border-radius:6px;margin:14px 0;padding:10px 18px}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _inline(text: str) -> str:
    """Escaped text with `code` spans."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _anchor(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def type_text(schema: dict[str, Any]) -> str:
    """A schema as a short HTML phrase: a link to a named schema, or its type and limits."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return f'<a href="#schema-{_anchor(name)}">{_e(name)}</a>'
    if "anyOf" in schema:
        parts = [type_text(part) for part in schema["anyOf"]]
        return " or ".join(parts)
    if "allOf" in schema:
        return " and ".join(type_text(part) for part in schema["allOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        text = f"list of {type_text(schema.get('items', {}))}"
    else:
        text = _e(kind)
    if "format" in schema:
        text += f" ({_e(schema['format'])})"
    if "enum" in schema:
        text += ": " + ", ".join(f"<code>{_e(json.dumps(v, ensure_ascii=False))}</code>" for v in schema["enum"])
    if "const" in schema:
        text += f": <code>{_e(json.dumps(schema['const']))}</code>"
    limits = []
    for key, label in (("minLength", "min length"), ("maxLength", "max length"), ("minimum", "≥"),
                       ("exclusiveMinimum", ">"), ("maximum", "≤"), ("minItems", "min items"),
                       ("maxItems", "max items"), ("pattern", "pattern")):
        if key in schema:
            value = schema[key]
            limits.append(f"{label} <code>{_e(value)}</code>" if key == "pattern" else f"{label} {_e(value)}")
    if limits:
        text += f' <span class="muted">({", ".join(limits)})</span>'
    return text


def properties_table(schema: dict[str, Any]) -> str:
    properties = schema.get("properties") or {}
    if not properties:
        return ""
    required = set(schema.get("required", []))
    rows = "".join(
        f"<tr><td><code>{_e(name)}</code></td><td>{'yes' if name in required else ''}</td>"
        f"<td>{type_text(prop)}</td><td>{_inline(prop.get('description', ''))}</td></tr>"
        for name, prop in properties.items())
    closed = '<p class="muted">No other fields.</p>' if schema.get("additionalProperties") is False else ""
    return ("<table><tr><th>field</th><th>required</th><th>type</th><th>notes</th></tr>"
            f"{rows}</table>{closed}")


def operation_html(path: str, method: str, op: dict[str, Any]) -> str:
    anchor = _anchor(method, path)
    parts = [f'<div class="op" id="{anchor}"><h3><span class="m {method}">{method.upper()}</span>{_e(path)}</h3>',
             f"<p><strong>{_e(op.get('summary', ''))}</strong></p>"]
    if op.get("description"):
        parts.append(f"<p>{_inline(op['description'])}</p>")
    security = ", ".join(name for requirement in op.get("security", []) for name in requirement)
    if security:
        parts.append(f'<p class="muted">Authorization: <a href="#security">{_e(security)}</a></p>')
    parameters = op.get("parameters") or []
    if parameters:
        rows = "".join(
            f"<tr><td><code>{_e(p['name'])}</code></td><td>{_e(p['in'])}</td>"
            f"<td>{'yes' if p.get('required') else ''}</td><td>{type_text(p.get('schema', {}))}</td>"
            f"<td>{_inline(p.get('description', ''))}</td></tr>" for p in parameters)
        parts.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th>notes</th></tr>"
                     f"{rows}</table>")
    body = op.get("requestBody")
    if body:
        kinds = "; ".join(f"<code>{_e(kind)}</code>: {type_text(media.get('schema', {}))}"
                          for kind, media in body.get("content", {}).items())
        parts.append(f"<p>Body: {kinds}</p>")
        for media in body.get("content", {}).values():
            if "example" in media:
                example = json.dumps(media["example"], indent=2, ensure_ascii=False)
                parts.append(f"<details><summary>Example</summary><pre><code>{_e(example)}</code></pre></details>")
    rows = []
    for status, answer in op.get("responses", {}).items():
        kinds = "; ".join(f"<code>{_e(kind)}</code> {type_text(media.get('schema', {}))}"
                          for kind, media in answer.get("content", {}).items())
        rows.append(f'<tr><td class="s{status[0]}"><strong>{_e(status)}</strong></td>'
                    f"<td>{_inline(answer.get('description', ''))}</td><td>{kinds}</td></tr>")
    parts.append("<table><tr><th>status</th><th>when</th><th>body</th></tr>" + "".join(rows) + "</table></div>")
    return "".join(parts)


def page(document: dict[str, Any]) -> str:
    info = document["info"]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {tag["name"]: [] for tag in document.get("tags", [])}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                by_tag.setdefault(op.get("tags", ["Other"])[0], []).append((path, method, op))
    tag_text = {tag["name"]: tag.get("description", "") for tag in document.get("tags", [])}
    nav = ['<nav><h3><a href="#top">Vroegsignaal API</a></h3>']
    sections = []
    for tag, operations in by_tag.items():
        nav.append(f'<h3><a href="#{_anchor("tag", tag)}">{_e(tag)}</a></h3>')
        nav.extend(f'<a href="#{_anchor(method, path)}">{method.upper()} {_e(path)}</a>'
                   for path, method, _ in operations)
        body = "".join(operation_html(path, method, op) for path, method, op in operations)
        sections.append(f'<section id="{_anchor("tag", tag)}"><h2>{_e(tag)}</h2>'
                        f"<p>{_inline(tag_text.get(tag, ''))}</p>{body}</section>")
    nav.append('<h3><a href="#security">Authorization</a></h3><h3><a href="#schemas">Schemas</a></h3>')
    components = document.get("components", {})
    schemes = "".join(f"<tr><td><code>{_e(name)}</code></td><td>{_e(scheme.get('scheme', scheme.get('type')))}"
                      f"{' (' + _e(scheme['bearerFormat']) + ')' if 'bearerFormat' in scheme else ''}</td>"
                      f"<td>{_inline(scheme.get('description', ''))}</td></tr>"
                      for name, scheme in components.get("securitySchemes", {}).items())
    sections.append('<section id="security"><h2>Authorization</h2><table><tr><th>scheme</th><th>kind</th>'
                    f"<th>what</th></tr>{schemes}</table></section>")
    schema_parts = []
    for name, schema in components.get("schemas", {}).items():
        nav.append(f'<a href="#schema-{_anchor(name)}">{_e(name)}</a>')
        parts = [f'<div class="schema" id="schema-{_anchor(name)}"><h3>{_e(name)}</h3>']
        if schema.get("description"):
            parts.append(f"<p>{_inline(schema['description'])}</p>")
        for part in schema.get("allOf", []):
            parts.append(f"<p>{type_text(part)}</p>" if "$ref" in part else properties_table(part))
        if "allOf" not in schema:
            parts.append(properties_table(schema) or f"<p>{type_text(schema)}</p>")
        parts.append("</div>")
        schema_parts.append("".join(parts))
    sections.append(f'<section id="schemas"><h2>Schemas</h2>{"".join(schema_parts)}</section>')
    nav.append("</nav>")
    servers = ", ".join(f"<code>{_e(s['url'])}</code> ({_e(s.get('description', ''))})"
                        for s in document.get("servers", []))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{_e(info['title'])} API"
            f"</title><style>{STYLE}</style></head><body>{''.join(nav)}<main><header id=\"top\">"
            f"<h1>{_e(info['title'])} API <small>{_e(info['version'])}</small></h1><p>{_e(info.get('summary', ''))}</p>"
            f"<p>{_inline(info.get('description', ''))}</p><p>Servers: {servers}. The machine-readable document: "
            f"<a href=\"openapi.json\" style=\"color:#fff\">openapi.json</a> (OpenAPI {_e(document['openapi'])}).</p>"
            f"</header>{''.join(sections)}</main></body></html>\n")


def rendered() -> str:
    return page(json.loads(DOCUMENT_PATH.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.openapi_docs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed page is not current")
    args = parser.parse_args(argv)
    text = rendered()
    if args.check:
        current = PAGE_PATH.exists() and PAGE_PATH.read_text(encoding="utf-8") == text
        print(f"{PAGE_PATH.relative_to(ROOT)} is {'current' if current else 'NOT current: run python -m infra.openapi_docs'}")
        return 0 if current else 1
    PAGE_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
