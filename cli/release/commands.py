"""``tricolor release start|retry|pause|resume|promote|abort|rollback``: start and steer a
release of a production stack (``status``, ``history`` and ``list`` are in ``status``).

Exit codes (the one table, ``tricolor.errors``): 0 when the release is done, active,
waiting for a person, or the request was left for the process driving it; 2 when it
ended aborted or rolled back; 1 on bad input or an error (also when the verb had
nothing to do); 4 when another live process holds the stack.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ...errors import ExitCode
from ...rollout.duration import estimates, warnings
from ...rollout.engine import Engine, Lazy, Stop
from ...rollout.errors import InvalidRequestError
from ...rollout.plan import StepAction
from ...rollout.record import LedgerRecord, RequestAction, Status
from ...rollout.revisions import stale_secrets
from ...rollout.verbs import Prepared, prepare, retry_of, start, steer
from ...spec.durations import parse_duration
from ..common import err_console, guarded, print_json
from ..progress import working
from .app import app
from .checks import check_image
from .dryrun import dry_run, show_dry_run
from .durations import RpsOpt, traffic_of
from .options import (
    ApplierOpt,
    DetachOpt,
    LedgerOpt,
    Output,
    OutputOpt,
    PollOpt,
    ReasonOpt,
    ReportOpt,
    SmokeOpt,
    SpecOpt,
    StackOpt,
    StacksDirOpt,
    TimeoutOpt,
)
from .report import finish
from .revision_view import secret_source, versions, with_secrets, with_shared_changes
from .wiring import Options, engine_for, load_item, make_applier, open_ledger, recorded_for

__all__ = ["promote_command", "retry_command", "start_command"]

REPORTS = Path(".tricolor/reports")  # the project's (options.ReportOpt resolves it from the project root)


def _seconds(text: str, option: str) -> float:
    try:
        return parse_duration(text).total_seconds()
    except ValueError as exc:
        raise InvalidRequestError(f"{option}: {exc}") from None


@app.command("start")
@guarded
def start_command(
    stack: StackOpt,
    image: Annotated[str | None, typer.Option(
        "--image", "-i", metavar="IMAGE", help="The new image, e.g. repo/app:v2 (default: the active color's: "
        "a config-only release of the spec as it is).")] = None,
    include_shared: Annotated[bool, typer.Option(
        "--include-shared", help="Release changes of resources both colors share (namespace, the databases, a "
        "Secret they read) with the revision: they change for both colors at the deploy step, NOT canaried.")] \
        = False,
    dry: Annotated[bool, typer.Option("--dry-run", help="Offline: the steps, what each changes, the image "
                                      "policy, and a simulated run with its duration.")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Stay through the rollback window and scale the old "
                                       "color down (default: return once the new color is active).")] = False,
    gate_wait: Annotated[str, typer.Option("--gate-wait", metavar="DURATION", help="Dry run: a manual gate "
                                           "is simulated as promoted after this long.")] = "10m",
    rps: RpsOpt = None,
    spec: SpecOpt = None, stacks_dir: StacksDirOpt = None, ledger: LedgerOpt = None,
    output: OutputOpt = Output.text, applier: ApplierOpt = None, smoke_url: SmokeOpt = None,
    reason: ReasonOpt = None, report_dir: ReportOpt = REPORTS, detach: DetachOpt = False,
    lock_timeout: TimeoutOpt = 60.0, poll: PollOpt = 1.0,
) -> None:
    """Release a revision of STACK to its idle color: IMAGE on the spec as it is (without
    --image, the spec as it is on the active image: a config-only release), and walk the
    steps with analysis; return once the new color is active (the next command, or
    --wait, scales the old one down)."""
    options = Options(stack=stack, spec=spec, stacks_dir=stacks_dir, ledger=ledger, applier=applier,
                      smoke_url=smoke_url, lock_timeout=lock_timeout, poll=poll, output=output)
    store = open_ledger(options)
    item = load_item(stack, spec, stacks_dir)
    target = item.stack
    last = store.read(stack)
    prepared = prepare(target, image, recorded_for(options, store, target), reason,
                       include_shared=include_shared)  # every input checked before any config is read
    checked = check_image(target, image or _active_image(last, prepared))
    for warning in checked.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    if dry:
        prepared = with_shared_changes(prepared, item, store, quiet=output == Output.json)
        with working(f"dry run of {image or 'the spec as it is (config-only)'} on {stack}"):
            result = dry_run(target, prepared, store, checked, _seconds(gate_wait, "--gate-wait"), spec, stacks_dir,
                             rps)
        show_dry_run(result, output == Output.json)
        if not checked.ok:
            raise typer.Exit(ExitCode.ERROR)
        return
    if checked.finding:
        raise InvalidRequestError(checked.finding)
    chosen = make_applier(options, store, last)
    prepared = with_shared_changes(with_secrets(prepared, target, versions(item, chosen)), item, store,
                                   quiet=output == Output.json)
    engine = engine_for(options, store, prepared.settings, last)
    engine.services.applier = Lazy.of(chosen)
    engine.services.applier().preflight()
    for warning in duration_warnings(engine, prepared, rps):
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    start(engine, prepared)
    finish(engine, engine.run(Stop(active=not wait, person=detach)), output, report_dir)


def _active_image(last: LedgerRecord | None, prepared: Prepared) -> str:
    state = last.in_force if last is not None else prepared.configured
    return state.images[state.weights.active]


def duration_warnings(engine: Engine, prepared: Prepared, rps: float | None) -> list[str]:
    """An analysis step whose planned window cannot reach what it needs at the measured
    traffic (or --rps): ``at 5 % of 40 rps step 4/9 needs ~23 min ...``; a provider that
    cannot measure gives a note instead."""
    analysis = prepared.settings.analysis
    if rps is not None and not (math.isfinite(rps) and rps > 0):
        raise InvalidRequestError(f"--rps: {rps!r} must be a number above 0")
    if not any(step.action == StepAction.ANALYSIS for step in prepared.plan):
        return []
    current = engine.ledger.read(engine.stack)
    stable = (current.in_force if current is not None else prepared.configured).weights.active
    provider, problem = None, ""
    try:
        provider = engine.services.provider() if engine.services.provider is not None else None
    except Exception as exc:  # the release reports it when it measures; here it only leaves figures unknown
        problem = f"the metrics provider cannot be built: {str(exc)[:200]}"
    traffic = traffic_of(provider, analysis, stable, problem)
    found = estimates(prepared.plan, analysis, traffic, rps)
    notes = sorted({f"cannot size the analysis steps: {t.problem}" for t in traffic.values() if t.problem})
    return warnings(found, len(prepared.plan), analysis) + notes[:3]


@app.command("retry")
@guarded
def retry_command(
    stack: StackOpt, spec: SpecOpt = None, stacks_dir: StacksDirOpt = None, ledger: LedgerOpt = None,
    output: OutputOpt = Output.text, applier: ApplierOpt = None, smoke_url: SmokeOpt = None,
    reason: ReasonOpt = None, report_dir: ReportOpt = REPORTS, detach: DetachOpt = False,
    wait: Annotated[bool, typer.Option("--wait", help="Stay through the rollback window.")] = False,
    lock_timeout: TimeoutOpt = 60.0, poll: PollOpt = 1.0,
) -> None:
    """Start the last (aborted or rolled-back) release again from the beginning, with the
    same image, plan and settings."""
    options = Options(stack=stack, spec=spec, stacks_dir=stacks_dir, ledger=ledger, applier=applier,
                      smoke_url=smoke_url, lock_timeout=lock_timeout, poll=poll, output=output)
    store = open_ledger(options)
    last = store.read(stack)
    prepared = retry_of(last, stack)
    if reason:
        prepared = replace(prepared, reason=f"{prepared.reason}: {reason}")
    engine = engine_for(options, store, prepared.settings, last)
    engine.services.applier().preflight()
    source = secret_source(engine.services.applier())
    if prepared.candidate is not None and source is not None:
        stale = stale_secrets(prepared.candidate, stack, source)
        if stale:
            raise InvalidRequestError(f"the secret config of {', '.join(stale)} changed since release "
                                      f"{last.release_id if last else '?'}: a retry would deploy values the config "
                                      "no longer holds; start a new release (`tricolor release start`)")
    start(engine, prepared)
    finish(engine, engine.run(Stop(active=not wait, person=detach)), output, report_dir)


def _steer(action: RequestAction, options: Options, reason: str | None, report_dir: Path, detach: bool,
           full: bool = False) -> None:
    store = open_ledger(options)
    rec = store.read(options.stack)
    engine = engine_for(options, store, rec.settings if rec else None, rec)
    window_over = (rec is not None and rec.status == Status.SUCCEEDED and rec.rollback_until is not None
                   and engine.clock.now() > rec.rollback_until)
    steered = steer(engine, action, reason, full=full, detach=detach)
    if steered.queued:
        err_console.print(escape(steered.message), soft_wrap=True)
        if options.output == Output.json:
            print_json({"queued": True, "message": steered.message, "release": steered.record.release_id})
        return
    finish(engine, steered.record, options.output, report_dir)
    if window_over and action != RequestAction.RESUME:
        err_console.print(f"[bold red]error:[/] nothing to {action}: release {steered.record.release_id}'s "
                          f"rollback window was over; it is {steered.record.status} now", soft_wrap=True)
        raise typer.Exit(ExitCode.ERROR)


def _verb(action: RequestAction, help_text: str) -> None:
    @guarded
    def command(stack: StackOpt, spec: SpecOpt = None, stacks_dir: StacksDirOpt = None, ledger: LedgerOpt = None,
                output: OutputOpt = Output.text, reason: ReasonOpt = None, applier: ApplierOpt = None,
                smoke_url: SmokeOpt = None, report_dir: ReportOpt = REPORTS, detach: DetachOpt = False,
                lock_timeout: TimeoutOpt = 60.0, poll: PollOpt = 1.0) -> None:
        options = Options(stack=stack, spec=spec, stacks_dir=stacks_dir, ledger=ledger, applier=applier,
                          smoke_url=smoke_url, lock_timeout=lock_timeout, poll=poll, output=output)
        _steer(action, options, reason, report_dir, detach)

    command.__doc__ = help_text
    app.command(str(action))(command)


@app.command("promote")
@guarded
def promote_command(
    stack: StackOpt,
    full: Annotated[bool, typer.Option("--full", help="Skip every remaining step: straight to 100 %.")] = False,
    spec: SpecOpt = None, stacks_dir: StacksDirOpt = None, ledger: LedgerOpt = None,
    output: OutputOpt = Output.text, reason: ReasonOpt = None, applier: ApplierOpt = None,
    smoke_url: SmokeOpt = None, report_dir: ReportOpt = REPORTS, detach: DetachOpt = False,
    lock_timeout: TimeoutOpt = 60.0, poll: PollOpt = 1.0,
) -> None:
    """Skip the current pause or analysis (--full: every remaining step) and go on."""
    options = Options(stack=stack, spec=spec, stacks_dir=stacks_dir, ledger=ledger, applier=applier,
                      smoke_url=smoke_url, lock_timeout=lock_timeout, poll=poll, output=output)
    _steer(RequestAction.PROMOTE, options, reason, report_dir, detach, full=full)


_verb(RequestAction.PAUSE, "Pause the release (the weights in force stay).")
_verb(RequestAction.RESUME, "Resume a paused or interrupted release from its step (finishes an interrupted "
      "abort or rollback).")
_verb(RequestAction.ABORT, "Abort: the canary weight goes to 0 in one targeted update (also finishes an "
      "interrupted abort or rollback).")
_verb(RequestAction.ROLLBACK, "Within the rollback window: all traffic back on the old color at once.")
