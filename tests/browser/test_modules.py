"""The app's own logic, in the browser that runs it: the Dutch explanation, where a JSON
Pointer is in the text, and the CSV a spreadsheet opens safely."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def page(driver, web):
    driver.get(web.url + "/#/inloggen")
    return driver


def run(page, module: str, body: str):
    """`body` runs with the module as `m`; what it returns comes back."""
    return page.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"import('/js/{module}').then(m => {{ {body} }}).then(done, e => done('failed: ' + e));")


def test_a_condition_is_explained_with_its_fact_value_and_its_rule(page):
    lines = run(page, "explain.js", """
        const document = {baskets: [
          {id: 'crisis', name: 'Crisis', when: {any: [{fact: 'crisis', equals: true}, {fact: 'supply_ending', equals: true}]}},
          {id: 'meervoudig', name: 'Meervoudige signalen', when: {fact: 'partner_count', gte: 2}},
          {id: 'rest', name: 'Rest'}]};
        const facts = {crisis: false, supply_ending: false, partner_count: 2};
        return m.explainClassification({basket_id: 'meervoudig', facts}, document, new Map())
          .map(l => `${l.name}: ${l.text} ${l.held}`);""")
    assert lines == ["Crisis: geen crisis gemeld; geen eindelevering false",
                     "Meervoudige signalen: 2 verschillende signaalpartners (2 of meer) true"]


def test_a_failed_rule_says_what_was_needed(page):
    text = run(page, "explain.js", """
        const [held, texts] = m.explainCondition({all: [{fact: 'age', between: [18, 27]}, {fact: 'total_amount', lt: 50}]},
                                                 {age: 31, total_amount: '20.00'});
        return `${held} ${texts.join('; ')}`;""")
    assert text == "false jongste schuldenaar is 31 jaar (nodig: 18 tot en met 27)"


def test_a_missing_fact_is_unknown_and_fails(page):
    text = run(page, "explain.js", """
        const [held, texts] = m.explainCondition({fact: 'age', lt: 30}, {age: null});
        return `${held} ${texts.join('; ')}`;""")
    assert text == "false leeftijd jongste schuldenaar onbekend (nodig: minder dan 30)"


def test_a_stored_statement_without_its_version_gets_dutch_labels(page):
    assert run(page, "explain.js", "return m.dutchStatement('high_amount = true (water 310.00 ≥ 250)');") == \
        "Hoog bedrag = ja (water 310.00 ≥ 250)"


def test_a_pointer_is_found_at_its_line_and_a_missing_member_at_its_object(page):
    found = run(page, "jsonpos.js", """
        const text = '{\\n  "baskets": [\\n    {"id": "a",\\n     "when": {"fact": "leeftijd"}}\\n  ]\\n}';
        const places = m.locate(text);
        const at = (pointer) => { const p = m.placeOf(places, pointer); return [p.pointer, m.lineColumn(text, p.keyStart ?? p.start).line]; };
        return [at('/baskets/0/when/fact'), at('/baskets/0/name'), at('/baskets/7')];""")
    assert found == [["/baskets/0/when/fact", 4], ["/baskets/0", 3], ["/baskets", 2]]


def test_a_json_syntax_error_has_its_offset(page):
    offset = run(page, "jsonpos.js", "try { m.locate('{\"a\": 1,, }'); return 'no error'; } catch (e) { return e.offset; }")
    assert offset == 8


def test_the_csv_has_semicolons_and_keeps_formulas_as_text(page):
    csv = run(page, "format.js", """
        return m.casesCsv([{kenmerk: 'K7QM-4XPD', names: ['=HYPERLINK("x")', 'B. de Vries'], street: 'Dorpsstraat',
                            house_number: 3, postcode: '3441AB', city: 'Woerden', partner_types: ['energy'],
                            total_amount: '12.50', signal_count: 1, opened_at: '2026-11-02T10:00:00Z', status: 'open'}]);""")
    header, row = csv.lstrip("\ufeff").split("\r\n")[:2]
    assert header.split(";")[:3] == ["Kenmerk", "Namen", "Straat"]
    assert row.split(";")[1] == "\"'=HYPERLINK(\"\"x\"\"), B. de Vries\""
    assert "Energie" in row and "2026-11-02" in row


def test_the_stored_dutch_explanation_is_said_as_it_is(page):
    lines = run(page, "explain.js", """
        const explanation = {dutch: [
          {basket_id: 'crisis', name: 'Crisis', held: false, text: 'geen crisis gemeld'},
          {basket_id: 'jongeren', name: 'Jongeren', held: true, text: 'jongste schuldenaar is 22 jaar (18 tot en met 27)'}]};
        return m.explainClassification({basket_id: 'jongeren', facts: {age: 22}, explanation}, null, new Map())
          .map(l => `${l.name}: ${l.text} ${l.held}`);""")
    assert lines == ["Crisis: geen crisis gemeld false", "Jongeren: jongste schuldenaar is 22 jaar (18 tot en met 27) true"]


def test_an_address_writes_its_postcode_as_1234_ab(page):
    text = run(page, "format.js", """
        return m.addressLine({street: 'Rijnstraat', house_number: 12, house_number_suffix: 'BIS', postcode: '3441AB', city: 'Woerden'});""")
    assert text == "Rijnstraat 12 BIS, 3441 AB Woerden"


def test_a_failed_baskets_answer_is_not_kept_so_the_next_need_asks_again(page):
    # The page's fetch answers the first baskets request 500 and the second one; a session
    # with a token stands in for a sign-in (nothing here reaches a server).
    names = run(page, "names.js", """
        const realFetch = window.fetch;
        let asked = 0;
        window.fetch = (url, options) => {
          if (!String(url).includes('/municipalities/GM9999/baskets')) return realFetch(url, options);
          asked += 1;
          return Promise.resolve(asked === 1
            ? new Response('{}', { status: 500, headers: { 'Content-Type': 'application/json' } })
            : new Response(JSON.stringify({ baskets: [{ id: 'jongeren', name: 'Jongeren' }] }),
                           { status: 200, headers: { 'Content-Type': 'application/json' } }));
        };
        sessionStorage.setItem('vroegsignaal.sessie', JSON.stringify({ token: 'module-test' }));
        const restore = () => { window.fetch = realFetch; sessionStorage.removeItem('vroegsignaal.sessie'); };
        return m.basketNames('GM9999')
          .then(first => m.basketNames('GM9999').then(second => [first.size, second.get('jongeren')?.name ?? null, asked]))
          .finally(restore);""")
    assert names == [0, "Jongeren", 2]
