"""LocalStack: the whole system on loopback, from template.yaml, in this process.

    with LocalStack(port=0, tenants="infra/tenants.demo.json") as stack:
        stack.base_url              # http://127.0.0.1:<port>
        stack.wait_until_quiet()    # every stream record and queue message handled
        stack.advance_clock(14)     # the system is 14 days later; due follow-ups ran

A moto server stands in for DynamoDB, S3, SQS, SES and Secrets Manager; the
gateway and the pumps stand in for API Gateway, Lambda's event source mappings
and S3's notifications; the handlers are the real ones.

With `state_dir` everything (table, bucket, queues, the clock, the pumps'
positions) is kept in that folder and opened again by the next start
(infra/local/state.py); `fresh=True` forgets it first. Without it (the
default, as tests use it) nothing is kept.
"""
from __future__ import annotations

import json
import logging
import math
import sys
import time
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from .api_routes import build_routes
from .cfn import ACCOUNT_ID, REGION, Resolver, load_template
from .cognito import LocalUserPool, add_people, create_user_pool
from .environment import BASE_ENVIRONMENT, ProcessEnvironment
from .functions import InvocationTracker, LambdaFunction, build_functions, shared_environment
from .gateway import Gateway
from .lanes import guard_powertools_metrics
from .log import warn
from .moto_process import MotoProcess
from .notification_pump import CHECKPOINT as S3_CHECKPOINT
from .notification_pump import NotificationPump, subscriptions
from .pump import POLL_SECONDS, Pump
from .resources import DynamicReferences, StackResources, assign_attributes, create_resources, verify_email_identity
from .sqs_pump import SqsPump
from .state_client import StateClient
from .stream_pump import StreamPump

ROOT = Path(__file__).resolve().parents[2]
QUIET_CHECK_SECONDS = 0.25
DEFAULT_TEMPLATE = ROOT / "template.yaml"
DEFAULT_TENANTS = ROOT / "infra" / "tenants.demo.json"
DEFAULT_STATE = ROOT / ".local" / "state"
DELIVERED_EVENT_TYPES = ("Api", "DynamoDB", "SQS", "S3", "Schedule", "ScheduleV2")


_CLIENT_CONFIG = Config(account_id_endpoint_mode="disabled", retries={"mode": "standard", "max_attempts": 3})


@dataclass
class Tenant:
    kind: str        # partner or municipality
    id: str          # partner id or municipality code
    name: str
    detail: str      # partner type, or the municipality code
    api_key: str




class LocalStack:
    def __init__(self, *, port: int = 0, tenants: str | Path | None = None, template: str | Path | None = None,
                 parameters: dict[str, Any] | None = None, access_log: bool = False,
                 sqs_retry_delay_seconds: int = 1, environment: dict[str, str] | None = None,
                 state_dir: str | Path | None = None, fresh: bool = False):
        self.port = port
        self.tenants_file = Path(tenants) if tenants else None
        self.template_path = Path(template) if template else DEFAULT_TEMPLATE
        self.parameters = parameters or {}
        self.access_log = access_log
        self.sqs_retry_delay_seconds = sqs_retry_delay_seconds
        # Applied over the template's variables, e.g. {"POWERTOOLS_LOG_LEVEL": "WARNING"} for the demo.
        self.environment_overrides = environment or {}
        self.state_dir = Path(state_dir) if state_dir else None
        self.fresh = fresh
        self._state: StateClient | None = None
        self.restored: dict[str, Any] = {}   # what the state folder held at the start
        self._clock_offset_seconds = 0.0
        self.functions: dict[str, LambdaFunction] = {}
        self.resources = StackResources()
        self.tenants: list[Tenant] = []
        self.users: list[dict[str, Any]] = []   # people of the local user pool, when the template has one
        self.user_pool: LocalUserPool | None = None
        self.endpoint_url = ""
        self._environment = ProcessEnvironment()
        self._tracker = InvocationTracker()
        self._moto: Any = None
        self._pumps: list[Pump] = []
        self._scheduled: list[tuple[LambdaFunction, str, dict[str, Any]]] = []
        self._gateway: Gateway | None = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def start(self) -> "LocalStack":
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self._environment.set(BASE_ENVIRONMENT)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
        # Powertools warns on every invocation that published no metric (a GET, say): noise here.
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        # Concurrent functions share Powertools' one metric set (lanes.py): their dimensions meet.
        warnings.filterwarnings("ignore", message="Dimension .* has already been added")
        template = load_template(self.template_path)
        self._moto = MotoProcess("127.0.0.1", state_dir=self.state_dir, fresh=self.fresh)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        self._environment.set({"AWS_ENDPOINT_URL": self.endpoint_url})
        self._state = StateClient(self.endpoint_url)
        self.restored = self.state.state()

        references = DynamicReferences()
        resolver = Resolver(template, parameters=self.parameters, dynamic_reference=references)
        assign_attributes(template, resolver)
        self.resources = create_resources(template, resolver, self.client)
        references.secrets = self.resources.secrets
        self.user_pool = create_user_pool(template, resolver, self.client("cognito-idp"), self.endpoint_url)
        self.functions = build_functions(template, resolver, self.template_path.parent, self._tracker)

        environment = {**shared_environment(self.functions), **self.environment_overrides}
        self._environment.set(environment)
        for name, value in environment.items():
            if "EMAIL" in name.upper() and "@" in value:
                verify_email_identity(self.client("ses"), value, self.resources)
        for folder in {folder for function in self.functions.values() for folder in function.layer_dirs}:
            if str(folder) not in sys.path:
                sys.path.insert(0, str(folder))
        self._reset_layer_clients()
        self._restore_clock(float(self.restored["clock_offset_seconds"]))
        self._backfill_added_indexes()
        for function in self.functions.values():
            function.load()
        guard_powertools_metrics()

        if self.tenants_file:
            self.tenants = self._register_tenants(self.tenants_file)
            if self.user_pool is not None:
                people = json.loads(self.tenants_file.read_text(encoding="utf-8")).get("users", [])
                self.users = add_people(self.user_pool, people)
        self.state.expire(_clock_now().timestamp())  # what expired while the stack was stopped
        self._wire_events(template, resolver)
        routes, apis = build_routes(template, resolver, self.functions)
        self._gateway = Gateway(routes, apis, port=self.port, now=_clock_now, access_log=self.access_log,
                                local_routes={"/_local/clock": self._clock_route, "/_local/drain": self._drain_route,
                                              "/_local/stack": self._stack_route},
                                cognito=self.user_pool.config() if self.user_pool else None)
        self._gateway.start()

    def _backfill_added_indexes(self) -> None:
        """A kept table that just got new indexes: the keys of its older items, as a
        deployment's operator runs the backfill after the deploy (README)."""
        if not self.resources.added_indexes:
            return
        from infra.backfill import backfill

        done = backfill()
        indexes = sorted(name for names in self.resources.added_indexes.values() for name in names)
        print(f"local stack: the kept table got {', '.join(indexes)}; backfilled "
              f"{done.get('tasks', 0)} tasks and {done.get('cases rewritten', 0)} cases", file=sys.stderr, flush=True)

    def stop(self) -> None:
        if self._gateway is not None:
            self._gateway.stop()
            self._gateway = None
        for pump in self._pumps:
            pump.stop()
        self._pumps.clear()
        self._scheduled.clear()
        if self._moto is not None:
            self._moto.stop()  # with a state folder: its last snapshot
            self._moto = None
        self._environment.restore()
        _reset_clock()
        self._reset_layer_clients()

    def _restore_clock(self, offset_seconds: float) -> None:
        from vroegsignaal import clock

        clock.reset()
        self._clock_offset_seconds = offset_seconds
        if offset_seconds:
            clock.advance(offset_seconds / 86400)

    @staticmethod
    def _reset_layer_clients() -> None:
        """The layer keeps boto3 clients, key lookups and the household key per process:
        forget them, so nothing from an earlier moto in this process is used."""
        try:
            from vroegsignaal.adapters import forget_container_state
        except ImportError:
            return
        forget_container_state()

    # ------------------------------------------------------------------ what callers use

    @property
    def base_url(self) -> str:
        if self._gateway is None:
            raise RuntimeError("the local stack is not running")
        return self._gateway.base_url

    @property
    def state(self) -> StateClient:
        """The state kept in moto's process: checkpoints, the clock offset, TTL, S3 events."""
        if self._state is None:
            raise RuntimeError("the local stack is not running")
        return self._state

    @property
    def web_url(self) -> str | None:
        """The werkbakjes web app, when this checkout has one (web/index.html)."""
        from web import serving

        return f"{self.base_url}/" if (serving.ROOT / "index.html").is_file() else None

    def client(self, service: str) -> Any:
        """A boto3 client of the stack's moto server (for tests and the demo)."""
        return boto3.client(service, endpoint_url=self.endpoint_url, region_name=REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing", config=_CLIENT_CONFIG)

    def advance_clock(self, days: float, *, quiet_within: float = 30.0) -> datetime:
        """Move the system's clock forward, run the scheduled functions once, wait until
        what they started is done (TimeoutError after `quiet_within` seconds, the clock
        moved all the same); return the new time."""
        from vroegsignaal import clock

        clock.advance(days)
        self._clock_offset_seconds += days * 86400
        self.state.set_clock_offset(self._clock_offset_seconds)
        self.state.expire(clock.now().timestamp())  # DynamoDB TTL, on the system's time
        self.run_schedules()
        self.wait_until_quiet(quiet_within)
        return clock.now()

    def run_schedules(self) -> None:
        """Invoke every Schedule/ScheduleV2 function once, as EventBridge would at this time.
        Synchronously, so a failure reaches the caller instead of a log only."""
        now = _clock_now()
        for function, event_name, props in self._scheduled:
            if props.get("Input"):
                event = json.loads(props["Input"])
            else:
                event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                         "source": "aws.events", "account": ACCOUNT_ID, "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         "region": REGION, "detail": {},
                         "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{function.name}-{event_name}"]}
            function.invoke(event)

    def wait_until_quiet(self, timeout: float = 30.0) -> None:
        """Return once no stream record or queue message is waiting and nothing runs, seen
        twice with a complete poll of every pump in between. TimeoutError says what is busy."""
        deadline = time.monotonic() + timeout
        while True:
            generations = [pump.generation for pump in self._pumps]
            started = self._tracker.started
            if not self.busy():
                while any(pump.generation < seen + 2 and pump.is_alive()
                          for pump, seen in zip(self._pumps, generations, strict=True)) and time.monotonic() < deadline:
                    time.sleep(POLL_SECONDS / 5)
                if not self.busy() and self._tracker.started == started:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"not quiet after {timeout:g} s: {'; '.join(self.busy()) or 'still changing'}")
            # busy() asks moto for queue attributes, which walks every message: not too often.
            time.sleep(QUIET_CHECK_SECONDS)

    def busy(self) -> list[str]:
        """What is still going on, in words. Queue backlogs are asked only when nothing
        else is going on: moto computes queue attributes by walking every message."""
        reasons = []
        if self._tracker.running:
            reasons.append(f"{self._tracker.running} invocation(s) running")
        reasons += [f"{pump.name} is working" for pump in self._pumps if not pump.idle]
        if reasons:
            return reasons
        for pump in self._pumps:
            if isinstance(pump, SqsPump):
                backlog = {state: count for state, count in pump.backlog().items() if count}
                if backlog:
                    reasons.append(f"{pump.name}: " + ", ".join(f"{n} {state}" for state, n in backlog.items()))
        return reasons

    # ------------------------------------------------------------------ wiring

    def _wire_events(self, template: dict[str, Any], resolver: Resolver) -> None:
        """Event source mappings and S3 notifications become pumps; schedules wait for the clock.
        Each pump starts where the state folder says it was."""
        checkpoints = self.restored.get("checkpoints") or {}
        for function in self.functions.values():
            if not function.available:
                continue
            for event_name, props in function.events_of_type("DynamoDB"):
                if props.get("Enabled", True) in (False, "false"):
                    continue
                name = f"stream/{function.logical_id}.{event_name}/"
                self._pumps.append(StreamPump(
                    function, event_name, props, streams=self.client("dynamodbstreams"),
                    send_on_failure=self._send_on_failure, region=REGION, save_checkpoint=self.state.checkpoint,
                    checkpoints={key[len(name):]: value for key, value in checkpoints.items()
                                 if key.startswith(name)}))
            for event_name, props in function.events_of_type("SQS"):
                if props.get("Enabled", True) in (False, "false"):
                    continue
                queue = self.resources.queue_by_arn(props["Queue"])
                self._pumps.append(SqsPump(function, event_name, props, sqs=self.client("sqs"), queue_url=queue.url,
                                           region=REGION, retry_delay_seconds=self.sqs_retry_delay_seconds))
            for event_name, props in function.events_of_type("Schedule", "ScheduleV2"):
                self._scheduled.append((function, event_name, props))
            for event_name, event in function.events.items():
                if event.get("Type") not in DELIVERED_EVENT_TYPES:
                    warn(f"{function.logical_id}.{event_name}: events of type {event.get('Type')} are not delivered")
        notifications = [subscription for subscription in subscriptions(template, resolver, self.functions,
                                                                        self.resources.buckets)
                         if subscription.function.available]
        if notifications:
            self._pumps.append(NotificationPump(notifications, read_events=self.state.s3_events,
                                                save_checkpoint=self.state.checkpoint,
                                                position=int(checkpoints.get(S3_CHECKPOINT, 0)), region=REGION))
        for pump in self._pumps:
            pump.start()

    def _send_on_failure(self, destination_arn: str, document: dict[str, Any]) -> None:
        if ":sqs:" not in destination_arn:
            warn(f"on-failure destination {destination_arn} is not a queue; the local stack only logs it:\n"
                 f"{json.dumps(document)}")
            return
        queue = self.resources.queue_by_arn(destination_arn)
        self.client("sqs").send_message(QueueUrl=queue.url, MessageBody=json.dumps(document))

    def _register_tenants(self, path: Path) -> list[Tenant]:
        from vroegsignaal.adapters import registry

        document = json.loads(path.read_text(encoding="utf-8"))
        tenants = []
        for partner in document.get("partners", []):
            key = registry.register_partner(partner["id"], partner["type"], partner["name"], partner["api_key"],
                                            local_stack=True)
            tenants.append(Tenant("partner", partner["id"], partner["name"], partner["type"], key or partner["api_key"]))
        for municipality in document.get("municipalities", []):
            key = registry.register_municipality(municipality["code"], municipality["name"],
                                                 municipality["api_key"], municipality.get("contact"), local_stack=True)
            tenants.append(Tenant("municipality", municipality["code"], municipality["name"], municipality["code"],
                                  key or municipality["api_key"]))
        return tenants

    # ------------------------------------------------------------------ /_local/*

    def _clock_route(self, method: str, body: bytes) -> tuple[int, Any]:
        """{"advance_days": N, "timeout": seconds to wait for quiet (30)}: 200 with the new
        time, or 504 when what the schedule started was not done in time (as /_local/drain)."""
        asked, details = _local_request(body)
        days = asked.get("advance_days")
        is_object = ["body"] not in (detail["loc"] for detail in details)  # else there is no advance_days to judge
        if is_object and (not _is_number(days) or days < 0):
            details.insert(0, {"loc": ["advance_days"], "msg": "a number of days, 0 or more"})
        if details:
            return 422, {"error": "validation", "details": details}
        from vroegsignaal import clock

        try:
            return 200, {"now": clock.iso(self.advance_clock(days, quiet_within=asked["timeout"]))}
        except TimeoutError as error:
            return 504, {"now": clock.iso(clock.now()), "quiet": False, "message": str(error)}

    def _stack_route(self, method: str, body: bytes) -> tuple[int, Any]:
        """What the admin command needs to work on this stack (python -m infra.admin --local URL)."""
        return 200, {"endpoint_url": self.endpoint_url, "table_name": next(iter(self.resources.tables.values()), None),
                     "user_pool_id": self.user_pool.pool_id if self.user_pool else None}

    def _drain_route(self, method: str, body: bytes) -> tuple[int, Any]:
        """{"timeout": seconds to wait for quiet (30)}: 200, or 504 when not quiet in time."""
        asked, details = _local_request(body)
        if details:
            return 422, {"error": "validation", "details": details}
        try:
            self.wait_until_quiet(asked["timeout"])
        except TimeoutError as error:
            return 504, {"quiet": False, "message": str(error)}
        return 200, {"quiet": True}


def _local_request(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A /_local route's JSON object (an empty body is {}) with its `timeout` read (30 s
    when absent), and what is wrong with it: a body that is not an object, a timeout that
    is not a finite number above 0 (NaN would wait for ever)."""
    try:
        asked = json.loads(body or b"{}")
    except ValueError:
        asked = None
    if not isinstance(asked, dict):
        return {"timeout": 30}, [{"loc": ["body"], "msg": "a JSON object"}]
    asked = {"timeout": 30, **asked}
    if not _is_number(asked["timeout"]) or asked["timeout"] <= 0:
        return asked, [{"loc": ["timeout"], "msg": "a number of seconds, more than 0"}]
    return asked, []


def _is_number(value: Any) -> bool:
    """A JSON number (json.loads also reads NaN and Infinity: not those)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _clock_now() -> datetime:
    from vroegsignaal import clock

    return clock.now()


def _reset_clock() -> None:
    clock = sys.modules.get("vroegsignaal.clock")
    if clock is not None:
        clock.reset()
