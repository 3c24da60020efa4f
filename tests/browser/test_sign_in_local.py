"""Signing in for real: the local stack's own web app (at its `/`) and its Cognito (moto),
with a demo person of the tenants file, as `make serve` prints them. No stand-in: the
browser calls InitiateAuth across origins (moto answers CORS; the page's CSP names it)
and keeps the ID token moto signed."""
from __future__ import annotations

import json
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .app import SESSION_KEY, WAIT_SECONDS, wait_for
from .conftest import TENANTS


def _person(username):
    return next(u for u in json.loads(TENANTS.read_text(encoding="utf-8"))["users"] if u["username"] == username)


def _sign_in(driver, stack, username, password):
    driver.get(stack.base_url + "/")
    driver.execute_script("sessionStorage.clear()")
    driver.get(stack.base_url + "/#/inloggen")
    wait_for(driver, "input[name=gebruikersnaam]")
    driver.find_element(By.NAME, "gebruikersnaam").send_keys(username)
    driver.find_element(By.NAME, "wachtwoord").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()


def _stored(driver):
    return json.loads(driver.execute_script("return sessionStorage.getItem(arguments[0]) || 'null'", SESSION_KEY))


def test_a_demo_person_signs_in_with_the_local_cognito(driver, stack):
    person = _person("regio")
    _sign_in(driver, stack, person["username"], person["password"])
    stored = WebDriverWait(driver, WAIT_SECONDS).until(_stored)
    assert sorted(stored["memberships"], key=lambda m: m["code"]) == [
        {"code": "GM0344", "role": "consulent"}, {"code": "GM0632", "role": "consulent"}]
    assert stored["user"]["name"] == person["name"]
    assert re.fullmatch(r"[0-9a-f-]{36}", stored["user"]["id"])      # the Cognito sub, the API's user_id
    assert stored["token"].count(".") == 2 and stored["expires_at"]


def test_a_wrong_password_is_told_in_dutch(driver, stack):
    _sign_in(driver, stack, "regio", "niet-het-wachtwoord")
    wait_for(driver, "main .alert--error", "De gebruikersnaam of het wachtwoord klopt niet.")
    assert _stored(driver) is None
