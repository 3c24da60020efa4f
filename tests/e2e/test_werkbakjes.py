"""The product over HTTP on the local stack: signals land in their werkbakjes by
the municipality's criteria, explained; treatment paths carry out letters and
tasks, with follow-ups on the local clock (the "done when" of the issues)."""
from __future__ import annotations

import io
from datetime import date, timedelta
from itertools import count

import pytest
from pypdf import PdfReader
from vroegsignaal.domain.criteria import example_document

from tests.e2e.client import request
from tests.factories import signal_body

pytestmark = pytest.mark.e2e
WOERDEN, UTRECHT = "GM0632", "GM0344"
_numbers = count(1)


class Product:
    """The running stack as partners and consultants use it."""

    def __init__(self, stack):
        self.stack = stack

    def today(self) -> date:
        status, body = request(self.stack, "POST", "/_local/clock", body={"advance_days": 0})
        assert status == 200
        return date.fromisoformat(body["now"][:10])

    def send(self, partner: str, *, days_ago: int = 0, **overrides) -> dict:
        """A signal from a partner at a fresh address unless the test names one."""
        number = next(_numbers)
        signal_date = self.today() - timedelta(days=days_ago)
        body = signal_body(reference=f"E2E-{number}", signal_date=signal_date.isoformat(),
                           arrears_since=(signal_date - timedelta(days=40)).isoformat(), **{
                               "debtor__address__postcode": f"3447 {chr(65 + number % 26)}{chr(65 + number // 26 % 26)}",
                               "debtor__address__house_number": number, "debtor__date_of_birth": "1970-05-01",
                               **overrides})
        status, stored = request(self.stack, "POST", "/signals", key=self.stack.partner_keys[partner], body=body)
        assert status == 201, stored
        return body

    def drain(self) -> None:
        assert request(self.stack, "POST", "/_local/drain", body={})[0] == 200

    def municipality(self, code: str, method: str, path: str, body=None, accept=None):
        return request(self.stack, method, f"/municipalities/{code}{path}", key=self.stack.municipality_keys[code],
                       body=body, accept=accept)

    def case_of(self, code: str, signal: dict) -> dict:
        """The case holding this signal, found as a consultant would: through the baskets."""
        address = signal["debtor"]["address"]
        _, baskets = self.municipality(code, "GET", "/baskets")
        for basket in baskets["baskets"]:
            cursor = ""
            while True:
                _, page = self.municipality(code, "GET", f"/baskets/{basket['id']}/cases?status=all&limit=200{cursor}")
                for case in page["cases"]:
                    if case["house_number"] == address["house_number"]:
                        status, whole = self.municipality(code, "GET", f"/cases/{case['case_id']}")
                        assert status == 200
                        if any(s["reference"] == signal["reference"] for s in whole["signals"]):
                            return whole
                if not page["next_cursor"]:
                    break
                cursor = f"&cursor={page['next_cursor']}"
        raise AssertionError(f"no case holds {signal['reference']}")


@pytest.fixture(scope="module")
def product(local_stack):
    return Product(local_stack)


# ---------------------------------------------------------------- afwegingskader (default criteria)

def test_a_low_single_signal_lands_in_enkelvoudig(product):
    signal = product.send("energie-noord", amount="120.00")
    product.drain()
    case = product.case_of(WOERDEN, signal)
    assert case["basket_id"] == "enkelvoudig" and case["classifications"][-1]["criteria_version"] == "default"


@pytest.mark.parametrize("partner,flags", [("woonstede", {"crisis": True}),
                                           ("energie-noord", {"supply_ending": True})])
def test_crisis_and_supply_ending_land_in_crisis(product, partner, flags):
    signal = product.send(partner, **flags)
    product.drain()
    assert product.case_of(WOERDEN, signal)["basket_id"] == "crisis"


def test_an_amount_at_the_threshold_lands_in_hoog_bedrag(product):
    signal = product.send("woonstede", amount="1000.00")
    product.drain()
    case = product.case_of(WOERDEN, signal)
    assert case["basket_id"] == "hoog-bedrag"
    assert "high_amount = true" in " ".join(case["classifications"][-1]["explanation"]["lines"])


def test_a_second_partner_at_the_same_address_makes_it_meervoudig(product):
    first = product.send("energie-noord", debtor__address__house_number_suffix="a")
    product.drain()
    address = first["debtor"]["address"]
    second = product.send("woonstede", debtor__address__postcode=address["postcode"].replace(" ", "").lower(),
                          debtor__address__house_number=address["house_number"],
                          debtor__address__house_number_suffix=" A ")
    product.drain()
    case = product.case_of(WOERDEN, second)
    assert case["basket_id"] == "meervoudig"
    assert sorted(s["reference"] for s in case["signals"]) == sorted([first["reference"], second["reference"]])


def test_a_signal_40_days_later_opens_a_new_case_that_is_a_repeat(product):
    first = product.send("energie-noord", days_ago=45)
    product.drain()
    address = first["debtor"]["address"]
    later = product.send("energie-noord", days_ago=5, debtor__address__postcode=address["postcode"],
                         debtor__address__house_number=address["house_number"])
    product.drain()
    first_case, later_case = product.case_of(WOERDEN, first), product.case_of(WOERDEN, later)
    assert first_case["case_id"] != later_case["case_id"]
    assert later_case["classifications"][-1]["facts"]["repeat"] is True


# ---------------------------------------------------------------- own criteria

def test_uploaded_example_sorts_a_20_year_old_into_jongeren_and_explains_why(product):
    status, active = product.municipality(UTRECHT, "PUT", "/criteria", body=example_document())
    assert status == 201 and active["default"] is False
    born = product.today() - timedelta(days=20 * 365 + 30)
    signal = product.send("waterbedrijf-midden", municipality_code=UTRECHT, debtor__date_of_birth=born.isoformat(),
                          debtor__address__postcode="3511 AB")
    product.drain()
    case = product.case_of(UTRECHT, signal)
    classification = case["classifications"][-1]
    assert case["basket_id"] == "jongeren" and classification["criteria_version"] == active["version"]
    assert classification["facts"]["age"] == 20
    assert any(line.startswith("jongeren:") and "age" in line for line in classification["explanation"]["lines"])


def test_an_invalid_document_is_422_with_every_problem_and_nothing_changes(product):
    _, before = product.municipality(UTRECHT, "GET", "/criteria")
    document = example_document()
    document["baskets"][1]["when"] = {"fact": "leeftijd", "between": [18, 27]}
    document["baskets"][2]["id"] = "crisis"
    status, body = product.municipality(UTRECHT, "PUT", "/criteria", body=document)
    assert status == 422 and body["error"] == "validation"
    pointers = {problem["pointer"] for problem in body["details"]}
    assert {"/baskets/1/when/fact", "/baskets/2/id"} <= pointers
    assert product.municipality(UTRECHT, "GET", "/criteria")[1] == before


# ---------------------------------------------------------------- treatment paths

def test_letters_tasks_and_follow_ups(product):
    """enkelvoudig: a letter now, a phone call 14 days after it unless the resident was reached."""
    plain = product.send("energie-noord", amount="80.00")
    reached = product.send("energie-noord", amount="90.00")
    crisis = product.send("woonstede", crisis=True)
    product.drain()
    plain_case, reached_case = product.case_of(WOERDEN, plain), product.case_of(WOERDEN, reached)

    (letter,) = plain_case["letters"]
    status, pdf = product.municipality(WOERDEN, "GET", f"/cases/{plain_case['case_id']}/letters/{letter['letter_id']}",
                                       accept="application/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert status == 200 and "van Dijk" in text and "Rijnstraat" in text and "Woerden" in text

    status, _ = product.municipality(WOERDEN, "POST", f"/cases/{reached_case['case_id']}/contact-attempts",
                                     body={"type": "Telefoon", "reached": True})
    assert status == 201

    def phone_tasks(case_id):
        # Every page: the stack is shared with other tests, whose cases have phone tasks too.
        found, cursor = [], None
        for _ in range(100):
            query = "/tasks?type=phone_call&basket_id=enkelvoudig&limit=200" + (f"&cursor={cursor}" if cursor else "")
            _, body = product.municipality(WOERDEN, "GET", query)
            found += [t for t in body["tasks"] if t["case_id"] == case_id]
            cursor = body["next_cursor"]
            if cursor is None:
                return found
        raise AssertionError("more than 100 pages of tasks")

    # The schedule runs for every case the shared stack holds (other tests' too): time to be quiet.
    assert request(product.stack, "POST", "/_local/clock", body={"advance_days": 13, "timeout": 150},
                   timeout=170)[0] == 200
    assert phone_tasks(plain_case["case_id"]) == []
    assert request(product.stack, "POST", "/_local/clock", body={"advance_days": 1, "timeout": 150},
                   timeout=170)[0] == 200
    (task,) = phone_tasks(plain_case["case_id"])
    assert task["status"] == "open"
    assert phone_tasks(reached_case["case_id"]) == []

    # Closing a case cancels its open tasks, and the partner sees it closed.
    crisis_case = product.case_of(WOERDEN, crisis)
    (visit,) = crisis_case["tasks"]
    status, closed = product.municipality(WOERDEN, "POST", f"/cases/{crisis_case['case_id']}/close",
                                          body={"outcome": "Inwoner hoeft geen hulp vanuit vroegsignalering"})
    assert status == 200 and closed["status"] == "closed"
    _, tasks = product.municipality(WOERDEN, "GET", "/tasks?status=cancelled&limit=200")
    assert visit["task_id"] in [t["task_id"] for t in tasks["tasks"]]
    status, feedback = request(product.stack, "GET", f"/signals/{crisis['reference']}",
                               key=product.stack.partner_keys["woonstede"])
    assert status == 200 and feedback["status"] == "closed"
