"""Every rule of criteria.md for a whole document: each problem with a JSON Pointer
to where it is (the deepest member that is wrong; for a missing member, the
object that lacks it; for a limit, the first member over it)."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from vroegsignaal.domain.partners import PARTNER_TYPES

from .condition_checker import ConditionChecker
from .numbers import is_integer, is_number
from .operators import escape

SCHEMA_VERSION = 1
MAX_BASKETS = 50
MAX_LEAVES = 200
MAX_PATH_STEPS = 5
ACTIONS = ("letter", "email", "phone_call", "home_visit", "none")
BASKET_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")

_TOP_KEYS = ("schema_version", "municipality_code", "label", "settings", "baskets")
_SETTINGS_KEYS = ("matching_window_days", "repeat_lookback_days", "high_amount")
_BASKET_KEYS = ("id", "name", "description", "action", "path", "when")
_STEP_KEYS = ("action", "after_days")

Report = Callable[[str, str], None]


def validate_criteria(doc: object, *, municipality_code: str | None = None) -> list[dict[str, Any]]:
    """Every problem of a criteria document, `[]` when it is valid."""
    problems: list[dict[str, Any]] = []

    def problem(pointer: str, msg: str) -> None:
        problems.append({"pointer": pointer, "msg": msg})

    if not isinstance(doc, dict):
        problem("", "the criteria must be a JSON object")
        return problems
    for key in doc:
        if key not in _TOP_KEYS:
            problem("/" + escape(str(key)), f"unknown key '{key}'")

    if "schema_version" not in doc:
        problem("/schema_version", "required")
    else:
        version = doc["schema_version"]
        if not is_integer(version) or version != SCHEMA_VERSION:
            problem("/schema_version", f"must be {SCHEMA_VERSION}")

    if "municipality_code" in doc:
        code = doc["municipality_code"]
        if not isinstance(code, str):
            problem("/municipality_code", "must be a string")
        elif municipality_code is not None and code != municipality_code:
            problem("/municipality_code", f"must be the municipality of the request ({municipality_code})")

    if "label" in doc:
        label = doc["label"]
        if not isinstance(label, str):
            problem("/label", "must be a string")
        elif len(label) > 200:
            problem("/label", "must be at most 200 characters")

    if "settings" in doc:
        _check_settings(doc["settings"], problem)

    if "baskets" not in doc:
        problem("/baskets", "required")
        return problems
    baskets = doc["baskets"]
    if not isinstance(baskets, list):
        problem("/baskets", f"must be a list of 1 to {MAX_BASKETS} baskets")
        return problems
    if not 1 <= len(baskets) <= MAX_BASKETS:
        problem("/baskets", f"must be a list of 1 to {MAX_BASKETS} baskets")
    conditions = ConditionChecker(problems)
    seen: dict[str, int] = {}
    last = len(baskets) - 1
    for index, basket in enumerate(baskets):
        _check_basket(basket, index, index == last, seen, conditions, problem)
    if conditions.leaves > MAX_LEAVES:
        problem(conditions.leaf_pointers[MAX_LEAVES],
                f"a document has at most {MAX_LEAVES} leaf conditions, this one has {conditions.leaves}")
    return problems


def _check_settings(settings: object, problem: Report) -> None:
    if not isinstance(settings, dict):
        problem("/settings", "must be an object")
        return
    for key in settings:
        if key not in _SETTINGS_KEYS:
            problem("/settings/" + escape(str(key)), f"unknown key '{key}'")
    for key, low, high in (("matching_window_days", 1, 366), ("repeat_lookback_days", 0, 730)):
        if key in settings:
            value = settings[key]
            if not is_integer(value) or not low <= value <= high:
                problem(f"/settings/{key}", f"must be a whole number from {low} to {high}")
    if "high_amount" in settings:
        amounts = settings["high_amount"]
        if not isinstance(amounts, dict):
            problem("/settings/high_amount", "must be an object of 'default' and partner types to euros")
            return
        for key, value in amounts.items():
            pointer = "/settings/high_amount/" + escape(str(key))
            if key != "default" and key not in PARTNER_TYPES:
                problem(pointer, f"unknown partner type '{key}'")
            elif not is_number(value) or value <= 0:
                problem(pointer, "must be a number of euros above 0")


def _check_basket(basket: object, index: int, is_last: bool, seen: dict[str, int], conditions: ConditionChecker,
                  problem: Report) -> None:
    pointer = f"/baskets/{index}"
    if not isinstance(basket, dict):
        problem(pointer, "a basket must be an object")
        return
    for key in basket:
        if key not in _BASKET_KEYS:
            problem(f"{pointer}/{escape(str(key))}", f"unknown key '{key}'")

    if "id" not in basket:
        problem(pointer + "/id", "required")
    else:
        basket_id = basket["id"]
        if not isinstance(basket_id, str) or not BASKET_ID.fullmatch(basket_id):
            problem(pointer + "/id", "must be 1 to 40 of a-z, 0-9 and '-', starting with a letter or digit")
        elif basket_id in seen:
            problem(pointer + "/id", f"basket id '{basket_id}' is used twice (also /baskets/{seen[basket_id]})")
        else:
            seen[basket_id] = index

    if "name" not in basket:
        problem(pointer + "/name", "required")
    elif not isinstance(basket["name"], str) or not 1 <= len(basket["name"]) <= 80:
        problem(pointer + "/name", "must be a string of 1 to 80 characters")

    if "description" in basket:
        description = basket["description"]
        if not isinstance(description, str) or len(description) > 500:
            problem(pointer + "/description", "must be a string of at most 500 characters")

    has_action, has_path = "action" in basket, "path" in basket
    if has_action == has_path:
        problem(pointer, "a basket has exactly one of 'action' and 'path'")
    if has_action:
        _check_action(basket["action"], pointer + "/action", problem)
    if has_path:
        _check_path(basket["path"], pointer + "/path", problem)

    if is_last:
        if "when" in basket:
            problem(pointer + "/when", "the last basket has no 'when': it catches every other case")
    elif "when" not in basket:
        problem(pointer + "/when", "required: only the last basket has no 'when'")
    if "when" in basket:
        conditions.check(basket["when"], pointer + "/when")


def _check_action(action: object, pointer: str, problem: Report) -> None:
    if not isinstance(action, str) or action not in ACTIONS:
        problem(pointer, "must be one of " + ", ".join(ACTIONS))


def _check_path(path: object, pointer: str, problem: Report) -> None:
    if not isinstance(path, list) or not 1 <= len(path) <= MAX_PATH_STEPS:
        problem(pointer, f"must be a list of 1 to {MAX_PATH_STEPS} steps")
        if not isinstance(path, list):
            return
    for index, step in enumerate(path):
        step_pointer = f"{pointer}/{index}"
        if not isinstance(step, dict):
            problem(step_pointer, "a step must be an object with 'action' and 'after_days'")
            continue
        for key in step:
            if key not in _STEP_KEYS:
                problem(f"{step_pointer}/{escape(str(key))}", f"unknown key '{key}'")
        if "action" not in step:
            problem(step_pointer + "/action", "required")
        else:
            _check_action(step["action"], step_pointer + "/action", problem)
        if index == 0:
            if "after_days" in step and (not is_integer(step["after_days"]) or step["after_days"] != 0):
                problem(step_pointer + "/after_days", "the first step has no 'after_days' (or 0)")
        elif "after_days" not in step:
            problem(step_pointer + "/after_days", "required: days (1 to 90) after the previous step")
        elif not is_integer(step["after_days"]) or not 1 <= step["after_days"] <= 90:
            problem(step_pointer + "/after_days", "must be a whole number from 1 to 90")
