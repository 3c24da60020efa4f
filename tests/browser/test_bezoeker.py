"""A bezoeker (a welfare partner's home visitor) signed in for real with the local stack's
Cognito: the API lists only the tasks assigned to them, and a case without a task of
theirs is not reachable, whatever the address bar asks."""
from __future__ import annotations

from selenium.webdriver.common.by import By

from .app import wait_for, wait_for_screen
from .conftest import _api
from .test_workspace import CODE, assert_accessible

VISITOR = "welzijn-woerden"   # infra/tenants.demo.json: bezoeker in Woerden


def _open_unassigned_tasks(stack, keys):
    status, body = _api(stack.base_url, "GET", f"/municipalities/{CODE}/tasks?status=open&assignee=none&limit=200",
                        keys[CODE])
    assert status == 200
    return body["tasks"]


def test_a_bezoeker_signs_in_and_sees_only_their_own_tasks(driver, sign_in, seeded, keys, people, axe_source):
    free = _open_unassigned_tasks(seeded, keys)
    # Leave the multiple-signals basket's tasks to the consultants' tests; one case to visit, one not.
    theirs = next(t for t in reversed(free) if t["basket_id"] != "meervoudig")
    other = next(t for t in free if t["case_id"] != theirs["case_id"])
    status, _ = _api(seeded.base_url, "PATCH", f"/municipalities/{CODE}/tasks/{theirs['task_id']}", keys[CODE],
                     {"assignee": people[VISITOR]["id"]})
    assert status == 200

    driver.set_window_size(1280, 900)
    sign_in(VISITOR)  # through the sign-in screen, unless an earlier test signed them in
    driver.get(f"{seeded.base_url}/#/{CODE}/mijn-werk")
    main = wait_for_screen(driver, "Mijn werk")
    wait_for(driver, "main tr[data-taak]")
    shown = [row.get_attribute("data-taak") for row in main.find_elements(By.CSS_SELECTOR, "tr[data-taak]")]
    assert shown == [theirs["task_id"]]
    assert [link.text for link in driver.find_elements(By.CSS_SELECTOR, "#navigatie a")] == ["Mijn werk"]
    assert_accessible(driver, axe_source, "mijn werk van een bezoeker (aangemeld)")

    main.find_element(By.CSS_SELECTOR, f"tr[data-taak='{theirs['task_id']}'] th a").click()
    case = wait_for_screen(driver)
    assert case.find_element(By.CSS_SELECTOR, "h1").text != "Zaak niet gevonden"
    assert case.find_elements(By.CSS_SELECTOR, f"tr[data-taak='{theirs['task_id']}']")  # their visit, on the case

    driver.get(f"{seeded.base_url}/#/{CODE}/zaken/{other['case_id']}")
    wait_for_screen(driver, "Zaak niet gevonden")
    assert_accessible(driver, axe_source, "een zaak zonder taak van de bezoeker")
