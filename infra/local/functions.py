"""The template's Lambda functions, loaded in this process and invoked as Lambda would.

Handler modules have unique names (docs/design.md), so all of them load side
by side: each function's folder and the layer's folder go on sys.path, the way
Lambda puts them on /var/task and /opt/python. The event is a fresh JSON copy
and the result must be JSON, as the runtime serialises both.

Invocations run in lanes (`lanes.py`): API requests are never queued behind
the stream and queue backlog.
"""
from __future__ import annotations

import decimal
import importlib
import importlib.util
import json
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cfn import Resolver, merge_globals
from .lanes import PIPELINE, Lane
from .log import warn, warn_once


class InvocationError(Exception):
    """The function failed: it raised, could not be imported, or returned something that is not JSON."""

    def __init__(self, function: str, error_type: str, message: str, details: str = ""):
        super().__init__(f"{function}: {error_type}: {message}")
        self.function = function
        self.error_type = error_type
        self.message = message
        self.details = details  # the traceback, as CloudWatch would show it

    def report(self) -> None:
        """One line on the console; the traceback where CloudWatch would have it, in the
        functions' log (stdout)."""
        warn(f"{self.function} failed: {self.error_type}: {self.message}")
        if self.details:
            print(json.dumps({"level": "ERROR", "function": self.function, "error_type": self.error_type,
                              "message": self.message, "traceback": self.details}), flush=True)


class InvocationTracker:
    """Counts invocations, so the stack can tell when everything is quiet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = 0
        self.started = 0

    def begin(self) -> None:
        with self._lock:
            self.running += 1
            self.started += 1

    def end(self) -> None:
        with self._lock:
            self.running -= 1


class LambdaContext:
    """The attributes of the runtime's context object that handlers and Powertools read."""

    def __init__(self, function: "LambdaFunction", timeout_seconds: float):
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.arn
        self.memory_limit_in_mb = str(function.memory_mb)  # a string, as the Python runtime has it
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self.tenant_id = None
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _lambda_json_default(value: Any) -> Any:
    # The Python runtime serialises Decimal as a number and nothing else beyond plain JSON.
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


@dataclass
class LambdaFunction:
    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler: str
    timeout_seconds: float
    memory_mb: int
    environment: dict[str, str]
    events: dict[str, dict[str, Any]]
    layer_dirs: list[Path]
    tracker: InvocationTracker
    _handler: Callable[[Any, Any], Any] | None = field(default=None, repr=False)
    _import_error: str | None = field(default=None, repr=False)

    @property
    def module_name(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def module_file(self) -> Path:
        return self.code_dir / (self.module_name.replace(".", "/") + ".py")

    @property
    def available(self) -> bool:
        """Loaded, or at least tried: a module that fails to import still gets its events
        (and fails each of them), as on Lambda."""
        return self._handler is not None or self._import_error is not None

    def events_of_type(self, *types: str) -> list[tuple[str, dict[str, Any]]]:
        return [(name, event.get("Properties") or {}) for name, event in self.events.items()
                if event.get("Type") in types]

    def load(self) -> bool:
        """Import the handler module. A module file that does not exist yet is reported once."""
        if not self.module_file.exists():
            warn_once(f"no handler for {self.logical_id} yet ({self.module_file}); its events are not delivered")
            return False
        for folder in (*self.layer_dirs, self.code_dir):
            if str(folder) not in sys.path:
                sys.path.insert(0, str(folder))
        try:
            module = _import(self.module_name, self.module_file)
            self._handler = getattr(module, self.handler.rsplit(".", 1)[1])
        except Exception:  # noqa: BLE001 - as Lambda: every invocation then fails with this error
            self._import_error = traceback.format_exc()
            warn(f"{self.logical_id}: Runtime.ImportModuleError\n{self._import_error}")
        return True

    def invoke(self, event: Any, lane: Lane = PIPELINE) -> Any:
        """Run one invocation in a lane; raise InvocationError if it fails (the caller reports it)."""
        if self._handler is None:
            if self._import_error is None:
                raise InvocationError(self.logical_id, "NoHandlerYet", f"{self.module_file} does not exist yet")
            raise InvocationError(self.logical_id, "Runtime.ImportModuleError", "the module failed to import",
                                  self._import_error)
        payload = json.loads(json.dumps(event))
        self.tracker.begin()
        try:
            with lane:
                context = LambdaContext(self, self.timeout_seconds)
                started = time.monotonic()
                try:
                    result = self._handler(payload, context)
                except Exception as error:  # noqa: BLE001 - an unhandled error of the function
                    raise InvocationError(self.logical_id, type(error).__name__, str(error),
                                          traceback.format_exc()) from error
                finally:
                    elapsed = time.monotonic() - started
                    if elapsed > self.timeout_seconds:
                        # Lambda would have stopped it; we cannot stop a thread, so say so.
                        warn(f"{self.logical_id} ran {elapsed:.1f} s, over its Timeout of "
                             f"{self.timeout_seconds:g} s: on AWS this invocation times out")
        finally:
            self.tracker.end()
        try:
            return json.loads(json.dumps(result, default=_lambda_json_default))
        except (TypeError, ValueError) as error:
            warn(f"{self.logical_id} returned a result that is not JSON: {error}")
            raise InvocationError(self.logical_id, "Runtime.MarshalError", str(error)) from error


def _import(module_name: str, module_file: Path) -> Any:
    existing = sys.modules.get(module_name)
    if existing is not None:
        if Path(getattr(existing, "__file__", "") or "").resolve() == module_file.resolve():
            return existing  # already imported (for example by a test): one module, one state
        warn(f"module name {module_name} is taken by {existing.__file__}; handler names must be unique")
    if "." in module_name:
        return importlib.import_module(module_name)
    spec = importlib.util.spec_from_file_location(module_name, module_file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {module_file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


# --------------------------------------------------------------------------- from the template

FUNCTION_TYPES = ("AWS::Serverless::Function",)


def build_functions(template: dict[str, Any], resolver: Resolver, template_dir: Path,
                    tracker: InvocationTracker) -> dict[str, LambdaFunction]:
    """One LambdaFunction per AWS::Serverless::Function, with Globals applied and its
    environment and events resolved to the local resources."""
    resources = template.get("Resources") or {}
    global_props = ((template.get("Globals") or {}).get("Function")) or {}
    layer_dirs = _layer_dirs(resources, resolver, template_dir)
    functions = {}
    for logical_id, resource in resources.items():
        if resource["Type"] not in FUNCTION_TYPES or not resolver.resource_enabled(resource):
            continue
        props = merge_globals(global_props, resource.get("Properties") or {})
        runtime = str(props.get("Runtime", "python"))
        if not runtime.startswith("python") or not isinstance(props.get("CodeUri"), str) or "Handler" not in props:
            warn(f"{logical_id}: only Python functions with a local CodeUri run locally; skipped")
            continue
        variables = resolver.resolve((props.get("Environment") or {}).get("Variables") or {})
        layers = [layer_dirs[arn] for arn in resolver.resolve(props.get("Layers") or []) if arn in layer_dirs]
        functions[logical_id] = LambdaFunction(
            logical_id=logical_id,
            name=resolver.attributes[logical_id]["Ref"],
            arn=resolver.attributes[logical_id]["Arn"],
            code_dir=(template_dir / props["CodeUri"]).resolve(),
            handler=props["Handler"],
            timeout_seconds=float(resolver.resolve(props.get("Timeout", 3))),
            memory_mb=int(resolver.resolve(props.get("MemorySize", 128))),
            environment={name: _env_string(value) for name, value in variables.items()},
            events=resolver.resolve(props.get("Events") or {}),
            layer_dirs=layers or list(layer_dirs.values()),
            tracker=tracker,
        )
    return functions


def _env_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _layer_dirs(resources: dict[str, Any], resolver: Resolver, template_dir: Path) -> dict[str, Path]:
    """Layer ARN -> the folder that becomes /opt/python (a SAM Python layer's ContentUri)."""
    found = {}
    for logical_id, resource in resources.items():
        if resource["Type"] in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
            content = (resource.get("Properties") or {}).get("ContentUri")
            if isinstance(content, str):
                found[resolver.attributes[logical_id]["Ref"]] = (template_dir / content).resolve()
    return found


def shared_environment(functions: dict[str, LambdaFunction]) -> dict[str, str]:
    """The union of the functions' environments. One process has one os.environ, so a
    name must mean the same for every function; a conflict is reported."""
    merged: dict[str, str] = {}
    for function in functions.values():
        for name, value in function.environment.items():
            if name in merged and merged[name] != value:
                warn(f"{function.logical_id} sets {name}={value!r} but another function has "
                     f"{merged[name]!r}; the local stack uses the first")
                continue
            merged[name] = value
    return merged
