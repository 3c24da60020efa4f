"""What happens when two things happen at once, or a step dies half-way: nothing
is done twice and nothing is lost (handlers and adapters against moto)."""
import pytest

from tests.factories import HOUSING, signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call, municipality, sqs_event
from tests.integration.test_actions import drain, open_case, the_case  # noqa: F401 - shared helpers

pytestmark = pytest.mark.usefixtures("tenants")


@pytest.fixture
def pipeline():
    import classify_stream
    import followups_schedule
    import intake_api
    import letters_queue
    import municipality_api
    import tasks_queue
    from vroegsignaal import clock
    clock.reset()
    yield (intake_api.lambda_handler, classify_stream.lambda_handler, letters_queue.lambda_handler,
           tasks_queue.lambda_handler, followups_schedule.lambda_handler, municipality_api.lambda_handler)
    clock.reset()


def test_two_signals_of_one_household_classified_at_once_make_one_case():
    """On AWS they can sit on two stream shards: the second to open a case loses and joins on retry."""
    import os

    from vroegsignaal import clock
    from vroegsignaal.adapters.cases import DynamoCaseStore
    from vroegsignaal.adapters.criteria_store import ActiveCriteriaCache
    from vroegsignaal.domain.errors import ConcurrentChange
    from vroegsignaal.domain.signal import validate_signal
    from vroegsignaal.services.classify_stream import SignalClassifier
    from vroegsignaal.services.intake import signal_item

    def stored(partner, **overrides):
        signal = validate_signal(signal_body(**overrides), partner_type=partner["partner_type"], today=clock.today(),
                                 is_known_municipality=lambda code: True)
        return signal_item(signal, partner=partner, received_at=clock.now())

    store = DynamoCaseStore()

    class SeesTheHouseholdBeforeTheOtherWrote(DynamoCaseStore):
        def __init__(self, snapshot):
            self.snapshot = snapshot

        def household(self, household):
            return self.snapshot

    first, second = stored(PARTNERS["energie-noord"]), stored(HOUSING, reference="WS-1")
    secret = os.environ["HOUSEHOLD_KEY_SECRET"]
    from vroegsignaal.domain.household import Household
    key = Household.of(first["signal"]).key(secret)
    snapshot = store.household(key)  # both read before either wrote
    SignalClassifier(store, ActiveCriteriaCache().get, lambda *a: None, lambda: secret).handle(first)
    slow = SignalClassifier(SeesTheHouseholdBeforeTheOtherWrote(snapshot), ActiveCriteriaCache().get,
                            lambda *a: None, lambda: secret)
    with pytest.raises(ConcurrentChange):
        slow.handle(second)
    SignalClassifier(store, ActiveCriteriaCache().get, lambda *a: None, lambda: secret).handle(second)  # the retry
    (case,) = store.household_cases(key)
    assert len(store.log(case)["signal"]) == 2 and case["basket_id"] == "meervoudig"


def test_a_task_made_just_before_a_move_is_still_on_the_case(pipeline):
    """The task consumer created the task, then died; meanwhile a consultant moved the case."""
    from vroegsignaal.adapters import tasks as task_store
    intake, classify, letters, tasks, followups, mun = pipeline
    case = open_case(pipeline[:2], crisis=True)
    (message,) = drain("TASKS_QUEUE_URL")
    step = next(s for s in case["steps"] if s.step_id == message["step_id"])
    task_store.create_once({"task_id": task_store.task_id_for(case["case_id"], step.step_id),
                            "case_id": case["case_id"], "household": case["household"],
                            "municipality_code": "GM0632", "basket_id": "crisis", "step_id": step.step_id,
                            "type": "home_visit", "status": "open", "assignee": None, "due": step.due,
                            "created_at": "2026-11-27T09:00:00.000000Z", "done_at": None})
    event = api_event("POST", "/municipalities/{code}/cases/{case_id}/move",
                      {"code": "GM0632", "case_id": case["case_id"]},
                      body={"basket_id": "meervoudig", "reason": "twee partijen volgens de woningcorporatie"},
                      principal=municipality("GM0632"))
    assert call(mun, event)[0] == 200
    assert tasks(sqs_event(drain("TASKS_QUEUE_URL") + [message]), LambdaContext()) == {"batchItemFailures": []}
    case = the_case()
    assert task_store.task_id_for(case["case_id"], step.step_id) in case["tasks"]
    assert next(s for s in case["steps"] if s.step_id == step.step_id).status == "done"
    first = task_store.get(task_store.task_id_for(case["case_id"], step.step_id))
    assert first["status"] == "open"  # tasks already created stay open after a move


def test_an_email_is_sent_once_even_if_recording_it_failed(pipeline):
    import classify_stream
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends
    from vroegsignaal.adapters.cases import DynamoCaseStore
    from vroegsignaal.adapters.criteria_store import CriteriaRepository
    from vroegsignaal.domain.criteria import parse_criteria
    letters = pipeline[2]
    document = {"schema_version": 1, "baskets": [{"id": "mail", "name": "Mail", "action": "email"}]}
    CriteriaRepository().upload("GM0632", parse_criteria(document, municipality_code="GM0632"))
    classify_stream.criteria.clear()
    open_case(pipeline[:2])
    (message,) = drain("LETTERS_QUEUE_URL")
    letters(sqs_event([message]), LambdaContext())
    case = the_case()  # as if the case write after sending had failed: the step still waits
    case["steps"][0].status, case["letters"] = "queued", []
    DynamoCaseStore().write(case)
    letters(sqs_event([message]), LambdaContext())
    assert len(ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages) == 1
    assert the_case()["steps"][0].status == "done"
