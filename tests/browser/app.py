"""What the browser tests do with the app, as a person would: sign in, open screens, wait
for them, fill forms; the axe check; and the test seam (a municipality key in
sessionStorage) for the few tests of what the stand-in sign-in (server.py) does."""
from __future__ import annotations

import json

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from .conftest import WCAG_TAGS

SESSION_KEY = "vroegsignaal.sessie"   # web/js/session.js, docs/workspace.md
WAIT_SECONDS = 20


def sign_in_as(driver, site, username: str, password: str, sessions: dict[str, str]) -> None:
    """Signed in as a person of the local user pool: the first time through the sign-in
    screen (the local Cognito's InitiateAuth), after that with the session it stored
    (the same token, as a person keeps their tab open)."""
    driver.get(site.url + "/")
    driver.execute_script("sessionStorage.clear()")
    if username in sessions:
        driver.execute_script("sessionStorage.setItem(arguments[0], arguments[1])", SESSION_KEY, sessions[username])
        return
    driver.get(site.url + "/#/inloggen")
    wait_for(driver, "input[name=gebruikersnaam]")
    driver.find_element(By.NAME, "gebruikersnaam").send_keys(username)
    driver.find_element(By.NAME, "wachtwoord").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    stored = WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return sessionStorage.getItem(arguments[0])", SESSION_KEY))
    wait_for_screen(driver)
    sessions[username] = stored


def use_key(driver, web, *, key: str, code: str = "GM0632", role: str = "coordinator",
            user: dict | None = None) -> None:
    """The test seam: the session holds a municipality key (the API accepts keys as bearer tokens)."""
    driver.get(web.url + "/")
    session = {"token": key, "expires_at": None, "user": user or {"id": "test-consulent", "name": "Test Consulent"},
               "memberships": [{"code": code, "role": role}]}
    driver.execute_script("sessionStorage.setItem(arguments[0], arguments[1])", SESSION_KEY, json.dumps(session))


def open_screen(driver, web, hash_path: str, heading: str | None = None):
    driver.get(f"{web.url}/#{hash_path}")
    return wait_for_screen(driver, heading)


def wait_for_screen(driver, heading: str | None = None):
    """The screen is there when its h1 is (and has the text, if given)."""
    wait = WebDriverWait(driver, WAIT_SECONDS)
    try:
        if heading:
            wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), heading))
        else:
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "main .screen h1, main > h1"))
    except TimeoutException:
        main = driver.find_element(By.CSS_SELECTOR, "main").text[:2000]
        raise AssertionError(f"no screen {heading!r}; the page shows:\n{main}\nconsole: {console_errors(driver)}") from None
    return driver.find_element(By.CSS_SELECTOR, "main")


def wait_for(driver, css: str, text: str | None = None, seconds: float = WAIT_SECONDS):
    wait = WebDriverWait(driver, seconds)
    try:
        if text is None:
            return wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
        return driver.find_element(By.CSS_SELECTOR, css)
    except TimeoutException:
        main = driver.find_element(By.CSS_SELECTOR, "main").text[:2000]
        raise AssertionError(f"no {css!r}{f' with {text!r}' if text else ''}; the page shows:\n{main}") from None


def choose(driver, css: str, visible_text: str) -> None:
    Select(driver.find_element(By.CSS_SELECTOR, css)).select_by_visible_text(visible_text)


def axe_violations(driver, axe_source: str) -> list[str]:
    """WCAG 2.1 AA violations on the page as it is now, one line each."""
    driver.execute_script(axe_source)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))"
        ".catch(e => done(['axe failed: ' + e]));", WCAG_TAGS)
    return result


def console_errors(driver) -> list[str]:
    """Errors the page logged (a refused inline script, an exception), since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
            and "Failed to load resource" not in entry["message"]]
