"""Baskets and cases (municipality-api.md, "Baskets and cases")."""
from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api

from .route_io import count, json_body, log, query
from .services import casework, search, views, visits

router = APIGatewayRouter()


@router.get("/baskets")
def list_baskets(code: str):
    return api.json_response(200, views.baskets(code))


@router.get("/baskets/<basket_id>/cases")
def list_basket_cases(code: str, basket_id: str):
    return api.json_response(200, views.basket_cases(code, basket_id, query(router)))


@router.get("/cases")
def search_cases(code: str):
    """The terms are debtor data: never logged (the audit entry says only that a search ran)."""
    return api.json_response(200, search.search(code, query(router)))


@router.get("/cases/<case_id>")
def get_case(code: str, case_id: str):
    caller = router.context["caller"]
    if caller.is_visitor_in(code):  # a bezoeker: the reduced view of a case holding their task
        return api.json_response(200, visits.case(code, case_id, caller.id))
    return api.json_response(200, views.case(code, case_id))


@router.post("/cases/<case_id>/move")
def move_case(code: str, case_id: str):
    body = casework.move(code, case_id, json_body(router))
    log(code, "case moved by hand", case_id=case_id, basket_id=body["basket_id"])
    count("CasesMovedByHand")
    return api.json_response(200, body)


@router.post("/cases/<case_id>/contact-attempts")
def add_contact_attempt(code: str, case_id: str):
    attempt = casework.add_contact_attempt(code, case_id, json_body(router))
    log(code, "contact attempt registered", case_id=case_id, attempt_id=attempt["attempt_id"])
    count("ContactAttempts")
    return api.json_response(201, attempt)


@router.post("/cases/<case_id>/close")
def close_case(code: str, case_id: str):
    body = casework.close(code, case_id, json_body(router))
    log(code, "case closed", case_id=case_id)
    count("CasesClosed")
    return api.json_response(200, body)
