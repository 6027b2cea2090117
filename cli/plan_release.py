"""What ``tricolor plan`` shows of releases: each production strategy's schedule (the
plan a release walks, migrations included) and what each strategy costs.

The schedule is ``rollout.plan.build_plan`` of a production stack's effective spec (a
stack may override ``release.strategy``), once per distinct schedule, naming the stacks
that share it. The cost table puts rolling beside blue-green for each production stack
(``rollout.costs``): running replicas, vCPU and memory requested during a release, in
the rollback window and at rest, so a team sees the price of blue-green. Every value
printed is ``rich.text.Text`` (data is never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from rich.table import Table
from rich.text import Text

from ..rollout.costs import strategy_costs
from ..rollout.migrations.registry import migration_problem
from ..rollout.plan import PlanStep, build_plan
from ..spec.durations import format_duration
from ..spec.stack import Stack
from ..stacks.render import Rendered

__all__ = ["cost_table", "release_document", "schedule_tables"]


def _production(rendered: Sequence[Rendered]) -> list[Stack]:
    return [r.stack for r in rendered if r.stack.environment == "production"]


def _row(step: PlanStep) -> tuple[str, ...]:
    wait = "" if step.duration is None else format_duration_seconds(step.duration)
    return str(step.index + 1), str(step.action), str(step.weight), wait, step.description


def format_duration_seconds(seconds: float) -> str:
    return format_duration(timedelta(seconds=seconds))


def _schedules(stacks: Sequence[Stack]) -> dict[tuple[tuple[str, ...], ...], tuple[str, list[str], list[PlanStep]]]:
    """Distinct plans -> (strategy, stack names, steps)."""
    out: dict[tuple[tuple[str, ...], ...], tuple[str, list[str], list[PlanStep]]] = {}
    for stack in stacks:
        plan = build_plan(stack.spec.release)
        key = tuple(_row(s) for s in plan)
        out.setdefault(key, (stack.spec.release.strategy, [], plan))[1].append(stack.name)
    return out


def schedule_tables(rendered: Sequence[Rendered]) -> list[Table]:
    """One table per distinct release plan of the production stacks."""
    stacks = _production(rendered) or [rendered[0].stack]
    tables = []
    for strategy, names, plan in _schedules(stacks).values():
        release = next(s for s in stacks if s.name == names[0]).spec.release
        kind = release.preset or ("explicit steps" if release.steps is not None else "no steps")
        title = f"release schedule: {strategy} ({kind if strategy == 'blueGreen' else 'rolling update'}) - " \
                f"{', '.join(names)}"
        table = Table("#", "step", "new %", "wait", "what happens", title=Text(title), title_justify="left")
        for row in (_row(s) for s in plan):
            table.add_row(*(Text(cell) for cell in row))
        problems = {p for s in stacks if s.name in names and (p := migration_problem(s))}
        for problem in sorted(problems):
            table.add_row("", Text("refused"), "", "", Text(problem))
        tables.append(table)
    return tables


def cost_table(rendered: Sequence[Rendered]) -> Table | None:
    """Rolling beside blue-green for each production stack (``None``: no production stack)."""
    stacks = _production(rendered)
    if not stacks:
        return None
    table = Table("stack", "strategy", "during a release", "rollback window", "at rest",
                  title="what each strategy costs (replicas, vCPU and memory requested; * in use)",
                  title_justify="left")
    for stack in stacks:
        for cost in strategy_costs(stack.spec, stack.backend):
            mark = " *" if cost.strategy == stack.spec.release.strategy else ""
            table.add_row(Text(stack.name), Text(cost.strategy + mark), Text(str(cost.during)),
                          Text(str(cost.window)), Text(str(cost.at_rest)))
    return table


def release_document(rendered: Sequence[Rendered]) -> dict[str, Any]:
    """The ``release`` key of ``plan --output json``: per production stack its strategy,
    its schedule and the cost of each strategy."""
    out: dict[str, Any] = {}
    for stack in _production(rendered):
        out[stack.name] = {
            "strategy": stack.spec.release.strategy,
            "schedule": [{"index": s.index, "action": str(s.action), "weight": s.weight, "duration": s.duration,
                          "description": s.description} for s in build_plan(stack.spec.release)],
            "costs": [c.as_dict() for c in strategy_costs(stack.spec, stack.backend)],
            "refused": migration_problem(stack),
        }
    return out
