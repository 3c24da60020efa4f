"""The werkbakjes workspace (workspace.md) as a consultant and a coordinator use it, in a
real headless Chromium against the local stack, with axe-core on every screen."""
from __future__ import annotations

import json
import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .app import SESSION_KEY, axe_violations, choose, console_errors, open_screen, use_key, wait_for, wait_for_screen
from .conftest import _api

CODE = "GM0632"


def api_get(stack, keys, path, code=CODE):
    status, body = _api(stack.base_url, "GET", path, keys[code])
    assert status == 200, path
    return body


def cases_in(stack, keys, basket_id, code=CODE):
    return api_get(stack, keys, f"/municipalities/{code}/baskets/{basket_id}/cases?limit=200", code)["cases"]


def assert_accessible(driver, axe_source, screen):
    violations = axe_violations(driver, axe_source)
    assert violations == [], f"{screen}: WCAG 2.1 AA violations:\n" + "\n".join(violations)


# --------------------------------------------------------------------------- werkbakjes and bakje


def test_werkbakjes_shows_every_basket_of_the_active_criteria_in_order(consultant, site, seeded, keys, axe_source, screenshots):
    main = open_screen(consultant, site, f"/{CODE}/werkbakjes", "Werkbakjes")
    expected = [(b["name"], str(b["open_cases"])) for b in api_get(seeded, keys, f"/municipalities/{CODE}/baskets")["baskets"]]
    rows = main.find_elements(By.CSS_SELECTOR, "table tbody tr")
    shown = [(row.find_element(By.CSS_SELECTOR, "th").text, row.find_elements(By.CSS_SELECTOR, "td")[1].text) for row in rows]
    assert shown == expected
    assert "brief, na 14 dagen bellen" in main.text
    assert_accessible(consultant, axe_source, "werkbakjes")
    assert console_errors(consultant) == []
    consultant.save_screenshot(str(screenshots / "werkbakjes.png"))


def test_a_basket_lists_its_cases_oldest_first_and_filters_them(coordinator, site, seeded, keys, axe_source):
    open_screen(coordinator, site, f"/{CODE}/werkbakjes", "Werkbakjes")
    coordinator.find_element(By.LINK_TEXT, "Meervoudige signalen").click()
    wait_for(coordinator, "#zaken[data-klaar], .table-wrapper[data-klaar]")
    expected = cases_in(seeded, keys, "meervoudig")
    links = coordinator.find_elements(By.CSS_SELECTOR, "#zaken tbody th a")
    assert [link.text for link in links] == [", ".join(c["names"]) for c in expected]
    assert_accessible(coordinator, axe_source, "bakje")

    partner_type = expected[0]["partner_types"][0]
    coordinator.find_element(By.CSS_SELECTOR, ".filter-panel summary").click()
    choose(coordinator, "select[name=soort]", {"housing": "Huur", "energy": "Energie", "water": "Water",
                                               "health_insurance": "Zorg"}[partner_type])
    coordinator.find_element(By.CSS_SELECTOR, ".filters button[type=submit]").click()
    wait_for(coordinator, ".table-wrapper[data-klaar]")
    rows = coordinator.find_elements(By.CSS_SELECTOR, "#zaken tbody tr")
    assert len(rows) == sum(1 for c in expected if partner_type in c["partner_types"])
    assert "soort=" + partner_type in coordinator.current_url


def test_a_basket_downloads_as_csv(coordinator, site, seeded, keys, downloads):
    expected = cases_in(seeded, keys, "enkelvoudig")
    open_screen(coordinator, site, f"/{CODE}/bakjes/enkelvoudig", "Enkelvoudige signalen")
    wait_for(coordinator, ".table-wrapper[data-klaar]")
    coordinator.find_element(By.XPATH, "//button[text()='Download als CSV']").click()
    wait_for(coordinator, ".alert--ok", f"{len(expected)} zaken gedownload als CSV.")
    target = downloads / f"bakje-enkelvoudig-{CODE}.csv"
    for _ in range(50):
        if target.exists() and target.stat().st_size:
            break
        time.sleep(0.1)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Kenmerk;Namen;Straat;Huisnummer")
    # Postcodes as Dutch addresses write them: "1234 AB".
    assert [line.split(";")[5] for line in lines[1:]] == [f"{c['postcode'][:4]} {c['postcode'][4:]}" for c in expected]


def test_more_cases_load_on_request(coordinator, site, seeded, keys):
    expected = cases_in(seeded, keys, "meervoudig")
    open_screen(coordinator, site, f"/{CODE}/bakjes/meervoudig?aantal=3", "Meervoudige signalen")
    wait_for(coordinator, ".table-wrapper[data-klaar]")
    more = coordinator.find_element(By.XPATH, "//button[text()='Meer zaken laden']")
    while more.is_displayed():
        shown = len(coordinator.find_elements(By.CSS_SELECTOR, "#zaken tbody tr"))
        more.click()
        wait_for(coordinator, "p.count", f"{min(shown + 3, len(expected))} zaken getoond")
    links = coordinator.find_elements(By.CSS_SELECTOR, "#zaken tbody th a")
    assert [link.text for link in links] == [", ".join(c["names"]) for c in expected]


# --------------------------------------------------------------------------- zaak


def test_a_case_says_in_dutch_why_it_is_in_its_basket(consultant, site, seeded, keys, axe_source, screenshots):
    case = cases_in(seeded, keys, "jongeren")[0]
    whole = api_get(seeded, keys, f"/municipalities/{CODE}/cases/{case['case_id']}")
    age = whole["classifications"][-1]["facts"]["age"]
    consultant.set_window_size(1280, 1800)
    main = open_screen(consultant, site, f"/{CODE}/zaken/{case['case_id']}", ", ".join(case["names"]))
    explanation = main.find_element(By.CSS_SELECTOR, ".explanation").text
    assert f"Jongeren: jongste schuldenaar is {age} jaar (18 tot en met 27) — daarom in dit bakje." in explanation
    assert "Crisis: geen crisis gemeld; geen eindelevering — niet in dit bakje." in explanation
    timeline = main.find_element(By.CSS_SELECTOR, ".timeline").text
    assert "Bellen" in timeline and "taak aangemaakt" in timeline
    assert_accessible(consultant, axe_source, "zaak")
    assert console_errors(consultant) == []
    consultant.save_screenshot(str(screenshots / "zaak.png"))


def test_a_letter_opens_as_the_real_pdf(coordinator, site, seeded, keys):
    case = next(c for c in cases_in(seeded, keys, "enkelvoudig")
                if api_get(seeded, keys, f"/municipalities/{CODE}/cases/{c['case_id']}")["letters"])
    open_screen(coordinator, site, f"/{CODE}/zaken/{case['case_id']}", ", ".join(case["names"]))
    original = coordinator.current_window_handle
    coordinator.find_element(By.CSS_SELECTOR, "button[data-brief]").click()
    href = wait_for(coordinator, "a[data-brief-pdf]").get_attribute("href")
    assert href.startswith("blob:")
    opened = [handle for handle in coordinator.window_handles if handle != original]
    assert opened, "the letter opens in a new tab"
    coordinator.switch_to.window(opened[0])
    try:
        assert coordinator.current_url == href
        head = coordinator.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(location.href).then(r => r.arrayBuffer())"
            ".then(b => done(String.fromCharCode(...new Uint8Array(b).slice(0, 5)))).catch(e => done('failed: ' + e));")
    finally:
        for handle in opened:
            coordinator.switch_to.window(handle)
            coordinator.close()
        coordinator.switch_to.window(original)
    assert head == "%PDF-"


def test_assign_a_task_to_myself_and_find_it_in_mijn_werk(coordinator, site, seeded, keys, people, axe_source):
    case = next(c for c in cases_in(seeded, keys, "meervoudig")
                if any(t["status"] == "open" and not t["assignee"]
                       for t in api_get(seeded, keys, f"/municipalities/{CODE}/cases/{c['case_id']}")["tasks"]))
    open_screen(coordinator, site, f"/{CODE}/zaken/{case['case_id']}", ", ".join(case["names"]))
    row = coordinator.find_element(By.CSS_SELECTOR, "tr[data-taak]")
    task_id = row.get_attribute("data-taak")
    row.find_element(By.CSS_SELECTOR, "button[data-actie=aan-mij]").click()
    wait_for(coordinator, ".alert--ok", "De taak is aan u toegewezen.")
    assert api_get(seeded, keys, f"/municipalities/{CODE}/cases/{case['case_id']}")["tasks"][0]["assignee"] == people["jeroen"]["id"]

    coordinator.find_element(By.LINK_TEXT, "Mijn werk").click()
    main = wait_for_screen(coordinator, "Mijn werk")
    mine = main.find_element(By.CSS_SELECTOR, "table[data-lijst=mijn], .table-wrapper[aria-label^='Mijn open taken'] table")
    (mine_row,) = mine.find_elements(By.CSS_SELECTOR, f"tr[data-taak='{task_id}']")
    # The row says whom to call, where and from which basket, without opening the case.
    assert ", ".join(case["names"]) in mine_row.text and f"{case['postcode'][:4]} {case['postcode'][4:]}" in mine_row.text
    assert "Meervoudige signalen" in mine_row.text
    assert_accessible(coordinator, axe_source, "mijn werk")

    free = main.find_elements(By.CSS_SELECTOR, "button[data-actie=oppakken]")
    assert free, "the team has unassigned tasks to pick up"
    picked = free[0].find_element(By.XPATH, "./ancestor::tr").get_attribute("data-taak")
    free[0].click()
    wait_for(coordinator, ".alert--ok", "De taak staat nu op uw naam.")
    mine = coordinator.find_element(By.CSS_SELECTOR, ".table-wrapper[aria-label^='Mijn open taken'] table")
    assert mine.find_elements(By.CSS_SELECTOR, f"tr[data-taak='{picked}']")


def test_register_a_contact_attempt(coordinator, site, seeded, keys):
    case = cases_in(seeded, keys, "hoog-bedrag")[0]
    open_screen(coordinator, site, f"/{CODE}/zaken/{case['case_id']}", ", ".join(case["names"]))
    form = coordinator.find_element(By.ID, "contactpoging")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "Kies de soort contact." in form.text and "Geef aan of u de inwoner hebt bereikt." in form.text

    choose(coordinator, "#contactpoging select[name=type]", "Telefoon")
    choose(coordinator, "#contactpoging select[name=part_of_day]", "Middag")
    form.find_element(By.CSS_SELECTOR, "input[name=reached][value=ja]").click()
    form.find_element(By.CSS_SELECTOR, "textarea[name=note]").send_keys("Teruggebeld, afspraak gemaakt.")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(coordinator, ".alert--ok", "De contactpoging is geregistreerd.")
    attempts = api_get(seeded, keys, f"/municipalities/{CODE}/cases/{case['case_id']}")["contact_attempts"]
    assert [(a["type"], a["reached"], a["part_of_day"]) for a in attempts] == [("Telefoon", True, "Middag")]
    assert "Teruggebeld, afspraak gemaakt." in coordinator.find_element(By.CSS_SELECTOR, "main").text


def test_move_a_case_by_hand_with_a_reason_and_finish_its_task(coordinator, site, seeded, keys):
    case = cases_in(seeded, keys, "meervoudig")[1]
    open_screen(coordinator, site, f"/{CODE}/zaken/{case['case_id']}", ", ".join(case["names"]))
    choose(coordinator, "#verplaatsen select[name=basket_id]", "Hoge bedragen")
    coordinator.find_element(By.CSS_SELECTOR, "#verplaatsen button[type=submit]").click()
    assert "Geef een reden." in coordinator.find_element(By.ID, "verplaatsen").text
    coordinator.find_element(By.CSS_SELECTOR, "#verplaatsen textarea[name=reason]").send_keys("Schuld bij de woningcorporatie is het grootst")
    coordinator.find_element(By.CSS_SELECTOR, "#verplaatsen button[type=submit]").click()
    wait_for(coordinator, ".alert--ok", "De zaak is verplaatst naar Hoge bedragen.")
    moved = api_get(seeded, keys, f"/municipalities/{CODE}/cases/{case['case_id']}")
    assert (moved["basket_id"], moved["moved_by_hand"]) == ("hoog-bedrag", True)
    assert "Daarna met de hand verplaatst naar Hoge bedragen, met als reden: Schuld bij de woningcorporatie is het grootst." \
        in coordinator.find_element(By.CSS_SELECTOR, "main").text

    row = coordinator.find_element(By.CSS_SELECTOR, "tr[data-taak]")
    task_id = row.get_attribute("data-taak")
    row.find_element(By.CSS_SELECTOR, "button[data-actie=afronden]").click()
    wait_for(coordinator, ".alert--ok", "De taak is afgerond.")
    tasks = api_get(seeded, keys, f"/municipalities/{CODE}/cases/{case['case_id']}")["tasks"]
    assert next(t["status"] for t in tasks if t["task_id"] == task_id) == "done"
    assert "taak afgerond" in coordinator.find_element(By.CSS_SELECTOR, ".timeline").text


def test_close_a_case_with_an_outcome_and_it_is_read_only(coordinator, site, seeded, keys, axe_source):
    case = cases_in(seeded, keys, "jongeren")[-1]
    open_screen(coordinator, site, f"/{CODE}/zaken/{case['case_id']}", ", ".join(case["names"]))
    groups = [g.get_attribute("label") for g in coordinator.find_elements(By.CSS_SELECTOR, "#afsluiten optgroup")]
    assert len(groups) == 5
    assert len(coordinator.find_elements(By.CSS_SELECTOR, "#afsluiten optgroup option")) == 15
    choose(coordinator, "#afsluiten select[name=outcome]", "(Budget)advies en/of quick fix")
    coordinator.find_element(By.CSS_SELECTOR, "#afsluiten button[type=submit]").click()
    wait_for(coordinator, "#sluiten-bevestigen button[data-actie=bevestigen]").click()  # closing asks first
    wait_for(coordinator, ".alert--ok", "De zaak is gesloten")
    closed = api_get(seeded, keys, f"/municipalities/{CODE}/cases/{case['case_id']}")
    assert (closed["status"], closed["outcome"]) == ("closed", "(Budget)advies en/of quick fix")
    main = coordinator.find_element(By.CSS_SELECTOR, "main")
    assert "U kunt haar alleen lezen." in main.text
    assert not main.find_elements(By.CSS_SELECTOR, "form#contactpoging, form#verplaatsen, form#afsluiten")
    assert_accessible(coordinator, axe_source, "gesloten zaak")


# --------------------------------------------------------------------------- zoeken


def test_search_by_kenmerk_and_address(coordinator, site, seeded, keys, axe_source):
    case = cases_in(seeded, keys, "meervoudig")[-1]
    open_screen(coordinator, site, f"/{CODE}/zoeken", "Zoeken")
    assert_accessible(coordinator, axe_source, "zoeken")
    field = coordinator.find_element(By.CSS_SELECTOR, "#zoek-kenmerk input[name=kenmerk]")
    field.send_keys("K7QM-4XP")
    field.send_keys(Keys.ENTER)
    wait_for(coordinator, "#zoekresultaten", "Een kenmerk heeft 8 tekens")

    # As a resident reads it out on the phone: lower case, without the dash.
    field = coordinator.find_element(By.CSS_SELECTOR, "#zoek-kenmerk input[name=kenmerk]")
    field.clear()
    field.send_keys(case["kenmerk"].replace("-", "").lower())
    field.send_keys(Keys.ENTER)
    wait_for(coordinator, "#zoekresultaten", "1 zaak gevonden")
    results = coordinator.find_element(By.CSS_SELECTOR, "#zoekresultaten").text
    assert ", ".join(case["names"]) in results and case["kenmerk"] in results
    assert_accessible(coordinator, axe_source, "zoeken op kenmerk")

    coordinator.find_element(By.CSS_SELECTOR, "#zoek-adres input[name=postcode]").send_keys(case["postcode"])
    coordinator.find_element(By.CSS_SELECTOR, "#zoek-adres input[name=huisnummer]").send_keys(str(case["house_number"]))
    if case.get("house_number_suffix"):
        coordinator.find_element(By.CSS_SELECTOR, "#zoek-adres input[name=toevoeging]").send_keys(case["house_number_suffix"])
    coordinator.find_element(By.CSS_SELECTOR, "#zoek-adres button").click()
    wait_for(coordinator, "#zoekresultaten", ", ".join(case["names"]))
    postcode = f"{case['postcode'][:4]} {case['postcode'][4:]}"
    assert postcode in coordinator.find_element(By.CSS_SELECTOR, "#zoekresultaten").text  # written 1234 AB
    assert "postcode=" in coordinator.current_url
    assert_accessible(coordinator, axe_source, "zoeken met uitkomst")


def urllib_status(stack, keys, path):
    import urllib.error
    try:
        return _api(stack.base_url, "GET", path, keys[CODE])[0]
    except urllib.error.HTTPError as error:
        return error.code


# --------------------------------------------------------------------------- afwegingskader


def test_preview_and_activate_criteria_after_fixing_a_problem(driver, site, sign_in, seeded, keys, axe_source):
    code = "GM0344"
    driver.set_window_size(1280, 900)
    sign_in("mohamed")  # coordinator in Utrecht
    main = open_screen(driver, site, f"/{code}/afwegingskader", "Afwegingskader")
    assert "als crisis: ja, of eindelevering: ja" in main.text
    assert_accessible(driver, axe_source, "afwegingskader")

    document = json.loads(driver.find_element(By.CSS_SELECTOR, "textarea[name=document]").get_attribute("value"))
    document["label"] = "Utrecht, met jongeren"
    document["baskets"].insert(1, {"id": "jongeren", "name": "Jongeren", "action": "phone_call",
                                   "when": {"fact": "leeftijd", "between": [18, 27]}})
    text = json.dumps(document, indent=2, ensure_ascii=False)
    set_document(driver, text)
    driver.find_element(By.ID, "proefdraaien").click()
    problem = wait_for(driver, "#problemen li[data-pointer='/baskets/1/when/fact']")
    line = text.splitlines().index(next(line for line in text.splitlines() if '"leeftijd"' in line)) + 1
    assert f"Regel {line}," in problem.text and "onbekend feit 'leeftijd'" in problem.text
    assert_accessible(driver, axe_source, "afwegingskader met problemen")

    set_document(driver, text.replace('"leeftijd"', '"age"'))
    driver.find_element(By.ID, "proefdraaien").click()
    preview = wait_for(driver, "#proefdraai-uitkomst", "Uitkomst van het proefdraaien")
    assert "Jongeren" in preview.text and not driver.find_elements(By.CSS_SELECTOR, "#problemen li")

    driver.find_element(By.ID, "activeren").click()
    wait_for(driver, ".alert--ok", "Het afwegingskader is geactiveerd als versie")
    active = api_get(seeded, keys, f"/municipalities/{code}/criteria", code)
    assert (active["default"], active["label"]) == (False, "Utrecht, met jongeren")

    driver.find_element(By.CSS_SELECTOR, "button[data-versie='default']").click()
    wait_for(driver, ".alert--ok", "standaardinstelling is weer actief")
    assert api_get(seeded, keys, f"/municipalities/{code}/criteria", code)["default"] is True


def set_document(driver, text):
    """As a coordinator pastes a document into the editor."""
    area = driver.find_element(By.CSS_SELECTOR, "textarea[name=document]")
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", area, text)


def test_rapportage_says_it_fills_in_when_the_reports_route_exists(coordinator, site, axe_source):
    main = open_screen(coordinator, site, f"/{CODE}/rapportage", "Rapportage")
    wait_for(coordinator, "main", "Maandrapportage")
    text = main.text
    assert "De rapportage vult zich zodra de rapportageroute van de API er is" in text or "Per maand" in text
    assert_accessible(coordinator, axe_source, "rapportage")


# --------------------------------------------------------------------------- sign-in, roles, devices


def test_an_expired_session_signs_in_again_and_returns(driver, web, axe_source):
    driver.set_window_size(1280, 900)
    driver.get(web.url + "/")
    expired = {"token": "old", "expires_at": int(time.time()) - 60, "user": {"id": "fatima", "name": "Fatima el Amrani"},
               "memberships": [{"code": CODE, "role": "coordinator"}]}
    driver.execute_script("sessionStorage.setItem(arguments[0], arguments[1])", SESSION_KEY, json.dumps(expired))
    open_screen(driver, web, f"/{CODE}/zoeken", "Inloggen")
    assert "terug=" in driver.current_url
    assert_accessible(driver, axe_source, "inloggen")

    driver.find_element(By.NAME, "gebruikersnaam").send_keys("fatima")
    driver.find_element(By.NAME, "wachtwoord").send_keys("fout")
    driver.find_element(By.NAME, "wachtwoord").send_keys(Keys.ENTER)
    wait_for(driver, "main .alert--error", "De gebruikersnaam of het wachtwoord klopt niet.")
    driver.find_element(By.NAME, "wachtwoord").send_keys("demo-wachtwoord", Keys.ENTER)
    wait_for_screen(driver, "Zoeken")
    assert driver.current_url.endswith(f"#/{CODE}/zoeken")
    assert "Fatima el Amrani" in driver.find_element(By.ID, "gebruiker").text
    assert web.sign_ins[-1] == {"target": "AWSCognitoIdentityProviderService.InitiateAuth", "flow": "USER_PASSWORD_AUTH",
                                "client_id": "web-test", "username": "fatima"}
    stored = json.loads(driver.execute_script("return sessionStorage.getItem(arguments[0])", SESSION_KEY))
    assert stored["token"].count(".") == 2 and stored["memberships"] == [{"code": CODE, "role": "coordinator"}]


def test_a_bezoeker_sees_only_mijn_werk(driver, site, sign_in, axe_source):
    driver.set_window_size(1280, 900)
    sign_in("welzijn-woerden")
    open_screen(driver, site, f"/{CODE}/mijn-werk", "Mijn werk")
    nav = [link.text for link in driver.find_elements(By.CSS_SELECTOR, "#navigatie a")]
    assert nav == ["Mijn werk"]
    assert "zonder behandelaar" not in driver.find_element(By.CSS_SELECTOR, "main").text
    assert_accessible(driver, axe_source, "mijn werk van een bezoeker")
    open_screen(driver, site, f"/{CODE}/werkbakjes", "Geen toegang")
    assert_accessible(driver, axe_source, "geen toegang")


def test_works_on_a_360_pixel_phone(coordinator, site, seeded, keys, axe_source):
    coordinator.set_window_size(360, 800)
    try:
        case = cases_in(seeded, keys, "crisis")[0]
        for screen, heading in ((f"/{CODE}/werkbakjes", "Werkbakjes"), (f"/{CODE}/bakjes/crisis", "Crisis"),
                                (f"/{CODE}/zaken/{case['case_id']}", ", ".join(case["names"])),
                                (f"/{CODE}/mijn-werk", "Mijn werk")):
            open_screen(coordinator, site, screen, heading)
            width = coordinator.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{screen} scrolls sideways at 360 px: {width}"
            # Tables are cards here: no table needs sideways scrolling for its essentials.
            wide = coordinator.execute_script(
                "return [...document.querySelectorAll('.table-wrapper')].filter((w) => w.scrollWidth > w.clientWidth + 1)"
                ".map((w) => w.getAttribute('aria-label'))")
            assert wide == [], f"{screen}: tables scroll sideways at 360 px: {wide}"
            # A card table's caption spans the cards (not one word a line).
            narrow = coordinator.execute_script(
                "return [...document.querySelectorAll('.table--cards caption')]"
                ".filter((c) => c.getBoundingClientRect().width < 0.8 * c.parentElement.getBoundingClientRect().width)"
                ".map((c) => c.textContent)")
            assert narrow == [], f"{screen}: captions squeezed at 360 px: {narrow}"
            assert_accessible(coordinator, axe_source, f"{screen} op 360 px")
        labels = coordinator.execute_script(
            "return [...document.querySelectorAll('.table--cards td[data-label]')].map((c) => c.dataset.label)")
        assert "Adres" in labels  # a card names each line
    finally:
        coordinator.set_window_size(1280, 900)


def test_keyboard_only_from_the_skip_link_to_a_basket(coordinator, site):
    open_screen(coordinator, site, f"/{CODE}/werkbakjes", "Werkbakjes")
    # A new screen puts the focus on its heading, so Tab goes on from there.
    assert coordinator.switch_to.active_element.tag_name == "h1"
    for _ in range(30):
        coordinator.switch_to.active_element.send_keys(Keys.TAB)
        if coordinator.switch_to.active_element.text == "Crisis":
            break
    assert coordinator.switch_to.active_element.text == "Crisis"
    coordinator.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for_screen(coordinator, "Crisis")
    assert re.search(r"#/GM0632/bakjes/crisis$", coordinator.current_url)

    skip = coordinator.find_element(By.CSS_SELECTOR, ".skip-link")
    assert skip == coordinator.find_elements(By.CSS_SELECTOR, "a[href], button, input, select, textarea")[0]
    coordinator.execute_script("arguments[0].focus()", skip)
    skip.send_keys(Keys.ENTER)
    assert coordinator.switch_to.active_element.get_attribute("id") == "inhoud"
    assert re.search(r"#/GM0632/bakjes/crisis$", coordinator.current_url), "the skip link leaves the screen where it is"


def test_a_person_of_two_municipalities_switches_between_them(driver, web):
    driver.set_window_size(1280, 900)
    driver.get(web.url + "/")
    driver.execute_script("sessionStorage.clear()")
    open_screen(driver, web, "/inloggen", "Inloggen")
    driver.find_element(By.NAME, "gebruikersnaam").send_keys("regio")
    driver.find_element(By.NAME, "wachtwoord").send_keys("demo-wachtwoord", Keys.ENTER)
    wait_for_screen(driver, "Werkbakjes")
    assert "#/GM0632/werkbakjes" in driver.current_url
    assert "Afwegingskader" not in driver.find_element(By.ID, "navigatie").text   # consulent in Woerden
    wait_for(driver, "#gemeente-kiezer", "Utrecht")                              # named once known
    choose(driver, "#gemeente-kiezer", "Utrecht")
    wait_for(driver, "#navigatie", "Afwegingskader")                              # coordinator in Utrecht
    assert "#/GM0344/werkbakjes" in driver.current_url
    wait_for(driver, "main table tbody tr")


def test_the_app_is_small_enough_to_load_on_a_phone():
    from web.size import BUDGET_BYTES, sizes

    assert sizes()["gzip"] <= BUDGET_BYTES


def test_a_coordinator_saves_a_letter_template_after_fixing_it(driver, site, sign_in, axe_source):
    code = "GM0344"
    driver.set_window_size(1280, 900)
    sign_in("mohamed")
    open_screen(driver, site, f"/{code}/afwegingskader", "Afwegingskader")
    area = driver.find_element(By.CSS_SELECTOR, "textarea[name=template]")
    area.send_keys("{{ aanhef }},\n\n{% if %}Wij willen u graag helpen.")
    driver.find_element(By.XPATH, "//button[text()='Sjabloon opslaan']").click()
    wait_for(driver, "#kop-brief ~ div .alert--error, section .alert--error", "Niet alles is goed ingevuld.")
    area.clear()
    area.send_keys("{{ aanhef }},\n\nWij willen u graag helpen. Bel ons gerust.\n\nMet vriendelijke groet,\n{{ naam }}")
    driver.find_element(By.XPATH, "//button[text()='Sjabloon opslaan']").click()
    wait_for(driver, "section .alert--ok", "Het sjabloon is opgeslagen")
    assert "Gebruikte variabelen: aanhef, naam" in driver.find_element(By.CSS_SELECTOR, "main").text
    driver.find_element(By.ID, "voorbeeld-pdf").click()
    wait_for(driver, "main", "Een voorbeeld-PDF is nog niet beschikbaar")
    assert_accessible(driver, axe_source, "briefsjabloon")


def test_signing_in_through_the_organisations_identity_provider(driver, web):
    """Authorization code with PKCE through the hosted sign-in (cognito.domain in /config.json)."""
    driver.set_window_size(1280, 900)
    driver.get(web.url + "/")
    driver.execute_script("sessionStorage.clear()")
    open_screen(driver, web, f"/{CODE}/mijn-werk", "Inloggen")
    driver.find_element(By.ID, "inloggen-organisatie").click()
    wait_for_screen(driver, "Mijn werk")
    assert driver.current_url == f"{web.url}/#/{CODE}/mijn-werk"   # the code is gone from the address
    assert "Fatima el Amrani" in driver.find_element(By.ID, "gebruiker").text
    assert not web.codes, "the code was exchanged once"


def test_a_token_the_api_refuses_returns_to_inloggen_with_the_way_back(driver, web):
    driver.set_window_size(1280, 900)
    use_key(driver, web, key="not-a-key-of-ours")
    open_screen(driver, web, f"/{CODE}/werkbakjes", "Inloggen")
    assert driver.current_url.endswith("#/inloggen?terug=" + "%23%2FGM0632%2Fwerkbakjes")
    assert driver.execute_script("return sessionStorage.getItem(arguments[0])", SESSION_KEY) is None
