"""``release start --dry-run``: the schedule with what each step changes (offline), the
image policy, and a simulated run of the whole release on synthetic traffic with a
virtual clock, from which the release's duration is estimated; per analysis step, how
long it needs to detect each metric's stated effect at the synthetic traffic (or
``--rps``) next to how long the schedule gives it (``rollout.duration``).

A dry run always ends: a manual gate (``pause: {}``) is simulated as promoted by a
person after ``gate_wait`` (marked so in the output), and the simulation stops after a
bounded number of actions whatever happens. Nothing is written to the ledger: the
simulation runs on an in-memory copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from ...rollout.appliers.base import ApplierContext
from ...rollout.appliers.offline import OfflineApplier
from ...rollout.clock import VirtualClock
from ...rollout.duration import Estimate, estimates, measure_traffic
from ...rollout.engine import Engine, Services, Stop
from ...rollout.errors import InvalidRequestError
from ...rollout.judge import get_judge
from ...rollout.ledger import Ledger
from ...rollout.machine import new_record, target_of, with_
from ...rollout.migration_state import migration_name
from ...rollout.migrations.base import MigrationContext, MigrationRelease
from ...rollout.migrations.offline import OfflineMigrationRunner, where_it_runs
from ...rollout.plan import StepAction
from ...rollout.providers.base import ProviderContext
from ...rollout.providers.registry import get_provider
from ...rollout.record import InForce, LedgerRecord, Status, StepState
from ...rollout.revisions import baseline, choose
from ...rollout.smoke import SkippedSmoke
from ...rollout.stores.memory import MemoryStore
from ...rollout.verbs import Prepared, start
from ...spec.durations import format_duration
from ...spec.revision import Revision
from ...spec.stack import Stack
from ...spec.weights import other
from ...stacks.config import project_root
from ..common import console, print_json
from .checks import ImageCheck
from .durations import estimate_lines

__all__ = ["DryRun", "dry_run", "show_dry_run"]

BUDGET = 5000  # actions of the simulation, far more than any plan needs
LOOKBACK = 3600.0


@dataclass(frozen=True)
class DryRun:
    steps: list[dict[str, Any]]
    simulation: LedgerRecord
    image: ImageCheck
    gate_wait: float
    durations: list[Estimate] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.simulation.status in (Status.SUCCEEDED, Status.COMPLETED, Status.ABORTED, Status.ROLLED_BACK)

    @property
    def to_active(self) -> float | None:
        """Seconds from start to the new color active, in the simulation."""
        done = next((e.at for e in self.simulation.events if e.kind == "succeeded"), None)
        return None if done is None else done - self.simulation.started_at

    @property
    def gates(self) -> int:
        return sum(1 for e in self.simulation.events if e.kind == "simulated")

    def estimate(self) -> dict[str, Any]:
        settings = self.simulation.settings
        applies = sum(1 for s in self.simulation.plan if s.action.applies)
        return {"to_active_seconds": self.to_active, "rollback_window_seconds": settings.rollback_window,
                "applies": applies, "manual_gates": sum(1 for s in self.simulation.plan if s.manual),
                "gate_wait_seconds": self.gate_wait}

    def estimate_text(self) -> str:
        est = self.estimate()
        if est["to_active_seconds"] is None:
            return "estimated duration: unknown (the simulation did not reach 100 %)"
        text = f"estimated time to 100 %: {_human(est['to_active_seconds'])}"
        if est["manual_gates"]:
            text += f" (counting {est['manual_gates']} manual gate(s) promoted after {_human(self.gate_wait)})"
        text += f", plus the time of {est['applies']} apply(s)"
        window = est["rollback_window_seconds"]
        return text + (f"; then the rollback window: {_human(window)}" if window else "")

    def document(self) -> dict[str, Any]:
        sim = self.simulation
        return {"steps": [{k: s[k] for k in ("index", "action", "weights", "changes", "runs") if k in s}
                          for s in self.steps],
                "image_policy": self.image.as_dict(), "estimate": self.estimate(),
                "durations": [e.as_dict() for e in self.durations],
                "simulation": {"status": str(sim.status), "reason": sim.reason, "ended": self.ended,
                               "verdicts": [str(v.verdict) for v in sim.verdicts], "simulated_gates": self.gates}}


def _human(seconds: float) -> str:
    return format_duration(timedelta(seconds=round(seconds)))


def dry_run(stack: Stack, prepared: Prepared, ledger: Ledger, image: ImageCheck, gate_wait: float,
            spec_file: Path | None, stacks_dir: Path | None, rps: float | None = None) -> DryRun:
    current = ledger.read(stack.name)
    if current is not None and current.status in (Status.RUNNING, Status.PAUSED):
        raise InvalidRequestError(f"stack {stack.name!r} already has release {current.release_id} "
                                  f"({current.status}): resume, promote or abort it first")
    state = current.in_force if current is not None else prepared.configured
    if current is not None and current.status.closing:  # `start` finishes the abort or rollback first
        state = target_of(current)
    if state.weights.blue not in (0, 100):
        raise InvalidRequestError(f"weights in force are split ({state.weights.as_dict()}): abort or finish first")
    catalog: dict[str, Revision] = dict(current.catalog) if current is not None else {}
    revision = None
    if prepared.candidate is not None:
        state, catalog = baseline(state, catalog, prepared.candidate, 0.0)
        revision = choose(state, catalog, prepared.candidate, 0.0)
        catalog[revision.id] = revision
    applier = OfflineApplier(ApplierContext(stack=stack.name, project=project_root(stacks_dir), spec_file=spec_file,
                                            stacks_dir=stacks_dir, in_force=state, catalog=catalog))
    steps = _steps(prepared, state, applier, revision, catalog)
    sim_ledger = Ledger(MemoryStore())
    if current is not None:
        last = current.model_copy(update={"lock": None})  # the simulation is nobody's release
        sim_ledger.update(stack.name, lambda _: last)
    analysis = prepared.settings.analysis
    synthetic = get_provider("synthetic", ProviderContext({"seed": 0}))
    stable = state.weights.active  # the synthetic traffic of the last hour, as a provider would measure it
    traffic = measure_traffic(synthetic, analysis.metrics, stable, other(stable), LOOKBACK, LOOKBACK)
    durations = estimates(prepared.plan, analysis, traffic, rps)
    services = Services.of(applier, provider=synthetic,
                           judge=get_judge(analysis.judge, analysis.min_samples, analysis.alpha, analysis.looks),
                           smoke=SkippedSmoke(), migrations=OfflineMigrationRunner(MigrationContext(stack=stack)))
    engine = Engine(stack=stack.name, ledger=sim_ledger, services=services, clock=VirtualClock(),
                    gate_wait=gate_wait, budget=BUDGET, poll=60.0)
    start(engine, prepared)
    return DryRun(steps, engine.run(Stop(active=True)), image, gate_wait, durations)


def _steps(prepared: Prepared, state: InForce, applier: OfflineApplier, revision: Revision | None,
           catalog: dict[str, Revision]) -> list[dict[str, Any]]:
    """Each step of the plan with the state it puts in force and the URNs that changes."""
    image = revision.image if revision is not None else prepared.image or state.images[state.weights.active]
    rec = new_record(stack=applier.stack, release_id="dry-run", image=image, plan=prepared.plan,
                     state=state, settings=prepared.settings, now=0.0, lock=None, revision=revision,
                     catalog=catalog)
    out, before = [], state
    for step in prepared.plan:
        after = before
        if step.action.applies:
            after = target_of(with_(rec, step_index=step.index, step_state=StepState.PENDING, target=None,
                                    images=dict(before.images), revisions=before.revisions,
                                    shared=before.shared))
        changes = applier.diff(before, after) if after != before else []
        out.append({"index": step.index, "action": str(step.action), "weights": step.weights(rec.canary).as_dict(),
                    "description": step.description, "changes": changes,
                    "manual": step.action == StepAction.PAUSE and step.duration is None})
        if step.action.migrates:  # what the migration runs, and where
            migrations = prepared.settings.migrations
            command = tuple(migrations.command_line(str(step.action))) if migrations is not None else ()
            release = MigrationRelease(stack=applier.stack, release_id="dry-run", image=image,
                                       name=migration_name(applier.stack, str(step.action), "dry-run"),
                                       command=command, timeout=0, source=None if prepared.settings.rolling
                                       else rec.stable if step.action == StepAction.EXPAND else rec.canary)
            out[-1]["runs"] = {"command": list(command), "image": (migrations.image if migrations else None)
                               or image, "where": where_it_runs(applier.item.stack, release)}
        before = after
    return out


def show_dry_run(result: DryRun, as_json: bool) -> None:
    """Print a dry run: the steps (manual gates marked), the image policy, the simulation
    and the estimate; or all of it as one JSON document."""
    if as_json:
        print_json(result.document())
        return
    sim = result.simulation
    table = Table("#", "action", "blue", "green", "changes", "description",
                  title=f"dry run: {escape(sim.image)} on {escape(sim.stack)}", title_justify="left")
    for s in result.steps:
        names = ", ".join(urn.rsplit("::", 1)[-1] for urn in s["changes"]) or "-"
        note = f" (dry run: promoted after {_human(result.gate_wait)})" if s["manual"] else ""
        table.add_row(str(s["index"] + 1), s["action"], str(s["weights"]["blue"]), str(s["weights"]["green"]),
                      escape(names), escape(s["description"]) + note)
    console.print(table)
    console.print(f"image policy: {'ok' if result.image.ok else escape(result.image.finding or '')}", soft_wrap=True)
    console.print(f"simulated on synthetic traffic: [bold]{sim.status}[/]"
                  + (f" ({escape(sim.reason)})" if sim.reason else "") + f", {len(sim.verdicts)} verdict(s)"
                  + (f", {result.gates} manual gate(s) simulated as promoted" if result.gates else "")
                  + ("" if result.ended else " (the simulation stopped: it did not end)"), soft_wrap=True)
    console.print(escape(result.estimate_text()), soft_wrap=True)
    for line in estimate_lines(result.durations, sim.plan):
        console.print(escape(line), soft_wrap=True)
