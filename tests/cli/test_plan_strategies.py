"""`tricolor plan` and strategies: each production schedule (migrations included) and
what rolling and blue-green cost, for the example."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from rich.console import Console

from tricolor.cli.plan_release import cost_table, schedule_tables
from tricolor.rollout.costs import strategy_costs
from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import Rendered

MIGRATIONS = {"command": ["python", "manage.py", "migrate"], "expand": ["--expand"], "contract": ["--contract"]}


def wide(*renderables: Any) -> str:
    console = Console(width=250, record=True, file=io.StringIO())
    for renderable in renderables:
        console.print(renderable)
    return console.export_text()


def test_plan_shows_each_strategy_schedule_and_what_each_costs(cli) -> None:
    result = cli("plan", "--stack", "prod", "--stack", "small")
    assert result.exit_code == 0, result.stderr
    assert "release schedule" in result.stdout and "what each strategy costs" in result.stdout
    rendered = [Rendered(stack=item.stack) for item in load_stacks(["prod", "small"])]
    out = wide(*schedule_tables(rendered), cost_table(rendered))
    assert "release schedule: blueGreen (explicit steps) - prod" in out
    assert "release schedule: rolling (rolling update) - small" in out
    assert "roll the new image out in place" in out and "set weight 10%" in out
    assert "8 replicas, 2 vCPU, 2 GiB" in out  # blue-green on prod: both colors through the release
    assert "5 replicas, 1.25 vCPU, 1.25 GiB" in out  # rolling on prod: 4 and a surge of 25 %
    assert re.search(r"small +│ rolling \* ", out)  # the strategy in use is marked


def test_plan_json_has_the_release_of_each_production_stack(cli) -> None:
    result = cli("plan", "--stack", "staging", "--stack", "small", "--output", "json")
    assert result.exit_code == 0, result.stderr
    release = json.loads(result.stdout)["release"]
    assert list(release) == ["small"]  # staging is not released
    small = release["small"]
    assert small["strategy"] == "rolling" and [s["action"] for s in small["schedule"]][0] == "deploy"
    costs = {c["strategy"]: c for c in small["costs"]}
    assert costs["rolling"]["at_rest"] == {"replicas": 2, "vcpu": 0.5, "memory_mib": 512}
    assert costs["blueGreen"]["during_release"]["replicas"] == 4
    assert small["refused"] is None


def test_plan_shows_the_migration_steps_in_the_schedule(cli, spec_data: dict[str, Any], write_spec) -> None:
    spec_data["release"]["migrations"] = MIGRATIONS
    spec = str(write_spec(spec_data))
    result = cli("plan", "--stack", "prod", "--stack", "lambda-prod", "--spec", spec, "--output", "json")
    release = json.loads(result.stdout)["release"]
    actions = [s["action"] for s in release["prod"]["schedule"]]
    assert actions[0] == "expand" and actions[1] == "deploy" and actions[-2:] == ["finish", "contract"]
    assert "python manage.py migrate --expand" in release["prod"]["schedule"][0]["description"]
    assert "lambda backend" in release["lambda-prod"]["refused"]
    text = cli("plan", "--stack", "prod", "--stack", "lambda-prod", "--spec", spec, "--no-policy-gate")
    assert text.exit_code == 0 and "expand" in text.stdout and "contract" in text.stdout
    rendered = [Rendered(stack=item.stack) for item in load_stacks(["prod", "lambda-prod"], Path(spec))]
    out = wide(*schedule_tables(rendered))
    assert "expand migration: run `python manage.py migrate --expand` with the new image" in out
    assert "contract migration" in out and "refused" in out and "lambda backend" in out
    assert result.exit_code == 1  # the policy gate: release-migrations flags lambda-prod (mandatory)


def test_costs_per_backend() -> None:
    by_name = {item.stack.name: item.stack for item in load_stacks(["prod", "local", "lambda-prod"])}
    rolling = {name: strategy_costs(stack.spec, stack.backend)[0] for name, stack in by_name.items()}
    assert rolling["prod"].during.replicas == 5  # Kubernetes: 4 and maxSurge 25 % (1)
    assert rolling["local"].during.replicas == 1  # Docker recreates: no surge
    assert rolling["lambda-prod"].during.replicas == 4  # the new version's concurrency before the old one goes
