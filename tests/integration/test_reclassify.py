"""A signal whose classification failed for good is picked up by `infra.admin reclassify`."""
import pytest

from tests.factories import signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call, stream_event

pytestmark = pytest.mark.usefixtures("tenants")


def test_signals_no_case_holds_are_classified_once(capsys):
    import classify_stream
    import intake_api
    from vroegsignaal.adapters import aws, table

    from infra.admin import main

    items = []
    for number in range(3):
        body = signal_body(reference=f"EN-{number}", debtor__address__house_number=number + 1)
        assert call(intake_api.lambda_handler, api_event("POST", "/signals", body=body,
                                                         principal=PARTNERS["energie-noord"]))[0] == 201
        items.append(aws.client("dynamodb").get_item(TableName=table.table_name(), Key=table.key(
            f"SIGNAL#energie-noord#EN-{number}", "SIGNAL"))["Item"])
    classify_stream.lambda_handler(stream_event(items[:1]), LambdaContext())  # the other two never made it

    from vroegsignaal.adapters.cases import DynamoCaseStore
    assert main(["reclassify", "--since", "2000-01-01"]) == 0
    assert "checked 3 signals; classified 2" in capsys.readouterr().out
    from vroegsignaal.adapters.workbaskets import MunicipalityCaseStore
    cases = MunicipalityCaseStore().municipality_cases("GM0632")
    assert sorted(e["reference"] for c in cases for e in DynamoCaseStore().log(c)["signal"]) == ["EN-0", "EN-1", "EN-2"]

    assert main(["reclassify", "--since", "2000-01-01"]) == 0
    assert "classified 0" in capsys.readouterr().out
