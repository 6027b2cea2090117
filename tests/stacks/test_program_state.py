"""The stack program receives the release state in force as an input: its entry point
(``stacks/__main__.py``) reads it from the ledger named by ``tricolor:ledger`` (or
``$TRICOLOR_LEDGER``), and a plain render reads no ledger at all."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import pytest

from tricolor.rollout.ledger import Ledger
from tricolor.rollout.machine import new_record, with_
from tricolor.rollout.plan import PlanStep, StepAction
from tricolor.rollout.program_state import ledger_state
from tricolor.rollout.record import InForce, LedgerRecord, StepState
from tricolor.rollout.settings import ReleaseSettings
from tricolor.rollout.stores.base import LEDGER_ENV
from tricolor.spec.errors import SpecError
from tricolor.spec.weights import Weights
from tricolor.stacks.config import load_stacks, read_stack_config, to_runtime
from tricolor.stacks.render import render, run_program

ROOT = Path(__file__).resolve().parents[2]
OLD, NEW = "ghcr.io/acme/checkout:1.4.2", "ghcr.io/acme/checkout:9.9.9"
MAIN = ROOT / "stacks" / "__main__.py"


def canary_record(weights: Weights, applying: Weights | None = None) -> LedgerRecord:
    rec = new_record(stack="prod", release_id="r1", image=NEW, plan=[PlanStep(0, StepAction.FINISH, 100)],
                     state=InForce(weights=Weights(100, 0), images={"blue": OLD, "green": OLD}),
                     settings=ReleaseSettings(), now=1.0, lock=None)
    rec = with_(rec, weights=weights, images={"blue": OLD, "green": NEW})
    if applying is not None:
        rec = with_(rec, step_state=StepState.APPLYING,
                    target=InForce(weights=applying, images={"blue": OLD, "green": NEW}))
    return rec


def route_weights(resources: list) -> dict[str, int]:
    route = next(r for r in resources if r.name == "checkout-router-route")
    return {ref["name"]: ref["weight"] for ref in route.inputs["spec"]["rules"][-1]["backendRefs"]}


def stacks_with_ledger(tmp_path: Path, ledger: str) -> Path:
    folder = tmp_path / "stacks"
    shutil.copytree(ROOT / "stacks", folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = folder / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("  tricolor:backend: kubernetes\n",
                                             f"  tricolor:backend: kubernetes\n  tricolor:ledger: {ledger}\n"))
    return folder


def run_main(folder: Path) -> list:
    """The real entry point, as `pulumi up -s prod` runs it (under the mock runtime)."""
    config, secrets = read_stack_config("prod", folder)
    config.setdefault("tricolor:spec", str(ROOT / "service.yaml"))
    (item,) = load_stacks(["prod"], ROOT / "service.yaml", folder)  # a loose stacks folder: the spec is given
    for ref in item.stack.spec.secrets.values():  # placeholders, as a render gives them
        key = ref.config if ":" in ref.config else f"tricolor:{ref.config}"
        config.setdefault(key, "[secret]")
        secrets.add(key)
    return run_program(lambda: runpy.run_path(str(MAIN), run_name="__main__"), "prod", to_runtime(config),
                       sorted(secrets))


def test_the_entry_point_reads_the_ledger_named_by_the_stack_config(tmp_path, monkeypatch):
    """A plain `pulumi up` by anyone reads the team's ledger from the stack config, not
    from an environment variable nobody set, and never undoes the canary."""
    monkeypatch.delenv(LEDGER_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    ledger = tmp_path / "team-ledger"
    folder = stacks_with_ledger(tmp_path, str(ledger))
    assert sorted(route_weights(run_main(folder)).values()) == [0, 100]  # no release yet: the stack config
    Ledger.open(str(ledger)).update("prod", lambda _: canary_record(Weights(70, 30)))
    resources = run_main(folder)
    assert route_weights(resources) == {"checkout-blue": 70, "checkout-green": 30}
    green = next(r for r in resources if r.name == "checkout-green-deployment")
    assert green.inputs["spec"]["template"]["spec"]["containers"][0]["image"] == NEW


def test_the_environment_variable_overrides_the_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = stacks_with_ledger(tmp_path, str(tmp_path / "configured"))
    Ledger.open(str(tmp_path / "override")).update("prod", lambda _: canary_record(Weights(60, 40)))
    monkeypatch.setenv(LEDGER_ENV, str(tmp_path / "override"))
    assert route_weights(run_main(folder)) == {"checkout-blue": 60, "checkout-green": 40}


def test_while_a_step_is_applied_the_program_builds_its_target(tmp_path, monkeypatch):
    monkeypatch.setenv(LEDGER_ENV, str(tmp_path / "ledger"))
    Ledger.open().update("prod", lambda _: canary_record(Weights(90, 10), applying=Weights(80, 20)))
    (item,) = load_stacks(["prod"])
    state = ledger_state(item.stack)
    assert state.weights == Weights(80, 20) and state.images["green"] == NEW


def test_a_plain_render_never_reads_a_ledger(tmp_path, monkeypatch):
    """`tricolor plan` and the tests render purely: a stale `.tricolor/ledger` in the
    working directory, or `$TRICOLOR_LEDGER`, changes nothing."""
    monkeypatch.chdir(tmp_path)
    Ledger.open(str(tmp_path / ".tricolor" / "ledger")).update("prod", lambda _: canary_record(Weights(50, 50)))
    monkeypatch.setenv(LEDGER_ENV, str(tmp_path / ".tricolor" / "ledger"))
    (item,) = load_stacks(["prod"], None, ROOT / "stacks")
    assert sorted(route_weights(render(item).resources).values()) == [0, 100]


def test_a_render_takes_the_state_as_a_parameter():
    from tricolor.stacks.state import ReleaseState

    (item,) = load_stacks(["prod"])
    state = ReleaseState(weights=Weights(25, 75), images={"blue": OLD, "green": NEW})
    assert route_weights(render(item, state).resources) == {"checkout-blue": 25, "checkout-green": 75}


def test_an_unreadable_ledger_fails_the_program_instead_of_falling_back(tmp_path, monkeypatch):
    monkeypatch.setenv(LEDGER_ENV, str(tmp_path / "ledger"))
    (tmp_path / "ledger").mkdir()
    (tmp_path / "ledger" / "prod.json").write_text("{broken")
    (item,) = load_stacks(["prod"])
    with pytest.raises(Exception, match="not a valid ledger record"):
        ledger_state(item.stack)


@pytest.mark.parametrize("value, message", [("ftp://x/y", "not a ledger location"), ("s3://", "names no bucket")])
def test_a_bad_ledger_location_is_refused_at_load(tmp_path, value, message):
    folder = stacks_with_ledger(tmp_path, value)
    with pytest.raises(SpecError, match=message):
        load_stacks(["prod"], None, folder)
