"""A municipality's letter template (municipality-api.md "Letters"): read it,
replace it, go back to the default.

The store is the letter-template port (adapters/letters.py):
`get_template(code) -> str | None`, `put_template(code, source)`,
`delete_template(code)`. An upload is checked in the sandbox with sample data
(domain.letters.validate_template) and stored only after every check passed.
"""
from __future__ import annotations

from typing import Any, Protocol

from vroegsignaal.domain.errors import ValidationFailed


class TemplateStore(Protocol):
    def get_template(self, code: str) -> str | None: ...
    def put_template(self, code: str, source: str) -> None: ...
    def delete_template(self, code: str) -> None: ...


class LetterTemplates:
    """GET, PUT and DELETE letter-template."""

    def __init__(self, *, store: TemplateStore):
        self.store = store

    @staticmethod
    def source_of(body: Any) -> str:
        """The template from a text body, or from a JSON body {"template": "..."}."""
        if isinstance(body, str):
            return body
        if isinstance(body, dict) and set(body) == {"template"} and isinstance(body["template"], str):
            return body["template"]
        details = [{"loc": [str(key)], "msg": "unknown field"} for key in body if key != "template"] \
            if isinstance(body, dict) else []
        if not isinstance(body, dict) or not isinstance(body.get("template"), str):
            details.append({"loc": ["template"], "msg": "required: the template's text"})
        raise ValidationFailed(details)

    def get(self, code: str) -> dict[str, Any]:
        """{"template": "custom" | "default", "text", "variables"}."""
        own = self.store.get_template(code)
        if own is None:
            from vroegsignaal.domain import letters  # jinja2 loads only on the letter-template routes

            return _answer("default", letters.default_template())
        return _answer("custom", own)

    def put(self, code: str, body: Any) -> dict[str, Any]:
        """Check the template, then store it: {"template": "custom", "variables"}."""
        from vroegsignaal.domain import letters  # jinja2 and fpdf load only on this route

        source = self.source_of(body)
        letters.validate_template(source)
        self.store.put_template(code, source)  # last: nothing is stored unless every check passed
        return {"template": "custom", "variables": used_variables(source)}

    def delete(self, code: str) -> dict[str, Any]:
        """Back to the default template (also when there was no own one); the
        answer is that of `get`."""
        self.store.delete_template(code)
        return self.get(code)


def _answer(kind: str, source: str) -> dict[str, Any]:
    return {"template": kind, "text": source, "variables": used_variables(source)}


def used_variables(source: str) -> list[str]:
    """The template variables (docs/letters.md) the template uses."""
    from vroegsignaal.domain.letters import variables_used

    return variables_used(source)
