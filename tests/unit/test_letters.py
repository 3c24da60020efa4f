"""Letters: the text (sandboxed Jinja2), its validation and the PDF."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from vroegsignaal.domain import letters
from vroegsignaal.domain.errors import LetterFailed, ValidationFailed
from vroegsignaal.domain.letters import (
    SAMPLE_CONTEXT,
    TEMPLATE_VARIABLES,
    build_context,
    email_text,
    render_pdf,
    render_text,
    subject_line,
    validate_template,
)

WOERDEN = {
    "code": "GM0632",
    "name": "Woerden",
    "contact": {
        "team": "Team Vroegsignalering",
        "phone": "0348 428 911",
        "email": "vroegsignalering@example.nl",
        "address": "Postbus 45, 3440 AA Woerden",
    },
}
DEBTOR = {"initials": "A.B.", "prefix": "van", "last_name": "Dijk", "gender": "F",
          "bsn": "111222333", "phone": "+31612345678"}
ADDRESS = {"street": "Rijnstraat", "house_number": 12, "house_number_suffix": "BIS",
           "postcode": "3441AB", "city": "Woerden"}


def context(**overrides):
    arguments = {
        "debtor": DEBTOR,
        "address": ADDRESS,
        "municipality": WOERDEN,
        "partner_types": ["energy"],
        "total_amount_cents": 41250,
        "case_id": "case-0193a1b2c3d4e5f6a7b8c9d0",
        "letter_date": date(2026, 11, 27),
    }
    arguments.update(overrides)
    return build_context(**arguments)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def problem(source) -> str:
    with pytest.raises(ValidationFailed) as caught:
        validate_template(source)
    details = caught.value.details
    assert len(details) == 1 and details[0]["loc"] == ["template"]
    return details[0]["msg"]


# --------------------------------------------------------------------------- context


def test_build_context_formats_name_address_date_and_amount():
    ctx = context()
    assert ctx.recipient == "A.B. van Dijk"
    assert ctx.salutation == "Beste mevrouw Van Dijk"
    assert ctx.address_lines == ("Rijnstraat 12 BIS", "3441 AB  WOERDEN")
    assert ctx.address_one_line == "Rijnstraat 12 BIS, 3441 AB Woerden"
    assert ctx.municipality == "Woerden"
    assert ctx.contact.phone == "0348 428 911"
    assert ctx.date_text == "27 november 2026"
    assert ctx.case_reference == "A7B8-C9D0"
    assert ctx.total_amount == "412,50"
    assert ctx.partner_kinds == ("energie",)
    assert ctx.partner_phrases == ("uw energieleverancier",)


@pytest.mark.parametrize(
    ("debtor", "recipient", "salutation"),
    [
        ({"initials": "J.", "last_name": "Jansen", "gender": "M"}, "J. Jansen", "Beste heer Jansen"),
        ({"initials": "K.", "prefix": "de", "last_name": "Vries", "gender": "X"},
         "K. de Vries", "Beste K. de Vries"),
        ({"prefix": "van der", "last_name": "Berg"}, "van der Berg", "Beste heer/mevrouw Van der Berg"),
        ({}, "De bewoner(s)", "Beste bewoner(s)"),
        (None, "De bewoner(s)", "Beste bewoner(s)"),
    ],
)
def test_names_and_salutations(debtor, recipient, salutation):
    ctx = context(debtor=debtor)
    assert (ctx.recipient, ctx.salutation) == (recipient, salutation)


def test_address_variants():
    ctx = context(address={"street": "Kerkweg", "house_number": 3, "house_number_suffix": "a",
                           "postcode": "3441 ab"})
    assert ctx.address_lines == ("Kerkweg 3a", "3441 AB")
    ctx = context(address={"house_number": 7, "postcode": "3441AB", "city": "Harmelen"})
    assert ctx.address_lines == ("7", "3441 AB  HARMELEN")


def test_partner_descriptions_in_dutch_once_each_in_order():
    ctx = context(partner_types=["housing", "energy", "housing", "water", "health_insurance",
                                 "mortgage", "other", "unknown"])
    assert ctx.partner_kinds == ("huur", "energie", "water", "zorgverzekering", "hypotheek", "overige")
    variables = ctx.variables()
    assert variables["melders_tekst"].startswith("uw verhuurder, uw energieleverancier, ")
    assert variables["melders_tekst"].endswith(" en een organisatie waaraan u vaste lasten betaalt")
    assert context(partner_types=["housing", "energy"]).variables()["melders_tekst"] == (
        "uw verhuurder en uw energieleverancier")


@pytest.mark.parametrize(("cents", "text"), [(41250, "412,50"), (191250, "1.912,50"),
                                             (100000000, "1.000.000,00"), (5, "0,05")])
def test_amount_in_dutch_notation(cents, text):
    assert context(total_amount_cents=cents).total_amount == text


def test_municipality_registered_as_gemeente_x_is_not_doubled():
    ctx = context(municipality={"code": "GM0632", "name": "Gemeente Woerden"})
    assert ctx.municipality == "Woerden"
    assert ctx.municipality_title == "Gemeente Woerden"


def test_variables_are_the_documented_ones():
    assert set(SAMPLE_CONTEXT.variables()) == set(TEMPLATE_VARIABLES)
    documented = Path(__file__).resolve().parents[2] / "docs" / "letters.md"
    if documented.exists():
        text = documented.read_text(encoding="utf-8")
        for name in TEMPLATE_VARIABLES:
            assert f"`{name}`" in text, name


# --------------------------------------------------------------------------- text


def test_default_template_renders_with_sample_context():
    text = render_text(SAMPLE_CONTEXT)
    assert text.startswith("Beste mevrouw De Voorbeeld,\n")
    assert "Voorbeeldstad" in text
    assert SAMPLE_CONTEXT.contact.phone in text
    assert text.endswith("\n") and "\n\n\n" not in text


def test_default_template_renders_a_built_context():
    text = render_text(context())
    assert "Beste mevrouw Van Dijk," in text
    assert "uw energieleverancier" in text
    assert "betalingsachterstand" in text
    assert "gratis" in text
    assert "0348 428 911" in text
    assert "vroegsignalering@example.nl" in text
    assert "Postbus 45, 3440 AA Woerden" in text
    assert "A7B8-C9D0" in text
    assert "Team Vroegsignalering\nGemeente Woerden" in text
    # The default letter offers help; it does not quote the amount.
    assert "412,50" not in text


def test_the_letter_body_names_the_recipient_and_address_when_the_template_does():
    source = "{{ naam }}\n{% for regel in adresregels %}{{ regel }}\n{% endfor %}{{ gemeente }} {{ telefoon }}"
    text = render_text(context(), source)
    assert "A.B. van Dijk" in text
    assert "Rijnstraat 12 BIS" in text
    assert "3441 AB" in text
    assert "Woerden" in text
    assert "0348 428 911" in text


def test_municipality_without_contact_still_renders():
    ctx = context(municipality={"code": "GM0632", "name": "Woerden"})
    text = render_text(ctx)
    assert "Neem contact op met de gemeente Woerden" in text
    assert "Telefoon" not in text
    assert text.rstrip().endswith("Met vriendelijke groet,\n\nGemeente Woerden")
    data = render_pdf(ctx, text)
    assert data.startswith(b"%PDF")
    assert "Gemeente Woerden" in pdf_text(data)


def test_custom_template_renders():
    source = (
        "{{ aanhef }},\n\n"
        "{% if 'energie' in soorten %}Wij hoorden van {{ melders_tekst }}.{% endif +%}\n"
        "Achterstand: EUR {{ bedrag }}. Kenmerk {{ kenmerk }}, {{ datum }}.\n\n"
        "Groet,\n{{ afzender }}"
    )
    validate_template(source)
    text = render_text(context(), source)
    assert text == (
        "Beste mevrouw Van Dijk,\n\n"
        "Wij hoorden van uw energieleverancier.\n"
        "Achterstand: EUR 412,50. Kenmerk A7B8-C9D0, 27 november 2026.\n\n"
        "Groet,\nTeam Vroegsignalering\n"
    )


def test_email_text_is_the_letter_text_and_subject_names_the_municipality():
    ctx = context()
    assert email_text(ctx) == render_text(ctx)
    source = "Hallo {{ naam }}"
    assert email_text(ctx, source) == render_text(ctx, source)
    assert "Woerden" in subject_line(ctx)
    assert "betalingsachterstand" in subject_line(ctx).lower()


def test_render_text_errors_do_not_quote_debtor_data():
    with pytest.raises(LetterFailed) as caught:
        render_text(context(), "Hallo\n{{ [].index(naam) }}")
    msg = caught.value.reason
    assert "line 2" in msg
    assert "Dijk" not in msg and "Dijk" not in str(caught.value)


# --------------------------------------------------------------------------- validation


def test_default_template_is_valid():
    validate_template(letters.default_template())


def test_syntax_error_names_the_line():
    msg = problem("Beste {{ naam }},\n\n{% if telefoon %}Bel {{ telefoon }\n{% endif %}")
    assert "syntax" in msg and "line 3" in msg


def test_unclosed_block_is_a_syntax_error():
    assert "syntax" in problem("{% if telefoon %}Bel ons")


def test_unknown_variable_is_named():
    msg = problem("Beste {{ naam }},\n{{ telefoonnummer }}")
    assert "telefoonnummer" in msg and "line 2" in msg


def test_unknown_filter_is_named():
    assert "onbekend" in problem("{{ naam|onbekend }}")


@pytest.mark.parametrize("source", ["", "   \n\t"])
def test_empty_template_is_rejected(source):
    assert "empty" in problem(source)


def test_template_that_renders_nothing_is_rejected():
    assert "empty" in problem("{# alleen commentaar #}\n{% if false %}x{% endif %}")


def test_too_long_template_is_rejected():
    assert "20000" in problem("x" * 20_001)


def test_not_a_string_is_rejected():
    assert problem(None)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ naam.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ ''.format.__globals__ }}",
    ],
)
def test_sandbox_blocks_attribute_access(source):
    assert "unsafe" in problem(source)


def test_sandbox_blocks_includes_and_runaway_output():
    assert problem('{% include "/etc/passwd" %}')
    assert "too long" in problem("{{ 'x' * 100000000 }}")
    assert "too large" in problem("{{ 10 ** 100000 }}")
    assert "range" in problem("{% for i in range(100000) %}{% endfor %}x")
    assert "longer" in problem("{% for i in range(1000) %}{{ 'x' * 100 }}{% endfor %}")


def test_template_that_only_works_with_contact_details_is_rejected():
    msg = problem("Bel {{ telefoon[0] }}")
    assert "contact" in msg


# --------------------------------------------------------------------------- PDF


def test_pdf_contains_letterhead_address_and_body():
    ctx = context()
    data = render_pdf(ctx, render_text(ctx))
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = pdf_text(data)
    for expected in ("A.B. van Dijk", "Rijnstraat 12 BIS", "3441 AB", "WOERDEN", "Gemeente Woerden",
                     "Team Vroegsignalering", "0348 428 911", "vroegsignalering@example.nl",
                     "27 november 2026", "Betreft:", "A7B8-C9D0", "Beste mevrouw Van Dijk",
                     "betalingsachterstand", "Met vriendelijke groet"):
        assert expected in text, expected
    # No debtor data in the document's metadata.
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    assert "Dijk" not in metadata and "Rijnstraat" not in metadata


def test_pdf_layout_letterhead_right_address_left():
    ctx = context()
    reader = PdfReader(io.BytesIO(render_pdf(ctx, render_text(ctx))))
    positions: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and text.strip() not in positions:
            positions[text.strip()] = (tm[4] / 72 * 25.4, 297 - tm[5] / 72 * 25.4)

    reader.pages[0].extract_text(visitor_text=visit)
    head_x, head_y = positions["Gemeente Woerden"]
    name_x, name_y = positions["A.B. van Dijk"]
    assert head_x > 105 and head_y < 40
    assert name_x < 30 and 45 < name_y < 70    # a window envelope's window


def test_pdf_dutch_and_typographic_characters():
    ctx = context(debtor={"initials": "É.", "last_name": " Çelik-Ünal", "prefix": "",
                          "gender": "M"},
                  address={**ADDRESS, "street": "Coöperatiestraat"})
    text = ("Café, naïef, rôle, ’s-Hertogenbosch, “aanhalingstekens” – € 12,50 …\n\n"
            "Yılmaz Wiśniewski Şahin ≥ 3 😀 zero\u200bwidth\x00")
    data = render_pdf(ctx, text)
    extracted = pdf_text(data)
    for expected in ("Café", "naïef", "rôle", "’s-Hertogenbosch", "“aanhalingstekens”", "€ 12,50",
                     "É. Çelik-Ünal", "Coöperatiestraat", "Yilmaz Wisniewski Sahin >= 3", "zerowidth"):
        assert expected in extracted, expected


def test_pdf_safe_never_raises_and_keeps_windows_1252():
    assert letters.pdf_safe("’€é—…") == "’€é—…"
    assert letters.pdf_safe("łódź\u2212ß") == "lódz-ß"
    assert letters.pdf_safe("漢字🙂") == "???"
    assert letters.pdf_safe("a\tb\r\nc") == "a    b\nc"


def test_long_text_flows_onto_more_pages():
    ctx = context()
    text = "\n\n".join(f"Dit is alinea {i}. " * 12 for i in range(40))
    data = render_pdf(ctx, text)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    assert "Dit is alinea 39." in pdf_text(data)


def test_pdf_is_deterministic():
    ctx = context()
    text = render_text(ctx)
    first = render_pdf(ctx, text)
    assert render_pdf(ctx, text) == first
    assert b"D:20261127" in first


def test_sample_context_renders_to_pdf():
    data = render_pdf(SAMPLE_CONTEXT, render_text(SAMPLE_CONTEXT))
    assert "J. de Voorbeeld" in pdf_text(data)


# --------------------------------------------------------------------------- cold start


def test_importing_the_module_does_not_import_jinja2_or_fpdf():
    layer = Path(letters.__file__).resolve().parents[3]
    code = (
        "import sys; import vroegsignaal.domain.letters; "
        "print(sorted(m for m in sys.modules if re.match(r'(jinja2|fpdf|markupsafe)\\b', m)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import re; " + code],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(layer)},
    )
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- docs


def test_docs_show_the_default_template_and_a_valid_example():
    documented = Path(__file__).resolve().parents[2] / "docs" / "letters.md"
    if not documented.exists():
        pytest.skip("docs/letters.md not present")
    blocks = re.findall(r"```jinja\n(.*?)```", documented.read_text(encoding="utf-8"), re.S)
    assert letters.default_template() in blocks
    for block in blocks:
        validate_template(block)


# --------------------------------------------------------------------------- bounds (issue 8, item 3)

# Conditions the two sample contexts never meet: such a template passes the upload
# and shows what it does only on a real letter.
ONLY_REAL = "{% if naam not in ['J. de Voorbeeld', 'De bewoner(s)'] %}"
REAL = dict(debtor={"initials": "P.", "last_name": "Jansen", "gender": "M"})


def failed_letter(source) -> str:
    with pytest.raises(LetterFailed) as caught:
        render_text(context(**REAL), source)
    return caught.value.reason


def test_nothing_of_an_upload_is_compiled_outside_the_sandbox(monkeypatch):
    """meta.find_undeclared_variables on a plain Environment() folded constants
    outside the sandbox: {{ 9 ** 30000000 }} cost a minute of CPU at upload."""
    from jinja2 import environment as jinja_environment
    from jinja2.sandbox import SandboxedEnvironment
    from vroegsignaal.services.letter_templates import used_variables

    made = []
    original = jinja_environment.Environment.__init__

    def recording_init(self, *args, **kwargs):
        made.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(jinja_environment.Environment, "__init__", recording_init)
    source = "{% if false %}{{ 9 ** 30000000 }}{% endif %}Beste {{ naam }},\n"
    validate_template(source)
    assert used_variables(source) == ["naam"]
    assert all(issubclass(kind, SandboxedEnvironment) for kind in made), made


@pytest.mark.parametrize("expression", ["2 ** 64", "'x' * 70", "'x'|center(70)", "'%70s'|format(1)",
                                        "'ab' ~ 'cd'", "[1, 2]|join('-')"])
def test_the_sandbox_folds_nothing_while_compiling(expression):
    """Every operator and filter runs at render time, within the bounds: Jinja2's
    constant folding would otherwise compute it while compiling, unchecked."""
    from vroegsignaal.domain.letters import sandbox

    code = sandbox.environment().compile("{% if false %}{{ " + expression + " }}{% endif %}", raw=True)
    folded = sandbox.environment().from_string("{{ " + expression + " }}").render()
    assert repr(folded) not in code and folded not in code


@pytest.mark.parametrize("source, bound", [
    ("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
     "{% endfor %}{% endfor %}{% endfor %}x", "longer than 0.5 s"),
    ("{% set s = 'abcdefgh' %}" + "{% set s = s ~ s %}" * 40 + "{{ s|length }}", "~ is too long"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}x",
     "~ is too long"),
    ("{{ 'x' * 100000000 }}", "* is too long"),
    ("{{ ['x'] * 100000000 }}", "* is too long"),
    ("{% set s = 'x' * 30000 %}{{ s + s }}", "+ is too long"),
    ("{{ 10 ** 100000 }}", "** is too large"),
    ("{{ ((10 ** 100) ** 100) ** 100 }}", "** is too large"),
    ("{{ 'x'|center(100000000) }}", "|center is too long"),
    ("{% set s = 'a\n' * 20000 %}{{ s|indent(10000) }}", "|indent is too long"),
    ("{% set s = 'a' * 30000 %}{{ s|replace('a', s) }}", "|replace is too long"),
    ("{% set s = 'a ' * 20000 %}{{ s|wordwrap(1, wrapstring='x' * 1000) }}", "|wordwrap is too long"),
    ("{{ '%999999999s'|format(1) }}", "|format is too long"),
    ("{{ '%(a)s%(a)s%(a)s' % {'a': 'x' * 20000} }}", "% is too long"),
    ("{% set s = 'x' * 30000 %}{{ (adresregels * 100)|join(s) }}", "|join is too long"),
    ("{% set s = 'x' * 30000 %}{% set l = [s, s] %}{{ l|length }}", "a list or dict is too long"),
    ("{% set s %}{% for a in range(100) %}{% for b in range(100) %}xxxxxxxxxxxxxxxxxxxxxx"
     "{% endfor %}{% endfor %}{% endset %}{{ s|length }}", "a block of the template is too long"),
    ("{% for i in range(100000) %}{% endfor %}x", "range() is limited to 1000 items"),
])
def test_a_bound_refuses_the_upload_and_fails_a_real_letter(source, bound):
    assert bound in problem(source)
    reason = failed_letter(source)
    assert bound in reason and "Jansen" not in reason


@pytest.mark.parametrize("source", [
    "{{ 'x'.center(100000000) }}", "{{ 'x'.ljust(100000000) }}", "{{ 'x'.zfill(100000000) }}",
    "{{ 'x'.replace('x', 'xx') }}", "{{ ''.join(['a']) }}", "{{ '{:>99999999}'.format(1) }}",
    "{% set l = [] %}{% for i in range(10) %}{% set _ = l.append(i) %}{% endfor %}x",
])
def test_methods_that_grow_a_text_or_change_a_list_are_blocked(source):
    assert "unsafe" in problem(source)


@pytest.mark.parametrize("filter_name", ["pprint", "tojson", "xmlattr", "urlize", "filesizeformat"])
def test_filters_that_multiply_a_value_are_not_offered(filter_name):
    assert "filter" in problem("{{ naam|" + filter_name + " }}")


@pytest.mark.parametrize("explosion", [
    "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}",
    "{% set s = 'abcdefgh' %}" + "{% set s = s ~ s %}" * 40 + "{{ s|length }}",
    "{{ naam|center(100000000) }}",
])
def test_a_template_that_explodes_only_on_real_data_fails_that_letter_with_a_reason(explosion):
    source = ONLY_REAL + explosion + "{% endif %}Beste {{ naam }},\n"
    validate_template(source)  # the samples never meet the condition
    reason = failed_letter(source)
    assert reason.startswith("line 1: ") and "Jansen" not in reason


def test_the_deadline_is_checked_while_rendering(monkeypatch):
    """A render that passes its deadline stops at the next loop item, call or
    piece of output, whatever the template does (the clock is moved by hand)."""
    from vroegsignaal.domain.letters import sandbox

    ticks = iter(range(10_000))
    monkeypatch.setattr(sandbox, "_clock", lambda: next(ticks) * sandbox.RENDER_SECONDS / 10)
    for slow in ["{% for x in adresregels * 50 %}{% endfor %}", "{{ naam|upper }}" * 20,
                 "{% macro m() %}x{% endmacro %}" + "{{ m() }}" * 20]:
        assert "longer than" in failed_letter(slow)


def test_the_bounds_leave_ordinary_templates_alone():
    source = ("{{ aanhef }},\n\n{% for regel in adresregels %}{{ regel|upper }}\n{% endfor %}"
              "{{ melders|join(', ')|capitalize }} ({{ soorten|length }}) {{ '%s-%s'|format(1, 2) }} "
              "{{ (naam ~ ' ') * 3 }}{{ 'ab'|center(6) }}{{ kenmerk|replace('-', '') }}{{ 2 ** 10 }}\n")
    validate_template(source)
    text = render_text(context(), source)
    assert "RIJNSTRAAT 12 BIS" in text and "Uw energieleverancier (1) 1-2" in text and "1024" in text
    ranges = "{{ range(3)|length }} {{ range(3)[1] }} {{ range(3)|list }} {% for i in range(3) %}{{ loop.revindex }}{% endfor %}"
    assert render_text(context(), ranges) == "3 1 [0, 1, 2] 321\n"


def test_docs_state_the_limits_the_sandbox_applies():
    from vroegsignaal.domain.letters import sandbox

    documented = (Path(__file__).resolve().parents[2] / "docs" / "letters.md").read_text(encoding="utf-8")

    def spelled(number: int) -> str:
        return f"{number:,}".replace(",", " ")

    assert f"{sandbox.RENDER_SECONDS} s per render" in documented
    assert f"{spelled(sandbox.RENDERED_MAX_CHARS)} characters for the letter" in documented
    assert f"{spelled(sandbox.VALUE_MAX_CHARS)} characters (or list items)" in documented
    assert f"{spelled(sandbox.INT_MAX_BITS)} bits for a number" in documented
    assert f"{spelled(sandbox.RANGE_MAX)} items for `range()`" in documented
    assert all(f"`{name}`" in documented for name in sandbox._LEFT_OUT_FILTERS)
