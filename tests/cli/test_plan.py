"""`tricolor plan`: the main job, offline; bad input stops it cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml


def test_plan_text_shows_trees_and_schedule(cli) -> None:
    result = cli("plan", "--stack", "staging", "--stack", "prod")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "staging (staging, kubernetes)" in out and "prod (production, kubernetes)" in out
    assert "tricolor:kubernetes:BlueGreen" in out and "checkout-green-deployment" in out
    assert "release schedule" in out and "set weight 10%" in out and "pause 5m" in out


def test_plan_json_document(cli) -> None:
    result = cli("plan", "--stack", "prod", "--output", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    (stack,) = doc["stacks"]
    assert (stack["stack"], stack["environment"], stack["backend"]) == ("prod", "production", "kubernetes")
    first = stack["resources"][0]
    assert set(first) == {"urn", "type", "name", "parent", "inputs"}
    urns = {r["urn"] for r in stack["resources"]}
    assert all(r["parent"] in urns or r["parent"].endswith("pulumi:pulumi:Stack::tricolor-prod")
               for r in stack["resources"])


def test_plan_with_another_spec(cli, spec_data: dict, write_spec) -> None:
    spec_data["name"] = "billing"
    result = cli("plan", "--stack", "staging", "--spec", str(write_spec(spec_data)), "--output", "json")
    assert result.exit_code == 0, result.stderr
    names = {r["name"] for r in json.loads(result.stdout)["stacks"][0]["resources"]}
    assert "billing-deployment" in names


def assert_clean_failure(result: Any, *fragments: str) -> None:
    assert result.exit_code == 1
    assert result.stdout == ""  # nothing rendered
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def bad(spec_data: dict, change) -> dict:
    change(spec_data)
    return spec_data


@pytest.mark.parametrize(("change", "fragments"), [
    (lambda d: d.pop("image"), ["image: required key is missing"]),
    (lambda d: d.update(colour="blue"), ["colour: unknown key"]),
    (lambda d: d["release"]["steps"].__setitem__(0, {"setWeight": 120}), ["release.steps[0].setWeight"]),
    (lambda d: d["release"]["steps"].__setitem__(0, {"setWeight": -1}), ["release.steps[0].setWeight"]),
    (lambda d: d["release"]["steps"].__setitem__(0, {"setWeight": "5"}), ["release.steps[0].setWeight"]),
    (lambda d: d["release"]["steps"].__setitem__(0, {"setWeight": 2.5}), ["release.steps[0].setWeight"]),
    (lambda d: d.update(name="Checkout_Service"), ["name:", "DNS-1123"]),
    (lambda d: d.update(name="c" * 64), ["name:", "63"]),
])
def test_bad_spec(cli, spec_data: dict, write_spec, change, fragments: list[str]) -> None:
    path = write_spec(bad(spec_data, change))
    assert_clean_failure(cli("plan", "--spec", str(path)), str(path), *fragments)


def test_spec_that_is_not_yaml(cli, write_spec) -> None:
    path = write_spec("apiVersion: tricolor.dev/v1\nname: [oops\n")
    assert_clean_failure(cli("plan", "--spec", str(path)), str(path), "not valid YAML")


def test_spec_that_does_not_exist(cli, tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    assert_clean_failure(cli("plan", "--spec", str(path)), str(path), "does not exist")


def write_stacks(tmp_path: Path, root: Path, prod_config: dict) -> Path:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.staging.yaml").write_text((root / "stacks/Pulumi.staging.yaml").read_text())
    (stacks / "Pulumi.prod.yaml").write_text(yaml.safe_dump({"config": prod_config}))
    return stacks


PROD = {"tricolor:environment": "production", "tricolor:backend": "kubernetes"}


@pytest.mark.parametrize(("config", "fragments"), [
    ({**PROD, "tricolor:overrides": {"port": 9090}}, ["config.tricolor:overrides.port", "not allowed"]),
    ({**PROD, "tricolor:weights": {"blue": 120, "green": -20}}, ["config.tricolor:weights", "120"]),
    ({**PROD, "tricolor:weights": {"blue": "5", "green": 95}}, ["config.tricolor:weights", "'5'"]),
    ({**PROD, "tricolor:weights": {"blue": 2.5, "green": 97.5}}, ["config.tricolor:weights", "2.5"]),
    ({**PROD, "tricolor:backend": "nomad"}, ["unknown backend 'nomad'", "kubernetes, aws, docker"]),
])
def test_bad_stack_config(cli, tmp_path: Path, root: Path, config: dict, fragments: list[str]) -> None:
    stacks = write_stacks(tmp_path, root, config)
    result = cli("plan", "--stacks-dir", str(stacks))
    assert_clean_failure(result, str(stacks / "Pulumi.prod.yaml"), *fragments)


def test_unknown_stack(cli) -> None:
    assert_clean_failure(cli("plan", "--stack", "qa"), "no such stack 'qa'", "staging, prod")


def test_the_real_command_exits_non_zero_without_traceback(tmp_path: Path) -> None:
    tricolor = Path(sys.executable).parent / "tricolor"
    proc = subprocess.run([str(tricolor), "plan", "--spec", str(tmp_path / "nope.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_plan_renders_a_preview_stack_offline(cli) -> None:
    from tricolor.previews.naming import preview_names

    name = preview_names(42, "feat/new-cart", "checkout").stack
    result = cli("plan", "--stack", name, "--output", "json")
    assert result.exit_code == 0, result.stderr
    (stack,) = json.loads(result.stdout)["stacks"]
    assert (stack["stack"], stack["environment"]) == (name, "preview")
    route = next(r for r in stack["resources"] if r["type"].endswith("HTTPRoute"))["inputs"]
    assert route["metadata"]["labels"]["tricolor.dev/pr"] == "42"
    assert route["spec"]["hostnames"] == [f"{name}.checkout.example.com"]  # never production's host


def test_each_environment_answers_on_its_own_hostnames(rendered_k8s: dict) -> None:
    def hosts(stack: str) -> list[str]:
        return rendered_k8s[stack].find("checkout-router-route").inputs["spec"]["hostnames"]

    assert hosts("staging") == ["checkout.staging.example.com"]
    assert hosts("prod") == ["checkout.example.com"]


# -- plan --against: a reviewable diff ------------------------------------------------------

def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          timeout=60).stdout


@pytest.fixture
def repo(tmp_path: Path, root: Path) -> Path:
    """A git repository holding a copy of the example project (spec and stack files),
    one commit; the test then edits the working tree."""
    project = tmp_path / "repo"
    (project / "stacks").mkdir(parents=True)
    (project / "service.yaml").write_text((root / "service.yaml").read_text())
    for path in (root / "stacks").glob("Pulumi.*.yaml"):
        (project / "stacks" / path.name).write_text(path.read_text())
    _git(project, "init", "-q", "-b", "main")
    _git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    _git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base")
    return project


def _edit(repo: Path) -> None:
    """The change under review: an env var added, staging scaled, a dependency replaced."""
    spec = yaml.safe_load((repo / "service.yaml").read_text())
    spec["env"]["CART_TTL"] = "900"
    spec["dependencies"] = [d for d in spec["dependencies"] if d["name"] != "sessions"]
    spec["dependencies"].append({"name": "carts", "kind": "redis", "version": "7", "size": "1Gi",
                                 "env": {"CARTS_URL": "url"}})
    (repo / "service.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    staging = yaml.safe_load((repo / "stacks" / "Pulumi.staging.yaml").read_text())
    staging["config"]["tricolor:overrides"]["replicas"] = 3
    (repo / "stacks" / "Pulumi.staging.yaml").write_text(yaml.safe_dump(staging))


def _plan(cli: Any, repo: Path, *args: str) -> Any:
    return cli("plan", "--stack", "staging", "--spec", str(repo / "service.yaml"), "--stacks-dir",
               str(repo / "stacks"), *args)


def _state_of(cli: Any, repo: Path, tmp_path: Path) -> dict[str, Any]:
    """The staging stack as Pulumi would have stored it after deploying the base commit."""
    saved = _plan(cli, repo, "--output", "json")
    assert saved.exit_code == 0, saved.stderr
    (stack,) = json.loads(saved.stdout)["stacks"]
    resources = [{"urn": "urn:pulumi:staging::tricolor::pulumi:pulumi:Stack::tricolor-staging", "custom": False,
                  "type": "pulumi:pulumi:Stack"}]
    resources += [{"urn": r["urn"], "custom": True, "type": r["type"], "id": f"{r['name']}-id",
                   "inputs": r["inputs"], "outputs": {**r["inputs"], "status": {"ready": True}}}
                  for r in stack["resources"] if "$" in r["urn"] or True]
    return {"version": 3, "checkpoint": {"stack": "staging", "latest": {"resources": resources}}}


def _assert_the_change(text: str) -> None:
    assert '~ data.CART_TTL: + "900"' in text
    assert "~ spec.replicas: 2 -> 3" in text
    assert "+ kubernetes:apps/v1:StatefulSet" in text and "carts" in text
    assert "- kubernetes:apps/v1:StatefulSet" in text and "sessions" in text
    assert "Plan: " in text and " to add, " in text


def test_against_git_ref_in_text_json_and_markdown(cli: Any, repo: Path) -> None:
    _edit(repo)
    text = _plan(cli, repo, "--against", "git:main")
    assert text.exit_code == 0, text.stderr
    _assert_the_change(text.stdout)
    assert "against git:main (" in " ".join(text.stdout.split())
    document = json.loads(_plan(cli, repo, "--against", "git:main", "--output", "json").stdout)
    (changes,) = document["changes"]["stacks"]
    assert document["changes"]["summary"] == {"add": changes["add"], "change": changes["change"],
                                              "delete": changes["delete"]}
    assert changes["add"] >= 1 and changes["change"] >= 2 and changes["delete"] >= 1
    config = next(r for r in changes["resources"] if r["name"] == "checkout-config")
    assert {"path": "data.CART_TTL", "action": "add", "old": None, "new": "900"} in config["properties"]
    markdown = _plan(cli, repo, "--against", "git:main", "--output", "markdown").stdout
    assert markdown.startswith("### tricolor plan: ")
    assert "```diff" in markdown
    _assert_the_change(markdown)
    # the working tree is untouched by rendering the base
    assert "CART_TTL" in (repo / "service.yaml").read_text()


def test_exact_summary_line(cli: Any, repo: Path) -> None:
    staging = yaml.safe_load((repo / "stacks" / "Pulumi.staging.yaml").read_text())
    staging["config"]["tricolor:overrides"]["env.LOG_LEVEL"] = "warn"
    (repo / "stacks" / "Pulumi.staging.yaml").write_text(yaml.safe_dump(staging))
    result = _plan(cli, repo, "--against", "git:HEAD")
    assert "~ data.LOG_LEVEL: \"debug\" -> \"warn\"" in result.stdout
    # the ConfigMap, and the Deployment whose pods carry the digest of the configuration
    # they run (so a change of configuration alone rolls them)
    assert "~ spec.template.metadata.annotations.tricolor.dev/revision:" in result.stdout
    assert "Plan: 0 to add, 2 to change, 0 to delete" in result.stdout


def test_against_a_saved_plan(cli: Any, repo: Path, tmp_path: Path) -> None:
    saved = _plan(cli, repo, "--output", "json")
    (tmp_path / "base.json").write_text(saved.stdout)
    _edit(repo)
    result = _plan(cli, repo, "--against", str(tmp_path / "base.json"))
    assert result.exit_code == 0, result.stderr
    _assert_the_change(result.stdout)
    assert f"saved plan {tmp_path / 'base.json'}" in " ".join(result.stdout.split())


def test_against_a_state_export_and_a_diy_backend(cli: Any, repo: Path, tmp_path: Path) -> None:
    state = _state_of(cli, repo, tmp_path)
    export = {"version": 3, "deployment": state["checkpoint"]["latest"]}
    (tmp_path / "staging-export.json").write_text(json.dumps(export))
    backend = tmp_path / "backend" / ".pulumi" / "stacks" / "tricolor"
    backend.mkdir(parents=True)
    (backend / "staging.json").write_text(json.dumps(state))
    _edit(repo)
    for source in (str(tmp_path / "staging-export.json"), str(tmp_path / "backend"),
                   f"file://{tmp_path / 'backend'}"):
        result = _plan(cli, repo, "--against", source)
        assert result.exit_code == 0, (source, result.stderr)
        _assert_the_change(result.stdout)
        markdown = _plan(cli, repo, "--against", source, "--output", "markdown").stdout
        _assert_the_change(markdown)
        changes = json.loads(_plan(cli, repo, "--against", source, "--output", "json").stdout)["changes"]
        assert changes["summary"]["delete"] >= 1 and changes["against"] == source


def test_a_stack_the_backend_does_not_have_is_all_new(cli: Any, repo: Path, tmp_path: Path) -> None:
    (tmp_path / "empty" / ".pulumi" / "stacks").mkdir(parents=True)
    result = _plan(cli, repo, "--against", str(tmp_path / "empty"), "--output", "json")
    (changes,) = json.loads(result.stdout)["changes"]["stacks"]
    assert changes["change"] == changes["delete"] == 0 and changes["add"] > 5
    assert "every resource is new" in changes["base"]


def test_detailed_exitcode(cli: Any, repo: Path) -> None:
    same = _plan(cli, repo, "--against", "git:HEAD", "--detailed-exitcode")
    assert same.exit_code == 0, same.stderr
    assert "Plan: 0 to add, 0 to change, 0 to delete" in same.stdout
    _edit(repo)
    assert _plan(cli, repo, "--against", "git:HEAD", "--detailed-exitcode").exit_code == 2
    assert _plan(cli, repo, "--against", "git:HEAD").exit_code == 0
    bad = _plan(cli, repo, "--against", "git:no-such-branch", "--detailed-exitcode")
    assert bad.exit_code == 1 and "git:no-such-branch" in bad.stderr and "Traceback" not in bad.stderr
    alone = _plan(cli, repo, "--detailed-exitcode")
    assert alone.exit_code == 1 and "--against" in alone.stderr


@pytest.mark.parametrize(("content", "message"), [
    ('{"stacks": "x"}', "'stacks' must be a list"),
    ('{"stacks": [{"stack": "staging", "resources": [{"urn": "nope"}]}]}', "is not a Pulumi URN"),
    ('{"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:qa::p::t::n", "type": "t"}]}}',
     "stack 'qa', which is not planned"),
    ('{"version": 3, "deployment": null}', "deployment must be an object"),
    ("not json", "not valid JSON"),
])
def test_unreadable_sources_exit_1_naming_them(cli: Any, repo: Path, tmp_path: Path, content: str,
                                               message: str) -> None:
    path = tmp_path / "base.json"
    path.write_text(content)
    result = _plan(cli, repo, "--against", str(path))
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr and str(path) in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    missing = _plan(cli, repo, "--against", str(tmp_path / "nowhere.json"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_a_base_commit_whose_spec_does_not_render(cli: Any, repo: Path) -> None:
    (repo / "service.yaml").write_text("apiVersion: tricolor.dev/v1\nname: [broken\n")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "broken")
    _git(repo, "checkout", "-q", "HEAD~1", "--", "service.yaml")
    result = _plan(cli, repo, "--against", "git:HEAD")
    assert result.exit_code == 1
    assert "git:HEAD" in result.stderr and "do not render" in result.stderr and "HEAD:service.yaml" in result.stderr


def test_mandatory_policy_violation_is_exit_1_unless_the_gate_is_off(cli: Any, repo: Path) -> None:
    spec = yaml.safe_load((repo / "service.yaml").read_text())
    spec["image"] = "ghcr.io/acme/checkout:latest"
    (repo / "service.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    args = ["plan", "--stack", "prod", "--spec", str(repo / "service.yaml"), "--stacks-dir", str(repo / "stacks")]
    gated = cli(*args)
    assert gated.exit_code == 1
    assert "images-pinned" in gated.stdout and "mandatory" in gated.stdout  # the plan is still shown
    assert cli(*args, "--no-policy-gate").exit_code == 0
    markdown = cli(*args, "--output", "markdown")
    assert markdown.exit_code == 1
    assert "#### Policies: 2 mandatory" in markdown.stdout and "`images-pinned`" in markdown.stdout


def test_the_preview_workflow_command(cli: Any, repo: Path) -> None:
    """What the preview workflow runs on each pull request (README)."""
    _edit(repo)
    base = _git(repo, "rev-parse", "HEAD").strip()
    result = _plan(cli, repo, "--against", f"git:{base}", "--output", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("### tricolor plan: ") and f"git:{base}" in result.stdout
