"""The API additions the workspace relies on (municipality-api.md): kenmerk, street and
city in summaries, search, the richer task rows and their filters, basket filters.
Cases are made as in production (intake, then the stream's classification), against moto."""
from __future__ import annotations

import re

import pytest

from tests.integration.test_municipality_api import GM, OLD, OTHER, add_task, open_case, raw_case, request

pytestmark = pytest.mark.usefixtures("tenants")
KENMERK = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def summary_of(h, case_id):
    status, case = request(h, "GET", "/cases/{case_id}", {"case_id": case_id})
    assert status == 200, case
    return case


def search(h, code=GM, **query):
    status, body = request(h, "GET", "/cases", code=code, query=query)
    assert status == 200, body
    return [c["case_id"] for c in body["cases"]]


# --------------------------------------------------------------------------- kenmerk, street, city


def test_a_new_case_has_a_kenmerk_in_the_spec_format_and_street_and_city(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    case = summary_of(h, case_id)
    assert KENMERK.fullmatch(case["kenmerk"])
    assert (case["street"], case["city"]) == ("Rijnstraat", "Woerden")
    status, listed = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": case["basket_id"]})
    assert listed["cases"][0]["kenmerk"] == case["kenmerk"] and listed["cases"][0]["city"] == "Woerden"


def test_kenmerken_differ_between_cases(h):
    ids = [open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, debtor__address__house_number=n)
           for n in range(1, 6)]
    assert len({raw_case(case_id)["kenmerk"] for case_id in ids}) == 5


def test_a_kenmerk_collision_fails_the_first_write_and_the_redelivered_record_draws_a_fresh_one(h, monkeypatch):
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
    from vroegsignaal.adapters import aws, table
    from vroegsignaal.domain import cases as case_rules

    from tests.factories import signal_body
    from tests.integration.events import PARTNERS, LambdaContext, api_event, call, stream_event
    taken = raw_case(open_case(h, reference="EN-1", debtor__date_of_birth=OLD))["kenmerk"]
    drawn = iter([taken, "K7QM-4XPD"])
    monkeypatch.setattr(case_rules, "new_kenmerk", lambda: next(drawn))
    body = signal_body(reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=99)
    assert call(h.intake, api_event("POST", "/signals", body=body, principal=PARTNERS["energie-noord"]))[0] == 201
    image = aws.client("dynamodb").get_item(TableName=table.table_name(),
                                            Key=table.key("SIGNAL#energie-noord#EN-2", "SIGNAL"))["Item"]
    with pytest.raises(BatchProcessingError, match="ConcurrentChange"):  # the claim collided: the record fails
        h.classify(stream_event([image]), LambdaContext())
    assert "case_id" not in table.get("SIGNAL#energie-noord#EN-2", "SIGNAL")  # nothing of that write stayed
    assert h.classify(stream_event([image]), LambdaContext()) == {"batchItemFailures": []}  # redelivered
    case_id = table.get("SIGNAL#energie-noord#EN-2", "SIGNAL")["case_id"]
    assert raw_case(case_id)["kenmerk"] == "K7QM-4XPD"
    assert search(h, kenmerk="k7qm4xpd") == [case_id]


def test_letters_print_the_kenmerk():
    from datetime import date

    from vroegsignaal.domain.letters.context import build_context
    context = build_context(debtor={"last_name": "Dijk"}, address={}, municipality={"name": "Woerden"},
                            partner_types=["energy"], total_amount_cents=100, case_id="case-0123456789abcdef",
                            letter_date=date(2026, 11, 27), kenmerk="K7QM-4XPD")
    assert context.case_reference == "K7QM-4XPD"


# --------------------------------------------------------------------------- search


def test_search_by_kenmerk_ignores_dash_and_case_and_finds_closed_cases(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    kenmerk = raw_case(case_id)["kenmerk"]
    assert search(h, kenmerk=kenmerk) == [case_id]
    assert search(h, kenmerk=kenmerk.replace("-", "").lower()) == [case_id]
    request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, body={"outcome": "Verwijzing zonder contact"})
    status, body = request(h, "GET", "/cases", query={"kenmerk": kenmerk})
    assert [(c["case_id"], c["status"]) for c in body["cases"]] == [(case_id, "closed")]


def test_search_by_address_newest_first_with_an_optional_suffix(h):
    older = open_case(h, reference="EN-1", debtor__date_of_birth=OLD, signal_date="2025-01-10",
                      arrears_since="2024-12-01")
    request(h, "POST", "/cases/{case_id}/close", {"case_id": older}, body={"outcome": "Verwijzing zonder contact"})
    newer = open_case(h, reference="EN-2", debtor__date_of_birth=OLD)
    other_suffix = open_case(h, reference="EN-3", debtor__date_of_birth=OLD, debtor__address__house_number_suffix="A")
    assert search(h, postcode="3441 ab", house_number="12") == [other_suffix, newer, older]
    assert search(h, postcode="3441AB", house_number="12", house_number_suffix="bis") == [newer, older]
    assert search(h, postcode="3441AB", house_number="13") == []


def test_search_by_last_name_prefix_ignores_case_and_diacritics(h):
    celik = open_case(h, reference="EN-1", debtor__date_of_birth=OLD, debtor__prefix=None,
                      debtor__last_name="Çelik", debtor__address__house_number=1)
    van_dijk = open_case(h, reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=2)
    assert search(h, name="cel") == [celik] and search(h, name="CELIK") == [celik]
    assert search(h, name="van di") == [van_dijk] and search(h, name="dij") == [van_dijk]
    assert search(h, name="xy") == []


def test_search_finds_only_the_callers_municipality(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    assert search(h, code=OTHER, kenmerk=raw_case(case_id)["kenmerk"]) == []
    assert search(h, code=OTHER, postcode="3441AB", house_number="12") == []
    assert search(h, code=OTHER, name="dijk") == []


@pytest.mark.parametrize("query, locs", [
    ({}, {("query",)}), ({"kenmerk": "K7QM-4XPD", "name": "dijk"}, {("query",)}),
    ({"postcode": "3441AB"}, {("query", "house_number")}), ({"kenmerk": "K0QM-4XPD"}, {("query", "kenmerk")}),
    ({"name": "é"}, {("query", "name")}), ({"name": "dijk", "house_number_suffix": "A"}, {("query", "house_number_suffix")}),
    ({"postcode": "12", "house_number": "x"}, {("query", "postcode"), ("query", "house_number")}),
])
def test_a_search_needs_exactly_one_kind_of_terms(h, query, locs):
    status, body = request(h, "GET", "/cases", query=query or None)
    assert status == 422 and {tuple(d["loc"]) for d in body["details"]} == locs


def test_search_pages_newest_first(h):
    ids = [open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, signal_date=f"2026-11-1{n}",
                     debtor__address__house_number_suffix=str(n)) for n in range(3)]
    status, page = request(h, "GET", "/cases", query={"name": "dijk", "limit": "2"})
    assert [c["case_id"] for c in page["cases"]] == ids[:0:-1] and page["next_cursor"]
    status, rest = request(h, "GET", "/cases", query={"name": "dijk", "limit": "2", "cursor": page["next_cursor"]})
    assert [c["case_id"] for c in rest["cases"]] == [ids[0]] and rest["next_cursor"] is None
    assert request(h, "GET", "/cases", query={"name": "dijk", "cursor": "nope"})[0] == 422


def test_search_entries_and_the_kenmerk_claim_have_no_expiry_of_their_own(h):
    from vroegsignaal.adapters import table
    case_id = open_case(h, debtor__date_of_birth=OLD)
    household = raw_case(case_id)["household"]

    def entry_expiries():
        items = table.query_all(key_condition="pk = :pk AND begins_with(sk, :p)",
                                values={":pk": f"HH#{household}", ":p": f"SRCH#{case_id}#"})
        return {item.get("expires_at") for item in items}, len(items)

    # Retention deletes them with the case (found from it: its household partition and
    # SRCH#<case_id>#, its kenmerk), so a move of the case's expiry writes none of them.
    expiries, count = entry_expiries()
    assert expiries == {None} and count >= 2 and raw_case(case_id)["expires_at"]  # address and name
    request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
            body={"type": "Telefoon", "reached": False})
    assert entry_expiries() == ({None}, count)
    claim = table.get(f"MUN#{GM}#KENMERK#{raw_case(case_id)['kenmerk'].replace('-', '')}", "KENMERK")
    assert claim["case_id"] == case_id and "expires_at" not in claim


# --------------------------------------------------------------------------- tasks


def test_task_rows_say_who_where_and_which_basket(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    task_id = add_task(case_id)
    status, body = request(h, "GET", "/tasks")
    (row,) = body["tasks"]
    assert row["task_id"] == task_id and row["kenmerk"] == raw_case(case_id)["kenmerk"]
    assert row["names"] == ["A.B. van Dijk"] and row["phone"] == "+31612345678"
    assert row["address"] == {"street": "Rijnstraat", "house_number": 12, "house_number_suffix": "BIS",
                              "postcode": "3441AB", "city": "Woerden"}
    assert row["basket_name"] == "Enkelvoudige signalen" and row["overdue"] is False


def test_tasks_by_due_date_per_status_and_assignee(h):
    from vroegsignaal.adapters import tasks
    ids = {}
    for n, due in enumerate(["2026-12-03", "2026-11-01", "2026-12-01"]):
        case_id = open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, debtor__address__house_number=n + 1)
        ids[due] = add_task(case_id, step=f"s{n}")
        task = tasks.get(ids[due])
        tasks.write_changed({**task, "due": due}, expected_status="open")
    request(h, "PATCH", "/tasks/{task_id}", {"task_id": ids["2026-12-01"]}, body={"assignee": "fatima"})

    def listed(**query):
        status, body = request(h, "GET", "/tasks", query=query)
        assert status == 200, body
        return [t["task_id"] for t in body["tasks"]], body["tasks"]

    unassigned, rows = listed(status="open", assignee="none", sort="due")
    assert unassigned == [ids["2026-11-01"], ids["2026-12-03"]] and rows[0]["overdue"] is True
    assert listed(status="open", assignee="fatima", sort="due")[0] == [ids["2026-12-01"]]
    assert listed(status="open", assignee="none", sort="due", due_before="2026-11-30")[0] == [ids["2026-11-01"]]
    assert listed(assignee="none", due_before="2026-12-03")[0] == [ids["2026-12-03"], ids["2026-11-01"]]
    status, body = request(h, "GET", "/tasks", query={"assignee": "me"})
    assert status == 422  # a key is nobody: `me` is for a signed-in person


def tasks_due(h, n_open=3, n_done=2):
    """Tasks of one case with these due dates: open ones (the second assigned to fatima), done ones."""
    from vroegsignaal.adapters import tasks
    case_id = open_case(h, debtor__date_of_birth=OLD)
    ids = {}
    dues = [f"2026-11-{day:02d}" for day in range(1, n_open + n_done + 1)][::-1]  # later steps due earlier
    for n, due in enumerate(dues):
        ids[due] = add_task(case_id, step=f"s{n}")
        tasks.write_changed({**tasks.get(ids[due]), "due": due}, expected_status="open")
    for due in dues[:n_done]:
        request(h, "PATCH", "/tasks/{task_id}", {"task_id": ids[due]}, body={"status": "done"})
    request(h, "PATCH", "/tasks/{task_id}", {"task_id": ids[dues[n_done + 1]]}, body={"assignee": "fatima"})
    return ids


def test_sort_due_alone_lists_every_status_and_assignee_by_due_date(h):
    ids = tasks_due(h)
    status, body = request(h, "GET", "/tasks", query={"sort": "due"})
    assert status == 200, body
    assert [t["task_id"] for t in body["tasks"]] == [ids[due] for due in sorted(ids)]
    assert {t["status"] for t in body["tasks"]} == {"open", "done"} and body["next_cursor"] is None


def test_sort_due_with_one_filter_of_status_or_assignee(h):
    ids = tasks_due(h)  # done: 11-05, 11-04; open: 11-03, 11-02 (fatima), 11-01

    def listed(**query):
        status, body = request(h, "GET", "/tasks", query={"sort": "due", **query})
        assert status == 200, body
        return [t["task_id"] for t in body["tasks"]]

    assert listed(status="open") == [ids["2026-11-01"], ids["2026-11-02"], ids["2026-11-03"]]
    assert listed(assignee="none") == [ids[due] for due in ("2026-11-01", "2026-11-03", "2026-11-04", "2026-11-05")]
    assert listed(assignee="fatima") == [ids["2026-11-02"]]
    assert listed(due_before="2026-11-04") == [ids[due] for due in ("2026-11-01", "2026-11-02", "2026-11-03",
                                                                     "2026-11-04")]
    assert listed(status="done", due_before="2026-11-04") == [ids["2026-11-04"]]


def test_sort_due_pages_through_the_merged_statuses_with_a_cursor(h):
    ids = tasks_due(h)
    seen, cursor = [], None
    for _ in range(10):  # bounded: five tasks in pages of two
        query = {"sort": "due", "limit": "2", **({"cursor": cursor} if cursor else {})}
        status, body = request(h, "GET", "/tasks", query=query)
        assert status == 200, body
        seen += [t["task_id"] for t in body["tasks"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [ids[due] for due in sorted(ids)]
    status, body = request(h, "GET", "/tasks", query={"sort": "due", "status": "open", "cursor": "bm90LWEtY3Vyc29y"})
    assert status == 422 and body["details"][0]["loc"] == ["query", "cursor"]


def test_a_cursor_of_another_task_list_is_refused(h):
    tasks_due(h)
    status, body = request(h, "GET", "/tasks", query={"sort": "due", "limit": "1"})
    assert status == 200 and body["next_cursor"]
    for other in ({"sort": "due", "status": "open"}, {"sort": "due", "assignee": "none"}, {}):
        status, answer = request(h, "GET", "/tasks", query={**other, "limit": "1", "cursor": body["next_cursor"]})
        assert status == 422, (other, answer)


def test_a_selective_filter_pages_through_every_match_oldest_first(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    created = [add_task(case_id, step=f"s{n}") for n in range(12)]
    hers = created[1::4]  # three of twelve, spread out
    for task_id in hers:
        request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"assignee": "fatima"})
    seen, cursor = [], None
    for _ in range(5):  # bounded: three tasks in pages of two
        status, body = request(h, "GET", "/tasks", query={"assignee": "fatima", "limit": "2",
                                                          **({"cursor": cursor} if cursor else {})})
        assert status == 200, body
        seen += [t["task_id"] for t in body["tasks"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    from vroegsignaal.adapters import tasks
    assert seen == sorted(hers, key=lambda task_id: (tasks.get(task_id)["created_at"], task_id))  # oldest first


def test_a_done_task_stays_done_and_a_task_has_no_expiry_of_its_own(h):
    from vroegsignaal.adapters import tasks
    case_id = open_case(h, debtor__date_of_birth=OLD)
    done, still_open = add_task(case_id, step="s1"), add_task(case_id, step="s2")
    request(h, "PATCH", "/tasks/{task_id}", {"task_id": done}, body={"status": "done"})
    request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, body={"outcome": "Verwijzing zonder contact"})
    assert (tasks.get(done)["status"], tasks.get(still_open)["status"]) == ("done", "cancelled")
    # Retention deletes a case's tasks with it (their ids are on the case).
    assert raw_case(case_id)["expires_at"] and set(raw_case(case_id)["tasks"]) >= {done, still_open}
    assert "expires_at" not in tasks.get(done) and "expires_at" not in tasks.get(still_open)
    status, body = request(h, "GET", "/tasks", query={"status": "done", "assignee": "none", "sort": "due"})
    assert [t["task_id"] for t in body["tasks"]] == [done]


# --------------------------------------------------------------------------- basket filters


def test_basket_filters_postcode_prefix_partner_type_and_amount(h):
    low = open_case(h, reference="EN-1", debtor__date_of_birth=OLD, amount="100.00")
    far = open_case(h, reference="EN-2", debtor__date_of_birth=OLD, amount="200.00",
                    debtor__address__postcode="3442 CD")
    basket = raw_case(low)["basket_id"]
    assert raw_case(far)["basket_id"] == basket

    def listed(**query):
        status, body = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": basket}, query=query)
        assert status == 200, body
        return [c["case_id"] for c in body["cases"]]

    assert listed(postcode_prefix="3441") == [low] and listed(postcode_prefix="3442 c") == [far]
    assert listed(partner_type="energy") == [low, far] and listed(partner_type="housing") == []
    assert listed(min_amount="150") == [far] and listed(max_amount="150.00") == [low]
    assert listed(min_amount="100", max_amount="100") == [low]
    status, body = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": basket},
                           query={"postcode_prefix": "AB", "partner_type": "gas", "min_amount": "x"})
    assert status == 422
    assert {tuple(d["loc"]) for d in body["details"]} == {("query", "postcode_prefix"), ("query", "partner_type"),
                                                          ("query", "min_amount")}


def test_a_filtered_cursor_over_every_status_works_only_with_its_filters(h):
    made = [open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, debtor__address__house_number=n)
            for n in (1, 2)]
    basket = raw_case(made[0])["basket_id"]

    def page(**query):
        return request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": basket},
                       query={"status": "all", "limit": "1", **query})

    _, first = page(postcode_prefix="3441")
    assert first["next_cursor"]
    status, body = page(postcode_prefix="3442", cursor=first["next_cursor"])
    assert status == 422 and body["details"][0]["loc"] == ["query", "cursor"]
    status, body = page(postcode_prefix="3441", cursor=first["next_cursor"])
    assert status == 200 and [c["case_id"] for c in body["cases"]] == made[1:]


# --------------------------------------------------------------------------- explanations and steps


def test_the_case_view_says_why_in_dutch_with_basket_names(h):
    from tests.integration.test_municipality_api import upload_example
    upload_example(h)
    case_id = open_case(h, debtor__date_of_birth="2004-06-01")  # 22 on the signal date
    (classification,) = summary_of(h, case_id)["classifications"]
    *tried, chosen = classification["explanation"]["dutch"]
    assert chosen == {"basket_id": "jongeren", "name": "Jongeren", "held": True,
                      "text": "jongste schuldenaar is 22 jaar (18 tot en met 27)"}
    assert tried and all(line["held"] is False and line["name"] for line in tried)


def test_a_task_step_tells_a_created_task_from_a_done_one(h):
    from vroegsignaal.adapters.cases import DynamoCaseStore
    from vroegsignaal.domain.case import Step
    case_id = open_case(h, debtor__date_of_birth=OLD)
    store = DynamoCaseStore()
    case = store.find(GM, case_id)
    case["steps"].append(Step(step_id="s9", action="phone_call", basket_id=case["basket_id"], generation=9, index=0,
                              after_days=0,
                              status="done", due=None, done_at="2026-11-20T10:00:00Z"))
    store.write(case)
    task_id = add_task(case_id, step="s9")
    (step,) = [s for s in summary_of(h, case_id)["steps"] if s["step_id"] == "s9"]
    assert (step["task_id"], step["task_status"]) == (task_id, "open")
    request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"status": "done"})
    (step,) = [s for s in summary_of(h, case_id)["steps"] if s["step_id"] == "s9"]
    assert step["task_status"] == "done"
