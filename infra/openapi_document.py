"""The OpenAPI 3.1 document of the partner API and the municipality API
(signals-api.md, municipality-api.md), written to docs/api/openapi.json.

    python -m infra.openapi_document            # write docs/api/openapi.json
    python -m infra.openapi_document --check    # exit 1 when the committed file is not current

Every route the template serves, every status its handler answers, request and
response schemas (error bodies too) and the security scheme. The conformance
tests (tests/integration/test_openapi_conformance.py) hold the handlers to it,
the fuzz run (tests/e2e/test_fuzz.py) generates requests from it.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "common")]

from vroegsignaal.domain.audit import ACTIONS as AUDIT_ACTIONS  # noqa: E402
from vroegsignaal.domain.partners import PARTNER_TYPES  # noqa: E402

DOCUMENT_PATH = ROOT / "docs" / "api" / "openapi.json"

CONTACT_TYPES = ["Mail", "Brief", "SMS/Whatsapp", "Telefoon", "Huisbezoek", "Kaartje", "Overige", "Administratief"]
PARTS_OF_DAY = ["Ochtend", "Middag", "Avond"]
OUTCOMES = [
    "Niet opgepakt: herhaalde melding", "Niet opgepakt: onterecht signaal",
    "Inwoner is overleden", "Persoon is geen inwoner (meer) in de gemeente",
    "Niet opgepakt: andere reden", "Inwoner al bekend bij schuldhulpverlening",
    "Inwoner heeft al een ander lopend traject", "Definitief geen contact kunnen krijgen",
    "Geen reactie na eerder contact", "Inwoner hoeft geen hulp vanuit vroegsignalering",
    "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    "(Budget)advies en/of quick fix", "Vervolghulp en/of verwijzing financieel",
    "Verwijzing zonder contact", "Vervolghulp en/of verwijzing niet financieel",
]
ACTIONS = ["letter", "email", "phone_call", "home_visit", "none"]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Any], required: list[str] | tuple[str, ...] = (), *, closed: bool = False,
        description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}
DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
MONTH = {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "description": "YYYY-MM"}
TIMESTAMP = {"type": "string", "format": "date-time", "description": "ISO 8601 in UTC, ending in Z"}
MONEY = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "description": 'euros with two decimals, "1912.50"'}
ID = {"type": "string", "minLength": 1, "maxLength": 100}


COUNT = {"type": "integer", "minimum": 0}


def counts(names: list[str]) -> dict[str, Any]:
    """An object with a count for every one of these names."""
    return obj({name: COUNT for name in names}, names, closed=True)


def text(max_length: int, min_length: int = 0) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


# --------------------------------------------------------------------------- schemas

def schemas() -> dict[str, Any]:
    address = obj({
        "street": nullable(text(100)),
        "house_number": {"type": "integer", "minimum": 1, "maximum": 99999,
                         "description": "a JSON integer: 12, not 12.0"},
        "house_number_suffix": nullable(text(10)),
        "postcode": {"type": "string", "description": "Dutch postcode, spaces and case ignored: 3441 AB"},
        "city": nullable(text(100)),
    }, ["house_number", "postcode"], closed=True)
    debtor = obj({
        "initials": nullable(text(20)),
        "prefix": nullable(text(20)),
        "last_name": text(100, 1),
        "date_of_birth": nullable(DATE),
        "gender": nullable({"type": "string", "enum": ["M", "F", "X"]}),
        "bsn": nullable({"type": "string", "pattern": "^[0-9]{9}$", "description": "9 digits passing the elfproef"}),
        "phone": nullable({"type": "string", "description": "Dutch or international; stored as E.164"}),
        "email": nullable({"type": "string", "format": "email"}),
        "address": ref("Address"),
    }, ["last_name", "address"], closed=True)
    signal = obj({
        "reference": {"type": "string", "pattern": r"^[A-Za-z0-9._:\-]{1,64}$",
                      "description": "unique per partner; the idempotency key"},
        "municipality_code": {"type": "string", "pattern": "^GM[0-9]{4}$",
                              "description": "a municipality registered in the system"},
        "signal_date": nullable({**DATE, "description": "default: today (Europe/Amsterdam); not in the future"}),
        "arrears_since": {**DATE, "description": "not after signal_date"},
        "amount": {"description": 'euros > 0, at most 1 000 000, at most 2 decimals: "412.50" or 412.5 '
                                  "(a plain decimal, no exponent)",
                   "anyOf": [{"type": "string", "pattern": r"^\s*-?[0-9]{1,12}(\.[0-9]{1,12})?\s*$"},
                             {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000}]},
        "customer_number": nullable(text(40)),
        "crisis": nullable(BOOLEAN),
        "warm_transfer": nullable(BOOLEAN),
        "supply_ending": nullable({**BOOLEAN, "description": "true only from energy and water partners"}),
        "debtor": ref("Debtor"),
    }, ["reference", "municipality_code", "arrears_since", "amount", "debtor"], closed=True,
        description="One signal (signals-api.md). Unknown fields are rejected; null means absent.")
    problem = obj({
        "loc": {"type": "array", "items": STRING, "description": "where, in a request body or query"},
        "pointer": {"type": "string", "description": "where, as a JSON Pointer (criteria documents)"},
        "msg": STRING,
    }, ["msg"])
    status = {"type": "string", "enum": ["received", "in_progress", "closed"]}
    step = obj({"action": {"type": "string", "enum": ACTIONS},
                "after_days": {"type": "integer", "minimum": 0, "maximum": 90}}, ["action"])
    case_summary = obj({
        "case_id": STRING, "kenmerk": STRING, "basket_id": STRING,
        "status": {"type": "string", "enum": ["open", "closed"]},
        "opened_at": TIMESTAMP, "street": nullable(STRING), "postcode": STRING, "house_number": INTEGER,
        "house_number_suffix": nullable(STRING), "city": nullable(STRING),
        "names": {"type": "array", "items": STRING}, "signal_count": INTEGER,
        "partner_types": {"type": "array", "items": {"type": "string", "enum": sorted(PARTNER_TYPES)}},
        "total_amount": MONEY,
        "next_step": nullable(obj({"action": STRING, "due": nullable(DATE)}, ["action", "due"])),
    }, ["case_id", "basket_id", "status", "opened_at", "postcode", "house_number", "names", "signal_count",
        "partner_types", "total_amount", "next_step"])
    task = obj({
        "task_id": STRING, "case_id": STRING, "kenmerk": STRING, "basket_id": STRING, "basket_name": STRING,
        "type": {"type": "string", "enum": ["phone_call", "home_visit"]},
        "status": {"type": "string", "enum": ["open", "done", "cancelled"]},
        "assignee": nullable(STRING), "due": nullable(DATE), "overdue": BOOLEAN, "created_at": TIMESTAMP,
        "done_at": nullable(TIMESTAMP), "names": {"type": "array", "items": STRING},
        "address": nullable(obj({"street": nullable(STRING), "house_number": INTEGER,
                                 "house_number_suffix": nullable(STRING), "postcode": STRING,
                                 "city": nullable(STRING)})), "phone": nullable(STRING),
    }, ["task_id", "case_id", "basket_id", "type", "status", "assignee", "due", "created_at", "done_at"])
    attempt = obj({
        "attempt_id": STRING, "type": {"type": "string", "enum": CONTACT_TYPES}, "reached": BOOLEAN,
        "date": DATE, "part_of_day": nullable({"type": "string", "enum": PARTS_OF_DAY}), "note": nullable(STRING),
        "registered_at": TIMESTAMP,
    }, ["attempt_id", "type", "reached", "date"])
    case = {"allOf": [ref("CaseSummary"), obj({
        "signals": {"type": "array", "items": obj({
            "signal_id": STRING, "reference": STRING, "partner_id": STRING,
            "partner_name": nullable({**STRING, "description": "the partner's registered name; null when unknown"}),
            "partner_type": {"type": "string", "enum": sorted(PARTNER_TYPES)}, "signal_date": DATE,
            "arrears_since": DATE, "amount": MONEY, "debtor": obj({})},
            ["signal_id", "reference", "partner_id", "partner_type", "signal_date", "arrears_since", "amount"])},
        "classifications": {"type": "array", "items": obj({
            "at": TIMESTAMP, "criteria_version": STRING, "basket_id": STRING, "facts": obj({}),
            "explanation": obj({"dutch": {"type": "array", "description": "waarom in dit bakje, in Dutch",
                                          "items": obj({"basket_id": STRING, "name": STRING, "held": BOOLEAN,
                                                        "text": STRING})}})},
            ["at", "criteria_version", "basket_id"])},
        "steps": {"type": "array", "items": obj({
            "action": {"type": "string", "enum": ACTIONS},
            "status": {"type": "string", "enum": ["pending", "done", "skipped", "cancelled", "failed"]},
            "due": nullable(DATE), "done_at": nullable(TIMESTAMP),
            "task_id": STRING, "task_status": {"type": "string", "enum": ["open", "done", "cancelled"],
                                               "description": "a task step: its task's status"}},
            ["action", "status"])},
        "letters": {"type": "array", "items": obj({
            "letter_id": STRING, "created_at": TIMESTAMP, "step": STRING,
            "channel": {"type": "string", "enum": ["letter", "email"]}}, ["letter_id", "created_at"])},
        "tasks": {"type": "array", "items": ref("Task")},
        "contact_attempts": {"type": "array", "items": ref("ContactAttempt")},
        "picked_up_at": nullable(TIMESTAMP), "closed_at": nullable(TIMESTAMP),
        "outcome": nullable({"type": "string", "enum": OUTCOMES}),
        "history": {"type": "array", "items": ref("AuditEntry"),
                    "description": "the case's audit entries, oldest first (its latest 200)"},
    }, ["signals", "classifications", "steps", "letters", "tasks", "contact_attempts", "picked_up_at",
        "closed_at", "outcome"])]}
    # ---- roles: a bezoeker's view of a case holding a task assigned to them, people, the audit trail
    visitor_case = {"allOf": [ref("CaseSummary"), obj({
        "phone": nullable(STRING), "email": nullable(STRING),
        "tasks": {"type": "array", "items": ref("Task"), "description": "their own tasks on the case"},
    }, ["phone", "email", "tasks"])]}
    audit_entry = obj({
        "at": TIMESTAMP,
        "actor": obj({"type": {"type": "string", "enum": ["user", "key"]}, "id": STRING,
                      "name": {**STRING, "description": "a person's display name"}}, ["type", "id"]),
        "action": {"type": "string", "enum": list(AUDIT_ACTIONS)},
        "municipality_code": STRING,
        "case_id": {**STRING, "description": "when the entry is about a case"},
        "details": {"type": "object", "description": "ids and enum values only",
                    "additionalProperties": {"type": ["string", "boolean", "integer"]}},
    }, ["at", "actor", "action", "municipality_code", "details"])
    active_criteria = obj({
        "version": STRING, "label": nullable(STRING), "activated_at": nullable(TIMESTAMP), "default": BOOLEAN,
        "document": ref("CriteriaDocument"),
    }, ["version", "label", "activated_at", "default", "document"])
    criteria_document = obj({
        "schema_version": {"type": "integer", "const": 1},
        "municipality_code": {"type": "string", "description": "optional; the {code} of the URL"},
        "label": text(200),
        "settings": obj({
            "matching_window_days": {"type": "integer", "minimum": 1, "maximum": 366},
            "repeat_lookback_days": {"type": "integer", "minimum": 0, "maximum": 730},
            "high_amount": {"type": "object", "additionalProperties": {"type": "number", "exclusiveMinimum": 0}},
        }, closed=True),
        "baskets": {"type": "array", "minItems": 1, "maxItems": 50, "items": obj({
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,39}$"}, "name": text(80, 1),
            "description": text(500), "action": {"type": "string", "enum": ACTIONS},
            "path": {"type": "array", "minItems": 1, "maxItems": 5, "items": ref("Step")},
            "when": {"type": "object", "description": "a condition (criteria.md): all, any, not or a leaf"},
        }, ["id", "name"], closed=True)},
    }, ["schema_version", "baskets"], description="An afwegingskader (criteria.md); every problem is a 422.")
    return {
        "Error": obj({"error": STRING, "message": STRING}, ["error"],
                     description="Every error answer: a code (unauthorized, forbidden, not_found, bad_request, "
                                 "too_large, conflict, not_implemented) and a message"),
        "ValidationError": obj({"error": {"type": "string", "const": "validation"},
                                "details": {"type": "array", "minItems": 1, "items": ref("Problem")}},
                               ["error", "details"], description="Every problem at once; never the values sent"),
        "Problem": problem,
        "Conflict": obj({"error": {"type": "string", "const": "conflict"}, "message": STRING, "signal_id": STRING},
                        ["error", "message"]),
        "TooLarge": obj({"error": {"type": "string", "const": "too_large"}, "message": STRING,
                         "limit_bytes": INTEGER}, ["error", "message"]),
        "Address": address,
        "Debtor": debtor,
        "Signal": signal,
        "SignalReceipt": obj({"signal_id": STRING, "reference": STRING, "status": status},
                             ["signal_id", "reference", "status"]),
        "Batch": obj({"signals": {"type": "array", "minItems": 1, "maxItems": 500, "items": ref("Signal")}},
                     ["signals"], closed=True),
        "BatchResult": obj({
            "received": {"type": "integer", "minimum": 0, "description": "the 201s"},
            "duplicates": {"type": "integer", "minimum": 0, "description": "the 200s"},
            "rejected": {"type": "integer", "minimum": 0, "description": "everything else"},
            "results": {"type": "array", "items": obj({
                "index": INTEGER, "reference": nullable(STRING),
                "status": {"type": "integer", "enum": [200, 201, 409, 422, 500],
                           "description": "as POST /signals would answer it; 500: this signal failed "
                                          "unexpectedly and was not stored (send it again)"},
                "signal_id": STRING, "details": {"type": "array", "items": ref("Problem")}, "message": STRING,
            }, ["index", "reference", "status"])},
        }, ["received", "duplicates", "rejected", "results"]),
        "SignalStatus": obj({"reference": STRING, "signal_id": STRING, "received_at": TIMESTAMP, "status": status},
                            ["reference", "signal_id", "received_at", "status"]),
        **partner_file_and_feed_schemas(status),
        "CriteriaDocument": criteria_document,
        "Step": step,
        "ActiveCriteria": active_criteria,
        "CriteriaVersions": obj({"versions": {"type": "array", "items": obj({
            "version": STRING, "label": nullable(STRING), "uploaded_at": nullable(TIMESTAMP), "active": BOOLEAN},
            ["version", "label", "uploaded_at", "active"])}}, ["versions"]),
        "Preview": obj({
            "days": INTEGER, "cases": INTEGER, "active_version": STRING,
            "baskets": {"type": "array", "items": obj({
                "basket_id": STRING, "name": STRING, "active": INTEGER, "preview": INTEGER},
                ["basket_id", "name", "active", "preview"])},
            "moved": INTEGER,
            "moved_sample": {"type": "array", "maxItems": 20, "items": obj({
                "case_id": STRING, "from": STRING, "to": STRING}, ["case_id", "from", "to"])},
        }, ["days", "cases", "active_version", "baskets", "moved", "moved_sample"]),
        # A large window's preview is a job (docs/decisions.md, "Preview"); `result` once done.
        "PreviewJob": obj({
            "job_id": STRING, "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "days": INTEGER, "created_at": TIMESTAMP, "started_at": TIMESTAMP, "finished_at": TIMESTAMP,
            "result": ref("Preview"),
            "error": obj({"error": STRING, "message": STRING}, ["error", "message"]),
        }, ["job_id", "status", "days", "created_at"]),
        "Baskets": obj({"baskets": {"type": "array", "items": obj({
            "id": STRING, "name": STRING, "path": {"type": "array", "items": ref("Step")},
            "open_cases": INTEGER, "open_signals": INTEGER, "oldest_open_case_at": nullable(TIMESTAMP),
            "active": BOOLEAN}, ["id", "name", "path", "open_cases", "open_signals", "oldest_open_case_at",
                                 "active"])},
            "municipality_name": nullable({**STRING, "description": "the municipality's registered name"})},
            ["baskets"]),
        "CaseSummary": case_summary,
        "CaseList": obj({"cases": {"type": "array", "items": ref("CaseSummary")}, "next_cursor": nullable(STRING)},
                        ["cases", "next_cursor"]),
        "Case": case,
        "Move": obj({"basket_id": STRING, "reason": text(500, 1)}, ["basket_id", "reason"], closed=True),
        "NewContactAttempt": obj({
            "type": {"type": "string", "enum": CONTACT_TYPES}, "reached": BOOLEAN,
            "date": nullable({**DATE, "description": "default today; not in the future"}),
            "part_of_day": nullable({"type": "string", "enum": PARTS_OF_DAY}), "note": nullable(text(2000)),
        }, ["type", "reached"], closed=True),
        "ContactAttempt": attempt,
        "Close": obj({"outcome": {"type": "string", "enum": OUTCOMES,
                                  "description": "DDAS v0.9 EnumEindresultaat"}}, ["outcome"], closed=True),
        "Task": task,
        "TaskList": obj({"tasks": {"type": "array", "items": ref("Task")}, "next_cursor": nullable(STRING)},
                        ["tasks", "next_cursor"]),
        "TaskChange": obj({"assignee": nullable(text(100, 1)),
                           "status": {"type": "string", "enum": ["open", "done"]}}, closed=True,
                          description="assignee, status or both"),
        "LetterTemplate": obj({"template": {"type": "string", "enum": ["custom", "default"]}, "text": STRING,
                               "variables": {"type": "array", "items": STRING}}, ["template", "text", "variables"]),
        "VisitorCase": visitor_case,
        "AuditEntry": audit_entry,
        "AuditList": obj({"entries": {"type": "array", "items": ref("AuditEntry")}, "next_cursor": nullable(STRING)},
                         ["entries", "next_cursor"]),
        "UserList": obj({"users": {"type": "array", "items": obj({
            "user_id": STRING, "name": nullable(STRING),
            "role": {"type": "string", "enum": ["consulent", "coordinator", "bezoeker"]}},
            ["user_id", "name", "role"])}}, ["users"]),
        "DdasDelivery": obj({
            "codeGegevensleverancier": STRING, "startdatumLevering": DATE, "einddatumLevering": DATE,
            "aanleverdatumEnTijd": TIMESTAMP,
            "leveringen": {"type": "array", "minItems": 1, "maxItems": 1, "items": obj({
                "teller": INTEGER, "gemeentecode": {"type": "string", "pattern": "^[0-9]{4}$"},
                "aanleverende_organisatie": {"type": "object"},
                "vroegsignalen": {"type": "array", "items": {"type": "object"}},
                "vroegsignaalzaken": {"type": "array", "items": {"type": "object"}}},
                ["teller", "gemeentecode", "aanleverende_organisatie", "vroegsignalen", "vroegsignaalzaken"])}},
            ["codeGegevensleverancier", "startdatumLevering", "einddatumLevering", "aanleverdatumEnTijd",
             "leveringen"], description="The DDAS v0.9 Uitwisselmodel (its JSON Schema has every field)"),
        "MonthlyReport": obj({"months": {"type": "array", "items": obj({
            "month": MONTH,
            "signals": obj({"total": COUNT, "by_partner_type": counts(sorted(PARTNER_TYPES))}, ["total", "by_partner_type"]),
            "cases_opened": COUNT, "multiple": COUNT, "repeat": COUNT, "picked_up": COUNT, "reached": COUNT,
            "closed": obj({"total": COUNT, "by_outcome": counts(OUTCOMES)}, ["total", "by_outcome"]),
            "by_basket": {"type": "array", "items": obj({"basket_id": STRING, "name": nullable(STRING),
                                                         "opened": COUNT, "closed": COUNT},
                                                        ["basket_id", "name", "opened", "closed"])},
            "deleted": counts(["cases", "signals", "letters", "tasks"])},
            ["month", "signals", "cases_opened", "multiple", "repeat", "picked_up", "reached", "closed",
             "by_basket", "deleted"])}}, ["months"]),
        "LetterTemplateStored": obj({"template": {"type": "string", "enum": ["custom", "default"]},
                                     "variables": {"type": "array", "items": STRING}}, ["template", "variables"]),
    }


def partner_file_and_feed_schemas(status: dict[str, Any]) -> dict[str, Any]:
    """The status feed and the file uploads (signals-api.md; partners)."""
    return {
        "SignalChanges": obj({
            "signals": {"type": "array", "items": obj({
                "reference": STRING, "signal_id": STRING, "status": status,
                "changed_at": {**TIMESTAMP, "description": "the time of the signal's latest change"}},
                ["reference", "signal_id", "status", "changed_at"])},
            "next_cursor": nullable(STRING)}, ["signals", "next_cursor"],
            description="Oldest change first; each signal once, with its current status"),
        "NewUpload": obj({
            "filename": text(200, 1),
            "content_type": {"type": "string", "enum": [
                "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]},
        }, ["filename", "content_type"], closed=True),
        "UploadAddress": obj({
            "upload_id": STRING,
            "upload_url": {"type": "string", "format": "uri",
                           "description": "a presigned S3 address: PUT the file there with the Content-Type named"},
            "expires_at": {**TIMESTAMP, "description": "the address works for 15 minutes"},
            "method": {"type": "string", "const": "PUT"},
            "headers": {"type": "object", "additionalProperties": STRING},
            "max_bytes": {"type": "integer", "description": "20 MiB"},
        }, ["upload_id", "upload_url", "expires_at"]),
        "Upload": obj({
            "upload_id": STRING, "filename": STRING, "content_type": STRING,
            "status": {"type": "string", "enum": ["waiting", "processing", "done", "failed"]},
            "created_at": TIMESTAMP,
            "rows": nullable({"type": "integer", "minimum": 0, "description": "data rows; null until counted"}),
            "rows_done": {"type": "integer", "minimum": 0, "description": "rows handled and counted so far"},
            "received": {"type": "integer", "minimum": 0}, "duplicates": {"type": "integer", "minimum": 0},
            "rejected": {"type": "integer", "minimum": 0},
            "message": {"type": "string", "description": "why the file failed (it names the problem)"},
            "results": {"type": "array", "items": obj({
                "index": {"type": "integer", "minimum": 1, "description": "the row: 1 is the first data row"},
                "reference": nullable(STRING),
                "status": {"type": "integer", "enum": [200, 201, 409, 422, 500]},
                "signal_id": STRING, "details": {"type": "array", "items": ref("Problem")}, "message": STRING,
            }, ["index", "reference", "status"])},
            "next_cursor": nullable(STRING),
        }, ["upload_id", "filename", "status", "rows", "received", "duplicates", "rejected", "results",
            "next_cursor"]),
    }


# --------------------------------------------------------------------------- answers

ERROR_MEANING = {
    400: "the body is not JSON (or nested deeper than 32 levels)",
    401: "no key, or an unknown one",
    403: "a key of the wrong kind for this route, or of another municipality",
    404: "no such resource for this caller",
    409: "the state does not allow it",
    413: "the body is too large",
    422: "validation failed: every problem is listed",
    501: "not available yet",
}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def error(status: int, description: str | None = None) -> dict[str, Any]:
    schema = {422: ref("ValidationError"), 413: ref("TooLarge")}.get(status, ref("Error"))
    return {"description": description or ERROR_MEANING[status], "content": json_content(schema)}


def ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": json_content(schema)}


def responses(answers: dict[int, dict[str, Any]], *errors: int) -> dict[str, Any]:
    result = {str(status): answer for status, answer in answers.items()}
    for status in sorted({401, 403, *errors}):
        result[str(status)] = error(status)
    return dict(sorted(result.items()))


def json_body(schema_name: str, example: Any = None) -> dict[str, Any]:
    """A required JSON body; its example is a valid request (the fuzz run sends it too)."""
    content = json_content(ref(schema_name))
    if example is not None:
        content["application/json"]["example"] = example
    return {"required": True, "content": content}


SIGNAL_EXAMPLE = {
    "reference": "EN-2026-000123", "municipality_code": "GM0632", "signal_date": "2026-11-20",
    "arrears_since": "2026-10-01", "amount": "412.50", "customer_number": "880012345", "crisis": False,
    "warm_transfer": False, "supply_ending": False,
    "debtor": {"initials": "A.B.", "prefix": "van", "last_name": "Dijk", "date_of_birth": "2001-04-02",
               "gender": "F", "bsn": "111222333", "phone": "+31612345678", "email": "a.vandijk@example.nl",
               "address": {"street": "Rijnstraat", "house_number": 12, "house_number_suffix": "bis",
                           "postcode": "3441 AB", "city": "Woerden"}},
}
CRITERIA_EXAMPLE = {
    "schema_version": 1, "label": "Woerden 2027",
    "baskets": [{"id": "crisis", "name": "Crisis", "action": "home_visit",
                 "when": {"fact": "crisis", "equals": True}},
                {"id": "overig", "name": "Overige signalen",
                 "path": [{"action": "letter"}, {"action": "phone_call", "after_days": 14}]}],
}


def path_parameter(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema or {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"^[A-Za-z0-9._:\-]+$"}}


def query_parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def period_parameters(unit: str, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """`from` and `to` of a period, both included (days or months)."""
    return [query_parameter("from", f"first {unit}", schema), query_parameter("to", f"last {unit}", schema)]


PAGINATION = [
    query_parameter("limit", "page size", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}),
    query_parameter("cursor", "the next_cursor of the previous page", {"type": "string", "minLength": 1,
                                                                        "maxLength": 2000}),
]
CODE = path_parameter("code", "the municipality: GM and 4 digits", {"type": "string", "pattern": "^GM[0-9]{4}$"})


def operation(operation_id: str, tag: str, summary: str, answers: dict[str, Any], *, security: str,
              parameters: list[dict[str, Any]] | None = None, body: dict[str, Any] | None = None,
              description: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": operation_id, "tags": [tag], "summary": summary}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = parameters
    if body:
        op["requestBody"] = body
    op["responses"] = answers
    op["security"] = [{security: []}]
    return op


def partner_paths() -> dict[str, Any]:
    partner = "partnerKey"
    reference = path_parameter("reference", "the partner's reference of the signal (`:` may be sent as %3A)",
                               {"type": "string", "pattern": r"^[A-Za-z0-9._:\-]{1,64}$"})
    return {
        "/signals": {"post": operation(
            "postSignal", "Signals", "Send one signal", security=partner,
            description="Stored durably once per reference: 201 new, 200 the same content again, 409 other content.",
            body=json_body("Signal", SIGNAL_EXAMPLE),
            answers=responses({
                201: ok("stored", ref("SignalReceipt")),
                200: ok("the same reference with the same content was stored before", ref("SignalReceipt")),
                409: {"description": "the same reference with different content was stored before; nothing stored",
                      "content": json_content(ref("Conflict"))},
            }, 400, 413, 422)),
            "get": operation(
                "getSignalChanges", "Signals", "Your signals whose status changed since a moment", security=partner,
                description="The status feed: your own signals whose status changed at or after `changed_since`, "
                            "oldest change first, each once with its current status and the time of its latest "
                            "change (receipt is the first change). Page on with `cursor` and the same "
                            "`changed_since`; to keep in step, ask again from a little before the latest "
                            "`changed_at` you saw (a change seen twice is harmless).",
                parameters=[{**query_parameter("changed_since", "ISO 8601 timestamp with a time zone, such as "
                                                                "2026-11-20T08:00:00Z (required)",
                                               {"type": "string", "format": "date-time"}), "required": True},
                            *PAGINATION],
                answers=responses({200: ok("a page of changes", ref("SignalChanges"))}, 422))},
        "/signals/batch": {"post": operation(
            "postSignalBatch", "Signals", "Send 1 to 500 signals", security=partner,
            description="Each signal is handled on its own, exactly as POST /signals would; one bad signal never "
                        "rejects the others. 422 (nothing stored) when the body is not {\"signals\": [1-500]}.",
            body=json_body("Batch", {"signals": [
                SIGNAL_EXAMPLE, {**SIGNAL_EXAMPLE, "reference": "EN-2026-000124", "amount": 80}]}),
            answers=responses({200: ok("every signal handled; results in input order", ref("BatchResult"))},
                              400, 413, 422))},
        "/signals/{reference}": {"get": operation(
            "getSignal", "Signals", "The status of one of your signals", security=partner,
            parameters=[reference],
            answers=responses({200: ok("its current status", ref("SignalStatus"))}, 404))},
    }


def upload_paths() -> dict[str, Any]:
    partner = "partnerKey"
    upload_id = path_parameter("upload_id", "the upload's id (upl-...)")
    return {
        "/signals/uploads": {"post": operation(
            "postUpload", "Uploads", "Upload a CSV or Excel file of signals", security=partner,
            description="Answers a presigned S3 address, valid 15 minutes: PUT the file there (at most 20 MiB, "
                        "50 000 rows) with the Content-Type you named. Every row is then handled exactly as "
                        "POST /signals would handle it; follow it with GET /signals/uploads/{upload_id}.",
            body=json_body("NewUpload", {"filename": "achterstanden-november.csv", "content_type": "text/csv"}),
            answers=responses({201: ok("PUT the file to upload_url", ref("UploadAddress"))}, 400, 413, 422))},
        "/signals/uploads/{upload_id}": {"get": operation(
            "getUpload", "Uploads", "An upload's progress and its row results", security=partner,
            description="Progress (rows, received, duplicates, rejected) and a page of row results (index 1 is "
                        "the first data row). `Accept: text/csv` gives the page of results as CSV (the next "
                        "cursor in the X-Next-Cursor header). Another partner's upload is 404.",
            parameters=[upload_id,
                        query_parameter("limit", "results per page", {"type": "integer", "minimum": 1,
                                                                      "maximum": 1000, "default": 100}),
                        PAGINATION[1]],
            answers=responses({200: {"description": "the upload and a page of its results",
                                     "content": {**json_content(ref("Upload")),
                                                 "text/csv": {"schema": {"type": "string"}}}}}, 404, 422))},
    }


def municipality_paths() -> dict[str, Any]:
    key = "municipalityKey"
    base = "/municipalities/{code}"
    case_id = path_parameter("case_id", "a case of this municipality")
    task_id = path_parameter("task_id", "a task of this municipality")
    criteria_upload = json_body("CriteriaDocument", CRITERIA_EXAMPLE)
    return {
        f"{base}/criteria": {
            "get": operation("getCriteria", "Criteria", "The active criteria", security=key, parameters=[CODE],
                             answers=responses({200: ok("the active version", ref("ActiveCriteria"))})),
            "put": operation("putCriteria", "Criteria", "Upload criteria and make them active", security=key,
                             parameters=[CODE], body=criteria_upload,
                             answers=responses({201: ok("stored and active", ref("ActiveCriteria"))}, 400, 413, 422)),
        },
        f"{base}/criteria/versions": {"get": operation(
            "listCriteriaVersions", "Criteria", "Every version, newest first, the default last", security=key,
            parameters=[CODE], answers=responses({200: ok("the versions", ref("CriteriaVersions"))}))},
        f"{base}/criteria/versions/{{version}}/activate": {"post": operation(
            "activateCriteriaVersion", "Criteria", "Make an earlier version (or `default`) active again",
            security=key, parameters=[CODE, path_parameter("version", "a version, or default")],
            answers=responses({200: ok("now active", ref("ActiveCriteria"))}, 404))},
        f"{base}/criteria/preview": {"post": operation(
            "previewCriteria", "Criteria", "What a document would change, changing nothing", security=key,
            parameters=[CODE, query_parameter("days", "cases opened in the last days", {
                "type": "integer", "minimum": 1, "maximum": 366, "default": 90})],
            description="A window the municipality's monthly counters say may hold more than 2 000 cases "
                        "(the cases opened in the months it touches) is computed in the background: `202` "
                        "with the job (status `queued`) and its address in `Location`; poll it with GET "
                        "until `done` (its `result` is the body a `200` would have had) or `failed`. "
                        "A smaller window answers at once.",
            body=criteria_upload, answers=responses({
                200: ok("counts per basket", ref("Preview")),
                202: {"description": "a large window: the preview is a job, to read at `Location`",
                      "headers": {"Location": {"description": "the job's address", "schema": STRING}},
                      "content": json_content(ref("PreviewJob"))},
            }, 400, 413, 422))},
        f"{base}/criteria/preview/{{job_id}}": {"get": operation(
            "getPreviewJob", "Criteria", "A preview job: its status, and its result once done", security=key,
            description="Jobs are kept 3 days. Another municipality's job, or an expired one, is `404`.",
            parameters=[CODE, path_parameter("job_id", "a preview job of this municipality")],
            answers=responses({200: ok("the job", ref("PreviewJob"))}, 404))},
        f"{base}/baskets": {"get": operation(
            "listBaskets", "Baskets and cases", "The baskets (werkbakjes) with their counts", security=key,
            parameters=[CODE], answers=responses({200: ok("the baskets", ref("Baskets"))}))},
        f"{base}/baskets/{{basket_id}}/cases": {"get": operation(
            "listBasketCases", "Baskets and cases", "The cases in a basket, oldest first", security=key,
            parameters=[CODE, path_parameter("basket_id", "a basket of any version"),
                        query_parameter("status", "default open", {"type": "string",
                                                                   "enum": ["open", "closed", "all"]}),
                        query_parameter("postcode_prefix", "the start of a postcode (a wijk), 1 to 6 characters",
                                        text(7, 1)),
                        query_parameter("partner_type", "cases with a signal of this partner type",
                                        {"type": "string", "enum": sorted(PARTNER_TYPES)}),
                        query_parameter("min_amount", "total amount at least, euros (150 or 150.00)", text(20, 1)),
                        query_parameter("max_amount", "total amount at most, euros", text(20, 1)),
                        *PAGINATION],
            answers=responses({200: ok("a page of cases", ref("CaseList"))}, 404, 422))},
        f"{base}/cases": {"get": operation(
            "searchCases", "Baskets and cases", "Find cases by kenmerk, address or last name", security=key,
            description="Exactly one kind of search: `kenmerk` (dash and case ignored); `postcode` and "
                        "`house_number` (optionally `house_number_suffix`); or `name`, the start of a debtor's "
                        "last name (case and diacritics ignored). Open and closed cases, newest first. "
                        "Answered from an index, never by reading the municipality's cases; audited without "
                        "its terms.",
            parameters=[CODE, query_parameter("kenmerk", "as printed on letters: K7QM-4XPD", text(20, 1)),
                        query_parameter("postcode", "any spelling signals accept: 3441 AB", text(10, 1)),
                        query_parameter("house_number", "with postcode", text(10, 1)),
                        query_parameter("house_number_suffix", "optional, with postcode", text(10, 1)),
                        query_parameter("name", "start of a last name, 2 to 100 characters", text(100, 2)),
                        *PAGINATION],
            answers=responses({200: ok("the cases found, newest first", ref("CaseList"))}, 422))},
        f"{base}/cases/{{case_id}}": {"get": operation(
            "getCase", "Baskets and cases", "One case, whole", security=key, parameters=[CODE, case_id],
            description="The whole case with its `history` (audit entries); a `bezoeker` gets the reduced view "
                        "of a case holding a task assigned to them (any other case is 404).",
            answers=responses({200: ok("the case", {"anyOf": [ref("Case"), ref("VisitorCase")]})}, 404))},
        f"{base}/cases/{{case_id}}/move": {"post": operation(
            "moveCase", "Baskets and cases", "Move a case to another basket by hand", security=key,
            parameters=[CODE, case_id], body=json_body("Move", {"basket_id": "crisis", "reason": "na het huisbezoek"}),
            answers=responses({200: ok("the case", ref("Case"))}, 400, 404, 409, 413, 422))},
        f"{base}/cases/{{case_id}}/contact-attempts": {"post": operation(
            "addContactAttempt", "Baskets and cases", "Register a contact attempt", security=key,
            parameters=[CODE, case_id], body=json_body("NewContactAttempt",
                                                {"type": "Telefoon", "reached": True, "part_of_day": "Ochtend"}),
            answers=responses({201: ok("the attempt", ref("ContactAttempt"))}, 400, 404, 409, 413, 422))},
        f"{base}/cases/{{case_id}}/close": {"post": operation(
            "closeCase", "Baskets and cases", "Close a case with its outcome", security=key,
            parameters=[CODE, case_id], body=json_body("Close", {"outcome": "(Budget)advies en/of quick fix"}),
            answers=responses({200: ok("the case", ref("Case"))}, 400, 404, 409, 413, 422))},
        f"{base}/cases/{{case_id}}/letters/{{letter_id}}": {"get": operation(
            "getLetter", "Letters", "A letter of the case, as PDF", security=key,
            description="The PDF bytes whatever the request's Accept header.",
            parameters=[CODE, case_id, path_parameter("letter_id", "a letter listed on the case")],
            answers=responses({200: {"description": "the letter", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}, 404))},
        f"{base}/tasks": {"get": operation(
            "listTasks", "Tasks", "The municipality's tasks", security=key,
            parameters=[CODE,
                        query_parameter("status", "default all", {"type": "string",
                                                                  "enum": ["open", "done", "cancelled"]}),
                        query_parameter("assignee", "a user id, `me` (the signed-in person; 422 for a key) "
                                                    "or `none`", text(100, 1)),
                        query_parameter("basket_id", "the basket whose path made it", text(40, 1)),
                        query_parameter("type", "the kind of task", {"type": "string",
                                                                     "enum": ["phone_call", "home_visit"]}),
                        query_parameter("sort", "`due`: by due date, with any of the filters; default oldest "
                                        "first", {"type": "string", "enum": ["due"]}),
                        query_parameter("due_before", "due on or before this date", DATE),
                        *PAGINATION],
            answers=responses({200: ok("a page of tasks", ref("TaskList"))}, 422))},
        f"{base}/tasks/{{task_id}}": {"patch": operation(
            "updateTask", "Tasks", "Assign a task or mark it done", security=key, parameters=[CODE, task_id],
            body=json_body("TaskChange", {"status": "done"}),
            answers=responses({200: ok("the task", ref("Task"))}, 400, 404, 409, 413, 422))},
        f"{base}/letter-template": {"get": operation(
            "getLetterTemplate", "Letters", "The letter template in use", security=key, parameters=[CODE],
            description="`custom` with its text when the municipality stored one, else `default` with the default text.",
            answers=responses({200: ok("the template", ref("LetterTemplate"))})),
            "delete": operation(
            "deleteLetterTemplate", "Letters", "Go back to the default letter template", security=key,
            parameters=[CODE],
            answers=responses({200: ok("the default template, now in use", ref("LetterTemplate"))})),
            "put": operation(
            "putLetterTemplate", "Letters", "Replace the letter template", security=key, parameters=[CODE],
            description="The body is the Jinja2 text (text/plain), or {\"template\": \"...\"} as JSON. A template "
                        "that does not render with sample data is 422; nothing is stored then.",
            body={"required": True, "content": {
                "text/plain": {"schema": {"type": "string", "maxLength": 65536}},
                "application/json": {"schema": obj({"template": STRING}, ["template"], closed=True)}}},
            answers=responses({200: ok("stored; used by every letter from now on", ref("LetterTemplateStored"))},
                              400, 413, 422))},
        f"{base}/exports/ddas": {"get": operation(
            "exportDdas", "Exports", "The DDAS delivery to CBS for a period", security=key,
            parameters=[CODE, *period_parameters("day", DATE)],
            description="A document valid against the DDAS v0.9 Uitwisselmodel JSON Schema "
                        "(json_schema_Uitwisselmodel.json): one `levering` with the signals whose `signaaldatum` "
                        "falls in the period (both days included) and the cases holding them. `from` after "
                        "`to`, or a period longer than 366 days, is 422. Gzipped for a caller that sends "
                        "`Accept-Encoding: gzip` (a large period is tens of MB).",
            answers=responses({200: ok("the delivery", ref("DdasDelivery"))}, 422))},
        f"{base}/reports/monthly": {"get": operation(
            "monthlyReport", "Exports", "Monthly figures", security=key,
            parameters=[CODE, *period_parameters("month", MONTH)],
            description="Every month from `from` to `to` (at most 24). Signals count in the month of their "
                        "`signal_date`; cases (and whether they were multiple, repeat, picked up, reached) in the "
                        "month they opened; closes in the month they closed; `deleted` what retention deleted "
                        "that month. Kept as counters without personal data: a month's figures stay when its "
                        "cases are deleted. `Accept: text/csv` gives the same figures as rows "
                        "`month,figure,value`.",
            answers=responses({200: {"description": "the figures", "content": {
                **json_content(ref("MonthlyReport")),
                "text/csv": {"schema": {"type": "string", "description": "month,figure,value rows"}}}}}, 422))},
        f"{base}/users": {"get": operation(
            "listUsers", "People", "The people of the municipality", security=key, parameters=[CODE],
            description="Any role but `bezoeker`. A task's assignee is one of these `user_id`s.",
            answers=responses({200: ok("the people", ref("UserList"))}))},
        f"{base}/audit": {"get": operation(
            "listAuditEntries", "People", "The audit trail, newest first", security=key,
            description="`coordinator` only. Entries hold ids and enum values, never debtor data.",
            parameters=[CODE, query_parameter("from", "first day (inclusive)", DATE),
                        query_parameter("to", "last day (inclusive)", DATE),
                        query_parameter("actor", "a user id or key id", text(200, 1)),
                        query_parameter("case_id", "one case's entries", text(100, 1)),
                        query_parameter("action", "one action", {"type": "string", "enum": list(AUDIT_ACTIONS)}),
                        *PAGINATION],
            answers=responses({200: ok("a page of entries", ref("AuditList"))}, 422))},
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Vroegsignaal",
            "version": "1.0.0",
            "summary": "Early signals of payment arrears, sorted into werkbakjes for Dutch municipalities",
            "description": "Two APIs behind one gateway. Partners (housing corporations, energy and water "
                           "companies, health insurers) send signals with a partner key; municipalities follow "
                           "them up with a municipality key. All bodies are UTF-8 JSON unless a route says "
                           "otherwise; every error body is JSON. Checks run in this order: authentication "
                           "(401/403), size (413), JSON (400), validation (422). Lists are paginated with "
                           "`limit` and the opaque `next_cursor`. Integers are JSON numbers without fraction or "
                           "exponent; money in answers is a string with two decimals.",
        },
        "servers": [{"url": "http://127.0.0.1:3000", "description": "the local stack (make serve)"}],
        "tags": [
            {"name": "Signals", "description": "The partner API (partner key)"},
            {"name": "Uploads", "description": "Signals as a CSV or Excel file (partner key)"},
            {"name": "Criteria", "description": "The afwegingskader (municipality key)"},
            {"name": "Baskets and cases", "description": "Werkbakjes and the cases in them (municipality key)"},
            {"name": "Tasks", "description": "Phone calls and home visits (municipality key)"},
            {"name": "Letters", "description": "Letters and the letter template (municipality key)"},
            {"name": "Exports", "description": "Deliveries to CBS (municipality key)"},
            {"name": "People", "description": "The people of a municipality and the audit trail"},
        ],
        "paths": {**partner_paths(), **upload_paths(), **municipality_paths()},
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "partnerKey": {"type": "http", "scheme": "bearer",
                               "description": "A partner's API key: `Authorization: Bearer <key>`"},
                "municipalityKey": {"type": "http", "scheme": "bearer",
                                    "description": "A municipality's API key (acts as its coordinator)"},
                "personToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                "description": "A person's Cognito ID token of the stack's user pool, for the web "
                                               "app's client (identity.md): `Authorization: Bearer <ID token>`; "
                                               "an access token, an expired or a foreign token is 401"},
            },
        },
    }


def rendered() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.openapi_document", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed document is not current")
    args = parser.parse_args(argv)
    text = rendered()
    if args.check:
        current = DOCUMENT_PATH.exists() and DOCUMENT_PATH.read_text(encoding="utf-8") == text
        print(f"{DOCUMENT_PATH.relative_to(ROOT)} is {'current' if current else 'NOT current: run python -m infra.openapi_document'}")
        return 0 if current else 1
    DOCUMENT_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENT_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DOCUMENT_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
