"""What a new consultant found when first following the README (a day's work: a basket, a
case, its task, a contact attempt, closing it): each finding as a person meets it, in a
real headless Chromium against the local stack, signed in as Fatima (consulent)."""
from __future__ import annotations

import json
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .app import choose, open_screen, wait_for, wait_for_screen
from .conftest import TENANTS, _api
from .test_workspace import CODE, api_get, assert_accessible, cases_in

OUTCOME = "Inwoner hoeft geen hulp vanuit vroegsignalering"


def whole(seeded, keys, case_id):
    return api_get(seeded, keys, f"/municipalities/{CODE}/cases/{case_id}")


def with_open_task(seeded, keys, basket_id):
    """Open cases of the basket whose path made a task that is still open."""
    return [c for c in cases_in(seeded, keys, basket_id)
            if any(t["status"] == "open" for t in whole(seeded, keys, c["case_id"])["tasks"])]


def open_case(driver, site, case):
    return open_screen(driver, site, f"/{CODE}/zaken/{case['case_id']}", ", ".join(case["names"]))


def dialog(driver):
    return driver.find_element(By.ID, "sluiten-bevestigen")


def ask_to_close(driver):
    choose(driver, "#afsluiten select[name=outcome]", OUTCOME)
    driver.find_element(By.CSS_SELECTOR, "#afsluiten button[type=submit]").click()
    return wait_for(driver, "#sluiten-bevestigen")


# --------------------------------------------------------------------------- 1. closing asks first


def test_closing_a_case_asks_first_naming_the_outcome_and_the_tasks_it_cancels(consultant, site, seeded, keys, axe_source):
    case = with_open_task(seeded, keys, "jongeren")[-1]
    open_tasks = [t for t in whole(seeded, keys, case["case_id"])["tasks"] if t["status"] == "open"]
    open_case(consultant, site, case)
    confirm = ask_to_close(consultant)
    assert confirm.get_attribute("open") is not None
    assert consultant.execute_script("return arguments[0].contains(document.activeElement)", confirm), "focus moves to it"
    assert f'met uitkomst "{OUTCOME}"' in confirm.text
    count = f"{len(open_tasks)} open {'taak' if len(open_tasks) == 1 else 'taken'} van deze zaak"
    assert count in confirm.text and "bellen" in confirm.text, "the tasks in the words of the next step"
    assert_accessible(consultant, axe_source, "sluiten bevestigen")
    assert whole(seeded, keys, case["case_id"])["status"] == "open", "nothing closes before the answer"


def test_escape_and_annuleren_leave_the_case_open(consultant, site, seeded, keys):
    case = with_open_task(seeded, keys, "jongeren")[-1]
    open_case(consultant, site, case)
    ask_to_close(consultant)
    consultant.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(consultant, "#afsluiten")
    assert not consultant.find_elements(By.ID, "sluiten-bevestigen")
    assert consultant.switch_to.active_element.text == "Zaak sluiten", "the focus returns to the button"

    ask_to_close(consultant)
    dialog(consultant).find_element(By.CSS_SELECTOR, "button[data-actie=annuleren]").click()
    assert not consultant.find_elements(By.ID, "sluiten-bevestigen")
    after = whole(seeded, keys, case["case_id"])
    assert after["status"] == "open" and any(t["status"] == "open" for t in after["tasks"])


def test_confirming_closes_the_case_and_cancels_its_open_tasks(consultant, site, seeded, keys):
    case = with_open_task(seeded, keys, "jongeren")[0]
    open_case(consultant, site, case)
    consultant.find_element(By.CSS_SELECTOR, "tr[data-taak] button[data-actie=aan-mij]").click()
    wait_for(consultant, ".alert--ok", "De taak is aan u toegewezen.")
    assert "(op uw naam)" in ask_to_close(consultant).text, "it says the task it cancels is the person's own"
    dialog(consultant).find_element(By.CSS_SELECTOR, "button[data-actie=bevestigen]").click()
    wait_for(consultant, ".alert--ok", f'De zaak is gesloten met uitkomst "{OUTCOME}".')
    closed = whole(seeded, keys, case["case_id"])
    assert (closed["status"], closed["outcome"]) == ("closed", OUTCOME)
    assert {t["status"] for t in closed["tasks"]} == {"cancelled"}


def test_a_close_that_fails_leaves_the_focus_on_its_error_saying_why(consultant, site, seeded, keys):
    case = with_open_task(seeded, keys, "jongeren")[1]
    open_case(consultant, site, case)
    ask_to_close(consultant)
    status, _ = _api(seeded.base_url, "POST", f"/municipalities/{CODE}/cases/{case['case_id']}/close", keys[CODE],
                     {"outcome": OUTCOME})
    assert status == 200, "another session closes it meanwhile"
    dialog(consultant).find_element(By.CSS_SELECTOR, "button[data-actie=bevestigen]").click()
    error = wait_for(consultant, "#afsluiten .alert--error", "intussen veranderd of gesloten")
    assert not consultant.find_elements(By.ID, "sluiten-bevestigen")
    assert consultant.switch_to.active_element == error, "the focus is on the error, not on the page's body"
    assert consultant.find_element(By.CSS_SELECTOR, "#afsluiten button[type=submit]").is_enabled()


CLOSE_REQUESTS = """return performance.getEntriesByType('resource')
    .filter((e) => e.initiatorType === 'fetch' && e.name.endsWith('/close')).length"""


def test_a_double_click_on_ja_zaak_sluiten_sends_one_close(consultant, site, seeded, keys):
    case = with_open_task(seeded, keys, "jongeren")[1]
    open_case(consultant, site, case)
    before = consultant.execute_script(CLOSE_REQUESTS)
    ask_to_close(consultant)
    # Two clicks in one go, and the form asked again while the first answer is on its way.
    dialogs = consultant.execute_script("""
        const yes = document.querySelector('#sluiten-bevestigen button[data-actie=bevestigen]');
        yes.click(); yes.click();
        document.getElementById('afsluiten').requestSubmit();
        return document.querySelectorAll('#sluiten-bevestigen').length;""")
    assert dialogs == 1, "no second confirmation while the close is sent"
    wait_for(consultant, ".alert--ok", f'De zaak is gesloten met uitkomst "{OUTCOME}".')
    assert consultant.execute_script(CLOSE_REQUESTS) - before == 1
    assert whole(seeded, keys, case["case_id"])["status"] == "closed"


# --------------------------------------------------------------------------- 2. the next step


def test_a_case_with_an_open_task_shows_it_as_its_next_step(consultant, site, seeded, keys):
    case = next(c for c in with_open_task(seeded, keys, "jongeren") if c["next_step"] is None)
    main = open_case(consultant, site, case)
    due = main.find_element(By.CSS_SELECTOR, "tr[data-taak] td[data-label=Uiterlijk]").text
    assert main.find_element(By.CSS_SELECTOR, "[data-veld=volgende-stap]").text == f"Open taak: bellen, uiterlijk {due}"


def test_a_basket_does_not_say_geen_when_the_path_has_nothing_planned(consultant, site, seeded, keys):
    case = next(c for c in cases_in(seeded, keys, "jongeren") if c["next_step"] is None)
    open_screen(consultant, site, f"/{CODE}/bakjes/jongeren", "Jongeren")
    wait_for(consultant, ".table-wrapper[data-klaar]")
    link = consultant.find_element(By.CSS_SELECTOR, f"#zaken a[href$='{case['case_id']}']")
    cell = link.find_element(By.XPATH, "./ancestor::tr/td[@data-label='Volgende stap']")
    assert cell.text == "geen geplande stap"


# --------------------------------------------------------------------------- 3. one message


def test_the_success_message_is_in_the_page_once(consultant, site, seeded, keys):
    case = cases_in(seeded, keys, "hoog-bedrag")[-1]
    open_case(consultant, site, case)
    choose(consultant, "#contactpoging select[name=type]", "Telefoon")
    consultant.find_element(By.CSS_SELECTOR, "#contactpoging input[name=reached][value=nee]").click()
    consultant.find_element(By.CSS_SELECTOR, "#contactpoging button[type=submit]").click()
    message = "De contactpoging is geregistreerd."
    note = wait_for(consultant, ".alert--ok", message)
    assert note.get_attribute("role") == "status", "announced where it is shown"
    text = consultant.execute_script("return document.body.textContent")
    assert text.count(message) == 1, "once: not also in the page's own live region"


# --------------------------------------------------------------------------- 4. names, not ids


def tenant_names():
    tenants = json.loads(TENANTS.read_text(encoding="utf-8"))
    return ({p["id"]: p["name"] for p in tenants["partners"]}, {m["code"]: m["name"] for m in tenants["municipalities"]})


def test_partners_and_the_municipality_are_shown_by_name(consultant, site, seeded, keys):
    partners, municipalities = tenant_names()
    case = cases_in(seeded, keys, "meervoudig")[-1]
    signals = whole(seeded, keys, case["case_id"])["signals"]
    main = open_case(consultant, site, case)
    shown = [cell.text for cell in main.find_elements(By.CSS_SELECTOR, ".case-section td[data-label=Partner]")]
    assert shown == [partners[s["partner_id"]] for s in signals]
    wait_for(consultant, "#gebruiker", f"Gemeente {municipalities[CODE]}")
    assert CODE not in consultant.find_element(By.ID, "gebruiker").text


# --------------------------------------------------------------------------- 5. the history


def test_the_history_starts_with_the_opening_and_collapses_a_persons_views(consultant, site, seeded, keys, people):
    case = cases_in(seeded, keys, "enkelvoudig")[-1]
    main = open_case(consultant, site, case)
    for _ in range(2):  # opened again, as a consultant reloads it
        consultant.refresh()
        main = wait_for_screen(consultant, ", ".join(case["names"]))
    lines = [li.text for li in main.find_elements(By.CSS_SELECTOR, "ol.history li")]
    assert lines[0].endswith(" zaak geopend"), lines
    name = people["fatima"]["name"]
    trail = whole(seeded, keys, case["case_id"])["history"]
    views = [e for e in trail if e["action"] == "case.viewed" and e["actor"].get("id") == people["fatima"]["id"]]
    assert len(views) == 3, "every read of the case is still recorded"
    # The page read the trail before its own view was recorded (after each 2xx): two views.
    mine = [line for line in lines if f"{name}: zaak bekeken" in line]
    assert len(mine) == 1 and re.search(r"zaak bekeken, 2×, laatst \d{2}:\d{2}$", mine[0]), lines
