"""`make serve` keeps its state: stopped at any moment, started again, nothing accepted is lost.

The stack runs as a developer runs it (`python -m infra.local serve`, its own
process group, a state folder); the tests talk to it over HTTP only.
"""
from __future__ import annotations

import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

import pytest

from tests.e2e.client import ServedStack, request
from tests.factories import signal_body

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PARTNER_KEY = "vs_demo_ZTUUnkmR1o2CtRJWHcez1QI2G4nhik8glDkEBAWs"       # energie-noord (tenants.demo.json)
MUNICIPALITY_KEYS = {"GM0632": "vs_demo__J-QQ4L8lZlUsC_Sj0QIsF10GfWDRhEaTz9eHU33",
                     "GM0344": "vs_demo_m6xZrkSj1bRhwa3fdzjo63w3Y3Hhv6EvAqBRHuQi"}
KILL_ROUNDS = 3
_numbers = count(1)


def signals(prefix, n):
    """n signals of n households (a house number each), references unique in the run."""
    batch = []
    for _ in range(n):
        number = next(_numbers)
        batch.append(signal_body(reference=f"{prefix}-{number:05d}", debtor__address__house_number=number,
                                 debtor__address__house_number_suffix=None))
    return batch


def send_batch(stack, batch):
    """The references the stack answered as accepted (201 new, 200 already there)."""
    status, body = request(stack, "POST", "/signals/batch", key=PARTNER_KEY, body={"signals": batch})
    assert status == 200, body
    return {result["reference"] for result in body["results"] if result["status"] in (200, 201)}


def signals_in_cases(stack):
    total = 0
    for code, key in MUNICIPALITY_KEYS.items():
        status, body = request(stack, "GET", f"/municipalities/{code}/baskets", key=key)
        assert status == 200, body
        total += sum(basket["open_signals"] for basket in body["baskets"])
    return total


def drained(stack):
    # A restart after a kill may find a backlog: the drain answers when it is done (or says what is busy).
    status, body = request(stack, "POST", "/_local/drain", body={"timeout": 240}, timeout=260)
    assert status == 200, body
    return stack


def clock_offset_seconds(stack):
    status, body = request(stack, "POST", "/_local/clock", body={"advance_days": 0})
    assert status == 200, body
    now = datetime.strptime(body["now"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return (now - datetime.now(UTC)).total_seconds()


def criteria_versions(stack):
    status, body = request(stack, "GET", "/municipalities/GM0632/criteria/versions", key=MUNICIPALITY_KEYS["GM0632"])
    assert status == 200, body
    return body["versions"]


@pytest.fixture
def served(tmp_path):
    """Start `serve` processes on one state folder; every one is killed at the end."""
    started = []

    def start(**options):
        stack = ServedStack(tmp_path / "state", tmp_path, **options)
        started.append(stack)
        return stack.wait_ready()

    yield start
    for stack in started:
        stack.kill()


def test_ctrl_c_mid_pipeline_stops_cleanly_and_the_next_start_has_everything(served):
    from vroegsignaal.domain.criteria import example_document

    stack = served(fresh=True)
    status, body = request(stack, "PUT", "/municipalities/GM0632/criteria", key=MUNICIPALITY_KEYS["GM0632"],
                           body={**example_document(), "label": "restart test"})
    assert status == 201, body
    request(stack, "POST", "/_local/clock", body={"advance_days": 2})
    offset_before, versions_before = clock_offset_seconds(stack), criteria_versions(stack)
    accepted = send_batch(stack, signals("INT", 40))

    stack.signal_group(signal.SIGINT)      # the pipeline is still classifying
    assert stack.wait() == 0
    console = stack.console()
    assert "Traceback" not in console
    assert console.rstrip().splitlines()[-1].startswith("local stack stopped")

    again = drained(served())
    assert signals_in_cases(again) == len(accepted) == 40
    assert criteria_versions(again) == versions_before
    assert abs(clock_offset_seconds(again) - offset_before) < 30


def test_a_kill_of_the_process_group_at_any_moment_loses_no_accepted_signal(served):
    rng = random.Random()
    sent: list[str] = []
    accepted: set[str] = set()
    for round_number in range(KILL_ROUNDS):
        stack = served(fresh=round_number == 0)
        stop = threading.Event()

        def keep_sending(stack=stack, round_number=round_number, stop=stop):
            while not stop.is_set():
                batch = signals(f"KILL{round_number}", 10)
                sent.extend(signal["reference"] for signal in batch)
                try:
                    accepted.update(send_batch(stack, batch))
                except (OSError, AssertionError):
                    return  # the stack is gone: that batch was never answered

        sender = threading.Thread(target=keep_sending, daemon=True)
        sender.start()
        time.sleep(rng.uniform(0.5, 3.0))
        stack.signal_group(signal.SIGKILL)
        stop.set()
        sender.join(timeout=60)
        stack.wait()

    stack = drained(served())
    stored = {reference for reference in sent
              if request(stack, "GET", f"/signals/{reference}", key=PARTNER_KEY)[0] == 200}
    assert accepted and accepted <= stored   # answered ⇒ there (a batch cut short may be there too)
    assert signals_in_cases(stack) == len(stored)   # and every stored signal is in a case


def test_a_port_in_use_is_one_clear_line_and_exit_code_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "infra.local", "serve", "--port", str(port),
                                 "--state", str(tmp_path / "state")],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1
    assert str(port) in lines[0] and "PORT=" in lines[0]
