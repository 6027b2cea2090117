"""Run the real stack program under Pulumi's mock runtime and collect every resource.

This is how ``tricolor plan``, ``release --dry-run`` and the tests see what a stack
would create, with no Pulumi CLI, no credentials and no network. A render is pure: the
release state of a production stack is a parameter (default: the stack config's
weights and images); no ledger is read here.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..spec.stack import Stack, full_key
from .config import PROJECT, StackInput, load_stacks, to_runtime
from .program import build, export
from .state import ReleaseState

# Pulumi's marker for a secret value in serialized properties.
SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_TEXT = "[secret]"


@dataclass(frozen=True)
class RenderedResource:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]
    #: properties Pulumi keeps as they are (a color keeping the secret values it runs)
    ignore_changes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"urn": self.urn, "type": self.type, "name": self.name, "parent": self.parent,
                "custom": self.custom, "inputs": self.inputs}


@dataclass
class Rendered:
    stack: Stack
    resources: list[RenderedResource] = field(default_factory=list)

    def by_type(self, type_: str) -> list[RenderedResource]:
        return [r for r in self.resources if r.type == type_]

    def find(self, name: str) -> RenderedResource:
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(name)


def clean(value: Any) -> Any:
    """Inputs as a provider receives them: secrets redacted, whole floats as integers
    (the protocol carries every number as a double)."""
    if isinstance(value, dict):
        if SECRET_SIG in value:
            return SECRET_TEXT
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@functools.cache
def _mock_classes() -> dict[str, type]:
    """Pulumi's mock runtime, subclassed for recording: made (and Pulumi imported) when
    the first render runs, not when this module is imported."""
    import pulumi
    from pulumi.runtime import mocks as pulumi_mocks

    class _Mocks(pulumi.runtime.Mocks):
        """Resources keep their inputs as state; there are no invokes to answer.

        The inputs of the registration in progress are kept per thread, so the monitor
        records them without deserializing the request a second time.
        """

        def __init__(self) -> None:
            self.current = threading.local()

        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            self.current.inputs = args.inputs
            if not args.typ.startswith("aws:"):
                return f"{args.name}-id", args.inputs
            # AWS computes ARNs that other resources read: placeholders, like the ids.
            module, _, kind = args.typ[len("aws:"):].partition("/")
            kind = kind.partition(":")[0]
            state = {"arn": f"arn:aws:{module}:us-east-1:000000000000:{kind}/{args.name}", **args.inputs}
            if module == "lb":
                state.setdefault("arnSuffix", f"{kind}/{args.name}/0")
            return f"{args.name}-id", state

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
            return {}, []  # no outputs, no check failures


    class _RecordingMonitor(pulumi_mocks.MockMonitor):
        """The mock resource monitor, keeping each registration with its URN and parent."""

        def __init__(self) -> None:
            self.mocks: _Mocks = _Mocks()
            super().__init__(self.mocks)
            self.records: list[RenderedResource] = []
            self._lock = threading.Lock()

        def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
            response = super().RegisterResource(request)
            if request.type != "pulumi:pulumi:Stack":
                record = RenderedResource(
                    urn=response.urn, type=request.type, name=request.name,
                    parent=request.parent or None, custom=bool(request.custom),
                    inputs=clean(dict(self.mocks.current.inputs)),
                    ignore_changes=tuple(request.ignoreChanges),
                )
                with self._lock:
                    self.records.append(record)
            return response

    return {"_Mocks": _Mocks, "_RecordingMonitor": _RecordingMonitor}


def __getattr__(name: str) -> Any:
    """``_Mocks`` and ``_RecordingMonitor``, made on first use (tests patch the monitor)."""
    if name in ("_Mocks", "_RecordingMonitor"):
        return _mock_classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_QUIET = logging.getLogger("tricolor.render")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def run_program(
    program: Callable[[], None], stack_name: str, config: dict[str, str], secret_keys: list[str]
) -> list[RenderedResource]:
    """Run ``program`` as stack ``stack_name`` under the mock runtime; every resource
    it registers. Call it inside a fresh ``contextvars`` context (``render`` does)."""
    import asyncio  # (asyncio and Pulumi load when a program runs, not when a command starts)
    from concurrent.futures import ThreadPoolExecutor

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # The mock monitor runs in worker threads, each of which gets an event loop of its
    # own; own those threads so their loops are closed here, not at interpreter exit.
    thread_loops: list[asyncio.AbstractEventLoop] = []

    def give_thread_a_loop() -> None:
        thread_loop = asyncio.new_event_loop()
        asyncio.set_event_loop(thread_loop)
        thread_loops.append(thread_loop)

    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.stack import run_pulumi_func

    executor = ThreadPoolExecutor(max_workers=8, initializer=give_thread_a_loop)
    loop.set_default_executor(executor)
    monitor = _mock_classes()["_RecordingMonitor"]()
    pulumi_mocks.set_mocks(monitor.mocks, PROJECT, stack_name, preview=False, logger=_QUIET, monitor=monitor)
    set_all_config(config, secret_keys)
    try:
        loop.run_until_complete(run_pulumi_func(program))
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        executor.shutdown(wait=True)
        for thread_loop in thread_loops:
            thread_loop.close()
        loop.close()
        asyncio.set_event_loop(None)
    return monitor.records


def render(item: StackInput, state: ReleaseState | None = None) -> Rendered:
    """Render one validated stack under the mock runtime, a production stack with the
    release ``state`` (default: what its config says is in force)."""
    stack = item.stack
    # Secrets the spec names but the stack file lacks get a placeholder: plan never
    # needs (or shows) a real secret.
    full = dict(item.config)
    secrets = set(item.secret_keys)
    for ref in stack.spec.secrets.values():
        key = full_key(ref.config)
        full.setdefault(key, SECRET_TEXT)
        secrets.add(key)
    def program() -> None:
        export(build(stack, state))

    records = contextvars.copy_context().run(run_program, program, stack.name, to_runtime(full), sorted(secrets))
    # Registration order depends on threads; URN order is stable across runs.
    return Rendered(stack=stack, resources=sorted(records, key=lambda r: r.urn))


def render_stack(name: str, spec_file: Path | None = None) -> Rendered:
    """Validate and render stack ``name`` from its config file."""
    (item,) = load_stacks([name], spec_file)
    return render(item)
