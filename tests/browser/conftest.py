"""Browser tests: a real headless Chromium (Debian's chromium and chromium-driver) driving
the web app against the local stack, in process, with the demo tenants and a few dozen
demo signals. axe-core (tests/browser/vendor, injected by the tests, never by the app)
checks every screen for WCAG 2.1 AA.
"""
from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
TENANTS = ROOT / "infra" / "tenants.demo.json"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
HOUSEHOLDS = 24                      # per municipality: enough for every kind of basket, quick to classify
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a headless Chromium against the local stack (tests/browser)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def _api(base_url: str, method: str, path: str, key: str, body=None):
    request = urllib.request.Request(base_url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read() or b"null")


@pytest.fixture(scope="session")
def stack():
    from infra.local import LocalStack

    with LocalStack(port=0, tenants=TENANTS, environment={"POWERTOOLS_LOG_LEVEL": "WARNING"}) as running:
        yield running


@pytest.fixture(scope="session")
def people(stack):
    """The demo people of the local user pool by user name: {"id": their sub (the user id
    the API names people by), "name"}."""
    found = {}
    for user in stack.client("cognito-idp").list_users(UserPoolId=stack.user_pool.pool_id)["Users"]:
        attributes = {a["Name"]: a["Value"] for a in user["Attributes"]}
        found[user["Username"]] = {"id": attributes["sub"], "name": attributes.get("name", user["Username"])}
    return found


@pytest.fixture(scope="session")
def keys(stack):
    return {tenant.id: tenant.api_key for tenant in stack.tenants}


@pytest.fixture(scope="session")
def seeded(stack, keys):
    """Woerden with the example criteria of criteria.md; both municipalities with demo signals, classified."""
    from vroegsignaal import clock
    from vroegsignaal.domain.criteria import example_document

    from infra.demo_data import demo_signals

    status, _ = _api(stack.base_url, "PUT", "/municipalities/GM0632/criteria", keys["GM0632"],
                     {**example_document(), "label": "Woerden, vanaf november 2026"})
    assert status == 201
    for partner_id, batch in demo_signals(clock.today(), households_per_municipality=HOUSEHOLDS).items():
        status, _ = _api(stack.base_url, "POST", "/signals/batch", keys[partner_id], {"signals": batch})
        assert status == 200
    stack.wait_until_quiet(timeout=120)
    return stack


@pytest.fixture(scope="session")
def site(seeded):
    """The local stack's own web app (at its `/`), signing in with its own Cognito."""
    return SimpleNamespace(url=seeded.base_url)


@pytest.fixture(scope="session")
def passwords() -> dict[str, str]:
    """The demo people's passwords (infra/tenants.demo.json, as `make serve` prints them)."""
    return {u["username"]: u["password"] for u in json.loads(TENANTS.read_text(encoding="utf-8"))["users"]}


@pytest.fixture(scope="session")
def sessions() -> dict[str, str]:
    """Each person's stored session once they signed in (app.sign_in_as reuses it)."""
    return {}


@pytest.fixture
def sign_in(driver, site, passwords, sessions):
    """sign_in("jeroen"): the browser is signed in as that person of the pool."""
    from .app import sign_in_as

    def signed_in(username: str):
        sign_in_as(driver, site, username, passwords[username], sessions)
        return driver
    return signed_in


@pytest.fixture(scope="session")
def web(seeded, keys):
    from .server import Person, WebServer

    server = WebServer(api_base=seeded.base_url, people=[
        Person("fatima", "demo-wachtwoord", "Fatima el Amrani", [{"code": "GM0632", "role": "coordinator"}],
               {"GM0632": keys["GM0632"]}),
        Person("regio", "demo-wachtwoord", "Regioteam", [{"code": "GM0632", "role": "consulent"},
                                                          {"code": "GM0344", "role": "coordinator"}],
               {"GM0632": keys["GM0632"], "GM0344": keys["GM0344"]}),
    ]).start()
    yield server
    server.stop()


def _chromium() -> str | None:
    return next((path for path in map(shutil.which, CHROMIUM) if path), None)


def start_chromium(downloads: Path | None = None):
    """Debian's chromium through chromium-driver, headless, quiet (no updates, sync or background traffic);
    files the page downloads go to `downloads`."""
    binary, chromedriver = _chromium(), shutil.which("chromedriver")
    if not binary or not chromedriver:
        raise RuntimeError("browser tests need Debian's chromium and chromium-driver: "
                           "apt-get install -y chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=nl-NL",
                 "--disable-extensions", "--no-first-run", "--disable-default-apps"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    browser = webdriver.Chrome(options=options, service=Service(chromedriver))
    browser.set_page_load_timeout(30)
    browser.set_script_timeout(30)
    return browser


@pytest.fixture(scope="session")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def driver(downloads):
    try:
        browser = start_chromium(downloads)
    except RuntimeError as error:
        pytest.fail(str(error))
    yield browser
    browser.quit()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# People signed in for real (the local Cognito), each test starting with an empty console log.
@pytest.fixture
def coordinator(driver, sign_in):
    """Jeroen, coordinator in Woerden, signed in for real (the local Cognito)."""
    from .app import console_errors  # app.py reads this module's constants

    driver.set_window_size(1280, 900)
    sign_in("jeroen")
    console_errors(driver)  # start each test with an empty log
    return driver


@pytest.fixture
def consultant(driver, sign_in):
    """Fatima, consulent in Woerden, as the README shows her."""
    from .app import console_errors

    driver.set_window_size(1280, 900)
    sign_in("fatima")
    console_errors(driver)
    return driver
