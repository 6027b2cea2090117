"""A project of the user's own: outside any project the commands say how to start one;
``init`` refuses to overwrite and to write a project that cannot work; the release
ledger is the project's (``tricolor:ledger``, relative to its root), read by its own
program and by ``plan --ledger``, never by a plain render; ``plan`` warns about a
production stack on a shared state backend without a shared ledger."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest

from tricolor.rollout.ledger import Ledger
from tricolor.rollout.machine import new_record, with_
from tricolor.rollout.plan import PlanStep, StepAction
from tricolor.rollout.record import InForce
from tricolor.rollout.settings import ReleaseSettings
from tricolor.rollout.stores.base import LEDGER_ENV
from tricolor.spec.weights import Weights
from tricolor.stacks.config import load_stacks, read_stack_config, to_runtime
from tricolor.stacks.render import run_program

OLD, NEW = "registry.example.com/shop:0.1.0", "registry.example.com/shop:0.2.0"


@pytest.fixture
def shop(tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(LEDGER_ENV, raising=False)
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    folder = tmp_path / "shop"
    result = cli("init", str(folder), "--name", "shop", "--backend", "kubernetes")
    assert result.exit_code == 0, result.stderr
    return folder


def canary(weights: Weights) -> Any:
    rec = new_record(stack="prod", release_id="r1", image=NEW, plan=[PlanStep(0, StepAction.FINISH, 100)],
                     state=InForce(weights=Weights(100, 0), images={"blue": OLD, "green": OLD}),
                     settings=ReleaseSettings(), now=1.0, lock=None)
    return with_(rec, weights=weights, images={"blue": OLD, "green": NEW})


def route_weights(resources: list[dict[str, Any]]) -> dict[str, int]:
    """The HTTPRoute's weights, from ``plan --output json`` resources."""
    route = next(r for r in resources if r["name"] == "shop-router-route")
    return {ref["name"]: ref["weight"] for ref in route["inputs"]["spec"]["rules"][-1]["backendRefs"]}


def _prod(cli: Any, *args: str) -> tuple[dict[str, int], str]:
    result = cli("plan", "--stack", "prod", "--output", "json", *args)
    assert result.exit_code == 0, result.stderr
    (stack,) = json.loads(result.stdout)["stacks"]
    return route_weights(stack["resources"]), result.stderr


@pytest.mark.parametrize("args", [["plan"], ["policy", "check"], ["drift", "--stack", "staging,prod"],
                                  ["release", "start", "--stack", "prod", "--image", NEW, "--dry-run"],
                                  ["release", "status", "--stack", "prod"], ["preview", "name", "--pr", "1",
                                                                             "--branch", "x"],
                                  ["drift", "history"], ["preview", "list", "--backend-url", "/tmp"]])
def test_outside_any_project_a_command_says_how_to_start_one(cli: Any, tmp_path: Path, args: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(LEDGER_ENV, raising=False)
    result = cli(*args)
    assert result.exit_code == 1, (args, result.stdout, result.stderr)
    assert "not in a tricolor project" in result.stderr and "tricolor init" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_init_refuses_to_overwrite_and_writes_nothing(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    (folder / "stacks").mkdir(parents=True)
    (folder / "service.yaml").write_text("mine\n")
    (folder / "stacks" / "Pulumi.prod.yaml").write_text("mine too\n")
    result = cli("init", str(folder), "--name", "shop", "--backend", "docker")
    assert result.exit_code == 1
    assert "2 file(s) would be overwritten: service.yaml, stacks/Pulumi.prod.yaml" in result.stderr
    assert "nothing was written" in result.stderr
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == [
        "service.yaml", "stacks", "stacks/Pulumi.prod.yaml"]
    assert (folder / "service.yaml").read_text() == "mine\n"


@pytest.mark.parametrize("args, message", [
    (["--name", "Shop_1", "--backend", "kubernetes"], "--name:"),
    (["--name", "shop", "--backend", "kubernetes", "--image", "registry.example.com/shop:latest"], "mutable tag"),
    (["--name", "shop", "--backend", "kubernetes", "--image", "registry.example.com/shop"], "no tag"),
    (["--name", "shop"], "--backend BACKEND"),
    (["--backend", "aws"], "--name NAME"),
    (["--example", "--name", "shop"], "either --example or"),
    (["--name", "shop", "--backend", "lambda"], "'lambda' is not one of"),
])
def test_init_refuses_a_project_that_cannot_work(cli: Any, tmp_path: Path, args: list[str], message: str) -> None:
    result = cli("init", str(tmp_path / "new"), *args)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert not (tmp_path / "new").exists()


def test_init_example_writes_the_bundled_example_as_a_project_of_its_own(cli: Any, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "example"
    assert cli("init", str(folder), "--example").exit_code == 0
    root = Path(__file__).resolve().parents[2]
    assert (folder / "service.yaml").read_text() == (root / "service.yaml").read_text()
    for path in (root / "stacks").glob("Pulumi.*.yaml"):
        assert (folder / "stacks" / path.name).read_text() == path.read_text()
    release = (folder / ".github/workflows/release.yml").read_text()
    assert "          - prod\n          - aws-prod\n" in release and "          - staging\n" not in release
    monkeypatch.chdir(folder / "stacks")
    result = cli("plan", "--stack", "staging,prod", "--output", "json")
    assert result.exit_code == 0, result.stderr
    assert "checkout-router-route" in result.stdout


def test_a_plain_plan_reads_no_ledger_and_plan_ledger_renders_the_state_in_force(
        shop: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shop / "stacks")
    before, _ = _prod(cli)
    assert before == {"shop-blue": 100, "shop-green": 0}
    # a stale default ledger in the project, and the variable pointing at it: a plain plan ignores both
    Ledger.open(str(shop / ".tricolor" / "ledger")).update("prod", lambda _: canary(Weights(60, 40)))
    monkeypatch.setenv(LEDGER_ENV, str(shop / ".tricolor" / "ledger"))
    assert _prod(cli)[0] == before
    monkeypatch.delenv(LEDGER_ENV)
    assert _prod(cli, "--ledger", str(shop / ".tricolor" / "ledger"))[0] == {"shop-blue": 60, "shop-green": 40}
    assert _prod(cli, "--ledger", str(shop / "empty-ledger"))[0] == before  # no release there yet


def test_the_projects_own_entry_point_reads_its_ledger_relative_to_its_root(
        shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prod = shop / "stacks" / "Pulumi.prod.yaml"
    prod.write_text(prod.read_text().replace("  # tricolor:ledger: s3://my-releases/shop\n",
                                             "  tricolor:ledger: releases\n"))
    Ledger.open(str(shop / "releases")).update("prod", lambda _: canary(Weights(70, 30)))
    monkeypatch.chdir(shop)  # where `pulumi up` runs the program
    config, secrets = read_stack_config("prod", shop / "stacks")
    config["tricolor:spec"] = "service.yaml"  # what Pulumi passes from Pulumi.yaml's project config
    (item,) = load_stacks(["prod"], None, shop / "stacks")
    assert item.stack.config.ledger == "releases"
    main = shop / "stacks" / "__main__.py"
    resources = run_program(lambda: runpy.run_path(str(main), run_name="__main__"), "prod", to_runtime(config),
                            sorted(secrets))
    assert route_weights([r.as_json() for r in resources]) == {"shop-blue": 70, "shop-green": 30}


def test_plan_warns_about_a_shared_state_backend_without_a_shared_ledger(
        shop: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shop)
    assert "warning" not in _prod(cli)[1]  # local state: nothing to share
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://team-state/shop")
    warned = " ".join(_prod(cli)[1].split())
    assert "warning: stack prod is production on the shared state backend s3://team-state/shop" in warned
    assert "tricolor:ledger" in warned
    prod = shop / "stacks" / "Pulumi.prod.yaml"
    prod.write_text(prod.read_text().replace("  # tricolor:ledger: s3://my-releases/shop\n",
                                             "  tricolor:ledger: s3://my-releases/shop\n"))
    assert "warning" not in _prod(cli)[1]
    monkeypatch.delenv("PULUMI_BACKEND_URL")
    project = shop / "Pulumi.yaml"
    project.write_text(project.read_text().replace("# backend:\n#   url: s3://my-pulumi-state/shop\n",
                                                   "backend:\n  url: s3://my-pulumi-state/shop\n"))
    prod.write_text(prod.read_text().replace("  tricolor:ledger: s3://my-releases/shop\n",
                                             "  tricolor:ledger: .tricolor/ledger\n"))
    assert "a local folder (.tricolor/ledger)" in " ".join(_prod(cli)[1].split())


def test_defaults_resolve_from_the_project_root_from_any_subfolder(shop: Path, cli: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger (.tricolor/ledger), the release report and the drift history are the
    project's, wherever in it a command runs."""
    deep = shop / "docs" / "notes"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    result = cli("release", "start", "--stack", "prod", "--image", NEW, "--applier", "offline",
                 "--smoke-url", "http://127.0.0.1:9")  # nothing listens there: the smoke tests fail, it aborts
    assert result.exit_code == 2, result.stderr
    assert (shop / ".tricolor" / "ledger" / "prod.json").is_file()
    assert len(list((shop / ".tricolor" / "reports").glob("release-prod-*.html"))) == 1
    assert not (deep / ".tricolor").exists()
    status = cli("release", "status", "--stack", "prod", "--output", "json")
    assert status.exit_code == 2 and json.loads(status.stdout)["status"] == "aborted"
    history = cli("drift", "history")
    assert history.exit_code == 1 and str(shop / ".tricolor" / "drift-history.sqlite") in " ".join(
        history.stderr.split())
