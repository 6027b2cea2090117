"""``tricolor release``: start, watch and steer a release of a production stack."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.live import Live
from rich.table import Table

from ..rollout import Engine, Ledger, LedgerRecord, NoReleaseError, build_plan, get_judge, get_provider, request
from ..rollout.applier import Applier, get_applier
from ..rollout.clock import VirtualClock
from ..rollout.errors import InvalidRequestError
from ..rollout.lock import Owner, stale
from ..rollout.notify import get_notifier
from ..rollout.offline import OfflineApplier
from ..rollout.report import write_report
from ..rollout.smoke import SkippedSmoke, SmokeTester
from ..rollout.store import MemoryStore
from ..spec import Color, Stack, Weights, image_problem, other
from ..stacks import load_stacks
from .common import console, err_console, guarded, print_json

app = typer.Typer(name="release", help="Step-wise canary and blue-green releases with automatic analysis.",
                  no_args_is_help=True)


class Output(StrEnum):
    text = "text"
    json = "json"


StackOpt = Annotated[str, typer.Option("--stack", "-s", help="The production stack, e.g. prod.")]
SpecOpt = Annotated[Path | None, typer.Option("--spec", help="The spec file (default: the stack's).")]
LedgerOpt = Annotated[str | None, typer.Option("--ledger", help="Ledger folder or s3://bucket/prefix "
                                               "(default $TRICOLOR_LEDGER or .tricolor/ledger).")]
OutputOpt = Annotated[Output, typer.Option("--output", "-o", help="text or json.")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why (kept in the ledger).")]
TimeoutOpt = Annotated[float, typer.Option("--lock-timeout", help="Seconds without heartbeat before a lock "
                                           "held on another host (or by a dead process) may be taken over.")]
PollOpt = Annotated[float, typer.Option("--poll", help="Seconds between ledger checks while waiting.")]
ApplierOpt = Annotated[str, typer.Option("--applier", help="pulumi (Automation API) or offline.")]


def _stack(name: str, spec: Path | None) -> Stack:
    (item,) = load_stacks([name], spec)
    return item.stack


def _engine(stack: Stack, ledger: Ledger, applier_name: str, spec: Path | None, ledger_url: str | None,
            smoke_url: str | None, lock_timeout: float, poll: float, output: Output,
            detach: bool = False) -> Engine:
    analysis = stack.spec.release.analysis
    applier: Applier
    if applier_name == "pulumi":
        applier = get_applier("pulumi", stack=stack.name, ledger=ledger_url, spec_file=spec)
    else:
        applier = get_applier(applier_name, stack=stack.name, spec_file=spec)
    routing = stack.spec.routing
    base = smoke_url or f"https://{routing.hostnames[0]}"
    engine = Engine(stack=stack, ledger=ledger, applier=applier,
                    provider=get_provider(analysis.provider, analysis.provider_settings) if analysis.metrics else None,
                    judge=get_judge(analysis.judge, analysis.min_samples, analysis.alpha, analysis.looks),
                    smoke=SmokeTester(base, routing.header), notifier=get_notifier(),
                    lock_timeout=lock_timeout, poll=poll, exit_when_waiting=detach)
    if output == Output.text:
        seen = {"events": 0}

        def show(rec: LedgerRecord) -> None:
            for event in rec.events[seen["events"]:]:
                err_console.print(f"[dim]{time.strftime('%H:%M:%S', time.localtime(event.at))}[/] "
                                  f"step {event.step:>2} [bold]{event.kind}[/] blue {event.weights['blue']:>3} "
                                  f"green {event.weights['green']:>3}  {event.detail}", soft_wrap=True)
            seen["events"] = len(rec.events)

        engine.on_change = show
    return engine


def _finish(engine: Engine, rec: LedgerRecord, output: Output, report_dir: Path | None) -> None:
    for note in engine.notes:
        err_console.print(f"[yellow]warning:[/] {note}")
    paths = write_report(rec, report_dir) if report_dir is not None else None
    if output == Output.json:
        doc = rec.model_dump(mode="json")
        if paths:
            doc["report"] = {"json": str(paths[0]), "html": str(paths[1])}
        print_json(doc)
    else:
        console.print(status_table(rec, time.time()))
        if paths:
            console.print(f"report: {paths[0]} and {paths[1]}")
    if rec.status in ("aborted", "rolled-back"):
        raise typer.Exit(2)


def status_table(rec: LedgerRecord, now: float) -> Table:
    table = Table(show_header=False, title=f"release {rec.release_id} on {rec.stack}", title_justify="left")
    step = rec.current_step
    table.add_row("status", f"[bold]{rec.status}[/]" + (f" ({rec.reason})" if rec.reason else ""))
    table.add_row("image", f"{rec.image} on {rec.canary if rec.status != 'succeeded' else rec.stable}")
    table.add_row("weights", f"blue {rec.weights['blue']} %, green {rec.weights['green']} %"
                  + (f" -> applying {rec.target}" if rec.step_state == "applying" else ""))
    if step is not None and not rec.terminal:
        table.add_row("step", f"{step.index}/{len(rec.plan) - 1} {step.action}: {step.description}")
        if step.action == "pause" and step.duration is not None and rec.status == "running":
            left = max(0.0, (rec.step_started_at or now) + step.duration - now)
            table.add_row("pause left", f"{left:.0f}s")
    if rec.status == "succeeded" and rec.rollback_until:
        table.add_row("rollback window", f"{max(0.0, rec.rollback_until - now):.0f}s left")
    if rec.verdicts:
        last = rec.verdicts[-1]
        table.add_row("last verdict", f"{last.verdict}: {last.reason}")
    if rec.lock:
        table.add_row("lock", f"{rec.lock.owner}, heartbeat {max(0.0, now - rec.lock.heartbeat):.0f}s ago")
    if rec.request:
        table.add_row("pending request", f"{rec.request.action} by {rec.request.by}")
    return table


def state_of(rec: LedgerRecord) -> tuple[Weights, dict[Color, str]]:
    return rec.in_force, {"blue": rec.images["blue"], "green": rec.images["green"]}


def dry_run(stack: Stack, image: str, ledger: Ledger, spec: Path | None, simulate: bool = True) -> dict[str, Any]:
    """The schedule with the resources each step changes (offline), and a simulated run
    of it on synthetic traffic (nothing is written to the ledger)."""
    problem = image_problem(image)
    if problem:
        raise InvalidRequestError(f"--image: {problem}")
    current = ledger.read(stack.name)
    weights, images = state_of(current) if current else (stack.weights, stack.images)
    if weights.blue not in (0, 100):
        raise InvalidRequestError(f"weights in force are split ({weights.as_dict()}): abort or finish first")
    canary: Color = other(weights.active)
    applier = OfflineApplier(stack.name, spec_file=spec, initial=(weights, images))
    state: tuple[Weights, dict[Color, str]] = (weights, dict(images))
    steps = []
    for step in build_plan(stack.spec.release):
        changes: list[str] = []
        after = state
        if step.action == "deploy":
            after = (weights, {**images, canary: image})
        elif step.action == "setWeight":
            after = (Weights.canary(canary, step.weight), state[1])
        if after != state:
            changes = applier.diff(state, after)
            state = after
        steps.append({"index": step.index, "action": step.action,
                      "weights": Weights.canary(canary, step.weight).as_dict(),
                      "description": step.description, "changes": changes})
    result: dict[str, Any] = {"steps": [{k: s[k] for k in ("index", "action", "weights", "changes")}
                                        for s in steps], "_text": steps}
    if not simulate:
        return result
    # Simulate the whole release on synthetic A/A traffic with a virtual clock.
    analysis = stack.spec.release.analysis
    sim_ledger = Ledger(MemoryStore())
    if current is not None:
        sim_ledger.update(stack.name, lambda _: current)
    engine = Engine(stack=stack, ledger=sim_ledger, applier=applier,
                    provider=get_provider("synthetic", {"seed": 0}),
                    judge=get_judge(analysis.judge, analysis.min_samples, analysis.alpha, analysis.looks),
                    smoke=SkippedSmoke(), clock=VirtualClock())
    engine.start(image)
    result["_simulation"] = engine.run()
    return result


@app.command("start")
@guarded
def start(
    stack: StackOpt,
    image: Annotated[str, typer.Option("--image", "-i", help="The new image, e.g. repo/app:v2.")],
    dry: Annotated[bool, typer.Option("--dry-run", help="Offline: show the steps and what each changes.")] = False,
    spec: SpecOpt = None,
    ledger: LedgerOpt = None,
    output: OutputOpt = Output.text,
    applier: ApplierOpt = "pulumi",
    smoke_url: Annotated[str | None, typer.Option("--smoke-url", help="Base URL for smoke tests "
                                                  "(default https://<first hostname>).")] = None,
    report_dir: Annotated[Path, typer.Option("--report-dir", help="Where the release report goes.")] =
    Path(".tricolor/reports"),
    detach: Annotated[bool, typer.Option("--detach-on-pause", help="Exit (keeping the release) when it "
                                         "waits for a person; `release promote` drives it on.")] = False,
    lock_timeout: TimeoutOpt = 60.0,
    poll: PollOpt = 1.0,
) -> None:
    """Release IMAGE to the idle color of STACK and walk the steps with analysis."""
    target = _stack(stack, spec)
    problem = image_problem(image)
    if problem:
        raise InvalidRequestError(f"--image: {problem}")
    if target.environment != "production":
        raise InvalidRequestError(f"stack {stack!r} is {target.environment}: releases are for production stacks "
                                  "(blue, green and a router)")
    store = Ledger.open(ledger)
    if dry:
        doc = dry_run(target, image, store, spec, simulate=output == Output.text)
        if output == Output.json:
            print_json({"steps": doc["steps"]})
            return
        table = Table("#", "action", "blue", "green", "changes", "description",
                      title=f"dry run: {image} on {target.name}", title_justify="left")
        for s in doc["_text"]:
            names = ", ".join(urn.rsplit("::", 1)[-1] for urn in s["changes"]) or "-"
            table.add_row(str(s["index"]), s["action"], str(s["weights"]["blue"]), str(s["weights"]["green"]),
                          names, s["description"])
        console.print(table)
        sim: LedgerRecord = doc["_simulation"]
        console.print(f"simulated on synthetic traffic: [bold]{sim.status}[/]"
                      + (f" ({sim.reason})" if sim.reason else "") + f", {len(sim.verdicts)} verdict(s)")
        return
    engine = _engine(target, store, applier, spec, ledger, smoke_url, lock_timeout, poll, output, detach)
    engine.start(image)
    _finish(engine, engine.run(), output, report_dir)


@app.command("status")
@guarded
def status(stack: StackOpt, ledger: LedgerOpt = None, output: OutputOpt = Output.text,
           watch: Annotated[bool, typer.Option("--watch", "-w", help="A live view until the release ends.")] = False,
           ) -> None:
    """Show the release of STACK: status, step, weights, time left, last verdict."""
    store = Ledger.open(ledger)
    rec = store.read(stack)
    if rec is None:
        raise NoReleaseError(f"no release recorded for stack {stack!r} in {store.where(stack)}")
    if output == Output.json:
        print_json(rec.model_dump(mode="json"))
        return
    if not watch:
        console.print(status_table(rec, time.time()))
        return
    with Live(status_table(rec, time.time()), console=console, refresh_per_second=2) as live:
        while not rec.terminal:
            time.sleep(1)
            rec = store.read(stack) or rec
            live.update(status_table(rec, time.time()))


def _steer(action: str, stack: str, spec: Path | None, ledger: str | None, output: Output, reason: str | None,
           applier: str, smoke_url: str | None, lock_timeout: float, poll: float, report_dir: Path | None,
           detach: bool) -> None:
    store = Ledger.open(ledger)
    owner = Owner.here()
    rec = request(store, stack, action, owner.id, time.time(), reason)
    if rec.lock is not None and not stale(rec.lock, time.time(), lock_timeout, owner.host):
        err_console.print(f"{action} requested; the engine holding the release ({rec.lock.owner}) acts on it")
        if output == Output.json:
            print_json(rec.model_dump(mode="json"))
        return
    # Nobody drives the release: drive it here, from the request on.
    engine = _engine(_stack(stack, spec), store, applier, spec, ledger, smoke_url, lock_timeout, poll, output,
                     detach=detach or action == "pause")
    engine.owner = owner
    engine.acquire()
    _finish(engine, engine.run(), output, report_dir)


def _steer_command(action: str, help_text: str) -> None:
    @guarded
    def command(stack: StackOpt, spec: SpecOpt = None, ledger: LedgerOpt = None, output: OutputOpt = Output.text,
                reason: ReasonOpt = None, applier: ApplierOpt = "pulumi",
                smoke_url: Annotated[str | None, typer.Option("--smoke-url")] = None,
                report_dir: Annotated[Path, typer.Option("--report-dir")] = Path(".tricolor/reports"),
                detach: Annotated[bool, typer.Option("--detach-on-pause")] = False,
                lock_timeout: TimeoutOpt = 60.0, poll: PollOpt = 1.0) -> None:
        _steer(action, stack, spec, ledger, output, reason, applier, smoke_url, lock_timeout, poll, report_dir,
               detach)

    command.__doc__ = help_text
    app.command(action)(command)


_steer_command("promote", "Skip the current pause or analysis and go on with the next step.")
_steer_command("pause", "Pause the release (the weights in force stay).")
_steer_command("resume", "Resume a paused release (or one waiting for promotion).")
_steer_command("abort", "Abort: the canary weight goes to 0 in one targeted update.")
_steer_command("rollback", "Within the rollback window: all traffic back on the old color at once.")
